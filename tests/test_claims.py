"""Validate's checks that a scenario says no more than its articles (sim/format/claims.py)
and lint's check of what an ending takes for granted (sim/analysis/lint.ending_holds).

Each check is shown to pass on a correct scenario and to fail, at the right line, on the
mistake it exists for: the audit's "Starmer's words given to Moscow", a reported answer
quoting an article about something else, one side's accusation given as another side's
view of an ending, an ending whose text one path contradicts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _support import SEEDS

from sim.analysis.lint import lint
from sim.diagnostics import WARNING
from sim.format import check, load_scenario

ARTICLE_B = "001_f8c8b4c03e9e3410.txt"
ARTICLE_C = "002_78cb06b8d0c22452.txt"

HEADER = f"""\
scenario:
  id: claims
  title: Claims
  summary: A scenario written by a test of the claims checks.
  situation: The US has proposed a truce.
  horizon: 3
  on_horizon: drag
sources:
  c: {{file: seeds/{ARTICLE_C}, label: Article C}}
  b: {{file: seeds/{ARTICLE_B}, label: Article B}}
actors:
  us:
    name: United States
    short: US
    aliases: [Washington]
    people: {{trump: {{name: Donald Trump, role: President}}}}
  russia:
    name: Russia
    short: Russia
    aliases: [Russian, Moscow, Kremlin]
    people: {{putin: {{name: Vladimir Putin, role: President}}}}
  ukraine:
    name: Ukraine
    short: Ukraine
    aliases: [Kyiv]
    people: {{zelensky: {{name: Volodymyr Zelensky, role: President, aliases: [Zelenskyy]}}}}
  europe:
    name: European allies
    short: Europe
    people: {{starmer: {{name: Keir Starmer, role: UK Prime Minister}}}}
variables:
  truce: {{type: enum, values: [open, agreed, refused], initial: open}}
"""

MOVE = """
moves:
  call:
    actor: us
    label: Hold the call
    type: CONSULT
    basis: {basis}
    when: truce == "open"
    quotes: [{{source: c, text: "US President Donald Trump is set to speak with Russian President Vladimir Putin this week"}}]
"""

ENDINGS = """
endings:
  drag:
    title: Talks drag on
    text: Nothing is settled.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    for name in (ARTICLE_B, ARTICLE_C):
        shutil.copyfile(SEEDS / name, tmp_path / "seeds" / name)
    return tmp_path


def diagnose(project: Path, body: str, header: str = HEADER):
    path = project / "claims.yaml"
    text = header + body
    path.write_text(text, encoding="utf-8")
    scenario, diags = check(path, lint=True)
    return text, scenario, [d for d in diags if d.severity != WARNING], [d for d in diags if d.severity == WARNING]


def line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first line holding ``needle`` (after the first holding ``after``)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines[start:], start + 1) if needle in line)


def stance(speaker: str | None, text: str, source: str = "c") -> str:
    who = f", speaker: {speaker}" if speaker else ""
    return f"""
issues:
  truce_issue: {{title: Truce, options: {{yes: Yes, no: No}}}}
stances:
  europe:
    truce_issue:
      position: yes
      summary: A stance.
      quotes: [{{source: {source}{who}, text: "{text}"}}]
"""


# --- who said it ---------------------------------------------------------------------------------


def test_a_speaker_named_beside_the_words_passes(project):
    _, scenario, errors, _ = diagnose(project, MOVE.format(basis="possible") + stance("europe.starmer", "The ‘yes, but’ from Russia is not good enough") + ENDINGS)
    assert errors == [] and scenario is not None


def test_starmers_words_given_to_putin_are_refused_where_they_stand(project):
    text, scenario, errors, _ = diagnose(project, MOVE.format(basis="possible") + stance("russia.putin", "The ‘yes, but’ from Russia is not good enough") + ENDINGS)
    assert scenario is None
    (d,) = errors
    assert d.line == line_of(text, "yes, but") and d.where.endswith("quotes[0].speaker")
    assert "does not name russia.putin beside these words" in d.message and "'Putin'" in d.message


def test_quoted_speech_without_a_speaker_is_refused(project):
    """The audit's first finding: Starmer's phrase shown as if it were the article's own words."""
    text, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + stance(None, "The ‘yes, but’ from Russia is not good enough") + ENDINGS)
    (d,) = errors
    assert d.line == line_of(text, "yes, but")
    assert "puts these words in someone's mouth: name the speaker" in d.message


def test_a_speaker_on_the_articles_own_narration_is_refused(project):
    _, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + stance("russia.putin", "Russia has expressed reservations") + ENDINGS)
    (d,) = errors
    assert "they are its own narration (omit speaker)" in d.message


def test_a_question_spanning_sentences_looks_beside_the_whole_quotation(project):
    """'What guarantees do we have?' is the third sentence of Putin's quotation; his name is in
    the sentence before the first."""
    _, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + stance("russia.putin", "What guarantees do we have?") + ENDINGS)
    assert errors == []


def test_an_alias_names_the_speaker(project):
    """Article C spells him Zelenskyy; the person is Volodymyr Zelensky, with the alias."""
    _, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + stance("ukraine.zelensky", "Russia does not want peace") + ENDINGS)
    assert errors == []
    no_alias = HEADER.replace(", aliases: [Zelenskyy]", "")
    _, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + stance("ukraine.zelensky", "Russia does not want peace") + ENDINGS, header=no_alias)
    assert len(errors) == 1 and "does not name ukraine.zelensky" in errors[0].message


# --- what happened -------------------------------------------------------------------------------


def test_a_reported_move_must_quote_a_passage_naming_its_actor(project):
    _, _, errors, _ = diagnose(project, MOVE.format(basis="reported") + ENDINGS)
    assert errors == []  # the quote names Trump, a person of the US
    wrong = """
  europe_move:
    actor: europe
    label: Something Europe did
    type: CONSULT
    basis: reported
    quotes: [{source: c, text: "Putin has expressed concerns that the truce might allow Ukraine to regroup militarily."}]
"""
    text, _, errors, _ = diagnose(project, MOVE.format(basis="reported") + wrong + ENDINGS)
    (d,) = errors
    assert d.line == line_of(text, "basis: reported", after="europe_move") and d.where == "moves.europe_move.basis"
    assert "none of its quotes names European allies" in d.message


REACTION = """
reactions:
  answer:
    actor: russia
    on: [call]
    label: Moscow answers
    alternatives:
      conditions:
        label: Sets conditions
        type: DEMAND
        basis: reported
        weight: 1
        rationale: A test.
        effects: ['truce = "refused"']
        quotes: [{{source: {source}, text: "{text}"}}]
      accepts:
        label: Accepts
        type: AGREE
        basis: illustrative
        weight: 1
        rationale: A test.
        effects: ['truce = "agreed"']
"""

SAME = REACTION.format(source="c", text="Russia has expressed reservations, citing concerns about the proposal’s implications on its military strategy.")
ELSEWHERE = REACTION.format(source="b", text="The Russian defense ministry claimed it had targeted Ukraine’s defense infrastructure")


def test_a_reported_answer_to_a_reported_act_from_the_same_article_passes(project):
    _, scenario, errors, _ = diagnose(project, MOVE.format(basis="reported") + SAME + ENDINGS)
    assert errors == [] and scenario is not None


def test_a_reported_answer_quoting_another_article_is_refused(project):
    """The audit: the defence ministry's claim (article B) used as Moscow's answer to an act
    another article reports."""
    text, _, errors, _ = diagnose(project, MOVE.format(basis="reported") + ELSEWHERE + ENDINGS)
    (d,) = errors
    assert d.where == "reactions.answer.alternatives.conditions.basis" and d.line == line_of(text, "basis: reported", after="conditions:")
    assert "must quote an article that also reports that act (it quotes b; 'call' quotes c)" in d.message


@pytest.mark.parametrize("basis", ["possible", "illustrative"])
def test_a_reported_answer_to_an_act_the_articles_do_not_report_is_refused(project, basis):
    _, _, errors, _ = diagnose(project, MOVE.format(basis=basis) + SAME + ENDINGS)
    (d,) = errors
    assert f"a reported answer to 'call', which is {basis}" in d.message


# --- whose view ----------------------------------------------------------------------------------

VERDICT_STANCES = """
issues:
  truce_issue: {title: Truce, options: {accept: Accepts, conditional: Raises conditions}}
stances:
  ukraine:
    truce_issue:
      position: accept
      summary: Kyiv has accepted the truce.
      quotes: [{source: c, text: "which Kyiv has already accepted"}]
  russia:
    truce_issue:
      position: conditional
      summary: Putin raises questions.
      quotes: [{source: c, text: "Putin has expressed concerns that the truce might allow Ukraine to regroup militarily."}]
"""


def verdict(russia: str) -> str:
    """The horizon ending, with Kyiv's view (its own stance) and Moscow's, as given."""
    return f"""
endings:
  drag:
    title: Talks drag on
    text: Nothing is settled.
    judgements:
      ukraine: {{view: opposes, reason: Kyiv accepted the truce., cites: [ukraine.truce_issue]}}
      russia: {russia}
"""


def test_a_view_resting_on_the_sides_own_positions_passes(project):
    body = MOVE.format(basis="possible") + VERDICT_STANCES
    for russia in (
        "{view: mixed, reason: Putin raised questions., cites: [russia.truce_issue]}",
        '{view: mixed, reason: Putin asks for guarantees., quotes: [{source: c, speaker: russia.putin, text: "What guarantees do we have?"}]}',
        "{view: no_record, reason: The articles record no Russian view of this.}",
    ):
        _, scenario, errors, _ = diagnose(project, body + verdict(russia))
        assert errors == [] and scenario is not None, russia


def test_a_view_resting_on_nothing_is_warned_about(project):
    text, scenario, errors, warnings = diagnose(project, MOVE.format(basis="possible") + VERDICT_STANCES + verdict("{view: accepts, reason: Moscow is content.}"))
    assert errors == [] and scenario is not None
    (d,) = warnings
    assert d.where == "endings.drag.judgements.russia.view" and d.line == line_of(text, "view: accepts")
    assert "Russia's view 'accepts' rests on nothing: cite its stances or quote it (or say no_record" in d.message


def test_another_sides_accusation_cannot_stand_as_a_sides_view(project):
    """The audit: Zelensky's accusation that Moscow stalls turned into Russia's own view."""
    cited = "{view: accepts, reason: Moscow is content to stall., cites: [ukraine.truce_issue]}"
    text, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + VERDICT_STANCES + verdict(cited))
    (d,) = errors
    assert d.where == "endings.drag.judgements.russia.cites[0]" and d.line == line_of(text, "Moscow is content to stall")
    assert "Russia's view cites Ukraine's stance 'ukraine.truce_issue': a side's view rests on its own stated positions" in d.message
    quoted = '{view: accepts, reason: Moscow is content to stall., quotes: [{source: c, speaker: ukraine.zelensky, text: "Russia does not want peace"}]}'
    _, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + VERDICT_STANCES + verdict(quoted))
    (d,) = errors
    assert d.where == "endings.drag.judgements.russia.quotes[0].speaker"
    assert "Russia's view quotes Ukraine (ukraine.zelensky): a side's view rests on its own words" in d.message


# --- briefings and sources -----------------------------------------------------------------------

PRIVATE = """
  us:
    name: United States
    short: US
    aliases: [Washington]
    people: {{trump: {{name: Donald Trump, role: President}}}}
    private:
      wants_most:
        - text: A deal on its own timeline.
          basis: {basis}
          quotes: {quotes}
      must_not_reveal:
        - text: How close it is to stepping back (the author's, for play).
          basis: author
"""


def private_header(basis: str, quotes: str) -> str:
    start = HEADER.index("  us:\n")
    end = HEADER.index("  russia:\n")
    return HEADER[:start] + PRIVATE.format(basis=basis, quotes=quotes).lstrip("\n") + HEADER[end:]


def test_a_private_briefing_is_compiled_with_its_quotes_and_basis(project):
    quotes = '[{source: c, text: "In a significant diplomatic push"}]'
    _, scenario, errors, _ = diagnose(project, MOVE.format(basis="possible") + ENDINGS, header=private_header("articles", quotes))
    assert errors == []
    private = scenario.actors["us"].private
    (want,) = private.wants_most
    assert want.basis == "articles" and want.quotes[0].span is not None and want.quotes[0].text == "In a significant diplomatic push"
    assert [i.basis for i in private.must_not_reveal] == ["author"] and private.may_concede == ()
    assert scenario.actors["russia"].private is None


def test_a_private_item_said_to_rest_on_the_articles_must_quote_them(project):
    text, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + ENDINGS, header=private_header("articles", "[]"))
    (d,) = errors
    assert d.where == "actors.us.private.wants_most[0].basis" and d.line == line_of(text, "basis: articles")
    assert "needs quotes from them (or basis: author" in d.message


def test_a_private_quote_must_be_found_in_its_article(project):
    quotes = '[{source: c, text: "In an insignificant diplomatic push"}]'
    _, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + ENDINGS, header=private_header("articles", quotes))
    (d,) = errors
    assert "quote not found in source 'c'" in d.message


def test_an_articles_own_dateline_is_kept_and_an_invented_one_refused(project):
    header = HEADER.replace("label: Article C}", "label: Article C, dateline: Washington D.C.}")
    _, scenario, errors, _ = diagnose(project, MOVE.format(basis="possible") + ENDINGS, header=header)
    assert errors == []
    info = scenario.sources["c"]
    assert (info.outlet, info.dateline, info.date) == (None, "Washington D.C.", None)
    header = HEADER.replace("label: Article C}", "label: Article C, outlet: The Moscow Times, date: 18 March 2025}")
    text, _, errors, _ = diagnose(project, MOVE.format(basis="possible") + ENDINGS, header=header)
    assert sorted(d.where for d in errors) == ["sources.c.date", "sources.c.outlet"]
    assert all("the article does not state this" in d.message for d in errors)


# --- what an ending takes for granted ------------------------------------------------------------

HOLDS = """
moves:
  press:
    actor: us
    label: Press Moscow
    type: DEMAND
    basis: illustrative
    when: truce == "open"
  wait:
    actor: us
    label: Wait
    type: CONSULT
    basis: illustrative
reactions:
  answer:
    actor: russia
    on: [press]
    label: Moscow answers
    alternatives:
      agrees:
        label: Agrees once pressed
        type: AGREE
        basis: illustrative
        weight: 1
        rationale: A test.
        effects: ['truce = "agreed"']
      refuses:
        label: Refuses
        type: REJECT
        basis: illustrative
        weight: 1
        rationale: A test.
        effects: ['truce = "refused"']
events:
  drift:
    label: Drift
    when: truce == "open" and done(wait)
    alternatives:
      agreed_anyway:
        label: Agreed without pressure
        type: AGREE
        basis: illustrative
        weight: 1
        rationale: A test.
        effects: ['truce = "agreed"']
      nothing:
        label: Nothing
        type: CONSULT
        basis: illustrative
        weight: 1
        rationale: A test.
endings:
  truce:
    title: A truce
    when: truce == "agreed"
    holds: [{holds}]
    text: Moscow agreed once pressed.
  no:
    title: Refused
    when: truce == "refused"
    text: Refused.
  drag:
    title: Talks drag on
    holds: [{horizon}]
    text: Nothing is settled and no truce was agreed.
"""


def test_what_an_ending_takes_for_granted_is_checked_on_every_path_to_it(project):
    """The audit: "Moscow agreed once its questions had some answer", yet a path reached the
    truce without it. Here the truce is reachable without pressure (the drift event)."""
    text, scenario, errors, warnings = diagnose(project, HOLDS.format(holds="'done(press)'", horizon="'truce == \"open\"'"))
    assert errors == [] and scenario is not None
    (d,) = warnings
    assert d.where == "endings.truce.holds[0]" and d.line == line_of(text, "holds: ['done(press)']")
    assert "'done(press)' does not hold on a path that reaches this ending" in d.message
    assert "truce=agreed" in d.message, "it says where"


def test_an_ending_that_holds_on_every_path_gives_no_warning(project):
    _, _, errors, warnings = diagnose(project, HOLDS.format(holds="'truce == \"agreed\"'", horizon="'truce == \"open\"'"))
    assert errors == [] and warnings == []


def test_the_horizon_endings_claims_are_checked_at_every_turn_boundary(project):
    """'no truce was agreed' holds at every state a turn can end in without an ending; a claim
    that only some of them meet (that Washington pressed) is reported."""
    _, _, _, warnings = diagnose(project, HOLDS.format(holds="'truce == \"agreed\"'", horizon="'done(press)'"))
    (d,) = warnings
    assert d.where == "endings.drag.holds[0]"


def test_holds_are_checked_the_same_by_exhaustive_exploration(project):
    """Lint explores turn by turn when a condition reads the turn: the same finding."""
    body = HOLDS.format(holds="'done(press)'", horizon="'turn >= 1'")
    path = project / "claims.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    findings = lint(load_scenario(path))
    assert [(f.entry, f.sub) for f in findings] == [("truce", ("holds", 0))]
