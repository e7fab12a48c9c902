"""What a class takes away: the handout, role sheets, teacher's notes, their PDFs, and
`sim export` writing them without ever overwriting a file.

PDFs are checked by rendering them: pdftoppm draws a page to PNG (its size says A4 or
Letter, its pixels that something was drawn) and pdftotext reads the words back.
Tests that need poppler-utils skip where it is absent, except under CI (CI=true),
where .ci/run installs it and a missing binary fails.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import fields, is_dataclass

import pytest
from _support import PLANS, REPO, SCENARIO_IDS, build, explored, real

from sim.analysis.length import length
from sim.cli.main import main
from sim.engine.session import Session
from sim.export.documents import KINDS, Options, produce
from sim.export.handout import handout
from sim.export.notes import outlook, teacher_notes
from sim.export.roles import played, role_sheet
from sim.export.story import Story, story
from sim.export.transcript import render
from sim.format.script import load_script
from sim.runner import run_script


def need(binary: str) -> str:
    """The binary's path; a skip where it is absent, a failure under CI (which installs it)."""
    path = shutil.which(binary)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{binary} is not installed; .ci/run installs it for CI")
    pytest.skip(f"{binary} is not installed")


def main_line(scenario_id: str) -> Session:
    return run_script(real(scenario_id), load_script(PLANS / scenario_id / "main_line.yaml")).session


def text_of(document: str) -> str:
    """The words of an HTML document as a reader sees them (no style, no tags)."""
    body = re.sub(r"<style>.*?</style>|<title>.*?</title>", " ", document, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def pdf_text(pdf: bytes, tmp_path, first: int | None = None, last: int | None = None) -> str:
    need("pdftotext")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    out = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, check=True, timeout=60)
    return " ".join(out.stdout.decode("utf-8").split())


def rendered_page(pdf: bytes, tmp_path, page: int = 1):
    """Page ``page`` drawn by pdftoppm at 72 dpi, as a Pillow image."""
    need("pdftoppm")
    from PIL import Image

    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True, timeout=60)
    return Image.open(tmp_path / "page.png").convert("L")


# --- what the handout must not carry -------------------------------------------------------------


def internal_names(scn) -> set[str]:
    """Every id, variable name, event code and expression of a scenario."""
    names = {scn.id, *scn.sources, *scn.actors, *scn.issues, *(e.id for e in scn.endings)}
    names |= {p.id for p in scn.prompts} | {d.id for d in scn.disputes} | {r.id for r in scn.rules}
    # slot 0 is the turn counter: readers see it as "Turn 3" and "stops at turn 3", in words
    names |= {slot.name for slot in scn.slots[1:] if slot.name} | {v.name for v in scn.variables}
    for act in scn.acts:
        names |= {act.id, act.short_id, act.type}
        names |= {c.source for c in (act.when, act.check) if c is not None}
    for issue in scn.issues.values():
        names |= set(issue.options)
    for actor in scn.actors.values():
        names |= {f"{actor.id}.{person}" for person in actor.people} | set(actor.people)
    for src in scn.sources.values():
        names.add(src.file.name)
    names |= {compiled.source for _, compiled in scn.conditions()} if hasattr(scn, "conditions") else set()
    return {n for n in names if n}


READER_PROPERTIES = ("heading", "decision", "basis_text", "how_text", "phrase", "how_reached", "attribution", "meta", "cited")
ANALYST_FIELDS = {"act_id", "actor", "name", "before", "after", "category", "basis", "how", "kind", "id", "scenario_id", "file_name"}


def reader_strings(obj) -> set[str]:
    """Every reader-facing string of a story view (the author's prose, as the view carries it)."""
    out: set[str] = set()
    if isinstance(obj, str):
        out.add(obj)
    elif isinstance(obj, tuple | list):
        for item in obj:
            out |= reader_strings(item)
    elif is_dataclass(obj):
        for f in fields(obj):
            if f.name not in ANALYST_FIELDS:
                out |= reader_strings(getattr(obj, f.name))
        for name in READER_PROPERTIES:  # the view's own wording ("would accept it", "Turn 3")
            if hasattr(type(obj), name):
                out |= reader_strings(getattr(obj, name))
    return out


def leaks(scn, view: Story, document_text: str) -> list[str]:
    """Internal names found in a document. A name with '_', '.', an upper-case code or a
    file name can never be prose: it must not appear at all. A plain word ("phase") may
    appear in the author's prose, so it is looked for in what is left once every
    reader-facing string of the view is taken out: our own words around them."""
    ours = " " + document_text + " "
    for prose in sorted(reader_strings(view), key=len, reverse=True):
        flat = " ".join(prose.split())
        if len(flat) > 2:
            ours = ours.replace(flat, " \u2590 ")
    found = []
    for name in sorted(internal_names(scn)):
        never_prose = bool(re.search(r"[_.()=<>]|^[A-Z]+$", name))
        haystack = document_text if never_prose else ours
        if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", haystack):
            found.append(name)
    return found


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_the_handout_names_no_internal_id_variable_expression_or_code(scenario_id):
    session = main_line(scenario_id)
    session.back()  # and a branch rolled from the step before the end, so rolled steps are covered
    session.roll()
    view = story(session)
    document = handout(view)
    assert leaks(real(scenario_id), view, text_of(document)) == []


def test_the_leak_scan_finds_what_it_looks_for():
    """The scan itself: an id in our words, a variable in a change, an event code, a file name."""
    scn = real("ceasefire_30_day")
    session = main_line("ceasefire_30_day")
    view = story(session)
    words = text_of(handout(view))
    var = next(v.name for v in scn.variables if "_" in v.name)
    plain = next(v.name for v in scn.variables if "_" not in v.name)
    assert leaks(scn, view, words + f" {var}: 1 -> 2") == [var]
    assert leaks(scn, view, words + f" ({plain})") == [plain]
    assert leaks(scn, view, words + " [CONSULT]") == ["CONSULT"]
    src = next(iter(scn.sources.values()))
    assert src.file.name in leaks(scn, view, words + f" seeds/{src.file.name}")


def test_the_handout_has_what_a_class_needs():
    session = main_line("whole_arc")
    view = story(session)
    document = handout(view, "letter")
    words = text_of(document)
    assert "size: letter" in document and "break-inside: avoid" in document
    assert view.title in words and " ".join(view.situation.split()) in words
    for beat in view.beats():
        assert beat.heading in words and beat.decision in words
        for q in beat.quotes:
            assert f"\u201c{' '.join(q.text.split())}\u201d \u2014 {q.attribution}" in words
    prompts = view.prompts()
    assert prompts and document.count('class="prompt"') == len(prompts)
    assert document.count('class="answer"') == len(prompts), "space to answer under every prompt"
    ending = view.ending
    assert f"How it ended: {ending.title}" in words
    for j in ending.judgements:
        assert f"{j.actor_name} {j.phrase}: {j.reason}" in words
    for d in view.disagreements:
        assert d.topic in words and all(v.summary in words for v in d.versions)
    assert "Weights are the author's illustrative judgement, not a forecast." in words
    assert "seeds/" not in document


def test_a_handout_pdf_reads_right_when_rendered(tmp_path):
    from sim.export.pdf import render_pdf

    view = story(main_line("ceasefire_30_day"))
    pdf = render_pdf(handout(view, "a4"))
    assert pdf.startswith(b"%PDF-") and render_pdf(handout(view, "a4")) == pdf, "same document, same bytes"
    page = rendered_page(pdf, tmp_path)
    assert _near(page.size, (595, 842)), "A4 (595 x 842 pt) at 72 dpi"
    assert sum(page.histogram()[:128]) > 2000, "text was drawn on the page"
    first = pdf_text(pdf, tmp_path, 1, 1)
    assert view.title in first and "The situation" in first
    first_beat = next(view.beats())
    assert first_beat.heading in first
    whole = pdf_text(pdf, tmp_path)
    assert view.ending.title in whole and "Where the sources disagree" in whole
    assert "Weights are the author's illustrative judgement, not a forecast." in whole
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", whole), "no snake_case ids in the printed handout"
    letter = rendered_page(render_pdf(handout(view, "letter")), tmp_path)
    assert _near(letter.size, (612, 792)), "US Letter at 72 dpi"


def _near(size: tuple[int, int], want: tuple[int, int]) -> bool:
    """pdftoppm rounds a page's size up to whole pixels (A4 is 595.3 pt wide)."""
    return all(0 <= got - w <= 1 for got, w in zip(size, want, strict=True))


# --- role sheets ----------------------------------------------------------------------------------


def test_a_role_sheet_per_side_with_its_briefing_red_lines_and_quoted_stances(tmp_path):
    from sim.export.pdf import render_pdf

    scn = real("whole_arc")
    sides = played(scn)
    assert [a.id for a in sides] == [a.id for a in scn.actors.values() if a.kind in ("side", "mediator")]
    assert len(sides) == 4
    for actor in sides:
        words = text_of(role_sheet(scn, actor.id))
        assert f"Role sheet: {actor.name}" in words
        for item in (*actor.briefing.wants, *actor.briefing.fears, *actor.briefing.red_lines):
            assert " ".join(item.split()) in words
        own = [st for st in scn.stances if st.actor == actor.id]
        for st in own:
            assert scn.issues[st.issue].title in words and " ".join(st.summary.split()) in words
            assert all(" ".join(q.text.split()) in words for q in st.quotes)
            if st.red_line:
                assert st.red_line in words
        listed = re.search(r"Your red lines</h3>(.*?)</(?:ul|p)>", role_sheet(scn, actor.id), re.S).group(1).count("<li>")
        stated = [st.red_line for st in own if st.red_line]
        assert listed == (len(actor.briefing.red_lines) or len(stated)), "each red line listed once"
        others = [st for st in scn.stances if st.actor != actor.id and st.summary not in {o.summary for o in own}]
        assert not [st.summary for st in others if " ".join(st.summary.split()) in words], "another side's stances"
    russia = next(a for a in sides if a.id == "russia")
    pdf = render_pdf(role_sheet(scn, russia.id))
    page = pdf_text(pdf, tmp_path, 1, 1)
    assert "Role sheet: Russia" in page and "Public briefing" in page


# --- teacher's notes ------------------------------------------------------------------------------


LENGTHS = """
variables:
  step: {type: int, min: 0, max: 9, initial: 0, per_turn: 1}
moves:
  wait: {actor: us, label: Wait, type: CONSULT, basis: illustrative}
events:
  fate:
    label: Fate
    alternatives:
      now: {label: Now, type: CONSULT, basis: illustrative, weight: 1, rationale: r, effects: [step = 9]}
      later: {label: Later, type: CONSULT, basis: illustrative, weight: 3, rationale: r}
endings:
  done: {title: Done, when: step >= 9, text: Over.}
  drag: {title: Talks drag on, text: Nothing happens.}
"""


def test_lesson_length_is_read_from_exploration(tmp_path):
    """Each turn ends with probability 1/4 ("now"), else goes on, up to a 4-turn horizon:
    ended at turn 1 with 1/4, 2 with 3/16, 3 with 9/64, and the rest at the horizon."""
    from sim.analysis.explore import exhaustive

    scn = build(tmp_path, LENGTHS, horizon=4)
    result = exhaustive(scn)
    assert result.ended_at == pytest.approx({1: 1 / 4, 2: 3 / 16, 3: 9 / 64, 4: 27 / 64})
    assert sum(result.ended_at.values()) == pytest.approx(sum(result.endings.values()))
    n = length(scn, result)
    assert (n.shortest, n.longest, n.horizon, n.complete) == (1, 4, 4, True)
    # 1/4 + 3/16 = 0.4375 < 1/2 by turn 2; + 9/64 = 0.578 >= 1/2 at turn 3
    assert n.typical == 3
    assert n.describe() == "1 to 4 turns, typically 3"


def test_the_teachers_notes_cover_length_main_line_disagreements_articles_and_prompts():
    scn = real("ceasefire_30_day")
    result, _ = explored("ceasefire_30_day")
    seen = outlook(scn, result)
    line = story(main_line("ceasefire_30_day"))
    words = text_of(teacher_notes(scn, seen, line))
    n = seen.length
    assert 1 <= n.shortest <= n.typical <= n.longest <= scn.horizon
    assert f"The soonest a path ends is turn {n.shortest}; the latest, turn {n.longest}" in words
    assert f"plan for {n.describe()}" in words
    assert all(e.title in words for e in scn.endings)
    assert all(beat.heading in words for beat in line.beats() if beat.changes or beat.kind != "event")
    for d in scn.disputes:
        assert d.topic in words
    for src in scn.sources.values():
        assert src.label in words
        if src.notes:
            assert " ".join(src.notes.split()) in words
    assert "Reported on this article's word alone" in words
    for p in [*(p.text for p in scn.prompts), *(q for e in scn.endings for q in e.prompts)]:
        assert " ".join(p.split()) in words
    assert "Debrief" not in words, "no debrief until a room has played"
    tables = [("Table 1", line), ("Table 2", story(main_line("ceasefire_30_day"), 3))]
    with_debrief = text_of(teacher_notes(scn, seen, line, debrief=tables))
    assert "Debrief: what each table did" in with_debrief and "Table 2" in with_debrief and "Not ended" in with_debrief


def test_without_a_main_line_the_notes_list_the_reported_acts():
    scn = real("strikes_during_talks")
    result, _ = explored("strikes_during_talks")
    words = text_of(teacher_notes(scn, outlook(scn, result)))
    assert "The scenario marks no main line" in words
    reported = [a for a in scn.acts if a.basis == "reported"]
    assert reported and all(a.label in words for a in reported)


# --- sim export -----------------------------------------------------------------------------------


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_never_overwrites_and_prints_where_each_file_went(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    plan = "tests/plans/ceasefire_30_day/main_line.yaml"
    code, out, err = run_cli(capsys, "handout", plan, "--format", "html", "--dir", str(tmp_path))
    assert (code, err) == (0, "")
    first = tmp_path / "handout-ceasefire_30_day.html"
    assert out == f"wrote {first}\n"
    before = first.read_bytes()
    code, out, _ = run_cli(capsys, "handout", plan, "--format", "html", "--dir", str(tmp_path))
    assert code == 0 and out == f"wrote {tmp_path / 'handout-ceasefire_30_day-2.html'}\n"
    assert first.read_bytes() == before
    taken = tmp_path / "mine.html"
    taken.write_text("keep me")
    code, out, _ = run_cli(capsys, "handout", plan, "--format", "html", "-o", str(taken))
    assert code == 0 and out == f"wrote {tmp_path / 'mine-2.html'}\n" and taken.read_text() == "keep me"


def test_export_roles_writes_one_pdf_per_side(tmp_path, capsys):
    need("pdftotext")
    code, out, err = run_cli(capsys, "roles", "ceasefire_30_day", "--dir", str(tmp_path), "--paper", "letter")
    assert code == 0, err
    scn = real("ceasefire_30_day")
    paths = [tmp_path / f"role-ceasefire_30_day-{a.id}.pdf" for a in played(scn)]
    assert out.splitlines() == [f"wrote {p}" for p in paths]
    for actor, path in zip(played(scn), paths, strict=True):
        assert f"Role sheet: {actor.name}" in pdf_text(path.read_bytes(), tmp_path, 1, 1)


def test_export_a_stored_session(tmp_path, capsys, monkeypatch):
    from sim.store.db import NewSession, Store
    from sim.store.record import Recorder

    monkeypatch.setenv("SIM_STATE_DIR", str(tmp_path / "state"))
    scn = real("ceasefire_30_day")
    store = Store.open()
    session = Session(scn, 5)
    recorder = Recorder(store, session, NewSession(scn.id, "h", 1, 5, scn.path))
    for _ in range(3):
        session.roll()
        recorder.sync()
    store.close()
    code, out, err = run_cli(capsys, "transcript", "--session", str(recorder.session_id), "--format", "text", "-o", "-")
    assert (code, err) == (0, "")
    assert out == run_cli_free_render(session)
    code, out, err = run_cli(capsys, "handout", "--session", "999")
    assert code == 1 and "session 999: error: no such session" in err


def run_cli_free_render(session: Session) -> str:
    return render(session, "text")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("handout",), 2, "handout needs a saved session file or --session ID"),
        (("handout", "tests/plans/whole_arc/main_line.yaml", "--format", "svg"), 2, "handout comes as pdf, html, not svg"),
        (("handout", "no/such/file.yaml"), 1, "no/such/file.yaml: error:"),
        (("roles", "whole_arc", "--side", "nobody"), 1, "no side 'nobody'"),
        (("roles", "--session", "3"), 2, "made from a scenario, not a session"),
        (("graph", "whole_arc", "--format", "mermaid", "-o", "-", "--threshold", "0.5"), 0, ""),
    ],
)
def test_export_usage_and_input_errors_are_one_line(capsys, monkeypatch, args, code, message):
    monkeypatch.chdir(REPO)
    got, out, err = run_cli(capsys, *args)
    assert got == code
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= (1 if code == 1 else 20)


def sim_export(tmp_path, *args) -> subprocess.CompletedProcess:
    """`python -m sim export ...` as a teacher types it, in ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if k != "SIM_DEBUG"} | {"SIM_STATE_DIR": str(tmp_path / "state")}
    return subprocess.run([sys.executable, "-m", "sim", "export", *args], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)


CEASEFIRE_PLAN = str(PLANS / "ceasefire_30_day" / "main_line.yaml")


@pytest.mark.parametrize(
    ("args", "written", "looks_like"),
    [
        (("handout", CEASEFIRE_PLAN, "-o", "class.html"), "class.html", "<!DOCTYPE html>"),
        (("graph", "ceasefire_30_day", "-o", "every.mmd"), "every.mmd", "flowchart"),
        (("tree", CEASEFIRE_PLAN, "-o", "tree.DOT"), "tree.dot", "digraph"),  # any case; written as the format spells it
        (("transcript", CEASEFIRE_PLAN, "-o", "record.json"), "record.json", '"scenario": "ceasefire_30_day"'),
        (("transcript", CEASEFIRE_PLAN, "-o", "record.txt"), "record.txt", "\nScenario ceasefire_30_day, seed 1\n"),
        (("transcript", CEASEFIRE_PLAN, "-o", "record"), "record.md", "*Scenario `ceasefire_30_day`, seed 1.*"),  # no extension: the default, its extension added
        (("transcript", CEASEFIRE_PLAN, "-o", "record.json", "--format", "markdown"), "record.md", "*Scenario `ceasefire_30_day`, seed 1.*"),  # --format wins
    ],
)
def test_export_infers_the_format_from_the_output_files_extension(tmp_path, args, written, looks_like):
    proc = sim_export(tmp_path, *args)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert proc.stdout == f"wrote {written}\n"
    assert looks_like in (tmp_path / written).read_text()


def test_export_to_an_extension_the_kind_does_not_come_as_is_a_usage_error(tmp_path):
    proc = sim_export(tmp_path, "handout", CEASEFIRE_PLAN, "-o", "class.svg")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "sim export: error: class.svg: handout comes as pdf (.pdf) or html (.html); name the file so, or give --format\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "state") == []
    proc = sim_export(tmp_path, "transcript", CEASEFIRE_PLAN, "-o", "record.docx")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["sim export: error: record.docx: transcript comes as markdown (.md), text (.txt) or json (.json); name the file so, or give --format"]


def test_export_to_standard_output_keeps_the_kinds_default_format(tmp_path):
    proc = sim_export(tmp_path, "transcript", CEASEFIRE_PLAN, "-o", "-")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == render(main_line("ceasefire_30_day"), "markdown")


def test_every_kind_is_offered_with_its_formats(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    for kind in KINDS.values():
        assert kind.name in out and "/".join(kind.formats) in out


def test_produce_refuses_a_format_the_kind_does_not_have():
    with pytest.raises(ValueError, match="handout comes as pdf, html, not dot"):
        produce("handout", "dot", scenario=real("ceasefire_30_day"), session=main_line("ceasefire_30_day"), options=Options())


def test_a_session_for_an_unknown_scenario_is_located_in_its_file(tmp_path, capsys):
    bad = tmp_path / "s.yaml"
    bad.write_text("scenario: no_such_scenario\nsteps: []\n")
    code, out, err = run_cli(capsys, "handout", str(bad))
    assert (code, out) == (1, "")
    assert err.startswith(f"{bad}:1:11: error:") and "no_such_scenario" in err and "--scenario" in err
    branch = tmp_path / "b.yaml"
    branch.write_text("scenario: ceasefire_30_day\nsteps: [us_call_putin]\nexplored:\n  - [russia_drone_waves, nonsense]\n")
    code, out, err = run_cli(capsys, "tree", str(branch))
    assert code == 1 and err.startswith(f"{branch}:4:") and "'nonsense' is not on offer" in err


def test_another_negotiation_with_one_source_exports_every_kind(tmp_path):
    """Nothing assumes this pack: a two-sided scenario with one article and no disputes."""
    from test_story import SMALL

    scn = build(tmp_path, SMALL, horizon=2)
    session = Session(scn, seed=3)
    session.choose("propose")
    view = story(session)
    words = text_of(handout(view))
    assert "Where the path stopped" in words and "Where the sources disagree" not in words
    assert leaks(scn, view, words) == []
    for kind, spec in KINDS.items():
        if spec.needs == "room":  # an open table has no rooms; the river of tests/test_room_debrief.py is another negotiation
            continue
        fmt = "html" if "html" in spec.formats else ("dot" if "dot" in spec.formats else spec.formats[0])
        docs = produce(kind, fmt, scenario=scn, session=session, options=Options())
        assert docs and all(d.data for d in docs), kind
    assert [d.name for d in produce("roles", "html", scenario=scn, options=Options())] == ["role-t-us.html", "role-t-russia.html"]


# --- private briefings and the articles' own metadata -------------------------------------------


def private_texts(actor) -> list[str]:
    from sim.export.roles import PRIVATE_PARTS

    if actor.private is None:
        return []
    return [item.text for field, _ in PRIVATE_PARTS for item in getattr(actor.private, field)]


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_a_private_briefing_is_on_its_own_sides_sheet_and_no_other(scenario_id):
    scn = real(scenario_id)
    sides = played(scn)
    assert any(private_texts(a) for a in sides), "the pack gives private briefings"
    sheets = {a.id: text_of(role_sheet(scn, a.id)) for a in sides}
    for actor in sides:
        own = private_texts(actor)
        for text in own:
            assert " ".join(text.split()) in sheets[actor.id]
        if own:
            assert f"Private briefing: for the {actor.name} group only" in sheets[actor.id]
        for other in sides:
            if other is actor:
                continue
            leaked = [t for t in own if " ".join(t.split()) in sheets[other.id]]
            assert leaked == [], f"{actor.id}'s private briefing on {other.id}'s sheet"
            assert f"Private briefing: for the {actor.name} group only" not in sheets[other.id]
    for text in (t for a in sides for t in private_texts(a)):
        assert " ".join(text.split()) not in text_of(handout(story(main_line(scenario_id)))), "no private text in a handout"


def test_a_private_item_of_the_authors_own_invention_says_so(tmp_path):
    from _support import add_article, scenario_text

    from sim.format import load_scenario

    body = """
moves:
  wait: {actor: us, label: Wait, type: CONSULT, basis: illustrative}
endings:
  drag: {title: Talks drag on, text: Nothing happens.}
"""
    private = (
        "  us:\n    name: United States\n    short: US\n    private:\n"
        "      wants_most: [{text: Quietly hope for a quick deal., basis: author}]\n"
        "      must_not_reveal: [{text: How far you would go., basis: author}]\n"
        "      may_concede: [{text: \"A pause; this is the author's instruction for play.\", basis: author}]\n"
    )
    text = scenario_text(body).replace("  us: {name: United States, short: US}\n", private)
    assert "Quietly hope" in text
    add_article(tmp_path)
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    scn = load_scenario(tmp_path / "t.yaml")
    words = text_of(role_sheet(scn, "us"))
    assert "Quietly hope for a quick deal. (the scenario author's invention for play, not in the articles)" in words
    assert "What you must not reveal" in words
    # an item that already says it is the author's is not told so twice (role sheet and room screen)
    assert "A pause; this is the author's instruction for play." in words and words.count("invention for play") == 2
    assert "Private briefing" not in text_of(role_sheet(scn, "russia"))


def test_articles_show_their_own_outlet_dateline_and_date_beside_the_label():
    scn = real("whole_arc")
    stated = [s for s in scn.sources.values() if s.outlet or s.dateline or s.date]
    assert stated, "the pack states some (D names The Moscow Times; C is datelined Washington D.C.)"
    view = story(main_line("whole_arc"))
    words = text_of(handout(view))
    for src in scn.sources.values():
        meta = ", ".join(x for x in (src.outlet, src.dateline, src.date) if x)
        if meta:
            assert f"{src.label}" in words and f"({meta})" in words
            assert meta in text_of(teacher_notes(scn, outlook(scn, explored("whole_arc")[0])))
    quoted = {q.article.id for b in view.beats() for q in b.quotes}
    for art in view.articles:
        if art.meta and art.id in quoted:
            assert f"{art.label} ({art.meta})" in words, "beside the label under a quote"


def test_a_sessions_story_lists_the_disagreements_of_the_articles_its_scenario_draws_on():
    """A track of one phase does not hand students the other phases' disputes (the teacher's
    notes keep every one): a dispute is listed when one of its versions comes from an
    article that one of the scenario's acts quotes."""
    left_out = {}
    for scenario_id in SCENARIO_IDS:
        scn = real(scenario_id)
        quoted = set()
        for act in scn.acts:
            quoted.update(q.source for q in act.quotes)
            for demand in act.demands:
                quoted.update(q.source for q in demand.quotes)
        told = {d.topic for d in story(Session(scn, 1)).disagreements}
        for dispute in scn.disputes:
            drawn = any(v.source in quoted for v in dispute.versions)
            assert (dispute.topic in told) == drawn, (scenario_id, dispute.id)
        left_out[scenario_id] = [d for d in scn.disputes if d.topic not in told]
    scenario_id = next(s for s, missing in left_out.items() if missing)  # the filter bites somewhere
    notes = produce("notes", "html", scenario=real(scenario_id), options=Options(max_nodes=20_000))[0].data
    section = notes.split("Where the sources disagree", 1)[1].split("<h2", 1)[0]
    for dispute in left_out[scenario_id]:
        assert html.escape(dispute.topic, quote=False) in section, dispute.id
