"""The client with an access key pair against `deskkit mock --ak --sk`, which checks signatures for real."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

import workspace_desktop as w
from generator.mock import MockConfig, create_app
from tests.functional.conftest import Mock
from workspace_desktop.client import AsyncWorkspaceClient, AuthenticationError, WorkspaceClient

AK, SK = "HPUAXXXXXXXXXXXXXXXX", "deskkit-test-secret-key-0123456789abcdefgh"
PROJECT = "0bec5db98280d2d02fd6c00c2de791ce"


def test_signed_requests_fetch_a_desktop(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--ak", AK, "--sk", SK)
    with WorkspaceClient(ak=AK, sk=SK, project_id=PROJECT, base_url=mock.url) as client:
        result = client.show_desktop_detail(PROJECT, mock.ids[0])
    assert isinstance(result.desktop, w.DesktopDetailInfo) and result.desktop.desktop_id == mock.ids[0]


def test_async_signed_request_with_an_id_needing_encoding(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--ak", AK, "--sk", SK)

    async def fetch(desktop_id: str) -> None:
        async with AsyncWorkspaceClient(ak=AK, sk=SK, base_url=mock.url, security_token="sts") as client:
            await client.show_desktop_detail(PROJECT, desktop_id)

    asyncio.run(fetch(mock.ids[1]))
    with pytest.raises(w.client.NotFoundError):  # signed fine, then an unknown desktop: 404, not 401
        asyncio.run(fetch("no such desktop é"))


def test_a_wrong_secret_gives_apigw_0301(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--ak", AK, "--sk", SK)
    with WorkspaceClient(ak=AK, sk=SK + "x", base_url=mock.url) as client, \
            pytest.raises(AuthenticationError) as caught:
        client.show_desktop_detail(PROJECT, mock.ids[0])
    assert caught.value.status == 401 and caught.value.error_code == "APIGW.0301"
    assert "signature" in (caught.value.error_msg or "")
    assert SK not in str(caught.value) + repr(caught.value) + repr(client)


def test_a_stale_date_is_refused(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--ak", AK, "--sk", SK)
    stale = lambda: datetime.now(UTC) - timedelta(minutes=20)  # noqa: E731
    with WorkspaceClient(ak=AK, sk=SK, base_url=mock.url, clock=stale) as client, \
            pytest.raises(AuthenticationError) as caught:
        client.show_desktop_detail(PROJECT, mock.ids[0])
    assert caught.value.error_code == "APIGW.0301" and "expired" in (caught.value.error_msg or "")
    fresh = lambda: datetime.now(UTC) - timedelta(minutes=5)  # noqa: E731
    with WorkspaceClient(ak=AK, sk=SK, base_url=mock.url, clock=fresh) as client:
        client.show_desktop_detail(PROJECT, mock.ids[0])


def test_a_token_is_not_enough_when_the_mock_wants_signatures(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--ak", AK, "--sk", SK)
    with WorkspaceClient(token="t", base_url=mock.url) as client, pytest.raises(AuthenticationError):
        client.show_desktop_detail(PROJECT, mock.ids[0])


@pytest.mark.parametrize("kwargs", [{}, {"token": "t", "ak": AK, "sk": SK}, {"ak": AK}, {"sk": SK},
                                    {"token": ""}])
def test_exactly_one_kind_of_credentials(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError) as caught:
        WorkspaceClient(base_url="http://x", **kwargs)  # type: ignore[arg-type]
    assert SK not in str(caught.value)


# -- the vendor's own signer (huaweicloudsdkcore) as the oracle ----------------------------------------------------
def vendor_signed(path: str, query: list[tuple[str, str]], *, sk: str = SK, token: str | None = None,
                  sdk_date: str | None = None, headers: dict[str, str] | None = None,
                  base: str = "http://mock.test") -> httpx.Request:
    """A request signed by the vendor SDK's signer, sent the way the SDK sends it (its URI, its header bytes)."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest

    params = {"Content-Type": "application/json", **(headers or {})}
    if sdk_date:
        params["X-Sdk-Date"] = sdk_date
    request = SdkRequest(method="GET", schema="http", host=httpx.URL(base).netloc.decode(), resource_path=path,
                         query_params=query,
                         header_params=params, body=b"")
    credentials = BasicCredentials(AK, sk, PROJECT)
    (credentials.with_security_token(token) if token else credentials).sign_request(request)
    # The SDK leaves header values as the Latin-1 reading of their UTF-8 bytes: those bytes go on the wire.
    raw = [(name.encode(), str(value).encode("latin-1")) for name, value in request.header_params.items()]
    return httpx.Request("GET", base + request.uri, headers=raw)


@pytest.mark.parametrize("case", ["plain", "non-ascii token", "query", "extra signed header"])
def test_vendor_signed_requests_are_served(case: str) -> None:
    pytest.importorskip("huaweicloudsdkcore")
    app = create_app(MockConfig(package="workspace_desktop", ak=AK, sk=SK, seed=2))
    path = f"/v2/{PROJECT}/desktops/{app.ids[0]}"
    request = {
        "plain": lambda: vendor_signed(path, []),
        # http.server read header bytes as Latin-1, so a UTF-8 token never verified (signer.md D5').
        "non-ascii token": lambda: vendor_signed(path, [], token="tök-€ STS"),
        "query": lambda: vendor_signed(path, [("limit", "10"), ("offset", "0"), ("a-b", "x~y")]),
        "extra signed header": lambda: vendor_signed(path, [], headers={"X-Trace": "  padded value "}),
    }[case]()

    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app)) as client:
            return await client.send(request)

    response = asyncio.run(send())
    assert response.status_code == 200, response.text
    assert response.json()["desktop"]["desktop_id"] == app.ids[0]


def test_vendor_signed_requests_with_a_wrong_key_or_an_old_date_are_refused() -> None:
    pytest.importorskip("huaweicloudsdkcore")
    app = create_app(MockConfig(package="workspace_desktop", ak=AK, sk=SK))
    path = f"/v2/{PROJECT}/desktops/{app.ids[0]}"
    old = (datetime.now(UTC) - timedelta(minutes=20)).strftime("%Y%m%dT%H%M%SZ")

    async def send(request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app)) as client:
            return await client.send(request)

    wrong = asyncio.run(send(vendor_signed(path, [], sk=SK + "x")))
    stale = asyncio.run(send(vendor_signed(path, [], sdk_date=old)))
    assert wrong.status_code == stale.status_code == 401
    assert wrong.json()["error_msg"].endswith("verify aksk signature fail")
    assert stale.json()["error_msg"].endswith("signature expired")


def test_the_verifier_uses_the_raw_path_and_query_as_sent() -> None:
    """Signed with the package's own functions over the exact bytes sent (an encoded slash, a non-ASCII
    query name, a repeated key): the mock must canonicalize exactly those, not a decoded or re-encoded form."""
    app = create_app(MockConfig(package="workspace_desktop", ak=AK, sk=SK))
    sdk_date = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    raw_path, query = f"/v2/{PROJECT}/desktops/a%2Fb%20c", "z=1&%C3%A9=2&k=z&k=%C3%A9&q=a+b"
    headers = [("Host", "mock.test"), ("X-Sdk-Date", sdk_date), ("X-Security-Token", "tök")]
    signed = ["host", "x-sdk-date", "x-security-token"]
    canonical = w.signing.canonical_request("GET", raw_path, query, headers, signed, b"")
    signature = w.signing.sign(SK, w.signing.string_to_sign(canonical, sdk_date))
    raw = [(k.encode(), v.encode("utf-8")) for k, v in headers]
    raw.append((b"Authorization", w.signing.authorization(AK, signed, signature).encode()))

    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app)) as client:
            url = httpx.URL("http://mock.test", raw_path=f"{raw_path}?{query}".encode())
            return await client.send(httpx.Request("GET", url, headers=raw))

    response = asyncio.run(send())
    assert response.status_code == 404 and response.json()["error_code"] == "MOCK.0404", response.text


def test_a_non_ascii_security_token_over_real_http(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--ak", AK, "--sk", SK)

    async def fetch() -> w.ShowDesktopDetailResponse:
        async with AsyncWorkspaceClient(ak=AK, sk=SK, base_url=mock.url, security_token="tök-€") as client:
            return await client.show_desktop_detail(PROJECT, mock.ids[0])

    assert asyncio.run(fetch()).desktop.desktop_id == mock.ids[0]  # type: ignore[union-attr]
    if importlib.util.find_spec("huaweicloudsdkcore"):
        request = vendor_signed(f"/v2/{PROJECT}/desktops/{mock.ids[1]}", [], token="tök-€", base=mock.url)
        with httpx.Client() as client:
            assert client.send(request).status_code == 200
