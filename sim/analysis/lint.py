"""Lint: what an author wants to know beyond "it loads".

Static checks: reaction chains that can loop, variables nothing uses. Reachability
checks explore every branch to the horizon and report moves never offered, rules
and alternatives that never fire, endings never reached, prompts never shown, and
dead ends (a state that has not ended but offers nothing to do).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.analysis import explore as bound
from sim.analysis.explore import MEMORY, Coverage, exhaustive, reachable, turn_free
from sim.engine.model import REACTION, Scenario
from sim.engine.vocab import TurnMode

# A bound on lint's time (expansions; tens of seconds at most): whole_arc in sealed rounds,
# the largest shipped, takes about 760,000. The memory bound usually stops a larger one first.
MAX_LINT_NODES = 1_500_000
# How lint's note begins when the memory bound stopped its reachability walk (the CLI
# then exits BOUNDED): the bound is MEMORY_BUDGET (sim.analysis.explore).
BOUND_NOTE = "lint stopped at the memory bound"
NEVER_HELD = "no side can ever hold this option"  # how that finding begins (sim validate gathers them)


@dataclass(frozen=True, slots=True)
class Finding:
    section: str  # "moves", "reactions", "events", "endings", "prompts", "variables", "scenario"
    entry: str
    sub: tuple
    message: str


def lint(scn: Scenario, max_nodes: int = MAX_LINT_NODES) -> list[Finding]:
    findings = cycles(scn) + unused_variables(scn)
    coverage = Coverage()
    holds_findings = ending_holds(scn, coverage)
    if turn_free(scn):
        result = reachable(scn, coverage, max_nodes=max_nodes)
    else:
        result = exhaustive(scn, max_nodes=max_nodes, coverage=coverage)
    if result.stopped == MEMORY:
        findings.append(Finding("scenario", "", ("horizon",), (
            f"{BOUND_NOTE} ({bound.MEMORY_BUDGET // 2**20} MiB of states kept, {result.distinct:,} distinct states) without finishing; "
            "the reachability checks were skipped (shorten the horizon, or give fewer branches or counters)"
        )))  # fmt: skip
        return findings
    if not result.complete:
        findings.append(Finding("scenario", "", ("horizon",), f"lint explored {result.nodes:,} nodes without finishing; reachability checks skipped (shorten the horizon or reduce branching)"))
        return findings
    for move in scn.moves:
        if scn.turn_mode != TurnMode.OPEN and move.id in scn.passes_at_table:
            continue  # a pass move is for the open table; in rounds the round's own pass stands for it
        if move.index not in coverage.offered:
            findings.append(Finding("moves", move.id, ("when",) if move.when else (), "this move is never offered on any path"))
    for rule in scn.rules:
        section = "reactions" if rule.kind == REACTION else "events"
        fired = [a for a in rule.alternatives if a.index in coverage.acts]
        if not fired:
            findings.append(Finding(section, rule.id, (), f"this {rule.kind} never fires on any path"))
            continue
        for alt in rule.alternatives:
            if alt.index not in coverage.acts:
                findings.append(Finding(section, rule.id, ("alternatives", alt.short_id), "this alternative is never taken on any path (its condition never holds when the rule fires)"))
    for act in scn.acts:
        if act.index not in coverage.branched or act.index in coverage.weighted:
            continue  # never one of several options (then it is taken whatever its weight), or rolled somewhere
        if act.rule >= 0:
            rule = scn.rules[act.rule]
            section = "reactions" if rule.kind == REACTION else "events"
            findings.append(Finding(section, rule.id, ("alternatives", act.short_id, "weight"), "this branch's weight is 0 wherever it is eligible: a roll never takes it (a person still may)"))
        elif not act.is_pass:
            findings.append(Finding("moves", act.id, ("weight",), "this move's weight is 0 wherever it is offered: a roll never takes it (a person still may)"))
    for rule in scn.rules:
        if rule.index in coverage.all_zero:
            section = "reactions" if rule.kind == REACTION else "events"
            findings.append(Finding(section, rule.id, ("alternatives",), "somewhere every branch here has weight 0: a roll then takes each with equal odds"))
    findings += options_never_held(scn)
    for ending in scn.endings:
        if ending.index not in coverage.endings:
            findings.append(Finding("endings", ending.id, (), "this ending is never reached"))
    for prompt in scn.prompts:
        if prompt.id not in coverage.prompts:
            findings.append(Finding("prompts", prompt.id, ("when",), "this prompt is never shown (its condition never holds at a decision point)"))
    findings += holds_findings(coverage)
    described = set()
    for node in coverage.dead_ends:
        text = f"dead end at turn {node.turn}: nothing is on offer and no ending applies ({describe_state(scn, node.state)})"
        if text not in described:
            described.add(text)
            findings.append(Finding("scenario", "", (), text))
    return findings


def options_never_held(scn: Scenario) -> list[Finding]:
    """Options of an issue whose stances change in play that no side can ever hold: no
    stance starts there and no effect sets one to it (an effect copying another value
    counts as setting any). Issues whose stances no effect changes are left out: there the
    options not held describe positions the articles give no side, which is no mistake."""
    held: dict[int, set] = {st.slot.index: {st.slot.type.values.index(st.initial)} for st in scn.stances}
    anything: set[int] = set()
    for act in scn.acts:
        for slot, value in act.assigns:
            if slot in held:
                if value is None:
                    anything.add(slot)
                else:
                    held[slot].add(value)
    out = []
    for issue in scn.issues.values():
        slots = [st.slot for st in scn.stances if st.issue == issue.id]
        if any(s.index in anything for s in slots):
            continue  # one stance copies another: it could hold anything
        if not any(value != s.type.values.index(st.initial) for st in scn.stances if st.issue == issue.id for s in (st.slot,) for value in held[s.index]):
            continue  # no effect changes a stance on this issue
        for option in issue.options:
            if not any(s.type.values.index(option) in held[s.index] for s in slots):
                out.append(Finding("issues", issue.id, ("options", option), f"{NEVER_HELD}: no stance starts there and no effect sets one to it"))
    return out


def ending_holds(scn: Scenario, coverage: Coverage):
    """Check each ending's `holds` wherever exploration reaches the ending.

    Hooks into ``coverage`` (call before exploring) and returns a function that, after
    exploring, gives one finding per condition that fails somewhere, with the first
    state it failed in. For the on_horizon ending, reachable() offers every state at
    which a turn ends without an ending (any of them could be the last), which can only
    make the check stricter than the paths that truly reach the horizon.
    """
    failed: dict[tuple[int, int], tuple] = {}
    if any(ending.holds for ending in scn.endings):

        def see(index: int, state: tuple) -> None:
            for i, cond in enumerate(scn.endings[index].holds):
                if (index, i) not in failed and not cond.fn(state):
                    failed[(index, i)] = state

        coverage.on_ending = see

    def findings(seen: Coverage) -> list[Finding]:
        out = []
        for (index, i), state in sorted(failed.items()):
            ending = scn.endings[index]
            if index not in seen.endings:
                continue  # never reached: reported as such
            out.append(Finding("endings", ending.id, ("holds", i), f"'{ending.holds[i].source}' does not hold on a path that reaches this ending ({describe_state(scn, state)})"))
        return out

    return findings


def cycles(scn: Scenario) -> list[Finding]:
    """Reactions that can set each other off in a loop (cut at run time by max_chain).

    The loops are the strongly connected components of the "triggers" graph, found
    in linear time; each is reported once, with one loop through it as an example
    (listing every loop would be exponential: 11 reactions that all trigger each
    other have millions).
    """
    graph: dict[int, list[int]] = {}
    for rule in scn.rules:
        if rule.kind == REACTION:
            graph[rule.index] = sorted({t for alt in rule.alternatives for t in alt.triggers})
    found: list[Finding] = []
    for component in strongly_connected(graph):
        first = min(component)
        if len(component) == 1 and first not in graph[first]:
            continue  # a single reaction that does not trigger itself
        members = set(component)
        loop = _a_loop(graph, first, members)
        names = " -> ".join(scn.rules[i].id for i in loop)
        if len(component) <= 2:
            message = f"reactions can trigger each other in a loop: {names} (cut at max_chain={scn.max_chain})"
        else:
            others = ", ".join(scn.rules[i].id for i in sorted(component) if i != first)
            message = (
                f"{len(component)} reactions can trigger each other in loops: {scn.rules[first].id} with {others}; "
                f"for example {names} (cut at max_chain={scn.max_chain})"
            )
        found.append(Finding("reactions", scn.rules[first].id, ("on",), message))
    return found


def strongly_connected(graph: dict[int, list[int]]) -> list[list[int]]:
    """Tarjan's algorithm, iterative (no recursion limit); components in no particular order."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, i = work[-1]
            children = graph.get(node, ())
            if i < len(children):
                work[-1] = (node, i + 1)
                child = children[i]
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
    return out


def _a_loop(graph: dict[int, list[int]], start: int, members: set[int]) -> list[int]:
    """A shortest loop from ``start`` back to itself inside one component (breadth first)."""
    parent: dict[int, int] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for child in graph[node]:
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if child not in parent:
                    parent[child] = node
                    nxt.append(child)
        frontier = nxt
    return [start, start]  # pragma: no cover - a component always has a loop through each member


def unused_variables(scn: Scenario) -> list[Finding]:
    used: set[int] = set()
    for _, compiled in scn.conditions():
        used.update(slot.index for slot in compiled.reads)
    for act in scn.acts:
        used.update(slot.index for slot in act.writes)
    return [
        Finding("variables", var.name, (), "this variable is never read or changed")
        for var in scn.variables
        if var.slot.index not in used
    ]


def describe_state(scn: Scenario, state: tuple) -> str:
    """The values that differ from the start: what the author needs to find the spot."""
    parts = [
        f"{slot.name}={slot.show(state)}"
        for slot in scn.slots[1:]
        if slot.kind == "value" and state[slot.index] != scn.initial[slot.index]
    ]
    return ", ".join(parts) or "the starting state"
