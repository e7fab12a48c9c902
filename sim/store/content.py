"""Which scenario a session was played on: its content hash and format version.

The content hash is SHA-256 over the scenario's resolved files: the scenario file,
every file it includes (in the order the loader reads them) and every source
article it reads, each as its path relative to the scenario file's folder, its
length and its bytes. So it changes when anything the author wrote changes (a
comment too), and not when sim itself changes or the project moves elsewhere.
When it differs from the one a session recorded, reopening that session replays
what still applies and lists what no longer does (sim.store.record).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.engine.model import Scenario


def scenario_files(scenario: Scenario) -> list[Path]:
    """The files a scenario was built from: itself, its includes, then its sources."""
    from sim.format.load import load_spec

    spec, _ = load_spec(scenario.path)
    files = [Path(scenario.path)]
    if spec is not None:
        files += [spec.base_dirs[label] / Path(label).name for label in spec.files[1:] if label in spec.base_dirs]
    files += [Path(source.file) for source in scenario.sources.values()]
    return files


def content_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) over the scenario's resolved files (see the module's docstring)."""
    from sim.format.yamlread import read_bytes

    base = Path(scenario.path).resolve().parent
    digest = hashlib.sha256()
    for path in scenario_files(scenario):
        resolved = path.resolve()
        name = os.path.relpath(resolved, base).replace(os.sep, "/")
        try:  # as the loader read it: a regular file, never blocking, bounded
            data = read_bytes(resolved, name)
        except (OSError, ValueError):  # gone or replaced since it was loaded: the hash differs
            data = b"\0unreadable"
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def format_version() -> int:
    """The scenario format's version (the `format:` key every scenario file may state)."""
    from sim.format.models import ScenarioFile

    return ScenarioFile.model_fields["format"].default
