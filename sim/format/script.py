"""Scripts and saved sessions: one YAML format for both.

A script is a list of choices (act ids, or ``roll``) with optional expectations;
a saved session is the same thing plus the other branches explored, so a session
saved in class replays in a test with ``sim run SCENARIO --script FILE``::

    scenario: ceasefire_30_day
    seed: 7
    steps:
      - us_put_ceasefire_to_moscow
      - russia_answers_ceasefire.yes_but
      - expect: {state: {ceasefire: conditional}}
      - roll
    expect:
      ending: truce_holds

With ``play: russia`` (or a list of sides) the steps are only that side's choices,
and the author's weights roll every other branch point (sim.engine.control); a step
may say whose choice it is, ``{russia: russia_answers_call.yes_but}``, or whose roll,
``{rolled: russia_answers_call.yes_but, by: russia}``.

A room's exported path (sim.room.export) adds the facilitator's rulings, which a
replay marks on the step as the room did, so the transcripts are identical::

      - {facilitator: season.severe, ruling: override, reason: the class argued it}
      - {facilitator: season.mild, ruling: roll}        # the author's roll, accepted
      - {facilitator: "inject:season", ruling: inject}  # an event brought in on demand
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import Field, StringConstraints, TypeAdapter, ValidationError

from sim import invocation
from sim.diagnostics import Diagnostic, InputError
from sim.engine.replay import Choice
from sim.files import write_file
from sim.format.load import Origin, locate, pydantic_diagnostic
from sim.format.models import ID_PATTERN, Model
from sim.format.yamlread import Document, check_reopens, load_file, load_text
from sim.seeds import MAX_SEED, MIN_SEED

ActRef = str

try:  # libyaml's emitter: an autosave of a long session costs a fraction of the pure-Python one
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]


class Expect(Model):
    """What must hold at this point (or, at the top level, after the last step)."""

    ending: str | None = None
    "An ending id, or 'none' for a scenario still running."
    state: dict[str, str | int | bool] = {}
    "Variables and stances (actor.issue) with the values they must have."
    turn: int | None = None
    happened: list[ActRef] = []
    "Acts that must be on the path (move ids, rule ids or rule.alternative ids)."
    not_happened: list[ActRef] = []


class Script(Model):
    scenario: str
    "The id of the scenario this script is for."
    seed: int = Field(default=0, ge=MIN_SEED, le=MAX_SEED)
    steps: list[str | dict] = []
    expect: Expect | None = None
    finish: bool = False
    "After the steps, roll on to an ending."
    explored: list[list[str | dict]] = []
    "Other branches of a saved session, restored when it is loaded (a replay ignores them)."
    title: str | None = None
    "A title for the script or session, shown where it is listed."
    play: Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)] | list[Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]] | None = None
    "The side (or sides) the steps play; the author's weights roll every other branch. Omitted: the steps make every choice."

    def sides(self) -> list[str] | None:
        if self.play is None:
            return None
        return [self.play] if isinstance(self.play, str) else list(self.play)


@dataclass(slots=True)
class ScriptStep:
    kind: str  # "choice" or "expect"
    choice: str = ""
    expect: Expect | None = None
    rolled: bool = False  # the choice was rolled when the session was saved
    origin: Origin | None = None  # for file:line:col in replay errors
    by: str | None = None  # the side whose choice the step says it is
    ruling: str | None = None  # a room's facilitator decided it (a vocab.Ruling)
    reason: str | None = None  # ... and said why

    def as_choice(self) -> Choice:
        return Choice(self.choice, self.rolled, self.by, self.ruling, self.reason)


def choice_of(item: str | dict) -> Choice:
    """One recorded choice of ``steps`` or ``explored``: an id, ``roll`` or ``{rolled: id}``."""
    if isinstance(item, dict) and isinstance(item.get("rolled"), str):
        return Choice(item["rolled"].strip(), rolled=True)
    return Choice(str(item).strip())


@dataclass(slots=True)
class LoadedScript:
    script: Script
    steps: list[ScriptStep]
    doc: Document

    def at(self, *path) -> Origin:
        return Origin(self.doc, tuple(path))

    def choices(self) -> list[Choice]:
        """The steps' choices in order (expectations left out)."""
        return [s.as_choice() for s in self.steps if s.kind == "choice"]

    def explored(self) -> list[list[Choice]]:
        """The other branches of a saved session, each as its choices from the start."""
        return [[choice_of(item) for item in branch] for branch in self.script.explored]


_SCRIPT = TypeAdapter(Script)
_EXPECT = TypeAdapter(Expect)


def load_script(path: str | Path) -> LoadedScript:
    """Read a script or saved session; raises InputError with every problem found."""
    doc = load_file(path)
    return parse_script(doc)


def parse_script_text(text: str, label: str) -> LoadedScript:
    return parse_script(load_text(text, label))


def parse_script(doc: Document) -> LoadedScript:
    if not isinstance(doc.data, dict):
        raise InputError.single(doc.file, "a script is a mapping with scenario, seed and steps", 1, 1)
    try:
        script = _SCRIPT.validate_python(doc.data)
    except ValidationError as exc:
        raise InputError(pydantic_diagnostic(doc, (), err, doc.data, _SCRIPT) for err in exc.errors(include_url=False)) from None
    problems: list[Diagnostic] = []
    steps: list[ScriptStep] = []
    for i, raw in enumerate(script.steps):
        origin = Origin(doc, ("steps", i))
        if isinstance(raw, str):
            if not raw.strip():
                problems.append(locate(origin, (), "an empty step; write an act id or 'roll'"))
            steps.append(ScriptStep("choice", raw.strip(), origin=origin))
            continue
        if set(raw) == {"rolled"} and isinstance(raw["rolled"], str) and raw["rolled"].strip():
            steps.append(ScriptStep("choice", raw["rolled"].strip(), rolled=True, origin=origin))
            continue
        if set(raw) == {"rolled", "by"} and isinstance(raw["rolled"], str) and raw["rolled"].strip() and _side_id(raw["by"]):
            steps.append(ScriptStep("choice", raw["rolled"].strip(), rolled=True, origin=origin, by=raw["by"]))
            continue
        if "ruling" in raw and "facilitator" in raw:
            step, problem = _ruling_step(raw, origin)
            if problem:
                problems.append(locate(origin, (), problem))
            else:
                steps.append(step)
            continue
        if len(raw) == 1 and "expect" not in raw:
            (side, choice), = raw.items()
            if isinstance(side, str) and re.match(ID_PATTERN, side) and isinstance(choice, str) and choice.strip():
                steps.append(ScriptStep("choice", choice.strip(), origin=origin, by=side))
                continue
        if set(raw) != {"expect"}:
            problems.append(locate(origin, (), STEP_FORMS))
            continue
        try:
            expect = _EXPECT.validate_python(raw["expect"])
            steps.append(ScriptStep("expect", expect=expect, origin=Origin(doc, ("steps", i, "expect"))))
        except ValidationError as exc:
            problems.extend(pydantic_diagnostic(doc, ("steps", i, "expect"), err, raw["expect"], _EXPECT) for err in exc.errors(include_url=False))
    if problems:
        raise InputError(problems)
    return LoadedScript(script, steps, doc)


STEP_FORMS = "a step is an act id, 'roll', {rolled: id}, {side: id} (that side's choice), {rolled: id, by: side}, {facilitator: id, ruling: ..., reason: ...} or {expect: {...}}"
RULINGS = ("roll", "pick", "override", "inject")  # sim.engine.vocab.Ruling, as a script writes them
MAX_REASON = 500


def _side_id(value) -> bool:
    return isinstance(value, str) and re.match(ID_PATTERN, value) is not None and len(value) <= 64


def _ruling_step(raw: dict, origin: Origin) -> tuple[ScriptStep | None, str | None]:
    """``{facilitator: ACT, ruling: R, reason: TEXT}``: a room facilitator's ruling."""
    extra = sorted(set(raw) - {"facilitator", "ruling", "reason"})
    if extra:
        return None, f"a facilitator's ruling has facilitator, ruling and reason, not {extra[0]!r}"
    act, ruling, reason = raw["facilitator"], raw["ruling"], raw.get("reason")
    if not isinstance(act, str) or not act.strip():
        return None, "a facilitator's ruling names the act it took: {facilitator: id, ruling: ...}"
    if ruling not in RULINGS:
        return None, f"a ruling is one of {', '.join(RULINGS)}"
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON or any(not ch.isprintable() for ch in reason)):
        return None, f"a ruling's reason is one line of at most {MAX_REASON} characters"
    if ruling == "override" and not (reason or "").strip():
        return None, "an override needs its reason: {facilitator: id, ruling: override, reason: ...}"
    if (ruling == "inject") != act.strip().startswith("inject:"):
        return None, "an inject's act is inject:EVENT, and only an inject's"
    return ScriptStep("choice", act.strip(), rolled=ruling == "roll", origin=origin, ruling=ruling, reason=reason or None), None


def session_to_yaml(session, title: str | None = None) -> str:
    """The session as a script: its current path as steps, other branches as explored."""
    return dump_session(session_data(session, title))


def session_data(session, title: str | None = None) -> dict:
    """The plain data of :func:`session_to_yaml` (cheap; the YAML dump is the costly part)."""
    current = session.choices()
    explored = []
    for leaf in session.leaves():
        choices = session.choices(leaf.id)
        # every leaf except the ones the current path already passes through
        if choices and current[: len(choices)] != choices:
            explored.append(_marked(session, leaf.id))
    data: dict = {"scenario": session.scenario.id, "seed": session.seed}
    if title:
        data["title"] = title
    data["steps"] = _marked(session, session.current)
    if explored:
        data["explored"] = explored
    return data


def dump_session(data: dict, what: str = "A saved session") -> str:
    header = (
        f"# {what} of the diplomatic scenario simulator.\n"
        f"# Replay it with: {invocation.run_script(data['scenario'])}\n"
    )
    text = header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    check_reopens(text, data, "the session")  # one too big to reopen is never written
    return text


def _marked(session, step_id: int) -> list:
    """The choices to a step; a rolled one as {rolled: id}, so a replay shows it was rolled."""
    return [{"rolled": s.choice} if s.how == "rolled" else s.choice for s in session.path(step_id)[1:]]


def write_atomic(path: Path, text: str) -> None:
    """Kept for existing callers: the one write path, :func:`sim.files.write_file` (whole or
    not at all, keeps the mode, writes through symlinks, never replaces a device, creates
    no folders, fails with a one-line :class:`sim.files.FileError`, an ``OSError``)."""
    write_file(path, text)
