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
    from sim.analysis.lint import BOUND_NOTE, NEVER_HELD

    library = Library()
    errors = warnings = bounded = 0
    shown: set[str] = set()  # a shared library's finding is printed once, not once per scenario
    users: dict[str, int] = {}  # file -> how many scenarios checked here include it
    never_held: dict[str, list] = {}  # an option no side holds -> (diagnostic, scenarios saying so)
    for path in files:
        diags, included = validate_file(path, library, lint, with_files=True)
        for name in included:
            users[name] = users.get(name, 0) + 1
        for d in diags:
            line = d.format()
            if d.severity == WARNING and d.message.startswith(NEVER_HELD) and included and d.file != included[0]:
                # An option of a shared library may be used by one scenario and not another:
                # it is reported when no scenario checked here that includes it lets a side hold it.
                never_held.setdefault(line, [d, 0])[1] += 1
                continue
            if line in shown:
                continue
            shown.add(line)
            print(line)
            if d.severity == WARNING:
                warnings += 1
                bounded += d.message.startswith(BOUND_NOTE)
            else:
                errors += 1
    for line, (d, count) in never_held.items():
        if count == users.get(d.file, 0):
            print(line)
            warnings += 1
    failed = errors or (strict and warnings)
    summary = f"{len(files)} file{'s' if len(files) != 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    print(summary, file=sys.stderr)
    if failed:
        return 1
    return 6 if bounded else 0  # sim.cli.main.BOUNDED: lint stopped at the memory bound


def validate_file(path: Path, library: Library, lint: bool = True, with_files: bool = False):
    """Every diagnostic of one file (with ``with_files``, also the files it read, itself first)."""
    spec, diags = load_spec(path)
    if spec is None or spec.meta is None:
        # unreadable, or a library: schema only (scenarios including it check the rest)
        return (diags, []) if with_files else diags
    _, diags = check_spec(spec, diags, library, lint=lint)
    return (diags, list(spec.files)) if with_files else diags
