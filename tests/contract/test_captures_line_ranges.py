"""JSON Lines ranges, exactly: every file below cut at every range size, against a model of the rule written
here over the raw bytes (a range is the lines that fit in ``size`` bytes from its start, cut after the last
newline there; a line longer than that is a range by itself; what is left when fewer than ``size`` bytes remain
is the last range), with line numbers counted from the bytes. Then each range read back: one capture per
non-blank line, its body the line's bytes without ``\\n`` and trailing ``\\r``."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.contract.captures import Capture, LineRange, line_captures, line_ranges, read_range

FILES = [
    b"", b"\n", b"\n\n\n", b"a", b"a\n", b"ab\ncd", b"ab\ncd\n", b'{"a": 1}\n{"b": 2}\n{"c": 3}\n',
    b"x" * 30 + b"\n" + b"y\n" * 5 + b"z" * 25, b"\r\n\r\n{}\r\n\n  \n[1, 2]\r\r\n",
    b"1\n22\n333\n4444\n55555\n666666\n7777777\n88888888\n", b"\xc3\xa9\n\xe2\x82\xac\n\xf0\x9f\x98\x80",
    b"long" * 20 + b"\nshort\n" + b"long" * 20, b"\n" * 7 + b"{}" + b"\n" * 7,
]


def model(data: bytes, size: int) -> list[tuple[int, int, int]]:
    """(start, end, first line) of each range, from the raw bytes."""
    out, start = [], 0
    while start < len(data):
        if start + size <= len(data):
            newline = data.rfind(b"\n", start, start + size)
            if newline == -1:  # a line longer than a range: alone, to its end
                newline = data.find(b"\n", start)
            end = newline + 1 if newline != -1 else len(data)
        else:
            end = len(data)
        out.append((start, end, data.count(b"\n", 0, start) + 1))
        start = end
    return out


@pytest.mark.parametrize("data", FILES)
def test_ranges_are_the_models_at_every_size(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(data)
    for size in range(1, len(data) + 3):
        got = list(line_ranges(path, size=size, source="<stdin>"))
        assert [(r.start, r.end, r.first_line) for r in got] == model(data, size), size
        assert all(r.path == str(path) and r.source == "<stdin>" and r.operation is None for r in got)


def test_the_model_is_what_the_file_says(tmp_path: Path) -> None:
    """The model itself, on one file by hand."""
    assert model(b"ab\ncd\nef", 4) == [(0, 3, 1), (3, 6, 2), (6, 8, 3)]
    assert model(b"abcdef\ng\n", 3) == [(0, 7, 1), (7, 9, 2)]


@pytest.mark.parametrize("data", FILES)
def test_each_range_reads_back_as_its_lines(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(data)
    expected = [(number, line.rstrip(b"\r")) for number, line in enumerate(data.split(b"\n"), 1)
                if line.strip()]
    for size in (1, 2, 5, 16, 1 << 20):
        got = [(c.line, bytes(c.body or b""), c.source, c.operation)
               for r in line_ranges(path, size=size) for c in read_range(r._replace(operation="Op"))]
        assert got == [(n, body, str(path), "Op") for n, body in expected], size


def test_a_range_names_its_source_when_it_has_one(tmp_path: Path) -> None:
    path = tmp_path / "spooled"
    path.write_bytes(b"{}\n[]\n")
    assert list(read_range(LineRange(str(path), 3, 6, 2, "<stdin>"))) == [Capture("<stdin>", b"[]", line=2)]


def test_a_file_cut_after_planning_reads_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b"')  # planned to byte 100: the line cut in two is part of what is gone
    gone = "the file was cut short while it was read: {:,} bytes from here on are gone"
    assert [(c.line, c.body, c.unreadable) for c in read_range(LineRange(str(path), 0, 100, 1))] == [
        (1, b'{"a": 1}', None), (2, None, gone.format(91))]
    assert [(c.line, c.body, c.unreadable) for c in read_range(LineRange(str(path), 9, 100, 2))] == [
        (2, None, gone.format(91))]
    assert [(c.line, c.unreadable) for c in read_range(LineRange(str(path), 50, 100, 7))] == [(7, gone.format(50))]


def test_a_range_that_cannot_be_read_is_one_unreadable_capture(tmp_path: Path) -> None:
    unit = LineRange(str(tmp_path / "gone.jsonl"), 10, 20, 4, None, "Op")
    assert list(read_range(unit)) == [Capture(str(tmp_path / "gone.jsonl"), None, "Op", line=4,
                                              unreadable="cannot read the file: No such file or directory")]


@pytest.mark.parametrize(("line", "body"), [
    (b"{}\n", b"{}"), (b"{}\r\n", b"{}"), (b"{}\r\r\n", b"{}"), (b"{}\r", b"{}"), (b"{} \r", b"{} "),
    (b"\r{}\r", b"\r{}"), (b"{}\n\n", b"{}\n"), (b"a\rb\n", b"a\rb"), (b"\r\r", None), (b"\r\n", None),
    (b"\n", None), (b" \t", None), (b"", None), (b"x", b"x")])
def test_line_endings_are_not_part_of_a_body(line: bytes, body: bytes | None) -> None:
    for kind in (bytes, bytearray):
        got = list(line_captures([kind(line)], "s", "Op", 9))
        assert got == ([] if body is None else [Capture("s", kind(body), "Op", line=9)])
        assert all(type(c.body) is kind for c in got)


def test_a_bytearray_line_is_trimmed_in_place() -> None:
    line = bytearray(b'{"a": 1}\r\n')
    (capture,) = line_captures([line], "s")
    assert capture.body is line and line == bytearray(b'{"a": 1}')


def test_text_lines_are_utf8_lone_surrogates_kept() -> None:
    got = list(line_captures(['{"é": 1}\n', "", '"\ud800"\r\n', "  "], "s"))
    assert got == [Capture("s", '{"é": 1}'.encode(), line=1), Capture("s", b'"\xed\xa0\x80"', line=3)]


def test_lines_are_numbered_from_the_first_line_blank_ones_counted() -> None:
    got = [(c.line, c.body) for c in line_captures([b"a", b"", b"b", b" ", b"c"], "s")]
    assert got == [(1, b"a"), (3, b"b"), (5, b"c")]
    assert [c.line for c in line_captures([b"", b"x"], "s", first_line=41)] == [42]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b""])
def test_a_range_of_one_long_line_is_judged_where_it_was_read_not_copied(tmp_path: Path, ending: bytes) -> None:
    """A line longer than a range costs its size once (the range is read into one buffer, trimmed in place),
    not twice: measured with tracemalloc, the peak while reading stays well under two copies."""
    import tracemalloc

    body = b'{"a": "' + b"x" * (4 << 20) + b'"}'
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"{}\n" + body + ending)
    (one,) = [r for r in line_ranges(path, size=1 << 20) if r.start > 0]
    tracemalloc.start()
    try:
        (capture,) = read_range(one)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert capture.body == body and capture.line == 2
    assert peak < 1.5 * len(body), peak


def test_a_range_of_long_lines_is_read_once_and_not_copied(tmp_path: Path) -> None:
    """A range of many long lines is read as it is and cut line by line as they are judged: measured with
    tracemalloc, the peak while reading it stays well under two copies of the range (a zeroed buffer and a
    copy to cut it were two)."""
    import tracemalloc

    lines = [b'{"n": %d, "pad": "%s"}' % (n, b"x" * 2000) for n in range(400)]
    path = tmp_path / "long-lines.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    (whole,) = line_ranges(path, size=1 << 20)
    tracemalloc.start()
    try:
        same = [capture.body == line for capture, line in zip(read_range(whole), lines, strict=True)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(same) and len(same) == len(lines)  # (each body is dropped once compared, as once judged)
    assert peak < 1.5 * (whole.end - whole.start), peak


def test_ranges_are_found_reading_one_block_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.contract import captures

    sizes: list[int | None] = []
    opened = captures.open_regular

    class Recording:
        def __init__(self, path: str | Path) -> None:
            self.handle = opened(path)

        def __enter__(self) -> Recording:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def read(self, size: int | None = -1) -> bytes:
            sizes.append(size)
            return self.handle.read(size)

        def fileno(self) -> int:
            return self.handle.fileno()

    monkeypatch.setattr(captures, "open_regular", Recording)
    data = b"".join(b'{"n": %d}\n' % i for i in range(1000))
    path = tmp_path / "c.jsonl"
    path.write_bytes(data)
    assert [(r.start, r.end, r.first_line) for r in line_ranges(path, size=100)] == model(data, 100)
    assert set(sizes) == {100}
