"""Exhaustive exploration: nodes/s, and peak memory per distinct state (fresh subprocesses).

    python bench/explore.py [SCENARIO] [--json FILE] [--repeat N] [--max-nodes N | --full]

Speed: ``sim.analysis.explore.exhaustive`` from the start, timed from outside; nodes/s =
node expansions / wall time. To stay near a minute, each run is capped (``max_nodes``)
at about SECONDS_PER_RUN of work, estimated from a short probe; a scenario that
finishes within the cap is explored to its horizon. --max-nodes sets the cap, --full
removes it (the default scenario then takes minutes).

Memory, each in its own fresh subprocess (so nothing earlier inflates the peak):
* tracemalloc: peak traced bytes during ``exhaustive`` (started after the scenario is
  loaded, so only exploration's own allocations count);
* peak RSS: the process's peak resident set after minus before ``exhaustive``. The peak
  is first reset through /proc/self/clear_refs so loading's own peak does not hide
  exploration's, and it is read as VmHWM from /proc/self/status: in a child started
  by a large parent, getrusage's ru_maxrss also carries the parent's peak across exec
  (Linux keeps it in the signal struct, which clear_refs does not reset), so ru_maxrss
  would show no growth at all. ru_maxrss before/after is recorded in the JSON too. RSS
  counts whole pages and allocator arenas, so it is the coarser figure.
Both are divided by the number of distinct states (``Result.distinct``: equal nodes
merged within a level). Exploration keeps only two levels alive at a time, so the
peak is also reported per *live* node (the widest pair of adjacent levels).

Targets: >= 50,000 nodes/s; < 1 KB per distinct state.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

import _common as c

TARGET_NODES_S = 50_000
TARGET_BYTES = 1024
SECONDS_PER_RUN = 1.0
PROBE_NODES = 20_000


def _child(path: str, mode: str, max_nodes: int | None) -> None:
    """Runs in a fresh interpreter: one exploration, memory measured one way."""
    from sim.analysis.explore import exhaustive

    scn = c.load(path)
    levels: list[int] = []
    extra: dict = {}
    progress = lambda lv, nodes: levels.append(nodes)  # noqa: E731  (cumulative nodes per level)
    if mode == "tracemalloc":
        import tracemalloc

        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        result = exhaustive(scn, max_nodes=max_nodes, progress=progress)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    else:
        import gc

        gc.collect()
        _malloc_trim()  # hand loading's freed heap back to the OS, so growth is visible
        reset = _reset_peak_rss()  # else loading's own peak would hide exploration's
        ru_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        hwm_before = _vm_hwm()
        result = exhaustive(scn, max_nodes=max_nodes, progress=progress)
        ru_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        hwm_after = _vm_hwm()
        if reset and hwm_before is not None and hwm_after is not None:
            peak = (hwm_after - hwm_before) * 1024  # KiB
        else:
            peak = (ru_after - ru_before) * 1024  # Linux reports KiB
            print("warning: could not reset/read the peak RSS (/proc/self); ru_maxrss growth is a lower bound", file=sys.stderr)
        extra = {"ru_maxrss_before_kib": ru_before, "ru_maxrss_after_kib": ru_after, "vmhwm_before_kib": hwm_before, "vmhwm_after_kib": hwm_after}
    widths = [b - a for a, b in zip([0, *levels], levels, strict=False)]
    live = max((widths[i] + (widths[i + 1] if i + 1 < len(widths) else 0)) for i in range(len(widths))) if widths else 0
    print(json.dumps({"peak": peak, "distinct": result.distinct, "nodes": result.nodes, "live": live, "levels": len(widths), "widest": max(widths or [0]), "complete": result.complete, **extra}))


def _malloc_trim() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _vm_hwm() -> int | None:
    """This process's own peak RSS in KiB (VmHWM), which clear_refs resets."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Linux: writing 5 to clear_refs resets the peak RSS that ru_maxrss reports."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def main(argv=None) -> dict:
    p = c.parser(__doc__.splitlines()[0])
    p.add_argument("--max-nodes", type=int, default=None, help="cap node expansions per run (default: about 1 s of work)")
    p.add_argument("--full", action="store_true", help="no cap: explore every branch to the horizon")
    p.add_argument("--child", help=argparse_hidden())
    args = p.parse_args(argv)
    if args.child:
        _child(args.scenario, args.child, args.max_nodes or None)
        return {}
    repeat = max(5, args.repeat)
    path, how = c.scenario_path(args.scenario)
    from sim.analysis.explore import exhaustive

    scn = c.load(path)
    cap = args.max_nodes
    if cap is None and not args.full:
        t0 = time.perf_counter()
        probe = exhaustive(scn, max_nodes=PROBE_NODES)
        rate = probe.nodes / (time.perf_counter() - t0)
        cap = None if probe.complete else max(PROBE_NODES, int(rate * SECONDS_PER_RUN))
    t0 = time.perf_counter()
    first = exhaustive(scn, max_nodes=cap)
    first_s = time.perf_counter() - t0
    if first.complete:
        cap = None
    print(f"scenario: {scn.id} ({path}, {how}); horizon {scn.horizon}, {len(scn.slots)} state slots")
    scope = "to the horizon (complete)" if first.complete else f"capped at max_nodes={cap:,} (stops after the level that reaches it; --full for all)"
    print(f"exhaustive: {first.nodes:,} nodes, {first.distinct:,} distinct, {scope}; first run {first_s:.2f} s")
    # aim for a ~0.3 s sample at least: small scenarios repeat the exploration within a sample
    inner = max(1, int(0.3 / max(first_s, 1e-6)))
    rates = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        nodes = 0
        for _ in range(inner):
            nodes += exhaustive(scn, max_nodes=cap).nodes
        rates.append(nodes / (time.perf_counter() - t0))
    speed = c.stats(rates)

    runs_per_mode = 5 if first_s < 1 else 3  # tracemalloc slows exploration ~3x; stay near a minute
    mem = {}
    for mode in ("tracemalloc", "maxrss"):
        runs = []
        for _ in range(runs_per_mode):
            out = subprocess.run([sys.executable, __file__, str(path), "--child", mode, "--max-nodes", str(cap or 0)], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        per_distinct = [r["peak"] / max(r["distinct"], 1) for r in runs]
        per_live = [r["peak"] / max(r["live"], 1) for r in runs]
        mem[mode] = {"peak_bytes": c.stats([r["peak"] for r in runs]), "per_distinct": c.stats(per_distinct), "per_live": c.stats(per_live), "distinct": runs[0]["distinct"], "live": runs[0]["live"], "levels": runs[0]["levels"], "widest": runs[0]["widest"]}

    met_speed = speed["median"] >= TARGET_NODES_S
    per_distinct_worst = max(mem["tracemalloc"]["per_distinct"]["median"], mem["maxrss"]["per_distinct"]["median"])
    met_mem = per_distinct_worst < TARGET_BYTES
    print(f"\n{'measure':<44} {'median':>14} {'best':>14}   target")
    print(f"{'nodes/s':<44} {speed['median']:>14,.0f} {speed['max']:>14,.0f}   >= {TARGET_NODES_S:,}: {'met' if met_speed else 'NOT met'}")
    for mode, label in (("tracemalloc", "tracemalloc peak"), ("maxrss", "peak RSS growth (VmHWM)")):
        m = mem[mode]
        print(f"{label + ' (bytes)':<44} {m['peak_bytes']['median']:>14,.0f} {m['peak_bytes']['min']:>14,.0f}")
        print(f"{'  per distinct state (bytes)':<44} {m['per_distinct']['median']:>14,.0f} {m['per_distinct']['min']:>14,.0f}   < {TARGET_BYTES}")
        print(f"{'  per live node (two widest levels) (bytes)':<44} {m['per_live']['median']:>14,.0f} {m['per_live']['min']:>14,.0f}")
    t = mem["tracemalloc"]
    print(f"\ndistinct states {t['distinct']:,} over {t['levels']} levels; widest level {t['widest']:,}; live at peak ~{t['live']:,}")
    print(f"memory target (< {TARGET_BYTES} B per distinct state, worse of the two methods): {'met' if met_mem else 'NOT met'} ({per_distinct_worst:,.0f} B)")
    print(f"({repeat} speed repeats x {inner} exploration(s); memory: {runs_per_mode} tracemalloc + {runs_per_mode} peak-RSS subprocesses)")
    result = {
        "bench": "explore", "scenario": str(path), "scenario_how": how, "scenario_id": scn.id,
        "nodes": first.nodes, "distinct": first.distinct, "complete": first.complete, "cap": cap,
        "nodes_per_s": speed, "memory": mem, "per_distinct_worst": per_distinct_worst,
        "target_nodes_per_s": TARGET_NODES_S, "target_bytes": TARGET_BYTES,
        "met_speed": met_speed, "met_memory": met_mem, "repeat": repeat,
    }
    c.write_json(args.json, result)
    return result


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
