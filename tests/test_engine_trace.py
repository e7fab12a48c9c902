"""Traces (sim.engine.trace): why each step happened, with the values conditions saw."""

from __future__ import annotations

from _engine_scenarios import DRAG, advance
from _support import SEEDS, build

from sim.engine import core
from sim.engine.session import Session
from sim.engine.trace import Condition

# --- traces ----------------------------------------------------------------------------------

TRACED = """
variables:
  x: {type: enum, values: [a, b], initial: a}
  n: {type: int, min: 0, max: 5, initial: 2}
moves:
  propose:
    actor: us
    label: Propose the truce
    type: CONSULT
    basis: reported
    when: x == "a" and n < 3
    effects: ['x = "b"', n += 1, 'russia.truce = "reject"']
    quotes:
      - source: c
        speaker: russia.putin
        text: What guarantees do we have?
      - source: c
        text: which Kyiv has already accepted
reactions:
  reply:
    actor: russia
    on: [propose]
    label: Russia replies
    when: n >= 3
    alternatives:
      yes:
        label: Yes
        type: AGREE
        basis: illustrative
        weight: 1
        rationale: r
        when: russia.truce == "reject"
        effects: [n = 0]
      no:
        label: No
        type: REJECT
        basis: illustrative
        weight: 1
        rationale: r
endings:
  zero:
    title: Zero
    when: n == 0
    text: Zero.
""" + DRAG


def test_trace_records_conditions_with_the_values_seen_changes_and_quotes(tmp_path):
    scn = build(tmp_path, TRACED)
    trace = []
    node = advance(scn, core.start(scn), "propose", trace)
    (move,) = trace
    assert move.kind == "move" and move.actor == "us" and move.turn == 1 and move.how == "chosen"
    assert move.probability == 1.0
    assert move.conditions == (Condition('x == "a" and n < 3', (("x", "a"), ("n", "2"))),)
    assert move.changes == (("x", "a", "b"), ("n", "2", "3"), ("russia.truce", "conditional", "reject"))
    q1, q2 = move.quotes
    assert q1.source == "c" and q1.speaker == "Vladimir Putin (Russia)" and q1.span is not None
    article = (SEEDS / "002_78cb06b8d0c22452.txt").read_text(encoding="utf-8")
    assert article[q1.span[0] : q1.span[1]] == "What guarantees do we have?"
    assert q2.speaker is None and article[q2.span[0] : q2.span[1]] == "which Kyiv has already accepted"
    trace = []
    advance(scn, node, "reply.yes", trace)
    reply = trace[0]
    assert reply.kind == "reaction" and reply.rule_label == "Russia replies" and reply.probability == 0.5
    # the rule's condition first, then the alternative's, each with what it saw before the act
    assert reply.conditions == (
        Condition("n >= 3", (("n", "3"),)),
        Condition('russia.truce == "reject"', (("russia.truce", "reject"),)),
    )
    assert reply.changes == (("n", "3", "0"),), "history counters and the turn are not reported as changes"
    assert trace[-1].kind == "ending" and trace[-1].conditions == (Condition("n == 0", (("n", "0"),)),)


def test_session_steps_keep_their_trace_and_picked_or_rolled(tmp_path):
    scn = build(tmp_path, TRACED)
    s = Session(scn, 2)
    step = s.choose("propose")
    assert step.trace[0].how == "picked"
    step = s.roll()
    assert step.trace[0].how == "rolled"
    assert step.trace[0].id == step.choice
