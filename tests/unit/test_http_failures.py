"""What a caller gets when a call fails, in-process (httpx.MockTransport, sleeps recorded, never slept): the exact
type, message and attributes of transport failures, limits, deadlines and error bodies, for both clients; and
what the clients show of themselves. Fast enough for the mutation run's test selection."""

from __future__ import annotations

import asyncio
import json
import traceback
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

import workspace_desktop.client as c
from tests.conftest import load_example
from workspace_desktop import _http
from workspace_desktop._runtime import Operation
from workspace_desktop.models import OPERATIONS, ErrorResponse, ShowDesktopDetailResponse

PAGE = json.dumps(load_example()).encode()
BASE = "https://h.example.com"
Handler = Callable[[httpx.Request], httpx.Response]


def sync_call(handler: Handler, **options: Any) -> Any:
    options.setdefault("token", "t")
    with c.WorkspaceClient(base_url=BASE, transport=httpx.MockTransport(handler), **options) as client:
        return client.show_desktop_detail("p", "d", tolerant=True)


def async_call(handler: Handler, **options: Any) -> Any:
    options.setdefault("token", "t")

    async def run() -> Any:
        async with c.AsyncWorkspaceClient(base_url=BASE, transport=httpx.MockTransport(handler), **options) as client:
            return await client.show_desktop_detail("p", "d", tolerant=True)

    return asyncio.run(run())


CALLS = [sync_call, async_call]


def raising(error: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


# -- transport failures -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("error", "kind", "message"), [
    (httpx.ConnectError("refused"), c.ApiConnectionError, "connection failed (ConnectError: refused)"),
    (httpx.RemoteProtocolError("peer closed"), c.ApiConnectionError,
     "connection failed (RemoteProtocolError: peer closed)"),
    (httpx.ProxyError("proxy said no"), c.ApiConnectionError, "connection failed (ProxyError)"),
    (httpx.ReadTimeout("slow"), c.ApiTimeoutError, "timed out (ReadTimeout)"),
])
def test_a_transport_failure_is_typed_and_named(call: Any, error: Exception, kind: type[Exception],
                                                message: str) -> None:
    with pytest.raises(kind) as caught:
        call(raising(error), max_retries=0)
    assert type(caught.value) is kind and str(caught.value) == message


def test_a_transport_failure_after_the_deadline_is_a_deadline_error(monkeypatch: pytest.MonkeyPatch) -> None:
    deadline = _http._Deadline(2.5)
    monkeypatch.setattr(_http.time, "monotonic", lambda: deadline.at)  # the deadline's very end
    error = _http._connection_error(httpx.ConnectError("refused"), deadline)
    assert type(error) is c.DeadlineExceededError
    assert str(error) == "the call's deadline of 2.5 s passed (ConnectError)"


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("error", "message"), [
    (httpx.InvalidURL("Invalid non-printable ASCII character in URL"),
     "the request cannot be sent: Invalid non-printable ASCII character in URL"),
    (httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'ftp://'."),
     "the request cannot be sent: Request URL has an unsupported protocol 'ftp://'."),
    (httpx.LocalProtocolError("Illegal header value b'secret'"),
     "the request cannot be sent: a header or its value is not allowed (LocalProtocolError)"),
])
def test_a_request_that_cannot_be_sent_says_why(call: Any, error: Exception, message: str,
                                                sleeps: list[float]) -> None:
    with pytest.raises(c.InvalidRequestError) as caught:
        call(raising(error), max_retries=3)
    assert str(caught.value) == message and sleeps == []


# -- Retry-After and the deadline's arithmetic --------------------------------------------------------------------

@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("header", ["nan", "NaN", "-nan", "1_0", "1e1", "inf"])
def test_a_retry_after_that_is_no_number_of_seconds_falls_back_to_the_backoff(call: Any, header: str,
                                                                               sleeps: list[float]) -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": header}), httpx.Response(200, content=PAGE)])
    call(lambda r: next(answers), max_retries=1, backoff=0.5)
    assert sleeps == [0.5]


def test_a_wait_as_long_as_the_time_left_leaves_no_time_for_another_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_http.time, "monotonic", lambda: 100.0)
    deadline = _http._Deadline(10.0)
    assert deadline.allows(9.999) and not deadline.allows(10.0) and not deadline.allows(10.5)
    assert _http._Deadline(None).allows(1e9)


# -- limits -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("request_id", "shown"), [(None, "unknown"), ("r-1", "r-1")])
def test_a_body_over_the_limit_names_the_limit_and_the_request_id(call: Any, request_id: str | None,
                                                                   shown: str) -> None:
    headers = {"X-Request-Id": request_id} if request_id else {}
    with pytest.raises(c.ResponseTooLargeError) as caught:
        call(lambda r: httpx.Response(200, content=b"x" * 100, headers=headers), max_response_bytes=10)
    assert str(caught.value) == (f"HTTP 200: the body passed max_response_bytes=10 (its Content-Length is 100); "
                                 f"request id {shown}")
    assert (caught.value.status, caught.value.request_id) == (200, request_id)


# -- error bodies -------------------------------------------------------------------------------------------------

def error_of(status: int, content: bytes, op: Operation = OPERATIONS[0], **headers: str) -> _http.ApiError:
    response = httpx.Response(status, content=content, headers=headers)
    return _http._error_for(response, content, op, ("error_code", "error_msg", "request_id"))


@pytest.mark.parametrize(("body", "message"), [
    ({"error_code": "WKS.1"}, "HTTP 400 (WKS.1: ; request id unknown)"),
    ({"error_msg": "bad"}, "HTTP 400 (: bad; request id unknown)"),
])
def test_an_error_body_with_only_a_code_or_only_a_message(body: dict[str, str], message: str) -> None:
    error = error_of(400, json.dumps(body).encode())
    assert str(error) == message and error.excerpt == ""
    assert (error.error_code, error.error_msg) == (body.get("error_code"), body.get("error_msg"))


@pytest.mark.parametrize("content", [b"<html>oops</html>", b"", b"[1, 2]", b'"text"'])
def test_a_body_that_is_no_json_object_gives_no_fields(content: bytes) -> None:
    error = error_of(500, content)
    assert (error.error_code, error.error_msg, error.request_id, error.body) == (None, None, None, None)
    assert error.excerpt == " ".join(content.decode().split())


def test_the_excerpt_reads_the_first_200_bytes_only() -> None:
    # oracle: the words of the first 200 bytes; the 201st byte is not read
    error = error_of(502, b" " * 199 + b"ab")
    assert error.excerpt == "a" and str(error) == "HTTP 502 (non-JSON body: 'a'; request id unknown)"


def test_an_error_body_is_parsed_tolerantly_with_its_documented_model() -> None:
    # the page example needs its quirks (the strict parser refuses it): the error's body keeps them
    op = Operation("X", "GET", "/x", {"200": None, "409": ShowDesktopDetailResponse})
    with pytest.raises(_http.ContractError):
        ShowDesktopDetailResponse.from_dict(json.loads(PAGE))
    error = error_of(409, PAGE, op)
    assert isinstance(error.body, ShowDesktopDetailResponse) and error.body.deviations


def test_a_redirect_answer_keeps_its_body_fields_excerpt_and_location() -> None:
    op = Operation("X", "GET", "/x", {"200": None, "3XX": ErrorResponse})
    error = error_of(302, b'{"error_code": "C", "error_msg": "moved"}', op, Location="https://elsewhere/x")
    assert type(error) is _http.RedirectError and error.location == "https://elsewhere/x"
    assert (error.error_code, error.error_msg, error.excerpt) == ("C", "moved", "")
    assert isinstance(error.body, ErrorResponse) and error.body.to_dict() == {"error_code": "C", "error_msg": "moved"}
    page = error_of(301, b"<html>  moved\n here</html>", op)
    assert (page.excerpt, page.location, page.body, page.error_code) == ("<html> moved here</html>", None, None, None)


def test_a_redirect_keeps_every_field_it_was_given() -> None:
    body = ErrorResponse.from_dict({"error_code": "C", "error_msg": "m"})
    error = _http.RedirectError(302, "C", "m", "r", "ex", location="https://elsewhere/", body=body)
    assert (error.status, error.error_code, error.error_msg, error.request_id, error.excerpt, error.location,
            error.body) == (302, "C", "m", "r", "ex", "https://elsewhere/", body)
    assert str(error) == "HTTP 302 (a redirect to https://elsewhere/, not followed; request id r)"
    bare = _http.RedirectError(301, None, None, None)
    assert (bare.excerpt, bare.location, bare.body) == ("", None, None)
    assert str(bare) == "HTTP 301 (a redirect to (no Location), not followed; request id unknown)"


def test_an_api_error_built_by_hand_defaults_to_no_excerpt_and_no_body() -> None:
    error = _http.ApiError(418, None, None, None)
    assert (error.excerpt, error.body) == ("", None)
    assert str(error) == "HTTP 418 (non-JSON body: ''; request id unknown)"


# -- what the clients show of themselves --------------------------------------------------------------------------

def test_a_token_auth_shows_a_provider_or_a_hidden_token() -> None:
    assert repr(_http._TokenAuth(lambda: "s3cr3t", "X-Auth-Token")) == "_TokenAuth(provider)"
    assert repr(_http._TokenAuth(_http.Secret("s3cr3t"), "X-Auth-Token")) == "_TokenAuth(Secret('***'))"


class OpenClient(_http.BaseClient):
    """A client of a spec that asks for no credentials."""


def test_a_client_repr_names_its_kind_and_auth() -> None:
    assert repr(c.WorkspaceClient.__new__(c.WorkspaceClient)) == "WorkspaceClient(not set up)"
    with OpenClient(base_url=BASE, transport=httpx.MockTransport(lambda r: httpx.Response(200))) as open_client:
        assert repr(open_client) == f"OpenClient(base_url='{BASE}', auth=none, max_retries=3)"


async def _async_repr(**options: Any) -> str:
    async with c.AsyncWorkspaceClient(**options) as client:
        return repr(client)


@pytest.mark.parametrize(("options", "shown"), [
    ({"token": "t", "base_url": BASE}, f"AsyncWorkspaceClient(base_url='{BASE}', auth=token, max_retries=3)"),
    ({"ak": "AK", "sk": "SK", "region": "cn-north-4"},
     "AsyncWorkspaceClient(base_url='https://workspace.cn-north-4.myhuaweicloud.com', auth=ak/sk, max_retries=3)"),
])
def test_the_async_client_has_the_sync_defaults(options: dict[str, str], shown: str) -> None:
    assert asyncio.run(_async_repr(**options)) == shown


# -- the async client's own paths ---------------------------------------------------------------------------------

def test_the_async_deadline_cuts_a_transport_that_never_answers() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)  # a mock transport has no read timeout: only the deadline ends this
        return httpx.Response(200)

    async def run() -> None:
        async with c.AsyncWorkspaceClient(token="t", base_url=BASE, transport=httpx.MockTransport(handler),
                                          deadline=0.05) as client:
            await client.show_desktop_detail("p", "d")

    with pytest.raises(c.DeadlineExceededError) as caught:
        asyncio.run(run())
    assert str(caught.value) == "the call's deadline of 0.05 s passed"


@pytest.mark.parametrize("call", CALLS)
def test_the_default_backoff_starts_at_half_a_second(call: Any, sleeps: list[float]) -> None:
    answers = iter([httpx.Response(503), httpx.Response(503), httpx.Response(200, content=PAGE)])
    call(lambda r: next(answers))
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize("call", CALLS)
def test_the_timeout_clock_and_security_token_reach_the_request(call: Any) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=PAGE)

    when = datetime(2024, 3, 1, 12, 30, 5, tzinfo=UTC)
    call(handler, token=None, ak="AK", sk="SK", security_token="st-1", clock=lambda: when, timeout=7.0,
         deadline=None)
    (request,) = seen
    assert request.headers["X-Sdk-Date"] == "20240301T123005Z" and request.headers["X-Security-Token"] == "st-1"
    assert request.extensions["timeout"] == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}


def test_the_async_client_closes_only_its_own_http_client() -> None:
    async def run() -> tuple[bool, bool]:
        given = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
        async with c.AsyncWorkspaceClient(token="t", base_url=BASE, http_client=given):
            pass
        owned = c.AsyncWorkspaceClient(token="t", base_url=BASE)
        await owned.aclose()
        closed = given.is_closed, owned._http.is_closed
        await given.aclose()
        return closed

    assert asyncio.run(run()) == (False, True)


def test_the_sync_client_closes_only_its_own_http_client() -> None:
    given = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    with c.WorkspaceClient(token="t", base_url=BASE, http_client=given):
        pass
    owned = c.WorkspaceClient(token="t", base_url=BASE)
    owned.close()
    assert (given.is_closed, owned._http.is_closed) == (False, True)
    given.close()


CREATE = Operation("CreateThing", "POST", "/v1/things", {"201": None}, body=ErrorResponse, body_required=True)


class ThingClient(_http.BaseClient):
    AUTH = _http.Auth("X-Auth-Token")

    def create(self, body: Any) -> Any:
        return self._request(CREATE, {}, body, False)


class AsyncThingClient(_http.AsyncBaseClient):
    AUTH = _http.Auth("X-Auth-Token")

    async def create(self, body: Any) -> Any:
        return await self._request(CREATE, {}, body, False)


def test_both_clients_send_the_body_they_are_given() -> None:
    body = {"error_code": "é", "error_msg": "m"}
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201)

    with ThingClient(token="t", base_url=BASE, transport=httpx.MockTransport(handler)) as client:
        assert client.create(body) is None

    async def run() -> Any:
        async with AsyncThingClient(token="t", base_url=BASE, transport=httpx.MockTransport(handler)) as client:
            return await client.create(body)

    assert asyncio.run(run()) is None
    for request in seen:  # oracle: json.loads of the bytes that arrived
        assert request.method == "POST" and json.loads(request.content) == body
        assert request.headers["Content-Type"] == "application/json"
    assert len(seen) == 2


# -- compressed bodies, streamed ------------------------------------------------------------------------------------

class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body handed over in chunks, not read in advance (so the client's own reader decodes it)."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks

    def __iter__(self) -> Any:
        yield from self.chunks

    async def __aiter__(self) -> Any:
        for chunk in self.chunks:
            yield chunk


def compressed(data: bytes, coding: str) -> bytes:
    wbits = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS, "raw": -zlib.MAX_WBITS}[coding]
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("coding", "sent"), [("gzip", "gzip"), ("x-gzip", "gzip"), ("deflate", "deflate"),
                                              ("deflate", "raw"), (" GZip ", "gzip")])
def test_a_compressed_body_in_chunks_is_decoded(call: Any, coding: str, sent: str) -> None:
    body = compressed(PAGE, sent)
    chunks = [body[i:i + 5] for i in range(0, len(body), 5)]
    result = call(lambda r: httpx.Response(200, headers={"Content-Encoding": coding}, stream=Chunks(*chunks)))
    assert result.to_dict() == json.loads(PAGE)  # oracle: the JSON that was compressed


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_compressed_body_cut_short_is_a_connection_error_not_a_contract_error(call: Any, coding: str) -> None:
    body = compressed(PAGE, coding)
    cut = body[: len(body) - 8]  # a whole HTTP message, but the compressed stream stops before its end
    with pytest.raises(c.ApiConnectionError) as caught:
        call(lambda r: httpx.Response(200, headers={"Content-Encoding": coding, "X-Request-Id": "r-9"},
                                      stream=Chunks(cut)))
    assert str(caught.value) == f"HTTP 200: the {coding} body cannot be decoded; request id r-9"
    assert (caught.value.status, caught.value.request_id) == (200, "r-9")


@pytest.mark.parametrize("call", CALLS)
def test_an_empty_body_marked_gzip_is_empty(call: Any) -> None:
    op = OPERATIONS[0]
    assert op.model_for(200) is not None
    with pytest.raises(_http.ContractError):  # an empty 200 is no JSON document: a contract error, not a cut stream
        call(lambda r: httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=Chunks()))


# -- 2xx answers the contract does not cover ------------------------------------------------------------------------

@pytest.mark.parametrize("call", CALLS)
def test_an_undocumented_success_status_is_a_contract_error_with_the_request_id(call: Any) -> None:
    with pytest.raises(_http.ContractError) as caught:
        call(lambda r: httpx.Response(202, content=b"{}", headers={"X-Request-Id": "r-202"}))
    assert str(caught.value) == "1 contract problem: /: status 202 is not documented for ShowDesktopDetail"
    (finding,) = caught.value.problems
    assert (finding.pointer, finding.rule) == ("", "#") and caught.value.request_id == "r-202"


class Unreadable(ErrorResponse):
    """A model whose parser fails in a way no parser should (the client's last safety net)."""

    @classmethod
    def from_dict(cls, data: Any, tolerant: bool = False) -> Any:
        raise OverflowError("int too large to convert to float\n(in a 2nd line)")


class ReadingClient(_http.BaseClient):
    AUTH = _http.Auth("X-Auth-Token")

    def read(self) -> Any:
        return self._request(Operation("ReadThing", "GET", "/x", {"200": Unreadable}), {}, None, False)


def test_a_body_the_parser_fails_on_is_a_contract_error_never_a_traceback() -> None:
    handler = httpx.MockTransport(lambda r: httpx.Response(200, content=b"{}", headers={"X-Request-Id": "r-1"}))
    with ReadingClient(token="t", base_url=BASE, transport=handler) as client, \
            pytest.raises(_http.ContractError) as caught:
        client.read()
    assert str(caught.value) == ("1 contract problem: /: unreadable body: OverflowError: int too large to convert "
                                 "to float\\n(in a 2nd line)")
    (finding,) = caught.value.problems
    assert (finding.pointer, finding.rule) == ("", "#") and caught.value.request_id == "r-1"


def test_a_server_text_is_shown_with_backslashes_as_sent_and_control_characters_escaped() -> None:
    error = error_of(400, json.dumps({"error_code": "C\\d", "error_msg": "a\tb\x1b"}).encode())
    assert str(error) == "HTTP 400 (C\\d: a\\tb\\x1b; request id unknown)"
    assert (error.error_code, error.error_msg) == ("C\\d", "a\tb\x1b")


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("coding", "sent"), [("gzip", "raw"), ("gzip", "deflate"), ("x-gzip", "deflate"),
                                              ("deflate", "gzip")])
def test_only_deflate_may_come_without_its_wrapper(call: Any, coding: str, sent: str) -> None:
    # a body compressed otherwise than its Content-Encoding says is refused, not guessed at
    body = compressed(PAGE, sent)
    with pytest.raises(c.ApiConnectionError) as caught:
        call(lambda r: httpx.Response(200, headers={"Content-Encoding": coding}, stream=Chunks(body)))
    assert str(caught.value) == f"HTTP 200: the {coding} body cannot be decoded; request id unknown"


# -- limits on streamed bodies, and the deadline's clock --------------------------------------------------------------

@pytest.mark.parametrize("call", CALLS)
def test_a_streamed_body_stops_at_the_first_byte_past_the_limit(call: Any) -> None:
    with pytest.raises(c.ResponseTooLargeError) as caught:
        call(lambda r: httpx.Response(200, stream=Chunks(b"x" * 60, b"y" * 40, b"z" * 500)), max_response_bytes=90)
    assert str(caught.value) == ("HTTP 200: the body passed max_response_bytes=90 (stopped after 100 bytes); "
                                 "request id unknown")


@pytest.mark.parametrize("call", CALLS)
def test_a_body_exactly_at_the_limit_is_read(call: Any) -> None:
    assert call(lambda r: httpx.Response(200, content=PAGE), max_response_bytes=len(PAGE)).desktop is not None
    chunks = Chunks(PAGE[:100], PAGE[100:])
    assert call(lambda r: httpx.Response(200, stream=chunks), max_response_bytes=len(PAGE)).desktop is not None


@pytest.mark.parametrize("call", CALLS)
def test_a_body_httpx_already_decoded_is_not_decoded_again(call: Any) -> None:
    # MockTransport hands over a response already read: httpx undid its gzip then
    result = call(lambda r: httpx.Response(200, content=compressed(PAGE, "gzip"), headers={"Content-Encoding": "gzip"}))
    assert result.to_dict() == json.loads(PAGE)


@pytest.mark.parametrize(("coding", "sent"), [("gzip", "gzip"), ("deflate", "deflate"), ("deflate", "raw")])
def test_one_small_compressed_chunk_is_inflated_in_bounded_steps(coding: str, sent: str) -> None:
    plain = bytes(1 << 20)  # 1 MiB of zeros: about 1 KiB compressed
    pieces = list(_http._Decoder(coding).feed(compressed(plain, sent)))
    assert max(len(piece) for piece in pieces) <= _http._STEP and b"".join(pieces) == plain


class Clock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("call", CALLS)
def test_the_deadline_is_checked_between_chunks_of_the_body(call: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(_http.time, "monotonic", clock)

    class Slow(Chunks):
        def __iter__(self) -> Any:
            yield b"{"
            clock.now += 60
            yield b"}"

        async def __aiter__(self) -> Any:
            yield b"{"
            clock.now += 60
            yield b"}"

    with pytest.raises(c.DeadlineExceededError) as caught:
        call(lambda r: httpx.Response(200, stream=Slow()), deadline=5.0)
    assert str(caught.value) == "the call's deadline of 5 s passed while reading the body of HTTP 200"


@pytest.mark.parametrize("call", CALLS)
def test_a_sleep_that_overruns_the_deadline_ends_the_call(call: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(_http.time, "monotonic", clock)

    def oversleep(seconds: float) -> None:
        clock.now += seconds + 10

    async def async_oversleep(seconds: float) -> None:
        oversleep(seconds)

    monkeypatch.setattr(_http.time, "sleep", oversleep)
    monkeypatch.setattr(_http.asyncio, "sleep", async_oversleep)
    answers = iter([httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(200, content=PAGE)])
    with pytest.raises(c.DeadlineExceededError) as caught:
        call(lambda r: next(answers), deadline=5.0)
    assert str(caught.value) == "the call's deadline of 5 s passed"


def test_each_wait_of_an_attempt_is_capped_by_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(_http.time, "monotonic", clock)
    deadline = _http._Deadline(2.0)
    capped = deadline.timeout(httpx.Timeout(5.0, connect=1.0, pool=None))
    assert (capped.connect, capped.read, capped.write, capped.pool) == (1.0, 2.0, 2.0, 2.0)
    clock.now += 1.5
    capped = deadline.timeout(httpx.Timeout(None, read=0.25))
    assert (capped.connect, capped.read, capped.write, capped.pool) == (0.5, 0.25, 0.5, 0.5)
    capped = deadline.timeout(httpx.Timeout(0.125))  # every wait shorter than the time left: kept
    assert (capped.connect, capped.read, capped.write, capped.pool) == (0.125, 0.125, 0.125, 0.125)
    clock.now += 10  # past the end: the smallest wait, so the attempt fails at once as a timeout
    capped = deadline.timeout(httpx.Timeout(5.0))
    assert (capped.connect, capped.read, capped.write, capped.pool) == (0.001, 0.001, 0.001, 0.001)
    base = httpx.Timeout(5.0)
    assert _http._Deadline(None).timeout(base) is base


@pytest.mark.parametrize("call", CALLS)
def test_a_provider_token_that_cannot_be_sent_is_named_not_quoted(call: Any) -> None:
    with pytest.raises(c.CredentialsError) as caught:
        call(lambda r: httpx.Response(200, content=PAGE), token=lambda: "sec ret")
    assert str(caught.value) == ("the token provider's value holds characters other than printable ASCII "
                                 "(spaces included)")


@pytest.mark.parametrize("call", CALLS)
def test_a_provider_that_raises_is_named_and_its_message_left_out(call: Any) -> None:
    """The provider's own exception may quote the token it was handling: it is not chained (a traceback
    prints a chained exception's message)."""
    def provider() -> str:
        return str(int("MIIs3cr3t-token"))  # a ValueError whose message holds the token

    with pytest.raises(c.CredentialsError) as caught:
        call(lambda r: httpx.Response(200, content=PAGE), token=provider)
    assert str(caught.value) == "the token provider raised builtins.ValueError"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert "s3cr3t" not in "".join(traceback.format_exception(caught.value))


# -- what is checked before sending -------------------------------------------------------------------------------

LEAVES = "id must not contain '/', '\\\\' or '..': "  # the message shows the two characters '\\'
CONTROL = "id must not contain control characters: "


@pytest.mark.parametrize(("value", "message"), [
    ("", "id must be a non-empty string"), (7, "id must be a non-empty string"),
    ("a/b", LEAVES + "'a/b'"), ("a\\b", LEAVES + "'a\\\\b'"), (".", LEAVES + "'.'"), ("..", LEAVES + "'..'"),
    ("a..b", LEAVES + "'a..b'"),
    ("a\x01", CONTROL + "'a\\x01'"), ("\x7f", CONTROL + "'\\x7f'"), ("\x9f", CONTROL + "'\\x9f'"),
])
def test_a_path_segment_that_could_leave_its_place_is_refused(value: Any, message: str) -> None:
    with pytest.raises(c.InvalidRequestError) as caught:
        c.check_segment("id", value)
    assert str(caught.value) == message


@pytest.mark.parametrize(("value", "sent"), [("\xa0x", "%C2%A0x"), ("a.b", "a.b"), ("~é ?#", "~%C3%A9%20%3F%23")])
def test_a_path_segment_is_sent_percent_encoded(value: str, sent: str) -> None:
    assert c.check_segment("id", value) == sent


@pytest.mark.parametrize(("arguments", "message"), [
    ({"desktop_id": "\ud800"}, "desktop_id holds a character UTF-8 cannot encode (U+D800, a lone surrogate, at 0)"),
    ({"computer_name": "a\udc80"}, "computer_name holds a character UTF-8 cannot encode (U+DC80, a lone "
                                     "surrogate, at 1)"),
])
def test_a_parameter_utf8_cannot_encode_is_named(arguments: dict[str, str], message: str) -> None:
    """The codec's own message named neither the parameter nor the call: 'utf-8' codec can't encode..."""
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200, content=PAGE))
    with c.WorkspaceClient(token="t", base_url=BASE, transport=transport) as client, \
            pytest.raises(c.InvalidRequestError) as caught:
        if "desktop_id" in arguments:
            client.show_desktop_detail("p", **arguments)
        else:
            client.list_desktops_detail("p", **arguments)
    assert str(caught.value) == message and sent == []


@pytest.mark.parametrize("call", CALLS)
def test_the_request_asks_for_json_and_the_codings_it_can_undo(call: Any) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=PAGE)

    call(handler, token="!t0k~")  # every printable ASCII character, its ends included, may be a token's
    (request,) = seen
    assert sorted(request.headers) == ["accept", "accept-encoding", "connection", "host", "user-agent", "x-auth-token"]
    assert (request.headers["Accept"], request.headers["Accept-Encoding"], request.headers["User-Agent"],
            request.headers["X-Auth-Token"]) == ("application/json", "gzip, deflate", c.USER_AGENT, "!t0k~")


@pytest.mark.parametrize(("options", "message"), [
    ({"token": "t", "ak": "AK"}, "give either token= or ak=/sk=, not both"),
    ({"token": "t", "sk": "SK"}, "give either token= or ak=/sk=, not both"),
])
def test_a_token_and_half_a_key_pair_are_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        c.WorkspaceClient(base_url=BASE, **options)
    assert str(caught.value) == message


@pytest.mark.parametrize(("options", "message"), [
    ({"token": "t"}, "the spec declares no API key header: token= is not accepted"),
    ({"ak": "AK"}, "the spec declares no AK/SK signing: ak=/sk= are not accepted"),
    ({"sk": "SK"}, "the spec declares no AK/SK signing: ak=/sk= are not accepted"),
])
def test_credentials_the_spec_does_not_declare_are_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        OpenClient(base_url=BASE, **options)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize("call", CALLS)
def test_the_deadline_caps_the_timeout_of_the_request(call: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_http.time, "monotonic", Clock())  # time stands still: exactly 2 s are left
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=PAGE)

    call(handler, timeout=7.0, deadline=2.0)
    assert seen[0].extensions["timeout"] == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}


# -- the endpoint and the credentials a spec asks for -------------------------------------------------------------

class ServerClient(_http.BaseClient):
    SERVER = "https://{tenant}.api.example.com/{stage}/"


def test_the_base_url_is_the_given_one_or_the_spec_server_filled_in() -> None:
    with OpenClient(base_url="/" + BASE[1:] + "//") as given:
        assert given._policy.base_url == "/" + BASE[1:]  # only the trailing slashes go
    with ServerClient(server_variables={"tenant": "t1", "stage": "v 2"}) as filled:
        assert filled._policy.base_url == "https://t1.api.example.com/v%202"
    with ServerClient(server_variables={"tenant": "t1", "stage": "X"}) as ending_in_x:
        assert ending_in_x._policy.base_url == "https://t1.api.example.com/X"
    with OpenClient(base_url=BASE + "/X/") as given_x:
        assert given_x._policy.base_url == BASE + "/X"
    for variables, message in [({}, "give tenant= and stage= (for https://{tenant}.api.example.com/{stage}/) "
                                     "or base_url="),
                               ({"tenant": "a/b", "stage": "s"}, "tenant must not contain '/', '\\\\' or '..': "
                                                                 "'a/b'")]:
        with pytest.raises(ValueError) as caught:
            ServerClient(server_variables=variables)
        assert str(caught.value) == message
    with pytest.raises(ValueError) as caught:
        OpenClient()
    assert str(caught.value) == "the spec names no server: give base_url="


class TokenOnly(_http.BaseClient):
    AUTH = _http.Auth("X-Auth-Token", False, True)


class KeysOnly(_http.BaseClient):
    AUTH = _http.Auth(None, True, True)


@pytest.mark.parametrize(("kind", "message"), [
    (TokenOnly, "credentials are required: token= (sent as X-Auth-Token; a string or a callable returning one)"),
    (KeysOnly, "credentials are required: ak= and sk= (an access key pair)"),
])
def test_missing_credentials_name_only_what_the_spec_accepts(kind: type[_http.BaseClient], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        kind(base_url=BASE)
    assert str(caught.value) == message


def test_the_smallest_response_limit_is_one_byte() -> None:
    with c.WorkspaceClient(token="t", base_url=BASE, max_response_bytes=1) as client:
        assert client._policy.max_response_bytes == 1
    with pytest.raises(ValueError) as caught:
        c.WorkspaceClient(token="t", base_url=BASE, max_response_bytes=0)
    assert str(caught.value) == "max_response_bytes must be a positive number of bytes"


class OddAgent(_http.BaseClient):
    USER_AGENT = "agent \u2603"  # no header value httpx can encode


def test_a_request_httpx_cannot_build_is_refused_by_its_kind() -> None:
    with OddAgent(base_url=BASE, transport=httpx.MockTransport(lambda r: httpx.Response(200))) as client, \
            pytest.raises(c.InvalidRequestError) as caught:
        client._request(Operation("X", "GET", "/x", {"200": None}), {}, None, False)
    assert str(caught.value) == "the request cannot be sent: a header or its value is not allowed (UnicodeEncodeError)"
