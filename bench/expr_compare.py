"""The expression-language decision: our compiler vs rule-engine vs CEL (cel-python).

    python bench/expr_compare.py [--json FILE] [--repeat N]

Ten representative conditions, each written in the three dialects over the same
values (ours reads the state tuple; rule-engine a dict, or an object; CEL an
activation of CEL values). For each engine: compile time (text -> something that can
be evaluated) and evaluation time over a sample of random states, all engines checked
to agree on every state first. Then a few escape attempts (dunder access, calls,
huge power, huge strings, deep nesting), each engine in its own subprocess with a
2 GB address-space limit and a time limit: does it refuse?

Needs the bench extra: ``pip install -e .[bench]`` (rule-engine, cel-python).
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import warnings

import _common as c

warnings.filterwarnings("ignore")

# name, ours, rule-engine, CEL
CONDITIONS = [
    ("enum equality", 'ceasefire == "agreed"', 'ceasefire == "agreed"', 'ceasefire == "agreed"'),
    ("enum and int", 'ceasefire == "conditional" and pressure < 3', 'ceasefire == "conditional" and pressure < 3', 'ceasefire == "conditional" && pressure < 3'),
    ("bool and int", "not sanctions and escalation >= 2", "not sanctions and escalation >= 2", "!sanctions && escalation >= 2"),
    ("membership, stance", 'ceasefire in ("put_to_russia", "conditional") and ukraine.truce != "accept"',
     'ceasefire in ["put_to_russia", "conditional"] and ukraine.truce != "accept"',
     'ceasefire in ["put_to_russia", "conditional"] && ukraine.truce != "accept"'),
    ("or", 'pressure >= 2 or talks == "held"', 'pressure >= 2 or talks == "held"', 'pressure >= 2 || talks == "held"'),
    ("history done/count", "done(us_put) and count(us_press) >= 2", "count_us_put > 0 and count_us_press >= 2", "count_us_put > 0 && count_us_press >= 2"),
    ("history since", "since(us_sanction) < 3", "turn - last_us_sanction < 3", "turn - last_us_sanction < 3"),
    ("three stances", 'russia.truce == "accept" and ukraine.truce == "accept" and talks == "held"',
     'russia.truce == "accept" and ukraine.truce == "accept" and talks == "held"',
     'russia.truce == "accept" && ukraine.truce == "accept" && talks == "held"'),
    ("arithmetic", "escalation + pressure * 2 > 5", "escalation + pressure * 2 > 5", "escalation + pressure * 2 > 5"),
    ("nested", '(ceasefire == "conditional" or ceasefire == "put_to_russia") and not (escalation >= 3 and sanctions) and turn <= 6',
     '(ceasefire == "conditional" or ceasefire == "put_to_russia") and not (escalation >= 3 and sanctions) and turn <= 6',
     '(ceasefire == "conditional" || ceasefire == "put_to_russia") && !(escalation >= 3 && sanctions) && turn <= 6'),
]

# name, ours, rule-engine, CEL  (the object-context rule-engine gets its own text in the child)
ESCAPES = [
    ("dunder attribute", 'ceasefire.__class__ == "x"', 'ceasefire.__class__ == "x"', 'ceasefire.__class__ == "x"'),
    ("dunder name", "__class__ == 1", "__class__ == 1", "__class__ == 1"),
    ("call a builtin", 'open("/etc/passwd") == "x"', 'open("/etc/passwd") == "x"', 'open("/etc/passwd") == "x"'),
    ("import", '__import__("os").system("true") == 0', '__import__("os").system("true") == 0', '__import__("os").system("true") == 0'),
    ("huge power", "9 ** 9 ** 9 > 0", "9 ** 9 ** 9 > 0", "9 ** 9 ** 9 > 0"),
    ("huge string", '"a" * 1000000000 == "b"', '"a" * 1000000000 == "b"', '"a" * 1000000000 == "b"'),
    ("deep nesting (2,000 parens)", "(" * 2000 + "pressure" + ")" * 2000 + " == 1", "(" * 2000 + "pressure" + ")" * 2000 + " == 1", "(" * 2000 + "pressure" + ")" * 2000 + " == 1"),
]
# what an object context lets rule-engine reach (the dict context cannot)
OBJECT_ESCAPES = {
    "dunder attribute": "__class__.__name__",
    "dunder name": "__class__.__subclasses__",
}

ENUMS = {
    "ceasefire": ("proposed", "put_to_russia", "agreed", "conditional", "collapsed"),
    "talks": ("none", "scheduled", "held", "stalled"),
    "truce": ("accept", "conditional", "reject"),
}
ACTS = ("us_put", "us_press", "us_sanction")


def scenario_names():
    """Our compiler's view of the same names, bound as the scenario builder binds them."""
    from sim.expr.namespace import SlotTable
    from sim.expr.types import BOOL, EnumType, IntType

    ns = SlotTable()
    ns.add_variable("ceasefire", EnumType("ceasefire", ENUMS["ceasefire"]))
    ns.add_variable("pressure", IntType(0, 3))
    ns.add_variable("talks", EnumType("talks", ENUMS["talks"]))
    ns.add_variable("sanctions", BOOL)
    ns.add_variable("escalation", IntType(0, 4))
    for actor in ("russia", "ukraine"):
        ns.add_stance(actor, "truce", EnumType("issue truce", ENUMS["truce"]))
    ns.acts = list(ACTS)
    for act in ACTS:  # every history slot up front, so random_states can fill them all
        ns.history("count", act)
        ns.history("since", act)
    return ns


def random_states(ns, n: int, seed: int = 7) -> list[tuple]:
    from sim.expr.types import NEVER

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        turn = rng.randint(1, 8)
        s = [turn, rng.randrange(5), rng.randint(0, 3), rng.randrange(4), rng.random() < 0.5, rng.randint(0, 4), rng.randrange(3), rng.randrange(3)]
        for _act in ACTS:
            count = rng.choice((0, 0, 1, 2, 3))
            s += [count, NEVER if count == 0 else rng.randint(1, turn)]
        out.append(tuple(s))
    return out


def as_dict(ns, s: tuple) -> dict:
    d = {"turn": s[0], "ceasefire": ENUMS["ceasefire"][s[1]], "pressure": s[2], "talks": ENUMS["talks"][s[3]], "sanctions": s[4], "escalation": s[5],
         "russia": {"truce": ENUMS["truce"][s[6]]}, "ukraine": {"truce": ENUMS["truce"][s[7]]}}
    for i, act in enumerate(ACTS):
        d[f"count_{act}"] = s[8 + 2 * i]
        d[f"last_{act}"] = s[9 + 2 * i]
    return d


class Obj:
    """An object context for rule-engine (attribute access instead of keys)."""

    def __init__(self, d):
        for k, v in d.items():
            setattr(self, k, Obj(v) if isinstance(v, dict) else v)


# --- engines ---------------------------------------------------------------------------------------


def engines(ns):
    """name -> (compile(text) -> runnable, evaluate(runnable, ctx) -> bool, make_ctx(state) -> ctx, dialect index)."""
    import celpy
    import rule_engine
    from celpy import celtypes

    from sim.expr.compiler import compile_condition

    dt = rule_engine.DataType
    typed = rule_engine.Context(type_resolver=rule_engine.type_resolver_from_dict({
        "turn": dt.FLOAT, "ceasefire": dt.STRING, "pressure": dt.FLOAT, "talks": dt.STRING, "sanctions": dt.BOOLEAN, "escalation": dt.FLOAT,
        "russia": dt.MAPPING(dt.STRING, dt.STRING), "ukraine": dt.MAPPING(dt.STRING, dt.STRING),
        **{f"{k}_{a}": dt.FLOAT for a in ACTS for k in ("count", "last")},
    }))
    obj_ctx = rule_engine.Context(resolver=rule_engine.resolve_attribute)
    # celpy 0.5 quirk: its shared parser must first be built by a CompiledRunner environment,
    # or every later CompiledRunner program fails ("Tree has no attribute checked_exception").
    cel_c = celpy.Environment(runner_class=celpy.CompiledRunner)
    cel_c.program(cel_c.compile("1 == 1"))
    cel_i = celpy.Environment()

    def cel_compile(env):
        return lambda text: env.program(env.compile(text))

    def cel_ctx(s):
        d = as_dict(ns, s)
        return {k: celpy.json_to_cel(v) if not isinstance(v, bool) else celtypes.BoolType(v) for k, v in d.items()}

    def ours_eval(fn, s):
        return fn(s)

    return {
        "ours": (lambda t: compile_condition(t, ns).fn, ours_eval, lambda s: s, 1),
        "rule-engine (dict)": (lambda t: rule_engine.Rule(t), lambda r, d: r.matches(d), lambda s: as_dict(ns, s), 2),
        "rule-engine (dict, typed)": (lambda t: rule_engine.Rule(t, context=typed), lambda r, d: r.matches(d), lambda s: as_dict(ns, s), 2),
        "rule-engine (object)": (lambda t: rule_engine.Rule(t, context=obj_ctx), lambda r, o: r.matches(o), lambda s: Obj(as_dict(ns, s)), 2),
        "CEL (celpy, interpreted)": (cel_compile(cel_i), lambda p, a: bool(p.evaluate(a)), cel_ctx, 3),
        "CEL (celpy, compiled runner)": (cel_compile(cel_c), lambda p, a: bool(p.evaluate(a)), cel_ctx, 3),
    }


def _median_time(fn, repeat: int, min_time: float = 0.02) -> float:
    return statistics.median(c.repeat_timed(fn, repeat, min_time=min_time))


# --- escape attempts (run in a child process per engine) -----------------------------------------


def _child(engine: str) -> None:
    import resource
    import signal

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    def alarm(*_):
        raise TimeoutError("took longer than 10 s")

    signal.signal(signal.SIGALRM, alarm)
    ns = scenario_names()
    compile_, evaluate, make_ctx, dialect = engines(ns)[engine]
    ctx = make_ctx(random_states(ns, 1)[0])
    for row in ESCAPES:
        text = row[dialect]
        if engine == "rule-engine (object)" and row[0] in OBJECT_ESCAPES:
            text = OBJECT_ESCAPES[row[0]]
        out = {"attempt": row[0], "text": text if len(text) < 60 else text[:25] + "..." + text[-20:]}
        signal.alarm(10)
        try:
            try:
                runnable = compile_(text)
            except BaseException as exc:  # noqa: BLE001 - any refusal counts
                out.update(outcome="refused at compile", error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:90] if str(exc) else ''}")
                continue
            try:
                if engine.startswith("rule-engine"):
                    value = runnable.evaluate(ctx)
                elif engine == "ours":
                    value = runnable(ctx)
                else:
                    value = runnable.evaluate(ctx)
            except BaseException as exc:  # noqa: BLE001
                out.update(outcome="refused at evaluation", error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:90] if str(exc) else ''}")
                continue
            plain = isinstance(value, bool | int | float | str) or type(value).__module__.startswith(("celpy", "decimal"))
            reached = row[0].startswith(("dunder", "call", "import"))
            if not plain:
                outcome = "ESCAPED: returned a Python object"
            elif reached:
                outcome = "NOT refused: evaluated"
            else:
                outcome = "evaluated (not refused)"
            out.update(outcome=outcome, value=repr(value)[:80])
        finally:
            signal.alarm(0)
            print(json.dumps(out), flush=True)


def escapes(repeat_engines) -> dict:
    table = {}
    for engine in repeat_engines:
        try:
            proc = subprocess.run([sys.executable, __file__, "--child", engine], capture_output=True, text=True, timeout=120)
            rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
            if proc.returncode != 0 and len(rows) < len(ESCAPES):
                rows.append({"attempt": ESCAPES[len(rows)][0], "outcome": f"child died (exit {proc.returncode})", "error": proc.stderr.strip().splitlines()[-1][:90] if proc.stderr.strip() else ""})
        except subprocess.TimeoutExpired:
            rows = [{"attempt": "?", "outcome": "timeout (120 s)"}]
        table[engine] = rows
    return table


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def main(argv=None) -> dict:
    p = c.parser(__doc__.splitlines()[0], scenario=False)
    p.add_argument("--child", help=__import__("argparse").SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child(args.child)
        return {}
    repeat = max(5, args.repeat)
    import rule_engine

    ns = scenario_names()
    states = random_states(ns, 50)
    eng = engines(ns)
    # all engines must agree with ours on every state
    runnables = {}
    for name, (compile_, evaluate, make_ctx, dialect) in eng.items():
        runnables[name] = [compile_(row[dialect]) for row in CONDITIONS]
    ctxs = {name: [e[2](s) for s in states] for name, e in eng.items()}
    for i, row in enumerate(CONDITIONS):
        want = [bool(runnables["ours"][i](s)) for s in states]
        for name, (_, evaluate, _, _) in eng.items():
            got = [bool(evaluate(runnables[name][i], x)) for x in ctxs[name]]
            if got != want:
                raise SystemExit(f"{name} disagrees with ours on '{row[0]}'")

    results = {}
    for name, (compile_, evaluate, make_ctx, dialect) in eng.items():
        comp = [_median_time(lambda t=row[dialect]: compile_(t), repeat, 0.01) for row in CONDITIONS]
        evals = []
        for i in range(len(CONDITIONS)):
            r, xs = runnables[name][i], ctxs[name]
            evals.append(_median_time(lambda r=r, xs=xs: [evaluate(r, x) for x in xs], repeat, 0.02) / len(xs))
        ctx_cost = _median_time(lambda: [make_ctx(s) for s in states], repeat, 0.02) / len(states)
        results[name] = {"compile_s": comp, "eval_s": evals, "compile_median": statistics.median(comp), "eval_median": statistics.median(evals), "ctx_s": ctx_cost}
    ours_eval = results["ours"]["eval_median"]
    ours_comp = results["ours"]["compile_median"]
    print(f"rule-engine {rule_engine.__version__}, cel-python {_version('cel-python')}; {len(CONDITIONS)} conditions x {len(states)} random states; all engines agree on every state\n")
    print(f"| {'engine':<30} | {'compile (median)':>16} | {'x ours':>7} | {'eval (median)':>13} | {'x ours':>7} | {'context build/state':>19} |")
    print(f"|{'-' * 32}|{'-' * 18}:|{'-' * 8}:|{'-' * 14}:|{'-' * 8}:|{'-' * 20}:|")
    for name, r in results.items():
        ctx = "none (state tuple)" if name == "ours" else c.fmt_time(r["ctx_s"])
        print(f"| {name:<30} | {c.fmt_time(r['compile_median']):>16} | {r['compile_median'] / ours_comp:>7.1f} | {c.fmt_time(r['eval_median']):>13} | {r['eval_median'] / ours_eval:>7.1f} | {ctx:>19} |")
    print("\nper condition, eval time:")
    names = list(results)
    short = {"ours": "ours", "rule-engine (dict)": "RE dict", "rule-engine (dict, typed)": "RE typed", "rule-engine (object)": "RE obj", "CEL (celpy, interpreted)": "CEL int", "CEL (celpy, compiled runner)": "CEL comp"}
    print(f"  {'condition':<22}" + "".join(f"{short[n]:>11}" for n in names))
    for i, row in enumerate(CONDITIONS):
        print(f"  {row[0]:<22}" + "".join(f"{c.fmt_time(results[n]['eval_s'][i]):>11}" for n in names))

    esc_engines = ["ours", "rule-engine (dict)", "rule-engine (object)", "CEL (celpy, interpreted)"]
    table = escapes(esc_engines)
    print("\nescape attempts (each engine in a child process, 2 GB / 10 s limits):")
    for engine, rows in table.items():
        print(f"  {engine}:")
        for r in rows:
            extra = r.get("error") or r.get("value") or ""
            print(f"    {r['attempt']:<28} {r['outcome']:<34} {extra}")
    refused = {e: sum(1 for r in rows if r["outcome"].startswith("refused")) for e, rows in table.items()}
    reached = {e: sum(1 for r in rows if r["outcome"].startswith(("ESCAPED", "NOT refused"))) for e, rows in table.items()}
    print("\nrefused: " + ", ".join(f"{e} {n}/{len(ESCAPES)}" for e, n in refused.items()))
    print("dunder/call attempts that got through: " + ", ".join(f"{e} {n}" for e, n in reached.items()))
    print(f"({repeat} repeats per measurement)")
    result = {"bench": "expr_compare", "results": results, "escapes": table, "refused": refused, "reached": reached, "n_escapes": len(ESCAPES),
              "versions": {"rule_engine": rule_engine.__version__, "celpy": _version("cel-python")}, "repeat": repeat}
    c.write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
