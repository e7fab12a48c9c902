"""The debrief on the facilitator's screen: the table's path, the orders once revealed, the
facilitator's decisions, the explorer's odds at each decision and the groups' notes
(:mod:`sim.room.debrief`, the same text ``sim rooms debrief`` writes).

Working out the odds at every decision of a long game takes seconds, so it runs in a thread
worker on a fold of its own: the console beneath keeps its room state to itself.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from sim import invocation
from sim.room import Room
from sim.room.debrief import debrief, markdown
from sim.room.state import fold
from sim.store import rooms


class DebriefScreen(Screen):
    """The room's debrief so far; Escape goes back to the console."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    DebriefScreen #status { height: auto; padding: 0 1; background: $panel; }
    DebriefScreen #keys { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, room: Room) -> None:
        super().__init__()
        self.room = room

    def compose(self) -> ComposeResult:
        yield Static(f"Debrief of room {self.room.id}: working out the odds at each decision…", id="status")
        with VerticalScroll():
            yield Markdown("", id="debrief")
        yield Static(f"Escape: back to the console   To print it: {invocation.sim()} rooms debrief {self.room.id} --format pdf", id="keys")

    def on_mount(self) -> None:
        # Read the log here, in the app's thread (the store's connection is this thread's);
        # fold and explore in the worker.
        info, entries = rooms.log(self.room.store, self.room.id)
        self.work_out(self.room.state.meta, entries)

    @work(thread=True, exclusive=True)
    def work_out(self, meta, entries) -> None:
        state = fold(meta, self.room.scenario, entries)
        text = markdown(debrief([state]))
        self.app.call_from_thread(self.show, text)

    def show(self, text: str) -> None:
        self.query_one("#debrief", Markdown).update(text)
        self.query_one("#status", Static).update(f"Debrief of room {self.room.id}, as the room stands now")
