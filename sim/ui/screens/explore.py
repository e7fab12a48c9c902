"""Explore every branch from the current step in a worker: keys never wait."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, ProgressBar, Static
from textual.worker import get_current_worker

from sim.analysis.explore import exhaustive
from sim.analysis.length import length
from sim.ui import present


MOVES_NOTE = (
    f"{present.WEIGHTS_NOTE} At each turn every move on offer counts equally (unless the author "
    "weighted them): as if each side's move were drawn at random. A share says how often the "
    "author's branches lead to an ending under that assumption; it is not how likely the ending is."
)


class Cancelled(Exception):
    pass


class ExploreScreen(ModalScreen):
    DEFAULT_CSS = """
    ExploreScreen { align: center middle; }
    ExploreScreen > Vertical { width: 90%; height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    ExploreScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape,x,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Every branch from here to the horizon"
            yield Static(MOVES_NOTE, id="note")
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Static("Exploring\u2026", id="explore-status")
            yield DataTable(id="odds", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        scn = self.app.scenario
        node = self.app.session.node
        self.depth = max(1, scn.horizon - node.turn + 1)
        self.query_one("#progress", ProgressBar).update(total=self.depth)
        self.run_exploration(node)

    @work(thread=True, exclusive=True)
    def run_exploration(self, node) -> None:
        worker = get_current_worker()
        scn = self.app.scenario

        def progress(turns: int, nodes: int) -> None:
            if worker.is_cancelled:
                raise Cancelled
            self.app.call_from_thread(self._progress, turns, nodes)

        try:
            result = exhaustive(scn, root=node, depth=self.depth, progress=progress, max_nodes=3_000_000)
        except Cancelled:
            return
        self.app.call_from_thread(self._show, result)

    def _progress(self, turns: int, nodes: int) -> None:
        self.query_one("#progress", ProgressBar).update(progress=turns)
        self.query_one("#explore-status", Static).update(f"Exploring\u2026 {nodes:,} states so far")

    def _show(self, result) -> None:
        scn = self.app.scenario
        self.query_one("#progress", ProgressBar).update(total=1, progress=1)
        status = Text(f"{result.distinct:,} distinct states explored")
        if not result.complete:
            status.append(" (stopped early: the rest counts as still running)", style="yellow")
        span = length(scn, result) if self.app.session.node.turn == 1 else None
        if span is not None and span.complete:
            status.append(f". A path lasts {span.describe()} (half the weight has ended by turn {span.typical}).")
        self.query_one("#explore-status", Static).update(status)
        table = self.query_one("#odds", DataTable)
        table.add_columns("Ending", "Share of paths")
        # Bars scaled so that 100% fills the column the table has room for: a fixed length
        # would be cut off on a small terminal, and two different shares would look equal.
        title_width = max(len(e.title) for e in scn.endings)
        room = max(4, table.size.width - title_width - 4 - 9 - 1)  # cell padding, "100.0%  ", scrollbar
        for ending in sorted(scn.endings, key=lambda e: -result.endings[e.id]):
            share = result.endings[ending.id]
            table.add_row(ending.title, f"{share * 100:5.1f}%  " + "\u2588" * round(share * room))
        if result.open:
            table.add_row("(still running at the horizon)", f"{result.open * 100:5.1f}%")
        if result.dead:
            table.add_row("(dead end)", f"{result.dead * 100:5.1f}%")

    def action_close(self) -> None:
        self.workers.cancel_all()
        self.dismiss()
