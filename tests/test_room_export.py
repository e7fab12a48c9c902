"""A room exports as the script format, and production ``sim run`` replays the script to the
room's own transcript: text, Markdown and JSON, byte for byte. Rooms are played to an ending
through the Room API and the store (sealed and in rounds; with an inject, an override, a
pick, seats' own rolls, a forced reveal, sides without a seat), on the tests' own
negotiation and on the pack's."""

from __future__ import annotations

import pytest
from _room_games import play
from _rooms import river
from _support import SCENARIOS, real

from sim.cli.main import main
from sim.export.transcript import render
from sim.format.script import parse_script_text
from sim.room import Room
from sim.room.export import room_script, room_script_text
from sim.store.db import Store


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "state" / "sessions.db")
    yield s
    s.close()


def _replayed(capsys, scenario_path, script_path, fmt):
    code = main(["run", str(scenario_path), "--script", str(script_path), "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _check_round_trip(capsys, tmp_path, room, name):
    state = room.state
    (tmp_path / "scripts").mkdir(exist_ok=True)
    script = tmp_path / "scripts" / f"{name}.yaml"
    script.write_text(room_script_text(state), encoding="utf-8")
    for fmt in ("text", "markdown", "json"):
        assert _replayed(capsys, state.scenario.path, script, fmt) == render(state.session, fmt), fmt
    return script.read_text(encoding="utf-8")


GAMES = [
    ("river sealed", lambda tmp: river(tmp, "sealed"), {}),
    ("river rounds", lambda tmp: river(tmp, "rounds"), {}),
    ("river rounds, one side seated", lambda tmp: river(tmp, "rounds"), {"seated": ["downstream"]}),
    ("ceasefire sealed", lambda tmp: real("ceasefire_30_day_sealed"), {}),
    ("whole arc in rounds", lambda tmp: real("whole_arc_in_rounds"), {"seated": ["ukraine", "russia", "us"]}),
]


@pytest.mark.parametrize("name,make,kw", GAMES, ids=[g[0] for g in GAMES])
@pytest.mark.parametrize("seed", [3, 11])
def test_a_played_room_replays_through_sim_run_to_its_own_transcript(store, tmp_path, capsys, name, make, kw, seed):
    g = play(store, make(tmp_path), seed, rng=seed, **kw)
    state = g.room.state
    kinds = {e.kind for e in state.entries}
    assert state.session.node.over and "inject" in kinds and {"order", "choose"} & kinds
    text = _check_round_trip(capsys, tmp_path, g.room, name.replace(" ", "_"))
    rulings = [d.ruling for d in state.decisions if d.ruling]
    assert "inject" in rulings
    # the script says whose each step was: the facilitator's rulings with their reasons
    data = room_script(state)
    said = [s for s in data["steps"] if isinstance(s, dict) and "facilitator" in s]
    assert [s["ruling"] for s in said] == [str(r) for r in rulings]
    assert data["expect"] == {"ending": state.scenario.endings[state.session.node.ending].id}
    assert "Decided by the facilitator" in render(state.session, "text")
    assert text.startswith(f"# Room {g.id}, exported as a script")


def test_an_override_with_its_reason_survives_the_round_trip(store, tmp_path, capsys):
    g = play(store, river(tmp_path, "rounds"), 3)
    assert any(d.ruling == "override" for d in g.room.state.decisions)
    _check_round_trip(capsys, tmp_path, g.room, "override")
    out = " ".join(render(g.room.state.session, "text").split())  # the text transcript wraps its lines
    assert "overrode the author's weights: the class argued the other branch through" in out


def test_a_room_the_facilitator_ended_early_replays_to_where_it_stopped(store, tmp_path, capsys):
    g = play(store, river(tmp_path, "sealed", horizon=5), 5, stop_after=2)
    state = g.room.state
    assert state.status == "ended" and not state.session.node.over
    _check_round_trip(capsys, tmp_path, g.room, "early")
    assert room_script(state)["expect"] == {"ending": "none", "turn": state.session.node.turn}


def test_a_room_read_back_from_the_store_exports_the_same_script(store, tmp_path):
    g = play(store, river(tmp_path, "sealed"), 7)
    other = Store.open(store.path)
    try:
        fresh = Room(other, g.room.info, river(tmp_path / "again", "sealed"))
        assert room_script_text(fresh.state) == room_script_text(g.room.state)
    finally:
        other.close()


def test_the_script_forms_of_a_ruling_are_checked(tmp_path):
    good = "scenario: s\nsteps:\n  - {facilitator: e.x, ruling: override, reason: why}\n  - {rolled: a, by: russia}\n"
    steps = parse_script_text(good, "s.yaml").steps
    assert [(s.choice, s.ruling, s.reason, s.rolled, s.by) for s in steps] == [("e.x", "override", "why", False, None), ("a", None, None, True, "russia")]
    from sim.diagnostics import InputError

    for bad, message in [
        ("{facilitator: e.x, ruling: override}", "an override needs its reason"),
        ("{facilitator: e.x, ruling: decree}", "a ruling is one of roll, pick, override, inject"),
        ("{facilitator: e.x, ruling: inject}", "an inject's act is inject:EVENT"),
        ("{facilitator: e.x, ruling: pick, colour: red}", "not 'colour'"),
        ("{facilitator: e.x, ruling: pick, reason: " + "w" * 501 + "}", "one line of at most 500"),
        ("{facilitator: e.x, ruling: pick, reason: [a list]}", "one line of at most 500"),
    ]:
        with pytest.raises(InputError) as exc:
            parse_script_text(f"scenario: s\nsteps:\n  - {bad}\n", "s.yaml")
        assert message in str(exc.value.diagnostics[0].message)
        assert exc.value.diagnostics[0].format().startswith("s.yaml:3:")


def test_a_ruling_on_a_step_the_scenario_does_not_offer_is_one_line_exit_1(tmp_path, capsys):
    script = tmp_path / "bad.yaml"
    script.write_text("scenario: ceasefire_30_day_sealed\nsteps:\n  - {facilitator: nowhere.x, ruling: pick}\n", encoding="utf-8")
    code = main(["run", str(SCENARIOS / "ceasefire_30_day_sealed.yaml"), "--script", str(script)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "bad.yaml:3:5" in err
