"""The UI's settings (today: the theme), kept between launches.

In ``$XDG_CONFIG_HOME/sim/settings.toml``, else ``~/.config/sim/settings.toml``: the
user's config directory, not the project or the state directory. Read with the
standard library only, because the app reads it before its first frame. A missing,
unreadable or malformed file gives the defaults (and ``problem`` says why); saving
is atomic and a refused write is reported, never raised.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 64 * 1024  # a settings file is a few lines; anything larger is not ours


@dataclass(frozen=True, slots=True)
class Settings:
    theme: str | None = None
    problem: str | None = None  # why the file was not used, if it was not

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, problem=None, **changes)


def config_dir() -> Path:
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".config") / "sim"


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def load() -> Settings:
    path = settings_path()
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        return Settings(problem=f"{path}: {exc.strerror or exc}")
    if len(raw) > MAX_BYTES:
        return Settings(problem=f"{path}: larger than {MAX_BYTES // 1024} KiB; not read")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Settings(problem=f"{path}: {exc}")
    theme = data.get("theme")
    if theme is not None and not (isinstance(theme, str) and theme.isprintable() and len(theme) < 100):
        return Settings(problem=f"{path}: theme must be a theme's name")
    return Settings(theme=theme)


def save(settings: Settings) -> Settings:
    """Write the settings; on failure the returned settings carry the problem."""
    path = settings_path()
    lines = ["# Settings of the diplomatic scenario simulator's terminal UI (sim).\n"]
    if settings.theme is not None:
        lines.append(f"theme = {json.dumps(settings.theme)}\n")  # a JSON string is a TOML basic string
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.writelines(lines)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        return dataclasses.replace(settings, problem=f"{path}: {exc.strerror or exc}")
    return settings
