"""Every branch to a horizon, or seeded Monte Carlo playouts.

Exhaustive exploration walks the tree level by level (one choice per level) and
merges equal nodes within a level, adding their probabilities, so the work grows
with the number of distinct states rather than the number of paths. Probabilities
are exact under the author's weights, with moves taken in proportion to their move
weights (equal by default): a way to read the weights, not a forecast.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.engine import core
from sim.engine.core import DEPTH_BITS, Node
from sim.engine.model import Scenario
from sim.engine.session import pick

Progress = Callable[[int, int], None]  # (levels done, nodes expanded so far)


@dataclass
class Coverage:
    """What exploration saw happen, for lint."""

    acts: set[int] = field(default_factory=set)  # acts applied (moves and alternatives)
    offered: set[int] = field(default_factory=set)  # moves offered at some decision node
    endings: set[int] = field(default_factory=set)
    prompts: set[str] = field(default_factory=set)
    dead_ends: list[Node] = field(default_factory=list)  # a few examples


@dataclass
class Result:
    endings: dict[str, float]  # ending id -> probability (exhaustive) or share (playouts)
    open: float = 0.0  # probability still running at the depth limit
    dead: float = 0.0  # probability of reaching a dead end
    distinct: int = 0  # distinct nodes (equal states merged)
    nodes: int = 0  # node expansions
    seconds: float = 0.0
    complete: bool = True  # False if max_nodes stopped it early
    playouts: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # playouts: ending id -> count


def exhaustive(
    scn: Scenario,
    root: Node | None = None,
    depth: int | None = None,
    max_nodes: int | None = None,
    progress: Progress | None = None,
    coverage: Coverage | None = None,
) -> Result:
    """Explore every branch from ``root`` for ``depth`` turns (default: to the scenario's horizon)."""
    root = root or core.start(scn)
    last_turn = root.turn + depth - 1 if depth is not None else None
    ending_mass = [0.0] * len(scn.endings)
    result = Result({})
    level: dict[Node, float] = {root: 1.0}
    seen = coverage.acts if coverage is not None else None
    advance, offered, rules = core.advance, core.offered, scn.rules
    started = time.perf_counter()
    levels = 0
    while level:
        result.distinct += len(level)
        nxt: dict[Node, float] = {}
        get = nxt.get
        for node, mass in level.items():
            result.nodes += 1
            if node.ending >= 0:
                ending_mass[node.ending] += mass
                if coverage is not None:
                    coverage.endings.add(node.ending)
                continue
            state = node.state
            if node.pending:
                acts = rules[node.pending[0] >> DEPTH_BITS].alternatives
                acts = [a for a in acts if a.test is None or a.test(state)]
            else:
                if last_turn is not None and state[0] > last_turn:
                    result.open += mass
                    continue
                acts = offered(scn, state)
                if coverage is not None:
                    coverage.offered.update(a.index for a in acts)
                    _prompts(scn, state, coverage)
                if not acts:
                    result.dead += mass
                    if coverage is not None and len(coverage.dead_ends) < 5:
                        coverage.dead_ends.append(node)
                    continue
            total = 0.0
            for a in acts:
                total += a.weight
            for a in acts:
                child = advance(scn, node, a, None, seen)
                nxt[child] = get(child, 0.0) + mass * a.weight / total
        levels += 1
        if progress is not None:
            progress(levels, result.nodes)
        if max_nodes is not None and result.nodes >= max_nodes and nxt:
            result.complete = False
            result.open += sum(nxt.values())
            break
        level = nxt
    result.seconds = time.perf_counter() - started
    result.endings = {e.id: ending_mass[e.index] for e in scn.endings}
    return result


def _prompts(scn: Scenario, state: tuple, coverage: Coverage) -> None:
    for prompt in scn.prompts:
        if prompt.id not in coverage.prompts and prompt.when.fn(state):
            coverage.prompts.add(prompt.id)


def playouts(
    scn: Scenario,
    count: int,
    seed: int = 0,
    root: Node | None = None,
    depth: int | None = None,
    progress: Progress | None = None,
) -> Result:
    """``count`` seeded random playouts; endings as shares of the playouts."""
    root = root or core.start(scn)
    last_turn = root.turn + depth - 1 if depth is not None else None
    rng = random.Random(f"playouts/{seed}")
    counts = [0] * len(scn.endings)
    result = Result({}, playouts=count)
    distinct: set[Node] = set()
    open_count = dead = 0
    started = time.perf_counter()
    every = max(1, count // 100)
    for i in range(count):
        node = root
        while node.ending < 0:
            if len(distinct) < 1_000_000:
                distinct.add(node)
            result.nodes += 1
            if node.deciding and last_turn is not None and node.turn > last_turn:
                open_count += 1
                break
            opts = core.options(scn, node)
            if not opts:
                dead += 1
                break
            node = core.advance(scn, node, pick(opts, rng))
        else:
            counts[node.ending] += 1
            distinct.add(node)
        if progress is not None and (i + 1) % every == 0:
            progress(i + 1, result.nodes)
    result.seconds = time.perf_counter() - started
    result.counts = {e.id: counts[e.index] for e in scn.endings}
    result.endings = {e.id: counts[e.index] / count if count else 0.0 for e in scn.endings}
    result.open = open_count / count if count else 0.0
    result.dead = dead / count if count else 0.0
    result.distinct = len(distinct)
    return result
