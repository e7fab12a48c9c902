"""UI start-up: launch to first frame, whole processes in a pty, vs a minimal Textual app.

    python bench/ui_startup.py [--repeat N] [--json FILE]

Each run spawns a fresh process on a pseudo-terminal (100x30, TERM=xterm-256color,
a private SIM_STATE_DIR so no resume prompt appears; see _pty.py) and times, from
just before the spawn, when given text first appears in what the app writes:

* sim (``python -c "from sim.ui.app import run_app; run_app(None)"``, the default
  scenario):
  - first byte   - the terminal set-up sequence (the interpreter has started and
                   imported everything the app module imports);
  - first frame  - the loading screen ("Opening ..."), the first frame drawn;
  - main screen  - the main screen ("Stances" and the scenario's title), drawn once the
                   scenario has loaded in its worker thread;
  - populated    - the choices heading (e.g. "Turn 1: who moves, and how?");
  - settled      - the last byte before 100 ms of quiet.
* floor (a Textual App with a Header, a Static and a Footer, in a temp file): first
  byte, first frame (its static text), settled.

The two apps alternate (ABAB, then BABA) for ``--repeat`` rounds (at least 9), each
process killed after measuring. Both are launched once, unmeasured, first, to fill the
bytecode cache. Reported: medians and best, and the ratios sim / floor; target: first
frame within 1.5x of the floor. A diagnostic follows: ``python -X importtime`` of what
sim imports before its first frame.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import _common as c
import _pty as p

TARGET = 1.5


def expected_marks() -> tuple[bytes, bytes, bytes]:
    """(main-screen mark, title mark, populated mark) for the default scenario."""
    from sim.engine.session import Session
    from sim.format.catalog import resolve
    from sim.ui import present

    scn = c.load(resolve(None))
    heading = present.choice_heading(scn, Session(scn, 1).node)
    return b"Stances", scn.title[:24].encode(), heading[:20].encode()


def run_sim(env: dict, marks: tuple[bytes, ...]) -> dict:
    with p.launch_sim(env) as app:
        got = app.wait_for(b"Opening", *marks)
        _, last, _ = app.drain(0.1, limit=3.0)
        main, title, populated = marks
        return {"first_byte": app.first_byte, "first_frame": got[b"Opening"], "main_screen": max(got[main], got[title]),
                "populated": got[populated], "settled": last if last is not None else got[populated]}


def run_floor(env: dict) -> dict:
    with p.launch_floor(env) as app:
        got = app.wait_for(p.FLOOR_MARK)
        _, last, _ = app.drain(0.1, limit=3.0)
        return {"first_byte": app.first_byte, "first_frame": got[p.FLOOR_MARK], "settled": last if last is not None else got[p.FLOOR_MARK]}


def import_profile(env: dict, runs: int = 3) -> dict:
    """Median cumulative import time (ms) of the modules that matter, from -X importtime."""
    names = ["sim.ui.app", "textual", "textual.app", "sim.ui.storage", "sim.format", "sim.format.models", "pydantic", "yaml", "sim.engine.session"]
    seen: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import sim.ui.app"], env=env, cwd=c.ROOT, capture_output=True, text=True)
        for line in proc.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if m and m.group(4) in seen:
                seen[m.group(4)].append(int(m.group(2)) / 1000)
    return {n: statistics.median(v) for n, v in seen.items() if v}


def main(argv=None) -> dict:
    ap = c.parser(__doc__.splitlines()[0], scenario=False)
    ap.set_defaults(repeat=9)
    args = ap.parse_args(argv)
    rounds = max(9, args.repeat)
    marks = expected_marks()
    with tempfile.TemporaryDirectory(prefix="sim-bench-state-") as state:
        env = p.child_env(Path(state))
        print(f"pty {p.COLS}x{p.ROWS}, TERM=xterm-256color; marks: sim {marks!r}, floor {p.FLOOR_MARK!r}")
        run_sim(env, marks), run_floor(env)  # warm-up: fills the bytecode cache
        sims, floors = [], []
        for r in range(rounds):
            if r % 2 == 0:
                sims.append(run_sim(env, marks)), floors.append(run_floor(env))
            else:
                floors.append(run_floor(env)), sims.append(run_sim(env, marks))
        imports = import_profile(env)

    def col(rows, key):
        return c.stats([row[key] for row in rows])

    sim_s = {k: col(sims, k) for k in sims[0]}
    floor_s = {k: col(floors, k) for k in floors[0]}
    ff = floor_s["first_frame"]["median"]
    ratios = {
        "first_frame": sim_s["first_frame"]["median"] / ff,
        "main_screen": sim_s["main_screen"]["median"] / ff,
        "populated": sim_s["populated"]["median"] / ff,
        "first_byte": sim_s["first_byte"]["median"] / floor_s["first_byte"]["median"],
        "settled": sim_s["settled"]["median"] / floor_s["settled"]["median"],
    }
    # paired: each round's sim figure over the same round's floor first frame
    paired = [s["first_frame"] / f["first_frame"] for s, f in zip(sims, floors, strict=True)]
    paired_main = [s["populated"] / f["first_frame"] for s, f in zip(sims, floors, strict=True)]

    ms = lambda x: f"{x * 1e3:.0f} ms"  # noqa: E731
    print(f"\n{'time since launch':<36} {'median':>9} {'best':>9} {'worst':>9}   ratio to floor first frame")
    for k, label in [("first_byte", "sim: first byte"), ("first_frame", "sim: first frame (loading screen)"),
                     ("main_screen", "sim: main screen drawn"), ("populated", "sim: main screen populated"), ("settled", "sim: settled (100 ms quiet)")]:
        s = sim_s[k]
        print(f"{label:<36} {ms(s['median']):>9} {ms(s['min']):>9} {ms(s['max']):>9}   {s['median'] / ff:.2f}")
    for k, label in [("first_byte", "floor: first byte"), ("first_frame", "floor: first frame"), ("settled", "floor: settled (100 ms quiet)")]:
        s = floor_s[k]
        print(f"{label:<36} {ms(s['median']):>9} {ms(s['min']):>9} {ms(s['max']):>9}   {s['median'] / ff:.2f}")
    print(f"\nfirst frame, sim / floor: {ratios['first_frame']:.2f} (paired per round: median {statistics.median(paired):.2f}, "
          f"range {min(paired):.2f}-{max(paired):.2f}); target <= {TARGET}: {'met' if ratios['first_frame'] <= TARGET else 'NOT met'}")
    print(f"main screen populated, sim / floor first frame: {ratios['populated']:.2f} (paired median {statistics.median(paired_main):.2f})")
    print(f"first byte, sim / floor: {ratios['first_byte']:.2f} (the gap is what sim.ui.app imports before the app starts)")
    print(f"worker load and main screen: {ms(sim_s['populated']['median'] - sim_s['first_frame']['median'])} from first frame to populated screen")
    print("\nimport time, cumulative, `python -X importtime -c 'import sim.ui.app'` (median of 3):")
    for n, v in imports.items():
        print(f"  {n:<22} {v:7.1f} ms")
    print(f"\n({rounds} interleaved rounds, plus one unmeasured warm-up launch each)")
    result = {"bench": "ui_startup", "rounds": rounds, "cols": p.COLS, "rows": p.ROWS, "sim": sim_s, "floor": floor_s,
              "ratios": ratios, "paired_first_frame": paired, "paired_populated": paired_main, "target": TARGET,
              "met": ratios["first_frame"] <= TARGET, "imports_ms": imports, "raw": {"sim": sims, "floor": floors}}
    c.write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
