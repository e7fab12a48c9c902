"""The session store: its log, replay, failures and concurrency (sim.store).

The subprocess tests run real processes on one database: a burst of scripted steps
killed with SIGKILL at random points, and two writers at once. Each worker prints a
step only after the store has committed it, so "every step shown is kept" is checked
against what a process actually said.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from _support import REPO, SCENARIOS, real
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.session import Session
from sim.format import load_scenario
from sim.format.script import parse_script_text, session_to_yaml
from sim.store import DB_NAME, default_path, state_dir
from sim.store.content import content_hash, format_version
from sim.store.db import Conflict, Entry, NewSession, Position, Store, StoreError
from sim.store.export import export_script
from sim.store.record import Recorder, entries_for, position, restore
from sim.store.schema import APPLICATION_ID, SEED_MAX, VERSION

CEASEFIRE = SCENARIOS / "ceasefire_30_day.yaml"


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "state" / DB_NAME


def new_for(scenario, seed: int = 0, digest: str = "h") -> NewSession:
    return NewSession(scenario.id, digest, 1, seed, scenario.path)


def walk(session: Session, recorder: Recorder, actions: list[tuple[int, int]]) -> None:
    """Apply (kind, n) actions: 0 choose option n, 1 roll, 2 back, 3 go to step n; record each."""
    for kind, n in actions:
        options = session.options()
        if kind == 0 and options:
            session.choose(options[n % len(options)].act.id)
            assert recorder.sync() is None
        elif kind == 1 and options:
            session.roll()
            assert recorder.sync() is None
        elif kind == 2:
            session.back()
            assert recorder.sync() is None
        else:
            session.goto(n % len(session.steps))
            assert recorder.sync() is None
        assert recorder.kept, recorder.error


def same_session(a: Session, b: Session) -> None:
    assert a.current == b.current and a.seed == b.seed
    assert [(s.id, s.parent, s.choice, s.how, s.rolls, s.node, s.children) for s in a.steps] == [
        (s.id, s.parent, s.choice, s.how, s.rolls, s.node, s.children) for s in b.steps
    ]


ACTIONS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 50)), max_size=40)
FAST = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# --- the property: store -> reload gives the identical session ------------------------------------


@FAST
@given(actions=ACTIONS, seed=st.sampled_from([0, 1, 7, SEED_MAX]))
def test_a_stored_session_reloads_identical(actions, seed):
    scenario = real("ceasefire_30_day")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / DB_NAME)
        session = Session(scenario, seed)
        recorder = Recorder(store, session, new_for(scenario, seed))
        walk(session, recorder, actions)
        if len(session.steps) == 1:
            assert store.sessions() == []  # an untouched session leaves nothing behind
            return
        again = restore(store, scenario, recorder.session_id, "h")
        assert again.exact and not again.changed and again.dropped == []
        same_session(session, again.session)  # same tree, same current step, same rolls
        info = store.get(recorder.session_id)
        assert (info.seed, info.steps, info.current, info.depth, info.turn) == (seed, len(session.steps) - 1, session.current, session.step().depth, session.node.turn)
        # the export is the script a save of the live session writes
        assert export_script(store, recorder.session_id) == session_to_yaml(session)
        # and the whole tree written at once (a fork) replays to the same session too
        forked, _ = store.create(new_for(scenario, seed), entries_for(session), position(session))
        same_session(session, restore(store, scenario, forked).session)
        store.close()


def test_an_exported_session_loads_and_replays(db):
    scenario = real("ceasefire_30_day")
    store = Store.open(db)
    session = Session(scenario, SEED_MAX)
    recorder = Recorder(store, session, new_for(scenario, SEED_MAX))
    walk(session, recorder, [(1, 0), (1, 0), (0, 1), (2, 0), (1, 0), (1, 0)])
    text = export_script(store, recorder.session_id)
    loaded = parse_script_text(text, "export.yaml")
    assert loaded.script.seed == SEED_MAX and loaded.script.scenario == scenario.id
    assert [s.choice for s in loaded.steps] == session.choices()


# --- the log ------------------------------------------------------------------------------------


def test_seeds_from_zero_to_the_script_models_bound_are_kept_and_nothing_else_is_written(db):
    store = Store.open(db)
    scenario = real("ceasefire_30_day")
    for seed in (0, SEED_MAX):
        sid, _ = store.create(new_for(scenario, seed), [Entry(0)], Position(0, 0, 0, 0, None, None))
        assert store.get(sid).seed == seed
    for bad in (-1, SEED_MAX + 1, 1.5):
        with pytest.raises(ValueError, match="a seed is a whole number from 0"):
            store.create(new_for(scenario, bad), [], Position(0, 0, 0, 0, None, None))
    assert len(store.sessions()) == 2
    # and the column itself refuses a negative seed whoever writes it
    raw = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("UPDATE sessions SET seed = -1")
    raw.close()


def test_each_session_has_its_own_id_never_reused(db):
    store = Store.open(db)
    scenario = real("ceasefire_30_day")
    ids = [store.create(new_for(scenario), [Entry(0)], Position(0, 0, 0, 0, None, None))[0] for _ in range(3)]
    assert ids == [1, 2, 3]
    store.delete([3])
    assert store.create(new_for(scenario), [Entry(0)], Position(0, 0, 0, 0, None, None))[0] == 4


def test_a_stale_revision_is_a_conflict_not_an_overwrite(db):
    store = Store.open(db)
    scenario = real("ceasefire_30_day")
    sid, revision = store.create(new_for(scenario), [Entry(1, 0, "a", "picked")], Position(1, 1, 1, 0, "a", None))
    store.append(sid, revision, [Entry(2, 1, "b", "picked")], Position(2, 2, 2, 0, "b", None))
    with pytest.raises(Conflict):
        store.append(sid, revision, [Entry(2, 1, "c", "picked")], Position(2, 2, 2, 0, "c", None))
    assert [e.choice for e in store.log(sid)[1]] == ["a", "b"]
    store.delete([sid])
    with pytest.raises(Conflict):  # deleted meanwhile
        store.append(sid, revision + 1, [Entry(3, 2, "d", "picked")], Position(3, 3, 3, 0, "d", None))


def test_delete_is_all_or_nothing_and_takes_the_log_with_it(db):
    store = Store.open(db)
    scenario = real("ceasefire_30_day")
    sid, _ = store.create(new_for(scenario), [Entry(1, 0, "a", "picked")], Position(1, 1, 1, 0, "a", None))
    with pytest.raises(KeyError):
        store.delete([sid, 99])
    assert store.get(sid) is not None
    assert [info.id for info in store.delete([sid])] == [sid]
    raw = sqlite3.connect(db)
    assert raw.execute("SELECT count(*) FROM log").fetchone()[0] == 0
    raw.close()


def test_resumable_sessions_are_the_unfinished_unreplaced_ones_of_a_scenario(db):
    store = Store.open(db)
    scenario = real("ceasefire_30_day")
    open_one, _ = store.create(new_for(scenario), [Entry(1, 0, "a", "picked")], Position(1, 1, 1, 0, "a", None))
    ended, _ = store.create(new_for(scenario), [Entry(1, 0, "a", "picked")], Position(1, 1, 1, 0, "a", "truce_holds"))
    replacing, _ = store.create(new_for(scenario), [Entry(1, 0, "a", "picked")], Position(1, 1, 1, 0, "a", None), replaces=open_one)
    store.create(NewSession("another", "h", 1, 0), [Entry(1, 0, "a", "picked")], Position(1, 1, 1, 0, "a", None))
    assert [i.id for i in store.sessions(scenario.id, resumable=True)] == [replacing]
    assert store.get(open_one).replaced_by == replacing and store.get(ended).finished
    assert len(store.sessions()) == 4  # the listing keeps them all


def test_the_schema_is_versioned_and_marked_as_ours(db):
    Store.open(db).close()
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


def test_another_connections_commit_moves_the_change_counter(db):
    watcher, writer = Store.open(db), Store.open(db)
    before = watcher.data_version()
    assert watcher.data_version() == before
    writer.create(new_for(real("ceasefire_30_day")), [Entry(0)], Position(0, 0, 0, 0, None, None))
    assert watcher.data_version() != before


def test_the_store_lives_in_the_state_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("SIM_STATE_DIR", str(tmp_path / "a"))
    assert default_path() == tmp_path / "a" / DB_NAME
    monkeypatch.delenv("SIM_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "x"))
    assert state_dir() == tmp_path / "x" / "sim"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "sim"


def _sessions_in_the_file_alone(db: Path, tmp: Path) -> int:
    """Sessions in the database file itself, its write-ahead log left out: what the disk holds
    once a checkpoint has moved the commits into the file."""
    alone = tmp / "alone.db"
    shutil.copyfile(db, alone)
    raw = sqlite3.connect(alone)
    try:
        return raw.execute("SELECT count(*) FROM sessions").fetchone()[0]
    except sqlite3.OperationalError:  # not even the schema has reached the file yet
        return 0
    finally:
        raw.close()


def test_commits_reach_the_file_soon_after_without_the_caller_waiting_and_all_at_close(db, tmp_path):
    import time

    store = Store.open(db)
    recorder = Recorder(store, Session(real("ceasefire_30_day"), 1), new_for(real("ceasefire_30_day")))
    recorder.session.roll()
    recorder.sync()
    deadline = time.monotonic() + 10  # the flusher runs about a second after a commit
    while _sessions_in_the_file_alone(db, tmp_path) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _sessions_in_the_file_alone(db, tmp_path) == 1
    store.create(new_for(real("ceasefire_30_day")), [Entry(0)], Position(0, 0, 0, 0, None, None))
    store.close()  # and closing puts everything in the file at once
    assert _sessions_in_the_file_alone(db, tmp_path) == 2


# --- a scenario that changed ----------------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's scenarios and seeds, to edit."""
    root = tmp_path / "project"
    shutil.copytree(SCENARIOS, root / "scenarios")
    shutil.copytree(REPO / "seeds", root / "seeds")
    return root


def test_the_content_hash_covers_includes_and_sources_not_where_the_project_is(project, tmp_path):
    path = project / "scenarios" / "ceasefire_30_day.yaml"
    first = content_hash(load_scenario(path))
    moved = tmp_path / "elsewhere"
    shutil.copytree(project, moved)
    assert content_hash(load_scenario(moved / "scenarios" / "ceasefire_30_day.yaml")) == first
    common = project / "scenarios" / "library" / "common.yaml"
    common.write_text(common.read_text() + "\n# a comment\n")
    assert content_hash(load_scenario(path)) != first
    assert format_version() == 1


def test_reopening_after_the_scenario_changed_replays_what_applies_and_lists_the_rest(project, db):
    path = project / "scenarios" / "ceasefire_30_day.yaml"
    scenario = load_scenario(path)
    store = Store.open(db)
    session = Session(scenario, 3)
    recorder = Recorder(store, session, new_for(scenario, 3, content_hash(scenario)))
    for act in ("us_call_putin", "russia_answers_call.accepts"):
        session.choose(act)
        recorder.sync()
    session.roll()  # step 3, below "accepts"
    recorder.sync()
    session.goto(1)
    recorder.sync()
    session.choose("russia_answers_call.yes_but")  # step 4
    recorder.sync()
    session.goto(3)
    recorder.sync()
    old = recorder.session_id

    # the author removes the "accepts" branch
    text = (project / "scenarios" / "library" / "track_ceasefire.yaml").read_text()
    assert "      accepts:\n" in text
    edited = _without_alternative(text, "accepts")
    (project / "scenarios" / "library" / "track_ceasefire.yaml").write_text(edited)
    changed = load_scenario(path)
    digest = content_hash(changed)

    replayed = restore(store, changed, old, digest)
    assert replayed.changed and not replayed.exact
    assert replayed.session.choices(2) == ["us_call_putin", "russia_answers_call.yes_but"]
    assert len(replayed.dropped) == 1 and "russia_answers_call.accepts" in replayed.dropped[0]
    assert "(and the 1 step after it)" in replayed.dropped[0]
    assert replayed.session.current == 1  # the cursor was below the dropped step: its nearest survivor

    resumed = Recorder.resumed(store, replayed, new_for(changed, 3, digest))
    replayed.session.choose("russia_answers_call.yes_but")
    resumed.sync()
    assert resumed.session_id != old
    assert store.get(old).replaced_by == resumed.session_id and store.get(old).steps == 4  # kept, untouched
    assert store.get(resumed.session_id).content_hash == digest
    assert [i.id for i in store.sessions(scenario.id, resumable=True)] == [resumed.session_id]


def _without_alternative(text: str, name: str) -> str:
    """Drop one alternative block (its line and the deeper-indented lines under it)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line == f"      {name}:\n")
    end = start + 1
    while end < len(lines) and (lines[end].startswith("        ") or not lines[end].strip()):
        end += 1
    return "".join(lines[:start] + lines[end:])


# --- failures: damaged, read-only, newer ------------------------------------------------------------


def _session_in(db: Path) -> int:
    store = Store.open(db)
    scenario = real("ceasefire_30_day")
    session = Session(scenario, 1)
    recorder = Recorder(store, session, new_for(scenario, 1))
    walk(session, recorder, [(1, 0)] * 5)
    store.close()
    return recorder.session_id


@pytest.mark.parametrize("damage", ["garbage", "pages", "foreign"])
def test_a_damaged_store_is_moved_aside_never_deleted_and_a_fresh_one_started(db, damage):
    db.parent.mkdir(parents=True)
    if damage == "garbage":
        db.write_bytes(b"this is not a database\n" * 100)
    elif damage == "pages":
        _session_in(db)
        raw = sqlite3.connect(db)
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()
        data = bytearray(db.read_bytes())
        for page in range(1, len(data) // 4096):  # every page but the header's: scribbled over
            data[page * 4096 + 8 : page * 4096 + 600] = os.urandom(592)
        db.write_bytes(bytes(data))
    else:
        other = sqlite3.connect(db)
        other.execute("CREATE TABLE photos (id INTEGER)")
        other.commit()
        other.close()
    before = db.read_bytes()
    store = Store.open(db)
    assert store.notice and str(db) in store.notice and "moved to sessions.db.damaged-" in store.notice
    aside = [p for p in db.parent.iterdir() if p.name.startswith("sessions.db.damaged-") and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == before  # moved, byte for byte
    assert store.sessions() == []
    _session_in(db)  # the fresh store works
    assert len(Store.open(db).sessions()) == 1


def test_a_store_from_a_newer_sim_is_refused_and_left_alone(db):
    _session_in(db)
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="written by a newer sim") as info:
        Store.open(db)
    assert info.value.kind == "newer" and [p.name for p in db.parent.iterdir() if "damaged" in p.name] == []


@contextlib.contextmanager
def unprivileged():
    """Permissions as an ordinary user: root ignores a folder's mode, so drop to nobody meanwhile."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.mark.parametrize("existing", [False, True])
def test_a_read_only_folder_is_a_clear_error(existing):
    base = Path(tempfile.mkdtemp(prefix="sim-ro-"))  # not under pytest's private tmp: nobody must reach it
    try:
        base.chmod(0o755)
        state = base / "state"
        state.mkdir()
        db = state / DB_NAME
        if existing:
            _session_in(db)
            Path(f"{db}-wal").unlink(missing_ok=True)
            Path(f"{db}-shm").unlink(missing_ok=True)
        state.chmod(0o555)
        before = sorted(p.name for p in state.iterdir())
        with unprivileged(), pytest.raises(StoreError) as info:
            Store.open(db)
        message = str(info.value)
        assert str(db) in message and "read-only" in message and "\n" not in message
        assert sorted(p.name for p in state.iterdir()) == before  # nothing moved, nothing deleted
    finally:
        (base / "state").chmod(0o755)
        shutil.rmtree(base)


def test_a_state_path_that_is_not_a_folder_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot open the session store") as info:
        Store.open(tmp_path / "file" / "state" / DB_NAME)
    assert str(tmp_path / "file") in str(info.value)


def test_a_write_that_waits_too_long_for_another_process_fails_cleanly_and_loses_nothing(db):
    scenario = real("ceasefire_30_day")
    store = Store.open(db, busy_timeout=0.1)
    session = Session(scenario, 1)
    recorder = Recorder(store, session, new_for(scenario, 1))
    walk(session, recorder, [(1, 0)] * 3)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    session.roll()
    message = recorder.sync()
    assert message.startswith("This step is not stored: cannot record a step in the session store") and str(db) in message
    assert not recorder.kept and recorder.error.kind == "unavailable"
    session.roll()
    assert recorder.sync() is None  # said once, not at every step
    blocker.execute("ROLLBACK")
    blocker.close()
    assert "written again" in recorder.sync()
    assert recorder.kept
    same_session(session, restore(store, scenario, recorder.session_id).session)


def test_damage_found_while_writing_moves_the_file_aside_and_keeps_the_session(db):
    scenario = real("ceasefire_30_day")
    store = Store.open(db)
    session = Session(scenario, 1)
    recorder = Recorder(store, session, new_for(scenario, 1))
    walk(session, recorder, [(1, 0)] * 3)
    store._conn.close()
    db.write_bytes(b"scribbled over by something else\n" * 200)
    Path(f"{db}-wal").unlink(missing_ok=True)
    Path(f"{db}-shm").unlink(missing_ok=True)
    store._conn = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
    session.roll()
    message = recorder.sync()
    assert "was damaged; it was moved to sessions.db.damaged-" in message
    assert recorder.kept
    same_session(session, restore(Store.open(db), scenario, recorder.session_id).session)


# --- processes: kill -9 in a burst, two writers ---------------------------------------------------

BURST = r"""
import random, sys
from sim.engine.session import Session
from sim.format import load_scenario
from sim.store.db import NewSession, Store
from sim.store.record import Recorder, restore

db, path, seed, count, resume = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
scenario = load_scenario(path)
store = Store.open(db, busy_timeout=30)
new = NewSession(scenario.id, "h", 1, seed, path)
recorder = Recorder.resumed(store, restore(store, scenario, resume, "h"), new) if resume else Recorder(store, Session(scenario, seed), new)
session = recorder.session
rng = random.Random(seed)
print("ready", flush=True)
if len(sys.argv) > 6:  # wait for the go: every worker has read the session by then
    sys.stdin.readline()
for _ in range(count):
    options = session.options()
    if options and rng.random() < 0.8:
        session.roll() if rng.random() < 0.5 else session.choose(rng.choice(options).act.id)
    else:
        session.goto(rng.randrange(len(session.steps)))
    message = recorder.sync()
    assert recorder.kept, recorder.error
    if message:
        print("#", message, flush=True)
    if recorder.session_id is None:
        continue  # nothing taken yet, so nothing stored (and nothing to show)
    # committed: only now is the step "shown"
    step = session.step()
    print(recorder.session_id, recorder.revision, step.id, step.parent, step.choice, flush=True)
"""


def _burst(db: Path, seed: int, count: int, resume: int = 0, wait: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", BURST, str(db), str(CEASEFIRE), str(seed), str(count), str(resume), *(["wait"] if wait else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip


def _shown(line: str) -> tuple[int, int, int, int | None, str | None]:
    sid, revision, step, parent, choice = line.split()
    return int(sid), int(revision), int(step), None if parent == "None" else int(parent), None if choice == "None" else choice


def _check_kept(store: Store, shown: list[tuple]) -> None:
    scenario = real("ceasefire_30_day")
    for sid in {s[0] for s in shown}:
        info = store.get(sid)
        mine = [s for s in shown if s[0] == sid]
        assert info.revision >= max(s[1] for s in mine)
        replayed = restore(store, scenario, sid)
        assert replayed.exact and replayed.dropped == []
        for _, _, step, parent, choice in mine:
            assert (replayed.session.steps[step].parent, replayed.session.steps[step].choice) == (parent, choice)


def test_kill_9_at_random_points_in_a_burst_loses_no_step_that_was_shown(db):
    rng = random.Random(20260)
    shown: list[tuple] = []
    session_id = 0
    for _ in range(8):
        proc = _burst(db, 11, 400, session_id)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        stop_after = rng.randrange(1, 60)
        lines = 0
        for line in proc.stdout:
            if not line.startswith("#"):
                shown.append(_shown(line))
                lines += 1
            if lines >= stop_after:
                break
        proc.send_signal(signal.SIGKILL)  # mid-write, wherever the next step had got to
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        session_id = shown[-1][0]
    store = Store.open(db)
    assert store.notice is None
    assert {s[0] for s in shown} == {session_id}  # each run continued the one session
    _check_kept(store, shown)


def test_two_writers_at_once_keep_every_step_of_both(db):
    Store.open(db).close()
    procs = [_burst(db, seed, 150) for seed in (1, 2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    shown = [[_shown(line) for line in out.splitlines()[1:] if not line.startswith("#")] for out, _ in outs]
    assert shown[0][-1][0] != shown[1][-1][0]  # each its own session
    _check_kept(Store.open(db), shown[0] + shown[1])


def test_two_writers_on_one_session_fork_instead_of_overwriting(db):
    scenario = real("ceasefire_30_day")
    sid = _session_in(db)
    procs = [_burst(db, seed, 150, sid, wait=True) for seed in (3, 4)]
    for p in procs:  # both have read the session at the same revision before either writes
        assert p.stdout.readline().strip() == "ready"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    notes = [line for out, _ in outs for line in out.splitlines() if line.startswith("#")]
    assert any(f"Another window also continued session {sid}" in note for note in notes)
    shown = [_shown(line) for out, _ in outs for line in out.splitlines() if not line.startswith("#")]
    store = Store.open(db)
    assert len({s[0] for s in shown}) == 2
    _check_kept(store, shown)
    assert restore(store, scenario, sid).exact
