"""The main screen: stances, the story so far, the choices, and the branch tree."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from sim.ui import present
from sim.ui.components.branches import BranchTree
from sim.ui.components.choices import ChoiceDetail, ChoiceList
from sim.ui.components.stances import StancesTable
from sim.ui.components.story import StoryLog
from sim.ui.messages import ChoicePicked, OpenActor, StepSelected, UntakenSelected


class MainScreen(Screen):
    CSS_PATH = "main.tcss"
    BINDINGS = [
        Binding("1", "pick(1)", "Choose", key_display="1-9"),
        *[Binding(str(n), f"pick({n})", f"choose {n}", show=False) for n in range(2, 10)],
        Binding("r", "app.roll", "Roll"),
        Binding("b", "app.back", "Back"),
        Binding("backspace", "app.back", "Back", show=False),
        Binding("w", "app.why", "Why"),
        Binding("s", "app.sources", "Sources"),
        Binding("a", "app.actors", "Sides"),
        Binding("t", "focus_tree", "Tree", show=False),
        Binding("m", "app.mark", "Mark", show=False),
        Binding("c", "app.compare", "Compare", show=False),
        Binding("x", "app.explore", "Explore", show=False),
        Binding("e", "app.export", "Export", show=False),
        Binding("question_mark", "app.help", "Help"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        stances = StancesTable(id="stances")
        stances.border_title = "Stances"
        stances.border_subtitle = "! red line \u00b7 bold: changed \u00b7 Enter: sources"
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
            tree.border_title = "Branches"
            tree.border_subtitle = "t: browse \u00b7 \u25cb not taken yet"
            yield tree
        yield Static(id="status")
        # compact, and without the palette hint, so Help, Save and Quit fit in 80 columns (Ctrl+P is in Help)
        yield Footer(compact=True, show_command_palette=False)

    _sim_status: str | None = None

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one(ChoiceList).focus()

    def refresh_view(self) -> None:
        app = self.app
        scn, session = app.scenario, app.session
        node = session.node
        self.title = scn.title
        when = f"Ended at turn {min(node.turn, scn.horizon)}" if node.over else f"Turn {min(node.turn, scn.horizon)} of {scn.horizon}"
        self.sub_title = f"{when} \u00b7 seed {session.seed}"
        self.query_one(StancesTable).show(scn, node.state)
        self.query_one(StoryLog).show(scn, session)
        choices = self.query_one(ChoiceList)
        choices.show(scn, session)
        choices.border_title = present.choice_heading(scn, node)
        choices.border_subtitle = "" if node.deciding or node.over else f"r rolls (seed {session.seed}) \u00b7 not a forecast"
        self._describe_highlighted()
        self.query_one(BranchTree).show(scn, session)
        facts = present.situation(scn, node.state)
        status = " \u00b7 ".join(f"{label}: {value}" for label, value in facts)
        if status != self._sim_status:  # an update relays out the screen even when the text is the same
            self._sim_status = status
            self.query_one("#status", Static).update(status)

    def on_resize(self) -> None:
        if getattr(self.app, "session", None) is not None:
            self.query_one(StancesTable).show(self.app.scenario, self.app.session.node.state)

    def _describe_highlighted(self) -> None:
        choices = self.query_one(ChoiceList)
        option = choices.highlighted_option
        self.query_one(ChoiceDetail).describe(self.app.scenario, option.id if option else None, self.app.session.node.deciding)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if isinstance(event.option_list, ChoiceList):
            self._describe_highlighted()

    def action_pick(self, number: int) -> None:
        rows = present.choices(self.app.session)
        if 1 <= number <= len(rows):
            self.app.choose(rows[number - 1].act.id)
        else:
            self.app.bell()

    def action_focus_tree(self) -> None:
        self.query_one(BranchTree).focus()

    def on_choice_picked(self, message: ChoicePicked) -> None:
        self.app.choose(message.act_id)

    def on_step_selected(self, message: StepSelected) -> None:
        self.app.goto(message.step_id)

    def on_untaken_selected(self, message: UntakenSelected) -> None:
        self.app.goto(message.step_id)
        self.app.choose(message.act_id)

    def on_open_actor(self, message: OpenActor) -> None:
        self.app.action_actors(message.actor, message.issue)
