"""The main screen: stances, the story so far, the choices, and the branch tree.

It redraws from the session whenever the app's ``revision`` changes (it watches it),
and shows the app's ``notice`` in its status line, where a notice covers nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, OptionList, Static

from sim.ui import actions, present
from sim.ui.components.branches import BranchTree
from sim.ui.components.choices import ChoiceDetail, ChoiceList
from sim.ui.components.keys import KeyFooter
from sim.ui.components.stances import StancesTable
from sim.ui.components.story import StoryLog

NARROW = 100  # below this many columns the tree leaves the side panel (t shows it full screen)


class MainScreen(Screen):
    CSS_PATH = "main.tcss"
    BINDINGS = actions.bindings(actions.MAIN)
    SHOWS_NOTICES = True

    _sim_status: str | None = None
    _sim_typed = ""  # digits typed so far, while a longer number could still follow
    _sim_option_count = 0

    def compose(self) -> ComposeResult:
        yield Header()
        stances = StancesTable(id="stances")
        stances.border_title = f"Stances  {present.LEGEND}"  # the legend where it is read: no bottom border here
        yield stances
        with Horizontal(id="body"):
            with Vertical(id="left"):
                story = StoryLog(id="story")
                story.border_title = "What has happened"
                yield story
                choices = ChoiceList(id="choices")
                choices.border_title = "Choices"
                yield choices
                yield ChoiceDetail(id="detail")
            tree = BranchTree(id="tree")
            tree.border_title = "Branches (t)"
            yield tree
        yield Static(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "revision", self.refresh_view)  # init: draws the session now
        self.watch(self.app, "notice", self._show_notice, init=False)
        self.query_one(ChoiceList).focus()

    def refresh_view(self) -> None:
        app = self.app
        scn, session = app.scenario, app.session
        if session is None:
            return
        node = session.node
        self._sim_typed = ""
        self.title = scn.title
        self._show_progress(present.progress(scn, node, session.seed, self.app.lesson_length))
        self.query_one(StancesTable).show(scn, node.state)
        self.query_one(StoryLog).show(scn, session)
        choices = self.query_one(ChoiceList)
        choices.show(scn, session)
        choices.border_title = present.choice_heading(scn, node)
        choices.border_subtitle = present.choice_hint(scn, node, session.seed)
        self._describe_highlighted()
        self.query_one(BranchTree).show(scn, session)
        self._show_status(present.status_line(scn, session))
        count = len(choices._sim_rows)
        if actions.digits_display(count) != actions.digits_display(self._sim_option_count):  # "1-9" becomes "1-10"
            self.query_one(KeyFooter).relabel("pick(1)", actions.digits_display(count))
        self._sim_option_count = count

    def _show_progress(self, text: str) -> None:
        """The title bar's subtitle. Screen.sub_title is a reactive that repaints the whole
        screen when it changes (a pass of its own on every new turn); the header shows it
        in one line, so it is set quietly and that line redrawn."""
        if text != self.sub_title:
            self.set_reactive(Screen.sub_title, text)
            header = self.query_one(Header)
            header.query_one("HeaderTitle", Static).update(header.format_title())

    def _show_status(self, status: str) -> None:
        if status != self._sim_status:  # an update relays out the screen even when the text is the same
            self._sim_status = status
            line = self.query_one("#status", Static)
            line.set_class(False, "-notice")
            line.update(status)

    def _show_notice(self, notice: tuple[str, str]) -> None:
        message, severity = notice
        self._sim_status = None  # the next redraw puts the situation back
        status = self.query_one("#status", Static)
        status.set_class(True, "-notice")
        status.update(Text.assemble(("\u25b8 ", "bold"), message))

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")
        if self.app.session is not None:
            self.query_one(StancesTable).show(self.app.scenario, self.app.session.node.state)

    def _describe_highlighted(self) -> None:
        choices = self.query_one(ChoiceList)
        option = choices.highlighted_option
        self.query_one(ChoiceDetail).describe(self.app.scenario, option.id if option else None, self.app.session)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if isinstance(event.option_list, ChoiceList):
            self._describe_highlighted()

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        table = self.query_one(StancesTable)
        if event.data_table is table and table.has_focus:
            self.query_one(ChoiceDetail).show_text(table.describe_cell(self.app.scenario, event.coordinate))

    def on_descendant_focus(self, event) -> None:
        table = self.query_one(StancesTable)
        if event.widget is table:
            self.query_one(ChoiceDetail).show_text(table.describe_cell(self.app.scenario, table.cursor_coordinate))
        elif isinstance(event.widget, ChoiceList):
            self._describe_highlighted()

    # --- choosing by number -------------------------------------------------------------------

    def action_pick(self, digit: int) -> None:
        """Digits choose by number. With ten or more options a digit that could begin a longer
        number (1 of 1-12) waits for the next digit or Enter; the highlight shows it meanwhile."""
        rows = present.choices(self.app.session)
        typed = self._sim_typed + str(digit)
        if int(typed) > len(rows) or typed.startswith("0"):
            typed = str(digit) if self._sim_typed else typed  # a fresh number, not a continuation
        number = int(typed)
        self._sim_typed = ""
        if not 1 <= number <= len(rows):
            self.app.bell()
            return
        if number * 10 <= len(rows):  # more digits could follow: wait for them (or Enter)
            self._sim_typed = typed
            choices = self.query_one(ChoiceList)
            choices.highlighted = number - 1
            self.app.say(f"{number}\u2026 Enter takes {number}; another digit makes {number}0-{min(len(rows), number * 10 + 9)}.")
            return
        self.app.choose(rows[number - 1].act.id)

    def on_key(self, event) -> None:
        if self._sim_typed and event.key == "enter":
            event.stop()
            event.prevent_default()
            rows = present.choices(self.app.session)
            number, self._sim_typed = int(self._sim_typed), ""
            self.app.choose(rows[number - 1].act.id)
        elif self._sim_typed and not event.key.isdigit():
            self._sim_typed = ""

    # --- the main screen's own actions ----------------------------------------------------------

    def action_tree(self) -> None:
        """The branch tree, full screen (Escape returns): readable at any depth and any width."""
        tree = self.query_one(BranchTree)
        tree.focus()
        self.maximize(tree, container=False)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused, container=False)

    # --- messages from the parts ---------------------------------------------------------------

    @on(ChoiceList.Picked)
    def _picked(self, message: ChoiceList.Picked) -> None:
        self.app.choose(message.act_id)

    @on(BranchTree.StepSelected)
    def _step_selected(self, message: BranchTree.StepSelected) -> None:
        self.app.goto(message.step_id)

    @on(BranchTree.UntakenSelected)
    def _untaken_selected(self, message: BranchTree.UntakenSelected) -> None:
        self.app.goto(message.step_id)
        self.app.choose(message.act_id)

    @on(StancesTable.OpenActor)
    def _open_actor(self, message: StancesTable.OpenActor) -> None:
        self.app.action_actors(message.actor, message.issue)
