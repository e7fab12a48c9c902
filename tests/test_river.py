"""Another negotiation, written as a new author would (issue 10, item 5): a river's minimum
flow between an upstream and a downstream state, with a mediating commission, a dry year
that changes the odds of the same answer, and arbitration, over one fictional source of its
own (tests/fixtures/river/). It loads, validates clean, plays to an ending, and needs none
of the hacks the issue lists; each variant below shows the format refusing what it should."""

from __future__ import annotations

import html

import re
import shutil

import pytest
from _support import FIXTURES

from sim.analysis.explore import exhaustive
from sim.cli.main import main
from sim.engine import core
from sim.engine.session import Session
from sim.export.transcript import render
from sim.format import load_scenario
from sim.format.script import load_script
from sim.runner import run_script

RIVER = FIXTURES / "river"
SCRIPT = """\
scenario: river
title: Arbitration after a dry year
steps:
  - downstream_demand
  - upstream_answers_demand.no
  - commission_offer
  - upstream_on_arbitration.accept
  - dry_year.drought
  - expect: {state: {flow: 600, drought: true, upstream.arbitration: accept}, turn: 2}
  - commission_award
expect: {ending: award, turn: 2}
"""


@pytest.fixture(scope="module")
def river():
    return load_scenario(RIVER / "river.yaml")


@pytest.fixture
def copy(tmp_path):
    """A copy of the fixture to edit: (its scenario file, its text)."""
    folder = tmp_path / "river"
    shutil.copytree(RIVER, folder)
    path = folder / "river.yaml"
    return path, path.read_text(encoding="utf-8")


def validate(capsys, path) -> tuple[int, str]:
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    return code, out + err


def test_it_validates_clean_with_lint(capsys):
    code, out = validate(capsys, RIVER / "river.yaml")
    assert code == 0, out
    assert out.strip() == "1 file checked: 0 errors, 0 warnings", out


def test_three_parties_one_a_mediator_who_decides_in_the_rounds(river):
    assert [a.id for a in river.actors.values()] == ["upstream", "downstream", "commission"]
    assert river.actors["commission"].kind == "mediator"
    assert river.seats == ("downstream", "upstream", "commission")
    assert [s.id for s in river.sources.values()] == ["report"]


def test_a_script_plays_it_to_an_ending_and_numbers_show_in_the_authors_format(tmp_path, river):
    script = tmp_path / "award.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    outcome = run_script(river, load_script(script))
    assert not outcome.failures and not outcome.dead_end, [d.format() for d in outcome.failures]
    session = outcome.session
    assert session.node.over and river.endings[session.node.ending].id == "award"
    text = render(session, "text")
    assert "flow: 600 -> 1200 (600 m³/s -> 1,200 m³/s)" in text
    assert "Flow at the border: 600 m³/s \u2192 1,200 m³/s" in render(session, "markdown")
    assert "upstream.arbitration: none -> accept" in text  # a stance taken during play
    assert '"flow": "1200"' in render(session, "json")  # data keeps the plain number


def test_rolls_reach_an_ending_on_every_seed(river):
    for seed in range(20):
        session = Session(river, seed)
        while not session.node.over:
            session.roll()
        assert river.endings[session.node.ending].id in {"award", "flow_restored", "stalemate"}


def test_a_flow_of_1200_needs_no_scaling(river):
    flow = next(v for v in river.variables if v.name == "flow")
    assert (flow.slot.type.lo, flow.slot.type.hi) == (0, 3000)
    assert flow.phrase(river.initial) == "900 m³/s"
    assert flow.displayed("1200") == "1,200 m³/s"


def test_the_drought_changes_the_odds_of_the_same_answer(river):
    rule = next(r for r in river.rules if r.id == "upstream_answers_demand")
    drought = next(v for v in river.variables if v.name == "drought").slot.index
    wet = river.initial
    dry = (*wet[:drought], True, *wet[drought + 1 :])
    acts = rule.eligible(wet)
    assert [a.short_id for a in acts] == ["yes_but", "no"] and rule.eligible(dry) == acts
    assert core.shares(acts, wet)[1] == pytest.approx([0.75, 0.25])
    assert core.shares(acts, dry)[1] == pytest.approx([0.2, 0.8])


def test_the_dry_year_has_no_political_category(river):
    rule = next(r for r in river.rules if r.id == "dry_year")
    assert [a.type for a in rule.alternatives] == [None, None]


def test_no_position_yet_is_a_stance_a_side_can_leave(river):
    stances = {(s.actor, s.issue): s for s in river.stances}
    assert stances[("commission", "minimum_flow")].initial == "none"
    assert stances[("upstream", "arbitration")].initial == "none"  # named only by an effect
    result = exhaustive(river)
    assert result.complete and sum(result.endings.values()) == pytest.approx(1.0)


def test_two_speakers_in_one_source_make_a_disagreement(river):
    (dispute,) = river.disputes
    assert {v.source for v in dispute.versions} == {"report"}
    assert len({v.speaker for v in dispute.versions}) == 2
    # and a reader is told whose characterisation each is: the story view, the handout, the notes
    from sim.export.documents import Options, produce
    from sim.export.story import disagreements

    (told,) = disagreements(river)
    assert [v.speaker for v in told.versions] == [v.speaker for v in dispute.versions]
    notes = produce("notes", "html", scenario=river, options=Options(max_nodes=100_000))[0].data
    section = notes.split("Where the sources disagree", 1)[1].split("<h2", 1)[0]
    for v in dispute.versions:
        assert html.escape(v.speaker, quote=False) in section, section


# --- what the format refuses, and what lint says ----------------------------------------------------


def where(text: str, fragment: str) -> tuple[int, int]:
    """The 1-based line and column where ``fragment`` starts in ``text``."""
    at = text.index(fragment)
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def test_an_effect_setting_a_constant_outside_the_bounds_is_a_load_error(capsys, copy):
    path, text = copy
    text = text.replace("flow = 1200,", "flow = 5000,")
    path.write_text(text, encoding="utf-8")
    code, out = validate(capsys, path)
    line, col = where(text, "flow = 5000")
    assert code == 1
    assert re.search(rf"river\.yaml:{line}:\d+: error: .*5000 is outside the bounds of flow \(0 to 3000\)", out), out


def test_the_same_speaker_twice_in_one_source_is_no_disagreement(capsys, copy):
    path, text = copy
    path.write_text(text.replace("speaker: upstream.vey, text: \"was the work", "speaker: downstream.ilic, text: \"was the work"), encoding="utf-8")
    code, out = validate(capsys, path)
    assert code == 1 and "a disagreement needs versions from two sources, or from two speakers in one source" in out, out


def test_a_demands_quotes_count_for_basis_possible_but_not_for_reported(capsys, copy):
    path, text = copy
    without = text.replace("""            quotes:
              - {source: report, speaker: upstream.vey, text: "consider a minimum flow once the reservoir is full"}
""", "")
    path.write_text(without, encoding="utf-8")
    code, out = validate(capsys, path)
    assert code == 1 and "an act with basis 'possible' needs quotes from the articles, its own or its demands'" in out, out


def test_lint_reports_an_option_no_side_can_ever_hold(capsys, copy):
    path, text = copy
    text = text.replace("      current_flow: The current flow is enough\n", "      current_flow: The current flow is enough\n      seasonal: A flow that follows the seasons\n")
    path.write_text(text, encoding="utf-8")
    code, out = validate(capsys, path)
    line, _ = where(text, "seasonal:")
    assert code == 0
    assert re.search(rf"river\.yaml:{line}:\d+: warning: issues.minimum_flow.options.seasonal: no side can ever hold this option", out), out


def test_lint_reports_a_branch_whose_weight_is_0_wherever_it_is_eligible(capsys, copy):
    path, text = copy
    text = text.replace("weight: [{when: drought, weight: 4}, {weight: 1}]", "weight: [{when: drought, weight: 0}, {weight: 0}]")
    path.write_text(text, encoding="utf-8")
    code, out = validate(capsys, path)
    assert code == 0
    assert "weight is 0 wherever it is eligible" in out, out
