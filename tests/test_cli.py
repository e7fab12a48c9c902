"""The ``sim`` command line: list, schema, run, explore, help and version.

Bad scenario files and malformed scripts are covered by test_bad_input.py; here
the commands are run on the real scenarios (and a small one where exploring the
whole arc would be slow)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from _support import GOLDEN, PLANS, REPO, SCENARIOS, build, real

from sim import __version__
from sim.cli import main as cli
from sim.cli.main import main
from sim.format.script import parse_script_text
from sim.runner import run_script

CEASEFIRE = str(SCENARIOS / "ceasefire_30_day.yaml")
COMMANDS = ["play", "validate", "run", "explore", "schema", "list"]


@pytest.fixture
def repo(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("SIM_SCENARIOS", raising=False)
    return REPO


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- list and schema ----------------------------------------------------------------------------


def test_list_shows_every_scenario_in_order_with_the_default_marked(repo, capsys):
    code, out, err = run(capsys, "list")
    assert code == 0
    rows = [re.match(r"^([* ]) (\S+)\s+(.+?)  \((.+)\)$", line) for line in out.splitlines()]
    assert all(rows), out
    tracks = ["ceasefire_30_day", "strikes_during_talks", "istanbul_rounds"]
    listed = ["whole_arc", *tracks, "whole_arc_in_rounds", *(f"{t}_in_rounds" for t in tracks), "whole_arc_sealed", "ceasefire_30_day_sealed"]
    assert [(r[1], r[2]) for r in rows] == [("*" if i == "whole_arc" else " ", i) for i in listed]
    for r in rows:
        assert r[3] == real(r[2]).title
        assert os.path.samefile(r[4], SCENARIOS / f"{r[2]}.yaml")
    assert "the default scenario" in err


def test_list_with_no_scenarios_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIM_SCENARIOS", str(tmp_path))
    code, out, err = run(capsys, "list")
    assert code == 1 and out == ""
    assert f"no scenarios in {tmp_path}" in err


def test_schema_prints_a_json_schema_and_writes_it_with_output(repo, tmp_path, capsys):
    code, out, err = run(capsys, "schema")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"scenario", "moves", "reactions", "events", "endings", "sources"} <= set(data["properties"])
    target = tmp_path / "schema.json"
    assert run(capsys, "schema", "--output", str(target))[:2] == (0, "")
    assert target.read_text(encoding="utf-8") == out


# --- run ------------------------------------------------------------------------------------


def test_run_prints_a_text_transcript(repo, capsys):
    code, out, err = run(capsys, "run", "ceasefire_30_day", "--seed", "3")
    assert code == 0, err
    assert out.startswith("The 30-day ceasefire proposal\nScenario ceasefire_30_day, seed 3\n")
    assert "\nTurn 1\n" in out and "\nEnding: " in out
    assert "[" in out and "rolled]" in out, "rolled choices are marked"


def test_run_json_is_the_same_run_as_text(repo, capsys):
    code, out, _ = run(capsys, "run", "ceasefire_30_day", "--seed", "3", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["scenario"] == "ceasefire_30_day" and data["seed"] == 3
    assert data["ending"] in {e.id for e in real("ceasefire_30_day").endings}
    assert data["choices"] == [s["choice"] for s in data["steps"]]
    assert all(s["how"] == "rolled" for s in data["steps"])
    assert data["state"]["turn"] == str(data["turn"])
    _, text, _ = run(capsys, "run", "ceasefire_30_day", "--seed", "3")
    title = real("ceasefire_30_day").ending_by_id(data["ending"]).title
    assert f"Ending: {title}" in text


def test_run_markdown(repo, capsys):
    code, out, _ = run(capsys, "run", "strikes_during_talks", "--seed", "2", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Strikes during talks\n")
    assert "## Turn 1" in out and "## Ending: " in out and "## Sources" in out
    # every disagreement between the articles, each version under its own source
    disagree = out.split("## Where the sources disagree", 1)[1]
    assert "former President" in disagree and disagree.count("\n  - ") >= 10
    assert "(`seeds/001_f8c8b4c03e9e3410.txt`)" in out
    assert "*Basis: " in out
    assert str(REPO) not in out and "/tmp/" not in out


def test_run_output_writes_the_file_and_prints_nothing(repo, tmp_path, capsys):
    _, expected, _ = run(capsys, "run", "istanbul_rounds", "--seed", "8", "--format", "json")
    target = tmp_path / "run.json"
    code, out, err = run(capsys, "run", "istanbul_rounds", "--seed", "8", "--format", "json", "--output", str(target))
    assert code == 0 and out == "" and err == ""
    assert target.read_text(encoding="utf-8") == expected
    assert [p.name for p in target.parent.iterdir()] == ["run.json"], "no temporary file left behind"
    assert run(capsys, "run", "istanbul_rounds", "--seed", "8", "--format", "json", "-o", "-")[1] == expected


def test_run_a_passing_script_prints_its_golden_transcript(repo, capsys):
    plan = PLANS / "ceasefire_30_day" / "main_line.yaml"
    code, out, err = run(capsys, "run", "ceasefire_30_day", "--script", str(plan.relative_to(REPO)))
    assert code == 0, err
    assert err == ""
    assert out == (GOLDEN / "ceasefire_30_day" / "main_line.txt").read_text(encoding="utf-8")


def test_run_seed_overrides_the_scripts_seed(repo, capsys):
    plan = PLANS / "strikes_during_talks" / "back_to_talks.yaml"
    code, out, _ = run(capsys, "run", "strikes_during_talks", "--script", str(plan), "--seed", "9")
    assert code == 0
    assert "Scenario strikes_during_talks, seed 9\n" in out


FAILING = """\
scenario: ceasefire_30_day
seed: 1
steps:
  - us_call_putin
  - russia_answers_call.yes_but
  - expect: {state: {ceasefire: agreed}}
  - front_line.continues
expect:
  ending: truce_holds
"""


def test_run_a_failing_expectation_exits_3_with_file_line_col(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.yaml").write_text(FAILING, encoding="utf-8")
    code, out, err = run(capsys, "run", CEASEFIRE, "--script", "plan.yaml")
    assert code == 3
    assert "Moscow answers the truce proposal" in out, "the transcript is still printed"
    lines = err.splitlines()
    assert re.fullmatch(r"plan\.yaml:6:\d+: error: steps\[2\]\.expect\.state\.ceasefire: expected ceasefire == agreed, got yes_but", lines[0]), lines
    assert lines[1] == "plan.yaml:9:11: error: expect.ending: expected ending 'truce_holds', got 'none'"
    assert lines[2] == "2 expectations failed"


def test_run_stopping_at_a_dead_end_exits_4(tmp_path, monkeypatch, capsys):
    body = """
moves:
  once:
    actor: us
    label: The only move, once
    type: CONSULT
    basis: illustrative
    once: true
endings:
  drag:
    title: Drag
    text: Drag.
"""
    build(tmp_path, body, name="dead.yaml")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "run", "dead.yaml", "--seed", "1")
    assert code == 4
    assert "Not ended: stopped at turn 2." in out
    assert err.strip() == "dead.yaml: the run stopped at a dead end: nothing is on offer and no ending applies"


# --- explore ---------------------------------------------------------------------------------


def test_explore_every_branch_prints_the_odds_of_each_ending(repo, capsys):
    code, out, err = run(capsys, "explore", "strikes_during_talks")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Strikes during talks: every branch, 8 turns"
    scn = real("strikes_during_talks")
    shares = {}
    for ending in scn.endings:
        (line,) = [ln for ln in lines if ln.startswith(f"  {ending.title} ")]
        shares[ending.id] = float(re.search(r"(\d+\.\d)%", line)[1])
    assert sum(shares.values()) == pytest.approx(100, abs=0.3)
    assert list(shares.values()) != [0] * len(shares)
    assert re.search(r"^\d+ distinct states, \d+ nodes, \d+\.\d\d s$", lines[-1])


def test_explore_json_probabilities_add_up(repo, capsys):
    code, out, _ = run(capsys, "explore", "istanbul_rounds", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "exhaustive" and data["depth"] == 8 and data["complete"] is True
    assert set(data["endings"]) == {e.id for e in real("istanbul_rounds").endings}
    assert sum(data["endings"].values()) + data["open"] + data["dead_end"] == pytest.approx(1, abs=1e-5)
    assert data["distinct_states"] > 0 and data["nodes"] >= data["distinct_states"]


def test_explore_playouts_are_seeded(repo, capsys):
    args = ("explore", "ceasefire_30_day", "--playouts", "300", "--seed", "2", "--format", "json")
    code, out, _ = run(capsys, *args)
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "playouts" and data["playouts"] == 300 and data["seed"] == 2
    assert sum(data["counts"].values()) == 300
    for ending, count in data["counts"].items():
        assert data["endings"][ending] == round(count / 300, 6)
    assert run(capsys, *args)[1] == out, "the same seed gives the same playouts"
    other = json.loads(run(capsys, "explore", "ceasefire_30_day", "--playouts", "300", "--seed", "3", "--format", "json")[1])
    assert other["counts"] != data["counts"]
    code, text, _ = run(capsys, "explore", "ceasefire_30_day", "--playouts", "300", "--seed", "2")
    assert code == 0 and text.splitlines()[0] == "The 30-day ceasefire proposal: 300 seeded playouts (seed 2), 8 turns"


def test_explore_depth_leaves_the_rest_open_even_on_the_whole_arc(repo, capsys):
    code, out, _ = run(capsys, "explore", "whole_arc", "--depth", "3", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["depth"] == 3 and data["open"] > 0.5
    assert sum(data["endings"].values()) + data["open"] + data["dead_end"] == pytest.approx(1, abs=1e-5)
    code, text, _ = run(capsys, "explore", "whole_arc", "--depth", "2")
    assert code == 0 and "every branch, 2 turns" in text.splitlines()[0]
    assert "(still running at the depth limit)" in text


def test_explore_max_nodes_stops_early_and_says_so(repo, capsys):
    code, out, _ = run(capsys, "explore", "ceasefire_30_day", "--max-nodes", "100", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["complete"] is False and 100 <= data["nodes"] < 1000 and data["open"] > 0
    assert sum(data["endings"].values()) + data["open"] + data["dead_end"] == pytest.approx(1, abs=1e-5)
    code, text, _ = run(capsys, "explore", "ceasefire_30_day", "--max-nodes", "100")
    assert text.rstrip().endswith("(stopped at --max-nodes)")


def test_explore_paths_prints_a_replayable_script_per_ending(repo, capsys):
    code, out, _ = run(capsys, "explore", "ceasefire_30_day", "--paths")
    assert code == 0
    scn = real("ceasefire_30_day")
    blocks = [b for b in out.split("\n\n") if "scenario:" in b]
    assert len(blocks) == len(scn.endings)
    for block in blocks:
        outcome = run_script(scn, parse_script_text(block, "paths"))
        assert outcome.failures == []
        assert outcome.session.node.over


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--depth", "0"], "--depth must be at least 1 (a number of turns), not 0"),
        (["--depth", "-1"], "--depth must be at least 1 (a number of turns), not -1"),
        (["--playouts", "0"], "--playouts must be between 1 and 10,000,000, not 0"),
        (["--max-nodes", "0"], "--max-nodes must be at least 1, not 0"),
        (["--paths", "--playouts", "5"], "--paths prints a shortest path to each ending as script steps; --playouts does not apply to it"),
        (["--paths", "--depth", "2", "--format", "json"], "--depth, --format do not apply to it"),
        (["--paths", "--format", "text"], "--format does not apply to it"),
        (["--playouts", "5", "--max-nodes", "9"], "--max-nodes caps exhaustive exploration; it does not apply with --playouts"),
    ],
)
def test_explore_refuses_bad_numbers_and_options_that_do_not_apply_as_usage_errors(repo, capsys, args, fragment):
    code, out, err = run(capsys, "explore", "ceasefire_30_day", *args)
    assert code == 2 and out == ""
    assert err.strip().startswith("sim explore: error: ") and fragment in err, err


def test_explore_says_when_the_depth_is_beyond_the_horizon(repo, capsys):
    code, out, err = run(capsys, "explore", "ceasefire_30_day", "--depth", "99", "--format", "json")
    assert code == 0
    assert err.strip() == "sim explore: --depth 99 is beyond the horizon of ceasefire_30_day (8 turns): every path has ended by then, so the whole scenario is explored"
    assert json.loads(out)["depth"] == 8 and json.loads(out)["open"] == 0


# --- help, usage and version -------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], *[[c, "--help"] for c in COMMANDS]], ids=lambda a: " ".join(a))
def test_help_exits_0_and_lists_the_exit_codes(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: sim")
    assert "exit codes:" in out
    for line in ("0  success", "1  invalid input", "2  bad command-line usage", "3  a script's expectations did not hold", "4  a run stopped at a dead end"):
        assert line in out


def test_help_documents_every_exit_code_main_can_return(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for code in (cli.OK, cli.INVALID_INPUT, cli.USAGE, cli.EXPECTATION_FAILED, cli.DEAD_END, cli.INTERRUPTED, cli.INTERNAL):
        assert re.search(rf"^  {code} ", out, re.M), code


@pytest.mark.parametrize("args", [["run"], ["run", "x", "--format", "pdf"], ["explore", "x", "--depth", "two"], ["frobnicate"]])
def test_bad_usage_exits_2(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert "usage: sim" in capsys.readouterr().err


def test_python_m_sim_version():
    env = {k: v for k, v in os.environ.items() if k != "SIM_DEBUG"}
    proc = subprocess.run([sys.executable, "-m", "sim", "--version"], cwd=REPO, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout == f"sim {__version__}\n"


# --- writing files: one path for every output (issue 7, item 3) -----------------------------------------------

OUTPUTS = {  # command -> the arguments that print something, before -o
    "run": ["run", "ceasefire_30_day", "--seed", "2"],
    "schema": ["schema"],
}


@pytest.mark.parametrize("command", list(OUTPUTS))
def test_output_failures_exit_1_with_one_line_naming_the_path(repo, tmp_path, capsys, command):
    cases = {
        "/dev/full": "no space left on the device",
        str(tmp_path): "is a directory, not a file sim can write",
        str(tmp_path / "missing" / "a" / "b.txt"): f"no such folder: {tmp_path / 'missing' / 'a'} (sim does not create folders)",
        str(tmp_path / ("x" * 3000)): "the file name is too long",
    }
    for target, reason in cases.items():
        code, out, err = run(capsys, *OUTPUTS[command], "-o", target)
        assert code == 1 and out == "", (target, err)
        (line,) = err.splitlines()
        assert line.endswith(reason) and ": error: " in line, line
        assert line.startswith(target[:100])
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "nothing created, no temporary left"


@pytest.mark.parametrize("command", list(OUTPUTS))
def test_output_keeps_an_existing_files_mode_and_symlink(repo, tmp_path, capsys, command):
    expected = run(capsys, *OUTPUTS[command])[1]
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    for target in (real, link):
        assert run(capsys, *OUTPUTS[command], "-o", str(target))[:2] == (0, "")
        assert real.read_text() == expected
        assert oct(real.stat().st_mode & 0o777) == oct(0o640)
    assert link.is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
@pytest.mark.parametrize("command", list(OUTPUTS))
def test_output_to_a_device_writes_to_it_and_never_replaces_it(repo, tmp_path, capsys, command):
    """As root, `-o /dev/null` once replaced /dev/null with a plain file: here its private twin."""
    import stat as st

    null = tmp_path / "null"
    os.mknod(null, 0o666 | st.S_IFCHR, os.makedev(1, 3))
    before = os.stat(null)
    assert run(capsys, *OUTPUTS[command], "-o", str(null))[:3] == (0, "", "")
    after = os.stat(null)
    assert st.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_output_dash_and_dev_stdout_are_standard_output(repo, tmp_path):
    expected = subprocess.run([sys.executable, "-m", "sim", "schema"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    for target in ("-", "/dev/stdout"):
        out = tmp_path / "out.json"
        with out.open("w") as fh:
            proc = subprocess.run([sys.executable, "-m", "sim", "schema", "-o", target], cwd=REPO, stdout=fh, stderr=subprocess.PIPE, text=True, timeout=60)
        assert proc.returncode == 0 and proc.stderr == ""
        assert out.read_text() == expected


def test_standard_output_on_a_full_disk_is_one_line_exit_1(repo):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "sim", "schema"], cwd=REPO, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == "standard output: error: no space left on the device\n"


# --- the command line keeps its contract (issue 7, item 5) -----------------------------------------------


def usage_error(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: sim" in err and "Traceback" not in err
    return err


@pytest.mark.parametrize("command", [["run", "ceasefire_30_day"], ["explore", "ceasefire_30_day"], ["play", "ceasefire_30_day"], ["serve", "ceasefire_30_day"]], ids=lambda c: c[0])
@pytest.mark.parametrize("seed", ["-1", str(2**63), "1.5", "seven"])
def test_seeds_outside_the_range_scripts_accept_are_usage_errors(capsys, command, seed):
    err = usage_error(capsys, *command, "--seed", seed)
    assert f"argument --seed: must be a whole number from 0 to {2**63 - 1}" in err


def test_the_command_line_and_scripts_accept_the_same_seeds(repo, capsys):
    from sim.format.script import Script
    from sim.seeds import MAX_SEED, MIN_SEED, parse_seed

    bounds = {type(m).__name__: getattr(m, next(a for a in ("ge", "le") if hasattr(m, a))) for m in Script.model_fields["seed"].metadata}
    assert bounds == {"Ge": MIN_SEED, "Le": MAX_SEED}
    assert parse_seed(str(MAX_SEED)) == MAX_SEED and parse_seed("0") == 0
    assert run(capsys, "run", "ceasefire_30_day", "--seed", str(MAX_SEED))[0] == 0


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["validate", "scenarios", "--strict", "--no-lint"], "--strict makes lint warnings errors; with --no-lint there are none"),
        (["play", "ceasefire_30_day", "--seed", "3", "--load", "x.yaml"], "--seed does not apply with --load"),
    ],
)
def test_options_that_do_not_apply_together_are_refused(capsys, args, fragment):
    assert fragment in usage_error(capsys, *args)


def test_play_a_missing_file_exits_1_like_a_missing_id(repo, capsys):
    for name, fragment in (("/nonexistent.yaml", "/nonexistent.yaml: error: no such file"), ("nosuchid", "nosuchid: error: no such scenario file or id")):
        code, out, err = run(capsys, "play", name)
        assert code == 1 and out == ""
        assert err.startswith(fragment), err
    code, out, err = run(capsys, "play", "ceasefire_30_day", "--load", "/nonexistent.yaml")
    assert code == 1 and err == "/nonexistent.yaml: error: no such file\n"


def test_usage_errors_never_echo_control_characters(capsys):
    err = usage_error(capsys, "list", "\x1b]0;pwned\x07")
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]0;pwned\\x07" in err


def test_a_session_too_big_to_reopen_is_never_written(tmp_path):
    from sim.files import FileError
    from sim.format.script import dump_session, parse_script_text
    from sim.format.yamlread import MAX_NODES

    def data(steps: int) -> dict:
        return {"scenario": "ceasefire_30_day", "seed": 1, "steps": ["us_call_putin"] * steps}

    fits = MAX_NODES - 7  # the mapping, its 3 keys, 2 scalars and the list are values too
    assert len(parse_script_text(dump_session(data(fits)), "s").steps) == fits  # the largest that reopens
    with pytest.raises(FileError) as info:
        dump_session(data(fits + 1))
    assert isinstance(info.value, OSError)
    assert f"the {MAX_NODES:,} a session can be reopened with" in info.value.strerror


def test_list_escapes_a_file_name_with_control_characters(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIM_SCENARIOS", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "odd\x1b]0;pwned\x07.yaml").write_text("scenario: {id: odd, title: Odd}\n", encoding="utf-8")
    code, out, err = run(capsys, "list")
    assert code == 0
    assert "\x1b" not in out and "odd\\x1b]0;pwned\\x07.yaml" in out
# --- run: a script that plays one side -----------------------------------------------------------


def test_run_play_needs_a_script(repo, capsys):
    code, out, err = run(capsys, "run", "whole_arc_in_rounds", "--play", "russia")
    assert code == 2 and out == ""
    assert err.strip() == "sim run: error: --play needs --script: the script's steps are that side's choices"


def test_run_play_overrides_the_scripts_side_and_names_unknown_sides(repo, capsys, tmp_path):
    from _support import real

    from sim.engine.control import Players, play_weights
    from sim.engine.session import Session

    # Russia's first decision with seed 1, once the author's weights have rolled the rest
    session = Session(real("ceasefire_30_day_in_rounds"), 1)
    play_weights(session, Players.playing(["russia"]))
    first = session.options()[0].act.id
    script = tmp_path / "s.yaml"
    script.write_text(f"scenario: ceasefire_30_day_in_rounds\nseed: 1\nplay: russia\nsteps:\n  - {{russia: {first}}}\n", encoding="utf-8")
    code, out, err = run(capsys, "run", "ceasefire_30_day_in_rounds", "--script", str(script), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["turns"] == "rounds" and data["order"] == ["us", "ukraine", "russia", "europe"]
    picked = [s for s in data["steps"] if s["how"] == "picked"]
    assert [s["choice"] for s in picked] == [first]
    assert picked[0]["fired"][0]["owner"] == "russia"
    code, out, err = run(capsys, "run", "ceasefire_30_day_in_rounds", "--script", str(script), "--play", "ukraine")
    assert code == 1
    assert "this step is Russia's choice, but here Ukraine decides" in err
    code, out, err = run(capsys, "run", "ceasefire_30_day_in_rounds", "--script", str(script), "--play", "rusia")
    assert code == 1 and "unknown side 'rusia' (did you mean 'russia'?)" in err
