"""Whose decision it is: at an open table, in rounds and in sealed rounds, the choices'
title names the side that decides (or chance, at an event), the story says where the round
stands, and in sealed rounds that a choice made stays unseen until every side has chosen.
On a small scenario of the tests' own (two sides, a reaction, an event)."""

from __future__ import annotations

import pytest
from _support import build
from textual.widgets import OptionList

from sim.engine.vocab import HOW_HELP, How
from sim.ui.app import SimApp
from sim.ui.components.story import StoryLog

SIZE = (100, 30)
BODY = """
variables:
  n: {type: int, min: 0, max: 9, initial: 0}
moves:
  us_close: {actor: us, label: Close the door on the talks, type: REJECT, basis: illustrative, effects: [n += 1]}
  us_push: {actor: us, label: Push for talks, type: DEMAND, basis: illustrative, effects: [n += 1]}
  ru_grab: {actor: russia, label: Grab a border village, type: COERCE, basis: illustrative, effects: [n += 2]}
reactions:
  ru_answer:
    actor: russia
    on: [us_push]
    label: Moscow answers the push
    alternatives:
      gives: {label: Gives way, type: CONCEDE, basis: illustrative, weight: 1, rationale: r}
      holds: {label: Holds, type: REJECT, basis: illustrative, weight: 3, rationale: r}
events:
  weather:
    label: Weather
    alternatives:
      calm: {label: Calm, weight: 1, rationale: r, basis: illustrative}
      storm: {label: Storm, type: NATURAL, weight: 1, rationale: r, basis: illustrative}
endings:
  big: {title: Big, when: n >= 9, text: Big.}
  drag: {title: Drag, text: Drag.}
"""


def scenario(tmp_path, turns: str):
    meta = f"turns: {turns}" if turns else ""
    return build(tmp_path, BODY, horizon=4, meta=meta, name=f"{turns.split(':')[0].strip('{ ') or 'open'}.yaml")


def heading(app) -> str:
    return str(app.screen.query_one("#choices", OptionList).border_title)


def story(app) -> str:
    return app.screen.query_one(StoryLog).text()


@pytest.fixture
def sealed(tmp_path):
    return scenario(tmp_path, "{sealed: [us, russia]}")


@pytest.fixture
def rounds(tmp_path):
    return scenario(tmp_path, "{rounds: [us, russia]}")


async def test_sealed_rounds_say_whose_choice_it_is_and_keep_choices_unseen(sealed):
    app = SimApp(scenario=sealed, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert heading(app) == "Turn 1: US chooses, sealed (1 of 2)"
        assert "in sealed rounds: each turn every side in the order US, Russia chooses without seeing" in story(app)
        app.choose("us_close")
        await pilot.pause()
        assert heading(app) == "Turn 1: Russia chooses, sealed (2 of 2)"
        shown = story(app)
        assert "Turn 1, sealed round: US has chosen (sealed) \u00b7 Russia chooses now" in shown
        assert "without seeing the others' choices" in shown
        assert sealed.by_id["us_close"].label not in shown  # unseen until the round applies it
        app.choose("ru_grab")
        await pilot.pause()
        shown = story(app)
        # both applied, in the order of play, each said to have been chosen unseen
        us, ru = shown.index(sealed.by_id["us_close"].label), shown.index(sealed.by_id["ru_grab"].label)
        assert us < ru and shown.count(HOW_HELP[How.SEALED]) == 2
        assert heading(app) == "Weather (chance): pick a branch or roll"


async def test_rounds_say_who_moves_and_who_is_next(rounds):
    app = SimApp(scenario=rounds, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert heading(app) == "Turn 1: US moves (1 of 2)"
        assert "in rounds: each turn every side in the order US, Russia makes one move or passes" in story(app)
        app.choose("us_push")
        await pilot.pause()
        # the reaction's branches are Russia's: its label names it already
        assert heading(app) == "Moscow answers the push (Russia): pick a branch or roll"
        app.choose("ru_answer.holds")
        await pilot.pause()
        assert heading(app) == "Turn 1: Russia moves (2 of 2)"
        shown = story(app)
        assert "Turn 1, round: US has decided \u00b7 Russia moves now" in shown
        assert rounds.by_id["us_push"].label in shown  # in rounds a side sees what went before
        assert "sealed" not in shown


async def test_an_open_table_says_you_choose_which_side_moves(tmp_path):
    table = scenario(tmp_path, "")
    app = SimApp(scenario=table, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert heading(app) == "Turn 1: you choose which side moves, and how"
        assert "You choose for every side. Each turn, pick which side moves" in story(app)
        assert "round:" not in story(app)
