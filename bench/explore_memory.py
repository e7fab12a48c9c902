"""The memory bound's estimate against measured memory, scenario by scenario.

    python bench/explore_memory.py [SCENARIO ...] [--json FILE]

Exploration stops at MEMORY_BUDGET bytes of *estimated* kept states
(sim.analysis.explore.state_bytes, EDGE_BYTES): an estimate, so that where it stops is
the same on every machine. This checks the estimate against what the process really
grew by. Each scenario (default: every scenarios/*.yaml) is explored to its horizon, in
a fresh interpreter, with no bound; the peak RSS (VmHWM, reset after loading, as in
bench/explore.py) grows by ``peak``, and the exploration reports its own estimate of
what it kept at the end (``Result.kept``). The ratio estimate / peak should sit near 1
and above it where it matters: below 1 the bound lets a process grow past
MEMORY_BUDGET.

With ``--reference TREE`` (a checkout of an earlier commit, e.g. made with ``git worktree
add /tmp/ref COMMIT``), each scenario is also explored by that tree's code, in the same
run, one after the other: peak memory and time as ratios new / reference.
"""

from __future__ import annotations

import glob
import json
import subprocess
import sys

import _common as c
from explore import _malloc_trim, _reset_peak_rss, _vm_hwm


def _child(path: str) -> None:
    import gc

    from sim.analysis.explore import exhaustive

    scn = c.load(path)
    gc.collect()
    _malloc_trim()
    if not _reset_peak_rss():
        sys.exit("cannot reset the peak RSS (/proc/self/clear_refs): Linux only")
    before = _vm_hwm()
    result = exhaustive(scn, budget=1 << 40)
    peak = (_vm_hwm() - before) * 1024
    kept = getattr(result, "kept", 0)  # a reference tree may predate it
    print(json.dumps({"distinct": result.distinct, "nodes": result.nodes, "kept": kept, "peak": peak, "seconds": result.seconds}))


def _run(path: str, tree: str | None) -> dict:
    """One exploration in a fresh interpreter; ``tree``: import sim from there instead."""
    import os

    env = dict(os.environ)
    if tree:
        env["PYTHONPATH"] = tree
    out = subprocess.run([sys.executable, __file__, "--child", path], capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out)


def main(argv=None) -> dict:
    p = c.parser(__doc__.splitlines()[0], scenario=False)
    p.add_argument("scenarios", nargs="*", help="scenario files (default: scenarios/*.yaml)")
    p.add_argument("--reference", metavar="TREE", help="also explore with the sim package of this checkout, for ratios")
    p.add_argument("--child", help="(internal)")
    args = p.parse_args(argv)
    if args.child:
        _child(args.child)
        return {}
    paths = args.scenarios or sorted(glob.glob(str(c.ROOT / "scenarios" / "*.yaml")))
    rows = []
    head = f"{'scenario':34} {'distinct':>9} {'estimate':>9} {'peak RSS':>9} {'B/state':>7} {'est/peak':>8} {'time':>7}"
    print(head + ("   ref peak  ref time  peak ratio  time ratio" if args.reference else ""))
    for path in paths:
        row = {"scenario": path, **_run(path, None)}
        if args.reference:
            row["reference"] = _run(path, args.reference)
        rows.append(row)
        ratio = row["kept"] / row["peak"] if row["peak"] > 0 else float("inf")
        per = row["peak"] / row["distinct"]
        name = path.rsplit("/", 1)[-1]
        line = f"{name:34} {row['distinct']:>9,} {row['kept'] / 2**20:>7.1f}Mi {row['peak'] / 2**20:>7.1f}Mi {per:>7.0f} {ratio:>8.2f} {row['seconds']:>6.2f}s"
        if args.reference:
            ref = row["reference"]
            peak_ratio = row["peak"] / ref["peak"] if ref["peak"] > 0 else float("nan")
            line += f" {ref['peak'] / 2**20:>8.1f}Mi {ref['seconds']:>8.2f}s {peak_ratio:>10.2f} {row['seconds'] / ref['seconds']:>11.2f}"
        print(line)
    data = {"machine": c.machine(), "rows": rows}
    c.write_json(args.json, data)
    return data


if __name__ == "__main__":
    main()
