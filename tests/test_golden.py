"""Golden scripted runs: every plan under tests/plans/ replays with no failed
expectation, and its text transcript equals the committed one under tests/golden/.

The plans are written by ``python tests/make_plans.py`` (a shortest path to each
reachable ending, plus one "main line" per scenario that follows what the articles
report). When a change to the transcript format or to a scenario's wording is
intended, rewrite the golden transcripts with::

    SIM_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and review the diff. When a scenario change alters the paths themselves, rerun
``python tests/make_plans.py`` instead (it rewrites plans and transcripts).
"""

from __future__ import annotations

import os
import re

import pytest
from _support import GOLDEN, PLANS, REPO, SCENARIO_IDS, reached, real

from sim.export.transcript import render
from sim.format.script import load_script
from sim.runner import run_script

UPDATE = os.environ.get("SIM_UPDATE_GOLDEN") == "1"
PLAN_FILES = sorted(PLANS.glob("*/*.yaml"))
MACHINE_SPECIFIC = re.compile(r"(/work/|/tmp/|/home/|/root/|/Users/|[A-Za-z]:\\|\d{4}-\d\d-\d\dT\d\d:)")


def golden_of(plan):
    return GOLDEN / plan.parent.name / f"{plan.stem}.txt"


@pytest.mark.parametrize("plan", PLAN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_plan_replays_to_its_golden_transcript(plan, monkeypatch):
    monkeypatch.chdir(REPO)  # plans are named relative to the repo in diagnostics
    loaded = load_script(plan.relative_to(REPO))
    assert loaded.script.scenario == plan.parent.name
    outcome = run_script(real(loaded.script.scenario), loaded)
    assert [d.format() for d in outcome.failures] == []
    assert not outcome.dead_end
    assert outcome.session.node.over, "every plan runs to an ending"
    if plan.stem != "main_line":
        ending = outcome.session.scenario.endings[outcome.session.node.ending].id
        assert ending == plan.stem
    text = render(outcome.session, "text")
    assert not MACHINE_SPECIFIC.search(text), MACHINE_SPECIFIC.search(text)
    golden = golden_of(plan)
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden transcript {golden.relative_to(REPO)}: run python tests/make_plans.py"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_there_is_a_plan_for_every_reachable_ending_and_a_main_line(scenario_id):
    scn = real(scenario_id)
    reachable = {scn.endings[i].id for i in reached(scenario_id)[1].endings}
    names = {p.stem for p in (PLANS / scenario_id).glob("*.yaml")}
    assert names == reachable | {"main_line"}


def test_the_main_lines_follow_reported_acts():
    """The main lines are the articles' story: acts the articles report or name as possible.
    In a scenario played in rounds the main line plays one side by script (``play:``),
    the author's weights rolling the rest; it checks where that side stands each turn."""
    for scenario_id in SCENARIO_IDS:
        loaded = load_script(PLANS / scenario_id / "main_line.yaml")
        scn = real(scenario_id)
        acts = [scn.by_id[s.choice] for s in loaded.steps if s.kind == "choice"]
        acts = [a for a in acts if not a.is_pass]  # not moving is no claim about the articles
        grounded = [a for a in acts if a.basis in ("reported", "possible")]
        assert len(grounded) >= 0.9 * len(acts), (scenario_id, [a.id for a in acts if a.basis == "illustrative"])
        assert any(a.basis == "reported" for a in acts)
        played = loaded.script.sides()
        assert (played is not None) == (scn.turn_mode != "open"), "a scenario in rounds plays one side by script"
        if played:
            assert all(a.actor in played or scn.rules[a.rule].actor in played for a in acts), "only the played side's choices"
        assert sum(1 for s in loaded.steps if s.kind == "expect") >= (1 if played else 3)


def test_a_script_plays_russia_against_the_weights_through_the_whole_arc_in_rounds_to_an_ending(monkeypatch):
    """Done when of issue 10: Russia by script, the other three sides by the author's weights."""
    monkeypatch.chdir(REPO)
    loaded = load_script(PLANS.relative_to(REPO) / "whole_arc_in_rounds" / "main_line.yaml")
    assert loaded.script.sides() == ["russia"]
    scn = real("whole_arc_in_rounds")
    assert scn.turn_mode == "rounds" and set(scn.seats) == {"us", "russia", "ukraine", "europe"}
    outcome = run_script(scn, loaded)
    session = outcome.session
    assert outcome.failures == [] and session.node.over
    path = session.path()[1:]
    russian = [s for s in path if s.how == "picked"]
    assert len(russian) == sum(1 for s in loaded.steps if s.kind == "choice") >= 5
    assert all(session.owner(session.steps[s.parent].id) == "russia" for s in russian)
    rolled_owners = {session.owner(s.parent) for s in path if s.how == "rolled"}
    assert {"us", "ukraine", "europe", "chance"} <= rolled_owners, rolled_owners
    assert "russia" not in rolled_owners


def test_no_golden_transcript_without_a_plan():
    for golden in GOLDEN.glob("*/*.txt"):
        assert (PLANS / golden.parent.name / f"{golden.stem}.yaml").exists(), golden
