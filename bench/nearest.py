"""The nearest passage shown for a misquote: bounded search vs a full scan vs rapidfuzz.

Issue 7: a 157-character misquote against a 4 MB source took 24 s, because every window
of the source was compared with difflib. ``SourceText.nearest`` now scans window by window
only for articles up to ``SCAN_ALL`` characters (every real one) and, in a longer source,
compares only the places where runs of the quote's words occur.

Measured here, on a 4 MB source made of the seed articles (sentences shuffled with a
fixed seed, so no passage repeats exactly) and a 157-character passage from deep inside
it with a few characters changed:

- ``bounded``: ``SourceText.nearest``, what ``sim validate`` runs;
- ``full scan``: the same production window comparison (``_best_window``) over every
  window, which is what ``nearest`` did before (the reference the ratio is against);
- ``rapidfuzz``: ``fuzz.partial_ratio_alignment`` (C++), if rapidfuzz is installed.

Each also says whether it found the passage the misquote came from.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, fmt_time, parser, repeat_timed, stats, write_json  # noqa: E402

from sim.format.grounding import SourceText, _best_window, fold  # noqa: E402

SIZE = 4 * 1024 * 1024 - 4096


def make_source(folder: Path) -> Path:
    rng = random.Random(7)
    sentences = []
    for article in sorted((ROOT / "seeds").glob("*.txt")):
        sentences += [s.strip() for s in article.read_text(encoding="utf-8").replace("\n", " ").split(". ") if s.strip()]
    out, size = [], 0
    while size < SIZE:
        s = rng.choice(sentences)
        words = s.split()
        rng.shuffle(words)  # a new sentence from the same words: nothing repeats exactly
        line = " ".join(words) + ". "
        out.append(line)
        size += len(line.encode("utf-8"))
    path = folder / "big_source.txt"
    path.write_text("".join(out)[: SIZE // 2 * 2], encoding="utf-8")
    return path


def misquote(text: SourceText) -> tuple[str, int]:
    at = len(text.folded) * 3 // 4
    at = text.folded.index(" ", at) + 1
    passage = text.folded[at : at + 157]
    chars = list(passage)
    for i in (20, 60, 100, 140):  # four characters changed, as a careless copy would
        chars[i] = "x" if chars[i] != "x" else "y"
    return "".join(chars), at


def found(at: int, start: int | None, width: int = 157) -> bool:
    return start is not None and abs(start - at) < width // 2


def main() -> None:
    p = parser(__doc__.splitlines()[0], scenario=False)
    p.add_argument("--skip-full", action="store_true", help="skip the slow full-scan reference")
    args = p.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = make_source(Path(tmp))
        text = SourceText.read(path, "big_source.txt")
        quote, at = misquote(text)
        print(f"source: {path.stat().st_size / 1048576:.1f} MB ({len(text.folded):,} folded characters); misquote: {len(quote)} characters")
        assert text.find(quote) is None

        near = text.nearest(quote)
        samples = repeat_timed(lambda: text.nearest(quote), repeat=args.repeat, number=1)
        results["bounded"] = {**stats(samples), "found": found(at, text.folded.find(near))}

        if not args.skip_full:
            needle = fold(quote)
            starts = range(0, max(1, len(text.folded) - len(needle) // 2), max(1, len(needle) // 4))
            t0 = time.perf_counter()
            near_full = _best_window(needle, text.folded, starts)
            full = time.perf_counter() - t0
            results["full scan"] = {"median": full, "min": full, "max": full, "n": 1, "found": found(at, text.folded.find(near_full))}

        try:
            from rapidfuzz import fuzz
        except ImportError:
            results["rapidfuzz"] = {"skipped": "rapidfuzz is not installed"}
        else:
            hay = text.folded
            align = fuzz.partial_ratio_alignment(quote, hay)
            samples = repeat_timed(lambda: fuzz.partial_ratio_alignment(quote, hay), repeat=args.repeat, number=1)
            results["rapidfuzz"] = {**stats(samples), "found": found(at, align.dest_start)}

    ref = results.get("full scan", {}).get("median")
    print(f"{'method':<12} {'median':>10} {'min':>10} {'max':>10}  {'vs full scan':>12}  found the passage")
    for name, r in results.items():
        if "skipped" in r:
            print(f"{name:<12} {r['skipped']}")
            continue
        ratio = f"{r['median'] / ref:.5f}x" if ref else "-"
        print(f"{name:<12} {fmt_time(r['median']):>10} {fmt_time(r['min']):>10} {fmt_time(r['max']):>10}  {ratio:>12}  {r['found']}")
    write_json(args.json, {"nearest": results})


if __name__ == "__main__":
    main()
