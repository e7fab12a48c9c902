"""Exhaustive exploration against its reference, in the same run: time, ratio, states, memory.

    python bench/explore_vs_reference.py [SCENARIO ...] [--repeat N] [--json FILE]

For each scenario (default: ``whole_arc`` and every shipped scenario played in rounds or
sealed rounds, found in the catalog), from the start to the horizon:

* time: ``sim.analysis.explore.exhaustive`` (each distinct state's edges worked out once)
  and ``bench/explore_reference.py``'s ``exhaustive_reference`` (today's algorithm before
  issue 10: merged within a turn only) run in turn, new then reference, ``--repeat``
  times; the ratio reference/new is taken pair by pair, and medians are reported, so a
  drift in the machine's speed moves both sides of a pair alike;
* the same odds: the two results are compared (every ending to 1e-12) before timing;
* distinct states (``Result.distinct``: states kept, equal ones merged, each expanded at
  most once) and expansions (``Result.nodes``) of the new exploration; the reference's
  expansions;
* peak memory, each algorithm in a fresh subprocess: the growth of the process's peak
  resident set (VmHWM, reset through /proc/self/clear_refs after loading) during one
  exploration, divided by the new exploration's distinct states;
* the memory bound's own estimate (``_Graph.bytes``) at the end, against the measured growth.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import _common as c

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def default_scenarios() -> list[str]:
    from sim.engine.vocab import TurnMode
    from sim.format import load_scenario
    from sim.format.catalog import catalog

    out = ["whole_arc"]
    for entry in catalog(c.ROOT / "scenarios"):
        if entry.id != "whole_arc" and load_scenario(entry.path).turn_mode != TurnMode.OPEN:
            out.append(entry.id)
    return out


def _vm_hwm() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmHWM in /proc/self/status")


def _child(name: str, which: str) -> None:
    """In a fresh interpreter: one exploration, its peak RSS growth."""
    import ctypes
    import gc

    from explore_reference import exhaustive_reference

    from sim.analysis import explore as x
    from sim.format import load_scenario
    from sim.format.catalog import resolve

    scn = load_scenario(resolve(name))
    graphs = []
    init = x._Graph.__init__

    def keep(self, *args, **kw):
        init(self, *args, **kw)
        graphs.append(self)

    x._Graph.__init__ = keep
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    before = _vm_hwm()
    result = x.exhaustive(scn) if which == "new" else exhaustive_reference(scn)
    grown = _vm_hwm() - before
    estimate = graphs[0].bytes if graphs else None
    print(json.dumps({"peak": grown, "distinct": result.distinct, "nodes": result.nodes, "estimate": estimate, "complete": result.complete}))


def measure(name: str, repeat: int, memory_runs: int = 3) -> dict:
    from explore_reference import exhaustive_reference

    from sim.analysis.explore import exhaustive
    from sim.format import load_scenario
    from sim.format.catalog import resolve

    scn = load_scenario(resolve(name))
    new, ref = exhaustive(scn), exhaustive_reference(scn)
    assert new.complete and ref.complete, f"{name}: an exploration stopped early ({new.stopped or ref.stopped})"
    for ending, p in ref.endings.items():
        assert abs(new.endings[ending] - p) <= 1e-12, f"{name}: {ending} {new.endings[ending]} != {p}"
    assert abs(new.open - ref.open) <= 1e-12 and abs(new.dead - ref.dead) <= 1e-12
    t_new, t_ref, ratios = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        exhaustive(scn)
        a = time.perf_counter() - t0
        t0 = time.perf_counter()
        exhaustive_reference(scn)
        b = time.perf_counter() - t0
        t_new.append(a)
        t_ref.append(b)
        ratios.append(b / a)
    mem = {}
    for which in ("new", "reference"):
        runs = []
        for _ in range(memory_runs):
            out = subprocess.run([sys.executable, __file__, "--child", name, which], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        mem[which] = {"peak_bytes": statistics.median(r["peak"] for r in runs), "estimate": runs[0]["estimate"]}
    return {
        "scenario": name, "turns": scn.turn_mode.value, "horizon": scn.horizon,
        "distinct": new.distinct, "expansions": new.nodes, "turn_starts": new.starts, "reference_expansions": ref.nodes,
        "new_s": c.stats(t_new), "reference_s": c.stats(t_ref), "ratio": c.stats(ratios),
        "peak_bytes": mem["new"]["peak_bytes"], "peak_per_distinct": mem["new"]["peak_bytes"] / new.distinct,
        "estimate_bytes": mem["new"]["estimate"], "reference_peak_bytes": mem["reference"]["peak_bytes"],
    }  # fmt: skip


def main(argv=None) -> list[dict]:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[2])
        return []
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scenarios", nargs="*", help="scenario ids or files (default: whole_arc and every rounds or sealed version)")
    p.add_argument("--repeat", type=int, default=5, help="pairs of runs timed (default 5)")
    p.add_argument("--memory-runs", type=int, default=3, help="fresh processes per algorithm for the peak memory (default 3; the median is kept)")
    p.add_argument("--json", help="write the figures here")
    args = p.parse_args(argv)
    names = args.scenarios or default_scenarios()
    rows = []
    m = c.machine()
    print(f"machine: {m['processor']}, {m['cpus']} cores, Python {m['python']}")
    header = f"{'scenario':<32} {'turns':<7} {'distinct':>9} {'expand':>9} {'ref exp':>10} {'new s':>7} {'ref s':>7} {'ratio':>6} {'peak MiB':>9} {'B/state':>8} {'est MiB':>8} {'ref MiB':>8}"
    print(header)
    for name in names:
        r = measure(name, max(1, args.repeat), max(1, args.memory_runs))
        rows.append(r)
        print(
            f"{name:<32} {r['turns']:<7} {r['distinct']:>9,} {r['expansions']:>9,} {r['reference_expansions']:>10,} "
            f"{r['new_s']['median']:>7.2f} {r['reference_s']['median']:>7.2f} {r['ratio']['median']:>5.2f}x "
            f"{r['peak_bytes'] / 2**20:>9.1f} {r['peak_per_distinct']:>8,.0f} {(r['estimate_bytes'] or 0) / 2**20:>8.1f} {r['reference_peak_bytes'] / 2**20:>8.1f}",
            flush=True,
        )
    print(f"(medians of {args.repeat} pairs, new then reference; ratio = reference time / new time, pair by pair; "
          f"peak = growth of peak RSS in a fresh process, median of {args.memory_runs}; est = the memory bound's estimate)")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return rows


if __name__ == "__main__":
    main()
