"""``sim validate``: every problem in every file, one line each."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.diagnostics import WARNING, Diagnostic, InputError
from sim.format import check_spec
from sim.format.catalog import yaml_files
from sim.format.grounding import Library
from sim.format.load import load_spec


def validate(paths: list[str], strict: bool = False, lint: bool = True) -> int:
    files = yaml_files([Path(p) for p in paths])
    if not files:
        raise InputError.single(" ".join(paths), "no .yaml files found")
    library = Library()
    errors = warnings = 0
    for path in files:
        diags = validate_file(path, library, lint)
        for d in diags:
            print(d.format())
            if d.severity == WARNING:
                warnings += 1
            else:
                errors += 1
    failed = errors or (strict and warnings)
    summary = f"{len(files)} file{'s' if len(files) != 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    print(summary, file=sys.stderr)
    return 1 if failed else 0


def validate_file(path: Path, library: Library, lint: bool = True) -> list[Diagnostic]:
    spec, diags = load_spec(path)
    if spec is None or spec.meta is None:
        return diags  # unreadable, or a library: schema only (scenarios including it check the rest)
    _, diags = check_spec(spec, diags, library, lint=lint)
    return diags
