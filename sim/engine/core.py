"""The pure engine: state + scenario -> options; a choice -> the next branch point.

A :class:`Node` is a state tuple, the queue of rules still to resolve, and the
ending (if any). Nodes are immutable and hashable, so exploration can merge equal
ones and a session can keep thousands.

One turn runs like this::

    decision node --(a side's move)--> reactions it triggers, in declared order,
    each resolved in turn (a chance node when two or more alternatives apply; the
    alternatives may trigger further reactions, up to max_chain deep)
    --> endings checked --> events, each resolved the same way --> turn + 1
    --> endings checked (and the horizon) --> the next decision node

Nothing here does I/O or uses randomness: callers pick the branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sim.engine.model import Act, Scenario
from sim.engine.trace import Fired, record_act, record_ending, record_note
from sim.engine.vocab import CHANCE, TABLE, Kind

EVENTS = -1  # queue marker: the reaction phase is over; check endings, then queue the events
END_TURN = -2  # queue marker: the turn is over
DEPTH_BITS = 6
DEPTH_MASK = (1 << DEPTH_BITS) - 1
NO_ENDING = -1


_node = tuple.__new__  # builds a Node without the namedtuple constructor's extra call


class Node(NamedTuple):
    state: tuple
    pending: tuple = ()  # rule << DEPTH_BITS | chain depth, and the markers above
    ending: int = NO_ENDING

    @property
    def turn(self) -> int:
        return self.state[0]

    @property
    def over(self) -> bool:
        return self.ending != NO_ENDING

    @property
    def deciding(self) -> bool:
        """True when a side chooses a move here (rather than a reaction branching)."""
        return not self.pending and self.ending == NO_ENDING


@dataclass(frozen=True, slots=True)
class Option:
    act: Act
    probability: float


def event_queue(scn: Scenario) -> tuple[int, ...]:
    """The queue that ends every turn: each event in declared order, then END_TURN."""
    return (*(r << DEPTH_BITS for r in scn.events), END_TURN)


def start(scn: Scenario) -> Node:
    return Node(scn.initial)


def offered(scn: Scenario, state: tuple) -> list[Act]:
    """The moves whose conditions hold, in declared order."""
    found = scn.unguarded_moves(state)
    merged = False
    for slot, table in scn.move_guards:
        select = table.get(state[slot])
        if select is not None:
            more = select(state)
            if more:
                merged = merged or bool(found)
                found = found + more if found else more
    if merged:
        found.sort(key=_act_index)
    return found


def _act_index(act: Act) -> int:
    return act.index


def owner(scn: Scenario, node: Node) -> str:
    """Whose decision a branch point is: a side's id, CHANCE (an event's branches) or
    TABLE (an open table's move: any side, as the director chooses); "" once ended."""
    if node.ending != NO_ENDING:
        return ""
    if node.pending:
        rule = scn.rules[node.pending[0] >> DEPTH_BITS]
        return CHANCE if rule.kind == Kind.EVENT else (rule.actor or CHANCE)
    return TABLE


def eligible(scn: Scenario, rule_index: int, state: tuple) -> list[Act]:
    return scn.rules[rule_index].eligible(state)


def options(scn: Scenario, node: Node) -> list[Option]:
    """What can happen next, each with its probability under the author's weights.

    At a decision node the moves are weighted by their (default equal) move weights,
    which matters only when moves are rolled rather than picked.
    """
    if node.ending != NO_ENDING:
        return []
    if node.pending:
        acts = eligible(scn, node.pending[0] >> DEPTH_BITS, node.state)
    else:
        acts = offered(scn, node.state)
    total = sum(a.weight for a in acts)
    return [Option(a, a.weight / total) for a in acts]


def advance(scn: Scenario, node: Node, act: Act, trace: list[Fired] | None = None, seen: set | None = None) -> Node:
    """Apply ``act`` (a move at a decision node, an alternative at a chance node) and
    settle everything that follows without a choice, up to the next branch point.

    The caller is trusted to pass one of ``options(node)``; :class:`~sim.engine.session.Session`
    checks choices made by people and scripts.
    """
    state = node.state
    if act.rule < 0:
        depth = 0
        pending = [EVENTS]
    else:
        pending = list(node.pending)
        depth = pending.pop(0) & DEPTH_MASK
    before = state
    state = act.apply(state)
    if trace is not None:
        trace.append(record_act(scn, act, before, state, _probability(scn, node, act), "chosen"))
    if seen is not None:
        seen.add(act.index)
    if act.triggers:
        _queue(scn, pending, act, depth + 1, trace)
    return settle(scn, state, pending, trace, seen)


def settle(scn: Scenario, state: tuple, pending: list, trace: list[Fired] | None = None, seen: set | None = None) -> Node:
    """Resolve queued rules until one branches, an ending applies, or the turn ends."""
    rules = scn.rules
    while pending:
        head = pending[0]
        if head == EVENTS:
            ending = scn.ending_of(state)
            if ending != NO_ENDING:
                if trace is not None:
                    trace.append(record_ending(scn, ending, state))
                return _node(Node, (state, (), ending))
            pending = [*scn.event_queue]
            continue
        if head == END_TURN:
            state = scn.end_turn(state)
            if trace is not None:
                trace.append(record_note(scn, Kind.TURN, f"Turn {state[0]}", state))
            ending = check_endings(scn, state, trace)
            if ending == NO_ENDING and state[0] > scn.horizon:
                ending = scn.on_horizon
                if trace is not None:
                    trace.append(record_ending(scn, ending, state, horizon=True))
            return _node(Node, (state, (), ending))
        alts = rules[head >> DEPTH_BITS].eligible(state)
        if len(alts) > 1:
            return _node(Node, (state, tuple(pending), NO_ENDING))
        pending.pop(0)
        if not alts:
            continue
        act = alts[0]
        before = state
        state = act.apply(state)
        if trace is not None:
            trace.append(record_act(scn, act, before, state, 1.0, "only branch"))
        if seen is not None:
            seen.add(act.index)
        if act.triggers:
            _queue(scn, pending, act, (head & DEPTH_MASK) + 1, trace)
    return Node(state, (), NO_ENDING)  # pragma: no cover - the END_TURN marker always returns


def check_endings(scn: Scenario, state: tuple, trace: list[Fired] | None = None) -> int:
    index = scn.ending_of(state)
    if index != NO_ENDING and trace is not None:
        trace.append(record_ending(scn, index, state))
    return index


def _queue(scn: Scenario, pending: list, act: Act, depth: int, trace: list[Fired] | None) -> None:
    """Queue the reactions ``act`` triggers, after the reactions already waiting."""
    if depth > scn.max_chain:
        if trace is not None:
            trace.append(record_note(scn, Kind.CHAIN, f"Reactions to '{act.label}' were cut: chain longer than {scn.max_chain}", None))
        return
    # The queue always ends with one marker (EVENTS or END_TURN); reactions go before it.
    pending[-1:-1] = [r << DEPTH_BITS | depth for r in act.triggers]


def _probability(scn: Scenario, node: Node, act: Act) -> float:
    for option in options(scn, node):
        if option.act is act:
            return option.probability
    return 0.0
