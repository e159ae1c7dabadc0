"""Both generated clients against `deskkit mock` over real HTTP: success, quirks, errors, retries, safety."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import workspace_desktop as w
from tests.functional.conftest import Mock
from workspace_desktop.client import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AsyncWorkspaceClient,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    WorkspaceClient,
)

TOKEN = "MIIZ-s3cr3t-t0ken-value"
PROJECT = "0bec5db98280d2d02fd6c00c2de791ce"
DATA = Path(__file__).resolve().parent.parent / "data"


def client(mock: Mock, **kwargs: object) -> WorkspaceClient:
    options: dict[str, object] = {"token": TOKEN, "base_url": mock.url, "backoff": 0.01} | kwargs
    return WorkspaceClient(**options)  # type: ignore[arg-type]


def test_success_sync_and_async(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--seed", "4", "--token", TOKEN)
    with client(mock) as c:
        result = c.show_desktop_detail(PROJECT, mock.ids[0])
    assert isinstance(result.desktop, w.DesktopDetailInfo) and result.desktop.desktop_id == mock.ids[0]

    async def fetch() -> w.ShowDesktopDetailResponse:
        async with AsyncWorkspaceClient(token=TOKEN, base_url=mock.url) as c:
            return await c.show_desktop_detail(PROJECT, mock.ids[1])

    assert asyncio.run(fetch()).desktop.desktop_id == mock.ids[1]  # type: ignore[union-attr]
    assert len(mock.requests()) == 2
    assert mock.stop() == 0 and "deskkit mock: stopped" in mock.log.read_text()


def test_quirky_bodies_strict_and_tolerant(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--quirks", "--seed", "2", "--desktops", "3")
    with client(mock) as c:
        for desktop_id in mock.ids:
            with pytest.raises(w.ContractError) as caught:
                c.show_desktop_detail(PROJECT, desktop_id)
            assert caught.value.request_id and len(caught.value.request_id) == 32
            assert any(p.quirk for p in caught.value.problems)
            result = c.show_desktop_detail(PROJECT, desktop_id, tolerant=True)
            assert result.deviations


def test_fixture_folder_serves_the_page_example(start_mock: Callable[..., Mock], tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    folder.mkdir()
    shutil.copy(DATA / "vendor-example.json", folder / "a130ab3a-72bf-4b71-baa9-af4987c8e338.json")
    mock = start_mock("--fixtures", str(folder))
    assert mock.ids == ["a130ab3a-72bf-4b71-baa9-af4987c8e338"]
    with client(mock) as c:
        result = c.show_desktop_detail(PROJECT, mock.ids[0], tolerant=True)
    assert result.desktop.computer_name == "CHENMIN01"  # type: ignore[union-attr]
    assert [d.pointer for d in result.deviations][:2] == ["/desktop", "/desktop/0/addresses"]


def test_wrong_token_and_unknown_desktop_are_typed_with_request_ids(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--token", "the-right-one")
    with client(mock) as c, pytest.raises(AuthenticationError) as auth:
        c.show_desktop_detail(PROJECT, mock.ids[0])
    assert auth.value.status == 401 and auth.value.error_code == "APIGW.0301"
    assert auth.value.error_msg == "Incorrect IAM authentication information: decrypt token fail"
    assert auth.value.request_id and len(auth.value.request_id) == 32
    with client(mock, token="the-right-one") as c, pytest.raises(NotFoundError) as missing:
        c.show_desktop_detail(PROJECT, "no-such-desktop")
    assert missing.value.status == 404 and missing.value.error_code == "MOCK.0404" and missing.value.request_id
    assert TOKEN not in str(auth.value) + repr(auth.value)


def test_a_token_provider_is_asked_again_once_after_a_401(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--token", "fresh")
    tokens = iter(["expired", "fresh"])
    with client(mock, token=lambda: next(tokens)) as c:
        assert c.show_desktop_detail(PROJECT, mock.ids[0]).desktop is not w.UNSET
    calls: list[str] = []

    def always_stale() -> str:
        calls.append("stale")
        return "stale"

    with client(mock, token=always_stale) as c, pytest.raises(AuthenticationError):
        c.show_desktop_detail(PROJECT, mock.ids[0])
    assert len(calls) == 2


def test_retries_succeed_after_injected_503s(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--fail-503", "1", "--fault-limit", "2")
    with client(mock, max_retries=3) as c:
        assert c.show_desktop_detail(PROJECT, mock.ids[0]).desktop is not w.UNSET
    statuses = [line.split('" ')[1].split()[0] for line in mock.requests()]
    assert statuses == ["503", "503", "200"]


def test_retries_give_up_after_the_bound(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--fail-503", "1")
    with client(mock, max_retries=2) as c, pytest.raises(ServerError) as caught:
        c.show_desktop_detail(PROJECT, mock.ids[0])
    assert caught.value.status == 503 and caught.value.request_id
    assert len(mock.requests()) == 3
    with client(mock, max_retries=0) as c, pytest.raises(ServerError):
        c.show_desktop_detail(PROJECT, mock.ids[0])
    assert len(mock.requests()) == 4


def test_async_retries_and_gateway_throttling_without_retry_after(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--fail-429", "1", "--retry-after", "none")

    async def fetch(retries: int) -> None:
        async with AsyncWorkspaceClient(token=TOKEN, base_url=mock.url, max_retries=retries, backoff=0.01) as c:
            await c.show_desktop_detail(PROJECT, mock.ids[0])

    with pytest.raises(RateLimitError) as caught:
        asyncio.run(fetch(2))
    assert caught.value.error_code == "APIGW.0308" and caught.value.status == 429
    assert len(mock.requests()) == 3


def test_retry_after_is_obeyed(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--fail-429", "1", "--fault-limit", "1", "--retry-after", "1")
    started = time.monotonic()
    with client(mock, backoff=0.0) as c:
        c.show_desktop_detail(PROJECT, mock.ids[0])
    assert time.monotonic() - started >= 1.0
    assert len(mock.requests()) == 2


def test_timeout(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--slow", "1", "--slow-seconds", "3")
    with client(mock, timeout=0.3, max_retries=0) as c, pytest.raises(ApiTimeoutError) as caught:
        c.show_desktop_detail(PROJECT, mock.ids[0])
    assert isinstance(caught.value, ApiConnectionError) and TOKEN not in str(caught.value)


def test_html_502_gives_an_api_error_with_an_excerpt(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--fail-502-html", "1")
    with client(mock, max_retries=0) as c, pytest.raises(ServerError) as caught:
        c.show_desktop_detail(PROJECT, mock.ids[0])
    assert caught.value.status == 502 and caught.value.error_code is None
    assert "502 Bad Gateway" in caught.value.excerpt and caught.value.request_id


def test_truncated_body_is_a_contract_error_not_a_json_error(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--truncate", "1")
    with client(mock) as c:
        for tolerant in (False, True):
            with pytest.raises(w.ContractError) as caught:
                c.show_desktop_detail(PROJECT, mock.ids[0], tolerant=tolerant)
            assert caught.value.problems[0].message.startswith("not JSON")
            assert caught.value.request_id


@pytest.mark.parametrize("bad", ["..", "../other-project", "a/b", "", "x\n", "x\x00", "%2e%2e/x", "a\\b"])
def test_crafted_ids_are_refused_before_any_request(start_mock: Callable[..., Mock], bad: str) -> None:
    mock = start_mock()
    with client(mock) as c:
        for args in ((PROJECT, bad), (bad, mock.ids[0])):
            with pytest.raises(ValueError) as caught:
                c.show_desktop_detail(*args)
            assert TOKEN not in str(caught.value)
    assert mock.requests() == []


def test_ids_are_percent_encoded() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(200, json={"desktop": {}})

    with WorkspaceClient(token=TOKEN, region="ap-southeast-1", transport=httpx.MockTransport(handler)) as c:
        c.show_desktop_detail("proj ect", "desk?top#1")
    assert seen == ["/v2/proj%20ect/desktops/desk%3Ftop%231"]


@pytest.mark.parametrize(("status", "kind"), [(400, BadRequestError), (401, AuthenticationError),
                                              (403, PermissionDeniedError), (404, NotFoundError),
                                              (429, RateLimitError), (500, ServerError), (504, ServerError),
                                              (418, ApiError)])
def test_every_error_status_has_its_type(status: int, kind: type[ApiError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Auth-Token"] == TOKEN
        return httpx.Response(status, json={"error_code": "WKS.0001", "error_msg": "no", "request_id": "body-id"})

    with WorkspaceClient(token=TOKEN, base_url="http://api.test", max_retries=0,
                         transport=httpx.MockTransport(handler)) as c, pytest.raises(kind) as caught:
        c.show_desktop_detail(PROJECT, "d")
    assert type(caught.value) is kind and caught.value.request_id == "body-id"
    assert caught.value.error_code == "WKS.0001"


def test_empty_error_body() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(503, content=b""))
    c = WorkspaceClient(token=TOKEN, base_url="http://api.test", max_retries=0, transport=transport)
    with c, pytest.raises(ServerError) as caught:
        c.show_desktop_detail(PROJECT, "d")
    assert caught.value.status == 503 and caught.value.excerpt == ""


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    c = WorkspaceClient(token=TOKEN, base_url=f"http://127.0.0.1:{port}", max_retries=1, backoff=0.01)
    with c, pytest.raises(ApiConnectionError) as caught:
        c.show_desktop_detail(PROJECT, "d")
    assert "ConnectError" in str(caught.value)


def test_token_never_in_repr_logs_or_messages(start_mock: Callable[..., Mock],
                                              caplog: pytest.LogCaptureFixture) -> None:
    mock = start_mock("--token", "other", "--fail-503", "1", "--fault-limit", "1")
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with client(mock, max_retries=0) as c:
        texts.append(repr(c))
        for desktop_id in (mock.ids[0], mock.ids[0], "missing"):
            with pytest.raises(ApiError) as caught:
                c.show_desktop_detail(PROJECT, desktop_id)
            texts += [str(caught.value), repr(caught.value)]
    async_client = AsyncWorkspaceClient(token=lambda: TOKEN, base_url=mock.url)
    texts.append(repr(async_client))
    asyncio.run(async_client.aclose())
    texts += [record.getMessage() for record in caplog.records]
    texts.append(mock.log.read_text())
    assert caplog.records, "httpx logged nothing: the check would be empty"
    assert all(TOKEN not in text for text in texts)


def test_constructor_errors() -> None:
    with pytest.raises(ValueError, match="credentials are required"):
        WorkspaceClient(region="ap-southeast-1")
    with pytest.raises(ValueError, match="region"):
        WorkspaceClient(token=TOKEN)
    with pytest.raises(ValueError, match="max_retries"):
        WorkspaceClient(token=TOKEN, region="r", max_retries=-1)
    assert "workspace.ap-southeast-1.myhuaweicloud.com" in repr(WorkspaceClient(token=TOKEN, region="ap-southeast-1"))


def test_mock_logs_one_line_per_request_and_refuses_other_paths(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock()
    response = httpx.get(mock.url + "/v1/nothing", headers={"X-Auth-Token": "t"})
    assert response.status_code == 404 and response.json()["error_code"] == "APIGW.0101"
    assert response.headers["X-Request-Id"] == response.json()["request_id"]
    ok = httpx.get(f"{mock.url}/v2/{PROJECT}/desktops/{mock.ids[0]}", headers={"X-Auth-Token": "t"})
    assert ok.status_code == 200 and len(ok.headers["X-Request-Id"]) == 32
    body = json.loads(ok.content)
    assert w.ShowDesktopDetailResponse.from_dict(body).desktop.desktop_id == mock.ids[0]  # type: ignore[union-attr]
    assert len(mock.requests()) == 2
