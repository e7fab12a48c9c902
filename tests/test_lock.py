"""The lock files are what gets installed, and they cover what pyproject.toml asks for.

The README's commands and CI install from ``requirements*.txt`` with ``--require-hashes``
and then the project with ``--no-deps``: a dependency added to pyproject.toml without
refreshing the lock (``scripts/lock``) would be missing, or resolved by nobody."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+))?", re.MULTILINE)


def pins(name: str, *, here_only: bool = False) -> dict[str, str]:
    """The lock's pins; with ``here_only``, only those whose marker holds on this machine."""
    text = (ROOT / name).read_text(encoding="utf-8")
    return {
        canonicalize_name(n): v
        for n, v, marker in _PIN.findall(text)
        if not (here_only and marker and not Marker(marker.strip()).evaluate())
    }


def declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    if extra:
        reqs += project["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


def test_every_locked_line_has_hashes():
    for name in ("requirements.txt", "requirements-test.txt"):
        text = (ROOT / name).read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
        pinned = [b for b in blocks if _PIN.match(b)]
        assert pinned, name
        for block in pinned:
            assert "--hash=sha256:" in block, f"{name}: no hash for {block.splitlines()[0]}"


def test_the_locks_satisfy_what_pyproject_declares():
    for lock, extra in (("requirements.txt", None), ("requirements-test.txt", "test")):
        locked = pins(lock)
        for req in declared(extra):
            if req.marker and not req.marker.evaluate():
                continue
            name = canonicalize_name(req.name)
            assert name in locked, f"{req} is declared in pyproject.toml but not in {lock}: run scripts/lock"
            assert req.specifier.contains(locked[name], prereleases=True), (
                f"{lock} pins {name}=={locked[name]}, outside {req}: run scripts/lock"
            )


def test_the_app_lock_agrees_with_the_test_lock():
    app, test = pins("requirements.txt"), pins("requirements-test.txt")
    assert {n: v for n, v in app.items() if test.get(n) != v} == {}


def test_the_installed_versions_are_the_locked_ones():
    wrong = {}
    for name, version in pins("requirements-test.txt", here_only=True).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (installed, version)
    assert wrong == {}, f"installed differs from the lock (installed, locked): {wrong}"
