"""``deskkit validate``: judge captured responses and write a report; exit 1 when any fails the run."""

from __future__ import annotations

import gc
import io
import os
import signal
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from ..errors import DeskkitError
from .bindings import load_bindings
from .captures import Router, Skipped, check_paths, plan
from .pool import judge_all
from .report import Summary, writer


def validate(paths: list[str], strict: bool, fmt: str, jobs: int, package: str, operation: str | None = None,
             dask: str | None = None) -> int:
    if dask is not None:  # before any work: a bad address is one line, and its credentials never shown
        from .cluster import check_address

        check_address(dask)
    check_paths(paths, sys.stdin)
    bindings = load_bindings(package)
    if operation is not None and operation not in {op.id for op in bindings.operations}:
        known = ", ".join(op.id for op in bindings.operations)
        raise DeskkitError(f"--operation {operation}: no such operation in {package} (it has {known})")
    skipped, summary = Skipped(), Summary()
    out = writer(fmt, _stdout(fmt), strict)
    progress = Progress()
    with ExitStack() as stack:
        stack.callback(out.discard)  # its spooled files, however the run ends
        _stop_on_sigterm(stack)
        # What is loaded by now lives as long as the run: out of the collector's sight, a full collection
        # no longer walks it (5% of a run on the vendor page), and forked workers share its pages unwritten.
        gc.freeze()
        stack.callback(gc.unfreeze)  # a caller in the same process (a test) gets its collector back
        # standard input is spooled here; the folder lives until every range of it has been judged
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deskkit-"))) if "-" in paths else None
        stdin = sys.stdin.buffer if scratch is not None and sys.stdin is not None else None
        units = plan(paths, Router(bindings.operations), skipped, stdin=stdin, scratch=scratch, operation=operation)
        if dask is not None:
            from .cluster import judge_on_cluster

            chunks = judge_on_cluster(units, package, out.renders, dask)
        else:
            chunks = judge_all(units, package, jobs, out.renders)
        for chunk in chunks:
            stop_if_signalled()
            summary.add(chunk)
            out.add(chunk)
            progress.tick(chunk.results)
        progress.done()
        summary.skipped, summary.skipped_reasons = skipped.count, skipped.reasons
        out.close(summary)
    return 1 if summary.failed(strict) else 0


def _stop_on_sigterm(stack: ExitStack) -> None:
    """SIGTERM ends the run as Ctrl-C does, through the exits of what it opened (temporary files and folders:
    standard input spooled, report chunks spilled by workers; worker processes stopped), with status 143; the
    handler before it is back once the run is over (a caller in the same process keeps its own)."""
    if threading.current_thread() is threading.main_thread():
        _SIGNALLED.clear()
        stack.callback(_SIGNALLED.clear)  # (after the run, nothing in this process is taken for stopped)
        stack.callback(signal.signal, signal.SIGTERM, signal.signal(signal.SIGTERM, _terminated))


#: The exit status of the SIGTERM that came during this run, while its handler is ours (see
#: :func:`stop_if_signalled`).
_SIGNALLED: list[int] = []


def _terminated(signum: int, frame: object) -> None:
    _SIGNALLED.append(128 + signum)  # the exit status of a process ended by the signal
    raise Terminated(128 + signum)


def stop_if_signalled() -> None:
    """Raise :class:`Terminated` again when SIGTERM has come: the handler's exception can be lost on its way
    (raised inside a finalizer, which only prints it, or caught by a library as something else), and a loop
    that asks once per item then stops all the same."""
    if _SIGNALLED:
        raise Terminated(_SIGNALLED[0])


class Terminated(KeyboardInterrupt):
    """SIGTERM, as Ctrl-C is raised (Hypothesis, drawing samples, lets a KeyboardInterrupt through where it
    would report a SystemExit as the test's failure); ``status`` is the exit status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _stdout(fmt: str) -> IO[str]:
    """Standard output for the report: UTF-8 for json and junit (their formats say so), and whatever cannot
    be encoded written as an escape rather than failing the run."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8" if fmt != "text" else None, errors="backslashreplace")
    return sys.stdout


class Progress:
    """A count on standard error, redrawn at most twice a second, only on a terminal and only once the run
    has taken ``DESKKIT_PROGRESS_AFTER`` seconds (default 2: short runs stay quiet)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.after = float(os.environ.get("DESKKIT_PROGRESS_AFTER", "2"))
        self.count = 0
        self.start = time.monotonic()
        self.shown: float | None = None

    def tick(self, count: int) -> None:
        self.count += count
        if self.enabled:
            now = time.monotonic()
            if now - self.start >= self.after and (self.shown is None or now - self.shown > 0.5):
                rate = self.count / (now - self.start)
                sys.stderr.write(f"\rdeskkit: {self.count:,} responses judged ({rate:,.0f}/s)")
                sys.stderr.flush()
                self.shown = now

    def done(self) -> None:
        if self.enabled and self.shown is not None:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
