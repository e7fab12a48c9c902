"""The scenario file format, as pydantic models (the boundary where YAML comes in).

Every model forbids unknown keys, so a misspelt key is an error (with a did-you-mean)
rather than silently ignored. These models are only used while loading; the engine
runs on the plain structures that :mod:`sim.engine.build` compiles from them.
The committed JSON Schema (``schema/scenario.schema.json``) is generated from here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag

from sim.engine.vocab import POLITICAL, Answer, Basis, Category, View, values

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Expr = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1000),
    Field(
        description="A condition in the scenario's expression language, e.g. "
        "ceasefire == \"agreed\" and count(us_pressure) < 2",
        json_schema_extra={"format": "sim-expression"},
    ),
]
Effect = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1000),
    Field(
        description="An assignment: name = value, name += 1, name -= 1, or actor.issue = \"option\"",
        json_schema_extra={"format": "sim-effect"},
    ),
]
Weight = Annotated[float, Field(gt=0, le=1_000_000)]
CaseWeight = Annotated[float, Field(ge=0, le=1_000_000)]

# The vocabularies are defined once, as Enums in sim.engine.vocab; the format takes their text.
# A side's act is typed by a PLOVER event category (Open Event Data Alliance); an event may
# also be NATURAL, ECONOMIC, HEALTH or ACCIDENT, or go without a category.
Plover = Literal[values(POLITICAL)]  # type: ignore[valid-type]
AnyCategory = Literal[values(Category)]  # type: ignore[valid-type]
BasisText = Literal[values(Basis)]  # type: ignore[valid-type]
ViewText = Literal[values(View)]  # type: ignore[valid-type]
AnswerText = Literal[values(Answer)]  # type: ignore[valid-type]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


class Quote(Model):
    """A passage quoted verbatim from a source article (checked against seeds/)."""

    source: Id
    "The id of a source declared under `sources`."
    text: Text
    "The exact words as they appear in the article (white space and curly quotes are folded)."
    speaker: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")] | None = None
    "Who said these words, as actor or actor.person, when the article quotes them; omit when it is the article's own narration."


class Source(Model):
    """One of the seed articles."""

    file: Line
    "Path of the article, relative to the YAML file that declares it."
    label: Line
    "A short name for the article, shown in the UI (the author's, not the outlet's)."
    headline: Line | None = None
    "The article's own headline, when it has one."
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    "The SHA-256 of the file, so that a changed article is noticed."
    notes: Text | None = None
    outlet: Line | None = None
    "The outlet that published the article, only where the article itself names it (checked: the words occur in the article)."
    dateline: Line | None = None
    "The article's dateline as it prints it, e.g. 'Washington D.C.' (checked: the words occur in the article)."
    date: Line | None = None
    "The article's date, only where the article itself states it (checked: the words occur in the article)."


class Person(Model):
    name: Line
    role: Line
    "The role as the articles give it; where they differ, say so."
    aliases: list[Line] = []
    "Other names the articles use for this person or body (spellings, titles): the check that a quote's speaker is named beside it looks for these too."


class Briefing(Model):
    """Classroom briefing for one side: what it wants, fears and will not accept."""

    wants: list[Line] = []
    fears: list[Line] = []
    red_lines: list[Line] = []
    quotes: list[Quote] = []


class PrivateItem(Model):
    """One confidential instruction to the group that plays a side."""

    text: Line
    basis: Literal["articles", "author"] = "articles"
    "articles: the articles support it (quote them); author: the scenario author's invention for play, shown as such."
    quotes: list[Quote] = []
    "The passages it rests on (required when basis is articles; context when it is the author's)."


class PrivateBriefing(Model):
    """Confidential instructions for the group that plays a side; never shown to the other sides."""

    wants_most: list[PrivateItem] = []
    may_concede: list[PrivateItem] = []
    must_not_reveal: list[PrivateItem] = []


class Actor(Model):
    name: Line
    short: Annotated[str, StringConstraints(min_length=1, max_length=14)]
    "A short label for narrow screens, e.g. 'US', 'Russia'."
    kind: Literal["side", "mediator", "host", "third_party"] = "side"
    aliases: list[Line] = []
    "Other names the articles use for this side (demonyms, capitals, institutions): the checks that a quote names its speaker, and a reported act its actor, look for these too."
    people: dict[Id, Person] = {}
    briefing: Briefing | None = None
    private: PrivateBriefing | None = None
    "Confidential instructions for the group that plays this side (a classroom game); the public briefing is `briefing`."


class Issue(Model):
    title: Line
    question: Line | None = None
    options: dict[Id, Line] = Field(min_length=2)
    "The positions an actor can hold on the issue, each with a one-line description."
    key: bool = True
    "Shown in the stances table of the main screen."


class RedLine(Model):
    text: Line
    "The red line in plain words, attributed to the side that draws it."
    crossed_when: Expr | None = None
    "A condition under which the red line is crossed on the current path."


class Stance(Model):
    """An actor's position on an issue: part of the state, so it can shift."""

    position: Id
    "One of the issue's options, or none: no position yet (a side may take one during play)."
    summary: Line
    "The position in plain, attributed words."
    quotes: list[Quote] = []
    "The words that state it; required unless the position is none."
    red_line: RedLine | None = None


class EnumVariable(Model):
    type: Literal["enum"]
    values: list[Id] = Field(min_length=2, max_length=64)
    initial: Id
    label: Line | None = None
    describe: dict[Id, Line] = {}
    "A phrase for each value, shown on the situation panel."
    show: bool = True
    scope: Expr | None = None
    "Where the variable matters (e.g. phase == \"ceasefire\"). Outside it, the value is reset to its initial value at the end of each turn and hidden, so that branches that differ only in forgotten details merge."


BIG = 10**15  # integers as large as an author needs (a flow in m³/s, a budget), exact in JSON


class IntVariable(Model):
    type: Literal["int"]
    min: int = Field(ge=-BIG, le=BIG)
    max: int = Field(ge=-BIG, le=BIG)
    initial: int
    label: Line | None = None
    unit: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = None
    "Shown after the number: 'm³/s', '%', 'turns'."
    format: Literal["plain", "thousands", "signed"] = "plain"
    "How the number is shown: plain (1200), thousands (1,200) or signed (+3, -2)."
    show: bool = True
    scope: Expr | None = None
    per_turn: int = Field(default=0, ge=-BIG, le=BIG)
    "Added at the end of every turn that ends in scope, kept within min..max: a clock when 1."


class BoolVariable(Model):
    type: Literal["bool"]
    initial: bool
    label: Line | None = None
    show: bool = True
    scope: Expr | None = None


Variable = Annotated[EnumVariable | IntVariable | BoolVariable, Field(discriminator="type")]


class WeightCase(Model):
    """One line of a weight that depends on the state: the first whose `when` holds applies."""

    when: Expr | None = None
    "The condition; omit it on the last line, which applies otherwise."
    weight: CaseWeight
    "The weight while the condition holds (0: a roll never takes it then)."


StateWeight = Annotated[
    Weight | Annotated[list[WeightCase], Field(min_length=1, max_length=64)],
    Field(description="A number, or a list of {when, weight} lines (the first that holds applies; the last, without when, applies otherwise)."),
]


class Act(Model):
    """Fields shared by everything that can happen: moves and alternatives."""

    label: Line
    type: Plover
    "The PLOVER event category of the act."
    basis: BasisText
    "reported (the articles say it happened), possible (the articles name it as a possibility) or illustrative."
    text: Text | None = None
    "What happens, in neutral, attributed words."
    when: Expr | None = None
    effects: list[Effect] = []
    quotes: list[Quote] = []
    prompt: Text | None = None
    "A discussion prompt shown when this happens."
    tags: list[Id] = []


class Move(Act):
    """Something a side can choose to do; offered when `when` holds."""

    actor: Id
    once: bool = False
    "Offer the move only until it has been made once."
    pass_: bool = Field(default=False, alias="pass")
    "The move is a pass (the side makes no new move this turn): offered at the open table only, since in rounds and sealed rounds every side has the round's own pass."
    weight: StateWeight = 1
    "How likely a side is to choose this when moves are rolled rather than picked: a number, or {when, weight} lines."
    rationale: Line | None = None


class Demand(Model):
    """A condition attached to a conditional acceptance ("yes, but")."""

    text: Line
    quotes: list[Quote] = []


class Alternative(Act):
    """One branch of a reaction or event. The weight is the author's illustrative judgement."""

    weight: StateWeight
    "The author's weight: a number, or {when, weight} lines when it depends on the state (a drought that hardens positions)."
    rationale: Line
    "One line on why the author gave this weight. Not a forecast."
    answer: AnswerText | None = None
    "For replies: yes, yes_but (a conditional acceptance, with demands), no, counter, no_answer."
    demands: list[Demand] = []


class EventAlternative(Alternative):
    """One branch of an event: chance decides it, so it may be something other than a political act."""

    type: AnyCategory | None = None
    "A PLOVER category, or NATURAL, ECONOMIC, HEALTH or ACCIDENT for what is not a political act; omit when none fits."


class Reaction(Model):
    """What a side does in answer to an act: weighted alternatives, each a branch."""

    actor: Id
    on: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")]] = Field(min_length=1)
    "The acts that trigger it: move ids, rule ids, or rule.alternative ids."
    label: Line
    when: Expr | None = None
    alternatives: dict[Id, Alternative] = Field(min_length=1)


class Event(Model):
    """Something outside the table that may happen between turns."""

    label: Line
    actor: Id | None = None
    when: Expr | None = None
    once: bool = False
    "Consider the event only until one of its alternatives has happened once."
    alternatives: dict[Id, EventAlternative] = Field(min_length=1)


class Judgement(Model):
    view: ViewText
    reason: Line
    "How this side would judge the ending, in terms of its stated positions."
    cites: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]] = []
    "Stances (actor.issue) whose quotes back the judgement."
    quotes: list[Quote] = []
    "Passages that back the reason itself; when given, they are shown instead of the cited stances' first quotes."


class Ending(Model):
    title: Line
    when: Expr | None = None
    "Omit only for the scenario's on_horizon ending."
    text: Text
    judgements: dict[Id, Judgement] = {}
    prompts: list[Text] = []
    quotes: list[Quote] = []
    holds: list[Expr] = []
    "What the text and judgements take for granted, as conditions; lint checks each on every path that reaches the ending (for the on_horizon ending, on every state at which a turn ends without one)."


class Prompt(Model):
    """A discussion prompt shown the first time its condition holds on a path."""

    when: Expr
    text: Text


class Version(Model):
    source: Id
    text: Text
    summary: Line
    speaker: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")] | None = None
    "Who characterises it so (actor or actor.person), when two speakers in one source disagree."


class Dispute(Model):
    """Where the sources disagree: every version, each with its source (two sources, or two
    speakers in one source)."""

    topic: Line
    versions: list[Version] = Field(min_length=2)


class Pass(Model):
    """The pass every side has in rounds: a real choice not to move this round."""

    label: Line = "Passes this round"
    weight: StateWeight = 1
    "How likely a side played by the author's weights is to pass."
    rationale: Line | None = None


class Turns(Model):
    """How the sides take their turns: rounds or sealed rounds, in the order given."""

    rounds: list[Id] | None = Field(default=None, min_length=1, max_length=64)
    "Each side in this order decides once per turn (a move, or a pass), seeing what went before."
    sealed: list[Id] | None = Field(default=None, min_length=1, max_length=64)
    "Every side decides unseen; then the choices apply in this order."
    pass_: Pass = Field(default_factory=Pass, alias="pass")
    rationale: Text | None = None
    "Why the sides decide in this order."


class Meta(Model):
    id: Id
    title: Line
    summary: Text
    situation: Text
    "The opening situation, shown before the first move."
    horizon: int = Field(ge=1, le=60)
    "The number of turns after which the on_horizon ending closes the scenario."
    on_horizon: Id
    default: bool = False
    order: int = 0
    start: dict[str, str | int | bool] = {}
    "Initial values for this scenario that differ from the declared ones: variables and stances (actor.issue)."
    max_chain: int = Field(default=8, ge=1, le=32)
    "How many reactions may follow one another from a single act."
    turns: Annotated[
        Annotated[Literal["open"], Tag("open")] | Annotated[Turns, Tag("order")],
        Discriminator(lambda v: "open" if isinstance(v, str) else "order"),
    ] = "open"
    "open (one move per turn by any side), {rounds: [sides in order]} or {sealed: [sides in order]}."
    disclaimer: Text = (
        "Weights on branches are the scenario author's illustrative judgement, each with a "
        "one-line rationale. This is a discussion aid, not a forecast."
    )


class ScenarioFile(Model):
    """A scenario (with `scenario:`) or a library of shared definitions (without)."""

    format: Literal[1] = 1
    include: list[Line] = []
    "Library files to merge in, relative to this file."
    variant_of: Line | None = None
    "A scenario file this one varies (relative to this file): everything in it, with this file's `scenario:` settings overriding its own."
    scenario: Meta | None = None
    sources: dict[Id, Source] = {}
    actors: dict[Id, Actor] = {}
    issues: dict[Id, Issue] = {}
    stances: dict[Id, dict[Id, Stance]] = {}
    "Per actor, per issue."
    variables: dict[Id, Variable] = {}
    moves: dict[Id, Move] = {}
    reactions: dict[Id, Reaction] = {}
    events: dict[Id, Event] = {}
    endings: dict[Id, Ending] = {}
    prompts: dict[Id, Prompt] = {}
    disputes: dict[Id, Dispute] = {}

