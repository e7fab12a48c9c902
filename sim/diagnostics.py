"""Problems found in input files, reported one line each as ``file:line:col: message``.

Every layer that reads user input (YAML, scenario format, scripts, save files) reports
through :class:`Diagnostic`; nothing raises a raw traceback at the user.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
MAX_LINE = 1000  # characters of a diagnostic's message; a longer one is cut (an echoed value, mostly)
MAX_NAME = 300  # characters of a file name or document path shown; the middle of a longer one is cut

# What input text may not contain: C0 and C1 control characters (and DEL) except newline and
# tab, and a carriage return other than in a CRLF line end. Scenarios, scripts, sessions and
# source articles are all refused at the first one, so no escape sequence ever reaches a
# terminal from a file that was accepted.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# What is never echoed raw: every control character, line and paragraph separators, and the
# bidirectional overrides that reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape(text: str) -> str:
    """``text`` safe to print on one line of a terminal: control characters as escapes."""
    return _UNSAFE.sub(lambda m: _NAMED.get(m[0]) or (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}"), text)


def control_message(char: str) -> str:
    return f"control character U+{ord(char):04X} is not allowed (text may hold newlines and tabs, no other control characters)"


def cut_middle(text: str, limit: int) -> str:
    """A long name with its middle cut, keeping the start and the end (the file's own name)."""
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return text[:half] + "..." + text[-half:]


def cut(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text`` (an echoed value), marked when cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int  # 1-based; 0 when the problem has no position (e.g. an unreadable file)
    col: int  # 1-based; 0 when unknown
    message: str
    severity: str = ERROR
    where: str = ""  # dotted path inside the document, e.g. "moves.us_propose.when"

    def format(self) -> str:
        """One line, escaped, with a very long file name or message cut (the reason kept)."""
        place = cut_middle(escape(self.file), MAX_NAME)
        if self.line:
            place += f":{self.line}:{self.col or 1}"
        where = f"{cut_middle(escape(self.where), MAX_NAME)}: " if self.where else ""
        return f"{place}: {self.severity}: {where}{cut(escape(self.message), MAX_LINE)}"

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


class UsageError(Exception):
    """Options that cannot be used as given (the CLI prints the message and exits 2)."""


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
