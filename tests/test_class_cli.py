"""``sim class``: a room created from the command line (its codes printed once), the console
opened in a real terminal, and every bad argument one line with its documented exit code."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pyte
import pytest
from _rooms import river

from sim.cli.main import main
from sim.room import Room
from sim.store import rooms
from sim.store.db import Store

CODE = re.compile(r"\b([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})\b")


@pytest.fixture
def state(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("SIM_STATE_DIR", str(folder))
    return folder


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_prints_every_code_once_and_each_opens_its_member(state, capsys, tmp_path):
    scenario = river(tmp_path, "sealed")
    code, out, err = run(capsys, "class", str(scenario.path), "--no-open", "--title", "Period 3", "--seed", "7")
    assert code == 0, err
    assert "Room 1 created: Period 3" in out and "never again" in out
    codes = CODE.findall(out)
    assert len(codes) == 1 + len(scenario.seats) + 1  # the facilitator, one per side, the observers
    lines = {line.split()[0]: CODE.search(line).group(1) for line in out.splitlines() if CODE.search(line)}
    store = Store.open(state / "sessions.db")
    try:
        room = Room.open(store, 1)
        assert room.join(lines["Facilitator"]).member.role == "facilitator"
        assert room.join(lines["Observers"]).member.role == "observer"
        for side in scenario.seats:
            name = scenario.actor_name(side).split()[0]
            assert room.join(lines[name]).member == rooms.Member("seat", side)
        assert room.info.seed == 7
        assert not any(c.replace("-", "") in store.path.read_bytes().decode("latin-1") for c in codes)  # only hashes are kept
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "exit_code", "says"),
    [
        (["class", "join", "x"], 2, "a room is a whole number"),
        (["class", "join", "0"], 2, "a room is a whole number"),
        (["class", "join", "99"], 1, "there is no room 99"),
        (["class", "join", "--seed", "3"], 2, "--seed applies when creating a room"),
        (["class", "join", "--hotseat"], 2, "--hotseat applies when creating a room"),
        (["class", "whole_arc", "--no-open"], 1, "'whole_arc' is an open table"),
        (["class", "whole_arc_in_rounds", "--hotseat", "--no-open"], 2, "give one or the other"),
        (["class", "whole_arc_in_rounds", "7"], 2, "sim class join N"),
        (["class", "whole_arc_in_rounds", "--seat", "atlantis", "--no-open"], 1, "no side 'atlantis'"),
        (["class", "no_such_scenario.yaml"], 1, "no such file"),
        (["class", "whole_arc_in_rounds", "--title", "bad\x1b[31m", "--no-open"], 1, "one line of 1 to 200 characters"),
        (["serve", "--class", "whole_arc_in_rounds"], 2, "--class serves the rooms made with sim class"),
        (["serve", "--class", "--seed", "4"], 2, "--class serves the rooms made with sim class"),
    ],
)
def test_bad_arguments_are_one_line_and_a_documented_exit_code(state, capsys, args, exit_code, says):
    code, out, err = run(capsys, *args)
    assert code == exit_code, err
    assert says in err
    assert "Traceback" not in err and "\x1b" not in err
    assert len(err.strip().splitlines()) == 1
    assert not CODE.search(out)  # no room was made, no code printed


@pytest.mark.parametrize("hotseat", [False, True])
def test_the_console_opens_in_a_terminal_after_the_codes(state, tmp_path, hotseat):
    """`sim class SCENARIO` in a real pseudo-terminal: the codes, Enter, the console; q quits.
    With --hotseat the console hands the keyboard to a group through the hand-over screen."""
    scenario = river(tmp_path, "rounds")
    screen = pyte.Screen(110, 34)
    stream = pyte.ByteStream(screen)
    primary, secondary = os.openpty()
    env = dict(os.environ, SIM_STATE_DIR=str(state), TERM="xterm-256color", COLUMNS="110", LINES="34")
    import fcntl
    import struct
    import termios

    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 34, 110, 0, 0))
    extra = ["--hotseat"] if hotseat else []
    proc = subprocess.Popen([sys.executable, "-m", "sim", "class", str(scenario.path), *extra], stdin=secondary, stdout=secondary, stderr=secondary, env=env, close_fds=True)
    os.close(secondary)
    seen = b""

    def read_until(needle: str, timeout: float = 30.0) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in "\n".join(screen.display):
                return
            ready, _, _ = select.select([primary], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:
                    break
                seen += chunk
                stream.feed(chunk)
        raise AssertionError(f"not seen: {needle!r}; the screen:\n" + "\n".join(screen.display))

    try:
        read_until("press Enter to open the console")
        assert len(CODE.findall(seen.decode("utf-8", "replace"))) == 5
        os.write(primary, b"\r")
        read_until("Facilitator · room 1")
        read_until("not started")
        os.write(primary, b"s")
        read_until("running")
        if hotseat:
            os.write(primary, b"g")
            read_until("Give the keyboard to which group?")
            os.write(primary, b"1")
            read_until("Upstream State's group: your orders")
            assert "PRIVATE" not in "\n".join(screen.display)
            os.write(primary, b"\r")
            read_until("UPSTREAM-PRIVATE-WANTS")
            os.write(primary, b"\x1b")
            read_until("Facilitator: your console")
            os.write(primary, b"\r")
            read_until("Facilitator · room 1")
        os.write(primary, b"q")
        try:
            assert proc.wait(30) == 0
        except subprocess.TimeoutExpired:
            read_until("(the screen as q left it)", timeout=1.0)  # fails, showing the screen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(primary)
