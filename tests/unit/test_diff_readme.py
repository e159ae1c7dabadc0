"""The README's `deskkit diff` section says what the code does: every kind in its tables with the classes the
rules give, and its example output exactly as the command prints it."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from generator.contract.diff import diff
from generator.contract.diff.rules import (
    FIXED_RULES,
    KNOWN_RULES,
    PROPERTY_RULES,
    SCHEMA_RULES,
    all_kinds,
    by_effect,
)
from tests.conftest import SPEC
from tests.helpers import ROOT

LETTER = {"breaking": "B", "non-breaking": "N", "informational": "I"}


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Spec changes: `deskkit diff OLD NEW`")
    return text[start: text.index("\n## ", start + 1)]


def rows() -> list[list[str]]:
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in section().splitlines() if line.startswith("| ")]


def names(cell: str) -> list[str]:
    """The rule names a first cell lists (text in parentheses is commentary)."""
    return re.findall(r"`([^`]+)`", re.sub(r"\([^)]*\)", "", cell))


def letters(classes: tuple[str, ...]) -> str:
    return " ".join(LETTER[c] for c in classes)


def test_the_effect_table_gives_the_rules_classes() -> None:
    table = {row[0].split(" ")[0]: row[1:4] for row in rows() if row[0].split(" ")[0] in ("widen", "narrow",
                                                                                          "change", "none")}
    assert set(table) == {"widen", "narrow", "change", "none"}
    for effect, cells in table.items():
        assert cells == [letters(by_effect(d, effect)) for d in ("response", "request", "error")], effect


def test_every_schema_suffix_is_listed_once_with_its_effect() -> None:
    listed: list[str] = []
    for row in rows():
        if len(row) == 3 and row[1] in ("widen", "narrow", "change", "none"):
            for name in names(row[0]):
                assert SCHEMA_RULES[name].effect == row[1], name
                listed.append(name)
    assert sorted(listed) == sorted(SCHEMA_RULES)


def test_every_other_kind_is_listed_once_with_its_classes() -> None:
    listed: list[str] = []
    for row in rows():
        if len(row) == 4 and re.fullmatch(r"[BNI] [BNI] [BNI]", row[1]) and not re.fullmatch(r"[BNI] [BNI] [BNI]",
                                                                                               row[2]):
            for name in names(row[0]):
                if name in PROPERTY_RULES:
                    effect = PROPERTY_RULES[name].effect
                    assert effect is not None
                    expected = by_effect("request" if "request" in name else "response", effect)
                else:
                    fixed = FIXED_RULES[name].fixed
                    assert fixed is not None
                    expected = fixed
                assert row[1] == letters(expected), name
                listed.append(name)
    assert sorted(listed) == sorted([*PROPERTY_RULES, *FIXED_RULES])


def test_every_known_suffix_is_listed_once_with_its_classes_each_way() -> None:
    listed: list[str] = []
    for row in rows():
        if len(row) == 4 and all(re.fullmatch(r"[BNI] [BNI] [BNI]", cell) for cell in row[1:3]) and row[3]:
            for name in names(row[0]):
                rule = KNOWN_RULES[name]
                assert row[1:3] == [letters(rule.response), letters(rule.request)], name
                listed.append(name)
    assert sorted(listed) == sorted(KNOWN_RULES)


def test_every_kind_the_diff_can_report_is_explained() -> None:
    suffixes = (*SCHEMA_RULES, *KNOWN_RULES)
    for kind in all_kinds():
        assert kind in PROPERTY_RULES or kind in FIXED_RULES or kind.endswith(suffixes), kind


def test_the_example_output_is_what_the_command_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SPEC, tmp_path / "old.yaml")
    text = SPEC.read_text(encoding="utf-8")
    text = text.replace("computer_name: {type: string, description: Desktop name.}",
                        "desktop_name: {type: string, description: Desktop name.}")
    text = text.replace("enum: [SAS, SSD]", "enum: [SAS, SSD, ESSD]")
    (tmp_path / "renamed.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert diff("old.yaml", "renamed.yaml", out=out) == 1
    shown = section().split("```text\n", 1)[1].split("```", 1)[0]
    assert out.getvalue() == shown
