"""Commands sim suggests (the UI's save notice, a saved session's header), written so they
work as typed.

The README's install never activates the virtual environment, so a bare ``sim`` is
usually not on PATH: suggest the program the user actually ran (``.venv/bin/sim``),
and ``python -m sim`` when they did not run the ``sim`` script at all. Standard library
only: the format package writes it into saved sessions, and the UI before its first frame.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path


def sim() -> str:
    """How to run ``sim`` again from the current folder."""
    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name in ("sim", "sim.exe"):
        found = shutil.which("sim")
        if found and Path(found).resolve() == Path(argv0).resolve():
            return "sim"
        return shlex.quote(_short(argv0))
    return f"{shlex.quote(_short(sys.executable))} -m sim"


def play_load(path: Path | str) -> str:
    """Reopen a saved session in the UI."""
    return f"{sim()} play --load {shlex.quote(str(path))}"


def run_script(scenario: str, script: str = "THIS_FILE") -> str:
    """Replay a saved session (a script) headless."""
    return f"{sim()} run {shlex.quote(scenario)} --script {script}"


def _short(path: str) -> str:
    """``path`` relative to the current folder when it lies inside it, else absolute."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive (Windows)
        return absolute
    if relative.startswith(os.pardir):
        return absolute
    return relative if os.sep in relative else os.path.join(os.curdir, relative)
