"""What one member of a room may see: the projection, the only way screens get room data.

:func:`project` turns the room's state into a :class:`View` for a viewer:

* **a seat**: its side's public and private briefing, every side's public briefing,
  everything revealed so far (the path as a story, with the why of each step), its own
  pending order, which sides have ordered this round (not what), the timer, and the
  author's weights only while the facilitator shows them;
* **the facilitator**: all of that for every side except the private briefings (those
  are the groups'), plus the pending orders, the branch the author's roll would take,
  the events that can be injected, every note and anything the log could not replay;
* **an observer**: only what is revealed: no private briefing, no pending order, no notes.

A View holds plain frozen data and a copy of the scenario with every other side's private
briefing removed (``View.scenario``, for the screens' names, sources and stances); never
the engine session or the room's state, so a screen cannot reach what its viewer may not
see. tests/test_room_leaks.py renders every projection of every member and checks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sim.engine import core
from sim.engine.model import Act, Briefing, PrivateBriefing, Scenario
from sim.engine.session import INJECT, pick
from sim.engine.trace import Fired
from sim.engine.vocab import CHANCE, RULING_HELP, TurnMode, possessive
from sim.export.story import Story, story
from sim.room.state import RoomNote, RoomState
from sim.store.rooms import FACILITATOR, SEAT, Member


FAILED = "failed: no longer possible when its turn came, so it had no effect"  # a revealed order that failed, in words (applied in turn order, it may fail after the reveal)
# How a revealed round's order was given, in words (a round on screen and the debrief alike)
ORDER_HOW = {"ordered": "ordered", "passed": "the group gave no order", "rolled": "no group: the author's weights"}


@dataclass(frozen=True, slots=True)
class Option:
    """One branch on offer: a move, a pass, or a reaction's or event's alternative."""

    act: str  # its id, as an order, a choice or a ruling names it
    label: str
    kind: str  # "move", "pass" or "branch"
    basis: str  # reported | possible | illustrative
    text: str | None
    weight: float | None  # the author's weight here; None while the weights are hidden from this viewer
    share: float | None  # weight over the total (what a roll follows)
    rationale: str | None  # why this weight (the author's); None while hidden
    ends: str | None = None  # the ending's title where taking it ends the game there and then

    @property
    def listed(self) -> str:
        """Its label in a list, with the warning that it ends the game where it does."""
        return f"{self.label} (ends the game: {self.ends})" if self.ends else self.label


@dataclass(frozen=True, slots=True)
class Asked:
    """The branch point the room stands at, as this viewer sees it."""

    what: str  # "waiting" (not started), "orders" (a sealed round is open), "move" (a side's turn in rounds),
    # "reaction", "chance", "dead end" or "ended"
    owner: str  # the side that decides, "chance", or "" (orders: every side due)
    owner_name: str
    label: str  # what is being decided, in words
    yours: bool  # this viewer may act here now (the facilitator: may adjudicate or reveal)
    options: tuple[Option, ...]  # for whoever may act here (and the facilitator); else ()
    roll: str | None = None  # the facilitator only: the act the author's roll would take now
    injectable: tuple[tuple[str, str], ...] = ()  # the facilitator only: (event id, label) that can be injected now
    up_next: str | None = None  # rounds: the side that decides after this one


@dataclass(frozen=True, slots=True)
class SideView:
    id: str
    name: str
    short: str
    seated: bool  # a group plays it (else the author's weights do)
    due: bool  # it has a decision in this sealed round
    ordered: bool  # it has given its order this round (not what)
    deciding: bool  # it decides now (rounds, or its reaction)


@dataclass(frozen=True, slots=True)
class Given:
    side: str
    side_name: str
    act: str
    label: str
    how: str  # "ordered", "passed" (the seat gave no order), "rolled" (no seat)
    failed: bool = False  # its conditions no longer held when it was applied: it had no effect


@dataclass(frozen=True, slots=True)
class RoundView:
    turn: int
    at: float
    given: tuple[Given, ...]
    n: int  # the reveal's entry in the log: where the round comes among the decisions


@dataclass(frozen=True, slots=True)
class DecisionView:
    """A branch point a person decided: a seat's own choice or the facilitator's ruling."""

    n: int
    at: float
    by: str  # "the facilitator" or the side's name
    who: str  # 'facilitator' or 'seat:SIDE'
    turn: int
    label: str  # what was decided, in words
    act: str
    ruling: str | None  # roll | pick | override | inject (the facilitator's)
    ruling_text: str | None
    reason: str | None
    how: str  # picked | rolled


@dataclass(frozen=True, slots=True)
class TimerView:
    deadline: float | None  # Unix time while it runs
    remaining: float | None  # seconds left while the room is paused

    def left(self, now: float) -> float | None:
        if self.remaining is not None:
            return self.remaining
        return None if self.deadline is None else max(0.0, self.deadline - now)


@dataclass(frozen=True, slots=True)
class View:
    room: int
    title: str
    scenario_id: str
    scenario_title: str
    turns: str  # "rounds" or "sealed"
    order: tuple[str, ...]  # the sides in turn order
    status: str  # waiting | running | paused | ended
    turn: int
    horizon: int
    revision: int  # the room's change counter when this was made
    viewer: Member
    sides: tuple[SideView, ...]
    briefings: tuple[tuple[str, str, Briefing], ...]  # every side's public briefing: (id, name, briefing)
    private: PrivateBriefing | None  # the viewer's own side's private briefing (a seat only)
    story: Story  # the path so far: everything revealed
    why: tuple[tuple[Fired, ...], ...]  # per step of the story, what fired and why (the facilitator's rulings marked)
    asked: Asked
    my_order: Option | None  # a seat's own pending order this round
    orders: tuple[tuple[str, Option], ...]  # the facilitator only: every pending order (side, order)
    ordered: tuple[str, ...]  # the sides that have given an order this round (not what)
    voided: bool  # an inject voided this round's orders: give them again
    rounds: tuple[RoundView, ...]  # the sealed rounds revealed so far
    decisions: tuple[DecisionView, ...]  # every branch point a person decided, in order
    timer: TimerView
    weights_visible: bool  # the facilitator shows the author's weights to the seats
    prompts: tuple[str, ...]  # the discussion prompts raised so far
    notes: tuple[RoomNote, ...]  # the viewer's side's notes; the facilitator: all; observers: none
    ending: str | None  # the ending's title, once reached
    ended_reason: str | None  # why the facilitator ended the game, if it did
    scenario: Scenario  # the scenario without any private briefing but the viewer's own
    notices: tuple[str, ...] = ()  # the facilitator only: log entries that no longer apply

    @property
    def may_act(self) -> bool:
        return self.asked.yours


def project(state: RoomState, viewer: Member, cache: dict | None = None) -> View:
    """What ``viewer`` may see of the room now (see the module's docstring)."""
    cache = {} if cache is None else cache
    scn, s = state.scenario, state.session
    facilitator, seat = viewer.role == FACILITATOR, viewer.role == SEAT
    side = viewer.side if seat else None
    weights = facilitator or state.weights_visible
    public = _public(scn, side, cache)
    told, why = _story(state, weights, cache)
    due = set(state.due())
    owner = state.owner()
    sides = tuple(
        SideView(a, scn.actor_name(a), scn.actors[a].short if a in scn.actors else a, a in state.meta.seated, a in due, a in state.orders, owner == a and not state.ordering)
        for a in state.meta.sides
    )  # fmt: skip
    my = state.orders.get(side) if side else None
    voided = _voided(state, viewer)
    return View(
        room=state.meta.id,
        title=state.meta.title,
        scenario_id=scn.id,
        scenario_title=scn.title,
        turns=str(scn.turn_mode),
        order=tuple(scn.seats),
        status=state.phase,
        turn=s.node.turn,
        horizon=scn.horizon,
        revision=state.revision,
        viewer=viewer,
        sides=sides,
        briefings=tuple((a.id, a.name, a.briefing) for a in scn.actors.values() if a.id in state.meta.sides),
        private=public.actors[side].private if side in public.actors else None,
        story=told,
        why=why,
        asked=_asked(state, viewer, weights),
        my_order=_option(state, _act(scn, my.act), weights) if my else None,
        orders=tuple((o.side, _option(state, _act(scn, o.act), True)) for o in state.orders.values()) if facilitator else (),
        ordered=tuple(a for a in state.meta.sides if a in state.orders),
        voided=voided,
        rounds=tuple(_round(state, r) for r in state.rounds),
        decisions=tuple(_decision(state, d) for d in state.decisions),
        timer=TimerView(state.deadline, state.remaining),
        weights_visible=state.weights_visible,
        prompts=tuple(state.prompts()),
        notes=tuple(n for n in state.notes if facilitator or (seat and n.who == viewer.who)),
        ending=scn.endings[s.node.ending].title if s.node.over else None,
        ended_reason=state.ended_reason,
        scenario=public,
        notices=tuple(state.dropped) if facilitator else (),
    )  # fmt: skip


# --- the parts ------------------------------------------------------------------------------------


def _public(scn: Scenario, side: str | None, cache: dict) -> Scenario:
    """The scenario with every private briefing removed but ``side``'s (cached per side)."""
    found = cache.get(("public", side))
    if found is None:
        actors = {a: (info if a == side else dataclasses.replace(info, private=None)) for a, info in scn.actors.items()}
        found = cache[("public", side)] = dataclasses.replace(scn, actors=actors)
    return found


def _story(state: RoomState, weights: bool, cache: dict) -> tuple[Story, tuple[tuple[Fired, ...], ...]]:
    """The path so far (the same for every viewer; without the weights while they are hidden)."""
    key = ("story", state.revision, weights)
    found = cache.get(key)
    if found is not None:
        return found
    for old in [k for k in cache if k[0] == "story"]:
        del cache[old]
    told = story(state.session)
    why = tuple(step.trace for step in state.session.path()[1:])
    if not weights:
        told = dataclasses.replace(told, steps=tuple(dataclasses.replace(st, beats=tuple(_unweighed(b) for b in st.beats)) for st in told.steps))
        why = tuple(tuple(dataclasses.replace(f, probability=None) for f in trace) for trace in why)
    cache[key] = (told, why)
    return told, why


def _unweighed(beat):
    if hasattr(beat, "probability"):
        return dataclasses.replace(beat, probability=None, rationale=None)
    return beat


def _act(scn: Scenario, act_id: str) -> Act | None:
    return scn.by_id.get(act_id)


def _label(scn: Scenario, act_id: str) -> str:
    if act_id.startswith(INJECT):  # the event brought in (the line around it says so)
        return event_label(scn, act_id)
    act = scn.by_id.get(act_id)
    if act is None:
        return act_id
    if act.rule < 0:
        return f"{scn.actor_name(act.actor)}: {act.label}"
    return f"{scn.rules[act.rule].label}: {act.label}"


def order_label(scn: Scenario, act_id: str) -> str:
    """An order in words, without its side's name (a round lists the side beside it)."""
    act = scn.by_id.get(act_id)
    return act.label if act is not None else act_id


def event_label(scn: Scenario, act_id: str) -> str:
    """The event an inject brought in, in words ('inject:season' -> 'The dry season')."""
    rule = scn.rule_by_id.get(act_id[len(INJECT) :])
    return rule.label if rule else act_id


def _option(state: RoomState, act: Act | None, weights: bool, weight: float | None = None, share: float | None = None) -> Option | None:
    if act is None:
        return None
    kind = "pass" if act.is_pass else "move" if act.rule < 0 else "branch"
    shown = weights and weight is not None
    return Option(
        act.id, act.label, kind, str(act.basis), act.text.strip() if act.text else None,
        weight if shown else None, share if shown else None, act.rationale if weights and act.rule >= 0 else None,
    )  # fmt: skip


def _options(state: RoomState, acts: list[Act], weights: bool) -> tuple[Option, ...]:
    ws, ps = core.shares(acts, state.session.node.state)
    return tuple(_option(state, a, weights, w, p) for a, w, p in zip(acts, ws, ps, strict=True))


def _asked(state: RoomState, viewer: Member, weights: bool) -> Asked:
    scn, s = state.scenario, state.session
    facilitator = viewer.role == FACILITATOR
    node = s.node
    if state.over:
        return Asked("ended", "", "", _ended_label(state), False, ())
    if not s.options():
        return Asked("dead end", "", "", "Nothing is on offer and no ending applies: the facilitator can end the game.", False, ())
    injectable = tuple((r.id, r.label) for r in core.injectable(scn, node)) if facilitator else ()
    if state.status == "waiting":
        return Asked("waiting", "", "", "The room has not started yet.", False, (), injectable=injectable)
    running = state.status == "running"
    if state.ordering:
        due = state.due_seated()
        label = f"Turn {node.turn}: every side gives its order, unseen; the facilitator reveals them together."
        if viewer.role == SEAT and viewer.side in state.due():
            return Asked("orders", "", "", label, running, _options(state, state.offered(viewer.side), weights))
        return Asked("orders", "", "", label, facilitator and running, (), injectable=injectable if not due or facilitator else ())
    owner = s.owner()
    rule = core.rule_at(scn, node)
    if node.deciding:
        what, label = "move", f"Turn {node.turn}: {possessive(scn.owner_name(owner))} move"
    elif owner == CHANCE:
        what, label = "chance", rule.label if rule else "chance"
    else:
        what, label = "reaction", f"{scn.owner_name(owner)}: {rule.label}" if rule else scn.owner_name(owner)
    mine = viewer.role == SEAT and viewer.side == owner
    options = _options(state, [o.act for o in s.options()], weights) if (mine or facilitator) else ()
    options = tuple(dataclasses.replace(o, ends=_ends(state, o.act)) for o in options)
    roll = pick(s.options(), s.rng(s.step())).id if facilitator else None
    up_next = None
    if node.deciding and scn.turn_mode == TurnMode.ROUNDS and node.seat + 1 < len(scn.seats):
        up_next = scn.seats[node.seat + 1]
    return Asked(what, owner, scn.owner_name(owner), label, running and (mine or facilitator), options, roll, injectable if node.deciding else (), up_next)


def _ends(state: RoomState, act_id: str) -> str | None:
    """The title of the ending that taking ``act_id`` here reaches at once, if it does: a
    class that cannot see the weights should not end a long game unawares (a walkthrough
    ended the 14-turn arc after turn 1 that way)."""
    scn = state.scenario
    act = scn.by_id.get(act_id)
    if act is None:
        return None
    child = core.advance(scn, state.session.node, act)
    return scn.endings[child.ending].title if child.over else None


def _ended_label(state: RoomState) -> str:
    scn, node = state.scenario, state.session.node
    if node.over:
        return f"Ended: {scn.endings[node.ending].title}"
    return "The facilitator ended the game" + (f": {state.ended_reason}" if state.ended_reason else ".")


def _round(state: RoomState, r) -> RoundView:
    scn, failed = state.scenario, state.failed(r)
    given = tuple(Given(g.side, scn.actor_name(g.side), g.act, order_label(scn, g.act), g.how, g.side in failed) for g in r.given)
    return RoundView(r.turn, r.at, given, r.n)


def _decision(state: RoomState, d) -> DecisionView:
    scn = state.scenario
    by = "the facilitator" if d.who == FACILITATOR else scn.actor_name(d.who.partition(":")[2])
    turn = state.session.steps[d.step].node.turn
    ruling_text = RULING_HELP.get(d.ruling) if d.ruling else None
    act = d.act
    return DecisionView(d.n, d.at, by, d.who, turn, _label(scn, act), act, d.ruling, ruling_text, d.reason, d.how)


def _voided(state: RoomState, viewer: Member) -> bool:
    """An inject in this sealed round voided orders given before it: the viewer's own (a seat),
    or anyone's (the facilitator), and they have not been given again."""
    if not state.voided or not state.ordering:
        return False
    n, sides = state.voided[-1]
    if state.rounds and state.rounds[-1].n > n:
        return False
    if viewer.role == FACILITATOR:
        return any(side not in state.orders for side in sides)
    return viewer.role == SEAT and viewer.side in sides and viewer.side not in state.orders
