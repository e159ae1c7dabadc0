"""``deskkit validate --dask ADDRESS``: the same units of work as the local pool, judged on a Dask cluster.

The planner's units go to the workers as they are: a range of a JSON Lines file travels as its path and
byte offsets, and the worker reads the bytes itself (so the paths must be readable by the workers under the
same name: a shared file system, or the client's own machine); the captures of other inputs (.json, .har,
standard input) are read here and travel with their bytes. Each worker judges and renders whole units
(:func:`.pool.run_unit`) and sends back chunks, which are written in input order, as ``--jobs`` does: the
report is the same whichever runs it. At most a few units per worker thread are in flight, so memory stays
flat on both sides however large the input.
"""

from __future__ import annotations

import importlib
import os
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import DeskkitError
from .captures import LineRange, Unit, read_range
from .pool import run_unit
from .results import Chunk

#: Units in flight per worker thread: enough to keep every worker busy while the client writes.
IN_FLIGHT = 4


def _portable(unit: Unit) -> Unit:
    """The unit as a worker can read it: JSON Lines files by absolute path (the report keeps the name it was
    given); ranges of standard input's spooled copy, which only this machine has, read here."""
    if not isinstance(unit, LineRange):
        return unit
    if unit.source is not None and unit.source.startswith("<"):
        return list(read_range(unit))
    return unit._replace(path=os.path.abspath(unit.path), source=unit.source or unit.path)


def judge_on_cluster(units: Iterable[Unit], package: str, renders: str, address: str) -> Iterator[Chunk]:
    """Chunks in input order, judged by the workers of the Dask scheduler at ``address``."""
    try:
        distributed: Any = importlib.import_module("distributed")  # untyped: used through Any
    except ImportError:
        raise DeskkitError("--dask needs Dask's distributed scheduler: pip install 'deskkit[dask]'") from None
    try:
        client = distributed.Client(address)  # the connect timeout: distributed.comm.timeouts.connect
    except (OSError, TimeoutError) as exc:
        raise DeskkitError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    with client:
        threads = max(1, sum(client.nthreads().values()))
        pending: deque[Any] = deque()
        for unit in units:
            pending.append(client.submit(run_unit, _portable(unit), package, renders, pure=False))
            if len(pending) >= IN_FLIGHT * threads:
                yield from _result(pending.popleft(), address)
        while pending:
            yield from _result(pending.popleft(), address)


def _result(future: Any, address: str) -> list[Chunk]:
    try:
        chunks: list[Chunk] = future.result()
    except DeskkitError as exc:  # e.g. the bindings are not installed on the workers
        raise DeskkitError(f"on the Dask workers at {address}: {exc}") from None
    return chunks
