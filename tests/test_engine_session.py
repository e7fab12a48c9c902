"""Sessions (sim.engine.session) and replaying recorded choices (sim.engine.replay):
the tree of explored steps, choice errors, seeded rolls."""

from __future__ import annotations

import random

import pytest
from _engine_scenarios import ONCE, TURNS, WEIGHTS, ids
from _support import build

from sim.engine import core
from sim.engine.session import ChoiceError, Session, pick
from sim.runner import roll_to_end

# --- sessions ------------------------------------------------------------------------------------


@pytest.fixture
def weights(tmp_path):
    return build(tmp_path, WEIGHTS, horizon=4)


def test_session_choose_back_goto_children_untaken(weights):
    s = Session(weights, seed=1)
    root = s.step()
    assert root.id == 0 and root.parent is None and root.choice is None
    assert ids(s.untaken()) == ["small", "big"]
    a = s.choose("small")
    assert s.current == a.id and a.parent == 0 and a.choice == "small" and a.how == "picked" and a.depth == 1
    assert ids(s.options()) == ["answer.one", "answer.two"]
    b = s.choose("two")  # the short id works at a chance node
    assert b.choice == "answer.two"
    assert s.choices() == ["small", "answer.two"]
    assert [st.id for st in s.path()] == [0, a.id, b.id]
    assert s.back().id == a.id
    assert ids(s.untaken()) == ["answer.one"]
    assert [c.id for c in s.children()] == [b.id]
    assert s.choose("answer.two") is b, "taking a choice again returns to the explored branch"
    assert len(s.steps) == 3
    s.back()
    c = s.choose("answer.one")
    assert [x.id for x in s.children(a.id)] == [b.id, c.id]
    assert ids(s.untaken(a.id)) == []
    assert s.back().id == a.id and s.back().id == 0 and s.back().id == 0, "back at the start stays there"
    assert s.goto(b.id) is b and s.node == b.node
    assert {leaf.id for leaf in s.leaves()} == {b.id, c.id}
    with pytest.raises(ChoiceError, match="no step 99 in this session"):
        s.goto(99)
    with pytest.raises(ChoiceError, match="no step -1"):
        s.goto(-1)


def test_choice_error_lists_the_moves_on_offer(weights):
    s = Session(weights)
    with pytest.raises(ChoiceError) as exc:
        s.choose("bigg")
    assert str(exc.value) == "'bigg' is not on offer here; moves on offer: small, big"
    with pytest.raises(ChoiceError) as exc:
        s.choose("never")  # a real move whose condition fails
    assert "'never' is not on offer here" in str(exc.value)
    assert len(s.steps) == 1, "a refused choice adds no step"


def test_choice_error_at_a_chance_node_names_the_rule_and_its_branches(weights):
    s = Session(weights)
    s.choose("small")
    with pytest.raises(ChoiceError) as exc:
        s.choose("big")
    assert str(exc.value) == "'big' is not on offer here; branches of 'Russia answers': answer.one, answer.two"
    with pytest.raises(ChoiceError) as exc:
        s.choose("blocked")
    assert "answer.one, answer.two" in str(exc.value)


def test_choice_error_after_an_ending_and_at_a_dead_end(tmp_path):
    scn = build(tmp_path, TURNS, horizon=9)
    s = Session(scn)
    s.choose("set")
    with pytest.raises(ChoiceError) as exc:
        s.choose("wait")
    assert str(exc.value) == "'wait' cannot be taken: the scenario has ended (Hit)"
    with pytest.raises(ChoiceError, match="nothing to roll for: the scenario has ended"):
        s.roll()
    dead = build(tmp_path, ONCE.replace("  wait:\n    actor: us\n    label: Wait\n    type: CONSULT\n    basis: illustrative\n", ""), name="dead.yaml")
    s = Session(dead)
    s.choose("only_once")
    s.choose("once_when")
    assert s.options() == [] and not s.node.over
    with pytest.raises(ChoiceError) as exc:
        s.choose("only_once")
    assert str(exc.value) == "'only_once' cannot be taken: nothing is on offer here (a dead end)"
    with pytest.raises(ChoiceError, match="no moves are on offer \\(a dead end\\)"):
        s.roll()
    assert roll_to_end(Session(dead, 5)) is False


def test_replay_reports_the_failing_step(weights):
    s = Session(weights)
    with pytest.raises(ChoiceError) as exc:
        s.replay(["small", "answer.one", "nope"])
    assert str(exc.value).startswith("step 3 ('nope'): 'nope' is not on offer here; moves on offer: small, big")


def test_rolls_are_seeded_by_seed_and_path(weights):
    def rolled(seed, first):
        s = Session(weights, seed)
        s.choose(first)
        return s, s.roll()

    s, step = rolled(7, "small")
    assert step.how == "rolled"
    path = "small"
    expected = pick(core.options(weights, s.step(step.parent).node), random.Random(f"7/{path}#0"))
    assert step.choice == expected.id
    assert step.trace[0].how == "rolled"
    # the same seed and path roll the same way in a fresh session
    for _ in range(3):
        assert rolled(7, "small")[1].choice == step.choice
    # the generator depends on the seed and on the path
    draws = {Session(weights, seed).rng(Session(weights, seed).step()).random() for seed in range(5)}
    assert len(draws) == 5
    s2 = Session(weights, 7)
    root_draw = s2.rng(s2.step()).random()
    s2.choose("small")
    assert s2.rng(s2.step()).random() != root_draw


def test_rolling_again_at_the_same_step_draws_afresh(weights):
    s = Session(weights, seed=3)
    chance = s.choose("small")
    draws = []
    for n in range(12):
        assert s.step().rolls == n
        draws.append(s.rng(s.step()).random())
        expected = pick(s.options(), random.Random(f"3/small#{n}"))
        assert s.roll().choice == expected.id
        s.back()
        assert s.current == chance.id
    assert len(set(draws)) == 12
    assert {c.choice for c in s.children()} == {"answer.one", "answer.two"}, "re-rolls reach both branches"


def test_same_seed_same_rolled_path(tmp_path):
    scn = build(tmp_path, TURNS, horizon=6)
    runs = []
    for _ in range(2):
        s = Session(scn, seed=11)
        roll_to_end(s)
        runs.append((s.choices(), s.node))
    assert runs[0] == runs[1]


# --- replaying recorded choices (sim.engine.replay) ---------------------------------------------


def test_rebuild_replays_explored_branches_then_the_steps(weights):
    from sim.engine.replay import Choice, rebuild

    s = rebuild(weights, 4, ["small", Choice("answer.two", rolled=True)], explored=[["big"], ["small", "answer.one"]])
    assert s.choices() == ["small", "answer.two"]
    assert [st.how for st in s.path()] == ["", "picked", "rolled"]
    assert {tuple(s.choices(leaf.id)) for leaf in s.leaves()} == {("big",), ("small", "answer.one"), ("small", "answer.two")}
    chance = s.step(s.step().parent)
    assert chance.rolls == 1, "a step recorded as rolled counts as one roll there: a re-roll draws afresh"


def test_a_rolled_choice_replayed_twice_counts_one_roll(weights):
    from sim.engine.replay import Choice, rebuild

    s = rebuild(weights, 4, ["small", Choice("answer.one", rolled=True)], explored=[["small", Choice("answer.one", rolled=True)]])
    assert s.step(s.step().parent).rolls == 1


def test_replay_errors_say_where_the_recording_fails(weights):
    from sim.engine.replay import ReplayError, rebuild

    with pytest.raises(ReplayError) as exc:
        rebuild(weights, 0, ["small"], explored=[["big"], ["small", "answer.nope"]])
    assert exc.value.where == ("explored", 1, 1)
    assert str(exc.value).startswith("step 2 ('answer.nope'): 'answer.nope' is not on offer here")
    with pytest.raises(ReplayError) as exc:
        rebuild(weights, 0, ["small", "roll", "big", "bigger"])
    assert exc.value.where == ("steps", 3)


def test_a_choice_that_names_its_owner_is_checked(weights):
    from sim.engine.replay import Choice, take

    s = Session(weights)
    with pytest.raises(ChoiceError, match="this step is Russia's choice, but here the table decides"):
        take(s, Choice("small", by="russia"))
    take(s, Choice("small", by="table"))
    take(s, Choice("answer.one", by="russia"))
    assert s.choices() == ["small", "answer.one"]
