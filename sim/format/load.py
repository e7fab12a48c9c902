"""Load a scenario file and its includes into one validated :class:`Spec`.

Each section entry is validated on its own, so one bad move does not hide the
problems of the next: every schema error in every file comes back in one pass,
each with ``file:line:col`` and the path inside the document.
"""

from __future__ import annotations

import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, ValidationError

from sim.diagnostics import ERROR, Diagnostic, InputError, cut_middle, did_you_mean, dotted
from sim.format import models as m
from sim.files import FileError, confine, project_roots
from sim.format.yamlread import Document, load_file

MAX_INCLUDES = 32
MAX_ECHO = 200  # characters of a file name echoed inside a message

# section name -> the model of one entry
ENTRY_MODELS: dict[str, object] = {
    "sources": m.Source,
    "actors": m.Actor,
    "issues": m.Issue,
    "stances": dict[str, m.Stance],
    "variables": m.Variable,
    "moves": m.Move,
    "reactions": m.Reaction,
    "events": m.Event,
    "endings": m.Ending,
    "prompts": m.Prompt,
    "disputes": m.Dispute,
}
_ADAPTERS = {name: TypeAdapter(model) for name, model in ENTRY_MODELS.items()}
_TOP_KEYS = tuple(m.ScenarioFile.model_fields)


@dataclass(slots=True)
class Origin:
    doc: Document
    path: tuple  # where the entry sits inside doc.data


@dataclass
class Spec:
    """A scenario with its includes merged: validated models plus where each came from."""

    path: str
    root: Document
    meta: m.Meta | None
    sections: dict[str, dict[str, object]]
    origins: dict[tuple[str, str], Origin]
    files: list[str] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)  # ids of entries that failed validation
    base_dirs: dict[str, Path] = field(default_factory=dict)  # file label -> its directory
    roots: tuple[Path, ...] = ()  # the folders includes and sources may come from

    def at(self, section: str, entry: str, *sub, key: bool = False, severity: str = ERROR):
        """A function making diagnostics that point inside one entry."""
        origin = self.origins.get((section, entry))

        def make(message: str, *more, offset: int = 0) -> Diagnostic:
            return locate(origin, (*sub, *more), message, key=key, severity=severity, offset=offset)

        return make


def locate(origin: Origin | None, sub: tuple, message: str, *, key=False, severity=ERROR, offset=0) -> Diagnostic:
    if origin is None:
        return Diagnostic("<scenario>", 0, 0, message, severity)
    path = (*origin.path, *sub)
    mark = origin.doc.mark(path, key=key)
    line, col = (mark.line, mark.col) if mark else (0, 0)
    if mark and offset and mark.one_line and mark.style in (None, "'", '"'):
        col += offset + (1 if mark.style else 0)
    return Diagnostic(origin.doc.file, line, col, message, severity, dotted(path))


def load_spec(path: str | Path) -> tuple[Spec | None, list[Diagnostic]]:
    """Read, validate and merge; returns the spec (None if unusable) and every problem.

    The file named is read wherever it is; its includes (and later its sources) only from
    inside its project (:func:`sim.files.project_roots`)."""
    try:
        roots = project_roots(path)
    except (OSError, ValueError) as exc:  # a path no file could have (a NUL byte, say)
        return None, [Diagnostic(str(path), 0, 0, f"cannot read: {exc}")]
    loader = _Loader(roots)
    loader.read(Path(path), str(path), chain=())
    if loader.root_doc is None:
        return None, loader.diags
    spec = Spec(str(path), loader.root_doc, loader.meta, loader.sections, loader.origins, loader.files, loader.broken, loader.base_dirs, roots)
    return spec, loader.diags


class _Loader:
    def __init__(self, roots: tuple[Path, ...]):
        self.roots = roots
        self.diags: list[Diagnostic] = []
        self.sections: dict[str, dict[str, object]] = {name: {} for name in ENTRY_MODELS}
        self.origins: dict[tuple[str, str], Origin] = {}
        self.meta: m.Meta | None = None
        self.root_doc: Document | None = None
        self.files: list[str] = []
        self.broken: set[str] = set()
        self.base_dirs: dict[str, Path] = {}
        self.seen: set[str] = set()
        self.base_meta: object = None  # the `scenario:` of the file a variant varies

    def read(self, path: Path, label: str, chain: tuple[str, ...], include_origin: Origin | None = None):
        try:
            doc = load_file(path, label, roots=self.roots if include_origin is not None else None)
        except InputError as exc:
            if include_origin is not None and exc.diagnostics and exc.diagnostics[0].line == 0:
                # e.g. a missing include: point at the include line too
                d = exc.diagnostics[0]
                self.diags.append(locate(include_origin, (), f"cannot include {cut_middle(label, MAX_ECHO)}: {d.message}"))
            else:
                self.diags.extend(exc.diagnostics)
            return
        is_root = not chain
        if is_root:
            self.root_doc = doc
        self.files.append(label)
        self.base_dirs[label] = path.parent
        data = doc.data
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            self.diags.append(Diagnostic(label, 1, 1, f"a scenario file must be a mapping of sections, not {kind}"))
            return
        for key in data:
            if key not in _TOP_KEYS:
                self.diags.append(locate(Origin(doc, ()), (key,), f"unknown section '{key}'{did_you_mean(key, _TOP_KEYS)}", key=True))
        if data.get("format", 1) != 1:
            self.diags.append(locate(Origin(doc, ()), ("format",), "unsupported format version (this sim reads format 1)"))
        targets = [(("include", i), inc) for i, inc in enumerate(self._list(doc, "include"))]
        if data.get("variant_of") is not None:
            if is_root:  # the scenario this one varies comes first, as if included
                targets.insert(0, (("variant_of",), data["variant_of"]))
            else:
                self.diags.append(locate(Origin(doc, ()), ("variant_of",), "only the file you run may be a variant of another", key=True))
        for where, inc in targets:
            here = Origin(doc, where)
            if not isinstance(inc, str):
                self.diags.append(locate(here, (), "an include is a file path"))
                continue
            try:  # decided on the path alone: nothing of a file outside the project is read
                target = confine(path.parent / inc, self.roots, inc)
            except FileError as exc:
                self.diags.append(locate(here, (), f"cannot include {cut_middle(inc, MAX_ECHO)}: {exc.strerror}"))
                continue
            here_real = os.path.realpath(path)
            if target in chain or target == here_real:
                self.diags.append(locate(here, (), f"include cycle: {inc} includes itself"))
                continue
            if target in self.seen:
                continue  # included twice through different routes: once is enough
            if len(self.seen) >= MAX_INCLUDES:
                self.diags.append(locate(here, (), f"more than {MAX_INCLUDES} included files"))
                continue
            self.seen.add(target)
            inc_label = _label(Path(target), path, label, inc)
            self.read(Path(target), inc_label, (*chain, here_real), include_origin=here)
        if "scenario" in data:
            if is_root:
                self.meta = self._validate(doc, ("scenario",), TypeAdapter(m.Meta), self._varied(data["scenario"]))
            elif include_origin is not None and include_origin.path == ("variant_of",):
                self.base_meta = data["scenario"]
            else:
                self.diags.append(locate(Origin(doc, ()), ("scenario",), "an included file cannot declare 'scenario:' (only the file you run does)", key=True))
        for section in ENTRY_MODELS:
            entries = data.get(section)
            if entries is None:
                continue
            if not isinstance(entries, dict):
                self.diags.append(locate(Origin(doc, ()), (section,), f"'{section}' must be a mapping of id: entry"))
                continue
            for entry_id, raw in entries.items():
                where = (section, entry_id)
                if not _valid_id(entry_id):
                    self.diags.append(locate(Origin(doc, ()), where, f"'{entry_id}' is not a valid id: use lower-case letters, digits and _, starting with a letter", key=True))
                    continue
                value = self._validate(doc, where, _ADAPTERS[section], raw)
                if value is None:
                    self.broken.add(entry_id)
                    if section == "stances" and isinstance(raw, dict):
                        self.broken.update(f"{entry_id}.{issue}" for issue in raw)
                    continue
                if section == "stances":
                    self._merge_stances(doc, entry_id, value)
                    continue
                if entry_id in self.sections[section]:
                    first = self.origins[(section, entry_id)]
                    fm = first.doc.mark(first.path, key=True)
                    self.diags.append(locate(Origin(doc, ()), where, f"{section[:-1]} '{entry_id}' is already defined at {first.doc.file}:{fm.line if fm else 0}", key=True))
                    continue
                self.sections[section][entry_id] = value
                self.origins[(section, entry_id)] = Origin(doc, where)

    def _varied(self, raw):
        """A variant's settings: those of the scenario it varies, overridden by its own
        (never its `default` or `order`: the variant is another entry in the list)."""
        base = self.base_meta
        if not isinstance(base, dict) or not isinstance(raw, dict):
            return raw
        return {**{k: v for k, v in base.items() if k not in ("default", "order")}, **raw}

    def _merge_stances(self, doc: Document, actor: str, value: dict):
        merged = dict(self.sections["stances"].get(actor, {}))
        for issue, stance in value.items():
            key = f"{actor}.{issue}"
            if issue in merged:
                first = self.origins[("stance", key)]
                fm = first.doc.mark(first.path, key=True)
                self.diags.append(locate(Origin(doc, ()), ("stances", actor, issue), f"stance {key} is already defined at {first.doc.file}:{fm.line if fm else 0}", key=True))
                continue
            merged[issue] = stance
            self.origins[("stance", key)] = Origin(doc, ("stances", actor, issue))
        self.sections["stances"][actor] = merged
        self.origins.setdefault(("stances", actor), Origin(doc, ("stances", actor)))

    def _list(self, doc: Document, key: str) -> list:
        value = doc.data.get(key, [])
        if not isinstance(value, list):
            self.diags.append(locate(Origin(doc, ()), (key,), f"'{key}' must be a list"))
            return []
        return value

    def _validate(self, doc: Document, where: tuple, adapter: TypeAdapter, raw):
        try:
            return adapter.validate_python(raw)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                self.diags.append(pydantic_diagnostic(doc, where, err, raw, adapter))
            return None


def _label(target: Path, includer: Path, includer_label: str, inc: str) -> str:
    """Show included files relative to where the user is, like the root file."""
    try:
        return str(target.relative_to(Path.cwd()))
    except ValueError:
        return str(Path(includer_label).parent / inc)


def _valid_id(value: object) -> bool:
    return isinstance(value, str) and re.match(m.ID_PATTERN, value) is not None and len(value) <= 64


# --- turning pydantic's errors into one clear line each ------------------------------------------


def pydantic_diagnostic(doc: Document, where: tuple, err: dict, raw, adapter: TypeAdapter) -> Diagnostic:
    loc = _data_loc(raw, err["loc"])
    kind = err["type"]
    last = loc[-1] if loc else where[-1]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(adapter, raw, loc[:-1])
        msg = f"unknown key '{last}'{did_you_mean(last, allowed)}"
        if allowed:
            msg += f"; expected one of: {', '.join(allowed)}"
        return locate(Origin(doc, where), loc, msg, key=True)
    if kind == "missing":
        return locate(Origin(doc, where), loc[:-1], f"missing required key '{last}'", key=True)
    inp = err.get("input")
    if kind == "string_pattern_mismatch":
        pattern = (err.get("ctx") or {}).get("pattern", "")
        if pattern == m.ID_PATTERN:
            msg = f"'{inp}' is not a valid id: use lower-case letters, digits and _, starting with a letter"
        else:
            msg = f"'{inp}' is not in the expected form"
        return locate(Origin(doc, where), loc, msg)
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
        return locate(Origin(doc, where), loc, f"'{inp}' is not allowed here{did_you_mean(str(inp), options)}; expected {expected}")
    if kind == "union_tag_invalid":
        return locate(Origin(doc, where), (*loc, "type"), f"type must be one of enum, int, bool, not '{(err.get('ctx') or {}).get('tag')}'")
    if kind == "union_tag_not_found":
        return locate(Origin(doc, where), loc, "missing required key 'type' (enum, int or bool)", key=True)
    what = _shape(inp)
    msg = err["msg"]
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        msg = f"expected a mapping of keys, not {what}"
    elif kind == "list_type":
        msg = f"expected a list, not {what}"
    elif kind in ("string_type",):
        msg = f"expected text, not {what}"
    elif kind in ("int_type", "float_type", "bool_type"):
        msg = f"{msg[0].lower()}{msg[1:]}, not {what}"
    elif kind in ("too_short", "string_too_short"):
        msg = f"{msg[0].lower()}{msg[1:]}"
    return locate(Origin(doc, where), loc, msg)


def _shape(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        short = value if len(value) <= 30 else value[:27] + "..."
        return f"the text '{short}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _data_loc(raw, loc: tuple) -> tuple:
    """Map pydantic's loc onto the data, dropping union-tag segments it inserts."""
    out = []
    cur = raw
    for i, part in enumerate(loc):
        if isinstance(cur, dict) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        elif i == len(loc) - 1:
            out.append(part)
        # else: a union tag such as 'enum' or a function-after marker: skip it
    return tuple(out)


def _allowed_keys(adapter: TypeAdapter, raw, loc: tuple) -> list[str]:
    """The keys a model accepts at ``loc`` (for did-you-mean on unknown keys)."""
    typ = adapter._type  # the annotation the adapter was built from
    cur = raw
    for part in loc:
        typ = _unwrap(typ, cur)
        if isinstance(typ, type) and issubclass(typ, BaseModel):
            info = {_key(name, f): f for name, f in typ.model_fields.items()}.get(part)
            if info is None:
                return []
            typ = info.annotation
        else:
            args = typing.get_args(typ)
            if not args:
                return []
            typ = args[-1]  # dict value type or list item type
        cur = cur[part] if isinstance(cur, dict | list) and _has(cur, part) else None
    typ = _unwrap(typ, cur)
    if isinstance(typ, type) and issubclass(typ, BaseModel):
        return [_key(name, f) for name, f in typ.model_fields.items()]
    return []


def _key(name: str, field) -> str:
    """The key an author writes for a field: its alias where it has one (``pass``, not ``pass_``)."""
    return field.alias or name


def _has(container, part) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(part, int) and 0 <= part < len(container)


def _unwrap(typ, value):
    """Strip Annotated/Optional, and pick the member of a tagged union that ``value`` selects."""
    for _ in range(10):
        origin = typing.get_origin(typ)
        if origin is typing.Annotated:
            typ = typing.get_args(typ)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(typ) if a is not type(None)]
            chosen = members[0]
            if isinstance(value, dict):
                for member in members:
                    field_info = getattr(member, "model_fields", {}).get("type")
                    if field_info is not None and value.get("type") in typing.get_args(field_info.annotation):
                        chosen = member
            typ = chosen
        else:
            return typ
    return typ
