"""The worker processes of ``--jobs N`` (``pool._Workers``): one task at a time each, through pipes of their
own. What a worker raises is raised in the main process; a worker that dies stops the run with an error that
names the task (``multiprocessing.Pool`` waited for its task forever); and when the tasks end, every worker
ends by itself, having read the end of its pipe (no worker kept another's pipe open).

Oracles: the exit status of each worker process as the system gives it, and the report of ``--jobs 1``."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from generator.contract import pool
from generator.contract.captures import line_ranges
from generator.contract.pool import judge_all
from tests.conftest import documented_example

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
        sent = [workers.send(([unit], PACKAGE, "json", str(tmp_path / f"s{i}"))) for i, unit in enumerate(units[:jobs])]
        while workers.busy:
            workers.collect(block=True)
        processes = list(workers.processes)
    data = path.read_bytes()
    assert [sum(chunk.results for chunk in task.chunks or []) for task in sent] == [
        len(data[unit.start:unit.end].splitlines()) for unit in units[:jobs]]
    assert [process.exitcode for process in processes] == [0] * jobs
