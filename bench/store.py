"""The session store: cost of committing one step as a session grows, against the old autosave.

    python bench/store.py [SCENARIO] [--json FILE] [--repeat N] [--sizes 1000,5000,10000,19000]

One session grows by a seeded random walk (rolls and picks, and jumps back to an
earlier step as a class does) to each size. At each size:

* append: a fresh database holding the session (written whole, as a fork does),
  then ``Recorder.sync`` for each of the next 200 steps (the engine's step is not
  timed, only the commit), with ``synchronous=FULL`` (an fsync in every commit)
  and ``NORMAL`` (the default: no fsync in the commit, safe against a kill; the
  store's flusher thread puts it on the disk itself about a second later);
* move: ``Recorder.sync`` after the cursor moves (, e.g. ``b``);
* the reference in the same run: what the autosave on main did per step, the whole
  session serialised (``session_data``, on the UI thread) then dumped as YAML and
  written atomically (in a worker);
* open (with its quick_check), restore (replay of the log into a new engine
  session) and export (the script format; "too big" where the script would hold
  more values than the reader accepts, so it is refused rather than written).

Medians of the per-step samples; the ratio is autosave / append (FULL).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import _common as c

APPENDS = 200
SIZES = (1_000, 5_000, 10_000, 19_000)


def grow(session, target: int, rng: random.Random, recorder=None, times: list | None = None) -> None:
    """Walk until the tree has ``target`` steps; record (and time) each commit when given a recorder."""
    while len(session.steps) - 1 < target:
        if session.node.over or not session.options() or rng.random() < 0.12:
            session.goto(rng.randrange(len(session.steps)))
            if recorder is not None:
                t0 = time.perf_counter()
                recorder.sync()
                if times is not None:
                    times.append(("move", time.perf_counter() - t0))
            continue
        if rng.random() < 0.5:
            session.roll()
        else:
            session.choose(rng.choice(session.options()).act.id)
        if recorder is not None:
            t0 = time.perf_counter()
            recorder.sync()
            if times is not None:
                times.append(("append", time.perf_counter() - t0))
            assert recorder.kept, recorder.error


def measure_size(scn, session, rng, size: int, repeat: int, tmp: Path) -> dict:
    import yaml

    import sim.store.db as db
    from sim.files import FileError
    from sim.format.script import _Dumper, session_data, write_atomic
    from sim.store.db import NewSession, Store
    from sim.store.export import export_script
    from sim.store.record import Recorder, restore

    out: dict = {"size": size}
    new = NewSession(scn.id, "bench", 1, 7, scn.path)
    for mode in ("FULL", "NORMAL"):
        db.SYNCHRONOUS = mode
        path = tmp / f"{mode}-{size}.db"
        store = Store.open(path)
        recorder = Recorder(store, session, new)
        t0 = time.perf_counter()
        recorder.flush()  # the whole tree in one transaction (what a fork writes)
        out[f"write_whole_{mode}"] = time.perf_counter() - t0
        times: list = []
        grow(session, len(session.steps) - 1 + APPENDS, rng, recorder, times)
        out[f"append_{mode}"] = c.stats([t for kind, t in times if kind == "append"])
        moves = [t for kind, t in times if kind == "move"]
        out[f"move_{mode}"] = c.stats(moves) if moves else None
        store.close()
    db.SYNCHRONOUS = "FULL"

    # the reference: the autosave of before the store, per step (dump_session then had no
    # size check; today a session this big is refused as a file: too big to reopen)
    target = tmp / "autosave.yaml"
    data_t, total_t = [], []
    for _ in range(max(3, repeat // 2)):
        t0 = time.perf_counter()
        data = session_data(session)
        t1 = time.perf_counter()
        write_atomic(target, yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100))
        t2 = time.perf_counter()
        data_t.append(t1 - t0)
        total_t.append(t2 - t0)
    out["autosave_ui_thread"] = c.stats(data_t)
    out["autosave_total"] = c.stats(total_t)
    out["autosave_bytes"] = target.stat().st_size

    path = tmp / f"FULL-{size}.db"
    out["db_bytes"] = path.stat().st_size + sum(Path(f"{path}{s}").stat().st_size for s in ("-wal",) if Path(f"{path}{s}").exists())
    opens, restores, exports = [], [], []
    for _ in range(max(3, repeat // 2)):
        t0 = time.perf_counter()
        store = Store.open(path)
        opens.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        replayed = restore(store, scn, 1)
        restores.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        try:
            export_script(store, 1)
            exports.append(time.perf_counter() - t0)
        except FileError:  # more values than a script may hold to be reopened: refused, not written
            pass
        store.close()
    assert replayed.exact
    out["open"] = c.stats(opens)
    out["restore"] = c.stats(restores)
    out["export"] = c.stats(exports) if exports else None
    return out


def main(argv=None) -> dict:
    p = c.parser(__doc__.splitlines()[0])
    p.add_argument("--sizes", default=",".join(map(str, SIZES)), help="session sizes (steps) to measure at")
    args = p.parse_args(argv)
    repeat = max(5, args.repeat)
    sizes = [int(s) for s in args.sizes.split(",")]
    path, how = c.scenario_path(args.scenario)
    scn = c.load(path)
    from sim.engine.session import Session
    from sim.store.content import content_hash

    hashes = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        content_hash(scn)
        hashes.append(time.perf_counter() - t0)
    print(f"scenario: {scn.id} ({path}, {how}); content hash {c.fmt_time(statistics.median(hashes))} (median of {repeat})")

    rng = random.Random(2026)
    session = Session(scn, 7)
    rows = []
    with tempfile.TemporaryDirectory(prefix="sim-bench-store-", dir=Path.cwd() if Path.cwd().is_dir() else None) as tmp:
        for size in sizes:
            grow(session, size, rng)
            rows.append(measure_size(scn, session, rng, size, repeat, Path(tmp)))

    print(f"\n{'steps':>7} {'append FULL':>12} {'append NORMAL':>14} {'move FULL':>10} {'autosave (UI thread / total)':>30} {'ratio':>7}")
    for r in rows:
        full = r["append_FULL"]["median"]
        print(
            f"{r['size']:>7,} {c.fmt_time(full):>12} {c.fmt_time(r['append_NORMAL']['median']):>14}"
            f" {c.fmt_time(r['move_FULL']['median']) if r['move_FULL'] else '-':>10}"
            f" {c.fmt_time(r['autosave_ui_thread']['median']) + ' / ' + c.fmt_time(r['autosave_total']['median']):>30}"
            f" {r['autosave_total']['median'] / full:>6.0f}x"
        )
    print(f"\n{'steps':>7} {'db size':>10} {'yaml size':>10} {'write whole':>12} {'open':>10} {'restore':>10} {'export':>10}")
    for r in rows:
        print(
            f"{r['size']:>7,} {r['db_bytes'] / 1e6:>8.1f}MB {r['autosave_bytes'] / 1e6:>8.1f}MB {c.fmt_time(r['write_whole_FULL']):>12}"
            f" {c.fmt_time(r['open']['median']):>10} {c.fmt_time(r['restore']['median']):>10} {c.fmt_time(r['export']['median']) if r['export'] else 'too big':>10}"
        )
    print(f"\n(append and move: medians of {APPENDS} commits each at that size; autosave, open, restore, export: medians of {max(3, repeat // 2)})")
    result = {"bench": "store", "scenario": str(path), "scenario_id": scn.id, "content_hash": c.stats(hashes), "sizes": rows, "repeat": repeat}
    c.write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
