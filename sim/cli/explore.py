"""``sim explore``: ending odds under the author's weights, exhaustive or sampled."""

from __future__ import annotations

import json
import sys

from sim.analysis import explore as bound
from sim.analysis.explore import MEMORY, exhaustive, paths_by_playouts, paths_to_endings, playouts
from sim.diagnostics import UsageError
from sim.format import load_scenario
from sim.format.catalog import resolve

MAX_NODES = 5_000_000
BOUNDED = 6  # the exit code when the memory bound stopped the work (sim.cli.main.BOUNDED)


def check_options(depth: int | None, n_playouts: int | None, max_nodes: int | None, fmt: str | None, paths: bool) -> None:
    """Options out of range, or that do not apply together, are usage errors (exit 2)."""
    if depth is not None and depth < 1:
        raise UsageError(f"--depth must be at least 1 (a number of turns), not {depth}")
    if n_playouts is not None and not 1 <= n_playouts <= 10_000_000:
        raise UsageError(f"--playouts must be between 1 and 10,000,000, not {n_playouts}")
    if max_nodes is not None and max_nodes < 1:
        raise UsageError(f"--max-nodes must be at least 1, not {max_nodes}")
    if paths:
        given = [opt for opt, value in (("--playouts", n_playouts), ("--depth", depth), ("--format", fmt), ("--max-nodes", max_nodes)) if value is not None]
        if given:
            raise UsageError(f"--paths prints a shortest path to each ending as script steps; {', '.join(given)} do{'es' if len(given) == 1 else ''} not apply to it")
    elif n_playouts is not None and max_nodes is not None:
        raise UsageError("--max-nodes caps exhaustive exploration; it does not apply with --playouts")


def explore(name: str, depth: int | None, n_playouts: int | None, seed: int, max_nodes: int | None, fmt: str | None, paths: bool = False) -> int:
    check_options(depth, n_playouts, max_nodes, fmt, paths)
    if paths:
        return print_paths(name)
    fmt = fmt or "text"
    scenario = load_scenario(resolve(name))
    if depth is not None and depth > scenario.horizon:
        print(f"sim explore: --depth {depth} is beyond the horizon of {scenario.id} ({scenario.horizon} turns): every path has ended by then, so the whole scenario is explored", file=sys.stderr)
        depth = None
    with _progress(n_playouts) as progress:
        if n_playouts:
            result = playouts(scenario, n_playouts, seed, depth=depth, progress=progress)
        else:
            result = exhaustive(scenario, depth=depth, max_nodes=max_nodes or MAX_NODES, progress=progress)
    bounded = result.stopped == MEMORY
    if bounded:
        print(
            f"sim explore: stopped at the memory bound ({bound.MEMORY_BUDGET // 2**20} MiB of states kept, {result.distinct:,} distinct states): "
            f"the odds are of the paths explored so far; {result.open * 100:.1f}% is not explored (shorten the horizon, or give fewer branches or counters)",
            file=sys.stderr,
        )
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
        if not n_playouts:
            data["turn_starts"] = result.starts
        if not result.complete:
            data["stopped"] = {"memory": "the memory bound", "nodes": "--max-nodes"}.get(result.stopped, result.stopped)
        if n_playouts:
            data["playouts"] = n_playouts
            data["seed"] = seed
            data["counts"] = result.counts
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return BOUNDED if bounded else 0
    mode = f"{n_playouts} seeded playouts (seed {seed})" if n_playouts else "every branch"
    print(f"{scenario.title}: {mode}, {depth or scenario.horizon} turns")
    print(scenario.disclaimer)
    print()
    from sim.export.chart import can_draw_blocks, chart

    rows = [(e.title, result.endings[e.id]) for e in scenario.endings]
    if result.open:
        rows.append(("(still running at the depth limit)" if result.complete else f"(not explored: stopped at {_STOPPED[result.stopped]})", result.open))
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
    print(f"{result.distinct} distinct states, {result.nodes} nodes, {result.seconds:.2f} s" + ("" if result.complete else f" (stopped at {_STOPPED[result.stopped]})"))
    return BOUNDED if bounded else 0


_STOPPED = {MEMORY: "the memory bound", "nodes": "--max-nodes"}


def print_paths(name: str) -> int:
    """A shortest path to each ending, written as a script an author can replay. Where the
    search stops at the memory bound, the endings it did not reach get a path found by
    seeded playouts instead (not the shortest), marked so."""
    scenario = load_scenario(resolve(name))
    paths, bounded = paths_to_endings(scenario, bounded=True)
    by_playouts = paths_by_playouts(scenario, {e.id for e in scenario.endings} - set(paths)) if bounded else {}
    for ending in scenario.endings:
        steps = paths.get(ending.id) or by_playouts.get(ending.id)
        print(f"# {ending.title}")
        if steps is None:
            print("#   not reached")
            continue
        if ending.id in by_playouts:
            print("#   found by seeded playouts, not the shortest: the shortest-path search stopped at the memory bound")
        print(f"scenario: {scenario.id}")
        print("steps:")
        for step in steps:
            print(f"  - {step}")
        print(f"expect: {{ending: {ending.id}}}")
        print()
    if bounded:
        print(
            f"sim explore: stopped at the memory bound ({bound.MEMORY_BUDGET // 2**20} MiB of states kept): "
            "the paths marked 'found by seeded playouts' are not the shortest, and the endings marked 'not reached' were not found",
            file=sys.stderr,
        )
        return BOUNDED
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
