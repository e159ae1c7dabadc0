"""A JSON Lines file cut while it is read (a log rotated, a copy still being written over): the whole lines
still there are judged, and the rest is one unreadable result at the line where it starts, saying how many
bytes are gone — never lines silently missing from the report. Positions are counted from the raw bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.contract.captures import line_ranges, read_range


@pytest.mark.parametrize("cut", [0, 1, 35, 36, 37, 200, 446])
@pytest.mark.parametrize("size", [16, 64, 1 << 20])
def test_lines_cut_off_while_planned_or_read_are_said_gone(tmp_path: Path, cut: int, size: int) -> None:
    path = tmp_path / "lines.jsonl"
    raw = b"".join(b'{"n": %d, "pad": "%s"}\n' % (i, b"x" * (i % 7)) for i in range(20))
    path.write_bytes(raw)
    ranges = line_ranges(path, size=size)
    first = next(ranges)  # planned before the cut (the planner reads on lazily, as validate consumes)
    with path.open("r+b") as handle:
        handle.truncate(cut)
    captures = [c for unit in (first, *ranges) for c in read_range(unit)]
    whole = raw[:cut][: raw[:cut].rfind(b"\n") + 1]  # the whole lines still there
    judged = [c for c in captures if c.unreadable is None]
    assert [c.body for c in judged] == whole.split(b"\n")[:-1]
    assert [c.line for c in judged] == list(range(1, whole.count(b"\n") + 1))
    gone = [c for c in captures if c.unreadable is not None]
    # each range planned before the cut says what it lost, from the first line it lost: together, all of it
    assert gone and gone[0].line == whole.count(b"\n") + 1
    lost = [int(c.unreadable.split(": ")[1].split(" bytes")[0].replace(",", "")) for c in gone]  # type: ignore[union-attr]
    assert sum(lost) == len(raw) - len(whole)
    starts = [len(whole)] + [len(whole) + sum(lost[:i]) for i in range(1, len(lost))]
    assert [c.line for c in gone] == [raw[:at].count(b"\n") + 1 for at in starts]
    assert all(c.unreadable == f"the file was cut short while it was read: {n:,} bytes from here on are gone"
               for c, n in zip(gone, lost, strict=True))


def test_a_file_not_cut_has_nothing_gone(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": 2}')  # no final newline: still whole
    captures = [c for unit in line_ranges(path, size=4) for c in read_range(unit)]
    assert [(c.line, c.body, c.unreadable) for c in captures] == [(1, b'{"a": 1}', None), (2, b'{"a": 2}', None)]
