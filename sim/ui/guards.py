"""Guards for two races in Textual 8.2 (pinned in pyproject.toml), applied once
when the UI starts. The random-key test, which types in bursts as a fast typist
or a key repeat does, found both; each took the whole app down.

- OptionList's PageUp/PageDown raise KeyError when its line map has not caught up
  with its options (no height yet, or options replaced a moment before), in our
  lists and in the command palette's alike.
- A second Enter or Escape already queued when a screen closes makes it dismiss
  itself again, which pops the screen *below* it (or fails on an empty stack).

We cannot change Textual, so the guards go on OptionList and Screen themselves.
"""

from __future__ import annotations

from asyncio import gather

from textual.await_complete import AwaitComplete
from textual.screen import Screen
from textual.widgets import OptionList


def _ignore_key_error(action):
    def run(self) -> None:
        try:
            action(self)
        except KeyError:
            pass  # nothing laid out to page through yet

    run.__name__, run.__doc__ = action.__name__, action.__doc__
    return run


def _dismiss_only_on_top(dismiss):
    def run(self, result=None):
        if self.is_attached and self.app.screen is not self:
            return AwaitComplete(gather())  # already closing: nothing to do
        return dismiss(self, result)

    run.__name__, run.__doc__ = dismiss.__name__, dismiss.__doc__
    return run


def install() -> None:
    if getattr(OptionList, "_sim_guarded", False):
        return
    OptionList.action_page_down = _ignore_key_error(OptionList.action_page_down)
    OptionList.action_page_up = _ignore_key_error(OptionList.action_page_up)
    Screen.dismiss = _dismiss_only_on_top(Screen.dismiss)
    OptionList._sim_guarded = True
