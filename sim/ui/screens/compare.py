"""Compare two steps of the session: what differs in the state, and where the paths part."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from sim.ui import present


class CompareScreen(ModalScreen):
    DEFAULT_CSS = """
    CompareScreen { align: center middle; }
    CompareScreen > Vertical { width: 96%; height: 92%; border: thick $primary; background: $surface; }
    CompareScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape,c,q", "close", "Close")]

    def __init__(self, first: int, second: int, **kwargs):
        super().__init__(**kwargs)
        self.first = first
        self.second = second

    def compose(self) -> ComposeResult:
        scn, session = self.app.scenario, self.app.session
        a, b = session.step(self.first), session.step(self.second)
        with Vertical() as box:
            box.border_title = f"Compare step {a.id} (marked) with step {b.id} (current)"
            path_a, path_b = session.choices(a.id), session.choices(b.id)
            shared = 0
            while shared < min(len(path_a), len(path_b)) and path_a[shared] == path_b[shared]:
                shared += 1
            info = Text()
            info.append(f"The paths share their first {shared} choice{'s' if shared != 1 else ''}.\n")
            for label, rest in (("Marked", path_a[shared:]), ("Current", path_b[shared:])):
                names = [scn.by_id[c].label for c in rest]
                info.append(f"{label} then: ", style="bold")
                info.append((" \u2192 ".join(names) or "(nothing more)") + "\n")
            yield Static(info)
            table = DataTable(zebra_stripes=True, cursor_type="row")
            table.add_columns("What", f"Step {a.id} (marked)", f"Step {b.id} (current)")
            diffs = present.differences(scn, a.node.state, b.node.state)
            if a.node.turn != b.node.turn:
                diffs.insert(0, ("turn", str(a.node.turn), str(b.node.turn)))
            for name, left, right in diffs:
                table.add_row(name, left, right)
            if not diffs:
                table.add_row("(no difference)", "", "")
            yield table
        yield Footer()

    def action_close(self) -> None:
        self.dismiss()
