"""`sim validate` work vs the floor of parsing the same YAML with libyaml.

    python bench/validate.py [PATH ...] [--json FILE] [--repeat N]

PATHs are scenario files or folders (default: every .yaml under the scenarios folder,
libraries included, as ``sim validate scenarios/`` does; a generated scenario when
there is none). Measured in-process, per run over all the files, a fresh
``Library`` (source-text cache) per run as in one ``sim validate`` call:

* check, lint off   - ``sim.format.check(path, library)`` on every file;
* check, lint on    - ``sim.format.check(path, library, lint=True)`` (adds the
                      reachability exploration);
* CLI, lint off     - ``sim.cli.validate.validate_file`` (what the command runs per file:
                      a schema-only ``load_spec`` first, then ``check``); with lint on it
                      adds the same exploration as "check, lint on", so it is not timed again;
* floor             - read + ``yaml.load(text, Loader=yaml.CSafeLoader)`` of the same
                      files *and the files each includes*, as often as check reads them.

Reported as time per run and the ratio to the floor.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import _common as c
import yaml


def includes_of(path: Path, seen: set | None = None) -> list[Path]:
    """The file and everything it includes, transitively, each once."""
    seen = set() if seen is None else seen
    path = path.resolve()
    if path in seen:
        return []
    seen.add(path)
    out = [path]
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError):
        return out
    if isinstance(data, dict) and isinstance(data.get("include"), list):
        for inc in data["include"]:
            if isinstance(inc, str):
                out += includes_of(path.parent / inc, seen)
    return out


def main(argv=None) -> dict:
    p = c.parser(__doc__.splitlines()[0], scenario=False)
    p.add_argument("paths", nargs="*", help="scenario files or folders (default: the scenarios folder)")
    args = p.parse_args(argv)
    repeat = max(5, args.repeat)

    from sim.cli.validate import validate_file
    from sim.format import check
    from sim.format.catalog import scenarios_dir, yaml_files
    from sim.format.grounding import Library

    how = "given"
    if args.paths:
        files = yaml_files([Path(x) for x in args.paths])
    else:
        files = yaml_files([scenarios_dir()]) if scenarios_dir().is_dir() else []
        how = f"scenarios folder {scenarios_dir()}"
        if not any(is_scenario_file(f) for f in files):
            files = [c.fallback_scenario()]
            how = "generated (no scenario in the scenarios folder)"
    reads = [inc for f in files for inc in includes_of(f)]
    total_bytes = sum(x.stat().st_size for x in reads)
    print(f"files: {len(files)} ({how}); with includes, check reads {len(reads)} YAML files, {total_bytes / 1024:.0f} KB")

    def run_check(lint: bool):
        lib = Library()
        return [check(f, lib, lint=lint) for f in files]

    def run_cli(lint: bool):
        lib = Library()
        return [validate_file(f, lib, lint) for f in files]

    def run_floor():
        return [yaml.load(x.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for x in reads]

    # what the files hold, for the report
    outcomes = run_check(True)
    n_err = sum(1 for _, diags in outcomes for d in diags if d.severity != "warning")
    n_warn = sum(1 for _, diags in outcomes for d in diags if d.severity == "warning")
    n_scn = sum(1 for scn, _ in outcomes if scn is not None)
    print(f"{n_scn} scenario(s) compiled; {n_err} error(s), {n_warn} warning(s) with lint on")

    variants = {
        "floor: CSafeLoader yaml.load": run_floor,
        "check, lint off": lambda: run_check(False),
        "check, lint on": lambda: run_check(True),
        "sim validate --no-lint (validate_file)": lambda: run_cli(False),
    }
    samples: dict[str, list[float]] = {k: [] for k in variants}
    numbers = {k: c.calibrate(fn, 0.1, 1000) for k, fn in variants.items()}
    for _ in range(repeat):  # interleaved, so drift on a shared machine hits all alike
        for name, fn in variants.items():
            n = numbers[name]
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - t0) / n)
    results = {k: c.stats(v) for k, v in samples.items()}
    floor = results["floor: CSafeLoader yaml.load"]["median"]
    print(f"\n{'work (all files, one run)':<42} {'median':>10} {'min':>10} {'x floor':>9}")
    for name, st in results.items():
        print(f"{name:<42} {c.fmt_time(st['median']):>10} {c.fmt_time(st['min']):>10} {st['median'] / floor:>9.1f}")
    # where check's time goes without lint: a breakdown of one file's stages
    breakdown = stage_breakdown(files, repeat)
    if breakdown:
        print("\ncheck, lint off, by stage (all files):")
        for stage, secs in breakdown.items():
            print(f"  {stage:<40} {c.fmt_time(secs):>10} {secs / floor:>9.1f}x floor")
    print(f"({repeat} repeats)")
    result = {
        "bench": "validate", "files": [str(f) for f in files], "how": how, "reads": len(reads), "bytes": total_bytes,
        "errors": n_err, "warnings": n_warn, "results": results,
        "ratios": {k: v["median"] / floor for k, v in results.items()}, "breakdown": breakdown, "repeat": repeat,
    }
    c.write_json(args.json, result)
    return result


def is_scenario_file(path: Path) -> bool:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and isinstance(data.get("scenario"), dict)


def stage_breakdown(files: list[Path], repeat: int) -> dict[str, float]:
    """Median time of each stage of check (lint off): safe YAML read, schema, build."""
    from sim.format.build import build
    from sim.format.grounding import Library
    from sim.format.load import load_spec
    from sim.format.yamlread import load_file

    reads = [inc for f in files for inc in includes_of(f)]
    specs = [load_spec(f)[0] for f in files]
    scn_specs = [s for s in specs if s is not None and s.meta is not None]

    def t(fn):
        return statistics.median(c.repeat_timed(fn, repeat, min_time=0.05))

    out = {
        "safe YAML reader (yamlread.load_file)": t(lambda: [load_file(x) for x in reads]),
        "load_spec (reader + pydantic + merge)": t(lambda: [load_spec(f) for f in files]),
    }
    if scn_specs:
        out["build (names, compile, quotes)"] = t(lambda: [build(s, Library()) for s in scn_specs])
    return out


if __name__ == "__main__":
    main()
