"""A class in rooms on one machine: R rooms x (S seats + a facilitator) on one
``sim serve --class``, each member a websocket client (the browser page's protocol,
:class:`sim.serve.testing.ScreenClient`) and its own app process.

    python bench/room_load.py [--rooms 4] [--scenario ceasefire_30_day_sealed] [--idle 10] [--json FILE]

Measured:

* **memory per member's app process** once every screen is up: PSS (shared pages divided
  among the processes sharing them: the sum is what the class costs) and RSS;
* **CPU while everyone waits**: each app's and the server's CPU over ``--idle`` seconds
  with no input, as % of one core (an idle screen polls the store's change counter five
  times a second and must not spin);
* **order to every screen**, one order at a time: a seat presses its order's key; from
  the moment the store committed it (the log entry's time) until every other member of
  its room (the other seats and the facilitator) has been sent "SIDE: ordered" (the
  arrival time of the output that drew it, escape sequences removed: the screen emulator
  is left out of the timed path, as in serve_load.py, because it costs this process ~2 ms
  per KB and would delay the timestamps of the other clients' output);
  median and p95 over every order of the round. **The reference, same run**: from the
  same key press to the acting seat's own screen showing its order (one app, no store
  poll): the ratio says what going through the store and another process's poll adds;
* **order to every screen, all at once**: in the next round every due seat of every room
  presses its key at the same moment (a class deciding against a timer): the same
  measure, every app redrawing at once on the same cores;
* the facilitators reveal between the rounds (key ``v``).

The machine's other load is printed (load average) with the figures; run it once or
twice, not in a loop: 4 rooms are 20 app processes.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common as c

from sim.engine.vocab import possessive
from sim.serve.testing import ScreenClient, ServedSim, cpu_over, pss_kib, rss_kib

REPO = Path(__file__).resolve().parents[1]
COLS, ROWS = 120, 40
WAIT = 120.0


def percentile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    k = (len(s) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(xs: list[float]) -> dict:
    return {"median": statistics.median(xs), "p95": percentile(xs, 95), "max": max(xs), "n": len(xs)}


def flat(needle: str):
    return lambda screen: needle in " ".join(screen.split())


class Member:
    def __init__(self, room: int, who: str, code: str, name: str, side_name: str = "") -> None:
        self.room, self.who, self.code, self.name, self.side_name = room, who, code, name, side_name
        self.client: ScreenClient | None = None
        self.pid = 0


async def join(server: ServedSim, m: Member, position: int, gate: asyncio.Semaphore) -> None:
    async with gate:
        before = set(server.app_pids())
        m.client = await server.client(COLS, ROWS, name=f"room {m.room} {m.who}").connect()
        await m.client.wait_for(f"Room {m.room}:", WAIT)
        await m.client.press(*(["down"] * position), "enter")
        await m.client.wait_for("type your code", WAIT)
        await m.client.press(m.code, "enter")
        await m.client.wait_for(flat(f"{m.name} · room {m.room}"), WAIT)
        new = set(server.app_pids()) - before
        m.pid = new.pop() if len(new) == 1 else 0


async def order(room, members: list[Member], seat: Member, store_room) -> tuple[float, float]:
    """One seat orders; returns (commit to every other member's screen, press to its own)."""
    before = store_room.revision
    name = seat.side_name
    pressed = await seat.client.press("1")
    own = await seat.client.wait_for_output("Your order (sealed", pressed, WAIT)
    while store_room.revision == before:
        store_room.refresh()
        await asyncio.sleep(0.005)
    from sim.store import rooms as store_rooms

    _, entries = store_rooms.log(store_room.store, store_room.id, before)
    committed = entries[0].at - CLOCK
    others = [m.client for m in members if m is not seat]
    # The raw output since the key, escape sequences removed (not the screen emulator, whose
    # ~2 ms per KB in this process would delay the timestamps of every other client's output).
    shown = await asyncio.gather(*(c.wait_for_output(f"{name}: ordered", pressed, WAIT) for c in others))
    return max(shown) - committed, own - pressed


CLOCK = time.time() - time.perf_counter()  # perf_counter + CLOCK = Unix time, on this machine


async def run(args) -> dict:
    from sim.format import load_scenario
    from sim.room import Room, create_room
    from sim.store import rooms as store_rooms
    from sim.store.db import Store

    scenario = load_scenario(REPO / "scenarios" / f"{args.scenario}.yaml")
    with tempfile.TemporaryDirectory(prefix="room-bench-") as tmp:
        state = Path(tmp) / "state"
        store = Store.open(state / "sessions.db")
        made = [create_room(store, scenario, title=f"Class {i + 1}", seed=i) for i in range(args.rooms)]
        listed = [r.id for r in store_rooms.listing(store) if r.status != "ended"]
        opened = {m.room: Room.open(store, m.room, scenario) for m in made}
        members: dict[int, list[Member]] = {}
        for m in made:
            members[m.room] = [Member(m.room, "facilitator", m.codes.facilitator, "Facilitator")] + [
                Member(m.room, side, code, f"{possessive(scenario.actor_name(side))} group", scenario.actor_name(side)) for side, code in m.codes.seats.items()
            ]
        env = dict(os.environ, SIM_STATE_DIR=str(state))
        server = await ServedSim(["--class"], env=env).start()
        try:
            t = time.perf_counter()
            gate = asyncio.Semaphore(4)
            everyone = [m for ms in members.values() for m in ms]
            await asyncio.gather(*(join(server, m, listed.index(m.room), gate) for m in everyone))
            print(f"  {len(everyone)} members joined in {time.perf_counter() - t:.0f} s", flush=True)
            pids = [m.pid for m in everyone if m.pid]
            pss = [pss_kib(p) for p in pids]
            rss = [rss_kib(p) for p in pids]
            server_rss = rss_kib(server.pid)
            for room, ms in members.items():
                await ms[0].client.press("s")
            for room, ms in members.items():
                await asyncio.gather(*(m.client.wait_for(flat("· running ·"), WAIT) for m in ms))
            await asyncio.sleep(1.0)
            load_before = os.getloadavg()
            idle = await asyncio.to_thread(cpu_over, [*pids, server.pid], args.idle)
            idle_apps = [idle[p] / args.idle for p in pids if p in idle]
            idle_server = idle.get(server.pid, 0.0) / args.idle

            # round 1: one order at a time
            solo, own = [], []
            for room, ms in members.items():
                due = {s.id for s in opened[room].view(opened[room].join(made[[x.room for x in made].index(room)].codes.facilitator)).sides if s.due}
                for seat in ms[1:]:
                    if seat.who in due:
                        await asyncio.sleep(0.5)
                        a, b = await order(None, ms, seat, opened[room])
                        solo.append(a)
                        own.append(b)
            print(f"  round 1: {len(solo)} orders one at a time", flush=True)
            for room, ms in members.items():
                before = opened[room].revision
                await asyncio.sleep(0.5)
                await ms[0].client.press("v")
                while opened[room].revision == before:
                    opened[room].refresh()
                    await asyncio.sleep(0.01)
                await asyncio.gather(*(m.client.wait_for("revealed:", WAIT) for m in ms))
                fac = opened[room].join(made[[x.room for x in made].index(room)].codes.facilitator)
                while opened[room].view(fac).asked.what not in ("orders", "ended", "dead end"):
                    before = opened[room].revision
                    await asyncio.sleep(0.4)
                    await ms[0].client.press("r")  # the facilitator accepts the author's roll at each branch point
                    while opened[room].revision == before:
                        opened[room].refresh()
                        await asyncio.sleep(0.01)
            await asyncio.sleep(1.0)

            # round 2: every due seat of every room at once
            jobs = []
            for room, ms in members.items():
                view = opened[room].view(opened[room].join(made[[x.room for x in made].index(room)].codes.facilitator))
                due = {s.id for s in view.sides if s.due}
                jobs += [order(None, ms, seat, opened[room]) for seat in ms[1:] if seat.who in due]
            together = [a for a, _ in await asyncio.gather(*jobs)]
            load_after = os.getloadavg()
            print(f"  round 2: {len(together)} orders at once", flush=True)
        finally:
            for m in everyone:
                if m.client is not None:
                    await m.client.close()
            code = await server.stop()
            store.close()
    return {
        "scenario": args.scenario, "rooms": args.rooms, "members": len(everyone), "server_exit": code,
        "pss_kib": summary(pss), "rss_kib": summary(rss), "server_rss_kib": server_rss,
        "idle_cpu_app": summary(idle_apps), "idle_cpu_server": idle_server, "idle_seconds": args.idle,
        "order_to_every_screen_solo": summary(solo), "order_to_own_screen": summary(own),
        "order_to_every_screen_together": summary(together), "loadavg": [load_before, load_after],
    }  # fmt: skip


def report(r: dict) -> None:
    def ms(d: dict) -> str:
        return f"{d['median'] * 1e3:.0f} ms / {d['p95'] * 1e3:.0f} ms (max {d['max'] * 1e3:.0f} ms, n={d['n']})"

    print(f"\n{r['rooms']} rooms, {r['members']} members ({r['scenario']}), {COLS}x{ROWS}; load average {r['loadavg'][0]} -> {r['loadavg'][1]}")
    print(f"memory per member's app, PSS median / max  {r['pss_kib']['median'] / 1024:.1f} / {r['pss_kib']['max'] / 1024:.1f} MB")
    print(f"memory per member's app, RSS median / max  {r['rss_kib']['median'] / 1024:.1f} / {r['rss_kib']['max'] / 1024:.1f} MB; server RSS {r['server_rss_kib'] / 1024:.1f} MB")
    print(f"idle CPU per app over {r['idle_seconds']:.0f} s, median / max   {r['idle_cpu_app']['median'] * 100:.2f}% / {r['idle_cpu_app']['max'] * 100:.2f}% of a core; server {r['idle_cpu_server'] * 100:.2f}%")
    print(f"order to every other screen, one at a time  {ms(r['order_to_every_screen_solo'])}")
    print(f"  reference: key to the seat's own screen   {ms(r['order_to_own_screen'])}; ratio of medians {r['order_to_every_screen_solo']['median'] / r['order_to_own_screen']['median']:.1f}x")
    print(f"order to every other screen, all at once    {ms(r['order_to_every_screen_together'])}")
    print(f"server exit after Ctrl+C: {r['server_exit']}")


def main() -> None:
    ap = c.parser(__doc__.split("\n\n")[0], scenario=False)
    ap.add_argument("--rooms", type=int, default=4)
    ap.add_argument("--scenario", default="ceasefire_30_day_sealed")
    ap.add_argument("--idle", type=float, default=10.0)
    args = ap.parse_args()
    result = asyncio.run(run(args))
    report(result)
    c.write_json(getattr(args, "json", None), {"machine": c.machine(), **result})


if __name__ == "__main__":
    sys.exit(main())
