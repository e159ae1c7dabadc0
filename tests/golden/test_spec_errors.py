"""A bad spec is reported for people: file, line, JSON Pointer, what was expected. Never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.codegen.load import load_spec
from generator.errors import SpecError
from tests.conftest import DATA, SPEC
from tests.helpers import deskkit


def run_on(tmp_path: Path, text: str) -> tuple[int, str]:
    spec = tmp_path / "bad.openapi.yaml"
    spec.write_text(text, encoding="utf-8")
    result = deskkit("generate", "--spec", str(spec), "--out", str(tmp_path / "out"))
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    return result.returncode, result.stderr


def spec_with(old: str, new: str) -> str:
    text = SPEC.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("openapi: 3.1.0", "openapi: 3.0.3", ":12: at /openapi: '3.0.3' does not match"),
        ('$ref: "#/components/schemas/FlavorInfo"', '$ref: "#/components/schemas/Flavour"',
         "at /components/schemas/DesktopDetailInfo/properties/flavor/$ref: no schema named 'Flavour'"),
        ("quirk: desktop-as-list", "quirk: desktop-as-lsit",
         "at /components/schemas/ShowDesktopDetailResponse/properties/desktop/x-deskkit-tolerate/0/quirk: "
         "quirk 'desktop-as-lsit' is not declared"),
        ("size: {type: integer,", "size: {type: integer, not: {minimum: 1},",
         "at /components/schemas/VolumeDetail/properties/size/not: keyword `not` is outside the subset deskkit "
         "supports: describe the allowed values positively"),
        ("scope: every-enum", "scope: everywhere", "at /x-deskkit-quirks/undocumented-enum-value/scope:"),
        ("        size: {type: integer,", "        size: {type: integr,",
         "at /components/schemas/VolumeDetail/properties/size/type: 'integr' is not valid under any of the given "
         "schemas: expected string, integer"),
        ("enum: [SAS, SSD]", "enum: [SAS, SAS]",
         "at /components/schemas/VolumeDetail/properties/type/enum/1: enum value 'SAS' is listed twice"),
        ("enum: [SAS, SSD]", "enum: [SAS, 7]",
         "at /components/schemas/VolumeDetail/properties/type/enum/1: keyword `enum` lists 7 (integer): deskkit "
         "supports enumerations of strings"),
        ("        size: {type: integer,", "        size: {type: integer}\n        size: {type: integer,",
         "at /components/schemas/VolumeDetail/properties/size: duplicate key 'size' (first at line"),
    ],
)
def test_spec_errors_name_file_line_and_pointer(tmp_path: Path, old: str, new: str, expected: str) -> None:
    code, err = run_on(tmp_path, spec_with(old, new))
    assert code == 2
    assert f"{tmp_path / 'bad.openapi.yaml'}:" in err
    assert expected in err, err


def test_broken_yaml_gives_the_line(tmp_path: Path) -> None:
    code, err = run_on(tmp_path, "openapi: 3.1.0\ninfo: {title: x\npaths: {}\n")
    assert code == 2 and "bad.openapi.yaml:3: at /: not valid YAML" in err


def test_missing_spec_file(tmp_path: Path) -> None:
    result = deskkit("generate", "--spec", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "cannot read the spec" in result.stderr and "Traceback" not in result.stderr


def test_all_problems_are_listed_at_once(tmp_path: Path) -> None:
    text = spec_with("quirk: desktop-as-list", "quirk: nope")
    text = text.replace('$ref: "#/components/schemas/FlavorInfo"', '$ref: "#/components/schemas/Flavour"', 1)
    code, err = run_on(tmp_path, text)
    assert code == 2 and "'nope'" in err and "'Flavour'" in err


def test_unknown_flag_is_a_usage_error() -> None:
    result = deskkit("generate", "--frobnicate")
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr


EXAMPLE = DATA / "vendor-example.json"
BOMB = "".join(f"{a}: &{a} [{', '.join([f'*{b}'] * 9)}]\n" for b, a in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(("text", "expected"), [
    ("openapi: 3.1.0\nx-loop: &a [1, *a]\n", ":2: at /: a YAML alias inside the node it names"),
    ("openapi: 3.1.0\nx-loop: &a {b: {c: *a}}\n", ":2: at /: a YAML alias inside the node it names"),
    ("openapi: 3.1.0\na: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + BOMB,  # 9**9 values from 10 lines
     ": at /: YAML aliases expand the spec past 1,000,000 values"),
    ("openapi: 3.1.0\ninfo:\n  x-big: " + "9" * 5000 + "\n", ":3: at /info/x-big: an integer of 5000 digits"),
], ids=["loop", "loop-through-a-mapping", "billion-laughs", "huge-integer"])
def test_hostile_yaml_is_refused_quickly_with_its_line(tmp_path: Path, text: str, expected: str) -> None:
    code, err = run_on(tmp_path, text)
    assert code == 2 and err.count("\n") == 1 and f"bad.openapi.yaml{expected}" in err, err
    spec = str(tmp_path / "bad.openapi.yaml")
    for command in (["diff", str(SPEC), spec], ["suggest", "--spec", spec, str(EXAMPLE)]):  # the other readers
        result = deskkit(*command, timeout=60)
        assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_anchors_and_merge_keys_read_as_their_expansion(tmp_path: Path) -> None:
    """The same spec with extensions written out, and shared through an anchor, an alias and a merge key."""
    text = SPEC.read_text(encoding="utf-8")
    assert "\ncomponents:\n" in text
    shared = text.replace("\ncomponents:\n", "\nx-shared: &base {x-note: shared}\nx-again: {<<: *base, more: *base}"
                          "\ncomponents:\n", 1)
    written = text.replace("\ncomponents:\n", "\nx-shared: {x-note: shared}\nx-again: {x-note: shared, more: "
                           "{x-note: shared}}\ncomponents:\n", 1)
    outs = []
    for name, body in (("written", written), ("shared", shared)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / SPEC.name).write_text(body, encoding="utf-8")
        result = deskkit("generate", "--spec", str(folder / SPEC.name), "--out", str(folder / "out"))
        assert result.returncode == 0, result.stderr
        outs.append({p.relative_to(folder / "out"): p.read_bytes() for p in (folder / "out").rglob("*") if p.is_file()})
    assert outs[0] == outs[1]
    loaded = load_spec(tmp_path / "shared" / SPEC.name).data
    assert loaded == yaml.safe_load(written)  # PyYAML's own reading of the expansion
    assert loaded["x-again"] == {"x-note": "shared", "more": {"x-note": "shared"}}


def deep_spec(levels: int) -> str:
    """A spec whose response property nests ``levels`` arrays inline (block YAML: one ``items:`` a line)."""
    inner: dict[str, object] = {"type": "string"}
    for _ in range(levels):
        inner = {"type": "array", "items": inner}
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["Deep"] = {"type": "object", "properties": {"x": inner}}
    return yaml.safe_dump(spec, sort_keys=False, width=1 << 16)


def depth(value: object) -> int:
    """Levels of mappings and lists, counted on the data (iteratively: the point is that it is deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def test_a_spec_nested_to_the_limit_generates_and_one_level_more_is_refused_at_its_line(tmp_path: Path) -> None:
    """jsonschema's structure check (and the build, and diff) recurse into each level: past about 200 the
    stack ran out and the readers ended in a RecursionError traceback with exit 1 (diff's "breaking")."""
    from generator.codegen.load import MAX_DEPTH

    at_limit = deep_spec(MAX_DEPTH - 6)  # root, components, schemas, Deep, properties, x: 6 levels above
    assert depth(yaml.safe_load(at_limit)) == MAX_DEPTH
    folder = tmp_path / "ok"
    folder.mkdir()
    (folder / "deep.yaml").write_text(at_limit, encoding="utf-8")
    result = deskkit("generate", "--spec", str(folder / "deep.yaml"), "--out", str(folder / "out"))
    assert result.returncode == 0, result.stderr[-2000:]

    over = deep_spec(MAX_DEPTH - 5)
    code, err = run_on(tmp_path, over)
    items = MAX_DEPTH - 5  # the pointer of the first value one level too deep, and the line of its key
    pointer = "/components/schemas/Deep/properties/x" + "/items" * items
    lines = over.split("\n")
    deep = lines.index("    Deep:")  # (counted from the raw text: the other schemas have items too)
    line = [n for n, text in enumerate(lines[deep:], deep + 1) if text.strip() == "items:"][items - 1]
    assert code == 2 and f"bad.openapi.yaml:{line}: at {pointer}: nested more than {MAX_DEPTH} levels" in err, err
    spec = str(tmp_path / "bad.openapi.yaml")
    for command in (["diff", str(SPEC), spec], ["suggest", "--spec", spec, str(EXAMPLE)]):
        result = deskkit(*command, timeout=60)
        assert result.returncode == 2 and f"nested more than {MAX_DEPTH} levels" in result.stderr, result.stderr


def test_depth_built_from_aliases_is_refused(tmp_path: Path) -> None:
    """Each alias one level deeper than the last: every node is shallow as written, deep once expanded."""
    from generator.codegen.load import MAX_DEPTH

    chain = "".join(f"x-a{n}: &a{n} [*a{n - 1}]\n" for n in range(1, MAX_DEPTH + 2))
    code, err = run_on(tmp_path, "openapi: 3.1.0\nx-a0: &a0 [1]\n" + chain)
    assert code == 2 and f"nested more than {MAX_DEPTH} levels" in err and err.count("\n") == 1, err


def test_a_refusal_shows_control_characters_in_names_as_escapes(tmp_path: Path) -> None:
    """A property named with a newline (or U+2028, or a bidirectional control) must not break the one line a
    refusal is, nor act on the terminal: it is shown escaped, as the reports show names."""
    text = spec_with("computer_name:", '"computer\\nname\\u2028\\u202e":\n          type: object\n'
                     "          properties: {x: {type: string}}\n        computer_name_old:")
    code, err = run_on(tmp_path, text)
    assert code == 2 and err.count("\n") == 1, err
    assert "/computer\\x0aname\\u2028\\u202e" in err and "\u2028" not in err and "\u202e" not in err, err


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
@pytest.mark.parametrize(("before", "line"), [("", 3), ("# é ünïcödé before it\n", 4), ("a: 1\nb: 2\n\n", 6),
                                            ("a: 1\rb: 2\r", 5), ("a: 1\r\n# \u2028\n", 6)])
def test_a_character_yaml_does_not_allow_is_refused_at_its_line(tmp_path: Path, char: str, before: str,
                                                               line: int) -> None:
    """The reader's refusal gave a character offset; the line (counted by hand here, with YAML's breaks: a CR
    alone is one, CRLF one, LS one) is said instead."""
    raw = (before + 'openapi: 3.1.0\ninfo: {title: "t", version: "1"}\nx: "a' + char + 'b"\n').encode()
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(raw)
    result = deskkit("generate", "--spec", str(spec), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (f"deskkit: {spec}:{line}: at /: not valid YAML: the character U+{ord(char):04X} (a "
                             "control character YAML does not allow)\n"), result.stderr


@pytest.mark.parametrize("before", ["", "# é ünïcödé before it\n"])
def test_pyyaml_s_own_reader_refuses_the_character_at_its_line_too(tmp_path: Path, before: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml, PyYAML's reader refuses the character when the loader is made, counting characters."""
    import generator.codegen.load as load

    monkeypatch.setattr(load, "YAML_LOADER", yaml.SafeLoader)
    raw = (before + 'openapi: 3.1.0\nx: "a\x07b"\n').encode()
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(raw)
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    line = raw[:raw.index(b"\x07")].count(b"\n") + 1
    assert [(i.line, i.message) for i in caught.value.issues] == [
        (line, "not valid YAML: the character U+0007 (a control character YAML does not allow)")]
