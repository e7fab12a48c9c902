"""Choose a scenario (shown by `sim play` when several exist and none is named)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList
from textual.widgets.option_list import Option


class PickerScreen(Screen[str]):
    BINDINGS = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, entries, summaries: dict[str, str], **kwargs):
        super().__init__(**kwargs)
        self.entries = entries
        self.summaries = summaries

    def compose(self) -> ComposeResult:
        yield Header()
        options = []
        for e in self.entries:
            text = Text(e.title, style="bold")
            if e.default:
                text.append("  (default)", style="dim")
            summary = self.summaries.get(str(e.path))
            if summary:
                text.append("\n" + summary, style="dim")
            options.append(Option(text, id=str(e.path)))
        listing = OptionList(*options, id="scenarios")
        listing.border_title = "Choose a scenario (Enter)"
        yield listing
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Diplomatic scenario simulator"
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
