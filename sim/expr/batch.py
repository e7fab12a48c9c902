"""Many compiled conditions fused into one generated function.

The engine's hot loop asks the same questions at every node: which ending applies
(first match of several conditions), which alternatives of a rule apply, what the
end of a turn does to clocks and scoped variables. One generated function per
question replaces a Python call per condition. The trees come from
:mod:`sim.expr.compiler`, so they hold only nodes that compiler built.
"""

from __future__ import annotations

import ast
import copy
import sys
from collections.abc import Callable, Sequence

from sim.expr.compiler import Compiled

_GLOBALS = {"__builtins__": {}, "_min": min, "_max": max, "_list": list, "_tuple": tuple}


def _function(name: str, body: list[ast.stmt], extra_globals: dict | None = None) -> Callable:
    func = ast.FunctionDef(
        name=name,
        args=ast.arguments(posonlyargs=[], args=[ast.arg("s")], kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=body,
        decorator_list=[],
        returns=None,
    )
    if sys.version_info >= (3, 12):
        func.type_params = []
    code = compile(ast.fix_missing_locations(ast.Module([func], [])), f"<{name}>", "exec")
    scope = dict(_GLOBALS, **(extra_globals or {}))
    exec(code, scope)  # noqa: S102 - every node was built by our compiler
    return scope[name]


def _test(compiled: Compiled) -> ast.expr:
    return copy.deepcopy(compiled.body)


def first_match(tests: Sequence[tuple[int, Compiled]], default: int = -1) -> Callable[[tuple], int]:
    """``f(s)``: the index paired with the first condition that holds, else ``default``."""
    body: list[ast.stmt] = [ast.If(_test(c), [ast.Return(ast.Constant(i))], []) for i, c in tests]
    body.append(ast.Return(ast.Constant(default)))
    return _function("first_match", body)


def select(items: Sequence[object], tests: Sequence[Compiled | None], guard: Compiled | None = None) -> Callable[[tuple], list]:
    """``f(s)``: the items whose condition holds (None always holds), in order; [] if ``guard`` fails."""
    out = ast.Name("out", ast.Load())
    body: list[ast.stmt] = []
    if guard is not None:
        body.append(ast.If(ast.UnaryOp(ast.Not(), _test(guard)), [ast.Return(ast.List([], ast.Load()))], []))
    body.append(ast.Assign([ast.Name("out", ast.Store())], ast.List([], ast.Load())))
    for i, test in enumerate(tests):
        append = ast.Expr(ast.Call(ast.Attribute(out, "append", ast.Load()), [_item(i)], []))
        body.append(append if test is None else ast.If(_test(test), [append], []))
    body.append(ast.Return(out))
    return _function("select", body, {"_I": tuple(items)})


def _item(i: int) -> ast.expr:
    return ast.Subscript(ast.Name("_I", ast.Load()), ast.Constant(i), ast.Load())


def end_of_turn(
    clocks: Sequence[tuple[int, int, int, int]],
    scopes: Sequence[tuple[Compiled, Sequence[int]]],
    initial: tuple,
) -> Callable[[tuple], tuple]:
    """``f(s)``: the state after a turn ends: turn + 1, clocks advanced, then variables
    whose scope no longer holds reset to their initial values."""
    l_load = ast.Name("l", ast.Load())

    def slot(i: int, ctx) -> ast.expr:
        return ast.Subscript(ast.Name("l", ast.Load()), ast.Constant(i), ctx)

    body: list[ast.stmt] = [
        ast.Assign([ast.Name("l", ast.Store())], ast.Call(ast.Name("_list", ast.Load()), [ast.Name("s", ast.Load())], [])),
        ast.Assign([slot(0, ast.Store())], ast.BinOp(slot(0, ast.Load()), ast.Add(), ast.Constant(1))),
    ]
    for i, delta, lo, hi in clocks:
        moved = ast.BinOp(slot(i, ast.Load()), ast.Add(), ast.Constant(delta))
        clamped = ast.Call(ast.Name("_max", ast.Load()), [ast.Constant(lo), ast.Call(ast.Name("_min", ast.Load()), [ast.Constant(hi), moved], [])], [])
        body.append(ast.Assign([slot(i, ast.Store())], clamped))
    if scopes:
        # Every scope is judged on the same state (after the clocks, before any reset), so
        # the result does not depend on the order the variables were declared in.
        body.append(ast.Assign([ast.Name("s", ast.Store())], ast.Call(ast.Name("_tuple", ast.Load()), [l_load], [])))
        for n, (compiled, _) in enumerate(scopes):
            body.append(ast.Assign([ast.Name(f"in_scope_{n}", ast.Store())], _test(compiled)))
        for n, (_, slots) in enumerate(scopes):
            resets = [ast.Assign([slot(i, ast.Store())], ast.Constant(initial[i])) for i in slots]
            body.append(ast.If(ast.UnaryOp(ast.Not(), ast.Name(f"in_scope_{n}", ast.Load())), resets, []))
    body.append(ast.Return(ast.Call(ast.Name("_tuple", ast.Load()), [l_load], [])))
    return _function("end_of_turn", body)
