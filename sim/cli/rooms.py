"""``sim rooms``: the rooms kept in the session store (list, export, debrief, delete).

    sim rooms [list] [--scenario ID]             one line per room, the most recent first
    sim rooms export ROOM [-o FILE]              the room's path as a script (replays with sim run --script)
    sim rooms debrief ROOM... [--format F] [-o FILE]
    sim rooms debrief --scenario ID [...]        every room of that scenario, one table each
    sim rooms delete ROOM...                     no question asked: the ids are the confirmation

A debrief in Markdown goes to standard output unless ``-o`` names a file; HTML and PDF go
to a new file (``debrief-room-3.pdf``, never overwriting; ``-o -`` for standard output
where the format is text). Exit codes as for every command: 1 when the store cannot be
opened or written, a room is not in it, its scenario cannot be loaded, or the output cannot
be written; 2 for a malformed id or arguments that do not go together.
"""

from __future__ import annotations

import argparse
import sys
import time

from sim.cli.sessions import ID_MAX, _clean

FORMATS = {"md": "markdown", "markdown": "markdown", "html": "html", "pdf": "pdf"}


def configure(parser: argparse.ArgumentParser) -> None:
    """The sub-commands of ``sim rooms`` (called by sim.cli.main when it builds its parser)."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    p = actions.add_parser("list", help="list the rooms (the default)", description="List the rooms in the store, the most recently created first.")
    p.add_argument("--scenario", metavar="ID", help="only the rooms of this scenario")
    p = actions.add_parser("export", help="write a room's path as a script", description="Write a room's path as a script: every step with whose choice it was, the facilitator's rulings and injects; sim run replays it to the room's transcript.")
    p.add_argument("room", type=room_id, metavar="ROOM", help="the room's id (from sim rooms list)")
    p.add_argument("--output", "-o", metavar="FILE", help="write it to FILE ('-' is standard output, the default)")
    p = actions.add_parser("debrief", help="a room's debrief, or every room of a scenario's",
                           description="The debrief: each table's path, the orders by round, the decisions with the explorer's ending odds from there, the prompts with the groups' notes.")  # fmt: skip
    p.add_argument("rooms", type=room_id, nargs="*", metavar="ROOM", help="the rooms' ids (from sim rooms list)")
    p.add_argument("--scenario", metavar="ID", help="every room of this scenario instead")
    p.add_argument("--format", type=_format, metavar="FORMAT", help="md, html or pdf (default: -o FILE's extension, else md)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="page size of HTML and PDF (default a4)")
    p.add_argument("--output", "-o", metavar="FILE", help="the file to write (a free variant of the name if it is taken); '-' for standard output")
    p = actions.add_parser("delete", help="delete rooms (asks nothing: give their ids)", description="Delete rooms with their codes and logs. Nothing is asked: the ids are the confirmation.")
    p.add_argument("rooms", type=room_id, nargs="+", metavar="ROOM", help="the rooms' ids (from sim rooms list)")


def room_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= ID_MAX or not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"a room id is a whole number from 1 (see sim rooms list), not {_clean(text)!r}")
    return value


def _format(text: str) -> str:
    found = FORMATS.get(text.lower())
    if found is None:
        raise argparse.ArgumentTypeError(f"a debrief comes as md, html or pdf, not {_clean(text)!r}")
    return found


class NoRoom(Exception):
    """Rooms that are not in the store (their ids)."""


def open_rooms(store, ids: list[int]) -> list:
    """The rooms' states (sim.room.state.RoomState), read from the store and replayed; one
    scenario object per scenario, so a debrief across them explores shared states once.
    Raises NoRoom, sim.diagnostics.InputError (a scenario with errors) or RoomError."""
    from sim.room.room import Room, load_room_scenario
    from sim.store import rooms

    infos = [rooms.get(store, i) for i in ids]
    missing = [i for i, info in zip(ids, infos, strict=True) if info is None]
    if missing:
        raise NoRoom(missing)
    loaded: dict[str, object] = {}
    states = []
    for info in infos:
        scenario = loaded.get(info.scenario)
        if scenario is None:
            scenario = loaded[info.scenario] = load_room_scenario(info)
        states.append(Room.open(store, info.id, scenario).state)
    return states


def run(args: argparse.Namespace) -> int:
    from sim.store.db import Store, StoreError

    action = args.action or "list"
    if action == "debrief" and bool(args.rooms) == bool(args.scenario):
        print("sim rooms debrief: error: give the rooms' ids or --scenario ID (one or the other)", file=sys.stderr)
        return 2
    if action == "debrief" and args.format == "pdf" and args.output == "-":
        print("sim rooms debrief: error: a PDF does not go to standard output: name a file with -o, or leave -o out", file=sys.stderr)
        return 2
    try:
        store = Store.open()
    except StoreError as exc:
        print(f"sim rooms: {_clean(str(exc))}", file=sys.stderr)
        return 1
    try:
        if store.notice:
            print(f"sim rooms: {_clean(store.notice)}", file=sys.stderr)
        if action == "list":
            return _list(store, getattr(args, "scenario", None))
        if action == "export":
            return _export(store, args.room, args.output)
        if action == "debrief":
            return _debrief(store, args)
        return _delete(store, args.rooms)
    except NoRoom as exc:
        return _no_such(store, exc.args[0])
    except StoreError as exc:
        print(f"sim rooms: {_clean(str(exc))}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _list(store, scenario: str | None) -> int:
    from sim.store import rooms

    infos = rooms.listing(store, scenario)
    if not infos:
        which = f" of scenario '{_clean(scenario)}'" if scenario else ""
        print(f"no rooms{which} in {_clean(str(store.path))}", file=sys.stderr)
        return 0
    rows = [("ID", "SCENARIO", "TITLE", "STATUS", "TURN", "CREATED")]
    titles = _ending_titles([info for info in infos if info.ending])
    for info in infos:
        status = f"ended: {titles.get((info.scenario, info.ending), info.ending)}" if info.ending else info.status
        rows.append((str(info.id), _clean(info.scenario), _clean(info.title), _clean(status), str(info.turn), time.strftime("%Y-%m-%d %H:%M", time.localtime(info.created))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {0, 4}
    for row in rows:
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        print("  ".join(cells).rstrip())
    return 0


def _ending_titles(ended: list) -> dict[tuple[str, str], str]:
    """The titles of the endings the ended rooms reached, as a reader knows them ('A
    frozen truce'), keyed by (scenario, ending id). A scenario that no longer loads keeps
    its rooms listed by the ending's id: a listing must not fail on one bad file."""
    from sim.diagnostics import InputError
    from sim.room.room import load_room_scenario

    titles: dict[tuple[str, str], str] = {}
    tried: set[str] = set()
    for info in ended:
        if info.scenario in tried:
            continue
        tried.add(info.scenario)
        try:
            scenario = load_room_scenario(info)
        except (InputError, OSError):
            continue
        titles.update(((info.scenario, ending.id), ending.title) for ending in scenario.endings)
    return titles


def _export(store, room: int, output: str | None) -> int:
    from sim.files import FileError, write_output
    from sim.room.export import room_script_text

    state = _one(store, room)
    if state is None:
        return 1
    try:
        text = room_script_text(state)
    except FileError as exc:  # more than a script can hold and be read back: never written
        print(f"sim rooms: room {room} cannot be exported as a script: {_clean(exc.strerror)}", file=sys.stderr)
        return 1
    _dropped(room, state)
    if write_output(output or "-", text) is not None:
        print(f"room {room} written to {_clean(output)}", file=sys.stderr)
    return 0


def _one(store, room: int):
    states = _opened(store, [room])
    return None if states is None else states[0]


def _opened(store, ids: list[int]):
    """The rooms' states, or None after printing why not (one line each)."""
    from sim.room import RoomError

    try:
        return open_rooms(store, ids)
    except RoomError as exc:
        print(f"sim rooms: {_clean(str(exc))}", file=sys.stderr)
        return None


def _dropped(room: int, state) -> None:
    for line in state.dropped:
        print(f"sim rooms: room {room}: not replayed: {_clean(line)}", file=sys.stderr)


def _debrief(store, args: argparse.Namespace) -> int:
    from sim.store import rooms

    fmt = args.format or _format_named(args.output)
    if fmt is None:
        return 2
    if args.scenario:
        ids = [info.id for info in reversed(rooms.listing(store, args.scenario))]  # the tables in the order they were made
        if not ids:
            print(f"sim rooms: no rooms of scenario '{_clean(args.scenario)}' in {_clean(str(store.path))} (sim rooms list shows them)", file=sys.stderr)
            return 1
    else:
        ids = list(dict.fromkeys(args.rooms))
    made = _made(store, ids, "sim rooms debrief")
    if isinstance(made, int):
        return made
    scenario, d = made
    return write_debrief(scenario, d, fmt, args.output, args.paper, "sim rooms")


def _format_named(output: str | None) -> str | None:
    """The debrief's format by -o FILE's extension (Markdown where it has none), as sim
    export takes it; None after saying why where the extension is not a debrief's."""
    from sim.cli.export import format_of, not_a_format
    from sim.export.documents import KINDS

    formats = KINDS["debrief"].formats
    fmt = format_of(output, formats, default="markdown")
    if fmt is None:
        not_a_format("sim rooms debrief", output, "a debrief", formats)
    return fmt


def load_debrief(ids: list[int], prog: str):
    """(scenario, Debrief) of the rooms ``ids`` in the store, or an exit code after saying
    why not in one line (for ``sim export notes|debrief --room``)."""
    from sim.store.db import Store, StoreError

    try:
        store = Store.open()
    except StoreError as exc:
        print(f"{prog}: {_clean(str(exc))}", file=sys.stderr)
        return 1
    try:
        return _made(store, list(dict.fromkeys(ids)), prog)
    except NoRoom as exc:
        return _no_such(store, exc.args[0], prog)
    except StoreError as exc:
        print(f"{prog}: {_clean(str(exc))}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _made(store, ids: list[int], prog: str):
    """(scenario, Debrief) of the rooms, timed on standard error; or an exit code."""
    from sim.room.debrief import debrief

    states = _opened(store, ids)
    if states is None:
        return 1
    if len({s.scenario.id for s in states}) > 1:
        plays = ", ".join(f"room {s.meta.id} plays {_clean(s.scenario.id)}" for s in states)
        print(f"{prog}: error: a debrief across rooms takes rooms of one scenario: {plays}", file=sys.stderr)
        return 2
    for s in states:
        _dropped(s.meta.id, s)
    started = time.perf_counter()
    made = debrief(states)
    print(f"{prog}: {len(states)} room{'s' if len(states) != 1 else ''}: explored the odds from {made.explored} states "
          f"({made.sampled} by playouts) in {time.perf_counter() - started:.1f} s", file=sys.stderr)  # fmt: skip
    return states[0].scenario, made


def write_debrief(scenario, made, fmt: str, output: str | None, paper: str, prog: str) -> int:
    """Write a debrief: Markdown to standard output unless a file is named; HTML and PDF to
    a new file (never overwriting). The CLI's exit code."""
    from sim.export.documents import Options, produce, save
    from sim.export.pdf import PdfUnavailable

    try:
        (document,) = produce("debrief", fmt, scenario=scenario, options=Options(paper=paper, debrief=made))
    except PdfUnavailable as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    if output == "-" or (output is None and fmt == "markdown"):
        if isinstance(document.data, bytes):
            print(f"{prog}: error: a PDF does not go to standard output: name a file with -o, or leave -o out", file=sys.stderr)
            return 2
        sys.stdout.write(document.data)
        return 0
    for path in save([document], ".", output):
        print(f"wrote {_clean(str(path))}")
    return 0


def _delete(store, ids: list[int]) -> int:
    from sim.store import rooms

    try:
        deleted = rooms.delete(store, ids)
    except KeyError as exc:
        raise NoRoom(exc.args[0]) from None
    for info in deleted:
        print(f"deleted room {info.id} ({_clean(info.scenario)}: {_clean(info.title)}, {info.revision} entr{'ies' if info.revision != 1 else 'y'})")
    return 0


def _no_such(store, ids: list[int], prog: str = "sim rooms") -> int:
    listed = ", ".join(map(str, ids))
    print(f"{prog}: no room {listed} in {_clean(str(store.path))} (sim rooms list shows them); nothing was changed", file=sys.stderr)
    return 1
