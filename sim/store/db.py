"""The session store's database: opening it, its sessions and their logs.

One SQLite file in WAL mode, shared by every process (windows, ``sim sessions``,
later the rooms of a class). A session is a row in ``sessions`` plus an
append-only ``log``; every write is one short ``BEGIN IMMEDIATE`` transaction,
so two processes never interleave half-writes, and a write that raced another
process's write to the same session fails with :class:`Conflict` instead of
overwriting it. Every failure reaches the caller as :class:`StoreError`, one line
naming the file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sim.store import default_path
from sim.store.schema import APPLICATION_ID, MIGRATIONS, SEED_MAX, VERSION

# A commit is in the operating system's hands before the step is shown, so killing the
# process at any moment loses nothing (SQLite's WAL with synchronous=NORMAL: about 40 us
# a step). What the disk itself holds is brought up to date by a checkpoint at most
# FLUSH_AFTER seconds after a commit, off the caller's thread (Store._flusher), and at
# close: a power cut can lose about the last second, never more, and never corrupts.
# FULL would fsync in every commit instead: 0.2 ms to several ms a step under load
# (docs/PERFORMANCE.md, bench/store.py), paid on the key that made the step.
SYNCHRONOUS = "NORMAL"
FLUSH_AFTER = 1.0
BUSY_TIMEOUT = 2.0  # seconds to wait for another process's write (each takes well under 1 ms)

_CORRUPT, _NOTADB = 11, 26  # SQLite's primary result codes for a damaged or foreign file


class StoreError(Exception):
    """The store cannot be opened or written. ``str()`` is one line naming the file."""

    def __init__(self, message: str, path: Path | str, kind: str = "unavailable"):
        super().__init__(message)
        self.path = Path(path)
        self.kind = kind  # "unavailable", "damaged", "newer" or "conflict"


class Conflict(StoreError):
    """Another process wrote to (or deleted) this session since this one last did."""

    def __init__(self, message: str, path: Path | str):
        super().__init__(message, path, "conflict")


@dataclass(frozen=True, slots=True)
class NewSession:
    """What a session records about itself when it is created."""

    scenario: str
    content_hash: str
    format: int
    seed: int
    scenario_path: str = ""
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """Where a session stands after a write (the listing shows it without reading the log)."""

    steps: int  # steps in the tree, the start excluded
    current: int
    depth: int
    turn: int
    last: str | None  # the act that led to the current step
    ending: str | None  # the ending reached at the current step


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a session's log: a choice made at ``parent``, or (parent None) a move of the cursor."""

    step: int
    parent: int | None = None
    choice: str | None = None
    how: str | None = None  # "picked" or "rolled"
    n: int = 0  # position in the log (set by the store)
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: int
    scenario: str
    scenario_path: str
    content_hash: str
    format: int
    sim_version: str
    title: str | None
    seed: int
    created: float
    updated: float
    revision: int
    steps: int
    current: int
    depth: int
    turn: int
    last: str | None
    ending: str | None
    replaced_by: int | None

    @property
    def finished(self) -> bool:
        return self.ending is not None


_INFO_COLUMNS = ", ".join(SessionInfo.__slots__)


class Store:
    """An open session store. Use :meth:`open`; safe to hand from one thread to another."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None, busy_timeout: float):
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.busy_timeout = busy_timeout
        self.notice = notice  # set when a damaged file was moved aside: say it on screen
        self._committed = threading.Event()  # set by each commit, for the flusher
        self._closing = threading.Event()
        self._flusher: threading.Thread | None = None

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str | None = None, *, busy_timeout: float = BUSY_TIMEOUT) -> Store:
        """Open (creating and migrating) the store; a damaged file is moved aside, never deleted."""
        path = Path(path) if path is not None else default_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot open the session store {path}: {_os_reason(exc)}", path) from None
        try:
            return cls(_connect(path, busy_timeout), path, None, busy_timeout)
        except _Damaged as damaged:
            aside = move_aside(path)
            notice = f"The session store {path} was damaged ({damaged.reason}); it was moved to {aside.name} and a new one started."
        try:
            return cls(_connect(path, busy_timeout), path, notice, busy_timeout)
        except _Damaged as damaged:  # pragma: no cover - a fresh file cannot be damaged
            raise StoreError(f"cannot start a new session store at {path}: {damaged.reason}", path, "damaged") from None

    def close(self) -> None:
        """Stop the flusher, bring the disk up to date, close."""
        self._stop_flusher()
        with self._lock:
            try:
                self.flush()
            except StoreError:
                pass  # nothing more can be done here; every commit is still in the WAL
            self._conn.close()

    def flush(self) -> None:
        """Put every commit so far on the disk itself (a checkpoint fsyncs the WAL, then the file)."""
        with self._read("flush to disk") as conn:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _stop_flusher(self) -> None:
        self._closing.set()
        self._committed.set()
        if self._flusher is not None:
            self._flusher.join(timeout=10)
        self._flusher = None

    def _flush_soon(self) -> None:
        """After a commit: the flusher checkpoints within FLUSH_AFTER seconds (started on the first)."""
        self._committed.set()
        if self._flusher is None:
            self._closing.clear()
            self._flusher = threading.Thread(target=self._flush_loop, name="sim-store-flush", daemon=True)
            self._flusher.start()

    def _flush_loop(self) -> None:
        # Its own connection: a checkpoint does not take the write lock, so commits never wait for it.
        try:
            conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            while not self._closing.is_set():
                self._committed.wait()  # idle: no wake-ups at all
                self._closing.wait(FLUSH_AFTER)  # let a burst of steps share one checkpoint
                self._committed.clear()
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    pass  # the next commit or close says what is wrong
        finally:
            conn.close()

    def reset_damaged(self) -> str:
        """After a write found the file damaged: move it aside and start afresh here. Returns the notice."""
        self._stop_flusher()  # its connection would go on with the file moved aside
        with self._lock:
            self._conn.close()
            aside = move_aside(self.path)
            self._conn = _connect(self.path, self.busy_timeout)
            self.notice = f"The session store {self.path} was damaged; it was moved to {aside.name} and a new one started."
            return self.notice

    # --- writing ------------------------------------------------------------------------------

    def create(self, new: NewSession, entries: Iterable[Entry], position: Position, replaces: int | None = None) -> tuple[int, int]:
        """A new session holding ``entries``; returns (its id, its revision).

        ``replaces``: a session this one continues (replayed on a changed scenario); it is
        kept, but no longer offered for resuming.
        """
        if not (isinstance(new.seed, int) and 0 <= new.seed <= SEED_MAX):
            raise ValueError(f"a seed is a whole number from 0 to {SEED_MAX}, not {new.seed!r}")
        from sim import __version__

        now = time.time()
        with self._write("create a session") as conn:
            cur = conn.execute(
                "INSERT INTO sessions (scenario, scenario_path, content_hash, format, sim_version, title, seed, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new.scenario, new.scenario_path, new.content_hash, new.format, __version__, new.title, new.seed, now, now),
            )
            session_id = cur.lastrowid
            revision = self._append(conn, session_id, 0, entries, position, now)
            if replaces is not None:
                conn.execute("UPDATE sessions SET replaced_by = ? WHERE id = ? AND id != ?", (session_id, replaces, session_id))
        return session_id, revision

    def append(self, session_id: int, revision: int, entries: Iterable[Entry], position: Position) -> int:
        """Add ``entries`` to a session whose log has ``revision`` entries; returns the new revision.

        Raises :class:`Conflict` if another process wrote to or deleted the session meanwhile.
        """
        with self._write("record a step") as conn:
            return self._append(conn, session_id, revision, entries, position, time.time())

    def _append(self, conn, session_id: int, revision: int, entries: Iterable[Entry], p: Position, now: float) -> int:
        rows = [(session_id, revision + i, now, e.step, e.parent, e.choice, e.how) for i, e in enumerate(entries, 1)]
        new_revision = revision + len(rows)
        cur = conn.execute(
            "UPDATE sessions SET revision = ?, updated = ?, steps = ?, current = ?, depth = ?, turn = ?, last = ?, ending = ?"
            " WHERE id = ? AND revision = ?",
            (new_revision, now, p.steps, p.current, p.depth, p.turn, p.last, p.ending, session_id, revision),
        )
        if cur.rowcount != 1:
            raise Conflict(f"session {session_id} was changed or deleted by another process", self.path)
        conn.executemany("INSERT INTO log (session, n, at, step, parent, choice, how) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return new_revision

    def delete(self, ids: Iterable[int]) -> list[SessionInfo]:
        """Delete these sessions (all or none: an unknown id raises KeyError); returns what was deleted."""
        ids = list(dict.fromkeys(ids))
        with self._write("delete sessions") as conn:
            found = [self._get(conn, i) for i in ids]
            missing = [i for i, info in zip(ids, found, strict=True) if info is None]
            if missing:
                raise KeyError(missing)
            conn.executemany("DELETE FROM sessions WHERE id = ?", [(i,) for i in ids])
        return found

    # --- reading ------------------------------------------------------------------------------

    def sessions(self, scenario: str | None = None, *, resumable: bool = False) -> list[SessionInfo]:
        """Sessions, the most recently updated first; ``resumable``: unfinished, not replaced, not empty."""
        where, args = [], []
        if scenario is not None:
            where.append("scenario = ?")
            args.append(scenario)
        if resumable:
            where.append("ending IS NULL AND replaced_by IS NULL AND steps > 0")
        sql = f"SELECT {_INFO_COLUMNS} FROM sessions" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY updated DESC, id DESC"
        with self._read("list the sessions") as conn:
            return [SessionInfo(*row) for row in conn.execute(sql, args)]

    def get(self, session_id: int) -> SessionInfo | None:
        with self._read("read a session") as conn:
            return self._get(conn, session_id)

    def _get(self, conn, session_id: int) -> SessionInfo | None:
        row = conn.execute(f"SELECT {_INFO_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return SessionInfo(*row) if row else None

    def log(self, session_id: int) -> tuple[SessionInfo, list[Entry]]:
        """A session and its whole log, read in one transaction (so they agree)."""
        with self._read("read a session") as conn:
            conn.execute("BEGIN")
            try:
                info = self._get(conn, session_id)
                if info is None:
                    raise KeyError(session_id)
                rows = conn.execute("SELECT step, parent, choice, how, n, at FROM log WHERE session = ? ORDER BY n", (session_id,))
                return info, [Entry(*row) for row in rows]
            finally:
                conn.execute("COMMIT")

    def data_version(self) -> int:
        """Changes whenever another connection commits: cheap to poll (rooms watch it)."""
        with self._read("poll the store") as conn:
            return conn.execute("PRAGMA data_version").fetchone()[0]

    # --- transactions ---------------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        with self._lock, self._errors(what):
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            self._flush_soon()

    @contextmanager
    def _read(self, what: str) -> Iterator[sqlite3.Connection]:
        with self._lock, self._errors(what):
            yield self._conn

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except (StoreError, KeyError, ValueError):
            raise
        except OverflowError as exc:  # an integer SQLite cannot hold
            raise ValueError(str(exc)) from None
        except sqlite3.Error as exc:
            kind = "damaged" if _is_damage(exc) else "unavailable"
            raise StoreError(f"cannot {what} in the session store {self.path}: {_reason(exc)}", self.path, kind) from None
        except OSError as exc:
            raise StoreError(f"cannot {what} in the session store {self.path}: {_os_reason(exc)}", self.path) from None


class _Damaged(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open, check and migrate; raises _Damaged for a file to move aside, StoreError otherwise."""
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the session store {path}: {_open_reason(exc, path)}", path) from None
    try:
        _prepare(conn, path)
    except sqlite3.Error as exc:
        conn.close()
        if _is_damage(exc):
            raise _Damaged(_reason(exc)) from None
        raise StoreError(f"cannot open the session store {path}: {_open_reason(exc, path)}", path) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]  # reads the header: a foreign file fails here
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and (version or _has_tables(conn))):
        raise _Damaged("it is not a session store of sim")
    if version > VERSION:
        raise StoreError(
            f"the session store {path} was written by a newer sim (store version {version}; this one reads up to {VERSION})", path, "newer"
        )
    if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
        raise StoreError(f"cannot open the session store {path}: its folder does not allow SQLite's write-ahead log", path)
    conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    if version:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise _Damaged("; ".join(problems))
    if version < VERSION:
        _migrate(conn)


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
        for number in range(version, VERSION):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def move_aside(path: Path) -> Path:
    """Rename a damaged store (and its WAL files) to ``NAME.damaged-STAMP``; never deletes anything."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        os.replace(path, aside)
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{path}{suffix}")
            if extra.exists():
                os.replace(extra, Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise StoreError(f"the session store {path} is damaged and cannot be moved aside: {_os_reason(exc)}", path, "damaged") from None
    return aside


def _is_damage(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_CORRUPT, _NOTADB)
    text = str(exc)  # pragma: no cover - Python < 3.11 has no error codes
    return "malformed" in text or "not a database" in text


def _reason(exc: sqlite3.Error) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _open_reason(exc: sqlite3.Error, path: Path) -> str:
    """SQLite says 'unable to open database file' for every cause: find the likely one."""
    folder = path.parent
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        return f"the folder {folder} is read-only ({_reason(exc)})"
    if path.exists() and not os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        return f"the file is read-only ({_reason(exc)})"
    return _reason(exc)


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
