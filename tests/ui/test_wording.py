"""What the screens say, item by item of issue 8 (present.py and the screens' texts)."""

from __future__ import annotations

import textwrap

from sim.engine.session import Session
from sim.ui import present
from sim.ui.app import SimApp
from sim.ui.screens.compare import relation
from sim.ui.screens.explore import MOVES_NOTE
from sim.ui.screens.sources import blocks
from sim.ui.words import plural


def test_shown_shares_add_up_to_100():
    assert present.shares([1 / 6, 2 / 3, 1 / 6]) == ["17%", "67%", "16%"]
    assert present.shares([1 / 3] * 3) == ["34%", "33%", "33%"]
    assert present.shares([0.999, 0.001]) == ["100%", "<1%"]


def test_every_branch_point_of_the_default_scenario_sums_to_100(whole_arc):
    session = Session(whole_arc, 1)
    for choice in ("us_call_putin", "russia_answers_call.yes_but", "front_line.continues", "ukraine_ask_pressure"):
        session.choose(choice)
        shares = present.node_shares(whole_arc, session.node)
        if not session.node.deciding:
            assert sum(int(s.rstrip("%")) for s in shares.values() if s != "<1%") == 100


def test_one_step_is_a_step():
    assert plural(1, "step") == "1 step" and plural(2, "step") == "2 steps"


def test_the_status_line_leads_with_the_current_phase(whole_arc):
    """In the Istanbul phase it still led with the 30-day ceasefire: now the phase, then
    what is scoped to this phase, then the rest."""
    phase = next(v for v in whole_arc.variables if v.name == "phase")
    state = list(whole_arc.initial)
    state[phase.slot.index] = phase.slot.type.values.index("istanbul")
    facts = [label for label, _ in present.situation(whole_arc, tuple(state))]
    assert facts[0] == "Phase"
    istanbul = [v.label for v in whole_arc.variables if v.show and v.scope is not None and v.relevant(tuple(state))]
    assert istanbul and facts[1 : 1 + len(istanbul)] == istanbul
    unscoped = [v.label for v in whole_arc.variables if v.show and v.scope is None and v.name != "phase"]
    assert all(facts.index(label) > len(istanbul) for label in unscoped)


def test_a_branch_shows_no_stray_word_and_a_pass_is_called_a_pass(whole_arc):
    session = Session(whole_arc, 1)
    session.choose("us_call_putin")
    for row in present.choices(session):
        assert "conditional" not in present.choice_text(whole_arc, row, False).plain
    wait = whole_arc.by_id["us_wait"]
    label = present.move_label(whole_arc, wait)
    assert present.is_pass(wait) and label.lower().startswith("us: pass") and label.lower().count("pass") == 1
    wait.label = "Wait for the sides to move"  # as the pack said before: a diplomatic act, to a reader
    try:
        assert present.move_label(whole_arc, wait) == "US: pass (wait for the sides to move)"
    finally:
        wait.label = label.split(": ", 1)[1]
    assert not present.is_pass(whole_arc.by_id["us_call_putin"])


def test_the_first_screen_says_you_choose_for_every_side(whole_arc):
    assert "You choose for every side" in present.story_text(whole_arc, Session(whole_arc, 1)).plain
    assert "you choose" in present.choice_heading(whole_arc, Session(whole_arc, 1).node)


def test_explore_says_moves_count_equally_and_what_that_means():
    assert "counts equally" in MOVES_NOTE and "not how likely" in MOVES_NOTE


def test_compare_says_when_the_mark_is_earlier_on_the_same_path(whole_arc):
    session = Session(whole_arc, 1)
    session.choose("us_call_putin")
    mark = session.current
    session.choose("russia_answers_call.yes_but")
    session.choose("front_line.continues")
    said = relation(whole_arc, session, mark, session.current).plain
    assert "on this path, 2 steps back" in said and "nothing more" not in said
    assert "2 steps before it" in relation(whole_arc, session, session.current, mark, "marked").plain


def test_a_source_wrapped_at_100_columns_reads_as_paragraphs_and_tables_as_tables():
    first = " ".join(f"word{i}" for i in range(60))
    second = " ".join(f"other{i}" for i in range(30))
    text = "\n".join(textwrap.wrap(first, 100)) + "\n\n" + "\n".join(textwrap.wrap(second, 100)) + "\n"
    found = blocks(text)
    assert [(b.start, b.end) for b in found] == [(0, len(first)), (len(first) + 2, len(first) + 2 + len(second))]
    assert text[found[0].start : found[0].end].replace("\n", " ") == first
    table = "Intro line that is long enough.\nNo. | Key Points |\n---|---|\n1 | One |\n2 | Two |\nAfter.\n"
    kinds = [b.rows for b in blocks(table)]
    assert kinds == [None, [["No.", "Key Points"], ["1", "One"], ["2", "Two"]], None]


async def test_an_article_with_one_paragraph_a_line_keeps_its_lines(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        paras = app.screen.query(".para")
        assert len(paras) > 10
        assert not any("---" in str(p.render()) for p in paras)  # the leftover table reads as a table
