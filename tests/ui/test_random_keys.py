"""No key, in any screen, crashes the app: thousands of seeded random presses."""

from __future__ import annotations

import random

from sim.ui.app import SimApp

# Every key the app binds, plus navigation and typing. Quit keys are left out so the
# run lasts; they have their own test in test_app.py.
KEYS = list("0123456789rbwsatmcxedny?") + [
    "enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "home", "end",
    "pageup", "pagedown", "backspace", "space", "f1", "ctrl+s", "ctrl+o", "ctrl+p",
    "question_mark", "delete",
]  # fmt: skip


async def test_thousands_of_random_keys_never_crash(strikes):
    rng = random.Random(2024)
    app = SimApp(scenario=strikes, autosave=False)
    screens = set()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(60):
            batch = [rng.choice(KEYS) for _ in range(50)]
            await pilot.press(*batch)
            screens.add(type(app.screen).__name__)
            assert app.return_code is None, "the app exited"
            assert app.session is not None
        await app.workers.wait_for_complete()
    assert app.return_code in (None, 0)
    # the walk really visited the app's screens, not just the main one
    assert "MainScreen" in screens and len(screens) >= 5, screens


async def test_random_keys_at_the_smallest_size_and_after_an_ending(ceasefire):
    rng = random.Random(7)
    app = SimApp(scenario=ceasefire, autosave=False)
    async with app.run_test(size=(60, 16)) as pilot:
        for _ in range(20):
            await pilot.press(*[rng.choice(KEYS) for _ in range(50)])
            assert app.return_code is None
        await app.workers.wait_for_complete()
