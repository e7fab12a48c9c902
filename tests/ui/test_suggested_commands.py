"""The commands sim suggests work as written after the README's install, which never
activates the virtual environment: the save notice's `play --load` and a saved session's
header, `Replay it with: ... run ... --script THIS_FILE`, name the program the person ran
(`.venv/bin/sim`, or `python -m sim` with the venv's python), never a bare `sim` that is not
on PATH. Each suggestion here is run as written, in a shell environment without the venv."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sim import invocation
from sim.ui.app import SimApp

SIZE = (100, 30)


def _without_venv() -> dict[str, str]:
    """The environment of a shell where the venv was never activated."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return env | {"PATH": path}


def _replay_command(saved: Path) -> list[str]:
    header = saved.read_text().splitlines()[1]
    assert header.startswith("# Replay it with: ")
    return [saved.name if word == "THIS_FILE" else word for word in shlex.split(header.removeprefix("# Replay it with: "))]


async def _save(whole_arc, name: str) -> str:
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        assert app.save_to(Path(name))
        await pilot.pause()
        return app.notice[0]


@pytest.mark.parametrize("how", ["script", "module"])
async def test_the_saved_session_says_how_to_replay_it_and_that_works(whole_arc, tmp_path, monkeypatch, how):
    script = Path(sys.executable).parent / "sim"
    monkeypatch.setenv("PATH", _without_venv()["PATH"])  # the README's install: the venv never activated
    if how == "script":
        if not script.is_file():
            pytest.skip(f"no sim script beside {sys.executable}")
        monkeypatch.setattr(sys, "argv", [str(script), "play"])  # as `.venv/bin/sim play` sets it
    else:
        monkeypatch.setattr(sys, "argv", [str(Path(invocation.__file__).with_name("__main__.py")), "play"])  # python -m sim
    notice = await _save(whole_arc, "saved.yaml")
    command = _replay_command(tmp_path / "saved.yaml")
    assert command[0] != "sim"
    assert command[0] == (str(script) if how == "script" else sys.executable)
    # the save notice suggests the same program
    assert f"{shlex.join(command[:1 if how == 'script' else 3])} play --load saved.yaml" in notice
    done = subprocess.run(command, cwd=tmp_path, env=_without_venv(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert whole_arc.title in done.stdout


def test_a_program_inside_the_folder_is_suggested_relative_to_it(tmp_path, monkeypatch):
    program = tmp_path / ".venv" / "bin" / "sim"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(program), "play"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert invocation.sim() == os.path.join(".venv", "bin", "sim")
    assert invocation.run_script("whole_arc") == ".venv/bin/sim run whole_arc --script THIS_FILE"
    assert invocation.play_load("my session.yaml") == ".venv/bin/sim play --load 'my session.yaml'"
