"""A small, safe expression language for conditions and effects.

Authors write Python-like text (``ceasefire == "agreed" and count(us_pressure) < 2``).
It is parsed with :mod:`ast`, checked against a strict whitelist, every name is
resolved and type-checked *once at load*, and it is rewritten into a new tree
that reads the state tuple directly (``s[3] == 2 and s[9] < 2``). That tree holds
only nodes we built, is compiled to a code object and evaluated with no builtins,
so nothing the author wrote is ever executed as such. README explains why this won
over rule-engine and CEL (bench/expr_compare.py measures all three).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sim.diagnostics import did_you_mean
from sim.expr.types import BOOL, BoolType, EnumType, IntType, Slot, Type

MAX_CHARS = 1000
MAX_NODES = 200
MAX_INT = 10**15  # the largest literal (and variable bound) the format takes
HISTORY_FUNCS = ("done", "count", "since")
_CONSTANT_NAMES = {"true": True, "false": False, "True": True, "False": False}


class ExprError(Exception):
    """A problem in an expression; ``offset`` is the 0-based column inside its text."""

    def __init__(self, message: str, offset: int = 0, unknown: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.unknown = unknown  # the name that could not be resolved, if that was the problem


class Namespace(Protocol):
    """What names mean in a scenario; implemented by the scenario builder."""

    def variable(self, name: str) -> Slot | None: ...
    def variable_names(self) -> Sequence[str]: ...
    def stance(self, actor: str, issue: str) -> Slot | None: ...
    def stance_names(self) -> Sequence[str]: ...
    def history(self, func: str, act: str) -> Slot | None: ...
    def act_names(self) -> Sequence[str]: ...


@dataclass(slots=True)
class Compiled:
    """A compiled condition or effect list."""

    source: str
    fn: Callable
    reads: tuple[Slot, ...] = ()  # every slot the text mentions, in order of first mention
    writes: tuple[Slot, ...] = ()  # for effects: the slots assigned
    tree: ast.AST | None = field(default=None, repr=False)  # the generated tree, unparsed on demand
    guards: tuple[tuple[int, tuple], ...] = ()  # conjuncts pinning a slot: (index, allowed values)
    deps: tuple[tuple[int, frozenset[int]], ...] = ()  # effects: (slot written, slots its value reads)
    assigns: tuple[tuple[int, object], ...] = ()  # effects: (slot written, the raw value it sets, or None if not a constant)
    body: ast.expr | None = field(default=None, repr=False)  # conditions: the safe tree over `s`

    @property
    def code(self) -> str:
        """The generated Python, for debugging and benchmarks."""
        return ast.unparse(self.tree) if self.tree is not None else ""


_GLOBALS_BASE = {"__builtins__": {}, "_min": min, "_max": max}


def compile_condition(text: str, ns: Namespace) -> Compiled:
    tree = _parse(text, "eval")
    checker = _Checker(ns, reading_list=False)
    body, typ = checker.expr(tree.body)
    if not isinstance(typ, BoolType):
        raise ExprError(f"a condition must be true or false, but this is {typ.describe()}", 0)
    lam = ast.Expression(
        ast.Lambda(args=_args("s"), body=body),
    )
    code = compile(ast.fix_missing_locations(lam), "<condition>", "eval")
    fn = eval(code, dict(_GLOBALS_BASE))  # noqa: S307 - the tree holds only nodes built above
    compiled = Compiled(text, fn, tuple(checker.reads), (), lam, _guards(body))
    compiled.body = body
    return compiled


def compile_effects(
    texts: Sequence[str],
    ns: Namespace,
    extra: Sequence[tuple[int, str]] = (),
    on_error: Callable[[int, ExprError], None] | None = None,
) -> Compiled:
    """Compile effect statements into one ``f(state) -> state`` function.

    Statements run in order, each seeing the previous ones' results. ``extra`` adds
    history book-keeping: ``(slot, "count")`` increments, ``(slot, "last")`` records the turn.
    Errors go to ``on_error(index, error)`` when given (so all are reported), else raise.
    """
    checker = _Checker(ns, reading_list=True)
    stmts: list[ast.stmt] = [
        ast.Assign([ast.Name("l", ast.Store())], ast.Call(ast.Name("_list", ast.Load()), [ast.Name("s", ast.Load())], []))
    ]
    writes: list[Slot] = []
    deps: list[tuple[int, frozenset[int]]] = []
    assigns: list[tuple[int, object]] = []
    for i, text in enumerate(texts):
        checker.stmt_reads = set()
        try:
            stmt, slot = _effect(text, checker)
        except ExprError as exc:
            if on_error is None:
                raise
            on_error(i, exc)
            continue
        stmts.append(stmt)
        writes.append(slot)
        deps.append((slot.index, frozenset(checker.stmt_reads)))
        assigns.append((slot.index, stmt.value.value if isinstance(stmt.value, ast.Constant) else None))
    for slot, what in extra:
        target = ast.Subscript(ast.Name("l", ast.Load()), ast.Constant(slot), ast.Store())
        if what == "count":
            value = ast.BinOp(_read_l(slot), ast.Add(), ast.Constant(1))
        else:  # "last": the current turn lives at index 0
            value = _read_l(0)
        stmts.append(ast.Assign([target], value))
    stmts.append(ast.Return(ast.Call(ast.Name("_tuple", ast.Load()), [ast.Name("l", ast.Load())], [])))
    func = ast.FunctionDef(name="apply", args=_args("s"), body=stmts, decorator_list=[], returns=None)
    if sys.version_info >= (3, 12):
        func.type_params = []
    module = ast.Module([func], [])
    code = compile(ast.fix_missing_locations(module), "<effects>", "exec")
    scope = dict(_GLOBALS_BASE, _list=list, _tuple=tuple, _bool=bool)
    exec(code, scope)  # noqa: S102 - the tree holds only nodes built above
    compiled = Compiled("; ".join(texts), scope["apply"], tuple(checker.reads), tuple(writes), module)
    compiled.deps = tuple(deps)
    compiled.assigns = tuple(assigns)
    return compiled


def _guards(body: ast.expr) -> tuple[tuple[int, tuple], ...]:
    """Top-level conjuncts of the form s[i] == c, s[i] in (c, ...), s[i], not s[i]."""
    conjuncts = body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
    out = []
    for c in conjuncts:
        if isinstance(c, ast.Compare) and len(c.ops) == 1:
            left, op, right = c.left, c.ops[0], c.comparators[0]
            if isinstance(op, ast.Eq):
                if _slot_of(right) is not None and isinstance(left, ast.Constant):
                    left, right = right, left
                if _slot_of(left) is not None and isinstance(right, ast.Constant):
                    out.append((_slot_of(left), (right.value,)))
            elif isinstance(op, ast.In) and _slot_of(left) is not None and isinstance(right, ast.Tuple):
                out.append((_slot_of(left), tuple(e.value for e in right.elts)))
        elif _slot_of(c) is not None:
            out.append((_slot_of(c), (True,)))
        elif isinstance(c, ast.UnaryOp) and isinstance(c.op, ast.Not) and _slot_of(c.operand) is not None:
            out.append((_slot_of(c.operand), (False,)))
    return tuple(out)


def _slot_of(node: ast.AST) -> int | None:
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value != 0:
        return node.slice.value
    return None


# --- parsing -------------------------------------------------------------------------------------


def _parse(text: str, mode: str) -> ast.AST:
    if not isinstance(text, str):
        raise ExprError("expected text")
    if len(text) > MAX_CHARS:
        raise ExprError(f"expression is {len(text)} characters long; the limit is {MAX_CHARS}")
    stripped = text.strip()
    if not stripped:
        raise ExprError("expression is empty")
    lead = len(text) - len(text.lstrip())
    try:
        tree = ast.parse(stripped, mode=mode)
    except SyntaxError as exc:
        offset = lead + max((exc.offset or 1) - 1, 0)
        raise ExprError(f"not a valid expression: {exc.msg}", offset) from None
    except (ValueError, MemoryError, RecursionError):
        raise ExprError("not a valid expression") from None
    count = 0
    for node in ast.walk(tree):
        count += 1
        if count > MAX_NODES:
            raise ExprError(f"expression is too complex (more than {MAX_NODES} parts)")
        if hasattr(node, "col_offset"):
            node.col_offset += lead  # type: ignore[attr-defined]
    return tree


def _args(name: str) -> ast.arguments:
    return ast.arguments(posonlyargs=[], args=[ast.arg(name)], kwonlyargs=[], kw_defaults=[], defaults=[])


def _read_l(slot: int) -> ast.expr:
    return ast.Subscript(ast.Name("l", ast.Load()), ast.Constant(slot), ast.Load())


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        left = _dotted(node.value)
        return f"{left}.{node.attr}" if left else None
    return None


def _where(node: ast.AST) -> int:
    return getattr(node, "col_offset", 0)


# --- checking and rewriting -------------------------------------------------------------------------


_CMP_OPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
_FORBIDDEN_HINTS = {
    ast.Pow: "the power operator ** is not allowed",
    ast.Call: "calls are not allowed (only done(x), count(x) and since(x))",
    ast.Subscript: "indexing with [ ] is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.IfExp: "'x if c else y' is not allowed; write two rules or use and/or",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
}


class _Checker:
    """Type-checks an author's tree and builds the safe replacement tree."""

    def __init__(self, ns: Namespace, reading_list: bool):
        self.ns = ns
        self.state_name = "l" if reading_list else "s"
        self.reads: list[Slot] = []
        self.stmt_reads: set[int] = set()  # slots read by the effect statement being compiled

    def _read(self, slot: Slot) -> ast.expr:
        self.stmt_reads.add(slot.index)
        if all(r.name != slot.name for r in self.reads):
            self.reads.append(slot)
        return ast.Subscript(ast.Name(self.state_name, ast.Load()), ast.Constant(slot.index), ast.Load())

    # Each method returns (replacement node, type). Enum-valued string literals are
    # typed lazily: a bare str literal has type `str` until compared with an enum.
    def expr(self, node: ast.AST) -> tuple[ast.expr, Type]:
        if isinstance(node, ast.BoolOp):
            values = []
            for v in node.values:
                new, typ = self.expr(v)
                self._want_bool(typ, v)
                values.append(new)
            return ast.BoolOp(type(node.op)(), values), BOOL
        if isinstance(node, ast.UnaryOp):
            new, typ = self.expr(node.operand)
            if isinstance(node.op, ast.Not):
                self._want_bool(typ, node.operand)
                return ast.UnaryOp(ast.Not(), new), BOOL
            if isinstance(node.op, ast.USub | ast.UAdd):
                self._want_int(typ, node.operand)
                return ast.UnaryOp(type(node.op)(), new), typ
            raise ExprError("operator '~' is not allowed", _where(node))
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _ARITH:
                hint = _FORBIDDEN_HINTS.get(type(node.op), f"operator '{type(node.op).__name__}' is not allowed")
                raise ExprError(hint + " (use + - * on numbers)", _where(node))
            left, lt = self.expr(node.left)
            right, rt = self.expr(node.right)
            self._want_int(lt, node.left)
            self._want_int(rt, node.right)
            return ast.BinOp(left, type(node.op)(), right), IntType(-MAX_INT, MAX_INT)
        if isinstance(node, ast.Compare):
            return self._compare(node), BOOL
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Tuple | ast.List):
            raise ExprError("a list of values may only follow 'in' or 'not in'", _where(node))
        hint = _FORBIDDEN_HINTS.get(type(node), f"'{type(node).__name__}' is not allowed here")
        raise ExprError(hint, _where(node))

    def _constant(self, node: ast.Constant) -> tuple[ast.expr, Type]:
        value = node.value
        if isinstance(value, bool):
            return ast.Constant(value), BOOL
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                raise ExprError(f"number {value} is too large (limit {MAX_INT})", _where(node))
            return ast.Constant(value), IntType(value, value)
        if isinstance(value, str):
            return ast.Constant(value), _StrLit(value, _where(node))
        raise ExprError(f"{type(value).__name__} values are not allowed (use whole numbers, text, true/false)", _where(node))

    def _name(self, node: ast.Name) -> tuple[ast.expr, Type]:
        name = node.id
        if "__" in name:
            raise ExprError(f"names with '__' are not allowed: '{name}'", _where(node))
        if name in _CONSTANT_NAMES:
            return ast.Constant(_CONSTANT_NAMES[name]), BOOL
        slot = self.ns.variable(name)
        if slot is None:
            choices = [*self.ns.variable_names(), "turn", "true", "false"]
            hint = did_you_mean(name, choices)
            if not hint and name in self.ns.act_names():
                hint = f" ('{name}' is a move or rule: write done({name}) or count({name}))"
            raise ExprError(f"unknown name '{name}'{hint}", _where(node), name)
        return self._read(slot), slot.type

    def _attribute(self, node: ast.Attribute) -> tuple[ast.expr, Type]:
        slot = self._stance_slot(node)
        return self._read(slot), slot.type

    def _stance_slot(self, node: ast.Attribute) -> Slot:
        if "__" in node.attr:
            raise ExprError(f"names with '__' are not allowed: '{node.attr}'", _where(node))
        if not isinstance(node.value, ast.Name):
            raise ExprError("only actor.issue may use a dot (e.g. russia.crimea)", _where(node))
        actor, issue = node.value.id, node.attr
        if "__" in actor:
            raise ExprError(f"names with '__' are not allowed: '{actor}'", _where(node))
        slot = self.ns.stance(actor, issue)
        if slot is None:
            name = f"{actor}.{issue}"
            hint = did_you_mean(name, self.ns.stance_names())
            if not hint and name in self.ns.act_names():
                hint = f" ('{name}' is a rule: write done({name}) or count({name}))"
            raise ExprError(f"unknown stance '{name}'{hint}", _where(node), name)
        return slot

    def _call(self, node: ast.Call) -> tuple[ast.expr, Type]:
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in HISTORY_FUNCS:
            raise ExprError(_FORBIDDEN_HINTS[ast.Call], _where(node))
        if node.keywords or len(node.args) != 1:
            raise ExprError(f"{func.id}() takes exactly one move or rule name", _where(node))
        act = _dotted(node.args[0])
        if act is None or "__" in act:
            raise ExprError(f"{func.id}() takes the name of a move or rule, e.g. {func.id}(us_propose)", _where(node.args[0]))
        slot = self.ns.history(func.id, act)
        if slot is None:
            raise ExprError(f"unknown move or rule '{act}'{did_you_mean(act, self.ns.act_names())}", _where(node.args[0]), act)
        read = self._read(slot)
        if func.id == "done":
            return ast.Compare(read, [ast.Gt()], [ast.Constant(0)]), BOOL
        if func.id == "count":
            return read, IntType(0, MAX_INT)
        # since(x): turns since x last happened; huge (>= 10000) when it never did
        turn = ast.Subscript(ast.Name(self.state_name, ast.Load()), ast.Constant(0), ast.Load())
        return ast.BinOp(turn, ast.Sub(), read), IntType(0, MAX_INT)

    def _compare(self, node: ast.Compare) -> ast.expr:
        # operands[i] is (new node, type, original node); enum literals get converted in place
        operands = [(*self.expr(node.left), node.left)]
        for i, (op, right_node) in enumerate(zip(node.ops, node.comparators, strict=True)):
            if not isinstance(op, _CMP_OPS):
                raise ExprError("'is' is not allowed; use == or !=", _where(node))
            left, lt, left_node = operands[i]
            if isinstance(op, ast.In | ast.NotIn):
                if i < len(node.ops) - 1:
                    raise ExprError("'in' cannot be chained with another comparison", _where(node))
                operands.append((self._member_list(right_node, lt, left_node), BOOL, right_node))
                continue
            right, rt = self.expr(right_node)
            if isinstance(lt, _StrLit) and isinstance(rt, EnumType):
                left, lt = self._enum_literal(lt, rt), rt
                operands[i] = (left, lt, left_node)
            elif isinstance(rt, _StrLit) and isinstance(lt, EnumType):
                right, rt = self._enum_literal(rt, lt), lt
            if not _compatible(lt, rt):
                raise ExprError(f"cannot compare {_describe(lt)} with {_describe(rt)}", _where(right_node))
            if isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE):
                self._want_int(lt, left_node, "only numbers can be ordered with < <= > >=")
            operands.append((right, rt, right_node))
        return ast.Compare(operands[0][0], [type(op)() for op in node.ops], [o[0] for o in operands[1:]])

    def _member_list(self, node: ast.AST, lt: Type, left_node) -> ast.expr:
        if not isinstance(node, ast.Tuple | ast.List):
            raise ExprError("'in' must be followed by a list of values, e.g. x in ('a', 'b')", _where(node))
        if not isinstance(lt, EnumType | IntType):
            raise ExprError("'in' works on numbers and named values", _where(left_node))
        items = []
        for elt in node.elts:
            if not isinstance(elt, ast.Constant):
                raise ExprError("the list after 'in' may hold only literal values", _where(elt))
            new, et = self._constant(elt)
            if isinstance(et, _StrLit) and isinstance(lt, EnumType):
                new = self._enum_literal(et, lt)
            elif not (isinstance(et, IntType) and isinstance(lt, IntType)):
                raise ExprError(f"{elt.value!r} cannot be a value of {_describe(lt)}", _where(elt))
            items.append(new)
        return ast.Tuple(items, ast.Load())

    def target(self, node: ast.AST) -> Slot:
        """The slot an effect assigns: a variable or an actor's stance."""
        if isinstance(node, ast.Name):
            if "__" in node.id:
                raise ExprError(f"names with '__' are not allowed: '{node.id}'", _where(node))
            slot = self.ns.variable(node.id)
            if slot is None:
                raise ExprError(
                    f"unknown variable '{node.id}'{did_you_mean(node.id, self.ns.variable_names())}",
                    _where(node),
                    node.id,
                )
            if slot.index == 0:
                raise ExprError("'turn' is counted by the engine and cannot be assigned", _where(node))
            return slot
        if isinstance(node, ast.Attribute):
            return self._stance_slot(node)
        raise ExprError("an effect assigns a variable or a stance (actor.issue)", _where(node))

    def _enum_literal(self, lit: _StrLit, enum: EnumType) -> ast.expr:
        if lit.value not in enum.values:
            raise ExprError(
                f"'{lit.value}' is not a value of {enum.name}{did_you_mean(lit.value, enum.values)}; "
                f"it is {enum.describe()}",
                lit.offset,
            )
        return ast.Constant(enum.values.index(lit.value))

    def _want_bool(self, typ: Type, node: ast.AST) -> None:
        if not isinstance(typ, BoolType):
            raise ExprError(f"expected true/false here, but this is {_describe(typ)}", _where(node))

    def _want_int(self, typ: Type, node: ast.AST, message: str = "") -> None:
        if not isinstance(typ, IntType):
            raise ExprError(message or f"expected a number here, but this is {_describe(typ)}", _where(node))


def _effect(text: str, checker: _Checker) -> tuple[ast.stmt, Slot]:
    tree = _parse(text, "exec")
    if len(tree.body) != 1:
        raise ExprError("write one effect per list item")
    st = tree.body[0]
    if isinstance(st, ast.Assign):
        if len(st.targets) != 1:
            raise ExprError("assign one thing per effect", _where(st))
        slot = checker.target(st.targets[0])
        value, vt = checker.expr(st.value)
        typ = slot.type
        if isinstance(typ, EnumType):
            if isinstance(vt, _StrLit):
                value = checker._enum_literal(vt, typ)
            elif not (isinstance(vt, EnumType) and vt.values == typ.values):
                raise ExprError(f"{slot.name} takes {typ.describe()}", _where(st.value))
        elif isinstance(typ, BoolType):
            checker._want_bool(vt, st.value)
            value = ast.Call(ast.Name("_bool", ast.Load()), [value], [])
        else:
            checker._want_int(vt, st.value)
            const = _int_constant(st.value)
            if const is not None and not typ.lo <= const <= typ.hi:
                raise ExprError(f"{const} is outside the bounds of {slot.name} ({typ.lo} to {typ.hi})", _where(st.value))
            value = _clamp(value, typ)
    elif isinstance(st, ast.AugAssign):
        if not isinstance(st.op, ast.Add | ast.Sub):
            raise ExprError("only += and -= are allowed", _where(st))
        slot = checker.target(st.target)
        if not isinstance(slot.type, IntType):
            raise ExprError(f"+= and -= need a number, but {slot.name} is {_describe(slot.type)}", _where(st))
        value, vt = checker.expr(st.value)
        checker._want_int(vt, st.value)
        value = _clamp(ast.BinOp(checker._read(slot), type(st.op)(), value), slot.type)
    else:
        raise ExprError(
            "an effect is an assignment: name = value, name += 1, name -= 1, or actor.issue = 'option'",
            _where(st),
        )
    target = ast.Subscript(ast.Name("l", ast.Load()), ast.Constant(slot.index), ast.Store())
    return ast.Assign([target], value), slot


def _int_constant(node: ast.AST) -> int | None:
    """The whole number a literal (or a signed literal) stands for; None for anything else."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return sign * node.value
    return None


def _clamp(value: ast.expr, typ: IntType) -> ast.expr:
    """Integers stay inside their declared bounds: effects saturate rather than fail."""
    low = ast.Call(ast.Name("_min", ast.Load()), [ast.Constant(typ.hi), value], [])
    return ast.Call(ast.Name("_max", ast.Load()), [ast.Constant(typ.lo), low], [])


@dataclass(frozen=True, slots=True)
class _StrLit:
    value: str
    offset: int

    def describe(self) -> str:
        return f"the text '{self.value}'"


def _describe(typ) -> str:
    if isinstance(typ, EnumType):
        return f"{typ.name} ({typ.describe()})"
    return typ.describe()


def _compatible(a, b) -> bool:
    if isinstance(a, IntType) and isinstance(b, IntType):
        return True
    if isinstance(a, EnumType) and isinstance(b, EnumType):
        return a.values == b.values
    return type(a) is type(b) and not isinstance(a, _StrLit)
