"""Reading scenario files: safe YAML, the pydantic format, grounding, compilation.

The heavy modules (pydantic's models, the builder) are imported inside the
functions, so that importing a light submodule such as ``sim.format.catalog``
(which the UI needs before its first frame) does not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.diagnostics import WARNING, Diagnostic, InputError, sort_key

if TYPE_CHECKING:
    from sim.engine.model import Scenario
    from sim.format.grounding import Library
    from sim.format.load import Spec


def check(path: str | Path, library: Library | None = None, lint: bool = False) -> tuple[Scenario | None, list[Diagnostic]]:
    """Load and compile a scenario (and lint it if asked).

    Returns the scenario (None on any error) and every diagnostic, sorted.
    A library file (no ``scenario:`` section) is checked against the schema only;
    its references and quotes are checked through the scenarios that include it.
    """
    from sim.format.load import load_spec

    spec, diags = load_spec(path)
    return check_spec(spec, diags, library, lint)


def check_spec(spec: Spec | None, diags: list[Diagnostic], library: Library | None = None, lint: bool = False):
    """:func:`check` for a spec already loaded (``diags`` are the loading problems)."""
    from sim.format import claims
    from sim.format.build import build
    from sim.format.grounding import Library
    if spec is None or spec.meta is None:
        return None, sorted(diags, key=sort_key)
    library = library or Library()
    scenario, more = build(spec, library)
    diags = diags + more
    if scenario is not None:
        diags += claims.check(spec, scenario, library)
    if any(d.severity != WARNING for d in diags):
        return None, sorted(diags, key=sort_key)
    if lint and scenario is not None:
        diags += lint_diagnostics(scenario, spec)
    return scenario, sorted(diags, key=sort_key)


def lint_diagnostics(scenario: Scenario, spec: Spec) -> list[Diagnostic]:
    from sim.analysis.lint import lint
    from sim.format.load import Origin, locate

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
