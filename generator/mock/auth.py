"""The gateway's two ways in: an IAM token (``X-Auth-Token``) or an AK/SK signature (SDK-HMAC-SHA256).

Secrets are compared in constant time. The signature is checked by the generated package's own
``signing`` functions over the request exactly as it arrived: the raw path and query, header values read
as UTF-8 (what the vendor's signer and httpx send), the body bytes. So the mock canonicalizes exactly as
the signer does, whatever the signer's rules become.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from types import ModuleType

AUTHORIZATION = re.compile(r"^SDK-HMAC-SHA256 Access=(?P<access>[^,\s]+), SignedHeaders=(?P<signed>[^,\s]+), "
                           r"Signature=(?P<signature>[0-9a-f]{64})$")
SKEW_SECONDS = 15 * 60  # the gateway refuses an X-Sdk-Date further than this from its clock
PREFIX = "Incorrect IAM authentication information: "

Headers = Sequence[tuple[bytes, bytes]]


def header(headers: Headers, name: bytes) -> bytes | None:
    """The first value of header ``name`` (lower-case), as sent."""
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def same(given: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(given, expected)


def refuse_token(headers: Headers, expected: str | None) -> str | None:
    """Why a token request is refused (None: accepted). Any non-empty token when none is configured."""
    token = header(headers, b"x-auth-token")
    if not token or (expected is not None and not same(token, expected.encode("utf-8"))):
        return PREFIX + "decrypt token fail"
    return None


def refuse_signature(signing: ModuleType, access_key: str, secret_key: str, method: str, path: str, query: str,
                     headers: Headers, body: bytes, now: datetime | None = None) -> str | None:
    """Why a signed request is refused (None: accepted): the gateway's checks, in its order."""
    match = AUTHORIZATION.match(_text(header(headers, b"authorization") or b""))
    if match is None or not same(match.group("access").encode("utf-8"), access_key.encode("utf-8")):
        return PREFIX + "AK/SK signature missing or unknown access key"
    sdk_date = _text(header(headers, b"x-sdk-date") or b"")
    try:
        when = datetime.strptime(sdk_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return PREFIX + "X-Sdk-Date missing or malformed"
    if abs(((now or datetime.now(UTC)) - when).total_seconds()) > SKEW_SECONDS:
        return PREFIX + "ak/sk signature expired"
    signed = match.group("signed").split(";")
    if "host" not in signed or "x-sdk-date" not in signed:
        return PREFIX + "host and x-sdk-date must be signed"
    pairs = [(_text(key), _text(value)) for key, value in headers]
    canonical = signing.canonical_request(method, path, query, pairs, signed, body)
    expected = signing.sign(secret_key, signing.string_to_sign(canonical, sdk_date))
    if not same(expected.encode("ascii"), match.group("signature").encode("ascii")):
        return PREFIX + "verify aksk signature fail"
    return None


def _text(raw: bytes) -> str:
    """Header bytes as the signer saw them: UTF-8 text (not Latin-1; a non-ASCII security token is UTF-8)."""
    return raw.decode("utf-8", errors="replace")
