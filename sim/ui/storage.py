"""Saving, loading and autosaving sessions (no Textual here).

A saved session is a script (see :mod:`sim.format.script`): the current path as
steps and every other explored branch under ``explored``. Loading replays it into
a fresh session, so a broken or mismatched file changes nothing already open.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sim.diagnostics import InputError

if TYPE_CHECKING:
    from sim.engine.model import Scenario
    from sim.engine.session import Session
    from sim.format.script import LoadedScript

# sim.format pulls in pydantic; it is imported inside the functions below, so that
# importing the UI does not pay for it before the first frame.


def state_dir() -> Path:
    """Where autosaves live: $SIM_STATE_DIR, else $XDG_STATE_HOME/sim, else ~/.local/state/sim."""
    env = os.environ.get("SIM_STATE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_STATE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "state") / "sim"


def autosave_path(scenario: Scenario) -> Path:
    return state_dir() / f"autosave-{scenario.id}.yaml"


def save(session: Session, path: Path) -> None:
    from sim.format.script import session_to_yaml, write_atomic

    write_atomic(path, session_to_yaml(session))


def autosave(session: Session) -> Path | None:
    """Write the autosave; returns None (and keeps going) if the disk refuses."""
    from sim.format.script import session_data

    return write_autosave(autosave_path(session.scenario), session_data(session))


def write_autosave(path: Path, data: dict) -> Path | None:
    """The slow half of :func:`autosave` (dump and write), safe to run in a thread."""
    from sim.format.script import dump_session, write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # the app's own state folder, not a user's path
        write_atomic(path, dump_session(data))
    except OSError:
        return None
    return path


def load(scenario: Scenario, path: Path | str) -> Session:
    """A new session rebuilt from a saved file; raises InputError naming the file."""
    from sim.format.script import load_script

    return restore(scenario, load_script(path))


def load_text(scenario: Scenario, text: str, label: str) -> Session:
    from sim.format.script import parse_script_text

    return restore(scenario, parse_script_text(text, label))


def restore(scenario: Scenario, loaded: LoadedScript) -> Session:
    from sim.engine.session import Session
    from sim.format.load import locate

    script = loaded.script
    if script.scenario != scenario.id:
        raise InputError([locate(loaded.at("scenario"), (), f"this session is for scenario '{script.scenario}', not '{scenario.id}'")])
    session = Session(scenario, script.seed)
    for b, branch in enumerate(script.explored):
        _replay(session, [_entry(item) for item in branch], loaded, ("explored", b))
    steps = [(s.choice, s.rolled) for s in loaded.steps if s.kind == "choice"]
    _replay(session, steps, loaded, ("steps",))
    return session


def _entry(item) -> tuple[str, bool]:
    if isinstance(item, dict) and isinstance(item.get("rolled"), str):
        return item["rolled"], True
    return str(item), False


def _replay(session: Session, choices: list[tuple[str, bool]], loaded: LoadedScript, where: tuple) -> None:
    from sim.engine.session import ChoiceError
    from sim.format.load import locate

    session.current = 0
    for i, (choice, rolled) in enumerate(choices):
        try:
            if choice == "roll":
                session.roll()
            else:
                step = session.choose(choice, how="rolled" if rolled else "picked")
                if rolled:
                    session.step(step.parent).rolls += 1  # a re-roll there now draws afresh
        except ChoiceError as exc:
            raise InputError([locate(loaded.at(*where, i), (), str(exc))]) from None
