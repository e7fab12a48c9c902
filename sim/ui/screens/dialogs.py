"""Small modal dialogs: ask for a file name, or choose between a few answers."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

DIALOG_CSS = """
Dialog, Ask { align: center middle; }
Dialog > Vertical, Ask > Vertical {
    width: 72; max-width: 95%; height: auto;
    border: thick $primary; background: $surface; padding: 1 2;
}
Dialog Label, Ask Label { width: 1fr; margin-bottom: 1; }
Ask OptionList { height: auto; }
"""


class Dialog(ModalScreen[str | None]):
    """Ask for a line of text (a file name); Enter accepts, Escape cancels."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, value: str = "", **kwargs):
        super().__init__(**kwargs)
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            field = Input(value=self.value, id="answer")
            field.cursor_blink = not self.app.is_headless  # tests and snapshots: no blinking
            yield field
            yield Label("Enter to accept \u00b7 Escape to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Ask(ModalScreen[str | None]):
    """Choose one of a few answers, by key or by arrow keys and Enter."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, answers: list[tuple[str, str, str]], **kwargs):
        """``answers``: (key, label, value) triples."""
        super().__init__(**kwargs)
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            options = [Option(Text.assemble((_key_name(key), "bold"), "  ", label), id=value) for key, label, value in self.answers]
            yield OptionList(*options, id="answers")

    def on_key(self, event) -> None:
        for key, _, value in self.answers:
            if event.key == key:
                event.stop()
                self.dismiss(value)
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _key_name(key: str) -> str:
    return {"escape": "Esc", "enter": "Enter"}.get(key, key)
