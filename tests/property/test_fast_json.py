"""The fast JSON decoder (msgspec) never changes what ``deskkit validate`` reads or refuses.

``jsontext.loads`` tries msgspec first and lets the standard-library path decide whatever msgspec refuses.
The oracle is that standard-library path alone (``fast=None``): on every text drawn here — JSON written by
``json.dumps`` from drawn values (huge integers, extreme floats, lone surrogates, non-ASCII keys, duplicate
keys), number literals of any shape, and those texts mutated byte by byte with what RFC 8259 refuses (NaN,
Infinity, 1e400, encoded surrogates, a byte order mark, UTF-16) — both give the same value (compared by
``repr``: types, key order, -0.0 and all) or the same refusal (reason, line and column).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.contract import jsontext
from generator.contract.jsontext import NotJson, loads

pytestmark = pytest.mark.skipif(jsontext.FAST is None, reason="msgspec is not installed (the `fast` extra)")

LIMIT = sys.get_int_max_str_digits()


def outcome(data: bytes | str, fast: Any) -> tuple[str, Any]:
    try:
        return "value", repr(loads(data, fast))
    except NotJson as exc:
        return "refused", (exc.reason, exc.at, exc.truncated)


def same(data: bytes | str) -> None:
    assert outcome(data, jsontext.FAST) == outcome(data, None), data[:200]


KEYS = st.text(st.characters(codec=None), max_size=6) | st.sampled_from(["a", "desktop", "é", "\ud800", "\x00"])
SCALARS = (
    st.none() | st.booleans()
    | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=1e300, allow_infinity=False) | st.floats(max_value=1e-300, min_value=0)
    | st.text(st.characters(codec=None), max_size=20)
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=20)


@st.composite
def dumped(draw: st.DrawFn) -> bytes:
    """A drawn value as JSON text, written the ways captures are: ASCII-escaped or raw UTF-8 (lone
    surrogates then become encoded surrogates), compact or indented, sometimes with a duplicated key."""
    value = draw(VALUES)
    text = json.dumps(value, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1])))
    if isinstance(value, dict) and value and draw(st.booleans()):
        key = json.dumps(next(iter(value)))
        text = text[0] + f"{key}: 0, " + text[1:]
    return text.encode("utf-8", "surrogatepass")


NUMBER = r"\A-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,25})?([eE][-+]?[0-9]{1,3})?\Z"
NUMBERS = st.from_regex(NUMBER).map(lambda n: f"[{n}]".encode())

HOSTILE = [b"NaN", b"-Infinity", b"Infinity", b"1e400", b"-1e309", b'"\\ud800"', b'"\\udfff\\ud800"', b"\xed\xa0\x80",
           b"\xef\xbb\xbf", b"\x00", b"\xff", b"\xc0\xaf", b"\xf4\x90\x80\x80", b",", b"]", b"}", b'"', b"\\",
           b"\x0c", b"\x01", b"1" * (LIMIT + 1), b"-0", b"01", b"1.", b".5", b"tru", b" "]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(dumped() | NUMBERS))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "flip"]))
        if action == "insert":
            data[at:at] = draw(st.sampled_from(HOSTILE))
        elif action == "delete" and data:
            del data[at:at + draw(st.integers(1, 4))]
        elif data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
    if draw(st.integers(0, 9)) == 0:  # another encoding json.loads detects
        try:
            return bytes(data).decode("utf-8").encode(draw(st.sampled_from(["utf-16-le", "utf-16", "utf-32-be"])))
        except UnicodeError:
            pass
    return bytes(data)


@given(dumped())
@example(b'{"a": 1, "a": 2}')
@example(b'"\\ud800"')
@example(b'"\xed\xa0\x80"')
@example(b"\xef\xbb\xbf{}")
@example(b"[" + b"9" * LIMIT + b"]")
@example(b"[" + b"9" * (LIMIT + 1) + b"]")
@example(b"[-0, -0.0, 0e0, 1E+2, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]")
def test_fast_decoder_reads_what_the_standard_library_reads(data: bytes) -> None:
    same(data)


@given(NUMBERS)
@example(b"[1e400]")
@example(b"[123456789012345678901234567890]")
@example(b"[0." + b"0" * 400 + b"1]")
@example(b"[1" + b"0" * 400 + b".0]")
def test_fast_decoder_reads_numbers_as_the_standard_library_does(data: bytes) -> None:
    same(data)


@given(mutated())
@example(b"NaN")
@example(b'{"x": Infinity}')
@example("{}".encode("utf-16"))
@example(b"[" * 2000 + b"]" * 2000)
def test_fast_decoder_refuses_what_the_standard_library_refuses(data: bytes) -> None:
    same(data)


def test_fast_decoder_is_used() -> None:
    """The fast path is taken for ordinary documents (else this file would compare a decoder with itself)."""
    calls: list[Any] = []

    def spy(data: Any) -> Any:
        calls.append(data)
        return jsontext.FAST(data)  # type: ignore[misc]

    assert loads(b'{"a": [1, 2.5, "x"]}', spy) == {"a": [1, 2.5, "x"]}
    assert calls


@pytest.mark.parametrize(("data", "named"), [
    (b'["\xff"]', "not UTF-8 text (invalid start byte)"),
    ("[1]".encode("utf-16-le")[:-1], "not UTF-16-LE text (truncated data; the encoding read from its first bytes, "
     "as json.loads does)"),
    (b"\x00" + "[1]".encode("utf-16-le"), "not UTF-16-BE text (truncated data; the encoding read from its first "
     "bytes, as json.loads does)"),
])
def test_bytes_that_are_not_text_name_the_encoding_they_were_read_as(data: bytes, named: str) -> None:
    """A line of UTF-16 cut on the byte 0x0A (a JSON Lines file in UTF-16): it was read as UTF-16, the encoding
    its first bytes suggest (json.detect_encoding, the oracle), and the reason said it was not UTF-8."""
    assert json.detect_encoding(data).upper().removesuffix("-SIG") in named
    with pytest.raises(jsontext.NotJson) as caught:
        jsontext.loads(data)
    assert caught.value.reason == named


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-32-le", "utf-32"])
def test_where_text_read_as_utf16_or_32_breaks_is_counted_in_that_text(encoding: str) -> None:
    """The line and column of the last whole character are those of the text as it was read (counted here on
    the str before it was encoded), not of its bytes read as UTF-8."""
    text = '[\n\n"ééé", "x"]'
    with pytest.raises(jsontext.NotJson) as caught:
        jsontext.loads(text.encode(encoding)[:-1])  # the last character cut in two
    cut = len(text) - 1
    line = text.count("\n", 0, cut) + 1
    column = cut - (text.rfind("\n", 0, cut) + 1) + 1
    assert caught.value.at == {"line": line, "column": column}
