"""A path through a session as a transcript: plain text, Markdown or JSON.

Text and Markdown are laid out from the story view (:mod:`sim.export.story`), which
walks the path once; JSON is the machine's record, straight from the trace.

The same transcript is what ``sim run`` prints, what golden tests compare, and
what the UI exports for a class handout, so it must be deterministic: no clocks,
no absolute paths, stable ordering and fixed number formats.
"""

from __future__ import annotations

import json
import textwrap

from sim.engine.model import Scenario
from sim.engine.session import Session, Step
from sim.engine.trace import Fired
from sim.engine.vocab import Kind
from sim.export.story import JUDGEMENTS_LEAD, RATIONALE_LEAD, Beat, Note, Quote, Story, percent, story


def render(session: Session, fmt: str = "text", step_id: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(to_data(session, step_id), indent=2, ensure_ascii=False) + "\n"
    view = story(session, step_id)
    if fmt == "markdown":
        return markdown(view)
    return text(view)


def quote_line(q: Quote) -> str:
    return f"\u201c{q.text}\u201d \u2014 {q.attribution}"


def act_tags(beat: Beat) -> str:
    """The analyst's tags: event category, a branch's chance, how it was decided."""
    parts = [beat.category] if beat.category else []
    if beat.probability is not None:
        parts.append(percent(beat.probability))
    if beat.decided_by:
        parts.append(f"decided by {beat.decided_by}")
    if beat.how:
        parts.append(beat.how)
    return ", ".join(parts)


_MARKERS = {Kind.MOVE: ">", Kind.EVENT: "~", Kind.REACTION: "-"}


def text(view: Story) -> str:
    """The plain-text transcript: what ``sim run`` prints and the golden tests hold."""
    out: list[str] = []
    wrap = textwrap.TextWrapper(width=96, initial_indent="    ", subsequent_indent="    ")
    out += [view.title, f"Scenario {view.scenario_id}, seed {view.seed}", view.disclaimer, "", "Situation"]
    out.extend(wrap.wrap(view.situation))
    out.extend(f"  ? {p}" for p in view.opening_prompts)
    turn = None
    for step in view.steps:
        for beat in step.beats:
            if beat.turn != turn:
                turn = beat.turn
                out += ["", f"Turn {turn}"]
            if isinstance(beat, Note):
                out.append(f"  ! {beat.text}")
                continue
            out.append(f"  {_MARKERS.get(beat.kind, '-')} {beat.heading}  [{act_tags(beat)}]")
            if beat.text:
                out.extend(wrap.wrap(beat.text))
            for d in beat.demands:
                out.extend(wrap.wrap(f"Demand: {d.text}"))
            if beat.rationale:
                out.extend(wrap.wrap(f"{RATIONALE_LEAD}: {beat.rationale}"))
            if beat.ruling:
                out.extend(wrap.wrap(beat.decision + "."))
            out.extend(f"    {c.name}: {c.before} -> {c.after}" + (f" ({c.before_text} -> {c.after_text})" if c.number else "") for c in beat.changes)
            for q in beat.quotes:
                out.extend(wrap.wrap(quote_line(q)))
        out.extend(f"  ? {p}" for p in step.prompts)
    out.append("")
    ending = view.ending
    if ending is None:
        out.append(f"Not ended: stopped at turn {view.turn}.")
    else:
        out.append(f"Ending: {ending.title}" + (f" ({ending.how_reached})" if ending.horizon else ""))
        out.extend(wrap.wrap(ending.text))
        if ending.judgements:
            out.append(f"  {JUDGEMENTS_LEAD}:")
            for j in ending.judgements:
                out.extend(wrap.wrap(f"{j.actor_name} {j.phrase}: {j.reason}"))
                deeper = textwrap.TextWrapper(width=96, initial_indent="      ", subsequent_indent="      ")
                for q in j.quotes:
                    out.extend(deeper.wrap(quote_line(q)))
    return "\n".join(out).rstrip() + "\n"


def markdown(view: Story) -> str:
    """The Markdown transcript: readable labels for what changed, the sources and where they
    disagree; the full record of a path for a class (the handout is the printable one)."""
    out = [f"# {view.title}", "", f"*Scenario `{view.scenario_id}`, seed {view.seed}.* {view.disclaimer}", "", "## Situation", "", view.situation, ""]
    out += [f"> **Discuss:** {p}" for p in view.opening_prompts]
    turn = None
    for step in view.steps:
        for beat in step.beats:
            if beat.turn != turn:
                turn = beat.turn
                out += ["", f"## Turn {turn}", ""]
            if isinstance(beat, Note):
                out.append(f"*{beat.text}*")
                continue
            out.append(f"- **{beat.heading}** ({act_tags(beat)})")
            if beat.text:
                out.append(f"  {beat.text}")
            if beat.basis:
                out.append(f"  *Basis: {beat.basis_text}.*")
            out += [f"  - Demand: {d.text}" for d in beat.demands]
            if beat.rationale:
                out.append(f"  - {RATIONALE_LEAD}: {beat.rationale}")
            if beat.ruling:
                out.append(f"  - {beat.decision}.")
            out += [f"  - {c.label}: {c.before_text} \u2192 {c.after_text}" for c in beat.changes]
            out += [f"  > {quote_line(q)}" for q in beat.quotes]
        for prompt in step.prompts:
            out.append(f"\n> **Discuss:** {prompt}")
    out.append("")
    ending = view.ending
    if ending is not None:
        out += [f"## Ending: {ending.title}", ""]
        if ending.horizon:
            out += [f"*{ending.how_reached[0].upper()}{ending.how_reached[1:]}.*", ""]
        out += [ending.text, ""]
        if ending.judgements:
            out += [f"### {JUDGEMENTS_LEAD}", ""]
            for j in ending.judgements:
                out.append(f"- **{j.actor_name}** {j.phrase}: {j.reason}")
                out += [f"  > {quote_line(q)}" for q in j.quotes]
            out.append("")
    else:
        out += [f"*Not ended: stopped at turn {view.turn}.*", ""]
    out += ["## Sources", ""]
    for art in view.articles:
        head = f" \u2014 \u201c{art.headline}\u201d" if art.headline else ""
        meta = f", {art.meta}" if art.meta else ""
        out.append(f"- **{art.label}**{head}{meta} (`seeds/{art.file_name}`)")
    if view.disagreements:
        out += ["", "## Where the sources disagree", ""]
        for d in view.disagreements:
            out.append(f"- **{d.topic}**")
            out += [f"  - {v.summary} \u201c{v.text}\u201d \u2014 {v.article.label}" for v in d.versions]
    out += ["", f"*{view.caveat}*"]
    return "\n".join(out).rstrip() + "\n"


def _final(session: Session, step_id: int | None) -> tuple[Scenario, list[Step], Step]:
    path = session.path(step_id)
    return session.scenario, path, path[-1]


def to_data(session: Session, step_id: int | None = None) -> dict:
    scn, path, last = _final(session, step_id)
    node = last.node
    steps = []
    for step in path[1:]:
        steps.append({
            "choice": step.choice,
            "how": step.how,
            "fired": [_fired_data(f) for f in step.trace],
            "prompts": list(step.prompts),
        })  # fmt: skip
    state = {slot.name: slot.show(node.state) for slot in scn.slots if slot.kind == "value" or slot.index == 0}
    return {
        "scenario": scn.id,
        "turns": scn.turn_mode,
        **({"order": list(scn.seats)} if scn.seats else {}),
        "title": scn.title,
        "seed": session.seed,
        "disclaimer": scn.disclaimer,
        "choices": session.choices(last.id),
        "steps": steps,
        "ending": scn.endings[node.ending].id if node.over else None,
        "turn": node.turn,
        "state": state,
    }


def _fired_data(f: Fired) -> dict:
    data: dict = {"kind": f.kind, "id": f.id, "label": f.label, "turn": f.turn}
    if f.actor:
        data["actor"] = f.actor
    if f.how:
        data["how"] = f.how
    if f.owner:
        data["owner"] = f.owner
    if f.ruling:
        data["ruling"] = f.ruling
    if f.reason:
        data["reason"] = f.reason
    if f.probability is not None:
        data["probability"] = round(f.probability, 6)
    if f.conditions:
        data["conditions"] = [{"when": c.text, "seen": dict(c.seen)} for c in f.conditions]
    if f.changes:
        data["changes"] = [{"name": n, "from": a, "to": b} for n, a, b in f.changes]
    if f.quotes:
        data["quotes"] = [{"source": q.source, "text": q.text, "speaker": q.speaker} for q in f.quotes]
    return data
