"""Turn structures (sim.engine.core): the open table, rounds and sealed rounds; who owns
each branch point; who controls each side at run time (sim.engine.control)."""

from __future__ import annotations

import itertools
import math

import pytest
from _engine_scenarios import generated_scenario, ids, raw
from _support import add_article, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis.explore import exhaustive, playouts
from sim.engine import core
from sim.engine.control import Control, Players, play_weights
from sim.engine.session import ChoiceError, Session
from sim.engine.vocab import CHANCE, TABLE, How, Kind, TurnMode

BODY = """
variables:
  n: {type: int, min: 0, max: 9, initial: 0}
  open: {type: bool, initial: true}
moves:
  us_push: {actor: us, label: Push, type: DEMAND, basis: illustrative, when: n < 9, effects: [n += 1], weight: 3, rationale: r}
  us_close: {actor: us, label: Close the door, type: REJECT, basis: illustrative, when: open, effects: [open = false]}
  ru_grab: {actor: russia, label: Grab, type: COERCE, basis: illustrative, when: open, effects: [n += 2]}
reactions:
  ru_answer:
    actor: russia
    on: [us_push]
    label: Russia answers the push
    alternatives:
      gives: {label: Gives way, type: CONCEDE, basis: illustrative, weight: 1, rationale: r, effects: [n += 1]}
      holds: {label: Holds, type: REJECT, basis: illustrative, weight: 3, rationale: r}
events:
  weather:
    label: Weather
    alternatives:
      calm: {label: Calm, weight: 1, rationale: r, basis: illustrative}
      storm: {label: Storm, type: NATURAL, weight: 1, rationale: r, basis: illustrative, effects: [n -= 1]}
endings:
  big: {title: Big, when: n >= 6, text: Big.}
  drag: {title: Drag, text: Drag.}
"""

ROUNDS = "turns: {rounds: [us, russia], rationale: The US proposes; Russia answers.}"
SEALED = "turns: {sealed: [us, russia]}"


@pytest.fixture
def rounds(tmp_path):
    return build(tmp_path, BODY, horizon=4, meta=ROUNDS)


@pytest.fixture
def sealed(tmp_path):
    return build(tmp_path, BODY, horizon=4, meta=SEALED, name="sealed.yaml")


@pytest.fixture
def table(tmp_path):
    return build(tmp_path, BODY, horizon=4, name="open.yaml")


# --- the open table ----------------------------------------------------------------------------


def test_the_open_table_is_the_default_and_any_side_moves(table):
    assert table.turn_mode == TurnMode.OPEN and table.seats == () and table.passes == ()
    node = core.start(table)
    assert node.deciding and node.seat == -1 and core.owner(table, node) == TABLE
    assert ids(core.options(table, node)) == ["us_push", "us_close", "ru_grab"]


# --- rounds -------------------------------------------------------------------------------------


def test_in_rounds_each_side_decides_in_order_with_a_pass(rounds):
    assert rounds.turn_mode == TurnMode.ROUNDS and rounds.seats == ("us", "russia")
    assert rounds.turn_rationale == "The US proposes; Russia answers."
    node = core.start(rounds)
    assert node.deciding and node.seat == 0 and core.owner(rounds, node) == "us"
    opts = core.options(rounds, node)
    assert ids(opts) == ["us_push", "us_close", "us.pass"]
    assert [o.probability for o in opts] == pytest.approx([0.6, 0.2, 0.2])
    # the US pushes: Russia's answer is Russia's branch, resolved before Russia decides
    trace = []
    node = core.advance(rounds, node, rounds.by_id["us_push"], trace)
    assert not node.deciding and core.owner(rounds, node) == "russia"
    assert ids(core.options(rounds, node)) == ["ru_answer.gives", "ru_answer.holds"]
    node = core.advance(rounds, node, rounds.by_id["ru_answer.gives"], trace)
    assert node.deciding and node.seat == 1 and node.turn == 1 and core.owner(rounds, node) == "russia"
    assert ids(core.options(rounds, node)) == ["ru_grab", "russia.pass"]
    node = core.advance(rounds, node, rounds.by_id["russia.pass"], trace)
    assert core.owner(rounds, node) == CHANCE and core.rule_at(rounds, node).id == "weather"
    node = core.advance(rounds, node, rounds.by_id["weather.calm"], trace)
    assert node.deciding and node.seat == 0 and node.turn == 2
    assert [(f.kind, f.id, f.owner) for f in trace if f.kind != Kind.TURN] == [
        ("move", "us_push", "us"),
        ("reaction", "ru_answer.gives", "russia"),
        ("move", "russia.pass", "russia"),
        ("event", "weather.calm", CHANCE),
    ]
    assert raw(rounds, node.state, "n") == 2


def test_a_move_that_is_a_pass_is_for_the_open_table_the_rounds_own_pass_stands_for_it(tmp_path):
    """Two passes on offer to one side ("Pass: no new move", "Passes this round") would say
    one thing twice: in rounds and sealed rounds a `pass: true` move is not offered, and
    lint does not call it unreachable there."""
    from sim.analysis.lint import lint

    body = BODY.replace(
        "  ru_grab:",
        "  us_wait: {actor: us, label: Wait, pass: true, type: CONSULT, basis: illustrative}\n  ru_grab:",
    )
    table = build(tmp_path, body, horizon=4, name="open.yaml")
    assert ids(core.options(table, core.start(table))) == ["us_push", "us_close", "us_wait", "ru_grab"]
    for meta, name in ((ROUNDS, "rounds.yaml"), (SEALED, "sealed.yaml")):
        scn = build(tmp_path, body, horizon=4, meta=meta, name=name)
        assert ids(core.options(scn, core.start(scn))) == ["us_push", "us_close", "us.pass"]
        assert not [f for f in lint(scn) if f.id == "us_wait"]


def test_a_misspelt_key_is_pointed_at_the_key_an_author_writes_not_the_fields_name(tmp_path):
    from sim.diagnostics import InputError

    body = BODY.replace("  ru_grab:", "  us_wait: {actor: us, label: Wait, passs: true, type: CONSULT, basis: illustrative}\n  ru_grab:")
    with pytest.raises(InputError) as err:
        build(tmp_path, body, horizon=4, meta=ROUNDS)
    message = str(err.value)
    assert "did you mean 'pass'" in message and "pass_" not in message, message


def test_a_side_with_nothing_but_the_pass_passes_without_a_decision(rounds):
    node = core.start(rounds)
    trace = []
    node = core.advance(rounds, node, rounds.by_id["us_close"], trace)
    # the door is closed: Russia's only move needs it open, so Russia passes unasked
    assert core.owner(rounds, node) == CHANCE
    passed = [f for f in trace if f.id == "russia.pass"]
    assert len(passed) == 1 and passed[0].how == How.ONLY and passed[0].owner == "russia"


def test_an_ending_after_a_sides_move_stops_the_round(tmp_path):
    scn = build(tmp_path, BODY.replace("when: n >= 6", "when: n >= 1"), horizon=4, meta=ROUNDS)
    node = core.advance(scn, core.start(scn), scn.by_id["us_push"])
    node = core.advance(scn, node, scn.by_id["ru_answer.holds"])
    assert node.over and scn.endings[node.ending].id == "big", "Russia does not get to move after the ending"


def test_the_order_of_play_is_checked(tmp_path):
    from _support import write_scenario

    from sim.diagnostics import InputError
    from sim.format import load_scenario

    for meta, message in [
        ("turns: {rounds: [us, rusia]}", "unknown actor 'rusia' (did you mean 'russia'?)"),
        ("turns: {rounds: [us]}", "'russia' has moves but no place in the order of play"),
        ("turns: {rounds: [us, russia, us]}", "'us' is already in the order of play"),
        ("turns: {rounds: [us, russia], sealed: [us, russia]}", "either rounds: [sides] or sealed: [sides]"),
        ("turns: {}", "either rounds: [sides] or sealed: [sides]"),
        ("turns: everyone", "'everyone' is not allowed here"),
    ]:
        path = write_scenario(tmp_path, BODY, meta=meta)
        with pytest.raises(InputError) as exc:
            load_scenario(path)
        assert message in str(exc.value), (meta, str(exc.value))


# --- sealed rounds ------------------------------------------------------------------------------


def test_in_sealed_rounds_choices_apply_in_order_after_everyone_chose(sealed):
    s = Session(sealed, 1)
    assert s.owner() == "us"
    first = s.choose("us_push")
    assert first.node.state == s.step(0).node.state, "nothing applies until every side has chosen"
    assert first.trace[0].kind == Kind.SEALED and first.trace[0].how == "picked" and first.trace[0].owner == "us"
    assert s.owner() == "russia" and ids(s.options()) == ["ru_grab", "russia.pass"]
    step = s.choose("ru_grab")
    # now the US push applies, then Russia's answer to it branches (Russia's), then the grab
    assert s.owner() == "russia" and ids(s.options()) == ["ru_answer.gives", "ru_answer.holds"]
    assert [(f.kind, f.id, f.how) for f in step.trace] == [("sealed", "ru_grab", "picked"), ("move", "us_push", "sealed")]
    step = s.choose("holds")
    assert [(f.kind, f.id) for f in step.trace][:2] == [("reaction", "ru_answer.holds"), ("move", "ru_grab")]
    assert raw(sealed, s.node.state, "n") == 3 and s.owner() == CHANCE, "push (+1), held, grab (+2); then the weather"


def test_a_sealed_choice_no_longer_on_offer_fails_with_a_reason(sealed):
    s = Session(sealed, 1)
    s.choose("us_close")
    step = s.choose("ru_grab")  # chosen unseen while the door was open
    failed = [f for f in step.trace if f.kind == Kind.FAILED]
    assert len(failed) == 1
    assert failed[0].id == "ru_grab" and failed[0].owner == "russia"
    assert "was no longer on offer when its turn came (its condition no longer holds)" in failed[0].label
    assert failed[0].conditions[0].seen == (("open", "false"),)
    assert "ru_grab" not in [f.id for f in step.trace if f.kind == Kind.MOVE]
    assert raw(sealed, s.node.state, "n") == 0 and s.owner() == CHANCE, "the grab changed nothing; the weather is next"


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_sealed_rounds_outcome_does_not_depend_on_the_order_orders_arrive_in(sealed, data):
    """Orders of a round entered in every order give the same node and the same trace."""
    seed = data.draw(st.integers(0, 1000))
    base = Session(sealed, seed)
    for _ in range(data.draw(st.integers(0, 3))):  # play a few rounds first
        if base.node.over:
            break
        base.seal({})
        while not base.node.over and not base.node.deciding:
            base.roll()
    if base.node.over:
        return
    choices = base.choices()
    node = base.node
    orders = {}
    for seat in range(node.seat, len(sealed.seats)):
        side = sealed.seats[seat]
        offer = [a.id for a in core.offered_to(sealed, seat, node.state)]
        orders[side] = data.draw(st.sampled_from(offer))
    outcomes = set()
    for perm in itertools.permutations(orders.items()):
        s = Session(sealed, seed)
        s.replay(choices)
        step = s.seal(dict(perm))
        outcomes.add((step.node, tuple((f.kind, f.id, f.how) for st_ in s.path()[len(choices) + 1 :] for f in st_.trace)))
    assert len(outcomes) == 1


def test_seal_refuses_an_order_not_due(sealed):
    s = Session(sealed, 1)
    with pytest.raises(ChoiceError, match="no order is due from europe"):
        s.seal({"europe": "x"})
    with pytest.raises(ChoiceError, match="'ru_push' is not on offer here; moves on offer to Russia: ru_grab, russia.pass"):
        s.seal({"us": "us_push", "russia": "ru_push"})


# --- every branch point has an owner; a pass is always on offer in rounds ------------------------


@pytest.mark.parametrize("mode", ["open", "rounds", "sealed"])
@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_branch_point_has_an_owner_and_rounds_always_offer_a_pass(tmp_path_factory, mode, data):
    meta = {"open": "", "rounds": ROUNDS, "sealed": SEALED}[mode]
    scn = _cached(tmp_path_factory, mode, meta)
    s = Session(scn, data.draw(st.integers(0, 99)))
    for _ in range(200):
        node = s.node
        opts = s.options()
        if node.over:
            assert core.owner(scn, node) == ""
            break
        owner = core.owner(scn, node)
        assert owner in {*scn.actors, CHANCE, TABLE}
        if node.deciding:
            assert owner == (TABLE if mode == "open" else scn.seats[node.seat])
            if mode != "open":
                assert opts[-1].act.is_pass and opts[-1].act.actor == owner, "a real pass is always on offer"
                assert all(o.act.actor == owner for o in opts)
        else:
            rule = core.rule_at(scn, node)
            assert owner == (CHANCE if rule.kind == Kind.EVENT else rule.actor)
        assert math.fsum(o.probability for o in opts) == pytest.approx(1.0)
        step = s.choose(opts[data.draw(st.integers(0, len(opts) - 1))].act.id)
        for f in step.trace:
            if f.kind in (Kind.MOVE, Kind.REACTION, Kind.EVENT, Kind.SEALED, Kind.FAILED):
                assert f.owner in {*scn.actors, CHANCE}


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=generated_scenario(), data=st.data())
def test_on_generated_scenarios_every_branch_point_has_an_owner_a_pass_and_odds_that_sum_to_one(tmp_path, text, data):
    """Generated scenarios in every turn structure, with weights that depend on the state
    (some 0 where their condition holds): along a random walk every branch point has an
    owner, every decision in rounds or sealed rounds offers its side's pass, and the odds
    on offer sum to 1; in sealed rounds the round's outcome is the same whatever order
    the sides' choices are entered in."""
    from sim.format import load_scenario

    add_article(tmp_path)
    path = tmp_path / "gen.yaml"
    path.write_text(text, encoding="utf-8")
    scn = load_scenario(path)
    s = Session(scn, data.draw(st.integers(0, 99)))
    for _ in range(60):
        node = s.node
        if node.over:
            break
        opts = s.options()
        if not opts:
            break  # a dead end: nothing on offer (the generator can write one)
        owner = core.owner(scn, node)
        assert owner in {*scn.actors, CHANCE, TABLE}
        if node.deciding:
            if scn.turn_mode == TurnMode.OPEN:
                assert owner == TABLE
            else:
                assert owner == scn.seats[node.seat]
                assert opts[-1].act.is_pass and opts[-1].act.actor == owner, "a real pass is always on offer"
        assert math.fsum(o.probability for o in opts) == pytest.approx(1.0)
        assert all(o.probability >= 0 for o in opts)
        if scn.turn_mode == TurnMode.SEALED and node.deciding and node.seat == 0:
            choices = s.choices()
            orders = {side: data.draw(st.sampled_from([a.id for a in core.offered_to(scn, seat, node.state)])) for seat, side in enumerate(scn.seats)}
            outcomes = set()
            for perm in itertools.permutations(orders.items()):
                other = Session(scn, 0)
                other.replay(choices)
                step = other.seal(dict(perm))
                outcomes.add((step.node, tuple((f.kind, f.id, f.how) for f in step.trace)))
            assert len(outcomes) == 1
        s.choose(opts[data.draw(st.integers(0, len(opts) - 1))].act.id)


_SCENARIOS: dict = {}


def _cached(factory, mode, meta):
    if mode not in _SCENARIOS:
        _SCENARIOS[mode] = build(factory.mktemp(mode), BODY, horizon=4, meta=meta)
    return _SCENARIOS[mode]


# --- exploration in every mode -------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["rounds", "sealed"])
def test_exhaustive_odds_sum_to_one_and_agree_with_playouts(tmp_path, mode):
    scn = build(tmp_path, BODY, horizon=4, meta=ROUNDS if mode == "rounds" else SEALED)
    exact = exhaustive(scn)
    assert math.fsum([*exact.endings.values(), exact.open, exact.dead]) == pytest.approx(1.0, abs=1e-9)
    sampled = playouts(scn, 6000, seed=3)
    for ending, p in exact.endings.items():
        assert abs(sampled.endings[ending] - p) < 0.03, (ending, sampled.endings[ending], p)


# --- who controls each side -----------------------------------------------------------------------


def test_players_roll_every_branch_no_person_decides(rounds):
    players = Players.playing(["russia"])
    assert players.control("russia") == Control.PERSON and players.control("us") == Control.WEIGHTS
    s = Session(rounds, 5)
    play_weights(s, players)
    assert not s.node.over and s.owner() == "russia", "the US move and chance were rolled; Russia decides"
    assert all(step.how == "rolled" for step in s.path()[1:])
    # Russia's own reactions are Russia's to choose too
    director = Players.director()
    assert director.directed and director.by_person(s) and director.control("us") == Control.PERSON


# --- a variant of a scenario ---------------------------------------------------------------------


def test_a_variant_takes_everything_from_its_scenario_and_overrides_its_settings(tmp_path):
    from sim.format import load_scenario

    from _support import write_scenario

    write_scenario(tmp_path, BODY, name="base.yaml", meta="default: true\norder: 1")
    (tmp_path / "variant.yaml").write_text(
        "variant_of: base.yaml\nscenario:\n  id: v\n  title: In rounds\n  horizon: 2\n  turns: {rounds: [russia, us]}\n", encoding="utf-8"
    )
    base, variant = load_scenario(tmp_path / "base.yaml"), load_scenario(tmp_path / "variant.yaml")
    assert (variant.id, variant.title, variant.horizon, variant.seats) == ("v", "In rounds", 2, ("russia", "us"))
    assert variant.summary == base.summary and [a.id for a in variant.moves] == [a.id for a in base.moves]
    assert base.default and not variant.default and variant.order == 0, "a variant is another entry in the list"


def test_only_the_file_you_run_may_be_a_variant(tmp_path):
    from sim.diagnostics import InputError
    from sim.format import load_scenario

    from _support import write_scenario

    write_scenario(tmp_path, BODY, name="base.yaml")
    (tmp_path / "lib.yaml").write_text("variant_of: base.yaml\n", encoding="utf-8")
    path = write_scenario(tmp_path, BODY.replace("variables:", "include: [lib.yaml]\nvariables:", 1), name="main.yaml")
    with pytest.raises(InputError, match="only the file you run may be a variant of another"):
        load_scenario(path)
    (tmp_path / "self.yaml").write_text("variant_of: self.yaml\nscenario: {id: s}\n", encoding="utf-8")
    with pytest.raises(InputError, match="include cycle"):
        load_scenario(tmp_path / "self.yaml")
