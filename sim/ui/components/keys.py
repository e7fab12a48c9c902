"""The footer: every key of the screen, on as many rows as the width needs.

Textual's Footer keeps to one row and cuts what does not fit: at 80 columns the main
screen's sixteen keys lost a third of themselves. This one flows the same keys (and
the same FooterKey widgets, clickable, greyed when disabled) onto one, two or three
rows, like words in a paragraph.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.containers import HorizontalGroup
from textual.widgets import Footer


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter { layout: vertical; height: auto; max-height: 3; }
    KeyFooter > HorizontalGroup { height: 1; }
    """

    def __init__(self, **kwargs):
        super().__init__(compact=True, show_command_palette=False, **kwargs)
        self._sim_rows: list[int] = []

    def compose(self):
        keys = list(super().compose())
        # key, a space, the label, then the compact footer's one-cell margin
        widths = [cell_len(k.key_display) + 1 + cell_len(k.description) + 1 for k in keys]
        self._sim_widths = widths
        self._sim_rows = flow(widths, self.size.width or self.app.size.width)
        start = 0
        for count in self._sim_rows:
            yield HorizontalGroup(*keys[start : start + count])
            start += count

    def on_resize(self, event) -> None:
        if getattr(self, "_sim_widths", None) and flow(self._sim_widths, event.size.width) != self._sim_rows:
            self.call_after_refresh(self.recompose)

    def relabel(self, action: str, key_display: str) -> None:
        """Show a key under another name ("1-9" becomes "1-10") without recomposing the footer:
        a recompose mounts every key again, a pass of its own on the key that caused it."""
        keys = list(self.query("FooterKey"))  # Textual's own key widget, by its CSS type name
        for i, key in enumerate(keys):
            if key.action == action and key.key_display != key_display:
                key.key_display = key_display
                self._sim_widths[i] = cell_len(key_display) + 1 + cell_len(key.description) + 1
                key.refresh(layout=True)
        if flow(self._sim_widths, self.size.width or self.app.size.width) != self._sim_rows:
            self.call_after_refresh(self.recompose)  # a wider key moved another to the next row


def flow(widths: list[int], width: int) -> list[int]:
    """How many of ``widths`` go on each row, filling rows left to right within ``width``."""
    rows: list[int] = []
    used = width + 1
    for w in widths:
        if used + w > width:
            rows.append(0)
            used = 0
        rows[-1] += 1
        used += w
    return rows
