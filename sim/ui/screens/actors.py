"""A side's briefing: what it wants and fears, its red lines, its people, its
stances with their quotes, and how those stances moved along the current path."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from sim.engine.model import ActorInfo, Scenario
from sim.engine.session import Session
from sim.ui import present


class ActorsScreen(Screen):
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("s", "app.sources", "Sources"),
        # The tabs have the focus; these page the side's briefing, as a reader expects.
        Binding("pagedown,space", "page(1)", "Page", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
    ]
    DEFAULT_CSS = """
    ActorsScreen VerticalScroll { padding: 0 1; }
    """

    def __init__(self, actor: str | None = None, issue: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.issue = issue

    def compose(self) -> ComposeResult:
        scn, session = self.app.scenario, self.app.session
        yield Header()
        initial = f"actor-{self.actor}" if self.actor in scn.actors else None
        with TabbedContent(initial=initial or ""):
            for actor in scn.actors.values():
                with TabPane(actor.short, id=f"actor-{actor.id}"), VerticalScroll():
                    yield Static(briefing(scn, session, actor, self.issue if actor.id == self.actor else None))
        yield Footer()

    def on_mount(self) -> None:
        self.title = "The sides"
        self.sub_title = "in the articles' words; summaries are the scenario author's"

    def action_page(self, direction: int) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active:
            body = tabs.get_pane(tabs.active).query_one(VerticalScroll)
            body.scroll_page_down(animate=False) if direction > 0 else body.scroll_page_up(animate=False)

    def action_close(self) -> None:
        self.dismiss()


def briefing(scn: Scenario, session: Session, actor: ActorInfo, focus_issue: str | None = None) -> Text:
    out = Text()
    out.append(actor.name + "\n", style="bold")
    for name, role in actor.people.values():
        out.append(f"  {name}: ", style="bold")
        out.append(role + "\n", style="dim")
    b = actor.briefing
    for title, items in (("Wants", b.wants), ("Fears", b.fears), ("Red lines", b.red_lines)):
        if items:
            out.append(f"\n{title}\n", style="bold underline")
            for item in items:
                out.append(f"  \u2022 {item}\n", style="bold red" if title == "Red lines" else "")
    if b.quotes:
        out.append("\nIn the articles\n", style="bold underline")
        for q in b.quotes:
            out.append("  ")
            out.append_text(present.quote_text(scn, q))
            out.append("\n")
    state = session.node.state
    stances = [s for s in scn.stances if s.actor == actor.id]
    if stances:
        out.append("\nStances (now, on this path)\n", style="bold underline")
    for st in stances:
        issue = scn.issues[st.issue]
        now = st.slot.show(state)
        marker = "\u25b6 " if st.issue == focus_issue else ""
        out.append(f"  {marker}{issue.title}: ", style="bold reverse" if marker else "bold")
        out.append(issue.options.get(now, now))
        if now != st.initial:
            out.append(f" (was: {issue.options.get(st.initial, st.initial)})", style="yellow")
        out.append("\n")
        out.append(f"    {st.summary}\n", style="dim")
        for q in st.quotes:
            out.append("    ")
            out.append_text(present.quote_text(scn, q))
            out.append("\n")
        if st.red_line:
            crossed = bool(st.red_line_crossed and st.red_line_crossed.fn(state))
            out.append(f"    red line: {st.red_line}{' (crossed on this path)' if crossed else ''}\n", style="bold red")
    missing = [i.title for i in scn.issues.values() if not any(s.issue == i.id for s in stances)]
    if missing:
        out.append(f"\n  No stated position in the articles on: {', '.join(missing)}\n", style="dim italic")
    changes = present.stance_changes(scn, session, actor.id)
    out.append("\nAlong this path\n", style="bold underline")
    if not changes:
        out.append("  No stance has changed yet.\n", style="dim")
    for turn, issue, before, after, cause in changes:
        out.append(f"  turn {turn}: {scn.issues[issue].title}: {before} \u2192 {after} ({cause})\n")
    return out
