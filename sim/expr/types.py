"""Types of the values a condition can see: booleans, bounded integers and enums."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BoolType:
    def describe(self) -> str:
        return "true/false"

    def show(self, raw) -> str:
        return "true" if raw else "false"


@dataclass(frozen=True, slots=True)
class IntType:
    lo: int
    hi: int
    unit: str = ""  # shown after the number ("m³/s")
    style: str = "plain"  # plain (1200), thousands (1,200) or signed (+3)

    def describe(self) -> str:
        return f"a whole number from {self.lo} to {self.hi}" + (f" ({self.unit})" if self.unit else "")

    def show(self, raw) -> str:
        """The value as scripts, traces and JSON write it (what ``expect: {state: ...}`` compares)."""
        return str(raw)

    def display(self, raw) -> str:
        """The value as a reader sees it: in the author's format, with the unit."""
        if self.style == "thousands":
            text = f"{raw:,}"
        elif self.style == "signed":
            text = f"{raw:+d}"
        else:
            text = str(raw)
        return f"{text} {self.unit}" if self.unit else text


@dataclass(frozen=True, slots=True)
class EnumType:
    """An enum is stored as the index of its value; ``name`` says which enum it is."""

    name: str
    values: tuple[str, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def show(self, raw) -> str:
        return self.values[raw]


BOOL = BoolType()
NEVER = -10_000  # the "last turn" of an act that has not happened: since(x) is then >= 10000

Type = BoolType | IntType | EnumType


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a named value lives in the state tuple, and how to show it."""

    index: int
    type: Type
    name: str  # as the author writes it: "ceasefire", "russia.crimea", "count(us_propose)"
    kind: str = "value"  # "value", or for history: "done", "count", "since"

    def show(self, state: tuple) -> str:
        raw = state[self.index]
        if self.kind == "done":
            return "true" if raw else "false"
        if self.kind == "since":
            since = state[0] - raw
            return "never" if raw == NEVER else str(since)
        return self.type.show(raw)
