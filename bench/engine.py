"""Engine speed: steps/s and playouts/s of the pure engine, and Session.roll steps/s.

    python bench/engine.py [SCENARIO] [--json FILE] [--repeat N]

* core: from the start, ``core.options`` + ``core.advance`` with a weighted roll from
  ``random.Random(seed)``, restarting at each ending; a "step" is one ``advance``
  (a move at a decision node or an alternative at a chance node).
* playouts: the same loop counted in full playouts (start to ending).
* session: ``Session.roll()`` until the scenario ends, a fresh Session (seed i) per
  playout, so each roll creates a new step with its trace and prompts.
"""

from __future__ import annotations

import random
import time

import _common as c

STEPS_PER_SAMPLE = 50_000
SESSION_STEPS_PER_SAMPLE = 5_000


def core_run(scn, steps: int, seed: int) -> tuple[int, int]:
    """Advance ``steps`` times; returns (steps, completed playouts)."""
    from sim.engine import core
    from sim.engine.session import pick

    rng = random.Random(seed)
    options, advance = core.options, core.advance
    root = core.start(scn)
    node = root
    done = 0
    for _ in range(steps):
        opts = options(scn, node)
        if not opts:  # an ending (or a dead end): start again
            if node.ending < 0:
                raise RuntimeError("dead end reached; the engine benchmark needs a scenario without dead ends")
            done += 1
            node = root
            opts = options(scn, node)
        node = advance(scn, node, pick(opts, rng))
    return steps, done


def playouts_run(scn, count: int, seed: int) -> int:
    from sim.engine import core
    from sim.engine.session import pick

    rng = random.Random(seed)
    options, advance = core.options, core.advance
    root = core.start(scn)
    steps = 0
    for _ in range(count):
        node = root
        while True:
            opts = options(scn, node)
            if not opts:
                break
            node = advance(scn, node, pick(opts, rng))
            steps += 1
    return steps


def session_run(scn, steps: int, seed0: int) -> tuple[int, int]:
    from sim.engine.session import Session

    done = taken = 0
    seed = seed0
    while taken < steps:
        s = Session(scn, seed=seed)
        seed += 1
        while not s.node.over and taken < steps:
            if not s.options():
                raise RuntimeError("dead end reached")
            s.roll()
            taken += 1
        done += 1
    return taken, done


def main(argv=None) -> dict:
    args = c.parser(__doc__.splitlines()[0]).parse_args(argv)
    repeat = max(5, args.repeat)
    path, how = c.scenario_path(args.scenario)
    scn = c.load(path)
    print(f"scenario: {scn.id} ({path}, {how}); {len(scn.moves)} moves, {len(scn.rules)} rules, {len(scn.slots)} state slots")

    # steps/s, session-free
    core_run(scn, 2_000, 0)  # warm-up
    rates, per_playout = [], []
    for r in range(repeat):
        t0 = time.perf_counter()
        steps, done = core_run(scn, STEPS_PER_SAMPLE, r)
        dt = time.perf_counter() - t0
        rates.append(steps / dt)
        per_playout.append(steps / max(done, 1))
    steps_s = c.stats(rates)
    avg_len = sorted(per_playout)[len(per_playout) // 2]

    # playouts/s
    n_playouts = max(20, int(STEPS_PER_SAMPLE / max(avg_len, 1)))
    prates = []
    for r in range(repeat):
        t0 = time.perf_counter()
        playouts_run(scn, n_playouts, 100 + r)
        prates.append(n_playouts / (time.perf_counter() - t0))
    playouts_s = c.stats(prates)

    # Session.roll steps/s (with traces)
    session_run(scn, 300, 0)
    srates = []
    for r in range(repeat):
        t0 = time.perf_counter()
        taken, _ = session_run(scn, SESSION_STEPS_PER_SAMPLE, 1000 * (r + 1))
        srates.append(taken / (time.perf_counter() - t0))
    session_s = c.stats(srates)

    print(f"\n{'measure':<34} {'median':>14} {'best (min time)':>16}")
    print(f"{'core steps/s (options+advance)':<34} {steps_s['median']:>14,.0f} {steps_s['max']:>16,.0f}")
    print(f"{'  time per step':<34} {c.fmt_time(1 / steps_s['median']):>14} {c.fmt_time(1 / steps_s['max']):>16}")
    print(f"{'core playouts/s':<34} {playouts_s['median']:>14,.0f} {playouts_s['max']:>16,.0f}")
    print(f"{'  steps per playout (mean)':<34} {avg_len:>14.1f}")
    print(f"{'Session.roll steps/s (traces)':<34} {session_s['median']:>14,.0f} {session_s['max']:>16,.0f}")
    print(f"{'  time per roll':<34} {c.fmt_time(1 / session_s['median']):>14} {c.fmt_time(1 / session_s['max']):>16}")
    print(f"{'  Session.roll / core step cost':<34} {steps_s['median'] / session_s['median']:>14.1f}x")
    print(f"\n({repeat} repeats; {STEPS_PER_SAMPLE:,} core steps, {n_playouts:,} playouts, {SESSION_STEPS_PER_SAMPLE:,} rolls per repeat)")
    result = {
        "bench": "engine", "scenario": str(path), "scenario_how": how, "scenario_id": scn.id,
        "core_steps_per_s": steps_s, "playouts_per_s": playouts_s, "steps_per_playout": avg_len,
        "session_roll_steps_per_s": session_s, "session_vs_core": steps_s["median"] / session_s["median"],
        "repeat": repeat,
    }
    c.write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
