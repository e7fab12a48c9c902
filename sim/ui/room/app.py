"""The classroom app: one member's screen on one room, or every seat at one keyboard.

``RoomApp(store, room_id=...)`` starts on the landing screen (type a code; without a room
id, pick the room first): what ``sim class join`` and a served class run.
``RoomApp(store, room=room, ticket=facilitator)`` opens the facilitator's console at once
(``sim class SCENARIO``), and with ``seats={side: ticket}`` the hot seat
(``sim class SCENARIO --hotseat``): the console hands the keyboard to each group in turn
through a hand-over screen that shows nothing of any side's.
"""

from __future__ import annotations

from textual.app import App

from sim.room import Room, Ticket
from sim.ui.room.screens import FacilitatorScreen, HotseatFacilitatorScreen, LandingScreen, ObserverScreen, SeatScreen


class RoomApp(App):
    TITLE = "Diplomatic scenario simulator: a class"

    def __init__(self, store, *, room_id: int | None = None, room: Room | None = None, ticket: Ticket | None = None, seats: dict[str, Ticket] | None = None) -> None:
        super().__init__()
        self.store = store
        self.room_id = room.id if room is not None else room_id
        self.room, self.ticket = room, ticket
        self.seat_tickets = dict(seats or {})

    def on_mount(self) -> None:
        if self.room is not None and self.ticket is not None:
            self.open_member(self.room, self.ticket)
        else:
            self.push_screen(LandingScreen(self.store, self.room_id))

    def open_member(self, room: Room, ticket: Ticket) -> None:
        """The screen for whoever the ticket is: the console, a seat's screen, an observer's."""
        self.room, self.ticket = room, ticket
        role = ticket.member.role
        if role == "facilitator":
            screen = HotseatFacilitatorScreen(room, ticket, hotseat=True) if self.seat_tickets else FacilitatorScreen(room, ticket)
        elif role == "seat":
            screen = SeatScreen(room, ticket)
        else:
            screen = ObserverScreen(room, ticket)
        if isinstance(self.screen, LandingScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        self.sub_title = f"room {room.id}"
