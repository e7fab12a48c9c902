"""The web server behind ``sim serve``: textual-serve, with the parts a class needs changed.

textual-serve gives the page (xterm.js in the browser), its static files, the file
downloads and :class:`~textual_serve.app_service.AppService`, which runs one app
process per websocket and relays its terminal output. What this module changes, and why:

- **No shell.** textual-serve starts ``sh -c COMMAND``; we start the :class:`Launch`'s
  argument list, in a new session so a Ctrl+C typed at the server's terminal reaches
  the server only, which then stops each app in order.
- **Where a connection comes from.** A browser sends ``Origin`` with every websocket
  handshake; a page from another site (which any student or teacher may have open)
  could otherwise drive an app on this machine. A websocket whose ``Origin`` is not this
  server is refused, and while the server listens on loopback only a ``Host`` that is
  not a loopback name is refused too (DNS rebinding).
- **The page's addresses** come from the ``Host`` the browser used (checked), so a
  server listening on ``0.0.0.0`` gives students a page that connects back to the
  address they typed, not to ``0.0.0.0``.
- **Every message is checked** (type, shape, sizes: a resize to a million columns would
  make the app allocate a million-column screen); a malformed one ends that connection
  only, with one line in the log.
- **Bounded lives.** When an app exits or is killed the browser's socket is closed (it
  shows "Session ended", with Restart); stopping an app that does not quit within
  :data:`QUIT_GRACE` seconds kills its process group; at most ``max_connections`` apps
  run at once and the next browser is told so in its terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp_jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from sim.serve.hosts import HOST_HEADER, is_loopback, split_host
from sim.serve.launch import Connection, Launch, Launcher, new_connection_id

log = logging.getLogger("sim.serve")

TITLE = "Diplomatic scenario simulator"
QUIT_GRACE = 5.0  # seconds an app gets to quit before its process group is killed
MAX_COLUMNS, MAX_ROWS = 500, 200  # a terminal larger than this is clamped to it
MAX_STDIN = 64 * 1024  # characters in one stdin message (a paste); more ends the connection
MAX_MESSAGE = 256 * 1024  # bytes in one websocket message
# textual-serve's page links a web font from Google for its loading dialog: on a class
# network every student's browser would ask a third party for it (and wait, offline). The
# page falls back to the browser's monospace font; everything else it loads is ours.
LINK = re.compile(r"<link\b[^>]*\bhref=\"(?P<href>[^\"]*)\"[^>]*>\s*", re.IGNORECASE)


def without_offsite_links(page: str, own: str) -> str:
    """``page`` without the <link>s to anywhere but ``own`` (this server's static URL)."""
    return LINK.sub(lambda m: m.group(0) if m.group("href").startswith(own) else "", page)



class ProtocolError(Exception):
    """A browser sent something the protocol does not allow; its connection is closed."""


def bounded_int(value: object, default: int, low: int, high: int) -> int:
    """An integer from an untrusted value (a query parameter, a JSON field), clamped to low..high."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return default
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        return default
    return max(low, min(int(text), high))


def bounded_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size from untrusted values: clamped to 1..MAX, else 80x24."""
    return bounded_int(width, 80, 1, MAX_COLUMNS), bounded_int(height, 24, 1, MAX_ROWS)


def _die_with_server() -> Callable[[], None] | None:
    """For the child, between fork and exec: be sent SIGTERM when the server dies.

    Without it a server killed outright (kill -9, a crash, a closed laptop lid that the
    OS resolves with SIGKILL) leaves every app running, orphaned, forever: the web driver
    does not exit when its input closes. SIGTERM lets the app quit as it would on Ctrl+C.
    Linux only (prctl); elsewhere the orphans remain that risk.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not in the forked child
    server = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != server:  # the server died before prctl took effect
            os._exit(1)

    return preexec


_PR_SET_PDEATHSIG = 1


class SimAppService(AppService):
    """One connection's app process, started from an argument list and bounded in time."""

    def __init__(self, launch: Launch, **kwargs: Any) -> None:
        super().__init__(" ".join(launch.argv), **kwargs)
        self.launch = launch
        self.exited = asyncio.Event()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def _open_app_process(self, width: int = 80, height: int = 24):
        env = self._build_environment(width=width, height=height)
        env.update(self.launch.env)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.launch.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=self.launch.cwd,
            start_new_session=True,  # the server's terminal's Ctrl+C is the server's to handle
            preexec_fn=_die_with_server(),
        )
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            # The app has gone (it quit, crashed or was killed): reap it and tell the
            # browser, which then offers to restart; textual-serve would leave it hanging.
            self.exited.set()
            with contextlib.suppress(Exception):
                await self.remote_close()

    async def stop(self) -> None:
        """Ask the app to quit; kill its process group if it has not within QUIT_GRACE s."""
        task = self._task
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(super().stop()), QUIT_GRACE)
        except TimeoutError:
            log.warning("an app did not quit within %ss; killing it", QUIT_GRACE)
            self.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, QUIT_GRACE)
        await self.reap()

    def kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)

    async def reap(self) -> None:
        if self._process is None:
            return
        try:
            await asyncio.wait_for(self._process.wait(), QUIT_GRACE)
        except TimeoutError:
            self.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._process.wait(), QUIT_GRACE)


class SimServer(Server):
    """textual-serve's server with our launcher, checks and bounds (see the module doc)."""

    def __init__(self, launcher: Launcher, host: str = "127.0.0.1", port: int = 8000, *, max_connections: int) -> None:
        super().__init__("python -m sim", host=host, port=port, title=TITLE)
        self.launcher = launcher
        self.max_connections = max_connections
        self.loopback_only = is_loopback(host)
        self.services: set[SimAppService] = set()
        self.sockets: set[web.WebSocketResponse] = set()

    # --- the page ---------------------------------------------------------------------------

    def checked_host(self, request: web.Request) -> str:
        """The request's Host header, refused when malformed or (on loopback) not loopback."""
        host = request.headers.get("Host", "")
        if not HOST_HEADER.match(host):
            raise web.HTTPBadRequest(text="bad Host header\n")
        if self.loopback_only and not is_loopback(split_host(host)):
            raise web.HTTPForbidden(text="this server answers only to its loopback address\n")
        return host

    async def handle_index(self, request: web.Request) -> web.Response:
        host = self.checked_host(request)
        scheme = "https" if request.secure else "http"
        context = {
            "font_size": bounded_int(request.query.get("fontsize"), 16, 6, 64),
            "app_websocket_url": f"{'wss' if scheme == 'https' else 'ws'}://{host}/ws",
            "config": {"static": {"url": f"{scheme}://{host}/static/"}},
            "application": {"name": self.title},
        }
        page = aiohttp_jinja2.render_template("app_index.html", request, context)
        page.text = without_offsite_links(page.text, context["config"]["static"]["url"])
        return page

    # --- one connection ---------------------------------------------------------------------

    def check_origin(self, request: web.Request, host: str) -> None:
        origin = request.headers.get("Origin")
        if origin is None:
            return  # not a browser (a browser always sends one); the Host check still applied
        expected = {f"http://{host}", f"https://{host}"}
        if origin not in expected:
            raise web.HTTPForbidden(text="cross-origin websocket refused\n")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        host = self.checked_host(request)
        self.check_origin(request, host)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await websocket.prepare(request)
        if len(self.services) >= self.max_connections:
            log.warning("refused a connection from %s: %d apps already running", request.remote, len(self.services))
            await websocket.send_bytes(f"\r\nThis server is full ({self.max_connections} connections). Try again later.\r\n".encode())
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER)
            return websocket
        width, height = bounded_size(request.query.get("width", "80"), request.query.get("height", "24"))
        connection = Connection(new_connection_id(), width, height, str(request.remote))
        service: SimAppService | None = None
        self.sockets.add(websocket)
        try:
            service = SimAppService(
                self.launcher(connection),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            self.services.add(service)
            await service.start(width, height)
            log.info("connection %s from %s: app pid %s (%d running)", connection.id, connection.peer, service.pid, len(self.services))
            await self.relay(websocket, service)
        except ProtocolError as exc:
            log.warning("connection %s: %s; closing it", connection.id, exc)
        except (ConnectionError, asyncio.CancelledError):
            pass
        except Exception as exc:  # one connection's failure must not take the server down
            log.error("connection %s failed: %s: %s", connection.id, type(exc).__name__, exc)
        finally:
            self.sockets.discard(websocket)
            with contextlib.suppress(Exception):
                await websocket.close()
            if service is not None:
                await service.stop()
                self.services.discard(service)
                log.info("connection %s closed (%d running)", connection.id, len(self.services))
        return websocket

    async def relay(self, websocket: web.WebSocketResponse, service: SimAppService) -> None:
        """Browser to app: the messages textual-serve's page sends, each checked."""
        async for message in websocket:
            if message.type == WSMsgType.BINARY:
                raise ProtocolError("a binary message (the page sends only JSON text)")
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                raise ProtocolError("a message that is not JSON") from None
            if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                raise ProtocolError("a message that is not [type, ...]")
            kind, args = envelope[0], envelope[1:]
            if kind == "stdin" and len(args) == 1 and isinstance(args[0], str):
                if len(args[0]) > MAX_STDIN:
                    raise ProtocolError(f"stdin of {len(args[0])} characters")
                await service.send_bytes(args[0].encode("utf-8", "replace"))
            elif kind == "resize" and len(args) == 1 and isinstance(args[0], dict):
                await service.set_terminal_size(*bounded_size(args[0].get("width"), args[0].get("height")))
            elif kind == "ping" and len(args) == 1 and isinstance(args[0], str) and len(args[0]) <= 64:
                await websocket.send_json(["pong", args[0]])
            elif kind == "focus" and not args:
                await service.focus()
            elif kind == "blur" and not args:
                await service.blur()
            else:
                raise ProtocolError(f"an unknown or malformed {kind[:20]!r} message")

    # --- start and stop ---------------------------------------------------------------------

    def initialize_logging(self) -> None:
        pass  # the command sets up logging (one line per event, no Rich tracebacks)

    async def on_startup(self, app: web.Application) -> None:
        pass  # the command prints where to connect once the port is bound

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every browser's socket; each handler then stops its app."""
        for websocket in list(self.sockets):
            with contextlib.suppress(Exception):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")

    async def run(self, ready: Callable[[Sequence[Any]], None], stop: asyncio.Event) -> None:
        """Listen until ``stop`` is set; ``ready`` gets the bound addresses. Bind errors raise OSError."""
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None, shutdown_timeout=QUIT_GRACE * 2)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            ready(runner.addresses)
            await stop.wait()
        finally:
            await runner.cleanup()
            for service in list(self.services):  # any handler that did not finish in time
                service.kill()
                await service.reap()
