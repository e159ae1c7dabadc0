"""How ``--jobs`` groups units into tasks, checked against the rule restated here over random unit lists:
consecutive JSON Lines ranges together, closed once they hold ``TASK_BYTES`` or ``SHARE`` / workers of what
was left of their file at the task's first range (the first task of ranges for each worker: one range); any
other unit alone; nothing lost or reordered. Then end to
end: a two-worker report on a file of many tasks equals the one-process report."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.contract.captures import Capture, LineRange, Unit
from generator.contract.pool import SHARE, TASK_BYTES, tasks

EXE = str(Path(sys.executable).parent / "deskkit")

files = st.lists(st.integers(1, TASK_BYTES + 7), min_size=1, max_size=30)  # one file's range sizes
batches = st.integers(0, 9)  # a batch of other captures (a HAR entry's)
inputs = st.lists(st.one_of(files, batches), max_size=6)


def units_of(parts: list[list[int] | int], folder: Path) -> tuple[list[Unit], dict[str, int]]:
    """Each list of sizes a (sparse) file cut into ranges of those sizes; each number a batch."""
    units: list[Unit] = []
    sizes: dict[str, int] = {}
    for k, part in enumerate(parts):
        if isinstance(part, int):
            units.append([Capture("h.har", b"{}", entry=part)])
            continue
        path, start = folder / f"{k}.jsonl", 0
        for cut in part:
            units.append(LineRange(str(path), start, start + cut, 1))
            start += cut
        with path.open("wb") as handle:
            handle.truncate(start)
        sizes[str(path)] = start
    return units, sizes


@settings(max_examples=80, deadline=None)
@given(inputs, st.integers(1, 4))
def test_tasks_follow_the_rule(parts: list[list[int] | int], workers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        units, sizes = units_of(parts, Path(folder))
        got = list(tasks(units, workers))
    assert [u for task in got for u in task] == units  # every unit, once, in input order
    ranges_tasks = 0
    for k, task in enumerate(got):
        assert task
        first = task[0]
        if not isinstance(first, LineRange):
            assert len(task) == 1
            continue
        assert all(isinstance(u, LineRange) for u in task)
        ranges_tasks += 1
        limit = min(TASK_BYTES, int((sizes[first.path] - first.start) * SHARE / workers))
        if ranges_tasks <= workers:  # each worker's first task: one range
            limit = 0
        held = [u.end - u.start for u in task if isinstance(u, LineRange)]
        assert sum(held[:-1]) < limit or len(held) == 1  # still open before its last range
        following = got[k + 1][0] if k + 1 < len(got) else None
        if isinstance(following, LineRange):  # closed by its limit, not by a batch or the end
            assert sum(held) >= limit


def test_two_workers_report_as_one_process_on_a_file_of_many_tasks(tmp_path: Path) -> None:
    body = {"desktop": {"desktop_id": "x" * 900, "status": "ACTIVE", "tags": []}}
    bad = {"desktop": {"desktop_id": 7}}
    lines = [json.dumps(bad if n % 97 == 0 else body) for n in range(3 * TASK_BYTES // 1000)]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 2 * TASK_BYTES  # several tasks
    reports = [subprocess.run([EXE, "validate", "--format", "json", "--jobs", jobs, str(path)],
                              capture_output=True, check=False).stdout for jobs in ("1", "2")]
    assert reports[0] == reports[1]
    summary = json.loads(reports[0])["summary"]
    assert summary["violation"] == len(range(0, len(lines), 97)) and summary["conformant"] > 0
