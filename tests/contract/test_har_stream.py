"""Large HAR files are read entry by entry (``_stream_har_entries``); the oracle is the standard library reading
the whole file at once: the same entries in the same order, and for a broken entry the line and column where
``json.loads`` of the whole text stops. Blocks of a few bytes put every boundary (inside a key, a multi-byte
character, a number, between entries) somewhere."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.contract.captures import _NotHar, _stream_har_entries

VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(-1e9, 1e9) |
                      st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                  max_size=3), max_leaves=8)
ENTRIES = st.lists(st.one_of(st.dictionaries(st.sampled_from(["request", "response", "é", "n"]), VALUES,
                                             max_size=3), VALUES), max_size=5)
SPACES = st.sampled_from(["", " ", "\n", "\r\n  ", "\t"])


def har_text(entries: list[Any], space: str, before: dict[str, Any]) -> str:
    items = f",{space}".join(json.dumps(e, ensure_ascii=False) for e in entries)
    prefix = json.dumps(before, ensure_ascii=False)[1:-1]
    return (f'{{{space}"log":{space}{{{prefix}{"," if prefix else ""}{space}"entries"{space}:{space}[{space}'
            f'{items}{space}]{space}}}{space}}}')


def streamed(text: str, block: int) -> list[Any]:
    return list(_stream_har_entries(io.BytesIO(text.encode("utf-8")), block=block))


@given(entries=ENTRIES, space=SPACES, before=st.dictionaries(st.sampled_from(["version", "creator", "pages"]),
                                                             VALUES, max_size=2), block=st.integers(1, 64))
@example(entries=[{"n": 12345}, "é€😀", 1.5], space="\n", before={}, block=1)
def test_streamed_entries_are_the_standard_librarys(entries: list[Any], space: str, before: dict[str, Any],
                                                    block: int) -> None:
    text = har_text(entries, space, before)
    assert json.dumps(streamed(text, block)) == json.dumps(json.loads(text)["log"]["entries"])


DECOYS = st.dictionaries(st.sampled_from(["entries", "log", "x"]), VALUES | st.builds(
    lambda entries: {"entries": entries, "log": {"entries": entries}}, ENTRIES), max_size=3)


@given(entries=ENTRIES, decoys=DECOYS, in_log=DECOYS, block=st.integers(1, 64))
@example(entries=[{"n": 1}], decoys={}, in_log={"creator": {"entries": [{"decoy": 1}]}}, block=4)
def test_only_log_entries_are_read_whatever_holds_an_entries_member_before_it(
        entries: list[Any], decoys: dict[str, Any], in_log: dict[str, Any], block: int) -> None:
    """Members before ``log`` and inside it before ``entries`` (a creator with entries of its own) are passed
    over: the entries are /log/entries, as the standard library finds them."""
    log = {**{k: v for k, v in in_log.items() if k != "entries"}, "entries": entries}
    text = json.dumps({**{k: v for k, v in decoys.items() if k != "log"}, "log": log}, ensure_ascii=False)
    assert json.dumps(streamed(text, block)) == json.dumps(json.loads(text)["log"]["entries"])


@pytest.mark.parametrize("text", ['[{"log": {"entries": []}}]', '{"log": [], "entries": []}',
                                  '{"x": {"log": {"entries": [1]}}}', '{"log": {"creator": {"entries": [1]}}}'])
def test_a_document_without_log_entries_is_not_a_har(text: str) -> None:
    with pytest.raises(_NotHar):
        streamed(text, 3)


@given(entries=ENTRIES.filter(bool), space=SPACES, block=st.integers(1, 64), data=st.data())
def test_a_broken_entry_is_reported_where_the_standard_library_stops(entries: list[Any], space: str, block: int,
                                                                     data: st.DataObject) -> None:
    text = har_text(entries, space, {})
    start = text.index("[") + 1
    broken_at = data.draw(st.integers(start, text.rindex("]") - 1))
    broken = text[:broken_at] + "}" + text[broken_at:]
    try:
        json.loads(broken)
    except json.JSONDecodeError as error:
        expected = f"line {error.lineno} column {error.colno}"
    else:  # pragma: no cover - a '}' inside a string: still valid
        return
    try:
        streamed(broken, block)
    except _NotHar as refusal:
        message = str(refusal)
        if " at line " in message:  # not "cut short" (the file ends inside an entry): where the text stops
            assert message.endswith(expected), (message, expected)
    else:
        pytest.fail(f"{broken!r} was read without complaint")


@pytest.mark.parametrize(("text", "message"), [
    ('{"log": {"entries": [1, 2', "the entries array is not closed"),
    ('{"log": {"entries": [{"a": "b', "entry /log/entries/0 is cut short: the file ends inside it"),
    ('{"log": {}}', "expected /log/entries to be an array"),
    ('{"log": {"entries": [{} {}]}}', "expected ',' or ']' after entry /log/entries/0 at line 1 column 25"),
    # trailing spaces: an error in a file's last 16 characters reads as "cut short"
    ('{"log": {"entries": [{},]}}' + " " * 16,
     "entry /log/entries/1 is not JSON (Expecting value) at line 1 column 25"),
    ('{"log": {"entries": [,{}]}}' + " " * 16,
     "entry /log/entries/0 is not JSON (Expecting value) at line 1 column 22"),
    ('{"log": {"entries": [1, NaN]}}', "entry /log/entries/1: not JSON (NaN is not a JSON value"),
])
def test_broken_files_say_what_is_wrong(text: str, message: str) -> None:
    for block in (1, 3, 1 << 20):
        with pytest.raises(_NotHar) as refused:
            streamed(text, block)
        assert str(refused.value).startswith(message), str(refused.value)
        if "NaN" in text:
            assert str(refused.value).endswith(f"at line 1 column {text.index('NaN') + 1}")
