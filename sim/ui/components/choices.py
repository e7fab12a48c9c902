"""The options at the current step: moves for any side, or a reaction's branches."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sim.engine.model import Scenario
from sim.engine.session import Session
from sim.ui import present


class ChoiceList(OptionList):
    DEFAULT_CSS = """
    ChoiceList { height: auto; }
    """

    @dataclass
    class Picked(Message):
        """The user picked the option with this act id at the current step."""

        act_id: str

    def show(self, scn: Scenario, session: Session) -> None:
        node = session.node
        self.clear_options()
        self._sim_rows = present.choices(session)
        deciding = node.deciding
        self.add_options([Option(present.choice_text(scn, row, deciding), id=row.act.id) for row in self._sim_rows])
        if node.over:
            self.add_option(Option("The scenario has ended on this path. b goes back a step to try another branch; t shows the tree.", disabled=True))
        if self._sim_rows:
            # The screen describes the first option itself; an OptionHighlighted event
            # here would redo that and lay the screen out a second time.
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Picked(event.option.id))


class ChoiceDetail(Static):
    """The highlighted option in full: the whole reason for a branch's weight, its basis;
    or, with the stances table focused, the highlighted stance in full.
    As tall as its text (up to a third of the screen), so no reason is cut mid-sentence."""

    DEFAULT_CSS = """
    ChoiceDetail { height: auto; max-height: 33vh; color: $text-muted; }
    """

    _sim_text: Text | str | None = None

    def describe(self, scn: Scenario, act_id: str | None, session: Session) -> None:
        self.show_text(self.text_for(scn, act_id, session))

    def show_text(self, text: Text | str) -> None:
        if text != self._sim_text:  # an update relays out the screen even when the text is the same
            self._sim_text = text
            self.update(text)

    @staticmethod
    def text_for(scn: Scenario, act_id: str | None, session: Session) -> Text:
        act = scn.by_id.get(act_id or "")
        out = Text()
        if act is None:
            return out
        deciding = session.node.deciding
        if not deciding and act.rationale:
            out.append("Why this weight (the author's judgement): ", style="bold")
            out.append(act.rationale + "\n")
        elif deciding and present.is_pass(act):
            out.append("A pass: this side makes no move this turn.\n")
        out.append(present.basis_help(scn, act.basis), style=f"italic {present.BASIS_STYLE.get(act.basis, '')}")
        if act.demands:  # in full in the story once taken, and in w before
            out.append(f" \u00b7 {present.plural(len(act.demands), 'demand')} (w)", style="dim")
        return out
