"""Headless runs: replay a script (checking its expectations) or roll to an ending."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.diagnostics import Diagnostic, InputError, did_you_mean
from sim.engine.control import MAX_ROLLS, Players, play_weights
from sim.engine.model import Scenario
from sim.engine.replay import take
from sim.engine.session import ChoiceError, Session
from sim.format.load import Origin, locate
from sim.format.script import STEP_FORMS, Expect, LoadedScript


@dataclass
class RunOutcome:
    session: Session
    failures: list[Diagnostic] = field(default_factory=list)  # expectations that did not hold
    dead_end: bool = False


def roll_to_end(session: Session) -> bool:
    """Roll until an ending; returns False if a dead end (nothing on offer) stops it."""
    for _ in range(MAX_ROLLS):
        if session.node.over:
            return True
        if not session.options():
            return False
        session.roll()
    return session.node.over


def run_sampled(scenario: Scenario, seed: int) -> RunOutcome:
    session = Session(scenario, seed)
    finished = roll_to_end(session)
    return RunOutcome(session, [], dead_end=not finished)


def run_script(scenario: Scenario, loaded: LoadedScript, seed: int | None = None, play: list[str] | None = None) -> RunOutcome:
    """Replay a script. With ``play`` (or the script's ``play:``) its steps are the choices
    of those sides only, and the author's weights roll every other branch point."""
    script = loaded.script
    if script.scenario != scenario.id:
        raise InputError([locate(loaded.at("scenario"), (), f"this script is for scenario '{script.scenario}', not '{scenario.id}'")])
    problems = [d for step in loaded.steps if step.expect for d in _check_names(scenario, step.expect, step.origin)]
    if script.expect is not None:
        problems += _check_names(scenario, script.expect, loaded.at("expect"))
    sides = play if play is not None else script.sides()
    problems += _check_sides(scenario, sides, loaded.at("play"))
    problems += [d for step in loaded.steps if step.by for d in _check_sides(scenario, [step.by], step.origin, STEP_FORMS)]
    if problems:
        raise InputError(problems)
    players = Players.director() if sides is None else Players.playing(sides)
    session = Session(scenario, script.seed if seed is None else seed)
    outcome = RunOutcome(session)
    if not players.directed:
        play_weights(session, players)
    for step in loaded.steps:
        if step.kind == "expect":
            outcome.failures += check_expect(session, step.expect, step.origin)
            continue
        try:
            if not players.directed and not session.node.over and not players.by_person(session):
                raise ChoiceError(f"no side the script plays ({', '.join(sides)}) decides here")
            take(session, step.as_choice())
        except ChoiceError as exc:
            raise InputError([locate(step.origin, (), str(exc))]) from None
        if not players.directed:
            play_weights(session, players)
    if script.finish:
        outcome.dead_end = not roll_to_end(session)
    if script.expect is not None:
        outcome.failures += check_expect(session, script.expect, loaded.at("expect"))
    return outcome




def _check_sides(scenario: Scenario, sides: list[str] | None, origin: Origin, hint: str = "") -> list[Diagnostic]:
    out = []
    for side in sides or ():
        if side not in scenario.actors:
            out.append(locate(origin, (), f"unknown side '{side}'{did_you_mean(side, scenario.actors)}" + (f"; {hint}" if hint else "")))
    return out


def _names(scenario: Scenario) -> dict[str, object]:
    return {slot.name: slot for slot in scenario.slots if slot.kind == "value" or slot.index == 0}


def _check_names(scenario: Scenario, expect: Expect, origin: Origin) -> list[Diagnostic]:
    out = []
    names = _names(scenario)
    for key in expect.state:
        if key not in names:
            out.append(locate(origin, ("state", key), f"unknown variable or stance '{key}'{did_you_mean(key, names)}", key=True))
    known_acts = set(scenario.by_id) | set(scenario.rule_by_id)
    for field_name in ("happened", "not_happened"):
        for i, ref in enumerate(getattr(expect, field_name)):
            if ref not in known_acts:
                out.append(locate(origin, (field_name, i), f"unknown act '{ref}'{did_you_mean(ref, known_acts)}"))
    if expect.ending not in (None, "none") and scenario.ending_by_id(expect.ending) is None:
        out.append(locate(origin, ("ending",), f"unknown ending '{expect.ending}'{did_you_mean(expect.ending, [e.id for e in scenario.endings])}"))
    return out


def check_expect(session: Session, expect: Expect, origin: Origin) -> list[Diagnostic]:
    """Compare the session's current step with ``expect``; one diagnostic per difference."""
    scn = session.scenario
    node = session.node
    out = []
    got_ending = scn.endings[node.ending].id if node.over else "none"
    if expect.ending is not None and expect.ending != got_ending:
        out.append(locate(origin, ("ending",), f"expected ending '{expect.ending}', got '{got_ending}'"))
    if expect.turn is not None and expect.turn != node.turn:
        out.append(locate(origin, ("turn",), f"expected turn {expect.turn}, got {node.turn}"))
    names = _names(scn)
    for key, want in expect.state.items():
        slot = names[key]
        got = slot.show(node.state)
        want_text = ("true" if want else "false") if isinstance(want, bool) else str(want)
        if got != want_text:
            out.append(locate(origin, ("state", key), f"expected {key} == {want_text}, got {got}"))
    happened = set()
    for step in session.path()[1:]:
        for fired in step.trace:
            if fired.id:
                happened.add(fired.id)
                happened.add(fired.id.split(".")[0])
    for i, ref in enumerate(expect.happened):
        if ref not in happened:
            out.append(locate(origin, ("happened", i), f"expected '{ref}' to have happened on this path; it did not"))
    for i, ref in enumerate(expect.not_happened):
        if ref in happened:
            out.append(locate(origin, ("not_happened", i), f"expected '{ref}' not to have happened; it did"))
    return out
