"""``sim sessions``: list, export and delete what the session store holds."""

from __future__ import annotations

import re
import sqlite3

import pytest
from _support import REPO, real

from sim.cli.main import main
from sim.engine.session import Session
from sim.format.script import load_script, session_to_yaml
from sim.runner import run_script
from sim.store import DB_NAME
from sim.store.db import NewSession, Store
from sim.store.record import Recorder
from sim.store.schema import SEED_MAX


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(REPO)
    return tmp_path / "state"


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def played(scenario_id: str, rolls: int, seed: int = 1, back: int = 0) -> tuple[int, Session]:
    """A session of ``rolls`` rolls (then ``back`` steps back), kept in the store."""
    scenario = real(scenario_id)
    store = Store.open()
    session = Session(scenario, seed)
    recorder = Recorder(store, session, NewSession(scenario.id, "h", 1, seed, scenario.path))
    for _ in range(rolls):
        session.roll()
        recorder.sync()
    for _ in range(back):
        session.back()
        recorder.sync()
    store.close()
    return recorder.session_id, session


def test_list_shows_each_session_most_recent_first(state, capsys):
    code, out, err = run(capsys, "sessions")
    assert (code, out) == (0, "") and err.startswith("no sessions in ") and str(state) in err
    first, _ = played("ceasefire_30_day", 3)
    second, session = played("whole_arc", 2, back=1)
    code, out, err = run(capsys, "sessions", "list")
    assert code == 0
    lines = out.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["ID", "SCENARIO", "UPDATED", "STEPS", "TURN", "LAST STEP", "STATUS"]
    row = re.split(r"\s{2,}", lines[1].strip())
    assert row[0] == str(second) and row[1] == "whole_arc" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[2])
    assert row[3:] == ["2", str(session.node.turn), session.step().choice, "unfinished"]
    assert lines[2].split()[:2] == [str(first), "ceasefire_30_day"]
    code, out, _ = run(capsys, "sessions", "list", "--scenario", "ceasefire_30_day")
    assert [line.split()[0] for line in out.splitlines()[1:]] == [str(first)]


def test_list_says_which_sessions_ended(state, capsys):
    scenario = real("ceasefire_30_day")
    store = Store.open()
    session = Session(scenario, 4)
    recorder = Recorder(store, session, NewSession(scenario.id, "h", 1, 4))
    while not session.node.over:
        session.roll()
        recorder.sync()
    _, out, _ = run(capsys, "sessions")
    assert out.splitlines()[1].endswith(f"ended: {scenario.endings[session.node.ending].id}")


def test_export_writes_the_script_a_save_would_and_it_replays(state, capsys, tmp_path):
    sid, session = played("ceasefire_30_day", 4, seed=SEED_MAX, back=1)
    code, out, _ = run(capsys, "sessions", "export", str(sid))
    assert code == 0 and out == session_to_yaml(session)
    target = tmp_path / "exported.yaml"
    code, out, err = run(capsys, "sessions", "export", str(sid), "-o", str(target))
    assert code == 0 and out == "" and str(target) in err
    loaded = load_script(target)
    assert loaded.script.seed == SEED_MAX
    outcome = run_script(real("ceasefire_30_day"), loaded, None)
    assert outcome.session.choices() == session.choices() and not outcome.failures


def test_a_session_too_big_for_a_script_is_refused_in_one_line_and_nothing_written(state, capsys, tmp_path):
    from sim.store.db import Entry, Position

    store = Store.open()
    chain = [Entry(i, i - 1, "us_call_putin", "picked") for i in range(1, 60_001)]
    sid, _ = store.create(NewSession("ceasefire_30_day", "h", 1, 0), chain, Position(60_000, 60_000, 60_000, 1, "us_call_putin", None))
    store.close()
    target = tmp_path / "big.yaml"
    code, out, err = run(capsys, "sessions", "export", str(sid), "-o", str(target))
    assert code == 1 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"sim sessions: session {sid} cannot be exported as a script: not written: ")
    assert not target.exists()


def test_export_to_a_folder_that_does_not_exist_is_one_line_exit_1(state, capsys, tmp_path):
    sid, _ = played("ceasefire_30_day", 1)
    code, out, err = run(capsys, "sessions", "export", str(sid), "-o", str(tmp_path / "no" / "such" / "x.yaml"))
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "x.yaml" in err


def test_delete_takes_ids_asks_nothing_and_refuses_unknown_ones_whole(state, capsys):
    a, _ = played("ceasefire_30_day", 2)
    b, _ = played("ceasefire_30_day", 1)
    code, out, err = run(capsys, "sessions", "delete", str(a), "999")
    assert code == 1 and "no session 999" in err and "nothing was changed" in err
    assert len(Store.open().sessions()) == 2
    code, out, err = run(capsys, "sessions", "delete", str(a), str(b))
    assert code == 0 and out.splitlines() == [f"deleted session {a} (ceasefire_30_day, 2 steps)", f"deleted session {b} (ceasefire_30_day, 1 step)"]
    assert Store.open().sessions() == []
    with pytest.raises(SystemExit) as exc:  # the id is required
        main(["sessions", "delete"])
    assert exc.value.code == 2


@pytest.mark.parametrize("bad", ["x", "0", "-3", "1.5", str(2**63)])
def test_a_malformed_id_is_a_usage_error(state, capsys, bad):
    with pytest.raises(SystemExit) as exc:
        main(["sessions", "export", bad])
    assert exc.value.code == 2
    assert "a session id is a whole number from 1" in capsys.readouterr().err


def test_an_unknown_id_exits_1(state, capsys):
    code, out, err = run(capsys, "sessions", "export", "7")
    assert code == 1 and out == "" and "no session 7" in err


def test_a_store_that_cannot_be_opened_is_one_line_exit_1(tmp_path, monkeypatch, capsys):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("SIM_STATE_DIR", str(tmp_path / "file" / "state"))
    code, out, err = run(capsys, "sessions")
    assert code == 1 and out == "" and len(err.splitlines()) == 1
    assert err.startswith("sim sessions: cannot open the session store ") and str(tmp_path / "file") in err


def test_a_damaged_store_is_said_moved_aside_and_listing_goes_on(state, capsys):
    state.mkdir()
    (state / DB_NAME).write_bytes(b"\x00garbage" * 500)
    code, out, err = run(capsys, "sessions")
    assert code == 0 and "was damaged" in err and "moved to sessions.db.damaged-" in err
    assert [p.read_bytes()[:8] for p in state.glob("sessions.db.damaged-*")] == [b"\x00garbage"]


def test_nothing_from_the_store_reaches_the_terminal_raw(state, capsys):
    sid, _ = played("ceasefire_30_day", 1)
    raw = sqlite3.connect(state / DB_NAME)
    raw.execute("UPDATE sessions SET scenario = ?, last = ?", ("x\x1b]0;pwned\x07", "\x1b[2J"))
    raw.commit()
    raw.close()
    code, out, err = run(capsys, "sessions")
    assert code == 0 and "\x1b" not in out + err and "\x07" not in out + err
    assert "x\\x1b]0;pwned\\x07" in out
