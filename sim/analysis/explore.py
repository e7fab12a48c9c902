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
    branched: set[int] = field(default_factory=set)  # acts on offer at some branch point (two or more options)
    weighted: set[int] = field(default_factory=set)  # acts on offer somewhere with a weight above 0
    all_zero: set[int] = field(default_factory=set)  # rules (or -1, a decision) where every weight was 0
    # Called with (ending index, state) where an ending is reached; reachable() also calls it
    # with the on_horizon ending at every turn boundary without an ending (any could be the
    # last). Lint uses it to check what endings take for granted (lint.ending_holds).
    on_ending: Callable[[int, tuple], None] | None = None


@dataclass
class Result:
    endings: dict[str, float]  # ending id -> probability (exhaustive) or share (playouts)
    open: float = 0.0  # probability still running at the depth limit
    dead: float = 0.0  # probability of reaching a dead end
    distinct: int = 0  # distinct states kept (equal states merged)
    nodes: int = 0  # node expansions (the work done)
    seconds: float = 0.0
    complete: bool = True  # False if max_nodes or the memory bound stopped it early
    stopped: str = ""  # why it stopped early: NODES (max_nodes) or MEMORY (the memory bound)
    starts: int = 0  # exhaustive: distinct turn starts whose exits were worked out
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
    budget: int = 0,
) -> Result:
    """Explore every branch from ``root`` for ``depth`` turns (default: to the scenario's horizon).

    The probability of each ending under the author's weights (moves by their move
    weights, equal by default). ``max_nodes`` caps the node expansions and ``budget`` the
    bytes of states kept (default: MEMORY_BUDGET, the memory bound); either stops the
    exploration at the end of a turn, with ``complete`` False, ``stopped`` saying which,
    and the probability not yet settled counted as still running (``open``).

    When no condition reads the turn (:func:`turn_free`), each distinct state's turn is
    worked out once, and probability then moves along those edges turn by turn
    (:func:`_by_edges`); otherwise the states are merged within each turn only
    (:func:`_by_turn`). Both give the same probabilities.
    """
    root = root or core.start(scn)
    budget = budget or MEMORY_BUDGET
    if root.ending >= 0:  # nothing to explore: it has ended (and in no turn played from here)
        result = Result({e.id: float(e.index == root.ending) for e in scn.endings}, nodes=1, distinct=1)
        if coverage is not None:
            coverage.endings.add(root.ending)
        return result
    if turn_free(scn):
        return _by_edges(scn, root, depth, max_nodes, progress, coverage, budget)
    return _by_turn(scn, root, depth, max_nodes, progress, coverage, budget)


# --- the memory bound ---------------------------------------------------------------------------

# Exploration, lint and the shortest paths keep every distinct state they have seen (with
# its edges, or its parent). MEMORY_BUDGET bounds what they keep, counted as they go by an
# estimate of each kept state's bytes (state_bytes), so that a small scenario with many
# counters stops with a clear message rather than filling the machine. The estimate is
# checked against measured peaks in bench/explore.py and tests/test_explore.py (the
# twelve-counter scenario of issue 7 stays well under 1 GiB); docs/PERFORMANCE.md gives
# the figures. It depends only on the scenario, so where an exploration stops is the same
# on every machine.
MEMORY_BUDGET = 256 * 2**20  # bytes (estimated): whole_arc in rounds, the largest shipped, needs about 234 MiB of it
STATE_BYTES_BASE = 430  # a kept state's dictionary entry, key tuples and list slots
STATE_BYTES_PER_VALUE = 8  # per value of its key (what conditions see) and its queue
NODE_BYTES_BASE = 40  # a state waiting to be expanded keeps its node: this plus 8 bytes a slot
EDGE_BYTES = 100  # per edge of an expanded state: a small tuple, its probability and its share of the containers


def state_bytes(scn: Scenario, pending: int = 0) -> int:
    """The estimated cost of one kept state of ``scn`` with ``pending`` entries queued,
    while it waits to be expanded (its node included, its edges not), in bytes."""
    return STATE_BYTES_BASE + NODE_BYTES_BASE + STATE_BYTES_PER_VALUE * (len(scn.relevant) + pending + len(scn.slots))


def state_cap(scn: Scenario, budget: int = MEMORY_BUDGET) -> int:
    """About how many states fit in ``budget`` (a state with an empty queue, before its edges)."""
    return max(1, budget // state_bytes(scn))


MEMORY = "memory"  # Result.stopped: the memory bound (MEMORY_BUDGET) was reached
NODES = "nodes"  # Result.stopped: max_nodes was reached


# --- exploring along each state's edges, computed once ---------------------------------------------


def _by_edges(scn, root, depth, max_nodes, progress, coverage, budget) -> Result:
    """Probability moved along each distinct state's edges, computed once.

    Every distinct node (keyed by what conditions can see, without the turn: nothing
    reads it) is expanded once, into its edges: the nodes it leads to in the same turn,
    the nodes of a later turn, the endings, or a dead end, each with its probability
    (:class:`_Graph`). A *turn start* is the root or a node reached when a turn ends;
    its *exits*, where the rest of its turn leads, are worked out once along those
    edges. Probability then moves turn by turn from start to start, so a start met
    again at a later turn costs a look-up, not another exploration. The horizon is
    applied as probability moves (the edges are computed as if there were none), so
    one start serves every turn it is met at.
    """
    started = time.perf_counter()
    graph = _Graph(_unbounded(scn), scn.relevant_key, coverage, budget)
    horizon, on_horizon = scn.horizon, scn.on_horizon
    last_turn = root.turn + depth - 1 if depth is not None else None
    result = Result({})
    ending_mass = [0.0] * len(scn.endings)
    ended_at = result.ended_at
    exits: dict[int, tuple] = {}
    by_turn: dict[int, dict[int, float]] = {root.turn: {graph.id_of(root): 1.0}}

    def route(turn: int, mass: float, out: tuple) -> None:
        """Move ``mass`` from a start met at ``turn`` along its exits."""
        crossing = horizon - turn + 1  # the first turn end (1 = this turn's) that passes the horizon
        starts, endings, dead = out
        for target, delta, p in starts:
            share = mass * p
            if delta >= crossing:  # the horizon ends it before it gets there
                ending_mass[on_horizon] += share
                ended_at[turn] = ended_at.get(turn, 0.0) + share
                if coverage is not None:
                    coverage.endings.add(on_horizon)
                continue
            arrive = by_turn.get(turn + delta)
            if arrive is None:
                by_turn[turn + delta] = {target: share}
            else:
                arrive[target] = arrive.get(target, 0.0) + share
        for ending, delta, p in endings:
            share = mass * p
            if delta > crossing:  # the horizon came first, at an earlier turn end
                ending = on_horizon
            ending_mass[ending] += share
            ended_at[turn] = ended_at.get(turn, 0.0) + share
            if coverage is not None:
                coverage.endings.add(ending)
        if dead:
            result.dead += mass * dead

    turns_done = 0
    stop = ""
    while by_turn and not stop:
        turn = min(by_turn)
        layer = by_turn.pop(turn)
        beyond = last_turn is not None and turn > last_turn
        items = iter(layer.items())
        for sid, mass in items:
            if beyond:  # past the depth limit: a decision is still running
                if graph.deciding(sid):
                    result.open += mass
                    continue
                # Every side passed and an event branches: follow it to the decisions (still
                # running) or the endings, as exploring turn by turn does.
                try:
                    *out, opened = graph.rest_of_turn(sid, open_at_decisions=True)
                except _Full:
                    stop = MEMORY
                else:
                    result.open += mass * opened
                    route(turn, mass, out)
            else:
                out = exits.get(sid)
                if out is None:
                    try:
                        out = exits[sid] = graph.rest_of_turn(sid)
                    except _Full:
                        stop = MEMORY
                if out is not None:
                    route(turn, mass, out)
            if stop:  # this start's turn outgrew the bound: its probability is not explored
                result.open += mass
            stop = stop or graph.full() or (NODES if max_nodes is not None and graph.expanded >= max_nodes else "")
            if stop:
                result.open += sum(m for _, m in items)  # the rest of this turn, not explored
                break
        turns_done += 1
        if progress is not None:
            progress(turns_done, graph.expanded)
    if stop:
        result.complete, result.stopped = False, stop
        result.open += sum(m for layer in by_turn.values() for m in layer.values())
    result.nodes = graph.expanded
    result.distinct = len(graph.ids)
    result.starts = len(exits)
    result.seconds = time.perf_counter() - started
    result.endings = {e.id: ending_mass[e.index] for e in scn.endings}
    return result


def _unbounded(scn: Scenario) -> Scenario:
    """``scn`` with a horizon far enough that it never bites before the real one, wherever a
    state's edges are first worked out (a state met at turn 1 may first be expanded from a
    start at the horizon): the real horizon is then applied as probability moves. Not
    unbounded outright: in rounds, turns where every side passes and nothing branches would
    then run on without end."""
    return dataclasses.replace(scn, horizon=2 * scn.horizon + 1)


class _Full(Exception):
    """The memory bound was reached inside one turn's exploration."""


class _Graph:
    """Each distinct node's edges, worked out once (in a scenario with no horizon: the
    horizon is applied by whoever moves probability along the edges).

    A node's edges are ``(same, later, endings, dead, deciding)``: ((node id, p), ...)
    for the nodes it leads to in the same turn; ((node id, turn ends crossed, p), ...)
    for nodes of a later turn; ((ending, turn ends crossed, p), ...); the probability of
    a dead end (1 at a decision with nothing on offer); whether a side decides there.
    """

    def __init__(self, scn: Scenario, key_of, coverage: Coverage | None, budget: int):
        self.scn, self.key_of, self.coverage, self.budget = scn, key_of, coverage, budget
        self.seen = coverage.acts if coverage is not None else None
        self.bytes = 0  # the estimated bytes kept (state_bytes per state, EDGE_BYTES per edge)
        self.per_state = state_bytes(scn)
        self.per_node = NODE_BYTES_BASE + STATE_BYTES_PER_VALUE * len(scn.slots)  # freed at expansion
        self.ids: dict[tuple, int] = {}
        self.reps: list[Node | None] = []  # the node, until it is expanded
        self.edges: list[tuple | None] = []
        self.expanded = 0

    def id_of(self, node: Node) -> int:
        key = (self.key_of(node.state), node.pending, node.ending)
        nid = self.ids.get(key)
        if nid is None:
            nid = self.ids[key] = len(self.reps)
            self.reps.append(node)
            self.edges.append(None)
            self.bytes += self.per_state + STATE_BYTES_PER_VALUE * len(node.pending)
        return nid

    def full(self) -> str:
        return MEMORY if self.bytes >= self.budget else ""

    def deciding(self, nid: int) -> bool:
        return self.edges_of(nid)[4]

    def edges_of(self, nid: int) -> tuple:
        found = self.edges[nid]
        if found is None:
            if self.bytes >= self.budget:
                raise _Full  # within a turn that alone outgrows the bound
            found = self.edges[nid] = self._expand(self.reps[nid])
            self.reps[nid] = None
        return found

    def _expand(self, node: Node) -> tuple:
        self.expanded += 1
        if node.ending >= 0:  # only a root can have ended already
            self.bytes -= self.per_node
            return (), (), ((node.ending, 0, 1.0),), 0.0, False
        scn, coverage = self.scn, self.coverage
        state, pending = node.state, node.pending
        deciding = not pending or pending[0] < 0
        if not deciding:
            acts = scn.rules[pending[0] >> DEPTH_BITS].eligible(state)
        else:
            acts = core.offered(scn, state) if not pending else core.offered_to(scn, SEAT_0 - pending[0], state)
            if coverage is not None:
                coverage.offered.update(a.index for a in acts)
                _prompts(scn, state, coverage)
            if not acts:
                if coverage is not None and len(coverage.dead_ends) < 5:
                    coverage.dead_ends.append(node)
                self.bytes -= self.per_node
                return (), (), (), 1.0, True
        same: dict[int, float] = {}
        later: dict[tuple, float] = {}
        endings: dict[tuple, float] = {}
        turn = state[0]
        advance, seen = core.advance, self.seen
        ws, ps = shares(acts, state)
        if coverage is not None:
            _weights_seen(coverage, acts, ws, pending)
        on_ending = coverage.on_ending if coverage is not None else None
        for a, p in zip(acts, ps, strict=True):
            child = advance(scn, node, a, None, seen)
            cs = child.state
            if child.ending >= 0:
                key = (child.ending, cs[0] - turn)
                endings[key] = endings.get(key, 0.0) + p
                if on_ending is not None:
                    on_ending(child.ending, cs)
            elif cs[0] == turn:
                cid = self.id_of(child)
                same[cid] = same.get(cid, 0.0) + p
            else:
                key = (self.id_of(child), cs[0] - turn)
                later[key] = later.get(key, 0.0) + p
                if on_ending is not None:  # a turn ends here: the horizon's ending could come now
                    on_ending(scn.on_horizon, cs)
        self.bytes += EDGE_BYTES * (len(same) + len(later) + len(endings)) - self.per_node
        return (
            tuple(same.items()),
            tuple((*k, p) for k, p in later.items()),
            tuple((*k, p) for k, p in endings.items()),
            0.0,
            deciding,
        )

    def rest_of_turn(self, start: int, open_at_decisions: bool = False) -> tuple:
        """Where the rest of the turn from ``start`` leads: (later, endings, dead) as in the
        edges (turn ends crossed counted from ``start``), merged along the paths. With
        ``open_at_decisions``, a decision after the start stops there and its probability
        is returned too, as still running."""
        later: dict[tuple, float] = {}
        endings: dict[tuple, float] = {}
        dead = opened = 0.0
        current = {start: 1.0}
        first = True
        while current:
            nxt: dict[int, float] = {}
            for nid, mass in current.items():
                same, out, ends, d, deciding = self.edges_of(nid)
                if open_at_decisions and deciding and not first:
                    opened += mass
                    continue
                for cid, p in same:
                    nxt[cid] = nxt.get(cid, 0.0) + mass * p
                for cid, delta, p in out:
                    key = (cid, delta)
                    later[key] = later.get(key, 0.0) + mass * p
                for ending, delta, p in ends:
                    key = (ending, delta)
                    endings[key] = endings.get(key, 0.0) + mass * p
                if d:
                    dead += mass * d
            current = nxt
            first = False
        out = (tuple((*k, p) for k, p in later.items()), tuple((*k, p) for k, p in endings.items()), dead)
        return (*out, opened) if open_at_decisions else out


# --- exploring turn by turn (when some condition reads the turn) -----------------------------------


def _by_turn(scn, root, depth, max_nodes, progress, coverage, budget) -> Result:
    """Merge equal nodes within each turn, keyed with the turn (a condition reads it)."""
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
    # The memory bound: the nodes alive at once (this turn's levels and the next turn's).
    limit = max(1, budget // (state_bytes(scn) + 80))  # a node, its key and its [node, mass] entry
    stop = ""
    while layer and not stop:
        next_layer: dict[tuple, list] = {}
        current = layer
        while current:
            result.distinct += len(current)
            nxt: dict[tuple, list] = {}
            entries = iter(current.values())
            for node, mass in entries:
                result.nodes += 1
                if len(next_layer) + len(nxt) + len(current) > limit:
                    stop = MEMORY
                    result.open += mass + sum(m for _, m in entries) + sum(e[1] for e in nxt.values())
                    break
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
                if coverage is not None:
                    _weights_seen(coverage, acts, ws, pending)
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
            current = nxt if not stop else {}
        turns_done += 1
        if progress is not None:
            progress(turns_done, result.nodes)
        if not stop and max_nodes is not None and result.nodes >= max_nodes and next_layer:
            stop = NODES
        if stop:
            result.complete, result.stopped = False, stop
            result.open += sum(entry[1] for entry in next_layer.values())
        layer = next_layer
    result.seconds = time.perf_counter() - started
    result.endings = {e.id: ending_mass[e.index] for e in scn.endings}
    return result




def _key(key_of, node: Node) -> tuple:
    return (node.state[0], key_of(node.state), node.pending, node.ending)


def turn_free(scn: Scenario) -> bool:
    """True when no condition looks at the turn (directly or through since())."""
    return not any(slot.index == 0 or slot.kind == "since" for _, c in scn.conditions() for slot in c.reads)


def reachable(scn: Scenario, coverage: Coverage, max_nodes: int | None = None, budget: int = 0) -> Result:
    """Everything reachable within the horizon, each state visited once.

    When no condition reads the turn, a state's future does not depend on the turn
    it is reached at, except through the horizon. So each distinct state is expanded
    once (:class:`_Graph`), and the turn starts are visited in turn order (first visit =
    earliest turn = most turns left), at a fraction of the cost of following every
    path. The horizon ending is then reachable exactly when the longest ending-free
    path from the start survives ``horizon`` turns, which a longest-path pass over the
    turn starts decides. Stops at ``max_nodes`` expansions or the memory bound
    (``complete`` False). Callers must check :func:`turn_free` first.
    """
    started = time.perf_counter()
    graph = _Graph(_unbounded(scn), scn.relevant_key, coverage, budget or MEMORY_BUDGET)
    result = Result({})
    root = core.start(scn)
    root_id = graph.id_of(root)
    starts: dict[int, list[tuple[int, int]]] = {}  # start -> [(next start, turns it takes)]
    by_turn: dict[int, list[int]] = {root.turn: [root_id]}
    met = {root_id}
    while by_turn:
        turn = min(by_turn)
        crossing = scn.horizon - turn + 1
        for sid in by_turn.pop(turn):
            try:
                later, endings, _ = graph.rest_of_turn(sid)
            except _Full:
                later, endings = (), ()
            starts[sid] = out = []
            for ending, delta, _p in endings:
                coverage.endings.add(ending if delta <= crossing else scn.on_horizon)
            for target, delta, _p in later:
                out.append((target, delta))
                if delta < crossing and target not in met:
                    met.add(target)
                    by_turn.setdefault(turn + delta, []).append(target)
            stop = graph.full() or (NODES if max_nodes is not None and graph.expanded >= max_nodes else "")
            if stop:
                result.complete, result.stopped = False, stop
                result.nodes, result.distinct = graph.expanded, len(graph.ids)
                result.seconds = time.perf_counter() - started
                return result
    if root.turn + _longest(starts, root_id) > scn.horizon:
        coverage.endings.add(scn.on_horizon)
    result.nodes, result.distinct, result.starts = graph.expanded, len(graph.ids), len(starts)
    result.seconds = time.perf_counter() - started
    return result


def _longest(edges: dict, root) -> float:
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


def _weights_seen(coverage: Coverage, acts: list, ws: list[float], pending: tuple) -> None:
    """For lint: which acts a roll could take here, and where every weight is 0."""
    positive = [a.index for a, w in zip(acts, ws, strict=True) if w > 0]
    coverage.weighted.update(positive)
    if len(acts) > 1:
        coverage.branched.update(a.index for a in acts)
    if not positive:
        coverage.all_zero.add(pending[0] >> DEPTH_BITS if pending and pending[0] >= 0 else -1)


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
    cap = state_cap(scn)
    open_count = dead = 0
    started = time.perf_counter()
    every = max(1, count // 100)
    for i in range(count):
        node = root
        while node.ending < 0:
            if len(distinct) < cap:  # counted up to the memory bound: a count, not a list kept
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


def paths_to_endings(scn: Scenario, max_nodes: int = 2_000_000, budget: int = 0, bounded: bool = False):
    """A shortest path (list of choices) from the start to each reachable ending.

    Breadth-first over nodes, so each path has the fewest choices; used to write
    test plans and to show an author how an ending can be reached. Stops at
    ``max_nodes`` nodes or the memory bound; with ``bounded`` returns (paths, True if
    the memory bound stopped it), else the paths alone.
    """
    key_of = scn.relevant_key
    start = core.start(scn)
    ids: dict[tuple, int] = {_key(key_of, start): 0}
    parent: list[tuple[int, int]] = [(-1, -1)]  # per node: (parent node, index of the act taken)
    found: dict[int, int] = {}
    frontier = [(start, 0)]
    per_node = state_bytes(scn) + 60  # its key and parent entry, and the node while in the frontier
    limit = max(1, (budget or MEMORY_BUDGET) // per_node)
    stopped = False
    while frontier and len(found) < len(scn.endings) and len(ids) < max_nodes and not stopped:
        nxt = []
        for node, here in frontier:
            for act in core.branches(scn, node):
                child = core.advance(scn, node, act)
                key = _key(key_of, child)
                if key in ids:
                    continue
                ids[key] = len(parent)
                parent.append((here, act.index))
                if child.ending >= 0:
                    found.setdefault(child.ending, ids[key])
                else:
                    nxt.append((child, ids[key]))
            if len(ids) >= limit:
                stopped = True
                break
        frontier = nxt
    paths = {}
    for index, nid in sorted(found.items()):
        choices = []
        while parent[nid][0] >= 0:
            nid, act = parent[nid]
            choices.append(scn.acts[act].id)
        paths[scn.endings[index].id] = choices[::-1]
    return (paths, stopped) if bounded else paths
