"""``sim`` / ``sim play``: the terminal UI (Textual is imported only here)."""

from __future__ import annotations

import sys


def play(name: str | None, seed: int | None, load: str | None, pick: bool) -> int:
    try:
        from sim.ui.app import run_app
    except ImportError:  # pragma: no cover - the UI is part of the package
        print("The terminal UI is not available in this installation.", file=sys.stderr)
        return 0
    return run_app(name, seed=seed, load=load, pick=pick)
