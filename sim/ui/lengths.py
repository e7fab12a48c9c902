"""How long each scenario runs (sim.analysis.length), for the picker and the title bar, so a
teacher can plan a lesson: "1 to 8 turns, typically 4".

Measuring means exploring every branch, which takes from a fraction of a second to a
minute and hundreds of MB on the larger scenarios. So it is done once per scenario
content (keyed by sim.store.content.content_hash, so an edited scenario is measured
again), in a child process of its own (the UI's thread keeps the GIL and its memory),
at low priority, bounded by MAX_NODES; and the result is kept in the user's cache
(``$XDG_CACHE_HOME/sim/lengths.json``, else ``~/.cache/sim``), which served apps share.
A scenario too large to explore within the bound is remembered as such (an empty text)
and shown without a length: a partial exploration's lengths would mislead.

Standard library only at import: the app imports it before its first frame.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

VERSION = 1  # bump when the engine's exploration or the length's meaning changes
MAX_NODES = 1_000_000  # whole_arc_sealed, the largest shipped, takes 762,398 (~15 s, ~215 MB); larger ones say so
MAX_BYTES = 1 << 20  # the cache is a few lines per scenario; anything larger is not ours
TOO_LARGE = ""  # remembered for a scenario that does not fit in MAX_NODES


def cache_path() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "sim" / "lengths.json"


def read() -> dict[str, str]:
    """The cache: key -> the length in words ("" when too large to measure). A missing,
    unreadable or malformed cache reads as empty (it is measured again)."""
    try:
        with open(cache_path(), "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        data = json.loads(raw) if len(raw) <= MAX_BYTES else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and v.isprintable()}


def key(digest: str) -> str:
    return f"{VERSION}:{MAX_NODES}:{digest}"


def remember(digest: str, text: str) -> None:
    """Add one length to the cache: written whole to a temporary file, then renamed over the
    old one (a reader never sees half a file; a failed write leaves the old cache)."""
    path = cache_path()
    known = read()
    known[key(digest)] = text
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lengths-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(known, fh, indent=0, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a cache that cannot be written is measured again next time


def describe(path: str | Path, explore: bool = True) -> str | None:
    """The length of the scenario at ``path`` in words, from the cache or (``explore``) by
    exploring it, then cached; TOO_LARGE when it does not fit in MAX_NODES; None when it
    does not load, no path ends, or it is not cached and not to be explored. Slow: run it
    in the child process of :func:`measure_in_child`."""
    from sim.analysis.explore import exhaustive
    from sim.analysis.length import length
    from sim.diagnostics import InputError
    from sim.format import load_scenario
    from sim.store.content import content_hash

    try:
        scn = load_scenario(Path(path))
    except InputError:
        return None
    digest = content_hash(scn)
    known = read().get(key(digest))
    if known is not None or not explore:
        return known
    result = exhaustive(scn, max_nodes=MAX_NODES)
    span = length(scn, result)
    if span is None:
        return None
    text = span.describe() if span.complete else TOO_LARGE
    remember(digest, text)
    return text


def cached(digest: str) -> str | None:
    """What the cache knows of a scenario's length, by its content hash (fast: no exploring)."""
    return read().get(key(digest))


def measure_in_child(paths: list[str], each, cancelled, explore: bool = True) -> None:
    """Call ``each(path, text)`` for each scenario, measured one after another in a child
    process (``python -m sim.ui.lengths``, at low priority; not multiprocessing, which
    cannot start beside Textual's redirected standard streams). Returns when all are done,
    or soon after ``cancelled()`` turns true: the child is then killed, whatever it was
    exploring, so quitting or choosing a scenario never waits for it."""
    import subprocess
    import sys

    if not paths:
        return
    args = [sys.executable, "-m", "sim.ui.lengths", *([] if explore else ["--cached"]), "--", *paths]
    child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def watch() -> None:  # reading blocks: the cancel check runs beside it
        while not done.wait(0.1):
            if cancelled():
                child.kill()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        for line in child.stdout:
            try:
                path, text = json.loads(line)
            except (ValueError, TypeError):
                continue
            if path in paths and (text is None or isinstance(text, str)):
                each(path, text)
    finally:
        done.set()
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def main(argv: list[str]) -> None:
    """The child: one JSON line, [path, text], per scenario named, as each is measured."""
    try:
        os.nice(10)  # behind the UI and anything else the user runs
    except OSError:
        pass
    explore = "--cached" not in argv[: argv.index("--")]
    for path in argv[argv.index("--") + 1 :]:
        try:
            text = describe(path, explore)
        except Exception:  # noqa: BLE001 (one scenario's failure is not the others')
            text = None
        print(json.dumps([path, text]), flush=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
