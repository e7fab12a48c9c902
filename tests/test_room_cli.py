"""``sim rooms``: list, export (a script sim run replays), debrief (Markdown to standard
output, HTML and PDF to new files, never overwriting), delete; and ``sim export notes|debrief
--room``. Every bad argument is one line and a documented exit code."""

from __future__ import annotations

from pathlib import Path

import pytest
from _room_games import play
from _rooms import river
from _support import real
from test_export import pdf_text

from sim.cli.main import main
from sim.export.transcript import render
from sim.room.debrief import debrief, markdown
from sim.store import rooms
from sim.store.db import Store


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("SIM_STATE_DIR", str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.fixture
def store(state_dir):
    s = Store.open()
    yield s
    s.close()


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_the_ending_by_id_when_its_scenario_no_longer_loads(store, tmp_path, capsys):
    scn = river(tmp_path / "river", "sealed")
    a = play(store, scn, 3, title="Table A")
    ending = scn.endings[a.room.state.session.node.ending]
    Path(scn.path).unlink()
    code, out, err = cli(capsys, "rooms")
    assert code == 0 and err == ""
    assert out.splitlines()[1].split()[:6] == [str(a.id), "river_sealed", "Table", "A", "ended:", ending.id]


def test_list_export_and_delete(store, tmp_path, capsys):
    scn = river(tmp_path / "river", "sealed")
    a = play(store, scn, 3, title="Table A")
    b = play(store, real("ceasefire_30_day_sealed"), 1, title="Table B")
    code, out, err = cli(capsys, "rooms")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "SCENARIO", "TITLE", "STATUS", "TURN", "CREATED"]
    assert lines[1].split()[:4] == [str(b.id), "ceasefire_30_day_sealed", "Table", "B"]
    ending = scn.endings[a.room.state.session.node.ending]
    # the ending as a reader knows it, by its title, not the author's id
    assert lines[2].split()[:5] == [str(a.id), "river_sealed", "Table", "A", "ended:"] and f"ended: {ending.title}" in lines[2]
    assert ending.title != ending.id
    code, out, _ = cli(capsys, "rooms", "list", "--scenario", "river_sealed")
    assert code == 0 and len(out.splitlines()) == 2
    # export: the script sim run replays to the room's transcript
    code, out, err = cli(capsys, "rooms", "export", str(a.id), "-o", str(tmp_path / "a.yaml"))
    assert code == 0 and out == "" and "written to" in err
    code, out, err = cli(capsys, "run", str(scn.path), "--script", str(tmp_path / "a.yaml"))
    assert code == 0 and out == render(a.room.state.session, "text")
    code, out, _ = cli(capsys, "rooms", "export", str(a.id))
    assert out == (tmp_path / "a.yaml").read_text(encoding="utf-8")
    # delete
    code, out, err = cli(capsys, "rooms", "delete", str(a.id), "999")
    assert code == 1 and "no room 999" in err and err.count("\n") == 1 and rooms.get(store, a.id) is not None
    code, out, err = cli(capsys, "rooms", "delete", str(a.id))
    assert code == 0 and out.startswith(f"deleted room {a.id} (river_sealed: Table A,")
    assert rooms.get(store, a.id) is None and rooms.get(store, b.id) is not None


def test_debrief_markdown_html_pdf_never_overwriting(store, tmp_path, capsys):
    scn = real("ceasefire_30_day_sealed")
    games = [play(store, scn, i, rng=i, title=f"Table {i + 1}") for i in range(2)]
    code, out, err = cli(capsys, "rooms", "debrief", str(games[0].id))
    assert code == 0 and out == markdown(debrief([games[0].room.state]))
    assert "explored the odds from" in err
    code, out, _ = cli(capsys, "rooms", "debrief", "--scenario", scn.id, "--format", "md")
    assert code == 0 and out == markdown(debrief([g.room.state for g in games]))
    code, out, _ = cli(capsys, "rooms", "debrief", "--scenario", scn.id, "--format", "html")
    assert code == 0 and out == f"wrote debrief-{scn.id}.html\n"
    code, out, _ = cli(capsys, "rooms", "debrief", "--scenario", scn.id, "--format", "html")
    assert out == f"wrote debrief-{scn.id}-2.html\n", "never overwrites"
    (tmp_path / "mine.pdf").write_bytes(b"keep me")
    code, out, _ = cli(capsys, "rooms", "debrief", str(games[1].id), "--format", "pdf", "-o", "mine.pdf")
    assert code == 0 and out == "wrote mine-2.pdf\n" and (tmp_path / "mine.pdf").read_bytes() == b"keep me"
    text = pdf_text((tmp_path / "mine-2.pdf").read_bytes(), tmp_path)
    assert f"Table 2 (room {games[1].id})" in text and "Orders by round" in text
    code, out, err = cli(capsys, "rooms", "debrief", str(games[1].id), "--format", "pdf", "-o", "-")
    assert code == 2 and out == "" and err.count("\n") == 1
    # without --format, -o's name says which: an HTML file for debrief.html, as sim export does
    code, out, _ = cli(capsys, "rooms", "debrief", str(games[0].id), "-o", "debrief.html")
    assert code == 0 and out == "wrote debrief.html\n"
    assert (tmp_path / "debrief.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_export_notes_and_debrief_with_a_room(store, tmp_path, capsys):
    scn = river(tmp_path / "river", "sealed")
    g = play(store, scn, 3, title="Table A")
    code, out, err = cli(capsys, "export", "notes", "--room", str(g.id), "--format", "html", "-o", "notes.html")
    assert code == 0, err
    html = (tmp_path / "notes.html").read_text(encoding="utf-8")
    assert "Teacher&#x27;s notes" in html or "Teacher's notes" in html
    assert "Debrief: what each table did" in html and f"Table A (room {g.id})" in html
    code, out, err = cli(capsys, "export", "debrief", "--room", str(g.id), "--format", "markdown", "-o", "-")
    assert code == 0 and out == markdown(debrief([g.room.state]))
    code, out, err = cli(capsys, "export", "notes", "ceasefire_30_day_sealed", "--room", str(g.id))
    assert code == 2 and "the rooms play river_sealed, not ceasefire_30_day_sealed" in err.splitlines()[-1]
    code, out, err = cli(capsys, "export", "handout", "x.yaml", "--room", str(g.id))
    assert code == 2 and "--room goes with notes or debrief" in err
    code, out, err = cli(capsys, "export", "debrief")
    assert code == 2 and "give --room ID" in err


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["rooms", "export", "0"], 2, "a room id is a whole number from 1"),
        (["rooms", "export", "x\x1b[2J"], 2, "not 'x\\\\x1b[2J'"),
        (["rooms", "export", "12"], 1, "no room 12 in"),
        (["rooms", "debrief"], 2, "give the rooms' ids or --scenario ID"),
        (["rooms", "debrief", "1", "--scenario", "x"], 2, "give the rooms' ids or --scenario ID"),
        (["rooms", "debrief", "--scenario", "nothing_here"], 1, "no rooms of scenario 'nothing_here'"),
        (["rooms", "debrief", "7"], 1, "no room 7 in"),
        (["rooms", "debrief", "1", "--format", "docx"], 2, "a debrief comes as md, html or pdf"),
        (["rooms", "debrief", "1", "-o", "d.svg"], 2, "d.svg: a debrief comes as pdf (.pdf), html (.html) or markdown (.md)"),
        (["rooms", "delete"], 2, "required: ROOM"),
        (["rooms", "frobnicate"], 2, "invalid choice"),
        (["export", "notes", "--room", "-3"], 2, "a room id is a whole number"),
        (["export", "notes", "--room", "5"], 1, "no room 5 in"),
    ],
)
def test_every_bad_argument_is_one_line_and_its_exit_code(state_dir, capsys, args, code, message):
    got, out, err = cli_exit(capsys, args)
    assert got == code and out == ""
    last = err.strip().splitlines()[-1]
    assert message in last or message in err, err
    assert "Traceback" not in err and "\x1b" not in err


def cli_exit(capsys, args):
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_debrief_of_rooms_of_two_scenarios_is_refused(store, tmp_path, capsys):
    a = play(store, river(tmp_path / "river", "sealed"), 3)
    b = play(store, real("ceasefire_30_day_sealed"), 1)
    code, out, err = cli(capsys, "rooms", "debrief", str(a.id), str(b.id))
    assert code == 2 and out == "" and "rooms of one scenario" in err and err.strip().count("\n") == 0
