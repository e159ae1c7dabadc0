"""How the signer leaves a request's header bytes readable (in-process, fast enough for the mutation run)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from workspace_desktop.signing import SdkSigner

WHEN = datetime(2024, 3, 1, 12, 30, 5, tzinfo=UTC)


def signed(*headers: tuple[bytes, bytes]) -> httpx.Request:
    request = httpx.Request("GET", "https://h.example.com/v1/x", headers=list(headers))
    return next(SdkSigner("AK", "SK", clock=lambda: WHEN).auth_flow(request))


def test_header_bytes_that_are_not_utf8_read_back_as_latin1() -> None:
    request = signed((b"X-Custom", b"caf\xe9"))
    # oracle: the bytes as sent, decoded by the codec HTTP/1.1 used for them (RFC 9110 §5.5: obs-text)
    assert request.headers["X-Custom"] == b"caf\xe9".decode("iso-8859-1")
    assert request.headers.encoding == "iso-8859-1"


def test_utf8_header_bytes_read_back_as_utf8() -> None:
    request = signed((b"X-Custom", "café".encode()))
    assert request.headers["X-Custom"] == "café" and request.headers.encoding == "utf-8"
