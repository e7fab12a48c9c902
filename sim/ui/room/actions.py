"""Every key the classroom screens bind, listed once (as :mod:`sim.ui.actions` does for
the main UI): each screen's bindings and its help line are derived from :data:`ACTIONS`,
so a key cannot be bound without being listed, nor listed without doing something."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding

from sim.ui.actions import UiAction

FACILITATOR = "facilitator"
SEAT = "seat"
BOTH = "both"  # the facilitator's console and a seat's screen
HOTSEAT = "hotseat"  # the facilitator's console when every seat plays in this terminal


def _a(name: str, keys: str, label: str, help_text: str, where: str) -> UiAction:
    return UiAction(name, keys, label, label, help_text, where=where, local=True, palette=False, needs_session=False)


ACTIONS: tuple[UiAction, ...] = (
    _a("pick(1)", "1", "Choose", "choose an option by its number: a seat's order or choice; the facilitator's pick of a branch", BOTH),
    _a("pick_from_list", "0", "All options", "choose from the whole list of options, by the arrows and Enter: for one numbered above 9", BOTH),
    _a("roll", "r", "Roll", "a seat: let the author's weights decide its own branch point; the facilitator: accept the author's roll", BOTH),
    _a("jump", "j", "Next section", "move the right pane to its next section: your group's briefing, What has happened, the other sides", BOTH),
    _a("note", "n", "Note", "write a note (a seat: on one of the discussion prompts, or general)", BOTH),
    _a("start", "s", "Start/pause", "start the room, pause it, resume it", FACILITATOR),
    _a("timer", "t", "Timer", "set the round timer every seat sees (minutes, or m:ss; empty clears it)", FACILITATOR),
    _a("reveal", "v", "Reveal", "reveal this sealed round's orders (asks before letting a side that has not ordered pass)", FACILITATOR),
    _a("override", "o", "Override", "decide this branch point against the author's weights, with a stated reason", FACILITATOR),
    _a("inject", "i", "Inject", "bring one of the scenario's events in now", FACILITATOR),
    _a("weights", "w", "Weights", "show or hide the author's weights from the seats", FACILITATOR),
    _a("end", "e", "End", "end the game (notes can still be written)", FACILITATOR),
    _a("debrief", "b", "Debrief", "the debrief so far: the path, the orders once revealed, your decisions, the odds at each decision, the notes", FACILITATOR),
    _a("codes", "k", "New code", "a new code for a member who lost theirs (the old one stops working)", FACILITATOR),
    _a("hand_over", "g", "Give to a seat", "hand the keyboard to a seat's group (hot seat)", HOTSEAT),
    _a("done", "escape", "Done", "hand the keyboard back (hot seat)", "seat_hotseat"),
    _a("quit_room", "q", "Quit", "leave this screen (the room goes on without it; join again with the code)", BOTH),
)  # fmt: skip


OBSERVER = "observer"


def actions_for(where: str, hotseat: bool = False) -> list[UiAction]:
    if where == OBSERVER:  # an observer writes nothing: it can only leave
        return [a for a in ACTIONS if a.name == "quit_room"]
    wanted = {where, BOTH}
    if hotseat:
        wanted.add(HOTSEAT if where == FACILITATOR else "seat_hotseat")
    return [a for a in ACTIONS if a.where in wanted]


def bindings(where: str, hotseat: bool = False) -> list[Binding]:
    out: list[Binding] = []
    for a in actions_for(where, hotseat):
        out += a.bindings()
        if a.name == "pick(1)":
            out += [Binding(str(n), f"pick({n})", f"choose {n}", show=False) for n in (2, 3, 4, 5, 6, 7, 8, 9)]
    return out


def help_line(where: str, hotseat: bool = False, offered: Callable[[str], bool | None] | None = None) -> Text:
    """The keys a screen lists, as Textual's footer shows its bindings: ``offered(name)``
    (the screen's check_action) True shows a key, None shows it dimmed (it does nothing in
    this state), False leaves it out (it never applies in this room)."""
    out = Text()
    for a in actions_for(where, hotseat):
        state = True if offered is None else offered(a.name)
        if state is False:
            continue
        if out:
            out.append("   ")
        out.append(f"{a.keys_for_help if a.name != 'pick(1)' else '1-9'} {a.label}", style="" if state else "dim")
    return out
