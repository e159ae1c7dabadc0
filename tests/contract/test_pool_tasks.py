"""How ``--jobs`` groups units into tasks: consecutive JSON Lines ranges up to ``TASK_BYTES`` together, any
other unit alone, nothing lost or reordered — checked against the rule restated here over random unit lists,
and end to end: a two-worker report on a file of many tasks equals the one-process report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from generator.contract.captures import Capture, LineRange, Unit
from generator.contract.pool import TASK_BYTES, tasks

EXE = str(Path(sys.executable).parent / "deskkit")

ranges = st.builds(lambda size: LineRange("f.jsonl", 0, size, 1), st.integers(0, TASK_BYTES + 7))
batches = st.builds(lambda n: [Capture("h.har", b"{}", entry=n)], st.integers(0, 9))


@given(st.lists(st.one_of(ranges, batches), max_size=40))
def test_tasks_are_runs_of_ranges_up_to_the_limit_and_batches_alone(units: list[Unit]) -> None:
    got = list(tasks(units))
    assert [u for task in got for u in task] == units  # every unit, once, in input order
    for k, task in enumerate(got):
        assert task
        if not isinstance(task[0], LineRange):
            assert len(task) == 1
            continue
        assert all(isinstance(u, LineRange) for u in task)
        sizes = [u.end - u.start for u in task if isinstance(u, LineRange)]
        assert sum(sizes[:-1]) < TASK_BYTES  # it was still open before its last range
        following = got[k + 1][0] if k + 1 < len(got) else None
        if isinstance(following, LineRange):  # closed by the limit, not by a batch or the end
            assert sum(sizes) >= TASK_BYTES


def test_two_workers_report_as_one_process_on_a_file_of_many_tasks(tmp_path: Path) -> None:
    body = {"desktop": {"desktop_id": "x" * 900, "status": "ACTIVE", "tags": []}}
    bad = {"desktop": {"desktop_id": 7}}
    lines = [json.dumps(bad if n % 97 == 0 else body) for n in range(3 * TASK_BYTES // 1000)]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 2 * TASK_BYTES  # three tasks at least
    reports = [subprocess.run([EXE, "validate", "--format", "json", "--jobs", jobs, str(path)],
                              capture_output=True, check=False).stdout for jobs in ("1", "2")]
    assert reports[0] == reports[1]
    summary = json.loads(reports[0])["summary"]
    assert summary["violation"] == len(range(0, len(lines), 97)) and summary["conformant"] > 0
