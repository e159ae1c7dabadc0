"""SDK-HMAC-SHA256 signing: the guide's published example, and properties of the canonical form."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import quote, unquote

import httpx
import pytest
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
        del client.headers["Accept"], client.headers["User-Agent"]  # the guide's request has neither
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
    # Every header but those a hop may change (accept-encoding, connection): as the vendor, which signs all.
    assert ("SignedHeaders=accept;host;user-agent;x-project-id;x-sdk-date;x-security-token,"
            in headers["Authorization"])
    assert SK not in repr(signer) and "temporary-sts-token-value" not in repr(signer)


def test_the_signer_sends_what_it_signs() -> None:
    """The query goes out canonical (httpx's '+' for a space becomes %20, so no reader can take it for a plus);
    signed values go out trimmed; a non-JSON body is sent as UNSIGNED-PAYLOAD, like the vendor's SDK does."""
    seen: list[httpx.Request] = []
    signer = SdkSigner(AK, SK, security_token="tök-€", clock=guide_clock)
    with httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200))) as client:
        client.post("https://h.example.com/v1/x", params=[("q", "a b"), ("p", "1+1")], content=b"hello",
                    headers={"Content-Type": "text/plain", "X-Trace": " t1 "}, auth=signer)
    (sent,) = seen
    assert sent.url.query == b"p=1%2B1&q=a%20b"
    assert dict(sent.headers.raw)[b"X-Trace"] == b"t1"
    assert dict(sent.headers.raw)[b"X-Security-Token"] == "tök-€".encode()
    assert sent.headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    names = sent.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert "x-sdk-content-sha256" in names and "content-length" not in names and "x-trace" in names
    path, _, query = sent.url.raw_path.decode().partition("?")
    canonical = canonical_request("POST", path, query, sent.headers.raw, names, sent.content)
    assert canonical.endswith("\nUNSIGNED-PAYLOAD")
    assert sent.headers["Authorization"].endswith(sign(SK, string_to_sign(canonical, "20191115T033655Z")))


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"security_token": "sts\r\nX-Evil: 1"}, "security_token contains a line break"),
    ({"security_token": " sts"}, "security_token starts or ends with whitespace"),
    ({"project_id": "p\x00"}, "project_id contains a control character"),
])
def test_credentials_that_cannot_be_sent_are_refused_unquoted(kwargs: dict[str, str], expected: str) -> None:
    with pytest.raises(ValueError, match=expected) as caught:
        SdkSigner(AK, SK, **kwargs)  # type: ignore[arg-type]
    assert all(value not in str(caught.value) for value in kwargs.values())


query_items = st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=6)


@given(query_items, st.randoms(use_true_random=False))
def test_query_order_does_not_matter(items: list[tuple[str, str]], rng: object) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    encode = lambda pairs: "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)  # noqa: E731
    assert canonical_query(encode(items)) == canonical_query(encode(shuffled))


@given(query_items)
def test_query_is_sorted_before_encoding_and_fully_encoded(items: list[tuple[str, str]]) -> None:
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)
    canonical = canonical_query(query)
    pairs = [p.split("=", 1) for p in canonical.split("&")] if canonical else []
    decoded = [(unquote(k), unquote(v)) for k, v in pairs]
    assert decoded == sorted(items)  # the decoded names and values, in code-point order, nothing lost
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
    assert canonical_query("b=%2F%3D&a=%E2%82%AC&a=1&c") == "a=1&a=%E2%82%AC&b=%2F%3D&c="
    assert canonical_query("x=a~b-c_d.e") == "x=a~b-c_d.e"


def test_the_vendors_rules_on_the_cases_that_differed() -> None:
    """The ten cases of issue #11 where deskkit and the vendor's signer disagreed (expected: the vendor's)."""
    assert canonical_query("z=1&%C3%A9=2") == "z=1&%C3%A9=2"  # sorted raw: 'z' < 'é'
    assert canonical_query("a%3A=2&a9=1") == "a9=1&a%3A=2"
    assert canonical_query("%5B=2&Z=1") == "Z=1&%5B=2"
    assert canonical_query("a%2Fb=2&a.b=1") == "a.b=1&a%2Fb=2"
    assert canonical_query("k=%C3%A9&k=z") == "k=z&k=%C3%A9"
    assert canonical_query("q=a+b") == "q=a%2Bb"  # a literal plus, not a space
    assert canonical_uri("/v2/p1/desktops/a%2Fb") == "/v2/p1/desktops/a/b/"  # decoded before it is split
    assert canonical_uri("") == "/" and canonical_uri("/") == "/"


def test_repeated_headers_and_outer_spaces_canonicalize_one_way() -> None:
    """Two Content-Type headers are one line (joined as HTTP joins them), whether a caller hands the values
    one by one, already joined, or as the bytes received; outer whitespace never counts."""
    one_by_one = [("Content-Type", " text/plain "), ("content-type", "charset=utf-8\t"), ("Host", "h")]
    joined = [("content-type", "text/plain, charset=utf-8"), ("host", " h")]
    raw = [(b"content-type", b"text/plain"), (b"Content-Type", b" charset=utf-8"), (b"host", b"h")]
    forms = {canonical_request("GET", "/", "", headers, ["content-type", "host"], b"")
             for headers in (one_by_one, joined, raw)}
    assert len(forms) == 1
    assert "content-type:text/plain, charset=utf-8\nhost:h\n" in forms.pop()


def test_header_bytes_are_read_as_utf8() -> None:
    text = canonical_request("GET", "/", "", [("X-Security-Token", "tök-€")], ["x-security-token"], b"")
    raw = canonical_request("GET", "/", "", [(b"x-security-token", "tök-€".encode())], ["x-security-token"], b"")
    assert text == raw and "x-security-token:tök-€" in raw


def test_a_signed_content_sha256_header_replaces_the_body_hash() -> None:
    headers = [("Host", "h"), ("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")]
    signed = canonical_request("PUT", "/", "", headers, ["host", "x-sdk-content-sha256"], b"data")
    assert signed.endswith("\nUNSIGNED-PAYLOAD")
    assert canonical_request("PUT", "/", "", headers, ["host", "x-sdk-content-sha256"], b"").endswith(EMPTY_SHA256)
    unsigned = canonical_request("PUT", "/", "", headers, ["host"], b"data")  # not signed: not trusted
    assert unsigned.endswith(hashlib.sha256(b"data").hexdigest())


@given(st.binary(max_size=64))
def test_body_hash_and_signature_depend_on_the_body(body: bytes) -> None:
    canonical = canonical_request("POST", "/v1/x", "", [("Host", "h")], ["host"], body)
    assert canonical.endswith(hashlib.sha256(body).hexdigest())
    other = canonical_request("POST", "/v1/x", "", [("Host", "h")], ["host"], body + b"!")
    assert sign(SK, string_to_sign(canonical, "d")) != sign(SK, string_to_sign(other, "d"))
    if not body:
        assert canonical.endswith(EMPTY_SHA256)


@pytest.mark.parametrize(("ak", "sk", "expected"), [
    ("AK 1", SK, "ak must be ASCII without spaces or commas"),
    ("AK,1", SK, "ak must be ASCII without spaces or commas"),
    ("AKé1", SK, "ak must be ASCII without spaces or commas"),
    ("AK\r\nX-Evil: 1", SK, "ak contains a line break (CR or LF)"),
    (AK, "", "sk must be a non-empty string"),
])
def test_an_access_key_or_secret_that_cannot_be_sent_is_refused_by_name(ak: str, sk: str, expected: str) -> None:
    with pytest.raises(ValueError) as caught:
        SdkSigner(ak, sk)
    assert str(caught.value) == expected


def test_the_date_is_utc_whatever_the_clock_s_zone_and_the_machine_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide's instant, given in UTC+8 on a machine whose local zone is UTC+8 (POSIX TZ, no tz database):
    the guide's date and signature."""
    import time
    from datetime import timedelta, timezone

    monkeypatch.setenv("TZ", "XST-8")
    time.tzset()
    try:
        assert time.localtime(0).tm_hour == 8  # the zone took effect: the check below means something
        east = guide_clock().astimezone(timezone(timedelta(hours=8)))
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200)

        with httpx.Client(transport=httpx.MockTransport(handler)) as client:
            del client.headers["Accept"], client.headers["User-Agent"]
            client.get(GUIDE_URL, headers={"Content-Type": "application/json"},
                       auth=SdkSigner(AK, SK, clock=lambda: east))
    finally:
        monkeypatch.undo()
        time.tzset()
    (request,) = seen
    assert request.headers["X-Sdk-Date"] == "20191115T033655Z"
    assert request.headers["Authorization"].endswith(f"Signature={GUIDE_SIGNATURE}")
