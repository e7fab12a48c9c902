"""Run every benchmark (each in its own process) and print a Markdown summary.

    python bench/run_all.py [SCENARIO] [--only engine,explore,...,store,ui_startup,ui_latency] [--repeat N] [--quiet]

SCENARIO goes to the benchmarks that take one (engine, explore, conditions, validate, store);
by default they use the default scenario, else a generated one. Each benchmark's own
report is printed as it runs (unless --quiet), then the summary.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _common as c  # noqa: E402

BENCHES = ["engine", "explore", "conditions", "expr_compare", "validate", "scaling", "store", "ui_startup", "ui_latency", "pdf_renderers"]
TAKES_SCENARIO = {"engine", "explore", "conditions", "validate", "store"}


def run(name: str, scenario: str | None, repeat: int, out: Path, quiet: bool) -> tuple[dict | None, float, str]:
    cmd = [sys.executable, str(HERE / f"{name}.py")]
    if scenario and name in TAKES_SCENARIO:
        cmd.append(scenario)
    cmd += ["--json", str(out), "--repeat", str(repeat)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)
    secs = time.perf_counter() - t0
    if not quiet:
        print(f"\n===== {name} ({secs:.1f} s) =====", flush=True)
        print(proc.stdout.rstrip())
        if proc.stderr.strip():
            print(proc.stderr.rstrip(), file=sys.stderr)
    if proc.returncode != 0 or not out.exists():
        return None, secs, (proc.stderr.strip().splitlines() or ["failed"])[-1]
    return json.loads(out.read_text()), secs, ""


def ok(flag: bool) -> str:
    return "met" if flag else "**not met**"


def summary(results: dict, times: dict, errors: dict) -> str:
    m = c.machine()
    lines = ["## Benchmark summary", "",
             f"Machine: {m['cpus']} CPU(s) ({m['processor']}), {m['implementation']} {m['python']}, {m['platform']}. "
             "Shared machine: absolute figures move with load from other processes; the ratios are the figures to trust.", "",
             "| benchmark | measure | median | best | target | status |", "|---|---|---:|---:|---|---|"]
    row = lambda *cells: lines.append("| " + " | ".join(str(x) for x in cells) + " |")  # noqa: E731
    e = results.get("engine")
    if e:
        row("engine", f"core steps/s ({e['scenario_id']}, {e['scenario_how']})", f"{e['core_steps_per_s']['median']:,.0f}", f"{e['core_steps_per_s']['max']:,.0f}", "-", "-")
        row("engine", f"core playouts/s ({e['steps_per_playout']:.1f} steps each)", f"{e['playouts_per_s']['median']:,.0f}", f"{e['playouts_per_s']['max']:,.0f}", "-", "-")
        row("engine", "Session.roll steps/s (with traces)", f"{e['session_roll_steps_per_s']['median']:,.0f}", f"{e['session_roll_steps_per_s']['max']:,.0f}", "-", f"{e['session_vs_core']:.1f}x a core step")
    x = results.get("explore")
    if x:
        row("explore", f"exhaustive nodes/s ({x['scenario_id']}, {x['nodes']:,} nodes)", f"{x['nodes_per_s']['median']:,.0f}", f"{x['nodes_per_s']['max']:,.0f}", f">= {x['target_nodes_per_s']:,}", ok(x["met_speed"]))
        t, r = x["memory"]["tracemalloc"], x["memory"]["maxrss"]
        row("explore", "peak bytes per distinct state (tracemalloc)", f"{t['per_distinct']['median']:,.0f}", f"{t['per_distinct']['min']:,.0f}", f"< {x['target_bytes']}", ok(t["per_distinct"]["median"] < x["target_bytes"]))
        row("explore", "peak bytes per distinct state (peak RSS growth)", f"{r['per_distinct']['median']:,.0f}", f"{r['per_distinct']['min']:,.0f}", f"< {x['target_bytes']}", ok(r["per_distinct"]["median"] < x["target_bytes"]))
        row("explore", "peak bytes per live node (tracemalloc)", f"{t['per_live']['median']:,.0f}", f"{t['per_live']['min']:,.0f}", "-", "-")
    k = results.get("conditions")
    if k:
        v = k["variants"]
        row("conditions", f"ours, ns/eval ({k['conditions']} conditions x {k['states']} states)", f"{v['ours']['ns']['median']:.1f}", f"{v['ours']['ns']['min']:.1f}", "-", "-")
        for name in ("floor:tuple", "floor:dict", "floor:eval"):
            row("conditions", f"{name}, ns/eval", f"{v[name]['ns']['median']:.1f}", f"{v[name]['ns']['min']:.1f}", "-", "-")
        row("conditions", "ratio ours / floor:tuple (native function over the tuple)", f"{k['ratios']['floor:tuple']:.2f}", "", "<= 2", ok(k["ratios"]["floor:tuple"] <= k["target_ratio"]))
        row("conditions", "ratio ours / floor:dict (native code over named values)", f"{k['ratios']['floor:dict']:.2f}", "", "<= 2", ok(k["ratios"]["floor:dict"] <= k["target_ratio"]))
        row("conditions", "ratio ours / floor:eval (eval of a code object)", f"{k['ratios']['floor:eval']:.2f}", "", "<= 2", ok(k["ratios"]["floor:eval"] <= k["target_ratio"]))
    q = results.get("expr_compare")
    if q:
        ours = q["results"]["ours"]
        for name, r in q["results"].items():
            row("expr_compare", f"{name}: compile / eval", f"{c.fmt_time(r['compile_median'])} / {c.fmt_time(r['eval_median'])}", "",
                "-", f"eval {r['eval_median'] / ours['eval_median']:.0f}x ours" if name != "ours" else "-")
        row("expr_compare", f"escape attempts refused (of {q['n_escapes']})", ", ".join(f"{n}: {v}" for n, v in q["refused"].items()), "", "-",
            "dunder/call got through: " + ", ".join(f"{n}: {v}" for n, v in q.get("reached", {}).items()))
    val = results.get("validate")
    if val:
        for name, ratio in val["ratios"].items():
            st = val["results"][name]
            row("validate", f"{name} ({len(val['files'])} files)", c.fmt_time(st["median"]), c.fmt_time(st["min"]), "-", f"{ratio:.1f}x floor")
    s = results.get("scaling")
    if s:
        hi, lo = s["sizes"][-1], s["sizes"][0]
        for n in s["sizes"]:
            r = s["rows"][f"enum:{n}"]
            row("scaling", f"{n:,} rules: step (same nodes / spread nodes), load", f"{c.fmt_time(r['same']['step']['median'])} / {c.fmt_time(r['spread']['step']['median'])}, {c.fmt_time(r['load']['median'])}",
                f"{c.fmt_time(r['same']['step']['min'])} / {c.fmt_time(r['spread']['step']['min'])}, {c.fmt_time(r['load']['min'])}", "-", "-")
        row("scaling", f"step ratio {hi:,} : {lo:,} rules, same nodes", f"{s['ratio']:.2f}", f"{s['ratio_min']:.2f} (min-based)", f"<= {s['target']}", ok(s["met"]))
        row("scaling", f"step ratio {hi:,} : {lo:,} rules, spread nodes", f"{s['ratio_spread']:.2f}", f"{s['ratio_spread_min']:.2f} (min-based)", f"<= {s['target']}", ok(s["met_spread"]))
        row("scaling", "the same two ratios by CPU time (process_time)", f"{s['ratio_cpu']:.2f} / {s['ratio_spread_cpu']:.2f}", "", f"<= {s['target']}", "-")
        row("scaling", f"{hi:,} rules alone: spread / same nodes", f"{s['within_hi_spread_vs_same']:.2f}", "", "-", "working-set effect at one size")
        row("scaling", f"load ratio {hi:,} : {lo:,} rules", f"{s['load_ratio']:.0f}", "", "-", f"rules x{hi // lo}")
    st = results.get("store")
    if st:
        first, last = st["sizes"][0], st["sizes"][-1]
        for mode in ("FULL", "NORMAL"):
            row("store", f"commit a step, synchronous={mode}: at {first['size']:,} / {last['size']:,} steps", f"{c.fmt_time(first[f'append_{mode}']['median'])} / {c.fmt_time(last[f'append_{mode}']['median'])}",
                f"{c.fmt_time(first[f'append_{mode}']['min'])} / {c.fmt_time(last[f'append_{mode}']['min'])}", "flat", f"{last[f'append_{mode}']['median'] / first[f'append_{mode}']['median']:.2f}x")
        row("store", f"the old autosave of the same {last['size']:,}-step session (yaml + atomic write)", c.fmt_time(last["autosave_total"]["median"]), c.fmt_time(last["autosave_total"]["min"]), "-",
            f"{last['autosave_total']['median'] / last['append_FULL']['median']:.0f}x a commit")
        export = c.fmt_time(last["export"]["median"]) if last["export"] else "refused (too big to reopen)"
        row("store", f"resume (replay) / export a {last['size']:,}-step session", f"{c.fmt_time(last['restore']['median'])} / {export}", "", "-", "-")
    u = results.get("ui_startup")
    if u:
        ms = lambda x: f"{x * 1e3:.0f} ms"  # noqa: E731
        f, sm = u["floor"]["first_frame"], u["sim"]
        row("ui_startup", "floor app (Header, Static, Footer): launch to first frame", ms(f["median"]), ms(f["min"]), "-", "-")
        row("ui_startup", "sim: launch to first frame (loading screen)", ms(sm["first_frame"]["median"]), ms(sm["first_frame"]["min"]), "<= 1.5x floor",
            f"{u['ratios']['first_frame']:.2f}x floor: {ok(u['met'])}")
        row("ui_startup", "sim: launch to main screen populated", ms(sm["populated"]["median"]), ms(sm["populated"]["min"]), "-", f"{u['ratios']['populated']:.2f}x floor")
        imp = u.get("imports_ms", {})
        if "sim.ui.storage" in imp:
            row("ui_startup", "of which: importing sim.ui.storage (pulls in sim.format, pydantic)", f"{imp['sim.ui.storage']:.0f} ms", "", "-", "from -X importtime, cumulative")
    lt = results.get("ui_latency")
    if lt:
        ms1 = lambda x: f"{x * 1e3:.1f} ms"  # noqa: E731
        for name in ("fresh", "long"):
            s_ = lt["phases"][name]["summary"]
            row("ui_latency", f"key to new state visible, {name} session (median / p95)", f"{ms1(s_['visible']['median'])} / {ms1(s_['visible']['p95'])}", ms1(s_["visible"]["min"]),
                f"< {lt['target_ms']:.0f} ms median", ok(s_["visible"]["median"] * 1e3 < lt["target_ms"]))
            row("ui_latency", f"key to settled screen, {name} session (median / p95)", f"{ms1(s_['settled']['median'])} / {ms1(s_['settled']['p95'])}", ms1(s_["settled"]["min"]), "-", "-")
        for name, what in (("floor", "one line"), ("floor_full", "full screen")):
            s_ = lt["phases"][name]["summary"]
            row("ui_latency", f"floor app, key to {what} visible / settled", f"{ms1(s_['visible']['median'])} / {ms1(s_['settled']['median'])}", ms1(s_["visible"]["min"]), "-", "-")
        pl = lt["pilot"]
        row("ui_latency", "refresh_view in-process: small session / same step at 200 steps", f"{ms1(pl['small']['refresh_view']['median'])} / {ms1(pl['long_same_step']['refresh_view']['median'])}",
            "", "no growth", f"{lt['pilot_growth']:.2f}x")
        a = lt["store"]
        row("ui_latency", "store commit per key: fresh / long session", f"{ms1(a['fresh']['store']['median'])} / {ms1(a['long']['store']['median'])}", "", "-", f"{a['long']['steps']} steps")
    pdf = results.get("pdf_renderers")
    if pdf:
        for name, r in pdf["documents"].items():
            w, ch = r["weasyprint"], r.get("chromium")
            versus = f"{r['ratio_weasyprint_to_chromium']['wall']:.2f}x Chromium's wall, {r['ratio_weasyprint_to_chromium']['peak']:.2f}x its peak" if ch else "Chromium not installed"
            row("pdf_renderers", f"WeasyPrint, {name}: wall, peak MiB", f"{w['wall']['median']:.2f} s, {w['peak_mib']['median']:.0f}", f"{w['wall']['min']:.2f} s", "-", versus)
    lines.append("")
    lines.append("Run times: " + ", ".join(f"{n} {t:.0f} s" for n, t in times.items()))
    for n, err in errors.items():
        lines.append(f"\n**{n} failed**: {err}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scenario", nargs="?")
    p.add_argument("--only", help="comma-separated subset of: " + ", ".join(BENCHES))
    p.add_argument("--repeat", type=int, default=c.REPEAT)
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    args = p.parse_args(argv)
    names = args.only.split(",") if args.only else BENCHES
    results, times, errors = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            data, secs, err = run(name, args.scenario, max(5, args.repeat), Path(tmp) / f"{name}.json", args.quiet)
            times[name] = secs
            if data is None:
                errors[name] = err
            else:
                results[name] = data
    print("\n" + summary(results, times, errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
