"""The mock as an ASGI application: every operation of a generated package, served by path and method.

``create_app(config)`` returns a :class:`MockApp`, an ASGI 3 callable: uvicorn serves it (``server.py``),
and tests run it in-process behind ``httpx.ASGITransport`` (async clients) or ``httpx.MockTransport(app.handle)``
(sync clients), with no port. Answers follow the API gateway: unknown paths and unknown resource ids are 404,
another method on a known path is 405 with ``Allow``, auth failures 401 — each with the gateway's error body
``{"error_code", "error_msg", "request_id"}`` and an ``X-Request-Id`` header. Faults (429, 500, 503, an HTML
502, a slow answer, a truncated body) are injected at chosen rates in an order fixed by the seed.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import importlib
import json
import os
import re
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, NamedTuple
from urllib.parse import quote, unquote

from ..contract.bindings import load_bindings
from ..contract.captures import Router
from ..contract.report import visible
from ..errors import DeskkitError
from . import auth
from .config import MockConfig
from .faults import Faults
from .store import BadQuery, Route, build_routes

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
NOT_PRINTABLE = re.compile(r'[^\x20-\x7e]|["\\]')
#: The mock's own code for an id its store does not hold (the gateway's codes are APIGW.*).
NOT_FOUND = "MOCK.0404"


class MockRequest(NamedTuple):
    """A request as it arrived: the raw path and query (percent-encoding as sent), header bytes, the body."""

    method: str
    raw_path: bytes
    query: bytes
    headers: list[tuple[bytes, bytes]]  # names lower-case
    body: bytes
    client: str = "-"

    @property
    def target(self) -> str:
        """The request target as sent (path and query), as text."""
        path = self.raw_path.decode("latin-1")
        return f"{path}?{self.query.decode('latin-1')}" if self.query else path


class MockResponse(NamedTuple):
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = "application/json"
    close: bool = False  # ask the server to close the connection after answering
    operation: str | None = None  # the operationId that answered (None: unknown path, refusal, fault)


class RequestRecord(NamedTuple):
    """What the mock logged for one request (``MockApp.requests``)."""

    request_id: str
    method: str
    target: str  # path and query as sent
    operation: str | None  # the operationId answered, None for unknown paths and refusals
    status: int
    bytes: int
    ms: float


def new_request_id() -> str:
    """32 hex digits, as the gateway's request ids."""
    return os.urandom(16).hex()


def gateway_error(code: str, message: str, request_id: str) -> bytes:
    return json.dumps({"error_code": code, "error_msg": message, "request_id": request_id}).encode()


def escape(text: str) -> str:
    """``text`` safe for one log line: control characters, non-ASCII, quotes and backslashes as ``\\xNN`` (the
    byte, for text read as Latin-1 from the wire; the UTF-8 bytes beyond U+00FF)."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return text  # the usual case, without the regex
    return NOT_PRINTABLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    raw = bytes([ord(char)]) if ord(char) < 0x100 else char.encode("utf-8", errors="backslashreplace")
    return "".join(f"\\x{b:02x}" for b in raw)


def log_line(client: str, method: str, target: str, status: int, size: int, ms: float, request_id: str) -> str:
    return (f'deskkit mock: {escape(client)} "{escape(method)} {escape(target)}" {status} {size}B {ms:.1f}ms '
            f"request-id={request_id}")


def stderr_line(line: str) -> None:
    """``line`` on standard error in one unbuffered write (a third of a request's cost went to the text
    layer's write and flush); a closed stderr must not fail the request."""
    text = line + "\n"
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by an object without a file descriptor
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(text)
            sys.stderr.flush()
        return
    data = text.encode("utf-8", errors="backslashreplace")
    with contextlib.suppress(OSError):
        while data:
            data = data[os.write(fd, data):]


class MockApp:
    """The ASGI application. ``ids`` are the resource ids of the first item operation; ``ids_of(op)`` any
    operation's; ``requests`` the latest request records (at most ``config.keep_requests``)."""

    def __init__(self, config: MockConfig, log: Callable[[str], None] | None = None) -> None:
        config.check()
        self.config = config
        self.bindings = load_bindings(config.package)
        operations: tuple[Any, ...] = tuple(self.bindings.operations)
        self.warnings: list[str] = []  # what the operator should know (fixtures not served, …)
        self.routes: dict[str, Route] = build_routes(config, operations, self.warnings)
        self.router = Router(operations)
        self.patterns = {op.id: pattern for _, pattern, op in self.router.routes}
        for op_id, resource_id, why in self._unreachable():  # left out: listed, they would lead nowhere
            route = self.routes[op_id]
            del route.bodies[resource_id]
            if route.store is not None:
                route.store.remove(resource_id)
            self.warnings.append(f"--fixtures: {op_id} '{visible(resource_id)}' cannot be requested ({why}), so "
                                 "it is left out")
        self.faults = Faults(config.faults, config.fault_limit, config.seed)
        self.signing = importlib.import_module(f"{config.package}.signing") if config.ak else None
        self.requests: collections.deque[RequestRecord] = collections.deque(maxlen=max(config.keep_requests, 0))
        self.log = log

    def _unreachable(self) -> list[tuple[str, str, str]]:
        """Item fixtures no request can reach: named like a dot-segment (clients resolve ``.`` and ``..``),
        with bytes that are not UTF-8 in the file name, or like a literal path that wins over the parameter
        (``detail`` beside ``/desktops/detail``)."""
        out = []
        for route in self.routes.values():
            if route.kind != "item":
                continue
            for resource_id in route.bodies:
                if resource_id in (".", ".."):
                    out.append((route.op.id, resource_id, "a dot-segment, which clients resolve"))
                    continue
                try:
                    segment = quote(resource_id, safe="")
                except UnicodeEncodeError:
                    out.append((route.op.id, resource_id, "its file name is not UTF-8"))
                    continue
                *outer, last = re.findall(r"\{[^}]*\}", route.op.path)
                path = route.op.path.replace(last, segment)
                for name in outer:
                    path = path.replace(name, "x")
                answered, _ = self.router.match(route.op.method.upper(), path)
                if answered is not route.op:
                    owner = f"{answered.id}'s" if answered is not None else "no operation's"
                    out.append((route.op.id, resource_id, f"that path is {owner}"))
        return out

    @property
    def ids(self) -> list[str]:
        first = next((r for r in self.routes.values() if r.kind == "item"), None)
        return list(first.store.ids) if first and first.store else []

    def ids_of(self, operation_id: str) -> list[str]:
        route = self.routes[operation_id]
        return list(route.store.ids) if route.store else []

    # -- ASGI ---------------------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # websockets: the server refuses the upgrade
        started, request_id = time.perf_counter(), new_request_id()
        raw_path = scope.get("raw_path") or quote(scope.get("path", "/")).encode("ascii")
        client = scope.get("client")
        # ASGI servers give header names in lower case (the spec requires it), as bytes.
        request = MockRequest(scope["method"], bytes(raw_path).split(b"?", 1)[0], bytes(scope.get("query_string", b"")),
                              list(scope.get("headers", ())), b"", str(client[0]) if client else "-")
        body = await self._read_body(request, receive, request_id)
        if body is None:
            return  # the client went away before its body arrived: nobody to answer
        if isinstance(body, MockResponse):
            response = body
        else:
            request = request._replace(body=body)
            response = await self._respond_safely(request, request_id)
        self._finish(request, response, request_id, started)
        await _send(send, response, request_id, head=request.method == "HEAD")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read_body(self, request: MockRequest, receive: Receive,
                         request_id: str) -> bytes | MockResponse | None:
        """The whole request body (always read, so keep-alive stays in step), or a 4xx when it is too large
        or does not arrive in time; None when the client disconnected."""
        declared = auth.header(request.headers, b"content-length")
        if declared in (None, b"0") and auth.header(request.headers, b"transfer-encoding") is None:
            return b""  # no body declared: the parser has framed the request already, nothing to wait for
        limit = self.config.max_body
        if declared is not None and declared.isdigit() and int(declared[:20]) > limit:
            return _refusal(413, "Request entity too large.", request_id)
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.config.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        return _refusal(413, "Request entity too large.", request_id)
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            return _refusal(408, f"Request body not received within {self.config.body_timeout:g} s.", request_id)

    # -- the answer ---------------------------------------------------------------------------------------------
    async def respond(self, request: MockRequest, request_id: str | None = None) -> MockResponse:
        """The answer to ``request``: routing, auth, faults, then the operation's body."""
        request_id = request_id or new_request_id()
        method = request.method.upper()
        path = request.raw_path.decode("latin-1")
        op, known = self.router.match(method, path)
        if op is None and method == "HEAD":  # HEAD is GET without the body
            op, known = self.router.match("GET", path)
        if op is None:
            if not known:
                return _error(404, "APIGW.0101", "The API does not exist or has not been published in the "
                              "environment.", request_id)
            allow = self._allowed(path)
            if method == "OPTIONS":
                return MockResponse(204, b"", (("Allow", allow),), content_type=None)
            response = _error(405, "APIGW.0101", f"The API request method does not exist: {method[:20]} "
                              f"(allowed: {allow}).", request_id)
            return response._replace(headers=(("Allow", allow),))
        response = await self._operation(self.routes[op.id], path, request, request_id)
        return response._replace(operation=op.id)

    async def _operation(self, route: Route, path: str, request: MockRequest, request_id: str) -> MockResponse:
        """Auth, then a fault if one is due, then the operation's own answer."""
        refused = self._refuse(request)
        if refused:
            return _error(401, "APIGW.0301", refused, request_id)
        fault = self.faults.pick()
        if fault == "429":
            response = _error(429, "APIGW.0308", "The throttling threshold has been reached: policy user over "
                              "ratelimit,limit:20,time:1 second", request_id)
            retry = self.config.retry_after
            return response._replace(headers=(("Retry-After", retry),)) if retry is not None else response
        if fault == "500":
            return _error(500, "APIGW.0103", "Internal server error.", request_id)
        if fault == "503":
            return _error(503, "APIGW.0202", "Service unavailable.", request_id)
        if fault == "502-html":
            return MockResponse(502, HTML_502, content_type="text/html")
        if fault == "slow":
            try:
                await asyncio.sleep(self.config.slow_seconds)
            except asyncio.CancelledError:  # the server is stopping and its grace ran out: answer at once (raised
                # on, the cancellation was logged as an exception in the app, with its traceback)
                return _error(503, "APIGW.0202", "Service unavailable: the mock is stopping.", request_id)
        response = self._answer(route, path, request, request_id)
        if fault == "truncate" and response.status < 300:
            response = response._replace(body=response.body[: len(response.body) // 2])
        return response

    def _answer(self, route: Route, path: str, request: MockRequest, request_id: str) -> MockResponse:
        content_type = "application/json" if route.status != 204 else None
        if route.kind == "item":
            match = self.patterns[route.op.id].match(path)
            assert match is not None and route.store is not None
            resource_id = unquote(match.groups()[-1], errors="replace")
            body = route.bodies.get(resource_id)
            if body is None:
                return _error(404, NOT_FOUND, f"No resource with {route.store.id_field} {resource_id[:200]!r}.",
                              request_id)
            return MockResponse(route.status, body, content_type=content_type)
        if route.kind == "list":
            try:
                return MockResponse(route.status, route.page(request.query.decode("latin-1")))
            except BadQuery as exc:
                return _error(400, "APIGW.0201", f"API request error: {exc}.", request_id)
        return MockResponse(route.status, route.body, content_type=content_type if route.body else None)

    def _allowed(self, path: str) -> str:
        methods = {verb for verb, pattern, _ in self.router.routes if pattern.match(path)}
        if "GET" in methods:
            methods.add("HEAD")
        return ", ".join(sorted(methods | {"OPTIONS"}))

    def _refuse(self, request: MockRequest) -> str | None:
        config = self.config
        if self.signing is None or config.ak is None or config.sk is None:
            return auth.refuse_token(request.headers, config.token)
        return auth.refuse_signature(self.signing, config.ak, config.sk, request.method,
                                     request.raw_path.decode("latin-1"), request.query.decode("latin-1"),
                                     request.headers, request.body)

    async def _respond_safely(self, request: MockRequest, request_id: str) -> MockResponse:
        try:
            return await self.respond(request, request_id)
        except Exception as exc:  # a bug in the mock: one JSON 500 and one log line, never a dropped connection
            return _error(500, "MOCK.0500", f"the mock failed: {type(exc).__name__}: {exc}"[:500], request_id)

    def _finish(self, request: MockRequest, response: MockResponse, request_id: str, started: float) -> None:
        """Record and log the request, before its body goes out (whoever reads the answer finds its line)."""
        ms = (time.perf_counter() - started) * 1000
        self.requests.append(RequestRecord(request_id, request.method, request.target, response.operation,
                                           response.status, len(response.body), ms))
        if self.log is not None:
            self.log(log_line(request.client, request.method, request.target, response.status, len(response.body),
                              ms, request_id))

    # -- in-process, for synchronous clients ------------------------------------------------------------------
    def handle(self, request: Any) -> Any:
        """An ``httpx.MockTransport`` handler: ``httpx.Client(transport=httpx.MockTransport(app.handle))``.
        Runs the answer on a private event loop, so call it from synchronous code only."""
        import httpx

        started, request_id = time.perf_counter(), new_request_id()
        url: httpx.URL = request.url
        mock_request = MockRequest(request.method, url.raw_path.split(b"?", 1)[0], url.query,
                                   [(k.lower(), v) for k, v in request.headers.raw], request.read())
        response = asyncio.run(self._respond_safely(mock_request, request_id))
        self._finish(mock_request, response, request_id, started)
        body = b"" if request.method == "HEAD" else response.body
        return httpx.Response(response.status, headers=_headers(response, request_id), content=body)


def _refusal(status: int, message: str, request_id: str) -> MockResponse:
    """A request the mock will not read to its end: answered, then the connection is closed."""
    return MockResponse(status, gateway_error("APIGW.0201", message, request_id), close=True)


def _error(status: int, code: str, message: str, request_id: str) -> MockResponse:
    return MockResponse(status, gateway_error(code, message, request_id))


def _headers(response: MockResponse, request_id: str) -> list[tuple[bytes, bytes]]:
    """The answer's headers, names in lower case (ASGI's form; HTTP names are case-insensitive)."""
    headers = [(b"content-type", response.content_type.encode())] if response.content_type else []
    if response.status != 204:
        headers.append((b"content-length", b"%d" % len(response.body)))
    headers.append((b"x-request-id", request_id.encode()))
    if response.close:
        headers.append((b"connection", b"close"))
    headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers]
    return headers


async def _send(send: Send, response: MockResponse, request_id: str, head: bool) -> None:
    headers = _headers(response, request_id)
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})


def create_app(config: MockConfig, *, log: Callable[[str], None] | None = None) -> MockApp:
    """The mock for ``config`` as an ASGI app; ``log`` receives one line per request (default: none).

    Raises :class:`DeskkitError` for settings or fixtures that cannot work (naming the file or setting).
    """
    try:
        return MockApp(config, log)
    except DeskkitError:
        raise
    except (ImportError, AttributeError) as exc:
        raise DeskkitError(f"cannot serve {config.package!r}: {exc}") from None
