"""Lint (sim.analysis.lint): loops between reactions, unused variables, and what
reachability finds (moves never offered, rules never firing, endings never reached)."""

from __future__ import annotations

import time

from _support import build

from sim.analysis.lint import cycles, lint, strongly_connected, unused_variables

ENDINGS = """
endings:
  done: {title: Done, when: n >= 3, text: Done.}
  drag: {title: Drag, text: Nothing happens.}
"""


def mutual(count: int) -> str:
    """A move and ``count`` reactions that all trigger each other (and themselves)."""
    names = [f"r{i}" for i in range(count)]
    out = ["variables:", "  n: {type: int, min: 0, max: 3, initial: 0}", "moves:"]
    out.append("  go: {actor: us, label: Go, type: CONSULT, basis: illustrative, effects: [n += 1]}")
    out.append("reactions:")
    for name in names:
        on = ", ".join(["go", *names])
        out.append(f"  {name}:")
        out.append(f"    actor: russia\n    on: [{on}]\n    label: {name}\n    alternatives:")
        out.append("      a: {label: A, type: CONSULT, basis: illustrative, weight: 1, rationale: r}")
    return "\n".join(out) + "\n" + ENDINGS


def test_eleven_mutually_triggering_reactions_are_one_warning_at_once(tmp_path):
    scn = build(tmp_path, mutual(11), horizon=3)
    started = time.perf_counter()
    found = cycles(scn)
    assert time.perf_counter() - started < 1.0  # was 161 s, enumerating every simple path
    assert len(found) == 1
    (f,) = found
    assert f.section == "reactions" and f.entry == "r0" and f.sub == ("on",)
    assert f.message.startswith("11 reactions can trigger each other in loops: r0 with r1, r2,")
    assert "for example r0 -> r0" in f.message and "max_chain=8" in f.message


def test_each_loop_is_reported_once_with_an_example(tmp_path):
    body = """
variables:
  n: {type: int, min: 0, max: 3, initial: 0}
moves:
  go: {actor: us, label: Go, type: CONSULT, basis: illustrative, effects: [n += 1]}
reactions:
  a: {actor: russia, on: [go, b], label: A, alternatives: {x: {label: X, type: CONSULT, basis: illustrative, weight: 1, rationale: r}}}
  b: {actor: us, on: [a], label: B, alternatives: {x: {label: X, type: CONSULT, basis: illustrative, weight: 1, rationale: r}}}
  c: {actor: us, on: [a], label: C, alternatives: {x: {label: X, type: CONSULT, basis: illustrative, weight: 1, rationale: r}}}
  d: {actor: russia, on: [d.x], label: D, alternatives: {x: {label: X, type: CONSULT, basis: illustrative, weight: 1, rationale: r}}}
""" + ENDINGS
    scn = build(tmp_path, body, horizon=3)
    messages = sorted(f.message for f in cycles(scn))
    assert messages == [
        "reactions can trigger each other in a loop: a -> b -> a (cut at max_chain=8)",
        "reactions can trigger each other in a loop: d -> d (cut at max_chain=8)",
    ]


def test_strongly_connected_components_of_a_graph():
    graph = {1: [2], 2: [3], 3: [1, 4], 4: [5], 5: [4], 6: [6], 7: []}
    components = sorted(sorted(c) for c in strongly_connected(graph))
    assert components == [[1, 2, 3], [4, 5], [6], [7]]
    # deep chains do not hit the recursion limit
    chain = {i: [i + 1] for i in range(50_000)} | {50_000: [0]}
    assert [len(c) for c in strongly_connected(chain)] == [50_001]


def test_a_variable_read_only_in_a_scope_is_used(tmp_path):
    body = """
variables:
  n: {type: int, min: 0, max: 3, initial: 0}
  phase: {type: enum, values: [one, two], initial: one}
  note: {type: bool, initial: false, scope: phase == "one"}
  idle: {type: bool, initial: false}
moves:
  go: {actor: us, label: Go, type: CONSULT, basis: illustrative, effects: [n += 1, note = true]}
""" + ENDINGS
    scn = build(tmp_path, body, horizon=3)
    # phase is read by nothing but note's scope (and never changed): it still matters
    assert [f.entry for f in unused_variables(scn)] == ["idle"]
    assert "phase" not in {f.entry for f in lint(scn)}
