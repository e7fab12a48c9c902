"""Bad input end to end: every kind gives `FILE:LINE:COL: error: ...` lines and exit 1, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _support import ARTICLE_C, add_article

from sim.cli.main import main
from sim.diagnostics import InputError

REPO_ROOT = Path(__file__).resolve().parents[1]

MINI = """\
scenario:
  id: mini
  title: Mini
  summary: A tiny test.
  situation: The US has proposed a truce.
  horizon: 4
  on_horizon: drag
sources:
  a002:
    file: @ARTICLE@
    label: Ceasefire article
actors:
  us: {name: United States, short: US}
  russia: {name: Russia, short: Russia, people: {putin: {name: Vladimir Putin, role: President}}}
issues:
  truce:
    title: 30-day ceasefire
    options: {accept: Accept, conditional: Accept with conditions, reject: Reject}
stances:
  russia:
    truce:
      position: conditional
      summary: Russia asks how the 30 days would be used.
      quotes:
        - source: a002
          speaker: russia.putin
          text: "How will these 30 days be utilized? For mobilization, weapon deliveries, or training? What guarantees do we have?"
variables:
  ceasefire: {type: enum, values: [proposed, put_to_russia, agreed, conditional, collapsed], initial: proposed}
  pressure: {type: int, min: 0, max: 3, initial: 0}
moves:
  us_put:
    actor: us
    label: Put the ceasefire to Moscow
    type: CONSULT
    basis: illustrative
    when: ceasefire == "proposed"
    effects: ['ceasefire = "put_to_russia"']
  us_press:
    actor: us
    label: Press Moscow
    type: COERCE
    basis: illustrative
    when: ceasefire == "conditional" and pressure < 3
    effects: [pressure += 1]
reactions:
  russia_reply:
    actor: russia
    on: [us_put, us_press]
    label: Russia replies
    alternatives:
      yes:
        label: Accepts
        type: AGREE
        basis: illustrative
        weight: 1
        rationale: Unlikely given the questions.
        effects: ['ceasefire = "agreed"']
      yes_but:
        label: Yes, but
        type: DEMAND
        basis: possible
        answer: yes_but
        demands: [{text: Guarantees on mobilisation}]
        weight: 3
        rationale: What Putin said.
        effects: ['ceasefire = "conditional"', 'russia.truce = "conditional"']
        quotes: [{source: a002, speaker: russia.putin, text: "What guarantees do we have?"}]
endings:
  truce:
    title: Truce agreed
    when: ceasefire == "agreed"
    text: A truce.
  drag:
    title: Talks drag on
    text: Nothing.
""".replace("@ARTICLE@", f"seeds/{ARTICLE_C}")


def write_mini(folder: Path, name: str = "mini.yaml") -> Path:
    """MINI in ``folder``, with the article its source names beside it."""
    add_article(folder)
    path = folder / name
    path.write_text(MINI, encoding="utf-8")
    return path

# `FILE:LINE:COL: error: ...` or, when there is no position, `FILE: error: ...`
DIAG = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: error: (?P<msg>.+)$")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in text")


def col_of(text: str, needle: str) -> int:
    """1-based column of ``needle`` on the first line containing it."""
    return text.splitlines()[line_of(text, needle) - 1].index(needle) + 1


def errors_in(out: str, err: str) -> list[re.Match]:
    """Every error line printed; checks that nothing looks like a crash."""
    both = out + err
    assert "Traceback" not in both
    assert "internal error" not in both
    matches = []
    for line in both.splitlines():
        if ": error: " in line:
            m = DIAG.match(line)
            assert m, f"malformed diagnostic: {line!r}"
            matches.append(m)
    assert matches, f"no error lines in:\n{both}"
    return matches


def expect_error(out, err, file, line=None, col=None, contains=(), positioned=True):
    """One of the error lines names ``file`` (with a position if ``positioned``) and says ``contains``."""
    matches = errors_in(out, err)
    mine = [m for m in matches if m["file"] == file]
    assert mine, f"no error names {file!r}: {[m.group(0) for m in matches]}"
    if positioned:
        assert all(m["line"] for m in mine), [m.group(0) for m in mine]
    else:
        assert any(m["line"] is None for m in mine), [m.group(0) for m in mine]
    if line is not None:
        mine = [m for m in mine if int(m["line"]) == line]
        assert mine, f"no error at line {line}: {[m.group(0) for m in matches]}"
    if col is not None:
        mine = [m for m in mine if int(m["col"]) == col]
        assert mine, f"no error at {line}:{col}: {[m.group(0) for m in matches]}"
    for fragment in contains:
        assert any(fragment in m["msg"] for m in mine), f"{fragment!r} not in {[m.group(0) for m in mine]}"
    return mine


# --- the bad inputs ------------------------------------------------------------------------------------

TAG_MARKER = "PWNED_BY_TAG"


def _mini_with(old: str, new: str) -> str:
    assert old in MINI
    return MINI.replace(old, new, 1)


def _write_cases(folder: Path) -> None:
    """Write every bad input into ``folder`` (bytes exactly as a user might have them)."""
    files: dict[str, bytes] = {
        "empty.yaml": b"",
        "binary.yaml": b"scenario:\n  id: x\x00\x01\x02\xff\n",
        "latin1.yaml": "scenario:\n  id: mini\n  title: Café\n".encode("latin-1"),
        "tabs.yaml": b"scenario:\n\tid: mini\n",
        "dupkeys.yaml": _mini_with("  title: Mini\n", "  title: Mini\n  title: Other\n").encode(),
        "bomb.yaml": (
            b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        ),
        "pytag.yaml": (
            f"scenario: !!python/object/apply:builtins.open ['{folder / TAG_MARKER}', 'w']\n"
            f"other: !!python/object/apply:os.system ['touch {folder / TAG_MARKER}']\n"
        ).encode(),
        "deep.yaml": b"scenario: " + b"[" * 100_000,
        "toplist.yaml": b"- scenario\n- moves\n",
        "topscalar.yaml": b"just some text\n",
        "unknown_section.yaml": (MINI + "movez:\n  x: {}\n").encode(),
        "misspelt.yaml": _mini_with("    label: Press Moscow\n", "    lable: Press Moscow\n").encode(),
        "unknown_name.yaml": _mini_with("pressure < 3", "presure < 3").encode(),
        "bad_quote.yaml": _mini_with("How will these 30 days", "How will these 31 days").encode(),
        "missing_include.yaml": ("include: [not_there.yaml]\n" + MINI).encode(),
        "cycle_a.yaml": ("include: [cycle_b.yaml]\n" + MINI).encode(),
        "cycle_b.yaml": b"include: [cycle_a.yaml]\n",
        "dir_include.yaml": ("include: [a_folder]\n" + MINI).encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    add_article(folder)
    (folder / "a_folder").mkdir(exist_ok=True)
    size = 10 * 1024 * 1024
    with (folder / "big.yaml").open("wb") as fh:  # 10 MB of valid YAML
        line = len(b"key_%08d: a valid yaml value\n" % 0)
        for i in range(size // line):
            fh.write(b"key_%08d: a valid yaml value\n" % i)
        fh.write(b"#" * (size % line - 1) + b"\n")
    assert (folder / "big.yaml").stat().st_size == size


# name -> (file named in the error, line, col, message fragments); line None = no position
CASES = {
    "empty.yaml": ("empty.yaml", None, None, ["file is empty"]),
    "binary.yaml": ("binary.yaml", None, None, ["binary file"]),
    "latin1.yaml": ("latin1.yaml", 3, 13, ["not UTF-8", "0xe9"]),
    "tabs.yaml": ("tabs.yaml", 2, 1, ["tab"]),
    "dupkeys.yaml": ("dupkeys.yaml", 4, 3, ["duplicate key 'title'"]),
    "bomb.yaml": ("bomb.yaml", 1, 4, ["anchors and aliases"]),
    "pytag.yaml": ("pytag.yaml", 1, 11, ["explicit YAML tags", "python/object/apply"]),
    "deep.yaml": ("deep.yaml", 1, None, ["nested more than 64 levels deep"]),
    "toplist.yaml": ("toplist.yaml", 1, 1, ["must be a mapping of sections, not a list"]),
    "topscalar.yaml": ("topscalar.yaml", 1, 1, ["must be a mapping of sections, not a single value"]),
    "unknown_section.yaml": ("unknown_section.yaml", MINI.count("\n") + 1, 1, ["unknown section 'movez'", "did you mean 'moves'"]),
    "misspelt.yaml": ("misspelt.yaml", line_of(MINI, "label: Press Moscow"), 5, ["unknown key 'lable'", "did you mean 'label'"]),
    "unknown_name.yaml": ("unknown_name.yaml", line_of(MINI, "pressure < 3"), col_of(MINI, "pressure < 3"), ["unknown name 'presure'", "did you mean 'pressure'"]),
    "bad_quote.yaml": ("bad_quote.yaml", line_of(MINI, "How will these 30 days"), col_of(MINI, '"How will these 30 days'), ["quote not found", "nearest passage"]),
    "missing_include.yaml": ("missing_include.yaml", 1, 11, ["not_there.yaml", "no such file"]),
    "cycle_a.yaml": ("cycle_b.yaml", 1, 11, ["include cycle"]),
    "dir_include.yaml": ("dir_include.yaml", 1, 11, ["a_folder", "is a directory"]),
    "big.yaml": ("big.yaml", None, None, ["10.0 MB", "limit"]),
    "nonexistent.yaml": ("nonexistent.yaml", None, None, ["no such file"]),
}


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    _write_cases(folder)
    return folder


@pytest.fixture
def in_cases(cases, monkeypatch):
    monkeypatch.chdir(cases)
    return cases


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("name", list(CASES))
def test_bad_scenario_exits_1_with_file_line_col(in_cases, capsys, command, name):
    file, line, col, fragments = CASES[name]
    code = main([command, name])
    out, err = capsys.readouterr()
    assert code == 1
    expect_error(out, err, file, line, col, fragments, positioned=line is not None)
    if command == "run":
        assert out == "", "no transcript when the scenario cannot be loaded"
    assert not (in_cases / TAG_MARKER).exists()


def test_quote_error_points_at_the_quote_text(in_cases, capsys):
    assert main(["validate", "bad_quote.yaml"]) == 1
    out, err = capsys.readouterr()
    (m,) = expect_error(out, err, "bad_quote.yaml", line_of(MINI, "How will these 30 days"), contains=["quote not found in source 'a002'"])
    assert "How will these 30 days be utilized" in m["msg"]  # the nearest passage, from the article


def test_control_check_the_good_scenario_passes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_mini(tmp_path)
    assert main(["validate", "mini.yaml"]) == 0
    assert main(["run", "mini.yaml", "--seed", "1"]) == 0
    out, err = capsys.readouterr()
    assert ": error:" not in out + err
    assert "0 errors" in err
    assert "Turn 1" in out


def test_validate_reports_every_file_given(in_cases, capsys):
    assert main(["validate", "empty.yaml", "tabs.yaml", "nonexistent.yaml"]) == 1
    out, err = capsys.readouterr()
    for name in ("empty.yaml", "tabs.yaml", "nonexistent.yaml"):
        expect_error(out, err, name, positioned=name == "tabs.yaml")
    assert "3 files checked: 3 errors" in err


def test_validate_empty_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nothing_here").mkdir()
    assert main(["validate", "nothing_here"]) == 1
    out, err = capsys.readouterr()
    expect_error(out, err, "nothing_here", contains=["no .yaml files found"], positioned=False)


def test_validate_directory_reports_its_bad_files(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "scns"
    folder.mkdir()
    (folder / "bad.yaml").write_bytes(b"a: &x 1\n")
    assert main(["validate", "scns"]) == 1
    out, err = capsys.readouterr()
    expect_error(out, err, str(Path("scns") / "bad.yaml"), 1, 4, ["anchors and aliases"])


def test_run_directory_is_not_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.yaml").mkdir()
    assert main(["run", "folder.yaml"]) == 1
    out, err = capsys.readouterr()
    expect_error(out, err, "folder.yaml", contains=["is a directory"], positioned=False)


def test_run_unknown_scenario_id(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIM_SCENARIOS", str(tmp_path))
    write_mini(tmp_path)
    assert main(["run", "minj"]) == 1
    out, err = capsys.readouterr()
    expect_error(out, err, "minj", contains=["no such scenario file or id", "did you mean 'mini'"], positioned=False)


# --- through a real process: nothing but diagnostics reaches the terminal ---------------------------------------


def sim(*args, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SIM_DEBUG", "SIM_SCENARIOS")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.parametrize(
    "command, name",
    [
        ("validate", "binary.yaml"),
        ("run", "latin1.yaml"),
        ("validate", "pytag.yaml"),
        ("run", "pytag.yaml"),
        ("validate", "deep.yaml"),
        ("run", "big.yaml"),
        ("validate", "bomb.yaml"),
        ("run", "cycle_a.yaml"),
    ],
)
def test_subprocess_prints_diagnostics_not_tracebacks(cases, command, name):
    file, line, col, fragments = CASES[name]
    proc = sim(command, name, cwd=cases)
    assert proc.returncode == 1, proc.stderr
    expect_error(proc.stdout, proc.stderr, file, line, col, fragments, positioned=line is not None)
    assert not (cases / TAG_MARKER).exists()


# --- bad scripts for `sim run SCENARIO --script FILE` ----------------------------------------------------------------


@pytest.fixture
def scn(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_mini(tmp_path)
    return tmp_path


def run_script(folder: Path, text: str, capsys, name="script.yaml"):
    (folder / name).write_text(text, encoding="utf-8")
    code = main(["run", "mini.yaml", "--script", name])
    out, err = capsys.readouterr()
    return code, out, err


def test_good_script_passes(scn, capsys):
    code, out, err = run_script(scn, "scenario: mini\nsteps:\n  - us_put\n  - russia_reply.yes\nexpect:\n  ending: truce\n", capsys)
    assert code == 0, err
    assert "Truce agreed" in out


def test_script_that_is_a_list(scn, capsys):
    code, out, err = run_script(scn, "- us_put\n- roll\n", capsys)
    assert code == 1
    expect_error(out, err, "script.yaml", 1, 1, ["a script is a mapping"])


def test_script_with_unknown_key(scn, capsys):
    code, out, err = run_script(scn, "scenario: mini\nstepz: [us_put]\n", capsys)
    assert code == 1
    expect_error(out, err, "script.yaml", 2, 1, ["unknown key 'stepz'", "did you mean 'steps'"])


def test_script_choice_not_on_offer_lists_what_is(scn, capsys):
    code, out, err = run_script(scn, "scenario: mini\nsteps:\n  - us_put\n  - russia_reply.yes_but\n  - us_put\n", capsys)
    assert code == 1
    (m,) = expect_error(out, err, "script.yaml", 5, 5, ["'us_put' is not on offer"])
    assert "us_press" in m["msg"]  # what is on offer at that point


def test_script_unknown_first_choice_lists_what_is_on_offer(scn, capsys):
    code, out, err = run_script(scn, "scenario: mini\nsteps: [us_pressure]\n", capsys)
    assert code == 1
    (m,) = expect_error(out, err, "script.yaml", 2, 9, ["'us_pressure' is not on offer"])
    assert "us_put" in m["msg"]


def test_script_for_another_scenario(scn, capsys):
    code, out, err = run_script(scn, "scenario: other\nsteps: [us_put]\n", capsys)
    assert code == 1
    expect_error(out, err, "script.yaml", 1, 11, ["for scenario 'other', not 'mini'"])


def test_script_expectation_naming_an_unknown_variable(scn, capsys):
    code, out, err = run_script(scn, "scenario: mini\nsteps: [us_put]\nexpect:\n  state: {ceasfire: agreed}\n", capsys)
    assert code == 1
    expect_error(out, err, "script.yaml", 4, 11, ["unknown variable or stance 'ceasfire'", "did you mean 'ceasefire'"])


def test_step_expectation_naming_an_unknown_variable(scn, capsys):
    code, out, err = run_script(scn, "scenario: mini\nsteps:\n  - us_put\n  - expect: {state: {presure: 1}}\n", capsys)
    assert code == 1
    expect_error(out, err, "script.yaml", 4, None, ["unknown variable or stance 'presure'", "did you mean 'pressure'"])


def test_script_expectation_naming_an_unknown_act_and_ending(scn, capsys):
    code, out, err = run_script(scn, "scenario: mini\nsteps: [us_put]\nexpect:\n  ending: truse\n  happened: [us_pt]\n", capsys)
    assert code == 1
    expect_error(out, err, "script.yaml", 4, 11, ["unknown ending 'truse'", "did you mean 'truce'"])
    expect_error(out, err, "script.yaml", 5, 14, ["unknown act 'us_pt'"])


def test_failing_step_expectation_exits_3_and_says_what_differed(scn, capsys):
    text = "scenario: mini\nsteps:\n  - us_put\n  - russia_reply.yes_but\n  - expect: {state: {ceasefire: agreed}}\n"
    code, out, err = run_script(scn, text, capsys)
    assert code == 3
    assert "Traceback" not in out + err
    expect_error(out, err, "script.yaml", 5, None, ["expected ceasefire == agreed, got conditional"])
    assert "1 expectation failed" in err
    assert "Russia replies" in out  # the transcript is still printed


def test_failing_final_expectation_exits_3(scn, capsys):
    text = "scenario: mini\nsteps:\n  - us_put\n  - russia_reply.yes\nexpect:\n  ending: drag\n  turn: 5\n"
    code, out, err = run_script(scn, text, capsys)
    assert code == 3
    expect_error(out, err, "script.yaml", 6, 11, ["expected ending 'drag', got 'truce'"])
    expect_error(out, err, "script.yaml", 7, 9, ["expected turn 5, got"])
    assert "2 expectations failed" in err


@pytest.mark.parametrize(
    "text, line, col, fragment",
    [
        ("", None, None, "file is empty"),
        ("scenario: mini\nsteps:\n\t- us_put\n", 3, 1, "tab"),
        ("scenario: !!python/object/apply:os.system ['true']\n", 1, 11, "explicit YAML tags"),
        ("scenario: mini\nsteps:\n  - {choose: us_put}\n", 3, 5, "a step is an act id"),
        ("scenario: mini\nseed: -1\n", 2, 7, "greater than or equal to 0"),
        ("scenario: mini\nscenario: mini\n", 2, 1, "duplicate key 'scenario'"),
    ],
)
def test_malformed_scripts(scn, capsys, text, line, col, fragment):
    code, out, err = run_script(scn, text, capsys)
    assert code == 1
    assert out == ""
    expect_error(out, err, "script.yaml", line, col, [fragment], positioned=line is not None)


def test_missing_script(scn, capsys):
    assert main(["run", "mini.yaml", "--script", "no_script.yaml"]) == 1
    out, err = capsys.readouterr()
    expect_error(out, err, "no_script.yaml", contains=["no such file"], positioned=False)


def test_bad_script_through_a_real_process(scn):
    (scn / "script.yaml").write_text("scenario: mini\nsteps:\n  - us_put\n  - us_put\n", encoding="utf-8")
    proc = sim("run", "mini.yaml", "--script", "script.yaml", cwd=scn)
    assert proc.returncode == 1
    (m,) = expect_error(proc.stdout, proc.stderr, "script.yaml", 4, 5, ["'us_put' is not on offer"])
    assert "russia_reply" in m["msg"]


def test_failing_expectation_through_a_real_process(scn):
    (scn / "script.yaml").write_text("scenario: mini\nsteps: [us_put]\nexpect: {turn: 9}\n", encoding="utf-8")
    proc = sim("run", "mini.yaml", "--script", "script.yaml", cwd=scn)
    assert proc.returncode == 3
    expect_error(proc.stdout, proc.stderr, "script.yaml", 3, None, ["expected turn 9, got"])


# --- reading: confined, regular files only, never blocking (issue 7, item 4) -----------------------------------

SECRET = "hunter2-password-line"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project (scenarios/ and seeds/) with a secret file beside it, outside it."""
    monkeypatch.delenv("SIM_ROOT", raising=False)
    monkeypatch.delenv("SIM_SCENARIOS", raising=False)
    root = tmp_path / "proj"
    (root / "scenarios").mkdir(parents=True)
    add_article(root)
    (tmp_path / "secret.yaml").write_text(f"# {SECRET}\n{SECRET}: 1\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text(f"{SECRET} and more text\n" * 50, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def write_in(project: Path, text: str, name: str = "x.yaml") -> str:
    path = project / "scenarios" / name
    path.write_text(text.replace("file: seeds/", "file: ../seeds/"), encoding="utf-8")
    return str(path.relative_to(project))


@pytest.mark.parametrize("how", ["../../secret.yaml", "ABSOLUTE", "LINK"])
def test_an_include_outside_the_project_is_refused_and_nothing_of_it_printed(project, capsys, how):
    target = project.parent / "secret.yaml"
    if how == "ABSOLUTE":
        how = str(target)
    elif how == "LINK":
        (project / "scenarios" / "inside.yaml").symlink_to(target)
        how = "inside.yaml"
    name = write_in(project, f"include: [{how}]\n" + MINI)
    for command in ("validate", "run"):
        assert main([command, name]) == 1
        out, err = capsys.readouterr()
        assert SECRET not in out + err
        expect_error(out, err, name, 1, 11, [f"cannot include {how}: is outside the project folder {project}"])


def test_etc_shadow_as_an_include_prints_nothing_of_it(project, capsys):
    name = write_in(project, "include: [/etc/shadow, /etc/passwd]\n" + MINI)
    assert main(["validate", name]) == 1
    out, err = capsys.readouterr()
    assert "root:" not in out + err
    assert len(expect_error(out, err, name, 1, None, ["is outside the project folder"])) == 2


def test_a_source_outside_the_project_is_refused_and_no_nearest_passage_leaks(project, capsys):
    name = write_in(project, _mini_with(f"file: seeds/{ARTICLE_C}", f"file: ../../secret.txt").replace("How will these 30 days", "hunter2-passwort-line"))
    assert main(["validate", name]) == 1
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    expect_error(out, err, name, contains=["cannot read source ../../secret.txt: is outside the project folder"])


def test_a_root_named_with_sim_root_lets_a_source_in(project, capsys, monkeypatch):
    shared = project.parent / "shared_seeds"
    shared.mkdir()
    (shared / ARTICLE_C).write_bytes((project / "seeds" / ARTICLE_C).read_bytes())
    name = write_in(project, _mini_with(f"file: seeds/{ARTICLE_C}", f"file: ../../shared_seeds/{ARTICLE_C}"))
    assert main(["validate", name]) == 1
    capsys.readouterr()
    monkeypatch.setenv("SIM_ROOT", str(shared))
    assert main(["validate", name]) == 0, capsys.readouterr()
    capsys.readouterr()
    monkeypatch.delenv("SIM_ROOT")
    assert main(["validate", "--root", str(shared), name]) == 0, capsys.readouterr()


def fifo_cases(project: Path) -> dict[str, tuple[list[str], str]]:
    """Each way a FIFO can be handed to sim, as the arguments of one command."""
    os.mkfifo(project / "scenarios" / "fifo.yaml")
    os.mkfifo(project / "seeds" / "fifo.txt")
    os.mkfifo(project / "script_fifo.yaml")
    write_in(project, "include: [fifo.yaml]\n" + MINI, "inc.yaml")
    write_in(project, _mini_with(f"file: seeds/{ARTICLE_C}", "file: seeds/fifo.txt"), "src.yaml")
    write_in(project, _mini_with(f"file: seeds/{ARTICLE_C}", "file: /dev/stdin"), "stdin.yaml")
    write_in(project, MINI, "mini.yaml")
    regular = "is a FIFO, not a regular file"
    return {
        "scenario": (["validate", "scenarios/fifo.yaml"], regular),
        "run scenario": (["run", "scenarios/fifo.yaml"], regular),
        "include": (["validate", "scenarios/inc.yaml"], regular),
        "source": (["validate", "scenarios/src.yaml"], regular),
        "script": (["run", "scenarios/mini.yaml", "--script", "script_fifo.yaml"], regular),
        "play scenario": (["play", "scenarios/fifo.yaml"], regular),
        "play load": (["play", "scenarios/mini.yaml", "--load", "script_fifo.yaml"], regular),
        "dev stdin source": (["validate", "scenarios/stdin.yaml"], "is outside the project folder"),
        "dev stdin source, / a root": (["validate", "--root", "/", "scenarios/stdin.yaml"], "not a regular file"),
    }


def test_fifos_and_dev_stdin_are_refused_at_once_never_waited_on(project, monkeypatch):
    monkeypatch.setenv("SIM_ROOT", "")  # the project alone
    for what, (args, fragment) in fifo_cases(project).items():
        # stdin is a pipe nobody writes to: anything reading it would block until the timeout
        proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=project, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError(f"{what}: sim blocked") from None
        finally:
            proc.stdin and not proc.stdin.closed and proc.stdin.close()
        assert proc.returncode == 1, (what, out, err)
        lines = errors_in(out, err)
        assert any(fragment in m["msg"] for m in lines), (what, out, err)


def test_validate_proc_does_not_walk_the_filesystem():
    started = time.monotonic()
    proc = sim("validate", "/proc", cwd=REPO_ROOT)
    assert proc.returncode == 1
    assert time.monotonic() - started < 30
    expect_error(proc.stdout, proc.stderr, "/proc", contains=["entries to look through"], positioned=False)


@pytest.mark.parametrize("kind", ["loop", "nul", "long", "long_include"])
def test_impossible_paths_are_one_line_exit_1(project, capsys, kind):
    if kind == "loop":
        (project / "a.yaml").symlink_to("b.yaml")
        (project / "b.yaml").symlink_to("a.yaml")
        arg, fragment = "a.yaml", "a loop of symbolic links"
    elif kind == "nul":
        arg, fragment = "bad\x00name.yaml", "NUL byte"
    elif kind == "long":
        arg, fragment = "x" * 5000 + ".yaml", "too long"
    else:
        arg, fragment = write_in(project, f"include: [{'y' * 5000}.yaml]\n" + MINI), "too long"
    for command in ("validate", "run"):
        assert main([command, arg]) == 1
        out, err = capsys.readouterr()
        lines = errors_in(out, err)
        assert any(fragment in m["msg"] for m in lines), lines
        assert all(len(line) < 2000 for line in (out + err).splitlines())


# --- control characters: refused in every text read, never echoed (issue 7, item 4) --------------------------------


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ("  title: Mini\n", '  title: "\\e[2J\\e]0;pwned\\a"\n', "U+001B"),
        ("  title: Mini\n", "  title: Mini\x1b[2J\n", "U+001B"),
        ("  title: Mini\n", "  title: Mini\x9b31m\n", "U+009B"),
        ("  title: Mini\n", "  title: Mini\rOverwritten\n", "U+000D"),
        ("  title: Mini\n", '  title: "Mini\\u0007"\n', "U+0007"),
    ],
    ids=["escape-in-quotes", "raw-esc", "raw-c1-csi", "lone-cr", "bell-escape"],
)
def test_control_characters_in_a_scenario_are_refused_at_their_line(tmp_path, monkeypatch, capsys, old, new, fragment):
    monkeypatch.chdir(tmp_path)
    add_article(tmp_path)
    (tmp_path / "c.yaml").write_text(_mini_with(old, new), encoding="utf-8")
    for command in ("validate", "run"):
        assert main([command, "c.yaml"]) == 1
        out, err = capsys.readouterr()
        expect_error(out, err, "c.yaml", line_of(MINI, old.strip()), None, [fragment, "not allowed"])
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out + err)


def test_crlf_line_ends_are_still_fine(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    add_article(tmp_path)
    (tmp_path / "crlf.yaml").write_bytes(MINI.replace("\n", "\r\n").encode())
    assert main(["validate", "crlf.yaml"]) == 0, capsys.readouterr()


@pytest.mark.parametrize("text", ['scenario: mini\nsteps: ["us_put\\e[2J"]\n', "scenario: mini\ntitle: x\x1b]0;t\x07\nsteps: [us_put]\n"], ids=["escape", "raw"])
def test_control_characters_in_a_script_or_session_are_refused(scn, capsys, text):
    code, out, err = run_script(scn, text, capsys)
    assert code == 1 and out == ""
    expect_error(out, err, "script.yaml", 2, None, ["control character"])
    assert "\x1b" not in err


def test_a_saved_session_with_an_escape_is_refused_by_the_loader(scn):
    from sim.format import load_scenario
    from sim.ui.storage import load

    (scn / "s.yaml").write_text('scenario: mini\nseed: 1\nsteps: ["us_put\\e[2J"]\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(load_scenario(scn / "mini.yaml"), scn / "s.yaml")
    assert "control character U+001B" in info.value.diagnostics[0].format()


def test_echoed_values_are_escaped_onto_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    add_article(tmp_path)
    (tmp_path / "m.yaml").write_text(_mini_with("  id: mini\n", '  id: "two\\nlines"\n'), encoding="utf-8")
    assert main(["validate", "m.yaml"]) == 1
    out, err = capsys.readouterr()
    (m,) = expect_error(out, err, "m.yaml", 2, None, ["'two\\nlines' is not a valid id"])
    name = "evil\x1b]0;pwned\x07\n.yaml"
    assert main(["validate", name]) == 1
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "evil\\x1b]0;pwned\\x07\\n.yaml: error: no such file" in err + out


def test_a_long_misquote_echoes_a_bounded_nearest_passage(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    add_article(tmp_path)
    long_quote = "How will these 31 days be used " * 80
    (tmp_path / "q.yaml").write_text(_mini_with("How will these 30 days", long_quote.strip()), encoding="utf-8")
    assert main(["validate", "q.yaml"]) == 1
    out, err = capsys.readouterr()
    (m,) = expect_error(out, err, "q.yaml", contains=["nearest passage"])
    assert len(m.group(0)) < 1200


def test_a_misquote_against_a_four_megabyte_source_finds_its_passage(tmp_path, monkeypatch, capsys):
    """The nearest passage is looked for only where runs of the quote occur in a long source
    (it compared every window: 24 s for this); bench/nearest.py measures it."""
    monkeypatch.chdir(tmp_path)
    add_article(tmp_path)
    article = (tmp_path / "seeds" / ARTICLE_C).read_text(encoding="utf-8")
    filler = "".join(f"Paragraph {i} says nothing that any quote in this file could match. " for i in range(60_000))
    (tmp_path / "seeds" / "big.txt").write_text(filler[: 2_000_000] + article + filler[: 2_000_000], encoding="utf-8")
    text = _mini_with(f"file: seeds/{ARTICLE_C}", "file: seeds/big.txt").replace("How will these 30 days be utilized", "How will these 31 days be used")
    (tmp_path / "q.yaml").write_text(text, encoding="utf-8")
    assert main(["validate", "--no-lint", "q.yaml"]) == 1
    out, err = capsys.readouterr()
    (m,) = expect_error(out, err, "q.yaml", contains=["quote not found"])
    assert 'will these 30 days be utilized? For mobilization' in m["msg"]
