"""What a mock serves and how: one frozen record, shared by the CLI, the server and in-process tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DeskkitError

#: Faults, each at its own share of requests (the shares add up to at most 1).
FAULTS = ("429", "500", "503", "502-html", "slow", "truncate")


#: The longest duration a setting takes (a longer one is a typo that would never answer).
DAY = 86_400


def retry_after_ok(text: str) -> bool:
    """RFC 9110's Retry-After: delay-seconds (ASCII digits only) or an HTTP-date."""
    if text.isascii() and text.isdigit():
        return True
    if not (text.isascii() and text.isprintable()):
        return False
    import email.utils  # here: only a date pays for importing it

    try:
        email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return False
    return True


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
        if sum(self.faults.values()) > 1 + 1e-9:
            shares = ", ".join(f"{name} {rate:g}" for name, rate in self.faults.items() if rate)
            raise DeskkitError(f"fault rates are shares of all requests and add up to more than 1 ({shares})")
        if self.resources < 0:
            raise DeskkitError(f"resources: expected at least 0, got {self.resources}")
        for name in ("header_timeout", "body_timeout", "slow_seconds"):
            if not 0 <= getattr(self, name) <= DAY:  # (NaN fails both comparisons)
                raise DeskkitError(f"{name}: expected a duration from 0 to {DAY:,} seconds, got {getattr(self, name)}")
        for name, least in (("max_head", 1024), ("max_body", 0), ("keep_requests", 0), ("backlog", 1),
                            ("keep_alive", 0)):
            if getattr(self, name) < least:
                raise DeskkitError(f"{name}: expected at least {least}, got {getattr(self, name)}")
        if self.limit_concurrency is not None and self.limit_concurrency < 1:
            raise DeskkitError(f"limit_concurrency: expected at least 1 (or None), got {self.limit_concurrency}")
        if self.fault_limit is not None and self.fault_limit < 0:
            raise DeskkitError(f"fault_limit: expected at least 0 (or None), got {self.fault_limit}")
        if self.retry_after is not None and not retry_after_ok(self.retry_after):
            raise DeskkitError(f"retry_after: expected seconds (a whole number, 0 or more) or an HTTP date, "
                               f"got {self.retry_after!r}")
        if self.token is not None and not self.token:
            raise DeskkitError("--token: an empty token would accept nothing")
