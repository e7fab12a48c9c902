"""Scaling: the cost of one engine step and of loading, at 100, 1,000 and 10,000 rules.

    python bench/scaling.py [--json FILE] [--repeat N] [--sizes 100,1000,10000] [--profile]

Synthetic scenarios (``_common.scaled_scenario``; YAML written to a temp dir, with a
real source file and one real quote so they load): half the rules are moves, gated ten
to a value of a ``stage`` enum variable; half are reactions, each triggered by one move,
with one alternative. The format caps an enum at 64 values, so past 640 moves the
moves are spread over several stage variables, only one holding a value any move uses
(``stage0 == "s3"``...); an ``int`` variant (one ``stage`` int variable, ``stage == 37``)
is measured too with --int-variant, as a check on what the enum split costs.

One step = ``core.options`` at a decision node (10 moves on offer) + ``core.advance``
with one of them, which resolves its reaction and ends the turn. Steps are timed in
rounds over a set of decision nodes, sizes interleaved, per-step median of at least 9
repeats (wall clock, time.perf_counter; the ratios by CPU time, time.process_time, are
printed too, as a check against time spent waiting for a core), for two sets of nodes:

* same   - at every size as many distinct decision nodes as the smallest size has stage
           values (5 at 100 rules): the same amount of scenario touched per round, so
           only the engine's dependence on the number of rules shows (the target);
* spread - up to 64 nodes across the stage values: the number of distinct moves,
           reactions and compiled functions touched per round grows with the size
           (50 at 100 rules, 640 at 10,000), so CPU-cache effects show too.

Target: step cost at 10,000 rules within 1.5x of 100 rules. ``--profile`` (automatic
when a ratio misses it) runs cProfile over the spread step loop at the smallest and
largest size and prints the functions whose own time per step grew, with calls per step.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time

import _common as c

TARGET = 1.5
N_NODES = 64  # decision nodes per batch, spread across stage values


def decision_nodes(scn, n: int = N_NODES) -> list:
    """Decision nodes at different stage values (each offers the 10 moves of its value)."""
    from sim.engine.core import Node

    stage_slots = [v.slot for v in scn.variables if v.name.startswith("stage")]
    values = []  # (slot index, raw value) for every value some move uses
    for slot in stage_slots:
        typ = slot.type
        if hasattr(typ, "values"):
            values += [(slot.index, i) for i in range(1, len(typ.values))]  # 0 is "off"
        else:
            n_moves = len(scn.moves)
            values += [(slot.index, v) for v in range((n_moves + 9) // 10)]
    step = max(1, len(values) // n)
    picked = values[::step][:n]
    nodes = []
    for index, raw in picked:
        state = list(scn.initial)
        for slot in stage_slots:
            if hasattr(slot.type, "values"):
                state[slot.index] = 0  # "off"
        state[index] = raw
        nodes.append(Node(tuple(state)))
    return nodes


def step_loop(scn, nodes, rounds: int):
    from sim.engine import core

    options, advance = core.options, core.advance
    for r in range(rounds):
        for node in nodes:
            opts = options(scn, node)
            advance(scn, node, opts[r % len(opts)].act)


def check_nodes(scn, nodes) -> None:
    """Sanity: 10 moves on offer; advancing resolves the reaction and reaches the next turn."""
    from sim.engine import core

    for node in nodes:
        opts = core.options(scn, node)
        assert len(opts) == 10, (len(opts), node)
        after = core.advance(scn, node, opts[0].act)
        assert after.deciding and after.turn == node.turn + 1, after


def options_loop(scn, nodes, rounds: int):
    from sim.engine import core

    options = core.options
    for _ in range(rounds):
        for node in nodes:
            options(scn, node)


def advance_loop(scn, pairs, rounds: int):
    from sim.engine import core

    advance = core.advance
    for r in range(rounds):
        for node, opts in pairs:
            advance(scn, node, opts[r % 10].act)


def measure_steps(scns: dict, node_sets: dict, repeat: int) -> dict:
    """Per-step times for every scenario and node set, interleaved within each repeat so that
    load from other processes on a shared machine hits all sizes alike."""
    from sim.engine import core

    setup = []
    for key, scn in scns.items():
        for set_name, nodes in node_sets[key].items():
            check_nodes(scn, nodes)
            pairs = [(n, core.options(scn, n)) for n in nodes]
            rounds = max(1, c.calibrate(lambda scn=scn, nodes=nodes: step_loop(scn, nodes, 1), 0.06))
            setup.append((key, set_name, scn, nodes, pairs, rounds))
    samples: dict = {}
    for _ in range(repeat):
        for key, set_name, scn, nodes, pairs, rounds in setup:
            per = rounds * len(nodes)
            for part, fn, arg in (("step", step_loop, nodes), ("options", options_loop, nodes), ("advance", advance_loop, pairs)):
                t0, p0 = time.perf_counter(), time.process_time()
                fn(scn, arg, rounds)
                wall, cpu = (time.perf_counter() - t0) / per, (time.process_time() - p0) / per
                parts = samples.setdefault(key, {}).setdefault(set_name, {})
                parts.setdefault(part, []).append(wall)
                parts.setdefault(part + "_cpu", []).append(cpu)
    return {key: {set_name: {part: c.stats(xs) for part, xs in parts.items()} for set_name, parts in sets.items()} for key, sets in samples.items()}


def profile_steps(scn, nodes, seconds: float = 0.75) -> pstats.Stats:
    rounds = max(1, c.calibrate(lambda: step_loop(scn, nodes, 1), seconds))
    prof = cProfile.Profile()
    prof.enable()
    step_loop(scn, nodes, rounds)
    prof.disable()
    st = pstats.Stats(prof, stream=io.StringIO())
    st.total_steps = rounds * len(nodes)  # type: ignore[attr-defined]
    return st


def per_step_by_function(st: pstats.Stats) -> dict[str, tuple[float, float, float]]:
    """function -> (own time per step, cumulative time per step, calls per step)."""
    out: dict[str, list[float]] = {}
    steps = st.total_steps  # type: ignore[attr-defined]
    for (file, line, name), (cc, nc, tt, ct, callers) in st.stats.items():  # type: ignore[attr-defined]
        if file.startswith("<condition>") or file.startswith("<effects>"):
            key = f"{file}({name}) [all compiled functions]"  # one code object per act: sum them
            line = 0
        else:
            key = f"{file.rsplit('/', 1)[-1]}:{line}({name})"
        acc = out.setdefault(key, [0.0, 0.0, 0.0])
        acc[0] += tt / steps
        acc[1] += ct / steps
        acc[2] += nc / steps
    return {k: tuple(v) for k, v in out.items()}


def main(argv=None) -> dict:
    p = c.parser(__doc__.splitlines()[0], scenario=False)
    p.add_argument("--sizes", default="100,1000,10000")
    p.add_argument("--profile", action="store_true", help="profile the step loop even if the target is met")
    p.add_argument("--int-variant", action="store_true", help="also measure the int-stage variant (one stage variable at every size; ~10 s more)")
    p.add_argument("--load-repeat", type=int, default=5, help="repeats of the load timing (default 5)")
    args = p.parse_args(argv)
    repeat = max(5, args.repeat)
    step_repeat = max(9, repeat)  # step samples are short (~0.06 s): more of them steady the median
    sizes = [int(x) for x in args.sizes.split(",")]
    from sim.format import load_scenario

    kinds = ("enum", "int") if args.int_variant else ("enum",)
    rows, scns = {}, {}
    for kind in kinds:
        for n in sizes:
            t0 = time.perf_counter()
            path = c.scaled_scenario(n, stage_kind=kind)
            gen = time.perf_counter() - t0
            loads = []
            for _ in range(max(1, args.load_repeat) if kind == "enum" else 1):
                t0 = time.perf_counter()
                scn = load_scenario(path)
                loads.append(time.perf_counter() - t0)
            scns[(kind, n)] = scn
            rows[(kind, n)] = {"load": c.stats(loads), "generate_s": gen, "moves": len(scn.moves), "rules": len(scn.rules), "guard_tables": len(scn.move_guards)}
            print(f"{kind:>4} {n:>6} rules ({len(scn.moves)} moves, {len(scn.rules)} reactions): loaded in {c.fmt_time(statistics.median(loads))} (median of {len(loads)}), {len(scn.slots)} slots, {len(scn.move_guards)} guard table(s)", flush=True)
    # Two sets of decision nodes per size: "same" - as many distinct nodes as the smallest
    # size has stage values (5 at 100 rules), so every size touches the same amount of
    # scenario per round; "spread" - up to N_NODES nodes across the stage values, so the
    # number of distinct moves, reactions and compiled functions touched grows with size.
    same_k = min(len(decision_nodes(s_)) for s_ in scns.values())
    node_sets = {key: {"same": decision_nodes(scn, same_k), "spread": decision_nodes(scn, N_NODES)} for key, scn in scns.items()}
    for key, m in measure_steps(scns, node_sets, step_repeat).items():
        rows[key].update(m)
        rows[key]["nodes"] = {k: len(v) for k, v in node_sets[key].items()}

    lo, hi = sizes[0], sizes[-1]
    print("\nenum variant; per step = options (10 moves on offer) + advance (move, its reaction, end of turn)")
    print(f"| {'rules':>6} | {'nodes':>6} | {'step, same nodes':>16} | {'min':>8} | {'x@' + str(lo):>6} | {'step, spread':>12} | {'min':>8} | {'x@' + str(lo):>6} | {'options':>8} | {'advance':>8} | {'load (median)':>13} | {'load (min)':>10} |")
    print(f"|{'-' * 7}:|{'-' * 7}:|{'-' * 17}:|{'-' * 9}:|{'-' * 7}:|{'-' * 13}:|{'-' * 9}:|{'-' * 7}:|{'-' * 9}:|{'-' * 9}:|{'-' * 14}:|{'-' * 11}:|")
    b_same = rows[("enum", lo)]["same"]["step"]["median"]
    b_spread = rows[("enum", lo)]["spread"]["step"]["median"]
    for n in sizes:
        m = rows[("enum", n)]
        sm, sp = m["same"], m["spread"]
        print(f"| {n:>6,} | {m['nodes']['same']:>2}/{m['nodes']['spread']:<3} | {c.fmt_time(sm['step']['median']):>16} | {c.fmt_time(sm['step']['min']):>8} | {sm['step']['median'] / b_same:>6.2f} | "
              f"{c.fmt_time(sp['step']['median']):>12} | {c.fmt_time(sp['step']['min']):>8} | {sp['step']['median'] / b_spread:>6.2f} | {c.fmt_time(sp['options']['median']):>8} | {c.fmt_time(sp['advance']['median']):>8} | "
              f"{c.fmt_time(m['load']['median']):>13} | {c.fmt_time(m['load']['min']):>10} |")
    if args.int_variant:
        print("\nint-stage variant (one stage variable, one guard table at every size):")
        bi = rows[("int", lo)]
        for n in sizes:
            m = rows[("int", n)]
            print(f"  {n:>6,} rules: step same {c.fmt_time(m['same']['step']['median'])} ({m['same']['step']['median'] / bi['same']['step']['median']:.2f}x), "
                  f"spread {c.fmt_time(m['spread']['step']['median'])} ({m['spread']['step']['median'] / bi['spread']['step']['median']:.2f}x)")

    def ratio_of(kind, set_name, stat="median", part="step"):
        return rows[(kind, hi)][set_name][part][stat] / rows[(kind, lo)][set_name][part][stat]

    ratio = ratio_of("enum", "same")
    ratio_min = ratio_of("enum", "same", "min")
    ratio_spread = ratio_of("enum", "spread")
    ratio_spread_min = ratio_of("enum", "spread", "min")
    ratio_int = ratio_of("int", "same") if args.int_variant else None
    ratio_int_spread = ratio_of("int", "spread") if args.int_variant else None
    load_ratio = rows[("enum", hi)]["load"]["median"] / rows[("enum", lo)]["load"]["median"]
    met = ratio <= TARGET
    met_spread = ratio_spread <= TARGET
    print(f"\nstep cost {hi:,} : {lo:,} rules, same nodes:   {ratio:.2f} (min-based {ratio_min:.2f}); target <= {TARGET}: {'met' if met else 'NOT met'}")
    print(f"step cost {hi:,} : {lo:,} rules, spread nodes: {ratio_spread:.2f} (min-based {ratio_spread_min:.2f}); target <= {TARGET}: {'met' if met_spread else 'NOT met'}")
    cpu_same, cpu_spread = ratio_of("enum", "same", part="step_cpu"), ratio_of("enum", "spread", part="step_cpu")
    print(f"the same ratios by CPU time (time.process_time; not counting time the process waited for a core): same {cpu_same:.2f}, spread {cpu_spread:.2f}")
    within = rows[("enum", hi)]["spread"]["step"]["median"] / rows[("enum", hi)]["same"]["step"]["median"]
    print(f"at {hi:,} rules alone, spread / same nodes = {within:.2f} (same scenario, {rows[('enum', hi)]['nodes']['spread']} vs {rows[('enum', hi)]['nodes']['same']} distinct decision nodes touched per round)")
    if args.int_variant:
        print(f"int-stage variant: same {ratio_int:.2f}, spread {ratio_int_spread:.2f}")
    print(f"load time {hi:,} : {lo:,} rules = {load_ratio:.1f} (rules x{hi // lo}); load per rule at {hi:,}: {c.fmt_time(rows[('enum', hi)]['load']['median'] / hi)}")

    profile = None
    if args.profile or not (met and met_spread):
        print(f"\nprofile of the step loop (cProfile; spread nodes), {lo:,} vs {hi:,} rules, enum variant, sorted by growth of own time per step:")
        a = per_step_by_function(profile_steps(scns[("enum", lo)], node_sets[("enum", lo)]["spread"]))
        b = per_step_by_function(profile_steps(scns[("enum", hi)], node_sets[("enum", hi)]["spread"]))
        zero = (0.0, 0.0, 0.0)
        grown = sorted(((b.get(k, zero)[0] - a.get(k, zero)[0], k) for k in set(a) | set(b)), reverse=True)
        print(f"  {'function':<52} {'own@' + str(lo):>9} {'own@' + str(hi):>9} {'cum@' + str(hi):>9} {'calls/step':>12}")
        for delta, k in grown[:10]:
            ca, cb = a.get(k, zero)[2], b.get(k, zero)[2]
            print(f"  {k[:52]:<52} {c.fmt_time(a.get(k, zero)[0]):>9} {c.fmt_time(b.get(k, zero)[0]):>9} {c.fmt_time(b.get(k, zero)[1]):>9} {ca:>5.1f}->{cb:<5.1f}")
        ta, tb = sum(v[0] for v in a.values()), sum(v[0] for v in b.values())
        print(f"  total own time per step (profiled): {c.fmt_time(ta)} -> {c.fmt_time(tb)} ({tb / ta:.2f}x); calls per step {sum(v[2] for v in a.values()):.1f} -> {sum(v[2] for v in b.values()):.1f}")
        profile = {k: {"lo": a.get(k), "hi": b.get(k)} for _, k in grown[:10]}
    print(f"({step_repeat} repeats of each step measurement, sizes interleaved; load x{args.load_repeat})")
    result = {
        "bench": "scaling", "sizes": sizes,
        "rows": {f"{k}:{n}": v for (k, n), v in rows.items()},
        "ratio": ratio, "ratio_min": ratio_min, "ratio_spread": ratio_spread, "ratio_spread_min": ratio_spread_min, "within_hi_spread_vs_same": within, "ratio_cpu": cpu_same, "ratio_spread_cpu": cpu_spread,
        "ratio_int": ratio_int, "ratio_int_spread": ratio_int_spread, "load_ratio": load_ratio,
        "target": TARGET, "met": met, "met_spread": met_spread, "profile": profile, "repeat": repeat,
    }
    c.write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
