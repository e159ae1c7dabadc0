"""`deskkit samples`: payloads from the generated strategies as JSON Lines, reproducible by seed."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from ..errors import DeskkitError
from .files import open_in_place, replaceable
from .stopping import stop_if_signalled, stop_on_sigterm


def _strategy(package: str, kind: str) -> st.SearchStrategy[Any]:
    try:
        strategies = importlib.import_module(f"{package}.strategies")
    except ImportError as exc:
        raise DeskkitError(f"cannot import {package}.strategies ({exc}); run `deskkit generate` first") from None
    makers: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
        "valid": strategies.valid, "quirky": strategies.quirky, "invalid": strategies.invalid,
        "error": strategies.error_bodies,
    }
    try:
        return makers[kind]()
    except ValueError as exc:  # e.g. quirky samples of a spec that declares no quirk
        raise DeskkitError(f"cannot draw {kind} samples from {package}: {exc}") from None


def draw(strategy: st.SearchStrategy[Any], count: int, run_seed: int,
         take: Callable[[Any], None] | None = None) -> list[Any]:
    """Up to ``count`` examples; generation only (no shrinking, no database), so a seed fixes the output. With
    ``take``, each is handed to it as drawn (and none is kept)."""
    drawn: list[Any] = []
    hand = drawn.append if take is None else take
    taken = 0

    @seed(run_seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=False)
    @given(strategy)
    def collect(value: Any) -> None:
        nonlocal taken
        if taken < count:
            taken += 1
            hand(value)

    collect()
    return drawn


def jsonl(value: Any) -> str:
    """One JSON Lines record: UTF-8 text, with the characters some readers take for line ends escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085") + "\n"


def write_samples(package: str, kind: str, count: int, run_seed: int, out: IO[str]) -> int:
    """Write ``count`` lines ``{"kind", "payload", "injected"}``; the same seed gives the same bytes."""
    strategy = _strategy(package, kind)
    written = 0

    def take(item: Any) -> None:  # each line as it is drawn: memory stays flat, and a stopped run keeps its lines
        nonlocal written
        stop_if_signalled()
        written += 1  # (draw hands over no more than it was asked for)
        out.write(jsonl({"kind": item.kind, "payload": item.payload, "injected": [
            {"pointer": i.pointer, "quirk": i.quirk, "mutation": i.mutation} for i in item.injected]}))

    attempt = 0
    while written < count and attempt < 20:
        # Hypothesis may stop short of max_examples (duplicates, filters): top up from the next seed.
        draw(strategy, count - written, run_seed * 1000 + attempt, take)
        attempt += 1
    if written < count:
        raise DeskkitError(f"could only draw {written} of {count} {kind} samples")
    return count


def samples(package: str, kind: str, count: int, run_seed: int, out: Path | None) -> int:
    """``deskkit samples``: write to ``out`` (standard output when None)."""
    if out is None:
        write_samples(package, kind, count, run_seed, sys.stdout)
        return 0
    # A regular file is written next to it and put in its place at the end: a run that fails or is stopped
    # leaves what was there before. Anything else (a FIFO, a device, /dev/stdout) is written as it is.
    target = replaceable(out)
    with ExitStack() as stack:
        stop_on_sigterm(stack)  # (so the partial file goes on SIGTERM too)
        try:
            if target is None:
                with open_in_place(out, "w", encoding="utf-8", newline="\n") as handle:
                    write_samples(package, kind, count, run_seed, handle)
            else:
                partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
                stack.callback(_remove, partial)  # (gone once renamed: then nothing to remove)
                with partial.open("x", encoding="utf-8", newline="\n") as handle:
                    write_samples(package, kind, count, run_seed, handle)
                os.replace(partial, target)
        except OSError as exc:
            raise DeskkitError(f"cannot write {out}: {exc.strerror}") from None
    print(f"deskkit: wrote {count} {kind} samples to {out}", file=sys.stderr)
    return 0


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
