"""Compare two steps of the session: what differs in the state, and where the paths part."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from sim.ui import present
from sim.ui.words import plural


class CompareScreen(ModalScreen):
    DEFAULT_CSS = """
    CompareScreen { align: center middle; }
    CompareScreen > Vertical { width: 96%; height: 92%; border: thick $primary; background: $surface; }
    CompareScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape,c,q", "close", "Close")]

    def __init__(self, first: int, second: int, marked: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.first = first
        self.second = second
        self.marked = marked

    def compose(self) -> ComposeResult:
        scn, session = self.app.scenario, self.app.session
        a, b = session.step(self.first), session.step(self.second)
        what = "marked" if self.marked else "the start"
        with Vertical() as box:
            box.border_title = f"Compare step {a.id} ({what}) with step {b.id} (current)"
            info = Text()
            if not self.marked:
                info.append("No step is marked (m marks one), so this compares the start with where you are.\n", style="bold")
            info.append_text(relation(scn, session, a.id, b.id, what))
            yield Static(info)
            table = DataTable(zebra_stripes=True, cursor_type="row")
            diffs = present.differences(scn, a.node.state, b.node.state)  # the turn is a variable too
            # Fixed widths that fit the screen, rows as tall as their wrapped text: described
            # values are sentences, and a third column off-screen would hide the comparison.
            label_width = min(24, max([len("What"), *(len(d[0]) for d in diffs)]))
            value_width = max(10, (self.app.size.width * 96 // 100 - label_width - 2 * 3 - 3) // 2)
            table.add_column("What", width=label_width)
            table.add_column(f"Step {a.id} ({what})", width=value_width)
            table.add_column(f"Step {b.id} (current)", width=value_width)
            for name, left, right in diffs:
                table.add_row(*(Text(cell) for cell in (name, left, right)), height=None)
            if not diffs:
                table.add_row("(no difference)", "", "")
            yield table
        yield Footer()

    def action_close(self) -> None:
        self.dismiss()


def relation(scn, session, first: int, second: int, what: str = "marked") -> Text:
    """How two steps' paths relate: one on the way to the other, or parting after a shared start."""
    path_a, path_b = session.choices(first), session.choices(second)
    label = lambda ids: " \u2192 ".join(scn.by_id[c].label for c in ids)  # noqa: E731
    out = Text()
    if first == second:
        out.append(f"This is the {what} step.\n")
        return out
    shared = 0
    while shared < min(len(path_a), len(path_b)) and path_a[shared] == path_b[shared]:
        shared += 1
    if shared == len(path_a):
        steps = len(path_b) - shared
        out.append(f"The {what} step is on this path, {plural(steps, 'step')} back. Since then: ", style="bold")
        out.append(label(path_b[shared:]) + "\n")
    elif shared == len(path_b):
        steps = len(path_a) - shared
        out.append(f"You are on the {what} step's path, {plural(steps, 'step')} before it. From here it went: ", style="bold")
        out.append(label(path_a[shared:]) + "\n")
    else:
        out.append(f"The paths share their first {plural(shared, 'choice')}, then part.\n" if shared else "The paths part at the very first choice.\n")
        for name, rest in ((what.capitalize(), path_a[shared:]), ("Current", path_b[shared:])):
            out.append(f"{name} then: ", style="bold")
            out.append(label(rest) + "\n")
    return out
