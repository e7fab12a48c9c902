"""The stances table: each actor's position on the key issues, red lines marked."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from sim.engine.model import Scenario
from sim.ui import present


class StancesTable(DataTable):
    """Rows are issues, columns are sides (and mediators that hold stances). Focused, the
    highlighted stance is described in full below; Enter opens that side's briefing."""

    DEFAULT_CSS = """
    StancesTable { height: 7; }
    """

    @dataclass
    class OpenActor(Message):
        """Open an actor's briefing, optionally at one issue."""

        actor: str
        issue: str | None = None

    def __init__(self, **kwargs):
        super().__init__(cursor_type="cell", zebra_stripes=False, show_cursor=True, **kwargs)
        self._sim_grid: present.StanceGrid | None = None
        self._sim_state: tuple | None = None
        self._sim_last: tuple | None = None

    def show(self, scn: Scenario, state: tuple) -> None:
        width = self.size.width or self.app.size.width
        grid = present.stance_grid(scn, state)
        self._sim_state = state
        # Most steps leave every stance as it was; a DataTable redraws all its cells on any
        # change, so skip the rebuild unless what it would show differs.
        key = (id(scn), grid.headers, grid.rows, width)
        if key == self._sim_last:
            return
        self._sim_last = key
        self._sim_grid = grid
        issue_width = min(16, max((len(title) for title, _ in grid.rows), default=8))
        # every column has one cell of padding each side; leave one for the scrollbar
        spare = width - issue_width - 2 * (len(grid.headers) + 1) - 1
        cell_width = max(6, spare // max(1, len(grid.headers)))
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        self.add_column("Issue", width=issue_width)
        for name in grid.headers:
            self.add_column(Text(present.fit(name, cell_width)), width=cell_width)
        for title, cells in grid.rows:
            self.add_row(present.fit(title, issue_width), *[present.stance_text(c, cell_width) for c in cells])
        if grid.rows:
            self.cursor_coordinate = cursor if cursor.row < len(grid.rows) else self.cursor_coordinate

    def _at(self, coordinate: Coordinate) -> tuple[str | None, str | None]:
        """(actor id, issue id) under a cell; the Issue column means the first actor."""
        grid = self._sim_grid
        if grid is None or not grid.actors:
            return None, None
        row, column = coordinate.row, coordinate.column
        actor = grid.actors[column - 1] if 1 <= column <= len(grid.actors) else grid.actors[0]
        issue = grid.issues[row] if 0 <= row < len(grid.issues) else None
        return actor, issue

    def describe_cell(self, scn: Scenario, coordinate: Coordinate) -> Text:
        actor, issue = self._at(coordinate)
        if actor is None or issue is None or self._sim_state is None:
            return Text()
        return present.stance_detail(scn, self._sim_state, actor, issue)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        actor, issue = self._at(event.coordinate)
        if actor is not None:
            self.post_message(self.OpenActor(actor, issue))
