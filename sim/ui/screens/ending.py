"""An ending: what happened, how each side would judge it, and questions to discuss."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from sim.engine.model import VIEW_PHRASES, EndingInfo, Scenario
from sim.ui import present
from sim.ui.actions import BY_NAME
from sim.ui.screens.export import menu


class EndingScreen(ModalScreen):
    DEFAULT_CSS = """
    EndingScreen { align: center middle; }
    EndingScreen > Vertical { width: 96%; height: 92%; border: thick $accent; background: $surface; }
    EndingScreen VerticalScroll { padding: 0 1; }
    EndingScreen #notice { height: auto; padding: 0 1; background: $accent 40%; display: none; }
    EndingScreen #notice.-shown { display: block; }
    """
    SHOWS_NOTICES = True  # an export's "written to ..." goes here, not over the judgements
    BINDINGS = [
        Binding("escape,enter,q", "close", "Close"),
        Binding("b", "back", "Go back a step"),
        Binding("e", "app.export", BY_NAME["export"].label),  # the export menu, as on the main screen
    ]

    def __init__(self, ending: EndingInfo, **kwargs):
        super().__init__(**kwargs)
        self.ending = ending

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Ending: {self.ending.title}"
            with VerticalScroll():
                yield Static(describe(self.app.scenario, self.ending), id="ending-text")
            yield Static(id="notice")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "notice", self._show_notice, init=False)

    def _show_notice(self, notice: tuple[str, str]) -> None:
        line = self.query_one("#notice", Static)
        line.update(Text.assemble(("\u25b8 ", "bold"), notice[0]))
        line.add_class("-shown")

    def action_close(self) -> None:
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()
        self.app.back()


def describe(scn: Scenario, ending: EndingInfo) -> Text:
    out = Text()
    out.append(ending.title + "\n", style="bold")
    out.append(ending.text.strip() + "\n")
    for q in ending.quotes:
        out.append_text(present.quote_text(scn, q))
        out.append("\n")
    if ending.judgements:
        out.append("\nHow each side would judge it, by its stated positions\n", style="bold underline")
        stances = {f"{s.actor}.{s.issue}": s for s in scn.stances}
        for actor, j in ending.judgements.items():
            out.append(f"  {scn.actor_name(actor)} {VIEW_PHRASES[j.view]}. ", style="bold")
            out.append(j.reason + "\n")
            # The judgement's own quotes back its reason; without them, each cited stance's first.
            backing = j.quotes or [st.quotes[0] for st in map(stances.get, j.cites) if st is not None and st.quotes]
            for quote in backing:
                out.append("    ")
                out.append_text(present.quote_text(scn, quote))
                out.append("\n")
    if ending.prompts:
        out.append("\nTo discuss\n", style="bold underline")
        for prompt in ending.prompts:
            out.append(f"  ? {prompt}\n", style="italic")
    out.append(f"\n{scn.disclaimer}\n", style="dim")
    out.append(f"b: go back a step and try another branch\ne: export what the class takes away: {menu()}", style="dim")
    return out
