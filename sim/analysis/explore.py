"""Every branch to a horizon, or seeded Monte Carlo playouts.

Exhaustive exploration walks the tree level by level (one choice per level) and
merges equal nodes within a level, adding their probabilities, so the work grows
with the number of distinct states rather than the number of paths. Probabilities
are exact under the author's weights, with moves taken in proportion to their move
weights (equal by default): a way to read the weights, not a forecast.
"""

from __future__ import annotations

import dataclasses
import operator
import random
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.engine import core
from sim.engine.core import DEPTH_BITS, SEAT_0, SEAT_LAST, Node, shares
from sim.engine.model import Scenario, TurnMode
from sim.engine.session import pick
from sim.expr.types import BoolType, EnumType, IntType, Slot

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
    kept: int = 0  # exhaustive: the memory bound's estimate of the bytes kept at the end (MEMORY_BUDGET bounds it)
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
MEMORY_BUDGET = 256 * 2**20  # bytes (estimated)
STATE_BYTES_BASE = 250  # a kept state: its key's header, dictionary entry (tables grow by doubling), id, list slots and edge tuple
NODE_BYTES_BASE = 120  # a state waiting to be expanded keeps its node: this plus 8 bytes a slot and queue entry
EDGE_BYTES = 32  # per edge of an expanded state: its slots in a flat tuple and its share of the tuple
EXIT_BYTES = 56  # per exit of a turn start (where its turn leads): three slots, its own probability, a share of the tuple


def state_bytes(scn: Scenario, pending: int = 0) -> int:
    """The estimated cost of one kept state of ``scn`` with ``pending`` entries queued,
    while it waits to be expanded (its node included, its edges not), in bytes: its
    packed key (:func:`node_key`) and what holds it, and the node."""
    return STATE_BYTES_BASE + key_size(scn, pending) + node_bytes(scn, pending)


def node_bytes(scn: Scenario, pending: int = 0) -> int:
    """The estimated cost of a node alive: the node, its state tuple and its queue."""
    return NODE_BYTES_BASE + 8 * (len(scn.slots) + pending)


def state_cap(scn: Scenario, budget: int = MEMORY_BUDGET) -> int:
    """About how many states fit in ``budget`` (a state with an empty queue, before its edges)."""
    return max(1, budget // state_bytes(scn))


# --- a kept state's key ---------------------------------------------------------------------------


def node_key(scn: Scenario, with_turn: bool = False) -> Callable[[Node], object]:
    """The key exploration merges equal nodes by, packed into one bytes object: the values
    conditions can see (Scenario.relevant), the ending and the queue (and the turn, when
    ``with_turn``). Exact, like the tuple it replaces, at about a fifth of its memory:
    each value takes the fewest bytes its type allows (a flag or an enum one byte). A
    value outside what its type declares (which the engine never writes) falls back to
    the plain tuple, which no bytes key can equal."""
    indices = ((0,) if with_turn else ()) + scn.relevant
    head = _key_format(scn, indices)
    if not indices:
        values = _no_values
    elif len(indices) == 1:
        only = indices[0]

        def values(state: tuple) -> tuple:
            return (state[only],)

    else:
        values = operator.itemgetter(*indices)
    packers = [struct.Struct(f"{head}{n}i").pack for n in range(_PACKERS)]  # by queue length

    def key(node: Node) -> object:
        state, pending, ending = node
        n = len(pending)
        try:
            if n < _PACKERS:
                return packers[n](*values(state), ending, *pending)
            return struct.pack(f"{head}{n}i", *values(state), ending, *pending)  # a long queue: rare
        except struct.error:
            return (values(state), pending, ending)

    return key


def key_size(scn: Scenario, pending: int = 0) -> int:
    """The bytes of a packed key's data (:func:`node_key`) with ``pending`` entries queued."""
    return struct.calcsize(_key_format(scn, scn.relevant)) + 4 * pending


def _key_format(scn: Scenario, indices: tuple[int, ...]) -> str:
    slots = {slot.index: slot for slot in scn.slots}
    return "<" + "".join(_packing(slots.get(i)) for i in indices) + "h"


_PACKERS = 32  # a compiled packer for each queue length below this


def _no_values(state: tuple) -> tuple:
    return ()


def _packing(slot: Slot | None) -> str:
    """The struct code for one state value: the narrowest its declared type allows."""
    if slot is None or slot.kind != "value":  # the turn, and history (counts, turns)
        return "i"
    typ = slot.type
    if isinstance(typ, BoolType):
        return "B"
    if isinstance(typ, EnumType):
        return "B" if len(typ.values) <= 256 else "i"
    if isinstance(typ, IntType):
        for code, bound in (("b", 2**7), ("h", 2**15), ("i", 2**31)):
            if -bound <= typ.lo and typ.hi < bound:
                return code
    return "q"


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
    graph = _Graph(_unbounded(scn), coverage, budget)
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
        triples = iter(starts)
        for target, delta in zip(triples, triples):
            share = mass * next(triples)
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
        triples = iter(endings)
        for ending, delta in zip(triples, triples):
            share = mass * next(triples)
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
                    else:
                        graph.bytes += EXIT_BYTES * (len(out[0]) + len(out[1])) // 3
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
    result.kept = graph.bytes
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

    A node's edges are ``(same, later, endings, dead, deciding)``, each list flat to keep
    a state small: (node id, p, node id, p, ...) for the nodes it leads to in the same
    turn; (node id, turn ends crossed, p, ...) for nodes of a later turn; (ending, turn
    ends crossed, p, ...); the probability of a dead end (1 at a decision with nothing on
    offer); whether a side decides there. Equal probabilities share one float.

    In sealed rounds, a side's choice leads to the next side's choice in the same state,
    with the choices so far queued: such a node can be reached only from the choice
    before it, so it is expanded where it is met (its edges become its parent's) and
    never kept. The turn's start is kept; the sides' choices cost no memory.
    """

    def __init__(self, scn: Scenario, coverage: Coverage | None, budget: int):
        self.scn, self.coverage, self.budget = scn, coverage, budget
        self.key_of = node_key(scn)
        self.seen = coverage.acts if coverage is not None else None
        self.sealed = scn.turn_mode == TurnMode.SEALED
        self.bytes = 0  # the estimated bytes kept (state_bytes per state, EDGE_BYTES per edge)
        self.per_state = state_bytes(scn)
        self.per_node = node_bytes(scn)  # freed at expansion
        self.ids: dict[object, int] = {}
        self.reps: list[Node | None] = []  # the node, until it is expanded
        self.edges: list[tuple | None] = []
        self.floats: dict[float, float] = {}  # one float object per distinct probability
        self.expanded = 0

    def id_of(self, node: Node) -> int:
        key = self.key_of(node)
        nid = self.ids.get(key)
        if nid is None:
            nid = self.ids[key] = len(self.reps)
            self.reps.append(node)
            self.edges.append(None)
            self.bytes += self.per_state + 12 * len(node.pending)  # 4 in its key, 8 in its node
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
        if node.ending >= 0:  # only a root can have ended already
            self.expanded += 1
            self.bytes -= self.per_node + 8 * len(node.pending)
            return (), (), (node.ending, 0, 1.0), 0.0, False
        same: dict[int, float] = {}
        later: dict[tuple, float] = {}
        endings: dict[tuple, float] = {}
        dead = self._walk(node, 1.0, same, later, endings)
        deciding = not node.pending or node.pending[0] < 0
        intern = self.floats.setdefault
        flat_same = tuple(x for cid, p in same.items() for x in (cid, intern(p, p)))
        flat_later = tuple(x for (cid, delta), p in later.items() for x in (cid, delta, intern(p, p)))
        flat_endings = tuple(x for (ending, delta), p in endings.items() for x in (ending, delta, intern(p, p)))
        self.bytes += EDGE_BYTES * (len(same) + len(later) + len(endings)) - self.per_node - 8 * len(node.pending)
        return flat_same, flat_later, flat_endings, dead, deciding

    def _walk(self, node: Node, mass: float, same: dict, later: dict, endings: dict) -> float:
        """Add where ``node``'s options lead, ``mass`` of them, to the edge tables; the
        probability of a dead end is returned. A sealed choice leading to the next side's
        choice is walked on at once (see the class)."""
        self.expanded += 1
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
                return mass
        turn = state[0]
        advance, seen = core.advance, self.seen
        ws, ps = shares(acts, state)
        if coverage is not None:
            _weights_seen(coverage, acts, ws, pending)
        on_ending = coverage.on_ending if coverage is not None else None
        # In a sealed round a side's choice leads on to the next side's: walked, not kept (see the class)
        inline = self.sealed and deciding and bool(pending)
        dead = 0.0
        for a, p in zip(acts, ps, strict=True):
            child = advance(scn, node, a, None, seen)
            cs = child.state
            p *= mass
            if child.ending >= 0:
                key = (child.ending, cs[0] - turn)
                endings[key] = endings.get(key, 0.0) + p
                if on_ending is not None:
                    on_ending(child.ending, cs)
            elif cs[0] == turn:
                if inline and child.pending and SEAT_LAST <= child.pending[0] <= SEAT_0:
                    dead += self._walk(child, p, same, later, endings)
                    continue
                cid = self.id_of(child)
                same[cid] = same.get(cid, 0.0) + p
            else:
                key = (self.id_of(child), cs[0] - turn)
                later[key] = later.get(key, 0.0) + p
                if on_ending is not None:  # a turn ends here: the horizon's ending could come now
                    on_ending(scn.on_horizon, cs)
        return dead

    def rest_of_turn(self, start: int, open_at_decisions: bool = False) -> tuple:
        """Where the rest of the turn from ``start`` leads: (later, endings, dead), later and
        endings flat as in the edges (turn ends crossed counted from ``start``), merged
        along the paths. With ``open_at_decisions``, a decision after the start stops
        there and its probability is returned too, as still running."""
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
                pairs = iter(same)
                for cid, p in zip(pairs, pairs):
                    nxt[cid] = nxt.get(cid, 0.0) + mass * p
                triples = iter(out)
                for key in zip(triples, triples):
                    p = next(triples)
                    later[key] = later.get(key, 0.0) + mass * p
                triples = iter(ends)
                for key in zip(triples, triples):
                    p = next(triples)
                    endings[key] = endings.get(key, 0.0) + mass * p
                if d:
                    dead += mass * d
            current = nxt
            first = False
        out = (  # merged sums: rarely equal, so not interned
            tuple(x for (cid, delta), p in later.items() for x in (cid, delta, p)),
            tuple(x for (ending, delta), p in endings.items() for x in (ending, delta, p)),
            dead,
        )
        return (*out, opened) if open_at_decisions else out


# --- exploring turn by turn (when some condition reads the turn) -----------------------------------


def _by_turn(scn, root, depth, max_nodes, progress, coverage, budget) -> Result:
    """Merge equal nodes within each turn, keyed with the turn (a condition reads it)."""
    last_turn = root.turn + depth - 1 if depth is not None else None
    ending_mass = [0.0] * len(scn.endings)
    result = Result({})
    ended_at = result.ended_at
    seen = coverage.acts if coverage is not None else None
    advance, offered, offered_to, rules, key_of = core.advance, core.offered, core.offered_to, scn.rules, node_key(scn, with_turn=True)
    started = time.perf_counter()
    turns_done = 0
    # A layer maps a merge key to [representative node, probability mass]. The key keeps
    # only what conditions can see (Scenario.relevant), so states that differ in nothing
    # that matters for the future are explored once.
    layer: dict[object, list] = {key_of(root): [root, 1.0]}
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
                    entry = target.setdefault(key_of(child), [child, 0.0])
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
    graph = _Graph(_unbounded(scn), coverage, budget or MEMORY_BUDGET)
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
            graph.bytes += EXIT_BYTES * (len(later) // 3)  # kept as (start, turns) pairs
            for ending, delta in zip(endings[::3], endings[1::3]):
                coverage.endings.add(ending if delta <= crossing else scn.on_horizon)
            for target, delta in zip(later[::3], later[1::3]):
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
    key_of = node_key(scn, with_turn=True)
    start = core.start(scn)
    ids: dict[object, int] = {key_of(start): 0}
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
                key = key_of(child)
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


PATH_PLAYOUTS = 2_000  # the most seeded playouts paths_by_playouts tries


def paths_by_playouts(scn: Scenario, wanted: set[str], count: int = PATH_PLAYOUTS, seed: int = 0) -> dict[str, list[str]]:
    """A path (list of choices) to each ending in ``wanted``, found by seeded playouts
    under the author's weights: for the endings :func:`paths_to_endings` did not reach
    before the memory bound (those at the horizon, mostly, the likeliest). Not the
    shortest: the shortest met in ``count`` playouts, which stop early once every wanted
    ending has one. Each playout keeps one path, so memory stays small."""
    rng = random.Random(f"paths/{seed}")
    index = {scn.ending_by_id(e).index: e for e in wanted}
    best: dict[int, list[str]] = {}
    root = core.start(scn)
    for _ in range(count):
        if len(best) == len(index):
            break
        node, choices = root, []
        while node.ending < 0:
            opts = core.options(scn, node)
            if not opts:
                break
            act = pick(opts, rng)
            choices.append(act.id)
            node = core.advance(scn, node, act)
        if node.ending in index and (node.ending not in best or len(choices) < len(best[node.ending])):
            best[node.ending] = choices
    return {index[i]: best[i] for i in sorted(best)}
