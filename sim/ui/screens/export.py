"""The export dialog: what to take away from this path, and where to put it.

The kinds come from :data:`sim.export.documents.KINDS`, the same registry `sim export`
offers, so the two cannot list different things. The highlighted kind is exported on
Enter to the name in the field (a folder for the role sheets, one file per side); the
field follows the highlight with that kind's default name. Nothing is overwritten: the
app writes each file to a new name and says where it went.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from sim.export.documents import EXTENSIONS, KINDS

# The dialog's order: the transcript first (what `e` has always written), then the class's documents.
ORDER = ("transcript", "handout", "roles", "notes", "tree", "graph")


def menu() -> str:
    """What the export dialog offers, by the registry's names, in the dialog's order."""
    return " \u00b7 ".join(KINDS[kind].title for kind in ORDER)


def default_target(kind: str, scenario_id: str) -> str:
    """The name the field offers for a kind: a file, or the current folder for role sheets."""
    spec = KINDS[kind]
    if kind == "roles":
        return "."
    return f"{kind}-{scenario_id}.{EXTENSIONS[spec.formats[0]]}"


class ExportScreen(ModalScreen[tuple[str, str] | None]):
    """Choose a kind (1-6, the arrows) and a name; Enter exports, Escape cancels."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 84; max-width: 96%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    ExportScreen Label { width: 1fr; }
    ExportScreen OptionList { height: auto; max-height: 8; }
    ExportScreen #kind-help { color: $text-muted; height: 2; }
    ExportScreen .hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, scenario_id: str, downloads: bool = False, **kwargs):
        """``downloads``: served in a browser, where each file is a download, never a path."""
        super().__init__(**kwargs)
        self.scenario_id = scenario_id
        self.downloads = downloads

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export: choose what to take away (1-6 or the arrows), then Enter.")
            options = []
            for i, name in enumerate(ORDER, 1):
                spec = KINDS[name]
                text = Text.assemble((f"{i} ", "bold"), (spec.title, "bold"), f"  ({spec.formats[0].upper()})")
                options.append(Option(text, id=name))
            yield OptionList(*options, id="kinds")
            yield Label(KINDS[ORDER[0]].help, id="kind-help")
            yield Label(self._field_label(ORDER[0]), id="target-label")
            field = Input(value=default_target(ORDER[0], self.scenario_id), id="target")
            field.cursor_blink = not self.app.is_headless  # tests and snapshots: no blinking
            yield field
            hint = "Your browser saves each file (see its downloads)" if self.downloads else "Never overwritten: a taken name gets -2, -3"
            yield Label(f"{hint} \u00b7 Escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @property
    def kind(self) -> str:
        index = self.query_one(OptionList).highlighted
        return ORDER[index if index is not None else 0]

    def _field_label(self, kind: str) -> str:
        if self.downloads:
            return "One download per side (the name is not used):" if kind == "roles" else "Download as:"
        return "Into the folder (one file per side):" if kind == "roles" else "To a new file:"

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit() and 1 <= int(event.character) <= len(ORDER) and not isinstance(self.focused, Input):
            event.stop()
            self.query_one(OptionList).highlighted = int(event.character) - 1

    @on(OptionList.OptionHighlighted)
    def _follow(self, event: OptionList.OptionHighlighted) -> None:
        kind = event.option.id
        self.query_one("#kind-help", Label).update(KINDS[kind].help)
        self.query_one("#target-label", Label).update(self._field_label(kind))
        self.query_one("#target", Input).value = default_target(kind, self.scenario_id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._accept()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._accept()

    def _accept(self) -> None:
        target = self.query_one("#target", Input).value.strip()
        self.dismiss((self.kind, target) if target else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
