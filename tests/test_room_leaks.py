"""No seat ever sees another side's private briefing or unrevealed order; observers see only
what is revealed. Every projection of every member, and the transcripts rendered from it,
is checked at every entry of rooms played to an ending (a negotiation of the tests' own,
in sealed rounds and in rounds, and the pack's sealed ceasefire)."""

from __future__ import annotations

import dataclasses
import random

import pytest
from _rooms import river, strings
from _support import real

from sim.export.transcript import markdown, text
from sim.room.state import ROLL, Meta, fold
from sim.room.view import project
from sim.store.rooms import Entry, Member


def _private_lines(scn, side):
    info = scn.actors[side].private
    if info is None:
        return []
    return [item.text for group in (info.wants_most, info.may_concede, info.must_not_reveal) for item in group]


def _members(scn):
    return [Member("facilitator"), Member("observer"), *(Member("seat", s) for s in scn.seats)]


def _played_log(scn, seed):
    """A whole game as a log, written the way the Room API writes it: each entry checked
    by the fold first. Seats order or choose at random; the facilitator injects once,
    overrides once, rolls otherwise; everyone writes a note."""
    rng = random.Random(seed)
    meta = Meta(1, scn.id, "t", seed, str(scn.turn_mode), tuple(scn.seats), tuple(scn.seats))
    state = fold(meta, scn, [])
    entries: list[Entry] = []

    def add(who, kind, data):
        member = Member.from_who(who)
        problem = state.check(member, kind, data)
        assert problem is None, problem
        entry = Entry(len(entries) + 1, 1000.0 + len(entries), who, kind, data)
        entries.append(entry)
        state.apply(entry)

    add("facilitator", "start", {})
    injected = overridden = False
    for _ in range(400):
        if state.over:
            break
        step = state.session.current
        if state.ordering:
            due = state.due_seated()
            if not injected and _can_inject(state):
                event = _can_inject(state)
                if due:
                    add(f"seat:{due[0]}", "order", {"step": step, "act": state.offered(due[0])[0].id})
                add("facilitator", "inject", {"step": step, "event": event, "reason": "news from outside"})
                injected = True
                continue
            for side in due:
                for _ in range(rng.randint(1, 2)):  # a seat may change its order
                    add(f"seat:{side}", "order", {"step": step, "act": rng.choice(state.offered(side)).id})
            add("facilitator", "reveal", {"step": step, "passed": []})
            continue
        owner = state.session.owner()
        options = [o.act.id for o in state.session.options()]
        if owner == "chance":
            if not overridden and len(options) > 1:
                add("facilitator", "adjudicate", {"step": step, "ruling": "override", "act": options[-1], "reason": "argued by the class"})
                overridden = True
            else:
                add("facilitator", "adjudicate", {"step": step, "ruling": "roll", "act": None, "reason": None})
        elif state.session.node.deciding and not injected and _can_inject(state):
            add("facilitator", "inject", {"step": step, "event": _can_inject(state), "reason": None})
            injected = True
        else:
            add(f"seat:{owner}", "choose", {"step": step, "act": rng.choice([*options, ROLL])})
        if state.prompts() and rng.random() < 0.3:
            side = rng.choice(scn.seats)
            add(f"seat:{side}", "note", {"text": f"{side} on the prompt", "prompt": state.prompts()[-1]})
    assert state.over, "the game did not end"
    add("facilitator", "note", {"text": "The facilitator's note.", "prompt": None})
    return meta, entries


def _can_inject(state):
    from sim.engine import core

    found = core.injectable(state.scenario, state.session.node)
    return found[0].id if found else None


def _rendered(view):
    """Everything a screen or a transcript of this view can show (the screens' text included)."""
    from sim.ui.room import render

    screens = [f(view).plain for f in (render.briefing, render.own_briefing, render.other_briefings, render.story, render.asked, render.record, render.notes, render.orders)]
    return "\n".join([*strings(dataclasses.replace(view, scenario=None)), *strings(view.scenario.actors), text(view.story), markdown(view.story), *screens])


def _check_every_projection(scn, meta, entries):
    from sim.ui.room import render

    privates = {side: _private_lines(scn, side) for side in scn.seats}
    assert all(privates.values()), "the check needs every side to have a private briefing"
    checked = 0
    for upto in range(len(entries) + 1):
        state = fold(meta, scn, entries[:upto])
        for member in _members(scn):
            view = project(state, member)
            shown = _rendered(view)
            for side, lines in privates.items():
                for line in lines:
                    if member.role == "seat" and member.side == side:
                        assert line in shown  # its own: so the check can see a leak
                        assert line in render.briefing(view).plain  # and its briefing shows it
                    else:
                        assert line not in shown, f"{member.who} sees {side}'s private briefing at entry {upto}"
            if member.role == "seat":  # every other side's public briefing, after its own
                told = render.briefing(view).plain
                heads = [told.index(f"{scn.actor_name(a)}: public briefing") for a in scn.seats]
                assert heads[scn.seats.index(member.side)] == 0
            if member.role != "facilitator":
                assert view.orders == () and view.asked.roll is None and view.notices == ()
            if member.role == "observer":
                assert view.notes == () and view.private is None and view.my_order is None
            checked += 1
        # pending orders: another seat's view is the same whatever those orders are
        for side, order in state.orders.items():
            for other_act in {a.id for a in state.offered(side)} - {order.act}:
                changed = [e if e.n != order.n else dataclasses.replace(e, data={**e.data, "act": other_act}) for e in entries[:upto]]
                alt = fold(meta, scn, changed)
                for member in _members(scn):
                    if member.role == "facilitator" or member.side == side:
                        continue
                    a, b = project(state, member), project(alt, member)
                    assert dataclasses.replace(a, scenario=None) == dataclasses.replace(b, scenario=None), f"{member.who} can tell {side}'s pending order"
    return checked


@pytest.mark.parametrize("turns", ["sealed", "rounds"])
@pytest.mark.parametrize("seed", [1, 2])
def test_no_projection_of_a_river_room_leaks(tmp_path, turns, seed):
    scn = river(tmp_path, turns)
    meta, entries = _played_log(scn, seed)
    assert {e.kind for e in entries} >= {"inject", "adjudicate", "note"}
    assert _check_every_projection(scn, meta, entries) == (len(entries) + 1) * 5


def test_no_projection_of_the_packs_sealed_ceasefire_leaks():
    scn = real("ceasefire_30_day_sealed")
    meta, entries = _played_log(scn, 4)
    assert {e.kind for e in entries} >= {"order", "reveal", "inject"}
    assert _check_every_projection(scn, meta, entries) > 0
