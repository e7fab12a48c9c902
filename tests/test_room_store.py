"""Rooms in the session store: the migration, the codes, and access control where the
room's state is written (sim.store.rooms.append), not only in the Room API above it."""

from __future__ import annotations

import sqlite3

import pytest
from _rooms import river

from sim.room import AccessDenied, Room, RoomError, create_room
from sim.store import rooms
from sim.store.db import Entry as SessionEntry
from sim.store.db import NewSession, Position, Store
from sim.store.rooms import ALPHABET, CODE_LENGTH, Member, Summary
from sim.store.schema import MIGRATIONS, VERSION


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "state" / "sessions.db")
    yield s
    s.close()


@pytest.fixture
def scn(tmp_path):
    return river(tmp_path, "sealed")


@pytest.fixture
def made(store, scn):
    created = create_room(store, scn, seed=3)
    return created, Room.open(store, created.room, scn)


def _revision(store, room_id):
    return rooms.revision(store, room_id)


# --- the schema ------------------------------------------------------------------------------------


def test_a_version_1_store_migrates_to_rooms_and_keeps_its_sessions(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA application_id = 1397312851")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    store = Store.open(path)
    try:
        sid, _ = store.create(NewSession("x", "h", 1, 0), [SessionEntry(1, 0, "a", "picked"), SessionEntry(1)], Position(1, 1, 1, 1, "a", None))
        assert store.get(sid).steps == 1
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION == 2
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sessions", "log", "rooms", "room_codes", "room_log"} <= tables
    conn.close()


def test_codes_are_short_unambiguous_distinct_and_never_stored_in_clear(store, made):
    created, _ = made
    codes = [c for _, c in created.codes.items()]
    assert len(codes) == 5 and len(set(codes)) == 5  # facilitator, three seats, observers
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
        assert not set(code) & set("01OIL")
    raw = store.path.read_bytes() + store.path.with_name(store.path.name + "-wal").read_bytes()
    for code in codes:
        assert code.encode() not in raw and rooms.shown(code).encode() not in raw
    # what a student types: any case, a dash or spaces
    code = created.codes.seats["upstream"]
    assert rooms.normal(f" {code[:4].lower()}-{code[4:]} ") == code
    assert rooms.normal("K7QM-X3P") is None and rooms.normal("K7QM-X3P0") is None  # too short; a zero


def test_a_room_needs_a_scenario_where_each_side_decides_for_itself(store, tmp_path):
    from _support import build

    table = build(tmp_path, "endings:\n  drag: {title: Drag, text: Drag.}\n")
    with pytest.raises(RoomError, match="open table"):
        create_room(store, table)
    with pytest.raises(RoomError, match="no side 'nobody'"):
        create_room(store, river(tmp_path, "rounds"), seated=["nobody"])


# --- joining ------------------------------------------------------------------------------------------


def test_each_code_opens_its_own_member_and_no_other_room(store, scn, made):
    created, room = made
    for member, code in created.codes.items():
        assert room.join(code).member == member
    assert room.join(rooms.shown(created.codes.facilitator).lower()).member == Member("facilitator")
    other = create_room(store, scn)
    with pytest.raises(AccessDenied, match=f"does not open room {created.room}"):
        room.join(other.codes.facilitator)
    with pytest.raises(AccessDenied, match="not a room code"):
        room.join("hello")


# --- access control at the store ------------------------------------------------------------------------


def _append(store, room, code, kind, data):
    """Write straight to the store, past every check of the Room API."""
    key = rooms.key(store, room.id, code)
    return rooms.append(store, key, _revision(store, room.id), kind, data, lambda e: Summary("running", 1, None))


FACILITATOR_ACTS = ["start", "pause", "resume", "timer", "weights", "reveal", "adjudicate", "inject", "end", "recode"]


@pytest.mark.parametrize("kind", FACILITATOR_ACTS)
def test_the_store_refuses_a_seat_or_an_observer_any_act_of_the_facilitator(store, made, kind):
    created, room = made
    before = _revision(store, room.id)
    for code in (created.codes.seats["upstream"], created.codes.observer):
        with pytest.raises(AccessDenied):
            _append(store, room, code, kind, {})
    assert _revision(store, room.id) == before


def test_the_store_refuses_observers_every_write_and_seats_another_sides(store, made):
    created, room = made
    before = _revision(store, room.id)
    for kind in ("order", "choose", "note"):
        with pytest.raises(AccessDenied, match="observer"):
            _append(store, room, created.codes.observer, kind, {"text": "x"})
    with pytest.raises(AccessDenied, match="plays upstream, not downstream"):
        _append(store, room, created.codes.seats["upstream"], "order", {"side": "downstream", "act": "down_talk"})
    with pytest.raises(AccessDenied, match="does not open"):
        _append(store, room, "ZZZZ-ZZZZ", "start", {})
    with pytest.raises(AccessDenied, match="facilitator"):
        _append(store, room, created.codes.seats["broker"], "start", {})
    assert _revision(store, room.id) == before
    # who an entry is from comes from the code, never from the caller
    entry = _append(store, room, created.codes.seats["upstream"], "note", {"text": "ours"})
    assert entry.who == "seat:upstream"


def test_the_room_api_refuses_the_same_acts_with_the_same_answers(store, made):
    created, room = made
    f = created.codes.facilitator
    up, down, obs = created.codes.seats["upstream"], created.codes.seats["downstream"], created.codes.observer
    for act in (lambda c: room.start(c), lambda c: room.reveal(c), lambda c: room.adjudicate(c, "roll"), lambda c: room.inject(c, "season"),
                lambda c: room.end(c), lambda c: room.set_timer(c, 60), lambda c: room.show_weights(c, True), lambda c: room.reissue(c, "seat", "upstream")):  # fmt: skip
        for code in (up, obs):
            with pytest.raises(AccessDenied):
                act(code)
    with pytest.raises(AccessDenied, match="observer"):
        room.note(obs, "a note")
    with pytest.raises(AccessDenied, match="observer"):
        room.order(obs, "up_build")
    room.start(f)
    # a seat orders for its own side only: another side's move is simply not on offer to it
    with pytest.raises(RoomError, match="not on offer to Upstream"):
        room.order(up, "down_talk")
    room.order(down, "down_talk")
    assert room.state.orders["downstream"].act == "down_talk" and "upstream" not in room.state.orders
    assert [e.who for e in room.state.entries] == ["facilitator", "seat:downstream"]


def test_a_reissued_code_replaces_the_old_one(store, made):
    created, room = made
    old = created.codes.seats["broker"]
    new = room.reissue(created.codes.facilitator, "seat", "broker")
    with pytest.raises(AccessDenied):
        room.join(old)
    assert room.join(new).member == Member("seat", "broker")
    assert room.state.entries[-1].kind == "recode" and room.state.entries[-1].who == "facilitator"
    with pytest.raises(AccessDenied, match="no seat for nobody"):
        room.reissue(created.codes.facilitator, "seat", "nobody")


def test_a_write_that_raced_another_is_a_conflict_and_writes_nothing(store, made):
    created, room = made
    key = rooms.key(store, room.id, created.codes.facilitator)
    rooms.append(store, key, 0, "start", {}, lambda e: Summary("running", 1, None))
    with pytest.raises(rooms.Conflict):
        rooms.append(store, key, 0, "pause", {}, lambda e: Summary("paused", 1, None))
    info, entries = rooms.log(store, room.id)
    assert [e.kind for e in entries] == ["start"] and info.revision == 1 and info.status == "running"


def test_listing_reads_the_summary_without_a_log(store, scn, made):
    created, room = made
    room.start(created.codes.facilitator)
    listed = rooms.listing(store)
    assert [i.id for i in listed] == [created.room]
    info = listed[0]
    assert (info.status, info.turn, info.seated, info.sides) == ("running", 1, ("upstream", "downstream", "broker"), ("upstream", "downstream", "broker"))
    assert rooms.listing(store, "nope") == []
    assert rooms.delete(store, [created.room])[0].id == created.room
    assert rooms.get(store, created.room) is None and rooms.revision(store, created.room) == -1
    with pytest.raises(KeyError):
        rooms.delete(store, [created.room])
