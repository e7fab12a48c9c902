"""Exhaustive exploration (sim.analysis.explore): the new exploration, which works out each
distinct state's edges once, equals today's algorithm (kept as the reference in
bench/explore_reference.py) on every shipped scenario and on generated ones, in every turn
structure, with and without a depth limit and from any node; the memory bound stops it
(and lint, and the shortest paths) with a clear message and exit 6, well under 1 GiB."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest
from _engine_scenarios import generated_scenario
from _support import REPO, SCENARIO_IDS, SEEDS, add_article, real
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis.explore import MEMORY, MEMORY_BUDGET, NODES, Coverage, exhaustive, paths_to_endings, reachable, turn_free
from sim.analysis.lint import BOUND_NOTE, lint
from sim.engine import core
from sim.engine.model import TurnMode
from sim.engine.session import Session

sys.path.insert(0, str(REPO / "bench"))
from explore_reference import exhaustive_reference  # noqa: E402


def assert_same(new, ref):
    """The same odds (to rounding: the sums are added in another order), the same
    probability still running or at a dead end, the same lengths."""
    assert new.endings.keys() == ref.endings.keys()
    for ending, p in ref.endings.items():
        assert new.endings[ending] == pytest.approx(p, abs=1e-12), ending
    assert new.open == pytest.approx(ref.open, abs=1e-12)
    assert new.dead == pytest.approx(ref.dead, abs=1e-12)
    for turn in set(new.ended_at) | set(ref.ended_at):
        assert new.ended_at.get(turn, 0.0) == pytest.approx(ref.ended_at.get(turn, 0.0), abs=1e-12), turn
    assert new.complete and ref.complete
    assert math.fsum([*new.endings.values(), new.open, new.dead]) == pytest.approx(1.0, abs=1e-9)


def coverage_of(explore, *args, **kw):
    cov = Coverage()
    explore(*args, coverage=cov, **kw)
    return cov.acts, cov.offered, cov.endings, cov.prompts


def _smallest_of_each_turn_structure() -> list[str]:
    """The shipped scenario with the fewest acts in each turn structure found (the tests
    that run the slow reference many times use these, whatever the pack holds)."""
    best: dict = {}
    for sid in SCENARIO_IDS:
        scn = real(sid)
        if scn.turn_mode not in best or len(scn.acts) < len(real(best[scn.turn_mode]).acts):
            best[scn.turn_mode] = sid
    return sorted(best.values())


SMALLEST = _smallest_of_each_turn_structure()
REFERENCE_FULL = 300_000  # distinct states: below, the reference is compared to the horizon
REFERENCE_TURNS = 4  # else over this many turns


# --- every shipped scenario -----------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_the_new_exploration_equals_the_reference_on_every_shipped_scenario(scenario_id):
    scn = real(scenario_id)
    assert turn_free(scn), "the pack reads no turn: the edges are worked out once"
    new = exhaustive(scn)
    # The reference follows every path, turn by turn: past a few hundred thousand distinct
    # states it takes minutes, so the largest are compared over their first turns.
    depth = None if new.distinct < REFERENCE_FULL else REFERENCE_TURNS
    if depth is not None:
        new = exhaustive(scn, depth=depth)
    ref = exhaustive_reference(scn, depth=depth)
    assert_same(new, ref)
    # honest counts: each distinct state expanded at most once (those first met past the
    # horizon are kept, not expanded), far fewer expansions than the reference's
    assert new.nodes < ref.nodes
    if scn.turn_mode == TurnMode.SEALED:  # a side's sealed choice is walked on, not kept
        assert new.distinct < new.nodes
    else:
        assert new.nodes <= new.distinct
    assert 0 < new.starts <= new.distinct


@pytest.mark.parametrize("scenario_id", SMALLEST)
def test_the_same_coverage_as_the_reference(scenario_id):
    scn = real(scenario_id)
    assert coverage_of(exhaustive, scn) == coverage_of(exhaustive_reference, scn)


@pytest.mark.parametrize("scenario_id", SMALLEST)
@pytest.mark.parametrize("depth", [1, 2, 3, 5])
def test_a_depth_limit_gives_what_the_reference_gives(scenario_id, depth):
    scn = real(scenario_id)
    new, ref = exhaustive(scn, depth=depth), exhaustive_reference(scn, depth=depth)
    assert_same(new, ref)


@pytest.mark.parametrize("scenario_id", SMALLEST)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_from_any_node_of_a_path_the_same_as_the_reference(scenario_id, seed):
    scn = real(scenario_id)
    session = Session(scn, seed)
    for _ in range(7):  # somewhere along a rolled path: a decision, a reaction or an event
        if session.node.over or not session.options():
            break
        session.roll()
    node = session.node
    for depth in (None, 2):
        assert_same(exhaustive(scn, root=node, depth=depth), exhaustive_reference(scn, root=node, depth=depth))


# --- generated scenarios --------------------------------------------------------------------------

@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=generated_scenario(), depth=st.sampled_from([None, 1, 2, 4]))
def test_the_new_exploration_equals_the_reference_on_generated_scenarios(tmp_path, text, depth):
    from sim.format import load_scenario

    path = tmp_path / "gen.yaml"
    add_article(tmp_path)
    path.write_text(text, encoding="utf-8")
    scn = load_scenario(path)
    new, ref = exhaustive(scn, depth=depth), exhaustive_reference(scn, depth=depth)
    assert_same(new, ref)
    if depth is None:
        assert coverage_of(exhaustive, scn) == coverage_of(exhaustive_reference, scn)
        if turn_free(scn):  # lint's walk sees what exploration sees
            cov = Coverage()
            reachable(scn, cov)
            assert (cov.acts, cov.offered, cov.endings, cov.prompts) == coverage_of(exhaustive, scn)


# --- the memory bound ------------------------------------------------------------------------------


def twelve_counters() -> str:
    """The issue's scenario: twelve counters a move each can bump, forty turns (about 2 KB)."""
    counters = "".join(f"  c{n}: {{type: int, min: 0, max: 6, initial: 0}}\n" for n in range(12))
    bumps = "".join(f"  bump{n}: {{actor: us, label: Bump {n}, type: CONSULT, basis: illustrative, when: c{n} < 6, effects: [c{n} += 1]}}\n" for n in range(12))
    total = " + ".join(f"c{n}" for n in range(12))
    return (
        "scenario:\n  id: twelve\n  title: Twelve counters\n  summary: s\n  situation: s\n  horizon: 40\n  on_horizon: drag\n"
        "sources:\n  c: {file: ../seeds/002_78cb06b8d0c22452.txt, label: C}\n"
        "actors:\n  us: {name: United States, short: US}\n"
        f"variables:\n{counters}moves:\n{bumps}"
        "  rest: {actor: us, label: Rest, type: CONSULT, basis: illustrative}\n"
        f"endings:\n  full: {{title: Full, when: {total} >= 70, text: Full.}}\n  drag: {{title: Drag, text: Drag.}}\n"
    )


@pytest.fixture(scope="module")
def twelve(tmp_path_factory):
    project = tmp_path_factory.mktemp("twelve")
    (project / "scenarios").mkdir()
    (project / "seeds").mkdir()
    (project / "seeds" / "002_78cb06b8d0c22452.txt").write_bytes((SEEDS / "002_78cb06b8d0c22452.txt").read_bytes())
    path = project / "scenarios" / "twelve.yaml"
    path.write_text(twelve_counters(), encoding="utf-8")
    return path


def test_the_memory_bound_stops_exploration_with_what_it_found(twelve, monkeypatch):
    from sim.analysis import explore as explore_module
    from sim.format import load_scenario

    scn = load_scenario(twelve)
    small = 8 * 2**20
    monkeypatch.setattr(explore_module, "MEMORY_BUDGET", small)  # lint uses the module's bound
    result = exhaustive(scn, budget=small)
    assert not result.complete and result.stopped == MEMORY
    assert result.open > 0.99, "what was not explored counts as still running"
    assert math.fsum([*result.endings.values(), result.open, result.dead]) == pytest.approx(1.0, abs=1e-9)
    again = exhaustive(scn, budget=small)
    assert (again.distinct, again.nodes, again.open) == (result.distinct, result.nodes, result.open), "where it stops does not depend on the machine"
    capped = exhaustive(scn, max_nodes=200)
    assert capped.stopped == NODES and 200 <= capped.nodes < 1000
    cov = Coverage()
    assert reachable(scn, cov, budget=small).stopped == MEMORY
    paths, bounded = paths_to_endings(scn, budget=small, bounded=True)
    assert bounded and paths == {}
    (note,) = [f for f in lint(scn) if f.message.startswith(BOUND_NOTE)]
    assert "reachability checks were skipped" in note.message


def _run_measured(args, cwd) -> tuple[int, str, str, int]:
    """Run `python -m sim ARGS`: (exit code, stdout, stderr, the child's own peak RSS in bytes)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SIM_DEBUG", "SIM_SCENARIOS", "SIM_ROOT")}
    with open(os.devnull, "rb") as stdin:
        proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = proc.stdout.read().decode()  # both are small: a page of odds, a line or two
        err = proc.stderr.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage alone, unlike RUSAGE_CHILDREN
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        proc.stderr.close()
    return proc.returncode, out, err, usage.ru_maxrss * 1024  # Linux: KiB


@pytest.mark.skipif(sys.platform != "linux", reason="peak RSS read through wait4 (Linux)")
def test_sim_explore_stops_at_the_memory_bound_well_under_a_gigabyte_and_exits_6(twelve):
    """The real bound, in a process of its own (tests/test_fuzz.py runs validate too)."""
    code, out, err, rss = _run_measured(["explore", "scenarios/twelve.yaml"], twelve.parent.parent)
    assert code == 6, err
    assert err.startswith(f"sim explore: stopped at the memory bound ({MEMORY_BUDGET // 2**20} MiB of states kept")
    assert "(not explored: stopped at the memory bound)  100.0%" in out and "Traceback" not in err
    assert rss < 700 * 2**20, f"peak RSS {rss / 2**20:.0f} MiB"


@pytest.mark.parametrize(
    "args, says",
    [
        (["explore", "scenarios/twelve.yaml", "--format", "json"], "sim explore: stopped at the memory bound"),
        (["validate", "scenarios/twelve.yaml"], BOUND_NOTE),
        (["explore", "scenarios/twelve.yaml", "--paths"], "sim explore: stopped at the memory bound"),
    ],
)
def test_every_command_that_explores_says_it_stopped_at_the_bound_and_exits_6(twelve, monkeypatch, capsys, args, says):
    from sim.analysis import explore as explore_module
    from sim.cli.main import main

    monkeypatch.setattr(explore_module, "MEMORY_BUDGET", 4 * 2**20)
    monkeypatch.chdir(twelve.parent.parent)
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 6, err
    assert says in out + err
    if "--format" in args:
        import json

        data = json.loads(out)
        assert data["complete"] is False and data["stopped"] == "the memory bound" and data["open"] == 1.0


def test_a_packed_key_is_equal_exactly_when_what_conditions_see_is(tmp_path):
    """node_key packs each value in the fewest bytes its type allows: it must merge nodes
    exactly when their relevant values, queue and ending are equal, as the tuples did."""
    import random

    from sim.analysis.explore import node_key
    from sim.engine.core import Node

    for scn in (real(sid) for sid in SMALLEST):  # one of each turn structure
        key = node_key(scn)
        rng = random.Random(3)
        seen: dict[object, tuple] = {}
        for _ in range(200):
            node = core.start(scn)
            while not node.over:
                plain = (tuple(node.state[i] for i in scn.relevant), node.pending, node.ending)
                packed = key(node)
                assert isinstance(packed, bytes)
                assert seen.setdefault(packed, plain) == plain, "two different nodes, one key"
                opts = core.options(scn, node)
                if not opts:
                    break
                node = core.advance(scn, node, rng.choice(opts).act)
        assert len(set(seen.values())) == len(seen), "one node, two keys"
        # a value its type does not allow (the engine never writes one) still keys exactly
        odd = list(core.start(scn).state)
        odd[scn.relevant[0]] = 10**18
        assert key(Node(tuple(odd))) == (tuple(odd[i] for i in scn.relevant), (), -1)
