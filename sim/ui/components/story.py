"""What has happened on the current path: the situation, each step, the prompts."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from sim.engine.model import Scenario
from sim.engine.session import Session
from sim.ui import present


class StoryLog(VerticalScroll):
    DEFAULT_CSS = """
    StoryLog { height: 1fr; }
    StoryLog > Static { width: 1fr; }
    """

    def compose(self):
        yield Static(id="story-text")

    def show(self, scn: Scenario, session: Session) -> None:
        self.query_one("#story-text", Static).update(present.story(scn, session))
        # At the start the reader wants the situation from its first line; after a step, the
        # newest step. Anchoring is applied by the compositor in the same frame, so what the
        # screen shows never depends on when a later refresh happens to run.
        if session.current == 0:  # the root step
            self.anchor(False)
            self.scroll_home(animate=False, immediate=True)
        else:
            self.anchor()
