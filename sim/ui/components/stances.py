"""The stances table: each side's position on the key issues, red lines marked."""

from __future__ import annotations

from textual.widgets import DataTable

from sim.engine.model import Scenario
from sim.ui import present
from sim.ui.messages import OpenActor


class StancesTable(DataTable):
    """Rows are issues, columns are sides. Enter on a cell opens that side's briefing."""

    DEFAULT_CSS = """
    StancesTable { height: 7; }
    """

    def __init__(self, **kwargs):
        super().__init__(cursor_type="cell", zebra_stripes=False, show_cursor=True, **kwargs)
        self._sim_actors: list[str] = []
        self._sim_issues: list[str] = []
        self._sim_last: tuple | None = None

    def show(self, scn: Scenario, state: tuple) -> None:
        width = self.size.width or self.app.size.width
        columns, rows = present.stance_grid(scn, state)
        # Most steps leave every stance as it was; a DataTable redraws all its cells on any
        # change, so skip the rebuild unless what it would show differs.
        key = (id(scn), columns, rows, width)
        if key == self._sim_last:
            return
        self._sim_last = key
        self._sim_actors = [a.id for a in scn.actors.values() if a.kind == "side"]
        self._sim_issues = [i.id for i in scn.issues.values() if i.key]
        issue_width = min(16, max((len(title) for title, _ in rows), default=8))
        # every column has one cell of padding each side; leave one for the scrollbar
        spare = width - issue_width - 2 * (len(columns) + 1) - 1
        cell_width = max(6, spare // max(1, len(columns)))
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        self.add_column("Issue", width=issue_width)
        for name in columns:
            self.add_column(name, width=cell_width)
        for title, cells in rows:
            self.add_row(present.fit(title, issue_width), *[present.stance_text(c, cell_width) for c in cells])
        if rows:
            self.cursor_coordinate = cursor if cursor.row < len(rows) else self.cursor_coordinate

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        row, column = event.coordinate.row, event.coordinate.column
        actor = self._sim_actors[column - 1] if 1 <= column <= len(self._sim_actors) else (self._sim_actors[0] if self._sim_actors else None)
        issue = self._sim_issues[row] if row < len(self._sim_issues) else None
        if actor is not None:
            self.post_message(OpenActor(actor, issue))
