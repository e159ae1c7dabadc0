"""Large HAR files read entry by entry, at every block size: positions of a broken entry as ``json.loads`` of the
whole text gives them, the line of a byte that is not UTF-8 counted from the raw bytes, what counts as "cut
short" (the file ends inside an entry), lone surrogates kept as the whole-file reader keeps them, and reads
bounded by the block (memory holds one entry and a block, not the file)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from generator.contract.captures import _har_entries, _NotHar, _stream_har_entries

BROKEN = [
    '{"log": {"entries": [\n  {"a": 1},\n  {"b":\n     2,\n     "c": ]\n  }\n]}}',
    '{"log": {"version": "1.2",\n "entries": [{"a": [1, 2,\n\n 3]}, {"x": tru}]}}',
    '{\n"log":\n{\n"entries"\n:\n[\n{\n"k"\n:\n"v"\n}\n,\n{\n"k"\n"v"}]}}',
    '{"log": {"entries": [{"a": "é€😀"}, {"b": "é€😀" x}]}}',
    '{"log": {"entries": [{"a": 1}, {"b": {"c": [1, 2, 3]}, "d": [true, fals]}]}}',
    '{"log": {"entries": [\n{"a": 1}, {"b": 2, "c": @,\n "d": 3}]}}',
    '{"log": {"entries": [{}\n, {}, {"b": 2,\n"c": @}]}}',
    '\n{"log": {"entries":\n[{},\n{"a": [\n1, 2]}, {"c": @,\n"d": [\n1]}]}}',
]


def streamed(data: bytes, block: int) -> list[Any]:
    return list(_stream_har_entries(io.BytesIO(data), block=block))


@pytest.mark.parametrize("text", BROKEN)
def test_a_broken_entry_is_placed_where_json_loads_stops_at_every_block_size(text: str) -> None:
    padded = text + " " * 20  # past the last 16 characters: not taken for an entry cut short
    with pytest.raises(json.JSONDecodeError) as standard:
        json.loads(padded)
    expected = f"at line {standard.value.lineno} column {standard.value.colno}"
    for block in range(1, len(padded.encode()) + 2):
        with pytest.raises(_NotHar) as refused:
            streamed(padded.encode(), block)
        assert str(refused.value).endswith(expected), (block, str(refused.value))
        assert " is not JSON (" in str(refused.value)


@pytest.mark.parametrize("text", ['{"log": {"entries": [\n{},\n{},\n\n  \xff]}}',
                                  '{"log":\n{"entries":\n[{"a": "b"}\n  ,\n\n   \xfe {}]}}'])
def test_a_byte_that_is_not_utf8_is_placed_after_its_line(text: str) -> None:
    data = text.encode("latin-1")
    bad = data.index(b"\xff" if b"\xff" in data else b"\xfe")
    line = data.count(b"\n", 0, bad) + 1  # read a byte at a time between entries: the held text ends there
    with pytest.raises(_NotHar) as refused:
        streamed(data, 1)
    assert str(refused.value) == f"not UTF-8 text (invalid start byte) after line {line}"
    for block in range(2, len(data) + 2):
        with pytest.raises(_NotHar, match=r"^not UTF-8 text \(invalid start byte\) after line ([0-9]+)$") as again:
            streamed(data, block)
        assert 1 <= int(str(again.value).rsplit(" ", 1)[1]) <= line


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 20])
def test_a_character_cut_off_by_the_end_of_the_file_is_not_utf8(block: int) -> None:
    with pytest.raises(_NotHar, match=r"^not UTF-8 text \(unexpected end of data\) after line 2$"):
        streamed(b'{"log": {"entries": [\n{"a": "\xc3', block)


@pytest.mark.parametrize("block", [1, 2, 5, 1 << 20])
def test_lone_surrogates_read_as_the_whole_file_reads_them(block: int) -> None:
    data = b'{"log": {"entries": [{"t": "\xed\xa0\x80x", "u": "\xed\xbf\xbf"}, "\xed\xa0\x80"]}}'
    assert streamed(data, block) == _har_entries(data) == [{"t": "\ud800x", "u": "\udfff"}, "\ud800"]


def cut(tail: int) -> bytes:
    """A file ending ``tail`` characters after a syntax error inside its first entry."""
    head = '{"log": {"entries": [{"a": @'
    return (head + "x" * (tail - 1)).encode()


@pytest.mark.parametrize(("tail", "message"), [
    (1, "entry /log/entries/0 is cut short: the file ends inside it"),
    (16, "entry /log/entries/0 is cut short: the file ends inside it"),
    (17, "entry /log/entries/0 is not JSON (Expecting value) at line 1 column 28"),
    (40, "entry /log/entries/0 is not JSON (Expecting value) at line 1 column 28")])
@pytest.mark.parametrize("block", [1, 7, 1 << 20])
def test_an_error_in_the_last_16_characters_reads_as_cut_short(tail: int, message: str, block: int) -> None:
    data = cut(tail)
    assert len(data) - data.index(b"@") == tail
    with pytest.raises(_NotHar) as refused:
        streamed(data, block)
    assert str(refused.value) == message


class Reads(io.BytesIO):
    """A file that records the size of each read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(-1 if size is None else size)
        return super().read(size)


@pytest.mark.parametrize("block", [1, 8, 64])
def test_reads_are_a_block_or_what_an_entry_needs_never_the_whole_file(block: int) -> None:
    entries = [{"n": i, "pad": "x" * 40} for i in range(50)]
    data = json.dumps({"log": {"entries": entries}}).encode()
    handle = Reads(data)
    assert list(_stream_har_entries(handle, block=block)) == entries
    assert handle.sizes and all(0 < size <= max(block, 128) for size in handle.sizes), handle.sizes
    assert max(handle.sizes) < len(data) // 4


@pytest.mark.parametrize("block", [1, 7, 8, 9, 64, 1 << 20])
@pytest.mark.parametrize("space", ["", " ", " " * 100, "\n" * 70])
def test_the_entries_key_is_found_however_blocks_cut_it(block: int, space: str) -> None:
    """The key, the colon and the bracket may be far apart (any whitespace): a block boundary anywhere among
    them used to lose the key's start (a 64-character tail was kept) and refuse a valid HAR."""
    text = '{"log": {"version": "1.2", "entries"' + space + ":" + space + "[" + space + '{"a": 1}, 2]}}'
    assert streamed(text.encode(), block) == json.loads(text)["log"]["entries"]


@pytest.mark.parametrize("block", [1, 5, 1 << 20])
def test_entries_are_counted_in_messages(block: int) -> None:
    data = b'{"log": {"entries": [1, 2, 3, {"x": @}]}}' + b" " * 20
    with pytest.raises(_NotHar) as refused:
        streamed(data, block)
    column = data.index(b"@") + 1
    assert str(refused.value) == f"entry /log/entries/3 is not JSON (Expecting value) at line 1 column {column}"
    with pytest.raises(_NotHar, match=r"^entry /log/entries/2: not JSON \(NaN is not a JSON value"):
        streamed(b'{"log": {"entries": [1, 2, [NaN]]}}', block)


@pytest.mark.parametrize("block", [1, 8, 64])
def test_nan_is_placed_in_its_entry_when_the_text_read_begins_inside_a_string(block: int) -> None:
    text = '{"log": {"creator": "' + "x" * 100 + ' NaN, Infinity", "entries": [1, {"v": NaN}]}}'
    with pytest.raises(_NotHar) as refused:
        streamed(text.encode(), block)
    column = text.rindex("NaN") + 1  # the entry's NaN, not the words in the string before it
    assert str(refused.value) == ("entry /log/entries/1: not JSON (NaN is not a JSON value: RFC 8259 has no NaN or "
                                  f"infinities) at line 1 column {column}")


def test_a_failure_the_decoder_does_not_place_is_said_without_a_position() -> None:
    class Odd(json.JSONDecoder):  # member names decode; values fail, unplaced
        def raw_decode(self, s: str, idx: int = 0) -> tuple[Any, int]:
            if s[idx] == '"':
                return super().raw_decode(s, idx)
            raise ValueError("odd")

    with pytest.raises(_NotHar) as refused:
        list(_stream_har_entries(io.BytesIO(b'{"log": {"entries": [1]}}'), decoder=Odd()))
    assert str(refused.value) == "entry /log/entries/0: not JSON (ValueError: odd)"


def test_an_entry_nested_too_deeply_is_said_so() -> None:
    with pytest.raises(_NotHar) as refused:
        streamed(b'{"log": {"entries": [{}, ' + b"[" * 200_000 + b"]" * 200_000 + b"]}}", 1 << 20)
    assert str(refused.value) == "entry /log/entries/1 is nested too deeply"


class Counting(json.JSONDecoder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def raw_decode(self, s: str, idx: int = 0) -> tuple[Any, int]:
        self.calls += 1
        return super().raw_decode(s, idx)


def test_a_large_entry_is_decoded_a_bounded_number_of_times() -> None:
    """The text read doubles between attempts: an entry of n bytes read in blocks of b is tried about
    log2(n / b) times, not n / b times."""
    entry = {"text": "x" * 20_000}
    decoder = Counting()
    data = json.dumps({"log": {"entries": [entry]}}).encode()
    assert list(_stream_har_entries(io.BytesIO(data), block=16, decoder=decoder)) == [entry]
    assert decoder.calls <= 16, decoder.calls


def test_a_broken_entry_stops_the_reading() -> None:
    """A syntax error far from the end of the text read is final: the rest of the file is never read."""
    data = b'{"log": {"entries": [{"a": @, "pad": "' + b"x" * 100 + b'"}' + b', {"n": 1}' * 10_000 + b"]}}"
    handle = Reads(data)
    with pytest.raises(_NotHar, match=r"^entry /log/entries/0 is not JSON"):
        list(_stream_har_entries(handle, block=64))
    assert sum(handle.sizes) <= 256, handle.sizes
