"""Problems found in input files, reported one line each as ``file:line:col: message``.

Every layer that reads user input (YAML, scenario format, scripts, save files) reports
through :class:`Diagnostic`; nothing raises a raw traceback at the user.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int  # 1-based; 0 when the problem has no position (e.g. an unreadable file)
    col: int  # 1-based; 0 when unknown
    message: str
    severity: str = ERROR
    where: str = ""  # dotted path inside the document, e.g. "moves.us_propose.when"

    def format(self) -> str:
        place = self.file
        if self.line:
            place += f":{self.line}:{self.col or 1}"
        where = f"{self.where}: " if self.where else ""
        return f"{place}: {self.severity}: {where}{self.message}"

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.format()


class InputError(Exception):
    """Raised at the edges when input cannot be used; carries every diagnostic found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    @classmethod
    def single(cls, file: str, message: str, line: int = 0, col: int = 0, where: str = ""):
        return cls([Diagnostic(file, line, col, message, ERROR, where)])


def sort_key(d: Diagnostic):
    return (d.file, d.line, d.col, d.severity != ERROR, d.message)


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix when a close match exists, else ''."""
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def dotted(path: Iterable[object]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
