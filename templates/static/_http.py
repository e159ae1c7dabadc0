"""What the generated sync and async clients share, on httpx: errors, credentials, retries, reading answers.

Errors::

    ClientError
    ├── ApiError                 the service answered with an error status (typed by status below)
    │   ├── BadRequestError        400
    │   ├── AuthenticationError    401
    │   ├── PermissionDeniedError  403
    │   ├── NotFoundError          404
    │   ├── RateLimitError         429
    │   └── ServerError            5xx
    └── ApiConnectionError       no usable answer (connection failed, timed out: ApiTimeoutError)
    ContractError (a ValueError) a 2xx body that breaks the contract; carries ``request_id``

Credentials: an IAM token (``token=``, a string or a callable) or an access key pair (``ak=``/``sk=``,
signed with SDK-HMAC-SHA256, see :mod:`.signing`). Connection errors, 429 and 502/503/504 are retried with
exponential backoff and full jitter, honouring ``Retry-After``. The token, its provider and the secret key
never appear in a repr, a log line or an exception message.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Final, NamedTuple, Self, TypedDict
from urllib.parse import quote

import httpx

from ._runtime import ContractError, Finding, Model, Operation, decode
from .signing import SdkSigner

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
    "NotFoundError",
    "Options",
    "PermissionDeniedError",
    "Prepared",
    "RateLimitError",
    "ServerError",
    "TokenSource",
    "build_request",
    "check_segment",
]

DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
RETRY_STATUSES: Final = frozenset({429, 502, 503, 504})
MAX_BACKOFF: Final = 20.0

TokenSource = str | Callable[[], str]


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


class ApiError(ClientError):
    """An error status from the service: status, the error body's code and message (the fields the spec names
    with x-deskkit-error), the request id, and ``body``, the error body parsed with its documented model
    (None when there is none or it does not parse)."""

    def __init__(self, status: int, error_code: str | None, error_msg: str | None, request_id: str | None,
                 excerpt: str = "", body: Model | None = None) -> None:
        self.status, self.error_code, self.error_msg, self.request_id = status, error_code, error_msg, request_id
        self.excerpt = excerpt
        self.body = body
        detail = f"{error_code}: {error_msg}" if error_code or error_msg else f"body: {excerpt!r}"
        super().__init__(f"HTTP {status} ({detail}; request id {request_id or 'unknown'})")


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
    """No usable answer after the retries: the connection failed or was cut."""


class ApiTimeoutError(ApiConnectionError):
    """The service did not answer in time."""


_BY_STATUS: Final[dict[int, type[ApiError]]] = {400: BadRequestError, 401: AuthenticationError,
                                                403: PermissionDeniedError, 404: NotFoundError,
                                                429: RateLimitError}


def check_segment(name: str, value: str) -> str:
    """A path parameter, percent-encoded; refused (before any request) when it could leave its segment."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    if "/" in value or "\\" in value or value in (".", "..") or ".." in value:
        raise ValueError(f"{name} must not contain '/', '\\\\' or '..': {value!r}")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value):
        raise ValueError(f"{name} must not contain control characters: {value!r}")
    return quote(value, safe="")


def _excerpt(body: bytes) -> str:
    text = body[:200].decode("utf-8", "replace")
    return " ".join(text.split())[:120]


ErrorFields = tuple[str | None, str | None, str | None]


def _error_for(response: httpx.Response, op: Operation, fields: ErrorFields) -> ApiError:
    """The typed error of a non-2xx response; a body that is not the documented JSON still gives one."""
    code = message = body_request_id = None
    parsed: Model | None = None
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, dict):
        code_key, message_key, id_key = fields
        code, message, body_request_id = (
            body.get(key) if key is not None and isinstance(body.get(key), str) else None
            for key in (code_key, message_key, id_key))
        model = op.model_for(response.status_code)
        if model is not None:
            try:
                parsed = model.from_dict(body, tolerant=True)
            except ContractError:
                parsed = None
    request_id = response.headers.get("X-Request-Id") or body_request_id
    kind = _BY_STATUS.get(response.status_code) or (ServerError if response.status_code >= 500 else ApiError)
    excerpt = "" if code or message else _excerpt(response.content)
    return kind(response.status_code, code, message, request_id, excerpt, parsed)


class Prepared(NamedTuple):
    """A request as the spec says to send it: path with its parameters, query pairs, headers, JSON body."""

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
    """Serialize the arguments of a call to ``op`` (keyed by wire name; None: not sent). A missing required
    argument, a value its schema refuses or a body its model refuses is a ValueError (a ContractError for the
    body) before anything is sent."""
    path = op.path
    query: list[str] = []
    headers: dict[str, str] = {}
    for param in op.parameters:
        value = values.get(param.name)
        if value is None:
            if param.required:
                raise ValueError(f"{param.py_name or param.name} is required")
            continue
        if param.location == "query":
            # Every key and value percent-encoded (a space as %20), except the commas that join an unexploded
            # array: an item's own comma is %2C, so the list reads back unambiguously.
            key = quote(param.name, safe="")
            items = [quote(text, safe="") for text in param.texts(value)]
            if param.explode or param.site.items is None:
                query.extend(f"{key}={item}" for item in items)
            else:
                query.append(f"{key}={','.join(items)}")
            continue
        texts = param.encode(value)
        if param.location == "path":
            path = path.replace("{" + param.name + "}", check_segment(param.py_name or param.name, texts[0]))
        else:
            if any(c in texts[0] for c in "\r\n\0"):
                raise ValueError(f"{param.py_name or param.name} must not contain line breaks")
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



def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, when.timestamp() - time.time()) if when else None


@dataclass
class _Policy:
    """What both clients share: endpoint, credentials, retry rules, and how to read a response."""

    base_url: str
    token: TokenSource | None
    auth: SdkSigner | None
    auth_header: str | None
    error_fields: ErrorFields
    max_retries: int
    backoff: float
    sleep_cap: float
    user_agent: str

    def headers(self) -> dict[str, str]:
        """Request headers; a token provider is asked on every request (it may cache; after a 401 it must
        give a fresh token). With AK/SK, the signer adds its own headers."""
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        if self.token is not None and self.auth_header is not None:
            headers[self.auth_header] = self.token() if callable(self.token) else self.token
        return headers

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Full-jitter exponential backoff, or the server's Retry-After when it gives one."""
        if response is not None:
            after = _retry_after(response)
            if after is not None:
                return min(after, self.sleep_cap)
        return random.uniform(0, min(self.sleep_cap, self.backoff * 2**attempt))

    def retryable(self, response: httpx.Response) -> bool:
        return response.status_code in RETRY_STATUSES

    def can_refresh(self, response: httpx.Response, refreshed: bool) -> bool:
        return response.status_code == 401 and callable(self.token) and not refreshed

    def parse(self, response: httpx.Response, op: Operation, tolerant: bool) -> Any:
        """The model of a 2xx response (None where the spec documents no body), or the typed error."""
        if not response.is_success:
            raise _error_for(response, op, self.error_fields)
        request_id = response.headers.get("X-Request-Id")
        status = response.status_code
        if not op.documents(status):
            error = ContractError([Finding("", f"status {status} is not documented for {op.id}", "#")])
            error.request_id = request_id
            raise error
        model = op.model_for(status)
        if model is None:
            return None
        try:
            return model.from_dict(decode(response.content), tolerant=tolerant)
        except ContractError as error:
            error.request_id = request_id
            raise


_VARIABLE: Final = re.compile(r"\{([^{}]+)\}")


def _base_url(server: str | None, variables: Mapping[str, str | None], base_url: str | None) -> str:
    """``base_url`` as given, else the spec's server URL with its variables filled in."""
    if base_url is not None:
        return base_url.rstrip("/")
    if server is None:
        raise ValueError("the spec names no server: give base_url=")
    missing = [name for name in _VARIABLE.findall(server) if not variables.get(name)]
    if missing:
        wanted = " and ".join(f"{name}=" for name in missing)
        raise ValueError(f"give {wanted} (for {server}) or base_url=")
    return _VARIABLE.sub(lambda m: check_segment(m.group(1), variables[m.group(1)] or ""), server).rstrip("/")


class Auth(NamedTuple):
    """What the spec's securitySchemes let a client send: a token in ``header``, AK/SK ``signing``."""

    header: str | None = None
    signing: bool = False
    required: bool = False


def _policy(*, token: TokenSource | None, ak: str | None, sk: str | None, project_id: str | None,
            security_token: str | None, clock: Callable[[], datetime] | None, base_url: str,
            max_retries: int, backoff: float, user_agent: str, accepts: Auth, error_fields: ErrorFields) -> _Policy:
    """Check the constructor's arguments (one kind of credentials, one the spec declares) and settle them."""
    if token is not None and (ak is not None or sk is not None):
        raise ValueError("give either token= or ak=/sk=, not both")
    kinds = ([f"token= (sent as {accepts.header}; a string or a callable returning one)"] if accepts.header else []) \
        + (["ak= and sk= (an access key pair)"] if accepts.signing else [])
    if token is not None and accepts.header is None:
        raise ValueError("the spec declares no API key header: token= is not accepted")
    if (ak is not None or sk is not None) and not accepts.signing:
        raise ValueError("the spec declares no AK/SK signing: ak=/sk= are not accepted")
    if token is None and ak is None and sk is None and accepts.required:
        raise ValueError(f"credentials are required: {' or '.join(kinds)}")
    if token is not None and isinstance(token, str) and not token:
        raise ValueError("token must not be empty")
    auth = None
    if token is None and (ak is not None or sk is not None):
        auth = SdkSigner(ak or "", sk or "", project_id=project_id, security_token=security_token, clock=clock)
    if max_retries < 0:
        raise ValueError("max_retries must be 0 (no retries) or more")
    return _Policy(base_url, token, auth, accepts.header, error_fields, max_retries, backoff, MAX_BACKOFF,
                   user_agent)


def _connection_error(exc: httpx.TransportError) -> ApiConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError(f"timed out ({type(exc).__name__})")
    return ApiConnectionError(f"connection failed ({type(exc).__name__}: {exc})")


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
        auth = "ak/sk" if self._policy.auth is not None else "token" if self._policy.token is not None else "none"
        return (f"{type(self).__name__}(base_url={self._policy.base_url!r}, auth={auth}, "
                f"max_retries={self._policy.max_retries})")

    def _setup(self, *, token: TokenSource | None, ak: str | None, sk: str | None, project_id: str | None,
               security_token: str | None, clock: Callable[[], datetime] | None,
               variables: Mapping[str, str | None], base_url: str | None, max_retries: int,
               backoff: float) -> None:
        self._policy = _policy(token=token, ak=ak, sk=sk, project_id=project_id, security_token=security_token,
                               clock=clock, base_url=_base_url(self.SERVER, variables, base_url),
                               max_retries=max_retries, backoff=backoff, user_agent=self.USER_AGENT,
                               accepts=self.AUTH, error_fields=self.ERROR_FIELDS)


class BaseClient(_Client):
    """The synchronous client's machinery; the generated client adds one method per operation."""

    def __init__(self, *, token: TokenSource | None = None, ak: str | None = None, sk: str | None = None,
                 project_id: str | None = None, security_token: str | None = None,
                 server_variables: Mapping[str, str | None] | None = None, base_url: str | None = None,
                 timeout: float | httpx.Timeout = DEFAULT_TIMEOUT, max_retries: int = 3, backoff: float = 0.5,
                 http_client: httpx.Client | None = None, transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._setup(token=token, ak=ak, sk=sk, project_id=project_id, security_token=security_token, clock=clock,
                    variables=server_variables or {}, base_url=base_url, max_retries=max_retries, backoff=backoff)
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

    def _request(self, op: Operation, values: Mapping[str, Any], body: Any, tolerant: bool) -> Any:
        request = build_request(op, values, body)
        policy, refreshed, attempt = self._policy, False, 0
        while True:
            try:
                response = self._http.request(request.method, policy.base_url + request.target,
                                              headers={**policy.headers(), **request.headers},
                                              content=request.content, auth=policy.auth or httpx.USE_CLIENT_DEFAULT)
            except httpx.TransportError as exc:
                if attempt >= policy.max_retries:
                    raise _connection_error(exc) from None
                time.sleep(policy.delay(attempt, None))
                attempt += 1
                continue
            if policy.can_refresh(response, refreshed):
                refreshed = True  # tokens expire: ask the provider again, once
                continue
            if policy.retryable(response) and attempt < policy.max_retries:
                time.sleep(policy.delay(attempt, response))
                attempt += 1
                continue
            return policy.parse(response, op, tolerant)


class AsyncBaseClient(_Client):
    """The asynchronous client's machinery, the same as :class:`BaseClient` with ``await``."""

    def __init__(self, *, token: TokenSource | None = None, ak: str | None = None, sk: str | None = None,
                 project_id: str | None = None, security_token: str | None = None,
                 server_variables: Mapping[str, str | None] | None = None, base_url: str | None = None,
                 timeout: float | httpx.Timeout = DEFAULT_TIMEOUT, max_retries: int = 3, backoff: float = 0.5,
                 http_client: httpx.AsyncClient | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._setup(token=token, ak=ak, sk=sk, project_id=project_id, security_token=security_token, clock=clock,
                    variables=server_variables or {}, base_url=base_url, max_retries=max_retries, backoff=backoff)
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

    async def _request(self, op: Operation, values: Mapping[str, Any], body: Any, tolerant: bool) -> Any:
        request = build_request(op, values, body)
        policy, refreshed, attempt = self._policy, False, 0
        while True:
            try:
                response = await self._http.request(request.method, policy.base_url + request.target,
                                                    headers={**policy.headers(), **request.headers},
                                                    content=request.content,
                                                    auth=policy.auth or httpx.USE_CLIENT_DEFAULT)
            except httpx.TransportError as exc:
                if attempt >= policy.max_retries:
                    raise _connection_error(exc) from None
                await asyncio.sleep(policy.delay(attempt, None))
                attempt += 1
                continue
            if policy.can_refresh(response, refreshed):
                refreshed = True
                continue
            if policy.retryable(response) and attempt < policy.max_retries:
                await asyncio.sleep(policy.delay(attempt, response))
                attempt += 1
                continue
            return policy.parse(response, op, tolerant)
