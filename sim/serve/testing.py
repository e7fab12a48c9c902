"""Drive a served sim as browsers would, and measure its processes (tests and benchmarks).

Needs the ``test`` extra (pyte). Nothing in the app imports this module.

**The protocol** (textual-serve 1.1.3, read from its server and its page's script):

- The page opens ``ws://HOST/ws?width=COLS&height=ROWS``; the server starts one app
  process for that socket.
- Page to server, JSON text messages: ``["stdin", TEXT]`` (what xterm.js would send for
  the keys typed: ``"1"``, ``"\\r"`` for Enter, ``"\\x1b[B"`` for Down...),
  ``["resize", {"width": W, "height": H}]``, ``["focus"]`` and ``["blur"]`` (the app's
  focus follows the page's: an app blurred at start shows no key bindings in its
  footer), ``["ping", TEXT]`` (answered ``["pong", TEXT]``).
- Server to page: binary messages are the app's terminal output (UTF-8, xterm escape
  sequences: alternate screen, cursor moves, truecolor SGR), which the page feeds to
  xterm.js; text messages are JSON (``["pong", ...]``, ``["open_url", {...}]``,
  ``["deliver_file_start", KEY]``). The server closes the socket when the app exits.

:class:`ScreenClient` does what the page does, with a pyte screen in place of xterm.js,
so a test reads the same characters a student would see. Every screen change is
timestamped (``time.perf_counter``), so latency is "from this moment until this text
was on that client's screen": :meth:`ScreenClient.wait_for` returns when it appeared.

**For the classroom work**: start a server (:class:`ServedSim`; its ``argv`` may run
any server command), connect one client per seat, act on one (:meth:`ScreenClient.press`)
and wait for the result on all the others: :func:`wait_all` (screen-accurate, through
pyte) or each client's :meth:`ScreenClient.wait_for_output` with ``since`` = the moment
of the act (cheap: for timing many seats at once; clients made with ``screen=False``).
Both return the arrival time of the output that showed it, so "order committed by one
seat to every other seat's screen" is ``max(arrivals) - committed``.
:func:`app_pids`, :func:`rss_kib`, :func:`pss_kib`, :func:`cpu_seconds` and
:func:`cpu_over` measure the seat processes; :class:`Chromium` drives a real browser.
"""

from __future__ import annotations

import asyncio
import bisect
import codecs
import contextlib
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pyte

# What xterm.js sends for these keys (normal cursor mode, as Textual leaves it).
KEYS = {
    "enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f", "space": " ",
    "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
    "pageup": "\x1b[5~", "pagedown": "\x1b[6~", "home": "\x1b[H", "end": "\x1b[F", "f1": "\x1bOP",
    "ctrl+p": "\x10", "ctrl+s": "\x13", "ctrl+o": "\x0f", "ctrl+c": "\x03",
}  # fmt: skip

Needle = str | re.Pattern[str] | Callable[[str], bool]

_ESCAPES = re.compile(r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def _matcher(needle: Needle) -> Callable[[str], bool]:
    if isinstance(needle, str):
        return lambda screen: needle in screen
    if isinstance(needle, re.Pattern):
        return lambda screen: needle.search(screen) is not None
    return needle


class ScreenClient:
    """One browser tab without the browser: a websocket to a served sim, and its screen.

    ``name`` labels the client in errors (e.g. the seat it plays). With ``screen=False``
    the client keeps only the raw output (for :meth:`wait_for_output`), never feeding the
    emulator: a benchmark's many clients then cost this process almost nothing, and
    :meth:`drop_output` frees what they kept.
    """

    def __init__(self, base_url: str, width: int = 120, height: int = 36, name: str = "", screen: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.width, self.height = width, height
        self.name = name or "client"
        self.keeps_screen = screen
        self.screen = pyte.Screen(width, height)
        self._stream = pyte.Stream(self.screen)
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        self._changed = asyncio.Condition()
        self._session: aiohttp.ClientSession | None = None
        self._own_session = False
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self.connected_at: float | None = None
        self.first_output_at: float | None = None
        self.last_output_at: float | None = None
        self.output_bytes = 0
        self.frames = 0
        self.texts: list[object] = []  # JSON text messages from the server, in order
        self.output: list[tuple[float, bytes]] = []  # every binary message: (arrival time, bytes)
        self._fed = 0  # how many of them the screen has been fed
        self.shown_at: float | None = None  # arrival time of the newest output on the screen
        self.closed_at: float | None = None
        self.close_code: int | None = None

    # --- connecting -----------------------------------------------------------------------------

    async def connect(self, session: aiohttp.ClientSession | None = None, focus: bool = True, headers: dict[str, str] | None = None) -> ScreenClient:
        """Open the websocket (the server starts this client's app) and start reading.

        ``focus`` sends ``["focus"]`` as a page does once the terminal has the focus.
        """
        if session is None:
            session, self._own_session = aiohttp.ClientSession(), True
        self._session = session
        self.ws = await session.ws_connect(f"{self.base_url}/ws?width={self.width}&height={self.height}", headers=headers, heartbeat=None, max_msg_size=0)
        self.connected_at = time.perf_counter()
        self._reader = asyncio.create_task(self._read(), name=f"read {self.name}")
        if focus:
            await self.send(["focus"])
        return self

    async def _read(self) -> None:
        # Only timestamps and bytes here: the screen (pyte, pure Python, ~2 ms per KB) is
        # brought up to date when someone reads or waits, so a slow emulator does not
        # delay the timestamps of later output, and idle clients cost nothing.
        assert self.ws is not None
        try:
            async for message in self.ws:
                now = time.perf_counter()
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.output.append((now, message.data))
                    self.output_bytes += len(message.data)
                    self.frames += 1
                    self.first_output_at = self.first_output_at or now
                    self.last_output_at = now
                elif message.type == aiohttp.WSMsgType.TEXT:
                    self.texts.append(message.json())
                else:
                    break
                async with self._changed:
                    self._changed.notify_all()
        finally:
            self.closed_at = time.perf_counter()
            self.close_code = self.ws.close_code
            async with self._changed:
                self._changed.notify_all()

    def _feed_one(self) -> float:
        """Feed the oldest unread output to the screen; returns when it arrived."""
        arrived, data = self.output[self._fed]
        self._fed += 1
        self._stream.feed(self._decode(data))
        self.shown_at = arrived
        return arrived

    @property
    def _unfed(self) -> bool:
        return self._fed < len(self.output)

    def drop_output(self) -> None:
        """Free the raw output kept so far (a client with ``screen=False`` only: one with a
        screen needs it to bring the screen up to date)."""
        if self.keeps_screen:
            raise RuntimeError(f"{self.name}: drop_output() would leave the screen behind the output")
        self.output.clear()

    async def close(self) -> None:
        """Close the tab: the server stops this client's app."""
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 10)
        if self._own_session and self._session is not None:
            await self._session.close()

    async def __aenter__(self) -> ScreenClient:
        return await self.connect() if self.ws is None else self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    # --- sending ----------------------------------------------------------------------------------

    async def send(self, envelope: list[object]) -> float:
        """Send one protocol message; returns the time it was handed to the socket."""
        assert self.ws is not None, "connect() first"
        t = time.perf_counter()
        await self.ws.send_json(envelope)
        return t

    async def press(self, *keys: str) -> float:
        """Send keys, each a name from KEYS or literal text; returns the time of the first."""
        first = None
        for key in keys:
            t = await self.send(["stdin", KEYS.get(key.lower(), key)])
            first = first or t
        assert first is not None
        return first

    async def resize(self, width: int, height: int) -> float:
        self.width, self.height = width, height
        self.screen.resize(height, width)
        return await self.send(["resize", {"width": width, "height": height}])

    # --- reading ----------------------------------------------------------------------------------

    def lines(self) -> list[str]:
        """The screen now (all output received so far), one string per row, right-trimmed."""
        while self._unfed:
            self._feed_one()
        return self._rows()

    def text(self) -> str:
        """The screen now, one line per row (trailing blanks removed)."""
        return "\n".join(self.lines())

    def _rows(self) -> list[str]:
        if not self.keeps_screen:
            raise RuntimeError(f"{self.name}: this client keeps no screen (screen=False); use wait_for_output")
        return [line.rstrip() for line in self.screen.display]

    async def wait_until(self, test: Callable[[], bool], timeout: float, what: str) -> float:
        """Wait until ``test()`` holds; returns the arrival time of the output that made it hold.

        The output is fed to the screen one message at a time, testing after each, so the
        time returned is that of the first message after which the screen passed the test.
        """
        deadline = time.perf_counter() + timeout
        async with self._changed:
            if (found := self._test_screen(test)) is not None:
                return found
            while True:
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self.closed:
                    state = f"the socket closed ({self.close_code})" if self.closed else f"after {timeout:.0f} s"
                    raise TimeoutError(f"{self.name}: {what}: not seen, {state}; the screen shows:\n{self.text()}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
                if (found := self._test_screen(test)) is not None:
                    return found

    def _test_screen(self, test: Callable[[], bool]) -> float | None:
        """Feed pending output one message at a time until ``test()`` holds: that message's time."""
        if test():
            return self.shown_at or time.perf_counter()
        while self._unfed:
            arrived = self._feed_one()
            if test():
                return arrived
        return None

    async def wait_for(self, needle: Needle, timeout: float = 30.0) -> float:
        """Wait until the screen shows ``needle`` (text, regex, or a test of the screen text).

        Returns the ``perf_counter`` time at which the output that first showed it arrived.
        """
        match = _matcher(needle)
        return await self.wait_until(lambda: match("\n".join(self._rows())), timeout, f"waiting for {needle!r}")

    async def wait_gone(self, needle: Needle, timeout: float = 30.0) -> float:
        match = _matcher(needle)
        return await self.wait_until(lambda: not match("\n".join(self._rows())), timeout, f"waiting for {needle!r} to go")

    async def wait_for_output(self, needle: str, since: float, timeout: float = 30.0) -> float:
        """Wait until ``needle`` is in the text output since ``since`` (escape sequences removed).

        A cheap stand-in for :meth:`wait_for` when many clients are timed at once: the screen
        emulator costs about 2 ms per KB in this process, which would slow the apps being
        measured on a small machine. The needle must be drawn in one run of text (a heading,
        a label), which holds for text in one style. Returns the arrival time of the
        message that completed it.
        """
        deadline = time.perf_counter() + timeout
        i = bisect.bisect_left(self.output, since, key=lambda chunk: chunk[0])
        text = ""
        async with self._changed:
            while True:
                while i < len(self.output):
                    arrived, data = self.output[i]
                    i += 1
                    text += _ESCAPES.sub("", data.decode("utf-8", "replace"))  # each message is whole UTF-8
                    if needle in text:
                        return arrived
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self.closed:
                    raise TimeoutError(f"{self.name}: {needle!r} not in the output after {timeout:.0f} s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_quiet(self, quiet: float = 0.3, timeout: float = 30.0) -> float:
        """Wait until no output has come for ``quiet`` seconds; returns the last output's time."""
        deadline = time.perf_counter() + timeout
        while True:
            last = self.last_output_at or self.connected_at or time.perf_counter()
            idle = time.perf_counter() - last
            if idle >= quiet:
                return last
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{self.name}: output did not stop within {timeout:.0f} s")
            await asyncio.sleep(quiet - idle)

    async def wait_closed(self, timeout: float = 30.0) -> int | None:
        """Wait until the server closes the socket; returns its close code."""
        deadline = time.perf_counter() + timeout
        async with self._changed:
            while not self.closed:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{self.name}: the socket did not close within {timeout:.0f} s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), deadline - time.perf_counter())
        return self.close_code

    async def ping(self, timeout: float = 10.0) -> float:
        """Round trip of a ``ping`` through the server (not the app), in seconds."""
        token = f"{time.perf_counter_ns()}"
        t = await self.send(["ping", token])
        deadline = t + timeout
        async with self._changed:
            while ["pong", token] not in self.texts:
                if self.closed or time.perf_counter() > deadline:
                    raise TimeoutError(f"{self.name}: no pong")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), deadline - time.perf_counter())
        return time.perf_counter() - t


async def wait_all(clients: Sequence[ScreenClient], needle: Needle, timeout: float = 30.0) -> list[float]:
    """Wait until every client shows ``needle``; each client's arrival time, in order."""
    return list(await asyncio.gather(*(c.wait_for(needle, timeout) for c in clients)))


# --- the server process ------------------------------------------------------------------------


@dataclass
class ServedSim:
    """``python -m sim serve ARGS --port 0`` (or another server command) as a subprocess.

    :meth:`start` waits for the line that names the address and reads the port from it, so
    no port is guessed. stderr (the server's log) is collected in :attr:`log`.
    """

    args: Sequence[str] = ()
    env: dict[str, str] | None = None
    argv: Sequence[str] | None = None  # the whole command; default: python -m sim serve ARGS --port 0
    cwd: str | Path | None = None
    process: asyncio.subprocess.Process | None = None
    url: str = ""
    port: int = 0
    stdout: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    _pumps: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self, timeout: float = 60.0) -> ServedSim:
        argv = list(self.argv) if self.argv is not None else [sys.executable, "-m", "sim", "serve", *self.args, "--port", "0"]
        self.process = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=self.env, cwd=self.cwd
        )
        ready = asyncio.get_running_loop().create_future()
        self._pumps = [asyncio.create_task(self._pump(self.process.stdout, self.stdout, ready)), asyncio.create_task(self._pump(self.process.stderr, self.log, None))]
        try:
            await asyncio.wait_for(asyncio.shield(ready), timeout)
        except TimeoutError:
            await self.kill()
            raise TimeoutError(f"the server did not say where it listens within {timeout:.0f} s; its log:\n" + "".join(self.log)) from None
        if not self.url:
            await self.wait()
            raise RuntimeError(f"the server exited ({self.process.returncode}) before listening; its log:\n" + "".join(self.log))
        return self

    async def _pump(self, stream: asyncio.StreamReader | None, into: list[str], ready: asyncio.Future[None] | None) -> None:
        assert stream is not None
        try:
            while line := await stream.readline():
                text = line.decode("utf-8", "replace")
                into.append(text)
                found = re.search(r"(http://[^\s]+):(\d+)", text)
                if ready is not None and found and not ready.done():
                    self.url, self.port = f"{found.group(1)}:{found.group(2)}", int(found.group(2))
                    ready.set_result(None)
        finally:
            if ready is not None and not ready.done():
                ready.set_result(None)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def client(self, width: int = 120, height: int = 36, name: str = "", screen: bool = True) -> ScreenClient:
        return ScreenClient(self.url, width, height, name, screen)

    def app_pids(self) -> list[int]:
        """The app processes the server has running now (one per connection)."""
        return app_pids(self.pid)

    async def wait(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        code = await asyncio.wait_for(self.process.wait(), timeout)
        for pump in self._pumps:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pump, 5)
        return code

    async def stop(self, sig: int = signal.SIGINT, timeout: float = 30.0) -> int:
        """Signal the server (SIGINT is Ctrl+C) and wait for it to exit; returns its exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await self.wait(timeout)

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.wait()

    async def __aenter__(self) -> ServedSim:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(Exception):
                await self.stop(timeout=30)
            await self.kill()


# --- processes (Linux /proc) -------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()  # the fields after "(comm)", from field 3 (state)


def app_pids(server_pid: int) -> list[int]:
    """The live child processes of ``server_pid`` (zombies left out), by /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = _stat_fields(int(entry.name))
            if int(fields[1]) == server_pid and fields[0] != "Z":
                out.append(int(entry.name))
    return sorted(out)


def alive(pid: int) -> bool:
    try:
        return _stat_fields(pid)[0] != "Z"
    except (OSError, IndexError):
        return False


def rss_kib(pid: int) -> int:
    """Resident set size (KiB): every page the process has in memory, shared ones included."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError(f"no VmRSS for {pid}")


def pss_kib(pid: int) -> int:
    """Proportional set size (KiB): shared pages divided among the processes sharing them,
    so the sum over the apps is what they cost together."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    raise ValueError(f"no Pss for {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (fields 14 and 15)


def cpu_over(pids: Iterable[int], seconds: float) -> dict[int, float]:
    """CPU seconds each process uses during the next ``seconds`` (blocking; call in a thread)."""
    pids = list(pids)
    before = {p: cpu_seconds(p) for p in pids}
    time.sleep(seconds)
    return {p: cpu_seconds(p) - before[p] for p in pids if alive(p)}


# --- a real browser (headless Chromium over the DevTools protocol) ---------------------------------

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Every name but loopback fails at once: the page's web font is not fetched and
    # nothing leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--remote-debugging-port=0", "--window-size=1280,800",
)  # fmt: skip

# Runs in the page: find the page's terminal object (textual-serve keeps it in a closure,
# so it is found among the page's objects) and read xterm.js's buffer, which holds
# exactly the characters the page draws.
_READ_TERMINAL = """function () {
  for (const o of this) {
    try {
      if (o && o.terminal && o.terminal.buffer && o.terminal.buffer.active && o.fitAddon) {
        const buffer = o.terminal.buffer.active, rows = [];
        for (let y = 0; y < o.terminal.rows; y++) {
          const line = buffer.getLine(buffer.viewportY + y);
          rows.push(line ? line.translateToString(true) : "");
        }
        return {cols: o.terminal.cols, rows: rows};
      }
    } catch (e) {}
  }
  return null;
}"""


def find_chromium() -> str | None:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


class Chromium:
    """Headless Chromium driven over the DevTools protocol (aiohttp's websocket client).

    ``async with Chromium(path) as browser: page = await browser.open(url)``, then
    :meth:`terminal_text`, :meth:`wait_for`, :meth:`type` and :meth:`screenshot`.
    """

    def __init__(self, executable: str, profile: str | Path) -> None:
        self.executable, self.profile = executable, str(profile)
        self.process: asyncio.subprocess.Process | None = None
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = 0
        self._replies: dict[int, asyncio.Future[dict]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.session: str | None = None
        self.stderr: list[str] = []

    async def __aenter__(self) -> Chromium:
        self.process = await asyncio.create_subprocess_exec(
            self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank",
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        assert self.process.stderr is not None
        endpoint = None
        async with asyncio.timeout(60):
            while line := await self.process.stderr.readline():
                text = line.decode("utf-8", "replace")
                self.stderr.append(text)
                if found := re.search(r"DevTools listening on (ws://\S+)", text):
                    endpoint = found.group(1)
                    break
        if endpoint is None:
            await self.__aexit__()
            raise RuntimeError("Chromium did not start:\n" + "".join(self.stderr[-20:]))
        self._drain = asyncio.create_task(self._drain_stderr())
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(endpoint, max_msg_size=0)
        self._reader = asyncio.create_task(self._read())
        return self

    async def _drain_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.stderr.append(line.decode("utf-8", "replace"))

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = message.json()
            future = self._replies.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)
        for future in self._replies.values():
            if not future.done():
                future.set_exception(ConnectionError("DevTools connection closed"))

    async def call(self, method: str, params: dict | None = None, session: bool = True, timeout: float = 30.0) -> dict:
        """One DevTools command; its result (an error raises RuntimeError)."""
        assert self._ws is not None
        self._ids += 1
        message: dict[str, object] = {"id": self._ids, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        future = self._replies[self._ids] = asyncio.get_running_loop().create_future()
        await self._ws.send_json(message)
        reply = await asyncio.wait_for(future, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    async def open(self, url: str) -> None:
        """Open ``url`` in a new tab and attach to it (later calls go to that tab)."""
        target = (await self.call("Target.createTarget", {"url": url}, session=False))["targetId"]
        self.session = (await self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False))["sessionId"]

    async def terminal_rows(self) -> list[str] | None:
        """The rows xterm.js holds in the page now, or None before the terminal exists."""
        try:
            proto = (await self.call("Runtime.evaluate", {"expression": "Object.prototype", "objectGroup": "probe"}))["result"]["objectId"]
            objects = (await self.call("Runtime.queryObjects", {"prototypeObjectId": proto, "objectGroup": "probe"}))["objects"]["objectId"]
            result = await self.call("Runtime.callFunctionOn", {"functionDeclaration": _READ_TERMINAL, "objectId": objects, "returnByValue": True})
            await self.call("Runtime.releaseObjectGroup", {"objectGroup": "probe"})
        except RuntimeError as exc:
            if "context" in str(exc).lower():  # the page navigated between two calls: not loaded yet
                return None
            raise
        value = result["result"].get("value")
        return None if value is None else [row.rstrip() for row in value["rows"]]

    async def wait_for(self, needle: Needle, timeout: float = 60.0, every: float = 0.25) -> list[str]:
        """Poll the page's terminal until it shows ``needle``; returns its rows."""
        match = _matcher(needle)
        deadline = time.perf_counter() + timeout
        rows: list[str] | None = None
        while time.perf_counter() < deadline:
            rows = await self.terminal_rows()
            if rows is not None and match("\n".join(rows)):
                return rows
            await asyncio.sleep(every)
        shown = "\n".join(rows) if rows is not None else "(no terminal in the page)"
        raise TimeoutError(f"the browser did not show {needle!r} within {timeout:.0f} s; it shows:\n{shown}")

    async def type(self, text: str) -> None:
        """Focus the terminal and type ``text`` as keyboard input (through xterm.js)."""
        await self.call("Runtime.evaluate", {"expression": "document.querySelector('.xterm-helper-textarea').focus()"})
        await self.call("Input.insertText", {"text": text})

    async def screenshot(self, path: str | Path) -> int:
        import base64

        data = base64.b64decode((await self.call("Page.captureScreenshot", {"format": "png"}))["data"])
        Path(path).write_bytes(data)
        return len(data)

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self.call("Browser.close", session=False, timeout=10)
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
        if self.process is not None:
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        for task in (self._reader, getattr(self, "_drain", None)):
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
