"""Small modal questions the classroom screens ask: a line of text, one of a list, yes or no."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class AskText(ModalScreen[str | None]):
    """One line of text: Enter gives it (empty is allowed when ``allow_empty``), Escape cancels.

    ``check`` (optional) says what is wrong with an answer, or None: the dialog stays open and
    says it, so a mistyped answer is corrected where it was typed, not lost with the dialog."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    AskText { align: center middle; }
    AskText > Vertical { width: 76; height: auto; border: round $accent; padding: 0 1; background: $surface; }
    AskText #problem { color: $error; }
    """

    def __init__(self, title: str, placeholder: str = "", allow_empty: bool = False, max_length: int = 4000, check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.title_text, self.placeholder, self.allow_empty, self.max_length, self.check = title, placeholder, allow_empty, max_length, check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="question")
            field = Input(placeholder=self.placeholder, max_length=self.max_length, id="answer")
            field.cursor_blink = not self.app.is_headless  # tests and snapshots: no blinking
            yield field
            yield Static("", id="problem")
            yield Static("Enter: done   Escape: cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value and not self.allow_empty:
            self.query_one("#problem", Static).update("Type something first (Escape cancels).")
            return
        problem = self.check(value) if self.check is not None else None
        if problem:
            self.query_one("#problem", Static).update(f"{problem} (Escape cancels).")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseOne(ModalScreen[int | None]):
    """One item of a list, by the arrows and Enter or by its number; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")] + [Binding(str(n), f"number({n})", show=False) for n in range(1, 10)]
    DEFAULT_CSS = """
    ChooseOne { align: center middle; }
    ChooseOne > Vertical { width: 80; height: auto; max-height: 90%; border: round $accent; padding: 0 1; background: $surface; }
    ChooseOne OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, title: str, items: list[str]) -> None:
        super().__init__()
        self.title_text, self.items = title, items

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text)
            yield OptionList(*(Option(f"{i}. {item}") for i, item in enumerate(self.items, 1)))
            yield Static("Enter or a number: choose   Escape: cancel", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_number(self, n: int) -> None:
        if 1 <= n <= len(self.items):
            self.dismiss(n - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes-or-no question: y or Enter says yes; n or Escape says no."""

    BINDINGS = [Binding("y,enter", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 76; height: auto; border: round $warning; padding: 0 1; background: $surface; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Static("y: yes   n: no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
