"""``sim export``: handouts, role sheets, teacher's notes and pictures of the tree.

    sim export handout SESSION_FILE            the student handout of a saved session's path (PDF)
    sim export handout --session ID            ... of a session in the store (sim sessions list)
    sim export roles [SCENARIO]                one role sheet per side
    sim export notes [SCENARIO] [--main-line FILE]
    sim export tree SESSION_FILE | --session ID      the explored tree (SVG, DOT or Mermaid)
    sim export graph [SCENARIO]                every branch, equal states merged
    sim export transcript SESSION_FILE | --session ID
    sim export notes [SCENARIO] --room ID      ... with the debrief of a room (or several: repeat --room)
    sim export debrief --room ID...            the debrief of rooms (also: sim rooms debrief)

Every file goes to a new name (never overwriting) and its path is printed. Without
--format, ``-o FILE`` names the format by its extension (``-o notes.html``), so a
teacher need not say it twice. Exit codes as for every command: 1 for input that
cannot be used (a file, a session, a missing PDF library), 2 for bad usage (an
extension the kind does not come as among them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import PurePath

from sim.diagnostics import escape
from sim.export.documents import KINDS, EXTENSIONS, Options

PAPERS = ("a4", "letter")


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``sim export`` (called by sim.cli.main when it builds its parser)."""
    kinds = "\n".join(f"  {k.name:<11} {k.title} ({'/'.join(k.formats)}): {k.help}" for k in KINDS.values())
    parser.epilog = f"kinds:\n{kinds}\n\n{parser.epilog or ''}"
    parser.add_argument("kind", choices=tuple(KINDS), metavar="KIND", help="what to export: " + ", ".join(KINDS))
    parser.add_argument("source", nargs="?", metavar="SOURCE",
                        help="a saved session or script file (handout, tree, transcript), or a scenario file or id (roles, notes, graph; default: the default scenario)")  # fmt: skip
    parser.add_argument("--session", type=_session_id, metavar="ID", help="a session in the store instead of a file (see sim sessions list)")
    parser.add_argument("--scenario", metavar="SCENARIO", help="the scenario file, when the session's scenario id is not in scenarios/")
    parser.add_argument("--format", choices=tuple(EXTENSIONS), help="pdf or html; svg, dot or mermaid; markdown, text or json (default: from -o FILE's extension, else the first the kind lists)")
    parser.add_argument("--paper", choices=PAPERS, default="a4", help="page size of printed documents (default a4)")
    parser.add_argument("--output", "-o", metavar="FILE", help="the file to write (a free variant of the name if it is taken; its extension names the format when --format is not given); '-' for standard output where the format is text")
    parser.add_argument("--dir", default=".", metavar="FOLDER", help="the folder for files named automatically (default: the current folder)")
    parser.add_argument("--threshold", type=_probability, metavar="P", help="pictures: fold branches below this probability into 'other' (default 0.02)")
    parser.add_argument("--side", metavar="ID", help="roles: only this side's sheet")
    parser.add_argument("--main-line", metavar="FILE", help="notes: a script of the path the articles report")
    parser.add_argument("--max-nodes", type=int, default=5_000_000, help="notes: stop exploring after this many nodes")
    parser.add_argument("--room", type=_room_id, action="append", metavar="ID", help="notes, debrief: the debrief of this room (repeatable: the tables of one scenario; see sim rooms list)")


def format_of(output: str | None, formats: tuple[str, ...], default: str | None = None) -> str | None:
    """The format an ``-o FILE`` asks for by its extension, among the kind's ``formats``:
    ``default`` (else the kind's first) where FILE is '-' or has no extension, None where
    its extension is not one the kind comes as (the caller says so, see ``not_a_format``,
    rather than write a PDF named .svg)."""
    suffix = PurePath(output).suffix.lower().removeprefix(".") if output and output != "-" else ""
    if not suffix:
        return default or formats[0]
    return next((f for f in formats if EXTENSIONS[f] == suffix), None)


def not_a_format(prog: str, output: str, kind: str, formats: tuple[str, ...]) -> int:
    """Say in one line that ``output``'s extension is not a format ``kind`` comes as; exit 2."""
    named = [f"{f} (.{EXTENSIONS[f]})" for f in formats]
    extensions = ", ".join(named[:-1]) + " or " + named[-1]
    print(f"{prog}: error: {escape(output)}: {kind} comes as {extensions}; name the file so, or give --format", file=sys.stderr)
    return 2


def _session_id(text: str) -> int:
    from sim.cli.sessions import session_id

    return session_id(text)


def _room_id(text: str) -> int:
    from sim.cli.rooms import room_id

    return room_id(text)


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"a probability from 0 to below 1, not {text[:40]!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from sim.diagnostics import InputError
    from sim.export.documents import produce, save
    from sim.export.drawing import TooBigForMermaid
    from sim.export.pdf import PdfUnavailable

    spec = KINDS[args.kind]
    fmt = args.format or format_of(args.output, spec.formats)
    if fmt is None:
        return not_a_format("sim export", args.output, spec.name, spec.formats)
    if fmt not in spec.formats:
        print(f"sim export: error: {spec.name} comes as {', '.join(spec.formats)}, not {fmt}", file=sys.stderr)
        return 2
    if args.room and spec.name not in ("notes", "debrief"):
        print(f"sim export: error: --room goes with notes or debrief, not {spec.name}", file=sys.stderr)
        return 2
    if spec.needs == "room" and (not args.room or args.session is not None or args.source):
        print("sim export: error: debrief is made from rooms: give --room ID (repeatable), and no session or scenario", file=sys.stderr)
        return 2
    debrief = None
    if args.room:
        from sim.cli.rooms import load_debrief

        loaded = load_debrief(args.room, "sim export")
        if isinstance(loaded, int):
            return loaded
        room_scenario, debrief = loaded
    if spec.needs == "room":
        scenario, session = room_scenario, None
    elif spec.needs == "session":
        if args.session is None and not args.source:
            print(f"sim export: error: {spec.name} needs a saved session file or --session ID", file=sys.stderr)
            return 2
        session = _session(args)
        scenario = session.scenario
    else:
        if args.session is not None:
            print(f"sim export: error: {spec.name} is made from a scenario, not a session: name the scenario", file=sys.stderr)
            return 2
        named = args.source or args.scenario
        scenario, session = (room_scenario if debrief is not None and not named else _scenario(named)), None
        if debrief is not None and scenario.id != debrief.scenario_id:
            print(f"sim export: error: the rooms play {debrief.scenario_id}, not {scenario.id}: the notes and the debrief are of one scenario", file=sys.stderr)
            return 2
    main_line = _replayed(args.main_line, scenario) if args.main_line and spec.name == "notes" else None
    options = Options(args.paper, args.threshold, main_line, args.side, args.max_nodes, debrief)
    try:
        from sim.cli.explore import _progress

        with _progress(None) as progress:
            documents = produce(spec.name, fmt, scenario=scenario, session=session, options=options, progress=progress)
    except (PdfUnavailable, TooBigForMermaid) as exc:
        print(f"sim export: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        raise InputError.single(args.side or spec.name, str(exc)) from None
    for doc in documents:
        if doc.note:
            print(f"sim export: {doc.note}", file=sys.stderr)
    if args.output == "-":
        if any(isinstance(d.data, bytes) for d in documents) or len(documents) != 1:
            print("sim export: error: only a single text document can go to standard output", file=sys.stderr)
            return 2
        sys.stdout.write(documents[0].data)
        return 0
    for path in save(documents, args.dir, args.output):
        print(f"wrote {path}")
    return 0


def _scenario(name: str | None):
    from sim.format import load_scenario
    from sim.format.catalog import resolve

    return load_scenario(resolve(name))


def _session(args: argparse.Namespace):
    if args.session is not None:
        return _stored(args.session, args.scenario)
    return _loaded(args.source, args.scenario)


def _loaded(path: str, scenario_name: str | None):
    """A saved session (or a script) replayed: its explored branches, then its path."""
    from sim.diagnostics import InputError
    from sim.engine.replay import ReplayError, follow, take
    from sim.engine.session import ChoiceError, Session
    from sim.format.load import locate
    from sim.format.script import load_script
    from sim.runner import roll_to_end

    from sim.format import load_scenario
    from sim.format.catalog import resolve

    loaded = load_script(path)
    try:
        where = resolve(scenario_name or loaded.script.scenario)
    except InputError as exc:
        if scenario_name:
            raise
        reason = exc.diagnostics[0].message if exc.diagnostics else str(exc)
        raise InputError([locate(loaded.at("scenario"), (), f"'{loaded.script.scenario}': {reason} (or give the file with --scenario)")]) from None
    scenario = load_scenario(where)
    if scenario.id != loaded.script.scenario:
        raise InputError([locate(loaded.at("scenario"), (), f"this session is for scenario '{loaded.script.scenario}', not '{scenario.id}'")])
    session = Session(scenario, loaded.script.seed)
    try:
        for b, branch in enumerate(loaded.explored()):
            follow(session, branch, ("explored", b))
    except ReplayError as exc:
        raise InputError([locate(loaded.at(*exc.where), (), str(exc))]) from None
    session.current = 0
    for step in loaded.steps:
        if step.kind != "choice":
            continue
        try:
            take(session, step.as_choice())
        except ChoiceError as exc:
            raise InputError([locate(step.origin, (), str(exc))]) from None
    if loaded.script.finish:
        roll_to_end(session)
    return session


def _replayed(path: str, scenario):
    return _loaded(path, str(scenario.path))


def _stored(session_id: int, scenario_name: str | None):
    from sim.diagnostics import InputError
    from sim.store.db import Store, StoreError
    from sim.store.record import restore

    try:
        store = Store.open()
    except StoreError as exc:
        raise InputError.single("session store", str(exc)) from None
    try:
        info = store.get(session_id)
        if info is None:
            raise InputError.single(f"session {session_id}", "no such session in the store (sim sessions list shows them)")
        scenario = _scenario(scenario_name or info.scenario)
        try:
            replayed = restore(store, scenario, session_id)
        except (KeyError, ValueError) as exc:
            raise InputError.single(f"session {session_id}", str(exc).strip("'\"")) from None
        for line in replayed.dropped:
            print(f"sim export: session {session_id}: dropped {line}", file=sys.stderr)
        return replayed.session
    except StoreError as exc:
        raise InputError.single("session store", str(exc)) from None
    finally:
        store.close()
