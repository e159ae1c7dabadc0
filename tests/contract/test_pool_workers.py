"""The worker processes of ``--jobs N`` (``pool._Workers``): a task at a time each (and a small next one
waiting), through pipes of their own. What a worker raises is raised in the main process; a worker that
dies stops the run with an error that names the task (``multiprocessing.Pool`` waited for its task
forever); and when the tasks end, every worker ends by itself, having read the end of its pipe (no worker
kept another's pipe open).

Oracles: the exit status of each worker process as the system gives it, and the report of ``--jobs 1``."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.contract import pool
from generator.contract.captures import line_ranges
from generator.contract.pool import judge_all
from generator.errors import DeskkitError
from tests.conftest import documented_example, load_example

PACKAGE = "workspace_desktop"


def corpus(path: Path, lines: int) -> Path:
    path.write_text((json.dumps(documented_example()) + "\n") * lines)
    return path


def test_an_error_raised_in_a_worker_is_raised_in_the_main_process(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def planted(args: object) -> object:
        raise ValueError("planted in a worker")

    monkeypatch.setattr(pool, "_run_spilling", planted)
    with pytest.raises(ValueError, match="planted in a worker"):
        list(judge_all(list(line_ranges(corpus(tmp_path / "a.jsonl", 3))), PACKAGE, 2, "json"))


def test_an_error_that_cannot_be_sent_back_is_raised_as_what_it_says(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    class Local(Exception):  # defined here: it cannot be pickled by name
        pass

    def planted(args: object) -> object:
        raise Local("not picklable")

    monkeypatch.setattr(pool, "_run_spilling", planted)
    with pytest.raises(RuntimeError, match=r"a worker failed: .*not picklable"):
        list(judge_all(list(line_ranges(corpus(tmp_path / "a.jsonl", 3))), PACKAGE, 2, "json"))


# Run in a process of its own, with a timeout: the failure this guards against was a run that never ended.
KILLED_MID_RUN = """
import os, signal, sys
from generator.contract import pool
from generator.contract.captures import line_ranges
from generator.contract.pool import judge_all
from generator.errors import DeskkitError
from generator.errors import DeskkitError
from pathlib import Path

real = pool._run_spilling

def dies_on_a_later_task(args):
    if args[0][0].first_line > 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(args)

pool._run_spilling = dies_on_a_later_task
try:
    for _ in judge_all(list(line_ranges(Path(sys.argv[1]), size=4096)), "workspace_desktop", 2, "json"):
        pass
except DeskkitError as exc:
    print(exc)
"""


def test_a_worker_that_dies_stops_the_run_with_an_error_that_names_its_task(tmp_path: Path) -> None:
    path = corpus(tmp_path / "caps.jsonl", 200)
    done = subprocess.run([sys.executable, "-c", KILLED_MID_RUN, str(path)], capture_output=True, text=True,
                          timeout=120, check=True)
    message = done.stdout.strip()
    assert message.startswith("a worker process was killed by signal 9 while it judged "), message
    assert f"{path} from line " in message and message.endswith("so the run stops"), message
    line = int(message.split(" from line ")[1].split(":")[0])
    assert line > 1 and line in {r.first_line for r in line_ranges(path, size=4096)}
    assert done.stderr == ""


@pytest.mark.parametrize("jobs", [2, 3])
def test_each_worker_ends_by_itself_once_the_tasks_do(tmp_path: Path, jobs: int) -> None:
    """No worker keeps the main process's end of another's pipe open: held, the other never reads the end of
    its tasks, and is killed after waiting (an exit status of -9, five seconds later)."""
    path = corpus(tmp_path / "caps.jsonl", 50)
    context = multiprocessing.get_context("fork")
    units = list(line_ranges(path, size=4096))
    with pool._Workers(context, jobs, PACKAGE) as workers:
        sent = [pool._Task(i, [unit], ([unit], PACKAGE, "json", str(tmp_path / f"s{i}")))
                for i, unit in enumerate(units[:jobs])]
        assert all(workers.take(task) for task in sent)
        while workers.busy:
            workers.collect(block=True)
        processes = list(workers.processes)
    data = path.read_bytes()
    assert [sum(chunk.results for chunk in task.chunks or []) for task in sent] == [
        len(data[unit.start:unit.end].splitlines()) for unit in units[:jobs]]
    assert [process.exitcode for process in processes] == [0] * jobs


def test_a_small_task_waits_in_a_busy_workers_pipe_and_a_large_one_for_an_idle_worker(tmp_path: Path) -> None:
    """A worker is sent its next task while it judges one, so it need not wait for the main process between
    tasks; but only a small task, and only one: a large one could fill the pipe of a worker that is busy
    writing its answer to a main process busy writing to it. The answers come back in the order sent."""
    path = corpus(tmp_path / "caps.jsonl", 20)
    units = list(line_ranges(path, size=4096))
    small = [pool._Task(i, [unit], ([unit], PACKAGE, "json", str(tmp_path / f"s{i}")))
             for i, unit in enumerate(units[:3])]
    body = json.dumps(documented_example()).encode()
    batch = [pool.Capture("big.json", body + b" " * i) for i in range(4)]  # (one object would be pickled once)
    large = pool._Task(3, [batch], ([batch], PACKAGE, "json", str(tmp_path / "s3")))
    assert len(large.message) > pool._Workers.AHEAD_BYTES >= max(len(task.message) for task in small)
    with pool._Workers(multiprocessing.get_context("fork"), 1, PACKAGE) as workers:
        assert workers.take(small[0]) and workers.take(small[1])  # judged, and waiting in the pipe
        assert not workers.take(small[2])  # two are out
        while small[0].chunks is None:
            workers.collect(block=True)
        assert not workers.take(large)  # the worker still has one
        while small[1].chunks is None:
            workers.collect(block=True)
        assert workers.take(large)  # the worker is idle
        assert workers.take(small[2])  # behind the large one, which the worker reads whole before it answers
        while workers.busy:
            workers.collect(block=True)
    assert [sum(c.results for c in task.chunks or []) for task in (*small[:2], large, small[2])] == [
        *(len(path.read_bytes()[u.start:u.end].splitlines()) for u in units[:2]), 4,
        len(path.read_bytes()[units[2].start:units[2].end].splitlines())]


# Every text through the pipes (none left in a file), answers larger than a pipe holds, with tasks both small
# (ranges of the vendor page, 1.4 KB of findings a line) and large (batches of captures, 2.5 MB): a run that
# waits on a full pipe both ways never ends.
FULL_PIPES = """
import json, sys
from pathlib import Path
from generator.contract import pool
from generator.contract.captures import Capture, line_ranges
from generator.contract.pool import judge_all
from generator.errors import DeskkitError

pool.SPILL_AFTER = 1 << 40
lines, body = Path(sys.argv[1]), Path(sys.argv[2]).read_bytes()
units = []
for unit in line_ranges(lines, size=1 << 18):
    units += [unit, [Capture("batch.json", body + b" " * i) for i in range(40)]]  # (one object: pickled once)
for jobs in (1, 2, 3):
    chunks = judge_all(units, "workspace_desktop", jobs, "json")
    print(json.dumps([(c.source, c.results, c.text if isinstance(c.text, str) else c.text.decode()) for c in chunks]))
"""


def test_answers_and_tasks_larger_than_a_pipe_never_wait_on_each_other(tmp_path: Path) -> None:
    path = tmp_path / "page.jsonl"
    path.write_text((json.dumps(load_example()) + "\n") * 1000)
    body = tmp_path / "body.json"
    body.write_text(json.dumps(documented_example()) + " " * 60_000)  # a batch of 40: a 2.5 MB task
    done = subprocess.run([sys.executable, "-c", FULL_PIPES, str(path), str(body)], capture_output=True,
                          text=True, timeout=120, check=True)
    one, two, three = done.stdout.splitlines()
    assert one == two == three
    assert max(len(text) for _, _, text in json.loads(one)) > 1 << 17  # (a pipe holds 64 KiB)


def test_a_worker_gone_after_answering_is_not_said_to_have_died_on_that_task(tmp_path: Path) -> None:
    """A worker that answered its task and then died is found gone when its next task is sent: the error
    names the task it did not finish, not the one whose answer was waiting to be read."""
    path = corpus(tmp_path / "caps.jsonl", 40)
    first, second = (pool._Task(i, [unit], ([unit], PACKAGE, "json", str(tmp_path / f"s{i}")))
                     for i, unit in enumerate(list(line_ranges(path, size=4096))[:2]))
    with pool._Workers(multiprocessing.get_context("fork"), 1, PACKAGE) as workers:
        assert workers.take(first)
        assert workers.readers[0].poll(60)  # its answer is in the pipe
        os.kill(workers.processes[0].pid, signal.SIGKILL)
        workers.processes[0].join()
        with pytest.raises(DeskkitError, match=f"while it judged {re.escape(str(path))} from line "
                                               f"{second.task[0].first_line}:"):
            workers.take(second)
    assert first.chunks is not None and sum(c.results for c in first.chunks) > 0
