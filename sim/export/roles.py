"""A role sheet per side: what the group that plays it is given.

The public part (who speaks for the side, what it wants and fears, its red lines,
where it stands on each issue with the articles' quotes) is what every side may
know. The private briefing, when the scenario gives one, is printed on that side's
own sheet only: each sheet is built from one actor's data and nothing else's, and a
test checks that no sheet carries another side's private text.
"""

from __future__ import annotations

from sim.engine.model import ActorInfo, Scenario
from sim.export import html as H
from sim.export.story import WEIGHTS_NOTE, Views

PLAYED = ("side", "mediator")  # the kinds of actor a group can play
PRIVATE_PARTS = (  # (field of the private briefing, heading on the sheet)
    ("wants_most", "What you want most"),
    ("may_concede", "What you may concede"),
    ("must_not_reveal", "What you must not reveal"),
)
AUTHOR_NOTE = "the scenario author's invention for play, not in the articles"


def author_note(item) -> str:
    """What follows a private briefing's item that is the author's, not the articles': the
    note, unless the item already says whose it is (then it would say it twice)."""
    if item.basis != "author" or "author's" in item.text:
        return ""
    return f" ({AUTHOR_NOTE})"


def played(scn: Scenario) -> list[ActorInfo]:
    """The actors that get a role sheet, in declared order."""
    return [a for a in scn.actors.values() if a.kind in PLAYED]


def role_sheet(scn: Scenario, actor_id: str, paper: str = "a4") -> str:
    """One side's role sheet as a complete HTML document."""
    actor = scn.actors[actor_id]
    title = f"Role sheet: {actor.name}"
    footer = f"{scn.title}: {title}"
    return H.page(title, _body(scn, actor), paper, footer=footer)


def _body(scn: Scenario, actor: ActorInfo) -> str:
    views = Views(scn)
    name = actor.name
    mediates = " You mediate: you hold no side's positions, and help the others talk." if actor.kind == "mediator" else ""
    out = [
        H.h(1, f"Role sheet: {name}"),
        H.p(f"{scn.title}. Your group plays {name}.{mediates}", "subtitle"),
        H.caveat(scn.disclaimer),
    ]
    if actor.people:
        out.append(H.h(2, f"Who speaks for {name}"))
        out.append(H.ul(f"{person}, {role}" for person, role in actor.people.values()))
    b = actor.briefing
    out.append(H.h(2, "Public briefing"))
    out.append(H.p("What every side may know about you.", "who"))
    if b.wants:
        out += [H.h(3, "What you want"), H.ul(b.wants)]
    if b.fears:
        out += [H.h(3, "What you fear"), H.ul(b.fears)]
    # The briefing's red lines restate the stances' in prose, so listing both printed each twice; the
    # stances' own go with each stance below, and stand in here only where the briefing gives none.
    red_lines = list(b.red_lines) or [st.red_line for st in scn.stances if st.actor == actor.id and st.red_line]
    out.append(H.h(3, "Your red lines"))
    out.append(H.ul(red_lines) if red_lines else H.p("The articles record none."))
    if b.quotes:
        out += [H.h(3, "In the articles' words"), H.quotes(views.quotes(b.quotes))]
    out.append(_stances(scn, actor, views))
    out.append(_private(actor, views))
    out.append(H.caveat(WEIGHTS_NOTE, "Every quote names the article it comes from; a side's claims are its own."))
    return "\n".join(x for x in out if x)


def _stances(scn: Scenario, actor: ActorInfo, views: Views) -> str:
    stances = [st for st in scn.stances if st.actor == actor.id]
    if not stances:
        return H.h(2, "Where you stand") + H.p("The articles record no position for you on the issues.")
    out = [H.h(2, "Where you stand, at the start")]
    for st in stances:
        issue = scn.issues[st.issue]
        position = issue.options.get(st.initial, st.initial.replace("_", " "))
        out.append('<div class="item">' + H.h(3, issue.title))
        if issue.question:
            out.append(H.p(issue.question, "who"))
        out.append(H.p(f"Your position: {position}."))
        out.append(H.p(st.summary))
        if st.red_line:
            out.append(H.p(f"Red line: {st.red_line}"))
        out.append(H.quotes(views.quotes(st.quotes)) + "</div>")
    return "".join(out)


def _private(actor: ActorInfo, views: Views) -> str:
    private = actor.private  # only where the scenario gives one
    if private is None:
        return ""
    parts = []
    for field, heading in PRIVATE_PARTS:
        items = getattr(private, field)
        if not items:
            continue
        parts.append(H.h(3, heading))
        for item in items:
            parts.append('<div class="item">' + H.p(item.text + author_note(item)) + H.quotes(views.quotes(item.quotes)) + "</div>")
    if not parts:
        return ""
    head = H.h(2, f"Private briefing: for the {actor.name} group only") + H.p("Do not show this part to the other groups.", "who")
    return '<section class="private">' + head + "".join(parts) + "</section>"
