"""The expression compiler: meaning, types, helpful errors, and why it cannot be escaped."""

from __future__ import annotations

import re

import types

import pytest

from sim.expr.compiler import (
    MAX_CHARS,
    ExprError,
    compile_condition,
    compile_effects,
)
from sim.expr.namespace import SlotTable
from sim.expr.types import BOOL, NEVER, EnumType, IntType

CEASEFIRE = EnumType("ceasefire", ("proposed", "agreed", "collapsed"))
TRUCE = EnumType("issue truce", ("accept", "conditional", "reject"))

# the state tuple: index -> what lives there
TURN, CEASEFIRE_I, PRESSURE, TALKS, TRUST, MOOD, RUSSIA_TRUCE, COUNT_PUT, LAST_PUT, ENVOY = range(10)


def scenario_names() -> SlotTable:
    """Names as the scenario builder would bind them, in the slot order above."""
    ns = SlotTable()  # "turn" is slot 0
    ns.add_variable("ceasefire", CEASEFIRE)
    ns.add_variable("pressure", IntType(0, 3))
    ns.add_variable("talks_open", BOOL)
    ns.add_variable("trust", IntType(-5, 5))
    ns.add_variable("mood", EnumType("mood", ("calm", "tense")))
    ns.add_stance("russia", "truce", TRUCE)
    ns.acts = ["us_put", "russia_reply", "russia_reply.yes"]
    ns.history("count", "us_put")  # count(us_put), then last(us_put), as conditions would ask
    ns.history("since", "us_put")
    ns.add_variable("envoy", EnumType("envoy", ("proposed", "agreed", "collapsed")))
    assert [s.index for s in ns.slots] == list(range(ENVOY + 1)) and ns.vars["envoy"].index == ENVOY
    return ns


@pytest.fixture
def ns():
    return scenario_names()


def state(**over) -> tuple:
    """A state tuple: turn 3, ceasefire proposed, pressure 1, talks closed, us_put done twice at turn 2."""
    values = {
        "turn": 3, "ceasefire": 0, "pressure": 1, "talks": False, "trust": 0,
        "mood": 0, "truce": 1, "count_put": 2, "last_put": 2, "envoy": 0,
    }  # fmt: skip
    values.update(over)
    return tuple(values.values())


def cond(text, ns, **over):
    return compile_condition(text, ns).fn(state(**over))


def effect(texts, ns, extra=(), **over):
    return compile_effects(texts if isinstance(texts, list) else [texts], ns, extra).fn(state(**over))


def expr_error(fn, *args) -> ExprError:
    with pytest.raises(ExprError) as info:
        fn(*args)
    assert info.value.message
    return info.value


# --- conditions: meaning -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, over, want",
    [
        ("ceasefire == 'proposed'", {}, True),
        ("ceasefire == 'agreed'", {}, False),
        ("ceasefire == 'agreed'", {"ceasefire": 1}, True),
        ("'agreed' == ceasefire", {"ceasefire": 1}, True),
        ('ceasefire != "collapsed"', {"ceasefire": 2}, False),
        ("pressure < 2", {}, True),
        ("pressure < 2", {"pressure": 2}, False),
        ("pressure >= 1 and pressure <= 1", {}, True),
        ("0 < pressure < 3", {"pressure": 3}, False),
        ("pressure + trust * 2 == 5", {"pressure": 1, "trust": 2}, True),
        ("pressure - trust == -1", {"pressure": 1, "trust": 2}, True),
        ("-trust == 2", {"trust": -2}, True),
        ("talks_open", {"talks": True}, True),
        ("not talks_open", {"talks": True}, False),
        ("talks_open or pressure == 1", {}, True),
        ("talks_open and pressure == 1", {}, False),
        ("talks_open == false", {}, True),
        ("talks_open == True", {"talks": True}, True),
        ("true", {}, True),
        ("False", {}, False),
        ("ceasefire in ('agreed', 'collapsed')", {"ceasefire": 2}, True),
        ("ceasefire in ['agreed', 'collapsed']", {}, False),
        ("ceasefire not in ('agreed',)", {}, True),
        ("pressure in (1, 3)", {}, True),
        ("pressure not in (1, 3)", {}, False),
        ("russia.truce == 'conditional'", {}, True),
        ("russia.truce == 'reject'", {"truce": 2}, True),
        ("turn == 3", {}, True),
        ("turn > 5", {}, False),
        ("done(us_put)", {}, True),
        ("done(us_put)", {"count_put": 0}, False),
        ("count(us_put) == 2", {}, True),
        ("since(us_put) == 1", {}, True),  # turn 3, last at turn 2
        ("since(us_put) >= 10000", {"count_put": 0, "last_put": NEVER}, True),
        ("(pressure == 1 or trust == 9) and not (ceasefire == 'agreed')", {}, True),
        ("  pressure == 1  ", {}, True),
        ("pressure == 1 # a comment is fine", {}, True),
    ],
)
def test_condition_evaluates(ns, text, over, want):
    assert cond(text, ns, **over) is want


def test_condition_records_reads_in_order_of_first_mention(ns):
    c = compile_condition("pressure > 0 and ceasefire == 'agreed' and pressure < 3 and russia.truce == 'accept'", ns)
    assert [s.name for s in c.reads] == ["pressure", "ceasefire", "russia.truce"]
    assert c.writes == ()


def test_condition_guards(ns):
    assert compile_condition("ceasefire == 'agreed' and pressure < 2", ns).guards == ((CEASEFIRE_I, (1,)),)
    assert compile_condition("ceasefire in ('proposed', 'collapsed')", ns).guards == ((CEASEFIRE_I, (0, 2)),)
    assert compile_condition("talks_open and not talks_open", ns).guards == ((TALKS, (True,)), (TALKS, (False,)))
    assert compile_condition("pressure != 1 or talks_open", ns).guards == ()


def test_condition_does_not_mutate_state(ns):
    s = state()
    compile_condition("pressure == 1", ns).fn(s)
    assert s == state()


# --- conditions: types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("pressure", "a condition must be true or false"),
        ("'agreed'", "a condition must be true or false"),
        ("pressure + 1", "a condition must be true or false"),
        ("pressure and talks_open", "expected true/false here"),
        ("not pressure", "expected true/false here"),
        ("talks_open + 1 > 0", "expected a number here"),
        ("-talks_open == 1", "expected a number here"),
        ("ceasefire + 1 > 0", "expected a number here"),
        ("ceasefire == 1", "cannot compare ceasefire"),
        ("talks_open == 1", "cannot compare true/false"),
        ("ceasefire == mood", "cannot compare ceasefire"),
        ("ceasefire == russia.truce", "cannot compare"),
        ("'a' == 'a'", "cannot compare the text 'a'"),
        ("pressure == 'high'", "cannot compare"),
        ("ceasefire < 'agreed'", "only numbers can be ordered"),
        ("talks_open > false", "only numbers can be ordered"),
        ("ceasefire == 'agred'", "is not a value of ceasefire"),
        ("ceasefire in ('agreed', 'nope')", "'nope' is not a value of ceasefire"),
        ("ceasefire in ('agreed', 1)", "cannot be a value of"),
        ("pressure in ('a',)", "cannot be a value of"),
        ("talks_open in (true,)", "'in' works on numbers and named values"),
        ("pressure in pressure", "'in' must be followed by a list"),
        ("pressure in (1,) == true", "'in' cannot be chained"),
        ("pressure > 1.5", "float values are not allowed"),
        ("pressure == None", "NoneType values are not allowed"),
        ("pressure > 10000000000000000", "too large"),
        ("(pressure, trust) == (1, 2)", "a list of values may only follow 'in'"),
        ("done(us_put, russia_reply)", "takes exactly one"),
        ("done(x=1)", "takes exactly one"),
        ("done('us_put')", "takes the name of a move or rule"),
        ("count(1)", "takes the name of a move or rule"),
    ],
)
def test_condition_type_errors(ns, text, fragment):
    err = expr_error(compile_condition, text, ns)
    assert fragment in err.message


def test_error_offset_points_at_the_problem(ns):
    err = expr_error(compile_condition, "pressure > 1 and presure < 2", ns)
    assert err.offset == 17
    assert err.unknown == "presure"
    lead = expr_error(compile_condition, "   pressure > 1 and presure < 2", ns)
    assert lead.offset == 20  # leading blanks count: the offset is inside the text as written
    enum = expr_error(compile_condition, "ceasefire == 'agred'", ns)
    assert enum.offset == 13
    syntax = expr_error(compile_condition, "pressure >> ", ns)
    assert syntax.message.startswith("not a valid expression")


# --- conditions: did you mean -------------------------------------------------------------------------


def test_did_you_mean_for_variables(ns):
    err = expr_error(compile_condition, "presure > 1", ns)
    assert err.message == "unknown name 'presure' (did you mean 'pressure'?)"
    assert err.unknown == "presure"


def test_unknown_name_without_a_close_match_has_no_suggestion(ns):
    err = expr_error(compile_condition, "zzzzzz > 1", ns)
    assert err.message == "unknown name 'zzzzzz'"


def test_bare_act_name_suggests_done(ns):
    err = expr_error(compile_condition, "us_put", ns)
    assert "write done(us_put) or count(us_put)" in err.message


def test_did_you_mean_for_stances_acts_and_enum_values(ns):
    assert "(did you mean 'russia.truce'?)" in expr_error(compile_condition, "russia.truse == 'accept'", ns).message
    assert "(did you mean 'us_put'?)" in expr_error(compile_condition, "done(us_pt)", ns).message
    unknown_act = expr_error(compile_condition, "count(us_pt) > 1", ns)
    assert unknown_act.unknown == "us_pt"
    assert "(did you mean 'agreed'?)" in expr_error(compile_condition, "ceasefire == 'agred'", ns).message
    assert "(did you mean 'pressure'?)" in expr_error(compile_effects, ["presure = 1"], ns).message
    assert "(did you mean 'accept'?)" in expr_error(compile_effects, ["russia.truce = 'acept'"], ns).message


# --- escape attempts: every one fails at compile time with ExprError -------------------------------------


ESCAPES = [
    "().__class__.__bases__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "pressure.__class__",
    "russia.__dict__",
    "__class__.truce",
    "__builtins__",
    "__debug__",
    "__import__('os')",
    "__import__('os').system('true')",
    "open('f')",
    "eval('1')",
    "exec('import os')",
    "compile('1', 'f', 'eval')",
    "getattr(x, 'y')",
    "globals()",
    "vars()",
    "breakpoint()",
    "type(pressure)",
    "_min(1, 2)",
    "'abc'.upper()",
    "done(us_put)()",
    "count(x.__class__)",
    "done(__class__)",
    "lambda: 1",
    "(lambda: 1)()",
    "[x for x in ()]",
    "(x for x in ())",
    "{x for x in ()}",
    "{x: 1 for x in ()}",
    "f'{pressure}'",
    "(y := 1)",
    "(talks_open := true)",
    "x[0]",
    "s[0]",
    "pressure[0]",
    "*x",
    "[*pressure]",
    "pressure in (*pressure,)",
    "2**10**10",
    "9**9**9",
    "pressure ** 2",
    "'a' * 10**9",
    "'a' * 1000000000 == 'a'",
    "pressure * 'a' == 'a'",
    "a or " * 10000 + "a",
    "(" * 1000,
    "(" * 1000 + "pressure" + ")" * 1000,
    "-" * 999 + "1",
    "1+" * 300 + "1 > 0",
    "not " * 240 + "talks_open",
    "pressure // 2 == 0",
    "pressure / 2 == 0",
    "pressure % 2 == 0",
    "pressure << 40 > 0",
    "~pressure == 0",
    "pressure if talks_open else 1",
    "pressure is None",
    "pressure is not 1",
    "talks_open is True",
    "a.b.c",
    "russia.truce.x",
    "pressure.real > 0",
    "{1: 2}",
    "{1}",
    "b'x' == b'x'",
    "1j == 1j",
    "... == ...",
    "await x",
    "yield 1",
    "import os",
    "del x",
    "x = 1; y = 2",
    "pressure == 1; import os",
    "pressure == 1\nimport os",
    "\x00",
    "",
    "   ",
]


@pytest.mark.parametrize("text", ESCAPES, ids=lambda t: repr(t)[:40])
def test_escape_attempt_fails_as_a_condition(ns, text):
    expr_error(compile_condition, text, ns)


EFFECT_ESCAPES = [
    "import os",
    "from os import system",
    "del x",
    "del pressure",
    "pressure = 1; trust = 2",
    "pressure = 1\ntrust = 2",
    "pressure = __import__('os')",
    "pressure = open('f')",
    "pressure = eval('1')",
    "pressure = getattr(x, 'y')",
    "pressure = (lambda: 1)()",
    "pressure = [x for x in ()]",
    "pressure = 2**10**10",
    "pressure = 9**9**9",
    "pressure = x[0]",
    "pressure[0] = 1",
    "l[0] = 1",
    "s = 1",
    "__builtins__ = 1",
    "pressure.__class__ = 1",
    "x.__class__ = 1",
    "a.b.c = 1",
    "pressure, trust = 1, 2",
    "*pressure, = 1,",
    "pressure = trust = 1",
    "pressure: int = 1",
    "pressure *= 2",
    "pressure **= 2",
    "pressure //= 2",
    "(pressure := 1)",
    "pressure",
    "pass",
    "for i in (): pass",
    "while 1: pass",
    "if 1: pressure = 1",
    "def f(): pass",
    "class A: pass",
    "global pressure",
    "assert 1",
    "raise SystemExit",
    "with x: pass",
    "try: pass\nexcept: pass",
    "pressure = 'a' * 10**9",
    "pressure = f'{x}'",
    "pressure = 1 if talks_open else 2",
    "pressure = " + "1 + " * 300 + "1",
    "pressure = " + "(" * 1000,
]


@pytest.mark.parametrize("text", EFFECT_ESCAPES, ids=lambda t: repr(t)[:40])
def test_escape_attempt_fails_as_an_effect(ns, text):
    expr_error(compile_effects, [text], ns)


def test_rejected_text_never_runs(ns, tmp_path):
    marker = tmp_path / "PWNED"
    attempts = [
        f"open({str(marker)!r}, 'w')",
        f"__import__('os').system('touch {marker}')",
        f"[open({str(marker)!r}, 'w') for _ in (1,)]",
        f"(lambda: open({str(marker)!r}, 'w'))()",
    ]
    for text in attempts:
        expr_error(compile_condition, text, ns)
        expr_error(compile_effects, [f"pressure = {text}"], ns)
    assert not marker.exists()


def test_limits(ns):
    assert "the limit is" in expr_error(compile_condition, "a or " * 10000, ns).message
    assert "too complex" in expr_error(compile_condition, "1+" * 300 + "1 > 0", ns).message
    assert "not a valid expression" in expr_error(compile_condition, "(" * MAX_CHARS, ns).message
    assert expr_error(compile_condition, 12, ns).message == "expected text"
    assert expr_error(compile_condition, "", ns).message == "expression is empty"
    ok = "(" * 50 + "pressure == 1" + ")" * 50
    assert compile_condition(ok, ns).fn(state()) is True


def test_is_comparison_message(ns):
    assert "'is' is not allowed" in expr_error(compile_condition, "talks_open is true", ns).message


def test_dunder_message_names_the_attribute(ns):
    err = expr_error(compile_condition, "().__class__.__bases__", ns)
    assert "__" in err.message and "not allowed" in err.message


# --- the safety argument: the generated code can only reach whitelisted helpers ---------------------------


ALLOWED_NAMES = {"_min", "_max", "_list", "_tuple", "_bool"}


def _code_objects(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _safe_consts(code: types.CodeType) -> bool:
    def ok(c):
        if isinstance(c, tuple):
            return all(ok(x) for x in c)
        return c is None or isinstance(c, bool | int | types.CodeType) or (isinstance(c, str) and c == "apply")

    return all(ok(c) for c in code.co_consts)


SAFE_CONDITIONS = [
    "ceasefire == 'agreed' and pressure < 2",
    "not talks_open or russia.truce in ('accept', 'reject')",
    "done(us_put) and count(us_put) > 1 and since(us_put) < 3",
    "pressure + trust * 2 - 1 >= -turn",
    "true",
]
SAFE_EFFECTS = [
    ["pressure += 1", "trust -= 2"],
    ["ceasefire = 'agreed'", "russia.truce = 'reject'", "talks_open = pressure > 1", "mood = 'tense'"],
    ["pressure = count(us_put) + since(us_put)", "envoy = ceasefire"],
]


@pytest.mark.parametrize("text", SAFE_CONDITIONS)
def test_condition_code_reads_no_names_at_all(ns, text):
    compiled = compile_condition(text, ns)
    for code in _code_objects(compiled.fn.__code__):
        assert code.co_names == ()  # only the local state tuple: no globals, no attributes
        assert set(code.co_varnames) <= {"s"}
        assert _safe_consts(code)
    assert compiled.fn.__globals__["__builtins__"] == {}
    assert set(compiled.fn.__globals__) <= {"__builtins__"} | ALLOWED_NAMES


@pytest.mark.parametrize("texts", SAFE_EFFECTS)
def test_effect_code_names_only_whitelisted_helpers(ns, texts):
    compiled = compile_effects(texts, ns, extra=[(COUNT_PUT, "count"), (LAST_PUT, "last")])
    seen = set()
    for code in _code_objects(compiled.fn.__code__):
        assert set(code.co_names) <= ALLOWED_NAMES, code.co_names
        assert set(code.co_varnames) <= {"s", "l"}
        assert _safe_consts(code)
        seen |= set(code.co_names)
    assert {"_list", "_tuple"} <= seen
    assert compiled.fn.__globals__["__builtins__"] == {}
    assert set(compiled.fn.__globals__) <= {"__builtins__", "apply"} | ALLOWED_NAMES


def test_generated_code_holds_no_author_text(ns):
    compiled = compile_condition("ceasefire == 'collapsed'", ns)
    assert "collapsed" not in compiled.code  # enum values become indices
    assert compiled.code == "lambda s: s[1] == 2"


# --- effects ------------------------------------------------------------------------------------------------


def test_assignment(ns):
    out = effect("pressure = 2", ns)
    assert out == state(pressure=2)
    assert type(out) is tuple


def test_effects_do_not_mutate_their_input(ns):
    s = state()
    compile_effects(["pressure = 3"], ns).fn(s)
    assert s == state()


@pytest.mark.parametrize(
    "text, over, want",
    [
        ("pressure += 1", {}, 2),
        ("pressure += 10", {}, 3),  # clamped to max 3
        ("pressure -= 1", {}, 0),
        ("pressure -= 10", {}, 0),  # clamped to min 0
        ("pressure = trust + 2", {"trust": 4}, 3),
        ("pressure = trust - 9", {"trust": 4}, 0),
        ("pressure += count(us_put)", {}, 3),
    ],
)
def test_numeric_effects_clamp_to_declared_bounds(ns, text, over, want):
    assert effect(text, ns, **over)[PRESSURE] == want


@pytest.mark.parametrize("text, message", [("pressure = 99", "99 is outside the bounds of pressure (0 to 3)"), ("pressure = -7", "-7 is outside the bounds of pressure (0 to 3)")])
def test_assigning_a_constant_outside_the_bounds_is_an_error_not_a_silent_clamp(ns, text, message):
    with pytest.raises(ExprError, match=re.escape(message)) as exc:
        effect(text, ns)
    assert exc.value.offset == len("pressure = ")
    assert effect("pressure = 3", ns)[PRESSURE] == 3 and effect("pressure = 0", ns)[PRESSURE] == 0


def test_clamping_uses_each_variables_own_bounds(ns):
    assert effect("trust -= 100", ns)[TRUST] == -5
    assert effect("trust += 100", ns)[TRUST] == 5
    assert effect("trust = -pressure", ns, pressure=3)[TRUST] == -3


def test_enum_assignment_stores_the_index(ns):
    assert effect("ceasefire = 'collapsed'", ns)[CEASEFIRE_I] == 2
    assert effect('russia.truce = "reject"', ns)[RUSSIA_TRUCE] == 2
    assert effect("envoy = ceasefire", ns, ceasefire=1)[ENVOY] == 1  # same values: allowed


def test_enum_assignment_errors(ns):
    assert "is not a value of ceasefire" in expr_error(compile_effects, ["ceasefire = 'nope'"], ns).message
    assert "ceasefire takes one of" in expr_error(compile_effects, ["ceasefire = 1"], ns).message
    assert "mood takes one of" in expr_error(compile_effects, ["mood = ceasefire"], ns).message
    assert "+= and -= need a number" in expr_error(compile_effects, ["ceasefire += 1"], ns).message
    assert "+= and -= need a number" in expr_error(compile_effects, ["russia.truce -= 1"], ns).message


def test_bool_assignment(ns):
    out = effect("talks_open = pressure > 0", ns)
    assert out[TALKS] is True
    assert effect("talks_open = false", ns, talks=True)[TALKS] is False
    assert effect("talks_open = not talks_open", ns)[TALKS] is True
    assert "expected true/false" in expr_error(compile_effects, ["talks_open = 1"], ns).message
    assert "expected a number" in expr_error(compile_effects, ["pressure = true"], ns).message
    assert "+= and -= need a number" in expr_error(compile_effects, ["talks_open += 1"], ns).message


def test_effects_are_sequential(ns):
    out = effect(["pressure = 2", "trust = pressure", "pressure += 1", "talks_open = pressure == 3"], ns)
    assert (out[PRESSURE], out[TRUST], out[TALKS]) == (3, 2, True)
    out = effect(["ceasefire = 'agreed'", "envoy = ceasefire"], ns)
    assert out[ENVOY] == 1


def test_effect_writes_and_reads(ns):
    c = compile_effects(["pressure += 1", "russia.truce = 'accept'", "talks_open = trust > 0", "mood = 'calm'"], ns)
    assert [s.name for s in c.writes] == ["pressure", "russia.truce", "talks_open", "mood"]
    names = [s.name for s in c.reads]
    assert "pressure" in names and "trust" in names  # += reads its target; right-hand sides are read
    assert "mood" not in names and "talks_open" not in names  # a plain assignment does not read


def test_history_bookkeeping_via_extra(ns):
    c = compile_effects(["pressure += 1"], ns, extra=[(COUNT_PUT, "count"), (LAST_PUT, "last")])
    out = c.fn(state(turn=7, count_put=2, last_put=2))
    assert out[COUNT_PUT] == 3
    assert out[LAST_PUT] == 7  # the current turn
    assert out[PRESSURE] == 2
    again = c.fn(out)
    assert again[COUNT_PUT] == 4


def test_history_bookkeeping_runs_after_the_effects(ns):
    # an effect reading count(us_put) sees the count before this act is recorded
    c = compile_effects(["pressure = count(us_put)"], ns, extra=[(COUNT_PUT, "count")])
    out = c.fn(state(count_put=1))
    assert (out[PRESSURE], out[COUNT_PUT]) == (1, 2)


def test_extra_without_effects(ns):
    out = compile_effects([], ns, extra=[(COUNT_PUT, "count")]).fn(state(count_put=0))
    assert out == state(count_put=1)


@pytest.mark.parametrize("text", ["turn = 5", "turn += 1", "turn -= 1"])
def test_turn_cannot_be_assigned(ns, text):
    err = expr_error(compile_effects, [text], ns)
    assert "'turn' is counted by the engine" in err.message


def test_unknown_effect_target(ns):
    err = expr_error(compile_effects, ["nonexistent = 1"], ns)
    assert err.message == "unknown variable 'nonexistent'"
    assert err.unknown == "nonexistent"
    assert "unknown stance" in expr_error(compile_effects, ["russia.crimea = 'x'"], ns).message


def test_all_effect_errors_are_reported_with_their_index(ns):
    seen = []
    c = compile_effects(
        ["pressure += 1", "bogus = 1", "trust = 'x'", "import os"],
        ns,
        on_error=lambda i, exc: seen.append((i, exc.message)),
    )
    assert [i for i, _ in seen] == [1, 2, 3]
    assert "unknown variable 'bogus'" in seen[0][1]
    # the good effect still compiled
    assert c.fn(state())[PRESSURE] == 2
    assert [s.name for s in c.writes] == ["pressure"]


def test_effect_error_without_on_error_raises(ns):
    with pytest.raises(ExprError):
        compile_effects(["pressure += 1", "bogus = 1"], ns)
