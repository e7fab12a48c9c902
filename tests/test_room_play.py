"""A room played through its API: sealed orders, rounds, the facilitator's rulings and
injects, the timer, notes; and the room as a pure fold over its log (replay identity,
any interleaving of a round's orders)."""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from pathlib import Path

import pytest
from _rooms import SIDES, river
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.vocab import Ruling
from sim.export.transcript import markdown, text
from sim.room import AccessDenied, Room, RoomError, create_room
from sim.room.state import Meta, RoomState, fold, meta_of
from sim.store import rooms
from sim.store.db import Store
from sim.store.rooms import Entry


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "state" / "sessions.db")
    yield s
    s.close()


class Table:
    """A room with everyone joined: ``t.f`` the facilitator, ``t.seat[side]``, ``t.obs``."""

    def __init__(self, store, scenario, seed=3, seated=None):
        self.created = create_room(store, scenario, seed=seed, seated=seated)
        self.room = Room.open(store, self.created.room, scenario)
        codes = self.created.codes
        self.f = self.room.join(codes.facilitator)
        self.seat = {s: self.room.join(c) for s, c in codes.seats.items()}
        self.obs = self.room.join(codes.observer)

    def view(self, who):
        return self.room.view(who)


@pytest.fixture
def sealed(store, tmp_path):
    return Table(store, river(tmp_path, "sealed"))


@pytest.fixture
def rounds(store, tmp_path):
    return Table(store, river(tmp_path, "rounds"))


def fingerprint(state: RoomState):
    """Everything the fold decides, for comparing two states."""
    s = state.session
    steps = tuple((x.id, x.parent, x.choice, x.how, x.node, x.trace, x.prompts, x.rolls) for x in s.steps)
    return (steps, s.current, state.status, dict(state.orders), tuple(state.rounds), tuple(state.decisions), tuple(state.notes),
            state.deadline, state.remaining, state.weights_visible, state.ended_reason, tuple(state.voided), tuple(state.dropped))  # fmt: skip


# --- sealed rounds ---------------------------------------------------------------------------------


def test_sealed_orders_stay_unseen_until_the_reveal(sealed):
    t, room = sealed, sealed.room
    room.start(t.f)
    before = t.view(t.seat["downstream"])
    assert before.asked.what == "orders" and before.asked.yours
    assert [o.act for o in before.asked.options] == ["down_protest", "down_talk", "downstream.pass"]
    room.order(t.seat["upstream"], "up_build")
    seen = {side: t.view(t.seat[side]) for side in SIDES}
    room.order(t.seat["upstream"], "upstream.pass")  # changed its mind: only its last order counts
    again = {side: t.view(t.seat[side]) for side in SIDES}
    for side in ("downstream", "broker"):
        # another seat's view does not depend on what upstream ordered, only that it did
        assert dataclasses.replace(seen[side], revision=0) == dataclasses.replace(again[side], revision=0)
        assert seen[side].ordered == ("upstream",) and seen[side].my_order is None and seen[side].orders == ()
    assert again["upstream"].my_order.act == "upstream.pass" and seen["upstream"].my_order.act == "up_build"
    assert t.view(t.obs).orders == () and t.view(t.obs).ordered == ("upstream",)
    assert dict(t.view(t.f).orders)["upstream"].act == "upstream.pass"  # the facilitator sees them
    with pytest.raises(RoomError, match=r"waiting for orders from Downstream State \(reveal anyway"):
        room.reveal(t.f)
    room.order(t.seat["upstream"], "up_build")
    room.reveal(t.f, force=True)  # downstream gave none: it passes
    after = t.view(t.seat["broker"])
    (revealed,) = after.rounds
    assert [(g.side, g.act, g.how) for g in revealed.given] == [("upstream", "up_build", "ordered"), ("downstream", "downstream.pass", "passed")]
    assert after.ordered == () and "Build the next stage" in text(after.story)


def test_the_broker_has_only_a_pass_until_talks_so_it_is_not_asked(sealed):
    t, room = sealed, sealed.room
    room.start(t.f)
    v = t.view(t.seat["broker"])
    assert not v.asked.yours and v.asked.options == ()
    assert [s.id for s in v.sides if s.due] == ["upstream", "downstream"]
    with pytest.raises(RoomError, match="nothing to decide in this round but to pass"):
        room.order(t.seat["broker"], "broker.pass")


def test_seats_act_only_while_the_room_runs(sealed):
    t, room = sealed, sealed.room
    with pytest.raises(RoomError, match="not started"):
        room.order(t.seat["upstream"], "up_build")
    room.start(t.f)
    room.pause(t.f)
    with pytest.raises(RoomError, match="paused"):
        room.order(t.seat["upstream"], "up_build")
    assert t.view(t.seat["upstream"]).status == "paused" and not t.view(t.seat["upstream"]).asked.yours
    room.resume(t.f)
    room.order(t.seat["upstream"], "up_build")
    room.end(t.f, "the bell rang")
    with pytest.raises(RoomError, match="ended"):
        room.order(t.seat["upstream"], "upstream.pass")
    v = t.view(t.obs)
    assert v.status == "ended" and v.ended_reason == "the bell rang" and v.asked.what == "ended"
    room.note(t.seat["upstream"], "We should have talked.")  # notes after the game are for the debrief


def test_an_inject_in_a_sealed_round_voids_the_orders_given(sealed):
    t, room = sealed, sealed.room
    room.start(t.f)
    assert ("season", "The dry season") in t.view(t.f).asked.injectable
    assert t.view(t.seat["upstream"]).asked.injectable == ()
    room.order(t.seat["upstream"], "up_build")
    room.inject(t.f, "season", "the rains failed")
    v = t.view(t.f)
    assert v.asked.what == "chance" and [o.act for o in v.asked.options] == ["season.mild", "season.severe"]
    room.adjudicate(t.f, "pick", "severe", "as the news reports")
    up = t.view(t.seat["upstream"])
    assert up.asked.what == "orders" and up.voided and up.my_order is None
    assert not t.view(t.seat["downstream"]).voided  # it had ordered nothing
    told = text(up.story)
    assert "Brought in on demand by the facilitator: The dry season (the rains failed)" in told
    assert "Decided by the facilitator (picked this branch: as the news reports)." in told
    kinds = [(d.ruling, d.act) for d in up.decisions]
    assert kinds == [(Ruling.INJECT, "inject:season"), (Ruling.PICK, "season.severe")]


# --- rounds: a seat's own choices, the facilitator's rulings, the weights ---------------------------------


def _to_chance(t, room, limit=50):
    """Play the rounds room by seats' picks of the last option (a pass) until chance decides."""
    for _ in range(limit):
        v = t.view(t.f)
        if v.asked.what == "chance":
            return v
        room.choose(t.seat[v.asked.owner], v.asked.options[-1].act)
    raise AssertionError("no chance branch point")


def test_in_rounds_each_seat_decides_in_turn_and_its_own_reaction(rounds):
    t, room = rounds, rounds.room
    room.start(t.f)
    v = t.view(t.seat["upstream"])
    assert (v.asked.what, v.asked.owner, v.asked.yours, v.asked.up_next) == ("move", "upstream", True, "downstream")
    assert not t.view(t.seat["downstream"]).asked.yours and t.view(t.seat["downstream"]).asked.options == ()
    with pytest.raises(RoomError, match="not Downstream State's decision here but Upstream State's"):
        room.choose(t.seat["downstream"], "down_talk")
    room.choose(t.seat["upstream"], "up_build")
    v = t.view(t.seat["downstream"])
    assert (v.asked.what, v.asked.owner, v.asked.yours) == ("reaction", "downstream", True)
    # weights are hidden until the facilitator shows them; the facilitator always sees them
    assert [(o.act, o.weight, o.rationale) for o in v.asked.options] == [("down_answers_build.threatens", None, None), ("down_answers_build.accepts", None, None)]
    assert [o.weight for o in t.view(t.f).asked.options] == [2, 1]
    room.show_weights(t.f, True)
    v = t.view(t.seat["downstream"])
    assert [(o.weight, round(o.share, 3)) for o in v.asked.options] == [(2, 0.667), (1, 0.333)]
    assert v.asked.options[0].rationale == "A threat is the usual answer."
    room.choose(t.seat["downstream"], "accepts")
    assert t.view(t.obs).decisions[-1].by == "Downstream State" and t.view(t.obs).decisions[-1].ruling is None


def test_the_facilitator_rules_on_chance_accepting_picking_or_overriding_with_a_reason(rounds):
    t, room = rounds, rounds.room
    room.start(t.f)
    v = _to_chance(t, room)
    assert v.asked.roll in [o.act for o in v.asked.options]
    assert t.view(t.seat["broker"]).asked.roll is None  # a seat never sees where the roll falls
    with pytest.raises(RoomError, match="override needs a stated reason"):
        room.adjudicate(t.f, "override", "season.severe")
    with pytest.raises(AccessDenied):
        room.adjudicate(t.seat["upstream"], "roll")
    rolled = v.asked.roll
    room.adjudicate(t.f, "roll")
    d = t.view(t.obs).decisions[-1]
    assert (d.ruling, d.act, d.how) == ("roll", rolled, "rolled")
    v = _to_chance(t, room)
    other = next(o.act for o in v.asked.options if o.act != v.asked.roll)
    room.adjudicate(t.f, "override", other, "the class argued the drought through")
    seen = t.view(t.seat["upstream"])
    d = seen.decisions[-1]
    assert (d.by, d.ruling, d.act, d.reason) == ("the facilitator", "override", other, "the class argued the drought through")
    fired = seen.why[-1][0]  # the why screen's data carries the ruling
    assert (fired.ruling, fired.reason) == ("override", "the class argued the drought through")
    assert "Decided by the facilitator (overrode the author's weights: the class argued the drought through)." in markdown(seen.story)


def test_sides_without_a_seat_are_played_by_the_authors_weights(store, tmp_path):
    t = Table(store, river(tmp_path, "rounds"), seated=["downstream"])
    t.room.start(t.f)
    v = t.view(t.f)
    # upstream's move (and, after a new stage, nothing else of its) was rolled before the room waits
    assert v.asked.owner in ("downstream", "chance")
    assert t.room.state.auto and all(t.room.state.session.steps[s].how == "rolled" for s in t.room.state.auto)
    assert [s.seated for s in v.sides] == [False, True, False]


def test_the_timer_runs_from_the_log_and_stops_while_paused(sealed):
    t, room = sealed, sealed.room
    room.start(t.f)
    e = room.set_timer(t.f, 300)
    v = t.view(t.seat["broker"])
    assert v.timer.deadline == pytest.approx(e.at + 300) and v.timer.left(e.at + 100) == pytest.approx(200)
    p = room.pause(t.f)
    paused = t.view(t.seat["broker"]).timer
    assert paused.deadline is None and paused.remaining == pytest.approx(300 - (p.at - e.at))
    r = room.resume(t.f)
    assert t.view(t.obs).timer.deadline == pytest.approx(r.at + paused.remaining)
    room.set_timer(t.f, None)
    assert t.view(t.obs).timer.left(r.at) is None
    with pytest.raises(RoomError, match="from 1 second"):
        room.set_timer(t.f, 0)


def test_notes_per_prompt_are_the_writers_own(rounds):
    t, room = rounds, rounds.room
    room.start(t.f)
    with pytest.raises(RoomError, match="not been raised"):
        room.note(t.seat["upstream"], "x", prompt="What does each side want from the talks?")
    room.choose(t.seat["upstream"], "upstream.pass")
    room.choose(t.seat["downstream"], "down_talk")
    prompt = "What does each side want from the talks?"
    assert prompt in t.view(t.obs).prompts
    room.note(t.seat["upstream"], "Power, and a quiet border.", prompt=prompt)
    room.note(t.f, "Upstream hesitated.")
    with pytest.raises(RoomError, match="control characters"):
        room.note(t.seat["downstream"], "\x1b[2J")
    assert [n.text for n in t.view(t.seat["upstream"]).notes] == ["Power, and a quiet border."]
    assert t.view(t.seat["downstream"]).notes == () and t.view(t.obs).notes == ()
    assert [n.who for n in t.view(t.f).notes] == ["seat:upstream", "facilitator"]


# --- the fold ----------------------------------------------------------------------------------------


def _play_some(t, room):
    room.start(t.f)
    room.set_timer(t.f, 120)
    room.order(t.seat["upstream"], "up_build")
    room.order(t.seat["downstream"], "down_talk")
    room.reveal(t.f)
    for _ in range(30):
        v = t.view(t.f)
        if v.asked.what == "ended":
            break
        if v.asked.what == "orders":
            for side in SIDES:
                sv = t.view(t.seat[side])
                if sv.asked.yours:
                    room.order(t.seat[side], sv.asked.options[-1].act)
            room.reveal(t.f)
        elif v.asked.what == "chance":
            room.adjudicate(t.f, "roll")
        else:
            room.choose(t.seat[v.asked.owner], "roll")
    room.note(t.seat["broker"], "Done.")


def test_replaying_the_log_gives_the_identical_state(store, sealed, tmp_path):
    t, room = sealed, sealed.room
    _play_some(t, room)
    info, entries = rooms.log(store, room.id)
    again = fold(meta_of(info), room.scenario, entries)
    assert fingerprint(again) == fingerprint(room.state)
    # another process's view of the room: a fresh store connection, a fresh Room
    other = Store.open(store.path)
    try:
        fresh = Room(other, rooms.get(other, room.id), river(tmp_path / "again", "sealed"))
        assert fingerprint(fresh.state)[0] == fingerprint(room.state)[0]
    finally:
        other.close()


def _round_entries(scn, orders_in_order):
    """A log: start, then the orders as given (a side may order twice), then the reveal."""
    meta = Meta(1, scn.id, "t", 11, "sealed", tuple(scn.seats), tuple(scn.seats))
    entries = [Entry(1, 1.0, "facilitator", "start", {})]
    for side, act in orders_in_order:
        entries.append(Entry(len(entries) + 1, float(len(entries) + 1), f"seat:{side}", "order", {"step": 0, "act": act}))
    entries.append(Entry(len(entries) + 1, 99.0, "facilitator", "reveal", {"step": 0, "passed": []}))
    return meta, entries


@functools.cache
def river_sealed():
    return river(Path(tempfile.mkdtemp(prefix="river-")), "sealed")


FINAL = {"upstream": "up_build", "downstream": "down_talk"}
DRAFTS = {"upstream": ["upstream.pass", "up_build"], "downstream": ["downstream.pass", "down_talk"]}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_interleaving_of_a_rounds_orders_gives_the_same_state_after_the_reveal(data):
    scn = river_sealed()
    orders = []
    for side, final in FINAL.items():
        drafts = data.draw(st.lists(st.sampled_from(DRAFTS[side]), max_size=3))
        orders.append([(side, a) for a in drafts] + [(side, final)])
    merged = []
    while any(orders):  # an interleaving that keeps each side's own order of submissions
        i = data.draw(st.sampled_from([k for k, o in enumerate(orders) if o]))
        merged.append(orders[i].pop(0))
    meta, entries = _round_entries(scn, merged)
    state = fold(meta, scn, entries)
    meta, entries = _round_entries(scn, list(FINAL.items()))
    reference = fold(meta, scn, entries)
    assert not state.dropped
    assert fingerprint(state)[0] == fingerprint(reference)[0]  # the same steps, nodes and traces
    assert [g.act for g in state.rounds[0].given] == ["up_build", "down_talk"]


def test_an_entry_that_no_longer_applies_is_listed_and_blocks_writing(store, sealed):
    t, room = sealed, sealed.room
    room.start(t.f)
    # a log written by another sim, or before the scenario changed: an order not on offer
    key = rooms.key(store, room.id, t.created.codes.seats["upstream"])
    rooms.append(store, key, rooms.revision(store, room.id), "order", {"step": 0, "act": "up_pause"}, lambda e: rooms.Summary("running", 1, None))
    room.refresh()
    assert room.state.dropped == ["entry 2 (order by seat:upstream): 'up_pause' is not on offer to Upstream State"]
    assert t.view(t.f).notices == tuple(room.state.dropped) and t.view(t.seat["upstream"]).notices == ()
    with pytest.raises(RoomError, match="no longer replays"):
        room.order(t.seat["upstream"], "up_build")


def test_a_reveal_clears_the_rounds_timer(sealed):
    """The timer is the round's discussion clock: after the reveal no screen counts down or says time is up."""
    from sim.ui.room import render

    t, room = sealed, sealed.room
    room.start(t.f)
    e = room.set_timer(t.f, 60)
    room.order(t.seat["upstream"], "up_build")
    room.reveal(t.f, force=True)
    for who in (t.f, t.seat["broker"], t.obs):
        v = t.view(who)
        assert v.timer.left(e.at + 120) is None
        assert "no timer" in render.header(v, e.at + 120).plain
    room.set_timer(t.f, 60)  # the facilitator may time the next round afresh
    assert t.view(t.seat["broker"]).timer.deadline is not None


def test_a_seat_is_told_who_decides_a_branch_point_that_is_not_its_own(rounds):
    from sim.ui.room.render import asked

    t, room = rounds, rounds.room
    room.start(t.f)
    assert "Upstream State's group decides this branch point." in asked(t.view(t.seat["downstream"])).plain
    assert "Upstream State's group decides this branch point." in asked(t.view(t.obs)).plain
    mine = asked(t.view(t.seat["upstream"])).plain
    assert "decides this branch point" not in mine and "rules on" not in mine
    room.choose(t.seat["upstream"], "up_build")  # downstream's reaction
    assert "Downstream State's group decides this branch point." in asked(t.view(t.seat["broker"])).plain
    _to_chance(t, room)
    for who in (t.seat["upstream"], t.seat["broker"], t.obs):
        assert "The facilitator rules on this branch point of chance." in asked(t.view(who)).plain
    console = asked(t.view(t.f)).plain
    assert "decides this branch point" not in console and "rules on" not in console


def test_the_record_lists_rounds_and_decisions_in_the_order_they_happened(sealed):
    from sim.ui.room.render import record

    t, room = sealed, sealed.room
    room.start(t.f)
    room.inject(t.f, "season", "the rains failed")
    room.adjudicate(t.f, "pick", "severe", "as the news reports")
    room.order(t.seat["upstream"], "up_build")
    room.reveal(t.f, force=True)
    v = t.view(t.f)
    assert v.asked.what == "reaction"  # downstream answers the new stage, after the round
    room.choose(t.seat[v.asked.owner], v.asked.options[0].act)
    for who in (t.f, t.seat["broker"], t.obs):
        told = record(t.view(who)).plain
        marks = ["the facilitator brought an event in: The dry season (the reason given: the rains failed)", "The dry season: A severe drought", "Turn 1, revealed:", "Downstream answers the new stage"]
        at = [told.index(m) for m in marks]
        assert at == sorted(at), told


def test_an_order_that_failed_when_revealed_is_marked_failed_wherever_orders_are_shown(store, tmp_path):
    """Upstream builds, so downstream's survey of the empty valley (only while there is no dam)
    no longer applies when its turn comes: the round, the record and the debrief say it failed."""
    from _rooms import river_text
    from _support import add_article

    from sim.export.debrief import debrief_page
    from sim.format import load_scenario
    from sim.room.debrief import debrief
    from sim.room.debrief import markdown as debrief_md
    from sim.ui.room.render import record

    survey = "  down_survey: {actor: downstream, label: Survey the empty valley, type: CONSULT, basis: illustrative, when: dam == 0, effects: [trust += 1]}\n"
    add_article(tmp_path)
    path = tmp_path / "river_survey.yaml"
    path.write_text(river_text("sealed").replace("reactions:\n", survey + "reactions:\n", 1), encoding="utf-8")
    t = Table(store, load_scenario(path))
    room = t.room
    room.start(t.f)
    room.order(t.seat["upstream"], "up_build")
    room.order(t.seat["downstream"], "down_survey")
    room.reveal(t.f)
    v = t.view(t.f)
    if v.asked.what == "reaction":  # downstream answers the new stage first; the survey applies after it
        room.choose(t.seat["downstream"], v.asked.options[0].act)
    (r,) = room.state.rounds
    assert room.state.failed(r) == {"downstream"}
    for who in (t.f, t.seat["broker"], t.obs):
        (seen,) = t.view(who).rounds
        assert [(g.side, g.failed) for g in seen.given] == [("upstream", False), ("downstream", True)]
        told = record(t.view(who)).plain
        assert "Survey the empty valley (failed: no longer possible" in told and "Build the next stage (failed" not in told
    d = debrief([room.state])
    assert [g.failed for g in d.tables[0].rounds[0].given] == [False, True]
    assert "Survey the empty valley (ordered; failed: no longer possible" in debrief_md(d)
    assert "ordered; failed: no longer possible" in debrief_page(d)


def test_the_room_screens_say_each_thing_once_and_plainly(sealed):
    """The ending or the facilitator's reason once; a reveal's question says what it will do;
    a note on a prompt names it by number (the prompt is printed above it)."""
    from sim.ui.room.render import asked, notes, record, reveal_question, sides_line

    t, room = sealed, sealed.room
    room.start(t.f)
    room.order(t.seat["downstream"], "down_talk")
    assert reveal_question(t.view(t.f)) == (
        "Upstream State has not given an order this round. If you reveal now, it passes, and the orders given apply in the turn order. Reveal now?"
    )
    room.reveal(t.f, force=True)
    prompt = t.view(t.f).prompts[0]
    room.note(t.seat["downstream"], "Water first.", prompt=prompt)
    mine = notes(t.view(t.seat["downstream"])).plain
    assert mine.count(prompt) == 1 and "Water first. (on prompt 1)" in mine
    told = record(t.view(t.f)).plain
    assert "Downstream State: Accept talks" in told and "Downstream State: Downstream State" not in told  # the side named once
    room.end(t.f, "the bell rang")
    for who in (t.f, t.seat["broker"]):
        text = asked(t.view(who)).plain
        assert text.count("the bell rang") == 1, text
        assert "waiting" not in sides_line(t.view(who)).plain  # the game is over: nobody waits


def test_every_decision_in_a_played_room_says_how_in_words(store, tmp_path):
    """The path's transcripts and the debrief say how each branch point was decided in
    words a class reads ('chosen unseen, applied in turn'), never an engine value such as
    '(sealed)': the story view takes its wording from the one table in sim.engine.vocab."""
    from _room_games import play

    from sim.engine.vocab import HOW_HELP, How
    from sim.export.story import story

    game = play(store, river(tmp_path, "sealed"), 3)
    beats = list(story(game.room.state.session).beats())
    assert any(b.how == How.SEALED for b in beats)
    for b in beats:
        if b.how and not b.ruling:
            assert b.decision.endswith(f"({HOW_HELP[How(b.how)]})"), b.decision
    assert not [line for line in text(story(game.room.state.session)).splitlines() if "Decided by" in line and "(sealed)" in line]
