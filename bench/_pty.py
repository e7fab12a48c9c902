"""Run a terminal app as a whole process in a pseudo-terminal and watch what it writes.

Used by ui_startup.py and ui_latency.py. The child gets a pty of a fixed size
(TIOCSWINSZ on the slave before it starts), ``TERM=xterm-256color``, a private
``SIM_STATE_DIR`` (so no autosave or resume prompt from a real session appears) and
``XDG_CONFIG_HOME`` (default settings), and
the pty as its controlling terminal. Nothing answers the terminal's queries (Textual
asks for synchronized output and the kitty keyboard protocol), as with a terminal that
supports neither.

Bytecode: this machine's environment sets ``PYTHONDONTWRITEBYTECODE=1``, so the
project's own modules would be compiled from source on every launch, which no user
with a normal environment pays. Children therefore run with bytecode writing on and
``PYTHONPYCACHEPREFIX`` pointing into the benchmark's temp dir (nothing is written
into the source tree), and :func:`warm_up` launches each app once, unmeasured, so
the cache is filled before timing.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import _common as c

COLS, ROWS = 100, 30
SIM_CMD = "from sim.ui.app import run_app; run_app(None)"

FLOOR_SOURCE = '''\
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Floor(App):
    TITLE = "Floor"
    BINDINGS = [("n", "next", "Next"), ("f", "fill", "Fill")]
    presses = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The framework floor: a Header, a Static and a Footer.", id="text")
        yield Footer()

    def action_next(self) -> None:
        self.presses += 1
        self.query_one("#text", Static).update(f"The framework floor: key press {self.presses}.")

    def action_fill(self) -> None:
        # a screenful of new text whose height changes: a relayout and a full repaint
        self.presses += 1
        n = self.presses
        lines = [f"{n:>4} {i:>2} " + "the framework floor, a full screen of new text " * 2 for i in range(20 + n % 5)]
        self.query_one("#text", Static).update(f"key press {n}.\\n" + "\\n".join(lines))


if __name__ == "__main__":
    Floor().run()
'''
FLOOR_MARK = b"The framework floor"


def floor_app() -> Path:
    path = c._tmpdir("ui") / "floor_app.py"
    if not path.exists() or path.read_text() != FLOOR_SOURCE:
        path.write_text(FLOOR_SOURCE)
    return path


def child_env(state_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    env["SIM_STATE_DIR"] = str(state_dir)
    env["XDG_CONFIG_HOME"] = str(state_dir / "config")  # default settings, and never the user's
    env["PYTHONPYCACHEPREFIX"] = str(c._tmpdir("ui") / "pycache")
    return env


def _make_controlling() -> None:  # runs in the child, after setsid
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyApp:
    """One app process on a pty. ``marks`` maps a byte string to the time (seconds since
    the launch began) of the read in which it first appeared in the output."""

    def __init__(self, argv: list[str], env: dict, cols: int = COLS, rows: int = ROWS, cwd: Path = c.ROOT):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.buf = bytearray()
        self.marks: dict[bytes, float] = {}
        self.first_byte: float | None = None
        self.last_byte: float | None = None
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                                     start_new_session=True, preexec_fn=_make_controlling, close_fds=True)
        os.close(slave)

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def _read(self, timeout: float) -> tuple[bytes, float] | None:
        """One read (None on timeout); returns (data, time of the read since t0)."""
        r, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not r:
            return None
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: the child closed the pty
            raise EOFError from None
        if not data:
            raise EOFError
        now = self.elapsed()
        if self.first_byte is None:
            self.first_byte = now
        self.last_byte = now
        self.buf += data
        return data, now

    def wait_for(self, *needles: bytes, timeout: float = 20.0) -> dict[bytes, float]:
        """Read until every needle has appeared (searching only the new tail each time)."""
        deadline = self.elapsed() + timeout
        pending = [n for n in needles if n not in self.marks]
        while pending:
            got = self._read(deadline - self.elapsed())
            if got is None:
                tail = bytes(self.buf[-600:])
                raise TimeoutError(f"no {pending[0]!r} after {timeout} s; last output: {tail!r}")
            data, now = got
            start = len(self.buf) - len(data)
            for n in list(pending):
                if self.buf.find(n, max(0, start - len(n))) >= 0:
                    self.marks[n] = now
                    pending.remove(n)
        return self.marks

    def drain(self, quiet: float, limit: float = 5.0, first_timeout: float | None = None) -> tuple[float | None, float | None, int]:
        """Read until no output for ``quiet`` seconds (or ``limit`` seconds in all).
        ``first_timeout`` (default ``quiet``) is how long to wait for the first byte.
        Returns (time of the first byte, time of the last byte, bytes), times since t0."""
        first = last = None
        n = 0
        end = self.elapsed() + limit
        while self.elapsed() < end:
            wait = quiet if first is not None or first_timeout is None else first_timeout
            got = self._read(min(wait, max(0.0, end - self.elapsed())))
            if got is None:
                break
            data, now = got
            first = now if first is None else first
            last = now
            n += len(data)
        return first, last, n

    def collect(self, quiet: float, first_timeout: float = 1.0, limit: float = 5.0) -> list[tuple[float, bytes]]:
        """Every read until ``quiet`` seconds pass without output, as (time since t0, data)."""
        out: list[tuple[float, bytes]] = []
        end = self.elapsed() + limit
        while self.elapsed() < end:
            got = self._read(min(quiet if out else first_timeout, max(0.0, end - self.elapsed())))
            if got is None:
                break
            out.append((got[1], got[0]))
        return out

    def send(self, data: bytes) -> float:
        """Write keys; returns the time (since t0) just before the write."""
        now = self.elapsed()
        os.write(self.master, data)
        return now

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()  # our own child, by its id
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        os.close(self.master)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def launch_sim(env: dict, extra: str = "", **kw) -> PtyApp:
    cmd = SIM_CMD if not extra else f"from sim.ui.app import run_app; run_app(None, {extra})"
    return PtyApp([sys.executable, "-c", cmd], env, **kw)


def launch_floor(env: dict, **kw) -> PtyApp:
    return PtyApp([sys.executable, str(floor_app())], env, **kw)


CSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


def visible_text(data: bytes) -> bytes:
    """The output with escape sequences removed: adjacent segments of a line run together."""
    return CSI.sub(b"", data)


def percentile(xs: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]

