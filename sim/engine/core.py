"""The pure engine: state + scenario -> options; a choice -> the next branch point.

A :class:`Node` is a state tuple, the queue of what is still to resolve this turn,
and the ending (if any). Nodes are immutable and hashable, so exploration can merge
equal ones and a session can keep thousands.

Every branch point has an owner (:func:`owner`): a move belongs to its side, a
reaction's alternatives to the reacting side, an event's alternatives to chance.
How a turn runs depends on the scenario's turn structure (``Scenario.turn_mode``):

* **open table** (the default): one move by any side::

    decision node --(a side's move)--> reactions it triggers, in declared order,
    each resolved in turn (a chance node when two or more alternatives apply; the
    alternatives may trigger further reactions, up to max_chain deep)
    --> endings checked --> events, each resolved the same way --> turn + 1
    --> endings checked (and the horizon) --> the next decision node

* **rounds**: each side in the declared order decides once (one of its moves, or a
  pass); each move's reactions are resolved and the endings checked before the next
  side decides; then the events, as above. A side with nothing but the pass on offer
  passes without a decision.
* **sealed rounds**: every side decides without seeing the others' choices (the
  state does not change while they choose); then the choices apply in the declared
  order, each followed by its reactions and a check of the endings. A choice no
  longer on offer when its time comes fails, with a line in the trace saying why.

Nothing here does I/O or uses randomness: callers pick the branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sim.engine.model import Act, Rule, Scenario
from sim.engine.trace import (
    Fired,
    record_act,
    record_ending,
    record_failed,
    record_inject,
    record_note,
    record_sealed,
)
from sim.engine.vocab import CHANCE, TABLE, How, Kind, TurnMode

EVENTS = -1  # queue marker: the reaction phase is over; check endings, then queue the events
END_TURN = -2  # queue marker: the turn is over
SEAT_0 = -3  # queue marker SEAT_0 - k: the k-th side in the turn order decides (rounds, sealed)
MAX_SEATS = 64
SEAT_LAST = SEAT_0 - MAX_SEATS + 1
APPLY_0 = -100  # queue entry APPLY_0 - a: a sealed choice (act index a) applies now
CHECK = -99  # queue marker: a sealed choice and its reactions are done; check the endings
DEPTH_BITS = 6
DEPTH_MASK = (1 << DEPTH_BITS) - 1
NO_ENDING = -1


_node = tuple.__new__  # builds a Node without the namedtuple constructor's extra call


class Node(NamedTuple):
    state: tuple
    # What is still to resolve this turn: rules as rule << DEPTH_BITS | chain depth, and
    # the markers above. A side's decision in rounds holds its seat marker first.
    pending: tuple = ()
    ending: int = NO_ENDING

    @property
    def turn(self) -> int:
        return self.state[0]

    @property
    def over(self) -> bool:
        return self.ending != NO_ENDING

    @property
    def deciding(self) -> bool:
        """True when a side chooses a move here (rather than a reaction or event branching)."""
        if self.ending != NO_ENDING:
            return False
        return not self.pending or SEAT_LAST <= self.pending[0] <= SEAT_0

    @property
    def seat(self) -> int:
        """The position in the turn order of the side deciding here (-1: an open table or a branch)."""
        if self.pending and SEAT_LAST <= self.pending[0] <= SEAT_0:
            return SEAT_0 - self.pending[0]
        return -1


@dataclass(frozen=True, slots=True)
class Option:
    act: Act
    probability: float
    weight: float = 1.0  # the author's weight in this state (probability = weight / total)


def event_queue(scn: Scenario) -> tuple[int, ...]:
    """The queue that ends every turn: each event in declared order, then END_TURN."""
    return (*(r << DEPTH_BITS for r in scn.events), END_TURN)


def start(scn: Scenario) -> Node:
    if scn.turn_mode == TurnMode.OPEN:
        return Node(scn.initial)
    found = _seat(scn, scn.initial, 0, [], None)
    return found if isinstance(found, Node) else settle(scn, scn.initial, found)


# --- what is on offer ----------------------------------------------------------------------------


def offered(scn: Scenario, state: tuple) -> list[Act]:
    """The moves whose conditions hold, in declared order (every side's)."""
    return _offered(scn.move_guards, scn.unguarded_moves, state)


def offered_to(scn: Scenario, seat: int, state: tuple) -> list[Act]:
    """What the side at ``seat`` in the turn order may do: its moves that apply, then its pass."""
    guards, unguarded = scn.seat_moves[seat]
    found = _offered(guards, unguarded, state)
    found.append(scn.passes[seat])
    return found


def _offered(guards, unguarded, state: tuple) -> list[Act]:
    found = unguarded(state)
    merged = False
    for slot, table in guards:
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


def eligible(scn: Scenario, rule_index: int, state: tuple) -> list[Act]:
    return scn.rules[rule_index].eligible(state)


def branches(scn: Scenario, node: Node) -> list[Act]:
    """The acts on offer at ``node`` (no weights): moves, a seat's moves and pass, or alternatives."""
    if node.ending != NO_ENDING:
        return []
    pending = node.pending
    if not pending:
        return offered(scn, node.state)
    head = pending[0]
    if head >= 0:
        return scn.rules[head >> DEPTH_BITS].eligible(node.state)
    return offered_to(scn, SEAT_0 - head, node.state)


def weights(acts: list[Act], state: tuple) -> list[float]:
    """The author's weight of each act in ``state`` (a number, or the first `when` that holds)."""
    return [a.weight if a.weigh is None else a.weigh(state) for a in acts]


def shares(acts: list[Act], state: tuple) -> tuple[list[float], list[float]]:
    """(weights, probabilities): a weight over the total; equal shares if every weight is 0."""
    ws = weights(acts, state)
    total = sum(ws)
    if total > 0:
        return ws, [w / total for w in ws]
    n = len(ws)
    return ws, [1.0 / n] * n


def options(scn: Scenario, node: Node) -> list[Option]:
    """What can happen next, each with its probability under the author's weights.

    At a decision node the moves are weighted by their (default equal) move weights,
    which matters only when moves are rolled rather than picked.
    """
    acts = branches(scn, node)
    if not acts:
        return []
    ws, ps = shares(acts, node.state)
    if sum(ws) <= 0:
        ws = [1.0] * len(ws)  # every weight is 0 here: rolls take each with equal odds
    return [Option(a, p, w) for a, p, w in zip(acts, ps, ws, strict=True)]


def owner(scn: Scenario, node: Node) -> str:
    """Whose decision a branch point is: a side's id, CHANCE (an event's branches) or
    TABLE (an open table's move: any side, as the director chooses); "" once ended."""
    if node.ending != NO_ENDING:
        return ""
    if not node.pending:
        return TABLE
    head = node.pending[0]
    if head >= 0:
        return rule_owner(scn.rules[head >> DEPTH_BITS])
    return scn.seats[SEAT_0 - head]


def rule_owner(rule: Rule) -> str:
    return CHANCE if rule.kind == Kind.EVENT else (rule.actor or CHANCE)


def rule_at(scn: Scenario, node: Node) -> Rule | None:
    """The reaction or event whose branches are on offer at ``node`` (None at a decision)."""
    if node.ending == NO_ENDING and node.pending and node.pending[0] >= 0:
        return scn.rules[node.pending[0] >> DEPTH_BITS]
    return None


# --- taking a branch -------------------------------------------------------------------------------


def advance(scn: Scenario, node: Node, act: Act, trace: list[Fired] | None = None, seen: set | None = None) -> Node:
    """Apply ``act`` (a move at a decision node, an alternative at a chance node) and
    settle everything that follows without a choice, up to the next branch point.

    The caller is trusted to pass one of ``options(node)``; :class:`~sim.engine.session.Session`
    checks choices made by people and scripts.
    """
    state = node.state
    if act.rule >= 0:
        pending = list(node.pending)
        depth = pending.pop(0) & DEPTH_MASK
    elif not node.pending:
        depth = 0
        pending = [EVENTS]
    else:
        seat = SEAT_0 - node.pending[0]
        if scn.turn_mode == TurnMode.SEALED:
            return _seal(scn, node, seat, act, trace, seen)
        depth = 0
        pending = [SEAT_0 - seat - 1 if seat + 1 < len(scn.seats) else EVENTS]
    before = state
    state = act.apply(state)
    if trace is not None:
        trace.append(record_act(scn, act, before, state, _probability(scn, node, act), How.CHOSEN))
    if seen is not None:
        seen.add(act.index)
    if act.triggers:
        _queue(scn, pending, act, depth + 1, trace)
    return settle(scn, state, pending, trace, seen)


def _seal(scn: Scenario, node: Node, seat: int, act: Act, trace: list[Fired] | None, seen: set | None) -> Node:
    """A side's choice in a sealed round: kept unseen until every side has chosen."""
    state = node.state
    if trace is not None:
        trace.append(record_sealed(scn, act, state, _probability(scn, node, act)))
    chosen = [*node.pending[1:], APPLY_0 - act.index, CHECK]
    found = _seat(scn, state, seat + 1, chosen, trace)
    return found if isinstance(found, Node) else settle(scn, state, found, trace, seen)


def _seat(scn: Scenario, state: tuple, seat: int, chosen: list, trace: list[Fired] | None) -> Node | list:
    """The decision of the side at ``seat`` (skipped, as a pass, when it has nothing else);
    past the last seat, the queue that carries the round on (the sealed choices, then the
    events), for the caller to settle."""
    seats = len(scn.seats)
    sealed = scn.turn_mode == TurnMode.SEALED
    while seat < seats:
        if len(offered_to(scn, seat, state)) > 1:
            return _node(Node, (state, (SEAT_0 - seat, *chosen), NO_ENDING))
        pass_act = scn.passes[seat]
        if sealed:
            chosen += (APPLY_0 - pass_act.index, CHECK)
        elif trace is not None:
            trace.append(record_act(scn, pass_act, state, state, 1.0, How.ONLY))
        seat += 1
    return [*chosen, EVENTS] if sealed else [EVENTS]


def settle(scn: Scenario, state: tuple, pending: list, trace: list[Fired] | None = None, seen: set | None = None) -> Node:
    """Resolve the queue until something branches, an ending applies, or the turn ends."""
    rules = scn.rules
    while pending:
        head = pending[0]
        if head >= 0:
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
                trace.append(record_act(scn, act, before, state, 1.0, How.ONLY))
            if seen is not None:
                seen.add(act.index)
            if act.triggers:
                _queue(scn, pending, act, (head & DEPTH_MASK) + 1, trace)
            continue
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
            if ending != NO_ENDING or scn.turn_mode == TurnMode.OPEN:
                return _node(Node, (state, (), ending))
            found = _seat(scn, state, 0, [], trace)
            if isinstance(found, Node):
                return found
            pending = found  # every side passed: on to the events (and perhaps the next turn)
            continue
        if head == CHECK:  # as between the sides' moves in rounds: an ending stops the round
            pending.pop(0)
            ending = scn.ending_of(state)
            if ending != NO_ENDING:
                if trace is not None:
                    trace.append(record_ending(scn, ending, state))
                return _node(Node, (state, (), ending))
            continue
        if head <= APPLY_0:
            pending.pop(0)
            act = scn.acts[APPLY_0 - head]
            if act.test is not None and not act.test(state):
                if trace is not None:
                    trace.append(record_failed(scn, act, state))
                continue
            before = state
            state = act.apply(state)
            if trace is not None:
                trace.append(record_act(scn, act, before, state, None, How.SEALED))
            if seen is not None:
                seen.add(act.index)
            if act.triggers:
                _queue(scn, pending, act, 1, trace)
            continue
        # A seat marker: the previous side's move and its reactions are done (rounds).
        ending = scn.ending_of(state)
        if ending != NO_ENDING:
            if trace is not None:
                trace.append(record_ending(scn, ending, state))
            return _node(Node, (state, (), ending))
        found = _seat(scn, state, SEAT_0 - head, [], trace)
        if isinstance(found, Node):
            return found
        pending = found
    return Node(state, (), NO_ENDING)  # an event injected at an open table, once settled


# --- events on demand -----------------------------------------------------------------------------


def can_inject(scn: Scenario, node: Node) -> bool:
    """True where an event may be brought in on demand: at a decision, before anything has
    been chosen in this round (in sealed rounds, nothing but passes is queued yet)."""
    if not node.deciding:
        return False
    if scn.turn_mode != TurnMode.SEALED:
        return True
    return all(p == CHECK or (p <= APPLY_0 and scn.acts[APPLY_0 - p].is_pass) for p in node.pending[1:])


def injectable(scn: Scenario, node: Node) -> list[Rule]:
    """The events :func:`inject` can bring in at ``node``: those with an alternative that applies now."""
    if not can_inject(scn, node):
        return []
    return [scn.rules[r] for r in scn.events if scn.rules[r].eligible(node.state)]


def inject(scn: Scenario, node: Node, rule_index: int, trace: list[Fired] | None = None, seen: set | None = None) -> Node:
    """Bring the event ``rule_index`` in now, on demand (a room's facilitator does), and
    settle what follows: its branches are a branch point when several apply, its reactions
    follow as usual, the endings are checked, and the same decision comes back (in sealed
    rounds the round starts over from its first side, since nothing was chosen yet). The
    caller checks :func:`can_inject` and that the event has an alternative that applies."""
    if trace is not None:
        trace.append(record_inject(scn, rule_index, node.state))
    if not node.pending:
        rest = [CHECK]  # an open table: check the endings, then the next move
    elif scn.turn_mode == TurnMode.SEALED:
        rest = [SEAT_0]
    else:
        rest = [node.pending[0]]  # the side whose turn it was decides next
    return settle(scn, node.state, [rule_index << DEPTH_BITS, *rest], trace, seen)


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
    # Reactions wait before the markers that end the queue (EVENTS, END_TURN, a seat, or
    # the sealed choices still to apply): find where that trailing run of markers starts.
    at = len(pending) - 1
    while at > 0 and pending[at - 1] < 0:
        at -= 1
    pending[at:at] = [r << DEPTH_BITS | depth for r in act.triggers]


def _probability(scn: Scenario, node: Node, act: Act) -> float:
    for option in options(scn, node):
        if option.act is act:
            return option.probability
    return 0.0
