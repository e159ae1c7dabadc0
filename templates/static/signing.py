"""AK/SK request signing, ``SDK-HMAC-SHA256``, exactly as the vendor's own signer (huaweicloudsdkcore) does it.

    canonical request = method \\n canonical URI \\n canonical query \\n canonical headers \\n
                        signed header names \\n payload hash
    string to sign    = "SDK-HMAC-SHA256" \\n X-Sdk-Date \\n hex(sha256(canonical request))
    Authorization     = SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex hmac-sha256>

The canonical pieces follow the vendor's signer wherever it defines them (a differential test signs generated
requests with both and compares the ``Authorization``):

- URI: the whole path percent-decoded *first*, then split on ``/`` (so ``%2F`` separates), each segment
  re-encoded (RFC 3986 unreserved characters kept), a ``/`` appended;
- query: ``name=value`` pairs percent-decoded (``+`` is a literal plus, not a space), sorted by the *decoded*
  name and then value, then encoded and joined with ``&``;
- headers: names lower-cased, values trimmed of outer whitespace; a header sent twice is one line, its values
  joined with ``", "`` (as HTTP combines them). Header values given as bytes are read as UTF-8: a verifier
  should pass the bytes it received, so signer and verifier see the same text;
- payload: the SHA-256 of the body; of nothing for an empty body; else the value of a signed
  ``X-Sdk-Content-Sha256`` header (the vendor sends ``UNSIGNED-PAYLOAD`` for bodies that are not JSON).

:class:`SdkSigner` is an ``httpx.Auth``. It signs every header of the request except those a hop may change
(:data:`UNSIGNED`) and names holding ``_`` (the vendor never signs those), and it sends the query in its
canonical form, as the vendor does, so no ``+`` is left for a server to read as a space. The secret key and the
security token live in :class:`Secret` objects, so they never appear in a repr, a log line, an exception
message or a traceback's locals.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator, Iterable
from datetime import UTC, datetime
from typing import Final
from urllib.parse import quote, unquote

import httpx

__all__ = [
    "ALGORITHM",
    "UNSIGNED",
    "SdkSigner",
    "Secret",
    "authorization",
    "canonical_pairs",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "header_value_problem",
    "query_pairs",
    "sign",
    "string_to_sign",
]

ALGORITHM: Final = "SDK-HMAC-SHA256"
DATE_FORMAT: Final = "%Y%m%dT%H%M%SZ"
EMPTY_SHA256: Final = hashlib.sha256(b"").hexdigest()
CONTENT_SHA256: Final = "x-sdk-content-sha256"
UNSIGNED_PAYLOAD: Final = "UNSIGNED-PAYLOAD"
#: Content types whose body the vendor hashes; any other Content-Type is sent as UNSIGNED-PAYLOAD.
HASHED_CONTENT_TYPES: Final = ("application/json", "application/bson")
#: Headers never signed: the signature itself, and what a proxy or the transport may add, drop or rewrite.
UNSIGNED: Final = frozenset({"authorization", "accept-encoding", "connection", "content-length", "keep-alive",
                             "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding",
                             "upgrade"})


class Secret:
    """A credential: ``repr``/``str`` show ``Secret('***')``; :meth:`reveal` gives the value to whoever needs it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


def header_value_problem(value: object) -> str | None:
    """Why ``value`` cannot be sent as a header value (without quoting it), or None when it can."""
    if not isinstance(value, str):
        if value is None:
            return "is None, not a string"
        kind = type(value).__name__
        return f"is {'an' if kind[0].lower() in 'aeio' else 'a'} {kind}, not a string"  # (a UUID)
    if not value:
        return "is empty"
    if "\r" in value or "\n" in value:
        return "contains a line break (CR or LF)"
    if any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F for c in value):
        return "contains a control character"
    if value != value.strip():
        return "starts or ends with whitespace"
    return None


def _encode(text: str) -> str:
    """RFC 3986 percent-encoding of UTF-8: only unreserved characters (A-Z a-z 0-9 - _ . ~) stay as they are."""
    return quote(text, safe="~")


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def canonical_uri(path: str) -> str:
    """The path decoded as a whole, split on ``/``, each segment encoded, ending in ``/`` (``""`` is ``/``)."""
    uri = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def query_pairs(query: str) -> list[tuple[str, str]]:
    """``name=value`` pairs of a query string, percent-decoded; ``+`` stays a plus; a bare name has value ``""``."""
    pairs = []
    for item in query.split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((unquote(name), unquote(value)))
    return pairs


def canonical_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    """Decoded pairs sorted by name, then value (code points, before encoding), then encoded: ``a=1&b=&b=2``."""
    return "&".join(f"{_encode(name)}={_encode(value)}" for name, value in sorted(pairs))


def canonical_query(query: str) -> str:
    """The canonical form of a query string as received (see :func:`query_pairs`)."""
    return canonical_pairs(query_pairs(query))


def _header_values(headers: Iterable[tuple[str | bytes, str | bytes]]) -> dict[str, str]:
    """Lower-cased name -> trimmed value; a repeated header's values joined with ``", "`` in the order sent."""
    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(_text(name).lower(), []).append(_text(value).strip())
    return {name: ", ".join(parts) for name, parts in values.items()}


def _payload_hash(values: dict[str, str], names: list[str], body: bytes) -> str:
    if not body:
        return EMPTY_SHA256
    declared = values.get(CONTENT_SHA256, "") if CONTENT_SHA256 in names else ""
    return declared or hashlib.sha256(body).hexdigest()


def canonical_request(method: str, path: str, query: str, headers: Iterable[tuple[str | bytes, str | bytes]],
                      signed: Iterable[str], body: bytes) -> str:
    """The canonical request over the ``signed`` header names (values from ``headers``, text or bytes)."""
    values = _header_values(headers)
    names = sorted(name.lower() for name in signed)
    lines = "".join(f"{name}:{values.get(name, '')}\n" for name in names)
    return "\n".join([method.upper(), canonical_uri(path), canonical_query(query), lines, ";".join(names),
                      _payload_hash(values, names, body)])


def string_to_sign(canonical: str, sdk_date: str) -> str:
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def sign(secret_key: str | Secret, to_sign: str) -> str:
    key = secret_key.reveal() if isinstance(secret_key, Secret) else secret_key
    return hmac.new(key.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(access_key: str, signed: Iterable[str], signature: str) -> str:
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={';'.join(sorted(signed))}, Signature={signature}"


def _signed_names(request: httpx.Request) -> list[str]:
    names = {name.decode("latin-1").lower() for name, _ in request.headers.raw}
    return sorted(name for name in names if name not in UNSIGNED and "_" not in name)


def _values(request: httpx.Request, name: str) -> list[str]:
    """The values of header ``name`` as text, read from the raw bytes as UTF-8 (the way they are signed)."""
    return [_text(value) for key, value in request.headers.raw if key.decode("latin-1").lower() == name]


def _set_header(request: httpx.Request, name: str, *values: str) -> None:
    """Set a header to the UTF-8 bytes of ``values`` (``headers[name] = ...`` may insist on ASCII)."""
    request.headers.update(httpx.Headers([(name.encode("latin-1"), value.encode("utf-8")) for value in values]))


def _trim_signed_values(request: httpx.Request, names: list[str]) -> None:
    """Send signed values trimmed, as they are signed (the vendor does the same; h11 refuses outer spaces)."""
    for name in names:
        sent = [(key, _text(value)) for key, value in request.headers.raw if key.decode("latin-1").lower() == name]
        if any(value != value.strip() for _, value in sent):
            _set_header(request, sent[0][0].decode("latin-1"), *(value.strip() for _, value in sent))


def _settle_encoding(request: httpx.Request) -> None:
    """httpx caches how it decodes header bytes; after adding UTF-8 values, say so (as httpx would guess)."""
    try:
        for name, value in request.headers.raw:
            name.decode("utf-8"), value.decode("utf-8")
    except UnicodeDecodeError:
        request.headers.encoding = "iso-8859-1"
    else:
        request.headers.encoding = "utf-8"


class SdkSigner(httpx.Auth):
    """Signs each request with an access key pair; ``clock`` (UTC now) can be fixed by tests."""

    requires_request_body = True

    def __init__(self, access_key: str, secret_key: str | Secret, *, project_id: str | None = None,
                 security_token: str | Secret | None = None, clock: Callable[[], datetime] | None = None) -> None:
        secret = secret_key if isinstance(secret_key, Secret) else Secret(secret_key)
        token = security_token if isinstance(security_token, Secret) or security_token is None \
            else Secret(security_token)
        del secret_key, security_token  # from here on only the Secret objects: safe in a traceback's locals
        self.access_key = access_key
        self._secret_key = secret
        self.project_id = project_id
        self._security_token = token
        self._clock = clock or (lambda: datetime.now(UTC))
        _check_credentials(access_key, secret, project_id, token)

    def __repr__(self) -> str:
        return f"SdkSigner(access_key={self.access_key!r}, project_id={self.project_id!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sdk_date = self._clock().astimezone(UTC).strftime(DATE_FORMAT)
        _set_header(request, "X-Sdk-Date", sdk_date)
        if self.project_id:
            _set_header(request, "X-Project-Id", self.project_id)
        if self._security_token is not None:
            _set_header(request, "X-Security-Token", self._security_token.reveal())
        content_type = ", ".join(_values(request, "content-type"))
        if content_type and not content_type.startswith(HASHED_CONTENT_TYPES):
            _set_header(request, "X-Sdk-Content-Sha256", UNSIGNED_PAYLOAD)
        # The query goes out in canonical form: httpx's own reading of it ('+' is a space) is what is signed.
        query = canonical_pairs(request.url.params.multi_items())
        request.url = request.url.copy_with(query=query.encode("ascii") or None)
        signed = _signed_names(request)
        _trim_signed_values(request, signed)
        canonical = canonical_request(request.method, request.url.raw_path.decode("ascii").split("?", 1)[0],
                                      query, request.headers.raw, signed, request.content)
        signature = sign(self._secret_key, string_to_sign(canonical, sdk_date))
        _set_header(request, "Authorization", authorization(self.access_key, signed, signature))
        _settle_encoding(request)
        yield request


def _check_credentials(access_key: str, secret: Secret, project_id: str | None, token: Secret | None) -> None:
    """Refuse, before any request and without quoting them, credentials that cannot be sent."""
    problem = header_value_problem(access_key)
    if problem is None and (" " in access_key or "," in access_key or not access_key.isascii()):
        problem = "must be ASCII without spaces or commas"
    if problem:
        raise ValueError(f"ak {problem}")
    if not isinstance(secret.reveal(), str) or not secret.reveal():
        raise ValueError("sk must be a non-empty string")
    # No local holds a secret value: a traceback's locals stay clean.
    for name, problem in (("project_id", None if project_id is None else header_value_problem(project_id)),
                          ("security_token", None if token is None else header_value_problem(token.reveal()))):
        if problem:
            raise ValueError(f"{name} {problem}")
