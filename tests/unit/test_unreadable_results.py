"""An unreadable body's result, field by field, written by hand from the JSON report's format (README): the
operation it answers, the reason, where the decoder stopped (counted here from the text), and one problem at
the document's root whose message says both. Found missing by the mutation run (judge._unreadable)."""

from __future__ import annotations

import pytest

from generator.contract import judge_lines


@pytest.mark.parametrize(("line", "reason", "at"), [
    ('{"desktop": NaN}', "not JSON (NaN is not a JSON value", {"line": 1, "column": 13}),
    ("not json", "not JSON (Expecting value)", {"line": 1, "column": 1}),
    ('{"desktop": {}', "truncated JSON (Expecting ',' delimiter)", {"line": 1, "column": len('{"desktop": {}') + 1}),
])
def test_an_unreadable_line_names_its_operation_reason_and_position(line: str, reason: str,
                                                                     at: dict[str, int]) -> None:
    (result,) = judge_lines([line], source="s.jsonl", first_line=7)
    assert result["verdict"] == "unreadable" and result["line"] == 7 and result["source"] == "s.jsonl"
    assert result["operation"] == "ShowDesktopDetail"
    assert result["reason"].startswith(reason) and result["at"] == at
    assert result["problems"] == [{"pointer": "", "message": f"{result['reason']} at line {at['line']} column "
                                   f"{at['column']}", "rule": None, "quirk": None, "quirk_rule": None,
                                   "known": None}]
    assert result["undocumented_fields"] == []
