"""Write the golden test plans and their transcripts.

    python tests/make_plans.py            # every scenario
    python tests/make_plans.py whole_arc  # one

For each scenario this writes, under tests/plans/<scenario_id>/:

* ``<ending_id>.yaml`` for every reachable ending: a shortest path of choices to it
  (sim.analysis.explore.paths_to_endings), seed 1, ``expect: {ending: ...}``;
* ``main_line.yaml``: a hand-written path that follows what the articles report
  (acts with basis: reported wherever the scenario offers one), with intermediate
  ``- expect: {state: ...}`` steps;

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
        "As article C reports: drone waves, the call, Moscow's \"yes, but\", pressure, no truce",
        [
            "russia_drone_waves",  # 90 Shahed drones over the weekend
            "us_answers_drone_waves.keeps_course",  # Witkoff stays optimistic; Starmer's summit follows
            "front_line.continues",
            expect(escalation=2, europe_summit=True, ceasefire="accepted_by_ukraine"),
            "us_call_putin",
            "russia_answers_call.yes_but",  # Putin's questions
            "front_line.continues",
            expect(ceasefire="yes_but", trump_putin_call="held", turn=3),
            "russia_raise_battlefield",
            "front_line.continues",
            "ukraine_ask_pressure",
            "russia_answers_pressure.holds",
            "front_line.continues",
            expect(us_patience=1, kyiv_asked_pressure=True, battlefield_raised=True),
            "us_press_moscow",
            "russia_answers_pressure.holds",
            "front_line.continues",
            "us_ultimatum",  # accept the US proposal or the US may step back (article A)
            "russia_answers_ultimatum.holds_conditions",
            "ukraine_answers_ultimatum.everything_but_constitution",
            "front_line.continues",
            expect(us_engagement="ultimatum", us_patience=0, **{"us.us_involvement": "walk_away_threat"}),
            "ukraine_humanitarian_first",
            "russia_answers_humanitarian.exchange",
            "front_line.continues",
            "ukraine_humanitarian_first",
            "russia_answers_humanitarian.exchange",
            "front_line.continues",
        ],
    ),
    "strikes_during_talks": (
        "As article B reports: calls for pressure, Crimea refused, Rutte, Witkoff, and no breakthrough",
        [
            "ukraine_call_for_pressure",
            "europe_answers_pressure_call.onus_on_moscow",  # "the ball is clearly in the Russian court"
            "us_answers_pressure_call.big_concession",
            "front_line.continues",
            expect(kyiv_called_for_pressure=True, sanctions="none_new"),
            "ukraine_hold_on_crimea",
            "us_answers_refusal.patience_thins",  # "wearing very thin"
            "front_line.continues",
            expect(crimea_dispute="kyiv_refused", us_patience=0),
            "europe_rutte_visit",
            "front_line.continues",
            "us_send_witkoff",
            "russia_answers_witkoff.show_of_force",
            "front_line.continues",
            expect(witkoff_visit="held", escalation=2, us_patience=1, ceasefire_talks="stalled"),
            "us_press_kyiv_on_crimea",
            "ukraine_answers_crimea_pressure.refuses",
            "us_answers_refusal.patience_thins",
            "front_line.continues",
            "us_ultimatum",
            "russia_answers_ultimatum.holds_conditions",
            "ukraine_answers_ultimatum.everything_but_constitution",
            "front_line.continues",
            expect(us_engagement="ultimatum", us_patience=0),
            "europe_rutte_visit",
            "front_line.continues",
            "us_give_more_time",
            "front_line.continues",
        ],
    ),
    "istanbul_rounds": (
        "As articles D and E report: exchanges, groundwork, Donbas demanded and rejected, no deal",
        [
            "ukraine_send_delegation",
            "russia_at_the_table.exchange",
            "front_line.continues",
            expect(exchanges=1, leaders_meeting="invited"),
            "ukraine_invite_putin",
            "russia_answers_invitation.groundwork",  # Peskov: groundwork first
            "front_line.continues",
            "russia_press_donbas",
            "ukraine_answers_donbas.rejects",
            "front_line.continues",
            expect(leaders_meeting="groundwork", donbas_demand="pressed"),
            "ukraine_request_peacekeepers",
            "europe_answers_peacekeepers.noncommittal",
            "front_line.continues",
            "ukraine_seek_trump_meeting",
            "us_answers_meeting_request.meets",
            "front_line.continues",
            expect(peacekeepers_offer="noncommittal", trump_meeting="held", us_patience=2),
            "us_facilitate",
            "russia_answers_facilitation.hardly_possible",  # "it's hardly possible"
            "front_line.continues",
            "russia_offensive_east",
            "ukraine_answers_offensive.long_range_drones",  # as Russia's defence ministry reports
            "front_line.continues",
            expect(escalation=2, leaders_meeting="groundwork"),
            "ukraine_send_delegation",
            "russia_at_the_table.exchange",
            "front_line.continues",
        ],
    ),
    "whole_arc": (
        "The arc the articles report: the \"yes, but\", the Kyiv strike, then rounds in Istanbul",
        [
            "russia_drone_waves",
            "us_answers_drone_waves.keeps_course",
            "front_line.continues",
            "us_call_putin",
            "russia_answers_call.yes_but",
            "front_line.continues",
            "russia_raise_battlefield",
            "front_line.continues",
            expect(phase="ceasefire", ceasefire="yes_but", turn=4),
            "ukraine_ask_pressure",
            "russia_answers_pressure.holds",
            "front_line.continues",  # then the strike on Kyiv (the only branch of its event)
            expect(phase="strikes", turn=5, us_patience=1),
            "ukraine_call_for_pressure",
            "europe_answers_pressure_call.onus_on_moscow",
            "us_answers_pressure_call.big_concession",
            "front_line.continues",
            "ukraine_hold_on_crimea",
            "us_answers_refusal.patience_thins",
            "front_line.continues",
            expect(crimea_dispute="kyiv_refused", us_patience=0),
            "europe_rutte_visit",
            "front_line.continues",
            "us_send_witkoff",
            "russia_answers_witkoff.no_progress",
            "front_line.continues",  # then the move to Istanbul (four turns of strikes)
            expect(phase="istanbul", turn=9, us_patience=1, escalation=2),
            "ukraine_send_delegation",
            "russia_at_the_table.exchange",
            "front_line.continues",
            "ukraine_invite_putin",
            "russia_answers_invitation.groundwork",
            "front_line.continues",
            "russia_press_donbas",
            "ukraine_answers_donbas.rejects",
            "front_line.continues",
            expect(exchanges=1, leaders_meeting="groundwork", donbas_demand="pressed"),
            "us_facilitate",
            "russia_answers_facilitation.hardly_possible",
            "front_line.continues",
            "ukraine_seek_trump_meeting",
            "us_answers_meeting_request.meets",
            "front_line.continues",
            "ukraine_send_delegation",
            "russia_at_the_table.exchange",
            "front_line.continues",
            expect(exchanges=2, trump_meeting="held"),
        ],
    ),
}

MAIN_ENDINGS = {
    "ceasefire_30_day": "yes_but_stalemate",
    "strikes_during_talks": "deadlock",
    "istanbul_rounds": "exchanges_only",
    "whole_arc": "exchanges_only",
}


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def plan_text(scenario_id: str, title: str, steps: list, ending: str, comment: str) -> str:
    lines = [f"# {comment}", "# Written by tests/make_plans.py; replayed by tests/test_golden.py.", f"scenario: {scenario_id}"]
    lines.append(f"title: '{title.replace(chr(39), chr(39) * 2)}'")
    lines.append(f"seed: {SEED}")
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
    for ending_id, steps in shortest_paths(scenario_id).items():
        title = scn.ending_by_id(ending_id).title
        items.append((ending_id, plan_text(scenario_id, f"Shortest path: {title}", list(steps), ending_id, f"A shortest path to the ending '{ending_id}'.")))
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
