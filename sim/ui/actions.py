"""Every action the UI offers, listed once.

The key bindings, the footer, the command palette and the Help screen are all
derived from :data:`ACTIONS`, so a key cannot be bound without being in Help, nor
listed in Help under a key that does nothing. (Harlequin keeps one such registry.)

Kept free of the engine and of pydantic: the app imports it before its first frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

APP = "app"  # bound on the app: works on every screen
MAIN = "main"  # bound on the main screen, where a session is shown


@dataclass(frozen=True, slots=True)
class UiAction:
    name: str  # the action: SimApp.action_<name> (or MainScreen's, for screen="main" and local=True)
    keys: str  # Textual key names, comma-separated; the first is shown
    label: str  # short, for the footer
    title: str  # the command palette's title
    help: str  # one line: the palette's help and the Help screen's table
    where: str = MAIN
    footer: bool = True
    palette: bool = True
    needs_session: bool = True  # disabled (and hidden from the palette) until a scenario is open
    local: bool = False  # the main screen's own action, not the app's
    help_keys: str | None = None  # how Help writes the keys, when not the bound ones

    def bindings(self) -> list[Binding]:
        """One binding per key; only the first key is shown in the footer."""
        target = self.name if self.local or self.where == APP else f"app.{self.name}"
        # The palette's key works even where a widget would take it (as Textual binds it).
        priority = self.name == "command_palette"
        return [
            Binding(key, target, self.label, show=self.footer and i == 0, key_display=_display(key), priority=priority)
            for i, key in enumerate(self.keys.split(","))
        ]

    @property
    def keys_for_help(self) -> str:
        return self.help_keys or ", ".join(_display(k) for k in self.keys.split(","))


def _display(key: str) -> str:
    return {"question_mark": "?", "backspace": "Backspace", "ctrl+s": "^s", "ctrl+o": "^o", "ctrl+p": "^p", "f1": "F1", "ctrl+q": "^q"}.get(key, key)


ACTIONS: tuple[UiAction, ...] = (
    UiAction("pick(1)", "1", "Choose", "", "choose a move or a branch by its number (two digits from 10 on), or with the arrows and Enter",
             palette=False, local=True, help_keys="1-9, 0, Enter"),
    UiAction("roll", "r", "Roll", "Roll for a branch", "pick a branch at random by the author's weights (seeded: the seed is in the title)"),
    UiAction("back", "b,backspace", "Back", "Go back one step", "return to the previous step; nothing is forgotten"),
    UiAction("tree", "t", "Tree", "The branch tree", "every step explored and every branch not taken, full screen: Enter on a step goes there, on a dim one takes it",
             local=True),
    UiAction("why", "w", "Why", "Why did this happen?", "the rules that fired, the values they saw, the quotes; at a branch point, each branch's weight and its whole reason"),
    UiAction("sources", "s", "Sources", "Sources", "read the sources, quotes highlighted, and where they disagree"),
    UiAction("actors", "a", "Sides", "The sides", "briefings, red lines, stances with quotes, and how they changed on this path"),
    UiAction("mark", "m", "Mark", "Mark this step", "remember this step, to compare another with it"),
    UiAction("compare", "c", "Compare", "Compare with the marked step", "what differs between the marked step and this one"),
    UiAction("explore", "x", "Explore", "Explore every branch from here", "each ending's share of the paths, by the author's weights (not a forecast)"),
    UiAction("export", "e", "Export", "Export: handout, role sheets, notes, tree, transcript",
             "what a class takes away: this path's handout (PDF), role sheets, teacher's notes, a picture of the tree, the transcript; in new files"),
    UiAction("zoom", "z", "Zoom", "Zoom the panel", "fill the screen with the focused panel (the story, the choices, the tree); Escape returns",
             local=True),
    UiAction("help", "question_mark,f1", "Help", "Help", "the keys, and what the simulator is (and is not)", where=APP, needs_session=False),
    UiAction("save", "ctrl+s", "Save", "Save session", "save every explored branch as a replayable file", where=APP),
    UiAction("open", "ctrl+o", "Open", "Open session", "open a saved session", where=APP, footer=False),
    UiAction("quit_app", "q,ctrl+q", "Quit", "Quit", "quit (asks only if there is unsaved work)", where=APP, needs_session=False),
    UiAction("command_palette", "ctrl+p", "Palette", "", "the command palette: every action by name, themes (try projector)",
             where=APP, palette=False, needs_session=False),
)  # fmt: skip

BY_NAME = {a.name: a for a in ACTIONS}


def bindings(where: str) -> list[Binding]:
    out = []
    for a in ACTIONS:
        if a.where != where:
            continue
        out += a.bindings()
        if a.name == "pick(1)":  # the other digits: the same action, not shown again in the footer
            out += [Binding(str(n), f"pick({n})", f"choose {n}", show=False) for n in (2, 3, 4, 5, 6, 7, 8, 9, 0)]
    return out


def digits_display(count: int) -> str:
    """The choose key as the footer shows it: "1-9", or "1-12" when twelve are on offer."""
    return f"1-{count}" if count > 9 else "1-9"


def needs_session(name: str) -> bool:
    action = BY_NAME.get(name)
    return action is not None and action.needs_session
