"""Which header values the signer sends, against RFC 9110's field-value grammar (an oracle written from the RFC,
not from signing.py): a value is sent as is only when it matches field-value with no outer whitespace."""

from __future__ import annotations

import re

import pytest

from workspace_desktop.signing import header_value_problem

# RFC 9110 §5.5: field-value = *field-content; field-content = field-vchar [ 1*( SP / HTAB / field-vchar )
# field-vchar ]; field-vchar = VCHAR / obs-text (%x80-FF; deskkit also sends text past Latin-1 as UTF-8)
FIELD_VALUE = re.compile(r"[\x21-\x7e\x80-\U0010ffff](?:[\t \x21-\x7e\x80-\U0010ffff]*[\x21-\x7e\x80-\U0010ffff])?")


@pytest.mark.parametrize("value", ["a", "a b", "a\tb", "tök-€", "a\x80b", "x" * 300, "a\u00a0b", "!~"])
def test_a_field_value_is_sent(value: str) -> None:
    assert FIELD_VALUE.fullmatch(value) and header_value_problem(value) is None


@pytest.mark.parametrize(("value", "why"), [
    ("a\rb", "contains a line break (CR or LF)"),
    ("a\nb", "contains a line break (CR or LF)"),
    ("a\r\nb", "contains a line break (CR or LF)"),
    ("a\x00b", "contains a control character"),
    ("a\x1fb", "contains a control character"),
    ("a\x7fb", "contains a control character"),
    (" a", "starts or ends with whitespace"),
    ("a\t", "starts or ends with whitespace"),
    ("", "is empty"),
])
def test_what_is_not_a_field_value_is_refused_by_name(value: str, why: str) -> None:
    assert FIELD_VALUE.fullmatch(value) is None and header_value_problem(value) == why


@pytest.mark.parametrize(("value", "named"), [(5, "an int"), (None, "None"), (b"a", "a bytes"),
                                              (1.5, "a float"), (object(), "an object")])
def test_a_value_that_is_not_text_is_named_by_its_type(value: object, named: str) -> None:
    assert header_value_problem(value) == f"is {named}, not a string"
