"""What the generated sync and async clients share, on httpx: errors, credentials, retries, reading answers.

Errors::

    ClientError
    ├── ApiError                 the service answered with an error status (typed by status below)
    │   ├── RedirectError          3xx: never followed (``location`` says where it pointed)
    │   ├── BadRequestError        400
    │   ├── AuthenticationError    401
    │   ├── PermissionDeniedError  403
    │   ├── NotFoundError          404
    │   ├── RateLimitError         429
    │   └── ServerError            5xx
    ├── ApiConnectionError       no usable answer (connection failed or cut, body not decodable)
    │   ├── ApiTimeoutError        the service did not answer in time (a connect or read timeout)
    │   │   └── DeadlineExceededError  the call's total ``deadline`` (retries included) passed
    │   └── ResponseTooLargeError  the body (counted after decompression) passed ``max_response_bytes``
    ├── CredentialsError         the token provider failed or gave something that cannot be sent
    └── InvalidRequestError      (also a ValueError) the request cannot be built or sent: a path parameter
                                 that would leave its segment, a URL too long, a header value httpx refuses
    ContractError (a ValueError) a 2xx body that breaks the contract or cannot be read; carries ``request_id``

Credentials: an IAM token (``token=``, a string or a callable) or an access key pair (``ak=``/``sk=``,
signed with SDK-HMAC-SHA256, see :mod:`.signing`), checked when the client is made. They are sent only to
the base URL: redirects are never followed (whatever the ``http_client`` says), a 3xx is a
:class:`RedirectError`. Connection errors, 429 and 502/503/504 are retried with exponential backoff and full
jitter, honouring ``Retry-After``, while the ``deadline`` allows; what cannot be sent is never retried. The
token, its provider and the secret key are kept in :class:`~.signing.Secret` objects: they never appear in a
repr, a log line, an exception message or a traceback's locals.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import re
import time
import zlib
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Final, NamedTuple, Self, TypedDict
from urllib.parse import quote, quote_plus, urlsplit

import httpx

from ._runtime import ContractError, Finding, Model, Operation, Parameter, decode
from .signing import SdkSigner, Secret, header_value_problem

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AsyncBaseClient",
    "AsyncOptions",
    "Auth",
    "AuthenticationError",
    "BadRequestError",
    "BaseClient",
    "ClientError",
    "CredentialsError",
    "DeadlineExceededError",
    "InvalidRequestError",
    "NotFoundError",
    "Options",
    "PermissionDeniedError",
    "Prepared",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "Secret",
    "ServerError",
    "TokenSource",
    "build_request",
    "check_segment",
]

DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
RETRY_STATUSES: Final = frozenset({429, 502, 503, 504})
MAX_BACKOFF: Final = 20.0
#: The most retries a client makes (more would outlast any deadline a caller means).
MAX_RETRIES: Final = 100
#: Largest response body read, counted after decompression (a larger one is a ResponseTooLargeError).
DEFAULT_MAX_RESPONSE_BYTES: Final = 32 * 1024 * 1024
#: Seconds one call may take, retries and their waits included (None: no bound beyond the timeouts).
DEFAULT_DEADLINE: Final = 120.0
#: Characters of a server-chosen text (error_msg, Location, ...) shown in an exception message.
SHOWN: Final = 200

TokenSource = str | Secret | Callable[[], str]


class _Options(TypedDict, total=False):
    token: TokenSource | None
    ak: str | None
    sk: str | None
    project_id: str | None
    security_token: str | None
    base_url: str | None
    timeout: float | httpx.Timeout
    max_retries: int
    backoff: float
    max_response_bytes: int
    deadline: float | None
    clock: Callable[[], datetime] | None


class Options(_Options, total=False):
    """Keyword arguments of a synchronous client (see :class:`BaseClient`)."""

    http_client: httpx.Client | None
    transport: httpx.BaseTransport | None


class AsyncOptions(_Options, total=False):
    """Keyword arguments of an asynchronous client (see :class:`AsyncBaseClient`)."""

    http_client: httpx.AsyncClient | None
    transport: httpx.AsyncBaseTransport | None


class ClientError(Exception):
    """Base of the client's errors."""


def _shorten(text: str, limit: int = SHOWN) -> str:
    """A server-chosen text fit for a message: control characters escaped, cut to ``limit`` characters."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: limit + 1])
    return shown if len(text) <= limit else f"{shown[:limit]}... ({len(text)} characters)"


class ApiError(ClientError):
    """An error status from the service: status, the error body's code and message (the fields the spec names
    with x-deskkit-error), the request id, and ``body``: the error body parsed with its documented model (None
    when there is none or it does not parse).

    The attributes hold what the service sent, whole; the message shows at most :data:`SHOWN` characters of each.
    """

    def __init__(self, status: int, error_code: str | None, error_msg: str | None, request_id: str | None,
                 excerpt: str = "", body: Model | None = None) -> None:
        self.status, self.error_code, self.error_msg, self.request_id = status, error_code, error_msg, request_id
        self.excerpt = excerpt
        self.body = body
        super().__init__(f"HTTP {status} ({self._detail()}; request id {_shorten(request_id or 'unknown')})")

    def _detail(self) -> str:
        if self.error_code or self.error_msg:
            return f"{_shorten(self.error_code or '')}: {_shorten(self.error_msg or '')}"
        return f"non-JSON body: {self.excerpt!r}"


class RedirectError(ApiError):
    """3xx: the client follows no redirect, so its credentials never reach another host."""

    def __init__(self, status: int, error_code: str | None, error_msg: str | None, request_id: str | None,
                 excerpt: str = "", location: str | None = None, body: Model | None = None) -> None:
        self.location = location  #: where the service pointed (None when it gave no Location)
        super().__init__(status, error_code, error_msg, request_id, excerpt, body)

    def _detail(self) -> str:
        return f"a redirect to {_shorten(self.location or '(no Location)')}, not followed"


class BadRequestError(ApiError):
    """400: the request cannot be understood."""


class AuthenticationError(ApiError):
    """401: the credentials were refused."""


class PermissionDeniedError(ApiError):
    """403: not allowed."""


class NotFoundError(ApiError):
    """404: no such resource."""


class RateLimitError(ApiError):
    """429: throttled (retried first, raised when the retries are spent)."""


class ServerError(ApiError):
    """5xx: the service failed."""


class ApiConnectionError(ClientError):
    """No usable answer after the retries: the connection failed or was cut, or the body cannot be used."""

    #: The status and X-Request-Id of the answer, when one had begun.
    status: int | None = None
    request_id: str | None = None


class ApiTimeoutError(ApiConnectionError):
    """The service did not answer in time."""


class DeadlineExceededError(ApiTimeoutError):
    """The call's ``deadline`` passed (it covers every attempt and every wait between them)."""


class ResponseTooLargeError(ApiConnectionError):
    """The body passed ``max_response_bytes`` (counted after decompression); reading stopped there."""


class CredentialsError(ClientError):
    """The token provider raised, or returned something that is not a token that can be sent (never retried)."""


class InvalidRequestError(ClientError, ValueError):
    """The request cannot be built or sent as asked (never sent, never retried)."""


_BY_STATUS: Final[dict[int, type[ApiError]]] = {400: BadRequestError, 401: AuthenticationError,
                                                403: PermissionDeniedError, 404: NotFoundError,
                                                429: RateLimitError}


def check_segment(name: str, value: str) -> str:
    """A path parameter, percent-encoded; refused (before any request) when it could leave its segment."""
    if not isinstance(value, str) or not value:
        raise InvalidRequestError(f"{name} must be a non-empty string")
    if "/" in value or "\\" in value or value in (".", "..") or ".." in value:
        raise InvalidRequestError(f"{name} must not contain '/', '\\\\' or '..': {_shorten(repr(value))}")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value):
        raise InvalidRequestError(f"{name} must not contain control characters: {_shorten(repr(value))}")
    return quote(value, safe="")


def _excerpt(body: bytes) -> str:
    text = body[:200].decode("utf-8", "replace")
    return " ".join(text.split())[:120]


ErrorFields = tuple[str | None, str | None, str | None]


#: The request headers that carry a credential (beside the spec's API key header, which the auth names).
CREDENTIAL_HEADERS: Final = ("X-Security-Token",)
#: What a credential the service echoed back is shown as, in an error's text and attributes.
HIDDEN: Final = "<credential>"
#: Credentials shorter than this are not looked for (replacing a letter everywhere would garble the text).
HIDDEN_FROM: Final = 8


def _sent_credentials(response: httpx.Response, token_header: str | None) -> tuple[str, ...]:
    """The credentials the request that got ``response`` carried (the token; a temporary security token), each
    with the forms an echo may take: as sent, percent-encoded (in a URL) and with JSON's escaped slash."""
    try:
        headers = response.request.headers
    except RuntimeError:  # (a response built by hand has no request)
        return ()
    names = (token_header, *CREDENTIAL_HEADERS) if token_header else CREDENTIAL_HEADERS
    sent = [value for name in names if (value := headers.get(name)) and len(value) >= HIDDEN_FROM]
    forms = {form for value in sent for form in (value, quote(value, safe=""), quote_plus(value),
                                                 value.replace("/", "\\/"))}
    return tuple(sorted(forms, key=len, reverse=True))  # (the longest first: a form may hold another)


def _hidden(text: str | None, credentials: tuple[str, ...]) -> str | None:
    for credential in credentials:
        if text is not None and credential in text:
            text = text.replace(credential, HIDDEN)
    return text


def _hidden_in(value: Any, credentials: tuple[str, ...]) -> Any:
    """Decoded JSON with every credential in its strings (keys too) replaced by :data:`HIDDEN`."""
    if isinstance(value, str):
        return _hidden(value, credentials)
    if isinstance(value, list):
        return [_hidden_in(item, credentials) for item in value]
    if isinstance(value, dict):
        return {_hidden(key, credentials): _hidden_in(item, credentials) for key, item in value.items()}
    return value


def _error_for(response: httpx.Response, content: bytes, op: Operation, fields: ErrorFields,
               credentials: tuple[str, ...] = ()) -> ApiError:
    """The typed error of a non-2xx response; a body that is not the documented JSON still gives one. The
    code, message and request id are read from the fields the spec names (x-deskkit-error). A credential the
    request carried that the service echoes back (a 401 quoting the token, a Location carrying it) is
    replaced by :data:`HIDDEN` everywhere the error shows or holds the service's text: in the decoded body
    (so an escaped echo is found too), the excerpt of a body that is not JSON, and the headers read."""
    code = message = body_request_id = None
    parsed: Model | None = None
    try:
        body = _hidden_in(json.loads(content), credentials) if credentials else json.loads(content)
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, dict):
        code, message, body_request_id = (
            body.get(key) if key is not None and isinstance(body.get(key), str) else None for key in fields)
        model = op.model_for(response.status_code)
        if model is not None:
            try:
                parsed = model.from_dict(body, tolerant=True)
            except (ContractError, RecursionError):
                parsed = None
    request_id = _hidden(response.headers.get("X-Request-Id") or body_request_id, credentials)
    status = response.status_code
    kind = _BY_STATUS.get(status) or (ServerError if status >= 500 else
                                      RedirectError if 300 <= status < 400 else ApiError)
    if code or message:
        excerpt = ""
    else:  # (hidden before it is cut: a cut may leave part of a credential)
        head = content[:240 + max(map(len, credentials), default=0)].decode("utf-8", "replace")
        excerpt = _excerpt((_hidden(head, credentials) or "").encode())
    if kind is RedirectError:
        return RedirectError(status, code, message, request_id, excerpt,
                             location=_hidden(response.headers.get("Location"), credentials), body=parsed)
    return kind(status, code, message, request_id, excerpt, parsed)


_SECONDS: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        if _SECONDS.fullmatch(value) is None:  # digits (a sign, a fraction: read too); not float()'s 1_0, 1e3
            raise ValueError(value)
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (ValueError, TypeError, OverflowError):
            return None  # "soon-ish": fall back on our own backoff
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if seconds == seconds else None  # NaN is no answer


class Prepared(NamedTuple):
    """A request as the spec says to send it: path with its parameters, query, headers, JSON body."""

    method: str
    path: str
    query: str  # percent-encoded, "" when there is none
    headers: dict[str, str]
    content: bytes | None

    @property
    def target(self) -> str:
        """Path and query, as they go on the request line."""
        return f"{self.path}?{self.query}" if self.query else self.path


def build_request(op: Operation, values: Mapping[str, Any], body: Any) -> Prepared:
    """Serialize the arguments of a call to ``op`` (keyed by argument name, else wire name; None: not sent).
    A missing required argument or a value its schema refuses is an :class:`InvalidRequestError` (a
    ValueError), a body its model refuses a ContractError, before anything is sent."""
    try:
        return _prepared(op, values, body)
    except ContractError:
        raise
    except ValueError as exc:
        raise InvalidRequestError(str(exc)) from None


def _encodable(param: Parameter, texts: list[str]) -> list[str]:
    """``texts``, when UTF-8 can encode them (a lone surrogate it cannot: the error names the parameter)."""
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"{param.py_name or param.name} holds a character UTF-8 cannot encode "
                             f"(U+{ord(text[exc.start]):04X}, a lone surrogate, at {exc.start})") from None
    return texts


def _prepared(op: Operation, values: Mapping[str, Any], body: Any) -> Prepared:
    path = op.path
    query: list[str] = []
    headers: dict[str, str] = {}
    for param in op.parameters:
        value = values.get(param.py_name or param.name)
        if value is None:
            if param.required:
                raise ValueError(f"{param.py_name or param.name} is required")
            continue
        if param.location == "query":
            # Every key and value percent-encoded (a space as %20), except the commas that join an unexploded
            # array: an item's own comma is %2C, so the list reads back unambiguously.
            key = quote(param.name, safe="")
            items = [quote(text, safe="") for text in _encodable(param, param.texts(value))]
            if param.explode or param.site.items is None:
                query.extend(f"{key}={item}" for item in items)
            elif items:  # (an empty list is left out, as exploded: `key=` would read back as [""])
                query.append(f"{key}={','.join(items)}")
            continue
        texts = _encodable(param, param.encode(value))
        if param.location == "path":
            path = path.replace("{" + param.name + "}", check_segment(param.py_name or param.name, texts[0]))
        else:
            problem = header_value_problem(texts[0])
            if problem is not None:
                raise ValueError(f"{param.py_name or param.name} {problem}")
            headers[param.name] = texts[0]
    content = None
    if body is not None:
        if op.body is None:
            raise ValueError(f"{op.id} takes no request body")
        if isinstance(body, Model):
            data = body.to_dict()
        elif isinstance(body, dict):
            op.body.from_dict(body)  # refused here, with every problem, rather than by the service
            data = body
        else:
            raise TypeError(f"body must be a {op.body.__name__} or a dict, not {type(body).__name__}")
        content = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        headers["Content-Type"] = "application/json"
    elif op.body_required:
        raise ValueError(f"{op.id} requires a body (a {op.body.__name__ if op.body else 'JSON'} or a dict)")
    return Prepared(op.method, path, "&".join(query), headers, content)


def _token_problem(value: object) -> str | None:
    """Why ``value`` is not a token that can be sent in a header (never quoting it), or None."""
    problem = header_value_problem(value)
    if problem is None and not all("!" <= c <= "~" for c in str(value)):
        problem = "holds characters other than printable ASCII (spaces included)"
    return problem


class _TokenAuth(httpx.Auth):
    """Sends the token in the spec's API key header; a provider is asked on every request (it may cache; after
    a 401 it must give a fresh token) and what it gives is checked before anything is sent."""

    def __init__(self, token: Secret | Callable[[], str], header: str) -> None:
        self.token, self.header = token, header

    def __repr__(self) -> str:
        return "_TokenAuth(provider)" if callable(self.token) else f"_TokenAuth({self.token!r})"

    def current(self) -> Secret:
        if isinstance(self.token, Secret):
            return self.token
        held = _ask(self.token)
        problem = _token_problem(held.reveal())
        if problem:
            raise CredentialsError(f"the token provider's value {problem}")
        return held

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self.header] = self.current().reveal()
        yield request


def _ask(provider: Callable[[], str]) -> Secret:
    """The provider's answer, held at once in a Secret (so no traceback local shows it)."""
    try:
        return Secret(provider())
    except Exception as exc:
        # Not chained: the provider's own message may quote the token it was handling (the type says which).
        raise CredentialsError(f"the token provider raised {type(exc).__module__}.{type(exc).__qualname__}") \
            from None


class _Deadline:
    """The end of one call (retries included), on the monotonic clock; ``None`` seconds: no end."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        return None if self.at is None else self.at - time.monotonic()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def allows(self, wait: float) -> bool:
        """Whether a wait of ``wait`` seconds still leaves time for another attempt."""
        left = self.remaining()
        return left is None or wait < left

    def check(self, doing: str = "") -> None:
        if self.expired():
            raise DeadlineExceededError(f"the call's deadline of {self.seconds:g} s passed{doing}")

    def timeout(self, base: httpx.Timeout) -> httpx.Timeout:
        """``base`` with no single wait (connect, read, write, pool) longer than the time left."""
        left = self.remaining()
        if left is None:
            return base
        left = max(left, 0.001)
        return httpx.Timeout(connect=_cap(base.connect, left), read=_cap(base.read, left),
                             write=_cap(base.write, left), pool=_cap(base.pool, left))


def _cap(value: float | None, left: float) -> float:
    return left if value is None else min(value, left)


class _Answer(NamedTuple):
    """A response and its body, read within the limits."""

    response: httpx.Response
    body: bytes


#: Most bytes one decompression step may produce: what a small compressed chunk can cost in memory.
_STEP: Final = 64 * 1024


class _Decoder:
    """Undoes a Content-Encoding (gzip, deflate or none) in steps of at most :data:`_STEP` bytes, so a small
    compressed chunk never becomes a large allocation (httpx's own decoders inflate a chunk in one go)."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}.get(coding)
        self.inflate = None if wbits is None else zlib.decompressobj(wbits)
        self.started = False

    def feed(self, data: bytes) -> Generator[bytes, None, None]:
        if self.inflate is None:
            yield data
            return
        try:
            piece = self.inflate.decompress(data, _STEP)
        except zlib.error:
            if self.coding != "deflate" or self.started:
                raise
            self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)  # deflate sent without its zlib wrapper
            piece = self.inflate.decompress(data, _STEP)
        self.started = True
        yield piece
        while self.inflate.unconsumed_tail:
            yield self.inflate.decompress(self.inflate.unconsumed_tail, _STEP)

    def flush(self) -> bytes:
        """What is left at the end of the body; zlib.error when the compressed stream was cut short (zlib does
        not say so itself: a gzip body missing its checksum, or deflate missing its last block, would pass)."""
        if self.inflate is None:
            return b""
        rest = self.inflate.flush()
        if self.started and not self.inflate.eof:
            raise zlib.error  # the stream was cut short (the caller names the coding)
        return rest


class _Body:
    """Collects a streamed body, decoding it, up to ``limit`` decoded bytes, within the deadline."""

    def __init__(self, response: httpx.Response, limit: int, deadline: _Deadline) -> None:
        self.response, self.limit, self.deadline = response, limit, deadline
        self.data = bytearray()
        # A transport may hand over a response already read (httpx.MockTransport does): httpx decoded it then.
        self.read = response.is_stream_consumed
        coding = "identity" if self.read else response.headers.get("Content-Encoding", "identity").strip().lower()
        if coding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise self._failed(f"its Content-Encoding {_shorten(coding)!r} was not asked for")
        self.decoder = _Decoder(coding)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and coding == "identity" and int(declared) > limit:
            raise self._too_large(f"its Content-Length is {declared}")

    def _failed(self, why: str, kind: type[ApiConnectionError] = ApiConnectionError) -> ApiConnectionError:
        response, request_id = self.response, _request_id(self.response)
        error = kind(f"HTTP {response.status_code}: {why}; request id {_shorten(request_id or 'unknown')}")
        error.status, error.request_id = response.status_code, request_id
        return error

    def _too_large(self, why: str) -> ApiConnectionError:
        return self._failed(f"the body passed max_response_bytes={self.limit} ({why})", ResponseTooLargeError)

    def _add(self, piece: bytes) -> None:
        if len(self.data) + len(piece) > self.limit:
            raise self._too_large(f"stopped after {len(self.data) + len(piece)} bytes")
        self.data += piece

    def feed(self, raw: bytes) -> None:
        """One chunk as received; decoded, counted, kept."""
        try:
            for piece in self.decoder.feed(raw):
                self._add(piece)
        except zlib.error:
            raise self._failed(f"the {self.decoder.coding} body cannot be decoded") from None
        self.deadline.check(f" while reading the body of HTTP {self.response.status_code}")

    def answer(self) -> _Answer:
        try:
            self._add(self.decoder.flush())
        except zlib.error:
            raise self._failed(f"the {self.decoder.coding} body cannot be decoded") from None
        return _Answer(self.response, bytes(self.data))


def _request_id(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("X-Request-Id")
    return value


@dataclass
class _Policy:
    """What both clients share: endpoint, credentials, retry rules, limits, and how to read a response."""

    base_url: str
    auth: httpx.Auth | None  # None: the spec asks for no credentials, and none were given
    error_fields: ErrorFields
    max_retries: int
    backoff: float
    sleep_cap: float
    user_agent: str
    max_response_bytes: int
    deadline: float | None

    def headers(self) -> dict[str, str]:
        """Request headers; the credentials are added by :attr:`auth` (an ``httpx.Auth``). Only the codings the
        body reader undoes in bounded steps are asked for."""
        return {"Accept": "application/json", "Accept-Encoding": "gzip, deflate", "User-Agent": self.user_agent}

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Full-jitter exponential backoff, or the server's Retry-After when it gives one."""
        if response is not None:
            after = _retry_after(response)
            if after is not None:
                return min(after, self.sleep_cap)
        return random.uniform(0, min(self.sleep_cap, self.backoff * 2.0 ** min(attempt, 64)))  # (no overflow)

    def retryable(self, response: httpx.Response) -> bool:
        return response.status_code in RETRY_STATUSES

    def retry_delay(self, attempt: int, response: httpx.Response | None, deadline: _Deadline) -> float | None:
        """How long to wait before the next attempt; None when there is none (not retryable, retries spent,
        or the deadline would pass first)."""
        if (response is not None and not self.retryable(response)) or attempt >= self.max_retries:
            return None
        wait = self.delay(attempt, response)
        return wait if deadline.allows(wait) else None

    def can_refresh(self, response: httpx.Response, refreshed: bool) -> bool:
        provider = isinstance(self.auth, _TokenAuth) and callable(self.auth.token)
        return response.status_code == 401 and provider and not refreshed

    def parse(self, answer: _Answer, op: Operation, tolerant: bool) -> Any:
        """The model of a 2xx response (None where the spec documents no body), or the typed error."""
        response, body = answer
        if not response.is_success:
            header = self.auth.header if isinstance(self.auth, _TokenAuth) else None
            failed = _error_for(response, body, op, self.error_fields, _sent_credentials(response, header))
            del answer, response, body  # a traceback showing its frames' locals must not show the raw body either
            raise failed
        if not op.documents(response.status_code):
            error = ContractError([Finding("", f"status {response.status_code} is not documented for {op.id}",
                                           "#")])
            error.request_id = _request_id(response)
            raise error
        model = op.model_for(response.status_code)
        if model is None:
            return None
        try:
            return model.from_dict(decode(body), tolerant=tolerant)
        except ContractError as error:
            error.request_id = _request_id(response)
            raise
        except (ValueError, TypeError, RecursionError, OverflowError) as exc:  # whatever decoding let through
            unreadable = ContractError([Finding("", f"unreadable body: {type(exc).__name__}: "
                                                    f"{_shorten(str(exc))}", "#")])
            unreadable.request_id = _request_id(response)
            raise unreadable from None


_VARIABLE: Final = re.compile(r"\{([^{}]+)\}")


def _base_url(server: str | None, variables: Mapping[str, str | None], base_url: str | None) -> str:
    """``base_url`` as given, else the spec's server URL with its variables filled in."""
    if base_url is not None:
        parts = urlsplit(base_url)
        if "@" in parts.netloc:
            raise ValueError("base_url must not hold user:password@ (give the credentials as token= or ak=/sk=)")
        if "?" in base_url or "#" in base_url:  # the path would go after them (an empty one too: `x?`)
            raise ValueError("base_url must not hold a query (?) or a fragment (#): give the scheme, host and "
                             "path prefix only")
        return base_url.rstrip("/")
    if server is None:
        raise ValueError("the spec names no server: give base_url=")
    missing = [name for name in _VARIABLE.findall(server) if not variables.get(name)]
    if missing:
        wanted = " and ".join(f"{name}=" for name in missing)
        raise ValueError(f"give {wanted} (for {server}) or base_url=")
    return _VARIABLE.sub(lambda m: check_segment(m.group(1), variables[m.group(1)] or ""), server).rstrip("/")


def _held(value: str | Secret | None) -> Secret | None:
    return value if value is None or isinstance(value, Secret) else Secret(value)


@dataclass
class _Credentials:
    """The constructor's credentials, each secret already in a :class:`Secret`."""

    token: Secret | Callable[[], str] | None
    ak: str | None
    sk: Secret | None
    project_id: str | None
    security_token: Secret | None

    @classmethod
    def hide(cls, token: TokenSource | None, ak: str | None, sk: str | Secret | None, project_id: str | None,
             security_token: str | Secret | None) -> _Credentials:
        return cls(token if callable(token) else _held(token), ak, _held(sk), project_id, _held(security_token))

    def auth(self, clock: Callable[[], datetime] | None, accepts: Auth) -> httpx.Auth | None:
        """Check them (one kind, one the spec declares, each sendable; no value quoted) and make the httpx.Auth
        that sends them (None when the spec asks for none and none were given)."""
        if self.token is not None and (self.ak is not None or self.sk is not None):
            raise ValueError("give either token= or ak=/sk=, not both")
        if self.token is not None and accepts.header is None:
            raise ValueError("the spec declares no API key header: token= is not accepted")
        if (self.ak is not None or self.sk is not None) and not accepts.signing:
            raise ValueError("the spec declares no AK/SK signing: ak=/sk= are not accepted")
        if self.token is None and self.ak is None and self.sk is None:
            if not accepts.required:
                return None
            kinds = ([f"token= (sent as {accepts.header}; a string or a callable returning one)"]
                     if accepts.header else []) + (["ak= and sk= (an access key pair)"] if accepts.signing else [])
            raise ValueError(f"credentials are required: {' or '.join(kinds)}")
        if isinstance(self.token, Secret):
            problem = _token_problem(self.token.reveal())
            if problem:
                raise ValueError(f"token {problem}")
        if self.token is not None and accepts.header is not None:
            return _TokenAuth(self.token, accepts.header)
        if self.ak is None or self.sk is None:
            raise ValueError("both ak and sk are required for AK/SK signing")
        return SdkSigner(self.ak, self.sk, project_id=self.project_id, security_token=self.security_token,
                         clock=clock)


class Auth(NamedTuple):
    """What the spec's securitySchemes let a client send: a token in ``header``, AK/SK ``signing``."""

    header: str | None = None
    signing: bool = False
    required: bool = False


def _policy(*, credentials: _Credentials, clock: Callable[[], datetime] | None, base_url: str, max_retries: int,
            backoff: float, user_agent: str, max_response_bytes: int, deadline: float | None, accepts: Auth,
            error_fields: ErrorFields) -> _Policy:
    """Check the constructor's arguments and settle them."""
    auth = credentials.auth(clock, accepts)
    if type(max_retries) is not int or not 0 <= max_retries <= MAX_RETRIES:
        raise ValueError(f"max_retries must be a whole number from 0 (no retries) to {MAX_RETRIES}")
    if type(backoff) not in (int, float) or not 0 <= backoff < float("inf"):  # (NaN fails both comparisons)
        raise ValueError("backoff must be a number of seconds, 0 or more (each wait is capped at "
                         f"{MAX_BACKOFF:g} s)")
    if not isinstance(max_response_bytes, int) or max_response_bytes < 1:
        raise ValueError("max_response_bytes must be a positive number of bytes")
    if deadline is not None and not deadline > 0:
        raise ValueError("deadline must be a positive number of seconds, or None")
    return _Policy(base_url, auth, error_fields, max_retries, backoff, MAX_BACKOFF, user_agent, max_response_bytes,
                   deadline)


def _connection_error(exc: httpx.TransportError, deadline: _Deadline) -> ApiConnectionError:
    if deadline.expired():
        return DeadlineExceededError(f"the call's deadline of {deadline.seconds:g} s passed ({type(exc).__name__})")
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError(f"timed out ({type(exc).__name__})")
    detail = f": {_shorten(str(exc))}" if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError) else ""
    return ApiConnectionError(f"connection failed ({type(exc).__name__}{detail})")


#: Failures of a request that cannot be sent as built: retrying would fail the same way.
_UNSENDABLE: Final = (httpx.LocalProtocolError, httpx.UnsupportedProtocol, httpx.InvalidURL, UnicodeEncodeError)


def _unsendable(exc: Exception) -> InvalidRequestError:
    """The error for a request that cannot be sent; h11's text may quote a header value, so it is not shown."""
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return InvalidRequestError(f"the request cannot be sent: {_shorten(str(exc))}")
    return InvalidRequestError(f"the request cannot be sent: a header or its value is not allowed "
                               f"({type(exc).__name__})")


class _Client:
    """What both clients know of their spec and show of themselves (never the credentials)."""

    #: The spec's first server URL, with ``{variables}`` (None: base_url= is required).
    SERVER: str | None = None
    USER_AGENT: str = "deskkit-client"
    #: The credentials the spec's securitySchemes declare.
    AUTH: Auth = Auth()
    #: The error body's fields holding the error code, its message and the request id (x-deskkit-error).
    ERROR_FIELDS: ErrorFields = (None, None, None)
    _policy: _Policy

    def __repr__(self) -> str:
        if not hasattr(self, "_policy"):  # shown in the locals of a constructor that failed
            return f"{type(self).__name__}(not set up)"
        auth = ("ak/sk" if isinstance(self._policy.auth, SdkSigner) else "token" if self._policy.auth is not None
                else "none")
        return (f"{type(self).__name__}(base_url={self._policy.base_url!r}, auth={auth}, "
                f"max_retries={self._policy.max_retries})")

    def _setup(self, *, credentials: _Credentials, clock: Callable[[], datetime] | None,
               variables: Mapping[str, str | None], base_url: str | None, max_retries: int,
               backoff: float, max_response_bytes: int, deadline: float | None) -> None:
        self._policy = _policy(credentials=credentials, clock=clock,
                               base_url=_base_url(self.SERVER, variables, base_url), max_retries=max_retries,
                               backoff=backoff, user_agent=self.USER_AGENT, max_response_bytes=max_response_bytes,
                               deadline=deadline, accepts=self.AUTH, error_fields=self.ERROR_FIELDS)

    def _build(self, http: httpx.Client | httpx.AsyncClient, prepared: Prepared,
               deadline: _Deadline) -> httpx.Request:
        policy = self._policy
        try:
            return http.build_request(prepared.method, policy.base_url + prepared.target,
                                      headers={**policy.headers(), **prepared.headers}, content=prepared.content,
                                      timeout=deadline.timeout(http.timeout))
        except (*_UNSENDABLE, TypeError) as exc:
            raise _unsendable(exc) from None


class BaseClient(_Client):
    """The synchronous client's machinery; the generated client adds one method per operation."""

    def __init__(self, *, token: TokenSource | None = None, ak: str | None = None, sk: str | Secret | None = None,
                 project_id: str | None = None, security_token: str | Secret | None = None,
                 server_variables: Mapping[str, str | None] | None = None, base_url: str | None = None,
                 timeout: float | httpx.Timeout = DEFAULT_TIMEOUT, max_retries: int = 3, backoff: float = 0.5,
                 max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES, deadline: float | None = DEFAULT_DEADLINE,
                 http_client: httpx.Client | None = None, transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        credentials = _Credentials.hide(token, ak, sk, project_id, security_token)
        del token, sk, security_token  # only Secret objects from here on: safe in a traceback's locals
        self._setup(credentials=credentials, clock=clock, variables=server_variables or {}, base_url=base_url,
                    max_retries=max_retries, backoff=backoff, max_response_bytes=max_response_bytes,
                    deadline=deadline)
        self._owned = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout, transport=transport)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._owned:
            self._http.close()

    def _exchange(self, prepared: Prepared, deadline: _Deadline) -> _Answer:
        """One attempt: send (no redirects followed), then read the body within the limits."""
        request = self._build(self._http, prepared, deadline)
        try:
            response = self._http.send(request, auth=self._policy.auth or httpx.USE_CLIENT_DEFAULT,
                                       follow_redirects=False, stream=True)
        except _UNSENDABLE as exc:
            raise _unsendable(exc) from None
        try:
            body = _Body(response, self._policy.max_response_bytes, deadline)
            for chunk in [response.content] if body.read else response.iter_raw():
                body.feed(chunk)
            return body.answer()
        finally:
            response.close()

    def _request(self, op: Operation, values: Mapping[str, Any], body: Any, tolerant: bool) -> Any:
        prepared = build_request(op, values, body)
        policy, refreshed, attempt = self._policy, False, 0
        deadline = _Deadline(policy.deadline)
        while True:
            deadline.check()
            try:
                answer = self._exchange(prepared, deadline)
            except httpx.TransportError as exc:
                delay = policy.retry_delay(attempt, None, deadline)
                if delay is None:
                    raise _connection_error(exc, deadline) from None
                time.sleep(delay)
                attempt += 1
                continue
            if policy.can_refresh(answer.response, refreshed):
                refreshed = True  # tokens expire: ask the provider again, once
                continue
            delay = policy.retry_delay(attempt, answer.response, deadline)
            if delay is not None:
                time.sleep(delay)
                attempt += 1
                continue
            try:
                return policy.parse(answer, op, tolerant)
            except ApiError:
                del answer  # (see parse: the raw body may quote a credential)
                raise


class AsyncBaseClient(_Client):
    """The asynchronous client's machinery, the same as :class:`BaseClient` with ``await``."""

    def __init__(self, *, token: TokenSource | None = None, ak: str | None = None, sk: str | Secret | None = None,
                 project_id: str | None = None, security_token: str | Secret | None = None,
                 server_variables: Mapping[str, str | None] | None = None, base_url: str | None = None,
                 timeout: float | httpx.Timeout = DEFAULT_TIMEOUT, max_retries: int = 3, backoff: float = 0.5,
                 max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES, deadline: float | None = DEFAULT_DEADLINE,
                 http_client: httpx.AsyncClient | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        credentials = _Credentials.hide(token, ak, sk, project_id, security_token)
        del token, sk, security_token  # only Secret objects from here on: safe in a traceback's locals
        self._setup(credentials=credentials, clock=clock, variables=server_variables or {}, base_url=base_url,
                    max_retries=max_retries, backoff=backoff, max_response_bytes=max_response_bytes,
                    deadline=deadline)
        self._owned = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout, transport=transport)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owned:
            await self._http.aclose()

    async def _exchange(self, prepared: Prepared, deadline: _Deadline) -> _Answer:
        """One attempt, as :meth:`BaseClient._exchange`; here the deadline also cuts a wait in the middle."""
        request = self._build(self._http, prepared, deadline)
        try:
            async with asyncio.timeout(deadline.remaining()):
                return await self._send_and_read(request, deadline)
        except TimeoutError:
            raise DeadlineExceededError(f"the call's deadline of {deadline.seconds:g} s passed") from None

    async def _send_and_read(self, request: httpx.Request, deadline: _Deadline) -> _Answer:
        try:
            response = await self._http.send(request, auth=self._policy.auth or httpx.USE_CLIENT_DEFAULT,
                                             follow_redirects=False, stream=True)
        except _UNSENDABLE as exc:
            raise _unsendable(exc) from None
        try:
            body = _Body(response, self._policy.max_response_bytes, deadline)
            if body.read:
                body.feed(response.content)
            else:
                async for chunk in response.aiter_raw():
                    body.feed(chunk)
            return body.answer()
        finally:
            await response.aclose()

    async def _request(self, op: Operation, values: Mapping[str, Any], body: Any, tolerant: bool) -> Any:
        prepared = build_request(op, values, body)
        policy, refreshed, attempt = self._policy, False, 0
        deadline = _Deadline(policy.deadline)
        while True:
            deadline.check()
            try:
                answer = await self._exchange(prepared, deadline)
            except httpx.TransportError as exc:
                delay = policy.retry_delay(attempt, None, deadline)
                if delay is None:
                    raise _connection_error(exc, deadline) from None
                await asyncio.sleep(delay)
                attempt += 1
                continue
            if policy.can_refresh(answer.response, refreshed):
                refreshed = True
                continue
            delay = policy.retry_delay(attempt, answer.response, deadline)
            if delay is not None:
                await asyncio.sleep(delay)
                attempt += 1
                continue
            try:
                return policy.parse(answer, op, tolerant)
            except ApiError:
                del answer  # (see parse: the raw body may quote a credential)
                raise
