"""List desktop details over real HTTP: the client walks every page of a 57-desktop listing with limit=10
(sync and async), sends filters as the vendor SDK does (arrays as repeated keys), and each listed id shows
the same desktop.

The server here is a small loopback stand-in built only from what the generated package records
(``OPERATIONS``: path templates, ``Parameter.decode``, ``Pagination``) — the same records ``deskkit mock``
reads — so the records are shown sufficient to serve a paged list."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import workspace_desktop as w
from generator.contract.captures import Router
from generator.contract.samples import draw
from workspace_desktop import strategies
from workspace_desktop.client import AsyncWorkspaceClient, WorkspaceClient

TOKEN = "list-token"


class Listing:
    """57 desktops, served by the package's own operation records; every request's query is kept."""

    def __init__(self, count: int) -> None:
        drawn = draw(strategies.desktop_detail_info_payloads(), count + 5, 57)
        self.desktops = []
        for index, payload in enumerate(drawn[:count]):
            payload["desktop_id"] = str(uuid.UUID(int=index + 1))
            payload["status"] = "ACTIVE" if index % 3 else "SHUTOFF"
            self.desktops.append(payload)
        assert len(self.desktops) == count
        self.router = Router(w.OPERATIONS)
        self.queries: list[dict[str, list[str]]] = []

    def answer(self, method: str, target: str) -> tuple[int, Any]:
        url = urlsplit(target)
        op, known = self.router.match(method, url.path)
        if op is None:
            return (405 if known else 404), {"error_code": "APIGW.0101", "error_msg": "no such API"}
        raw = parse_qs(url.query, keep_blank_values=True)
        if op.pagination is not None:
            self.queries.append(raw)
        values = {}
        for param in op.parameters:
            if param.location == "query" and param.name in raw:
                try:
                    values[param.name] = param.decode(raw[param.name])
                except ValueError as error:
                    return 400, {"error_code": "WKS.0400", "error_msg": str(error)}
        if op.pagination is None:
            desktop_id = unquote(url.path.rsplit("/", 1)[1])
            found = [d for d in self.desktops if d["desktop_id"] == desktop_id]
            return (200, {"desktop": found[0]}) if found else (404, {"error_code": "WKS.0002", "error_msg": "no"})
        page = op.pagination
        status, wanted = values.get("status"), values.get("desktop_id")
        chosen = [d for d in self.desktops if (status is None or d["status"] == status)
                  and (not wanted or d["desktop_id"] in wanted)]
        offset, limit = values.get(page.offset, 0), values.get(page.limit, 500)
        return 200, {page.items: chosen[offset:offset + limit], page.total: len(chosen)}


@pytest.fixture
def listing() -> Iterator[tuple[str, Listing]]:
    served = Listing(57)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            status, body = served.answer("GET", self.path) if self.headers.get("X-Auth-Token") == TOKEN else (
                401, {"error_code": "APIGW.0301", "error_msg": "bad token"})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()


def ids(items: list[w.DesktopDetailInfo]) -> list[str]:
    return [str(d.desktop_id) for d in items]


def test_the_iterator_walks_every_page_and_each_id_shows_the_same_desktop(listing: tuple[str, Listing]) -> None:
    url, served = listing
    with WorkspaceClient(token=TOKEN, base_url=url) as client:
        listed = list(client.iter_desktops_detail("proj", limit=10))
        assert ids(listed) == [d["desktop_id"] for d in served.desktops]
        assert [(q["offset"], q["limit"]) for q in served.queries] == [([str(o)], ["10"]) for o in range(0, 60, 10)]
        last = client.list_desktops_detail("proj", limit=10, offset=50)
        assert (len(last.desktops), last.total_count) == (7, 57)
        for desktop in listed:
            shown = client.show_desktop_detail("proj", str(desktop.desktop_id)).desktop
            assert shown == desktop and shown.to_dict() == desktop.to_dict()


def test_the_async_iterator_walks_every_page(listing: tuple[str, Listing]) -> None:
    url, served = listing

    async def walk() -> list[w.DesktopDetailInfo]:
        async with AsyncWorkspaceClient(token=TOKEN, base_url=url) as client:
            found = [d async for d in client.iter_desktops_detail("proj", limit=10)]
            shown = await client.show_desktop_detail("proj", str(found[-1].desktop_id))
            assert shown.desktop == found[-1]
            return found

    assert ids(asyncio.run(walk())) == [d["desktop_id"] for d in served.desktops]
    assert len([q for q in served.queries if "offset" in q]) == 6


def test_filters_go_as_the_vendor_sdk_sends_them(listing: tuple[str, Listing]) -> None:
    url, served = listing
    wanted = [served.desktops[1]["desktop_id"], served.desktops[4]["desktop_id"]]
    with WorkspaceClient(token=TOKEN, base_url=url) as client:
        found = list(client.iter_desktops_detail("proj", desktop_id=wanted, status="ACTIVE", limit=1,
                                                 sort_type=w.SortType.DESC, user_attached=False))
    assert ids(found) == wanted
    first = served.queries[0]
    assert first["desktop_id"] == wanted and first["user_attached"] == ["false"] and first["sort_type"] == ["DESC"]
    assert [q["offset"] for q in served.queries] == [["0"], ["1"]]


def test_a_refused_filter_is_refused_before_sending(listing: tuple[str, Listing]) -> None:
    url, served = listing
    with WorkspaceClient(token=TOKEN, base_url=url) as client, pytest.raises(ValueError, match="limit: expected at"):
        client.list_desktops_detail("proj", limit=-1)
    assert served.queries == []


def test_against_deskkit_mock_every_page_of_57_and_each_id_shows_the_same_desktop(start_mock: Any) -> None:
    mock = start_mock("--desktops", "57", "--token", TOKEN, "--seed", "5")
    with WorkspaceClient(token=TOKEN, base_url=mock.url) as client:
        listed = list(client.iter_desktops_detail("proj", limit=10))
        assert len(listed) == 57 and len({str(d.desktop_id) for d in listed}) == 57
        assert client.list_desktops_detail("proj", limit=10, offset=50).total_count == 57
        for desktop in listed:
            assert client.show_desktop_detail("proj", str(desktop.desktop_id)).desktop.to_dict() == desktop.to_dict()

    async def walk() -> list[str]:
        async with AsyncWorkspaceClient(token=TOKEN, base_url=mock.url) as client:
            return [str(d.desktop_id) async for d in client.iter_desktops_detail("proj", limit=10)]

    assert asyncio.run(walk()) == [str(d.desktop_id) for d in listed]
    pages = [line for line in mock.requests() if "/desktops/detail" in line]
    assert len(pages) == 2 * 6 + 1
