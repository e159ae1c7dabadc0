"""``deskkit validate``: judge captured responses and write a report; exit 1 when any fails the run."""

from __future__ import annotations

import gc
import io
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from ..errors import DeskkitError
from .bindings import load_bindings
from .captures import Router, Skipped, check_paths, plan
from .pool import judge_all
from .report import Summary, writer
from .stopping import stop_if_signalled, stop_on_sigterm


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
        stop_on_sigterm(stack)
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
