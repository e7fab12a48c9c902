"""A safe, bounded YAML reader that remembers where every value came from.

Built on PyYAML's event stream (libyaml's C parser when present) rather than
``yaml.load`` so that we can
- refuse what a scenario never needs and an attacker loves: explicit tags
  (``!!python/object``), anchors and aliases (the "billion laughs"), several
  documents, non-string keys, duplicate keys (PyYAML silently keeps the last);
- bound work: a size cap checked before reading, a nesting cap checked as events
  arrive (libyaml is quadratic on deep flow nesting, so we stop early), a node cap;
- resolve scalars by YAML 1.2's core schema, so ``no`` and ``on`` stay strings;
- record the line and column of every key and value for ``file:line:col`` errors.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.diagnostics import CONTROL, InputError, control_message
from sim.files import read_file

try:  # the C parser is ~10x faster; fall back to the pure-Python one where absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 4 * 1024 * 1024  # a scenario is tens of KB; refuse anything past a few MB at once
MAX_DEPTH = 64
MAX_NODES = 50_000  # values in one file: real scenarios hold under 1,000, a 40,000-step session fits; bounds reading and building to a few seconds
MAX_NUMBER_CHARS = 40
DEPTH_MESSAGE = f"nested more than {MAX_DEPTH} levels deep"
_LIBYAML_DEPTH = re.compile(r"maximum nesting depth", re.IGNORECASE)

Path_ = tuple  # a path inside the document: ("moves", "us_propose", "effects", 0)


@dataclass(slots=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based
    style: str | None = None  # scalar style: None (plain), "'", '"', "|", ">"
    one_line: bool = True


@dataclass(slots=True)
class Document:
    """Plain data read from one YAML file, with the position of every key and value."""

    file: str
    data: object
    values: dict[tuple, Mark] = field(default_factory=dict)
    keys: dict[tuple, Mark] = field(default_factory=dict)

    def mark(self, path: tuple, *, key: bool = False) -> Mark | None:
        """The nearest recorded mark for ``path`` (falling back to its parents)."""
        path = tuple(path)
        while True:
            table = self.keys if key else self.values
            if path in table:
                return table[path]
            if key and path in self.values:
                return self.values[path]
            if not path:
                return None
            path = path[:-1]
            key = True  # a missing child is best pointed at by its parent's key


_SCALAR_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # a parsed value has no CRLF left
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


_NOT_TEXT_START = frozenset("~nNtTfF.+-0123456789")  # what a null, boolean or number can start with


def _resolve_plain(text: str):
    """YAML 1.2 core schema for plain scalars; returns (value, error)."""
    if text and text[0] not in _NOT_TEXT_START:
        return text, None  # an id or words: most scalars, decided without a regex
    if _NULL.match(text):
        return None, None
    if text in _BOOL:
        return _BOOL[text], None
    if _INT.match(text) or _INT_OCT.match(text) or _INT_HEX.match(text):
        if len(text) > MAX_NUMBER_CHARS:
            return None, f"number too long ({len(text)} characters)"
        if _INT.match(text):
            return int(text), None
        return int(text[2:], 8 if text[1] == "o" else 16), None
    if _FLOAT.match(text):
        if len(text) > MAX_NUMBER_CHARS:
            return None, f"number too long ({len(text)} characters)"
        return float(text), None
    if _INF.match(text) or _NAN.match(text):
        return None, "infinite and NaN numbers are not allowed"
    return text, None


def _mark(event) -> Mark:
    m = event.start_mark
    end = event.end_mark
    return Mark(m.line + 1, m.column + 1, getattr(event, "style", None) or None, end.line == m.line)


def read_bytes(path: Path, label: str, roots: Sequence[Path] | None = None) -> bytes:
    """Read a regular file (never blocking on a FIFO or device) with the size cap applied
    before a byte is read; with ``roots``, only from inside them (see :mod:`sim.files`)."""
    return read_file(path, label, limit=MAX_BYTES, roots=roots)


def decode_text(raw: bytes, label: str) -> str:
    if b"\x00" in raw:
        raise InputError.single(label, "binary file (contains NUL bytes), not YAML text")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8")) + 1  # in characters, as YAML's marks are
        raise InputError.single(
            label,
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded); save the file as UTF-8",
            line,
            col,
        ) from None
    check_controls(text, label)
    return text


def check_controls(text: str, label: str) -> None:
    """Refuse a control character other than newline, tab and CRLF's CR, at its line:col."""
    found = CONTROL.search(text)
    if found:
        at = found.start()
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        raise InputError.single(label, control_message(found[0]), line, col)


def load_file(path: Path | str, label: str | None = None, roots: Sequence[Path] | None = None) -> Document:
    path = Path(path)
    label = label or str(path)
    return load_text(decode_text(read_bytes(path, label, roots), label), label)


def values_in(data) -> int:
    """How many values the reader counts in ``data`` (each key, scalar, list and mapping)."""
    count, stack = 0, [data]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            count += len(item)  # the keys
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def check_reopens(text: str, data, label: str) -> None:
    """Refuse (as an OSError, before anything is written) YAML this reader would refuse to
    read back: a session too big to reopen must never be saved."""
    from sim.files import FileError

    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise FileError(label, f"not written: {size / 1048576:.1f} MB is more than the {MAX_BYTES // 1048576} MB a session can be reopened with", errno.EFBIG)
    values = values_in(data)
    if values > MAX_NODES:
        raise FileError(label, f"not written: {values:,} values are more than the {MAX_NODES:,} a session can be reopened with", errno.EFBIG)


def load_text(text: str, label: str) -> Document:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InputError.single(label, f"text is larger than {MAX_BYTES // 1048576} MB")
    if not text.strip():
        raise InputError.single(label, "file is empty")
    check_controls(text, label)
    try:
        return _Builder(text, label).build()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        if _LIBYAML_DEPTH.search(problem):
            # libyaml 0.2.6+ (PyYAML 6.0.4+) caps nesting itself (at 1000), and its scanner,
            # looking ahead for simple keys, can meet that cap before our parser sees level 65.
            # One message whichever layer refuses, at the place our own cap is crossed.
            line, col = _depth_crossing(text, label, line, col)
            raise InputError.single(label, DEPTH_MESSAGE, line, col) from None
        hint = ""
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            hint = " (a tab: YAML forbids tabs for indentation; use spaces)"
        raise InputError.single(label, f"invalid YAML: {problem}{hint}", line, col) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; its position is bytes or chars by parser
        bad = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        at = text.find(bad) if bad else -1
        line, col = (text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1) if at >= 0 else (0, 0)
        raise InputError.single(label, f"invalid YAML: {exc.reason} (character U+{ord(bad[0]) if bad else 0:04X})", line, col) from None
    except yaml.YAMLError as exc:
        raise InputError.single(label, f"invalid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:  # pragma: no cover - the depth cap stops this first
        raise InputError.single(label, "YAML nested too deeply") from None


class _Builder:
    def __init__(self, text: str, label: str):
        self.loader = _Loader(text)
        self.label = label
        self.doc = Document(label, None)
        self.nodes = 0

    def fail(self, event, message: str):
        m = _mark(event)
        raise InputError.single(self.label, message, m.line, m.col)

    def next(self):
        event = self.loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            self.fail(event, "anchors and aliases (&name, *name) are not allowed in scenario files")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.fail(event, f"anchors and aliases (&{anchor}) are not allowed in scenario files")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            self.fail(event, f"explicit YAML tags such as '{tag}' are not allowed")
        return event

    def build(self) -> Document:
        try:
            self.next()  # StreamStart
            event = self.next()
            if isinstance(event, yaml.StreamEndEvent):
                raise InputError.single(self.label, "file is empty")
            root = self.next()
            if isinstance(root, yaml.DocumentEndEvent):
                raise InputError.single(self.label, "file is empty")
            self.doc.data = self.value(root, ())
            self.next()  # DocumentEnd
            extra = self.next()
            if not isinstance(extra, yaml.StreamEndEvent):
                self.fail(extra, "only one YAML document per file is allowed (found a second '---')")
            return self.doc
        finally:
            self.loader.dispose()

    def value(self, event, path: tuple):
        """Build the value starting at ``event`` without recursion (explicit stack)."""
        stack: list[_Frame] = []
        while True:
            self.nodes += 1
            if self.nodes > MAX_NODES:
                self.fail(event, f"document has more than {MAX_NODES:,} values")
            if isinstance(event, yaml.ScalarEvent):
                val = self.scalar(event)
                if not stack or not stack[-1].awaiting_key:
                    self.doc.values[stack[-1].child() if stack else path] = _mark(event)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    self.fail(event, DEPTH_MESSAGE)
                here = stack[-1].child() if stack else path
                self.doc.values[here] = _mark(event)
                is_map = isinstance(event, yaml.MappingStartEvent)
                stack.append(_Frame({} if is_map else [], here))
                event = self.next()
                if not isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                    continue
                val = stack.pop().container
            else:  # pragma: no cover - the parser guarantees structure
                self.fail(event, "unexpected YAML structure")
            # attach `val` to its parent, closing each container as its end arrives
            while True:
                if not stack:
                    return val
                self.attach(stack[-1], val, event)
                event = self.next()
                if not isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                    break
                val = stack.pop().container

    def attach(self, frame: _Frame, val, event) -> None:
        container = frame.container
        if isinstance(container, list):
            container.append(val)
        elif frame.awaiting_key:
            if not isinstance(val, str):
                self.fail(event, f"keys must be text, not {_kind(val)}")
            if val in container:
                self.fail(event, f"duplicate key '{val}' (each key may appear once)")
            frame.key = val
            self.doc.keys[(*frame.path, val)] = _mark(event)
        else:
            container[frame.key] = val
            frame.key = _NO_KEY

    def scalar(self, event):
        if event.implicit[0] and not event.style and event.tag != "!":  # plain scalar; '!' forces text
            value, error = _resolve_plain(event.value)
            if error:
                self.fail(event, error)
            return value
        found = _SCALAR_CONTROL.search(event.value)
        if found:  # written as an escape ("\e", "\x1b", "\r") in a quoted scalar
            self.fail(event, control_message(found[0]) + " (written as an escape)")
        return event.value


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()


class _Frame:
    """An open mapping or sequence while its children are being read."""

    __slots__ = ("container", "path", "key")

    def __init__(self, container, path: tuple):
        self.container = container
        self.path = path
        self.key = _NO_KEY

    @property
    def awaiting_key(self) -> bool:
        return isinstance(self.container, dict) and self.key is _NO_KEY

    def child(self) -> tuple:
        if isinstance(self.container, list):
            return (*self.path, len(self.container))
        return (*self.path, self.key)


def _depth_crossing(text: str, label: str, line: int, col: int) -> tuple[int, int]:
    """Where our depth cap is crossed in ``text``, given where libyaml refused it.

    Re-reads the text up to libyaml's mark, where libyaml's own cap is not yet reached,
    so our check fires first; falls back to libyaml's mark if it does not."""
    lines = text.split("\n", line)
    head = "\n".join(lines[: line - 1] + [lines[line - 1][: max(col - 1, 0)]]) if line else ""
    try:
        _Builder(head, label).build()
    except InputError as exc:
        d = exc.diagnostics[0]
        if d.message == DEPTH_MESSAGE and d.line:
            return d.line, d.col
    except yaml.YAMLError:
        pass
    return line, col


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


def _kind(value) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )
