"""Served in a browser (`sim serve`), the app runs under the teacher's account for whoever
opened the page: Save, Open and Export reach only the app's own folder, and exports go to
the browser as downloads. Unit tests of the confinement, Pilot tests of the app with a
folder (as a served app has), and the real thing: `sim serve` on loopback, a websocket
client speaking the page's protocol, and the download fetched from the server's /download.
"""

from __future__ import annotations

import os
from pathlib import Path

import aiohttp
import pytest
from textual.widgets import Input

from sim.serve.testing import ServedSim
from sim.ui import storage
from sim.ui.app import SimApp
from sim.ui.screens.dialogs import Dialog
from sim.ui.screens.export import ExportScreen

REPO = Path(__file__).resolve().parents[2]
SIZE = (100, 30)
WAIT = 60.0


# --- the confinement ------------------------------------------------------------------------------


def test_within_keeps_names_inside_the_folder(tmp_path):
    folder = tmp_path / "app"
    (folder / "sub").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("the teacher's")
    os.symlink(tmp_path / "secret.txt", folder / "link.txt")
    os.symlink(tmp_path, folder / "up")
    assert storage.within(folder, "session.yaml") == folder.resolve() / "session.yaml"
    assert storage.within(folder, "sub/../x.md") == folder.resolve() / "x.md"
    assert storage.within(folder, str(folder / "abs.yaml")) == folder.resolve() / "abs.yaml"
    for name in ("../secret.txt", str(tmp_path / "secret.txt"), "/etc/passwd", "link.txt", "up/secret.txt", "sub/../../secret.txt",
                 "", "a\x1b[31m.yaml", "a\nb.yaml"):  # fmt: skip
        with pytest.raises(storage.Outside):
            storage.within(folder, name)


async def _type_into_dialog(app, pilot, value: str) -> None:
    await pilot.pause()
    assert isinstance(app.screen, Dialog | ExportScreen)
    app.screen.query_one(Input).value = value
    await pilot.press("enter")
    await pilot.pause()


async def test_a_served_app_saves_and_opens_only_in_its_folder(whole_arc, tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (tmp_path / "secret.yaml").write_text("scenario: whole_arc\nseed: 1\nsteps: []\n")
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.folder = folder  # what on_mount sets when the app runs in a browser
        app.choose("us_call_putin")
        await pilot.press("ctrl+s")
        await _type_into_dialog(app, pilot, "../escape.yaml")
        assert not (tmp_path / "escape.yaml").exists()
        assert "outside this app's folder" in _toasts(app)  # an error: a toast, whatever the screen
        await pilot.press("ctrl+s")
        await _type_into_dialog(app, pilot, "mine.yaml")
        assert (folder / "mine.yaml").is_file()
        assert "in this app's folder" in app.notice[0] and str(tmp_path) not in app.notice[0]
        # Open refuses the teacher's file before reading it, and the session stays as it was
        steps = len(app.session.steps)
        await pilot.press("ctrl+o")
        await _type_into_dialog(app, pilot, str(tmp_path / "secret.yaml"))
        assert len(app.session.steps) == steps and "outside" in _toasts(app)
        app.back()
        await pilot.press("ctrl+o")
        await _type_into_dialog(app, pilot, "mine.yaml")
        assert len(app.session.steps) == steps and app.opened.file == (folder / "mine.yaml").resolve()


def _toasts(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def test_a_served_export_is_delivered_not_written_where_asked(whole_arc, tmp_path):
    """Headless, Textual delivers a download by saving it in the folder given; in a browser the
    same call sends it to the page (the served test below)."""
    folder = tmp_path / "app"
    folder.mkdir()
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.folder = folder
        app.choose("us_call_putin")
        await pilot.press("e")
        await pilot.pause()
        assert "Download as:" in str(app.screen.query_one("#target-label").render())
        await _type_into_dialog(app, pilot, "../../stolen.md")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not (tmp_path / "stolen.md").exists() and not list(folder.iterdir())
        await pilot.press("e")
        await _type_into_dialog(app, pilot, "our transcript.md")
        await app.workers.wait_for_complete()
        for _ in range(200):  # the delivery runs in a thread; the app is told when it is done
            await pilot.pause(0.05)
            if "in your browser's downloads" in app.notice[0]:
                break
        [delivered] = list(folder.iterdir())
        assert delivered.name == "our_transcript.md"  # a download's name holds no spaces or quotes
        for _ in range(100):  # Textual says "complete" just before it closes the file
            if whole_arc.title in delivered.read_text():
                break
            await pilot.pause(0.05)
        assert whole_arc.title in delivered.read_text()


# --- the real thing ----------------------------------------------------------------------------------


async def test_sim_serve_confines_save_and_delivers_an_export_as_a_download(tmp_path):
    from sim.format import load_scenario

    scenario_path = REPO / "scenarios" / "ceasefire_30_day.yaml"
    scenario = load_scenario(scenario_path)
    env = dict(os.environ, SIM_STATE_DIR=str(tmp_path / "state"))
    async with ServedSim([str(scenario_path), "--seed", "1"], env=env) as server, server.client(name="student") as client:
        await client.wait_for(scenario.title, WAIT)
        [pid] = server.app_pids()
        folder = Path(os.readlink(f"/proc/{pid}/cwd"))
        await client.press("1")
        # Save to a path outside the app's folder: refused, nothing written there
        await client.press("ctrl+s")
        await client.wait_for("session-ceasefire_30_day.yaml", WAIT)  # the dialog, its field filled in
        await client.wait_quiet(0.3, WAIT)
        await client.press("\x15")  # Ctrl+U clears the field (its cursor is at the end)
        await client.wait_gone("session-ceasefire_30_day.yaml", WAIT)
        await client.press(str(tmp_path / "escape.yaml"), "enter")
        await client.wait_for("outside", WAIT)
        assert not (tmp_path / "escape.yaml").exists()
        # Export the transcript: the browser is told a download is ready, and fetching it gets the file
        await client.press("e")
        await client.wait_for("Download as:", WAIT)
        await client.press("enter")
        await client.wait_for("sent to your browser", WAIT)
        await client.wait_until(lambda: any(t[0] == "deliver_file_start" for t in client.texts if isinstance(t, list)), WAIT, "the download's key")
        key = next(t[1] for t in client.texts if isinstance(t, list) and t[0] == "deliver_file_start")
        async with aiohttp.ClientSession() as http, http.get(f"{server.url}/download/{key}") as response:
            assert response.status == 200
            assert "attachment; filename=transcript-ceasefire_30_day.md" == response.headers["Content-Disposition"]
            body = await response.text()
        assert scenario.title in body and "Turn 1" in body
        assert not [p for p in folder.iterdir() if p.suffix == ".md"]  # delivered, not written on the server
