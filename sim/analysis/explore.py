"""Every branch to a horizon, or seeded Monte Carlo playouts.

Exhaustive exploration walks the tree level by level (one choice per level) and
merges equal nodes within a level, adding their probabilities, so the work grows
with the number of distinct states rather than the number of paths. Probabilities
are exact under the author's weights, with moves taken in proportion to their move
weights (equal by default): a way to read the weights, not a forecast.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.engine import core
from sim.engine.core import DEPTH_BITS, SEAT_0, Node, shares
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
    # Called with (ending index, state) where an ending is reached; reachable() also calls it
    # with the on_horizon ending at every turn boundary without an ending (any could be the
    # last). Lint uses it to check what endings take for granted (lint.ending_holds).
    on_ending: Callable[[int, tuple], None] | None = None


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
    ended_at: dict[int, float] = field(default_factory=dict)  # exhaustive: turn played last -> probability of ending in it


def exhaustive(
    scn: Scenario,
    root: Node | None = None,
    depth: int | None = None,
    max_nodes: int | None = None,
    progress: Progress | None = None,
    coverage: Coverage | None = None,
) -> Result:
    """Explore every branch from ``root`` for ``depth`` turns (default: to the scenario's horizon).

    Nodes are merged turn by turn: every way of finishing turn t that leads to the
    same state is one node of turn t + 1, however many reactions each way took.
    Within a turn, reaction branches are merged level by level.
    """
    root = root or core.start(scn)
    last_turn = root.turn + depth - 1 if depth is not None else None
    ending_mass = [0.0] * len(scn.endings)
    result = Result({})
    ended_at = result.ended_at
    seen = coverage.acts if coverage is not None else None
    advance, offered, offered_to, rules, key_of = core.advance, core.offered, core.offered_to, scn.rules, scn.relevant_key
    started = time.perf_counter()
    turns_done = 0
    # A layer maps a merge key to [representative node, probability mass]. The key keeps
    # only what conditions can see (Scenario.relevant), so states that differ in nothing
    # that matters for the future are explored once.
    layer: dict[tuple, list] = {_key(key_of, root): [root, 1.0]}
    while layer:
        next_layer: dict[tuple, list] = {}
        current = layer
        while current:
            result.distinct += len(current)
            nxt: dict[tuple, list] = {}
            for node, mass in current.values():
                result.nodes += 1
                if node.ending >= 0:
                    ending_mass[node.ending] += mass
                    if coverage is not None:
                        coverage.endings.add(node.ending)
                        if coverage.on_ending is not None:
                            coverage.on_ending(node.ending, node.state)
                    continue
                state = node.state
                pending = node.pending
                if pending and pending[0] >= 0:
                    acts = rules[pending[0] >> DEPTH_BITS].eligible(state)
                else:
                    if last_turn is not None and state[0] > last_turn:
                        result.open += mass
                        continue
                    acts = offered(scn, state) if not pending else offered_to(scn, SEAT_0 - pending[0], state)
                    if coverage is not None:
                        coverage.offered.update(a.index for a in acts)
                        _prompts(scn, state, coverage)
                    if not acts:
                        result.dead += mass
                        if coverage is not None and len(coverage.dead_ends) < 5:
                            coverage.dead_ends.append(node)
                        continue
                ws, ps = shares(acts, state)
                turn = state[0]
                for a, p in zip(acts, ps, strict=True):
                    child = advance(scn, node, a, None, seen)
                    share = mass * p
                    cs = child.state
                    if child.pending and cs[0] == turn:
                        target = nxt
                    else:
                        target = next_layer
                        if child.ending >= 0:  # it ended in this turn, even if at its very end
                            ended_at[turn] = ended_at.get(turn, 0.0) + share
                    entry = target.setdefault((cs[0], key_of(cs), child.pending, child.ending), [child, 0.0])
                    entry[1] += share
            current = nxt
        turns_done += 1
        if progress is not None:
            progress(turns_done, result.nodes)
        if max_nodes is not None and result.nodes >= max_nodes and next_layer:
            result.complete = False
            result.open += sum(entry[1] for entry in next_layer.values())
            break
        layer = next_layer
    result.seconds = time.perf_counter() - started
    result.endings = {e.id: ending_mass[e.index] for e in scn.endings}
    return result


def _key(key_of, node: Node) -> tuple:
    return (node.state[0], key_of(node.state), node.pending, node.ending)


def turn_free(scn: Scenario) -> bool:
    """True when no condition looks at the turn (directly or through since())."""
    return not any(slot.index == 0 or slot.kind == "since" for _, c in scn.conditions() for slot in c.reads)


def reachable(scn: Scenario, coverage: Coverage, max_nodes: int | None = None) -> Result:
    """Everything reachable within the horizon, each state visited once.

    When no condition reads the turn, a state's future does not depend on the turn
    it is reached at, except through the horizon. So states are keyed without the
    turn and visited in turn order (first visit = earliest turn = most turns left),
    at a fraction of the cost of following every path. The horizon ending is then
    reachable exactly when the longest ending-free path from the start survives
    ``horizon`` turns, which a longest-path pass over the visited graph decides.
    Callers must check :func:`turn_free` first.
    """
    started = time.perf_counter()
    unbounded = dataclasses.replace(scn, horizon=10**9)  # the horizon is decided afterwards
    result = Result({})
    edges: dict[tuple, list[tuple[tuple, int]]] = {}  # key -> [(child key, turns it takes)]
    first_turn: dict[tuple, int] = {}
    turn = scn.initial[0]
    key_of = scn.relevant_key
    root = core.start(unbounded)
    root_key = (key_of(root.state), root.pending)
    by_turn: dict[int, list[Node]] = {}
    work = [root]
    while work:
        while work:
            node = work.pop()
            key = (key_of(node.state), node.pending)
            if key in edges:
                continue
            out: list[tuple[tuple, int]] = []
            edges[key] = out
            first_turn[key] = node.turn
            result.nodes += 1
            if max_nodes is not None and result.nodes > max_nodes:
                result.complete = False
                result.distinct = len(edges)
                result.seconds = time.perf_counter() - started
                return result
            if node.turn > scn.horizon:
                continue  # only its existence matters: the horizon is reachable
            acts = core.branches(unbounded, node)
            if node.deciding:
                coverage.offered.update(a.index for a in acts)
                _prompts(scn, node.state, coverage)
                if not acts:
                    if len(coverage.dead_ends) < 5:
                        coverage.dead_ends.append(node)
                    continue
            for a in acts:
                child = core.advance(unbounded, node, a, None, coverage.acts)
                if coverage.on_ending is not None and (child.ending >= 0 or not child.pending):
                    coverage.on_ending(scn.on_horizon if child.ending < 0 else child.ending, child.state)
                if child.ending >= 0:
                    coverage.endings.add(child.ending)
                    continue
                out.append(((key_of(child.state), child.pending), child.turn - node.turn))
                if child.turn == turn:
                    work.append(child)
                else:
                    by_turn.setdefault(child.turn, []).append(child)
        if by_turn:
            turn = min(by_turn)
            work = by_turn.pop(turn)
    if scn.initial[0] + _longest(edges, root_key) > scn.horizon:
        coverage.endings.add(scn.on_horizon)
    result.distinct = len(edges)
    result.seconds = time.perf_counter() - started
    return result


def _longest(edges: dict[tuple, list[tuple[tuple, int]]], root: tuple) -> float:
    """Most turns an ending-free path from ``root`` can last (inf if it can loop)."""
    best: dict[tuple, float] = {}
    on_path: set[tuple] = set()
    stack: list[tuple[tuple, int]] = [(root, 0)]
    on_path.add(root)
    while stack:
        key, i = stack[-1]
        children = edges.get(key, [])
        if i < len(children):
            stack[-1] = (key, i + 1)
            child = children[i][0]
            if child in on_path:
                return float("inf")
            if child not in best:
                on_path.add(child)
                stack.append((child, 0))
            continue
        stack.pop()
        on_path.discard(key)
        best[key] = max((turns + best[child] for child, turns in children), default=0)
    return best[root]


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


def paths_to_endings(scn: Scenario, max_nodes: int = 2_000_000) -> dict[str, list[str]]:
    """A shortest path (list of choices) from the start to each reachable ending.

    Breadth-first over nodes, so each path has the fewest choices; used to write
    test plans and to show an author how an ending can be reached.
    """
    key_of = scn.relevant_key
    start = core.start(scn)
    start_key = _key(key_of, start)
    parent: dict[tuple, tuple[tuple, str] | None] = {start_key: None}
    found: dict[int, tuple] = {}
    frontier = [start]
    while frontier and len(found) < len(scn.endings) and len(parent) < max_nodes:
        nxt = []
        for node in frontier:
            here = _key(key_of, node)
            for option in core.options(scn, node):
                child = core.advance(scn, node, option.act)
                key = _key(key_of, child)
                if key in parent:
                    continue
                parent[key] = (here, option.act.id)
                if child.ending >= 0:
                    found.setdefault(child.ending, key)
                else:
                    nxt.append(child)
        frontier = nxt
    paths = {}
    for index, key in sorted(found.items()):
        choices = []
        step = parent[key]
        while step is not None:
            key, choice = step
            choices.append(choice)
            step = parent[key]
        paths[scn.endings[index].id] = choices[::-1]
    return paths
