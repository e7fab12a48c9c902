"""The UI keeps every step in the session store: the seven ways the autosave file lost work.

Each test below fails on the autosave of before (one YAML file per scenario, written
in a worker after the screen had changed):

1. Esc at the resume offer, then q, lost the session it offered;
2. two windows on one scenario overwrote each other;
3. an unusable state folder kept nothing while the quit dialog said an autosave did;
4. a damaged or stale autosave was silently not offered, then overwritten;
5. a seed the store could not give back (-1 was written; now the whole Script range is kept);
6. ``--load FILE`` overwrote the scenario's autosave;
7. a long session was written a second after the step was shown.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from textual.widgets._toast import Toast

from sim.engine.session import Session
from sim.format import load_scenario
from sim.format.script import load_script, parse_script_text, session_to_yaml
from sim.store.db import NewSession, Store
from sim.store.export import export_script
from sim.store.record import Recorder
from sim.store.schema import SEED_MAX
from sim.ui import storage
from sim.ui.app import SimApp
from sim.ui.screens.dialogs import Ask
from sim.ui.screens.main import MainScreen

SIZE = (100, 32)
ROOT = Path(__file__).resolve().parents[2]


def toasts(app) -> str:
    """What the notifications on screen say (on whichever screen shows them)."""
    return "\n".join(str(t.render()) for screen in app.screen_stack for t in screen.query(Toast))


def stored(state: Path) -> list:
    store = Store.open(state / "sessions.db")
    try:
        return store.sessions()
    finally:
        store.close()


async def play(scenario, *acts: str, **kwargs) -> SimApp:
    """Open the app, take ``acts`` (a roll for 'roll'), quit; returns the app."""
    app = SimApp(scenario=scenario, resume=False, **kwargs)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        for act in acts:
            if act == "roll":
                app.action_roll()
            elif act == "back":
                app.back()
            else:
                app.choose(act)
        await pilot.pause()
    return app


async def resume(pilot, key: str) -> None:
    """Answer the resume offer and wait for the replay (a worker) to land."""
    await pilot.press(key)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of_ask(app) -> tuple[str, list[str]]:
    from textual.widgets import Label, OptionList

    ask = app.screen
    assert isinstance(ask, Ask)
    options = ask.query_one(OptionList)
    return str(ask.query(Label).first().render()), [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


# --- 1. Esc at the resume offer, then q ---------------------------------------------------------


async def test_esc_at_the_resume_offer_then_q_keeps_the_offered_session(whole_arc, isolated_state):
    await play(whole_arc, "us_call_putin", "russia_answers_call.yes_but")
    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        question, options = text_of_ask(app)
        assert "an unfinished session" in question and "none is deleted" in question
        assert "2 steps, turn" in options[0] and options[-1].endswith("Start a new session")
        await pilot.press("escape")
        await pilot.press("q")  # nothing new to lose: quits at once
        await pilot.pause()
    assert app.return_code == 0
    [info] = stored(isolated_state)
    assert info.steps == 2 and info.last == "russia_answers_call.yes_but"
    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await resume(pilot, "1")
        assert app.session.choices() == ["us_call_putin", "russia_answers_call.yes_but"]


async def test_quitting_an_untouched_session_leaves_nothing_to_resume(whole_arc, isolated_state):
    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and stored(isolated_state) == []
    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # nothing offered


async def test_the_offer_lists_each_unfinished_session_and_resumes_the_one_picked(ceasefire, isolated_state):
    await play(ceasefire, "us_call_putin")
    await play(ceasefire, "russia_drone_waves", "roll")
    app = SimApp(scenario=ceasefire)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        question, options = text_of_ask(app)
        assert "2 unfinished sessions" in question
        assert options[0].startswith("1  today ") and "2 steps, turn" in options[0]
        assert options[1].startswith("2  today ") and "1 step, turn 1; last: " + ceasefire.by_id["us_call_putin"].label in options[1]
        await resume(pilot, "2")
        assert app.session.choices() == ["us_call_putin"]
        app.choose("russia_answers_call.yes_but")  # continues the same stored session
    infos = {i.last: i for i in stored(isolated_state)}
    assert len(infos) == 2 and infos["russia_answers_call.yes_but"].steps == 2


# --- 2. two windows ------------------------------------------------------------------------------


async def test_two_windows_on_one_scenario_keep_both_sessions(whole_arc, isolated_state):
    first, second = SimApp(scenario=whole_arc, resume=False), SimApp(scenario=whole_arc, resume=False)
    async with first.run_test(size=SIZE, notifications=True) as one, second.run_test(size=SIZE, notifications=True) as two:
        await one.pause()
        await two.pause()
        first.choose("us_call_putin")
        second.choose("russia_drone_waves")
        first.choose("russia_answers_call.yes_but")
        second.action_roll()
        await one.pause()
        await two.pause()
        mine, theirs = first.session.choices(), second.session.choices()
    store = Store.open(isolated_state / "sessions.db")
    kept = sorted([load_choices(store, info.id) for info in store.sessions()])
    assert kept == sorted([mine, theirs])


def load_choices(store: Store, session_id: int) -> list[str]:
    loaded = parse_script_text(export_script(store, session_id), "export.yaml")
    return [s.choice for s in loaded.steps]


# --- 3. a state folder that cannot be used ---------------------------------------------------------


async def test_a_store_that_cannot_be_opened_is_said_at_start_and_before_quitting(whole_arc, tmp_path, monkeypatch):
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("SIM_STATE_DIR", str(tmp_path / "not-a-folder" / "sim"))
    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        said = toasts(app)
        assert "cannot open the session store" in said and "Steps will not be kept" in said
        app.choose("us_call_putin")
        await pilot.press("q")
        await pilot.pause()
        question, options = text_of_ask(app)
        assert "not kept anywhere" in question and "cannot open the session store" in question
        assert "autosave" not in question
        assert [o.split("  ", 1)[1] for o in options] == ["Save, then quit", "Quit and lose them", "Cancel"]


async def test_a_write_that_fails_mid_session_is_said_and_quitting_asks(whole_arc, isolated_state, monkeypatch):
    import sim.store.db as db

    monkeypatch.setattr(db, "BUSY_TIMEOUT", 0.1)
    app = SimApp(scenario=whole_arc, resume=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.choose("us_call_putin")
        blocker = sqlite3.connect(isolated_state / "sessions.db", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the store's write lock
        app.choose("russia_answers_call.yes_but")
        await pilot.pause()
        assert "This step is not stored" in toasts(app)
        await pilot.press("q")
        await pilot.pause()
        question, _ = text_of_ask(app)
        assert "not kept anywhere" in question and "database is locked" in question
        await pilot.press("escape")
        blocker.execute("ROLLBACK")
        blocker.close()
        app.action_roll()  # the next step writes what was missing too
        await pilot.pause()
        assert "written again" in toasts(app)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0  # everything was kept: no question
    [info] = stored(isolated_state)
    assert info.steps == 3


READ_ONLY = r"""
import asyncio, json, os, sys
from sim.format import load_scenario
from sim.ui.app import SimApp
from textual.widgets import Label
from textual.widgets._toast import Toast

scenario = load_scenario(sys.argv[1])

async def run():
    app = SimApp(scenario=scenario, resume=False)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await pilot.pause()
        said = "\n".join(str(t.render()) for t in app.screen.query(Toast))
        app.choose("us_call_putin")
        await pilot.press("q")
        await pilot.pause()
        asked = str(app.screen.query(Label).first().render())
        await pilot.press("escape")
    return said, asked

os.environ["SIM_STATE_DIR"] = sys.argv[2]
asyncio.run(run())  # as the caller (with a store that cannot open): every module the app loads lazily is loaded now
os.environ["SIM_STATE_DIR"] = sys.argv[3]
if os.geteuid() == 0:  # root writes anywhere: become nobody for the real run
    os.setgid(65534)
    os.setuid(65534)
print(json.dumps(asyncio.run(run())))
"""


def test_a_read_only_state_folder_is_said_at_start_and_before_quitting():
    base = Path(tempfile.mkdtemp(prefix="sim-ro-ui-"))
    try:
        base.chmod(0o755)
        (base / "a-file").write_text("")
        read_only = base / "read-only"
        read_only.mkdir()
        read_only.chmod(0o555)
        out = subprocess.run(
            [sys.executable, "-c", READ_ONLY, str(ROOT / "scenarios" / "whole_arc.yaml"), str(base / "a-file" / "state"), str(read_only)],
            capture_output=True, text=True, cwd=base, timeout=300,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr[-3000:]
        said, asked = json.loads(out.stdout.splitlines()[-1])
        assert str(read_only) in said and "read-only" in said and "Steps will not be kept" in said
        assert "not kept anywhere" in asked and "read-only" in asked and "autosave" not in asked
        assert list(read_only.iterdir()) == []
    finally:
        (base / "read-only").chmod(0o755)
        shutil.rmtree(base)


# --- 4. damaged or stale ---------------------------------------------------------------------------


async def test_a_damaged_store_is_said_moved_aside_and_a_new_one_keeps_the_steps(whole_arc, isolated_state):
    isolated_state.mkdir()
    (isolated_state / "sessions.db").write_bytes(b"an autosave from an editor, not a database\n" * 50)
    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        said = toasts(app)
        assert "was damaged" in said and "moved to sessions.db.damaged-" in said
        app.choose("us_call_putin")
    [aside] = isolated_state.glob("sessions.db.damaged-*")
    assert aside.read_bytes().startswith(b"an autosave from an editor")
    assert [i.steps for i in stored(isolated_state)] == [1]


async def test_a_session_of_a_changed_scenario_is_offered_and_replays_what_still_applies(tmp_path, isolated_state):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "scenarios", project / "scenarios")
    shutil.copytree(ROOT / "seeds", project / "seeds")
    path = project / "scenarios" / "ceasefire_30_day.yaml"
    await play(load_scenario(path), "us_call_putin", "russia_answers_call.accepts", "roll", "back", "back", "russia_answers_call.yes_but")
    track = project / "scenarios" / "library" / "track_ceasefire.yaml"
    lines = track.read_text().splitlines(keepends=True)
    start = lines.index("      accepts:\n")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i].startswith("        "))
    track.write_text("".join(lines[:start] + lines[end:]))
    changed = load_scenario(path)
    app = SimApp(scenario=changed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, Ask)  # offered, not silently dropped
        await resume(pilot, "1")
        said = toasts(app)
        assert "The scenario changed since session 1 was recorded" in said
        assert "russia_answers_call.accepts" in said and "(and the 1 step after it)" in said
        assert app.session.choices() == ["us_call_putin", "russia_answers_call.yes_but"]
    old, new = sorted(stored(isolated_state), key=lambda i: i.id)
    assert old.steps == 4 and old.replaced_by == new.id and new.steps == 2  # the original is kept as it was


async def test_an_autosave_from_before_the_store_becomes_a_session(whole_arc, isolated_state):
    session = Session(whole_arc, 3)
    session.choose("us_call_putin")
    isolated_state.mkdir()
    old = isolated_state / "autosave-whole_arc.yaml"
    old.write_text(session_to_yaml(session))
    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert "is now session 1" in toasts(app)
        _, options = text_of_ask(app)
        assert "1 step" in options[0]
    assert not old.exists() and (isolated_state / "autosave-whole_arc.yaml.imported").exists()


# --- 5. seeds ---------------------------------------------------------------------------------------


async def test_the_largest_seed_is_kept_resumed_and_exported(ceasefire, isolated_state):
    await play(ceasefire, "roll", "roll", seed=SEED_MAX)
    [info] = stored(isolated_state)
    assert info.seed == SEED_MAX
    app = SimApp(scenario=ceasefire)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await resume(pilot, "1")
        assert app.session.seed == SEED_MAX and len(app.session.steps) == 3
    exported = isolated_state / "exported.yaml"
    exported.write_text(export_script(Store.open(isolated_state / "sessions.db"), info.id))
    assert load_script(exported).script.seed == SEED_MAX


# --- 6. --load FILE -----------------------------------------------------------------------------------


async def test_load_never_overwrites_another_session(whole_arc, isolated_state, tmp_path):
    await play(whole_arc, "russia_drone_waves")
    [before] = stored(isolated_state)
    session = Session(whole_arc, 5)
    session.choose("us_call_putin")
    saved = tmp_path / "saved.yaml"
    saved.write_text(session_to_yaml(session))
    app = SimApp(scenario=whole_arc, load=str(saved))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        app.choose("russia_answers_call.yes_but")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    store = Store.open(isolated_state / "sessions.db")
    assert store.get(before.id) == before  # untouched
    [loaded] = [i for i in store.sessions() if i.id != before.id]
    assert load_choices(store, loaded.id) == ["us_call_putin", "russia_answers_call.yes_but"] and loaded.seed == 5
    assert saved.read_text() == session_to_yaml(session)  # and the file is as it was


# --- 7. a long session: committed before it is shown ---------------------------------------------------


async def test_in_a_19000_step_session_each_step_is_committed_before_the_screen_shows_it(whole_arc, isolated_state):
    import random

    session = Session(whole_arc, 9)
    rng = random.Random(9)
    while len(session.steps) <= 19_000:
        if session.node.over or rng.random() < 0.1:
            session.goto(rng.randrange(len(session.steps)))
        else:
            session.roll()
    session.goto(0)
    store = Store.open()
    recorder = Recorder(store, session, NewSession(whole_arc.id, "old", 1, 9, whole_arc.path))
    recorder.sync()
    store.close()

    seen_at_redraw: list[int] = []

    def redrawing() -> None:
        """Called as the screens are told to redraw (they watch the app's revision)."""
        watcher = sqlite3.connect(isolated_state / "sessions.db")  # another process's view of the store
        seen_at_redraw.append(watcher.execute("SELECT steps FROM sessions ORDER BY updated DESC").fetchone()[0])
        watcher.close()

    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await resume(pilot, "1")
        assert len(app.session.steps) == len(session.steps)
        app.watch(app, "revision", redrawing, init=False)
        options = [o.act.id for o in app.session.untaken()]
        app.choose(options[0])
        # no await: nothing else has run, yet the step is on disk
        watcher = sqlite3.connect(isolated_state / "sessions.db")
        steps_now = watcher.execute("SELECT steps FROM sessions ORDER BY updated DESC").fetchone()[0]
        watcher.close()
        assert steps_now == len(session.steps)  # 19,001 steps: the new one included
        assert seen_at_redraw and seen_at_redraw[0] == len(session.steps)  # already stored when the screen redrew


def test_importing_the_ui_does_not_load_the_store():
    code = "import json, sys, sim.ui.app\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith(('sqlite3', '_sqlite3', 'sim.store')))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_offer_line_and_when_read_as_a_person_would():
    import time

    now = time.mktime((2026, 11, 30, 15, 0, 0, 0, 0, -1))
    assert storage.when(now - 3600, now) == "today 14:00"
    assert storage.when(now - 86400, now) == "yesterday 15:00"
    assert storage.when(now - 5 * 86400, now) == "25 Nov 15:00"
    assert storage.when(now - 400 * 86400, now).endswith("2025")
