"""An unreadable body's result, field by field, written by hand from the JSON report's format (README): the
operation it answers, the reason, where the decoder stopped (counted here from the text), and one problem at
the document's root whose message says both. Found missing by the mutation run (judge._unreadable)."""

from __future__ import annotations

import sys

import pytest

from generator.contract import judge_lines
from workspace_desktop._runtime import ContractError, decode


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


# What the static runtime's ``decode`` says of a text RFC 8259 refuses: which literal, and its line and column,
# counted here from the text itself (the literal is placed after a known prefix), not by the runtime's scanner.
# Strings and allowed numbers before the literal: the scanner must skip "NaN" inside a string and read past
# numbers that are fine, on more than one line.
PREFIX = '{\n  "note": "NaN, Infinity and 1e400 \\" are fine in a string",\n  "ok": [1.5e3, -2, 0.25],\n  "x": '


def position(prefix: str) -> tuple[int, int]:
    """Line and column (1-based, in characters) of the character that follows ``prefix``."""
    lines = prefix.split("\n")
    return len(lines), len(lines[-1]) + 1


@pytest.mark.parametrize(("literal", "what"), [
    ("NaN", "NaN is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ("Infinity", "Infinity is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ("-Infinity", "-Infinity is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ("1e400", "the number 1e400 is too large for a double (it reads as infinity)"),
    ("-2.5E+309", "the number -2.5E+309 is too large for a double (it reads as infinity)"),
])
def test_a_refused_literal_is_named_with_its_line_and_column(literal: str, what: str) -> None:
    line, column = position(PREFIX)
    assert (line, column) == (4, 8)
    for text in (PREFIX + literal + "}", (PREFIX + literal + "}").encode()):
        with pytest.raises(ContractError) as caught:
            decode(text)
        (problem,) = caught.value.problems
        assert problem.pointer == ""
        assert problem.message == f"not JSON: {what} at line {line} column {column}"


def test_an_integer_past_the_int_string_limit_says_how_long_it_is() -> None:
    limit = sys.get_int_max_str_digits()
    digits = "7" * (limit + 1)
    with pytest.raises(ContractError) as caught:
        decode(PREFIX + "-" + digits + "}")
    line, column = position(PREFIX)
    assert caught.value.problems[0].message == (f"not JSON: an integer of {limit + 1} digits is more than the "
                                                f"{limit} Python reads at line {line} column {column}")
    # one digit fewer is read, as the integer it is
    assert decode(PREFIX + digits[1:] + "}")["x"] == int(digits[1:])


def test_a_double_at_the_edge_is_read_and_its_neighbour_past_it_refused() -> None:
    assert decode("[1.7976931348623157e308]") == [1.7976931348623157e308]
    with pytest.raises(ContractError, match=r"the number 1\.8e308 is too large .* at line 1 column 2$"):
        decode("[1.8e308]")
