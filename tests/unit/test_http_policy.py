"""The client's retry policy in-process (httpx.MockTransport, sleeps and jitter recorded, never slept):
fast enough for mutation testing, where tests/functional (a real mock server per test) is not."""

from __future__ import annotations

import asyncio
import email.utils
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import workspace_desktop as w
import workspace_desktop.client as c
from tests.conftest import load_example
from workspace_desktop import _http

BODY = json.dumps(load_example()).encode()
PROJECT, DESKTOP = "p1", "d1"


def answers(*responses: httpx.Response | Exception) -> tuple[Callable[[httpx.Request], httpx.Response],
                                                             list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue: Iterator[httpx.Response | Exception] = iter(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = next(queue)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


def ok() -> httpx.Response:
    return httpx.Response(200, content=BODY, headers={"X-Request-Id": "r-ok"})


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, json={"error_code": f"E.{code}", "error_msg": "no"}, headers=headers)


def sync_call(handler: Any, **options: Any) -> w.ShowDesktopDetailResponse:
    options.setdefault("token", "t")
    with c.WorkspaceClient(base_url="https://h.example.com", transport=httpx.MockTransport(handler),
                           **options) as client:
        return client.show_desktop_detail(PROJECT, DESKTOP, tolerant=True)


def async_call(handler: Any, **options: Any) -> w.ShowDesktopDetailResponse:
    options.setdefault("token", "t")

    async def run() -> w.ShowDesktopDetailResponse:
        async with c.AsyncWorkspaceClient(base_url="https://h.example.com", transport=httpx.MockTransport(handler),
                                          **options) as client:
            return await client.show_desktop_detail(PROJECT, DESKTOP, tolerant=True)

    return asyncio.run(run())


CALLS = [sync_call, async_call]


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("code", [429, 502, 503, 504])
def test_retryable_statuses_back_off_exponentially(call: Any, code: int, sleeps: list[float]) -> None:
    handler, seen = answers(status(code), status(code), status(code), ok())
    assert call(handler, max_retries=3, backoff=0.5).desktop is not w.UNSET
    assert len(seen) == 4 and sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("call", CALLS)
def test_backoff_is_capped_at_twenty_seconds(call: Any, sleeps: list[float]) -> None:
    handler, _ = answers(*[status(503)] * 6, ok())
    call(handler, max_retries=6, backoff=4.0)
    assert sleeps == [4.0, 8.0, 16.0, 20.0, 20.0, 20.0]


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("code", "kind"), [(500, c.ServerError), (400, c.BadRequestError), (404, c.NotFoundError)])
def test_other_errors_are_not_retried(call: Any, code: int, kind: type[Exception], sleeps: list[float]) -> None:
    handler, seen = answers(status(code))
    with pytest.raises(kind):
        call(handler, max_retries=3)
    assert len(seen) == 1 and sleeps == []


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("retries", [0, 1, 3])
def test_the_retry_bound_is_exact(call: Any, retries: int, sleeps: list[float]) -> None:
    handler, seen = answers(*[status(503)] * (retries + 1))
    with pytest.raises(c.ServerError) as caught:
        call(handler, max_retries=retries)
    assert len(seen) == retries + 1 and len(sleeps) == retries and caught.value.status == 503


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("error", "kind"), [(httpx.ConnectError("refused"), c.ApiConnectionError),
                                             (httpx.ReadTimeout("slow"), c.ApiTimeoutError)])
def test_connection_errors_are_retried_then_typed(call: Any, error: Exception, kind: type[Exception],
                                                  sleeps: list[float]) -> None:
    handler, seen = answers(error, error, error)
    with pytest.raises(kind) as caught:
        call(handler, max_retries=2, backoff=1.0)
    assert len(seen) == 3 and sleeps == [1.0, 2.0]
    assert type(error).__name__ in str(caught.value)
    handler, seen = answers(error, ok())
    assert call(handler, max_retries=1).desktop is not w.UNSET


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("header", "slept"), [("7", 7.0), ("0", 0.0), ("-3", 0.0), ("2.5", 2.5), ("600", 20.0)])
def test_retry_after_seconds(call: Any, header: str, slept: float, sleeps: list[float]) -> None:
    handler, _ = answers(status(429, **{"Retry-After": header}), ok())
    call(handler, max_retries=1, backoff=100.0)
    assert sleeps == [slept]


@pytest.mark.parametrize("call", CALLS)
def test_retry_after_as_an_http_date(call: Any, sleeps: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    now = 1_700_000_000.0
    monkeypatch.setattr(_http.time, "time", lambda: now)
    later, earlier = email.utils.formatdate(now + 9, usegmt=True), email.utils.formatdate(now - 9, usegmt=True)
    handler, _ = answers(status(503, **{"Retry-After": later}), status(503, **{"Retry-After": earlier}), ok())
    call(handler, max_retries=2, backoff=0.5)
    assert sleeps == [9.0, 0.0]


@pytest.mark.parametrize("call", CALLS)
def test_an_unreadable_retry_after_falls_back_to_the_backoff(call: Any, sleeps: list[float]) -> None:
    handler, _ = answers(status(503, **{"Retry-After": "soon"}), ok())
    call(handler, max_retries=1, backoff=0.5)
    assert sleeps == [0.5]


@pytest.mark.parametrize("call", CALLS)
def test_a_token_provider_is_asked_again_once_after_a_401(call: Any, sleeps: list[float]) -> None:
    tokens = iter(["expired", "fresh", "unused"])
    handler, seen = answers(status(401), ok())
    assert call(handler, token=lambda: next(tokens)).desktop is not w.UNSET
    assert [r.headers["X-Auth-Token"] for r in seen] == ["expired", "fresh"] and sleeps == []
    handler, seen = answers(status(401), status(401))
    with pytest.raises(c.AuthenticationError):
        call(handler, token=lambda: "stale")
    assert len(seen) == 2
    handler, seen = answers(status(401))
    with pytest.raises(c.AuthenticationError):
        call(handler, token="fixed")  # a plain string cannot be refreshed
    assert len(seen) == 1


@pytest.mark.parametrize("call", CALLS)
def test_strict_is_the_default_and_tolerant_is_passed_through(call: Any) -> None:
    handler, _ = answers(ok())
    assert call(handler).deviations  # the page example needs its quirks: tolerant kept them


@pytest.mark.parametrize("call", CALLS)
def test_an_empty_retry_after_falls_back_to_the_backoff(call: Any, sleeps: list[float]) -> None:
    handler, _ = answers(status(503, **{"Retry-After": ""}), ok())
    call(handler, max_retries=1, backoff=0.5)
    assert sleeps == [0.5]


@pytest.mark.parametrize("call", CALLS)
def test_an_ak_sk_client_signs_every_attempt(call: Any, sleeps: list[float]) -> None:
    handler, seen = answers(status(503), ok())
    call(handler, token=None, ak="AK", sk="SK", project_id=PROJECT, max_retries=1)
    assert len(seen) == 2
    assert all(r.headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK, SignedHeaders=") for r in seen)
    assert all(r.headers["X-Project-Id"] == PROJECT and "X-Auth-Token" not in r.headers for r in seen)
