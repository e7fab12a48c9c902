"""The scenario pack: it validates cleanly, every quote is the articles' own words, every
side can act and every scenario branches to several endings; the seeds, the committed
schema and the editors' modelines have not drifted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _support import (
    REPO,
    SCENARIO_IDS,
    SCENARIOS,
    SEEDS,
    SHARED_SEED_NAMES,
    reached,
    real,
    walk_quotes,
)

from sim.cli.main import main
from sim.format.grounding import fold

SHARED_SEEDS = REPO.parent / "shared" / "seeds"
SCHEMA = REPO / "schema" / "scenario.schema.json"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<path>\S+)$")


def test_validate_reports_no_errors_and_no_warnings(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    code = main(["validate", "scenarios/"])
    out, err = capsys.readouterr()
    files = len(list(SCENARIOS.rglob("*.yaml")))
    assert code == 0, out + err
    assert out == "", f"diagnostics printed:\n{out}"
    assert err.strip().splitlines()[-1] == f"{files} files checked: 0 errors, 0 warnings"


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_quote_is_found_in_its_source(scenario_id):
    scn = real(scenario_id)
    quotes = list(walk_quotes(scn))
    assert len(quotes) > 20
    for where, q in quotes:
        assert q.span is not None, f"{where}: quote not found in {q.source}: {q.text!r}"
        text = scn.sources[q.source].text
        assert fold(text[q.span[0] : q.span[1]]) == fold(q.text), where
    for dispute in scn.disputes:
        for v in dispute.versions:
            assert v.span is not None, f"dispute {dispute.id}: not found in {v.source}: {v.text!r}"
            assert fold(scn.sources[v.source].text[v.span[0] : v.span[1]]) == fold(v.text)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_stance_cites_a_quote(scenario_id):
    scn = real(scenario_id)
    assert scn.stances
    for st in scn.stances:
        assert st.quotes, f"stance {st.actor}.{st.issue} has no quote"
        assert st.summary.strip()


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_actor_has_a_move_on_some_reachable_path(scenario_id):
    scn = real(scenario_id)
    offered = {scn.acts[i].actor for i in reached(scenario_id)[1].offered}
    assert set(scn.actors) - offered == set()


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_each_scenario_reaches_at_least_four_endings(scenario_id):
    """Reachability coverage (every state within the horizon visited once) counts the
    endings; tests/test_golden.py replays a committed path to each of them."""
    scn = real(scenario_id)
    endings = {scn.endings[i].id for i in reached(scenario_id)[1].endings}
    assert len(endings) >= 4, sorted(endings)
    assert scn.endings[scn.on_horizon].id in endings


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_each_disagreement_cites_at_least_two_sources(scenario_id):
    scn = real(scenario_id)
    assert scn.disputes
    for dispute in scn.disputes:
        assert len({v.source for v in dispute.versions}) >= 2, dispute.id
        for v in dispute.versions:
            assert v.source in scn.sources and v.summary.strip()


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_weight_has_a_rationale(scenario_id):
    scn = real(scenario_id)
    for rule in scn.rules:
        for alt in rule.alternatives:
            assert alt.weight > 0
            assert alt.rationale and alt.rationale.strip(), f"{alt.id} has no rationale for its weight"
    for move in scn.moves:
        if move.weight != 1:
            assert move.rationale and move.rationale.strip(), f"move {move.id} has weight {move.weight} and no rationale"


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_every_ending_says_how_each_side_would_judge_it(scenario_id):
    scn = real(scenario_id)
    sides = set(scn.actors)
    for ending in scn.endings:
        assert set(ending.judgements) == sides, ending.id
        for judgement in ending.judgements.values():
            assert judgement.reason.strip()


def test_words_in_quotation_marks_on_screen_are_the_articles_own():
    """A label, text or summary that puts words in quotation marks must quote a seed verbatim."""
    seeds = [fold(p.read_text(encoding="utf-8")).lower() for p in sorted(SEEDS.glob("*.txt"))]
    wrong = set()
    for scenario_id in SCENARIO_IDS:
        scn = real(scenario_id)
        texts = [scn.situation, scn.summary]
        for act in scn.acts:
            texts += [act.label, act.text or "", act.rationale or "", *(d.text for d in act.demands)]
        texts += [st.summary for st in scn.stances]
        for ending in scn.endings:
            texts += [ending.text, *(j.reason for j in ending.judgements.values()), *ending.prompts]
        texts += [p.text for p in scn.prompts]
        for actor in scn.actors.values():
            texts += [*actor.briefing.wants, *actor.briefing.fears, *actor.briefing.red_lines]
        for text in texts:
            for quoted in re.findall(r"[\u201c\"]([^\"\u201d]+)[\u201d\"]", text):
                needle = fold(quoted).lower().strip(" .,")
                if not any(needle in seed for seed in seeds):
                    wrong.add(quoted)
    assert wrong == set()


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_discussion_prompts_ask_nothing_a_class_room_cannot_do(scenario_id):
    """A scenario's prompts are read at the open table and in a class room alike, where a
    group cannot go back or open the Sources screen, and 'the open table' means nothing:
    a prompt that points to either reads wrong to every group (two walkthroughs found five)."""
    scn = real(scenario_id)
    prompts = [p.text for p in scn.prompts] + [t for ending in scn.endings for t in ending.prompts]
    assert prompts
    told = [t for t in prompts if re.search(r"(?i:\bgo back\b|\bsource viewer\b|\bopen table\b)|\bSources\b", t)]
    assert told == []


def test_seeds_are_byte_identical_to_the_shared_copies():
    """The five shared articles are here byte for byte (other seeds may be added beside them)."""
    for name in SHARED_SEED_NAMES:
        assert (SEEDS / name).is_file(), f"seeds/{name} is missing"
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"{SHARED_SEEDS} is not here")
    for name in SHARED_SEED_NAMES:
        assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


def test_the_committed_schema_matches_sim_schema(capsys):
    assert main(["schema"]) == 0
    out, _ = capsys.readouterr()
    assert out == SCHEMA.read_text(encoding="utf-8"), "schema/scenario.schema.json is stale: run `sim schema -o schema/scenario.schema.json`"


@pytest.mark.parametrize("path", sorted(SCENARIOS.rglob("*.yaml")), ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_scenario_file_points_editors_at_the_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = MODELINE.match(first)
    assert m, f"{path.name} starts with {first!r}"
    assert not m["path"].startswith("/"), "a relative path, so it works in any checkout"
    assert (path.parent / m["path"]).resolve() == SCHEMA.resolve()


# --- this pack: keeping faith with the articles (issue 9) ----------------------------------------

# The pack's own scenarios; other scenarios found under scenarios/ are checked by the tests above.
PACK = ("whole_arc", "ceasefire_30_day", "strikes_during_talks", "istanbul_rounds")
# Each phase starts where its articles stand; an act may quote those articles or earlier ones,
# never a later one (article C, then A and B, then E and D).
PHASE_SOURCES = {
    "track_ceasefire.yaml": {"ceasefire_call"},
    "track_strikes.yaml": {"ceasefire_call", "kyiv_strike_timing", "vladimir_stop"},
    "track_istanbul.yaml": {"ceasefire_call", "kyiv_strike_timing", "vladimir_stop", "istanbul_third_round", "donbas_offensive"},
}
QUOTED = re.compile(r"[\u201c\"]([^\"\u201d]+)[\u201d\"]")


def _fragments_in(text: str, articles: dict[str, str]) -> dict[str, set[str]]:
    """Each quoted fragment of ``text`` -> the sources whose article holds it verbatim."""
    found = {}
    for quoted in QUOTED.findall(text):
        needle = fold(quoted).lower().strip(" .,")
        found[quoted] = {sid for sid, body in articles.items() if needle in body}
    return found


@pytest.mark.parametrize("scenario_id", PACK)
def test_every_rationale_quotes_the_sentence_it_rests_on_and_names_its_article(scenario_id):
    """A weight's rationale quotes a fragment of the sentence it rests on and names the
    article ("Article C", or its letter after another), unless it says it rests on none."""
    scn = real(scenario_id)
    articles = {sid: fold(s.text).lower() for sid, s in scn.sources.items()}
    letters = {sid: s.label.split(":")[0].split()[-1] for sid, s in scn.sources.items()}  # "Article C" -> "C"
    weighed = [a for rule in scn.rules for a in rule.alternatives] + [m for m in scn.moves if m.weight != 1]
    assert weighed
    for act in weighed:
        text = act.rationale or ""
        if "rests on no sentence of the articles" in text:
            continue
        fragments = _fragments_in(text, articles)
        assert fragments, f"{act.id}: the rationale quotes no sentence: {text!r}"
        for quoted, sources in fragments.items():
            assert sources, f"{act.id}: {quoted!r} is in no article"
        named = {sid for sid, letter in letters.items() if re.search(rf"\b[Aa]rticles? (?:[A-E], |[A-E] and )*{letter}\b|\b{letter}:", text)}
        assert any(sources & named for sources in fragments.values()), f"{act.id}: the rationale names none of the articles it quotes: {text!r}"


@pytest.mark.parametrize("scenario_id", PACK)
def test_every_ending_says_what_it_takes_for_granted(scenario_id):
    """Each ending of the pack lists under `holds` what its text and judgements assume; lint
    (run by the validate test above) checks them on every path that reaches the ending."""
    scn = real(scenario_id)
    for ending in scn.endings:
        assert ending.holds, f"{ending.id} lists nothing under holds"


def test_acts_quote_only_articles_of_their_phase_or_earlier():
    """What a later article reports cannot justify an earlier reaction (issue 9, item 15)."""
    from sim.format.load import load_spec

    spec, _ = load_spec(SCENARIOS / "whole_arc.yaml")
    articles = {sid: fold((SCENARIOS / "library" / src.file).resolve().read_text(encoding="utf-8")).lower() for sid, src in spec.sections["sources"].items()}
    checked = 0
    for section in ("moves", "reactions", "events"):
        for entry_id, entry in spec.sections[section].items():
            allowed = PHASE_SOURCES.get(Path(spec.origins[(section, entry_id)].doc.file).name)
            if allowed is None:
                continue
            acts = [entry] if section == "moves" else list(entry.alternatives.values())
            for act in acts:
                checked += 1
                used = {q.source for q in act.quotes} | {q.source for d in getattr(act, "demands", ()) for q in d.quotes}
                assert used <= allowed, f"{entry_id}: quotes {sorted(used - allowed)}, later than its phase"
                for quoted, sources in _fragments_in(getattr(act, "rationale", None) or "", articles).items():
                    assert sources & allowed, f"{entry_id}: its rationale rests on a later article ({quoted!r})"
    assert checked > 50


def test_every_side_of_the_pack_has_a_private_briefing():
    scn = real("whole_arc")
    for actor in scn.actors.values():
        private = actor.private
        assert private is not None, actor.id
        items = [*private.wants_most, *private.may_concede, *private.must_not_reveal]
        assert private.wants_most and private.may_concede and private.must_not_reveal, actor.id
        for item in items:
            assert item.basis in ("articles", "author")
            assert item.quotes or item.basis == "author"
            if item.basis == "author":
                assert "author" in item.text, f"{actor.id}: an author's item must say so in its text: {item.text!r}"
