"""A path's story, walked once: a format-neutral view that every renderer reads.

The text and Markdown transcripts, the printable handout and the UI's story panel
all show the same things: the situation, each step as narrative (who decided, what
was done, the quotes and the article each comes from), the prompts, the ending with
each side's judgement, where the sources disagree and the caveat. They used to walk
the session's trace each on its own, and their wording drifted ("in" against
"quoted in"; a horizon ending said so on screen but not on paper). Here the walk
happens once, into plain frozen data with the wording decided; renderers only lay
it out.

Each item keeps its internal ids beside its readable text (``act_id``, ``Change.name``),
because the analyst's transcript shows them; reader-facing documents use only the
readable fields.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from sim.engine.model import QuoteRef, Scenario, SourceInfo
from sim.engine.session import Session
from sim.engine.trace import Fired
from sim.engine.vocab import ACTS, BASIS_HELP, CHANCE, FACILITATOR, HOW_HELP, NO_POSITION, NO_POSITION_TEXT, RULING_HELP, TABLE, VIEW_PHRASES, How, Kind

WEIGHTS_NOTE = "Weights are the author's illustrative judgement, not a forecast."
RATIONALE_LEAD = "Why this weight (the author's illustrative judgement)"
JUDGEMENTS_LEAD = "How each side would judge it, by its stated positions"


def percent(p: float | None) -> str:
    """A probability as readers see it: whole percent, "<1%" for a sliver."""
    if p is None:
        return ""
    return f"{p * 100:.0f}%" if p >= 0.01 or p == 0 else "<1%"


def humanize(option_id: str) -> str:
    return option_id.replace("_", " ")


# --- the parts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    """A source as a reader sees it: the author's label, and the article's own metadata
    (headline, outlet, dateline, date) only where the article states it."""

    id: str
    label: str
    file_name: str
    headline: str | None = None
    outlet: str | None = None
    dateline: str | None = None
    date: str | None = None

    @property
    def meta(self) -> str:
        """"The Moscow Times, Washington D.C., 2025-05-12": whichever the article states."""
        return ", ".join(x for x in (self.outlet, self.dateline, self.date) if x)

    @property
    def cited(self) -> str:
        """The label, with its metadata in brackets when there is some."""
        return f"{self.label} ({self.meta})" if self.meta else self.label


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    speaker: str | None  # "Steve Witkoff (US)"; None for the article's own words
    article: Article

    @property
    def attribution(self) -> str:
        """Who said it, where: one wording for every renderer."""
        if self.speaker:
            return f"{self.speaker}, quoted in {self.article.label}"
        return self.article.label


@dataclass(frozen=True, slots=True)
class Change:
    name: str  # the variable or stance id (actor.issue): the analyst's view
    before: str
    after: str
    label: str  # the variable's label, or "Russia: 30-day ceasefire": the reader's view
    before_text: str
    after_text: str
    number: bool = False  # a number the author gave a unit or format: the analyst's view shows it too


@dataclass(frozen=True, slots=True)
class Demand:
    text: str
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class Beat:
    """One thing that happened: a side's move, a reaction's branch, an event's branch."""

    kind: Kind  # MOVE, REACTION or EVENT
    act_id: str
    turn: int
    actor: str | None  # the side that acts (id)
    actor_name: str
    decided_by: str  # who decided it, in words: a side's name, or "chance" for an event
    how: str  # a How: "picked", "rolled", "only branch"
    rule_label: str | None  # "Moscow answers the truce proposal" for a branch
    label: str
    category: str  # the PLOVER event category ("DEMAND"): the analyst's view
    basis: str  # reported | possible | illustrative
    probability: float | None  # a branch's chance among its siblings
    text: str | None
    demands: tuple[Demand, ...]
    rationale: str | None  # why this weight (branches only)
    changes: tuple[Change, ...]
    quotes: tuple[Quote, ...]
    # Where a room's facilitator decided: the ruling (a Ruling) and the reason stated.
    ruling: str | None = None
    reason: str | None = None

    @property
    def heading(self) -> str:
        """ "Russia: Launch waves of drone strikes" or "Moscow answers the truce proposal: Yes, but"."""
        if self.kind == Kind.MOVE:
            return f"{self.actor_name}: {self.label}" if self.actor_name else self.label
        return f"{self.rule_label}: {self.label}" if self.rule_label else self.label

    @property
    def basis_text(self) -> str:
        return BASIS_HELP.get(self.basis, self.basis)

    @property
    def how_text(self) -> str:
        return HOW_HELP.get(self.how, self.how)  # one wording for every reader: vocab's

    @property
    def decision(self) -> str:
        """ "Decided by Russia (chosen)", "Decided by chance (rolled by the author's weights)",
        "Decided by the facilitator (overrode the author's weights: REASON)"."""
        if self.ruling:
            why = RULING_HELP.get(self.ruling, self.ruling) + (f": {self.reason}" if self.reason else "")
            return f"Decided by {self.decided_by} ({why})"
        return f"Decided by {self.decided_by} ({self.how_text})" if self.how else f"Decided by {self.decided_by}"


@dataclass(frozen=True, slots=True)
class Note:
    """Something the engine says about the path, not an act (a reaction chain cut short)."""

    turn: int
    text: str


@dataclass(frozen=True, slots=True)
class StepView:
    """One choice on the path and all it set off; prompts that first apply after it."""

    id: int  # the session's step id
    turn: int  # the turn it started in
    beats: tuple[Beat | Note, ...]
    prompts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Judgement:
    actor: str
    actor_name: str
    view: str  # welcomes | accepts | mixed | opposes | rejects | no_record
    reason: str
    quotes: tuple[Quote, ...]  # its own quotes, else each cited stance's first

    @property
    def phrase(self) -> str:
        """ "would welcome it" """
        return VIEW_PHRASES.get(self.view, self.view)


@dataclass(frozen=True, slots=True)
class Ending:
    id: str
    title: str
    text: str
    turn: int
    horizon: int | None  # the horizon, when it is what ended the path
    judgements: tuple[Judgement, ...]
    prompts: tuple[str, ...]
    quotes: tuple[Quote, ...]

    @property
    def how_reached(self) -> str:
        """"" or "the 14-turn horizon was reached"."""
        return f"the {self.horizon}-turn horizon was reached" if self.horizon else ""


@dataclass(frozen=True, slots=True)
class Version:
    summary: str
    text: str
    article: Article
    speaker: str | None = None  # who characterises it so, when two speakers in one article disagree


@dataclass(frozen=True, slots=True)
class Disagreement:
    topic: str
    versions: tuple[Version, ...]


@dataclass(frozen=True, slots=True)
class Story:
    scenario_id: str
    title: str
    seed: int
    disclaimer: str
    situation: str
    opening_prompts: tuple[str, ...]
    steps: tuple[StepView, ...]
    ending: Ending | None
    turn: int  # the turn the path stands at
    articles: tuple[Article, ...]  # every source of the scenario, in declared order
    disagreements: tuple[Disagreement, ...]

    @property
    def caveat(self) -> str:
        return WEIGHTS_NOTE

    def beats(self) -> Iterator[Beat]:
        for step in self.steps:
            for beat in step.beats:
                if isinstance(beat, Beat):
                    yield beat

    def prompts(self) -> list[str]:
        """Every prompt in the order the path raised it (the ending's last)."""
        return [*self.opening_prompts, *(p for step in self.steps for p in step.prompts)]

    def cited_articles(self) -> list[Article]:
        """The articles the path quotes, in the scenario's order."""
        ids = {q.article.id for b in self.beats() for q in (*b.quotes, *(q for d in b.demands for q in d.quotes))}
        if self.ending is not None:
            ids |= {q.article.id for q in self.ending.quotes}
            ids |= {q.article.id for j in self.ending.judgements for q in j.quotes}
        return [a for a in self.articles if a.id in ids]


# --- the walk ----------------------------------------------------------------------------------


def story(session: Session, step_id: int | None = None) -> Story:
    """The path from the start to ``step_id`` (default: the current step), walked once."""
    scn = session.scenario
    path = session.path(step_id)
    views = Views(scn)
    steps = []
    turn = path[0].node.turn
    for step in path[1:]:
        beats: list[Beat | Note] = []
        start_turn = None
        for f in step.trace:
            if f.kind in ACTS:
                beats.append(views.beat(f))
                turn = f.turn
                if start_turn is None:
                    start_turn = turn
            elif f.kind in (Kind.CHAIN, Kind.FAILED):
                beats.append(Note(turn, f.label))  # a cut chain is recorded without a turn
            elif f.kind == Kind.INJECT:
                by = f" by {FACILITATOR}" if f.ruling else ""
                beats.append(Note(f.turn, f"Brought in on demand{by}: {f.label}" + (f" ({f.reason})" if f.reason else "")))
            # TURN, ENDING and HORIZON lines are told by the turn headings and the ending;
            # a SEALED choice stays unseen until the round applies it (a MOVE line then).
        steps.append(StepView(step.id, turn if start_turn is None else start_turn, tuple(beats), step.prompts))
    node = path[-1].node
    ending = views.ending(node.ending, node.turn, _ended_by_horizon(path[-1].trace)) if node.over else None
    return Story(
        scenario_id=scn.id,
        title=scn.title,
        seed=session.seed,
        disclaimer=scn.disclaimer,
        situation=scn.situation.strip(),
        opening_prompts=path[0].prompts,
        steps=tuple(steps),
        ending=ending,
        turn=node.turn,
        articles=tuple(views.article(s) for s in scn.sources.values()),
        disagreements=views.disagreements(drawn_on_only=True),
    )  # fmt: skip


def disagreements(scn: Scenario) -> tuple[Disagreement, ...]:
    """Where the sources disagree, each version with its article (the scenario's disputes)."""
    return Views(scn).disagreements()


def drawn_on(scn: Scenario) -> set[str]:
    """The sources the scenario's acts quote (moves, reactions, events, their demands)."""
    return {q.source for a in scn.acts for q in (*a.quotes, *(q for d in a.demands for q in d.quotes))}


def article(src: SourceInfo) -> Article:
    # outlet, dateline and date are given only where the article itself states them
    return Article(src.id, src.label, src.file.name, src.headline, src.outlet, src.dateline, src.date)


def readable(scn: Scenario, name: str, value: str) -> tuple[str, str]:
    """A state slot's name and value as a reader sees them: the variable's label and its
    described value, or the side and issue title of a stance, instead of internal ids."""
    var = _variables(scn).get(name)
    if var is not None:
        return var.label, var.describe.get(value) or var.displayed(value) or _value(value)
    actor, _, issue = name.partition(".")
    if actor in scn.actors and issue in scn.issues:
        return f"{scn.actors[actor].short}: {scn.issues[issue].title}", _option(scn, issue, value)
    return humanize(name), _value(value)


def _value(value: str) -> str:
    """A value with no description, for a reader: flags read yes/no, ids lose underscores."""
    return {"true": "yes", "false": "no"}.get(value, humanize(value))


def _option(scn: Scenario, issue: str, value: str) -> str:
    described = scn.issues[issue].options.get(value)
    if not described and value == NO_POSITION:
        return NO_POSITION_TEXT
    return described if described else humanize(value)


@functools.lru_cache(maxsize=8)
def _variables(scn: Scenario) -> dict:
    return {var.name: var for var in scn.variables}


def _ended_by_horizon(trace: tuple[Fired, ...]) -> bool:
    return any(f.kind == Kind.HORIZON for f in trace)


class Views:
    """Turns a scenario's records into the view's parts (articles memoised per source);
    the role sheets and teacher's notes use it too."""

    def __init__(self, scn: Scenario):
        self.scn = scn
        self._articles: dict[str, Article] = {}

    def article(self, src: SourceInfo) -> Article:
        art = self._articles.get(src.id)
        if art is None:
            art = self._articles[src.id] = article(src)
        return art

    def quote(self, q: QuoteRef) -> Quote:
        src = self.scn.sources.get(q.source)
        art = self.article(src) if src is not None else Article(q.source, q.source, q.source)
        return Quote(q.text, q.speaker, art)

    def quotes(self, refs) -> tuple[Quote, ...]:
        return tuple(self.quote(q) for q in refs)

    def disagreements(self, drawn_on_only: bool = False) -> tuple[Disagreement, ...]:
        """The scenario's disputes, each version with its article; with ``drawn_on_only``,
        only those with a version from an article its acts quote (a track of one phase
        need not list the others' disputes: the teacher's notes list them all)."""
        scn = self.scn
        drawn = drawn_on(scn) if drawn_on_only else None
        return tuple(
            Disagreement(d.topic, tuple(Version(v.summary, v.text, self.article(scn.sources[v.source]), v.speaker) for v in d.versions))
            for d in scn.disputes
            if drawn is None or any(v.source in drawn for v in d.versions)
        )  # fmt: skip

    def beat(self, f: Fired) -> Beat:
        scn = self.scn
        act = scn.by_id.get(f.id)
        changes = []
        for name, before, after in f.changes:
            label, before_text = readable(scn, name, before)
            var = _variables(scn).get(name)
            number = var is not None and var.displayed(before) is not None
            changes.append(Change(name, before, after, label, before_text, readable(scn, name, after)[1], number))
        return Beat(
            kind=f.kind,
            act_id=f.id,
            turn=f.turn,
            actor=f.actor,
            actor_name=scn.actor_name(f.actor),
            decided_by=_decider(scn, f),
            how=f.how,
            rule_label=f.rule_label,
            label=f.label,
            category=act.type if act is not None else "",
            basis=act.basis if act is not None else "",
            probability=None if f.kind == Kind.MOVE else f.probability,
            text=act.text.strip() if act is not None and act.text else None,
            demands=tuple(Demand(d.text, self.quotes(d.quotes)) for d in act.demands) if act is not None else (),
            rationale=act.rationale if act is not None and f.kind != Kind.MOVE else None,
            changes=tuple(changes),
            quotes=self.quotes(f.quotes),
            ruling=f.ruling,
            reason=f.reason,
        )  # fmt: skip

    def ending(self, index: int, turn: int, by_horizon: bool) -> Ending:
        scn = self.scn
        info = scn.endings[index]
        stances = {f"{s.actor}.{s.issue}": s for s in scn.stances}
        judgements = []
        for actor, j in info.judgements.items():
            # The judgement's own quotes back its reason; without them, each cited stance's first.
            backing = j.quotes or tuple(st.quotes[0] for st in map(stances.get, j.cites) if st is not None and st.quotes)
            judgements.append(Judgement(actor, scn.actor_name(actor), j.view, j.reason, self.quotes(backing)))
        return Ending(
            info.id, info.title, info.text.strip(), turn, scn.horizon if by_horizon else None,
            tuple(judgements), info.prompts, self.quotes(info.quotes),
        )  # fmt: skip


def _decider(scn: Scenario, f: Fired) -> str:
    """Who decided a step, in words. The engine's record of the owner wins where the trace
    carries one; otherwise (as core.owner decides it) a move is its side's, a reaction's
    branch the reacting side's, an event's chance's. A move at an open table is told as its
    side's, not "the table's": the director chose it on that side's behalf. Where a room's
    facilitator ruled, the facilitator decided."""
    if getattr(f, "ruling", None):
        return FACILITATOR
    owner = getattr(f, "owner", None) or (CHANCE if f.kind == Kind.EVENT else f.actor or CHANCE)
    if owner == TABLE and f.actor:
        owner = f.actor
    return scn.owner_name(owner)
