"""Every file sim reads or writes goes through here, so each rule holds in one place.

Writing (the CLI's ``-o``, ``sim schema -o``, saves and exports):

- ``-o -`` is standard output; so is any path that names the same file as standard output
  (``/dev/stdout``, ``/proc/self/fd/1``).
- A regular file is written whole or not at all: a temporary file beside it, flushed to disk,
  then renamed over it. An existing file keeps its mode (and, where we may, its owner).
- A symlink is never replaced by a plain file: :func:`write_file` writes the file it points to;
  :func:`write_new` treats the name as taken.
- A character device or a FIFO (``/dev/null``, ``/dev/full``, a pipe) is written directly, as a
  shell's ``>`` would, and never replaced: a FIFO nobody reads is refused at once, not waited on.
  Anything else that is not a regular file (a directory, a block device, a socket) is refused.
- A missing folder is never created: the path must be in a folder that exists.
- Every failure raises :class:`FileError`: one line naming the path (exit 1 on the command line).

Reading (scenarios, includes, sources, scripts, sessions):

- Regular files only, opened without blocking and checked on the open descriptor, so a FIFO,
  ``/dev/stdin`` or a directory is refused at once; the size cap applies before a byte is read.
- Includes and sources may be confined to roots (:func:`project_roots`): a path that leads
  outside, by ``..``, an absolute path or a symlink, is refused before it is opened.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from sim.diagnostics import InputError

ROOT_ENV = "SIM_ROOT"  # extra folders includes and sources may come from (os.pathsep-separated)
MAX_NUMBERED = 9999  # write_new tries NAME-2 ... NAME-9999 before giving up

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class FileError(InputError, OSError):
    """A file that cannot be read or written, said in one line naming it.

    An :class:`InputError` (the command line prints it and exits 1) and an :class:`OSError`
    (code that already catches ``OSError`` around a save keeps working); ``strerror`` is the
    reason alone, ``filename`` the path as the user gave it."""

    def __init__(self, label: str, reason: str, code: int | None = None):
        InputError.__init__(self, [_diagnostic(label, reason)])
        self.errno = code  # the OS's error number, when the OS refused
        self.strerror = reason
        self.filename = label


def _diagnostic(label: str, reason: str):
    from sim.diagnostics import Diagnostic

    return Diagnostic(label, 0, 0, reason)


def _os_error(label: str, exc: OSError) -> FileError:
    return FileError(label, _reason(exc), exc.errno)


def describe_os_error(exc: OSError) -> str:
    """One line for an OSError raised anywhere: ``FILE: error: reason``."""
    name = exc.filename if exc.filename is not None else ("standard output" if exc.errno in (errno.ENOSPC, errno.EIO, errno.EFBIG) else "sim")
    return f"{os.fsdecode(name) if isinstance(name, bytes) else name}: error: {_reason(exc)}"


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileError):
        return exc.strerror
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def checked_path(target: str | os.PathLike, label: str) -> str:
    """The path as a string, refused at once if no file could ever have that name."""
    text = os.fspath(target)
    if isinstance(text, bytes):  # pragma: no cover - callers pass text
        text = os.fsdecode(text)
    if not text:
        raise FileError(label or "''", "an empty path")
    if "\x00" in text:
        raise FileError(label, "the path contains a NUL byte")
    return text


# --- writing ------------------------------------------------------------------------------------


def write_output(target: str | os.PathLike, data: str | bytes) -> Path | None:
    """Write a command's output to ``target``: ``-`` is standard output (returns None)."""
    if os.fspath(target) == "-":
        _to_stdout(data)
        return None
    return write_file(target, data)


def write_file(target: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``target`` by the rules in the module docstring; returns ``target``.

    Replaces an existing regular file (through a symlink, keeping the link and the mode)."""
    label = str(os.fspath(target))
    path = checked_path(target, label)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None  # a new file (or a dangling symlink: the file it names is created)
    except OSError as exc:
        raise _os_error(label, exc) from None
    if st is not None and _is_stdout(st):
        _to_stdout(data)
        return Path(path)
    if st is None or stat.S_ISREG(st.st_mode):
        _replace(os.path.realpath(path), label, _bytes(data), st)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        _write_stream(path, label, _bytes(data), fifo=stat.S_ISFIFO(st.st_mode))
    else:
        raise FileError(label, f"is {_kind(st.st_mode)}, not a file sim can write")
    return Path(path)


def write_new(target: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to a file that did not exist, never overwriting anything; returns its path.

    If ``target`` is taken (by a file, a symlink, anything), the first free name of
    ``NAME-2.EXT``, ``NAME-3.EXT``, ... is used. The file appears whole or not at all."""
    label = str(os.fspath(target))
    path = Path(checked_path(target, label))
    raw = _bytes(data)
    folder = path.parent
    _check_folder(str(folder), label)
    tmp = _temp_file(str(folder), label, raw, 0o666)
    try:
        for candidate in _numbered(path):
            try:
                os.link(tmp, candidate, follow_symlinks=False)
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                    # no hard links here (some network and FAT file systems): create exclusively
                    written = _exclusive_create(candidate, label, raw)
                    if written is None:
                        continue
                    return written
                raise _os_error(str(candidate), exc) from None
            _sync_folder(str(folder))
            return candidate
        raise FileError(label, f"{label} and {MAX_NUMBERED - 1} numbered names after it are all taken")
    finally:
        _unlink_quietly(tmp)


def _numbered(path: Path) -> Iterable[Path]:
    yield path
    stem, suffix = path.stem, path.suffix
    if not stem:  # a name like ".hidden": keep it whole
        stem, suffix = path.name, ""
    for n in range(2, MAX_NUMBERED + 1):
        yield path.with_name(f"{stem}-{n}{suffix}")


def _exclusive_create(candidate: Path, label: str, raw: bytes) -> Path | None:
    try:
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC | _O_NOFOLLOW, 0o666)
    except FileExistsError:
        return None
    except OSError as exc:
        raise _os_error(str(candidate), exc) from None
    try:
        _write_all(fd, raw)
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        _unlink_quietly(str(candidate))
        raise _os_error(str(candidate), exc) from None
    os.close(fd)
    return candidate


def _replace(real: str, label: str, raw: bytes, st: os.stat_result | None) -> None:
    folder = os.path.dirname(real) or "."
    _check_folder(folder, label)
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666
    try:
        tmp = _temp_file(folder, label, raw, mode, keep=st)
    except FileError as exc:
        if st is not None and exc.errno in (errno.EACCES, errno.EPERM):
            # a folder we may not write to, holding a file we may: rewrite the file in place
            _write_stream(real, label, raw, fifo=False, truncate=True)
            return
        raise
    try:
        os.replace(tmp, real)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _os_error(label, exc) from None
    _sync_folder(folder)


def _temp_file(folder: str, label: str, raw: bytes, mode: int, keep: os.stat_result | None = None) -> str:
    """A new file in ``folder`` holding ``raw``, flushed to disk; its name is returned."""
    tmp = os.path.join(folder, f".sim-{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC | _O_NOFOLLOW, mode)
    except OSError as exc:
        raise _os_error(label, exc) from None
    try:
        if keep is not None:
            os.fchmod(fd, stat.S_IMODE(keep.st_mode))
            if (keep.st_uid, keep.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.fchown(fd, keep.st_uid, keep.st_gid)
                except OSError:
                    pass  # only root may give a file away; the mode is kept regardless
        _write_all(fd, raw)
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        _unlink_quietly(tmp)
        raise _os_error(label, exc) from None
    os.close(fd)
    return tmp


def _write_stream(path: str, label: str, raw: bytes, *, fifo: bool, truncate: bool = False) -> None:
    """Write straight into a device, a FIFO or (``truncate``) an existing file."""
    flags = os.O_WRONLY | _O_CLOEXEC | _O_NOCTTY | (os.O_TRUNC if truncate else 0)
    if fifo:
        flags |= _O_NONBLOCK  # no reader: ENXIO at once, rather than waiting for one
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO and fifo:
            raise FileError(label, "is a FIFO that nothing is reading") from None
        raise _os_error(label, exc) from None
    try:
        if fifo:
            os.set_blocking(fd, True)
        _write_all(fd, raw)
    except OSError as exc:
        raise _os_error(label, exc) from None
    finally:
        os.close(fd)


def _write_all(fd: int, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        done = os.write(fd, view)
        if done == 0:  # pragma: no cover - a device that takes nothing
            raise OSError(errno.EIO, "the device accepted no data")
        view = view[done:]


def _check_folder(folder: str, label: str) -> None:
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        raise FileError(label, f"no such folder: {folder} (sim does not create folders)") from None
    except OSError as exc:
        raise _os_error(label, exc) from None
    if not stat.S_ISDIR(st.st_mode):
        raise FileError(label, f"{folder} is not a folder")


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder or ".", os.O_RDONLY | _O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _is_stdout(st: os.stat_result) -> bool:
    try:
        out = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return False  # no real standard output (e.g. captured by a test)
    return (out.st_dev, out.st_ino) == (st.st_dev, st.st_ino)


def _to_stdout(data: str | bytes) -> None:
    if isinstance(data, str):
        sys.stdout.write(data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# --- reading ------------------------------------------------------------------------------------


def read_file(target: str | os.PathLike, label: str | None = None, *, limit: int, roots: Sequence[Path] | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, never blocking.

    With ``roots``, the file (after every symlink) must lie inside one of them."""
    label = label if label is not None else str(os.fspath(target))
    path = checked_path(target, label)
    if roots is not None:
        confine(path, roots, label)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileError(label, "no such file") from None
    except OSError as exc:
        raise _os_error(label, exc) from None
    _check_regular(st, label)
    try:
        fd = os.open(path, os.O_RDONLY | _O_CLOEXEC | _O_NONBLOCK | _O_NOCTTY)
    except OSError as exc:
        raise _os_error(label, exc) from None
    try:
        st = os.fstat(fd)  # what was opened, whatever the path points to now
        _check_regular(st, label)
        if st.st_size > limit:
            raise FileError(label, f"file is {_size(st.st_size)}; the limit is {_size(limit, limit=True)}")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except FileError:
        raise
    except OSError as exc:
        raise _os_error(label, exc) from None
    finally:
        os.close(fd)
    if total > limit:  # it grew while we read, or says size 0 and streams (/proc)
        raise FileError(label, f"file is larger than {_size(limit, limit=True)}")
    return b"".join(chunks)


def check_readable(target: str | os.PathLike, label: str | None = None) -> None:
    """Raise :class:`FileError` unless ``target`` is an existing regular file (nothing is read)."""
    label = label if label is not None else str(os.fspath(target))
    path = checked_path(target, label)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileError(label, "no such file") from None
    except OSError as exc:
        raise _os_error(label, exc) from None
    _check_regular(st, label)
    if not os.access(path, os.R_OK):
        raise FileError(label, "permission denied")


def _check_regular(st: os.stat_result, label: str) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise FileError(label, f"is {_kind(st.st_mode)}, not a regular file")


def _size(n: int, *, limit: bool = False) -> str:
    """A size as '10.0 MB'; a limit that is a whole number of units as '4 MB'."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n // scale} {unit}" if limit and n % scale == 0 else f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


# --- confinement --------------------------------------------------------------------------------


def project_roots(scenario: str | os.PathLike) -> tuple[Path, ...]:
    """The folders a scenario's includes and sources may come from.

    The scenario's project: the folder holding the nearest ``scenarios/`` folder the file is in
    (so ``seeds/`` beside it is inside), or the folder ``$SIM_SCENARIOS`` names, or failing
    both the scenario's own folder. Plus every folder named by ``--root`` or ``$SIM_ROOT``."""
    here = Path(os.path.abspath(os.fspath(scenario)))
    project = here.parent
    for parent in here.parents:
        if parent.name == "scenarios":
            project = parent.parent
            break
    else:
        named = os.environ.get("SIM_SCENARIOS")
        if named and _inside(os.path.realpath(here), os.path.realpath(named)):
            project = Path(os.path.realpath(named)).parent
    return (project, *named_roots())


def named_roots() -> tuple[Path, ...]:
    value = os.environ.get(ROOT_ENV, "")
    return tuple(Path(p) for p in value.split(os.pathsep) if p)


def confine(path: str | os.PathLike, roots: Sequence[Path], label: str) -> str:
    """``path`` with every symlink resolved, if it lies inside one of ``roots``; else FileError.

    Decided on the path alone, before the file is opened, so nothing of a file outside is read
    (and a file outside that does not exist is refused the same way as one that does)."""
    text = checked_path(path, label)
    real = os.path.realpath(text)
    for root in roots:
        if _inside(real, os.path.realpath(root)):
            return real
    shown = " or ".join(str(r) for r in roots[:1]) or "(none)"
    raise FileError(label, f"is outside the project folder {shown}; name another folder with --root DIR or {ROOT_ENV}")


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


# --- finding scenario files ---------------------------------------------------------------------

MAX_WALK = 20_000  # directory entries looked at under one folder before giving up


def yaml_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The .yaml/.yml files named or found under the folders named, in order.

    A folder is walked without following symlinked folders, skipping folders whose names
    start with '.', and at most :data:`MAX_WALK` entries are looked at, so a folder such as
    ``/proc`` or ``/`` is refused quickly instead of walked."""
    out: list[Path] = []
    for p in paths:
        text = os.fspath(p)
        label = text
        try:
            is_dir = stat.S_ISDIR(os.stat(text).st_mode)
        except (OSError, ValueError):
            is_dir = False  # reading it will say what is wrong
        if not is_dir:
            out.append(Path(text))
            continue
        out.extend(_walk(text, label))
    return out


def _walk(top: str, label: str) -> list[Path]:
    found: list[Path] = []
    seen = 0
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue  # unreadable folders are skipped, like find(1) would report and go on
        for entry in entries:
            seen += 1
            if seen > MAX_WALK:
                raise FileError(label, f"has more than {MAX_WALK:,} entries to look through; name the folder that holds the scenarios")
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):
                        stack.append(entry.path)
                elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                    found.append(Path(entry.path))
            except OSError:
                continue
    return sorted(found)
