"""``sim explore``: ending odds under the author's weights, exhaustive or sampled."""

from __future__ import annotations

import json
import sys

from sim.analysis.explore import exhaustive, paths_to_endings, playouts
from sim.diagnostics import InputError
from sim.format import load_scenario
from sim.format.catalog import resolve


def explore(name: str, depth: int | None, n_playouts: int | None, seed: int, max_nodes: int, fmt: str) -> int:
    if depth is not None and depth < 1:
        raise InputError.single("--depth", "must be at least 1")
    if n_playouts is not None and not 1 <= n_playouts <= 10_000_000:
        raise InputError.single("--playouts", "must be between 1 and 10,000,000")
    scenario = load_scenario(resolve(name))
    with _progress(n_playouts) as progress:
        if n_playouts:
            result = playouts(scenario, n_playouts, seed, depth=depth, progress=progress)
        else:
            result = exhaustive(scenario, depth=depth, max_nodes=max_nodes, progress=progress)
    if fmt == "json":
        data = {
            "scenario": scenario.id,
            "mode": "playouts" if n_playouts else "exhaustive",
            "depth": depth or scenario.horizon,
            "endings": {k: round(v, 6) for k, v in result.endings.items()},
            "open": round(result.open, 6),
            "dead_end": round(result.dead, 6),
            "distinct_states": result.distinct,
            "nodes": result.nodes,
            "complete": result.complete,
        }
        if n_playouts:
            data["playouts"] = n_playouts
            data["seed"] = seed
            data["counts"] = result.counts
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    mode = f"{n_playouts} seeded playouts (seed {seed})" if n_playouts else "every branch"
    print(f"{scenario.title}: {mode}, {depth or scenario.horizon} turns")
    print(scenario.disclaimer)
    print()
    from sim.export.chart import can_draw_blocks, chart

    rows = [(e.title, result.endings[e.id]) for e in scenario.endings]
    if result.open:
        rows.append(("(still running at the depth limit)" if result.complete else "(not explored: stopped at --max-nodes)", result.open))
    if result.dead:
        rows.append(("(dead end: nothing on offer)", result.dead))
    for line in chart(rows, unicode=can_draw_blocks(sys.stdout)):
        print(line)
    print()
    if not n_playouts:
        from sim.analysis.length import length

        n = length(scenario, result)
        if n is not None and n.complete:  # with paths still running, the lengths would mislead
            print(f"A path lasts {n.describe()} (half the weight has ended by turn {n.typical}).")
    print(f"{result.distinct} distinct states, {result.nodes} nodes, {result.seconds:.2f} s" + ("" if result.complete else " (stopped at --max-nodes)"))
    return 0


def print_paths(name: str) -> int:
    """A shortest path to each ending, written as a script an author can replay."""
    scenario = load_scenario(resolve(name))
    paths = paths_to_endings(scenario)
    for ending in scenario.endings:
        steps = paths.get(ending.id)
        print(f"# {ending.title}")
        if steps is None:
            print("#   not reached")
            continue
        print(f"scenario: {scenario.id}")
        print("steps:")
        for step in steps:
            print(f"  - {step}")
        print(f"expect: {{ending: {ending.id}}}")
        print()
    return 0


class _progress:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, total: int | None):
        self.total = total
        self.bar = None

    def __enter__(self):
        if not sys.stderr.isatty():
            return None
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[nodes]} nodes"), TimeElapsedColumn(), transient=True, console=None)
        self.bar.start()
        task = self.bar.add_task("exploring" if not self.total else "playouts", total=self.total, nodes=0)

        def update(done: int, nodes: int):
            if self.total:
                self.bar.update(task, completed=done, nodes=nodes)
            else:
                self.bar.update(task, nodes=nodes)

        return update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
