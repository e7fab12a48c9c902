"""How long a scenario runs, from exhaustive exploration: what a teacher plans a lesson by.

A path's length is the number of turns played: the turn in which its ending came,
whether during the turn or when it closed (the engine then already counts the next
turn, which is never played; the horizon's ending comes after the last turn). The
typical length is the median under the author's weights, moves counted equally: half
of the weight ends by then. Like every figure from the weights, it reads the author's
judgement; it is not a forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.analysis.explore import Result
from sim.engine.model import Scenario


@dataclass(frozen=True, slots=True)
class Length:
    shortest: int  # the soonest any path ends
    typical: int  # half the weight has ended by this turn
    longest: int  # the latest any path ends
    horizon: int
    complete: bool  # False when exploration stopped early or paths were still running

    def describe(self) -> str:
        """ "2 to 14 turns, typically 8" """
        if self.shortest == self.longest:
            return f"{self.shortest} turn{'s' if self.shortest != 1 else ''}"
        return f"{self.shortest} to {self.longest} turns, typically {self.typical}"


def length(scn: Scenario, result: Result) -> Length | None:
    """The length of ``scn``'s paths from an exhaustive ``result``; None if no path ended."""
    by_turn: dict[int, float] = {}
    for turn, mass in result.ended_at.items():
        if mass > 0:
            by_turn[turn] = by_turn.get(turn, 0.0) + mass
    if not by_turn:
        return None
    total = sum(by_turn.values())
    running = 0.0
    typical = max(by_turn)
    for turn in sorted(by_turn):
        running += by_turn[turn]
        if running >= total / 2 - 1e-12:
            typical = turn
            break
    return Length(min(by_turn), typical, max(by_turn), scn.horizon, result.complete and result.open == 0)
