"""AK/SK request signing, ``SDK-HMAC-SHA256`` as Huawei Cloud's API Request Signing Guide defines it.

    canonical request = method \\n canonical URI \\n canonical query \\n canonical headers \\n
                        signed header names \\n hex(sha256(body))
    string to sign    = "SDK-HMAC-SHA256" \\n X-Sdk-Date \\n hex(sha256(canonical request))
    Authorization     = SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex hmac-sha256>

:class:`SdkSigner` is an ``httpx.Auth``, so it also signs through a caller-supplied httpx client. The
secret key never appears in a repr, a log line or an exception message.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator, Iterable
from datetime import UTC, datetime
from typing import Final
from urllib.parse import parse_qsl, quote, unquote

import httpx

__all__ = [
    "ALGORITHM",
    "SdkSigner",
    "authorization",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "sign",
    "string_to_sign",
]

ALGORITHM: Final = "SDK-HMAC-SHA256"
DATE_FORMAT: Final = "%Y%m%dT%H%M%SZ"
#: Headers signed when present (Host and X-Sdk-Date always are).
SIGNED: Final = ("content-type", "host", "x-sdk-date", "x-project-id", "x-security-token")


def _encode(text: str) -> str:
    """RFC 3986 percent-encoding: only unreserved characters (A-Z a-z 0-9 - _ . ~) stay as they are."""
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    """Each path segment percent-encoded (after undoing the encoding it was sent with), ending in ``/``."""
    uri = "/".join(_encode(unquote(segment)) for segment in path.split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query: str) -> str:
    """Parameters percent-encoded and sorted by name, then value: ``a=1&b=&b=2``."""
    pairs = sorted((_encode(k), _encode(v)) for k, v in parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_request(method: str, path: str, query: str, headers: Iterable[tuple[str, str]],
                      signed: Iterable[str], body: bytes) -> str:
    """The canonical request over the ``signed`` header names (values from ``headers``)."""
    values = {name.lower(): value.strip() for name, value in headers}
    names = sorted(name.lower() for name in signed)
    lines = "".join(f"{name}:{values.get(name, '')}\n" for name in names)
    return "\n".join([method.upper(), canonical_uri(path), canonical_query(query), lines, ";".join(names),
                      hashlib.sha256(body).hexdigest()])


def string_to_sign(canonical: str, sdk_date: str) -> str:
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def sign(secret_key: str, to_sign: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(access_key: str, signed: Iterable[str], signature: str) -> str:
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={';'.join(sorted(signed))}, Signature={signature}"


class SdkSigner(httpx.Auth):
    """Signs each request with an access key pair; ``clock`` (UTC now) can be fixed by tests."""

    requires_request_body = True

    def __init__(self, access_key: str, secret_key: str, *, project_id: str | None = None,
                 security_token: str | None = None, clock: Callable[[], datetime] | None = None) -> None:
        if not access_key or not secret_key:
            raise ValueError("both ak and sk are required for AK/SK signing")
        self.access_key = access_key
        self._secret_key = secret_key
        self.project_id = project_id
        self._security_token = security_token
        self._clock = clock or (lambda: datetime.now(UTC))

    def __repr__(self) -> str:
        return f"SdkSigner(access_key={self.access_key!r}, project_id={self.project_id!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sdk_date = self._clock().astimezone(UTC).strftime(DATE_FORMAT)
        request.headers["X-Sdk-Date"] = sdk_date
        if self.project_id:
            request.headers["X-Project-Id"] = self.project_id
        if self._security_token:
            request.headers["X-Security-Token"] = self._security_token
        signed = [name for name in SIGNED if name in request.headers]
        canonical = canonical_request(request.method, request.url.raw_path.decode("ascii").split("?", 1)[0],
                                      request.url.query.decode("ascii"), request.headers.items(), signed,
                                      request.content)
        signature = sign(self._secret_key, string_to_sign(canonical, sdk_date))
        request.headers["Authorization"] = authorization(self.access_key, signed, signature)
        yield request
