"""Line numbers of JSON Lines captures, against counts taken from the raw bytes (not from deskkit's splitter).

- the splitter alone: on drawn files (blank lines, CRLF, lines longer than a range, no final newline) cut into
  ranges a few bytes long (and a few KB, where a range of long lines is split with ``find``), the ranges tile
  the file, each starts on a line boundary, and each range's first line number is one more than the newlines
  before it in the raw bytes;
- the command: a file of a few MiB (several 1 MiB ranges, one line longer than a range), judged with ``--jobs 1``
  and ``--jobs 2``: each result's line is where ``bytes.split(b"\\n")`` puts that body, and the violations sit
  exactly on the lines planted as violations.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.contract.captures import RANGE_BYTES, line_ranges, newlines, read_range
from tests.helpers import deskkit

pieces = st.lists(st.one_of(st.sampled_from([b"", b"\r", b" ", b"{}", b'{"a": 1}', b"x" * 40, b"\xc3\xa9",
                                             b"y" * 1100, b"z" * 1023 + b"\r"]),  # (long lines: found by find)
                            st.binary(max_size=12).map(lambda b: b.replace(b"\n", b""))), max_size=30)


@given(lines=pieces, size=st.integers(1, 48) | st.sampled_from([2500, 6000]), final_newline=st.booleans())
@example(lines=[b"ab", b"cd", b"ef", b"gh"], size=3, final_newline=True)
@example(lines=[b"y" * 1100, b"", b"\r", b"ab", b"y" * 1100], size=6000, final_newline=False)
@example(lines=[b"x" * 100, b"", b"y"], size=8, final_newline=False)
def test_ranges_tile_the_file_and_number_lines_as_the_raw_bytes_do(tmp_path_factory: pytest.TempPathFactory,
                                                                   lines: list[bytes], size: int,
                                                                   final_newline: bool) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    path = tmp_path_factory.mktemp("ranges") / "c.jsonl"
    path.write_bytes(data)
    ranges = list(line_ranges(path, size=size))
    assert b"".join(data[r.start:r.end] for r in ranges) == data  # in order, no gap, no overlap
    for r in ranges:
        assert r.start == 0 or data[r.start - 1:r.start] == b"\n", "a range starts at a line's start"
        assert r.first_line == data.count(b"\n", 0, r.start) + 1
        assert r.end - r.start <= size or data.count(b"\n", r.start, r.end - 1) == 0, "longer than size: one line"
        numbered = {c.line: c.body for c in read_range(r)}
        for number, body in numbered.items():
            raw = data.split(b"\n")[number - 1]
            assert body == raw.rstrip(b"\r"), f"line {number}"


def big_capture(seed: int, target: int) -> tuple[bytes, set[int]]:
    """JSON Lines of about ``target`` bytes: conformant bodies padded to random lengths, blank and CRLF lines, one
    line longer than a range, and violations (``"desktop": 7``) planted at random; returns the bytes and the
    line numbers of the violations, counted from the bytes themselves."""
    rng = random.Random(seed)
    out: list[bytes] = []
    size = 0
    long_at = rng.randrange(200, 2000)
    while size < target:
        kind = rng.random()
        if len(out) == long_at:
            line = b'{"desktop": {}' + b" " * (RANGE_BYTES + 4096) + b"}"
        elif kind < 0.05:
            line = b""
        elif kind < 0.15:
            line = b'{"desktop": 7}' + b" " * rng.randrange(600) + b"\r"
        else:
            line = b'{"desktop": {}' + b" " * rng.randrange(600) + b"}" + (b"\r" if kind < 0.2 else b"")
        out.append(line)
        size += len(line) + 1
    data = b"\n".join(out) + b"\n"
    violations = {number for number, line in enumerate(data.split(b"\n"), start=1)
                  if line.startswith(b'{"desktop": 7}')}
    return data, violations


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_line_numbers_past_the_first_range_are_counted_from_the_bytes(tmp_path: Path, jobs: str) -> None:
    data, violations = big_capture(seed=15, target=3 * RANGE_BYTES + 12345)
    assert len(data) > 3 * RANGE_BYTES and violations
    assert max(len(line) for line in data.split(b"\n")) > RANGE_BYTES  # a line longer than a range, judged alone
    path = tmp_path / "big.jsonl"
    path.write_bytes(data)
    result = deskkit("validate", str(path), "--format", "json", "--jobs", jobs)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    raw = data.split(b"\n")
    bodies = [number for number, line in enumerate(raw, start=1) if line.strip()]
    assert [r["line"] for r in report["results"]] == bodies
    assert {r["line"] for r in report["results"] if r["verdict"] == "violation"} == violations
    assert all(r["verdict"] == "conformant" for r in report["results"] if r["line"] not in violations)


@given(lines=st.lists(st.integers(0, 3000), max_size=40), cut=st.tuples(st.integers(0), st.integers(0)))
@example(lines=[2000] * 10, cut=(0, 2**40))
@example(lines=[3] * 3000, cut=(0, 2**40))
def test_newlines_are_counted_as_bytes_count_counts_them(lines: list[int], cut: tuple[int, int]) -> None:
    """The planner's newline count (by memchr where the first lines are long) is the standard library's, at
    any bounds: long lines and short, a sample that ends mid-line, the bounds anywhere."""
    block = b"".join(b"x" * n + b"\n" for n in lines)
    low, high = sorted(c % (len(block) + 1) for c in cut)
    assert newlines(block, low, high) == block.count(b"\n", low, high)
