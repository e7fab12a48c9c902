"""Why a step happened: the rules that fired, what their conditions saw, the quotes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from sim.engine.session import Step
from sim.export.story import readable
from sim.ui import present
from sim.ui.conditions import in_words

WHY_CSS = """
WhyScreen { align: center middle; }
WhyScreen > Vertical { width: 96%; height: 92%; border: thick $primary; background: $surface; }
WhyScreen VerticalScroll { height: 1fr; padding: 0 1; }
WhyScreen OptionList { height: auto; max-height: 10; border-top: solid $accent; }
"""


class WhyScreen(ModalScreen):
    DEFAULT_CSS = WHY_CSS
    BINDINGS = [Binding("escape,w,q", "close", "Close"), Binding("e", "expressions", "Show the expressions")]

    def __init__(self, step: Step, **kwargs):
        super().__init__(**kwargs)
        self.step = step
        self.expressions = False  # conditions in words; e shows them as the author wrote them

    def action_expressions(self) -> None:
        self.expressions = not self.expressions
        self.query_one("#why-text", Static).update(explain(self.app.scenario, self.step, self.expressions, self.app.session))

    def compose(self) -> ComposeResult:
        scn = self.app.scenario
        with Vertical() as box:
            box.border_title = "Why: the rules that fired at this step (e: the expressions)"
            with VerticalScroll():
                yield Static(explain(scn, self.step, self.expressions, self.app.session), id="why-text")
            quotes = [q for f in self.step.trace for q in f.quotes]
            if quotes:
                self._quotes = quotes
                options = OptionList(*[Option(present.quote_text(scn, q), id=str(i)) for i, q in enumerate(quotes)], id="quotes")
                options.border_title = "Quotes: Enter opens the article at the quote"
                yield options
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.action_sources(self._quotes[int(event.option.id)])

    def action_close(self) -> None:
        self.dismiss()


def branches_here(scn, session, step: Step, expressions: bool = False) -> Text:
    """At a branch point: every branch on offer, its share, its weight and the author's
    whole reason (the choices panel has room for the highlighted one only)."""
    out = Text()
    node = step.node
    if node.deciding or node.over:
        return out
    options = session.options(step.id)
    shares = present.node_shares(scn, node)
    out.append(f"{present.choice_heading(scn, node).rsplit(':', 1)[0]}: the branches here\n", style="bold underline")
    out.append(f"{present.WEIGHTS_NOTE} Each branch's share is its weight over the weights of the branches that apply.\n\n", style="dim")
    for i, option in enumerate(options, 1):
        act = option.act
        out.append(f"{i}. {act.label}  ", style="bold")
        out.append(f"{shares.get(act.id, '')} (weight {act.weight:g})", style="bold cyan")
        out.append_text(present.basis_tag(act))
        out.append("\n")
        if act.rationale:
            out.append("   Why this weight: ", style="bold")
            out.append(act.rationale + "\n")
        out.append(f"   {present.basis_help(scn, act.basis)}\n", style="dim")
        if act.when is not None:
            out.append("   Applies when: ", style="bold")
            out.append((act.when.source if expressions else in_words(scn, act.when.source)) + "\n")
        for d in act.demands:
            out.append(f"   demand: {d.text}\n", style="yellow")
    out.append("\nHow you got here:\n", style="bold underline")
    return out


def explain(scn, step: Step, expressions: bool = False, session=None) -> Text:
    out = Text()
    if session is not None:
        out.append_text(branches_here(scn, session, step, expressions))
    if step.parent is None:
        out.append("The start of the scenario.\n\n", style="bold")
        out.append(scn.situation.strip() + "\n\n")
        out.append("Each side's starting stances come from the articles: open Sides (a) or Sources (s).\n")
        return out
    for f in step.trace:
        if f.kind == "turn":
            out.append(f"\n{f.label}\n", style="bold underline")
            continue
        if f.kind == "chain":
            out.append(f"! {f.label}\n", style="yellow")
            continue
        kind = {"move": "Move", "reaction": "Reaction", "event": "Event", "ending": "Ending", "horizon": "Ending"}.get(f.kind, f.kind)
        out.append(f"{kind}: ", style="bold")
        if f.kind == "move":
            out.append(f"{scn.actor_name(f.actor)}: {f.label}\n", style="bold")
        else:
            out.append(f"{f.rule_label + ': ' if f.rule_label else ''}{f.label}\n", style="bold")
        act = scn.by_id.get(f.id)
        if act is not None:
            out.append(f"  {act.type} \u00b7 {present.basis_help(scn, act.basis)}\n", style="dim")
            if f.kind != "move" and f.probability is not None:
                out.append(f"  weight {act.weight:g} of the branches that applied: {present.percent(f.probability)}", style="cyan")
                out.append(f" ({f.how})\n" if f.how else "\n", style="dim")
                if act.rationale:
                    out.append(f"  why this weight (the author's judgement): {act.rationale}\n", style="dim")
        if not f.conditions and f.kind in ("move", "reaction", "event"):
            out.append("  condition: none (always possible here)\n", style="dim")
        for cond in f.conditions:
            out.append("  because: ", style="bold")
            out.append((cond.text if expressions else in_words(scn, cond.text)) + "\n")
            if cond.seen:
                seen = (f"{name} = {value}" if expressions else "{} was \u201c{}\u201d".format(*readable(scn, name, value)) for name, value in cond.seen)
                out.append("    saw: " + ", ".join(seen) + "\n", style="green")
        for name, before, after in f.changes:
            if expressions:
                out.append(f"  changed: {name}: {before} \u2192 {after}\n", style="yellow")
            else:
                label, was = readable(scn, name, before)
                out.append(f"  changed: {label}: {was} \u2192 {readable(scn, name, after)[1]}\n", style="yellow")
        if act is not None and act.demands:
            for d in act.demands:
                out.append(f"  demand: {d.text}\n", style="yellow")
        for q in f.quotes:
            out.append("  source: ")
            out.append_text(present.quote_text(scn, q))
            out.append("\n")
    return out
