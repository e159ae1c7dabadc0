"""``deskkit validate --dask ADDRESS``: the same units of work as the local pool, judged on a Dask cluster.

The planner's units go to the workers as they are: a range of a JSON Lines file travels as its path and
byte offsets, and the worker reads the bytes itself (so the paths must be readable by the workers under the
same name: a shared file system, or the client's own machine); the captures of other inputs (.json, .har,
standard input) are read here and travel with their bytes. Each worker judges and renders whole tasks
(consecutive units, grouped as ``--jobs`` groups them: :func:`.pool.tasks`, :func:`.pool.run_task`) and sends
back chunks, which are written in input order, as ``--jobs`` does: the report is the same whichever runs it.
At most a few tasks per worker thread are in flight, so memory stays flat on both sides however large the input.
"""

from __future__ import annotations

import importlib
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import DeskkitError
from .captures import LineRange, Unit, read_range
from .pool import run_task, tasks
from .results import Chunk

#: Units in flight per worker thread: enough to keep every worker busy while the client writes.
IN_FLIGHT = 4

#: Schemes a client in another process can connect with (distributed's ``inproc`` only works inside one).
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")

#: ``[scheme://][userinfo@]host:port`` with an IPv6 host in brackets; anything else is not an address.
_ADDRESS = re.compile(r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?:(?P<userinfo>.*)@)?"
                      r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<port>[0-9]{1,5})", re.DOTALL)


def redacted(address: str) -> str:
    """The address as messages may show it: credentials in it become ``***`` (it never reaches a message)."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "", address
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return f"{scheme}{sep}{rest}"


def check_address(address: str) -> str:
    """``address`` when it is a scheduler address a client can use; else a one-line :class:`DeskkitError`
    showing only the redacted address. Checked before connecting: distributed's own errors are tracebacks."""
    shown = redacted(address)
    found = _ADDRESS.fullmatch(address)
    if found is None:
        raise DeskkitError(f"--dask {shown!r}: expected a scheduler address like tcp://host:8786 "
                           "(an IPv6 host in brackets: tcp://[::1]:8786)")
    if found["userinfo"] is not None:
        raise DeskkitError(f"--dask {shown}: credentials do not belong in the address (Dask schedulers "
                           "authenticate with TLS certificates, set in the Dask configuration)")
    scheme = (found["scheme"] or "tcp").lower()
    if scheme not in SCHEMES:
        raise DeskkitError(f"--dask {shown}: unsupported scheme {scheme}:// (expected one of "
                           f"{', '.join(s + '://' for s in SCHEMES)})")
    if not 0 < int(found["port"]) < 65536:
        raise DeskkitError(f"--dask {shown}: port {found['port']} is out of range (1-65535)")
    return address


def _security(distributed: Any, address: str) -> Any:
    """The client's TLS settings from the Dask configuration; tls:// without them is refused here."""
    security = distributed.Security()
    if address.lower().startswith("tls://") and security.get_connection_args("client")["ssl_context"] is None:
        raise DeskkitError(f"--dask {address}: tls:// needs a CA file and client certificate in the Dask "
                           "configuration (distributed.comm.tls.ca-file, distributed.comm.tls.client.cert)")
    return security


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
    check_address(address)
    try:
        distributed: Any = importlib.import_module("distributed")  # untyped: used through Any
    except ImportError:
        raise DeskkitError("--dask needs Dask's distributed scheduler: pip install 'deskkit[dask]'") from None
    security = _security(distributed, address)
    try:
        # the connect timeout: distributed.comm.timeouts.connect
        client = distributed.Client(address, security=security)
    except (OSError, TimeoutError, ValueError, TypeError, ImportError) as exc:  # TypeError: e.g. TLS settings
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise DeskkitError(f"--dask {address}: cannot reach the scheduler ({detail})") from None
    with client:
        threads = max(1, sum(client.nthreads().values()))
        pending: deque[Any] = deque()
        for task in tasks(units, threads):  # grouped as --jobs groups them: a task costs a scheduler round trip
            pending.append(client.submit(run_task, [_portable(unit) for unit in task], package, renders,
                                         pure=False))
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
