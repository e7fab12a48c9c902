"""A room in the store, for one process: join with a code, see the projection, act.

:class:`Room` keeps the room's state (the fold of its log, :mod:`sim.room.state`) up to
date with the store and is the one way the screens read and write a room:

* :meth:`Room.join` takes a code and returns a :class:`Ticket` (who the code belongs to);
  :meth:`Room.view` gives that member's projection (:mod:`sim.room.view`), and only for
  a ticket this Room issued.
* Every act takes a code or a ticket. The act is checked against the room's rules here,
  then written by :func:`sim.store.rooms.append`, which checks the code inside the write
  transaction (a seat acts only for its side, the facilitator's acts need the
  facilitator's code, observers write nothing) and that no other process wrote first
  (if one did, the act is checked again on the new state and retried).
* :meth:`Room.changed` is the cheap poll (``PRAGMA data_version``, then the room's
  revision) a screen calls a few times a second; :meth:`Room.refresh` reads what other
  processes wrote.

A process keeps one Room per store and room (:meth:`Room.open` returns the same object),
so what one screen writes every other screen of the process sees at once.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.engine.model import Scenario
from sim.engine.vocab import Ruling, TurnMode
from sim.room.state import ROLL, RoomState, meta_of
from sim.room.view import View, project
from sim.store import rooms
from sim.store.db import Conflict, Store
from sim.store.rooms import FACILITATOR, OBSERVER, SEAT, AccessDenied, Codes, Entry, Key, Member, RoomInfo, Summary

RETRIES = 20  # writes that met another process's write first, retried on the new state


class RoomError(Exception):
    """An act the room's rules do not allow now (one line); access problems are AccessDenied."""


@dataclass(frozen=True, slots=True)
class Created:
    room: int
    title: str
    codes: Codes


@dataclass(frozen=True, slots=True, eq=False)
class Ticket:
    """A member who joined with a code: what :meth:`Room.view` and the acts accept."""

    member: Member
    key: Key = field(repr=False)
    token: str = field(repr=False)

    @property
    def role(self) -> str:
        return self.member.role

    @property
    def side(self) -> str | None:
        return self.member.side


def create_room(store: Store, scenario: Scenario, *, title: str | None = None, seed: int = 0, seated=None) -> Created:
    """A new room for ``scenario`` (in rounds or sealed rounds): a seat for each side in
    ``seated`` (default: every side in the turn order; the others play by the author's
    weights), a facilitator and observers. Returns the room's id and its codes, in clear,
    once: the store keeps only their hashes."""
    from sim.store.content import content_hash, format_version

    if scenario.turn_mode == TurnMode.OPEN or not scenario.seats:
        raise RoomError(f"a room needs a scenario in rounds or sealed rounds, where each side decides for itself; '{scenario.id}' is an open table")
    sides = tuple(scenario.seats)
    wanted = sides if seated is None else tuple(dict.fromkeys(seated))
    unknown = [s for s in wanted if s not in sides]
    if unknown:
        raise RoomError(f"no side '{unknown[0]}' takes turns in {scenario.id}; its sides: {', '.join(sides)}")
    title = (title or scenario.title).strip()
    if not title or len(title) > 200 or any(not ch.isprintable() for ch in title):
        raise RoomError("a room's title is one line of 1 to 200 characters")
    new = rooms.NewRoom(
        scenario.id, content_hash(scenario), format_version(), title, seed, str(scenario.turn_mode), sides,
        tuple(s for s in sides if s in wanted), str(scenario.path),
    )  # fmt: skip
    room_id, codes = rooms.create(store, new)
    return Created(room_id, title, codes)


_OPEN: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_OPEN_LOCK = threading.Lock()


class Room:
    """One room of the store, kept up to date with its log (see the module's docstring)."""

    def __init__(self, store: Store, info: RoomInfo, scenario: Scenario):
        if scenario.id != info.scenario:
            raise RoomError(f"room {info.id} plays '{info.scenario}', not '{scenario.id}'")
        if str(scenario.turn_mode) != info.turns or tuple(scenario.seats) != info.sides:
            raise RoomError(f"room {info.id} was played in {info.turns} by {', '.join(info.sides)}; the scenario '{scenario.id}' now has other turns")
        from sim.store.content import content_hash

        self.store = store
        self.id = info.id
        self.info = info
        self.scenario = scenario
        self.changed_scenario = content_hash(scenario) != info.content_hash
        self.state = RoomState(meta_of(info), scenario)
        self._lock = threading.RLock()
        self._keys: dict[str, Key] = {}
        self._issued: set[str] = set()
        self._cache: dict = {}
        self._version = -1
        self._stale = False
        self._applied = False
        self.refresh()

    @classmethod
    def open(cls, store: Store, room_id: int, scenario: Scenario | None = None) -> Room:
        """The room ``room_id`` (KeyError: no such room). Without ``scenario``, the room's
        scenario is loaded (from where it was, else by its id: InputError if it has errors)."""
        with _OPEN_LOCK:
            found = _OPEN.get((id(store), room_id))
            if found is not None and found.store is store:
                found.refresh()
                return found
            info = rooms.get(store, room_id)
            if info is None:
                raise KeyError(room_id)
            room = cls(store, info, scenario if scenario is not None else load_room_scenario(info))
            _OPEN[(id(store), room_id)] = room
            return room

    # --- members ------------------------------------------------------------------------------

    def join(self, code: str) -> Ticket:
        """The member ``code`` belongs to, as a ticket (AccessDenied if it opens nothing here)."""
        k = self._key(code)
        member = rooms.identify(self.store, k)
        token = secrets.token_hex(8)
        with self._lock:
            self._issued.add(token)
        return Ticket(member, k, token)

    def _key(self, code: str) -> Key:
        text = rooms.normal(code) or str(code)
        k = self._keys.get(text)
        if k is None:
            k = self._keys[text] = rooms.key(self.store, self.id, code)
        return k

    def _ticket_key(self, who: Ticket | str) -> Key:
        if isinstance(who, Ticket):
            if who.token not in self._issued or who.key.room != self.id:
                raise AccessDenied("that ticket was not issued by this room: join with a code")
            return who.key
        return self._key(who)

    # --- reading ------------------------------------------------------------------------------

    def view(self, ticket: Ticket) -> View:
        """What the ticket's member may see now (after reading what others wrote)."""
        if not isinstance(ticket, Ticket) or ticket.token not in self._issued or ticket.key.room != self.id:
            raise AccessDenied("a room is seen through a ticket from Room.join")
        with self._lock:
            self.refresh()
            return project(self.state, ticket.member, self._cache)

    def changed(self) -> bool:
        """True when another process has written to this room since it was last read (cheap:
        one PRAGMA, and one indexed read only after some connection committed)."""
        with self._lock:
            version = self.store.data_version()
            if version == self._version and not self._stale:
                return False
            self._version = version
            return self._stale or rooms.revision(self.store, self.id) != self.state.revision

    @property
    def revision(self) -> int:
        """The room's change counter as this process knows it (what it wrote included): a
        screen whose view is older redraws without asking the store."""
        return self.state.revision

    def refresh(self) -> bool:
        """Read and apply what was written since; returns True if anything was."""
        with self._lock:
            if self._stale:
                self.state = RoomState(self.state.meta, self.scenario)
                self._cache.clear()
                self._stale = False
            before = self.state.revision
            info, entries = rooms.log(self.store, self.id, self.state.revision)
            self.info = info
            for entry in entries:
                self.state.apply(entry)
            return self.state.revision != before

    # --- the facilitator's acts ---------------------------------------------------------------

    def start(self, who: Ticket | str) -> Entry:
        return self._act(who, "start", lambda st, m: {})

    def pause(self, who: Ticket | str) -> Entry:
        return self._act(who, "pause", lambda st, m: {})

    def resume(self, who: Ticket | str) -> Entry:
        return self._act(who, "resume", lambda st, m: {})

    def end(self, who: Ticket | str, reason: str | None = None) -> Entry:
        return self._act(who, "end", lambda st, m: {"reason": _line(reason)})

    def set_timer(self, who: Ticket | str, seconds: float | None) -> Entry:
        """Start the round timer: ``seconds`` from now (None clears it)."""
        return self._act(who, "timer", lambda st, m: {"seconds": seconds})

    def show_weights(self, who: Ticket | str, visible: bool) -> Entry:
        return self._act(who, "weights", lambda st, m: {"visible": visible})

    def reveal(self, who: Ticket | str, force: bool = False) -> Entry:
        """Apply this sealed round's orders. Without ``force`` every seated side that has a
        decision must have ordered; with it, those that have not pass."""

        def data(st: RoomState, m: Member) -> dict:
            missing = [s for s in st.due_seated() if s not in st.orders]
            return {"step": st.session.current, "passed": missing if force else []}

        return self._act(who, "reveal", data)

    def adjudicate(self, who: Ticket | str, ruling: str, act: str | None = None, reason: str | None = None) -> Entry:
        """Decide the branch point the room stands at: ``roll`` (accept the author's roll),
        ``pick`` a branch, or ``override`` with a reason."""

        def data(st: RoomState, m: Member) -> dict:
            chosen = None if act is None else _resolve(act, [o.act for o in st.session.options()])
            return {"step": st.session.current, "ruling": str(ruling) if isinstance(ruling, Ruling) else ruling, "act": chosen, "reason": _line(reason)}

        return self._act(who, "adjudicate", data)

    def inject(self, who: Ticket | str, event: str, reason: str | None = None) -> Entry:
        """Bring one of the scenario's events in now (where a side decides, before anyone has
        chosen in the round; in sealed rounds it voids the orders given so far)."""
        return self._act(who, "inject", lambda st, m: {"step": st.session.current, "event": event, "reason": _line(reason)})

    def reissue(self, who: Ticket | str, role: str, side: str | None = None) -> str:
        """A new code for a member who lost theirs (the old one stops working); returns it."""
        k = self._ticket_key(who)
        member = Member(role, side if role == SEAT else None)
        if role not in (FACILITATOR, SEAT, OBSERVER):
            raise RoomError(f"a code is for the facilitator, a seat or the observers, not '{role}'")
        for _ in range(RETRIES):
            self.refresh()
            try:
                self._applied = False
                _entry, code = rooms.reissue(self.store, k, self.state.revision, member, self._settle)
            except Conflict:
                continue
            except BaseException:
                self._stale = self._stale or self._applied
                raise
            self._keys.clear()
            return code
        raise RoomError("the room is too busy to record this now: try again")

    # --- a seat's acts --------------------------------------------------------------------------

    def order(self, who: Ticket | str, act: str) -> Entry:
        """The seat's sealed order for this round (a later order replaces it until the reveal)."""

        def data(st: RoomState, m: Member) -> dict:
            return {"step": st.session.current, "act": _resolve(act, st.offered(m.side or ""))}

        return self._act(who, "order", data)

    def choose(self, who: Ticket | str, act: str) -> Entry:
        """The seat decides its own side's branch point now (its move in rounds, its reaction);
        ``roll`` lets the author's weights decide."""

        def data(st: RoomState, m: Member) -> dict:
            chosen = ROLL if act == ROLL else _resolve(act, [o.act for o in st.session.options()])
            return {"step": st.session.current, "act": chosen}

        return self._act(who, "choose", data)

    def note(self, who: Ticket | str, text: str, prompt: str | None = None) -> Entry:
        """A note: the facilitator's, or a seat's (on one of the prompts raised, or general)."""
        return self._act(who, "note", lambda st, m: {"text": text, "prompt": prompt})

    # --- writing ------------------------------------------------------------------------------

    def _act(self, who: Ticket | str, kind: str, make: Callable[[RoomState, Member], dict]) -> Entry:
        k = self._ticket_key(who)
        with self._lock:
            member = rooms.identify(self.store, k)
            for _ in range(RETRIES):
                self.refresh()
                if self.state.dropped:
                    raise RoomError(
                        f"room {self.id} no longer replays on its scenario as it is now ({len(self.state.dropped)} of its acts do not apply); "
                        "export it (sim rooms export ROOM) and start a new room"
                    )
                refused = rooms.may_write(member, kind, {})
                if refused:
                    raise AccessDenied(refused)
                data = make(self.state, member)
                problem = self.state.check(member, kind, data)
                if problem:
                    raise RoomError(problem)
                self._applied = False
                try:
                    return rooms.append(self.store, k, self.state.revision, kind, data, self._settle)
                except Conflict:
                    continue
                except BaseException:
                    self._stale = self._stale or self._applied  # applied here, not committed: read the log afresh
                    raise
            raise RoomError("the room is too busy to record this now: try again")

    def _settle(self, entry: Entry) -> Summary:
        """Inside the write transaction: check the entry as the store attributes it, apply it."""
        problem = self.state.check(entry.member, entry.kind, entry.data)
        if problem:
            raise RoomError(problem)
        self._applied = True
        self.state.apply(entry)
        return self.state.summary()


def load_room_scenario(info: RoomInfo) -> Scenario:
    """The scenario a room plays: from where it was loaded if that file is still there
    (and is still that scenario), else by its id from scenarios/."""
    from pathlib import Path

    from sim.format import load_scenario
    from sim.format.catalog import resolve

    path = Path(info.scenario_path) if info.scenario_path else None
    if path is not None and path.is_file():
        scenario = load_scenario(path)
        if scenario.id == info.scenario:
            return scenario
    return load_scenario(resolve(info.scenario))


def _resolve(act: str, acts) -> str:
    """An act id as given (or its short id, where only one act on offer has it)."""
    act = str(act).strip()
    ids = [a.id for a in acts]
    if act in ids:
        return act
    short = [a.id for a in acts if a.short_id == act]
    return short[0] if len(short) == 1 else act


def _line(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text or None
