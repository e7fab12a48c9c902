"""Choose a scenario (shown by `sim play` when several exist and none is named)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList
from textual.widgets.option_list import Option

from sim.ui import lengths
from sim.ui.lengths import TOO_LARGE


class PickerScreen(Screen[str]):
    BINDINGS = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, entries, summaries: dict[str, str], **kwargs):
        super().__init__(**kwargs)
        self.entries = entries
        self.summaries = summaries

    def prompt(self, entry, length: str | None = None) -> Text:
        """An entry: its title, its summary, and how long it runs once that is known."""
        text = Text(entry.title, style="bold")
        if entry.default:
            text.append("  (default)", style="dim")
        summary = self.summaries.get(str(entry.path))
        if summary:
            text.append("\n" + summary, style="dim")
        if length:
            text.append(f"\nLasts {length} (by the author's weights)", style="cyan")
        elif length == TOO_LARGE:
            text.append("\nLength: too many branches to measure here", style="dim")
        return text

    def compose(self) -> ComposeResult:
        yield Header()
        options = [Option(self.prompt(e), id=str(e.path)) for e in self.entries]
        listing = OptionList(*options, id="scenarios")
        listing.border_title = "Choose a scenario (Enter)"
        yield listing
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Diplomatic scenario simulator"
        self.query_one(OptionList).focus()
        self._measure([str(e.path) for e in self.entries])

    @work(thread=True, exclusive=True, group="lengths", exit_on_error=False)
    def _measure(self, paths: list[str]) -> None:
        """Each scenario's length, from the cache or measured in a child process (lengths.py);
        the list shows each as it comes and never waits for it. Served, only the cache is
        read: sixty browsers must not each explore every scenario."""
        from textual.worker import get_current_worker

        worker = get_current_worker()

        def each(path: str, text: str | None) -> None:
            if text is not None and not worker.is_cancelled:
                self.app.call_from_thread(self._show_length, path, text)

        lengths.measure_in_child(paths, each, lambda: worker.is_cancelled, explore=not self.app.is_web)

    def _show_length(self, path: str, text: str) -> None:
        entry = next(e for e in self.entries if str(e.path) == path)
        self.query_one(OptionList).replace_option_prompt(path, self.prompt(entry, text))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.workers.cancel_group(self, "lengths")
        self.dismiss(event.option.id)
