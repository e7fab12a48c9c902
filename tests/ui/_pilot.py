"""Waiting for a settled screen, for snapshots and tests that read what is drawn."""

from __future__ import annotations


async def settled(pilot, limit: int = 300) -> None:
    """Return once the app has nothing left to draw: no worker running, and the whole screen
    (every screen on the stack, as a screenshot shows it) the same after another pause.

    Waits on what the app does, never on time: on a loaded machine a pass that lays out a
    table or a footer after a worker's result can come several frames later, and a
    snapshot taken between two passes shows half a row."""
    app = pilot.app
    last = None
    for _ in range(limit):
        await app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        shot = app.export_screenshot()
        if shot == last and not any(w.is_running for w in app.workers):
            return
        last = shot
    raise AssertionError(f"the screen did not settle in {limit} pauses")
