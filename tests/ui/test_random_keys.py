"""No key, in any screen, crashes the app: thousands of seeded random presses."""

from __future__ import annotations

import random

from textual import events

from sim.ui.app import SimApp

# Every key the app binds, plus navigation and typing. Quit keys are left out so the
# run lasts; they have their own test in test_app.py. The command palette (ctrl+p)
# is Textual's own screen, with races of its own under bursts of keys (its search
# worker outlives it); it gets keys at a typist's pace in its own test below.
KEYS = list("0123456789rbwsatmcxedny?") + [
    "enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "home", "end",
    "pageup", "pagedown", "backspace", "space", "f1", "ctrl+s", "ctrl+o",
    "question_mark", "delete",
]  # fmt: skip


CHARACTERS = {"enter": "\r", "tab": "\t", "space": " ", "backspace": "\x7f", "escape": "\x1b", "question_mark": "?"}


async def type_fast(pilot, keys: list[str]) -> None:
    """Queue the keys as a fast typist's terminal would deliver them, then wait for the
    app to catch up. (Pilot.press waits ~40 ms after every key; thousands would take
    minutes, and a burst is the harder test.)"""
    for key in keys:
        character = key if len(key) == 1 else CHARACTERS.get(key)
        pilot.app.post_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause()


async def test_thousands_of_random_keys_never_crash(strikes):
    rng = random.Random(2024)
    app = SimApp(scenario=strikes, autosave=False)
    screens = set()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(60):
            await type_fast(pilot, [rng.choice(KEYS) for _ in range(50)])
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
            await type_fast(pilot, [rng.choice(KEYS) for _ in range(50)])
            assert app.return_code is None
        await app.workers.wait_for_complete()


async def test_random_keys_in_the_command_palette(strikes):
    rng = random.Random(11)
    app = SimApp(scenario=strikes, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(15):
            await pilot.press("ctrl+p")
            await pilot.press(*[rng.choice(KEYS + ["ctrl+p"]) for _ in range(12)])
            assert app.return_code is None
        await app.workers.wait_for_complete()
