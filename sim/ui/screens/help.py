"""Help: the keys (from the one registry of actions), and what the simulator is (and
is not), told from the open scenario: its sources, its disagreements, its sides."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from sim.ui import actions
from sim.ui.words import plural

HOW = """\
# How to use it

You choose for **every side**: at each turn, pick which side moves and what it does,
with the option's **number**, or the arrow keys and **Enter**, or the mouse. Other
sides then react. When a reaction could go several ways, you see each branch with
the **weight** the scenario author gave it and the reason: pick one, or press **r**
to roll (the seed is in the title bar, so a roll can be repeated).
"""

TREE = """\
In the tree, a path reads down a column; **●** is where you are, **▶** a step where
other branches were possible (Space or a click shows them), **○** a branch not taken
yet (Enter takes it), **⚄** a rolled branch, **■** an ending.
"""


def keys_table() -> str:
    rows = ["| Key | What it does |", "|---|---|"]
    for action in actions.ACTIONS:
        rows.append(f"| {action.keys_for_help} | {action.help} |")
    return "\n".join(rows) + "\n"


def about(scn) -> str:
    """What this is, and is not, for this scenario (its sources, disagreements and sides)."""
    from sim.ui import present  # the engine is loaded by now: a scenario is open

    n = len(scn.sources)
    sources = "one source" if n == 1 else f"{plural(n, 'source')}"
    labels = ", ".join(src.label for src in scn.sources.values())
    the = present.sources_noun(scn, definite=True)
    out = ["# What this is, and is not", ""]
    out.append(
        f"Every position comes from {sources} ({labels}) and cites it: open **Sources** (s) "
        f"to read the passage in context."
    )
    if scn.disputes:
        topics = "; ".join(d.topic for d in scn.disputes)
        out.append(f"Where {the} disagree ({topics}), every version is shown, each with its source (Sources, then d).")
    sides = [a for a in scn.actors.values() if a.kind == "side"]
    others = [a for a in scn.actors.values() if a.kind != "side"]
    out.append("")
    out.append(
        "The sides: " + ", ".join(a.name for a in sides) + "."
        + (" " + " ".join(f"{a.name} is a {a.kind}: it takes part but is not a side." for a in others) if others else "")
    )
    out.append("")
    out.append(
        "Each act is tagged by its basis. **reported**: "
        + present.basis_help(scn, "reported")
        + ". **possible**: "
        + present.basis_help(scn, "possible")
        + ". **illustrative**: "
        + present.basis_help(scn, "illustrative").split(": ", 1)[-1]
        + ". In the choices, an untagged move is reported."
    )
    out.append("")
    out.append(f"The weights on branches are the scenario author's illustrative judgement. {scn.disclaimer}")
    return "\n".join(out) + "\n"


def help_text(scn) -> str:
    parts = [HOW, keys_table(), TREE]
    if scn is not None:
        parts.append(about(scn))
    return "\n".join(parts)


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
                yield Markdown(help_text(self.app.scenario))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss()
