"""Saving, loading and autosaving sessions (no Textual here).

A saved session is a script (see :mod:`sim.format.script`): the current path as
steps and every other explored branch under ``explored``. Loading replays it into
a fresh session, so a broken or mismatched file changes nothing already open.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.diagnostics import InputError
from sim.engine.model import Scenario
from sim.engine.session import ChoiceError, Session
from sim.format.load import locate
from sim.format.script import (
    LoadedScript,
    load_script,
    parse_script_text,
    session_to_yaml,
    write_atomic,
)


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
    write_atomic(path, session_to_yaml(session))


def autosave(session: Session) -> Path | None:
    """Write the autosave; returns None (and keeps going) if the disk refuses."""
    path = autosave_path(session.scenario)
    try:
        write_atomic(path, session_to_yaml(session))
    except OSError:
        return None
    return path


def load(scenario: Scenario, path: Path | str) -> Session:
    """A new session rebuilt from a saved file; raises InputError naming the file."""
    return restore(scenario, load_script(path))


def load_text(scenario: Scenario, text: str, label: str) -> Session:
    return restore(scenario, parse_script_text(text, label))


def restore(scenario: Scenario, loaded: LoadedScript) -> Session:
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
