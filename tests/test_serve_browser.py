"""The served page in a real browser: headless Chromium (Debian's package) loads `sim serve`'s
page, whose xterm.js connects to the server and draws the app; the test reads the characters
xterm.js holds (over the DevTools protocol), types a key into the page, and sees the app
answer. .ci/run installs chromium; only outside CI may the test skip when it is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.serve.testing import Chromium, ServedSim

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "ceasefire_30_day.yaml"
WAIT = 90.0


async def test_the_first_screen_in_headless_chromium(chromium, tmp_path):
    from sim.engine.session import Session
    from sim.format import load_scenario

    scenario = load_scenario(SCENARIO)
    session = Session(scenario, 1)
    first = session.options()[0].act.label[:24]
    session.choose(session.options()[0].act.id)
    after = session.options()[0].act.label[:24]

    env = dict(os.environ, SIM_STATE_DIR=str(tmp_path / "state"))
    async with ServedSim([str(SCENARIO), "--seed", "1"], env=env) as server, Chromium(chromium, tmp_path / "profile") as browser:
        await browser.open(server.url)
        rows = await browser.wait_for(first, WAIT)
        screen = "\n".join(rows)
        assert scenario.title in screen
        assert after not in screen
        assert len(server.app_pids()) == 1  # the page's websocket started one app
        await browser.type("1")  # keyboard -> xterm.js -> websocket -> the app -> back to the page
        await browser.wait_for(after, WAIT)
        assert await browser.screenshot(tmp_path / "served.png") > 1000
