"""The debrief of a room (or of every table of one scenario) as a printable document, and as
the teacher's notes' section on the rooms played.

The data is :class:`sim.room.debrief.Debrief` (pure, from the rooms' logs and the explorer);
this lays it out with the documents' common parts (:mod:`sim.export.html`), printed to PDF
by the same WeasyPrint path as the handouts. Everything from a room (titles, notes, reasons)
is escaped.
"""

from __future__ import annotations

from html import escape

from sim.engine.vocab import TurnMode
from sim.export import html as H
from sim.export.story import WEIGHTS_NOTE, percent
from sim.room.debrief import AFTER, BEFORE, ODDS_NOTE, ROUND_AFTER, ROUND_BEFORE, Debrief, Odds, Table, end_sentence, odds_line, path_beats



def debrief_page(d: Debrief, paper: str = "a4") -> str:
    """The debrief as a complete HTML document."""
    title = f"Debrief: {d.scenario_title}"
    tables = f"{len(d.tables)} table{'s' if len(d.tables) != 1 else ''}"
    body = [H.h(1, title), H.p(f"{tables}, scenario {d.scenario_id}", "subtitle"), H.caveat(d.disclaimer, ODDS_NOTE), section(d, level=2)]
    return H.page(title, "\n".join(body), paper, footer=title)


def section(d: Debrief, level: int = 2) -> str:
    """The tables, headed at ``level`` (2 in the debrief, 3 inside the teacher's notes)."""
    out = []
    if len(d.tables) > 1:
        out.append(H.h(level, "How the tables ended"))
        out.append(_endings_table(d))
    for t in d.tables:
        out.append(_table(t, level))
    return "".join(out)


def notes_section(d: Debrief) -> str:
    """The teacher's notes' section on the rooms played."""
    return H.h(2, "Debrief: what each table did") + H.p(ODDS_NOTE, "who") + section(d, level=3)


def _endings_table(d: Debrief) -> str:
    rows = ["<table><tr><th>Table</th><th>How it ended</th><th>Turn</th><th>Decisions</th></tr>"]
    for t in d.tables:
        rows.append(
            f"<tr><td>{escape(t.title)} (room {t.room})</td><td>{escape(_ended(t))}</td>"
            f'<td class="num">{t.story.turn}</td><td class="num">{len(t.points) + len(t.rounds)}</td></tr>'
        )
    rows.append("</table>")
    return "".join(rows)


def _ended(t: Table) -> str:
    if t.ending:
        return t.ending
    if t.status == "ended":
        return "Ended by the facilitator" + (f": {t.ended_reason}" if t.ended_reason else "")
    return "Still playing"


def _odds(label: str, odds: Odds) -> str:
    return f'<p class="who">{escape(label)}: {escape(odds_line(odds))}.</p>'


def _table(t: Table, level: int) -> str:
    sub = level + 1
    mode = "sealed rounds" if t.turns == TurnMode.SEALED else "rounds"
    out = ['<div class="sheet">', H.h(level, f"{t.title} (room {t.room})")]
    out.append(H.p(f"Played in {mode}, seed {t.seed}; {t.played}. {_ended(t)}."))
    out.append(_odds("From the start", t.start))
    out.append(H.h(sub, "The path"))
    out.append("<ol>" + "".join(f"<li>Turn {b.turn}: {escape(end_sentence(b.heading))} <span class=\"who\">{escape(t.decision(b))}.</span></li>" for b in path_beats(t.story)) + "</ol>")
    if t.rounds:
        out.append(H.h(sub, "Orders by round"))
        out.append("<table><tr><th>Turn</th><th>Side</th><th>Order</th><th>How</th></tr>")
        for r in t.rounds:
            for i, g in enumerate(r.given):
                turn = str(r.turn) if i == 0 else ""
                out.append(f"<tr><td>{turn}</td><td>{escape(g.side_name)}</td><td>{escape(g.label)}</td><td>{escape(g.how_text)}</td></tr>")
        out.append("</table>")
        for r in t.rounds:
            out.append(_odds(f"Turn {r.turn}: {ROUND_BEFORE[0].lower()}{ROUND_BEFORE[1:]}", r.before) + _odds(f"{ROUND_AFTER}", r.after))
    if t.points:
        out.append(H.h(sub, "Decisions, and what else could have happened"))
        for p in t.points:
            out.append('<div class="item">')
            out.append(f"<p><b>{escape(p.heading)}:</b> {escape(p.body)}</p>")
            others = [f"{b.label} ({percent(b.share)})" for b in p.branches if not b.taken]
            if others:
                out.append(H.p("Also on offer, with the author's weights: " + "; ".join(others) + ".", "who"))
            out.append(_odds(BEFORE, p.before) + _odds(AFTER, p.after))
            out.append("</div>")
    out.append(H.h(sub, "Prompts and the groups' notes"))
    if not t.prompts:
        out.append(H.p("No prompt was raised on this path."))
    for pr in t.prompts:
        out.append('<div class="prompt">' + f'<p class="q">{escape(pr.prompt)}</p>')
        out.append(_notes(pr.notes) if pr.notes else H.p("(no notes)", "who"))
        out.append("</div>")
    if t.notes:
        out.append(H.h(sub, "Other notes"))
        out.append(_notes(t.notes))
    if t.notices:
        out.append(H.h(sub, "Not replayed (the scenario changed since)"))
        out.append(H.ul(t.notices))
    out.append(H.p(WEIGHTS_NOTE, "who"))
    out.append("</div>")
    return "".join(out)


def _notes(notes) -> str:
    return "<ul>" + "".join(f"<li><i>{escape(n.by)}:</i> " + "<br>".join(escape(line) for line in n.text.splitlines()) + "</li>" for n in notes) + "</ul>"
