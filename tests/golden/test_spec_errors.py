"""A bad spec is reported for people: file, line, JSON Pointer, what was expected. Never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SPEC
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
