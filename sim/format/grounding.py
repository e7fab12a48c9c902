"""Check quotes verbatim against the source articles in ``seeds/``.

Matching folds runs of white space and typographic quotes (so “yes, but” matches
"yes, but"), nothing else: a quote must be the article's own words. Where one is
not found, the nearest passage is offered so the author can see what differs.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.diagnostics import InputError
from sim.files import FileError, confine
from sim.files import checked_path as _checked
from sim.format.yamlread import decode_text, read_bytes

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
})  # fmt: skip


def fold(text: str) -> str:
    return " ".join(text.translate(_FOLD).split())


@dataclass(slots=True)
class SourceText:
    """An article's text, with a folded copy mapped back to the original offsets."""

    path: Path
    raw: str
    sha256: str
    folded: str
    offsets: list[int]  # folded index -> raw index

    @classmethod
    def read(cls, path: Path, label: str, roots: Sequence[Path] | None = None) -> SourceText:
        raw_bytes = read_bytes(path, label, roots)
        raw = decode_text(raw_bytes, label)
        folded_chars: list[str] = []
        offsets: list[int] = []
        pending_space = False
        for i, ch in enumerate(raw.translate(_FOLD)):
            if ch.isspace():
                pending_space = bool(folded_chars)
                continue
            if pending_space:
                folded_chars.append(" ")
                offsets.append(i - 1)
                pending_space = False
            folded_chars.append(ch)
            offsets.append(i)
        return cls(path, raw, hashlib.sha256(raw_bytes).hexdigest(), "".join(folded_chars), offsets)

    def find(self, quote: str) -> tuple[int, int] | None:
        """The (start, end) of ``quote`` in the raw text, or None."""
        needle = fold(quote)
        if not needle:
            return None
        at = self.folded.find(needle)
        if at < 0:
            return None
        end = at + len(needle) - 1
        return self.offsets[at], self.offsets[end] + 1

    def nearest(self, quote: str) -> str:
        """The passage of the article that best matches ``quote`` (for error messages)."""
        needle = fold(quote)
        hay = self.folded
        if not needle or not hay:
            return ""
        width = len(needle)
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(needle)
        best, best_at = -1.0, 0
        step = max(1, width // 4)
        for start in range(0, max(1, len(hay) - width // 2), step):
            matcher.set_seq1(hay[start : start + width])
            if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
                continue
            score = matcher.ratio()
            if score > best:
                best, best_at = score, start
        # refine around the best window
        for start in range(max(0, best_at - step), min(len(hay), best_at + step)):
            matcher.set_seq1(hay[start : start + width])
            score = matcher.ratio()
            if score > best:
                best, best_at = score, start
        snippet = hay[best_at : best_at + width]
        return snippet


class Library:
    """Source texts by path, read once per validation run."""

    def __init__(self):
        self._texts: dict[Path, SourceText | InputError] = {}

    def get(self, path: Path, label: str, roots: Sequence[Path] | None = None) -> SourceText:
        """The text at ``path``; with ``roots``, only if it lies inside one of them (checked on
        every call: the cache is shared by scenarios with different projects)."""
        try:
            key = confine(path, roots, label) if roots is not None else os.path.realpath(_checked(path, label))
        except FileError as exc:
            raise InputError(exc.diagnostics) from None
        if key not in self._texts:
            try:
                self._texts[key] = SourceText.read(path, label)
            except InputError as exc:
                self._texts[key] = exc
        found = self._texts[key]
        if isinstance(found, InputError):
            raise found
        return found
