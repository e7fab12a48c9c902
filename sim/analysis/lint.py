"""Lint: what an author wants to know beyond "it loads".

Static checks: reaction chains that can loop, variables nothing uses. Reachability
checks explore every branch to the horizon and report moves never offered, rules
and alternatives that never fire, endings never reached, prompts never shown, and
dead ends (a state that has not ended but offers nothing to do).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.analysis.explore import Coverage, exhaustive, reachable, turn_free
from sim.engine.model import REACTION, Scenario

MAX_LINT_NODES = 400_000


@dataclass(frozen=True, slots=True)
class Finding:
    section: str  # "moves", "reactions", "events", "endings", "prompts", "variables", "scenario"
    entry: str
    sub: tuple
    message: str


def lint(scn: Scenario, max_nodes: int = MAX_LINT_NODES) -> list[Finding]:
    findings = cycles(scn) + unused_variables(scn)
    coverage = Coverage()
    if turn_free(scn):
        result = reachable(scn, coverage, max_nodes=max_nodes)
    else:
        result = exhaustive(scn, max_nodes=max_nodes, coverage=coverage)
    if not result.complete:
        findings.append(Finding("scenario", "", ("horizon",), f"lint explored {result.nodes} nodes without finishing; reachability checks skipped (shorten the horizon or reduce branching)"))
        return findings
    for move in scn.moves:
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
    for ending in scn.endings:
        if ending.index not in coverage.endings:
            findings.append(Finding("endings", ending.id, (), "this ending is never reached"))
    for prompt in scn.prompts:
        if prompt.id not in coverage.prompts:
            findings.append(Finding("prompts", prompt.id, ("when",), "this prompt is never shown (its condition never holds at a decision point)"))
    described = set()
    for node in coverage.dead_ends:
        text = f"dead end at turn {node.turn}: nothing is on offer and no ending applies ({describe_state(scn, node.state)})"
        if text not in described:
            described.add(text)
            findings.append(Finding("scenario", "", (), text))
    return findings


def cycles(scn: Scenario) -> list[Finding]:
    """Reaction chains that can trigger themselves (bounded at run time by max_chain)."""
    graph: dict[int, set[int]] = {}
    for rule in scn.rules:
        if rule.kind == REACTION:
            graph[rule.index] = {t for alt in rule.alternatives for t in alt.triggers}
    found: list[Finding] = []
    reported: set[frozenset] = set()
    for start in graph:
        stack = [(start, (start,))]
        while stack:
            here, path = stack.pop()
            for nxt in sorted(graph.get(here, ())):
                if nxt == start:
                    key = frozenset(path)
                    if key not in reported:
                        reported.add(key)
                        names = " -> ".join(scn.rules[i].id for i in (*path, start))
                        found.append(Finding("reactions", scn.rules[start].id, ("on",), f"reactions can trigger each other in a loop: {names} (cut at max_chain={scn.max_chain})"))
                elif nxt not in path and nxt in graph:
                    stack.append((nxt, (*path, nxt)))
    return found


def unused_variables(scn: Scenario) -> list[Finding]:
    used: set[int] = set()
    compiled = [a.when for a in scn.acts] + [r.when for r in scn.rules] + [e.when for e in scn.endings]
    compiled += [p.when for p in scn.prompts] + [s.red_line_crossed for s in scn.stances]
    for c in compiled:
        if c is not None:
            used.update(slot.index for slot in c.reads)
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
