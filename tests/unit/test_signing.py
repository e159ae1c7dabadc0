"""SDK-HMAC-SHA256 signing: the guide's published example, and properties of the canonical form."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
from hypothesis import given
from hypothesis import strategies as st

from workspace_desktop.signing import (
    SdkSigner,
    canonical_query,
    canonical_request,
    canonical_uri,
    sign,
    string_to_sign,
)

AK, SK = "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
GUIDE_URL = ("https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
             "?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0")
GUIDE_SIGNATURE = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
CANONICAL_PART = re.compile(r"^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$")


def guide_clock() -> datetime:
    return datetime(2019, 11, 15, 3, 36, 55, tzinfo=UTC)


def test_the_guides_example_step_by_step() -> None:
    headers = [("Content-Type", "application/json"), ("Host", "service.region.example.com"),
               ("X-Sdk-Date", "20191115T033655Z")]
    canonical = canonical_request("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
                                  "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", headers,
                                  ["content-type", "host", "x-sdk-date"], b"")
    assert canonical == (
        "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
        "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n"
        f"content-type;host;x-sdk-date\n{EMPTY_SHA256}")
    to_sign = string_to_sign(canonical, "20191115T033655Z")
    hashed = "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    assert to_sign == f"SDK-HMAC-SHA256\n20191115T033655Z\n{hashed}"
    assert sign(SK, to_sign) == GUIDE_SIGNATURE


def test_the_guides_example_through_httpx_auth() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        client.get(GUIDE_URL, headers={"Content-Type": "application/json"}, auth=SdkSigner(AK, SK, clock=guide_clock))
    (request,) = seen
    assert request.headers["X-Sdk-Date"] == "20191115T033655Z"
    assert request.headers["Authorization"] == (
        f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;x-sdk-date, Signature={GUIDE_SIGNATURE}")


def test_project_id_and_security_token_are_sent_and_signed() -> None:
    seen: list[httpx.Request] = []
    signer = SdkSigner(AK, SK, project_id="p1", security_token="temporary-sts-token-value", clock=guide_clock)
    with httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200))) as client:
        client.get("https://h.example.com/v2/p1/desktops/d", auth=signer)
    headers = seen[0].headers
    assert headers["X-Project-Id"] == "p1" and headers["X-Security-Token"] == "temporary-sts-token-value"
    assert "SignedHeaders=host;x-project-id;x-sdk-date;x-security-token," in headers["Authorization"]
    assert SK not in repr(signer) and "temporary-sts-token-value" not in repr(signer)


query_items = st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=6)


@given(query_items, st.randoms(use_true_random=False))
def test_query_order_does_not_matter(items: list[tuple[str, str]], rng: object) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    encode = lambda pairs: "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)  # noqa: E731
    assert canonical_query(encode(items)) == canonical_query(encode(shuffled))


@given(query_items)
def test_query_is_sorted_and_fully_encoded(items: list[tuple[str, str]]) -> None:
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)
    canonical = canonical_query(query)
    pairs = [p.split("=", 1) for p in canonical.split("&")] if canonical else []
    assert pairs == sorted(pairs)
    assert all(CANONICAL_PART.match(part) for pair in pairs for part in pair)


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4))
def test_uri_segments_are_encoded_and_end_in_a_slash(segments: list[str]) -> None:
    path = "/" + "/".join(quote(s, safe="") for s in segments)
    uri = canonical_uri(path)
    assert uri.endswith("/")
    assert all(CANONICAL_PART.match(part) for part in uri.strip("/").split("/"))
    assert canonical_uri(uri) == uri  # canonical form is a fixed point


def test_reserved_and_non_ascii_characters() -> None:
    assert canonical_uri("/v2/a%20b/%E5%90%8D") == "/v2/a%20b/%E5%90%8D/"
    assert canonical_query("b=%2F%3D&a=%E2%82%AC&a=1&c") == "a=%E2%82%AC&a=1&b=%2F%3D&c="
    assert canonical_query("x=a~b-c_d.e") == "x=a~b-c_d.e"


@given(st.binary(max_size=64))
def test_body_hash_and_signature_depend_on_the_body(body: bytes) -> None:
    canonical = canonical_request("POST", "/v1/x", "", [("Host", "h")], ["host"], body)
    assert canonical.endswith(hashlib.sha256(body).hexdigest())
    other = canonical_request("POST", "/v1/x", "", [("Host", "h")], ["host"], body + b"!")
    assert sign(SK, string_to_sign(canonical, "d")) != sign(SK, string_to_sign(other, "d"))
    if not body:
        assert canonical.endswith(EMPTY_SHA256)
