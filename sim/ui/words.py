"""Small wording helpers shared by the app and the screens (nothing heavy imported:
the app uses them before the engine has loaded)."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """"1 step", "2 steps" ("1 party", "3 parties" with ``many``)."""
    return f"{n} {word if n == 1 else many or word + 's'}"
