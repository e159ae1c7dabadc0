"""The client with an access key pair against `deskkit mock --ak --sk`, which checks signatures for real."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

import workspace_desktop as w
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
