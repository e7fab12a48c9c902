"""Help: the keys, and what the simulator is (and is not)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

HELP = """\
# How to use it

You step through how the negotiation could branch. At each turn **any side** may move:
pick a move with its **number**, or the arrow keys and **Enter**, or the mouse.
Other sides then react. When a reaction could go several ways, you see each
branch with the **weight** the scenario author gave it and a one-line reason:
pick one, or press **r** to roll (the seed is in the title bar, so a roll can be
repeated).

| Key | What it does |
|---|---|
| 1-9, Enter | choose a move or a branch |
| r | roll for a branch (seeded) |
| b, Backspace | go back one step |
| t | the branch tree: Enter on a step goes there; Enter on a dim branch takes it. In the tree, ● is where you are, ○ a branch not taken yet, ⚄ a rolled branch, ■ an ending |
| w | why: the rules that fired, the values they saw, the quotes |
| s | sources: the articles, quotes highlighted, and where they disagree |
| a | the sides: briefings, red lines, stances and how they changed |
| m, then c | mark a step, then compare it with where you are |
| x | explore every branch from here: each ending's share of the paths, by the author's weights |
| e | export this path as a Markdown transcript |
| Ctrl+S, Ctrl+O | save or open a session |
| Ctrl+P | command palette: every action, and themes (try *projector*) |
| ?, F1 | this help |
| q | quit (asks only if there is unsaved work) |

# What this is, and is not

Every position comes from one of five news articles and cites it: open **Sources**
to read the passage in context. Where the articles disagree (the Kyiv strike's toll,
what was targeted, Trump's title) every version is shown.

Each act is marked **reported** (the articles say it happened), **possible** (the
articles name it as a possibility) or **illustrative** (the author's extrapolation).

The weights on branches are the scenario author's illustrative judgement. This is a
discussion aid, **not a forecast**.
"""


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 96%; height: 94%; border: thick $primary; background: $surface; }
    HelpScreen VerticalScroll { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Help"
            with VerticalScroll():  # focused, so arrows, PageDown, Home and End scroll it
                yield Markdown(HELP)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss()
