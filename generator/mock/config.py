"""What a mock serves and how: one frozen record, shared by the CLI, the server and in-process tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DeskkitError

#: Faults in the order they are tried for each request (each at its own rate).
FAULTS = ("429", "500", "503", "502-html", "slow", "truncate")


@dataclass(frozen=True)
class MockConfig:
    """Everything ``create_app`` and ``serve`` need. Only ``package`` is required.

    Secrets (``token``, ``sk``) are kept out of the repr.
    """

    package: str  # the generated bindings whose OPERATIONS are served
    host: str = "127.0.0.1"
    port: int = 8080  # 0: a free port, printed at start
    fixtures: Path | None = None  # folder: <id>.json for the first operation, <operationId>/<id>.json per operation
    seed: int = 0  # drawn bodies, resource ids and fault order all follow it
    resources: int = 5  # resources drawn per item operation when no fixture gives them
    quirks: bool = False  # drawn bodies carry declared quirks
    token: str | None = field(default=None, repr=False)  # the only X-Auth-Token accepted (None: any non-empty)
    ak: str | None = None  # require SDK-HMAC-SHA256 signatures by this access key ...
    sk: str | None = field(default=None, repr=False)  # ... and secret key
    faults: Mapping[str, float] = field(default_factory=dict)  # fault name (FAULTS) → share of requests
    fault_limit: int | None = None  # inject at most this many faults, then answer normally
    retry_after: str | None = "1"  # Retry-After of an injected 429 (None: no header)
    slow_seconds: float = 2.0  # how long a "slow" answer waits
    # Limits: what keeps one hostile client from stopping the mock serving the others.
    header_timeout: float = 10.0  # a request head must arrive complete within this (slowloris)
    body_timeout: float = 10.0  # a declared body must arrive within this, else 408
    keep_alive: int = 5  # idle seconds before a keep-alive connection is closed
    max_body: int = 12 * 1024 * 1024  # larger request bodies get 413 (the gateway's AK/SK limit)
    max_head: int = 64 * 1024  # request line + headers, bytes
    limit_concurrency: int | None = 10_000  # beyond this many connections, new requests get 503
    backlog: int = 2048
    keep_requests: int = 10_000  # request records kept in memory (MockApp.requests), oldest dropped

    def check(self) -> None:
        """Refuse settings that cannot work, naming the setting."""
        if bool(self.ak) != bool(self.sk):
            raise DeskkitError("--ak and --sk go together")
        unknown = sorted(set(self.faults) - set(FAULTS))
        if unknown:
            raise DeskkitError(f"unknown fault(s) {unknown}; known: {list(FAULTS)}")
        for name, rate in self.faults.items():
            if not 0 <= rate <= 1:
                raise DeskkitError(f"fault {name}: expected a rate between 0 and 1, got {rate}")
        if self.resources < 0:
            raise DeskkitError(f"resources: expected at least 0, got {self.resources}")
        for name in ("header_timeout", "body_timeout", "slow_seconds"):
            if getattr(self, name) < 0:
                raise DeskkitError(f"{name}: expected a duration of at least 0 seconds")
        if self.retry_after is not None and not (self.retry_after.isascii() and self.retry_after.isprintable()):
            raise DeskkitError(f"--retry-after: expected seconds or an HTTP date, got {self.retry_after!r}")
        if self.token is not None and not self.token:
            raise DeskkitError("--token: an empty token would accept nothing")
