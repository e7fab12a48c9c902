"""The ``sim`` command. Textual is imported only by ``sim``/``sim play``, so headless
commands (validate, run, explore, schema, list) start fast and never need a terminal."""

from __future__ import annotations

import argparse
import os
import sys

from sim import __version__
from sim.diagnostics import InputError, UsageError, escape
from sim.seeds import RANGE_TEXT, parse_seed

# Exit codes (documented in the README and `sim --help`).
OK = 0
INVALID_INPUT = 1  # a scenario, script or save file has errors
USAGE = 2  # bad command-line arguments (argparse's own code)
EXPECTATION_FAILED = 3  # a script's expectations did not hold
DEAD_END = 4  # a run stopped where nothing was on offer and no ending applied
UNAVAILABLE = 5  # `sim serve` could not listen: the port is taken, or the host is not this machine
INTERRUPTED = 130
BOUNDED = 6  # exploration or lint stopped at the memory bound (sim.analysis.explore.MEMORY_BUDGET)
INTERNAL = 70

EPILOG = """exit codes:
  0  success
  1  invalid input: a scenario, script or save file has errors (each printed as file:line:col),
     or a file cannot be read or written (one line naming it)
  2  bad command-line usage, including options that do not apply together
     and an -o FILE whose extension is not a format the document comes as
  3  a script's expectations did not hold
  4  a run stopped at a dead end (nothing on offer, no ending)
  5  sim serve could not listen (the port is in use, or the host is not this machine)
  6  sim explore or sim validate stopped at the memory bound: what it found so far is
     printed; the rest was not explored (a smaller horizon, fewer branches or counters)
  70 an internal error in sim itself (please report it; SIM_DEBUG=1 shows details)
  130 interrupted"""


class _Parser(argparse.ArgumentParser):
    """argparse, with what it echoes of the command line escaped (no control characters
    reach the terminal from an argument) and a usage error still exit 2."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: error: {escape(message)}\n")


ROOT_HELP = "also read includes and sources from DIR (repeatable; the same as listing it in $SIM_ROOT)"
SEED_HELP = f"seed for rolls: {RANGE_TEXT}"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sim",
        description="Step through how a negotiation could branch, grounded in its source articles. "
        "With no command, opens the terminal UI on the default scenario.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands: dict[str, argparse.ArgumentParser] = {}

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        commands[name] = sub.add_parser(name, help=help_text, description=help_text, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
        return commands[name]

    parser.commands = commands  # for refusing options that do not apply together

    p = add("play", "open the terminal UI on a scenario (a picker when none is named)")
    p.add_argument("scenario", nargs="?", help="a scenario file or id (default: choose from a list)")
    p.add_argument("--seed", type=parse_seed, default=None, help=SEED_HELP + " (default: 1; not with --load, whose session has its seed)")
    p.add_argument("--load", metavar="FILE", help="open a saved session")
    p.add_argument("--root", metavar="DIR", action="append", help=ROOT_HELP)

    p = add("validate", "check scenario files: schema, references, expressions, quotes, lint")
    p.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    p.add_argument("--strict", action="store_true", help="treat lint warnings as errors")
    p.add_argument("--no-lint", action="store_true", help="skip the reachability lint (not with --strict)")
    p.add_argument("--root", metavar="DIR", action="append", help=ROOT_HELP)

    p = add("run", "run a scenario headless, scripted or by seeded rolls, and print the transcript")
    p.add_argument("scenario", help="a scenario file or id")
    p.add_argument("--script", metavar="FILE", help="a script or saved session to replay")
    p.add_argument("--seed", type=parse_seed, default=None, help=SEED_HELP + " (default: the script's, else 0)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write the transcript to FILE ('-': standard output)")
    p.add_argument("--root", metavar="DIR", action="append", help=ROOT_HELP)
    p.add_argument("--play", metavar="SIDE", action="append", help="the script plays SIDE (repeatable; default: the script's play:); the author's weights roll the rest")

    p = add("explore", "explore every branch to a horizon, or run Monte Carlo playouts")
    p.add_argument("scenario", help="a scenario file or id")
    p.add_argument("--depth", type=int, default=None, help="turns to explore (default: the scenario's horizon)")
    p.add_argument("--playouts", type=int, default=None, help="run N seeded random playouts instead")
    p.add_argument("--seed", type=parse_seed, default=0, help=f"seed for playouts: {RANGE_TEXT}")
    p.add_argument("--max-nodes", type=int, default=None, help="stop exhaustive exploration after this many node expansions (default: 5,000,000)")
    p.add_argument("--format", choices=("text", "json"), default=None, help="text (the default) or json")
    p.add_argument("--paths", action="store_true", help="print a shortest path of choices to each ending (as script steps)")
    p.add_argument("--root", metavar="DIR", action="append", help=ROOT_HELP)

    p = add("schema", "print the JSON Schema of the scenario format (for editors)")
    p.add_argument("--output", "-o", metavar="FILE", help="write it to FILE ('-': standard output)")

    add("list", "list the scenarios in scenarios/")

    from sim.cli.sessions import configure

    configure(add("sessions", "the sessions kept in the session store: list, export (as a script), delete"))

    from sim.cli.rooms import configure as configure_rooms

    configure_rooms(add("rooms", "the rooms a class played, kept in the session store: list, export (as a script), debrief, delete"))

    from sim.cli.serve import configure as configure_serve

    configure_serve(add("serve", "serve the UI to web browsers, each connection its own app (Ctrl+C stops it)"))

    from sim.cli.klass import configure as configure_class

    configure_class(add("class", "a class plays a scenario in a room: create it (codes printed once) and run it, or join it with a code"))

    from sim.cli.export import configure as configure_export

    configure_export(add("export", "handouts, role sheets, teacher's notes (PDF or HTML) and pictures of the tree (SVG, DOT, Mermaid)"))
    return parser


def _shown(path) -> str:
    """A path relative to the working folder when it lies inside it."""
    from pathlib import Path

    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def refuse_conflicts(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Options that do not apply together are a usage error (exit 2), never silently ignored."""
    command = args.command
    if command == "validate" and args.strict and args.no_lint:
        parser.commands[command].error("--strict makes lint warnings errors; with --no-lint there are none: give one or the other")
    if command == "play" and args.seed is not None and args.load:
        parser.commands[command].error("--seed does not apply with --load: a saved session keeps its own seed")


def use_roots(roots: list[str] | None) -> None:
    """``--root DIR``: add DIR to the folders includes and sources may be read from."""
    if roots:
        from sim.files import ROOT_ENV

        named = [p for p in os.environ.get(ROOT_ENV, "").split(os.pathsep) if p]
        os.environ[ROOT_ENV] = os.pathsep.join([*named, *roots])


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    refuse_conflicts(parser, args)
    use_roots(getattr(args, "root", None))
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a full disk or a closed pipe is reported here, not after exit
        return code
    except InputError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return INVALID_INPUT
    except UsageError as exc:
        print(f"sim {args.command}: error: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # e.g. `sim run ... | head`: the reader went away; exit quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return OK
    except OSError as exc:  # the system refused a read or write: the file and the reason, exit 1
        from sim.files import describe_os_error

        print(escape(describe_os_error(exc)), file=sys.stderr)
        _quiet_stdout()
        return INVALID_INPUT
    except Exception as exc:  # a bug of ours: one line, not a traceback (SIM_DEBUG=1 shows it)
        if os.environ.get("SIM_DEBUG"):
            raise
        print(escape(f"sim: internal error: {type(exc).__name__}: {exc} (run with SIM_DEBUG=1 for details)"), file=sys.stderr)
        return INTERNAL


def _quiet_stdout() -> None:
    """After standard output failed (a full disk), drop what is still buffered, so Python's
    exit does not fail again and print a traceback of its own."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command in (None, "play"):
        from sim.cli.play import play

        return play(getattr(args, "scenario", None), getattr(args, "seed", None), getattr(args, "load", None), pick=command == "play")
    if command == "validate":
        from sim.cli.validate import validate

        return validate(args.paths, strict=args.strict, lint=not args.no_lint)
    if command == "run":
        from sim.cli.run import run

        return run(args.scenario, args.script, args.seed, args.format, args.output, args.play)
    if command == "explore":
        from sim.cli.explore import explore

        return explore(args.scenario, args.depth, args.playouts, args.seed, args.max_nodes, args.format, paths=args.paths)
    if command == "schema":
        from sim.format.schema import schema_text

        from sim.files import write_output

        write_output(args.output or "-", schema_text())
        return OK
    if command == "list":
        from sim.format.catalog import catalog, scenarios_dir

        entries = catalog()
        if not entries:
            print(f"no scenarios in {scenarios_dir()}", file=sys.stderr)
            return INVALID_INPUT
        width = max(len(e.id) for e in entries)
        for e in entries:
            mark = "*" if e.default else " "
            print(escape(f"{mark} {e.id:<{width}}  {e.title}  ({_shown(e.path)})"))  # a file name may hold anything
        print("* the default scenario (opened by `sim`)", file=sys.stderr)
        return OK
    if command == "sessions":
        from sim.cli.sessions import run

        return run(args)
    if command == "rooms":
        from sim.cli.rooms import run as rooms

        return rooms(args)
    if command == "serve":
        from sim.cli.serve import serve

        return serve(args.scenario, args.seed, args.host, args.port, args.max_connections, args.klass)
    if command == "class":
        from sim.cli.klass import run as run_class

        return run_class(args)
    if command == "export":
        from sim.cli.export import run as export

        return export(args)
    raise AssertionError(command)  # pragma: no cover
