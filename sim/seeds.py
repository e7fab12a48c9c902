"""Seeds: one range for the command line, scripts and saved sessions.

A seed is a whole number from 0 to 2**63 - 1, so every seed a user can give is one a saved
session can carry and be reopened with (a session saved with ``seed: -1`` could never be)."""

from __future__ import annotations

MIN_SEED = 0
MAX_SEED = 2**63 - 1
RANGE_TEXT = f"a whole number from {MIN_SEED} to {MAX_SEED}"


def parse_seed(text: str) -> int:
    """``--seed``'s argparse type: a usage error (exit 2) outside the range."""
    import argparse

    try:
        value = int(text, 10)
    except ValueError:
        value = None
    if value is None or not MIN_SEED <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be {RANGE_TEXT}, not {text!r}")
    return value
