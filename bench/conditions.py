"""Condition evaluation: our compiled conditions vs native Python (the floor).

    python bench/conditions.py [SCENARIO] [--json FILE] [--repeat N]

Every condition the scenario declares (moves', reactions' and events' ``when``, their
alternatives', endings', prompts' and red lines') is evaluated over a sample of states
the scenario really reaches (random playouts), four ways:

* ours        - ``Compiled.fn``, what the engine calls (``lambda s: s[3] == 2 and ...``,
                built from the checked tree, no builtins);
* floor:tuple - the same expression written as plain Python source and compiled by
                Python itself into a function over the state tuple (the fastest native form);
* floor:dict  - the author's text as plain Python over a dict of named values
                (``d["ceasefire"] == "agreed" and d["pressure"] < 3``), dicts prebuilt;
* floor:eval  - the literal reading: ``compile("s[3] == 2 and ...", "", "eval")`` code
                objects run with ``eval(code, {"s": state})``.

Times are per evaluation (total / conditions / states), measured with
``deque(map(fn, states), 0)`` so that loop overhead is C-level and the same for all;
"net" subtracts that overhead (the same loop calling the builtin ``id``).
Target: ours within 2x of the floor (ratio ours/floor <= 2).
"""

from __future__ import annotations

import ast
import random
import statistics
import time
from collections import deque

import _common as c

TARGET_RATIO = 2.0
MAX_STATES = 400


def conditions(scn) -> list[tuple[str, object]]:
    out = []
    for act in scn.acts:
        if act.when is not None:
            out.append((f"{'move' if act.rule < 0 else 'alt'} {act.id}", act.when))
    for rule in scn.rules:
        if rule.when is not None:
            out.append((f"{rule.kind} {rule.id}", rule.when))
    for ending in scn.endings:
        if ending.when is not None:
            out.append((f"ending {ending.id}", ending.when))
    for prompt in scn.prompts:
        out.append((f"prompt {prompt.id}", prompt.when))
    for stance in scn.stances:
        if stance.red_line_crossed is not None:
            out.append((f"red line {stance.actor}.{stance.issue}", stance.red_line_crossed))
    return out


def sample_states(scn, limit: int = MAX_STATES, seed: int = 1) -> list[tuple]:
    """Distinct states met on seeded random playouts (the start first)."""
    from sim.engine import core
    from sim.engine.session import pick

    rng = random.Random(seed)
    seen: dict[tuple, None] = {scn.initial: None}
    for _ in range(limit * 20):
        node = core.start(scn)
        while not node.over:
            opts = core.options(scn, node)
            if not opts:
                break
            node = core.advance(scn, node, pick(opts, rng))
            seen.setdefault(node.state, None)
        if len(seen) >= limit:
            break
    return list(seen)[:limit]


class _ToDict(ast.NodeTransformer):
    """Author's text -> plain Python over a dict of named values."""

    def _get(self, key: str) -> ast.expr:
        return ast.Subscript(ast.Name("d", ast.Load()), ast.Constant(key), ast.Load())

    def visit_Name(self, node):
        if node.id in ("true", "True"):
            return ast.Constant(True)
        if node.id in ("false", "False"):
            return ast.Constant(False)
        return self._get(node.id)

    def visit_Attribute(self, node):
        return self._get(f"{node.value.id}.{node.attr}")

    def visit_Call(self, node):
        act = ast.unparse(node.args[0])
        if node.func.id == "done":
            return ast.Compare(self._get(f"count({act})"), [ast.Gt()], [ast.Constant(0)])
        if node.func.id == "count":
            return self._get(f"count({act})")
        return ast.BinOp(self._get("turn"), ast.Sub(), self._get(f"last({act})"))


def dict_source(text: str) -> str:
    tree = ast.parse(text.strip(), mode="eval")
    return ast.unparse(ast.fix_missing_locations(_ToDict().visit(tree)))


def named(scn, state: tuple) -> dict:
    from sim.expr.types import EnumType

    out = {}
    for slot in scn.slots:
        raw = state[slot.index]
        out[slot.name] = slot.type.values[raw] if isinstance(slot.type, EnumType) and slot.kind == "value" else raw
    return out


def build_variants(scn, conds):
    """name -> (list of callables, list of inputs) per condition."""
    ours, tup, dic, evl = [], [], [], []
    for _, comp in conds:
        ours.append(comp.fn)
        body = ast.unparse(ast.parse(comp.code, mode="eval").body.body)  # the lambda's expression
        tup.append(eval(compile(f"lambda s: {body}", "<floor>", "eval")))  # noqa: S307 - our own text
        dic.append(eval(compile(f"lambda d: {dict_source(comp.source)}", "<floor-dict>", "eval")))  # noqa: S307
        code = compile(body, "<floor-eval>", "eval")
        evl.append((lambda code: (lambda s: eval(code, {"s": s})))(code))  # noqa: S307
    return {"ours": ours, "floor:tuple": tup, "floor:dict": dic, "floor:eval": evl}


def run_all(fns, inputs, passes: int) -> float:
    consume = deque(maxlen=0).extend
    t0 = time.perf_counter()
    for _ in range(passes):
        for f in fns:
            consume(map(f, inputs))
    return time.perf_counter() - t0


def main(argv=None) -> dict:
    args = c.parser(__doc__.splitlines()[0]).parse_args(argv)
    repeat = max(5, args.repeat)
    path, how = c.scenario_path(args.scenario)
    scn = c.load(path)
    conds = conditions(scn)
    states = sample_states(scn)
    dicts = [named(scn, s) for s in states]
    variants = build_variants(scn, conds)
    # every variant must agree with ours on every state before it is timed
    for i, (label, _) in enumerate(conds):
        for s, d in zip(states, dicts, strict=True):
            want = bool(variants["ours"][i](s))
            got = (bool(variants["floor:tuple"][i](s)), bool(variants["floor:dict"][i](d)), bool(variants["floor:eval"][i](s)))
            if got != (want,) * 3:
                raise SystemExit(f"floor disagrees with ours on {label} at {s}: {want} vs {got}")
    n_evals = len(conds) * len(states)
    print(f"scenario: {scn.id} ({path}, {how}); {len(conds)} conditions x {len(states)} reached states = {n_evals:,} evaluations per pass")

    inputs = {"ours": states, "floor:tuple": states, "floor:dict": dicts, "floor:eval": states}
    passes = max(1, int(0.25 / max(run_all(variants["ours"], states, 1), 1e-6)))
    results = {}
    base = [run_all([id] * len(conds), states, passes) / (passes * n_evals) for _ in range(repeat)]
    overhead = statistics.median(base)
    # interleave the variants so drift on a shared machine hits them alike
    samples = {k: [] for k in variants}
    for _ in range(repeat):
        for name, fns in variants.items():
            p = passes if name != "floor:eval" else max(1, passes // 4)
            samples[name].append(run_all(fns, inputs[name], p) / (p * n_evals))
    for name, xs in samples.items():
        st = c.stats(xs)
        results[name] = {"ns": {k: v * 1e9 if isinstance(v, float) else v for k, v in st.items()}, "net_ns": (st["median"] - overhead) * 1e9}

    # per-condition ratio ours / floor:tuple (to find any outlier)
    per = []
    consume = deque(maxlen=0).extend
    for i, (label, comp) in enumerate(conds):
        def one(f, xs, n=50):
            t0 = time.perf_counter()
            for _ in range(n):
                consume(map(f, xs))
            return (time.perf_counter() - t0) / (n * len(xs))
        o = statistics.median(one(variants["ours"][i], states) for _ in range(repeat))
        t = statistics.median(one(variants["floor:tuple"][i], states) for _ in range(repeat))
        per.append((o / t, label, comp.source, o * 1e9, t * 1e9))
    per.sort(reverse=True)

    ours = results["ours"]["ns"]["median"]
    print(f"\n{'variant':<14} {'median ns/eval':>15} {'min ns/eval':>12} {'net ns':>8} {'ours/this':>10}")
    for name, r in results.items():
        ratio = ours / r["ns"]["median"]
        print(f"{name:<14} {r['ns']['median']:>15.1f} {r['ns']['min']:>12.1f} {r['net_ns']:>8.1f} {ratio:>10.2f}")
    print(f"(loop overhead, C-level map over `id`: {overhead * 1e9:.1f} ns/eval)")
    ratios = {name: ours / r["ns"]["median"] for name, r in results.items() if name != "ours"}
    net_ratios = {name: results["ours"]["net_ns"] / r["net_ns"] for name, r in results.items() if name != "ours"}
    worst = max(ratios.values())
    met = worst <= TARGET_RATIO
    print(f"\nratio ours/floor: tuple {ratios['floor:tuple']:.2f}, dict {ratios['floor:dict']:.2f}, eval {ratios['floor:eval']:.2f}"
          f" (net of loop overhead: {net_ratios['floor:tuple']:.2f}, {net_ratios['floor:dict']:.2f}, {net_ratios['floor:eval']:.2f})")
    print(f"target ours/floor <= {TARGET_RATIO}: {'met' if met else 'NOT met'} (worst {worst:.2f})")
    print("\nper condition, ours / floor:tuple (highest first):")
    for ratio, label, src, o, t in per[:5]:
        print(f"  {ratio:5.2f}  {o:6.1f} ns vs {t:6.1f} ns  {label}: {src}")
    print(f"  median per-condition ratio {statistics.median(r[0] for r in per):.2f} over {len(per)} conditions")
    print(f"({repeat} repeats, {passes} passes per repeat)")
    result = {
        "bench": "conditions", "scenario": str(path), "scenario_how": how, "scenario_id": scn.id,
        "conditions": len(conds), "states": len(states), "variants": results, "overhead_ns": overhead * 1e9,
        "ratios": ratios, "net_ratios": net_ratios, "worst_ratio": worst, "target_ratio": TARGET_RATIO, "met": met,
        "per_condition_max": per[0][0] if per else None, "per_condition_median": statistics.median(r[0] for r in per) if per else None,
        "repeat": repeat,
    }
    c.write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
