"""Run the judge over units of work, in this process or in worker processes, results in input order.

A unit is a range of a JSON Lines file (read where it is judged, so nothing is copied between processes)
or a small batch of other captures. Workers judge and render whole units and send back :class:`Chunk`\\ s,
their text left in a file when it is long (:class:`Spilled`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import chain, count
from typing import Any, NoReturn

from ..errors import DeskkitError
from .bindings import Bindings, load_bindings
from .captures import Capture, LineRange, Unit, read_range
from .judge import CONFORMANT, Judge, crashed, is_result
from .report import RENDERERS, encoded
from .results import Chunk, Result, Spilled


def _joined(texts: list[str], joiner: str) -> bytes:
    return encoded([t for t in texts if t], joiner)


def _chunks(captures: Iterable[Capture], package: str, renders: str,
            keep: Callable[[list[str], str], str | bytes | Spilled] = _joined) -> list[Chunk]:
    """Judge and render ``captures``, grouped into one chunk per run of the same source, its text the
    rendered texts joined (``keep``: made of them and the joiner another way, e.g. left in a file).

    Each body is judged the cheapest way that decides it (:meth:`.Judge.look`). A conformant one with nothing
    to report (no deviation, no unknown field, no field or value known only off the page: those are counted)
    gets no result record, and its text is the one :class:`Rendered` made for its source, with its line
    number in it; any other body a model judged is rendered once for all the lines with the same findings."""
    judge, rendered, joiner = _judging(package, renders)
    render = rendered.render
    bindings = judge.bindings
    out: list[Chunk] = []
    source: str | None = None
    texts: list[str] = []
    verdicts: dict[str, int] = {}
    quirks: Counter[str] = Counter()
    undocumented: Counter[str] = Counter()
    off_page: Counter[tuple[str, str]] = Counter()
    last: Result | None = None  # the result of the lines just before, whose counts are not yet taken
    repeats = 0  # how many lines in a row had it (the one object Rendered keeps for them all)

    def tally() -> None:
        if last is None:
            return
        verdict = last["verdict"]
        verdicts[verdict] = verdicts.get(verdict, 0) + repeats
        for finding in last["problems"]:
            if finding["quirk"]:
                quirks[finding["quirk"]] += repeats
        for name in last["undocumented_fields"]:
            undocumented[name] += repeats
        for record in last["off_page"]:
            off_page[(record["known"] or "", record["pointer"])] += repeats

    def flush() -> None:
        tally()
        if source is not None:
            out.append(Chunk(source, len(texts), Counter(verdicts), quirks, undocumented,
                             keep(texts, joiner), off_page))

    for capture in captures:
        if capture.source != source:
            flush()
            source, last = capture.source, None
            texts, verdicts, quirks, undocumented, off_page = [], {}, Counter(), Counter(), Counter()
        try:
            operation, found = judge.look(capture)
            if found is not CONFORMANT and is_result(found):  # unreadable, or no body in the contract
                result = found
                text = render(result)
            else:  # conformant, or the model's judgement: rendered once for all the lines where it is the same
                result, text = rendered(capture, operation, found)
        except Exception as exc:  # known failures are handled where they occur: this keeps one capture
            result = crashed(capture, capture.operation or _first(bindings), exc)  # from ending the run
            text = render(result)
        texts.append(text)
        if result is last:  # a vendor's systematic quirks, line after line: counted once for the run
            repeats += 1
        else:
            tally()
            last, repeats = result, 1
    flush()
    return out


@cache
def _judging(package: str, renders: str) -> tuple[Judge, Rendered, str]:
    """The judge, the renderings kept and the joiner of one package and report format, made once a process:
    what the judge learns (which check pays) and the renderings kept serve every unit after the first (made
    afresh for each, a range's first line of every distinct result was rendered again: 3% of a samples run)."""
    render, joiner = RENDERERS[renders]
    judge = Judge(load_bindings(package))
    return judge, Rendered(judge, render), joiner


def _first(bindings: Bindings) -> str:
    return str(bindings.operations[0].id) if bindings.operations else "?"


class Rendered:
    """The report text of results that differ from an earlier one only by their line (or HAR entry) number:
    the same source, operation and status, and the same findings — every conformant response, and the
    responses of a service whose quirks are systematic (the same deviations at the same places, line after
    line). Rendered once, with a marker number, and the text around the marker reused (so it is the
    renderer's own text, byte for byte); the result rendered is kept for its counts. At most ``LIMIT``
    renderings of at most ``LONGEST`` characters are kept (then they start again; a longer one is not kept),
    so memory stays flat whatever the input."""

    MARK = 7_301_986_245_113  # a number no file name, operation id or finding is expected to hold
    LIMIT = 256
    LONGEST = 16_384

    def __init__(self, judge: Judge, render: Callable[[Result], str]) -> None:
        self.judge, self.render = judge, render
        self.kept: dict[tuple[Any, ...], tuple[Result, tuple[str, ...] | None]] = {}
        self.last: tuple[tuple[Any, ...], tuple[Result, tuple[str, ...] | None]] | None = None  # key, kept

    def __call__(self, capture: Capture, operation: str, found: Any) -> tuple[Result, str]:
        """The result of ``capture`` with what :meth:`.Judge.look` found in it (:data:`.CONFORMANT`, or the
        model's judgement), and its text."""
        key = (capture.source, operation, capture.status, capture.line is None, capture.entry is None, found)
        last = self.last
        if last is not None and key == last[0]:  # the line before's: compared item by item, so one judgement
            kept = last[1]  # object serving both (see _typed's observer) costs no hash of its findings
        else:
            kept = self._kept(key, capture, operation, found)
            self.last = (key, kept)
        result, parts = kept
        if parts is None:  # the marker was not only where the number goes: render in full
            result = self.judge.result(capture, operation, found)
            return result, self.render(result)
        if len(parts) == 1:  # no number in the text (a text report leaves conformant results out: "")
            return result, parts[0]
        number = capture.line if capture.line is not None else capture.entry
        return result, f"{parts[0]}{number}{parts[1]}"

    def _kept(self, key: tuple[Any, ...], capture: Capture, operation: str,
              found: Any) -> tuple[Result, tuple[str, ...] | None]:
        kept = self.kept.get(key)
        if kept is None:
            kept = self._split(capture, operation, found)
            if kept[1] is not None and sum(map(len, kept[1])) <= self.LONGEST:
                if len(self.kept) >= self.LIMIT:
                    self.kept.clear()
                self.kept[key] = kept
        return kept

    def _split(self, capture: Capture, operation: str, found: Any) -> tuple[Result, tuple[str, ...] | None]:
        numbered = capture.line is not None or capture.entry is not None
        if capture.line is not None:
            capture = capture._replace(line=self.MARK)
        elif capture.entry is not None:
            capture = capture._replace(entry=self.MARK)
        result = self.judge.result(capture, operation, found)
        parts = tuple(self.render(result).split(str(self.MARK)))
        # one part: the text holds no number, the same for every line; two: the number's place (numbered)
        return result, parts if len(parts) == 1 or (numbered and len(parts) == 2) else None


def run_unit(unit: Unit, package: str, renders: str) -> list[Chunk]:
    """Judge one unit of work (read here when it is a range of a JSON Lines file)."""
    return _chunks(_captures(unit), package, renders)


def _captures(unit: Unit) -> Iterable[Capture]:
    return read_range(unit) if isinstance(unit, LineRange) else unit


def run_task(units: list[Unit], package: str, renders: str,
             keep: Callable[[list[str], str], str | bytes | Spilled] = _joined) -> list[Chunk]:
    """Judge units one after the other as one piece of work: one chunk per run of the same source."""
    return _chunks(chain.from_iterable(map(_captures, units)), package, renders, keep)


#: A chunk's text longer than this (in characters) is left in a file by its worker, not sent through the pipe.
SPILL_AFTER = 1 << 16


def _run_spilling(args: tuple[list[Unit], str, str, str]) -> list[Chunk]:
    units, package, renders, stem = args
    names = (f"{stem}-{k}" for k in count())
    return run_task(units, package, renders, lambda texts, joiner: spilled(texts, joiner, next(names)))


def spill(chunk: Chunk, path: str) -> Chunk:
    """``chunk`` with its text in a new file at ``path`` when the text is long (see :func:`spilled`)."""
    if not isinstance(chunk.text, str):
        return chunk
    text = spilled([chunk.text], "", path)
    return chunk if isinstance(text, str) else chunk._replace(text=text)


def spilled(texts: list[str], joiner: str, path: str) -> str | Spilled:
    """The non-empty ``texts`` joined by ``joiner``, or, when that is long, left in a new file at ``path``:
    the main process copies the file's bytes into the report, where a pipe would make it receive, unpickle,
    decode and encode them again (with two workers, that was a quarter of a run on the vendor page). The file
    is written a few hundred texts at a time: a task's text joined and encoded whole was two strings of
    megabytes, each on pages fresh from the system (a third of a worker's system time in page faults). A
    text that cannot be written there travels with the chunk, as a short one does."""
    parts = [t for t in texts if t]
    if sum(map(len, parts)) + len(joiner) * (len(parts) - 1) <= SPILL_AFTER:
        return joiner.join(parts)
    try:
        handle = open(path, "xb")  # noqa: SIM115 - closed below, removed when the write fails
    except OSError:
        return joiner.join(parts)
    size = 0
    try:
        with handle:
            for at in range(0, len(parts), PIECE):
                if at:
                    size += handle.write(joiner.encode())
                size += handle.write(encoded(parts[at:at + PIECE], joiner))
    except OSError:  # (a full disk, a file size limit): no part of it is left taking room
        with contextlib.suppress(OSError):
            os.unlink(path)
        return joiner.join(parts)
    return Spilled(path, size)


#: Texts written to a spilled file at a time (see :func:`spilled`).
PIECE = 256


def judge_all(units: Iterable[Unit], package: str, jobs: int, renders: str) -> Iterator[Chunk]:
    """Chunks in input order. With ``jobs`` > 1, worker processes read, judge and render whole units, so
    the main process only plans the work and writes what comes back."""
    if jobs <= 1:
        for unit in units:
            yield from run_unit(unit, package, renders)
        return
    import multiprocessing  # here: --jobs 1 does not pay for importing it

    # fork keeps start-up cheap (the bindings are already imported). At most WINDOW tasks per worker are out
    # (sent, or back and not yet written), so what waits for a slow reader (chunks in memory, spilled texts
    # on disk) stays bounded; a spilled text's file is removed once the caller has written it, and the folder
    # goes with whatever is left however the run ends (SIGTERM included: see stopping.py).
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="deskkit-jobs-") as folder, _Workers(context, jobs, package) as workers:
        planned = (_Task(index, task, (task, package, renders, f"{folder}/{index}"))
                   for index, task in enumerate(tasks(units, jobs)))
        out: deque[_Task] = deque()  # in input order
        following = next(planned, None)  # planned while the workers are busy, so an idle one waits for no read
        while True:
            while following is not None and len(out) < WINDOW * jobs and workers.take(following):
                out.append(following)
                following = next(planned, None)
            if not out:
                return
            if out[0].chunks is None:
                workers.collect(block=True)
            else:  # what is back and next in order is written; a worker done meanwhile gets its next task first
                chunks = out.popleft().chunks
                workers.collect(block=False)
                yield from _written(chunks or [])


#: Tasks out per worker (see :func:`judge_all`).
WINDOW = 4


class _Task:
    """A task for a worker, pickled once (its size decides which workers may take it), and its chunks once
    they are back."""

    __slots__ = ("chunks", "index", "message", "task")

    def __init__(self, index: int, task: list[Unit], args: tuple[list[Unit], str, str, str]) -> None:
        self.index, self.task = index, task
        import pickle  # here: --jobs 1 does not pay for importing it

        self.message = pickle.dumps(args, pickle.HIGHEST_PROTOCOL)
        self.chunks: list[Chunk] | None = None


class _Workers:
    """Worker processes, each sent its tasks through a pipe of its own and answering through another. The
    main process keeps no threads (a ``multiprocessing.Pool`` has three and hands each task on twice: about a
    millisecond of the main process's CPU a task, measured with tasks that do nothing), and a worker that
    dies ends the run with an error rather than leaving its task waited for forever.

    A worker has at most two tasks: the one it judges and, when it is small, the next, waiting in its pipe,
    so the worker starts it as soon as it has answered rather than after a round trip through the main
    process (which may be busy writing: 4% of each worker's time on the vendor page went waiting). Nothing
    waits on a full pipe both ways: a task of any size goes to a worker with none, which is reading it; a
    small one (``AHEAD_BYTES``: a page, the least room a pipe has) to a worker with one, whose answers
    before it are all back, so the worker is reading that task or judging it and writes nothing before it
    has read that one whole."""

    AHEAD_BYTES = 4096 - 4  # (a message's length goes before it, in four bytes)

    def __init__(self, context: Any, jobs: int, package: str) -> None:
        from multiprocessing.connection import wait  # (imported once a run, not once a task)

        self.context, self.jobs, self.package, self.wait = context, jobs, package, wait
        self.processes: list[Any] = []
        self.senders: list[Any] = []  # the pipe each worker reads its tasks from (this end)
        self.readers: list[Any] = []  # the pipe each worker answers through (this end)
        self.out: list[deque[_Task]] = []  # each worker's tasks, in the order sent, until answered

    @property
    def busy(self) -> bool:
        return any(self.out)

    def __enter__(self) -> _Workers:
        # SIGTERM and Ctrl-C held back while forking: a worker forked with the main process's handlers that
        # was stopped before it set its own (a short run) raised the main process's stop in a process of its
        # own, with a traceback. Held back, the signal waits, then ends the worker quietly (_worker_loop).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            for number in range(self.jobs):
                task_reader, task_sender = self.context.Pipe(duplex=False)
                answer_reader, answer_sender = self.context.Pipe(duplex=False)
                inherited = [*self.senders, *self.readers, task_sender, answer_reader]
                process = self.context.Process(target=_worker_loop, name=f"deskkit-worker-{number}", daemon=True,
                                               args=(self.package, task_reader, answer_sender, inherited))
                process.start()
                task_reader.close()
                answer_sender.close()  # its worker's copy is then the only one: its end is the worker's end
                self.processes.append(process)
                self.senders.append(task_sender)
                self.readers.append(answer_reader)
                self.out.append(deque())
        except BaseException:
            self.__exit__(True)
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        return self

    def take(self, task: _Task) -> bool:
        """Send ``task`` to a worker that may take it now (see the class): one with no task, else, when it is
        small, the one whose only task was sent first. False when none may."""
        number = self._taker(len(task.message))
        if number is None:
            return False
        self.out[number].append(task)
        try:
            self.senders[number].send_bytes(task.message)
        except OSError:  # (a broken pipe: the worker is gone)
            self._gone(number)
        task.message = b""  # (sent: a batch of captures can be megabytes, and tasks wait here to be written)
        return True

    def _taker(self, size: int) -> int | None:
        free = [n for n, tasks in enumerate(self.out) if not tasks]
        if free:
            return free[0]
        if size > self.AHEAD_BYTES:
            return None
        ahead = [n for n, tasks in enumerate(self.out) if len(tasks) == 1]
        return min(ahead, key=lambda n: self.out[n][0].index, default=None)

    def collect(self, *, block: bool) -> None:
        """Take the answers the busy workers have sent (waiting for one when ``block``)."""
        readers: dict[Any, int] = {self.readers[number]: number for number, tasks in enumerate(self.out) if tasks}
        for ready in self.wait(list(readers), None if block else 0) if readers else ():
            self._answer(readers[ready])

    def _answer(self, number: int) -> None:
        """Take one answer of worker ``number`` (waiting for it): its next task's chunks, or what it raised."""
        try:
            kind, value = self.readers[number].recv()
        except (EOFError, OSError):  # the worker's end closed without an answer: it has died
            self._died(number)
        if kind == "failed":
            raise value
        self.out[number].popleft().chunks = value

    def _gone(self, number: int) -> NoReturn:
        """Worker ``number`` is gone: the answers it sent before it went are taken (so the task the error names
        is one it did not finish), then the run stops."""
        while True:
            self._answer(number)

    def _died(self, number: int) -> NoReturn:
        process = self.processes[number]
        process.join(1)
        code = process.exitcode
        how = f"was killed by signal {-code}" if code is not None and code < 0 else f"ended with status {code}"
        raise DeskkitError(f"a worker process {how} while it judged {_what(self.out[number][0].task)}: "
                           "the report would be incomplete, so the run stops")

    def __exit__(self, *exc: object) -> None:
        """Each worker reads the end of its tasks and exits; on the way out of a failure it is stopped."""
        for connection in (*self.senders, *self.readers):
            connection.close()
        for process in self.processes:
            if exc and exc[0] is not None and process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(5)
            if process.exitcode is None:
                process.kill()
                process.join()


def _what(task: list[Unit]) -> str:
    first = task[0]
    if isinstance(first, LineRange):
        return f"{first.source or first.path} from line {first.first_line}"
    return f"{first[0].source}" if first else "a task"


def _worker_loop(package: str, tasks: Any, answers: Any, inherited: list[Any]) -> None:
    """A worker process: its signals set and the bindings loaded (:func:`_worker`), the main process's ends of
    the pipes it inherited closed (held here, they would keep another worker from ever reading the end of its
    tasks), then each task read is run and answered with ``("chunks", chunks)`` or ``("failed", exception)``
    until the main process closes the pipe."""
    _worker(package)
    for connection in inherited:
        connection.close()
    while True:
        try:
            task = tasks.recv()
        except EOFError:
            return
        try:
            answer: tuple[str, Any] = ("chunks", _run_spilling(task))
        except Exception as exc:  # raised in the main process: the run stops, as it would with --jobs 1
            answer = ("failed", exc)
        try:
            answers.send(answer)
        except Exception as exc:  # (it does not pickle: pickled whole before a byte is sent, so none was)
            failure = answer[1] if answer[0] == "failed" else exc
            answers.send(("failed", RuntimeError(f"a worker failed: {failure!r}")))


def tasks(units: Iterable[Unit], workers: int = 1) -> Iterator[list[Unit]]:
    """``units`` in input order, in the tasks a worker takes: consecutive ranges of JSON Lines together, any
    other unit alone. Each task costs the main process half a millisecond (sending it, receiving and writing
    its chunks, a spilled file), and each worker as much between tasks: a fifth of a two-worker run when
    every megabyte range was a task (documented corpus). So a task holds up to ``TASK_BYTES`` of a file, and
    at most a ``SHARE`` of what is left of the file after it for each of ``workers``: tasks shrink as the
    file's end nears (guided scheduling), so a worker done early waits little for the others' last ones. The
    first task of each worker is one range: the workers wait for the main process to plan their first task
    (reading and counting its lines), 12 to 18 ms for four megabytes, against 2 to 4 for one."""
    task: list[Unit] = []
    size = limit = 0
    sizes: dict[str, int] = {}
    first = workers  # tasks to make one range each (see above)
    for unit in units:
        if not isinstance(unit, LineRange):
            if task:
                yield task
                task, size = [], 0
            yield [unit]
            continue
        if not task:
            left = _size(unit.path, sizes) - unit.start
            limit = 0 if first > 0 else min(TASK_BYTES, int(left * SHARE / workers))
            first -= 1
        task.append(unit)
        size += unit.end - unit.start
        if size >= limit:
            yield task
            task, size = [], 0
    if task:
        yield task


def _size(path: str, sizes: dict[str, int]) -> int:
    """The size of the file at ``path`` (once a path), or a size past any limit when it cannot be read."""
    if path not in sizes:
        try:
            sizes[path] = os.stat(path).st_size
        except OSError:  # gone since it was planned: its ranges say so when read
            sizes[path] = 1 << 62
    return sizes[path]


#: See :func:`tasks`: big enough that the fixed costs of a task are small, small enough that no worker waits
#: long for another's last task (about 25 ms of work on the vendor page).
TASK_BYTES = 4 << 20
#: See :func:`tasks`: the part of what is left of a file, for each worker, that one task may take.
SHARE = 0.25


def _written(chunks: list[Chunk]) -> Iterator[Chunk]:
    """``chunks``, each spilled file removed once the caller has taken its chunk (and written it), unless the
    caller has removed its name already, holding it open (see :class:`.report.Spool`)."""
    for chunk in chunks:
        yield chunk
        if isinstance(chunk.text, Spilled):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(chunk.text.path)


#: The signals a worker must not take with the main process's handlers (see :meth:`_Workers.__enter__`).
_STOPS = frozenset({signal.SIGTERM, signal.SIGINT})


def _worker(package: str) -> None:
    """A worker process: the default SIGTERM (the pool's way to stop it), Ctrl-C left to the main process
    (which stops the pool; a worker's own KeyboardInterrupt printed its traceback), then either let through
    (:meth:`_Workers.__enter__` held them back), and the bindings loaded."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    load_bindings(package)
