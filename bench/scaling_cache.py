"""Diagnostic (not part of run_all; takes ~4 minutes): why a step costs more when more of
the scenario is touched. Runs the scaling step loop under valgrind's cachegrind.

    python bench/scaling_cache.py [--rules 1000] [--steps 30000] [--l2 1048576,8,64]

Three runs on the same synthetic scenario (bench/_common.py ``scaled_scenario``): the
load alone, then N steps over 5 distinct decision nodes ("same"), then N steps over 50
("spread"). Subtracting the load-only run gives, per step: instructions executed, L1 data
misses and last-level data misses, with the last level simulated at the size of this
machine's L2 (--l2 size,assoc,line; default 1 MB, 8-way, as lscpu reports here).
Same instructions but more misses means the extra time is memory traffic, not extra work.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def driver(rules: int, n_nodes: int, steps: int) -> None:
    sys.path.insert(0, str(HERE))
    import _common as c
    import scaling

    from sim.format import load_scenario

    scn = load_scenario(c.scaled_scenario(rules))
    nodes = scaling.decision_nodes(scn, 64)[:n_nodes] if n_nodes > 5 else scaling.decision_nodes(scn, 5)
    if steps:
        scaling.step_loop(scn, nodes, max(1, steps // len(nodes)))


def parse(text: str) -> dict[str, int]:
    out = {}
    for key, label in (("I", r"I\s+refs"), ("D1", r"D1\s+misses"), ("LLd", r"LLd misses")):
        m = re.search(label + r":\s+([\d,]+)", text)
        out[key] = int(m.group(1).replace(",", "")) if m else 0
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rules", type=int, default=1000)
    p.add_argument("--steps", type=int, default=30_000)
    p.add_argument("--l2", default="1048576,8,64")
    p.add_argument("--driver", nargs=3, type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.driver:
        driver(*args.driver)
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed")
    sys.path.insert(0, str(HERE))
    import _common as c

    c.scaled_scenario(args.rules)  # generate outside valgrind
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, n_nodes, steps in (("load only", 5, 0), ("same (5 nodes)", 5, args.steps), ("spread (50 nodes)", 50, args.steps)):
            out = Path(tmp) / "cg.out"
            proc = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=yes", f"--LL={args.l2}", f"--cachegrind-out-file={out}",
                                   sys.executable, __file__, "--driver", str(args.rules), str(n_nodes), str(steps)], capture_output=True, text=True)
            runs[name] = parse(proc.stderr)
            print(f"{name:<18} {runs[name]}", flush=True)
    base = runs["load only"]
    print(f"\nper step ({args.rules:,} rules, {args.steps:,} steps; last level simulated as {args.l2}):")
    print(f"  {'':<18} {'instructions':>13} {'L1d misses':>11} {'L2d misses':>11}")
    for name in ("same (5 nodes)", "spread (50 nodes)"):
        r = runs[name]
        print(f"  {name:<18} {(r['I'] - base['I']) / args.steps:>13,.0f} {(r['D1'] - base['D1']) / args.steps:>11,.1f} {(r['LLd'] - base['LLd']) / args.steps:>11,.1f}")


if __name__ == "__main__":
    main()
