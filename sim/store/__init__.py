"""The session store: every step of every session, in one SQLite database.

An append-only log per session (``sim.store.db``), the schema and its migrations
(``sim.store.schema``), the content hash that says which scenario a session was
played on (``sim.store.content``), the binding of an engine session to its log and
the replay that restores one (``sim.store.record``), and the export of a stored
session as a script (``sim.store.export``). docs/STORE.md describes the design.

Nothing here imports Textual or pydantic at module level; the UI imports this
package inside its loading worker, so its first frame does not pay for sqlite3.
"""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "sessions.db"


def state_dir() -> Path:
    """Where the store lives: $SIM_STATE_DIR, else $XDG_STATE_HOME/sim, else ~/.local/state/sim."""
    env = os.environ.get("SIM_STATE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_STATE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "state") / "sim"


def default_path() -> Path:
    return state_dir() / DB_NAME
