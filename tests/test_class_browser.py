"""A class's landing page in a real browser: headless Chromium loads ``sim serve --class``,
xterm.js draws the landing screen (the rooms, then the code), and a code typed into the page
opens that seat's screen. Follows tests/test_serve_browser.py (.ci/run installs chromium)."""

from __future__ import annotations

import os
from pathlib import Path

from sim.engine.vocab import possessive
from sim.format import load_scenario
from sim.room import create_room
from sim.serve.testing import Chromium, ServedSim
from sim.store.db import Store

REPO = Path(__file__).resolve().parents[1]
WAIT = 90.0


async def enter(browser: Chromium) -> None:
    """The Enter key, as the page's keyboard sends it (insertText sends no Enter)."""
    await browser.call("Runtime.evaluate", {"expression": "document.querySelector('.xterm-helper-textarea').focus()"})
    for kind in ("keyDown", "keyUp"):
        event = {"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13}
        if kind == "keyDown":
            event["text"] = "\r"
        await browser.call("Input.dispatchKeyEvent", event)


async def test_the_landing_screen_in_headless_chromium(chromium, tmp_path):
    state = tmp_path / "state"
    scenario = load_scenario(REPO / "scenarios" / "ceasefire_30_day_sealed.yaml")
    store = Store.open(state / "sessions.db")
    try:
        created = create_room(store, scenario, title="Period 4 civics")
    finally:
        store.close()
    env = dict(os.environ, SIM_STATE_DIR=str(state))
    async with ServedSim(["--class"], env=env) as server, Chromium(chromium, tmp_path / "profile") as browser:
        await browser.open(server.url)
        rows = await browser.wait_for("Join a class", WAIT)
        await browser.wait_for(f"Room {created.room}: Period 4 civics", WAIT)
        assert "Pick your class's room" in "\n".join(await browser.terminal_rows())
        await enter(browser)
        await browser.wait_for("type your code", WAIT)
        side = scenario.seats[2]
        await browser.type(created.codes.seats[side])
        await enter(browser)
        rows = await browser.wait_for(f"{possessive(scenario.actor_name(side))} group · room {created.room}", WAIT)
        assert "Private briefing (your group only)" in "\n".join(rows)
        assert await browser.screenshot(tmp_path / "class.png") > 1000
