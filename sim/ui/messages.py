"""Every message the UI's parts send each other, declared in one place."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sim.engine.model import QuoteRef


@dataclass
class SessionChanged(Message):
    """The session moved (a choice, a roll, back, a jump) or was replaced (load)."""


@dataclass
class ChoicePicked(Message):
    """The user picked the option with this act id at the current step."""

    act_id: str


@dataclass
class StepSelected(Message):
    """The user selected a step in the branch tree: go there."""

    step_id: int


@dataclass
class UntakenSelected(Message):
    """The user selected a branch not yet taken: go to its step and take it."""

    step_id: int
    act_id: str


@dataclass
class OpenQuote(Message):
    """Open the source viewer at this quote."""

    quote: QuoteRef


@dataclass
class OpenActor(Message):
    """Open an actor's briefing, optionally at one issue."""

    actor: str
    issue: str | None = None
