"""The safe YAML reader: what it refuses, how it resolves scalars, where it says things are."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.diagnostics import InputError
from sim.format import yamlread
from sim.format.load import load_spec
from sim.format.yamlread import MAX_BYTES, MAX_DEPTH, load_file, load_text


def read(text: str):
    return load_text(text, "f.yaml").data


def refused(text: str):
    """The single diagnostic ``text`` is refused with."""
    with pytest.raises(InputError) as info:
        load_text(text, "f.yaml")
    diags = info.value.diagnostics
    assert len(diags) == 1, diags
    assert diags[0].file == "f.yaml"
    assert "\n" not in diags[0].format(), "a diagnostic is one line"
    return diags[0]


def refused_file(path: Path):
    with pytest.raises(InputError) as info:
        load_file(path, path.name)
    (diag,) = info.value.diagnostics
    assert diag.file == path.name
    return diag


# --- duplicate keys -------------------------------------------------------------------------------


def test_duplicate_top_level_key_is_refused_at_the_second_one():
    d = refused("a: 1\nb: 2\na: 3\n")
    assert "duplicate key 'a'" in d.message
    assert (d.line, d.col) == (3, 1)


def test_duplicate_nested_key_is_refused():
    d = refused("moves:\n  m1:\n    label: x\n    label: y\n")
    assert "duplicate key 'label'" in d.message
    assert (d.line, d.col) == (4, 5)


def test_duplicate_key_in_flow_mapping_is_refused():
    d = refused("a: {x: 1, x: 2}\n")
    assert "duplicate key 'x'" in d.message
    assert d.line == 1


def test_same_key_in_sibling_mappings_is_fine():
    assert read("a: {x: 1}\nb: {x: 2}\n") == {"a": {"x": 1}, "b": {"x": 2}}


# --- anchors, aliases, the billion laughs ---------------------------------------------------------


def test_anchor_is_refused():
    d = refused("a: &x 1\nb: 2\n")
    assert "anchors and aliases" in d.message
    assert (d.line, d.col) == (1, 4)


def test_alias_is_refused_even_without_an_anchor():
    d = refused("a: 1\nb: *x\n")
    assert "anchors and aliases" in d.message
    assert d.line == 2


def test_merge_key_with_alias_is_refused():
    d = refused("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert "anchors and aliases" in d.message


def test_merge_key_without_alias_is_just_a_key():
    assert read("a:\n  <<: {y: 2}\n") == {"a": {"<<": {"y": 2}}}


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_at_the_first_anchor(tmp_path):
    path = tmp_path / "lol.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    d = refused_file(path)
    assert "anchors and aliases" in d.message
    assert (d.line, d.col) == (1, 4)


def test_billion_laughs_without_anchor_definitions_is_still_refused():
    # only the aliases: refused at the first '*', nothing is expanded
    d = refused("i: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n")
    assert "anchors and aliases" in d.message
    assert d.line == 1


# --- explicit tags: refused, and nothing runs -------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "a: !!python/object/apply:os.system ['touch {marker}']\n",
        "!!python/object/apply:os.system ['touch {marker}']\n",
        "a: !!python/object/apply:builtins.open ['{marker}', 'w']\n",
        "a: !!python/object/new:builtins.open ['{marker}', 'w']\n",
        "a: !<tag:yaml.org,2002:python/object/apply:builtins.open> ['{marker}', 'w']\n",
        "a: !!python/object/apply:subprocess.check_call [['touch', '{marker}']]\n",
        "? !!python/object/apply:builtins.open ['{marker}', 'w']\n: value\n",
        "a:\n  - ok\n  - !!python/object/apply:builtins.open\n    args: ['{marker}', 'w']\n",
    ],
)
def test_python_tags_are_refused_and_nothing_runs(tmp_path, template):
    marker = tmp_path / "PWNED"
    path = tmp_path / "evil.yaml"
    path.write_text(template.format(marker=marker), encoding="utf-8")
    d = refused_file(path)
    assert "explicit YAML tags" in d.message
    assert "python/object" in d.message
    assert d.line >= 1 and d.col >= 1
    assert not marker.exists(), "a tag in a scenario file ran code"


@pytest.mark.parametrize(
    "text, tag",
    [
        ("a: !!str 1\n", "tag:yaml.org,2002:str"),
        ("a: !!int '1'\n", "tag:yaml.org,2002:int"),
        ("a: !!binary aGVsbG8=\n", "tag:yaml.org,2002:binary"),
        ("a: !!set {x, y}\n", "tag:yaml.org,2002:set"),
        ("a: !!python/name:os.system\n", "tag:yaml.org,2002:python/name:os.system"),
        ("a: !custom 1\n", "!custom"),
        ("a: !!map {x: 1}\n", "tag:yaml.org,2002:map"),
    ],
)
def test_every_explicit_tag_is_refused(text, tag):
    d = refused(text)
    assert f"'{tag}'" in d.message
    assert (d.line, d.col) == (1, 4)


def test_non_specific_tag_forces_text():
    # YAML 1.2: '!' on a scalar means "a string", whatever it looks like
    assert read("a: ! 1\nb: ! true\nc: ! [1]\n") == {"a": "1", "b": "true", "c": [1]}


# --- tabs, documents, top-level shapes, emptiness ----------------------------------------------------


def test_tab_indentation_is_refused_with_a_hint():
    d = refused("a:\n\tb: 1\n")
    assert (d.line, d.col) == (2, 1)
    assert "tab" in d.message and "spaces" in d.message


def test_tab_after_indentation_is_refused_with_a_hint():
    d = refused("a:\n  b: 1\n\t c: 2\n")
    assert d.line == 3
    assert "tab" in d.message


def test_tab_inside_a_value_is_just_a_character():
    assert read("a: x\ty\nb: 'p\tq'\n") == {"a": "x\ty", "b": "p\tq"}


def test_second_document_is_refused():
    d = refused("a: 1\n---\nb: 2\n")
    assert "only one YAML document" in d.message
    assert (d.line, d.col) == (2, 1)


def test_second_document_after_explicit_end_is_refused():
    d = refused("---\na: 1\n...\n---\nb: 2\n")
    assert "only one YAML document" in d.message
    assert d.line == 4


def test_one_document_with_markers_is_fine():
    assert read("---\na: 1\n...\n") == {"a": 1}


def test_reader_returns_top_level_list_and_scalar_as_data():
    # the reader is generic (scripts use it too); the scenario loader refuses these shapes
    assert read("- a\n- b\n") == ["a", "b"]
    assert read("hello\n") == "hello"


@pytest.mark.parametrize(
    "text, kind",
    [("- a\n- b\n", "a list"), ("just text\n", "a single value"), ("42\n", "a single value")],
)
def test_loader_refuses_top_level_list_and_scalar(tmp_path, text, kind):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    _, diags = load_spec(path)
    (d,) = diags
    assert d.message == f"a scenario file must be a mapping of sections, not {kind}"
    assert (d.file, d.line, d.col) == (str(path), 1, 1)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "\n\n# a\n  # b\n"])
def test_empty_text_is_refused(text):
    d = refused(text)
    assert d.message == "file is empty"
    assert (d.line, d.col) == (0, 0)
    assert d.format() == "f.yaml: error: file is empty"


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    assert refused_file(path).message == "file is empty"


# --- bytes: binary, encodings, control characters ------------------------------------------------------


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"a: 1\n\x00\x01\x02\xff\xfe")
    d = refused_file(path)
    assert "binary" in d.message and "NUL" in d.message
    assert d.line == 0


def test_utf16_file_is_refused_not_misread(tmp_path):
    path = tmp_path / "u16.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    with pytest.raises(InputError):
        load_file(path)


def test_latin1_bytes_are_refused_with_line_and_column(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("scenario:\n  title: Café\n".encode("latin-1"))
    d = refused_file(path)
    assert "not UTF-8" in d.message and "0xe9" in d.message
    assert (d.line, d.col) == (2, 13)  # the 'é' after '  title: Caf'


def test_undecodable_byte_column_counts_characters_not_bytes(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_bytes("a: ok\nbé: ü".encode() + b"\xe9\n")
    d = refused_file(path)
    assert (d.line, d.col) == (2, 6)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\nb: caf\xc3\xa9\n")
    doc = load_file(path)
    assert doc.data == {"a": 1, "b": "café"}
    assert (doc.keys[("a",)].line, doc.keys[("a",)].col) == (1, 1)


def test_control_character_is_refused_on_one_line_with_position():
    d = refused("scenario:\n  id: a\x07b\n")
    assert "control characters" in d.message
    assert "U+0007" in d.message
    assert (d.line, d.col) == (2, 8)


# --- bounds: depth, size, node count, numbers ------------------------------------------------------------


def test_hundred_thousand_open_brackets_fail_with_a_depth_error():
    d = refused("[" * 100_000)
    assert d.message == f"nested more than {MAX_DEPTH} levels deep"
    assert (d.line, d.col) == (1, MAX_DEPTH + 1)


def test_hundred_thousand_open_braces_fail_with_a_depth_error():
    d = refused("{a: " * 100_000)
    assert "levels deep" in d.message


def test_depth_limit_is_exact():
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert read(ok) is not None
    d = refused("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert "levels deep" in d.message


def test_deep_block_nesting_fails_with_a_depth_error():
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "v\n"
    d = refused(text)
    assert "levels deep" in d.message


def test_ten_megabyte_file_is_refused_before_parsing(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    line = b"key_0000000: a perfectly valid value\n"  # valid YAML, 38 bytes a line
    count = 10 * 1024 * 1024 // len(line) + 1
    with path.open("wb") as fh:
        for i in range(count):
            fh.write(b"key_%07d: a perfectly valid value\n" % i)
    assert path.stat().st_size > 10 * 1024 * 1024

    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(yamlread, "_Builder", no_parsing)
    monkeypatch.setattr(yamlread, "decode_text", no_parsing)
    d = refused_file(path)
    assert d.message == f"file is 10.0 MB; the limit is {MAX_BYTES // 1048576} MB"


def test_oversized_text_is_refused():
    d = refused("a: " + "x" * (MAX_BYTES + 1) + "\n")
    assert "larger than" in d.message


def test_node_cap(monkeypatch):
    monkeypatch.setattr(yamlread, "MAX_NODES", 10)
    assert read("a: [1, 2, 3]\n") == {"a": [1, 2, 3]}
    d = refused("a: [" + ", ".join(["1"] * 20) + "]\n")
    assert "more than 10 values" in d.message
    assert d.line == 1


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "9" * 41 + "\n",
        "a: -" + "1" * 60 + "\n",
        "a: " + "9" * 5000 + "\n",
        "a: 0x" + "F" * 60 + "\n",
        "a: 1." + "0" * 60 + "\n",
    ],
)
def test_huge_numbers_are_refused(text):
    d = refused(text)
    assert "number too long" in d.message
    assert (d.line, d.col) == (1, 4)


def test_large_but_bounded_integers_are_exact():
    assert read("a: 1234567890123456789012345678901234567890\n") == {"a": 1234567890123456789012345678901234567890}
    assert read("a: '" + "9" * 100 + "'\n") == {"a": "9" * 100}  # quoted: text, no limit


@pytest.mark.parametrize("value", [".inf", "-.inf", "+.inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"])
def test_inf_and_nan_are_refused(value):
    d = refused(f"x: 1\na: {value}\n")
    assert "infinite and NaN" in d.message
    assert (d.line, d.col) == (2, 4)


def test_quoted_inf_is_text():
    assert read("a: '.inf'\nb: \".nan\"\n") == {"a": ".inf", "b": ".nan"}


# --- keys ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        ("1: a\n", "a number"),
        ("ok: 1\n1.5: a\n", "a number"),
        ("true: a\n", "a boolean"),
        ("~: a\n", "null"),
        ("? [a, b]\n: c\n", "a list"),
        ("{[a]: b}\n", "a list"),
        ("? {a: 1}\n: b\n", "a mapping"),
    ],
)
def test_non_string_keys_are_refused(text, kind):
    d = refused(text)
    assert d.message == f"keys must be text, not {kind}"
    assert d.line >= 1


def test_quoted_numeric_key_is_text():
    assert read("'1': a\n\"true\": b\n") == {"1": "a", "true": "b"}


# --- YAML 1.2 core schema ------------------------------------------------------------------------------------


def test_yaml_1_2_core_resolution():
    data = read(
        "a: no\nb: on\nc: yes\nd: off\ne: y\nf: N\n"
        "g: true\nh: false\ni: True\nj: FALSE\n"
        "k: 0x1F\nl: 0o17\nm: 017\nn: -42\no: +7\n"
        "p: 1.5\nq: 1e3\nr: -.5\n"
        "s: ~\nt: null\nu:\nv: 'true'\nw: \"0x1F\"\nx: 1_000\ny: 0b101\nz: 12:30\n"
    )
    assert data["a"] == "no" and data["b"] == "on" and data["c"] == "yes"
    assert data["d"] == "off" and data["e"] == "y" and data["f"] == "N"
    for key, want in {"g": True, "h": False, "i": True, "j": False}.items():
        assert data[key] is want
    assert data["k"] == 31 and type(data["k"]) is int
    assert data["l"] == 15
    assert data["m"] == 17  # YAML 1.2: a leading zero is still decimal
    assert data["n"] == -42 and data["o"] == 7
    assert data["p"] == 1.5 and data["q"] == 1000.0 and type(data["q"]) is float and data["r"] == -0.5
    assert data["s"] is None and data["t"] is None and data["u"] is None
    assert data["v"] == "true" and data["w"] == "0x1F"
    # YAML 1.1-isms that 1.2 core reads as text
    assert data["x"] == "1_000" and data["y"] == "0b101" and data["z"] == "12:30"


def test_block_scalars_are_text():
    assert read("a: |\n  true\n  1\nb: >\n  no\n  more\n") == {"a": "true\n1\n", "b": "no more\n"}


# --- marks ----------------------------------------------------------------------------------------------------


MARKED = """\
scenario:
  id: mini
  title: 'Quoted title'
moves:
  us_put:
    effects:
      - pressure += 1
      - "ceasefire = 'x'"
    when: |
      a and
      b
inline: {k: v, n: 3}
"""


def test_marks_of_keys_and_values():
    doc = load_text(MARKED, "m.yaml")

    def at(table, *path):
        mark = table[path]
        return mark.line, mark.col

    assert at(doc.keys, "scenario") == (1, 1)
    assert at(doc.keys, "scenario", "id") == (2, 3)
    assert at(doc.values, "scenario", "id") == (2, 7)
    assert at(doc.keys, "scenario", "title") == (3, 3)
    assert at(doc.values, "scenario", "title") == (3, 10)
    assert at(doc.keys, "moves", "us_put", "effects") == (6, 5)
    assert at(doc.values, "moves", "us_put", "effects", 0) == (7, 9)
    assert at(doc.values, "moves", "us_put", "effects", 1) == (8, 9)
    assert at(doc.values, "moves", "us_put", "when") == (9, 11)
    assert at(doc.keys, "inline", "k") == (12, 10)
    assert at(doc.values, "inline", "k") == (12, 13)
    assert at(doc.values, "inline", "n") == (12, 19)
    assert at(doc.values) == (1, 1)


def test_marks_record_style_and_extent():
    doc = load_text(MARKED, "m.yaml")
    assert doc.values[("scenario", "id")].style is None
    assert doc.values[("scenario", "title")].style == "'"
    assert doc.values[("moves", "us_put", "effects", 1)].style == '"'
    when = doc.values[("moves", "us_put", "when")]
    assert when.style == "|" and when.one_line is False
    assert doc.values[("scenario", "title")].one_line is True


def test_keys_are_not_recorded_as_values():
    doc = load_text("a: 1\n", "m.yaml")
    assert set(doc.values) == {(), ("a",)}
    assert set(doc.keys) == {("a",)}


def test_mark_falls_back_to_the_nearest_parent_key():
    doc = load_text(MARKED, "m.yaml")
    missing = doc.mark(("moves", "us_put", "label"))
    assert (missing.line, missing.col) == (5, 3)  # the us_put key
    deeper = doc.mark(("moves", "us_put", "effects", 7, "x"))
    assert (deeper.line, deeper.col) == (6, 5)  # the effects key
    key = doc.mark(("scenario", "title"), key=True)
    assert (key.line, key.col) == (3, 3)
    value = doc.mark(("scenario", "title"))
    assert (value.line, value.col) == (3, 10)


def test_error_marks_are_one_based():
    d = refused("a: 1\nb: [1, 2\n")
    assert d.line >= 2 and d.col >= 1
    assert d.message.startswith("invalid YAML:")


# --- files -----------------------------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    d = refused_file(tmp_path / "nope.yaml")
    assert d.message == "no such file"
    assert d.line == 0


def test_directory_is_not_a_file(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    d = refused_file(folder)
    assert d.message == "is a directory, not a regular file"


def test_label_defaults_to_the_path(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert load_file(path).file == str(path)
    assert load_file(path, "shown.yaml").file == "shown.yaml"
