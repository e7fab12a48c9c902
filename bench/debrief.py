"""The debrief of four rooms of one scenario: how long the explorer's odds take.

    python bench/debrief.py [SCENARIO ...] [--json FILE] [--repeat N]

For each scenario (default: the pack's sealed ceasefire, the Istanbul rounds and the
whole arc in rounds) four rooms are played to an ending through the Room API in a
temporary store, as tests/_room_games.py plays them (sealed orders or seats' own choices,
an inject, an override, a pick, rolls). Then, medians of ``--repeat`` runs:

* four rooms, one Explorer (what ``sim rooms debrief --scenario`` does: states the tables
  share, such as the start, explored once);
* the reference in the same run: each room debriefed alone, with its own Explorer (the
  sum of the four);
* again with a warm Explorer (a screen that keeps one and debriefs the same rooms again);
* rendering the Markdown and the HTML of the debrief (no exploring).

States explored, and how many of those by playouts rather than every branch, are counted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import _common as c

sys.path.insert(0, str(c.ROOT / "tests"))  # the tests' way of playing a room to an ending


def played(scenario_id: str, store):
    from _room_games import play
    from sim.format import load_scenario
    from sim.format.catalog import resolve

    scn = load_scenario(resolve(scenario_id))
    return scn, [play(store, scn, i, rng=i, title=f"Table {i + 1}").room.state for i in range(4)]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    import argparse

    from sim.export.debrief import debrief_page
    from sim.room.debrief import Explorer, debrief, markdown
    from sim.store.db import Store

    parser = argparse.ArgumentParser()
    parser.add_argument("scenarios", nargs="*", default=["ceasefire_30_day_sealed", "istanbul_rounds_in_rounds", "whole_arc_in_rounds"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "sessions.db")
        for sid in args.scenarios:
            scn, states = played(sid, store)
            points = sum(len(s.decisions) + len(s.rounds) for s in states)
            shared, made = timed(lambda: debrief(states, Explorer(scn)), args.repeat)
            alone, _ = timed(lambda: [debrief([s], Explorer(scn)) for s in states], args.repeat)
            warm_explorer = Explorer(scn)
            debrief(states, warm_explorer)
            warm, _ = timed(lambda: debrief(states, warm_explorer), args.repeat)
            render, _ = timed(lambda: (markdown(made), debrief_page(made)), args.repeat)
            row = {"scenario": sid, "rooms": len(states), "decisions": points, "states": made.explored, "sampled": made.sampled,
                   "four_rooms_s": round(shared, 3), "each_alone_s": round(alone, 3), "ratio_alone_over_shared": round(alone / shared, 2),
                   "warm_s": round(warm, 4), "render_s": round(render, 4)}  # fmt: skip
            results.append(row)
            print(
                f"{sid}: 4 rooms, {points} decisions and rounds, {made.explored} states ({made.sampled} by playouts): "
                f"{shared:.2f} s (each alone: {alone:.2f} s, {alone / shared:.2f}x); warm {warm * 1000:.1f} ms; Markdown+HTML {render * 1000:.1f} ms"
            )
        store.close()
    if args.json:
        c.write_json(args.json, {"benchmark": "debrief", "machine": c.machine(), "results": results})


if __name__ == "__main__":
    main()
