"""What the screens show, computed from the session: plain data and Rich text.

Kept free of Textual so it can be tested headless and reused by every screen;
widgets only lay these out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rich.text import Text

from sim.engine.core import DEPTH_BITS, Node, Option
from sim.engine.model import BASIS_HELP, Act, QuoteRef, Scenario, StanceInfo, VarInfo
from sim.engine.session import Session, Step
from sim.engine.trace import Fired

WEIGHTS_NOTE = "Weights are the author's illustrative judgement, not a forecast."
QUAD = {  # PLOVER's four quad categories, for colour: cooperation or conflict, verbal or material
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT", "INVESTIGATE"), "material cooperation"),
    **dict.fromkeys(("DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "SANCTION"), "verbal conflict"),
    **dict.fromkeys(("PROTEST", "CRIME", "MOBILIZE", "COERCE", "ASSAULT", "FIGHT"), "material conflict"),
}
QUAD_STYLE = {
    "verbal cooperation": "green",
    "material cooperation": "bold green",
    "verbal conflict": "yellow",
    "material conflict": "bold red",
}


def humanize(option_id: str) -> str:
    return option_id.replace("_", " ")


def percent(p: float) -> str:
    return f"{p * 100:.0f}%" if p >= 0.01 or p == 0 else "<1%"


# --- stances -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StanceCell:
    text: str
    red_line: bool = False
    crossed: bool = False
    changed: bool = False
    stance: StanceInfo | None = None


def stance_grid(scn: Scenario, state: tuple, key_only: bool = True) -> tuple[list[str], list[tuple[str, list[StanceCell]]]]:
    """(actor columns, rows of (issue title, cell per actor)) for the stances table."""
    actors = [a for a in scn.actors.values() if a.kind == "side"]
    by_key = {(s.actor, s.issue): s for s in scn.stances}
    rows = []
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
            cells.append(StanceCell(humanize(position), st.red_line is not None, crossed, position != st.initial, st))
        if any(c.stance for c in cells):
            rows.append((issue.title, cells))
    return [a.short for a in actors], rows


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


@functools.lru_cache(maxsize=8)
def _variables(scn: Scenario) -> dict[str, VarInfo]:
    return {var.name: var for var in scn.variables}


def readable(scn: Scenario, name: str, value: str) -> tuple[str, str]:
    """A state slot's name and value as a reader sees them: the variable's label and its
    described value, or the side and issue title of a stance, instead of internal ids.
    (Called for every change on the path each time the story is redrawn, hence the map.)"""
    var = _variables(scn).get(name)
    if var is not None:
        return var.label, var.describe.get(value, humanize(value))
    actor, _, issue = name.partition(".")
    if actor in scn.actors and issue in scn.issues:
        return f"{scn.actors[actor].short}: {scn.issues[issue].title}", humanize(value)
    return humanize(name), humanize(value)


def situation(scn: Scenario, state: tuple) -> list[tuple[str, str]]:
    """(label, phrase) for each shown variable in scope."""
    return [(v.label, v.phrase(state)) for v in scn.variables if v.show and v.relevant(state)]


# --- choices ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    number: int
    act: Act
    probability: float
    explored: bool


def choices(session: Session, step_id: int | None = None) -> list[Choice]:
    step = session.step(step_id)
    return [Choice(i + 1, o.act, o.probability, o.act.id in step.children) for i, o in enumerate(session.options(step.id))]


def choice_heading(scn: Scenario, node: Node) -> str:
    if node.over:
        return f"Ended: {scn.endings[node.ending].title}"
    if node.deciding:
        return f"Turn {node.turn}: who moves, and how?"
    rule = scn.rules[node.pending[0] >> DEPTH_BITS]
    who = scn.actor_name(rule.actor)
    return f"{rule.label}{f' ({who})' if who and who not in rule.label else ''}: pick a branch or roll"


def choice_text(scn: Scenario, choice: Choice, deciding: bool, detail: bool = True) -> Text:
    act = choice.act
    text = Text()
    text.append(f"{choice.number}. ", style="bold")
    if deciding:
        actor = scn.actors.get(act.actor or "")
        if actor is not None:
            text.append(f"{actor.short}: ", style="bold")
        text.append(act.label)
    else:
        text.append(act.label)
        text.append(f"  {percent(choice.probability)}", style="bold cyan")
        if act.answer == "yes_but":
            text.append("  conditional", style="italic")
    if choice.explored:
        text.append("  \u2713 explored", style="dim")
    if not detail:
        return text
    if not deciding and act.rationale:
        text.append(f"\n   why this weight: {act.rationale}", style="dim")
    text.append(f"\n   {BASIS_HELP[act.basis]}", style="dim italic")
    return text


# --- the story so far -------------------------------------------------------------------------


def quote_text(scn: Scenario, q: QuoteRef) -> Text:
    src = scn.sources.get(q.source)
    text = Text("\u201c" + q.text + "\u201d", style="italic")
    who = f"{q.speaker}, in " if q.speaker else ""
    text.append(f" \u2014 {who}{src.label if src else q.source}", style="dim")
    return text


def fired_heading(scn: Scenario, f: Fired) -> Text:
    act = scn.by_id.get(f.id)
    style = QUAD_STYLE.get(QUAD.get(act.type, ""), "") if act else ""
    text = Text()
    if f.kind == "move":
        text.append("\u25b8 ", style=style)
        actor = scn.actors.get(f.actor or "")
        if actor:
            text.append(f"{actor.name}: ", style="bold")
        text.append(f.label, style=style)
    else:
        text.append("  \u21b3 ", style=style)
        if f.rule_label:
            text.append(f"{f.rule_label}: ", style="bold")
        text.append(f.label, style=style)
        if f.probability is not None:
            text.append(f"  ({percent(f.probability)}{', ' + f.how if f.how else ''})", style="dim")
    return text


def story(scn: Scenario, session: Session, step_id: int | None = None, detail_last: bool = True) -> Text:
    """The path so far: the situation, then each step; the last step with its quotes."""
    path = session.path(step_id)
    out = Text()
    out.append("Situation\n", style="bold")
    out.append(scn.situation.strip() + "\n")
    for prompt in path[0].prompts:
        out.append(f"? {prompt}\n", style="italic magenta")
    if len(path) == 1:
        out.append(
            "\nAny side may move first. Choose a move below with its number, or the arrows "
            "and Enter. w explains a step, s shows the sources, a the sides, ? everything.\n",
            style="dim",
        )
    turn = None
    last = path[-1]
    for step in path[1:]:
        full = detail_last and step is last
        for f in step.trace:
            if f.kind in ("move", "reaction", "event"):
                if f.turn != turn:
                    turn = f.turn
                    out.append(f"\nTurn {turn}\n", style="bold underline")
                out.append_text(fired_heading(scn, f))
                out.append("\n")
                act = scn.by_id.get(f.id)
                if full and act is not None:
                    if act.text:
                        out.append(f"    {act.text.strip()}\n", style="")
                    for d in act.demands:
                        out.append(f"    demand: {d.text}\n", style="yellow")
                    for q in f.quotes:
                        out.append("    ")
                        out.append_text(quote_text(scn, q))
                        out.append("\n")
                    for name, before, after in f.changes:
                        label, before = readable(scn, name, before)
                        out.append(f"    {label}: {before} \u2192 {readable(scn, name, after)[1]}\n", style="dim")
            elif f.kind in ("ending", "horizon"):
                out.append(f"\nEnding: {f.label}\n", style="bold reverse")
            elif f.kind == "chain":
                out.append(f"  ! {f.label}\n", style="dim")
        for prompt in step.prompts:
            out.append(f"? {prompt}\n", style="italic magenta")
    return out


# --- the branch tree --------------------------------------------------------------------------


def step_label(scn: Scenario, step: Step, current: bool, parent_options: list[Option] | None = None) -> Text:
    text = Text()
    if step.parent is None:
        text.append("Start")
    else:
        act = scn.by_id[step.choice]
        if act.rule < 0:
            actor = scn.actors.get(act.actor or "")
            text.append(f"{actor.short if actor else ''}: {act.label}")
        else:
            text.append(act.label)
            prob = next((o.probability for o in (parent_options or []) if o.act is act), None)
            if prob is not None:
                text.append(f" {percent(prob)}", style="cyan")
        if step.how == "rolled":
            text.append(" \u2684", style="dim")
    if step.node.over:
        text.append(f" \u25a0 {scn.endings[step.node.ending].title}", style="bold")
    if current:
        text.stylize("bold reverse")
        text = Text("\u25cf ").append_text(text)
    return text


def untaken_label(scn: Scenario, option: Option, deciding: bool) -> Text:
    act = option.act
    label = act.label
    if deciding:
        actor = scn.actors.get(act.actor or "")
        label = f"{actor.short if actor else ''}: {label}"
    text = Text(f"\u25cb {label}", style="dim")
    if not deciding:
        text.append(f" {percent(option.probability)}", style="dim cyan")
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
