"""What a browser connection runs.

Every connection gets its own process running this project's own ``python -m sim ...``
with the interpreter that runs the server (``sys.executable``), started from an
argument list, never a shell string, so nothing a browser sends can reach a command
line. The arguments are fixed when the server starts (from the teacher's command line,
already checked); a connection adds only what the server makes for it: an id and a
folder of its own.

The served app is a :data:`Launcher`: a function from a :class:`Connection` to a
:class:`Launch`. Today ``sim serve`` uses :func:`play_launcher` (the normal app, or the
scenario picker), each connection with a store of its own. The classroom work swaps in a
launcher for its landing screen (pick a room, enter the seat's code): ``sim_argv("class",
...)`` with ``SIM_STATE_DIR`` left at the server's, since seats share the room only
through the one store and their processes never talk to each other. Each process
learns its connection's id from ``SIM_SERVE_CONNECTION`` (for the log's "who").
"""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CONNECTION_ENV = "SIM_SERVE_CONNECTION"  # the connection's id, in its process's environment


@dataclass(frozen=True, slots=True)
class Connection:
    """One browser connection, as the server accepted it."""

    id: str  # unique: a timestamp and random hex, safe as a file name
    width: int  # the terminal size the page asked for (already bounded)
    height: int
    peer: str  # the remote address, for the server's log


@dataclass(frozen=True, slots=True)
class Launch:
    """How to start one connection's process: an argument list, added environment, a folder."""

    argv: tuple[str, ...]
    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)


Launcher = Callable[[Connection], Launch]


def sim_argv(*args: str) -> tuple[str, ...]:
    """``python -m sim ARGS`` with the interpreter running this process."""
    return (sys.executable, "-m", "sim", *args)


def new_connection_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(4)


def play_args(scenario: Path | None, seed: int | None) -> tuple[str, ...]:
    """The arguments of ``sim play`` for a served connection: one scenario, or the picker."""
    args: list[str] = ["play"]
    if scenario is not None:
        args.append(str(scenario))
    if seed is not None:
        args += ["--seed", str(seed)]
    return tuple(args)


def play_launcher(root: Path, scenario: Path | None = None, seed: int | None = None, scenarios: Path | None = None) -> Launcher:
    """Each connection plays on its own: ``sim play`` in ``ROOT/<connection id>/``.

    The folder is the process's working folder and its ``SIM_STATE_DIR``: autosaves,
    sessions saved and transcripts exported under a relative name stay apart from every
    other student's (a shared folder would offer one student another's autosave and let
    two processes overwrite one file). ``scenarios`` is passed as ``SIM_SCENARIOS`` so
    the picker lists what the server's own folder lists, wherever the child runs.
    """
    args = play_args(scenario, seed)

    def launch(connection: Connection) -> Launch:
        folder = root / connection.id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        env = {"SIM_STATE_DIR": str(folder), CONNECTION_ENV: connection.id}
        if scenarios is not None:
            env["SIM_SCENARIOS"] = str(scenarios)
        return Launch(sim_argv(*args), folder, env)

    return launch


def class_launcher(root: Path, state: Path, scenarios: Path | None = None) -> Launcher:
    """Each connection joins a class: ``sim class join`` (the landing screen: pick the room,
    type the code) in ``ROOT/<connection id>/``, with the server's own store as its
    ``SIM_STATE_DIR``: the seats share a room through that one store and nothing else.
    A closed tab loses nothing: the room is in the store, and the code joins again."""

    def launch(connection: Connection) -> Launch:
        folder = root / connection.id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        env = {"SIM_STATE_DIR": str(state), CONNECTION_ENV: connection.id}
        if scenarios is not None:
            env["SIM_SCENARIOS"] = str(scenarios)
        return Launch(sim_argv("class", "join"), folder, env)

    return launch
