"""``sim run``: a scripted or rolled run, printed as a transcript."""

from __future__ import annotations

import sys

from sim.diagnostics import UsageError, escape, sort_key
from sim.export.transcript import render
from sim.files import write_output
from sim.format import load_scenario
from sim.format.catalog import resolve
from sim.format.script import load_script
from sim.runner import run_sampled, run_script


def run(scenario_name: str, script_path: str | None, seed: int | None, fmt: str, output: str | None, play: list[str] | None = None) -> int:
    if play and not script_path:
        raise UsageError("--play needs --script: the script's steps are that side's choices")
    sides = [s.strip() for item in play or () for s in item.split(",") if s.strip()] or None
    scenario = load_scenario(resolve(scenario_name))
    if script_path:
        outcome = run_script(scenario, load_script(script_path), seed, sides)
    else:
        outcome = run_sampled(scenario, 0 if seed is None else seed)
    text = render(outcome.session, fmt)
    write_output(output or "-", text)
    for d in sorted(outcome.failures, key=sort_key):
        print(d.format(), file=sys.stderr)
    if outcome.failures:
        print(f"{len(outcome.failures)} expectation{'s' if len(outcome.failures) != 1 else ''} failed", file=sys.stderr)
        return 3
    if outcome.dead_end:
        print(escape(f"{scenario.path}: the run stopped at a dead end: nothing is on offer and no ending applies"), file=sys.stderr)
        return 4
    return 0
