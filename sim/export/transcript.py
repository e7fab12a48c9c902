"""A path through a session as a transcript: plain text, Markdown or JSON.

The same transcript is what ``sim run`` prints, what golden tests compare, and
what the UI exports for a class handout, so it must be deterministic: no clocks,
no absolute paths, stable ordering and fixed number formats.
"""

from __future__ import annotations

import json
import textwrap

from sim.engine.model import BASIS_HELP, VIEW_PHRASES, QuoteRef, Scenario
from sim.engine.session import Session, Step
from sim.engine.trace import Fired

FORMATS = ("text", "markdown", "json")


def render(session: Session, fmt: str = "text", step_id: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(to_data(session, step_id), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(session, step_id)
    return _text(session, step_id)


def percent(p: float | None) -> str:
    if p is None:
        return ""
    return f"{p * 100:.0f}%" if p >= 0.01 or p == 0 else "<1%"


def quote_line(scn: Scenario, q: QuoteRef) -> str:
    src = scn.sources.get(q.source)
    where = src.label if src else q.source
    who = f"{q.speaker}, quoted in " if q.speaker else ""
    return f"\u201c{q.text}\u201d \u2014 {who}{where}"


def act_heading(scn: Scenario, f: Fired) -> str:
    actor = scn.actor_name(f.actor)
    if f.kind == "move":
        return f"{actor}: {f.label}" if actor else f.label
    rule = f"{f.rule_label}: " if f.rule_label else ""
    return f"{rule}{f.label}"


def act_tags(scn: Scenario, f: Fired) -> str:
    act = scn.by_id.get(f.id)
    parts = []
    if act is not None:
        parts.append(act.type)
    if f.kind != "move" and f.probability is not None:
        parts.append(percent(f.probability))
    if f.how:
        parts.append(f.how)
    return ", ".join(parts)


def _final(session: Session, step_id: int | None) -> tuple[Scenario, list[Step], Step]:
    path = session.path(step_id)
    return session.scenario, path, path[-1]


def _text(session: Session, step_id: int | None) -> str:
    scn, path, last = _final(session, step_id)
    out: list[str] = []
    wrap = textwrap.TextWrapper(width=96, initial_indent="    ", subsequent_indent="    ")
    out.append(scn.title)
    out.append(f"Scenario {scn.id}, seed {session.seed}")
    out.append(scn.disclaimer)
    out.append("")
    out.append("Situation")
    out.extend(wrap.wrap(scn.situation))
    for prompt in path[0].prompts:
        out.append(f"  ? {prompt}")
    turn = None
    for step in path[1:]:
        for f in step.trace:
            if f.kind == "turn":
                continue
            if f.turn != turn and f.kind in ("move", "reaction", "event"):
                turn = f.turn
                out.append("")
                out.append(f"Turn {turn}")
            if f.kind in ("ending", "horizon"):
                continue
            if f.kind == "chain":
                out.append(f"  ! {f.label}")
                continue
            marker = ">" if f.kind == "move" else ("~" if f.kind == "event" else "-")
            out.append(f"  {marker} {act_heading(scn, f)}  [{act_tags(scn, f)}]")
            act = scn.by_id.get(f.id)
            if act is not None:
                if act.text:
                    out.extend(wrap.wrap(act.text))
                for d in act.demands:
                    out.extend(wrap.wrap(f"Demand: {d.text}"))
                if act.rationale and f.kind != "move":
                    out.extend(wrap.wrap(f"Weight rationale (author's judgement): {act.rationale}"))
            for name, before, after in f.changes:
                out.append(f"    {name}: {before} -> {after}")
            for q in f.quotes:
                out.extend(wrap.wrap(quote_line(scn, q)))
        for prompt in step.prompts:
            out.append(f"  ? {prompt}")
    out.append("")
    out.extend(_ending_text(scn, last, wrap))
    return "\n".join(out).rstrip() + "\n"


def _ending_text(scn: Scenario, last: Step, wrap) -> list[str]:
    node = last.node
    if not node.over:
        return [f"Not ended: stopped at turn {node.turn}."]
    ending = scn.endings[node.ending]
    out = [f"Ending: {ending.title}"]
    out.extend(wrap.wrap(ending.text))
    if ending.judgements:
        out.append("  How each side would judge it, by its stated positions:")
        for actor, j in ending.judgements.items():
            out.extend(wrap.wrap(f"{scn.actor_name(actor)} {VIEW_PHRASES[j.view]}: {j.reason}"))
    return out


def _markdown(session: Session, step_id: int | None) -> str:
    scn, path, last = _final(session, step_id)
    out = [f"# {scn.title}", "", f"*Scenario `{scn.id}`, seed {session.seed}.* {scn.disclaimer}", "", "## Situation", "", scn.situation, ""]
    out += [f"> **Discuss:** {p}" for p in path[0].prompts]
    turn = None
    for step in path[1:]:
        for f in step.trace:
            if f.kind in ("turn", "ending", "horizon"):
                continue
            if f.turn != turn:
                turn = f.turn
                out += ["", f"## Turn {turn}", ""]
            if f.kind == "chain":
                out.append(f"*{f.label}*")
                continue
            out.append(f"- **{act_heading(scn, f)}** ({act_tags(scn, f)})")
            act = scn.by_id.get(f.id)
            if act is not None:
                if act.text:
                    out.append(f"  {act.text}")
                out.append(f"  *Basis: {BASIS_HELP[act.basis]}.*")
                for d in act.demands:
                    out.append(f"  - Demand: {d.text}")
                if act.rationale and f.kind != "move":
                    out.append(f"  - Weight rationale (the author's illustrative judgement): {act.rationale}")
            for name, before, after in f.changes:
                out.append(f"  - `{name}`: {before} \u2192 {after}")
            for q in f.quotes:
                out.append(f"  > {quote_line(scn, q)}")
        for prompt in step.prompts:
            out.append(f"\n> **Discuss:** {prompt}")
    out.append("")
    node = last.node
    if node.over:
        ending = scn.endings[node.ending]
        out += [f"## Ending: {ending.title}", "", ending.text, ""]
        if ending.judgements:
            out += ["| Side | View | Why, by its stated positions |", "|---|---|---|"]
            for actor, j in ending.judgements.items():
                out.append(f"| {scn.actor_name(actor)} | {VIEW_PHRASES[j.view]} | {j.reason} |")
            out.append("")
    else:
        out += [f"*Not ended: stopped at turn {node.turn}.*", ""]
    out += ["## Sources", ""]
    for src in scn.sources.values():
        head = f" \u2014 \u201c{src.headline}\u201d" if src.headline else ""
        out.append(f"- **{src.label}**{head} (`seeds/{src.file.name}`)")
    if scn.disputes:
        out += ["", "## Where the sources disagree", ""]
        for dispute in scn.disputes:
            out.append(f"- **{dispute.topic}**")
            for v in dispute.versions:
                out.append(f"  - {v.summary} \u201c{v.text}\u201d \u2014 {scn.sources[v.source].label}")
    return "\n".join(out).rstrip() + "\n"


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
    if f.probability is not None:
        data["probability"] = round(f.probability, 6)
    if f.conditions:
        data["conditions"] = [{"when": c.text, "seen": dict(c.seen)} for c in f.conditions]
    if f.changes:
        data["changes"] = [{"name": n, "from": a, "to": b} for n, a, b in f.changes]
    if f.quotes:
        data["quotes"] = [{"source": q.source, "text": q.text, "speaker": q.speaker} for q in f.quotes]
    return data
