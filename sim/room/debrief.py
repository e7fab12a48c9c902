"""The debrief of a room, and of every room (table) of one scenario: what each table did,
and what else could have happened.

For each table: the path it took (its story); every side's orders by round, once revealed
(an order still sealed, replaced before the reveal or voided by an inject is never shown);
every branch point a person decided (a group's own choice, the facilitator's rulings and
injects, with the reasons stated), each with the branches that were on offer and the
explorer's ending odds from there, before and after the decision; the discussion prompts
raised, with the groups' notes on each; the facilitator's notes.

Pure: it reads a room's state (:class:`sim.room.state.RoomState`, the fold of its log) and
runs the explorer (:mod:`sim.analysis.explore`); no store, no clock, no terminal. The
odds are bounded: :data:`PLAYOUTS` seeded playouts sample them, and where those met few
distinct states (:data:`EXACT_PROBE`) every branch is followed instead, up to
:data:`EXACT_NODES` nodes (the debrief says which it gives). An :class:`Explorer` caches by state, so the tables of one scenario,
which share their first steps, explore them once. Odds read the author's weights; they
are not a forecast.

Rendered as Markdown here (:func:`markdown`) and as a printable document by
:mod:`sim.export.debrief` (HTML, PDF through the export registry, and the teacher's notes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sim.analysis.explore import exhaustive, playouts
from sim.engine import core
from sim.engine.core import Node
from sim.engine.model import Scenario
from sim.engine.vocab import CHANCE, RULING_HELP, How, Ruling, TurnMode, possessive
from sim.export.story import Story, percent, story
from sim.room.state import Decision, RoomState, Round
from sim.room.view import FAILED, ORDER_HOW, order_label
from sim.room.view import _label as act_label
from sim.store.rooms import FACILITATOR

PLAYOUTS = 100  # seeded playouts from each state: the sample, and the probe of how big its tree is
EXACT_PROBE = 400  # follow every branch only where the playouts met at most this many distinct states ...
EXACT_NODES = 20_000  # ... and every branch takes at most this many nodes (else the playouts' shares stand)
PLAYOUT_SEED = 0


@dataclass(frozen=True, slots=True)
class Odds:
    """The ending odds from one state under the author's weights."""

    endings: tuple[tuple[str, str, float], ...]  # (ending id, title, share), highest first; endings with no share left out
    open: float  # still running when the exploration stopped
    dead: float  # a dead end: nothing on offer, no ending
    exact: bool  # every branch followed (else sampled by playouts)
    playouts: int  # how many, when sampled

    @property
    def method(self) -> str:
        return "every branch followed" if self.exact else f"{self.playouts} games played on from here"

    def share(self, ending_id: str) -> float:
        return next((p for e, _t, p in self.endings if e == ending_id), 0.0)


class Explorer:
    """Ending odds from a state, bounded, cached by state (one per scenario and debrief; a
    screen may keep one to make a second debrief of the same rooms instant)."""

    def __init__(self, scenario: Scenario, n_playouts: int = PLAYOUTS, exact_probe: int = EXACT_PROBE, exact_nodes: int = EXACT_NODES):
        self.scenario = scenario
        self.exact_probe = exact_probe
        self.exact_nodes = exact_nodes
        self.n_playouts = n_playouts
        self._cache: dict[Node, Odds] = {}
        self.explored = 0  # states explored (cache misses)
        self.sampled = 0  # ... of which by playouts

    def odds(self, node: Node) -> Odds:
        found = self._cache.get(node)
        if found is not None:
            return found
        scn = self.scenario
        self.explored += 1
        # The playouts come first: cheap, and their distinct states say whether following every
        # branch is cheap too (a failed exhaustive attempt from an early state of a long
        # scenario would cost seconds).
        result = playouts(scn, self.n_playouts, PLAYOUT_SEED, root=node)
        exact = False
        if result.distinct <= self.exact_probe:
            full = exhaustive(scn, root=node, max_nodes=self.exact_nodes)
            if full.complete:
                result, exact = full, True
        if not exact:
            self.sampled += 1
        titles = {e.id: e.title for e in scn.endings}
        ranked = sorted(((k, titles[k], p) for k, p in result.endings.items() if p > 0), key=lambda x: (-x[2], x[0]))
        found = self._cache[node] = Odds(tuple(ranked), result.open, result.dead, exact, 0 if exact else self.n_playouts)
        return found


@dataclass(frozen=True, slots=True)
class Branch:
    """One branch on offer where a decision was made."""

    act: str
    label: str
    share: float  # the author's weight over the total there
    taken: bool


@dataclass(frozen=True, slots=True)
class Point:
    """A branch point a person decided: a group's own choice, or the facilitator's."""

    turn: int
    at: float
    by: str  # "the facilitator" or the side's group ("Russia's group")
    who: str  # 'facilitator' or 'seat:SIDE'
    owner: str  # whose branch point it was, in words ("Russia", "chance", "the facilitator")
    taken: str  # what was decided, in words
    act: str
    ruling: str | None  # roll | pick | override | inject (the facilitator's)
    ruling_text: str | None  # "overrode the author's weights"
    reason: str | None
    how: str  # picked | rolled
    branches: tuple[Branch, ...]  # what was on offer (an inject: the event's branches come after it)
    before: Odds  # from the branch point
    after: Odds  # after the branch taken

    @property
    def decision(self) -> str:
        """Who decided and how, to follow "Decided by": "the facilitator, who overrode the
        author's weights: REASON", "Russia's group, which asked for the author's roll"."""
        if self.ruling_text:
            return f"{self.by}, who {self.ruling_text}" + (f": {self.reason}" if self.reason else "")
        return f"{self.by}, which asked for the author's roll" if self.how == How.ROLLED else self.by

    @property
    def heading(self) -> str:
        """The decision as the start of a sentence: "Turn 2, Russia's branch point", "Turn 3,
        a branch point of chance", "Turn 1: the facilitator brought an event in"."""
        if self.ruling == Ruling.INJECT:
            return f"Turn {self.turn}: {self.by} brought an event in"
        if self.owner == CHANCE:
            return f"Turn {self.turn}, a branch point of chance"
        return f"Turn {self.turn}, {possessive(self.owner)} branch point"

    @property
    def body(self) -> str:
        """What follows the heading: "Accepts. Decided by Russia's group." (Markdown-free)"""
        if self.ruling == Ruling.INJECT:
            return self.taken + (f" (the reason given: {self.reason})." if self.reason else ".")
        return f"{end_sentence(self.taken)} Decided by {self.decision}."


@dataclass(frozen=True, slots=True)
class Given:
    side: str
    side_name: str
    label: str
    how: str  # "ordered", "passed" (the group gave no order), "rolled" (no group: the author's weights)
    failed: bool = False  # no longer possible when the orders were revealed: it had no effect

    @property
    def how_text(self) -> str:
        """How it was given, in words, and whether it failed."""
        return ORDER_HOW.get(self.how, self.how) + (f"; {FAILED}" if self.failed else "")


@dataclass(frozen=True, slots=True)
class RoundOrders:
    """A sealed round, as revealed: every side's order in the turn order."""

    turn: int
    at: float
    given: tuple[Given, ...]
    before: Odds
    after: Odds


@dataclass(frozen=True, slots=True)
class NoteLine:
    by: str  # "Russia's group" or "the facilitator"
    text: str


@dataclass(frozen=True, slots=True)
class PromptNotes:
    prompt: str
    notes: tuple[NoteLine, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """One room's debrief."""

    room: int
    title: str
    seed: int
    turns: str  # "rounds" or "sealed"
    status: str  # waiting | running | paused | ended
    seated: tuple[str, ...]  # the sides' names a group played: it gave an order, decided or wrote a note
    silent: tuple[str, ...]  # the sides' names that had a group's seat whose group never did any of those
    story: Story  # the path it took
    rounds: tuple[RoundOrders, ...]
    points: tuple[Point, ...]
    prompts: tuple[PromptNotes, ...]
    notes: tuple[NoteLine, ...]  # notes on no prompt (the facilitator's, and groups' general ones)
    start: Odds  # from the start, for comparison
    ending: str | None  # the ending's title
    ended_reason: str | None  # why the facilitator ended the game, if it did
    notices: tuple[str, ...]  # log entries that no longer apply (the scenario changed)
    passed: tuple[tuple[int, str], ...] = ()  # (turn, side): a sealed round's pass no group gave

    def decision(self, beat) -> str:
        """Who decided a step of the path, and how, as the path lists it. A sealed round's pass
        that no group gave (it had nothing to order, or the reveal let it pass) says so: the
        transcript's "Decided by Ukraine (chosen unseen ...)" would credit a group with it."""
        if beat.how == How.SEALED and (beat.turn, beat.actor) in self.passed:
            return f"No order from {possessive(beat.actor_name)} group: it passed"
        return beat.decision

    @property
    def played(self) -> str:
        """ "groups played Ukraine, Russia" and, where seats stayed silent, who they were."""
        said = "groups played " + (", ".join(self.seated) or "no side")
        if self.silent:
            said += f" ({', '.join(self.silent)} had a seat but gave no order, decided nothing and wrote no note)"
        return said


@dataclass(frozen=True, slots=True)
class Debrief:
    scenario_id: str
    scenario_title: str
    disclaimer: str
    tables: tuple[Table, ...]
    endings: tuple[tuple[str, str], ...]  # every ending (id, title), as the scenario declares them
    explored: int  # states the explorer followed
    sampled: int  # ... of which by playouts


def debrief(states: Sequence[RoomState], explorer: Explorer | None = None) -> Debrief:
    """The debrief of one room, or of every room of one scenario (the tables in the order
    given). Raises ValueError for no rooms or rooms of different scenarios."""
    if not states:
        raise ValueError("a debrief needs at least one room")
    scn = states[0].scenario
    if any(s.scenario.id != scn.id for s in states):
        raise ValueError("a debrief across rooms takes the rooms of one scenario")
    explorer = explorer if explorer is not None and explorer.scenario is scn else Explorer(scn)
    tables = tuple(table(s, explorer) for s in states)
    return Debrief(scn.id, scn.title, scn.disclaimer, tables, tuple((e.id, e.title) for e in scn.endings), explorer.explored, explorer.sampled)


def table(state: RoomState, explorer: Explorer) -> Table:
    """One room's debrief (see the module's docstring)."""
    scn, s = state.scenario, state.session
    acted, told = _acted(state), story(s)
    return Table(
        room=state.meta.id,
        title=state.meta.title,
        seed=state.meta.seed,
        turns=str(scn.turn_mode),
        status=state.phase,
        seated=tuple(scn.actor_name(a) for a in state.meta.seated if a in acted),
        silent=tuple(scn.actor_name(a) for a in state.meta.seated if a not in acted),
        story=told,
        rounds=tuple(_round(state, r, explorer) for r in state.rounds),
        points=tuple(_point(state, d, explorer) for d in state.decisions),
        prompts=tuple(PromptNotes(p, tuple(_note(scn, n) for n in state.notes if n.prompt == p)) for p in state.prompts()),
        notes=tuple(_note(scn, n) for n in state.notes if n.prompt is None),
        start=explorer.odds(s.steps[0].node),
        ending=scn.endings[s.node.ending].title if s.node.over else None,
        ended_reason=state.ended_reason,
        notices=tuple(state.dropped),
        passed=_passes_nobody_gave(state, told),
    )


def _acted(state: RoomState) -> set[str]:
    """The sides whose group did something in the room: ordered, decided or wrote a note."""
    acted = {g.side for r in state.rounds for g in r.given if g.how == "ordered"}
    acted |= {d.who.partition(":")[2] for d in state.decisions if d.who.startswith("seat:")}
    acted |= {n.who.partition(":")[2] for n in state.notes if n.who.startswith("seat:")}
    return acted


def _passes_nobody_gave(state: RoomState, told: Story) -> tuple[tuple[int, str], ...]:
    """(turn, side) of every sealed round's pass that no group gave: the side had nothing to
    order (it is not among the round's orders), or its group gave none and the reveal let it pass."""
    scn = state.scenario
    ordered = {(r.turn, g.side) for r in state.rounds for g in r.given if g.how == "ordered"}
    passes = []
    for beat in told.beats():
        if getattr(beat, "how", None) == How.SEALED and (beat.turn, beat.actor) not in ordered:
            act = scn.by_id.get(beat.act_id)
            if act is not None and act.is_pass:
                passes.append((beat.turn, beat.actor))
    return tuple(passes)


def _who(scn: Scenario, who: str) -> str:
    return "the facilitator" if who == FACILITATOR else f"{possessive(scn.actor_name(who.partition(':')[2]))} group"


def _note(scn: Scenario, n) -> NoteLine:
    return NoteLine(_who(scn, n.who), n.text)


def _point(state: RoomState, d: Decision, explorer: Explorer) -> Point:
    scn, s = state.scenario, state.session
    parent, child = s.steps[d.step], s.steps[d.child]
    options = [] if d.ruling == Ruling.INJECT else core.options(scn, parent.node)  # an inject was on no one's list
    branches = tuple(Branch(o.act.id, act_label(scn, o.act.id), o.probability, o.act.id == d.act) for o in options)
    by = _who(scn, d.who)
    return Point(
        turn=parent.node.turn, at=d.at, by=by, who=d.who, owner=scn.owner_name(d.owner) if d.owner != FACILITATOR else "the facilitator",
        taken=act_label(scn, d.act), act=d.act, ruling=str(d.ruling) if d.ruling else None,
        ruling_text=RULING_HELP.get(d.ruling) if d.ruling else None, reason=d.reason, how=str(d.how),
        branches=branches, before=explorer.odds(parent.node), after=explorer.odds(child.node),
    )  # fmt: skip


def _round(state: RoomState, r: Round, explorer: Explorer) -> RoundOrders:
    scn, s = state.scenario, state.session
    path = s.path()
    at = next(i for i, step in enumerate(path) if step.id == r.step)
    last = path[min(at + len(r.given), len(path) - 1)]  # each order is a step of the path
    failed = state.failed(r)
    given = tuple(Given(g.side, scn.actor_name(g.side), order_label(scn, g.act), g.how, g.side in failed) for g in r.given)
    return RoundOrders(r.turn, r.at, given, explorer.odds(path[at].node), explorer.odds(last.node))


# --- Markdown -------------------------------------------------------------------------------------

# The odds, said as sentences (the Markdown and the printed debrief say them alike)
BEFORE = "At this point the odds were"
AFTER = "Given how it was decided, they became"
ROUND_BEFORE = "Before these orders the odds were"
ROUND_AFTER = "After them, they became"

ODDS_NOTE = (
    "The odds say how the game could have ended from each point, had every later branch followed "
    "the author's illustrative weights (worked out by following every branch, or by playing the rest "
    f"of the game {PLAYOUTS} times over): what else could have happened, not a forecast."
)



def odds_line(odds: Odds, limit: int = 4) -> str:
    """ "Truce holds 62%, Stalemate 30%, 2 more 8% (every branch followed)"."""
    shown = [f"{title} {percent(p)}" for _e, title, p in odds.endings[:limit]]
    rest = odds.endings[limit:]
    if rest:
        shown.append(f"{len(rest)} more {percent(sum(p for *_x, p in rest))}")
    if odds.open:
        shown.append(f"still running {percent(odds.open)}")
    if odds.dead:
        shown.append(f"dead end {percent(odds.dead)}")
    return (", ".join(shown) or "no ending within the horizon") + f" ({odds.method})"


def markdown(d: Debrief) -> str:
    """The debrief as Markdown: one section per table."""
    out = [f"# Debrief: {d.scenario_title}", "", f"*Scenario `{d.scenario_id}`; {len(d.tables)} table{'s' if len(d.tables) != 1 else ''}.* {d.disclaimer}", ""]
    out += [ODDS_NOTE, ""]
    if len(d.tables) > 1:
        out += ["## How the tables ended", ""]
        out += [f"- **{t.title}** (room {t.room}): {_ended(t)}" for t in d.tables]
        out.append("")
    for t in d.tables:
        out += _table_md(t)
    return "\n".join(out).rstrip() + "\n"


def _ended(t: Table) -> str:
    if t.ending:
        return t.ending
    if t.status == "ended":
        return "ended by the facilitator" + (f" ({t.ended_reason})" if t.ended_reason else "") + f" at turn {t.story.turn}"
    return f"still playing, at turn {t.story.turn}"


def _table_md(t: Table) -> list[str]:
    out = [f"## {t.title} (room {t.room})", ""]
    out.append(f"Played in {'sealed rounds' if t.turns == TurnMode.SEALED else 'rounds'}, seed {t.seed}; {t.played}. {_ended(t)[0].upper()}{_ended(t)[1:]}.")
    out += ["", f"From the start: {odds_line(t.start)}.", ""]
    out += ["### The path", ""]
    out += [f"{i}. Turn {b.turn}: {end_sentence(b.heading)} {t.decision(b)}." for i, b in enumerate(path_beats(t.story), 1)]
    out.append("")
    if t.rounds:
        out += ["### Orders by round", ""]
        for r in t.rounds:
            out.append(f"- **Turn {r.turn}**")
            out += [f"  - {g.side_name}: {g.label} ({g.how_text})" for g in r.given]
            out.append(f"  - {ROUND_BEFORE}: {odds_line(r.before)}.")
            out.append(f"  - {ROUND_AFTER}: {odds_line(r.after)}.")
        out.append("")
    if t.points:
        out += ["### Decisions", ""]
        for p in t.points:
            out.append(f"- **{p.heading}:** {p.body}")
            others = [f"{b.label} {percent(b.share)}" for b in p.branches if not b.taken]
            if others:
                out.append(f"  - Also on offer, with the author's weights: {'; '.join(others)}.")
            out.append(f"  - {BEFORE}: {odds_line(p.before)}.")
            out.append(f"  - {AFTER}: {odds_line(p.after)}.")
        out.append("")
    out += ["### Prompts and the groups' notes", ""]
    if not t.prompts:
        out += ["No prompt was raised on this path.", ""]
    for pr in t.prompts:
        out.append(f"> **{_one(pr.prompt)}**")
        out.append("")
        out += [f"- *{n.by}:* {_one(n.text)}" for n in pr.notes] or ["- (no notes)"]
        out.append("")
    if t.notes:
        out += ["### Other notes", ""]
        out += [f"- *{n.by}:* {_one(n.text)}" for n in t.notes]
        out.append("")
    if t.notices:
        out += ["### Not replayed", ""]
        out += [f"- {n}" for n in t.notices]
        out.append("")
    return out


def path_beats(view: Story) -> Iterable:
    """The path's beats, without the routine event branches nobody decided and that changed nothing."""
    from sim.engine.vocab import Kind

    return [b for b in view.beats() if not (b.kind == Kind.EVENT and not b.changes and not b.ruling)]


def end_sentence(text: str) -> str:
    """A heading as a sentence: a full stop after it, unless it ends one already."""
    text = text.rstrip()
    return text if text[-1:] in ".!?" or text[-2:] in ('."', '!"', '?"') else text + "."


def _one(text: str) -> str:
    """A note on one Markdown line (its own line breaks kept as spaces)."""
    return " ".join(text.split())
