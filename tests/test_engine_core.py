"""Unit tests of the pure engine (sim.engine.core): options and probabilities, reactions
and their chains, events, endings and the horizon, once, history, start overrides,
scoped variables and clocks, and the moves guard index. Each scenario is as small as
the rule under test allows, written into tmp_path."""

from __future__ import annotations

import random

import pytest
from _engine_scenarios import DRAG, ONCE, TURNS, WEIGHTS, advance, ids, kinds, probs, raw, show
from _support import build, real
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import core
from sim.engine.core import Node
from sim.engine.session import pick
from sim.engine.trace import Condition
from sim.expr.types import NEVER, BoolType, EnumType, IntType


def test_decision_options_are_offered_moves_weighted_in_declared_order(tmp_path):
    scn = build(tmp_path, WEIGHTS)
    node = core.start(scn)
    assert node.deciding and not node.over
    opts = core.options(scn, node)
    assert ids(opts) == ["small", "big"]  # "never" fails its condition
    assert probs(opts) == pytest.approx({"small": 0.25, "big": 0.75})


def test_chance_options_are_eligible_alternatives_by_weight(tmp_path):
    scn = build(tmp_path, WEIGHTS)
    node = advance(scn, core.start(scn), "small")
    assert not node.deciding and node.pending and not node.over
    opts = core.options(scn, node)
    assert ids(opts) == ["answer.one", "answer.two"]  # "blocked" fails its condition
    assert probs(opts) == pytest.approx({"answer.one": 1 / 3, "answer.two": 2 / 3})
    assert node.turn == 1  # still the same turn: the reaction has not resolved


def test_an_ended_node_offers_nothing(tmp_path):
    scn = build(tmp_path, WEIGHTS)
    ended = Node(core.start(scn).state, (), 0)
    assert ended.over and not ended.deciding
    assert core.options(scn, ended) == []


def test_move_weights_decide_rolls_at_a_decision_node(tmp_path):
    scn = build(tmp_path, WEIGHTS)
    opts = core.options(scn, core.start(scn))
    rng = random.Random("weights")
    picks = [pick(opts, rng).id for _ in range(4000)]
    assert 0.70 < picks.count("big") / len(picks) < 0.80


# --- one alternative: no branch ------------------------------------------------------------------

SINGLE = """
variables:
  x: {type: enum, values: [a, b, c], initial: a}
moves:
  go:
    actor: us
    label: Go
    type: CONSULT
    basis: illustrative
reactions:
  answer:
    actor: russia
    on: [go]
    label: Russia answers
    alternatives:
      only:
        label: The only one that applies
        type: AGREE
        basis: illustrative
        weight: 1
        rationale: r
        effects: ['x = "b"']
      not_now:
        label: Not now
        type: REJECT
        basis: illustrative
        weight: 9
        rationale: r
        when: x == "c"
endings:
  done:
    title: Done
    when: x == "c"
    text: Done.
""" + DRAG


def test_a_single_eligible_alternative_resolves_without_a_branch(tmp_path):
    scn = build(tmp_path, SINGLE)
    trace = []
    node = advance(scn, core.start(scn), "go", trace)
    assert node.deciding, "no chance node when only one alternative applies"
    assert node.turn == 2
    assert show(scn, node.state, "x") == "b"
    fired = [f for f in trace if f.id == "answer.only"]
    assert len(fired) == 1
    assert fired[0].how == "only branch" and fired[0].probability == 1.0


# --- reaction chains ---------------------------------------------------------------------------

CHAIN = """
variables:
  n: {type: int, min: 0, max: 20, initial: 0}
moves:
  go:
    actor: us
    label: Go
    type: CONSULT
    basis: illustrative
reactions:
  second:
    actor: russia
    on: [go]
    label: Declared first, triggered second in 'on' order
    alternatives:
      a: {label: A, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [n += 1]}
  first:
    actor: us
    on: [go]
    label: Declared second
    alternatives:
      a: {label: A, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [n += 1]}
  later:
    actor: russia
    on: [second.a]
    label: Triggered by the first reaction
    alternatives:
      a: {label: A, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [n += 1]}
endings:
  never:
    title: Never
    when: n > 19
    text: Never.
""" + DRAG


def test_reactions_run_in_declared_order_and_chained_ones_queue_behind(tmp_path):
    scn = build(tmp_path, CHAIN)
    trace = []
    node = advance(scn, core.start(scn), "go", trace)
    acts = [f.id for f in trace if f.kind == "reaction"]
    # 'second' is declared before 'first'; 'later' (set off by 'second') waits behind 'first'
    assert acts == ["second.a", "first.a", "later.a"]
    assert show(scn, node.state, "n") == "3"
    assert not [f for f in trace if f.kind == "chain"]


def test_the_queue_survives_a_chance_node_in_the_middle_of_a_chain(tmp_path):
    body = CHAIN.replace(
        "    label: Declared first, triggered second in 'on' order\n    alternatives:\n",
        "    label: Declared first, triggered second in 'on' order\n    alternatives:\n"
        "      b: {label: B, type: CONSULT, basis: illustrative, weight: 1, rationale: r}\n",
    )
    scn = build(tmp_path, body)
    trace = []
    node = advance(scn, core.start(scn), "go", trace)
    assert [f.id for f in trace] == ["go"]
    assert ids(core.options(scn, node)) == ["second.b", "second.a"]
    assert [p >> core.DEPTH_BITS for p in node.pending[:2]] == [scn.rule_by_id["second"].index, scn.rule_by_id["first"].index]
    trace = []
    after = advance(scn, node, "second.a", trace)
    assert [f.id for f in trace if f.kind == "reaction"] == ["second.a", "first.a", "later.a"]
    assert show(scn, after.state, "n") == "3" and after.deciding
    trace = []
    after = advance(scn, node, "second.b", trace)
    assert [f.id for f in trace if f.kind == "reaction"] == ["second.b", "first.a"]
    assert show(scn, after.state, "n") == "1"


LOOP = """
variables:
  n: {type: int, min: 0, max: 50, initial: 0}
moves:
  go:
    actor: us
    label: Go
    type: CONSULT
    basis: illustrative
reactions:
  ping:
    actor: russia
    on: [go, pong.a]
    label: Ping
    alternatives:
      a: {label: Ping, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [n += 1]}
  pong:
    actor: us
    on: [ping.a]
    label: Pong
    alternatives:
      a: {label: Pong, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [n += 1]}
endings:
  never:
    title: Never
    when: n > 49
    text: Never.
""" + DRAG


@pytest.mark.parametrize("max_chain", [1, 3, 8])
def test_max_chain_cuts_a_loop_and_notes_it_in_the_trace(tmp_path, max_chain):
    scn = build(tmp_path, LOOP, meta=f"max_chain: {max_chain}")
    assert scn.max_chain == max_chain
    trace = []
    node = advance(scn, core.start(scn), "go", trace)
    reactions = [f.id for f in trace if f.kind == "reaction"]
    assert reactions == (["ping.a", "pong.a"] * max_chain)[:max_chain]
    assert show(scn, node.state, "n") == str(max_chain)
    notes = [f for f in trace if f.kind == "chain"]
    assert len(notes) == 1
    last = "Ping" if max_chain % 2 else "Pong"
    assert notes[0].label == f"Reactions to '{last}' were cut: chain longer than {max_chain}"
    assert trace.index(notes[0]) == len([f for f in trace if f.kind in ("move", "reaction")])  # right after the last reaction


# --- events and endings ------------------------------------------------------------------------
def test_events_run_at_the_end_of_every_turn_in_declared_order(tmp_path):
    scn = build(tmp_path, TURNS, horizon=9)
    node = core.start(scn)
    for turn in range(1, 5):
        trace = []
        node = advance(scn, node, "wait", trace)
        assert kinds(trace) == [("move", "wait"), ("event", "clock.tick"), ("turn", "")]
        assert trace[1].turn == turn and trace[2].turn == turn + 1
        assert node.turn == turn + 1
        assert show(scn, node.state, "ticks") == str(turn)


def test_an_event_with_two_alternatives_is_a_chance_node_after_the_reactions(tmp_path):
    scn = build(tmp_path, TURNS, horizon=9)
    trace = []
    node = advance(scn, core.start(scn), "arm", trace)
    assert kinds(trace) == [("move", "arm"), ("event", "clock.tick")]
    assert ids(core.options(scn, node)) == ["armed.fire", "armed.fizzle"]
    assert node.turn == 1
    trace = []
    after = advance(scn, node, "armed.fizzle", trace)
    assert kinds(trace) == [("event", "armed.fizzle"), ("turn", "")]
    assert after.deciding and after.turn == 2


def test_endings_are_checked_after_the_reaction_phase_not_between_reactions(tmp_path):
    scn = build(tmp_path, TURNS, horizon=9)
    trace = []
    node = advance(scn, core.start(scn), "set_then_undo", trace)
    # x was 1 after the move but the reaction set it back before endings were checked
    assert not node.over
    assert [f.id for f in trace if f.kind in ("move", "reaction")] == ["set_then_undo", "undo.a"]


def test_an_ending_after_the_reaction_phase_stops_the_turn_before_its_events(tmp_path):
    scn = build(tmp_path, TURNS, horizon=9)
    trace = []
    node = advance(scn, core.start(scn), "set", trace)
    assert node.over and scn.endings[node.ending].id == "hit"
    assert node.turn == 1, "the turn did not end"
    assert kinds(trace) == [("move", "set"), ("ending", "hit")]
    assert show(scn, node.state, "ticks") == "0", "no events ran"
    assert node.pending == ()


def test_an_ending_set_by_an_event_is_found_when_the_turn_ends(tmp_path):
    scn = build(tmp_path, TURNS, horizon=9)
    node = advance(scn, core.start(scn), "arm")
    trace = []
    node = advance(scn, node, "armed.fire", trace)
    assert node.over and scn.endings[node.ending].id == "hit"
    assert node.turn == 2
    assert kinds(trace) == [("event", "armed.fire"), ("turn", ""), ("ending", "hit")]
    (ending,) = [f for f in trace if f.kind == "ending"]
    assert ending.conditions == (Condition("x >= 1", (("x", "3"),)),)


def test_the_horizon_ends_the_scenario_after_the_last_turn(tmp_path):
    scn = build(tmp_path, TURNS, horizon=3)
    node = core.start(scn)
    for _ in range(2):
        node = advance(scn, node, "wait")
        assert not node.over
    trace = []
    node = advance(scn, node, "wait", trace)
    assert node.over and node.ending == scn.on_horizon and scn.endings[node.ending].id == "drag"
    assert node.turn == 4
    assert trace[-1].kind == "horizon" and trace[-1].id == "drag"
    assert trace[-1].label == "Talks drag on (the 3-turn horizon was reached)"
    assert core.options(scn, node) == []


def test_a_condition_ending_wins_over_the_horizon_on_the_last_turn(tmp_path):
    scn = build(tmp_path, TURNS, horizon=1)
    node = advance(scn, core.start(scn), "arm")
    trace = []
    node = advance(scn, node, "armed.fire", trace)
    assert scn.endings[node.ending].id == "hit"
    assert not [f for f in trace if f.kind == "horizon"]


# --- once ------------------------------------------------------------------------------------

def test_once_moves_are_offered_until_made_and_once_events_fire_once(tmp_path):
    scn = build(tmp_path, ONCE, horizon=9)
    node = core.start(scn)
    assert ids(core.options(scn, node)) == ["wait", "only_once"]
    trace = []
    node = advance(scn, node, "only_once", trace)
    assert [f.id for f in trace if f.kind == "event"] == ["first_turn_only.a"]
    assert ids(core.options(scn, node)) == ["wait", "once_when"]
    node = advance(scn, node, "once_when")
    assert ids(core.options(scn, node)) == ["wait"]
    trace = []
    node = advance(scn, node, "wait", trace)
    assert not [f for f in trace if f.kind == "event"]
    # the author's condition is what 'why' shows; the once guard is the engine's own
    assert scn.by_id["once_when"].when.source == "n == 1"
    assert "done(once_when)" in scn.by_id["once_when"].check.source


# --- history: done, count, since ----------------------------------------------------------------

HISTORY = """
variables:
  n: {type: int, min: 0, max: 9, initial: 0}
moves:
  tick:
    actor: us
    label: Tick
    type: CONSULT
    basis: illustrative
  wait:
    actor: us
    label: Wait
    type: CONSULT
    basis: illustrative
  if_never:
    actor: russia
    label: Offered while tick has not happened
    type: CONSULT
    basis: illustrative
    when: not done(tick)
  if_twice:
    actor: russia
    label: Offered once tick happened twice
    type: CONSULT
    basis: illustrative
    when: count(tick) >= 2
  if_recent:
    actor: russia
    label: Offered the turn after a tick
    type: CONSULT
    basis: illustrative
    when: since(tick) == 1
  if_rule:
    actor: russia
    label: Offered once the answer rule fired
    type: CONSULT
    basis: illustrative
    when: done(answer) and count(answer.b) == 0
reactions:
  answer:
    actor: russia
    on: [tick]
    label: Answer
    alternatives:
      a: {label: A, type: CONSULT, basis: illustrative, weight: 1, rationale: r}
      b: {label: B, type: CONSULT, basis: illustrative, weight: 1, rationale: r}
endings:
  never:
    title: Never
    when: n > 8
    text: Never.
""" + DRAG


def test_history_functions_done_count_since(tmp_path):
    scn = build(tmp_path, HISTORY, horizon=20)
    node = core.start(scn)
    assert ids(core.options(scn, node)) == ["tick", "wait", "if_never"]
    assert raw(scn, node.state, "last(tick)") == NEVER
    node = advance(scn, node, "tick")
    node = advance(scn, node, "answer.a")  # turn 1 -> 2
    assert ids(core.options(scn, node)) == ["tick", "wait", "if_recent", "if_rule"]
    assert show(scn, node.state, "count(tick)") == "1"
    assert raw(scn, node.state, "last(tick)") == 1  # the turn it happened
    node = advance(scn, node, "wait")  # turn 3: tick was two turns ago
    assert ids(core.options(scn, node)) == ["tick", "wait", "if_rule"]
    node = advance(scn, node, "tick")
    node = advance(scn, node, "answer.b")  # turn 4
    assert show(scn, node.state, "count(tick)") == "2"
    assert ids(core.options(scn, node)) == ["tick", "wait", "if_twice", "if_recent"]  # answer.b happened


# --- start: overrides ----------------------------------------------------------------------------

START = """
variables:
  x: {type: enum, values: [a, b, c], initial: a}
  n: {type: int, min: 0, max: 5, initial: 1}
  f: {type: bool, initial: false}
moves:
  when_b:
    actor: us
    label: Only when x is b
    type: CONSULT
    basis: illustrative
    when: x == "b" and n == 4 and f and russia.truce == "reject"
endings:
  never:
    title: Never
    when: n > 4
    text: Never.
""" + DRAG


def test_start_overrides_replace_declared_initial_values(tmp_path):
    plain = build(tmp_path, START, name="plain.yaml")
    assert [show(plain, plain.initial, k) for k in ("x", "n", "f", "russia.truce")] == ["a", "1", "false", "conditional"]
    assert core.options(plain, core.start(plain)) == []
    meta = 'start: {x: b, n: 4, f: true, russia.truce: reject}'
    scn = build(tmp_path, START, name="started.yaml", meta=meta)
    assert [show(scn, scn.initial, k) for k in ("x", "n", "f", "russia.truce")] == ["b", "4", "true", "reject"]
    assert scn.initial[0] == 1
    assert ids(core.options(scn, core.start(scn))) == ["when_b"]
    # the stance's declared position is still the one the article supports
    assert [s.initial for s in scn.stances] == ["conditional"]


@pytest.mark.parametrize(
    "meta, fragment",
    [
        ("start: {y: b}", "unknown variable or stance 'y'"),
        ("start: {x: d}", "'d' is not a valid value of x"),
        ("start: {n: 9}", "9 is not a valid value of n"),
        ("start: {f: 1}", "1 is not a valid value of f"),
    ],
)
def test_start_overrides_are_checked(tmp_path, meta, fragment):
    from sim.diagnostics import InputError

    with pytest.raises(InputError) as exc:
        build(tmp_path, START, meta=meta)
    assert any(fragment in d.message for d in exc.value.diagnostics), exc.value


# --- scoped variables and clocks ---------------------------------------------------------------

SCOPED = """
variables:
  phase: {type: enum, values: [one, two], initial: one}
  clock: {type: int, min: 0, max: 3, initial: 0, per_turn: 1, scope: phase == "one"}
  note: {type: bool, initial: false, scope: phase == "one"}
  level: {type: enum, values: [low, high], initial: low, scope: phase == "one"}
  overall: {type: int, min: 0, max: 2, initial: 0, per_turn: 1}
  down: {type: int, min: -1, max: 5, initial: 1, per_turn: -1}
moves:
  wait:
    actor: us
    label: Wait
    type: CONSULT
    basis: illustrative
  mark:
    actor: us
    label: Mark
    type: CONSULT
    basis: illustrative
    effects: [note = true, level = "high"]
  switch:
    actor: russia
    label: Switch phase
    type: CONSULT
    basis: illustrative
    effects: [phase = "two"]
  back:
    actor: russia
    label: Back to phase one
    type: CONSULT
    basis: illustrative
    when: phase == "two"
    effects: [phase = "one", note = true]
reactions:
  pause:
    actor: us
    on: [switch]
    label: A pause inside the turn
    alternatives:
      a: {label: A, type: CONSULT, basis: illustrative, weight: 1, rationale: r}
      b: {label: B, type: CONSULT, basis: illustrative, weight: 1, rationale: r}
endings:
  never:
    title: Never
    when: overall > 5
    text: Never.
""" + DRAG


def values(scn, node, *names):
    return tuple(show(scn, node.state, n) for n in names)


def test_clocks_tick_each_turn_and_stay_within_bounds(tmp_path):
    scn = build(tmp_path, SCOPED, horizon=20)
    node = core.start(scn)
    seen = []
    for _ in range(5):
        node = advance(scn, node, "wait")
        seen.append(values(scn, node, "clock", "overall", "down"))
    assert seen == [("1", "1", "0"), ("2", "2", "-1"), ("3", "2", "-1"), ("3", "2", "-1"), ("3", "2", "-1")]
    assert {i for i, *_ in scn.ticking} == {s.index for s in scn.slots if s.name in ("clock", "overall", "down")}


def test_scoped_variables_reset_when_the_turn_ends_out_of_scope(tmp_path):
    scn = build(tmp_path, SCOPED, horizon=20)
    node = advance(scn, core.start(scn), "mark")
    node = advance(scn, node, "wait")
    assert values(scn, node, "clock", "note", "level") == ("2", "true", "high")
    node = advance(scn, node, "switch")
    # inside the turn the phase has changed but nothing is reset yet
    assert node.pending and values(scn, node, "phase", "clock", "note", "level") == ("two", "2", "true", "high")
    node = advance(scn, node, "pause.a")
    assert node.deciding and node.turn == 4
    assert values(scn, node, "phase", "clock", "note", "level", "overall") == ("two", "0", "false", "low", "2")
    node = advance(scn, node, "wait")  # out of scope: the clock does not run
    assert values(scn, node, "clock") == ("0",)
    node = advance(scn, node, "back")  # back in scope by the end of the turn: kept, and the clock runs
    assert values(scn, node, "phase", "clock", "note") == ("one", "1", "true")


CHAINED_SCOPE_VARS = {
    "phase": '  phase: {type: enum, values: [one, two], initial: one}\n',
    "sub": '  sub: {type: enum, values: [x, y], initial: x, scope: phase == "one"}\n',
    "detail": '  detail: {type: int, min: 0, max: 5, initial: 0, scope: sub == "y"}\n',
}
CHAINED_SCOPE_REST = """
moves:
  go_y: {actor: us, label: y, type: CONSULT, basis: illustrative, when: 'sub == "x" and phase == "one"', effects: ['sub = "y"', detail = 3]}
  leave: {actor: us, label: leave, type: CONSULT, basis: illustrative, when: 'phase == "one"', effects: ['phase = "two"']}
  wait: {actor: us, label: wait, type: CONSULT, basis: illustrative}
endings:
  never: {title: Never, when: detail > 4, text: Never.}
""" + DRAG


def test_end_of_turn_resets_do_not_depend_on_declaration_order(tmp_path):
    results = []
    for order in (("phase", "sub", "detail"), ("phase", "detail", "sub")):
        body = "variables:\n" + "".join(CHAINED_SCOPE_VARS[v] for v in order) + CHAINED_SCOPE_REST
        scn = build(tmp_path, body, name="_".join(order) + ".yaml")
        node = advance(scn, advance(scn, core.start(scn), "go_y"), "leave")
        results.append(values(scn, node, "phase", "sub", "detail"))
    # 'sub' leaves its scope, so it is reset to x; 'detail' is scoped to sub == "y"
    assert results[0] == results[1], results


# --- the moves guard index ---------------------------------------------------------------------

GUARDS = """
variables:
  e: {type: enum, values: [a, b, c, d], initial: a}
  n: {type: int, min: 0, max: 4, initial: 0}
  f: {type: bool, initial: false}
  g: {type: bool, initial: true}
moves:
  eq: {actor: us, label: eq, type: CONSULT, basis: illustrative, when: 'e == "b"'}
  eq_left: {actor: us, label: eq_left, type: CONSULT, basis: illustrative, when: '"c" == e and n < 3'}
  member: {actor: us, label: member, type: CONSULT, basis: illustrative, when: 'e in ("a", "d") and f'}
  int_eq: {actor: us, label: int_eq, type: CONSULT, basis: illustrative, when: 'n == 2'}
  int_in: {actor: us, label: int_in, type: CONSULT, basis: illustrative, when: 'n in (0, 4) and e != "a"'}
  flag: {actor: russia, label: flag, type: CONSULT, basis: illustrative, when: 'f'}
  not_flag: {actor: russia, label: not_flag, type: CONSULT, basis: illustrative, when: 'not g and e == "a"'}
  bool_eq: {actor: russia, label: bool_eq, type: CONSULT, basis: illustrative, when: 'g == true'}
  either: {actor: russia, label: either, type: CONSULT, basis: illustrative, when: 'e == "a" or n == 1'}
  negated: {actor: russia, label: negated, type: CONSULT, basis: illustrative, when: 'not (e == "b")'}
  history: {actor: russia, label: history, type: CONSULT, basis: illustrative, when: 'count(eq) == 0 and e == "d"'}
  since: {actor: russia, label: since, type: CONSULT, basis: illustrative, when: 'since(flag) < 2'}
  turn: {actor: us, label: turn, type: CONSULT, basis: illustrative, when: 'turn == 2'}
  once: {actor: us, label: once, type: CONSULT, basis: illustrative, once: true, when: 'n != 3'}
  always: {actor: us, label: always, type: CONSULT, basis: illustrative}
  stance: {actor: us, label: stance, type: CONSULT, basis: illustrative, when: 'russia.truce == "reject" and g'}
endings:
  never:
    title: Never
    when: n > 3 and e == "d" and f and not g
    text: Never.
""" + DRAG


def states_of(scn):
    """Any state the slots' types allow (history: counts, last turns or never)."""
    def slot_values(slot):
        if slot.kind == "history" and slot.name.startswith("last("):
            return st.one_of(st.just(NEVER), st.integers(0, 30))
        if slot.kind == "history":
            return st.integers(0, 4)
        typ = slot.type
        if isinstance(typ, BoolType):
            return st.booleans()
        if isinstance(typ, EnumType):
            return st.integers(0, len(typ.values) - 1)
        assert isinstance(typ, IntType)
        return st.integers(typ.lo, min(typ.hi, typ.lo + 40))

    return st.tuples(st.integers(1, 30), *[slot_values(s) for s in scn.slots[1:]])


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    return build(tmp_path_factory.mktemp("guards"), GUARDS, horizon=30)


def _group(select) -> list:
    """The moves a generated group function tests (sim.expr.batch.select keeps them as _I)."""
    return list(select.__globals__["_I"])


def test_the_guard_index_is_in_use(guarded):
    guarded_moves = {m.id for _, table in guarded.move_guards for select in table.values() for m in _group(select)}
    assert {"eq", "eq_left", "member", "int_eq", "int_in", "flag", "not_flag", "bool_eq", "history", "stance"} <= guarded_moves
    unguarded = {m.id for m in _group(guarded.unguarded_moves)}
    assert {"either", "negated", "since", "turn", "once", "always"} <= unguarded


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data())
def test_the_guard_index_offers_exactly_the_moves_whose_conditions_hold(guarded, data):
    state = data.draw(states_of(guarded))
    brute = [m for m in guarded.moves if m.test is None or m.test(state)]
    assert core.offered(guarded, state) == brute


@pytest.mark.parametrize("scenario_id", ["ceasefire_30_day", "istanbul_rounds", "whole_arc"])
def test_the_guard_index_matches_every_move_on_real_scenarios(scenario_id):
    scn = real(scenario_id)
    assert scn.move_guards, "the real scenarios use the index"

    @settings(max_examples=150, deadline=None, database=None)
    @given(state=states_of(scn))
    def check(state):
        assert core.offered(scn, state) == [m for m in scn.moves if m.test is None or m.test(state)]

    check()
