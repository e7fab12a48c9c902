"""Finding scenarios: the project's scenarios/ folder, ids, and the default one."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sim import files
from sim.diagnostics import InputError, did_you_mean
from sim.format.yamlread import MAX_BYTES, load_file

_SCENARIO_KEY = re.compile(r"^scenario:", re.MULTILINE)

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def scenarios_dir() -> Path:
    """$SIM_SCENARIOS, else ./scenarios, else the scenarios/ beside the installed package."""
    env = os.environ.get("SIM_SCENARIOS")
    if env:
        return Path(env)
    here = Path.cwd() / "scenarios"
    if here.is_dir():
        return here
    return PACKAGE_ROOT / "scenarios"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    path: Path
    default: bool
    order: int
    summary: str = ""


def yaml_files(paths: list[Path]) -> list[Path]:
    """The files named, and the .yaml files under the folders named (a bounded walk)."""
    return files.yaml_files(paths)


def catalog(folder: Path | None = None) -> list[Entry]:
    """Scenario files (those with a ``scenario:`` section) in reading order."""
    folder = folder or scenarios_dir()
    entries = []
    for path in yaml_files([folder]):
        try:
            if not _SCENARIO_KEY.search(path.read_text(encoding="utf-8", errors="replace")[:MAX_BYTES]):
                continue  # a library: no need to parse it
            data = load_file(path).data
        except (InputError, OSError):
            continue
        meta = data.get("scenario") if isinstance(data, dict) else None
        if isinstance(meta, dict) and isinstance(meta.get("id"), str):
            order = meta.get("order", 0) if isinstance(meta.get("order"), int) else 0
            summary = " ".join(str(meta.get("summary", "")).split())
            entries.append(Entry(meta["id"], str(meta.get("title", meta["id"])), path, meta.get("default") is True, order, summary))
    return sorted(entries, key=lambda e: (e.order, e.id))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long to be a file: not a scenario id either
        return True


def resolve(name: str | None) -> Path:
    """A scenario path from a path, an id in scenarios/, or (None) the default scenario."""
    if name is not None:
        path = Path(name)
        if path.suffix in (".yaml", ".yml") or os.sep in name or "\x00" in name or _exists(path):
            return path  # a path: reading it says what is wrong with it
    entries = catalog()
    if name is None:
        defaults = [e for e in entries if e.default]
        if defaults:
            return defaults[0].path
        if entries:
            return entries[0].path
        raise InputError.single(str(scenarios_dir()), "no scenarios found (set SIM_SCENARIOS or run from the project folder)")
    for e in entries:
        if e.id == name:
            return e.path
    raise InputError.single(name, f"no such scenario file or id{did_you_mean(name, [e.id for e in entries])}; `sim list` shows them")
