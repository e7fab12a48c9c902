"""The classroom screens: a room played from many terminals or browsers.

* :mod:`sim.ui.room.render`: a member's :class:`~sim.room.view.View` as text (pure, no
  Textual), so what a screen shows can be tested without one.
* :mod:`sim.ui.room.actions`: every key these screens bind, listed once (the footer and
  the help line are derived from it, as :mod:`sim.ui.actions` does for the main UI).
* :mod:`sim.ui.room.screens`: the facilitator's console, a seat's screen (an observer
  sees a seat's screen without a side), the hand-over screen of a hot seat and the
  landing screen (pick a room, type a code).
* :mod:`sim.ui.room.app`: :class:`RoomApp`, what ``sim class`` and a served class run.

Screens read a room only through :meth:`sim.room.Room.view` and poll
:meth:`sim.room.Room.changed` (a PRAGMA, no disk I/O) five times a second: what
another process writes shows within about 0.2 s, and an idle screen costs next to nothing.
"""
