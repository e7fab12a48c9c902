"""The classroom screens (sim.ui.room) driven with Pilot: the facilitator's console, a seat's
screen, the hot seat's hand-over, the landing screen. Other members act through the Room
API, as another process would, and the screen must show it by its own polling."""

from __future__ import annotations

import pytest
from _rooms import river

from sim.room import Room, create_room
from sim.room.debrief import debrief, markdown
from sim.store.db import Store
from sim.ui.room.app import RoomApp
from sim.ui.room.screens import FacilitatorScreen, HandOverScreen, HotseatSeatScreen, LandingScreen, SeatScreen

SIZE = (120, 40)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "state" / "sessions.db")
    yield s
    s.close()


class Table:
    def __init__(self, store, scenario):
        self.store, self.scenario = store, scenario
        self.created = create_room(store, scenario, seed=3)
        self.room = Room.open(store, self.created.room, scenario)
        self.codes = self.created.codes
        self.f = self.room.join(self.codes.facilitator)
        self.seat = {s: self.room.join(c) for s, c in self.codes.seats.items()}


@pytest.fixture
def sealed(store, tmp_path):
    return Table(store, river(tmp_path, "sealed"))


@pytest.fixture
def rounds(store, tmp_path):
    return Table(store, river(tmp_path, "rounds"))


def shown(app) -> str:
    """Every Static on the current screen, as plain text."""
    from textual.widgets import OptionList, Static

    lists = [str(o.prompt) for w in app.screen.query(OptionList) for o in w.options]
    return "\n".join([*(str(w.render()) for w in app.screen.query(Static)), *lists])


async def until(pilot, test, timeout=3.0):
    """Let the app run (its polling included) until ``test()`` holds."""
    for _ in range(int(timeout / 0.05)):
        if test():
            return
        await pilot.pause(0.05)
    assert test(), shown(pilot.app)


async def test_the_console_starts_the_room_and_sees_who_ordered_never_needing_a_key(sealed):
    t = sealed
    app = RoomApp(t.store, room=t.room, ticket=t.f)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, FacilitatorScreen)
        assert "not started" in shown(app)
        await pilot.press("s")
        assert t.room.view(t.f).status == "running"
        await until(pilot, lambda: "running" in shown(app))
        # a seat orders from elsewhere: the console shows it by its own polling
        t.room.order(t.seat["upstream"], "up_build")
        await until(pilot, lambda: "Upstream State: ordered" in shown(app))
        assert "Upstream State: Build the next stage" in shown(app)  # the facilitator sees what
        await pilot.press("v")  # the others have not ordered: it asks before letting them pass
        await until(pilot, lambda: "Reveal now?" in shown(app))
        # what the reveal will do, said plainly
        assert "Downstream State has not given an order this round. If you reveal now, it passes, and the orders given apply in the turn order." in shown(app)
        await pilot.press("y")
        await until(pilot, lambda: "Turn 1, revealed:" in shown(app))
        assert "Downstream State: Passes this round (the group gave no order)" in shown(app)  # passing said once, and why
        view = t.room.view(t.f)
        assert view.rounds and view.rounds[0].given[0].act == "up_build"
        # the timer, the weights and the end, by their keys
        await pilot.press("t", *"2:30", "enter")
        await until(pilot, lambda: t.room.view(t.f).timer.deadline is not None)
        assert 140 < t.room.view(t.f).timer.left(__import__("time").time()) <= 150
        await until(pilot, lambda: "left" in str(app.screen.query_one("#header").render()))
        await pilot.press("t", *"soon", "enter")  # not a time: said in the dialog, nothing written
        await until(pilot, lambda: "'soon' is not a number of minutes" in shown(app))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, FacilitatorScreen))
        assert t.room.view(t.f).timer.deadline is not None
        assert not t.room.view(t.seat["broker"]).weights_visible
        await pilot.press("w")
        await until(pilot, lambda: t.room.view(t.seat["broker"]).weights_visible)
        await pilot.press("e", *"Out of time", "enter")
        await until(pilot, lambda: "The facilitator ended the game: Out of time" in shown(app))
        assert shown(app).count("Out of time") == 1  # said once
        assert t.room.view(t.seat["broker"]).status == "ended"


async def test_a_seat_orders_sees_its_own_briefing_only_and_the_weights_only_when_shown(sealed):
    t = sealed
    t.room.start(t.f)
    app = RoomApp(t.store, room=t.room, ticket=t.seat["downstream"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SeatScreen)
        text = shown(app)
        assert "DOWNSTREAM-PRIVATE-WANTS" in text
        assert "UPSTREAM-PRIVATE" not in text and "BROKER-PRIVATE" not in text
        assert "weight" not in text
        await pilot.press("2")
        await until(pilot, lambda: "Your order (sealed until the reveal" in shown(app))
        assert t.room.view(t.seat["downstream"]).my_order.act == "down_talk"
        assert "Accept talks" in shown(app)
        t.room.show_weights(t.f, True)
        await until(pilot, lambda: "weight 1" in shown(app))
        assert "not a forecast" in shown(app)
        # the facilitator sets a timer: every seat sees it count down
        t.room.set_timer(t.f, 300)
        await until(pilot, lambda: "left" in str(app.screen.query_one("#header").render()))
        # a note on the prompt, once it is raised (downstream accepts talks: the prompt fires at the reveal)
        t.room.reveal(t.f, force=True)
        await until(pilot, lambda: "Discussion prompts" in shown(app))
        await pilot.press("n")
        await pilot.press("1")
        await pilot.press(*"We want the summer flow", "enter")
        await until(pilot, lambda: "We want the summer flow" in shown(app))
        note = t.room.view(t.f).notes[-1]
        assert note.text == "We want the summer flow" and note.prompt == t.room.view(t.f).prompts[0]


async def test_the_facilitator_overrides_with_a_reason_and_injects_an_event(rounds):
    t = rounds
    t.room.start(t.f)
    t.room.choose(t.seat["upstream"], "up_build")  # downstream's reaction is now the branch point
    app = RoomApp(t.store, room=t.room, ticket=t.f)
    async with app.run_test(size=SIZE) as pilot:
        assert "Downstream answers the new stage" in shown(app)
        await pilot.press("o")
        await pilot.press("2")  # accepts it under protest: against the author's weights
        await pilot.press(*"The class argued for restraint", "enter")
        await until(pilot, lambda: "overrode the author's weights: The class argued for restraint" in shown(app))
        # a side decides now, nobody has chosen this round: an event can come in
        await until(pilot, lambda: bool(t.room.view(t.f).asked.injectable))
        await pilot.press("i", "1", "enter")
        await until(pilot, lambda: any(d.ruling == "inject" for d in t.room.view(t.f).decisions))


async def test_the_console_shows_the_debrief_with_the_override_and_the_notes_and_goes_back(rounds):
    from textual.widgets import Markdown

    from sim.ui.room.debrief import DebriefScreen

    t = rounds
    t.room.start(t.f)
    t.room.choose(t.seat["upstream"], "up_build")
    t.room.adjudicate(t.f, "override", "accepts", reason="The class argued for a firmer answer")
    prompt = t.room.view(t.seat["downstream"]).prompts[0] if t.room.view(t.seat["downstream"]).prompts else None
    t.room.note(t.seat["downstream"], "We would have gone to the broker first", prompt=prompt)
    app = RoomApp(t.store, room=t.room, ticket=t.f)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        assert isinstance(app.screen, DebriefScreen)
        await until(pilot, lambda: "as the room stands now" in shown(app), timeout=30)
        text = shown(app)
        assert "Debrief: A river shared by three states (rounds)" in text
        assert "The class argued for a firmer answer" in text  # the facilitator's decision, with its reason
        assert "We would have gone to the broker first" in text  # a group's note
        assert app.screen.query_one(Markdown).source == markdown(debrief([t.room.state]))  # the text sim rooms debrief writes
        await pilot.press("escape")
        assert isinstance(app.screen, FacilitatorScreen)


async def test_the_hot_seat_hands_over_without_showing_another_sides_briefing(sealed):
    t = sealed
    app = RoomApp(t.store, room=t.room, ticket=t.f, seats=t.seat)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        t.room.order(t.seat["upstream"], "up_build")
        await pilot.press("g")
        await until(pilot, lambda: "Give the keyboard to which group?" in shown(app))
        await pilot.press("2")  # downstream
        await until(pilot, lambda: isinstance(app.screen, HandOverScreen))
        text = shown(app)
        assert "Downstream State's group: your orders" in text
        assert "PRIVATE" not in text and "Build the next stage" not in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HotseatSeatScreen))
        text = shown(app)
        assert "DOWNSTREAM-PRIVATE" in text and "UPSTREAM-PRIVATE" not in text
        assert "Build the next stage" not in text  # upstream's pending order stays sealed
        await pilot.press("1")
        await until(pilot, lambda: "Your order" in shown(app))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HandOverScreen) and "Facilitator: your console" in shown(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FacilitatorScreen))
        text = shown(app)
        assert "Orders are sealed until the reveal: Upstream State, Downstream State ordered" in text
        assert "Build the next stage" not in text and "Protest at the UN" not in text  # the class watches this screen


async def test_the_landing_screen_takes_a_code_and_refuses_a_wrong_one(sealed):
    t = sealed
    app = RoomApp(t.store)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LandingScreen)
        await until(pilot, lambda: f"Room {t.created.room}: A river shared" in shown(app))
        await pilot.press("enter")  # the first (only) room
        await pilot.press(*"2222-2222", "enter")
        await until(pilot, lambda: "That code does not open this room" in shown(app))
        await pilot.press(*t.codes.seats["broker"].lower(), "enter")
        await until(pilot, lambda: isinstance(app.screen, SeatScreen))
        assert "BROKER-PRIVATE" in shown(app)


def test_snapshot_the_facilitators_console(snap_compare, sealed):
    t = sealed
    t.room.start(t.f)
    t.room.order(t.seat["downstream"], "down_talk")
    assert snap_compare(RoomApp(t.store, room=t.room, ticket=t.f), terminal_size=SIZE)


def test_snapshot_a_seats_screen(snap_compare, sealed):
    t = sealed
    t.room.start(t.f)
    t.room.order(t.seat["upstream"], "up_build")
    assert snap_compare(RoomApp(t.store, room=t.room, ticket=t.seat["upstream"]), terminal_size=SIZE)


async def test_an_observer_sees_what_is_revealed_and_is_offered_no_act(sealed):
    t = sealed
    t.room.start(t.f)
    t.room.order(t.seat["upstream"], "up_build")
    observer = t.room.join(t.codes.observer)
    app = RoomApp(t.store, room=t.room, ticket=observer)
    async with app.run_test(size=SIZE) as pilot:
        text = shown(app)
        assert "Observer · room" in text and "Upstream State: ordered" in text
        assert "PRIVATE" not in text and "Build the next stage" not in text
        assert str(app.screen.query_one("#keys").render()).strip() == "q Quit"
        await pilot.press("1", "n", "r")  # nothing bound: nothing happens, nothing is written
        await pilot.pause(0.3)
        assert t.room.revision == t.room.view(t.f).revision == 2


def test_every_key_listed_on_a_screen_is_bound_there_and_the_other_way_round():
    from sim.ui.room import actions
    from sim.ui.room.screens import HotseatFacilitatorScreen, ObserverScreen

    for cls in (FacilitatorScreen, HotseatFacilitatorScreen, SeatScreen, HotseatSeatScreen, ObserverScreen):
        listed = {a.name for a in actions.actions_for(cls.WHERE, cls in (HotseatFacilitatorScreen, HotseatSeatScreen))}
        bound = {b.action for klass in cls.__mro__ if klass.__module__ == "sim.ui.room.screens" for b in klass.__dict__.get("BINDINGS", []) if not b.action.startswith("pick(") or b.action == "pick(1)"}
        assert listed == bound, cls.__name__
        for name in listed:
            assert hasattr(cls, f"action_{name.partition('(')[0]}"), (cls.__name__, name)


async def test_a_seat_with_more_than_nine_options_reaches_every_one_from_the_list(store, tmp_path):
    """The digit keys reach the first nine options; `0` lists them all (another negotiation
    may well offer a side a dozen moves)."""
    from _rooms import river_text
    from _support import add_article

    from sim.format import load_scenario

    proposals = "".join(
        f"  br_formula_{i}: {{actor: broker, label: Propose sharing formula {i}, type: CONSULT, basis: illustrative, effects: [trust += 1]}}\n"
        for i in range(1, 13)
    )
    add_article(tmp_path)
    path = tmp_path / "river_many.yaml"
    path.write_text(river_text("sealed").replace("reactions:\n", proposals + "reactions:\n", 1), encoding="utf-8")
    t = Table(store, load_scenario(path))
    t.room.start(t.f)
    broker = t.seat["broker"]
    offered = t.room.view(broker).asked.options
    assert len(offered) == 13 and offered[-1].kind == "pass"
    app = RoomApp(t.store, room=t.room, ticket=broker)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SeatScreen)
        await pilot.press("0")
        await until(pilot, lambda: "13. " + offered[-1].label in shown(app))
        await pilot.press("end", "enter")  # the last, out of the digits' reach
        await until(pilot, lambda: bool(t.room.view(t.f).orders))
        assert [(side, option.act) for side, option in t.room.view(t.f).orders] == [("broker", offered[-1].act)]


async def test_when_time_is_up_each_screen_says_what_it_asks_of_it(sealed):
    """Nothing happens by itself at zero: the console says v reveals, a group that has not
    ordered is told to, one that has is not."""
    t = sealed
    t.room.start(t.f)
    t.room.order(t.seat["upstream"], "up_build")
    t.room.set_timer(t.f, 1)
    for ticket, says, never in (
        (t.f, "time is up: v reveals the orders", "give your order now"),
        (t.seat["downstream"], "time is up: give your order now", "v reveals"),
        (t.seat["upstream"], "time is up", "give your order now"),
    ):
        app = RoomApp(t.store, room=t.room, ticket=ticket)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda says=says: says in shown(app), timeout=5.0)
            assert never not in shown(app)


async def test_the_timer_dialog_keeps_a_bad_time_open_and_says_what_is_wrong(sealed):
    """Not a number, zero, negative, huge: the dialog stays, says why, and nothing is written."""
    from textual.widgets import Input, Static

    from sim.ui.room.dialogs import AskText

    t = sealed
    t.room.start(t.f)
    app = RoomApp(t.store, room=t.room, ticket=t.f)
    async with app.run_test(size=SIZE) as pilot:
        revision = t.room.revision
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, AskText))
        for typed, says in (("soon", "'soon' is not a number of minutes"), ("0", "at least 1 second"), ("-5", "negative"),
                            ("99999", "at most 24 hours"), ("nan", "not a number of minutes"), ("2:75", "00 to 59")):  # fmt: skip
            app.screen.query_one(Input).value = ""
            await pilot.press(*typed, "enter")
            await until(pilot, lambda says=says: says in str(app.screen.query_one("#problem", Static).render()))
            assert isinstance(app.screen, AskText), typed
        assert t.room.revision == revision  # nothing was written
        app.screen.query_one(Input).value = ""
        await pilot.press(*"1:30", "enter")
        await until(pilot, lambda: isinstance(app.screen, FacilitatorScreen))
        assert t.room.view(t.f).timer.deadline is not None


async def test_on_an_ended_room_inject_and_end_say_the_game_has_ended(rounds):
    t = rounds
    t.room.start(t.f)
    t.room.end(t.f, "the bell rang")
    app = RoomApp(t.store, room=t.room, ticket=t.f)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("i", "e", "t"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause(0.1)
            assert isinstance(app.screen, FacilitatorScreen), key  # no dialog opened
            assert [n.message for n in app._notifications] == ["the game has ended"], key
        assert t.room.view(t.f).ended_reason == "the bell rang"


async def test_a_new_code_is_shown_with_its_dash_long_enough_to_copy_it_down(sealed):
    import re

    t = sealed
    app = RoomApp(t.store, room=t.room, ticket=t.f)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        await until(pilot, lambda: "A new code for whom?" in shown(app))
        await pilot.press("2")  # the first seat: Upstream State's group
        await until(pilot, lambda: any("New code for" in n.message for n in app._notifications))
        (note,) = [n for n in app._notifications if "New code for" in n.message]
        assert note.message.startswith("New code for Upstream State's group: ")
        code = re.search(r": ([A-Z0-9]{4}-[A-Z0-9]{4}) ", note.message).group(1)  # as codes are printed everywhere
        assert note.timeout == 20
        assert t.room.join(code).member.side == "upstream"


def test_the_story_pane_tells_the_path_as_a_class_reads_it(rounds):
    """A group's story pane is the open table's story, not the analysts' transcript: who did
    what with its basis, what changed by its label and an arrow, the facilitator's ruling
    with the reason given; no event-category tags, no 'name: a -> b' variable lines."""
    from sim.export.transcript import text
    from sim.ui.room import render

    t = rounds
    t.room.start(t.f)
    t.room.choose(t.seat["upstream"], "up_build")
    t.room.adjudicate(t.f, "override", "accepts", "The class argued for restraint")
    seat = t.room.view(t.seat["downstream"])
    pane = render.story(seat).plain
    assert "Upstream State: Build the next stage" in pane
    assert "dam: 0 \u2192 1" in pane
    assert "Decided by the facilitator (overrode the author's weights: The class argued for restraint)." in pane
    transcript = text(seat.story)  # what the pane showed before: the analysts' tags and ids
    assert "MOBILIZE" in transcript and "dam: 0 -> 1" in transcript
    assert "MOBILIZE" not in pane and "dam: 0 -> 1" not in pane


async def test_the_room_picker_says_what_the_rooms_screen_says_and_offers_back_only_where_it_goes(sealed):
    """A room not started is 'not started' (its own screen says turn 1; the store says 0):
    no 'turn 0'. Back is not offered on the list of rooms (it has nowhere to go), only once
    a room is picked, where it goes back to the list."""
    from textual.widgets._footer import FooterKey

    t = sealed

    def footer_keys(app) -> set[str]:
        return {k.key for k in app.screen.query(FooterKey)}

    app = RoomApp(t.store)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: f"Room {t.created.room}: A river shared" in shown(app))
        assert "(river_sealed, not started)" in shown(app) and "turn 0" not in shown(app)
        await pilot.pause(0.1)
        assert "escape" not in footer_keys(app)
        await pilot.press("enter")
        await until(pilot, lambda: "type your code" in shown(app))
        await until(pilot, lambda: "escape" in footer_keys(app))
        await pilot.press("escape")
        await until(pilot, lambda: "Pick your class's room" in shown(app))
        await until(pilot, lambda: "escape" not in footer_keys(app))
    t.room.start(t.f)
    app = RoomApp(t.store)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "(river_sealed, turn 1, running)" in shown(app))


def test_a_failed_order_says_it_failed_when_its_turn_came_not_at_the_reveal(store, tmp_path):
    """Orders apply in turn order after the reveal: an order can fail after the reveal, when
    an earlier side's order (or a reaction to it) has changed the world."""
    from _rooms import river_text
    from _support import add_article

    from sim.format import load_scenario
    from sim.ui.room.render import record

    survey = "  down_survey: {actor: downstream, label: Survey the empty valley, type: CONSULT, basis: illustrative, when: dam == 0, effects: [trust += 1]}\n"
    add_article(tmp_path)
    path = tmp_path / "river_survey.yaml"
    path.write_text(river_text("sealed").replace("reactions:\n", survey + "reactions:\n", 1), encoding="utf-8")
    t = Table(store, load_scenario(path))
    t.room.start(t.f)
    t.room.order(t.seat["upstream"], "up_build")
    t.room.order(t.seat["downstream"], "down_survey")
    t.room.reveal(t.f)
    v = t.room.view(t.f)
    if v.asked.what == "reaction":
        t.room.choose(t.seat["downstream"], v.asked.options[0].act)
    told = record(t.room.view(t.seat["broker"])).plain
    assert "Survey the empty valley (failed: no longer possible when its turn came, so it had no effect)" in told
    assert "when the orders were revealed" not in told


async def test_a_seat_with_nothing_to_do_now_is_told_what_it_waits_for_and_what_to_do_meanwhile(sealed):
    """Never a blank left pane: before the start, with nothing to order this round, after
    ordering (waiting for the reveal), while paused."""
    t = sealed
    broker = t.seat["broker"]  # nothing to order in the first sealed round (its move needs talks)
    app = RoomApp(t.store, room=t.room, ticket=broker)
    async with app.run_test(size=SIZE) as pilot:
        left = lambda: str(app.screen.query_one("#asked").render())  # noqa: E731
        assert "Waiting for the facilitator to start the room. Meanwhile, talk over your briefing (right), or write a note (n)." in left()
        t.room.start(t.f)
        await until(pilot, lambda: "Nothing for your group to order this round: the others are ordering. Talk over your briefing (right), or write a note (n)." in left())
        t.room.pause(t.f)
        await until(pilot, lambda: "Waiting for the facilitator to resume." in left())
    t.room.resume(t.f)
    t.room.order(t.seat["upstream"], "up_build")
    app = RoomApp(t.store, room=t.room, ticket=t.seat["upstream"])
    async with app.run_test(size=SIZE) as pilot:
        assert "Waiting for the facilitator to reveal the orders; until then you may change yours (1-2)." in shown(app)
    app = RoomApp(t.store, room=t.room, ticket=t.seat["downstream"])
    async with app.run_test(size=SIZE) as pilot:
        assert "Give your group's order: press 1-3 to choose." in shown(app)


async def test_a_group_is_told_when_a_branch_point_is_its_own_and_which_keys_decide_it(rounds):
    t = rounds
    t.room.start(t.f)
    for other in ("downstream", "broker"):
        seen = render_asked(t.room.view(t.seat[other]))
        assert "Your group's decision" not in seen
        assert "Upstream State's group decides this branch point.\nMeanwhile, talk over your briefing (right), or write a note (n)." in seen
    app = RoomApp(t.store, room=t.room, ticket=t.seat["upstream"])
    async with app.run_test(size=SIZE) as pilot:
        assert "Your group's decision: press 1-2 to choose, or r to let the author's weights decide." in shown(app)
        await pilot.press("r")  # the room lets a seat roll its own branch point
        await until(pilot, lambda: any(d.how == "rolled" for d in t.room.view(t.f).decisions))


def render_asked(view):
    from sim.ui.room.render import asked

    return asked(view).plain


def keys_shown(app) -> tuple[set[str], set[str]]:
    """The keys line: (the labels shown live, the labels shown dimmed)."""
    line = app.screen.query_one("#keys").render()
    live, dimmed = set(), set()
    for span in line.spans:
        (dimmed if "dim" in str(span.style) else live).add(line.plain[span.start : span.end])
    everything = {part for part in line.plain.split("   ") if part}
    return everything - dimmed, dimmed


async def test_keys_that_do_nothing_now_are_dimmed_and_do_nothing_and_reveal_is_not_offered_in_plain_rounds(sealed, rounds):
    t = sealed
    t.room.start(t.f)
    app = RoomApp(t.store, room=t.room, ticket=t.seat["broker"])  # nothing to order this round
    async with app.run_test(size=SIZE) as pilot:
        live, dimmed = keys_shown(app)
        assert {"1-9 Choose", "0 All options", "r Roll"} <= dimmed and "n Note" in live
        await pilot.press("1", "0", "r")
        await pilot.pause(0.2)
        assert not app._notifications and isinstance(app.screen, SeatScreen)  # nothing opened, nothing said
    app = RoomApp(t.store, room=t.room, ticket=t.seat["downstream"])  # to order: choose, not roll
    async with app.run_test(size=SIZE) as pilot:
        live, dimmed = keys_shown(app)
        assert {"1-9 Choose", "0 All options"} <= live and "r Roll" in dimmed
    app = RoomApp(t.store, room=t.room, ticket=t.f)  # a sealed round: the seats choose, v reveals
    async with app.run_test(size=SIZE) as pilot:
        live, dimmed = keys_shown(app)
        assert "v Reveal" in live and {"1-9 Choose", "r Roll", "o Override"} <= dimmed
        t.room.order(t.seat["upstream"], "up_build")
        t.room.reveal(t.f, force=True)  # downstream answers the new stage: the facilitator may rule
        await until(pilot, lambda: "1-9 Choose" in keys_shown(app)[0])
        assert "v Reveal" in keys_shown(app)[1]
    r = rounds
    r.room.start(r.f)
    app = RoomApp(r.store, room=r.room, ticket=r.f)
    async with app.run_test(size=SIZE) as pilot:
        live, dimmed = keys_shown(app)
        assert "Reveal" not in " ".join(live | dimmed) and "1-9 Choose" in live


async def test_a_seats_right_pane_has_its_briefing_then_what_has_happened_then_the_others(rounds):
    """The situation and the path within reach of a newcomer: after the group's own briefing,
    before the other sides'. The left pane's cut-off record points at it by its heading."""
    from sim.ui.room.render import record

    t = rounds
    t.room.start(t.f)
    for _ in range(40):  # the facilitator rolls every branch point: more decisions than the record lists
        v = t.room.view(t.f)
        if v.asked.what not in ("move", "reaction", "chance") or len(v.decisions) > 9:
            break
        t.room.adjudicate(t.f, "roll")
    assert len(t.room.view(t.f).decisions) > 8
    app = RoomApp(t.store, room=t.room, ticket=t.seat["downstream"])
    async with app.run_test(size=SIZE) as pilot:
        right = [str(w.render()) for w in app.screen.query_one("#right").query("Static") if w.display]
        pane = "\n".join(right)
        own, happened, others = (pane.index(s) for s in ("Downstream State: public briefing", "What has happened\nSituation", "The other sides, as everyone knows them"))
        assert own < pane.index("DOWNSTREAM-PRIVATE-WANTS") < happened < pane.index("Upstream plans a dam") < others < pane.index("Upstream State: public briefing")
        assert "earlier: What has happened, right, tells the whole path)" in record(t.room.view(t.seat["downstream"])).plain
        assert "the story has the whole path" not in shown(app)
    app = RoomApp(t.store, room=t.room, ticket=t.f)  # no briefing of its own: what has happened first
    async with app.run_test(size=SIZE) as pilot:
        pane = "\n".join(str(w.render()) for w in app.screen.query_one("#right").query("Static") if w.display)
        assert pane.startswith("What has happened") and pane.index("Situation") < pane.index("The sides' public briefings")


async def test_j_moves_the_right_pane_from_section_to_section_and_back_to_the_top(rounds):
    from textual.containers import VerticalScroll

    t = rounds
    t.room.start(t.f)
    for _ in range(40):  # a long path: the pane scrolls
        v = t.room.view(t.f)
        if v.asked.what not in ("move", "reaction", "chance"):
            break
        t.room.adjudicate(t.f, "roll")
    app = RoomApp(t.store, room=t.room, ticket=t.seat["downstream"])
    async with app.run_test(size=(120, 24)) as pilot:
        pane = app.screen.query_one("#right", VerticalScroll)
        assert pane.max_scroll_y > 0 and pane.scroll_y == 0
        assert "j Next section" in keys_shown(app)[0]
        await pilot.press("j")
        await pilot.pause(0.1)
        story = app.screen.query_one("#story")
        assert pane.scroll_y == story.virtual_region.y - pane.virtual_region.y > 0  # What has happened, at the top
        seen = [pane.scroll_y]
        for _ in range(3):
            await pilot.press("j")
            await pilot.pause(0.1)
            seen.append(pane.scroll_y)
        assert 0 in seen[1:]  # round to the top again


async def test_a_branch_that_ends_the_game_says_so_before_anyone_takes_it(store, tmp_path):
    """With trust at 1, downstream's threat to the new stage ends the game in Rupture: the
    group deciding it and the facilitator see that on the option and in the override list,
    so a class that cannot see the weights does not end a long game unawares."""
    from _rooms import river_text
    from _support import add_article

    from sim.format import load_scenario
    from sim.ui.room import render
    from sim.ui.room.dialogs import ChooseOne

    add_article(tmp_path)
    path = tmp_path / "river_rounds.yaml"
    path.write_text(river_text("rounds").replace("initial: 2}", "initial: 1}"), encoding="utf-8")
    t = Table(store, load_scenario(path))
    t.room.start(t.f)
    t.room.choose(t.seat["upstream"], "up_build")  # downstream answers: a threat takes trust to 0
    seat = t.room.view(t.seat["downstream"])
    ends = {o.label: o.ends for o in seat.asked.options}
    assert ends == {"Threatens sanctions": "Rupture", "Accepts it under protest": None}
    assert "Threatens sanctions  [illustrative]  ends the game: Rupture" in render.asked(seat).plain
    assert all(o.ends is None for o in t.room.view(t.seat["broker"]).asked.options)  # nothing to choose there
    app = RoomApp(t.store, room=t.room, ticket=t.f)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ChooseOne))
        assert "Threatens sanctions (ends the game: Rupture)" in shown(app)


async def test_bringing_an_event_in_says_first_that_it_sets_aside_the_orders_given(sealed):
    t = sealed
    t.room.start(t.f)
    t.room.order(t.seat["upstream"], "up_build")
    app = RoomApp(t.store, room=t.room, ticket=t.f)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Upstream State: ordered" in shown(app))
        await pilot.press("i")
        name = t.scenario.actor_name("upstream")
        await until(pilot, lambda: f"It sets aside the orders given this round ({name}): the groups order again." in shown(app))
        await pilot.press("escape")
        assert t.room.view(t.f).ordered == ("upstream",)  # nothing was brought in
