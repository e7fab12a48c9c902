"""Each vocabulary of the format and the trace, defined once.

Every closed set of words the engine, the format and the renderers share is an
Enum here, with the one table that explains it. The format's pydantic models take
their allowed values from these Enums (``values``), and renderers look words up in
the tables below, which a test checks are complete. ``StrEnum`` members compare
equal to their text, so code that compares with ``"move"`` keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


def values(members: Iterable[StrEnum]) -> tuple[str, ...]:
    """The members' text, in declared order (for ``Literal[...]`` in the format's models)."""
    return tuple(member.value for member in members)


class Basis(StrEnum):
    """Why an act is in the scenario."""

    REPORTED = "reported"
    POSSIBLE = "possible"
    ILLUSTRATIVE = "illustrative"


BASIS_HELP: dict[Basis, str] = {
    Basis.REPORTED: "reported in the articles",
    Basis.POSSIBLE: "named in the articles as a possibility",
    Basis.ILLUSTRATIVE: "illustrative: the scenario author's extrapolation, not in the articles",
}


class Quad(StrEnum):
    """PLOVER's four quad classes: cooperation or conflict, verbal or material."""

    VERBAL_COOPERATION = "verbal cooperation"
    MATERIAL_COOPERATION = "material cooperation"
    VERBAL_CONFLICT = "verbal conflict"
    MATERIAL_CONFLICT = "material conflict"


class Category(StrEnum):
    """What kind of act: a PLOVER event category (Open Event Data Alliance) for what a
    side does, or one of a few categories for what happens outside politics (a drought,
    a market shock). Events may also go without a category."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    INVESTIGATE = "INVESTIGATE"
    DEMAND = "DEMAND"
    DISAPPROVE = "DISAPPROVE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    SANCTION = "SANCTION"
    PROTEST = "PROTEST"
    CRIME = "CRIME"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"
    FIGHT = "FIGHT"
    # Not political acts: for events only (see POLITICAL).
    NATURAL = "NATURAL"  # weather, drought, flood, earthquake
    ECONOMIC = "ECONOMIC"  # prices, markets, harvests
    HEALTH = "HEALTH"  # an epidemic, a health emergency
    ACCIDENT = "ACCIDENT"  # an industrial or technical failure


CATEGORY_QUAD: dict[Category, Quad | None] = {
    **dict.fromkeys((Category.AGREE, Category.CONSULT, Category.SUPPORT, Category.CONCEDE), Quad.VERBAL_COOPERATION),
    **dict.fromkeys((Category.COOPERATE, Category.AID, Category.RETREAT, Category.INVESTIGATE), Quad.MATERIAL_COOPERATION),
    **dict.fromkeys((Category.DEMAND, Category.DISAPPROVE, Category.REJECT, Category.THREATEN, Category.SANCTION), Quad.VERBAL_CONFLICT),
    **dict.fromkeys((Category.PROTEST, Category.CRIME, Category.MOBILIZE, Category.COERCE, Category.ASSAULT, Category.FIGHT), Quad.MATERIAL_CONFLICT),
    **dict.fromkeys((Category.NATURAL, Category.ECONOMIC, Category.HEALTH, Category.ACCIDENT), None),
}
POLITICAL = tuple(c for c in Category if CATEGORY_QUAD[c] is not None)  # what moves and reactions may be


class View(StrEnum):
    """How a side would judge an ending, by its stated positions."""

    WELCOMES = "welcomes"
    ACCEPTS = "accepts"
    MIXED = "mixed"
    OPPOSES = "opposes"
    REJECTS = "rejects"
    NO_RECORD = "no_record"


# How a judgement reads after a side's name. Modal ("would ...") because the endings are
# hypothetical, and because it agrees with "Russia" and "European allies" alike.
VIEW_PHRASES: dict[View, str] = {
    View.WELCOMES: "would welcome it",
    View.ACCEPTS: "would accept it",
    View.MIXED: "would have mixed views of it",
    View.OPPOSES: "would oppose it",
    View.REJECTS: "would reject it",
    View.NO_RECORD: "would have no position on record",
}


class Answer(StrEnum):
    """What a reply says."""

    YES = "yes"
    YES_BUT = "yes_but"
    NO = "no"
    COUNTER = "counter"
    NO_ANSWER = "no_answer"


ANSWER_HELP: dict[Answer, str] = {
    Answer.YES: "accepts",
    Answer.YES_BUT: "accepts with conditions",
    Answer.NO: "refuses",
    Answer.COUNTER: "makes a counter-proposal",
    Answer.NO_ANSWER: "does not answer",
}


class Kind(StrEnum):
    """The kinds of line in a step's trace (:class:`sim.engine.trace.Fired`)."""

    MOVE = "move"  # a side's move (or its pass)
    REACTION = "reaction"  # an alternative of a reaction
    EVENT = "event"  # an alternative of an event
    SEALED = "sealed"  # a side's choice in a sealed round, recorded unseen until the round applies
    FAILED = "failed"  # a sealed choice no longer on offer when its time came
    ENDING = "ending"
    HORIZON = "horizon"  # the horizon's ending
    TURN = "turn"  # a new turn begins
    CHAIN = "chain"  # reactions cut at max_chain
    INJECT = "inject"  # an event brought in on demand (core.inject), before its branches


KIND_LABEL: dict[Kind, str] = {
    Kind.MOVE: "Move",
    Kind.REACTION: "Reaction",
    Kind.EVENT: "Event",
    Kind.SEALED: "Sealed choice",
    Kind.FAILED: "Failed",
    Kind.ENDING: "Ending",
    Kind.HORIZON: "Ending",
    Kind.TURN: "Turn",
    Kind.CHAIN: "Chain cut",
    Kind.INJECT: "Injected",
}
ACTS = (Kind.MOVE, Kind.REACTION, Kind.EVENT)  # the kinds that record an act taking effect


class How(StrEnum):
    """How a branch point was decided."""

    CHOSEN = "chosen"  # by the caller of core.advance (sessions refine it below)
    PICKED = "picked"  # by a person (a seat, a script, the director)
    ROLLED = "rolled"  # by the author's weights, with a seeded roll
    ONLY = "only branch"  # nothing else was on offer
    SEALED = "sealed"  # chosen unseen earlier in a sealed round, applied now in turn order


HOW_HELP: dict[How, str] = {
    How.CHOSEN: "chosen",
    How.PICKED: "chosen",
    How.ROLLED: "rolled by the author's weights",
    How.ONLY: "the only branch",
    How.SEALED: "chosen unseen, applied in turn",
}


class Ruling(StrEnum):
    """How a room's facilitator decided a branch point (a trace line's ``ruling``)."""

    ROLL = "roll"  # accepted the author's roll
    PICK = "pick"  # picked a branch
    OVERRIDE = "override"  # set the author's weights aside, with a stated reason
    INJECT = "inject"  # brought one of the scenario's events in on demand


RULING_HELP: dict[Ruling, str] = {
    Ruling.ROLL: "accepted the author's roll",
    Ruling.PICK: "picked this branch",
    Ruling.OVERRIDE: "overrode the author's weights",
    Ruling.INJECT: "brought this event in on demand",
}
FACILITATOR = "the facilitator"  # who decided, in words, where a ruling was made


class TurnMode(StrEnum):
    """How the sides take their turns (the scenario's ``turns:``)."""

    OPEN = "open"  # one move per turn by any side: the director's view
    ROUNDS = "rounds"  # each side in order decides once per turn, with a pass
    SEALED = "sealed"  # every side decides unseen, then the choices apply in order


TURN_MODE_HELP: dict[TurnMode, str] = {
    TurnMode.OPEN: "an open table: each turn, one move by any side",
    TurnMode.ROUNDS: "rounds: each side in turn makes one move (or passes), and sees what went before",
    TurnMode.SEALED: "sealed rounds: every side chooses unseen; then the choices apply in order",
}

NO_POSITION = "none"  # a stance's value when a side has no position (yet) on an issue
NO_POSITION_TEXT = "no position yet"  # how a reader sees it
CHANCE = "chance"  # the owner of an event's branches
TABLE = "table"  # the owner of an open table's decision: any side, as the director chooses


def possessive(name: str) -> str:
    """'Russia's', 'the European allies'', 'the United States'': a name's possessive, as
    English writes it (a name ending in s takes the apostrophe alone)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
