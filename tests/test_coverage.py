"""The coverage table (docs/coverage.yaml, docs/COVERAGE.md) keeps faith with the articles
and the scenarios: scripts/coverage.py's checks find nothing, the committed Markdown is
what the data renders to, and the checks do catch each kind of mistake they exist for."""

from __future__ import annotations

import copy
import importlib.util
import sys

import pytest
from _support import REPO

_spec = importlib.util.spec_from_file_location("coverage_table", REPO / "scripts" / "coverage.py")
coverage = importlib.util.module_from_spec(_spec)
sys.modules["coverage_table"] = coverage
_spec.loader.exec_module(coverage)


@pytest.fixture(scope="module")
def table():
    return coverage.load_data(), coverage.load_specs()


def test_every_statement_is_found_placed_and_backed(table):
    data, specs = table
    assert coverage.check(data, specs) == []


def test_the_committed_markdown_is_what_the_data_renders_to(table):
    data, specs = table
    assert coverage.DOC.read_text(encoding="utf-8") == coverage.render(data, specs), "run python scripts/coverage.py"


def test_the_table_lists_every_article_and_well_over_a_hundred_statements(table):
    data, specs = table
    assert set(data["articles"]) == set(specs["whole_arc"].sections["sources"])
    statements = [st for article in data["articles"].values() for st in article["statements"]]
    assert len(statements) > 100
    assert sum(1 for st in statements if st.get("encoded")) > 100


def _broken(data, article, index, **change):
    broken = copy.deepcopy(data)
    statement = broken["articles"][article]["statements"][index]
    for key, value in change.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return broken


@pytest.mark.parametrize(
    "article, index, change, expected",
    [
        ("vladimir_stop", 0, {"passage": "Trump called for a halt"}, "B01: passage not found in vladimir_stop"),
        ("vladimir_stop", 1, {"encoded": ["moves.no_such_move"]}, "B02: 'moves.no_such_move' names no entry of the pack"),
        ("vladimir_stop", 1, {"encoded": ["moves.us_call_putin"]}, "B02: 'moves.us_call_putin' neither quotes this passage nor carries its echo"),
        ("ceasefire_call", 8, {"echo": "not in the passage"}, "C09: echo 'not in the passage' is not in the passage"),
        ("ceasefire_call", 8, {"left_out": "why"}, "C09: give one of 'encoded'"),
        ("ceasefire_call", 8, {"encoded": None}, "C09: give one of 'encoded'"),
        ("ceasefire_call", 2, {"restates": "Z99"}, "C03: restates 'Z99', which is not another statement of the table"),
        ("ceasefire_call", 8, {"kind": "opinion"}, "C09: kind 'opinion' is not one of"),
    ],
)
def test_each_kind_of_mistake_is_caught(table, article, index, change, expected):
    data, specs = table
    problems = coverage.check(_broken(data, article, index, **change), specs)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_statement_dropped_from_the_table_leaves_its_sentence_unaccounted_for(table):
    data, specs = table
    broken = copy.deepcopy(data)
    dropped = broken["articles"]["donbas_offensive"]["statements"].pop(9)
    assert dropped["id"] == "D10"
    assert coverage.check(broken, specs) == ["donbas_offensive: sentence neither listed nor skipped: 'The escalating conflict follows a pattern of Russian offensives concentrated in the east.'"]
