"""The options at the current step: moves for any side, or a reaction's branches."""

from __future__ import annotations

from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sim.engine.model import BASIS_HELP, Scenario
from sim.engine.session import Session
from sim.ui import present
from sim.ui.messages import ChoicePicked


class ChoiceList(OptionList):
    DEFAULT_CSS = """
    ChoiceList { height: auto; }
    """

    def show(self, scn: Scenario, session: Session) -> None:
        node = session.node
        self.clear_options()
        self._sim_rows = present.choices(session)
        deciding = node.deciding
        self.add_options([Option(present.choice_text(scn, row, deciding, detail=False), id=row.act.id) for row in self._sim_rows])
        if node.over:
            self.add_option(Option("The scenario has ended on this path. b goes back a step to try another branch; t browses the tree.", disabled=True))
        if self._sim_rows:
            # The screen describes the first option itself; an OptionHighlighted event
            # here would redo that and lay the screen out a second time.
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(ChoicePicked(event.option.id))


class ChoiceDetail(Static):
    """The highlighted option's basis and, for branches, the rationale of its weight."""

    DEFAULT_CSS = """
    ChoiceDetail { height: 2; color: $text-muted; }
    """

    _sim_text: str | None = None

    def describe(self, scn: Scenario, act_id: str | None, deciding: bool) -> None:
        text = self._text(scn, act_id, deciding)
        if text != self._sim_text:  # an update relays out the screen even when the text is the same
            self._sim_text = text
            self.update(text)

    @staticmethod
    def _text(scn: Scenario, act_id: str | None, deciding: bool) -> str:
        act = scn.by_id.get(act_id or "")
        if act is None:
            return ""
        parts = [BASIS_HELP[act.basis]]
        if not deciding and act.rationale:
            parts.insert(0, f"Why this weight (the author's judgement): {act.rationale}")
        if act.demands:
            parts.append("Demands: " + "; ".join(d.text for d in act.demands))
        return "\n".join(parts)
