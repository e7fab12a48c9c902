"""`sim serve` end to end: a real server process on loopback, real websocket clients speaking
textual-serve's protocol (aiohttp), screens read through a terminal emulator as a browser
would draw them. What the screens must show is derived from the scenario through the engine
(its title, the labels of the options on offer), not written into the tests.

Every server listens on 127.0.0.1 with --port 0 (it prints the port it got), except the one
test that checks the warning printed for --host 0.0.0.0, which sends nothing to it.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from sim.serve.testing import ScreenClient, ServedSim, alive, app_pids

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "ceasefire_30_day.yaml"
SEED = 1
WAIT = 60.0  # generous: an app's first frame takes about a second alone, far more on a busy CI machine


@pytest.fixture(scope="module")
def scenario():
    from sim.format import load_scenario

    return load_scenario(SCENARIO)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return dict(os.environ, SIM_STATE_DIR=str(tmp_path / "state"))


def first_labels(scenario, *path: int) -> tuple[str, str]:
    """(the first option's label now, the first option's label after choosing the options at
    ``path`` indices), cut to what fits any layout's column."""
    from sim.engine.session import Session

    session = Session(scenario, SEED)
    before = session.options()[0].act.label
    for index in path:
        session.choose(session.options()[index].act.id)
    return before[:24], session.options()[0].act.label[:24]


def served(env, *args: str) -> ServedSim:
    return ServedSim([*args, "--seed", str(SEED)] if args else [], env=env)


def sim_serve(*args: str, env=None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", "serve", *args], capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL)


# --- the command line ------------------------------------------------------------------------------


def test_a_port_in_use_is_one_line_and_exit_5(env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = sim_serve(str(SCENARIO), "--port", str(port), env=env)
    assert out.returncode == 5
    assert out.stderr.strip().splitlines() == [f"sim serve: cannot listen on 127.0.0.1:{port}: the port is in use (another server? choose another --port, or --port 0 for any free one)"]
    assert out.stdout == ""


def test_a_host_that_is_not_this_machine_is_exit_5(env):
    # 192.0.2.1 is reserved for documentation: no machine has it, so binding fails here at
    # once (EADDRNOTAVAIL) and nothing is sent anywhere.
    out = sim_serve("--host", "192.0.2.1", "--port", "0", env=env)
    assert out.returncode == 5
    assert out.stderr.strip().splitlines() == ["sim serve: cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "no such host!"], "argument --host: not an IP address or host name: 'no such host!'"),
        (["--host", "\x1b[31mred"], "argument --host: not an IP address or host name: '\\x1b[31mred'"),
        (["--port", "65536"], "argument --port: not a port number (0-65535): '65536'"),
        (["--port", "-1"], "argument --port: not a port number (0-65535): '-1'"),
        (["--max-connections", "0"], "argument --max-connections: not a number from 1 to 10000: '0'"),
    ],
)
def test_bad_arguments_are_usage_errors(env, args, message):
    out = sim_serve(*args, env=env)
    assert out.returncode == 2
    assert out.stderr.splitlines()[-1] == f"sim serve: error: {message}"
    assert "\x1b" not in out.stderr  # a control character in the argument is not echoed


def test_an_unknown_scenario_is_exit_1_before_listening(env):
    out = sim_serve("no_such_scenario", "--port", "0", env=env)
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("no_such_scenario: error:")
    assert out.stdout == ""


async def test_host_0000_prints_the_warning_and_ctrl_c_stops_it(env):
    async with ServedSim(["--host", "0.0.0.0"], env=env) as server:
        assert server.url.startswith("http://127.0.0.1:")  # the teacher's own browser
        code = await server.stop(signal.SIGINT)
    log = "".join(server.log)
    assert code == 0
    assert "WARNING: listening on 0.0.0.0" in log and "anyone who can reach it" in log and "Students open: http://" in log


# --- one browser ------------------------------------------------------------------------------------


async def test_the_served_app_shows_the_scenario_answers_keys_and_quits(env, scenario):
    first, after = first_labels(scenario, 0)
    async with served(env, str(SCENARIO)) as server, server.client(name="student") as client:
        await client.wait_for(scenario.title, WAIT)
        await client.wait_for(first, WAIT)
        assert after not in client.text()
        [pid] = server.app_pids()
        # The app runs this project's `python -m sim play` with the server's interpreter, no shell.
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
        assert [a.decode() for a in argv] == [sys.executable, "-m", "sim", "play", str(SCENARIO), "--seed", str(SEED)]
        # A resize to a billion columns is clamped (the app would allocate that screen), not obeyed.
        await client.send(["resize", {"width": 10**9, "height": "999999"}])
        await client.resize(100, 30)
        sent = await client.press("1")
        shown = await client.wait_for(after, WAIT)
        assert shown > sent
        # The cheap wait the benchmark uses finds it in the raw output, in the same message
        # or (if drawn in pieces) a later one, never before the screen had it.
        assert shown <= await client.wait_for_output(after, sent, WAIT)
        assert await client.ping() < WAIT
    # Quitting the app (nothing unsaved, so it does not ask) ends the browser's session.
    async with served(env, str(SCENARIO)) as server, server.client(name="quitter") as client:
        await client.wait_for(first, WAIT)
        [pid] = server.app_pids()
        await client.press("q")
        await client.wait_closed(WAIT)
        await _until(lambda: not alive(pid), "the app to exit")
        assert server.app_pids() == []


async def test_with_no_scenario_each_browser_gets_the_picker(env):
    from sim.format.catalog import catalog

    titles = [entry.title for entry in catalog(REPO / "scenarios")]
    assert len(titles) > 1
    async with ServedSim([], env=dict(env, SIM_SCENARIOS=str(REPO / "scenarios"))) as server, server.client(100, 60) as client:  # tall enough for every entry
        for title in titles:
            await client.wait_for(title, WAIT)


# --- several browsers -------------------------------------------------------------------------------


async def test_each_connection_is_its_own_app_in_its_own_folder(env, scenario, tmp_path):
    first, after = first_labels(scenario, 0)
    async with served(env, str(SCENARIO)) as server, server.client(name="a") as a, server.client(name="b") as b:
        await asyncio.gather(a.wait_for(first, WAIT), b.wait_for(first, WAIT))
        pids = server.app_pids()
        assert len(pids) == 2
        folders = {pid: Path(os.readlink(f"/proc/{pid}/cwd")) for pid in pids}
        assert len(set(folders.values())) == 2
        assert all(f.parent == tmp_path / "state" / "served" for f in folders.values())
        await a.press("1")
        await a.wait_for(after, WAIT)
        await b.wait_quiet(0.5, WAIT)
        assert after not in b.text() and first in b.text()  # b's app never saw a's key
        # a's step was kept in a's folder's session store only (b has done nothing to keep)
        saved = await _until(lambda: [f for f in folders.values() if _stored_sessions(f)], "a's stored session")
        assert len(saved) == 1


def _stored_sessions(folder: Path) -> list:
    from sim.store.db import Store

    if not (folder / "sessions.db").exists():
        return []
    store = Store.open(folder / "sessions.db")
    try:
        return store.sessions()
    finally:
        store.close()


async def test_a_killed_app_closes_its_socket_and_a_reconnect_gets_a_fresh_one(env, scenario):
    first, after = first_labels(scenario, 0)
    async with served(env, str(SCENARIO)) as server, server.client(name="victim") as victim, server.client(name="bystander") as bystander:
        await asyncio.gather(victim.wait_for(first, WAIT), bystander.wait_for(first, WAIT))
        await victim.press("1")
        await victim.wait_for(after, WAIT)
        folder_of = {pid: Path(os.readlink(f"/proc/{pid}/cwd")) for pid in server.app_pids()}
        [victim_pid] = await _until(lambda: [pid for pid, f in folder_of.items() if _stored_sessions(f)], "the victim's stored session")
        os.kill(victim_pid, signal.SIGKILL)
        await victim.wait_closed(WAIT)
        # The other browser's app is untouched and still answers.
        await bystander.press("1")
        await bystander.wait_for(after, WAIT)
        # The browser reconnects (the page's Restart): a new app, first screen, working keys.
        async with server.client(name="victim again") as again:
            await again.wait_for(first, WAIT)
            await again.press("1")
            await again.wait_for(after, WAIT)
            assert victim_pid not in server.app_pids() and len(server.app_pids()) == 2
        # What the killed app had shown was committed first: its stored session exports and replays to that step.
        folder = folder_of[victim_pid]
        [kept] = _stored_sessions(folder)
        assert kept.steps == 1
        exported = folder / "victim.yaml"
        export = subprocess.run([sys.executable, "-m", "sim", "sessions", "export", str(kept.id), "-o", str(exported)], capture_output=True, text=True, env=dict(env, SIM_STATE_DIR=str(folder)), timeout=120)
        assert export.returncode == 0, export.stderr
        replay = subprocess.run([sys.executable, "-m", "sim", "run", str(SCENARIO), "--script", str(exported)], capture_output=True, text=True, env=env, timeout=120)
        assert replay.returncode == 0, replay.stderr
        assert scenario.title in replay.stdout


async def test_stopping_the_server_closes_every_app_and_it_starts_again_on_the_same_port(env, scenario):
    first, after = first_labels(scenario, 0)
    server = await served(env, str(SCENARIO)).start()
    port = server.port
    clients = [await server.client(name=f"seat {i}").connect() for i in range(3)]
    await asyncio.gather(*(c.wait_for(first, WAIT) for c in clients))
    pids = server.app_pids()
    assert len(pids) == 3
    assert await server.stop(signal.SIGINT) == 0  # Ctrl+C
    assert "stopped; every app closed" in "".join(server.log)
    assert not [pid for pid in pids if alive(pid)]
    for c in clients:
        assert await c.wait_closed(WAIT) == aiohttp.WSCloseCode.GOING_AWAY
        await c.close()
    async with ServedSim([str(SCENARIO), "--seed", str(SEED), "--port", str(port)], env=env, argv=[sys.executable, "-m", "sim", "serve", str(SCENARIO), "--seed", str(SEED), "--port", str(port)]) as again:
        assert again.port == port
        async with again.client() as client:
            await client.wait_for(first, WAIT)
            await client.press("1")
            await client.wait_for(after, WAIT)


async def test_a_server_killed_outright_takes_its_apps_with_it(env, scenario):
    server = await served(env, str(SCENARIO)).start()
    clients = [await server.client().connect() for _ in range(2)]
    await asyncio.gather(*(c.wait_for(first_labels(scenario)[0], WAIT) for c in clients))
    pids = server.app_pids()
    server.process.kill()  # kill -9: no chance to stop anything
    await server.wait()
    await _until(lambda: not [pid for pid in pids if alive(pid)], "the orphaned apps to exit")
    for c in clients:
        await c.wait_closed(WAIT)
        await c.close()


async def test_over_max_connections_a_browser_is_told_the_server_is_full(env, scenario):
    async with ServedSim([str(SCENARIO), "--max-connections", "1"], env=env) as server, server.client(name="first") as first:
        await first.wait_for(first_labels(scenario)[0], WAIT)
        async with server.client(name="second") as second:
            assert await second.wait_closed(WAIT) == aiohttp.WSCloseCode.TRY_AGAIN_LATER
            assert "This server is full (1 connections)" in second.text()
        assert len(server.app_pids()) == 1


# --- what the server refuses ------------------------------------------------------------------------


MALFORMED = {
    "not JSON": "not json",
    "not a list": '{"not": "a list"}',
    "an unknown type": '["nonsense"]',
    "stdin that is not text": '["stdin", 42]',
    "stdin over 64 KiB": '["stdin", "' + "x" * (64 * 1024 + 1) + '"]',
    "a resize that is not an object": '["resize", "80x24"]',
    "focus with arguments": '["focus", "extra"]',
    "a binary message": b"\x00binary",
}


async def test_a_malformed_message_ends_that_connection_only(env, scenario):
    first, after = first_labels(scenario, 0)
    async with served(env, str(SCENARIO)) as server, server.client(name="good") as good:
        await good.wait_for(first, WAIT)
        [good_pid] = server.app_pids()

        async def misbehave(what: str, message: str | bytes) -> None:
            async with server.client(name=what) as bad:
                await bad.wait_until(lambda: bad.first_output_at is not None, WAIT, "the app's first output")
                await (bad.ws.send_bytes(message) if isinstance(message, bytes) else bad.ws.send_str(message))
                await bad.wait_closed(WAIT)

        await asyncio.gather(*(misbehave(what, message) for what, message in MALFORMED.items()))
        await _until(lambda: server.app_pids() == [good_pid], "every misbehaving connection's app to stop")
        await good.press("1")
        await good.wait_for(after, WAIT)
    log = "".join(server.log)
    assert log.count("closing it") == len(MALFORMED), log
    assert "Traceback" not in log


async def test_cross_origin_and_foreign_host_requests_are_refused(env, scenario):
    async with served(env, str(SCENARIO)) as server, aiohttp.ClientSession() as http:
        ws_url = f"{server.url}/ws"
        for headers in ({"Origin": "http://evil.example"}, {"Host": "evil.example"}, {"Host": "bad host"}):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(ws_url, headers=headers)
            assert refused.value.status in (400, 403)
        assert server.app_pids() == []  # no app was started for any of them
        async with http.get(server.url, headers={"Host": "evil.example"}) as page:
            assert page.status == 403  # DNS rebinding: a loopback server answers only to loopback names
        # The page a browser gets points its websocket back at the address it used.
        async with http.get(server.url.replace("127.0.0.1", "localhost")) as page:
            assert page.status == 200
            text = await page.text()
            assert f'data-session-websocket-url="ws://localhost:{server.port}/ws"' in text
            # it loads nothing from anywhere else (textual-serve's page linked a Google font)
            own = f"http://localhost:{server.port}/"
            assert "xterm.css" in text and "textual.js" in text
            assert [u for u in re.findall(r'(?:href|src)="(https?://[^"]*)"', text) if not u.startswith(own)] == []
        # Same origin is allowed, as a browser sends it.
        async with server.client() as client:
            await client.wait_for(first_labels(scenario)[0], WAIT)
        origin = {"Origin": server.url}
        ws = await http.ws_connect(ws_url, headers=origin)
        await ws.close()


async def _until(test, what: str, timeout: float = WAIT, every: float = 0.1):
    """Poll ``test()`` until it is truthy; returns its value."""
    deadline = time.perf_counter() + timeout
    while not (value := test()):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(every)
    return value


def test_a_client_without_a_screen_refuses_to_read_one():
    client = ScreenClient("http://127.0.0.1:1", screen=False)
    with pytest.raises(RuntimeError, match="keeps no screen"):
        client.text()
    client.drop_output()
    with pytest.raises(RuntimeError, match="behind the output"):
        ScreenClient("http://127.0.0.1:1").drop_output()


def test_app_pids_sees_only_live_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in app_pids(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert child.pid not in app_pids(os.getpid())


def test_the_server_does_not_import_textual():
    """The server process stays small: only the apps it starts load Textual."""
    code = "import sys, sim.cli.serve, sim.serve.server, sim.serve.launch\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
