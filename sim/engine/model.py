"""The compiled scenario: plain, fast structures the engine runs on.

Built once from the validated YAML by :mod:`sim.format.build`; nothing here knows
about YAML or pydantic. Conditions and effects are compiled functions over the
state tuple (see :mod:`sim.expr.compiler`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sim.engine.vocab import (  # noqa: F401 - renderers import them from here
    BASIS_HELP,
    CHANCE,
    TABLE,
    VIEW_PHRASES,
    Answer,
    Basis,
    Category,
    Kind,
    TurnMode,
    View,
)
from sim.expr.compiler import Compiled
from sim.expr.types import IntType, Slot

MOVE = Kind.MOVE
REACTION = Kind.REACTION
EVENT = Kind.EVENT


@dataclass(slots=True, frozen=True)
class QuoteRef:
    source: str  # source id
    text: str
    speaker: str | None = None  # "Vladimir Putin (Russia)" when the article quotes someone
    span: tuple[int, int] | None = None  # where it sits in the source's raw text


@dataclass(slots=True)
class SourceInfo:
    id: str
    label: str
    headline: str | None
    file: Path
    text: str
    sha256: str
    notes: str | None = None
    outlet: str | None = None  # only where the article names it (validate checks the words occur)
    dateline: str | None = None
    date: str | None = None


@dataclass(slots=True)
class Briefing:
    wants: tuple[str, ...] = ()
    fears: tuple[str, ...] = ()
    red_lines: tuple[str, ...] = ()
    quotes: tuple[QuoteRef, ...] = ()


@dataclass(slots=True)
class PrivateItem:
    text: str
    basis: str  # "articles" (quoted) or "author" (the scenario author's, for play)
    quotes: tuple[QuoteRef, ...] = ()


@dataclass(slots=True)
class PrivateBriefing:
    """Confidential instructions for the group playing a side: show them to that side only."""

    wants_most: tuple[PrivateItem, ...] = ()
    may_concede: tuple[PrivateItem, ...] = ()
    must_not_reveal: tuple[PrivateItem, ...] = ()


@dataclass(slots=True)
class ActorInfo:
    id: str
    name: str
    short: str
    kind: str
    people: dict[str, tuple[str, str]]  # person id -> (name, role)
    briefing: Briefing
    private: PrivateBriefing | None = None  # None when the scenario gives none


@dataclass(slots=True)
class IssueInfo:
    id: str
    title: str
    question: str | None
    options: dict[str, str]
    key: bool


@dataclass(slots=True)
class StanceInfo:
    actor: str
    issue: str
    slot: Slot
    initial: str
    summary: str
    quotes: tuple[QuoteRef, ...]
    red_line: str | None = None
    red_line_crossed: Compiled | None = None


@dataclass(slots=True)
class VarInfo:
    name: str
    slot: Slot
    label: str
    describe: dict[str, str]
    show: bool
    scope: Compiled | None = None

    def relevant(self, state: tuple) -> bool:
        return self.scope is None or bool(self.scope.fn(state))

    def phrase(self, state: tuple) -> str:
        value = self.slot.show(state)
        return self.describe.get(value) or self.displayed(value) or value

    def displayed(self, value: str) -> str | None:
        """A number as the author asks it shown (unit, thousands, sign), from its written
        form; None when the variable is not a number or asks for nothing."""
        typ = self.slot.type
        if isinstance(typ, IntType) and (typ.unit or typ.style != "plain") and value.lstrip("-").isdigit():
            return typ.display(int(value))
        return None


@dataclass(slots=True)
class Demand:
    text: str
    quotes: tuple[QuoteRef, ...] = ()


@dataclass(slots=True, eq=False)
class Act:
    """A move, or one alternative of a reaction or event."""

    index: int  # position in Scenario.acts
    id: str  # "us_propose" for a move, "russia_reply.yes_but" for an alternative
    rule: int  # -1 for a move, else the index of its reaction or event
    actor: str | None
    label: str
    type: Category | None  # None: an event alternative with no category
    basis: Basis
    text: str | None
    when: Compiled | None  # as the author wrote it: shown in "why"
    check: Compiled | None  # what the engine evaluates: `when`, plus "not done(x)" for once
    test: Callable[[tuple], bool] | None  # check.fn, or None when there is no condition
    apply: Callable[[tuple], tuple]
    effects: tuple[str, ...]
    writes: tuple[Slot, ...]
    deps: tuple[tuple[int, frozenset[int]], ...]  # per effect: (slot written, slots read)
    quotes: tuple[QuoteRef, ...]
    weight: float
    rationale: str | None
    prompt: str | None = None
    tags: tuple[str, ...] = ()
    once: bool = False
    answer: Answer | None = None
    demands: tuple[Demand, ...] = ()
    triggers: tuple[int, ...] = ()  # rules (reactions) this act sets off, in declared order
    # A weight that depends on the state: f(state) -> weight (the first `when` that holds);
    # None when the weight is the number above. Its conditions are in `weight_when`.
    weigh: Callable[[tuple], float] | None = None
    weight_when: tuple[tuple[Compiled | None, float], ...] = ()  # (condition or None for otherwise, weight)
    is_pass: bool = False  # the pass every side has in rounds (an act that changes nothing)
    assigns: tuple[tuple[int, object], ...] = ()  # per effect: (slot written, raw constant set, or None)

    @property
    def kind(self) -> str:
        return "move" if self.rule < 0 else "alternative"

    @property
    def short_id(self) -> str:
        return self.id.rsplit(".", 1)[-1]

    def weight_in(self, state: tuple) -> float:
        """The author's weight in ``state``."""
        return self.weight if self.weigh is None else self.weigh(state)


@dataclass(slots=True, eq=False)
class Rule:
    """A reaction (triggered by acts) or an event (considered at the end of each turn)."""

    index: int
    id: str
    kind: Kind  # Kind.REACTION or Kind.EVENT
    actor: str | None
    label: str
    when: Compiled | None
    check: Compiled | None
    alternatives: tuple[Act, ...]
    on: tuple[str, ...] = ()
    once: bool = False
    # The alternatives that apply in a state ([] if the rule's own condition fails),
    # generated as one function (sim.expr.batch.select).
    eligible: Callable[[tuple], list[Act]] = field(default=lambda state: [])


@dataclass(slots=True)
class Judgement:
    view: View
    reason: str
    cites: tuple[str, ...]
    quotes: tuple[QuoteRef, ...] = ()  # backing the reason; else the cited stances' quotes speak


@dataclass(slots=True, eq=False)
class EndingInfo:
    index: int
    id: str
    title: str
    text: str
    when: Compiled | None
    judgements: dict[str, Judgement]
    prompts: tuple[str, ...]
    quotes: tuple[QuoteRef, ...]
    holds: tuple[Compiled, ...] = ()  # what the ending takes for granted; lint checks it where reached


@dataclass(slots=True)
class PromptInfo:
    id: str
    when: Compiled
    text: str


@dataclass(slots=True)
class Version:
    source: str
    text: str
    summary: str
    span: tuple[int, int] | None
    speaker: str | None = None  # "Dmitry Peskov (Russia)": who characterises it so, within its source


@dataclass(slots=True)
class DisputeInfo:
    id: str
    topic: str
    versions: tuple[Version, ...]


@dataclass(slots=True, eq=False)
class Scenario:
    id: str
    title: str
    summary: str
    situation: str
    disclaimer: str
    horizon: int
    on_horizon: int  # ending index
    max_chain: int
    path: str
    default: bool
    order: int
    sources: dict[str, SourceInfo]
    actors: dict[str, ActorInfo]
    issues: dict[str, IssueInfo]
    stances: tuple[StanceInfo, ...]
    variables: tuple[VarInfo, ...]
    slots: tuple[Slot, ...]  # every slot, by index; slot 0 is the turn
    initial: tuple
    acts: tuple[Act, ...]
    moves: tuple[Act, ...]
    rules: tuple[Rule, ...]
    events: tuple[int, ...]  # rule indices of events, in declared order
    endings: tuple[EndingInfo, ...]
    prompts: tuple[PromptInfo, ...]
    disputes: tuple[DisputeInfo, ...]
    # The turn structure: an open table, or the sides in `seats` deciding in that order
    # each turn (rounds, or sealed rounds), each with its pass (passes[i] is seats[i]'s).
    turn_mode: TurnMode = TurnMode.OPEN
    seats: tuple[str, ...] = ()
    passes: tuple[Act, ...] = ()
    turn_rationale: str | None = None  # why the sides decide in this order
    # Moves that are themselves passes (`pass: true`): offered at the open table only, since in
    # rounds every side has the round's own pass; seat_moves leaves them out.
    passes_at_table: frozenset[str] = frozenset()
    # Per seat, the same kind of move index as move_guards/unguarded_moves, for its side.
    seat_moves: tuple[tuple[tuple, Callable[[tuple], list[Act]]], ...] = ()
    event_queue: tuple[int, ...] = ()  # the engine's queue for the end of a turn (core.event_queue)
    by_id: dict[str, Act] = field(default_factory=dict)
    rule_by_id: dict[str, Rule] = field(default_factory=dict)
    # Offered-move index: moves whose condition pins a value (x == "a" / x in (...)) are
    # looked up by that value, so a step never tests moves that cannot apply.
    # Each entry: (slot, {value: f(state) -> the group's moves that apply}); unguarded_moves
    # is the same kind of function for the moves no single value pins down.
    move_guards: tuple[tuple[int, dict[object, Callable[[tuple], list[Act]]]], ...] = ()
    unguarded_moves: Callable[[tuple], list[Act]] = field(default=lambda state: [])
    # The first ending whose condition holds, or -1 (sim.expr.batch.first_match).
    ending_of: Callable[[tuple], int] = field(default=lambda state: -1)
    # The end of a turn: turn + 1, clocks (int variables with per_turn) advanced, and
    # scoped variables whose scope no longer holds reset (sim.expr.batch.end_of_turn).
    end_turn: Callable[[tuple], tuple] = field(default=lambda state: (state[0] + 1, *state[1:]))
    ticking: tuple[tuple[int, int, int, int], ...] = ()  # (slot, per-turn change, min, max)
    # Slots (besides the turn) that some condition can see, directly or through an
    # effect feeding one. States equal on these have the same future, which is what
    # lets exploration merge them; see relevant_key().
    relevant: tuple[int, ...] = ()
    relevant_key: Callable[[tuple], object] = field(default=lambda state: state)

    def conditions(self) -> Iterator[tuple[str, Compiled]]:
        """Every compiled condition of the scenario, each with what it belongs to.

        The one list that build (what exploration may merge), exploration (does any
        condition read the turn?) and lint (is a variable ever read?) all walk.
        """
        for act in self.acts:
            if act.when is not None:
                yield act.id, act.when
            for when, _ in act.weight_when:
                if when is not None:
                    yield f"weight of {act.id}", when
        for rule in self.rules:
            if rule.when is not None:
                yield rule.id, rule.when
        for ending in self.endings:
            if ending.when is not None:
                yield f"ending {ending.id}", ending.when
            for i, held in enumerate(ending.holds):  # lint checks them where the ending is reached
                yield f"holds[{i}] of ending {ending.id}", held
        for prompt in self.prompts:
            yield f"prompt {prompt.id}", prompt.when
        for var in self.variables:
            if var.scope is not None:
                yield f"scope of {var.name}", var.scope
        for stance in self.stances:
            if stance.red_line_crossed is not None:
                yield f"red line of {stance.actor}.{stance.issue}", stance.red_line_crossed

    def ending_by_id(self, ending_id: str) -> EndingInfo | None:
        for ending in self.endings:
            if ending.id == ending_id:
                return ending
        return None

    def owner_name(self, owner: str | None) -> str:
        """An owner (see core.owner) in words: a side's name, "chance" or "the table"."""
        if owner == CHANCE:
            return "chance"
        if owner == TABLE:
            return "the table"
        return self.actor_name(owner) or "no one"

    def actor_name(self, actor_id: str | None) -> str:
        if actor_id is None:
            return ""
        info = self.actors.get(actor_id)
        return info.name if info else actor_id
