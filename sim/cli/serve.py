"""``sim serve``: the app in a browser, each connection its own process (sim.serve).

Listens on 127.0.0.1 unless ``--host`` says otherwise; a non-loopback host opens the app
to everyone who can reach this machine, so it is printed as a warning. The address to
open goes to stdout (one line, with the bound port, also when ``--port 0`` picked it);
everything else to stderr.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import re
import sys
from pathlib import Path

from sim.diagnostics import InputError
from sim.seeds import RANGE_TEXT, parse_seed

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_CONNECTIONS = 60  # each is a process of about 40 MB (PSS; docs/PERFORMANCE.md): a class fits, a flood does not
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``sim serve``."""
    parser.add_argument("scenario", nargs="?", help="a scenario file or id (default: each browser chooses from a list)")
    parser.add_argument("--seed", type=parse_seed, default=None, help=f"seed for rolls: {RANGE_TEXT} (default: 1)")
    parser.add_argument("--host", type=host_arg, default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST}, this machine only; 0.0.0.0 opens it to the network, with a warning)")
    parser.add_argument("--port", type=port_arg, default=DEFAULT_PORT, help=f"port to listen on (default: {DEFAULT_PORT}; 0: any free port, printed)")
    parser.add_argument("--class", dest="klass", action="store_true", help="serve a class: each browser picks a room (made with sim class) and types its code")
    parser.add_argument("--max-connections", type=count_arg, default=DEFAULT_MAX_CONNECTIONS, metavar="N", help=f"browsers served at once (default: {DEFAULT_MAX_CONNECTIONS}; each runs its own app process)")


def host_arg(text: str) -> str:
    """argparse type for --host: an IP address or a host name, nothing else."""
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        pass
    if _HOSTNAME.match(text):
        return text
    raise argparse.ArgumentTypeError(f"not an IP address or host name: {text!r}")


def port_arg(text: str) -> int:
    """argparse type for --port: 0 (any free port) to 65535."""
    if text.isascii() and text.isdigit() and int(text) <= 65535:
        return int(text)
    raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")


def count_arg(text: str) -> int:
    """argparse type for --max-connections: 1 to 10,000."""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 10_000:
        return int(text)
    raise argparse.ArgumentTypeError(f"not a number from 1 to 10000: {text!r}")


def bind_error(exc: OSError, host: str, port: int) -> str:
    """One line saying why the server could not listen."""
    import socket

    where = f"{host}:{port}"
    if isinstance(exc, socket.gaierror):
        return f"cannot listen on {where}: no such host here ({exc.strerror})"
    if exc.errno == errno.EADDRINUSE:
        return f"cannot listen on {where}: the port is in use (another server? choose another --port, or --port 0 for any free one)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {where}: {host} is not an address of this machine"
    if exc.errno == errno.EACCES:
        return f"cannot listen on {where}: permission denied (ports below 1024 need privileges)"
    return f"cannot listen on {where}: {exc.strerror or exc}"


def local_addresses() -> list[str]:
    """This machine's IPv4 addresses on its network interfaces, loopback left out (what
    students on the class network type). Asked of the kernel, interface by interface
    (SIOCGIFADDR; nothing is sent anywhere); elsewhere than Linux, the host name's addresses."""
    import socket

    found: list[str] = []
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for _, name in socket.if_nameindex():
                try:
                    packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))  # SIOCGIFADDR
                except OSError:
                    continue  # no IPv4 address on this interface
                found.append(socket.inet_ntoa(packed[20:24]))
    except (ImportError, OSError, AttributeError):
        try:
            found = [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)]
        except OSError:
            return []
    return list(dict.fromkeys(a for a in found if not ipaddress.ip_address(a).is_loopback))


def announce(host: str, port: int) -> None:
    """Where to connect (stdout), and the warning when the app is open to the network (stderr)."""
    import socket

    from sim.serve.hosts import is_loopback, is_wildcard, url_for

    here = "127.0.0.1" if is_wildcard(host) else host
    print(f"sim serve: open {url_for(here, port)} in a browser (Ctrl+C stops the server)", flush=True)
    if is_loopback(host):
        return
    students = [host] if not is_wildcard(host) else (local_addresses() or [socket.gethostname()])
    print(
        f"sim serve: WARNING: listening on {host}, not only this machine: anyone who can reach it on the\n"
        "  network can open the app, with no login. Use it only on a class network you trust, and stop\n"
        "  the server (Ctrl+C) when the class ends.\n"
        f"  Students open: {', '.join(url_for(a, port) for a in students)}",
        file=sys.stderr,
        flush=True,
    )


def serve(scenario: str | None, seed: int | None, host: str, port: int, max_connections: int, klass: bool = False) -> int:
    from sim.format.catalog import resolve, scenarios_dir
    from sim.serve.launch import class_launcher, play_launcher
    from sim.serve.server import SimServer
    from sim.store import state_dir

    if klass:
        if scenario is not None or seed is not None:
            from sim.diagnostics import UsageError

            raise UsageError("--class serves the rooms made with sim class, which have their scenario and seed: give no SCENARIO or --seed")
        state = state_dir().resolve()
        launcher = class_launcher(state / "served", state, scenarios_dir().resolve())
        return run_server(SimServer(launcher, host, port, max_connections=max_connections), f"the rooms are in {state / 'sessions.db'}")
    path: Path | None = None
    if scenario is not None:
        path = resolve(scenario).resolve()
        if not path.is_file():
            raise InputError.single(scenario, "no such scenario file")
    root = state_dir() / "served"
    launcher = play_launcher(root, path, seed, scenarios_dir().resolve())
    return run_server(SimServer(launcher, host, port, max_connections=max_connections), f"sessions are in {root}")


def run_server(server, kept: str = "") -> int:
    """Listen until SIGINT (Ctrl+C) or SIGTERM, then stop every app: 0, or 5 when it cannot listen."""
    import asyncio
    import logging
    import signal

    from sim.cli.main import OK, UNAVAILABLE

    logging.basicConfig(level=logging.INFO, format="sim serve: %(message)s", stream=sys.stderr)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)

        def ready(addresses) -> None:
            announce(server.host, addresses[0][1] if addresses else server.port)

        try:
            await server.run(ready, stop)
        except OSError as exc:
            print(f"sim serve: {bind_error(exc, server.host, server.port)}", file=sys.stderr)
            return UNAVAILABLE
        print(f"sim serve: stopped; every app closed{f' ({kept})' if kept else ''}", file=sys.stderr)
        return OK

    return asyncio.run(main())
