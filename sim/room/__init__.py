"""Rooms: a class plays a scenario, each group from its own seat, with a facilitator.

The API the screens and the CLI use (docs/ROOMS.md has every signature):

* :func:`create_room` (codes printed once), :meth:`Room.open`, :meth:`Room.join` (a code
  -> a :class:`Ticket`), :meth:`Room.view` (the member's projection: the only way a
  screen reads a room), :meth:`Room.changed` (the cheap poll), and the acts:
  ``order``, ``choose``, ``note`` (seats); ``start``, ``pause``, ``resume``,
  ``set_timer``, ``show_weights``, ``reveal``, ``adjudicate``, ``inject``, ``end``,
  ``note``, ``reissue`` (the facilitator).
* :mod:`sim.room.state`: the room as a pure fold over its log (no store, no clock).
* :mod:`sim.room.view`: the projection per member.

Nothing here imports Textual.
"""

from sim.room.room import Created, Room, RoomError, Ticket, create_room
from sim.room.state import ROLL
from sim.store.rooms import FACILITATOR, OBSERVER, SEAT, AccessDenied, Member

__all__ = ["ROLL", "FACILITATOR", "OBSERVER", "SEAT", "AccessDenied", "Created", "Member", "Room", "RoomError", "Ticket", "create_room"]
