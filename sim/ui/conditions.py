"""A condition said in words: "Phase is “The 30-day ceasefire proposal”, and Trump-Putin
call is “Expected this week”" instead of ``phase == "ceasefire" and trump_putin_call ==
"expected"``. Names become the variables' labels (a stance: "Russia on Crimea"), values
their descriptions. A shape it does not know is shown as the author wrote it.
"""

from __future__ import annotations

import ast

from sim.engine.model import Scenario
from sim.export.story import readable

COMPARE = {ast.Eq: "is", ast.NotEq: "is not", ast.Lt: "is below", ast.LtE: "is at most", ast.Gt: "is above", ast.GtE: "is at least"}
HISTORY = {"done": "“{}” has happened", "count": "the number of times “{}” happened"}


def in_words(scn: Scenario, source: str) -> str:
    try:
        tree = ast.parse(source, mode="eval").body
        return _say(scn, tree)
    except (SyntaxError, _Unsaid, RecursionError, ValueError):
        return source


class _Unsaid(Exception):
    """A shape this module does not put in words."""


def _say(scn: Scenario, node: ast.AST) -> str:
    if isinstance(node, ast.BoolOp):
        parts = [f"({_say(scn, v)})" if isinstance(v, ast.BoolOp) else _say(scn, v) for v in node.values]
        if isinstance(node.op, ast.And):
            return ", and ".join(parts)
        return "either " + ", or ".join(parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = node.operand
        if _name(inner) is not None:
            return f"{_label(scn, _name(inner))} is no"
        return f"not ({_say(scn, inner)})"
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, op, right = node.left, node.ops[0], node.comparators[0]
        subject = _subject(scn, left)
        name = _name(left)
        if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Tuple | ast.List):
            values = ", ".join(_value(scn, name, v) for v in right.elts)
            return f"{subject} is {'one' if isinstance(op, ast.In) else 'none'} of {values}"
        if type(op) in COMPARE:
            return f"{subject} {COMPARE[type(op)]} {_value(scn, name, right)}"
        raise _Unsaid
    if _name(node) is not None:
        return f"{_label(scn, _name(node))} is yes"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in HISTORY and len(node.args) == 1:
        return HISTORY[node.func.id].format(_act(scn, node.args[0]))
    raise _Unsaid


def _subject(scn: Scenario, node: ast.AST) -> str:
    name = _name(node)
    if name is not None:
        return _label(scn, name)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "count" and len(node.args) == 1:
        return HISTORY["count"].format(_act(scn, node.args[0]))
    raise _Unsaid


def _name(node: ast.AST) -> str | None:
    """A variable's name, or a stance's "actor.issue"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _label(scn: Scenario, name: str) -> str:
    return readable(scn, name, "")[0]


def _value(scn: Scenario, name: str | None, node: ast.AST) -> str:
    if not isinstance(node, ast.Constant):
        raise _Unsaid
    if isinstance(node.value, str) and name is not None:
        return f"\u201c{readable(scn, name, node.value)[1]}\u201d"
    if isinstance(node.value, bool):
        return "yes" if node.value else "no"
    return str(node.value)


def _act(scn: Scenario, node: ast.AST) -> str:
    act_id = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else _name(node)
    act = scn.by_id.get(act_id or "")
    if act is None:
        raise _Unsaid
    return act.label
