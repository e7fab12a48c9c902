"""Small scenarios and helpers shared by the engine's test modules (not a test module)."""

from __future__ import annotations

from sim.engine import core


def ids(options) -> list[str]:
    return [o.act.id for o in options]


def probs(options) -> dict[str, float]:
    return {o.act.id: o.probability for o in options}


def kinds(trace) -> list[tuple[str, str]]:
    return [(f.kind, f.id) for f in trace]


def show(scn, state, name: str) -> str:
    (slot,) = [s for s in scn.slots if s.name == name]
    return slot.show(state)


def raw(scn, state, name: str):
    (slot,) = [s for s in scn.slots if s.name == name]
    return state[slot.index]


def advance(scn, node, act_id, trace=None):
    act = scn.by_id[act_id]
    assert act.id in ids(core.options(scn, node)), f"{act_id} not on offer"
    return core.advance(scn, node, act, trace)


DRAG = """
  drag:
    title: Talks drag on
    text: Nothing happens.
"""

WEIGHTS = """
variables:
  x: {type: enum, values: [a, b, c], initial: a}
moves:
  small:
    actor: us
    label: Small
    type: CONSULT
    basis: illustrative
  big:
    actor: us
    label: Big
    type: CONSULT
    basis: illustrative
    weight: 3
    rationale: Three times as likely.
  never:
    actor: russia
    label: Never offered
    type: CONSULT
    basis: illustrative
    when: x == "c"
reactions:
  answer:
    actor: russia
    on: [small]
    label: Russia answers
    alternatives:
      one:
        label: One
        type: AGREE
        basis: illustrative
        weight: 1
        rationale: r
        effects: ['x = "b"']
      two:
        label: Two
        type: REJECT
        basis: illustrative
        weight: 2
        rationale: r
      blocked:
        label: Blocked
        type: REJECT
        basis: illustrative
        weight: 5
        rationale: r
        when: x == "c"
endings:
  done:
    title: Done
    when: x == "c"
    text: Done.
""" + DRAG


TURNS = """
variables:
  x: {type: int, min: 0, max: 9, initial: 0}
  ticks: {type: int, min: 0, max: 99, initial: 0}
  flag: {type: bool, initial: false}
moves:
  wait:
    actor: us
    label: Wait
    type: CONSULT
    basis: illustrative
  set_then_undo:
    actor: us
    label: Set x, which a reaction undoes
    type: CONSULT
    basis: illustrative
    effects: [x = 1]
  set:
    actor: russia
    label: Set x to 2
    type: CONSULT
    basis: illustrative
    effects: [x = 2]
  arm:
    actor: russia
    label: Arm the event
    type: CONSULT
    basis: illustrative
    effects: [flag = true]
reactions:
  undo:
    actor: russia
    on: [set_then_undo]
    label: Undo
    alternatives:
      a: {label: Undo, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [x = 0]}
events:
  clock:
    label: The clock
    alternatives:
      tick: {label: Tick, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [ticks += 1]}
  armed:
    label: The armed event
    when: flag
    alternatives:
      fire: {label: Fire, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [x = 3]}
      fizzle: {label: Fizzle, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [flag = false]}
endings:
  hit:
    title: Hit
    when: x >= 1
    text: x was set.
""" + DRAG


ONCE = """
variables:
  n: {type: int, min: 0, max: 9, initial: 0}
moves:
  wait:
    actor: us
    label: Wait
    type: CONSULT
    basis: illustrative
  only_once:
    actor: us
    label: Only once
    type: CONSULT
    basis: illustrative
    once: true
    effects: [n += 1]
  once_when:
    actor: russia
    label: Once, when n is 1
    type: CONSULT
    basis: illustrative
    once: true
    when: n == 1
events:
  first_turn_only:
    label: Happens once
    once: true
    alternatives:
      a: {label: A, type: CONSULT, basis: illustrative, weight: 1, rationale: r}
endings:
  never:
    title: Never
    when: n > 8
    text: Never.
""" + DRAG
