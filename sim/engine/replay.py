"""Replaying recorded choices: the one way a script, a saved session or a store
rebuilds a session.

A recorded choice is an act id, ``roll`` (roll afresh), or an act id marked as
rolled when it was recorded (a saved session writes ``{rolled: id}``), so that the
replay shows it was rolled and a later roll at that step draws afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sim.engine.model import Scenario
from sim.engine.session import ChoiceError, Session, Step
from sim.engine.vocab import How, possessive

ROLL = "roll"


@dataclass(frozen=True, slots=True)
class Choice:
    act: str  # an act id ("rule.alt" or just "alt" at a chance node), or "roll"
    rolled: bool = False  # it was rolled when it was recorded
    by: str | None = None  # whose choice the recording says it is (checked when given)
    # A room's facilitator decided it (a vocab.Ruling: roll, pick, override, inject) and why:
    # the replayed step's trace says so, as the room's did (see mark_ruling).
    ruling: str | None = None
    reason: str | None = None


class ReplayError(ChoiceError):
    """A recorded choice that cannot be taken; ``where`` locates it in the recording."""

    def __init__(self, message: str, where: tuple):
        super().__init__(message)
        self.where = where  # ("steps", i) or ("explored", branch, i)


def as_choice(item: str | Choice) -> Choice:
    return item if isinstance(item, Choice) else Choice(item)


def take(session: Session, choice: Choice | str) -> Step:
    """Take one recorded choice at the session's current step; raises ChoiceError."""
    choice = as_choice(choice)
    if choice.ruling is not None:
        return mark_ruling(_taken(session, choice), choice.ruling, choice.reason)
    return _taken(session, choice)


def mark_ruling(step: Step, ruling: str, reason: str | None) -> Step:
    """Mark the step's first trace line as a room facilitator's ruling, so the why screen
    and the transcripts say "Decided by the facilitator (...)". The room (sim.room.state)
    and a replay of its exported script both mark it here, so they cannot differ."""
    if step.trace:
        step.trace = (step.trace[0].with_ruling(ruling, reason), *step.trace[1:])
    return step


def _taken(session: Session, choice: Choice) -> Step:
    if choice.by is not None:
        owner = session.owner()
        if owner != choice.by:
            raise ChoiceError(f"this step is {possessive(session.scenario.owner_name(choice.by))} choice, but here {session.scenario.owner_name(owner)} decides")
    if choice.act == ROLL:
        return session.roll()
    parent = session.step()
    count = len(session.steps)
    step = session.choose(choice.act, how=How.ROLLED if choice.rolled else How.PICKED)
    if choice.rolled and len(session.steps) > count:
        parent.rolls += 1  # as when it was rolled: a roll there now draws afresh
    return step


def follow(session: Session, choices: Iterable[Choice | str], where: tuple = ("steps",)) -> Step:
    """Take ``choices`` in order from the start; a failure names its index in ``where``."""
    session.current = 0
    for i, choice in enumerate(choices):
        try:
            take(session, choice)
        except ChoiceError as exc:
            name = as_choice(choice).act
            raise ReplayError(f"step {i + 1} ('{name}'): {exc}", (*where, i)) from None
    return session.step()


def rebuild(scenario: Scenario, seed: int, steps: Sequence[Choice | str], explored: Sequence[Sequence[Choice | str]] = ()) -> Session:
    """A session rebuilt from a recording: every explored branch, then the current path
    (so the cursor ends on the last of ``steps``). Raises :class:`ReplayError`."""
    session = Session(scenario, seed)
    for b, branch in enumerate(explored):
        follow(session, branch, ("explored", b))
    follow(session, steps, ("steps",))
    return session
