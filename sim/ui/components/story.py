"""What has happened on the current path: the situation, each step, the prompts.

One Static per part of the story (the situation, then one per step), laid out from the
story view (:func:`sim.ui.present.story_parts`). A key redraws only the parts whose
text changed (the newest step, and the one before it, which loses its detail), so the
cost of a key does not grow with the path: wrapping the whole path in one Static on
every key was the largest part of a key's redraw. Parts are slots reused as the path
changes; slots are mounted ahead, hidden, so a step forward rarely waits for a mount.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from sim.engine.model import Scenario
from sim.engine.session import Session
from sim.ui import present

AHEAD = 8  # hidden slots kept ready beyond the parts shown


class StoryPart(Static):
    """One part of the story; ``key`` says what it shows (see present.StoryPart)."""

    _sim_key: tuple | None = None
    _sim_text = None  # the Rich Text shown


class StoryLog(VerticalScroll):
    DEFAULT_CSS = """
    StoryLog { height: 1fr; }
    StoryLog > StoryPart { width: 1fr; height: auto; }
    """

    def compose(self):
        for _ in range(AHEAD):
            yield StoryPart().set_styles("display: none;")

    def show(self, scn: Scenario, session: Session) -> None:
        parts = present.story_parts(scn, session)
        slots = list(self.query_children(StoryPart))
        if len(slots) < len(parts) + 1:  # more slots, hidden, before they are needed again
            spare = [StoryPart().set_styles("display: none;") for _ in range(len(parts) + AHEAD - len(slots))]
            self.mount_all(spare)
            slots += spare
        for slot, part in zip(slots, parts, strict=False):
            if slot._sim_key != part.key:
                text = part.text()
                text.rstrip()  # a part's last newline would draw as a blank line of its own
                slot._sim_key, slot._sim_text = part.key, text
                slot.update(text)
            slot.display = bool(slot._sim_text)  # a step with nothing to tell takes no line
        for slot in slots[len(parts) :]:
            slot.display = False
        # At the start the reader wants the situation from its first line; after a step, the
        # newest step. Anchoring is applied by the compositor in the same frame, so what the
        # screen shows never depends on when a later refresh happens to run.
        if session.current == 0:  # the root step
            self.anchor(False)
            self.scroll_home(animate=False, immediate=True)
        else:
            self.anchor()

    def text(self) -> str:
        """What the panel shows, as plain text (for tests)."""
        return "\n".join(slot._sim_text.plain for slot in self.query_children(StoryPart) if slot.display and slot._sim_text is not None)
