"""The story view: a path walked once, and the transcripts laid out from it.

The text and Markdown transcripts (and the handout, tests/test_export.py) are rendered
from sim.export.story; these tests pin what the view says (who decided, the horizon,
notes in their turn, judgements with their quotes) and that the renderers agree on
its wording instead of each phrasing it anew.
"""

from __future__ import annotations

import re

import pytest
from _support import PLANS, build, real

from sim.engine.session import Session
from sim.engine.vocab import ACTS
from sim.export.story import Beat, Note, story
from sim.export.transcript import markdown, quote_line, render, text
from sim.format.script import load_script
from sim.runner import run_script

SMALL = """
variables:
  n: {type: int, min: 0, max: 9, initial: 0}
  mood: {type: enum, values: [calm, tense], initial: calm, label: Mood in the room, describe: {calm: calm, tense: tense and wary}}
moves:
  propose:
    actor: us
    label: Propose a truce
    type: CONSULT
    basis: reported
    quotes: [{source: c, text: "US proposes a 30-day ceasefire in Ukraine"}]
reactions:
  reply:
    actor: russia
    on: [propose]
    label: Moscow replies
    alternatives:
      yes: {label: Says yes, type: AGREE, basis: illustrative, weight: 1, rationale: Rarely., effects: [n += 1]}
      later: {label: Asks for time, type: CONSULT, basis: illustrative, weight: 3, rationale: Often., effects: [mood = "tense"]}
events:
  weather:
    label: The weather
    alternatives:
      rain: {label: Rain, type: CONSULT, basis: illustrative, weight: 1, rationale: r}
      sun: {label: Sun, type: CONSULT, basis: illustrative, weight: 1, rationale: r}
endings:
  agreed:
    title: Agreed
    when: n >= 1
    text: Both sign.
    judgements:
      russia: {view: accepts, reason: It asked for guarantees., cites: [russia.truce]}
      us: {view: welcomes, reason: Its proposal stands.}
    prompts: [Who gave up most?]
  drag:
    title: Talks drag on
    text: Nothing happens.
"""


def _flat(rendered: str) -> str:
    """A transcript with its wrapping undone (textwrap breaks "Trump-Putin" after the hyphen)."""
    return " ".join(re.sub(r"-\n\s+", "-", rendered).split())


@pytest.fixture
def small(tmp_path):
    return build(tmp_path, SMALL, horizon=2)


def test_each_step_says_who_decided_it_and_how(small):
    session = Session(small, seed=1)
    session.choose("propose")
    session.choose("reply.later")
    session.roll()  # the weather: nobody at the table decides it
    beats = list(story(session).beats())
    assert [(b.heading, b.decided_by, b.how) for b in beats] == [
        ("United States: Propose a truce", "United States", "picked"),
        ("Moscow replies: Asks for time", "Russia", "picked"),
        (f"The weather: {beats[2].label}", "chance", "rolled"),
    ]
    assert beats[1].decision == "Decided by Russia (chosen)"
    assert beats[2].decision == "Decided by chance (rolled by the author's weights)"
    assert beats[0].probability is None and beats[1].probability == pytest.approx(0.75)


def test_changes_carry_both_the_id_and_the_readable_label(small):
    session = Session(small)
    session.choose("propose")
    session.choose("reply.later")
    (change,) = story(session).steps[1].beats[0].changes
    assert (change.name, change.before, change.after) == ("mood", "calm", "tense")
    assert (change.label, change.before_text, change.after_text) == ("Mood in the room", "calm", "tense and wary")
    assert "mood: calm -> tense" in render(session, "text")  # the analyst's transcript: ids
    md = render(session, "markdown")
    assert "Mood in the room: calm \u2192 tense and wary" in md and "`mood`" not in md


def test_a_horizon_ending_says_so_in_every_rendering(small):
    session = Session(small)
    for _ in range(2):
        session.choose("propose")
        session.choose("reply.later")
        session.choose("weather.sun")
    view = story(session)
    assert view.ending is not None and view.ending.id == "drag"
    assert view.ending.how_reached == "the 2-turn horizon was reached"
    assert "Ending: Talks drag on (the 2-turn horizon was reached)" in text(view)
    assert "The 2-turn horizon was reached." in markdown(view)


def test_an_ending_by_its_condition_has_judgements_backed_by_quotes(small):
    session = Session(small)
    session.choose("propose")
    session.choose("reply.yes")
    view = story(session)
    ending = view.ending
    assert ending is not None and ending.horizon is None and ending.how_reached == ""
    russia, us = ending.judgements
    assert (russia.actor_name, russia.phrase) == ("Russia", "would accept it")
    # No quotes of its own: the cited stance's first quote backs the reason.
    assert [q.text for q in russia.quotes] == ["What guarantees do we have?"]
    assert us.quotes == ()
    assert ending.prompts == ("Who gave up most?",) and view.prompts()[-1] == "Who gave up most?"
    for rendered in (text(view), markdown(view)):
        flat = _flat(rendered)
        assert quote_line(russia.quotes[0]) in flat


LOOP = """
variables:
  n: {type: int, min: 0, max: 50, initial: 0}
moves:
  wait: {actor: us, label: Wait, type: CONSULT, basis: illustrative}
  go: {actor: us, label: Go, type: CONSULT, basis: illustrative}
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
  never: {title: Never, when: n > 49, text: Never.}
  drag: {title: Talks drag on, text: Nothing happens.}
"""


def test_a_cut_reaction_chain_is_noted_in_the_turn_it_happened(tmp_path):
    """The engine records the note without a turn; Markdown used to open a 'Turn 0' for it."""
    scn = build(tmp_path, LOOP, meta="max_chain: 2", horizon=5)
    session = Session(scn)
    session.choose("wait")
    session.choose("go")
    view = story(session)
    note = view.steps[1].beats[-1]
    assert isinstance(note, Note) and note.turn == 2 and "were cut" in note.text
    md = markdown(view)
    assert "## Turn 0" not in md and md.count("## Turn 2") == 1
    assert md.index("## Turn 2") < md.index("were cut")


@pytest.fixture(scope="module")
def main_line():
    loaded = load_script(PLANS / "whole_arc" / "main_line.yaml")
    return run_script(real("whole_arc"), loaded).session


def test_text_and_markdown_attribute_every_quote_in_the_same_words(main_line):
    """One wording for a quote ("X, quoted in Article C"); the walks used to differ."""
    view = story(main_line)
    quotes = [q for b in view.beats() for q in b.quotes]
    assert any(q.speaker for q in quotes) and any(not q.speaker for q in quotes)
    flat_text = _flat(text(view))
    flat_md = _flat(markdown(view))
    for q in quotes:
        line = " ".join(quote_line(q).split())
        assert line in flat_text and line in flat_md
        if q.speaker:
            assert q.attribution == f"{q.speaker}, quoted in {q.article.label}"


def test_the_view_follows_the_path_step_by_step(main_line):
    view = story(main_line)
    path = main_line.path()
    assert [s.id for s in view.steps] == [s.id for s in path[1:]]
    assert [s.prompts for s in view.steps] == [s.prompts for s in path[1:]]
    acts = [f.id for s in path[1:] for f in s.trace if f.kind in ACTS]
    assert [b.act_id for b in view.beats()] == acts
    assert all(isinstance(b, Beat | Note) for s in view.steps for b in s.beats)
    # turns never go back, and each step starts in the turn of its first beat
    turns = [b.turn for b in view.beats()]
    assert turns == sorted(turns) and turns[0] == 1 and turns[-1] == view.turn - 1
    # a shorter path is a prefix of the same view
    shorter = story(main_line, path[3].id)
    assert shorter.steps == view.steps[:3] and shorter.ending is None
    assert "Not ended: stopped at turn" in text(shorter)


def test_markdown_shows_labels_where_text_shows_ids(main_line):
    md = render(main_line, "markdown")
    assert not re.search(r"`[a-z_]+(\.[a-z_]+)?`: ", md), "no raw variable ids in the Markdown transcript"
    view = story(main_line)
    for change in (c for b in view.beats() for c in b.changes):
        assert f"{change.label}: {change.before_text} \u2192 {change.after_text}" in md
    assert view.caveat in md
