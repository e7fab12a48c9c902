"""Write the golden test plans and their transcripts.

    python tests/make_plans.py            # every scenario
    python tests/make_plans.py whole_arc  # one

For each scenario this writes, under tests/plans/<scenario_id>/:

* ``<ending_id>.yaml`` for every reachable ending: a shortest path of choices to it
  (sim.analysis.explore.paths_to_endings; where that search stops at the memory bound,
  a path found by seeded playouts, paths_by_playouts), seed 1, ``expect: {ending: ...}``;
* ``main_line.yaml``: a hand-written path that follows what the articles report
  (acts with basis: reported wherever the scenario offers one), with intermediate
  ``- expect: {state: ...}`` steps; for a scenario played in rounds, the main line
  plays one side by script (``play:``) against the author's weights for the others:
  at each of its decisions it takes the first act the articles report (else one they
  name as possible, else it passes), and at each of its reactions the likeliest
  branch the articles report or name; the other sides and chance are rolled (seed 1);

and the text transcript of each (sim.export.transcript.render) to
tests/golden/<scenario_id>/<name>.txt. Every plan is replayed before it is written;
a plan whose expectations fail stops the script. tests/test_golden.py replays the
plans and compares; ``SIM_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` rewrites
only the transcripts (rerun this script when the scenarios change the paths).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import GOLDEN, PLANS, SCENARIO_IDS, real, shortest_paths  # noqa: E402

from sim.engine import core  # noqa: E402
from sim.engine.control import Players, play_weights  # noqa: E402
from sim.engine.session import Session  # noqa: E402
from sim.export.transcript import render  # noqa: E402
from sim.format.script import parse_script_text  # noqa: E402
from sim.runner import run_script  # noqa: E402

SEED = 1


def expect(**state) -> dict:
    return {"expect": {"state": state}}


# Paths that follow the articles. Each turn is a move, the reactions it sets off, and
# the end-of-turn events ("front_line.continues": fighting at its current pace).
MAIN_LINES: dict[str, tuple[str, list]] = {
    "ceasefire_30_day": (
        "As article C expects: the call, Moscow's conditions, pressure from Washington and Europe, no truce",
        [
            "us_call_putin",  # expected "this week" (article C)
            "russia_answers_call.yes_but",  # Putin's questions, the Kremlin's strategic concerns
            "front_line.continues",
            expect(ceasefire="yes_but", trump_putin_call="held", turn=2),
            "us_press_moscow",  # "has been pressing Moscow to agree to the temporary truce"
            "russia_answers_pressure.holds",
            "front_line.continues",
            "europe_press_moscow",
            "russia_answers_pressure.holds",
            "front_line.continues",
            "russia_drone_waves",  # "fighting has intensified"
            "front_line.continues",
            expect(pressed=2, escalation=2, ceasefire="yes_but"),
            "us_press_moscow",
            "russia_answers_pressure.holds",
            "front_line.continues",
            "europe_press_moscow",
            "russia_answers_pressure.holds",
            "front_line.continues",
            expect(pressed=4, **{"russia.ceasefire": "conditional"}),
            "us_wait",
            "front_line.continues",
            "us_wait",
            "front_line.continues",
        ],
    ),
    "strikes_during_talks": (
        "As articles A and B report: Kyiv's call for pressure, \"Vladimir, STOP!\", Crimea refused, Rutte, the ultimatum, Witkoff's trip",
        [
            "ukraine_call_for_pressure",  # "renewed calls ... for increased international pressure"
            "europe_answers_pressure_call.no_new_package",
            "front_line_strikes.continues",
            "us_stop",  # "Vladimir, STOP!"
            "russia_answers_stop.intensifies",  # "Moscow has intensified its campaign"
            "us_frustration.wears_thinner",
            "front_line_strikes.continues",
            expect(escalation=3, us_patience=1, stop_said=True, sanctions="none_new"),
            "us_concession_remark",  # "pretty big concession"
            "front_line_strikes.continues",
            "europe_rutte_visit",  # "the ball is clearly in the Russian court now"
            "front_line_strikes.continues",
            "us_press_kyiv_on_crimea",  # "wearing very thin" with Zelenskyy
            "ukraine_answers_crimea_pressure.refuses",
            "us_frustration.keeps_brokering",
            "front_line_strikes.continues",
            expect(crimea_dispute="kyiv_refused", us_patience=1),
            "us_ultimatum",  # accept the US proposal or face a possible US withdrawal (article A)
            "russia_answers_ultimatum.keeps_demands",
            "us_frustration.keeps_brokering",
            "us_frustration.keeps_brokering",
            "front_line_strikes.continues",
            expect(us_engagement="ultimatum", moscow_on_proposal="keeps_demands", kyiv_on_proposal="holds_line"),
            "us_send_witkoff",  # "scheduled to arrive in Russia this week"
            "russia_answers_witkoff.no_breakthrough",
            "front_line_strikes.continues",
            "us_give_more_time",
            "front_line_strikes.continues",
        ],
    ),
    "istanbul_rounds": (
        "As articles E and D report: groundwork, the third round's exchange, Donbas demanded and rejected, no deal",
        [
            "ukraine_invite_putin",
            "russia_answers_invitation.groundwork",  # Peskov: groundwork first
            "front_line_istanbul.continues",
            "ukraine_send_delegation",  # the third round (article D: it was held)
            "russia_at_the_table.exchange",  # "yielded only prisoner exchanges"
            "front_line_istanbul.continues",
            expect(third_round="held", exchanges=1, leaders_meeting="groundwork"),
            "russia_press_donbas",
            "ukraine_answers_donbas.rejects",  # "a condition Kyiv has rejected"
            "front_line_istanbul.continues",
            "ukraine_request_peacekeepers",
            "europe_answers_peacekeepers.noncommittal",
            "front_line_istanbul.continues",
            expect(donbas_demand="pressed", peacekeepers_offer="noncommittal"),
            "us_facilitate",
            "russia_answers_facilitation.keeps_demands",  # "Putin's reluctance to compromise on key demands"
            "front_line_istanbul.continues",
            # Zelenskyy's meeting with Trump is left out: article D reports it planned, and
            # no article reports whether it took place.
            "ukraine_invite_putin",  # his "repeated calls" (article E)
            "russia_answers_invitation.groundwork",
            "front_line_istanbul.continues",
            "russia_offensive_east",
            "front_line_istanbul.continues",
            "ukraine_ask_aid",
            "front_line_istanbul.continues",
            "western_aid_outlook.dwindles",  # the concern article D reports
            expect(escalation=2, western_aid="dwindling", leaders_meeting="groundwork"),
        ],
    ),
    "whole_arc": (
        "The arc the articles report: Moscow's conditions, the Kyiv strike, then rounds in Istanbul",
        [
            "us_call_putin",
            "russia_answers_call.yes_but",
            "front_line.continues",
            "us_press_moscow",
            "russia_answers_pressure.holds",
            "front_line.continues",
            "russia_drone_waves",
            "front_line.continues",
            expect(phase="ceasefire", ceasefire="yes_but", escalation=2, turn=4),
            "europe_press_moscow",
            "russia_answers_pressure.holds",
            "front_line.continues",  # then the strike on Kyiv (the only branch of its event)
            expect(phase="strikes", turn=5, escalation=2),
            "ukraine_call_for_pressure",
            "europe_answers_pressure_call.no_new_package",
            "front_line_strikes.continues",
            "us_stop",
            "russia_answers_stop.intensifies",
            "us_frustration.wears_thinner",
            "front_line_strikes.continues",
            "us_press_kyiv_on_crimea",
            "ukraine_answers_crimea_pressure.refuses",
            "us_frustration.keeps_brokering",
            "front_line_strikes.continues",
            expect(crimea_dispute="kyiv_refused", us_patience=1, escalation=3),
            "us_ultimatum",
            "russia_answers_ultimatum.keeps_demands",
            "us_frustration.keeps_brokering",
            "us_frustration.keeps_brokering",
            "front_line_strikes.continues",  # then the move to Istanbul (four turns of strikes)
            expect(phase="istanbul", turn=9, us_engagement="mediating", escalation=1),
            "ukraine_invite_putin",
            "russia_answers_invitation.groundwork",
            "front_line_istanbul.continues",
            "ukraine_send_delegation",
            "russia_at_the_table.exchange",
            "front_line_istanbul.continues",
            "russia_press_donbas",
            "ukraine_answers_donbas.rejects",
            "front_line_istanbul.continues",
            expect(exchanges=1, leaders_meeting="groundwork", donbas_demand="pressed"),
            "us_facilitate",
            "russia_answers_facilitation.keeps_demands",
            "front_line_istanbul.continues",
            "russia_offensive_east",  # article D; the meeting with Trump it reports planned is left out
            "front_line_istanbul.continues",
            expect(escalation=2, third_round="held"),
            "ukraine_request_peacekeepers",
            "europe_answers_peacekeepers.noncommittal",
            "front_line_istanbul.continues",
        ],
    ),
}

MAIN_ENDINGS = {
    "ceasefire_30_day": "yes_but_stalemate",
    "strikes_during_talks": "deadlock",
    "istanbul_rounds": "exchanges_only",
    "whole_arc": "exchanges_only",
}


# Scenarios in rounds: the side their main line plays by script (the others roll).
PLAYED: dict[str, tuple[str, str]] = {
    "whole_arc_in_rounds": ("russia", "Russia plays the acts the articles report; the other sides and chance roll by the author's weights"),
    "ceasefire_30_day_in_rounds": ("russia", "Russia plays the acts the articles report; the other sides and chance roll by the author's weights"),
    "strikes_during_talks_in_rounds": ("ukraine", "Ukraine plays the acts the articles report; the other sides and chance roll"),
    "istanbul_rounds_in_rounds": ("ukraine", "Ukraine plays the acts the articles report; the other sides and chance roll"),
    "whole_arc_sealed": ("russia", "In sealed rounds, Russia plays the acts the articles report; the other sides and chance roll by the author's weights"),
    "ceasefire_30_day_sealed": ("russia", "In sealed rounds, Russia plays the acts the articles report; the other sides and chance roll"),
}


def played_line(scenario_id: str, side: str) -> tuple[list, str]:
    """One side's choices by the policy above, with an expectation every few turns."""
    scn = real(scenario_id)
    players = Players.playing([side])
    session = Session(scn, SEED)
    play_weights(session, players)
    steps: list = []
    last_expect = 1
    while not session.node.over:
        opts = core.options(scn, session.node)
        ranked = [o for o in opts if not o.act.is_pass and o.act.basis == "reported"]
        ranked += [o for o in opts if not o.act.is_pass and o.act.basis == "possible"]
        if session.node.deciding:
            act = (ranked or [opts[-1]])[0].act  # nothing the articles report or name: pass
        else:
            act = max(ranked or opts, key=lambda o: o.probability).act
        steps.append(act.id)
        session.choose(act.id)
        play_weights(session, players)
        if not session.node.over and session.node.turn > last_expect:
            last_expect = session.node.turn
            names = [v.name for v in scn.variables if v.show][:3]
            state = {name: next(s.show(session.node.state) for s in scn.slots if s.name == name) for name in names}
            steps.append({"expect": {"state": {"turn": session.node.turn, **state}}})
    return steps, scn.endings[session.node.ending].id


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def plan_text(scenario_id: str, title: str, steps: list, ending: str, comment: str, play: str | None = None) -> str:
    lines = [f"# {comment}", "# Written by tests/make_plans.py; replayed by tests/test_golden.py.", f"scenario: {scenario_id}"]
    lines.append(f"title: '{title.replace(chr(39), chr(39) * 2)}'")
    lines.append(f"seed: {SEED}")
    if play:
        lines.append(f"play: {play}")
    lines.append("steps:")
    for step in steps:
        if isinstance(step, str):
            lines.append(f"  - {step}")
            continue
        state = step["expect"]["state"]
        turn = state.pop("turn", None)
        parts = []
        if turn is not None:
            parts.append(f"turn: {turn}")
        if state:
            parts.append("state: {" + ", ".join(f"{k}: {_scalar(v)}" for k, v in state.items()) + "}")
        lines.append("  - expect: {" + ", ".join(parts) + "}")
    lines.append("expect:")
    lines.append(f"  ending: {ending}")
    return "\n".join(lines) + "\n"


def transcript(scenario_id: str, text: str, label: str) -> str:
    loaded = parse_script_text(text, label)
    outcome = run_script(real(scenario_id), loaded)
    if outcome.failures:
        raise SystemExit("\n".join(d.format() for d in outcome.failures))
    return render(outcome.session, "text")


def write(scenario_id: str) -> list[Path]:
    scn = real(scenario_id)
    plans, golden = PLANS / scenario_id, GOLDEN / scenario_id
    for folder in (plans, golden):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    written = []
    items = []
    paths, by_playouts = shortest_paths(scenario_id)
    for ending_id, steps in paths.items():
        title = scn.ending_by_id(ending_id).title
        if ending_id in by_playouts:  # the shortest-path search stopped at the memory bound first
            text = plan_text(scenario_id, f"A path: {title}", list(steps), ending_id, f"A path to the ending '{ending_id}', found by seeded playouts (sim.analysis.explore.paths_by_playouts).")
        else:
            text = plan_text(scenario_id, f"Shortest path: {title}", list(steps), ending_id, f"A shortest path to the ending '{ending_id}'.")
        items.append((ending_id, text))
    if scenario_id in PLAYED:
        side, title = PLAYED[scenario_id]
        steps, ending = played_line(scenario_id, side)
        items.append(("main_line", plan_text(scenario_id, title, steps, ending, f"The main line in rounds: {side} plays by script what the articles report.", play=side)))
    else:
        title, steps = MAIN_LINES[scenario_id]
        steps = [s if isinstance(s, str) else {"expect": {"state": dict(s["expect"]["state"])}} for s in steps]
        items.append(("main_line", plan_text(scenario_id, title, steps, MAIN_ENDINGS[scenario_id], "The main line: what the articles report, where the scenario offers it.")))
    for name, text in items:
        plan = plans / f"{name}.yaml"
        out = transcript(scenario_id, text, str(plan.relative_to(PLANS.parent.parent)))
        plan.write_text(text, encoding="utf-8")
        (golden / f"{name}.txt").write_text(out, encoding="utf-8")
        written.append(plan)
    return written


def main(argv: list[str]) -> int:
    for scenario_id in argv or SCENARIO_IDS:
        for path in write(scenario_id):
            print(path.relative_to(PLANS.parent.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
