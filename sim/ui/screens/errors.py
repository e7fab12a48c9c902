"""A scenario that cannot be opened: its problems, one per line, not a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class ErrorsScreen(Screen):
    BINDINGS = [Binding("q,escape", "app.quit", "Quit")]
    DEFAULT_CSS = """
    ErrorsScreen VerticalScroll { padding: 1 2; }
    """

    def __init__(self, heading: str, lines: list[str], **kwargs):
        super().__init__(**kwargs)
        self.heading = heading
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(self.heading, classes="heading")
            yield Static("\n".join(self.lines), id="error-lines", markup=False)
            yield Static("\nFix the file and run the command again (`sim validate PATH` prints the same lines).")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "The scenario could not be opened"
