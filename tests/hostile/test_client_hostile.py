"""The generated clients against a hostile service on loopback (issue #11, "The client").

Every case ends promptly with a deskkit error type (never a bare ValueError/TypeError/httpx exception), keeps
memory bounded (Python allocations measured with tracemalloc; RSS at the issue's sizes in
tests/benchmarks/bench_client_limits.py) and never sends a credential anywhere but the base URL's host.
"""

from __future__ import annotations

import asyncio
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

import workspace_desktop as w
from tests.hostile import server
from workspace_desktop.client import (
    ApiConnectionError,
    ApiTimeoutError,
    AsyncWorkspaceClient,
    BadRequestError,
    ClientError,
    CredentialsError,
    DeadlineExceededError,
    InvalidRequestError,
    RedirectError,
    ResponseTooLargeError,
    WorkspaceClient,
)

TOKEN = "MIIZ-s3cr3t-t0ken-value"
SK = "deskkit-test-secret-key-0123456789abcdefgh"
MiB = 1 << 20


@pytest.fixture
def hostile() -> Iterator[server.Hostile]:
    running = server.start()
    yield running
    running.stop()


@pytest.fixture
def elsewhere() -> Iterator[server.Hostile]:
    """Another host (127.0.0.2): nothing of ours may arrive there."""
    running = server.start("127.0.0.2")
    yield running
    running.stop()


def client(base: str, **options: Any) -> WorkspaceClient:
    defaults = {"base_url": base, "backoff": 0.01} | ({} if "ak" in options else {"token": TOKEN})
    return WorkspaceClient(**(defaults | options))


def fetch(base: str, desktop_id: str, **options: Any) -> w.ShowDesktopDetailResponse:
    with client(base, **options) as c:
        return c.show_desktop_detail("p", desktop_id)


def peak_python_memory(call: Callable[[], object]) -> tuple[BaseException | None, int]:
    """Run ``call``; what it raised and the peak of Python allocations during it (bytes)."""
    tracemalloc.start()
    try:
        call()
    except BaseException as exc:  # returned to the test
        return exc, tracemalloc.get_traced_memory()[1]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return None, peak


@pytest.mark.parametrize(("setting", "route"), [("size=1073741824", "big"),  # 1 GiB with Content-Length
                                                ("size=1073741824,declared=0", "big"),  # 1 GiB chunked
                                                ("x=1", "endless"),  # chunked, never ends
                                                ("size=1073741824", "bomb")])  # ~1 MB gzip -> 1 GiB
def test_large_bodies_stop_at_the_limit(hostile: server.Hostile, setting: str, route: str) -> None:
    base = hostile.url + "/" + setting.replace(",", "/")
    started = time.monotonic()
    error, peak = peak_python_memory(lambda: fetch(base, route, max_response_bytes=MiB))
    assert isinstance(error, ResponseTooLargeError) and isinstance(error, ApiConnectionError), error
    assert time.monotonic() - started < 5
    assert peak < 4 * MiB, f"peak {peak} bytes for a {MiB}-byte limit"
    assert error.status == 200 and error.request_id and f"max_response_bytes={MiB}" in str(error)
    assert len(hostile.seen) == 1  # not retried: it would be as large again


def test_the_default_limit_is_32_mib_after_decompression(hostile: server.Hostile) -> None:
    with pytest.raises(ResponseTooLargeError, match=f"max_response_bytes={32 * MiB}"):
        fetch(hostile.url + f"/size={32 * MiB + 1}/declared=0", "big")  # counted, not declared
    with pytest.raises(ResponseTooLargeError, match="Content-Length"):
        fetch(hostile.url + f"/size={32 * MiB + 1}", "big")  # declared: refused before reading


def test_a_body_just_under_the_limit_is_read(hostile: server.Hostile) -> None:
    with pytest.raises(w.ContractError) as caught:  # read whole: zeros are not JSON, and the error says so
        fetch(hostile.url + f"/size={MiB}", "bomb", max_response_bytes=MiB)
    assert caught.value.problems[0].message.startswith("not JSON")


@pytest.mark.parametrize(("route", "expected"), [("bad-gzip", "gzip body cannot be decoded"),
                                               ("brotli", "Content-Encoding 'br' was not asked for")])
def test_a_body_that_cannot_be_decoded_is_a_connection_error(hostile: server.Hostile, route: str,
                                                             expected: str) -> None:
    with pytest.raises(ApiConnectionError, match=expected) as caught:
        fetch(hostile.url, route)
    assert caught.value.status == 200 and caught.value.request_id == f"req-{route}" and len(hostile.seen) == 1


def test_a_dripping_body_stops_at_the_deadline(hostile: server.Hostile) -> None:
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as caught:
        fetch(hostile.url + "/every=0.5", "drip", timeout=3, deadline=1.5)
    elapsed = time.monotonic() - started
    assert isinstance(caught.value, ApiTimeoutError) and "deadline of 1.5 s" in str(caught.value)
    assert 1.4 < elapsed < 2.5  # each byte comes before the 3 s read timeout: only the deadline can end it


def test_the_async_deadline_also_cuts_a_silent_wait(hostile: server.Hostile) -> None:
    async def run() -> None:
        async with AsyncWorkspaceClient(token=TOKEN, base_url=hostile.url + "/every=30", timeout=60,
                                        deadline=1.0) as c:
            await c.show_desktop_detail("p", "drip")

    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        asyncio.run(run())
    assert time.monotonic() - started < 2


def test_the_deadline_covers_retries_and_their_waits(hostile: server.Hostile) -> None:
    """Retry-After asks for 20 s; a 2 s deadline stops retrying at once and reports the last answer."""
    transport = httpx.MockTransport(lambda r: httpx.Response(503, headers={"Retry-After": "20"}, json={}))
    started = time.monotonic()
    with pytest.raises(w.client.ServerError):
        fetch("http://api.test", "d", transport=transport, deadline=2, max_retries=5)
    assert time.monotonic() - started < 1


def test_limits_are_checked_at_construction() -> None:
    for bad in ({"max_response_bytes": 0}, {"deadline": 0}, {"deadline": -1.0}):
        with pytest.raises(ValueError):
            client("http://api.test", **bad)


@pytest.mark.parametrize("follow", [True, False])
def test_credentials_never_leave_the_base_host(hostile: server.Hostile, elsewhere: server.Hostile,
                                               follow: bool) -> None:
    """A caller's httpx.Client(follow_redirects=True) used to send X-Auth-Token to the other host on a 301."""
    hostile.away = elsewhere.url
    for credentials in ({"token": TOKEN}, {"ak": "AK", "sk": SK, "security_token": "sts-token"}):
        with httpx.Client(follow_redirects=follow) as http, \
                client(hostile.url, http_client=http, **credentials) as c, pytest.raises(RedirectError) as caught:
            c.show_desktop_detail("p", "redirect-away")
        assert caught.value.status == 301 and caught.value.location == elsewhere.url + "/v2/p/desktops/stolen"
        assert "not followed" in str(caught.value)
    assert elsewhere.seen == []


def test_a_redirect_loop_is_one_typed_error(hostile: server.Hostile) -> None:
    with httpx.Client(follow_redirects=True) as http, pytest.raises(RedirectError) as caught:
        fetch(hostile.url, "loop", http_client=http)
    assert caught.value.status == 302 and len(hostile.seen) == 1


@pytest.mark.parametrize("token", [TOKEN + "\r\nX-Evil: 1", TOKEN + "\n", "tök", " " + TOKEN, "", "a b"])
def test_a_token_that_cannot_be_sent_is_refused_at_construction(token: str) -> None:
    with pytest.raises(ValueError, match=r"^token ") as caught:
        client("http://api.test", token=token)
    assert TOKEN not in str(caught.value) and (not token.strip() or token.strip() not in str(caught.value))


@pytest.mark.parametrize("given", [None, 42, b"bytes-token", TOKEN + "\r\n", ""])
def test_a_token_provider_that_gives_no_usable_token(hostile: server.Hostile, given: object) -> None:
    with pytest.raises(CredentialsError) as caught:
        fetch(hostile.url, "ok", token=lambda: given)
    assert TOKEN not in str(caught.value) and "bytes-token" not in str(caught.value)
    assert hostile.seen == []  # nothing sent, nothing retried


def test_a_token_provider_that_raises(hostile: server.Hostile) -> None:
    def broken() -> str:
        raise KeyError("vault")

    with pytest.raises(CredentialsError, match=r"raised builtins\.KeyError") as caught:
        fetch(hostile.url, "ok", token=broken)
    # not chained: the provider's message may quote the token (see test_http_failures)
    assert caught.value.__cause__ is None and "vault" not in str(caught.value) and hostile.seen == []


def test_retry_after_soon_ish_falls_back_on_backoff(hostile: server.Hostile) -> None:
    result = fetch(hostile.url, "soon-ish")
    assert result.desktop.desktop_id == "d"  # type: ignore[union-attr]
    assert len(hostile.seen) == 2


def test_a_5000_digit_integer_is_a_contract_error_with_the_request_id(hostile: server.Hostile) -> None:
    with pytest.raises(w.ContractError) as caught:
        fetch(hostile.url, "huge-int")
    assert caught.value.request_id == "req-huge-int"


def test_a_1_mb_error_msg_is_cut_in_the_message_and_kept_whole(hostile: server.Hostile) -> None:
    with pytest.raises(BadRequestError) as caught:
        fetch(hostile.url, "long-message")
    assert len(caught.value.error_msg or "") == MiB + 5 and len(str(caught.value)) < 600
    assert "\x1b" not in str(caught.value) and f"({MiB + 5} characters)" in str(caught.value)


def test_a_100_kb_id_is_refused_before_sending(hostile: server.Hostile) -> None:
    for desktop_id in ("d" * 100_000, "../" + "d" * 100_000):
        with pytest.raises(InvalidRequestError) as caught:
            fetch(hostile.url, desktop_id)
        assert isinstance(caught.value, ValueError) and len(str(caught.value)) < 600
    assert hostile.seen == []


def test_no_secret_in_reprs_or_in_a_traceback_with_locals(hostile: server.Hostile) -> None:
    texts: list[str] = []
    for credentials in ({"token": TOKEN}, {"token": lambda: TOKEN}, {"ak": "AK", "sk": SK, "security_token": TOKEN}):
        c = client(hostile.url + "/every=0.2/size=2000", deadline=0.3, **credentials)
        texts += [repr(c), repr(c._policy), repr(c._policy.auth)]
        for desktop_id in ("drip", "redirect-away", "long-message"):
            try:
                c.show_desktop_detail("p", desktop_id)
            except ClientError as exc:  # the frames from the client method down (this test's own hold TOKEN)
                below = exc.__traceback__.tb_next  # type: ignore[union-attr]
                texts.append("".join(traceback.TracebackException(type(exc), exc, below, capture_locals=True)
                                     .format()))
        c.close()
    tracebacks = [t for t in texts if t.startswith("Traceback")]
    assert len(texts) == 18 and len(tracebacks) == 9
    assert all("policy = _Policy(base_url=" in t for t in tracebacks)  # the locals are there, and shown
    assert not [t for t in texts if TOKEN in t or SK in t]


@pytest.mark.parametrize(("credentials", "mistake"), [
    ({"token": TOKEN}, {"base_url": "http://user:pw@api.test"}), ({"token": TOKEN}, {"max_retries": -1}),
    ({"token": TOKEN}, {"deadline": 0}), ({"ak": "AK", "sk": SK, "security_token": TOKEN}, {"max_retries": -1}),
    ({"ak": "AK", "sk": SK, "security_token": TOKEN}, {"project_id": "p\n"}),
    ({"ak": "AK", "sk": SK}, {"security_token": TOKEN + "\r\n"})])
def test_no_secret_in_a_constructor_traceback_with_locals(credentials: dict[str, str],
                                                          mistake: dict[str, Any]) -> None:
    """From BaseClient.__init__ down, the secrets are Secret objects. (The caller's frames, and the generated
    ``__init__(**options)`` above it, hold what the caller passed: nothing in deskkit can change those.)"""
    with pytest.raises(ValueError) as caught:
        client("http://api.test", **(credentials | mistake))
    below = caught.value.__traceback__
    while below is not None and not below.tb_frame.f_code.co_filename.endswith("_http.py"):
        below = below.tb_next
    text = "".join(traceback.TracebackException(ValueError, caught.value, below, capture_locals=True).format())
    assert "credentials = _Credentials(" in text and "Secret('***')" in text  # the locals are there, and shown
    assert TOKEN not in text and SK not in text


def test_user_and_password_in_base_url_are_refused_unquoted() -> None:
    with pytest.raises(ValueError, match="user:password") as caught:
        client("http://user:hunter2@api.test")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("failure", [httpx.LocalProtocolError("Illegal header value b'" + TOKEN + "'"),
                                     httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'ftp://'")])
def test_a_request_that_cannot_be_sent_is_not_retried_nor_quoted(failure: Exception) -> None:
    attempts: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise failure

    started = time.monotonic()
    with pytest.raises(InvalidRequestError) as caught:
        fetch("http://api.test", "d", transport=httpx.MockTransport(refuse), backoff=1.0)
    assert len(attempts) == 1 and time.monotonic() - started < 0.5
    assert TOKEN not in str(caught.value)


def test_the_async_client_has_the_same_limits_and_redirect_rule(hostile: server.Hostile,
                                                               elsewhere: server.Hostile) -> None:
    hostile.away = elsewhere.url

    async def run(desktop_id: str, **options: Any) -> None:
        async with httpx.AsyncClient(follow_redirects=True) as http, \
                AsyncWorkspaceClient(**({"token": TOKEN} | options), base_url=hostile.url + f"/size={1 << 30}",
                                     http_client=http) as c:
            await c.show_desktop_detail("p", desktop_id)

    with pytest.raises(RedirectError):
        asyncio.run(run("redirect-away"))
    error, peak = peak_python_memory(lambda: asyncio.run(run("bomb", max_response_bytes=MiB)))
    assert isinstance(error, ResponseTooLargeError) and peak < 4 * MiB
    with pytest.raises(CredentialsError):
        asyncio.run(run("ok", token=lambda: None))
    assert elsewhere.seen == [] and len(hostile.seen) == 2


SLASHED = "MIIabc/def+ghi==jkl"  # a token whose echo in a URL or escaped JSON is spelled otherwise


@pytest.mark.parametrize("route", ["echo-json", "echo-text", "echo-redirect", "echo-escaped"])
@pytest.mark.parametrize(("credentials", "secret"), [
    ({"token": TOKEN}, TOKEN), ({"token": lambda: TOKEN}, TOKEN), ({"token": SLASHED}, SLASHED),
    ({"ak": "AK", "sk": SK, "security_token": "sts/" + TOKEN}, "sts/" + TOKEN)])
def test_a_credential_the_service_echoes_is_hidden_in_the_error(hostile: server.Hostile, route: str,
                                                                credentials: dict[str, Any], secret: str) -> None:
    """The server quotes the token (or the temporary security token) it was sent: in its error body (also
    with JSON's escaped slashes), as a plain-text body, or percent-encoded in a redirect's Location. The
    error's message, repr, attributes, parsed body and the client's frames show ``<credential>`` instead.
    (The secret key is never sent, so never echoed.)"""
    with pytest.raises(ClientError) as caught:
        fetch(hostile.url, route, **credentials)
    error = caught.value
    assert any(secret in value for s in hostile.seen for value in s.headers.values())  # it was sent
    ours = [frame for frame in traceback.TracebackException.from_exception(error, capture_locals=True).stack
            if "workspace_desktop" in frame.filename]  # (the test's own locals hold the token, of course)
    assert ours
    body = getattr(error, "body", None)
    shown = [str(error), repr(error), *map(str, vars(error).values()), repr(body),
             *(repr(frame.locals) for frame in ours)]
    spelled = {secret, quote(secret, safe=""), quote_plus(secret), secret.replace("/", "\\/")}
    assert not any(form in text for text in shown for form in spelled), shown
    assert "<credential>" in str(error) + str(vars(error))


def test_a_short_token_is_not_looked_for(hostile: server.Hostile) -> None:
    """A one-letter token would be replaced in every word of the message: it is not a secret worth that."""
    with pytest.raises(ClientError) as caught:
        fetch(hostile.url, "echo-json", token="abc")
    assert caught.value.error_msg == "token abc  is not valid" and "<credential>" not in str(caught.value)
