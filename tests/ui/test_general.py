"""Nothing in the UI assumes this pack: another negotiation, with a mediator, one source
and ten moves at once, read from the compiled scenario."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Markdown

from sim.format import load_scenario
from sim.ui import present
from sim.ui.app import SimApp
from sim.ui.components.choices import ChoiceList
from sim.ui.components.stances import StancesTable
from sim.ui.screens.actors import ActorsScreen
from sim.ui.screens.help import HelpScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _support import ARTICLE_C, add_article  # noqa: E402

MOVES = "\n".join(
    f"  m{i}: {{actor: {'us' if i % 2 else 'russia'}, label: Move number {i}, type: CONSULT, effects: [n += {i}], "
    + ("basis: possible, quotes: [{source: c, speaker: russia.putin, text: What guarantees do we have?}]}" if i == 9 else "basis: illustrative}")
    for i in range(1, 12)
)

TALKS = f"""\
scenario:
  id: talks
  title: Talks with a mediator
  summary: Two sides and a mediator.
  situation: Two sides meet; a mediator offers to arbitrate.
  horizon: 3
  on_horizon: drag
sources:
  c: {{file: seeds/{ARTICLE_C}, label: Article C}}
actors:
  us: {{name: United States, short: US}}
  russia: {{name: Russia, short: Russia, people: {{putin: {{name: Vladimir Putin, role: President}}}}}}
  turkey: {{name: Turkiye, short: Turkiye, kind: mediator}}
issues:
  arbitration: {{title: Arbitration, options: {{offer: Offers to arbitrate between the sides, no_offer: No offer}}}}
  truce: {{title: 30-day ceasefire, options: {{accept: Accept, conditional: Accept with conditions about guarantees, reject: Reject}}}}
stances:
  turkey:
    arbitration:
      position: offer
      summary: The mediator offers to arbitrate.
      quotes: [{{source: c, speaker: russia.putin, text: "What guarantees do we have?"}}]
  russia:
    truce:
      position: conditional
      summary: Russia asks how the 30 days would be used.
      quotes: [{{source: c, speaker: russia.putin, text: "What guarantees do we have?"}}]
variables:
  n: {{type: int, min: 0, max: 99, initial: 0}}
moves:
{MOVES}
endings:
  drag:
    title: Talks drag on
    text: Nothing happens.
"""


@pytest.fixture
def talks(tmp_path):
    path = tmp_path / "talks.yaml"
    add_article(tmp_path)
    path.write_text(TALKS, encoding="utf-8")
    return load_scenario(path)


async def test_a_mediator_has_a_column_and_each_row_opens_its_own_issue(talks):
    """The row list skipped an issue only a mediator holds while the row-to-issue lookup
    did not: Enter on one issue opened another. And a mediator had no column."""
    app = SimApp(scenario=talks, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(StancesTable)
        headers = [str(c.label) for c in table.columns.values()]
        assert headers == ["Issue", "US", "Russia", "Turkiye (mediator)"]
        titles = [str(table.get_row_at(r)[0]) for r in range(table.row_count)]
        assert titles == ["Arbitration", "30-day ceasefire"]
        table.focus()
        table.cursor_coordinate = (1, 2)  # 30-day ceasefire, Russia
        await pilot.pause()
        detail = str(app.screen.query_one("#detail").render())
        assert "Russia on 30-day ceasefire: Accept with conditions about guarantees" in detail  # the option in full
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActorsScreen) and (app.screen.actor, app.screen.issue) == ("russia", "truce")


async def test_help_is_told_from_the_scenario_in_the_singular(talks):
    app = SimApp(scenario=talks, autosave=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        assert "one source (Article C)" in text and "Turkiye is a mediator" in text
        assert "five" not in text and "Kyiv" not in text and "the articles" not in text
        assert "reported in the article" in text
        assert "every version is shown" not in text  # no disputes recorded: nothing said about them


async def test_the_tenth_and_eleventh_moves_are_chosen_by_number(talks):
    """Turn 4 of whole_arc offers ten moves and the footer said 1-9: now two digits choose
    the tenth and later, and the footer says how many there are."""
    app = SimApp(scenario=talks, autosave=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert len(app.session.options()) == 11
        footer = {k.key: k.key_display for k in app.screen.query("FooterKey")}
        assert footer["1"] == "1-11"
        await pilot.press("1")  # could be 1, 10 or 11: it waits, highlighting 1
        assert app.session.current == 0 and app.screen.query_one(ChoiceList).highlighted == 0
        await pilot.press("0")
        assert app.session.step().choice == "m10"
        app.back()
        await pilot.press("1", "1")
        assert app.session.step().choice == "m11"
        app.back()
        await pilot.press("1", "enter")  # Enter takes the 1 typed so far
        assert app.session.step().choice == "m1"
        app.back()
        await pilot.press("7")  # no longer number begins with 7: at once
        assert app.session.step().choice == "m7"


def test_the_illustrative_move_is_tagged_in_the_list(talks):
    from sim.engine.session import Session

    rows = present.choices(Session(talks))
    texts = {row.act.id: present.choice_text(talks, row, True).plain for row in rows}
    assert texts["m10"].endswith("illustrative") and texts["m9"].endswith("possible")
    assert all(present.basis_tag(row.act).plain for row in rows)  # nothing reported here: every move tagged
    assert present.basis_help(talks, "reported") == "reported in the article"
