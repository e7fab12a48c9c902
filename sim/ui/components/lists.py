"""An OptionList that survives paging before it has been laid out.

Textual 8.2's OptionList raises KeyError on PageUp/PageDown while it has no
height yet (its line map is built only once it has a size); the random-key test
found it. Every list in the UI uses this one.
"""

from __future__ import annotations

from textual.widgets import OptionList


class SafeOptionList(OptionList):
    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.scrollable_content_region:
            super().action_page_up()
