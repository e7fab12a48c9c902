"""Shared helpers for the benchmarks: timing, scenario lookup, synthetic scenarios.

Every benchmark is a plain script (``python bench/NAME.py [SCENARIO] [--json FILE]``).
The scenario defaults to the project's default scenario (``sim.format.catalog.resolve(None)``)
and falls back to a generated one (:func:`fallback_scenario`) when there is none yet or
it does not load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEED_FILE = ROOT / "seeds" / "002_78cb06b8d0c22452.txt"
# Real passages of SEED_FILE, so generated scenarios pass the quote check.
QUOTE_PUTIN = "How will these 30 days be utilized? For mobilization, weapon deliveries, or training? What guarantees do we have?"
QUOTE_STARMER = "The ‘yes, but’ from Russia is not good enough"
QUOTE_KYIV = "The United States, along with its European allies, has been pressing Moscow to agree to the temporary truce, which Kyiv has already accepted."

REPEAT = 5
GEN_VERSION = 2  # bump when the generators change (generated files are cached in the temp dir)


# --- timing ---------------------------------------------------------------------------------------


def calibrate(fn: Callable[[], object], min_time: float = 0.2, max_number: int = 1 << 24) -> int:
    """How many calls of ``fn`` take at least ``min_time`` seconds (at least 1)."""
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time or number >= max_number:
            return number
        number = min(max_number, max(number * 2, int(number * min_time / max(dt, 1e-9) * 1.2)))


def repeat_timed(fn: Callable[[], object], repeat: int = REPEAT, number: int | None = None, min_time: float = 0.2) -> list[float]:
    """Seconds per call of ``fn``, one figure per repeat (each repeat runs it ``number`` times)."""
    if number is None:
        number = calibrate(fn, min_time)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        out.append((time.perf_counter() - t0) / number)
    return out


def stats(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def fmt_time(seconds: float) -> str:
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_rate(per_second: float) -> str:
    return f"{per_second:,.0f}/s"


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": _cpu_model(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --- arguments and output -------------------------------------------------------------------------


def parser(description: str, scenario: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    if scenario:
        p.add_argument("scenario", nargs="?", help="scenario file or id (default: the default scenario, else a generated one)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE (used by run_all.py)")
    p.add_argument("--repeat", type=int, default=REPEAT, help=f"repeats per measurement (default {REPEAT}, at least 5)")
    return p


def write_json(path: str | None, data: dict) -> None:
    if path:
        data = {"machine": machine(), **data}
        Path(path).write_text(json.dumps(data, indent=2, default=str))


# --- scenarios ------------------------------------------------------------------------------------


def scenario_path(arg: str | None, quiet: bool = False) -> tuple[Path, str]:
    """(path, how it was chosen). Falls back to a generated scenario when needed."""
    from sim.diagnostics import InputError
    from sim.format import check
    from sim.format.catalog import resolve

    if arg is not None:
        return resolve(arg), "given"
    try:
        path = resolve(None)
    except InputError as exc:
        reason = exc.diagnostics[0].message if getattr(exc, "diagnostics", None) else str(exc)
        path = None
    if path is not None:
        scn, diags = check(path)
        if scn is not None:
            return path, "default"
        errors = [d for d in diags if d.severity != "warning"]
        reason = f"the default scenario {path} does not load ({len(errors)} errors, first: {errors[0].format() if errors else '?'})"
    if not quiet:
        print(f"note: {reason}; using a generated scenario instead", file=sys.stderr)
    return fallback_scenario(), "generated"


def load(path: Path):
    from sim.format import load_scenario

    return load_scenario(path)


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # the reader refuses anchors and aliases
        return True


def dump_yaml(data: dict, path: Path) -> None:
    path.write_text(yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=1000))


def _tmpdir(name: str) -> Path:
    d = Path(tempfile.gettempdir()) / f"sim-bench-{os.getuid()}" / name
    d.mkdir(parents=True, exist_ok=True)
    return d


def fallback_scenario(horizon: int = 8) -> Path:
    """A medium, hand-shaped scenario (4 sides, 10 moves, 4 reactions, 2 events, history
    functions, a once move, a prompt): the stand-in until the real default scenario exists."""
    path = _tmpdir(f"fallback-v{GEN_VERSION}") / f"bench_fallback_h{horizon}.yaml"
    src = {"file": str(SEED_FILE), "label": "Ceasefire article"}

    def alt(label, type_, weight, effects=(), when=None, basis="illustrative", **extra):
        out = {"label": label, "type": type_, "basis": basis, "weight": weight, "rationale": "Benchmark stand-in."}
        if when:
            out["when"] = when
        if effects:
            out["effects"] = list(effects)
        out.update(extra)
        return out

    def move(actor, label, type_, when=None, effects=(), **extra):
        out = {"actor": actor, "label": label, "type": type_, "basis": "illustrative"}
        if when:
            out["when"] = when
        out["effects"] = list(effects)
        out.update(extra)
        return out

    quote = lambda text, speaker=None: {"source": "a002", "text": text, **({"speaker": speaker} if speaker else {})}  # noqa: E731
    data = {
        "scenario": {
            "id": "bench_fallback",
            "title": "Benchmark stand-in",
            "summary": "A generated scenario used by the benchmarks until the real one exists.",
            "situation": "The US has proposed a 30-day truce; Russia hesitates.",
            "horizon": horizon,
            "on_horizon": "drag",
        },
        "sources": {"a002": src},
        "actors": {
            "us": {"name": "United States", "short": "US"},
            "russia": {"name": "Russia", "short": "Russia", "people": {"putin": {"name": "Vladimir Putin", "role": "President"}}},
            "ukraine": {"name": "Ukraine", "short": "Ukraine"},
            "eu": {"name": "European Union", "short": "EU", "kind": "mediator"},
        },
        "issues": {
            "truce": {"title": "30-day ceasefire", "options": {"accept": "Accept", "conditional": "Accept with conditions", "reject": "Reject"}},
        },
        "stances": {
            "russia": {"truce": {"position": "conditional", "summary": "Asks how the 30 days would be used.", "quotes": [quote(QUOTE_PUTIN, "russia.putin")]}},
            "ukraine": {"truce": {"position": "conditional", "summary": "Has accepted, with doubts.", "quotes": [quote(QUOTE_KYIV)]}},
        },
        "variables": {
            "ceasefire": {"type": "enum", "values": ["proposed", "put_to_russia", "agreed", "conditional", "collapsed"], "initial": "proposed"},
            "pressure": {"type": "int", "min": 0, "max": 3, "initial": 0},
            "talks": {"type": "enum", "values": ["none", "scheduled", "held", "stalled"], "initial": "none"},
            "aid": {"type": "int", "min": 0, "max": 2, "initial": 0},
            "sanctions": {"type": "bool", "initial": False},
            "escalation": {"type": "int", "min": 0, "max": 4, "initial": 1},
            "eu_role": {"type": "enum", "values": ["watching", "mediating", "guaranteeing"], "initial": "watching"},
        },
        "moves": {
            "us_put": move("us", "Put the ceasefire to Moscow", "CONSULT", 'ceasefire == "proposed"', ['ceasefire = "put_to_russia"']),
            "us_press": move("us", "Press Moscow", "COERCE", 'ceasefire == "conditional" and pressure < 3', ["pressure += 1"]),
            "us_sanction": move("us", "Sanction", "SANCTION", "not sanctions and escalation >= 2", ["sanctions = true", "pressure += 1"]),
            "us_aid": move("us", "Send aid", "AID", 'aid < 2 and ceasefire != "agreed"', ["aid += 1"]),
            "us_schedule": move("us", "Schedule talks", "CONSULT", 'talks == "none"', ['talks = "scheduled"']),
            "russia_escalate": move("russia", "Escalate", "FIGHT", 'escalation < 4 and ceasefire != "agreed"', ["escalation += 1"]),
            "russia_talks": move("russia", "Send a delegation", "CONSULT", 'talks == "scheduled"', ['talks = "held"']),
            "ukraine_accept": move("ukraine", "Reaffirm acceptance", "AGREE", 'ceasefire in ("put_to_russia", "conditional") and ukraine.truce != "accept"', ['ukraine.truce = "accept"']),
            "eu_mediate": move("eu", "Offer mediation", "CONSULT", 'talks in ("scheduled", "stalled") and eu_role == "watching"', ['eu_role = "mediating"']),
            "eu_guarantee": move("eu", "Offer guarantees", "SUPPORT", 'eu_role == "mediating" and count(us_press) >= 1', ['eu_role = "guaranteeing"'], once=True),
        },
        "reactions": {
            "russia_reply": {
                "actor": "russia", "on": ["us_put", "us_press"], "label": "Russia replies",
                "alternatives": {
                    "yes": alt("Accepts", "AGREE", 1, ['ceasefire = "agreed"'], when='pressure >= 2 or eu_role == "guaranteeing"'),
                    "yes_but": alt("Yes, but", "DEMAND", 3, ['ceasefire = "conditional"', 'russia.truce = "conditional"'], basis="reported", answer="yes_but",
                                   demands=[{"text": "Guarantees on mobilisation"}], quotes=[quote(QUOTE_STARMER)]),
                    "no": alt("Refuses", "REJECT", 2, ['russia.truce = "reject"']),
                },
            },
            "us_counter": {
                "actor": "us", "on": ["russia_reply.no"], "label": "The US answers a refusal",
                "alternatives": {"warn": alt("Warns", "THREATEN", 1, ["pressure += 1"]), "wait": alt("Waits", "CONSULT", 1)},
            },
            "ukraine_reply": {
                "actor": "ukraine", "on": ["russia_escalate"], "label": "Ukraine answers the escalation",
                "alternatives": {
                    "appeal": alt("Appeals for aid", "DEMAND", 2, when="aid < 2"),
                    "hold": alt("Holds the line", "FIGHT", 1),
                },
            },
            "russia_on_talks": {
                "actor": "russia", "on": ["russia_talks"], "label": "Russia sets terms at the talks",
                "alternatives": {
                    "terms": alt("Sets terms", "DEMAND", 2, ['talks = "stalled"'], when="since(us_sanction) < 3"),
                    "engage": alt("Engages", "CONSULT", 1, ['russia.truce = "accept"']),
                },
            },
        },
        "events": {
            "front": {
                "label": "The front line",
                "when": 'ceasefire != "agreed"',
                "alternatives": {
                    "lull": alt("A lull", "RETREAT", 3),
                    "flare": alt("A flare-up", "FIGHT", 1, ["escalation += 1"], when="escalation >= 2"),
                },
            },
            "collapse_risk": {
                "label": "The conditional truce wobbles",
                "when": 'ceasefire == "conditional" and escalation >= 3',
                "once": True,
                "alternatives": {"collapse": alt("Collapses", "FIGHT", 1, ['ceasefire = "collapsed"']), "holds": alt("Holds", "COOPERATE", 2)},
            },
        },
        "endings": {
            "truce": {"title": "Truce agreed", "when": 'ceasefire == "agreed"', "text": "A truce."},
            "collapse": {"title": "Collapse", "when": 'ceasefire == "collapsed" or escalation >= 4', "text": "Fighting resumes."},
            "talks_deal": {"title": "A deal at the talks", "when": 'talks == "held" and russia.truce == "accept" and ukraine.truce == "accept"', "text": "A deal."},
            "drag": {"title": "Talks drag on", "text": "Nothing."},
        },
        "prompts": {
            "pressure_high": {"when": "pressure >= 2", "text": "Does pressure work?"},
            "eu_in": {"when": 'eu_role != "watching" and done(us_schedule)', "text": "What can Europe offer?"},
        },
    }
    dump_yaml(data, path)
    return path


def scaled_scenario(n_rules: int, stage_kind: str = "enum", per_value: int = 10, chunk: int = 1000) -> Path:
    """A synthetic scenario with ``n_rules`` rules: half moves, half reactions.

    Move i is gated by a stage variable (one value per ``per_value`` moves) and triggers
    reaction i (one alternative, so it resolves inside ``advance``). Entries are written in
    include files of ``chunk`` rules (the reader caps one file at 4 MB / 250,000 values).

    ``stage_kind``: "enum" uses enum variables of at most 64 values (the format's cap), so
    past 640 moves there are several stage variables, only one of them "active" (the others
    sit on a value no move uses); "int" uses one int variable ``stage`` (0..1000).
    """
    n_moves = n_rules // 2
    n_values = (n_moves + per_value - 1) // per_value
    d = _tmpdir(f"scaled-v{GEN_VERSION}-{stage_kind}-{n_rules}-{per_value}-{chunk}")
    main = d / f"scaled_{n_rules}.yaml"
    if main.exists() and (d / "done").exists():
        return main
    variables: dict = {"level": {"type": "int", "min": 0, "max": 1000, "initial": 0}}
    gates: list[str] = []  # condition of each value's moves
    if stage_kind == "int":
        if n_values > 1001:
            raise ValueError("too many stage values for one int variable")
        variables["stage"] = {"type": "int", "min": 0, "max": 1000, "initial": 0}
        gates = [f"stage == {v}" for v in range(n_values)]
    else:
        per_var = 63  # value 0 of each variable is "off" (no move uses it)
        n_vars = (n_values + per_var - 1) // per_var
        for k in range(n_vars):
            count = min(per_var, n_values - k * per_var)
            values = ["off", *(f"s{j}" for j in range(count))]
            name = "stage" if n_vars == 1 else f"stage{k}"
            variables[name] = {"type": "enum", "values": values, "initial": "s0" if k == 0 else "off"}
        for v in range(n_values):
            k, j = divmod(v, per_var)
            name = "stage" if n_vars == 1 else f"stage{k}"
            gates.append(f'{name} == "s{j}"')
    moves, reactions = {}, {}
    for i in range(n_moves):
        moves[f"m{i}"] = {"actor": "us", "label": f"Move {i}", "type": "CONSULT", "basis": "illustrative", "when": gates[i // per_value], "effects": ["level += 1"]}
        reactions[f"r{i}"] = {
            "actor": "russia", "on": [f"m{i}"], "label": f"Reply {i}",
            "alternatives": {"ok": {"label": "Replies", "type": "AGREE", "basis": "illustrative", "weight": 1, "rationale": "Synthetic.", "effects": ["level -= 1"]}},
        }
    includes = []
    items_m, items_r = list(moves.items()), list(reactions.items())
    per_file = max(1, chunk // 2)
    for f, start in enumerate(range(0, n_moves, per_file)):
        name = f"part{f:03d}.yaml"
        dump_yaml({"moves": dict(items_m[start:start + per_file]), "reactions": dict(items_r[start:start + per_file])}, d / name)
        includes.append(name)
    dump_yaml({
        "include": includes,
        "scenario": {"id": f"scaled_{n_rules}", "title": f"Scaling {n_rules}", "summary": "Synthetic.", "situation": "Synthetic.", "horizon": 60, "on_horizon": "drag"},
        "sources": {"a002": {"file": str(SEED_FILE), "label": "Ceasefire article"}},
        "actors": {"us": {"name": "United States", "short": "US"}, "russia": {"name": "Russia", "short": "Russia"}},
        "issues": {"truce": {"title": "Truce", "options": {"accept": "Accept", "conditional": "Accept with conditions"}}},
        "stances": {"russia": {"truce": {"position": "conditional", "summary": "Asks questions.", "quotes": [{"source": "a002", "text": QUOTE_PUTIN}]}}},
        "variables": variables,
        "endings": {"big": {"title": "Big", "when": "level >= 1000", "text": "End."}, "drag": {"title": "Drag", "text": "End."}},
    }, main)
    (d / "done").write_text("ok")
    return main
