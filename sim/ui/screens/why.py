"""Why a step happened: the rules that fired, what their conditions saw, the quotes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from sim.engine.model import BASIS_HELP
from sim.engine.session import Step
from sim.ui import present

WHY_CSS = """
WhyScreen { align: center middle; }
WhyScreen > Vertical { width: 96%; height: 92%; border: thick $primary; background: $surface; }
WhyScreen VerticalScroll { height: 1fr; padding: 0 1; }
WhyScreen OptionList { height: auto; max-height: 10; border-top: solid $accent; }
"""


class WhyScreen(ModalScreen):
    DEFAULT_CSS = WHY_CSS
    BINDINGS = [Binding("escape,w,q", "close", "Close")]

    def __init__(self, step: Step, **kwargs):
        super().__init__(**kwargs)
        self.step = step

    def compose(self) -> ComposeResult:
        scn = self.app.scenario
        with Vertical() as box:
            box.border_title = "Why: the rules that fired at this step"
            with VerticalScroll():
                yield Static(explain(scn, self.step))
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


def explain(scn, step: Step) -> Text:
    out = Text()
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
            out.append(f"  {act.type} \u00b7 {BASIS_HELP[act.basis]}\n", style="dim")
            if f.kind != "move" and f.probability is not None:
                out.append(f"  weight {act.weight:g} of the branches that applied: {present.percent(f.probability)}", style="cyan")
                out.append(f" ({f.how})\n" if f.how else "\n", style="dim")
                if act.rationale:
                    out.append(f"  why this weight (the author's judgement): {act.rationale}\n", style="dim")
        if not f.conditions and f.kind in ("move", "reaction", "event"):
            out.append("  condition: none (always possible here)\n", style="dim")
        for cond in f.conditions:
            out.append("  because: ", style="bold")
            out.append(cond.text + "\n")
            if cond.seen:
                out.append("    saw: " + ", ".join(f"{name} = {value}" for name, value in cond.seen) + "\n", style="green")
        for name, before, after in f.changes:
            out.append(f"  changed: {name}: {before} \u2192 {after}\n", style="yellow")
        if act is not None and act.demands:
            for d in act.demands:
                out.append(f"  demand: {d.text}\n", style="yellow")
        for q in f.quotes:
            out.append("  source: ")
            out.append_text(present.quote_text(scn, q))
            out.append("\n")
    return out
