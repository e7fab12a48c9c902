"""What the screens show, computed from the session: plain data and Rich text.

Kept free of Textual so it can be tested headless and reused by every screen;
widgets only lay these out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text

from sim.engine.core import APPLY_0, DEPTH_BITS, Node, Option, rule_at
from sim.engine.core import owner as core_owner
from sim.engine.core import options as core_options
from sim.engine.model import BASIS_HELP, Act, ActorInfo, QuoteRef, Scenario, StanceInfo
from sim.engine.session import Session, Step
from sim.engine.vocab import CATEGORY_QUAD, CHANCE, HOW_HELP, NO_POSITION, NO_POSITION_TEXT, How, Kind, Quad, TurnMode, possessive
from sim.export.story import WEIGHTS_NOTE, Beat, Ending, Note, Quote, StepView, Story, Views, humanize, percent, readable  # noqa: F401 (WEIGHTS_NOTE: for the screens)
from sim.export.story import story as story_view
from sim.ui.words import plural  # noqa: F401 (re-exported for the screens)

QUAD_STYLE = {  # PLOVER's quad classes, for colour: cooperation or conflict, verbal or material
    Quad.VERBAL_COOPERATION: "green",
    Quad.MATERIAL_COOPERATION: "bold green",
    Quad.VERBAL_CONFLICT: "yellow",
    Quad.MATERIAL_CONFLICT: "bold red",
}


def shares(probabilities: list[float]) -> list[str]:
    """Whole percentages that add up to 100 (largest remainder): 1/6, 2/3, 1/6 show as
    17%, 67%, 16%, not 17/67/17 (101%). A share that rounds to nothing but can happen is "<1%"."""
    total = sum(probabilities)
    if total <= 0:
        return [percent(p) for p in probabilities]
    exact = [p * 100 / total for p in probabilities]
    whole = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in by_remainder[: 100 - sum(whole)]:
        whole[i] += 1
    return ["<1%" if w == 0 and p > 0 else f"{w}%" for w, p in zip(whole, probabilities, strict=True)]


def option_shares(options: list[Option]) -> dict[str, str]:
    """Each option's share, by act id, as the choices, the tree and the story all show it."""
    return dict(zip((o.act.id for o in options), shares([o.probability for o in options]), strict=True))


# --- the basis of an act: which moves the articles report and which the author invented -------

BASIS_TAG = {"reported": "", "possible": "possible", "illustrative": "illustrative"}
BASIS_STYLE = {"reported": "green", "possible": "yellow", "illustrative": "bold magenta"}
BASIS_LEGEND = "untagged: reported in the sources"


def basis_help(scn: Scenario, basis: str) -> str:
    """BASIS_HELP, in the singular when the scenario has one source ("the article")."""
    text = BASIS_HELP[basis]
    return text.replace("the articles", sources_noun(scn, definite=True)) if len(scn.sources) == 1 else text


def sources_noun(scn: Scenario, definite: bool = False) -> str:
    """How the scenario's sources are named: "the article" for one, "the five articles"..."""
    n = len(scn.sources)
    if n == 1:
        return "the article" if definite else "one article"
    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
    return f"the {words.get(n, n)} articles" if not definite else "the articles"


def basis_tag(act: Act) -> Text:
    tag = BASIS_TAG.get(act.basis, act.basis)
    return Text(f"  {tag}", style=f"italic {BASIS_STYLE.get(act.basis, '')}") if tag else Text()


def is_pass(act: Act) -> bool:
    """A move that changes nothing and sets nothing off: a side passing its turn."""
    return act.rule < 0 and not act.effects and not act.triggers


def move_parts(scn: Scenario, act: Act) -> tuple[str, str]:
    """(who, what) of a move; a pass is called a pass."""
    actor = scn.actors.get(act.actor or "")
    who = actor.short if actor else ""
    if is_pass(act) and not act.label.lower().startswith("pass"):  # the author may have said so already
        return who, f"pass ({act.label[:1].lower()}{act.label[1:]})" if who else f"Pass ({act.label})"
    return who, act.label


def move_label(scn: Scenario, act: Act) -> str:
    """A move as "Side: what it does"."""
    who, what = move_parts(scn, act)
    return f"{who}: {what}" if who else what


# --- stances -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StanceCell:
    text: str
    red_line: bool = False
    crossed: bool = False
    changed: bool = False
    stance: StanceInfo | None = None


@dataclass(frozen=True, slots=True)
class StanceGrid:
    actors: list[str]  # actor ids, one per column
    headers: list[str]  # column headings: the side's short name ("(mediator)" for a mediator)
    issues: list[str]  # issue ids, one per row
    rows: list[tuple[str, list[StanceCell]]]  # (issue title, a cell per column)


LEGEND = "! red line \u00b7 underlined: changed \u00b7 inverse: crossed \u00b7 \u2014 no position"


def stance_columns(scn: Scenario) -> list[ActorInfo]:
    """The sides, then any mediator that holds a stance: a mediator's stances are state too."""
    holders = {s.actor for s in scn.stances}
    return [a for a in scn.actors.values() if a.kind == "side"] + [
        a for a in scn.actors.values() if a.kind != "side" and a.id in holders
    ]


def stance_grid(scn: Scenario, state: tuple, key_only: bool = True) -> StanceGrid:
    """Rows are issues anyone holds a stance on, columns are actors; a row's issue id is
    kept beside it, so Enter on a row opens that issue whatever rows were left out."""
    actors = stance_columns(scn)
    by_key = {(s.actor, s.issue): s for s in scn.stances}
    rows, issues = [], []
    for issue in scn.issues.values():
        if key_only and not issue.key:
            continue
        cells = []
        for actor in actors:
            st = by_key.get((actor.id, issue.id))
            if st is None:
                cells.append(StanceCell("\u2014"))
                continue
            position = st.slot.show(state)
            crossed = bool(st.red_line_crossed and st.red_line_crossed.fn(state))
            cells.append(StanceCell(NO_POSITION_TEXT if position == NO_POSITION else humanize(position), st.red_line is not None, crossed, position != st.initial, st))
        if any(c.stance for c in cells):
            rows.append((issue.title, cells))
            issues.append(issue.id)
    headers = [a.short if a.kind == "side" else f"{a.short} ({a.kind})" for a in actors]
    return StanceGrid([a.id for a in actors], headers, issues, rows)


def stance_detail(scn: Scenario, state: tuple, actor_id: str, issue_id: str) -> Text:
    """A stance cell in full: the option's description, the side's summary, its red line."""
    actor, issue = scn.actors[actor_id], scn.issues[issue_id]
    st = next((s for s in scn.stances if s.actor == actor_id and s.issue == issue_id), None)
    out = Text()
    out.append(f"{actor.short} on {issue.title}: ", style="bold")
    if st is None:
        out.append(f"no position on record in {sources_noun(scn, definite=True)}.")
    else:
        now = st.slot.show(state)
        said = lambda value: issue.options.get(value) or (NO_POSITION_TEXT if value == NO_POSITION else humanize(value))  # noqa: E731
        out.append(said(now))
        if now != st.initial:
            out.append(f" (was: {said(st.initial)})", style="yellow")
        out.append(f"\n{st.summary}")
        if st.red_line:
            crossed = bool(st.red_line_crossed and st.red_line_crossed.fn(state))
            out.append(f"\nRed line: {st.red_line}{' (crossed on this path)' if crossed else ''}", style="bold red")
    out.append(f"\nEnter: {possessive(actor.short)} briefing and quotes", style="dim")
    return out


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "\u2026"


def stance_text(cell: StanceCell, width: int = 40) -> Text:
    room = width - (2 if cell.red_line else 0)
    text = Text(fit(cell.text, room))
    if cell.changed:
        text.stylize("bold underline")
    if cell.red_line:
        text.append(" !", style="bold red")
    if cell.crossed:
        text.stylize("reverse")
    return text


# --- situation --------------------------------------------------------------------------------


def situation(scn: Scenario, state: tuple) -> list[tuple[str, str]]:
    """(label, phrase) for each shown variable in scope, what matters now first:

    1. the variables other variables' scopes read (the phase, in this pack): the context;
    2. the variables scoped to the current context (this phase's own), as they apply now;
    3. the rest, in the order the scenario declares them.

    So in the Istanbul phase the status line leads with the Istanbul talks, not the
    30-day ceasefire that mattered two phases ago; a narrow screen cuts the tail."""
    context = _context_slots(scn)
    shown = [v for v in scn.variables if v.show and v.relevant(state)]
    rank = {id(v): 0 if v.slot.index in context else 1 if v.scope is not None else 2 for v in shown}
    return [(v.label, v.phrase(state)) for v in sorted(shown, key=lambda v: rank[id(v)])]


@functools.lru_cache(maxsize=8)
def _context_slots(scn: Scenario) -> frozenset[int]:
    return frozenset(slot.index for v in scn.variables if v.scope is not None for slot in v.scope.reads)


def status_line(scn: Scenario, session: Session) -> str:
    return " \u00b7 ".join(f"{label}: {value}" for label, value in situation(scn, session.node.state))


def progress(scn: Scenario, node: Node, seed: int, length: str | None = None) -> str:
    """The title bar's subtitle: where the path is, how long paths run when that has been
    measured (lengths.py), and the seed rolls use."""
    turn = min(node.turn, scn.horizon)
    if node.over:
        when = f"Ended at turn {turn}"
    elif length:
        when = f"Turn {turn} (paths last {length})"
    else:
        when = f"Turn {turn} of at most {scn.horizon}"
    return f"{when} \u00b7 seed {seed}"


# --- choices ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    number: int
    act: Act
    probability: float
    explored: bool
    share: str = ""  # the probability as shown, rounded with its siblings to sum to 100%


def choices(session: Session, step_id: int | None = None) -> list[Choice]:
    step = session.step(step_id)
    options = session.options(step.id)
    shown = shares([o.probability for o in options])
    return [Choice(i + 1, o.act, o.probability, o.act.id in step.children, shown[i]) for i, o in enumerate(options)]


def choice_heading(scn: Scenario, node: Node) -> str:
    """The choices panel's title: what is decided here, and whose decision it is."""
    if node.over:
        return f"Ended: {scn.endings[node.ending].title}"
    if node.deciding:
        if node.seat < 0:
            return f"Turn {node.turn}: you choose which side moves, and how"
        who = short_name(scn, core_owner(scn, node))
        how = "chooses, sealed" if scn.turn_mode == TurnMode.SEALED else "moves"
        return f"Turn {node.turn}: {who} {how} ({node.seat + 1} of {len(scn.seats)})"
    rule = rule_at(scn, node)
    owner = core_owner(scn, node)
    who = "chance" if owner == CHANCE else short_name(scn, owner)
    return f"{rule.label}{f' ({who})' if who and who not in rule.label else ''}: pick a branch or roll"


def short_name(scn: Scenario, side: str) -> str:
    info = scn.actors.get(side)
    return (info.short or info.name) if info is not None else scn.actor_name(side)


def turn_order(scn: Scenario) -> str:
    """The sides in the order they decide each turn ("US, Ukraine, Russia, Europe")."""
    return ", ".join(short_name(scn, side) for side in scn.seats)


def round_text(scn: Scenario, node: Node) -> Text:
    """Where a round stands, at a side's decision in rounds or sealed rounds (empty at an
    open table, a branch or an ending): who has decided, who decides now, who is to come;
    in sealed rounds, that the choices made stay unseen until every side has chosen."""
    out = Text()
    if node.seat < 0:
        return out
    sealed = scn.turn_mode == TurnMode.SEALED
    out.append(f"\nTurn {node.turn}, {'sealed round' if sealed else 'round'}: ", style="bold")
    # in sealed rounds the queue holds each choice made so far (APPLY_0 - act), in seat order
    made = [p for p in node.pending[1:] if p <= APPLY_0] if sealed else []
    for i, side in enumerate(scn.seats):
        if i:
            out.append(" \u00b7 ")
        name = short_name(scn, side)
        if i < node.seat:
            done = "has chosen (sealed)" if sealed and i < len(made) else "has decided"
            out.append(f"{name} {done}", style="dim")
        elif i == node.seat:
            out.append(f"{name} {'chooses' if sealed else 'moves'} now", style="bold reverse")
        else:
            out.append(f"{name} next" if i == node.seat + 1 else name, style="")
    out.append("\n")
    if sealed:
        out.append(
            "Each side chooses without seeing the others' choices; when every side has chosen, "
            "the choices apply in this order (a choice no longer on offer by then fails).\n",
            style="dim",
        )
    return out


def choice_hint(scn: Scenario, node: Node, seed: int) -> str:
    """The choices panel's subtitle: how to roll at a branch point, the basis legend at a move."""
    if node.over:
        return ""
    if node.deciding:
        return BASIS_LEGEND
    return f"r rolls (seed {seed}) \u00b7 not a forecast"


def choice_text(scn: Scenario, choice: Choice, deciding: bool) -> Text:
    act = choice.act
    text = Text()
    text.append(f"{choice.number}. ", style="bold")
    if deciding:
        who, what = move_parts(scn, act)
        if who:
            text.append(f"{who}: ", style="bold")
        text.append(what, style="italic" if is_pass(act) else "")
    else:
        text.append(act.label)
        text.append(f"  {choice.share or percent(choice.probability)}", style="bold cyan")
    text.append_text(basis_tag(act))
    if choice.explored:
        text.append("  \u2713 explored", style="dim")
    return text


# --- the story so far -------------------------------------------------------------------------
#
# The path is walked once, by sim.export.story (the view the transcripts and the handout are
# laid out from); here it is only laid out, one part per step, so the story panel redraws the
# steps that changed (the newest, and the one before it, which loses its detail) rather than
# wrapping the whole path again on every key.

INTRO = {  # the first screen's how-to, by the scenario's turn structure
    TurnMode.OPEN: "You choose for every side. Each turn, pick which side moves and what it does (below, "
    "by number, or the arrows and Enter);",
    TurnMode.ROUNDS: "You choose for every side, in rounds: each turn every side in the order {order} "
    "makes one move or passes, seeing what went before (below, by number, or the arrows and Enter);",
    TurnMode.SEALED: "You choose for every side, in sealed rounds: each turn every side in the order {order} "
    "chooses without seeing the others' choices, which stay hidden until all have chosen and then "
    "apply in that order (below, by number, or the arrows and Enter);",
}
INTRO_REST = (
    " when another side's answer could go several ways, pick a branch or roll. Moves tagged "
    "illustrative are the author's invention. w explains a step, s shows the sources, a the sides, "
    "? everything."
)


def intro(scn: Scenario) -> str:
    return "\n" + INTRO[scn.turn_mode].format(order=turn_order(scn)) + INTRO_REST + "\n"


@functools.lru_cache(maxsize=8)
def views(scn: Scenario) -> Views:
    """The story view's parts for ``scn`` (articles memoised): one wording for every quote."""
    return Views(scn)


def said(q: Quote) -> Text:
    """A quote and who said it where, worded as every transcript words it."""
    text = Text("\u201c" + q.text + "\u201d", style="italic")
    text.append(f" \u2014 {q.attribution}", style="dim")
    return text


def quote_text(scn: Scenario, q: QuoteRef) -> Text:
    return said(views(scn).quote(q))


@functools.lru_cache(maxsize=8192)
def node_shares(scn: Scenario, node: Node) -> dict[str, str]:
    """The shares of the options at a node (a node's options never change: cached)."""
    return option_shares(core_options(scn, node))


def beat_heading(scn: Scenario, beat: Beat, share: str | None = None) -> Text:
    """One line for a beat: "▸ Russia: what it does" for a move, "↳ Reaction: branch (40%, rolled)"."""
    act = scn.by_id.get(beat.act_id)
    style = QUAD_STYLE.get(CATEGORY_QUAD.get(beat.category), "") if beat.category in CATEGORY_QUAD else ""
    text = Text()
    if beat.kind == Kind.MOVE:
        text.append("\u25b8 ", style=style)
        what = move_parts(scn, act)[1] if act is not None else beat.label
        if beat.actor_name:
            text.append(f"{beat.actor_name}: ", style="bold")
        text.append(what, style=style)
        if beat.how == How.SEALED:
            text.append(f"  ({HOW_HELP[How.SEALED]})", style="dim")
    else:
        text.append("  \u21b3 ", style=style)
        if beat.rule_label:
            text.append(f"{beat.rule_label}: ", style="bold")
        text.append(beat.label, style=style)
        if beat.probability is not None:
            text.append(f"  ({share or percent(beat.probability)}{', ' + beat.how if beat.how else ''})", style="dim")
    if act is not None:
        text.append_text(basis_tag(act))
    return text


def beat_detail(beat: Beat) -> Text:
    """What the newest step did in full: its text, demands, quotes and what it changed."""
    out = Text()
    if beat.text:
        out.append(f"    {beat.text}\n")
    for d in beat.demands:
        out.append(f"    demand: {d.text}\n", style="yellow")
    for q in beat.quotes:
        out.append("    ")
        out.append_text(said(q))
        out.append("\n")
    for c in beat.changes:
        out.append(f"    {c.label}: {c.before_text} \u2192 {c.after_text}\n", style="dim")
    return out


def situation_text(scn: Scenario, view: Story, at_start: bool) -> Text:
    out = Text()
    out.append("Situation\n", style="bold")
    out.append(view.situation + "\n")
    for prompt in view.opening_prompts:
        out.append(f"? {prompt}\n", style="italic magenta")
    if at_start:
        out.append(intro(scn), style="dim")
    return out


def step_text(scn: Scenario, step: StepView, turn: int | None, share: str | None, detail: bool, ending: Ending | None) -> Text:
    """One step of the path: a turn heading when the turn changed since ``turn``, its beats
    (the first with ``share``, its branch's share as the choices showed it), the ending it
    reached, the prompts it raised. ``detail``: the newest step, shown in full."""
    out = Text()
    for i, beat in enumerate(step.beats):
        if isinstance(beat, Note):
            out.append(f"  ! {beat.text}\n", style="dim")
            continue
        if beat.turn != turn:
            turn = beat.turn
            out.append(f"\nTurn {turn}\n", style="bold underline")
        out.append_text(beat_heading(scn, beat, share if i == 0 else None))
        out.append("\n")
        if beat.ruling:  # a room's facilitator decided it: say so, with the reason given
            out.append(f"    {beat.decision}.\n", style="italic")
        if detail:
            out.append_text(beat_detail(beat))
    if ending is not None:
        reached = f" ({ending.how_reached})" if ending.horizon else ""
        out.append(f"\nEnding: {ending.title}{reached}\n", style="bold reverse")
    for prompt in step.prompts:
        out.append(f"? {prompt}\n", style="italic magenta")
    return out


@dataclass(frozen=True, slots=True)
class StoryPart:
    """A part of the story panel. ``key`` names what it shows: equal keys, equal text, so a
    redraw skips it (a step's text depends only on the step and whether it is the newest)."""

    key: tuple
    text: Callable[[], Text]


def story_parts(scn: Scenario, session: Session, step_id: int | None = None) -> list[StoryPart]:
    """The path to ``step_id`` (default: the current step): the situation, then each step."""
    view = story_view(session, step_id)
    path = session.path(step_id)
    parts = [StoryPart(("situation", len(path) == 1), functools.partial(situation_text, scn, view, len(path) == 1))]
    turn = None
    last = len(view.steps) - 1
    for i, (step, here) in enumerate(zip(view.steps, path[1:], strict=True)):
        parent = path[i].node
        # the branch taken here, rounded with its siblings as the choices showed it
        share = node_shares(scn, parent).get(here.choice) if not parent.deciding else None
        ending = view.ending if i == last else None
        parts.append(StoryPart((here.id, i == last), functools.partial(step_text, scn, step, turn, share, i == last, ending)))
        for beat in step.beats:
            if isinstance(beat, Beat):
                turn = beat.turn
    node = path[-1].node
    if node.seat >= 0:  # rounds: where the round stands, last, where the panel is anchored
        parts.append(StoryPart(("round", node.turn, node.seat, node.pending), functools.partial(round_text, scn, node)))
    return parts


def story_text(scn: Scenario, session: Session, step_id: int | None = None) -> Text:
    """The whole story as one text (what the panel shows, part after part)."""
    return Text("").join(part.text() for part in story_parts(scn, session, step_id))


# --- the branch tree --------------------------------------------------------------------------


def step_label(scn: Scenario, step: Step, current: bool, parent: Node | None = None) -> Text:
    text = Text()
    if step.parent is None:
        text.append("Start")
    else:
        act = scn.by_id[step.choice]
        if act.rule < 0:
            text.append(move_label(scn, act))
        else:
            text.append(act.label)
            share = node_shares(scn, parent).get(act.id) if parent is not None else None
            if share is not None:
                text.append(f" {share}", style="cyan")
        text.append_text(basis_tag(act))
        if step.how == "rolled":
            text.append(" \u2684", style="dim")
    if step.node.over:
        text.append(f" \u25a0 {scn.endings[step.node.ending].title}", style="bold")
    if current:
        text.stylize("bold reverse")
        text = Text("\u25cf ").append_text(text)
    return text


def untaken_label(scn: Scenario, act: Act, deciding: bool, share: str | None) -> Text:
    label = move_label(scn, act) if deciding else act.label
    text = Text(f"\u25cb {label}", style="dim")
    if share is not None and not deciding:
        text.append(f" {share}", style="dim cyan")
    return text


# --- comparing two steps ----------------------------------------------------------------------


def differences(scn: Scenario, a: tuple, b: tuple) -> list[tuple[str, str, str]]:
    """(label, value in a, value in b) for every variable or stance that differs, turn included."""
    out = []
    for slot in scn.slots:
        if slot.kind != "value":
            continue
        if a[slot.index] != b[slot.index]:
            label, left = readable(scn, slot.name, slot.show(a))
            out.append((label, left, readable(scn, slot.name, slot.show(b))[1]))
    return out


def stance_changes(scn: Scenario, session: Session, actor: str) -> list[tuple[int, str, str, str, str]]:
    """(turn, issue, before, after, what caused it) for the actor's stances along the path."""
    out = []
    prefix = actor + "."
    for step in session.path()[1:]:
        for f in step.trace:
            for name, before, after in f.changes:
                if name.startswith(prefix):
                    out.append((f.turn, name[len(prefix):], before, after, f.label))
    return out
