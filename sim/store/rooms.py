"""Rooms in the session store: a class playing one scenario, its codes and its log.

A room is a row of ``rooms``, one hashed code per member in ``room_codes`` (the
facilitator, each seated side, the observers) and an append-only ``room_log`` of
every act with who and when (docs/ROOMS.md). What the acts mean is the room's fold
(:mod:`sim.room.state`); this module only keeps them, and decides who may write what:

* A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown
  as ``ABCD-EFGH``; it is printed once when the room is created and stored only as
  scrypt(code, the room's salt). :func:`key` hashes a code once; the comparison with the
  stored hashes is constant-time and always looks at every one of them.
* :func:`append` is where a room's state is written, and it checks the key there, inside
  the write transaction: the code must be one of this room's, its role must be allowed
  to write that kind of entry (:data:`ALLOWED`), a seat writes only for its own side (the
  entry's ``who`` comes from the code, never from the caller), an observer writes nothing.
  A refused write raises :class:`AccessDenied` and leaves the room as it was.
* Every write is one ``BEGIN IMMEDIATE`` transaction that checks the room's revision (the
  number of entries in its log), so two processes never interleave: the second gets
  :class:`~sim.store.db.Conflict` and retries on the new state. ``rooms.revision`` is the
  change counter other processes watch (after ``PRAGMA data_version`` says something
  was committed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sim.store.db import Conflict, Store
from sim.store.schema import SEED_MAX

# No 0/O, 1/I/L: what a student copies from the board is what they type.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31^8, about 8.5e11 codes: with scrypt's cost per guess, not worth guessing
SALT_BYTES = 16
# scrypt with 16 MiB of memory: about 40-70 ms per code on a classroom machine (a guess costs
# as much); a process hashes a code once (sim.room.Room keeps the key) and each write
# compares the stored hashes with it.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
MAX_DATA = 16_384  # characters of an entry's JSON (a note is at most 4,000)

FACILITATOR, SEAT, OBSERVER = "facilitator", "seat", "observer"
ROLES = (FACILITATOR, SEAT, OBSERVER)

# Who may write which kind of entry: the one list the store checks and the room's fold reads.
ALLOWED: dict[str, frozenset[str]] = {
    **{kind: frozenset({FACILITATOR}) for kind in ("start", "pause", "resume", "timer", "weights", "reveal", "adjudicate", "inject", "end", "recode")},
    "order": frozenset({SEAT}),
    "choose": frozenset({SEAT}),
    "note": frozenset({FACILITATOR, SEAT}),
}
KINDS = tuple(ALLOWED)


class AccessDenied(Exception):
    """A code that does not open this room, or a member writing what it may not. One line."""


@dataclass(frozen=True, slots=True)
class Member:
    """Who a code belongs to: the facilitator, the seat of one side, or an observer."""

    role: str
    side: str | None = None

    @property
    def who(self) -> str:
        """As the log records it: 'facilitator', 'seat:russia', 'observer'."""
        return f"{SEAT}:{self.side}" if self.role == SEAT else self.role

    @classmethod
    def from_who(cls, who: str) -> Member:
        role, _, side = who.partition(":")
        return cls(role, side or None)


@dataclass(frozen=True, slots=True)
class Codes:
    """A new room's codes, in clear: printed once, never stored."""

    facilitator: str
    observer: str
    seats: dict[str, str]  # side -> code, in turn order

    def items(self) -> list[tuple[Member, str]]:
        return [(Member(FACILITATOR), self.facilitator), *((Member(SEAT, s), c) for s, c in self.seats.items()), (Member(OBSERVER), self.observer)]


@dataclass(frozen=True, slots=True)
class NewRoom:
    scenario: str
    content_hash: str
    format: int
    title: str
    seed: int
    turns: str  # 'rounds' or 'sealed'
    sides: tuple[str, ...]  # every side in turn order
    seated: tuple[str, ...]  # the sides a group plays (the others: the author's weights)
    scenario_path: str = ""


@dataclass(frozen=True, slots=True)
class RoomInfo:
    id: int
    scenario: str
    scenario_path: str
    content_hash: str
    format: int
    sim_version: str
    title: str
    seed: int
    turns: str
    sides: tuple[str, ...]
    created: float
    updated: float
    revision: int
    status: str
    turn: int
    ending: str | None
    seated: tuple[str, ...] = ()  # in turn order


@dataclass(frozen=True, slots=True)
class Entry:
    """One act of a room: the n-th entry of its log, who wrote it and when."""

    n: int
    at: float
    who: str
    kind: str
    data: dict

    @property
    def member(self) -> Member:
        return Member.from_who(self.who)


@dataclass(frozen=True, slots=True)
class Summary:
    """Where a room stands after an entry, kept in its row so a listing reads no log."""

    status: str
    turn: int
    ending: str | None


@dataclass(frozen=True, slots=True)
class Key:
    """A code hashed with its room's salt (what the store compares)."""

    room: int
    digest: bytes


# --- codes ----------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """A code as it is printed: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"


def normal(code: str) -> str | None:
    """A code as typed (any case, spaces or dashes anywhere), or None if it cannot be one."""
    text = "".join(ch for ch in str(code).upper() if ch not in " -\t")
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def digest(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(code.encode("ascii"), salt=salt, **SCRYPT)


# --- the API --------------------------------------------------------------------------------------


def create(store: Store, new: NewRoom) -> tuple[int, Codes]:
    """A new room with a code for its facilitator, each seated side and its observers."""
    if not (isinstance(new.seed, int) and 0 <= new.seed <= SEED_MAX):
        raise ValueError(f"a seed is a whole number from 0 to {SEED_MAX}, not {new.seed!r}")
    unknown = [s for s in new.seated if s not in new.sides]
    if unknown or len(set(new.seated)) != len(new.seated):
        raise ValueError(f"seated sides must be distinct sides of the room: {', '.join(new.seated)}")
    from sim import __version__

    members = [Member(FACILITATOR), *(Member(SEAT, s) for s in new.seated), Member(OBSERVER)]
    codes: list[str] = []
    while len(codes) < len(members):
        code = new_code()
        if code not in codes:
            codes.append(code)
    salt = os.urandom(SALT_BYTES)
    hashed = [digest(c, salt) for c in codes]  # before the transaction: no lock is held meanwhile
    now = time.time()
    with store._write("create a room") as conn:
        cur = conn.execute(
            "INSERT INTO rooms (scenario, scenario_path, content_hash, format, sim_version, title, seed, turns, sides, salt, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (new.scenario, new.scenario_path, new.content_hash, new.format, __version__, new.title, new.seed, new.turns, " ".join(new.sides), salt, now, now),
        )
        room_id = cur.lastrowid
        conn.executemany(
            "INSERT INTO room_codes (room, role, side, code_hash, issued) VALUES (?, ?, ?, ?, ?)",
            [(room_id, m.role, m.side or "", h, now) for m, h in zip(members, hashed, strict=True)],
        )
    by_member = dict(zip(members, codes, strict=True))
    return room_id, Codes(by_member[Member(FACILITATOR)], by_member[Member(OBSERVER)], {s: by_member[Member(SEAT, s)] for s in new.seated})


def key(store: Store, room_id: int, code: str) -> Key:
    """Hash ``code`` for room ``room_id`` (KeyError: no such room; AccessDenied: not a code at all)."""
    text = normal(code)
    with store._read("read a room") as conn:
        row = conn.execute("SELECT salt FROM rooms WHERE id = ?", (room_id,)).fetchone()
    if row is None:
        raise KeyError(room_id)
    if text is None:
        raise AccessDenied(f"that is not a room code: a code is {CODE_LENGTH} letters and digits, such as {shown('K7QMX3PD')}")
    return Key(room_id, digest(text, bytes(row[0])))


def identify(store: Store, k: Key) -> Member:
    """Who the key's code belongs to in its room; AccessDenied if no one."""
    with store._read("read a room") as conn:
        return _member(conn, k)


def _member(conn, k: Key) -> Member:
    rows = conn.execute("SELECT role, side, code_hash FROM room_codes WHERE room = ? ORDER BY role, side", (k.room,)).fetchall()
    found = None
    for role, side, stored in rows:  # every row compared, in constant time each: no early exit
        if hmac.compare_digest(bytes(stored), k.digest):
            found = Member(role, side or None)
    if found is None:
        raise AccessDenied(f"that code does not open room {k.room}")
    return found


def may_write(member: Member, kind: str, data: dict) -> str | None:
    """Why ``member`` may not write this entry (None: it may). The store's check, and the room's."""
    allowed = ALLOWED.get(kind)
    if allowed is None:
        return f"'{kind}' is not something a room records"
    if member.role not in allowed:
        if member.role == OBSERVER:
            return "an observer watches the room and cannot act in it"
        if allowed == {FACILITATOR}:
            return f"only the facilitator can {kind.replace('_', ' ')}"
        return f"only a seat can {kind}"
    side = data.get("side")
    if member.role == SEAT and side is not None and side != member.side:
        return f"this seat plays {member.side}, not {side}"
    return None


def append(store: Store, k: Key, revision: int, kind: str, data: dict, settle: Callable[[Entry], Summary]) -> Entry:
    """Record one act in the key's room, whose log must have ``revision`` entries.

    Inside one write transaction: Conflict if the log has moved on; the key's member
    (AccessDenied if the code is not the room's, or the member may not write ``kind``);
    then ``settle(entry)`` applies the entry to the caller's view of the room and returns
    where the room then stands (it may raise to refuse the entry: nothing is written);
    then the entry and the summary are written and committed.
    """
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)
    if len(text) > MAX_DATA:
        raise ValueError(f"a room's entry is at most {MAX_DATA} characters")
    with store._write("record a room's act") as conn:
        row = conn.execute("SELECT revision FROM rooms WHERE id = ?", (k.room,)).fetchone()
        if row is None:
            raise KeyError(k.room)
        if row[0] != revision:
            raise Conflict(f"room {k.room} was changed by another process", store.path)
        member = _member(conn, k)
        refused = may_write(member, kind, data)
        if refused:
            raise AccessDenied(refused)
        now = time.time()
        entry = Entry(revision + 1, now, member.who, kind, json.loads(text))
        summary = settle(entry)
        conn.execute(
            "UPDATE rooms SET revision = ?, updated = ?, status = ?, turn = ?, ending = ? WHERE id = ?",
            (entry.n, now, summary.status, summary.turn, summary.ending, k.room),
        )
        conn.execute("INSERT INTO room_log (room, n, at, who, kind, data) VALUES (?, ?, ?, ?, ?, ?)", (k.room, entry.n, now, entry.who, kind, text))
    return entry


def reissue(store: Store, k: Key, revision: int, member: Member, settle: Callable[[Entry], Summary]) -> tuple[Entry, str]:
    """A new code for ``member`` (the old one stops working); the facilitator's key is required.
    Logged as a 'recode' entry (who and when, not the code). Returns the entry and the code."""
    code = new_code()
    with store._read("read a room") as conn:
        row = conn.execute("SELECT salt FROM rooms WHERE id = ?", (k.room,)).fetchone()
    if row is None:
        raise KeyError(k.room)
    hashed = digest(code, bytes(row[0]))
    data = {"role": member.role, "side": member.side}

    def recode(entry: Entry) -> Summary:
        with_side = member.side or ""
        cur = store._conn.execute("UPDATE room_codes SET code_hash = ?, issued = ? WHERE room = ? AND role = ? AND side = ?", (hashed, entry.at, k.room, member.role, with_side))
        if cur.rowcount != 1:
            raise AccessDenied(f"room {k.room} has no {member.who.replace(':', ' for ')}")
        return settle(entry)

    # 'side' in the data names the member the code is for, not the writer: checked as the facilitator's act
    entry = append(store, k, revision, "recode", {"for": data}, recode)
    return entry, code


def get(store: Store, room_id: int) -> RoomInfo | None:
    with store._read("read a room") as conn:
        return _info(conn, room_id)


def listing(store: Store, scenario: str | None = None) -> list[RoomInfo]:
    """Rooms, the most recently created first (a scenario's only, if given)."""
    where, args = ("WHERE scenario = ?", (scenario,)) if scenario is not None else ("", ())
    with store._read("list the rooms") as conn:
        ids = [r[0] for r in conn.execute(f"SELECT id FROM rooms {where} ORDER BY created DESC, id DESC", args)]
        return [info for info in (_info(conn, i) for i in ids) if info is not None]


def log(store: Store, room_id: int, after: int = 0) -> tuple[RoomInfo, list[Entry]]:
    """The room and its entries after the ``after``-th, read in one transaction (so they agree)."""
    with store._read("read a room") as conn:
        conn.execute("BEGIN")
        try:
            info = _info(conn, room_id)
            if info is None:
                raise KeyError(room_id)
            rows = conn.execute("SELECT n, at, who, kind, data FROM room_log WHERE room = ? AND n > ? ORDER BY n", (room_id, after))
            return info, [Entry(n, at, who, kind, _data(data)) for n, at, who, kind, data in rows]
        finally:
            conn.execute("COMMIT")


def revision(store: Store, room_id: int) -> int:
    """The room's change counter: the number of entries in its log (-1: no such room)."""
    with store._read("poll a room") as conn:
        row = conn.execute("SELECT revision FROM rooms WHERE id = ?", (room_id,)).fetchone()
    return -1 if row is None else row[0]


def delete(store: Store, ids: Iterable[int]) -> list[RoomInfo]:
    """Delete rooms with their codes and logs (all or none: an unknown id raises KeyError)."""
    ids = list(dict.fromkeys(ids))
    with store._write("delete rooms") as conn:
        found = [_info(conn, i) for i in ids]
        missing = [i for i, info in zip(ids, found, strict=True) if info is None]
        if missing:
            raise KeyError(missing)
        conn.executemany("DELETE FROM rooms WHERE id = ?", [(i,) for i in ids])
    return found


_COLUMNS = "id, scenario, scenario_path, content_hash, format, sim_version, title, seed, turns, sides, created, updated, revision, status, turn, ending"


def _info(conn, room_id: int) -> RoomInfo | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM rooms WHERE id = ?", (room_id,)).fetchone()
    if row is None:
        return None
    sides = tuple(row[9].split())
    seated = {r[0] for r in conn.execute("SELECT side FROM room_codes WHERE room = ? AND role = 'seat'", (room_id,))}
    return RoomInfo(*row[:9], sides, *row[10:], seated=tuple(s for s in sides if s in seated))


def _data(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {"unreadable": True}
    return data if isinstance(data, dict) else {"unreadable": True}
