"""``sim sessions``: the sessions kept in the session store (list, export, delete).

    sim sessions [list] [--scenario ID]     one line per session, the most recent first
    sim sessions export ID [-o FILE]        the session as a script (replays with sim run --script)
    sim sessions delete ID...               no question asked: the ids are the confirmation

Exit codes as for every command: 1 when the store cannot be opened or written, an id
is not in it, or the output cannot be written; 2 for a malformed id.
"""

from __future__ import annotations

import argparse
import sys
import time

ID_MAX = 2**63 - 1


def configure(parser: argparse.ArgumentParser) -> None:
    """The sub-commands of ``sim sessions`` (called by sim.cli.main when it builds its parser)."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    p = actions.add_parser("list", help="list the stored sessions (the default)", description="List the stored sessions, the most recent first.")
    p.add_argument("--scenario", metavar="ID", help="only the sessions of this scenario")
    p = actions.add_parser("export", help="print a session as a script", description="Write a session as a script: its current path as steps, the other branches under explored.")
    p.add_argument("id", type=session_id, help="the session's id (from sim sessions list)")
    p.add_argument("--output", "-o", metavar="FILE", help="write it to FILE ('-' is standard output, the default)")
    p = actions.add_parser("delete", help="delete sessions (asks nothing: give their ids)", description="Delete sessions and their logs. Nothing is asked: the ids are the confirmation.")
    p.add_argument("ids", type=session_id, nargs="+", metavar="ID", help="the sessions' ids (from sim sessions list)")


def session_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= ID_MAX or not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"a session id is a whole number from 1 (see sim sessions list), not {_clean(text)!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from sim.store.db import Store, StoreError

    try:
        store = Store.open()
    except StoreError as exc:
        print(f"sim sessions: {_clean(str(exc))}", file=sys.stderr)
        return 1
    try:
        if store.notice:
            print(f"sim sessions: {_clean(store.notice)}", file=sys.stderr)
        action = args.action or "list"
        if action == "list":
            return _list(store, getattr(args, "scenario", None))
        if action == "export":
            return _export(store, args.id, args.output)
        return _delete(store, args.ids)
    except StoreError as exc:
        print(f"sim sessions: {_clean(str(exc))}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _list(store, scenario: str | None) -> int:
    infos = store.sessions(scenario)
    if not infos:
        which = f" of scenario '{_clean(scenario)}'" if scenario else ""
        print(f"no sessions{which} in {_clean(str(store.path))}", file=sys.stderr)
        return 0
    rows = [("ID", "SCENARIO", "UPDATED", "STEPS", "TURN", "LAST STEP", "STATUS")]
    for info in infos:
        rows.append((str(info.id), _clean(info.scenario), _when(info.updated), str(info.steps), str(info.turn), _clean(info.last or "(the start)"), _status(info)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {0, 3, 4}
    for row in rows:
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        print("  ".join(cells).rstrip())
    return 0


def _status(info) -> str:
    if info.replaced_by is not None:
        return f"replaced by {info.replaced_by}"
    if info.ending is not None:
        return f"ended: {_clean(info.ending)}"
    return "unfinished"


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _export(store, session: int, output: str | None) -> int:
    from sim.files import FileError, write_output
    from sim.store.export import export_script

    try:
        text = export_script(store, session)
    except KeyError:
        return _no_such(store, [session])
    except FileError as exc:  # more than a script can hold and be read back: never written
        print(f"sim sessions: session {session} cannot be exported as a script: {_clean(exc.strerror)}", file=sys.stderr)
        return 1
    written = write_output(output or "-", text)
    if written is not None:
        print(f"session {session} written to {_clean(output)}", file=sys.stderr)
    return 0


def _delete(store, ids: list[int]) -> int:
    try:
        deleted = store.delete(ids)
    except KeyError as exc:
        return _no_such(store, exc.args[0])
    for info in deleted:
        print(f"deleted session {info.id} ({_clean(info.scenario)}, {info.steps} step{'s' if info.steps != 1 else ''})")
    return 0


def _no_such(store, ids: list[int]) -> int:
    listed = ", ".join(map(str, ids))
    print(f"sim sessions: no session {listed} in {_clean(str(store.path))} (sim sessions list shows them); nothing was changed", file=sys.stderr)
    return 1


def _clean(text: str) -> str:
    """Never echo a control character from the store (or an argument) to the terminal."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" for ch in text)
