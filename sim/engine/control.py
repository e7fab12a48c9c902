"""Who controls each side at run time: a person (a seat, a script, the director) or
the author's weights.

Every branch point has an owner (:func:`sim.engine.core.owner`): a side, chance, or
the open table. :class:`Players` says which sides a person plays; a branch point
whose owner no person plays is rolled by the author's weights (seeded, like every
roll of a session). Chance is never a person's, and nor is an open table's move
unless one person directs every side: to play one side against the weights, use a
scenario in rounds or sealed rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sim.engine import core
from sim.engine.session import Session, Step

MAX_ROLLS = 10_000  # a horizon always ends a scenario well before this; it guards dead loops


class Control(StrEnum):
    PERSON = "person"  # a seat, a script or the director chooses
    WEIGHTS = "weights"  # the author's weights roll


@dataclass(frozen=True, slots=True)
class Players:
    """The sides a person plays (None: one person directs every side and every branch)."""

    people: frozenset[str] | None = None

    @classmethod
    def director(cls) -> Players:
        return cls(None)

    @classmethod
    def playing(cls, sides) -> Players:
        return cls(frozenset(sides))

    @property
    def directed(self) -> bool:
        return self.people is None

    def control(self, side: str) -> Control:
        return Control.PERSON if self.people is None or side in self.people else Control.WEIGHTS

    def by_person(self, session: Session, step_id: int | None = None) -> bool:
        """True when a person decides at the step (else the author's weights roll there)."""
        if self.people is None:
            return True
        return session.owner(step_id) in self.people


def play_weights(session: Session, players: Players, limit: int = MAX_ROLLS) -> Step:
    """Roll, by the author's weights, every branch point that no person decides, up to the
    next one a person does (or an ending, or a dead end). Returns the step reached."""
    for _ in range(limit):
        node = session.node
        if node.over or players.by_person(session) or not core.options(session.scenario, node):
            break
        session.roll()
    return session.step()
