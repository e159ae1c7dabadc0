"""A user's tests, using only deskkit's public fixtures, markers, options and the generated strategies."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from desktops import desktop_name, naive_desktop_name, strict_desktop_name
from hypothesis import given, settings
from hypothesis import strategies as st

from workspace_desktop import ContractError, strategies
from workspace_desktop.client import AsyncWorkspaceClient, WorkspaceClient


@given(drawn=strategies.quirky())
def test_name_survives_quirky_bodies(desktop_transport_session, drawn):
    desktop_id = desktop_transport_session.serve(drawn.payload)
    with WorkspaceClient(token="t", base_url=desktop_transport_session.base_url,
                         transport=desktop_transport_session.transport) as client:
        name = desktop_name(client, desktop_id)
    assert name is None or isinstance(name, str)


@given(drawn=strategies.invalid())
def test_invalid_bodies_are_refused(desktop_transport_session, drawn):
    desktop_id = desktop_transport_session.serve(drawn.payload)
    with WorkspaceClient(token="t", base_url=desktop_transport_session.base_url,
                         transport=desktop_transport_session.transport) as client, pytest.raises(ContractError):
        desktop_name(client, desktop_id)


@given(drawn=st.one_of(strategies.valid(), strategies.quirky()))
def test_naive_name_on_what_the_service_sends(desktop_transport_session, drawn):  # EXPECTED TO FAIL
    mock = desktop_transport_session
    desktop_id = mock.serve(drawn.payload)
    with httpx.Client(base_url=mock.base_url, transport=mock.transport) as http:
        naive_desktop_name(http, desktop_id)


@pytest.mark.deskkit_mock(seed=3, quirks=True, resources=4)
def test_every_desktop_over_loopback(desktop_mock):
    assert desktop_mock.base_url.startswith("http://127.0.0.1:")
    with WorkspaceClient(token="t", base_url=desktop_mock.base_url) as client:
        names = [desktop_name(client, desktop_id) for desktop_id in desktop_mock.ids]
    assert len(names) == len(desktop_mock.ids) == 4
    assert [(r.method, r.operation, r.status) for r in desktop_mock.requests] == [
        ("GET", "ShowDesktopDetail", 200)] * 4


@pytest.mark.parametrize("desktop_transport", [{"quirks": False}, {"quirks": True}], indirect=True)
def test_strict_name_with_quirks_off_and_on(desktop_transport):  # EXPECTED TO FAIL with quirks on
    with WorkspaceClient(token="t", base_url=desktop_transport.base_url,
                         transport=desktop_transport.transport) as client:
        for desktop_id in desktop_transport.ids:
            strict_desktop_name(client, desktop_id)


LOOPBACK_URLS: list[str] = []


def test_a_mock_of_its_own(desktop_mock):
    LOOPBACK_URLS.append(desktop_mock.base_url)
    assert httpx.get(f"{desktop_mock.base_url}/v2/p/desktops/{desktop_mock.ids[0]}",
                     headers={"X-Auth-Token": "t"}).status_code == 200


def test_the_mock_is_gone_after_its_test():
    [url] = LOOPBACK_URLS
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v2/p/desktops/x", headers={"X-Auth-Token": "t"}, timeout=2)


@pytest.mark.deskkit_mock(faults={"503": 1.0}, fault_limit=2, retry_after="0")
def test_503s_are_retried(desktop_mock):
    with WorkspaceClient(token="t", base_url=desktop_mock.base_url) as client:
        desktop_name(client, desktop_mock.ids[0])
    assert [r.status for r in desktop_mock.requests] == [503, 503, 200]


FIRST_IDS: list[str] = []


@pytest.mark.parametrize("desktop_mock", [{"seed": 1}, {"seed": 2}], indirect=True)
def test_seeds_choose_the_desktops(desktop_mock):
    assert len(desktop_mock.ids) == 5 and desktop_mock.ids[0] not in FIRST_IDS
    FIRST_IDS.append(desktop_mock.ids[0])


@pytest.mark.deskkit_mock(fixtures="bodies", token="secret")
def test_a_fixtures_folder_beside_the_tests(deskkit_transport):
    assert deskkit_transport.ids == ["vendor-example"]
    with WorkspaceClient(token="secret", base_url=deskkit_transport.base_url,
                         transport=deskkit_transport.transport) as client:
        assert desktop_name(client, "vendor-example") == "CHENMIN01"
    with WorkspaceClient(token="wrong", base_url=deskkit_transport.base_url,
                         transport=deskkit_transport.transport) as client, pytest.raises(Exception, match="401"):
        desktop_name(client, "vendor-example")


def test_async_clients_in_process(desktop_transport):
    async def names():
        async with AsyncWorkspaceClient(token="t", base_url=desktop_transport.base_url,
                                        transport=desktop_transport.async_transport) as client:
            return [(await client.show_desktop_detail("p", i, tolerant=True)).desktop for i in desktop_transport.ids]

    assert len(asyncio.run(names())) == 5


@pytest.mark.deskkit_mock(colour="red")
def test_an_unknown_setting(desktop_mock):  # EXPECTED TO ERROR at setup
    pass


@pytest.mark.parametrize("desktop_mock", [{"seed": "x"}], indirect=True)
def test_a_setting_of_the_wrong_type(desktop_mock):  # EXPECTED TO ERROR at setup
    pass


@pytest.mark.deskkit_mock(faults={"503": "half"}, token=1234567)
def test_a_fault_rate_of_the_wrong_type(desktop_transport):  # EXPECTED TO ERROR at setup
    pass


def test_the_profile_chosen_on_the_command_line():
    assert settings.default.max_examples == 50  # deskkit's dev profile (Hypothesis's default is 100)
