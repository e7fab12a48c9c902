"""Serving a class: N browser seats against one ``sim serve``, and the same against a
minimal Textual app served the same way (the floor).

    python bench/serve_load.py [SCENARIO] [--seats N] [--rounds K] [--idle S] [--repeat R] [--json FILE]

Each variant starts a real server process on a free loopback port and N websocket
clients in this process (:class:`sim.serve.testing.ScreenClient`, the protocol the
browser page speaks), each its own app process on the server. Terminal size 140x40
(what Chromium's page gets at 1280x800). Measured, per variant:

* **first screen**: from each client's connect to its app's first screen in its output
  (all N connect at once: a class arriving);
* **memory per app process** once every screen is up: RSS (shared pages counted in
  every process) and PSS (shared pages divided among the processes sharing them; the
  sum is what the apps cost together), and the server's RSS;
* **idle CPU** while everyone waits: CPU time of each app and of the server over
  ``--idle`` seconds with no input, as % of one core (an idle seat must not spin);
* **key to screen, one at a time**: each seat in turn sends a key while the others
  wait; from the key's send to the arrival of the output that shows the new state
  (``wait_for_output``: the text in the output since the key, escape sequences
  removed; the screen emulator is left out of the timed path because it costs this
  process ~2 ms per KB on the same two cores as the apps);
* **key to screen, all at once**: every seat sends its key at the same moment and each
  waits for its own new state (every app redraws at once: the load of a reveal that
  changes every seat's screen);
* **faults**: kill one app (SIGKILL) to its client's socket closing; that client
  reconnecting to its first screen; Ctrl+C (SIGINT) to the server's exit with N apps
  running; a restarted server to every seat back on its first screen.

The sim seats walk ``bench/ui_latency.py``'s seeded walk (digits, rolls, back; never to
an ending) on a shadow session, each key waiting for the new choices heading (when it
changed) and the new first choice. The floor's keys alternate ``n`` (one line changes)
and ``f`` (a screenful of new text of a new height), each waiting for ``key press N.``.
Figures: medians and p95 over every seat's keys; ratios sim / floor. The variants
alternate (floor, sim, then sim, floor...) so both see the same machine load.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common as c
import _pty as p
import ui_latency as ul

from sim.serve.testing import ScreenClient, ServedSim, cpu_over, pss_kib, rss_kib

COLS, ROWS = 140, 40
WAIT = 120.0


# --- the floor served: `python bench/serve_load.py --serve-floor` ------------------------------------


def serve_floor(port: int) -> int:
    """A SimServer whose connections each run the floor app (the reference)."""
    from sim.cli.serve import run_server
    from sim.serve.launch import Launch
    from sim.serve.server import SimServer

    floor = p.floor_app()
    root = Path(tempfile.mkdtemp(prefix="serve-floor-"))

    def launch(connection) -> Launch:
        folder = root / connection.id
        folder.mkdir()
        return Launch((sys.executable, str(floor)), folder)

    return run_server(SimServer(launch, "127.0.0.1", port, max_connections=1000))


# --- what each variant types and waits for --------------------------------------------------------


class SimWalk:
    """The seats' keys on the scenario: ui_latency's seeded walk on a shadow session."""

    name = "sim"

    def __init__(self, scenario: Path, seed: int = 11) -> None:
        from sim.engine.session import Session

        self.scn = c.load(scenario)
        self.session = Session(self.scn, 1)
        self.rng = random.Random(seed)
        self.last_forward = False
        self.scenario = scenario

    def argv(self, port: int = 0) -> list[str]:
        return [sys.executable, "-m", "sim", "serve", str(self.scenario), "--seed", "1", "--port", str(port), "--max-connections", "1000"]

    def first_screen(self) -> list[str]:
        return [ul.heading_mark(self.scn, self.session).decode()]

    def next(self) -> tuple[str, list[str]] | None:
        from sim.ui import present

        choice = ul.next_key(self.scn, self.session, self.rng, self.last_forward)
        if choice is None:
            return None
        key, kind = choice
        before = present.choice_heading(self.scn, self.session.node)
        ul.apply(self.session, key)
        self.last_forward = kind != "back"
        changed = present.choice_heading(self.scn, self.session.node) != before
        return key, [e.decode() for e in ul.expected_texts(self.scn, self.session, changed)]


class FloorKeys:
    name = "floor"

    def __init__(self) -> None:
        self.presses = 0

    def argv(self, port: int = 0) -> list[str]:
        return [sys.executable, str(Path(__file__)), "--serve-floor", str(port)]

    def first_screen(self) -> list[str]:
        return [p.FLOOR_MARK.decode()]

    def next(self) -> tuple[str, list[str]]:
        self.presses += 1
        return ("n" if self.presses % 2 else "f"), [f"key press {self.presses}."]


async def first_closed(clients: list[ScreenClient]) -> ScreenClient:
    """The first client whose socket the server closes."""
    deadline = time.perf_counter() + WAIT
    while time.perf_counter() < deadline:
        for cl in clients:
            if cl.closed:
                return cl
        await asyncio.sleep(0.005)
    raise TimeoutError("no client's socket closed")


async def shown(client: ScreenClient, needles: list[str], since: float) -> float:
    """When the last of ``needles`` arrived in the client's output after ``since``."""
    return max([await client.wait_for_output(n, since, WAIT) for n in needles])


# --- one variant ----------------------------------------------------------------------------------


async def run_variant(keys, seats: int, rounds: int, idle: float, state: Path) -> dict:
    env = p.child_env(state)
    out: dict = {"variant": keys.name, "seats": seats}
    server = await ServedSim(argv=keys.argv(), env=env).start(WAIT)
    try:
        # warm-up: one connection (fills the bytecode cache), not measured
        async with server.client(COLS, ROWS, "warm-up") as warm:
            await shown(warm, keys.first_screen(), 0.0)

        # Seat 0 also keeps a screen (pyte), to check once that the timed text is really on
        # screen; the others keep raw output only (see wait_for_output).
        clients = [server.client(COLS, ROWS, f"seat {i}", screen=i == 0) for i in range(seats)]
        await asyncio.gather(*(cl.connect() for cl in clients))
        marks = keys.first_screen()
        firsts = await asyncio.gather(*(shown(cl, marks, 0.0) for cl in clients))
        out["first_screen"] = [f - cl.connected_at for f, cl in zip(firsts, clients, strict=True)]
        await asyncio.gather(*(cl.wait_quiet(1.0, WAIT) for cl in clients))

        pids = server.app_pids()
        assert len(pids) == seats, (len(pids), seats)
        out["rss_kib"] = [rss_kib(pid) for pid in pids]
        out["pss_kib"] = [pss_kib(pid) for pid in pids]
        out["server_rss_kib"] = rss_kib(server.pid)

        harness0 = time.process_time()
        used = await asyncio.to_thread(cpu_over, [*pids, server.pid], idle)
        out["idle_harness_cpu"] = (time.process_time() - harness0) / idle
        out["idle_cpu_app"] = [used[pid] / idle for pid in pids if pid in used]
        out["idle_cpu_server"] = used.get(server.pid, 0.0) / idle

        # key to screen, one seat at a time (the others wait)
        solo = []
        for round_ in range(rounds):
            step = keys.next()
            if step is None:
                break
            key, needles = step
            for cl in clients:
                sent = await cl.press(key)
                solo.append(await shown(cl, needles, sent) - sent)
                await cl.wait_quiet(0.15, WAIT)
            if round_ == 0:  # the timed text is on seat 0's screen (checked once, untimed)
                for needle in needles:
                    await clients[0].wait_for(needle, WAIT)
        out["key_solo"] = solo

        # key to screen, every seat at once
        together, harness0, wall0 = [], time.process_time(), time.perf_counter()
        for _ in range(rounds):
            step = keys.next()
            if step is None:
                break
            key, needles = step
            sents = await asyncio.gather(*(cl.press(key) for cl in clients))
            arrivals = await asyncio.gather(*(shown(cl, needles, s) for cl, s in zip(clients, sents, strict=True)))
            together += [a - s for a, s in zip(arrivals, sents, strict=True)]
            await asyncio.gather(*(cl.wait_quiet(0.3, WAIT) for cl in clients))
        out["key_together"] = together
        out["together_harness_cpu"] = (time.process_time() - harness0) / (time.perf_counter() - wall0)

        for cl in clients[1:]:
            cl.drop_output()

        # faults: one app killed; its client reconnects
        victim, pid = clients[-1], server.app_pids()[-1]  # any app: each client has one
        t = time.perf_counter()
        os.kill(pid, signal.SIGKILL)
        closed = await first_closed(clients)
        out["kill_to_closed"] = closed.closed_at - t
        await closed.close()
        victim = closed
        again = server.client(COLS, ROWS, "reconnected", screen=False)
        await again.connect()
        out["reconnect_first_screen"] = await shown(again, marks, 0.0) - again.connected_at
        clients[clients.index(victim)] = again

        # Ctrl+C with every seat connected, then a restart on the same port
        port = server.port
        t = time.perf_counter()
        code = await server.stop(signal.SIGINT, WAIT)
        out["stop_seconds"] = time.perf_counter() - t
        out["stop_code"] = code
        for cl in clients:
            await cl.wait_closed(WAIT)
            await cl.close()
        t = time.perf_counter()
        server = await ServedSim(argv=keys.argv(port), env=env).start(WAIT)
        clients = [server.client(COLS, ROWS, f"seat {i} again", screen=False) for i in range(seats)]
        await asyncio.gather(*(cl.connect() for cl in clients))
        await asyncio.gather(*(shown(cl, marks, 0.0) for cl in clients))
        out["restart_all_back"] = time.perf_counter() - t
        for cl in clients:
            await cl.close()
    except BaseException:
        print(f"{keys.name}: failed; server exit code {server.process.returncode if server.process else None}; its log ends:\n" + "".join(server.log[-30:]), file=sys.stderr)
        raise
    finally:
        if server.process is not None and server.process.returncode is None:
            await server.stop(signal.SIGINT, WAIT)
    return out


# --- summary ------------------------------------------------------------------------------------


def summary(xs: list[float]) -> dict:
    return {"median": statistics.median(xs), "p95": p.percentile(xs, 95), "max": max(xs), "n": len(xs)}


def merge(runs: list[dict]) -> dict:
    """Pool the samples of repeated runs of one variant."""
    pooled: dict = {}
    for key in ("first_screen", "rss_kib", "pss_kib", "idle_cpu_app", "key_solo", "key_together"):
        pooled[key] = summary([x for r in runs for x in r[key]])
    for key in ("server_rss_kib", "idle_cpu_server", "idle_harness_cpu", "together_harness_cpu", "kill_to_closed", "reconnect_first_screen", "stop_seconds", "restart_all_back"):
        pooled[key] = summary([r[key] for r in runs])
    pooled["stop_codes"] = sorted({r["stop_code"] for r in runs})
    return pooled


def report(sim: dict, floor: dict, seats: int) -> None:
    def ms(d: dict) -> str:
        return f"{d['median'] * 1e3:.0f} ms / {d['p95'] * 1e3:.0f} ms"

    def mb(d: dict) -> str:
        return f"{d['median'] / 1024:.1f} MB / {d['max'] / 1024:.1f} MB"

    def pct(d: dict) -> str:
        return f"{d['median'] * 100:.2f}% / {d['max'] * 100:.2f}%"

    def ratio(key: str, stat: str = "median") -> str:
        return f"{sim[key][stat] / floor[key][stat]:.2f}x" if floor[key][stat] else "-"

    print(f"\n{seats} seats, {COLS}x{ROWS}")
    print(f"{'':<44} {'sim':>24} {'floor':>24}  sim/floor")
    rows = [
        ("connect to first screen (median / p95)", "first_screen", ms),
        ("memory per app, RSS (median / max)", "rss_kib", mb),
        ("memory per app, PSS (median / max)", "pss_kib", mb),
        ("server RSS (median / max)", "server_rss_kib", mb),
        ("idle CPU per app, % of a core (median / max)", "idle_cpu_app", pct),
        ("idle CPU, server", "idle_cpu_server", pct),
        ("key to screen, one seat at a time", "key_solo", ms),
        ("key to screen, every seat at once", "key_together", ms),
        ("kill an app: its socket closed", "kill_to_closed", ms),
        ("that seat reconnects: first screen", "reconnect_first_screen", ms),
        ("Ctrl+C: server exits with every app", "stop_seconds", ms),
        ("restart: every seat back on its first screen", "restart_all_back", ms),
    ]
    for label, key, fmt in rows:
        print(f"{label:<44} {fmt(sim[key]):>24} {fmt(floor[key]):>24}  {ratio(key)}")
    print(f"p95 ratios: key one at a time {ratio('key_solo', 'p95')}, every seat at once {ratio('key_together', 'p95')}")
    print(f"harness CPU (this process): idle {sim['idle_harness_cpu']['median'] * 100:.1f}% of a core; during 'every seat at once' {sim['together_harness_cpu']['median'] * 100:.0f}% (sim), {floor['together_harness_cpu']['median'] * 100:.0f}% (floor)")
    print(f"server exit codes after Ctrl+C: sim {sim['stop_codes']}, floor {floor['stop_codes']}")


async def main_async(args) -> dict:
    scenario, how = c.scenario_path(args.scenario)
    print(f"scenario: {scenario} ({how}); {args.seats} seats, {args.rounds} rounds, idle {args.idle:.0f} s, repeat {args.repeat}")
    runs: dict[str, list[dict]] = {"sim": [], "floor": []}
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        order = ["floor", "sim"]
        for r in range(args.repeat):
            for name in order if r % 2 == 0 else order[::-1]:
                keys = SimWalk(scenario, seed=11 + r) if name == "sim" else FloorKeys()
                t = time.perf_counter()
                result = await run_variant(keys, args.seats, args.rounds, args.idle, Path(tmp) / f"{name}-{r}")
                print(f"  {name} run {r + 1}: {time.perf_counter() - t:.0f} s", flush=True)
                runs[name].append(result)
    sim, floor = merge(runs["sim"]), merge(runs["floor"])
    report(sim, floor, args.seats)
    return {"scenario": str(scenario), "seats": args.seats, "rounds": args.rounds, "idle": args.idle, "repeat": args.repeat, "sim": sim, "floor": floor, "runs": runs}


def main() -> None:
    if sys.argv[1:2] == ["--serve-floor"]:
        raise SystemExit(serve_floor(int(sys.argv[2])))
    ap = c.parser(__doc__.split("\n\n")[0])
    ap.add_argument("--seats", type=int, default=20, help="browser clients at once (default 20: four rooms of four seats and a facilitator)")
    ap.add_argument("--rounds", type=int, default=10, help="keys per seat in each latency phase (default 10)")
    ap.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measurement (default 10)")
    ap.set_defaults(repeat=2)
    args = ap.parse_args()
    c.write_json(args.json, asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
