"""Reading scenario files: safe YAML, the pydantic format, grounding, compilation."""

from __future__ import annotations

from pathlib import Path

from sim.diagnostics import WARNING, Diagnostic, InputError, sort_key
from sim.engine.model import Scenario
from sim.format.build import build
from sim.format.grounding import Library
from sim.format.load import Origin, Spec, load_spec, locate


def check(path: str | Path, library: Library | None = None, lint: bool = False) -> tuple[Scenario | None, list[Diagnostic]]:
    """Load and compile a scenario (and lint it if asked).

    Returns the scenario (None on any error) and every diagnostic, sorted.
    A library file (no ``scenario:`` section) is checked against the schema only;
    its references and quotes are checked through the scenarios that include it.
    """
    spec, diags = load_spec(path)
    return check_spec(spec, diags, library, lint)


def check_spec(spec: Spec | None, diags: list[Diagnostic], library: Library | None = None, lint: bool = False):
    """:func:`check` for a spec already loaded (``diags`` are the loading problems)."""
    if spec is None or spec.meta is None:
        return None, sorted(diags, key=sort_key)
    scenario, more = build(spec, library)
    diags = diags + more
    if any(d.severity != WARNING for d in diags):
        return None, sorted(diags, key=sort_key)
    if lint and scenario is not None:
        diags += lint_diagnostics(scenario, spec)
    return scenario, sorted(diags, key=sort_key)


def is_library(path: str | Path) -> bool:
    spec, _ = load_spec(path)
    return spec is not None and spec.meta is None


def lint_diagnostics(scenario: Scenario, spec: Spec) -> list[Diagnostic]:
    from sim.analysis.lint import lint

    out = []
    for f in lint(scenario):
        if f.section == "scenario":
            out.append(locate(Origin(spec.root, ()), ("scenario", *f.sub), f.message, severity=WARNING))
        else:
            out.append(spec.at(f.section, f.entry, *f.sub, severity=WARNING)(f.message))
    return out


def load_scenario(path: str | Path, library: Library | None = None) -> Scenario:
    """Load a scenario or raise :class:`InputError` carrying every error found."""
    scenario, diags = check(path, library)
    if scenario is None:
        errors = [d for d in diags if d.severity != WARNING]
        if not errors:
            errors = [Diagnostic(str(path), 1, 1, "this file has no 'scenario:' section; it is a library to include, not a scenario to run")]
        raise InputError(errors)
    return scenario
