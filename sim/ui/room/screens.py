"""The classroom screens: the facilitator's console, a seat's screen, the hot seat's
hand-over screen and the landing screen (pick a room, type a code).

Every screen reads its room through :meth:`sim.room.Room.view` only, and polls
:meth:`sim.room.Room.changed` every :data:`POLL` seconds: a PRAGMA that reads shared
memory, so an idle screen costs next to nothing, and what another terminal or browser
writes shows here within about :data:`POLL` seconds. The countdown redraws once a second
while a timer runs, and not at all otherwise.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from sim.engine.vocab import possessive
from sim.room import AccessDenied, Room, RoomError, Ticket
from sim.room.state import MAX_TIMER, ROLL
from sim.room.view import View
from sim.store import rooms
from sim.store.db import StoreError
from sim.ui.room import actions, render
from sim.ui.room.dialogs import AskText, ChooseOne, Confirm

POLL = 0.2  # seconds between two looks at the store's change counter
TICK = 1.0  # seconds between two redraws of a running countdown
CODE_TOAST = 20  # seconds a new code stays on screen: time to copy it onto a slip

CSS = """
#header { height: auto; background: $panel; padding: 0 1; }
#sides { height: auto; padding: 0 1; color: $text-muted; }
#body { height: 1fr; }
#left, #right { width: 1fr; padding: 0 1; }
#asked { margin-bottom: 1; }
.section { margin-bottom: 1; }
#keys { height: auto; color: $text-muted; padding: 0 1; }
"""


class RoomScreen(Screen):
    """What the facilitator's console and a seat's screen share: the view, kept fresh."""

    DEFAULT_CSS = CSS
    WHERE = actions.SEAT

    def __init__(self, room: Room, ticket: Ticket, hotseat: bool = False) -> None:
        super().__init__()
        self.room, self.ticket, self.hotseat = room, ticket, hotseat
        self.view: View = room.view(ticket)

    def compose(self) -> ComposeResult:
        yield Static(id="header")
        yield Static(id="sides")
        with Horizontal(id="body"):
            with VerticalScroll(id="left"):
                yield from self.left()
            with VerticalScroll(id="right"):
                yield from self.right()
        yield Static(self.keys(), id="keys")

    def keys(self):
        return actions.help_line(self.WHERE, self.hotseat, self.offered)

    def offered(self, name: str) -> bool | None:
        """Whether a key of the registry does something now: True; None (shown dimmed) when it
        does nothing in this state; False (not shown) when it never applies in this room."""
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.offered("pick(1)" if action == "pick" else action)

    def left(self) -> ComposeResult:
        yield Static(id="asked", classes="section")
        yield Static(id="notes", classes="section")
        yield Static(id="record", classes="section")

    def right(self) -> ComposeResult:
        """A seat's own briefing first (short), then what has happened, then the other sides:
        the situation and the path within reach, not after every side's briefing."""
        yield Static(id="own", classes="section")
        yield Static(id="story", classes="section")
        yield Static(id="others", classes="section")

    def on_mount(self) -> None:
        self.draw()
        self.set_interval(POLL, self.poll)
        self.set_interval(TICK, self.tick)

    # --- keeping up with the room -------------------------------------------------------------

    def poll(self) -> None:
        """The cheap look: redraw only when some process wrote to this room."""
        try:
            if self.room.changed() or self.room.revision != self.view.revision:
                self.reload()
        except StoreError as exc:
            self.notify(str(exc), severity="error")

    def tick(self) -> None:
        if self.view.timer.deadline is not None and self.view.status == "running":
            self.query_one("#header", Static).update(render.header(self.view, time.time()))

    def reload(self) -> None:
        self.view = self.room.view(self.ticket)
        self.draw()

    def draw(self) -> None:
        v = self.view
        self.query_one("#header", Static).update(render.header(v, time.time()))
        self.query_one("#sides", Static).update(render.sides_line(v))
        self.query_one("#asked", Static).update(render.asked(v))
        self.query_one("#record", Static).update(render.record(v))
        self.query_one("#notes", Static).update(render.notes(v))
        own = self.query_one("#own", Static)
        own.update(render.own_briefing(v))
        own.display = v.viewer.role == "seat"
        self.query_one("#others", Static).update(render.other_briefings(v))
        self.query_one("#story", Static).update(render.story(v))
        self.query_one("#keys", Static).update(self.keys())
        self.refresh_bindings()  # what the keys do follows the state: see offered()

    def act(self, do) -> bool:
        """Do one act on the room; a refusal is said in one line, never raised."""
        try:
            do()
        except (RoomError, AccessDenied, StoreError) as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return False
        finally:
            self.reload()
        return True

    def action_pick_from_list(self) -> None:
        """The whole list of options in a dialog: the digit keys reach only the first nine."""
        options = self.view.asked.options
        if not options:
            self.notify("nothing is on offer to you now", severity="warning")
            return

        def chosen(i: int | None) -> None:
            if i is not None:
                self.action_pick(i + 1)

        self.app.push_screen(ChooseOne(self.view.asked.label, [o.listed for o in options]), chosen)

    def option(self, n: int):
        options = self.view.asked.options
        if not 1 <= n <= len(options):
            self.notify(f"nothing numbered {n} is on offer to you now", severity="warning")
            return None
        return options[n - 1]

    # --- the acts both share ------------------------------------------------------------------

    def action_jump(self) -> None:
        """The right pane's next section at its top (after the last, back to the first)."""
        pane = self.query_one("#right", VerticalScroll)
        sections = [w for w in pane.query(Static) if w.display and w.region.height]
        if not sections:
            return
        tops = [w.virtual_region.y - pane.virtual_region.y for w in sections]
        later = [i for i, top in enumerate(tops) if top > pane.scroll_y + 0.5 and top <= pane.max_scroll_y + 0.5]
        pane.scroll_to(y=tops[later[0]] if later else 0, animate=False)

    def action_note(self) -> None:
        prompts = self.view.prompts if self.view.viewer.role == "seat" else ()

        def write(prompt: str | None) -> None:
            def got(text: str | None) -> None:
                if text:
                    self.act(lambda: self.room.note(self.ticket, text, prompt))

            self.app.push_screen(AskText(f"Your note{' on: ' + prompt if prompt else ''}", "up to 4,000 characters"), got)

        if not prompts:
            write(None)
            return

        def chosen(i: int | None) -> None:
            if i is not None:
                write(prompts[i] if i < len(prompts) else None)

        self.app.push_screen(ChooseOne("A note on which discussion prompt?", [*prompts, "A general note"]), chosen)

    def action_quit_room(self) -> None:
        self.app.exit()


class SeatScreen(RoomScreen):
    """A seat: its side's briefings, everything revealed, its own order, the options."""

    BINDINGS = actions.bindings(actions.SEAT)
    WHERE = actions.SEAT

    def offered(self, name: str) -> bool | None:
        a = self.view.asked
        if name in ("pick(1)", "pick_from_list"):
            return True if a.yours and a.options else None
        if name == "roll":  # a seat rolls its own branch point; a sealed order is chosen
            return True if a.yours and a.options and a.what in ("move", "reaction") else None
        return True

    def action_pick(self, n: int) -> None:
        option = self.option(n)
        if option is None:
            return
        if self.view.asked.what == "orders":
            self.act(lambda: self.room.order(self.ticket, option.act))
        else:
            self.act(lambda: self.room.choose(self.ticket, option.act))

    def action_roll(self) -> None:
        if self.view.asked.what == "orders":
            self.notify("a sealed order is chosen, not rolled: pick one by its number", severity="warning")
            return
        self.act(lambda: self.room.choose(self.ticket, ROLL))


class HotseatSeatScreen(SeatScreen):
    """A seat's screen in a hot seat: Escape (or q) hands the keyboard back."""

    BINDINGS = actions.bindings(actions.SEAT, hotseat=True)

    def action_done(self) -> None:
        self.app.pop_screen()
        self.app.push_screen(HandOverScreen(self.room, self.view, None))

    def action_quit_room(self) -> None:
        self.action_done()


class ObserverScreen(RoomScreen):
    """An observer: only what is revealed; no acts."""

    BINDINGS = actions.bindings(actions.OBSERVER)
    WHERE = actions.OBSERVER


class FacilitatorScreen(RoomScreen):
    """The facilitator's console: run the room, rule on its branch points, see who has ordered."""

    BINDINGS = actions.bindings(actions.FACILITATOR)
    WHERE = actions.FACILITATOR

    def left(self) -> ComposeResult:
        yield Static(id="asked", classes="section")
        yield Static(id="orders", classes="section")
        yield Static(id="notes", classes="section")
        yield Static(id="record", classes="section")

    def draw(self) -> None:
        super().draw()
        if self.hotseat:  # the whole class sees this screen: orders stay sealed here too
            text = Text("Orders are sealed until the reveal: ", style="bold")
            text.append(", ".join(render.side_name(self.view, s) for s in self.view.ordered) + " ordered" if self.view.ordered else "none given yet")
            self.query_one("#orders", Static).update(text if self.view.asked.what == "orders" else "")
        else:
            self.query_one("#orders", Static).update(render.orders(self.view))
        for notice in self.view.notices[-3:]:
            self.notify(notice, severity="warning")

    def offered(self, name: str) -> bool | None:
        a = self.view.asked
        ruling = a.yours and bool(a.options) and a.what in ("move", "reaction", "chance")
        if name in ("pick(1)", "pick_from_list", "roll", "override"):
            return True if ruling else None
        if name == "reveal":  # only a sealed room has orders to reveal
            if self.view.turns != "sealed":
                return False
            return True if a.what == "orders" and a.yours else None
        return True

    def action_start(self) -> None:
        status = self.view.status
        if status == "waiting":
            self.act(lambda: self.room.start(self.ticket))
        elif status == "running":
            self.act(lambda: self.room.pause(self.ticket))
        elif status == "paused":
            self.act(lambda: self.room.resume(self.ticket))
        else:
            self.notify("the game has ended", severity="warning")

    def game_over(self) -> bool:
        """Say so when the game has ended (by the facilitator, or at an ending): no dialog
        opens for an act the room would refuse."""
        if self.view.status == "ended":
            self.notify("the game has ended", severity="warning")
            return True
        return False

    def action_timer(self) -> None:
        if self.game_over():
            return

        def got(text: str | None) -> None:
            if text is not None:  # the dialog let only a time (or empty: clear) through
                self.act(lambda: self.room.set_timer(self.ticket, parse_minutes(text)))

        self.app.push_screen(AskText("Round timer: minutes (5) or m:ss (2:30); empty clears it", "5", allow_empty=True, max_length=10, check=timer_problem), got)

    def action_reveal(self) -> None:
        try:
            self.room.reveal(self.ticket)
        except RoomError as exc:
            if "waiting for orders" not in str(exc):
                self.notify(str(exc), severity="error", timeout=6)
                self.reload()
                return

            def answer(yes: bool | None) -> None:
                if yes:
                    self.act(lambda: self.room.reveal(self.ticket, force=True))

            self.reload()  # the question names who has not ordered, as the room stands now

            self.app.push_screen(Confirm(render.reveal_question(self.view)), answer)
            return
        except (AccessDenied, StoreError) as exc:
            self.notify(str(exc), severity="error", timeout=6)
        self.reload()

    def action_pick(self, n: int) -> None:
        if self.view.asked.what == "orders":
            self.notify("the seats give their orders; reveal them with v", severity="warning")
            return
        option = self.option(n)
        if option is not None:
            self.act(lambda: self.room.adjudicate(self.ticket, "pick", option.act))

    def action_roll(self) -> None:
        self.act(lambda: self.room.adjudicate(self.ticket, "roll"))

    def action_override(self) -> None:
        options = self.view.asked.options
        if not options or self.view.asked.what == "orders":
            self.notify("no branch point to override here", severity="warning")
            return

        def chosen(i: int | None) -> None:
            if i is None:
                return

            def reason(text: str | None) -> None:
                if text:
                    self.act(lambda: self.room.adjudicate(self.ticket, "override", options[i].act, text))

            self.app.push_screen(AskText(f"Override: {options[i].label}. Your reason (required, recorded on the path)", max_length=500), reason)

        self.app.push_screen(ChooseOne("Override the author's weights: which branch?", [o.listed for o in options]), chosen)

    def action_inject(self) -> None:
        if self.game_over():
            return
        events = self.view.asked.injectable
        if not events:
            self.notify("no event can be brought in here (only where a side decides, before anyone has chosen)", severity="warning")
            return

        def chosen(i: int | None) -> None:
            if i is None:
                return

            def reason(text: str | None) -> None:
                if text is not None:
                    self.act(lambda: self.room.inject(self.ticket, events[i][0], text or None))

            self.app.push_screen(AskText(f"Bring in: {events[i][1]}. A reason (optional)", allow_empty=True, max_length=500), reason)

        question = "Bring which event in now?"
        if self.view.ordered:  # the room voids them (sim.room.state): say so before, not after
            names = ", ".join(self.view.scenario.actor_name(side) for side in self.view.ordered)
            question += f" It sets aside the orders given this round ({names}): the groups order again."
        self.app.push_screen(ChooseOne(question, [label for _, label in events]), chosen)

    def action_weights(self) -> None:
        self.act(lambda: self.room.show_weights(self.ticket, not self.view.weights_visible))
        self.notify("the groups now see the author's weights" if self.view.weights_visible else "the author's weights are hidden from the groups")

    def action_end(self) -> None:
        if self.game_over():
            return

        def got(text: str | None) -> None:
            if text is not None:
                self.act(lambda: self.room.end(self.ticket, text or None))

        self.app.push_screen(AskText("End the game? A reason (optional); Escape keeps playing", allow_empty=True, max_length=500), got)

    def action_debrief(self) -> None:
        from sim.ui.room.debrief import DebriefScreen  # the explorer is imported only when asked for

        self.app.push_screen(DebriefScreen(self.room))

    def action_codes(self) -> None:
        members = [("facilitator", None, "the facilitator")] + [("seat", s.id, f"{possessive(s.name)} group") for s in self.view.sides if s.seated] + [("observer", None, "the observers")]

        def chosen(i: int | None) -> None:
            if i is None:
                return
            role, side, name = members[i]
            try:
                code = self.room.reissue(self.ticket, role, side)
            except (RoomError, AccessDenied, StoreError) as exc:
                self.notify(str(exc), severity="error")
                return
            # shown as every code is printed (ABCD-EFGH), for long enough to copy it down
            self.notify(f"New code for {name}: {rooms.shown(code)} (the old one no longer works; this one is not shown again)", timeout=CODE_TOAST)

        self.app.push_screen(ChooseOne("A new code for whom? (the old one stops working)", [m[2] for m in members]), chosen)


class HotseatFacilitatorScreen(FacilitatorScreen):
    """The facilitator's console when every seat plays in this terminal (``--hotseat``)."""

    BINDINGS = actions.bindings(actions.FACILITATOR, hotseat=True)

    def action_hand_over(self) -> None:
        seats = self.app.seat_tickets
        sides = [s for s in self.view.sides if s.id in seats]

        def label(s) -> str:
            if s.due and not s.ordered:
                return f"{s.name} (to order)"
            return f"{s.name} (deciding)" if s.deciding else s.name

        def chosen(i: int | None) -> None:
            if i is not None:
                self.app.push_screen(HandOverScreen(self.room, self.view, sides[i].id))

        self.app.push_screen(ChooseOne("Give the keyboard to which group?", [label(s) for s in sides]), chosen)


class HandOverScreen(Screen):
    """Between two groups at one keyboard: names who takes it, shows nothing of any side's."""

    BINDINGS = [Binding("enter", "go", "Continue"), Binding("escape", "back", "Back")]
    DEFAULT_CSS = "HandOverScreen { align: center middle; } HandOverScreen > Static { width: 90; border: round $accent; padding: 1 2; }"

    def __init__(self, room: Room, view: View, side: str | None) -> None:
        super().__init__()
        self.room, self.side = room, side
        if side is None:
            self.text = Text("Facilitator: your console\n\n", style="bold")
            self.text.append("Pass the keyboard back to the facilitator, then press Enter.")
        else:
            self.text = render.hand_over(view, side)

    def compose(self) -> ComposeResult:
        yield Static(self.text, id="handover")
        yield Footer()

    def action_go(self) -> None:
        self.app.pop_screen()
        if self.side is not None:
            self.app.push_screen(HotseatSeatScreen(self.room, self.app.seat_tickets[self.side], hotseat=True))

    def action_back(self) -> None:
        if self.side is not None:  # back to the console, nothing shown
            self.app.pop_screen()


class LandingScreen(Screen):
    """Join a room: pick it from the rooms in the store (unless the command named one),
    then type the code the teacher gave you. A wrong code is said, and nothing else."""

    BINDINGS = [Binding("escape", "back", "Back"), Binding("ctrl+q", "quit", "Quit")]
    DEFAULT_CSS = """
    LandingScreen { align: center middle; }
    LandingScreen > Vertical { width: 90; height: auto; max-height: 95%; border: round $accent; padding: 0 1; }
    LandingScreen OptionList { height: auto; max-height: 16; }
    LandingScreen #problem { color: $error; }
    """

    def __init__(self, store, room_id: int | None = None) -> None:
        super().__init__()
        self.store, self.room_id = store, room_id
        self.rooms: list = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Join a class", style="bold"))
            yield Static("", id="lead")
            yield OptionList(id="rooms")
            code = Input(placeholder="ABCD-EFGH", max_length=20, id="code")
            code.cursor_blink = not self.app.is_headless  # tests and snapshots: no blinking
            yield code
            yield Static("", id="problem")
            yield Static("Your code is on the slip your teacher gave you. It says which group you play (or that you run the room).", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        if self.room_id is None:
            self.show_rooms()
        else:
            self.ask_code()

    def show_rooms(self) -> None:
        self.room_id = None
        self.rooms = [r for r in rooms.listing(self.store) if r.status != "ended" and r.ending is None]
        listed = self.query_one("#rooms", OptionList)
        listed.clear_options()
        listed.display = True
        self.query_one("#code", Input).display = False
        if not self.rooms:
            self.query_one("#lead", Static).update("No class is open on this machine yet: ask your teacher to create the room (sim class SCENARIO), then reload this page.")
            listed.display = False
            return
        self.query_one("#lead", Static).update("Pick your class's room (arrows and Enter):")
        listed.add_options([Option(f"Room {r.id}: {r.title} ({r.scenario}, {render.room_stage(r.status, r.turn)})") for r in self.rooms])
        listed.highlighted = 0
        listed.focus()
        self.refresh_bindings()  # Back has nowhere to go from the list: hidden

    def ask_code(self) -> None:
        self.query_one("#rooms", OptionList).display = False
        code = self.query_one("#code", Input)
        code.display = True
        self.query_one("#lead", Static).update(f"Room {self.room_id}: type your code and press Enter")
        code.value = ""
        code.focus()
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.room_id = self.rooms[event.option_index].id
        self.query_one("#problem", Static).update("")
        self.ask_code()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self.query_one("#problem", Static)
        try:
            room = Room.open(self.store, self.room_id)
            ticket = room.join(event.value)
        except AccessDenied:
            problem.update("That code does not open this room. Check it (the letters O, I and L are never used) and try again.")
            event.input.value = ""
            return
        except KeyError:
            problem.update(f"There is no room {self.room_id} on this machine.")
            return
        except (RoomError, StoreError) as exc:
            problem.update(render.one_line(str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a scenario that no longer loads (InputError): said, not raised
            problem.update(render.one_line(f"this room's scenario cannot be opened: {exc}"))
            return
        self.app.open_member(room, ticket)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Back is offered only where it goes somewhere: from the code back to the list of
        rooms (not on the list itself, nor when the command named the room)."""
        if action == "back":
            return self.room_id is not None and self.app.room_id is None
        return True

    def action_back(self) -> None:
        if self.room_id is not None and self.app.room_id is None:
            self.query_one("#problem", Static).update("")
            self.show_rooms()

    def action_quit(self) -> None:
        self.app.exit()


def parse_minutes(text: str) -> float | None:
    """'5' -> 300.0, '2:30' -> 150.0, '' -> None (clear the timer). Raises ValueError saying
    what is wrong with anything else (the timer dialog shows it)."""
    text = text.strip()
    if not text:
        return None
    try:
        if ":" in text:
            minutes, _, seconds = text.partition(":")
            whole, secs = int(minutes or 0), int(seconds)
            if not 0 <= secs < 60:
                raise ValueError("the seconds after the colon go from 00 to 59")
            value = float(whole * 60 + (secs if whole >= 0 else -secs))
        else:
            value = float(text) * 60
    except ValueError as exc:
        if "colon" in str(exc):
            raise
        raise ValueError(f"'{text}' is not a number of minutes: type 5, or 2:30 for two and a half") from None
    if value != value or value in (float("inf"), float("-inf")):  # nan, inf
        raise ValueError(f"'{text}' is not a number of minutes: type 5, or 2:30 for two and a half")
    if value < 0:
        raise ValueError("a timer cannot run for a negative time")
    if value < 1:
        raise ValueError("a timer runs for at least 1 second")
    if value > MAX_TIMER:
        raise ValueError(f"a timer runs for at most {MAX_TIMER // 3600} hours ({MAX_TIMER // 60} minutes)")
    return value


def timer_problem(text: str) -> str | None:
    """What is wrong with a typed time, or None: the timer dialog's check."""
    try:
        parse_minutes(text)
    except ValueError as exc:
        return str(exc)
    return None
