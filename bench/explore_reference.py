"""Today's exhaustive exploration, kept as the reference the new one is measured and tested against.

This is ``sim.analysis.explore.exhaustive`` as it was before each distinct state's
outgoing edges were computed once (issue 10): it walks the tree turn by turn and
merges equal nodes within a turn, keyed with the turn, so a state reached at ten
different turns is expanded ten times. The one change from that code: a side's
decision in rounds (a seat marker at the head of ``pending``) is treated as a decision,
not as a reaction, so the reference runs on every turn structure.

Used by bench/explore.py (the speed ratio, measured in the same run) and by
tests/test_explore.py (the new exploration equals it on every shipped scenario and on
generated ones). Not part of the package: nothing in sim/ imports it.
"""

from __future__ import annotations

import time

from sim.analysis.explore import Coverage, Progress, Result, _prompts
from sim.engine import core
from sim.engine.core import DEPTH_BITS, SEAT_0, Node, shares
from sim.engine.model import Scenario


def exhaustive_reference(
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


def true_distinct(scn: Scenario, root: Node | None = None, depth: int | None = None) -> tuple[int, int]:
    """(distinct nodes the reference expands, keyed without the turn; expansions):
    what the reference's ``Result.distinct`` (which equals its expansions) does not say."""
    seen: set = set()
    key_of = scn.relevant_key
    count = 0

    def progress(_turns, nodes):  # noqa: ARG001
        pass

    root = root or core.start(scn)
    last_turn = root.turn + depth - 1 if depth is not None else None
    layer = {_key(key_of, root): root}
    while layer:
        nxt_layer = {}
        current = layer
        while current:
            nxt = {}
            for node in current.values():
                count += 1
                seen.add((key_of(node.state), node.pending, node.ending))
                if node.ending >= 0:
                    continue
                if (not node.pending or node.pending[0] < 0) and last_turn is not None and node.turn > last_turn:
                    continue
                for a in core.branches(scn, node):
                    child = core.advance(scn, node, a)
                    target = nxt if (child.pending and child.turn == node.turn) else nxt_layer
                    target.setdefault(_key(key_of, child), child)
            current = nxt
        layer = nxt_layer
    return len(seen), count
