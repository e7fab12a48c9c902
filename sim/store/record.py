"""An engine session kept in the store: its log written step by step, and replayed.

:class:`Recorder` follows one :class:`~sim.engine.session.Session`: after every
choice, roll or move of the cursor the caller calls :meth:`Recorder.sync`, which
commits what changed before returning, so whatever the screen then shows is
already on disk. A session
is created in the store on its first step (an untouched session leaves nothing
behind). :func:`restore` replays a stored log into a fresh engine session; on a
scenario that changed since, what no longer applies is dropped and listed.

Replaying a log: each choice entry goes to its parent step and takes its choice
with the engine's replay (:func:`sim.engine.replay.take`); every ``rolled`` entry
counts one roll drawn at the parent, as :meth:`Session.roll` did, including a roll
that landed on a branch already explored (which a script cannot record, so take()
leaves it to us). Entries that only move the cursor matter for where it ends, which
the session row records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.store.db import Conflict, Entry, NewSession, Position, SessionInfo, Store, StoreError

if TYPE_CHECKING:
    from sim.engine.model import Scenario
    from sim.engine.session import Session


def position(session: Session) -> Position:
    """Where the session stands, as the store's listing shows it."""
    step = session.step()
    node = step.node
    ending = session.scenario.endings[node.ending].id if node.over else None
    return Position(len(session.steps) - 1, step.id, step.depth, node.turn, step.choice, ending)


def entries_for(session: Session) -> list[Entry]:
    """The whole tree as log entries that replay to this very session (ids, rolls and cursor)."""
    out = [Entry(s.id, s.parent, s.choice, s.how) for s in session.steps[1:]]
    rolled = Counter(s.parent for s in session.steps[1:] if s.how == "rolled")
    for s in session.steps:
        extra = s.rolls - rolled[s.id]
        if extra > 0 and s.children:  # rolls that landed on a branch already explored
            child = next(iter(s.children.values()))
            out += [Entry(child, s.id, session.steps[child].choice, "rolled")] * extra
    out.append(Entry(session.current))
    return out


@dataclass
class Replay:
    """A stored session replayed into an engine session."""

    session: Session
    info: SessionInfo
    dropped: list[str]  # one line per choice that no longer applies (with the steps after it)
    exact: bool  # every step replayed to the same id: the log can be continued as it is
    changed: bool  # the scenario's content hash differs from the one recorded


def replay(scenario: Scenario, seed: int, entries: list[Entry], current: int) -> tuple[Session, list[str], bool]:
    """Replay log entries; returns the session, what no longer applies, and whether ids all held."""
    from sim.engine.replay import Choice, take
    from sim.engine.session import ChoiceError, Session

    session = Session(scenario, seed)
    ids = {0: 0}  # stored step id -> replayed step id
    parents: dict[int, int] = {}
    failed: list[tuple[Entry, str]] = []
    for e in entries:
        if e.parent is None:
            continue
        parents.setdefault(e.step, e.parent)
        if e.parent not in ids:
            continue  # below a step that no longer applies
        parent = session.goto(ids[e.parent])
        known = len(session.steps)
        try:
            step = take(session, Choice(e.choice, rolled=e.how == "rolled"))
        except ChoiceError as exc:
            if e.step not in ids and all(f.step != e.step for f, _ in failed):
                failed.append((e, str(exc)))
            continue
        if e.how == "rolled" and len(session.steps) == known:
            parent.rolls += 1  # a roll that landed on a branch already there: counted where it was drawn
        ids.setdefault(e.step, step.id)
    cursor = current
    while cursor not in ids:
        cursor = parents.get(cursor, 0)
    session.goto(ids[cursor])
    dropped = [_dropped_line(e, reason, _below(e.step, parents, ids)) for e, reason in failed]
    return session, dropped, not failed and all(k == v for k, v in ids.items())


def _below(root: int, parents: dict[int, int], ids: dict[int, int]) -> int:
    count = 0
    for step in parents:
        if step in ids or step == root:
            continue
        up = parents.get(step)
        while up is not None and up != root and up not in ids:
            up = parents.get(up)
        count += up == root
    return count


def _dropped_line(e: Entry, reason: str, below: int) -> str:
    why = reason.split(";")[0]
    after = f" (and the {below} step{'s' if below != 1 else ''} after it)" if below else ""
    return f"step {e.step}, {e.choice}: {why}{after}"


def restore(store: Store, scenario: Scenario, session_id: int, content_hash: str | None = None) -> Replay:
    """Replay a stored session on ``scenario`` (KeyError if there is no such session)."""
    info, entries = store.log(session_id)
    if info.scenario != scenario.id:
        raise ValueError(f"session {session_id} is for scenario '{info.scenario}', not '{scenario.id}'")
    session, dropped, exact = replay(scenario, info.seed, entries, info.current)
    changed = content_hash is not None and content_hash != info.content_hash
    return Replay(session, info, dropped, exact, changed)


class Recorder:
    """Keeps one engine session in the store, committing each change before the caller shows it.

    Call :meth:`sync` after anything changes the session (a choice, a roll, a move of
    the cursor): it works out what is new since the last call and commits it before
    returning. It returns a message to show when something happened that the person
    should know (the store failed, recovered, or another window took the session);
    :attr:`error` is the current failure, None while every step is stored.
    """

    def __init__(self, store: Store | None, session: Session, new: NewSession, *, session_id: int | None = None, revision: int = 0, replaces: int | None = None):
        self.store = store
        self.session = session
        self.new = new
        self.session_id = session_id
        self.revision = revision
        self.replaces = replaces
        self.pending: list[Entry] = []
        self.error: StoreError | None = None
        self._seen()

    @classmethod
    def resumed(cls, store: Store, replayed: Replay, new: NewSession) -> Recorder:
        """Continue a restored session: in its own log if it replayed exactly, else as a new one replacing it."""
        info = replayed.info
        if replayed.exact and not replayed.changed:
            return cls(store, replayed.session, new, session_id=info.id, revision=info.revision)
        return cls(store, replayed.session, new, replaces=info.id)

    @property
    def kept(self) -> bool:
        """Every step of the session is in the store."""
        return self.store is not None and self.error is None and not self.pending and (self.session_id is not None or len(self.session.steps) == 1)

    def _seen(self) -> None:
        """Remember how the session stood when last synced (what the next sync compares with)."""
        self._known = len(self.session.steps)
        self._cursor = self.session.current
        self._rolls = self.session.step().rolls

    def sync(self) -> str | None:
        """Log what changed since the last sync (new steps, rolls, the cursor) and commit it."""
        s = self.session
        new = s.steps[self._known :]
        entries = [Entry(step.id, step.parent, step.choice, step.how) for step in new]
        # A roll that landed on a branch already explored adds no step, only a roll where it was drawn.
        origin = self._cursor
        extra = s.steps[origin].rolls - self._rolls - sum(1 for step in new if step.parent == origin and step.how == "rolled")
        if extra > 0:
            landed = s.current if s.step().parent == origin else next(iter(s.steps[origin].children.values()))
            entries += [Entry(landed, origin, s.steps[landed].choice, "rolled")] * extra
        if (entries and entries[-1].step != s.current) or (not entries and s.current != self._cursor):
            entries.append(Entry(s.current))
        self._seen()
        unstored = self.session_id is None and len(s.steps) > 1  # a session opened or replayed with steps
        if not entries and not self.pending and self.error is None and not unstored:
            return None
        self.pending += entries
        return self.flush()

    def flush(self) -> str | None:
        """Write what is pending; returns a message for the person, or None."""
        if self.store is None:
            return None
        was_failing = self.error is not None
        try:
            message = self._write()
        except ValueError as exc:  # e.g. a seed the store cannot hold
            self.error = StoreError(f"cannot keep this session in {self.store.path}: {exc}", self.store.path)
            return None if was_failing else f"This session is not stored: {exc}. Save it to a file (Ctrl+S) to keep it."
        except StoreError as exc:
            if exc.kind == "damaged":
                try:
                    notice = self.store.reset_damaged()
                    self.session_id, self.replaces = None, None
                    self.error = None
                    return f"{notice} {self._write() or ''}".strip()
                except StoreError as again:
                    exc = again
            self.error = exc
            return None if was_failing else f"This step is not stored: {exc}. Save the session to a file (Ctrl+S) to keep it."
        self.error = None
        if was_failing:
            return f"The session store is written again (session {self.session_id}); nothing was lost."
        return message

    def _write(self) -> str | None:
        if self.session_id is not None:
            try:
                self.revision = self.store.append(self.session_id, self.revision, self.pending, position(self.session))
                self.pending.clear()
                return None
            except Conflict:
                taken = self.session_id
                self.session_id, self.replaces = None, None
                self._create()
                return f"Another window also continued session {taken}; this window's steps continue as session {self.session_id}."
        self._create()
        return None

    def _create(self) -> None:
        if len(self.session.steps) <= 1:
            self.pending.clear()  # nothing to keep: an untouched session is not stored
            return
        self.session_id, self.revision = self.store.create(self.new, entries_for(self.session), position(self.session), self.replaces)
        self.pending.clear()
