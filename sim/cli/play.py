"""``sim`` / ``sim play``: the terminal UI (Textual is imported only here)."""

from __future__ import annotations

import sys


def play(name: str | None, seed: int | None, load: str | None, pick: bool) -> int:
    # What the command line names is checked before the UI starts: a missing or unreadable
    # scenario or session is one line and exit 1, like an unknown scenario id.
    from sim.files import check_readable
    from sim.format.catalog import resolve

    if name is not None:
        check_readable(resolve(name), name)
    if load is not None:
        check_readable(load)
    try:
        from sim.ui.app import run_app
    except ImportError:  # pragma: no cover - the UI is part of the package
        print("The terminal UI is not available in this installation.", file=sys.stderr)
        return 0
    return run_app(name, seed=seed, load=load, pick=pick)
