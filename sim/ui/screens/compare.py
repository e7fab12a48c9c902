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
            if shared:
                info.append(f"The paths share their first {shared} choice{'s' if shared != 1 else ''}.\n")
            else:
                info.append("The paths part at the very first choice.\n" if path_a and path_b else "")
            for label, rest in (("Marked", path_a[shared:]), ("Current", path_b[shared:])):
                names = [scn.by_id[c].label for c in rest]
                info.append(f"{label} then: ", style="bold")
                info.append((" \u2192 ".join(names) or "(nothing more)") + "\n")
            yield Static(info)
            table = DataTable(zebra_stripes=True, cursor_type="row")
            diffs = present.differences(scn, a.node.state, b.node.state)  # the turn is a variable too
            # Fixed widths that fit the screen, rows as tall as their wrapped text: described
            # values are sentences, and a third column off-screen would hide the comparison.
            label_width = min(24, max([len("What"), *(len(d[0]) for d in diffs)]))
            value_width = max(10, (self.app.size.width * 96 // 100 - label_width - 2 * 3 - 3) // 2)
            table.add_column("What", width=label_width)
            table.add_column(f"Step {a.id} (marked)", width=value_width)
            table.add_column(f"Step {b.id} (current)", width=value_width)
            for name, left, right in diffs:
                table.add_row(*(Text(cell) for cell in (name, left, right)), height=None)
            if not diffs:
                table.add_row("(no difference)", "", "")
            yield table
        yield Footer()

    def action_close(self) -> None:
        self.dismiss()
