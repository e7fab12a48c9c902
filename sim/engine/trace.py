"""Why each step happened: the rules that fired, the values their conditions saw,
what changed, and the quotes behind them. Recorded only when a caller asks
(sessions and runs do; exhaustive exploration does not, to stay fast)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.engine.model import Act, QuoteRef, Scenario
from sim.engine.vocab import CHANCE, How, Kind, possessive

_CHANGE_KINDS = ("value",)  # history counters and the turn are book-keeping, not news


@dataclass(frozen=True, slots=True)
class Condition:
    text: str
    seen: tuple[tuple[str, str], ...]  # (name, value) for every name the condition mentions


@dataclass(frozen=True, slots=True)
class Fired:
    kind: Kind  # a StrEnum: compares equal to "move", "reaction", ...
    id: str  # act id ("russia_reply.yes_but"), ending id, or "" for notes
    label: str
    turn: int
    actor: str | None = None  # the side that acts (an event's optional actor too)
    rule_label: str | None = None  # the reaction or event an alternative belongs to
    how: str = ""  # a How: "chosen" or "only branch" (sessions refine "chosen" into picked/rolled)
    probability: float | None = None
    conditions: tuple[Condition, ...] = ()
    changes: tuple[tuple[str, str, str], ...] = ()  # (name, before, after)
    quotes: tuple[QuoteRef, ...] = ()
    # Whose decision it was: the moving side, the reacting side, or CHANCE for an event's
    # branch; None for lines that record no decision (a turn, an ending, a cut chain).
    owner: str | None = None
    # Set by a room (sim.room) where its facilitator decided: a Ruling ("roll", "pick",
    # "override", "inject") and the reason the facilitator stated (required to override).
    ruling: str | None = None
    reason: str | None = None

    def with_how(self, how: str) -> Fired:
        return replace(self, how=how)

    def with_ruling(self, ruling: str, reason: str | None = None) -> Fired:
        return replace(self, ruling=ruling, reason=reason)


def _condition(compiled, state: tuple) -> Condition:
    return Condition(compiled.source, tuple((slot.name, slot.show(state)) for slot in compiled.reads))


def changes(scn: Scenario, before: tuple, after: tuple) -> tuple[tuple[str, str, str], ...]:
    out = []
    for slot in scn.slots[1:]:
        if slot.kind in _CHANGE_KINDS and before[slot.index] != after[slot.index]:
            out.append((slot.name, slot.show(before), slot.show(after)))
    return tuple(out)


def act_owner(scn: Scenario, act: Act) -> str | None:
    """Whose decision an act is: a move its side's, a reaction's branch the reacting side's,
    an event's branch chance's."""
    if act.rule < 0:
        return act.actor
    rule = scn.rules[act.rule]
    return CHANCE if rule.kind == Kind.EVENT else (rule.actor or CHANCE)


def record_act(scn: Scenario, act: Act, before: tuple, after: tuple, probability: float | None, how: str) -> Fired:
    conditions = []
    rule_label = None
    if act.rule < 0:
        kind = Kind.MOVE
    else:
        rule = scn.rules[act.rule]
        kind = rule.kind
        rule_label = rule.label
        if rule.when is not None:
            conditions.append(_condition(rule.when, before))
    if act.when is not None:
        conditions.append(_condition(act.when, before))
    return Fired(
        kind, act.id, act.label, before[0], act.actor, rule_label, how, probability,
        tuple(conditions), changes(scn, before, after), act.quotes, act_owner(scn, act),
    )  # fmt: skip


def record_sealed(scn: Scenario, act: Act, state: tuple, probability: float) -> Fired:
    """A side's choice in a sealed round, made unseen; it applies when every side has chosen."""
    conditions = (_condition(act.when, state),) if act.when is not None else ()
    return Fired(Kind.SEALED, act.id, act.label, state[0], act.actor, None, How.CHOSEN, probability, conditions, owner=act.actor)


def record_failed(scn: Scenario, act: Act, state: tuple) -> Fired:
    """A sealed choice that was no longer on offer when its turn came: it does not apply."""
    conditions = tuple(_condition(c, state) for c in (act.when,) if c is not None)
    why = "its condition no longer holds" if act.when is not None else "it can be made only once"
    if act.when is not None and act.once:
        why = "its condition no longer holds, or it was made already"
    label = f"{possessive(scn.actor_name(act.actor))} choice fails: '{act.label}' was no longer on offer when its turn came ({why})"
    return Fired(Kind.FAILED, act.id, label, state[0], act.actor, conditions=conditions, owner=act.actor)


def record_ending(scn: Scenario, index: int, state: tuple, horizon: bool = False) -> Fired:
    ending = scn.endings[index]
    conditions = () if horizon or ending.when is None else (_condition(ending.when, state),)
    label = ending.title
    if horizon:
        label += f" (the {scn.horizon}-turn horizon was reached)"
    return Fired(Kind.HORIZON if horizon else Kind.ENDING, ending.id, label, state[0], conditions=conditions, quotes=ending.quotes)


def record_inject(scn: Scenario, rule_index: int, state: tuple) -> Fired:
    """An event brought in on demand (core.inject); its branches follow as usual."""
    rule = scn.rules[rule_index]
    conditions = (_condition(rule.when, state),) if rule.when is not None else ()
    return Fired(Kind.INJECT, rule.id, rule.label, state[0], rule.actor, conditions=conditions)


def record_note(scn: Scenario, kind: Kind, text: str, state: tuple | None) -> Fired:
    return Fired(kind, "", text, state[0] if state else 0)
