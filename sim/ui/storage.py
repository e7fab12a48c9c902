"""Session files and the session store, as the UI uses them (no Textual here).

A saved session file is a script (see :mod:`sim.format.script`): the current path as
steps and every other explored branch under ``explored``. Loading replays it into a
fresh session, so a broken or mismatched file changes nothing already open.

Every step is kept in the session store (:mod:`sim.store`) by a :class:`Keeper`:
opened in the loading worker, then synced after each change, before the screen
shows it. sim.store and sim.format (sqlite3, pydantic) are imported inside the
functions, so importing the UI does not pay for them before the first frame.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sim.diagnostics import InputError

if TYPE_CHECKING:
    from sim.engine.model import Scenario
    from sim.engine.session import Session
    from sim.format.script import LoadedScript
    from sim.store.db import SessionInfo, Store
    from sim.store.record import Recorder, Replay

MAX_OFFERED = 9  # sessions listed when offering to resume (keys 1-9); `sim sessions` lists them all


# --- the app's own folder, when served ----------------------------------------------------------


class Outside(ValueError):
    """A path that leaves the folder a served app is confined to."""


def within(folder: Path, name: str) -> Path:
    """``name`` (relative to ``folder``, or absolute) if it stays inside ``folder`` after every
    symlink and ``..``; else :class:`Outside`, in one line naming what was asked.

    A served app runs under the teacher's account for anyone on the network: Save, Open and
    Export must not reach the teacher's other files. Decided on the path alone, before any
    file is opened or created."""
    if not name or not name.isprintable():
        raise Outside(f"{name!r} is not a file name")
    real, root = os.path.realpath(folder / name), os.path.realpath(folder)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        raise Outside(f"{name} is outside this app's folder: in a browser, files stay in the app's own folder (give a plain name such as session.yaml)")
    return Path(real)


# --- session files --------------------------------------------------------------------------------


def save(session: Session, path: Path) -> None:
    from sim.format.script import session_to_yaml, write_atomic

    write_atomic(path, session_to_yaml(session))


def load(scenario: Scenario, path: Path | str) -> Session:
    """A new session rebuilt from a saved file; raises InputError naming the file."""
    from sim.format.script import load_script

    return restore(scenario, load_script(path))


def restore(scenario: Scenario, loaded: LoadedScript) -> Session:
    from sim.engine.replay import Choice, ReplayError, rebuild
    from sim.format.load import locate

    script = loaded.script
    if script.scenario != scenario.id:
        raise InputError([locate(loaded.at("scenario"), (), f"this session is for scenario '{script.scenario}', not '{scenario.id}'")])
    chosen = [s for s in loaded.steps if s.kind == "choice"]
    explored = [[_choice(item) for item in branch] for branch in script.explored]
    try:
        return rebuild(scenario, script.seed, [Choice(s.choice, s.rolled) for s in chosen], explored)
    except ReplayError as exc:
        where = chosen[exc.where[1]].origin if exc.where[0] == "steps" else loaded.at(*exc.where)
        raise InputError([locate(where, (), str(exc).split(": ", 1)[-1])]) from None


def _choice(item):
    from sim.engine.replay import Choice

    if isinstance(item, dict) and isinstance(item.get("rolled"), str):
        return Choice(item["rolled"], rolled=True)
    return Choice(str(item))


# --- the session store ----------------------------------------------------------------------------


class Keeper:
    """The UI's link to the session store: which store, which scenario, and the open session's record.

    :meth:`open` runs in the loading worker (it opens SQLite and hashes the scenario's
    files); then the app calls :meth:`sync` after every change to the session. When the
    store cannot be opened or written, :attr:`problem` says why, and the app says it on
    screen at start and before quitting.
    """

    def __init__(self, path: Path | None = None):
        self.path = path
        self.store: Store | None = None
        self.problem: str | None = None  # why steps are not being kept, in one line
        self.notices: list[str] = []  # to say once on screen (a damaged store moved aside, an import)
        self.scenario: Scenario | None = None
        self.digest = ""
        self.recorder: Recorder | None = None

    def open(self, scenario: Scenario) -> None:
        """Open the store for ``scenario`` (in a worker: SQLite, and hashing the scenario's files)."""
        from sim.store.content import content_hash
        from sim.store.db import Store, StoreError

        self.scenario = scenario
        self.digest = content_hash(scenario)
        if self.store is None:
            try:
                self.store = Store.open(self.path)
            except StoreError as exc:
                self.problem = str(exc)
                return
            if self.store.notice:
                self.notices.append(self.store.notice)
        self._import_autosave(scenario)

    def _import_autosave(self, scenario: Scenario) -> None:
        """An autosave file from before the store becomes a stored session; the file is renamed, not deleted."""
        from sim.store import state_dir

        old = state_dir() / f"autosave-{scenario.id}.yaml"
        if not old.is_file():
            return
        from sim.store.record import Recorder

        try:
            session = load(scenario, old)
        except InputError as exc:
            self._rename(old, ".unreadable", f"An autosave from an earlier version could not be replayed ({exc.diagnostics[0].message})")
            return
        recorder = Recorder(self.store, session, self._new(session.seed, "autosave from an earlier version"))
        recorder.sync()
        if recorder.kept:
            self._rename(old, ".imported", f"The autosave from an earlier version is now session {recorder.session_id}")

    def _rename(self, old: Path, suffix: str, what: str) -> None:
        try:
            old.rename(old.with_name(old.name + suffix))
            self.notices.append(f"{what}; the file was renamed {old.name}{suffix}.")
        except OSError as exc:
            self.notices.append(f"{what}; the file {old} was left as it was ({exc.strerror or exc}).")

    def _new(self, seed: int, title: str | None = None):
        from sim.store.content import format_version
        from sim.store.db import NewSession

        return NewSession(self.scenario.id, self.digest, format_version(), seed, str(self.scenario.path), title)

    @property
    def working(self) -> bool:
        return self.store is not None and self.problem is None

    def offers(self) -> list[SessionInfo]:
        """This scenario's unfinished sessions, the most recent first (none if the store is not working)."""
        from sim.store.db import StoreError

        if self.store is None:
            return []
        try:
            return self.store.sessions(self.scenario.id, resumable=True)
        except StoreError as exc:
            self.problem = str(exc)
            return []

    def sync(self, session: Session) -> str | None:
        """Commit what changed in ``session``; a message to show when the person must know something."""
        from sim.store.record import Recorder

        if self.store is None:
            return None
        if self.recorder is None or self.recorder.session is not session:
            self.recorder = Recorder(self.store, session, self._new(session.seed))
        message = self.recorder.sync()
        error = self.recorder.error
        self.problem = str(error) if error is not None else None
        return message

    def resume(self, session_id: int) -> Replay:
        """Replay a stored session (in a worker: a long one takes a while); :meth:`adopt` it after."""
        from sim.store.record import restore

        return restore(self.store, self.scenario, session_id, self.digest)

    def adopt(self, replayed: Replay) -> None:
        """Keep recording a resumed session: in its own log, or as a new session if it changed."""
        from sim.store.record import Recorder

        self.recorder = Recorder.resumed(self.store, replayed, self._new(replayed.session.seed))

    def kept(self, session: Session) -> bool:
        """Every step of ``session`` is in the store."""
        if len(session.steps) == 1:
            return True
        return self.working and self.recorder is not None and self.recorder.session is session and self.recorder.kept

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def offer_line(info: SessionInfo, scenario: Scenario, now: float | None = None) -> str:
    """One resumable session, for the resume offer: when, how far, the last step."""
    act = scenario.by_id.get(info.last) if info.last else None
    last = act.label if act is not None else (info.last or "the start")
    steps = f"{info.steps} step{'s' if info.steps != 1 else ''}"
    return f"{when(info.updated, now)}: {steps}, turn {info.turn}; last: {last}"


def when(timestamp: float, now: float | None = None) -> str:
    """'today 14:02', 'yesterday 09:10', '28 Nov 16:40', or '28 Nov 2025' (local time)."""
    now = time.time() if now is None else now
    then, today = time.localtime(timestamp), time.localtime(now)
    days = (time.mktime(today[:3] + (0, 0, 0, 0, 0, -1)) - time.mktime(then[:3] + (0, 0, 0, 0, 0, -1))) / 86400
    clock = time.strftime("%H:%M", then)
    if round(days) == 0:
        return f"today {clock}"
    if round(days) == 1:
        return f"yesterday {clock}"
    if then.tm_year == today.tm_year:
        return time.strftime("%d %b ", then).lstrip("0") + clock
    return time.strftime("%d %b %Y", then).lstrip("0")


def no_store_reason(keeper: Keeper | None) -> str:
    """Why steps are not kept, for the quit and open dialogs."""
    if keeper is None:
        return "this window does not use the session store"
    return keeper.problem or "the session store is not open"
