"""The teacher's notes for a scenario: what to plan a lesson by and what to watch for.

How long a game runs (shortest, typical and longest path, from exhaustive
exploration) and how it can end under the author's weights; the main line the
articles report; where the sources disagree; each article's own inconsistencies and
the claims only one article makes; every discussion prompt; and, once a room has
played, its debrief.

The debrief: ``debrief`` takes a room's debrief (:class:`sim.room.debrief.Debrief`: the
path each table took, the orders by round, the decisions with the explorer's odds, the
prompts with the groups' notes; laid out by :func:`sim.export.debrief.notes_section`),
or just one story view per table (label, Story); without it the section is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from dataclasses import dataclass

from sim.analysis.explore import Result
from sim.analysis.length import Length, length
from sim.engine.model import Act, Scenario
from sim.engine.vocab import VIEW_PHRASES, Basis, Kind
from sim.export import html as H
from sim.room.debrief import Debrief
from sim.export.story import JUDGEMENTS_LEAD, WEIGHTS_NOTE, Beat, Story, Views, percent


@dataclass(frozen=True, slots=True)
class Outlook:
    """What exploration says about a scenario: how long, and how it can end."""

    length: Length | None
    endings: dict[str, float]  # ending id -> probability under the author's weights
    complete: bool


def outlook(scn: Scenario, result: Result) -> Outlook:
    return Outlook(length(scn, result), dict(result.endings), result.complete and result.open == 0)


def teacher_notes(
    scn: Scenario,
    seen: Outlook,
    main_line: Story | None = None,
    debrief: Debrief | Sequence[tuple[str, Story]] = (),
    paper: str = "a4",
) -> str:
    """The teacher's notes as a complete HTML document."""
    views = Views(scn)
    out = [
        H.h(1, f"Teacher's notes: {scn.title}"),
        H.p(scn.summary, "subtitle"),
        H.caveat(scn.disclaimer),
        _length(scn, seen),
        _main_line(scn, main_line),
        _disagreements(views),
        _articles(scn, views),
        _prompts(scn),
        _endings(scn, views),
        _debrief(debrief),
    ]
    footer = f"{scn.title}: teacher's notes"
    return H.page(f"Teacher's notes: {scn.title}", "\n".join(x for x in out if x), paper, footer=footer)


def _length(scn: Scenario, seen: Outlook) -> str:
    out = [H.h(2, "How long a game runs")]
    n = seen.length
    if n is None:
        out.append(H.p("Exploration found no path that ends within the horizon."))
    else:
        out.append(
            H.p(
                f"Every branch was followed to the {scn.horizon}-turn horizon. The soonest a path ends is turn "
                f"{n.shortest}; the latest, turn {n.longest}; half of the author's weight has ended by turn "
                f"{n.typical} (moves counted equally). Each turn is one move and the reactions it sets off: "
                f"plan for {n.describe()}."
            )
        )
    if not seen.complete:
        out.append(H.p("Exploration stopped early: these figures cover only the paths it followed.", "who"))
    rows = sorted(scn.endings, key=lambda e: (-seen.endings.get(e.id, 0.0), e.index))
    out.append("<table><tr><th>Ending</th><th>Share under the author's weights</th></tr>")
    for e in rows:
        out.append(f"<tr><td>{escape(e.title)}</td><td class=\"num\">{percent(seen.endings.get(e.id, 0.0))}</td></tr>")
    out.append("</table>")
    out.append(H.p(f"{WEIGHTS_NOTE} The shares say how the author weighted the branches, not how likely anything is.", "who"))
    return "".join(out)


def _main_line(scn: Scenario, main_line: Story | None) -> str:
    out = [H.h(2, "The main line the articles report")]
    if main_line is not None:
        out.append(H.p("The path that follows what the articles report, step by step:"))
        items = [f"Turn {b.turn}. {b.heading} ({b.basis_text})" for b in main_line.beats() if not _routine(b)]
        out.append("<ol>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ol>")
        if main_line.ending is not None:
            out.append(H.p(f"It ends: {main_line.ending.title}. {main_line.ending.text}"))
        return "".join(out)
    reported = [a for a in scn.acts if a.basis == Basis.REPORTED]
    out.append(H.p("The scenario marks no main line. These are the acts the articles report, in the order the scenario declares them:"))
    out.append(H.ul(_act_line(scn, a) for a in reported))
    return "".join(out)


def _routine(beat: Beat) -> bool:
    """An event branch that nobody decided and nothing changed: the weekly 'fighting goes on'."""
    return beat.kind == Kind.EVENT and not beat.changes


def _act_line(scn: Scenario, act: Act) -> str:
    if act.rule < 0:
        who = scn.actor_name(act.actor)
        return f"{who}: {act.label}" if who else act.label
    return f"{scn.rules[act.rule].label}: {act.label}"


def _disagreements(views: Views) -> str:
    found = views.disagreements()
    if not found:
        return ""
    out = [H.h(2, "Where the sources disagree")]
    for d in found:
        out.append(H.h(3, d.topic))
        out.append(H.ul(f"{v.summary} (\u201c{v.text}\u201d, {v.speaker + ', ' if v.speaker else ''}{v.article.cited})" for v in d.versions))
    return "".join(out)


def _articles(scn: Scenario, views: Views) -> str:
    """Each article: its own metadata, the author's notes on it (its inconsistencies), and
    the reported acts that rest on it alone."""
    alone: dict[str, list[str]] = {}
    for act in scn.acts:
        sources = {q.source for q in (*act.quotes, *(q for d in act.demands for q in d.quotes))}
        if act.basis == Basis.REPORTED and len(sources) == 1:
            alone.setdefault(next(iter(sources)), []).append(_act_line(scn, act))
    out = [H.h(2, "The articles: their own inconsistencies and single-source claims")]
    for src in scn.sources.values():
        art = views.article(src)
        out.append('<div class="item">' + H.h(3, art.label))
        facts = [f"Headline: \u201c{art.headline}\u201d" if art.headline else "No headline in the text", *([art.meta] if art.meta else [])]
        out.append(H.p(". ".join(facts) + ".", "who"))
        if src.notes:
            out.append(H.p(src.notes.strip()))
        claims = alone.get(src.id, [])
        if claims:
            out.append(H.p(f"Reported on this article's word alone ({len(claims)}):"))
            out.append(H.ul(claims))
        out.append("</div>")
    return "".join(out)


def _prompts(scn: Scenario) -> str:
    out = [H.h(2, "Discussion prompts")]
    general = [p.text for p in scn.prompts] + [a.prompt for a in scn.acts if a.prompt]
    if general:
        out.append(H.p("Raised on a path the first time they apply:"))
        out.append(H.ul(dict.fromkeys(general)))
    for e in scn.endings:
        if e.prompts:
            out += [H.h(3, f"At the ending \u201c{e.title}\u201d"), H.ul(e.prompts)]
    return "".join(out)


def _endings(scn: Scenario, views: Views) -> str:
    out = [H.h(2, f"The endings, and {JUDGEMENTS_LEAD[0].lower()}{JUDGEMENTS_LEAD[1:]}")]
    for e in scn.endings:
        out.append('<div class="item">' + H.h(3, e.title) + H.p(e.text.strip()))
        out.append(H.ul(f"{scn.actor_name(a)} {VIEW_PHRASES.get(j.view, j.view)}: {j.reason}" for a, j in e.judgements.items()))
        out.append("</div>")
    return "".join(out)


def _debrief(tables: Debrief | Sequence[tuple[str, Story]]) -> str:
    if isinstance(tables, Debrief):
        from sim.export.debrief import notes_section

        return notes_section(tables)
    if not tables:
        return ""
    out = [H.h(2, "Debrief: what each table did")]
    for label, view in tables:
        out.append('<div class="item">' + H.h(3, label))
        out.append("<ol>" + "".join(f"<li>{escape(b.heading)} ({escape(b.decision)})</li>" for b in view.beats() if not _routine(b)) + "</ol>")
        ending = view.ending
        out.append(H.p(f"Ending: {ending.title}." if ending else f"Not ended: stopped at turn {view.turn}."))
        out.append("</div>")
    return "".join(out)
