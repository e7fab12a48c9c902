"""``sim class``: a class plays a scenario in a room (sim.room), each group from its own seat.

    sim class SCENARIO [--title T] [--seed N] [--seat SIDE]... [--no-open]
        create a room; print its codes once (the facilitator's, one per side, the
        observers'); then open the facilitator's console in this terminal
    sim class SCENARIO --hotseat
        the same, every seat played at this one keyboard: the console hands the keyboard
        to each group through a hand-over screen
    sim class join [ROOM]
        type a code and open that member's screen (a seat, the facilitator, an observer);
        without ROOM, pick the room from a list first

Codes are never taken on the command line (a command line is visible to every user of the
machine in the process list): they are typed into the screen. Exit codes as for every
command: 1 for a scenario with errors or one that cannot be played in a room (an open
table), a store that cannot be opened, a room that does not exist; 2 for bad usage.
"""

from __future__ import annotations

import argparse
import sys

from sim.diagnostics import UsageError, escape
from sim.seeds import RANGE_TEXT, parse_seed

JOIN = "join"
ID_MAX = 2**63 - 1


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="SCENARIO|join", help="a scenario file or id (in rounds or sealed rounds) to create a room for; or 'join' to join one")
    parser.add_argument("room", nargs="?", metavar="ROOM", help="join: the room's number (default: choose from the rooms in the store)")
    parser.add_argument("--hotseat", action="store_true", help="every seat at this one keyboard, with a hand-over screen between groups")
    parser.add_argument("--no-open", action="store_true", help="create the room and print its codes, open no console (join it later with sim class join ROOM)")
    parser.add_argument("--seed", type=parse_seed, default=None, help=f"seed for the author's rolls: {RANGE_TEXT} (default: 0)")
    parser.add_argument("--title", metavar="TEXT", help="the room's title (default: the scenario's)")
    parser.add_argument("--seat", metavar="SIDE", action="append", help="a side a group plays (repeatable; default: every side; the others play by the author's weights)")


def room_number(text: str) -> int:
    if text.isascii() and text.isdigit() and 1 <= int(text) <= ID_MAX:
        return int(text)
    raise UsageError(f"a room is a whole number from 1 (as sim class printed it), not {escape(text)!r}")


def run(args: argparse.Namespace) -> int:
    from sim.store.db import Store, StoreError

    if args.target == JOIN:
        for flag, given in (("--hotseat", args.hotseat), ("--no-open", args.no_open), ("--seed", args.seed is not None), ("--title", args.title), ("--seat", args.seat)):
            if given:
                raise UsageError(f"{flag} applies when creating a room (sim class SCENARIO), not to join")
        room_id = room_number(args.room) if args.room is not None else None
    else:
        if args.room is not None:
            raise UsageError(f"unexpected {escape(args.room)!r}: a room is created for one scenario (to join room N: sim class join N)")
        if args.hotseat and args.no_open:
            raise UsageError("--hotseat plays in this terminal; --no-open opens nothing: give one or the other")
    try:
        store = Store.open()
    except StoreError as exc:
        print(f"sim class: {escape(str(exc))}", file=sys.stderr)
        return 1
    try:
        if args.target == JOIN:
            return _join(store, room_id)
        return _create(store, args)
    except StoreError as exc:
        print(f"sim class: {escape(str(exc))}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _join(store, room_id: int | None) -> int:
    from sim.store import rooms

    if room_id is not None and rooms.get(store, room_id) is None:
        print(f"sim class: there is no room {room_id} in {store.path} (sim rooms lists them)", file=sys.stderr)
        return 1
    from sim.ui.room.app import RoomApp

    RoomApp(store, room_id=room_id).run()
    return 0


def _create(store, args: argparse.Namespace) -> int:
    from sim.files import check_readable
    from sim.format import load_scenario
    from sim.format.catalog import resolve
    from sim.room import Room, RoomError, create_room

    path = resolve(args.target)
    check_readable(path, args.target)
    scenario = load_scenario(path)  # InputError: every problem, file:line:col, exit 1
    try:
        created = create_room(store, scenario, title=args.title, seed=args.seed or 0, seated=args.seat)
    except RoomError as exc:
        print(f"sim class: {escape(str(exc))}", file=sys.stderr)
        return 1
    print_codes(created, scenario)
    if args.no_open:
        return 0
    room = Room.open(store, created.room, scenario)
    facilitator = room.join(created.codes.facilitator)
    seats = {side: room.join(code) for side, code in created.codes.seats.items()} if args.hotseat else None
    if sys.stdin.isatty() and sys.stdout.isatty():
        try:
            input("Write the codes down (or print this), then press Enter to open the console. ")
        except EOFError:
            pass
    from sim.ui.room.app import RoomApp

    RoomApp(store, room=room, ticket=facilitator, seats=seats).run()
    return 0


def print_codes(created, scenario) -> None:
    """The room's codes, in clear, this once (the store keeps only their hashes)."""
    from sim.store.rooms import shown

    names = {a: scenario.actor_name(a) for a in created.codes.seats}
    width = max([len("Facilitator"), len("Observers"), *(len(n) for n in names.values())])
    lines = [
        f"Room {created.room} created: {created.title} ({scenario.id}, {scenario.turn_mode})",
        "The codes are shown this once and never again (the store keeps only their hashes):",
        "write them down or print this page; a lost code is replaced from the console (key k).",
        f"  {'Facilitator':<{width}}  {shown(created.codes.facilitator)}",
        *(f"  {names[side]:<{width}}  {shown(code)}" for side, code in created.codes.seats.items()),
        f"  {'Observers':<{width}}  {shown(created.codes.observer)}",
        f"Groups join with: sim class join {created.room}   (in a browser: sim serve --class, then pick room {created.room})",
    ]
    print("\n".join(escape(line) for line in lines), flush=True)
