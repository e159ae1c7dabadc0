"""With ``--jobs 2``, a long chunk of report is left in a file by the worker that rendered it and copied
into the report by the main process (``pool.spill``, ``report.put``).

The oracle is ``--jobs 1`` on the same file, which renders and writes in one process and never spills: the
two reports must be the same bytes in every format, including a text report to a terminal that is not
UTF-8. The files must be gone as soon as they are written, and a file that cannot be written must not cost
its text.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.contract import pool
from generator.contract.captures import line_ranges
from generator.contract.pool import PIECE, SPILL_AFTER, judge_all, spill, spilled
from generator.contract.report import Spool, _in_kernel, put
from generator.contract.results import Chunk, Spilled
from generator.contract.stopping import stop_on_sigterm
from tests.conftest import documented_example, load_example
from tests.hostile.runner import EXE, validate


def captures(path: Path, lines: int) -> Path:
    """A JSON Lines file whose reports run to several ranges of long text: quirky, violating, non-ASCII
    (a value outside Latin-1, with characters a report must escape) and unreadable lines."""
    odd = documented_example()
    odd["desktop"]["desktop_type"] = "Пример-\u202e\x1b"  # a violation whose message shows the value
    bodies = [json.dumps(load_example()), json.dumps(odd, ensure_ascii=False), json.dumps(documented_example())]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(lines):
            handle.write(bodies[i % 3] + "\n" if i % 499 else "{cut short\n")
    return path


@pytest.mark.parametrize("fmt", ["json", "text", "junit"])
def test_two_jobs_write_the_bytes_one_job_writes(tmp_path: Path, fmt: str) -> None:
    path = captures(tmp_path / "caps.jsonl", 3000)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch)}
    one = validate("--jobs", "1", path, fmt=fmt, env=env)
    two = validate("--jobs", "2", path, fmt=fmt, env=env)
    assert one.code == two.code == 1
    assert len(one.stdout) > 8 * SPILL_AFTER  # long enough that chunks were spilled
    assert two.stdout == one.stdout
    assert list(scratch.iterdir()) == []  # nothing left behind


def test_a_text_report_to_a_terminal_that_is_not_utf8_is_the_same(tmp_path: Path) -> None:
    path = captures(tmp_path / "caps.jsonl", 3000)
    env = {"PYTHONIOENCODING": "latin-1"}
    one = validate("--jobs", "1", path, fmt="text", env=env)
    two = validate("--jobs", "2", path, fmt="text", env=env)
    assert two.stdout == one.stdout
    assert "Пример".encode() not in one.stdout and b"\\u041f" in one.stdout  # Latin-1 it was


def test_a_report_written_to_a_file_is_the_same(tmp_path: Path) -> None:
    """To a file, spilled text and the spool are copied in the kernel (``copy_file_range``); to a pipe, by
    reading and writing: the bytes must be the same."""
    path = captures(tmp_path / "caps.jsonl", 3000)
    piped = validate("--jobs", "1", path)
    for jobs in ("1", "2"):
        report = tmp_path / f"report-{jobs}.json"
        done = validate("--jobs", jobs, path, shell_prefix=f"> '{report}'")
        assert done.code == piped.code and done.stdout == b""
        assert report.read_bytes() == piped.stdout


def test_a_copy_between_objects_without_files_is_left_to_the_caller() -> None:
    source, target = io.BytesIO(b"abc"), io.BytesIO()
    assert _in_kernel(source, target, 1, None) == 1  # nothing copied: the caller starts where it asked
    assert source.tell() == 0 and target.getvalue() == b""


def test_each_spilled_file_is_removed_once_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "TASK_BYTES", 1)  # a task a range
    path = captures(tmp_path / "caps.jsonl", 4000)
    units = list(line_ranges(path, size=1 << 18))
    assert len(units) > 4
    spilled: list[str] = []
    for chunk in judge_all(units, "workspace_desktop", 2, "json"):
        if spilled:  # the previous chunk has been handled: its file is gone
            assert not os.path.exists(spilled[-1])
        if isinstance(chunk.text, Spilled):
            assert os.path.getsize(chunk.text.path) == chunk.text.size
            spilled.append(chunk.text.path)
    assert len(spilled) >= len(units) - 1


def chunk(text: str) -> Chunk:
    return Chunk("caps", 1, Counter({"violation": 1}), Counter(), Counter(), text, Counter())


def test_a_long_text_goes_to_a_file_as_utf8_and_back(tmp_path: Path) -> None:
    text = "é\u202e\udc80" + "x" * SPILL_AFTER  # a lone surrogate is written as the spools write it
    done = spill(chunk(text), str(tmp_path / "0-0"))
    assert isinstance(done.text, Spilled)
    data = (tmp_path / "0-0").read_bytes()
    assert data == text.encode("utf-8", "backslashreplace") and done.text.size == len(data)
    into = io.StringIO()  # no byte buffer: decoded
    put(into, done.text)
    assert into.getvalue() == data.decode()
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", errors="backslashreplace")
    put(latin, done.text)
    latin.flush()
    assert latin.buffer.getvalue() == data.decode().encode("latin-1", "backslashreplace")


@pytest.mark.parametrize("joiner", [",\n", "\n", ""])
def test_texts_are_spilled_piece_by_piece_as_they_would_be_joined(tmp_path: Path, joiner: str) -> None:
    """A worker's texts go to the file a few hundred at a time: the bytes are those of the texts joined whole
    (empty texts left out, as the joined text leaves them), across pieces, whatever the joiner."""
    texts = [("" if n % 7 == 0 else f"é{n}\udc80" + "x" * (n % 300)) for n in range(3 * PIECE + 5)]
    done = spilled(texts, joiner, str(tmp_path / "0-0"))
    whole = joiner.join(t for t in texts if t).encode("utf-8", "backslashreplace")
    assert isinstance(done, Spilled) and done.size == len(whole)
    assert (tmp_path / "0-0").read_bytes() == whole
    short = ["a", "", "b"]
    assert spilled(short, joiner, str(tmp_path / "1-0")) == joiner.join(["a", "b"])
    assert not (tmp_path / "1-0").exists()


def test_a_short_text_or_one_that_cannot_be_written_travels_with_its_chunk(tmp_path: Path) -> None:
    short = chunk("x" * SPILL_AFTER)
    assert spill(short, str(tmp_path / "short")) is short and not (tmp_path / "short").exists()
    long = chunk("x" * (SPILL_AFTER + 1))
    assert spill(long, str(tmp_path / "no-such-folder" / "0")) is long
    (tmp_path / "taken").write_text("someone else's")
    assert spill(long, str(tmp_path / "taken")) is long
    assert (tmp_path / "taken").read_text() == "someone else's"


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stalled_reader_holds_a_bounded_backlog_and_a_stop_leaves_nothing(tmp_path: Path, sig: int,
                                                                            status: int) -> None:
    """Nobody reads the text report: the run stalls with at most WINDOW tasks a worker on disk; SIGTERM (to
    the process) or Ctrl-C (SIGINT to its whole process group, as a terminal sends it) then ends it with its
    status, the workers stopped, nothing said by them and every spilled file removed."""
    path = captures(tmp_path / "caps.jsonl", 40000)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # Ctrl-C as a terminal sends it: to a process that takes it (started from a shell's background job, this
    # test process ignores SIGINT, and a process started ignoring it keeps ignoring it, Python included)
    process = subprocess.Popen([EXE, "validate", "--format", "text", "--jobs", "2", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "TMPDIR": str(scratch)}, start_new_session=True,
                               preexec_fn=_takes_ctrl_c)
    try:
        files = _settled(scratch)
        assert path.stat().st_size > 40 * (1 << 20)  # over ten tasks of 4 MiB: a run ahead would spill them all
        assert 0 < files <= 4 * 2, files  # the backlog a stalled run keeps: four tasks a worker, two workers
        if sig == signal.SIGINT:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == status and stderr == b"", stderr
    assert list(scratch.iterdir()) == []


def _takes_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _settled(scratch: Path) -> int:
    """The number of spilled files once it stops changing (the run is stalled on its output)."""
    seen, steady, deadline = -1, 0, time.monotonic() + 60
    while steady < 5 and time.monotonic() < deadline:
        time.sleep(0.2)
        count = sum(1 for _ in scratch.rglob("*") if _.is_file())
        steady, seen = (steady + 1, seen) if count == seen and count else (0, count)
    return seen


def test_files_are_copied_in_the_kernel_and_a_pipe_is_left_to_the_caller(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    source.write_bytes(b"x" * 3_000_000)
    with source.open("rb") as reading, target.open("wb") as writing:
        writing.write(b"head ")
        writing.flush()
        assert _in_kernel(reading, writing, 0, None) == 3_000_000
        assert _in_kernel(reading, writing, 10, 20) == 20  # a range, whatever the reader's position
        writing.write(b" tail")
    assert target.read_bytes() == b"head " + b"x" * 3_000_010 + b" tail"
    read_end, write_end = os.pipe()
    with source.open("rb") as reading, os.fdopen(write_end, "wb") as piped:
        assert _in_kernel(reading, piped, 5, None) == 5 and reading.tell() == 0
    os.close(read_end)


def test_a_text_that_does_not_fit_leaves_no_part_of_it(tmp_path: Path) -> None:
    """A write cut short (here by a file size limit, as by a full disk): the chunk keeps its text and the
    partial file is removed (in a child process, where the limit is set)."""
    code = (
        "import resource, signal, sys\n"
        "from collections import Counter\n"
        "from generator.contract.pool import SPILL_AFTER, spill\n"
        "from generator.contract.results import Chunk\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, resource.RLIM_INFINITY))\n"
        "chunk = Chunk('caps', 1, Counter(), Counter(), Counter(), 'x' * (SPILL_AFTER + 1), Counter())\n"
        "print(spill(chunk, sys.argv[1]) is chunk)\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "0-0")], capture_output=True, text=True,
                          check=False)
    assert done.stdout.strip() == "True", done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_run_in_process_leaves_the_callers_sigterm_handler_and_collector(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """validate() installs its own SIGTERM handler and freezes the collector for the run; a caller in the same
    process (a test suite, a notebook) gets both back as they were."""
    import gc

    from generator.contract.validate import validate as run

    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(load_example()) + "\n", encoding="utf-8")
    mine = signal.getsignal(signal.SIGTERM)
    assert run([str(path)], False, "json", 1, "workspace_desktop") == 0
    assert signal.getsignal(signal.SIGTERM) is mine
    assert gc.get_freeze_count() == 0
    assert json.loads(capsys.readouterr().out)["summary"]["tolerated"] == 1


def _spilled_file(folder: Path, name: str, text: str) -> Spilled:
    data = text.encode("utf-8", "backslashreplace")
    (folder / name).write_bytes(data)
    return Spilled(str(folder / name), len(data))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.booleans(), st.text(max_size=40)), max_size=12),
       into=st.sampled_from(["utf-8 file", "latin-1 file", "no bytes"]))
def test_a_spool_gives_back_its_texts_and_held_files_in_order(tmp_path: Path, parts: list[tuple[bool, str]],
                                                             into: str) -> None:
    """Text in hand and workers' files, interleaved: poured out, the report holds them in the order they came,
    byte for byte (a held file copied in the kernel between two ranges of the spool's own file), whatever the
    output is. The oracle is the texts joined."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    spool = Spool()
    for number, (is_file, text) in enumerate(parts):
        spool.put(_spilled_file(folder, str(number), text) if is_file else text)
    assert list(folder.iterdir()) == []  # every worker's file held by the spool, its name gone
    whole = "".join(text for _, text in parts)
    if into == "no bytes":
        out: io.TextIOBase = io.StringIO()
        spool.pour(out)
        assert out.getvalue() == whole.encode("utf-8", "backslashreplace").decode()
    else:
        target = tmp_path / f"report-{len(list(tmp_path.iterdir()))}"
        encoding = into.split()[0]
        with target.open("w", encoding=encoding, errors="backslashreplace") as handle:
            handle.write("head|")
            spool.pour(handle)
            handle.write("|tail")
        expected = "head|" + whole.encode("utf-8", "backslashreplace").decode() + "|tail"
        assert target.read_bytes() == expected.encode(encoding, "backslashreplace")
    held = [handle for _, handle in spool.held]
    spool.close()
    assert all(handle.closed for handle in held)


def test_a_file_the_spool_cannot_hold_is_copied_in_and_left_for_its_worker_s_cleanup(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``HOLD`` files, or when a file's name cannot be removed, the text is copied in: the report is the
    same, and the worker's cleanup removes the file."""
    monkeypatch.setattr(Spool, "HOLD", 1)
    spool = Spool()
    spool.put("a")
    spool.put(_spilled_file(tmp_path, "w0", "é" * 10))  # held
    spool.put(_spilled_file(tmp_path, "w1", "ü" * 10))  # one too many: copied in
    spool.put("b")
    assert len(spool.held) == 1 and not (tmp_path / "w0").exists() and (tmp_path / "w1").exists()
    real_unlink = os.unlink

    def refuse(path: str) -> None:
        if path.endswith("w2"):
            raise PermissionError(13, "Permission denied")
        real_unlink(path)

    monkeypatch.setattr(Spool, "HOLD", 8)
    monkeypatch.setattr(os, "unlink", refuse)
    spool.put(_spilled_file(tmp_path, "w2", "ß" * 10))  # cannot lose its name: copied in, nothing held open
    assert len(spool.held) == 1 and (tmp_path / "w2").exists()
    out = io.StringIO()
    spool.pour(out)
    spool.close()
    assert out.getvalue() == "a" + "é" * 10 + "ü" * 10 + "b" + "ß" * 10


def _held_by(pid: int, folder: Path) -> int:
    """How many files under ``folder`` that have no name any more process ``pid`` holds open."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            count += target.startswith(str(folder)) and target.endswith(" (deleted)")
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads the process's descriptors in /proc")
def test_a_json_run_holds_its_workers_files_without_names_and_a_stop_leaves_nothing(tmp_path: Path) -> None:
    """--jobs 2, a JSON report: the workers' files are held open by the main process, their names removed,
    until the summary is known (so even a SIGKILL could not leave them behind). SIGTERM part-way: the run ends
    with 143, and nothing is left in the temporary folder."""
    path = captures(tmp_path / "caps.jsonl", 40000)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen([EXE, "validate", "--format", "json", "--jobs", "2", str(path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "TMPDIR": str(scratch)})
    try:
        deadline, held = time.monotonic() + 60, 0
        while held < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.01)
            held = _held_by(process.pid, scratch)
        assert held >= 2, "no worker's file was held before the run ended"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 143 and stderr == b"", stderr
    assert list(scratch.iterdir()) == []


def test_a_worker_stopped_before_it_has_its_own_handling_ends_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capfd: pytest.CaptureFixture[str]) -> None:
    """A one-line run with two workers: the pool is done, and stops its workers, before the second has set up
    (here it is held a second). Forked with the main process's SIGTERM handler, it raised the main process's
    stop in a process of its own and printed the traceback (a flaky test, once in a few hundred runs)."""
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(documented_example()) + "\n")
    first = tmp_path / "first"
    real = pool._worker

    def second_is_slow(package: str) -> None:
        try:
            os.close(os.open(first, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            time.sleep(1.0)  # the pool finishes the only task with the other worker, and stops this one
        real(package)

    monkeypatch.setattr(pool, "_worker", second_is_slow)
    with ExitStack() as stack:
        stop_on_sigterm(stack)  # as validate runs it: the main process's SIGTERM handler in place
        chunks = list(judge_all(list(line_ranges(path)), "workspace_desktop", 2, "json"))
    assert sum(chunk.results for chunk in chunks) == 1
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(("linesep", "newline"), [("\n", None), ("\r\n", "\r\n")])
def test_a_texts_bytes_keep_the_line_ends_text_mode_writes(linesep: str, newline: str | None,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk's UTF-8 text goes to the stream's bytes only where text mode writes "\\n" as it is: where it
    writes "\\r\\n" (Windows), the text goes through text mode, so the report's line ends do not mix."""
    monkeypatch.setattr(os, "linesep", linesep)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline=newline)
    out.write("head\n")
    put(out, "é\n".join(["a", "b", "c"]).encode())
    put(out, b"")
    out.write("\ntail\n")
    out.flush()
    data = out.buffer.getvalue()  # type: ignore[attr-defined]
    assert data == ("head\naé\nbé\nc\ntail\n".replace("\n", linesep)).encode()
