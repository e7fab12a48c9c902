"""The student handout of a path: what happened, in words, with the articles behind it.

Laid out from the story view. It carries no internal ids, variable names,
expressions or event codes (tests scan every rendering for each of them): a
change reads "Intensity of attacks: 1 → 2", a side "Russia", an article by its
label, never ``escalation``, ``russia`` or ``seeds/000_….txt``.
"""

from __future__ import annotations

from html import escape

from sim.export import html as H
from sim.export.story import JUDGEMENTS_LEAD, Beat, Note, Quote, Story

ANSWER_LINES = 4


def handout(view: Story, paper: str = "a4") -> str:
    """The handout as one HTML document."""
    body = [
        f"<header>{H.h(1, view.title)}",
        H.p("A path through the scenario, step by step, for discussion.", "subtitle"),
        H.caveat(view.disclaimer) + "</header>",
        "<section>" + H.h(2, "The situation") + H.p(view.situation),
        *(H.prompt(q, ANSWER_LINES) for q in view.opening_prompts),
        "</section>",
    ]
    turn = None
    for step in view.steps:
        for beat in step.beats:
            if isinstance(beat, Note):
                body.append(H.p(beat.text, "who"))
                continue
            if beat.turn != turn:
                if turn is not None:
                    body.append("</section>")
                turn = beat.turn
                body.append("<section>" + H.h(2, f"Turn {turn}"))
            body.append(_beat(beat))
        body.extend(H.prompt(q, ANSWER_LINES) for q in step.prompts if not _ending_prompt(view, q))
    if turn is not None:
        body.append("</section>")
    body.append(_ending(view))
    body.append(_disagreements(view))
    body.append(_articles(view))
    body.append(H.caveat(view.caveat, "Every quote names the article it comes from; a side's claims are its own."))
    return H.page(view.title, "\n".join(b for b in body if b), paper, footer=f"{view.title}: handout")


def _ending_prompt(view: Story, text: str) -> bool:
    """The ending's own prompts are asked under the ending, not before it."""
    return view.ending is not None and text in view.ending.prompts


def _beat(beat: Beat) -> str:
    parts = [f'<div class="beat">{H.h(3, beat.heading)}']
    parts.append(f'<p class="who basis-{beat.basis}">{_who(beat)}</p>')
    if beat.text:
        parts.append(H.p(beat.text))
    for d in beat.demands:
        parts.append(H.p(f"Demand: {d.text}"))
        parts.append(H.quotes(d.quotes))
    if beat.changes:
        parts.append(H.ul((f"{c.label}: {c.before_text} \u2192 {c.after_text}" for c in beat.changes), "changes"))
    parts.append(H.quotes(beat.quotes))
    parts.append("</div>")
    return "".join(parts)


def _who(beat: Beat) -> str:
    basis = f" \u00b7 {beat.basis_text}" if beat.basis else ""
    return escape(beat.decision + basis)


def _ending(view: Story) -> str:
    ending = view.ending
    if ending is None:
        return "<section>" + H.h(2, "Where the path stopped") + H.p(f"The scenario had not ended: the path stops at turn {view.turn}.") + "</section>"
    out = ["<section>", H.h(2, f"How it ended: {ending.title}")]
    if ending.horizon:
        out.append(H.p(f"Nothing else ended it first: {ending.how_reached}.", "who"))
    out.append(H.p(ending.text))
    out.append(H.quotes(ending.quotes))
    if ending.judgements:
        out.append(H.h(3, JUDGEMENTS_LEAD))
        for j in ending.judgements:
            out.append(f'<div class="judgement">{H.p(f"{j.actor_name} {j.phrase}: {j.reason}")}{H.quotes(j.quotes)}</div>')
    out.extend(H.prompt(q, ANSWER_LINES) for q in ending.prompts)
    out.append("</section>")
    return "".join(out)


def _disagreements(view: Story) -> str:
    if not view.disagreements:
        return ""
    out = ["<section>", H.h(2, "Where the sources disagree")]
    for d in view.disagreements:
        out.append(H.h(3, d.topic))
        for v in d.versions:
            out.append(f'<div class="version">{H.p(v.summary)}{H.quote(Quote(v.text, v.speaker, v.article))}</div>')
    out.append("</section>")
    return "".join(out)


def _articles(view: Story) -> str:
    out = ["<section>", H.h(2, "The articles")]
    items = []
    for art in view.articles:
        head = f": \u201c{art.headline}\u201d" if art.headline else ""
        meta = f" ({art.meta})" if art.meta else ""
        items.append(f"{art.label}{head}{meta}")
    out.append(H.ul(items))
    out.append("</section>")
    return "".join(out)
