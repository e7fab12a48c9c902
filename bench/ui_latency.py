"""UI latency: key press to updated screen, whole process in a pty; and refresh_view in-process.

    python bench/ui_latency.py [--keys N] [--long-steps N] [--repeat N] [--json FILE]

**End to end (pty).** ``sim`` runs on the default scenario in a pseudo-terminal as in
ui_startup.py (see _pty.py). Once the main screen is up, keys that change the screen
are sent one at a time: a digit to take an option that does not end the scenario,
``b`` to go back, and ``r`` to roll at chance nodes, chosen by a seeded walk that
alternates forward and back. A shadow :class:`Session` in this process follows every
key, so the walk never ends the scenario (no ending screen), never presses ``b`` at
the start, and knows what the screen should show next. After each key everything the
app writes is read until 150 ms pass without output; then the next key. From just
before the ``write()`` of the key:

* first byte   - the first output the key causes;
* burst end    - the last byte of the first burst, a burst ending at 30 ms of quiet
                 (so the quiet window itself is not counted);
* visible      - the read in which the new choices heading (when it changed) and the
                 new first choice have both appeared in the output (escape sequences
                 removed): the new state is on screen;
* settled      - the last byte of everything the key caused (the app draws a key in
                 2-4 passes). A roll's notification expires 3 s later and redraws;
                 keys in whose window that lands (or whose first byte came within
                 1 ms, too soon to be their own) are left out of all four figures.

Two phases: a fresh session, and a long one (``--long-steps`` steps, default 200,
explored by a seeded walk, saved to a temp file and opened with ``run_app(None,
load=...)``), to show whether a key costs more as the session grows. Each key also
pays the commit of the step to the session store (:meth:`sim.ui.storage.Keeper.sync`),
timed on its own as well. The floor: the minimal app of ui_startup.py, where ``n`` updates one
line of its Static and ``f`` replaces it with a screenful of text of a new height (a
relayout and a full repaint, as a sim key causes), measured the same way.

**In-process (Pilot).** ``SimApp.run_test`` with the scenario preloaded;
``MainScreen.refresh_view()`` timed directly (perf_counter) after moving the session
between a step and its parent: at step 6 of a small session, at the *same* step once
the session has grown to ``--long-steps`` steps, and at the deepest step.

Target: key to screen (visible) under 50 ms median.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import _common as c
import _pty as p

QUIET = 0.030
GAP = 0.150
TARGET_MS = 50.0
NOTIFY_TIMEOUT = 3.0  # SimApp.action_roll's notification


# --- the shadow session and the walk --------------------------------------------------------------


def ends(scn, node, act) -> bool:
    from sim.engine import core

    return core.advance(scn, node, act).over


def next_key(scn, session, rng: random.Random, last_forward: bool, max_depth: int = 14) -> tuple[str, str] | None:
    """(key, kind) for the walk, or None when nothing safe is possible."""
    from sim.engine.session import pick

    step = session.step()
    node = step.node
    opts = session.options()
    digits = [str(i + 1) for i, o in enumerate(opts[:9]) if not ends(scn, node, o.act)]
    can_roll = bool(opts) and not node.deciding and not ends(scn, node, pick(opts, session.rng(step)))
    can_back = step.parent is not None
    go_back = can_back and (last_forward and rng.random() < 0.5 or step.depth >= max_depth or not (digits or can_roll))
    if go_back:
        return "b", "back"
    if can_roll and rng.random() < 0.5:
        return "r", "roll"
    if digits:
        return rng.choice(digits), "digit"
    return ("b", "back") if can_back else None


def apply(session, key: str) -> None:
    if key == "b":
        session.back()
    elif key == "r":
        session.roll()
    else:
        session.choose(session.options()[int(key) - 1].act.id)


def grow(scn, session, rng: random.Random, max_depth: int = 24):
    """One new step: from a random explored step above ``max_depth``, an untaken option
    that does not end the scenario. Returns the new step (the session moves to it)."""
    while True:
        step = rng.choice(session.steps)
        if step.depth >= max_depth or step.node.over:
            continue
        fresh = [o for o in session.options(step.id) if o.act.id not in step.children and not ends(scn, step.node, o.act)]
        if fresh:
            session.goto(step.id)
            return session.choose(rng.choice(fresh).act.id, how="picked")


def long_session(scn, steps: int, seed: int = 7):
    """A session of ``steps`` steps after the start, grown by :func:`grow` (a bushy tree)."""
    from sim.engine.session import Session

    s = Session(scn, 1)
    rng = random.Random(seed)
    while len(s.steps) <= steps:
        grow(scn, s, rng)
    return s


# --- end to end ------------------------------------------------------------------------------------

MEASURES = ("first_byte", "burst_end", "visible", "settled")
MEASURE_LABELS = {
    "first_byte": "first byte",
    "burst_end": "end of first burst (30 ms quiet)",
    "visible": "new heading + choices visible",
    "settled": "settled (last byte)",
}


def heading_mark(scn, session) -> bytes:
    from sim.ui import present

    return present.choice_heading(scn, session.node)[:20].encode()  # a long heading is cut at the end


def expected_texts(scn, session, heading_changed: bool) -> list[bytes]:
    """Text that shows the screen has caught up: the new choices heading (when it changed)
    and the first choice's text, as the choices list draws it (cut to 24 characters)."""
    from sim.ui import present

    node = session.node
    out = [heading_mark(scn, session)] if heading_changed else []
    rows = present.choices(session)
    if rows:
        out.append(present.choice_text(scn, rows[0], node.deciding).plain[:24].encode())
    return out


def timings(chunks: list[tuple[float, bytes]], t: float, expect: list[bytes]) -> dict:
    """The measures of one key from the reads that followed it (times since t0)."""
    if not chunks:
        return {k: None for k in MEASURES} | {"bytes": 0, "bursts": 0}
    burst_end, bursts, prev = None, 1, chunks[0][0]
    for when, _ in chunks:
        if when - prev > QUIET:
            burst_end = prev if burst_end is None else burst_end
            bursts += 1
        prev = when
    burst_end = prev if burst_end is None else burst_end
    visible, acc = None, b""
    for when, data in chunks:
        acc += data
        if all(e in p.visible_text(acc) for e in expect):
            visible = when
            break
    return {"first_byte": chunks[0][0] - t, "burst_end": burst_end - t, "visible": None if visible is None else visible - t,
            "settled": chunks[-1][0] - t, "bytes": sum(len(d) for _, d in chunks), "bursts": bursts}


def plan(scn, shadow, n_keys: int, seed: int) -> dict:
    """A phase's keys, decided ahead: the walk depends on the shadow session only, never on the
    app's timing. Each key with its kind, the steps after it and the texts that show it."""
    from sim.ui import present

    rng = random.Random(seed)
    keys, last_forward = [], False
    first = [b"Stances", heading_mark(scn, shadow)]
    for _ in range(n_keys):
        choice = next_key(scn, shadow, rng, last_forward)
        if choice is None:
            break
        key, kind = choice
        before = present.choice_heading(scn, shadow.node)
        apply(shadow, key)
        last_forward = kind != "back"
        expect = expected_texts(scn, shadow, present.choice_heading(scn, shadow.node) != before)
        keys.append({"key": key, "kind": kind, "steps": len(shadow.steps), "expect": [e.decode() for e in expect]})
    return {"first": [m.decode() for m in first], "keys": keys, "steps_at_end": len(shadow.steps)}


def plans(n_keys: int, long_steps: int, folder: Path) -> dict:
    """Both phases' plans for the sim this process imports (the tree under test, or a reference
    tree when run with --plan-only under its PYTHONPATH), and the long session's file."""
    from sim.engine.session import Session
    from sim.format.catalog import resolve
    from sim.ui import storage

    scn = c.load(resolve(None))
    saved = folder / "long-session.yaml"
    storage.save(long_session(scn, long_steps), saved)
    return {"scenario_id": scn.id, "load": str(saved), "fresh": plan(scn, Session(scn, 1), n_keys, seed=1),
            "long": plan(scn, storage.load(scn, saved), n_keys, seed=2)}


def key_phase(env: dict, phase: dict, load: str | None = None, cwd: Path = c.ROOT) -> dict:
    extra = f"load={load!r}" if load else ""
    rows, rolls = [], []
    with p.launch_sim(env, extra, cwd=cwd) as app:
        app.wait_for(*(m.encode() for m in phase["first"]))
        app.collect(0.3, first_timeout=0.3)
        for k in phase["keys"]:
            t = app.send(k["key"].encode())
            chunks = app.collect(GAP)
            row = {"key": k["key"], "kind": k["kind"], "steps": k["steps"], "t": t, **timings(chunks, t, [e.encode() for e in k["expect"]])}
            if k["kind"] == "roll":
                rolls.append(t)
            rows.append(row)
    # A roll's notification (a toast before issue 8) times out 3 s later and redraws; flag the
    # keys it lands on (with a margin), and any key whose first byte came too soon to be its own.
    for row in rows:
        end = row["t"] + (row["settled"] or 0) + 0.05
        row["toast_expiry"] = any(row["t"] - 0.2 <= r + NOTIFY_TIMEOUT <= end for r in rolls) or (row["first_byte"] is not None and row["first_byte"] < 0.001)
    return {"rows": rows, "steps_at_end": phase["steps_at_end"]}


def floor_phase(env: dict, n_keys: int, key: bytes) -> dict:
    """The same measures for the floor app: ``n`` updates one line of its Static; ``f``
    fills the screen with new text of a new height (a relayout and a full repaint)."""
    rows = []
    with p.launch_floor(env) as app:
        app.wait_for(p.FLOOR_MARK)
        app.collect(0.3, first_timeout=0.3)
        for i in range(1, n_keys + 1):
            t = app.send(key)
            chunks = app.collect(GAP)
            rows.append({"key": key.decode(), "kind": "floor", "t": t, "toast_expiry": False, **timings(chunks, t, [f"key press {i}.".encode()])})
    return {"rows": rows}


def summarize(rows: list[dict]) -> dict:
    clean = [r for r in rows if not r["toast_expiry"]]
    out = {"keys": len(rows), "toast_expiry_excluded": len(rows) - len(clean), "no_output": sum(r["first_byte"] is None for r in rows),
           "never_visible": sum(r["visible"] is None for r in rows), "bursts_median": statistics.median(r["bursts"] for r in rows),
           "bytes_median": statistics.median(r["bytes"] for r in rows)}
    for k in MEASURES:
        xs = [r[k] for r in clean if r[k] is not None]
        out[k] = {"median": statistics.median(xs), "p95": p.percentile(xs, 95), "min": min(xs), "max": max(xs), "n": len(xs)} if xs else None
    by_kind = {}
    for kind in sorted({r["kind"] for r in clean}):
        xs = [r for r in clean if r["kind"] == kind]
        by_kind[kind] = {"n": len(xs)} | {k: statistics.median(r[k] for r in xs if r[k] is not None) for k in ("visible", "settled") if any(r[k] is not None for r in xs)}
    out["by_kind"] = by_kind
    return out


# --- the store's commit, timed alone ------------------------------------------------------------------


def store_cost(scn, session, repeat: int) -> dict:
    """Keeper.sync after a roll: what every key that moves the session pays before the screen redraws."""
    from sim.ui import storage

    with tempfile.TemporaryDirectory(prefix="sim-bench-store-") as folder:
        keeper = storage.Keeper(Path(folder) / "sessions.db")
        keeper.open(scn)
        keeper.sync(session)  # the session as it stands, written whole (not timed)
        steps, times = len(session.steps), []
        for _ in range(max(30, 6 * repeat)):
            if session.node.over or not session.options():
                session.goto(0)
            session.roll()
            t0 = time.perf_counter()
            keeper.sync(session)
            times.append(time.perf_counter() - t0)
        keeper.close()
    return {"store": c.stats(times), "steps": steps, "leaves": len(session.leaves())}


# --- in-process: refresh_view with Pilot ---------------------------------------------------------------


async def pilot_refresh(scn, long_steps: int, samples: int, seed: int, depth: int = 6) -> dict:
    """refresh_view timings: at step ``depth`` of a small session, at the *same* step once the
    session has grown to ``long_steps`` steps (only the session's size differs), and at
    the deepest step of the long session (a longer story and path as well)."""
    from sim.ui.app import SimApp
    from sim.ui.screens.main import MainScreen

    app = SimApp(scenario=scn, autosave=False, resume=False)
    out = {}
    async with app.run_test(size=(p.COLS, p.ROWS)) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen), type(main)

        async def measure(label: str, here: int) -> None:
            session = app.session
            there = session.step(here).parent if session.step(here).parent is not None else here
            view = []
            for i in range(samples):
                session.goto(there if i % 2 == 0 else here)
                t0 = time.perf_counter()
                main.refresh_view()
                view.append(time.perf_counter() - t0)
                await pilot.pause()  # let it render before the next sample (not timed)
            session.goto(here)
            main.refresh_view()
            await pilot.pause()
            out[label] = {"steps": len(session.steps), "depth": session.step(here).depth, "tree_nodes": len(main.query_one("#tree")._sim_nodes),
                          "refresh_view": c.stats(view), "refresh_view_p95": p.percentile(view, 95)}

        # a small session: one path, ``depth`` steps in
        rng = random.Random(seed)
        session = app.session
        while session.step().depth < depth:
            node = session.node
            safe = [o for o in session.options() if not ends(scn, node, o.act)]
            if not safe:
                break
            session.choose(rng.choice(safe).act.id)
            main.refresh_view()
            await pilot.pause()
        anchor = session.current
        await measure("small", anchor)
        # grow it, a view refresh per step as a key would do (rendered every 10 steps)
        while len(session.steps) < long_steps + 1:
            grow(scn, session, rng)
            main.refresh_view()
            if len(session.steps) % 10 == 0:
                await pilot.pause()
        await measure("long_same_step", anchor)
        deepest = max(session.steps, key=lambda st: st.depth).id
        await measure("long_deepest", deepest)
    return out


# --- --trace: where a key's time goes, inside the app ---------------------------------------------

TRACER = """
import functools, sys, time
from textual import events
from textual.app import App
from textual.screen import Screen
import sim.ui.app as sa
from sim.ui import storage
from sim.ui.screens.main import MainScreen

LOG = open(sys.argv[1], "w", buffering=1)
pc = time.perf_counter


def timed(owner, name, label):
    orig = getattr(owner, name)

    @functools.wraps(orig)  # Textual reads a watcher's signature to know what to pass it
    def run(*a, **k):
        t = pc()
        try:
            return orig(*a, **k)
        finally:
            LOG.write(f"{label} {t:.6f} {pc() - t:.6f}\\n")

    setattr(owner, name, run)


def tick(orig):
    def run(self):
        layout = self._layout_required
        t, cpu = pc(), time.thread_time()
        orig(self)
        LOG.write(f"tick {t:.6f} {pc() - t:.6f} {int(layout)} {time.thread_time() - cpu:.6f}\\n")

    return run


Screen._on_timer_update = tick(Screen._on_timer_update)
timed(MainScreen, "refresh_view", "refresh_view")
timed(storage.Keeper, "sync", "store")
timed(sa.SimApp, "changed", "changed")
on_event = App.on_event


async def logged(self, event):
    if isinstance(event, events.Key) and self is self.app:
        LOG.write(f"key {pc():.6f} 0\\n")
    return await on_event(self, event)


App.on_event = logged
sa.run_app(None)
"""


def trace(scn, env: dict, n_keys: int, seed: int = 1) -> None:
    """Run sim with timers on refresh_view, the store's commit and each screen update, send keys
    as the fresh phase does, and print where the time of a key goes (median per key)."""
    import sys

    from sim.engine.session import Session

    log = c._tmpdir("ui") / "trace.log"
    shadow, rng, last_forward = Session(scn, 1), random.Random(seed), False
    with p.PtyApp([sys.executable, "-c", TRACER, str(log)], env) as app:
        app.wait_for(b"Stances", heading_mark(scn, shadow))
        app.collect(0.3, first_timeout=0.3)
        sent = []
        for _ in range(n_keys):
            key, kind = next_key(scn, shadow, rng, last_forward)
            apply(shadow, key)
            last_forward = kind != "back"
            sent.append((key, app.send(key.encode()), app.collect(GAP)))
    events = [(line.split()[0], float(line.split()[1]), float(line.split()[2]), line.split()[3:]) for line in log.read_text().splitlines()]
    keys: list[float] = []
    for e in events:  # the app sees each key event twice, a moment apart: keep the first
        if e[0] == "key" and (not keys or e[1] - keys[-1] > 0.02):
            keys.append(e[1])
    keys = keys[-len(sent):]
    per_key = []
    for i, k in enumerate(keys):
        nxt = keys[i + 1] if i + 1 < len(keys) else float("inf")
        mine = [e for e in events if k <= e[1] < nxt]
        ticks = [e for e in mine if e[0] == "tick" and e[2] > 0.0005]
        own = {name: sum(e[2] for e in mine if e[0] == name) for name in ("refresh_view", "store", "changed")}
        per_key.append({
            "sim code (changed)": own["changed"], "  refresh_view": own["refresh_view"], "  store commit": own["store"],
            "first update starts": ticks[0][1] - k if ticks else None, "first update (layout + render)": ticks[0][2] if ticks else None,
            "updates per key": len(ticks), "updates with a relayout": sum(int(e[3][0]) for e in ticks),
            "update time in all": sum(e[2] for e in ticks), "update CPU in all": sum(float(e[3][1]) for e in ticks),
            "last update ends": (ticks[-1][1] + ticks[-1][2] - k) if ticks else None,
            "first byte read (pty)": (sent[i][2][0][0] - sent[i][1]) if sent[i][2] else None,
        })
    print(f"\nwhere a key's time goes, inside the app (median of {len(per_key)} keys; times from the key event):")
    for name in per_key[0]:
        v = statistics.median(r[name] for r in per_key if r[name] is not None)
        print(f"  {name:<34} {v:8.1f}" if name.startswith("updates") else f"  {name:<34} {v * 1e3:8.1f} ms")


# --- main ------------------------------------------------------------------------------------------


def reference_plans(tree: Path, n_keys: int, long_steps: int, folder: Path) -> dict:
    """The plans for a reference tree, made by its own code (its scenarios, its engine)."""
    import json
    import subprocess
    import sys

    out = folder / "plans.json"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, __file__, "--plan-only", str(out), "--keys", str(n_keys), "--long-steps", str(long_steps)],
                   env=env, cwd=tree, check=True)  # fmt: skip
    return json.loads(out.read_text())


def main(argv=None) -> dict:
    ap = c.parser(__doc__.splitlines()[0], scenario=False)
    ap.add_argument("--keys", type=int, default=50, help="key presses per sim phase (default 50; two phases, plus half as many for each floor phase)")
    ap.add_argument("--long-steps", type=int, default=200, help="steps in the long session (default 200)")
    ap.add_argument("--trace", type=int, metavar="N", help="instead: send N keys to an instrumented sim and show where the time goes")
    ap.add_argument("--reference", type=Path, metavar="TREE",
                    help="also measure the sim in TREE (a checkout of another commit: git worktree add --detach DIR REV), "
                         "its phases interleaved with this tree's, round by round")  # fmt: skip
    ap.add_argument("--rounds", type=int, default=None, help="rounds of all phases (default 1, or 3 with --reference)")
    ap.add_argument("--plan-only", metavar="FILE", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    repeat = max(5, args.repeat)
    n_keys = max(20, args.keys)
    rounds = args.rounds or (3 if args.reference else 1)

    if args.plan_only:  # run under a reference tree's PYTHONPATH by reference_plans
        import json

        out = Path(args.plan_only)
        out.write_text(json.dumps(plans(n_keys, args.long_steps, out.parent)))
        return {}

    from sim.engine.session import Session
    from sim.format.catalog import resolve
    from sim.ui import storage

    scn = c.load(resolve(None))
    if args.trace:
        with tempfile.TemporaryDirectory(prefix="sim-bench-state-") as state:
            env = p.child_env(Path(state))
            with p.launch_sim(env) as app:  # warm the bytecode cache
                app.wait_for(b"Stances")
            trace(scn, env, args.trace)
        return {}
    result = {"bench": "ui_latency", "scenario_id": scn.id, "quiet_ms": QUIET * 1e3, "gap_ms": GAP * 1e3, "target_ms": TARGET_MS, "rounds": rounds}
    trees = {"sim": (c.ROOT, None)}
    with tempfile.TemporaryDirectory(prefix="sim-bench-state-") as state:
        state = Path(state)
        os.environ["SIM_STATE_DIR"] = str(state)  # for the in-process parts (the store, Pilot)
        (state / "sim").mkdir()
        trees["sim"] = (c.ROOT, plans(n_keys, args.long_steps, state / "sim"))
        if args.reference:
            (state / "reference").mkdir()
            trees["reference"] = (args.reference.resolve(), reference_plans(args.reference.resolve(), n_keys, args.long_steps, state / "reference"))
        print(f"scenario {scn.id}; pty {p.COLS}x{p.ROWS}; {n_keys} keys per phase, {rounds} round(s); bursts split at {QUIET * 1e3:.0f} ms of quiet; "
              f"a key's output ends at {GAP * 1e3:.0f} ms of quiet, then the next key"
              + (f"; reference: {args.reference}" if args.reference else ""))

        launches = iter(range(1_000_000))

        def env_for(tree: Path) -> dict:
            folder = state / f"launch-{next(launches)}"  # a fresh store each time: no resume offer
            folder.mkdir()
            env = p.child_env(folder)
            if tree != c.ROOT:
                env["PYTHONPATH"] = str(tree)
            return env

        for tree, _ in trees.values():  # warm the bytecode caches (unmeasured)
            with p.launch_sim(env_for(tree), cwd=tree) as app:
                app.wait_for(b"Stances")

        phases: dict[str, dict] = {}

        def add(name: str, ran: dict) -> None:
            into = phases.setdefault(name, {"rows": [], "per_round": []})
            into["rows"] += ran["rows"]
            into["per_round"].append(summarize(ran["rows"])["visible"])
            into["steps_at_end"] = ran.get("steps_at_end")

        for _ in range(rounds):
            for phase in ("fresh", "long"):
                for who, (tree, plan_) in trees.items():
                    load = plan_["load"] if phase == "long" else None
                    add(phase if who == "sim" else f"{phase} (reference)", key_phase(env_for(tree), plan_[phase], load=load, cwd=tree))
            add("floor", floor_phase(env_for(c.ROOT), max(20, n_keys // 2), b"n"))
            add("floor_full", floor_phase(env_for(c.ROOT), max(20, n_keys // 2), b"f"))
        saved = trees["sim"][1]["load"]
        store = {"fresh": store_cost(scn, Session(scn, 1), repeat), "long": store_cost(scn, storage.load(scn, saved), repeat)}
        pilot = asyncio.run(pilot_refresh(scn, args.long_steps, samples=max(30, 6 * repeat), seed=3))

    ms = lambda x: "-" if x is None else f"{x * 1e3:.1f} ms"  # noqa: E731
    print(f"\n{'key to screen, from write()':<38} {'keys':>5} {'median':>9} {'p95':>9} {'best':>9} {'worst':>9}")
    summaries = {}
    for name, ph in phases.items():
        s = summarize(ph["rows"])
        summaries[name] = s
        rows = ph["rows"]
        label = {"floor": "floor app, a key updates one line", "floor_full": "floor app, a key fills the screen (relayout, full repaint)"}.get(name) or f"{name} session ({rows[0]['steps']}-{ph['steps_at_end']} steps)"
        print(label)
        for k in MEASURES:
            v = s[k]
            if v:
                print(f"  {MEASURE_LABELS[k]:<36} {v['n']:>5} {ms(v['median']):>9} {ms(v['p95']):>9} {ms(v['min']):>9} {ms(v['max']):>9}")
        if rounds > 1:
            print("  visible, median of each round: " + ", ".join(ms(r["median"]) if r else "-" for r in ph["per_round"]))
        if not name.startswith("floor"):
            print("  by key, median visible / settled: " + "; ".join(f"'{k}' x{v['n']}: {ms(v.get('visible'))} / {ms(v.get('settled'))}" for k, v in s["by_kind"].items()))
        print(f"  median {s['bytes_median']:,.0f} bytes and {s['bursts_median']:.0f} bursts per key; never visible: {s['never_visible']}; "
              f"no output: {s['no_output']}; excluded (a roll's notification expired in the window): {s['toast_expiry_excluded']}")
    visible = {name: summaries[name]["visible"]["median"] * 1e3 for name in summaries}
    worst = max(visible["fresh"], visible["long"])
    print(f"\ntarget: key to screen < {TARGET_MS:.0f} ms median (new heading + choices visible): "
          f"fresh {visible['fresh']:.1f} ms, long {visible['long']:.1f} ms: "
          f"{'met' if worst < TARGET_MS else 'NOT met'}; the floor app: {visible['floor']:.1f} ms (one line), {visible['floor_full']:.1f} ms (full screen)")
    if args.reference:
        print("against the reference, same rounds: " + "; ".join(
            f"{phase} {visible[phase]:.1f} / {visible[phase + ' (reference)']:.1f} ms = {visible[phase] / visible[phase + ' (reference)']:.2f}"
            for phase in ("fresh", "long")))  # fmt: skip

    print("\nthe session store's commit of a step (paid on every key that moves the session, before the redraw), in-process:")
    for name, a in store.items():
        print(f"  {name:<6} {a['steps']:>4} steps, {a['leaves']:>4} leaves: Keeper.sync {ms(a['store']['median'])} (best {ms(a['store']['min'])})")

    print("\nin-process (Pilot, headless), MainScreen.refresh_view() after moving between a step and its parent:")
    for name, r in pilot.items():
        v = r["refresh_view"]
        print(f"  {name:<15} {r['steps']:>4} steps, at depth {r['depth']:>2} ({r['tree_nodes']} tree nodes): median {ms(v['median'])}, "
              f"p95 {ms(r['refresh_view_p95'])}, best {ms(v['min'])}")
    growth = pilot["long_same_step"]["refresh_view"]["median"] / pilot["small"]["refresh_view"]["median"]
    print(f"  same step, long / small session: {growth:.2f}")

    result.update({"phases": {k: {"summary": summaries[k], "rows": v["rows"], "steps_at_end": v.get("steps_at_end")} for k, v in phases.items()},
                   "met": worst < TARGET_MS, "store": store, "pilot": pilot, "pilot_growth": growth,
                   "reference": str(args.reference) if args.reference else None})
    c.write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
