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
        """The passage of the article that best matches ``quote`` (for error messages).

        Bounded whatever the sizes: the quote is compared by its first :data:`MAX_NEEDLE`
        characters; an article of up to :data:`SCAN_ALL` characters (every real one) is
        scanned window by window; a longer one is searched only where runs of the quote's
        own words occur (found by ``str.find``, at C speed), so a misquote against a 4 MB
        source takes milliseconds, not the 24 s a full scan took."""
        needle = fold(quote)[:MAX_NEEDLE]
        hay = self.folded
        if not needle or not hay:
            return ""
        if len(hay) <= SCAN_ALL:
            starts = range(0, max(1, len(hay) - len(needle) // 2), max(1, len(needle) // 4))
        else:
            starts = _anchored_starts(needle, hay)
        return _best_window(needle, hay, starts)


MAX_NEEDLE = 400  # characters of a quote compared with the article
SCAN_ALL = 32_000  # articles up to this many (folded) characters are scanned window by window
ANCHOR = 12  # characters in each run of the quote looked up in a long article
MAX_ANCHORS = 24  # runs looked up (each is one pass over the article at C speed)
MAX_HITS = 200  # places one run is counted at (a very common run says little)
MAX_CANDIDATES = 24  # places compared in full


def _anchored_starts(needle: str, hay: str) -> list[int]:
    """Window starts in ``hay`` where several runs of ``needle`` line up (best first)."""
    q = min(ANCHOR, len(needle))
    offsets = range(0, len(needle) - q + 1)
    if len(offsets) > MAX_ANCHORS:
        offsets = [offsets[i * (len(offsets) - 1) // (MAX_ANCHORS - 1)] for i in range(MAX_ANCHORS)]
    bucket = max(1, len(needle) // 4)
    votes: dict[int, int] = {}
    seen: set[str] = set()
    for k in offsets:
        gram = needle[k : k + q]
        if gram in seen:
            continue
        seen.add(gram)
        at = hay.find(gram)
        hits = 0
        while at >= 0 and hits < MAX_HITS:
            b = max(0, at - k) // bucket
            votes[b] = votes.get(b, 0) + 1
            hits += 1
            at = hay.find(gram, at + 1)
    best = sorted(votes, key=lambda b: (-votes[b], b))[:MAX_CANDIDATES]
    return [b * bucket for b in best]


def _best_window(needle: str, hay: str, starts) -> str:
    width = len(needle)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    best, best_at = -1.0, None
    for start in starts:
        matcher.set_seq1(hay[start : start + width])
        if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
            continue
        score = matcher.ratio()
        if score > best:
            best, best_at = score, start
    if best_at is None:
        return ""
    step = max(1, width // 4)
    for start in range(max(0, best_at - step), min(len(hay), best_at + step)):  # refine around it
        matcher.set_seq1(hay[start : start + width])
        score = matcher.ratio()
        if score > best:
            best, best_at = score, start
    return hay[best_at : best_at + width]


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
