"""Linear time and memory, shown at bounded sizes by what the algorithms do (bytes decoded, bytes held),
not by the clock. The large cases are in tests/benchmarks/bench_hostile.py."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from generator.contract import captures, stdin
from generator.contract.jsontext import DECODER
from tests.conftest import documented_example
from tests.hostile.runner import URL, har, har_entry, validate

GOOD = json.dumps(documented_example())


class CountingDecoder:
    """The strict decoder, counting the characters handed to it from the start index on."""

    def __init__(self) -> None:
        self.calls = self.chars = 0

    def raw_decode(self, text: str, index: int = 0) -> tuple[Any, int]:
        self.calls += 1
        self.chars += len(text) - index
        return DECODER.raw_decode(text, index)


def big_entry_har(tmp_path: Path, body_bytes: int) -> tuple[Path, list[Any]]:
    body = GOOD[:-2] + ', "blob": "' + "x" * body_bytes + '"}}'
    entries = [har_entry(URL.format("d0"), GOOD)] + [har_entry(URL.format("big"), body)] + [
        har_entry(URL.format(f"d{i}"), GOOD) for i in range(1, 40)]
    path = tmp_path / "big.har"
    path.write_bytes(har(entries))
    return path, entries


def test_a_large_har_entry_is_decoded_a_bounded_number_of_times(tmp_path: Path) -> None:
    """The entry is 4 MB and blocks are 4 KiB: decoding it again after every block would hand the decoder
    about 2 GB; doubling the text between attempts keeps it within a few times the file."""
    path, entries = big_entry_har(tmp_path, 4_000_000)
    counter = CountingDecoder()
    with path.open("rb") as handle:
        streamed = list(captures._stream_har_entries(handle, block=4096, decoder=counter))  # type: ignore[arg-type]
    assert streamed == entries
    size = path.stat().st_size
    assert counter.chars < 4 * size, (counter.chars, size)
    assert counter.calls < len(entries) + 2 * 20  # each doubling is one retry: log2(4 MB / 4 KiB) ~ 10


def test_the_streaming_har_reader_holds_one_entry_not_the_file(tmp_path: Path) -> None:
    entries = [har_entry(URL.format(f"d{i}"), GOOD) for i in range(2000)]  # ~4 MB of small entries
    path = tmp_path / "many.har"
    path.write_bytes(har(entries))
    tracemalloc.start()
    try:
        with path.open("rb") as handle:
            count = sum(1 for _ in captures._stream_har_entries(handle, block=16384))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 2000
    assert peak < path.stat().st_size / 8, (peak, path.stat().st_size)


def test_splitting_a_long_line_holds_a_block_not_the_line(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(GOOD.encode() + b"\n" + b'{"x": "' + b"y" * 8_000_000 + b'"}\n' + GOOD.encode() + b"\n")
    tracemalloc.start()
    try:
        ranges = list(captures.line_ranges(path, size=65536))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, peak
    assert [(r.first_line, r.end - r.start) for r in ranges] == [(1, len(GOOD) + 1), (2, 8_000_010),
                                                                 (3, len(GOOD) + 1)]


def test_a_long_line_is_judged_where_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    line = b'{"x": "' + b"y" * 8_000_000 + b'"}'
    path.write_bytes(line + b"\r\n")
    (unit,) = captures.line_ranges(path, size=65536)
    tracemalloc.start()
    try:
        (capture,) = captures.read_range(unit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert capture.body == line and capture.line == 1
    assert peak < 1.2 * len(line), (peak, len(line))  # read once, not copied


@given(st.lists(st.integers(0, 40), max_size=12), st.booleans(), st.integers(1, 24))
def test_line_ranges_cut_whole_lines_as_the_raw_bytes_count_them(lengths: list[int], final_newline: bool,
                                                                 size: int) -> None:
    """Ranges tile the file; each holds whole lines, as many as fit in ``size`` or one longer line alone,
    and knows the number of its first line (the oracle counts newlines in the raw bytes)."""
    import tempfile

    data = b"\n".join(b"x" * n for n in lengths) + (b"\n" if final_newline and lengths else b"")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.jsonl"
        path.write_bytes(data)
        ranges = list(captures.line_ranges(path, size=size))
    position = 0
    for unit in ranges:
        assert unit.start == position and unit.end > unit.start
        chunk = data[unit.start:unit.end]
        assert unit.first_line == data.count(b"\n", 0, unit.start) + 1
        assert chunk.endswith(b"\n") or unit.end == len(data)
        if len(chunk) > size:
            assert b"\n" not in chunk[:-1]  # a long line alone
        elif unit.end < len(data):  # as many lines as fit: the next one would not
            following = data.find(b"\n", unit.end)
            assert (len(data) + 1 if following == -1 else following + 1) - unit.start > size
        position = unit.end
    assert position == len(data)


def test_deciding_the_form_of_stdin_reads_a_long_document_a_bounded_number_of_times(
        tmp_path: Path, monkeypatch: Any) -> None:
    counter = CountingDecoder()
    monkeypatch.setattr(stdin, "DECODER", counter)
    doc = json.dumps({"items": [documented_example()] * 400}, indent=1)  # ~1 MB over many lines
    path = tmp_path / "in"
    path.write_text(doc)
    assert stdin.form(path, block=4096) == "document"
    assert counter.chars < 4 * len(doc), (counter.chars, len(doc))


def test_a_large_har_entry_through_the_cli(tmp_path: Path, monkeypatch: Any) -> None:
    """End to end: above the streaming threshold (lowered for the test), the big entry is judged."""
    path, entries = big_entry_har(tmp_path, 3_000_000)
    run = validate(path, env={"DESKKIT_HAR_WHOLE_BYTES": "1000000"})
    report = run.json()
    assert run.code == 0 and [r["entry"] for r in report["results"]] == list(range(len(entries)))
    assert report["summary"]["undocumented_fields"] == {"/desktop/blob": 1}


def nested(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


def test_a_deep_unknown_field_is_checked_in_memory_linear_in_its_depth() -> None:
    """Unknown fields are kept as they are, after a walk that checks they are JSON data. That walk once built
    a pointer string per level (memory in the square of the depth: 9.5 GB and 9 s at 100,000 levels); the
    pointer is now built only for what is reported."""
    from workspace_desktop import ShowDesktopDetailResponse

    peaks = []
    for depth in (25_000, 50_000):
        data = {"desktop": {"x-deep": nested(depth, "leaf")}}
        tracemalloc.start()
        kept = ShowDesktopDetailResponse.from_dict(data)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert kept.unknown_fields == ("/desktop/x-deep",)
    # the data itself is ~56 bytes a level; the walk holds a few small objects a level, never a string per level
    assert peaks[1] < 400 * 50_000, peaks
    assert peaks[1] < 2.5 * peaks[0], peaks


def test_what_is_not_json_deep_inside_an_unknown_field_is_located_by_its_pointer() -> None:
    import jsonpointer

    from workspace_desktop import ShowDesktopDetailResponse

    depth = 3_000
    data = {"desktop": {"x~deep/": nested(depth, [1, float("nan")])}}
    found = ShowDesktopDetailResponse.judge(data)
    [problem] = found.problems
    assert problem.message.startswith("NaN is not a JSON number")
    # the oracle builds its own pointer and resolves deskkit's against the data
    assert problem.pointer == jsonpointer.JsonPointer.from_parts(["desktop", "x~deep/"] + [0] * depth + [1]).path
    assert jsonpointer.resolve_pointer(data, problem.pointer) != jsonpointer.resolve_pointer(data, problem.pointer)
