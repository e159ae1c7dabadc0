"""SIGTERM for the commands that write as they go (``validate``, ``samples``): the run ends as Ctrl-C ends it,
through the exits of what it opened, with status 143. Apart from them, so ``samples`` imports no judge."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any


def stop_on_sigterm(stack: ExitStack) -> None:
    """SIGTERM ends the run as Ctrl-C does, through the exits of what it opened (temporary files and folders:
    standard input spooled, report chunks spilled by workers; worker processes stopped), with status 143; the
    handler before it is back once the run is over (a caller in the same process keeps its own)."""
    if threading.current_thread() is threading.main_thread():
        _SIGNALLED.clear()
        stack.callback(_SIGNALLED.clear)  # (after the run, nothing in this process is taken for stopped)
        stack.callback(signal.signal, signal.SIGTERM, signal.signal(signal.SIGTERM, _terminated))
        stack.callback(setattr, sys, "unraisablehook", sys.unraisablehook)
        sys.unraisablehook = _quiet_if_stopped(sys.unraisablehook)


def _quiet_if_stopped(before: Callable[[Any], object]) -> Callable[[Any], object]:
    """The unraisable hook of a run: the stop raised where Python can only print it (a finalizer, a collector
    callback) is not printed as a traceback (the flag stops the run at its next item); anything else is."""
    def hook(unraisable: Any) -> object:
        if isinstance(unraisable.exc_value, Terminated):
            return None
        return before(unraisable)
    return hook


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
