"""The mock's ASGI app in-process (no port): routing of every operation, item stores and pages, fixtures,
faults, auth. ``tests.functional.petshop`` stands in for bindings with several operations and a paginated
list; the shipped bindings are served too."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import workspace_desktop as w
from generator.errors import DeskkitError
from generator.mock import MockApp, MockConfig, create_app
from generator.mock.app import escape
from tests.functional import petshop
from workspace_desktop.client import AsyncWorkspaceClient, WorkspaceClient

PETS = "tests.functional.petshop"
TOKEN = {"X-Auth-Token": "t"}
GATEWAY_KEYS = {"error_code", "error_msg", "request_id"}


def make(package: str = PETS, **options: Any) -> MockApp:
    return create_app(MockConfig(package=package, **options))


def client(app: MockApp) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(app.handle), base_url="http://mock", headers=TOKEN)


def asgi(app: MockApp, requests: list[httpx.Request]) -> list[httpx.Response]:
    """The requests sent one by one through ``httpx.ASGITransport`` (the app's ASGI entry point)."""

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app)) as c:
            return [await c.send(r) for r in requests]

    return asyncio.run(run())


def gateway_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == GATEWAY_KEYS and body["error_code"] == code
    assert body["request_id"] == response.headers["X-Request-Id"] and len(body["request_id"]) == 32
    return body


# -- routing ------------------------------------------------------------------------------------------------------
def test_every_operation_answers_with_its_own_success_status_and_body() -> None:
    app = make()
    pet = app.ids_of("ShowPet")[0]
    expected = {"ShowPet": ("GET", f"/v1/o/pets/{pet}", 200), "DeletePet": ("DELETE", f"/v1/o/pets/{pet}", 204),
                "ListPets": ("GET", "/v1/o/pets/detail", 200), "CreatePet": ("POST", "/v1/o/pets", 201)}
    assert sorted(expected) == sorted(op.id for op in petshop.OPERATIONS)
    with client(app) as c:
        for operation, (method, path, status) in expected.items():
            response = c.request(method, path)
            assert response.status_code == status, operation
            assert app.requests[-1].operation == operation
            if status == 204:
                assert response.content == b"" and "Content-Type" not in response.headers
            else:
                assert response.headers["Content-Type"] == "application/json" and response.json()


def test_a_literal_segment_wins_over_a_parameter() -> None:
    app = make()
    with client(app) as c:
        listed = c.get("/v1/o/pets/detail")
        shown = c.get("/v1/o/pets/detail-ish")
    assert listed.status_code == 200 and "pets" in listed.json()
    gateway_error(shown, 404, "MOCK.0404")  # routed to ShowPet: an unknown id
    assert [r.operation for r in app.requests] == ["ListPets", "ShowPet"]


def test_unknown_paths_and_unknown_ids_are_404_in_the_gateway_format() -> None:
    app = make()
    with client(app) as c:
        for path in ("/", "/v1", "/v1/o/cats/1", "/v1/o/pets/1/toys", "/v2/o/pets/detail"):
            body = gateway_error(c.get(path), 404, "APIGW.0101")
            assert "does not exist" in body["error_msg"]
        for method in ("GET", "DELETE"):
            body = gateway_error(c.request(method, "/v1/o/pets/no%20such%20pet"), 404, "MOCK.0404")
            assert "'no such pet'" in body["error_msg"] and "pet_id" in body["error_msg"]


def test_another_method_is_405_with_allow_and_head_options_trace_get_proper_answers() -> None:
    app = make()
    pet = app.ids[0]
    with client(app) as c:
        put = c.put(f"/v1/o/pets/{pet}")
        post = c.post("/v1/o/pets/detail")
        trace = c.request("TRACE", f"/v1/o/pets/{pet}")
        options = c.options(f"/v1/o/pets/{pet}")
        head, get = c.head(f"/v1/o/pets/{pet}"), c.get(f"/v1/o/pets/{pet}")
        odd = c.request("HELLOGET", "/v1/o/pets")
    gateway_error(put, 405, "APIGW.0101")
    assert put.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS"
    gateway_error(post, 405, "APIGW.0101")
    # What the router dispatches at that path: ListPets, and the item operations (``detail`` as an id).
    assert post.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS"
    gateway_error(trace, 405, "APIGW.0101")
    gateway_error(odd, 405, "APIGW.0101")
    assert odd.headers["Allow"] == "OPTIONS, POST"
    assert options.status_code == 204 and options.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS"
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(get.content)) and get.content


# -- item stores and pages ----------------------------------------------------------------------------------------
def test_a_list_of_57_walked_with_limit_10_gives_6_pages_and_every_listed_id_is_served() -> None:
    app = make(resources=57, seed=3)
    pages: list[dict[str, Any]] = []
    with client(app) as c:
        offset = 0
        while True:
            page = c.get("/v1/o/pets/detail", params={"offset": offset, "limit": 10}).json()
            if not page["pets"]:
                break
            pages.append(page)
            offset += len(page["pets"])
        listed = [pet["pet_id"] for page in pages for pet in page["pets"]]
        shown = {pet_id: c.get(f"/v1/o/pets/{pet_id}") for pet_id in listed}
    assert [len(page["pets"]) for page in pages] == [10, 10, 10, 10, 10, 7]
    assert {page["total_count"] for page in pages} == {57} and all("marker" in page for page in pages)
    assert len(set(listed)) == 57
    for pet_id, response in shown.items():
        assert response.status_code == 200 and response.json()["pet"]["pet_id"] == pet_id
    # The listed item is the one the item operation serves.
    first = pages[0]["pets"][0]
    assert shown[first["pet_id"]].json()["pet"] == first


def test_pages_without_limit_and_past_the_end_and_bad_numbers() -> None:
    app = make(resources=4)
    with client(app) as c:
        everything = c.get("/v1/o/pets/detail").json()
        tail = c.get("/v1/o/pets/detail?offset=3").json()
        past = c.get("/v1/o/pets/detail?offset=99&limit=5").json()
        bad = [c.get(f"/v1/o/pets/detail?{query}") for query in ("limit=x", "offset=-1", "limit=1e3", "offset=")]
    assert len(everything["pets"]) == 4 and everything["total_count"] == 4
    assert [p["pet_id"] for p in tail["pets"]] == [app.ids[3]]
    assert past["pets"] == [] and past["total_count"] == 4
    for response in bad:
        assert "must be a whole number" in gateway_error(response, 400, "APIGW.0201")["error_msg"]
    with client(app) as c:  # leading zeros are the same number (the first 18 characters were read)
        zeros = c.get("/v1/o/pets/detail?offset=" + "0" * 30 + "2&limit=0000000000000000001").json()
    assert [p["pet_id"] for p in zeros["pets"]] == [app.ids[2]]


def test_the_same_seed_gives_the_same_ids_and_bodies_another_seed_others() -> None:
    one, again, other = make(seed=5), make(seed=5), make(seed=6)
    assert one.ids == again.ids and one.ids != other.ids
    with client(one) as a, client(again) as b:
        assert [a.get(f"/v1/o/pets/{i}").content for i in one.ids] == [b.get(f"/v1/o/pets/{i}").content
                                                                         for i in one.ids]


def test_quirky_bodies_keep_their_ids_and_models_without_quirks_draw_valid_bodies() -> None:
    app = make(quirks=True, resources=3)
    with client(app) as c:
        bodies = [c.get(f"/v1/o/pets/{i}").json() for i in app.ids]
        page = c.get("/v1/o/pets/detail").json()
    assert all(isinstance(b["pet"], list) and b["pet"][0]["pet_id"] == i for b, i in zip(bodies, app.ids, strict=True))
    assert [p["pet_id"] for p in page["pets"]] == app.ids


# -- fixtures ------------------------------------------------------------------------------------------------------
def test_flat_fixtures_belong_to_the_first_operation_and_are_served_verbatim(tmp_path: Path) -> None:
    (tmp_path / "rex.json").write_bytes(b'{"pet": {"name": "Rex", "pet_id": "other"}}\n')
    (tmp_path / "bad.json").write_bytes(b"{not json")
    (tmp_path / "deep.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    app = make(fixtures=tmp_path)
    assert app.ids == ["bad", "deep", "rex"]
    with client(app) as c:
        assert c.get("/v1/o/pets/rex").content == b'{"pet": {"name": "Rex", "pet_id": "other"}}\n'
        assert c.get("/v1/o/pets/bad").content == b"{not json"
        assert len(c.get("/v1/o/pets/deep").content) == 200_000
        assert c.delete("/v1/o/pets/rex").status_code == 204
        page = c.get("/v1/o/pets/detail").json()
        gateway_error(c.get("/v1/o/pets/felix"), 404, "MOCK.0404")
    # The file name is the id the list shows, whatever the body says.
    assert page["pets"] == [{"pet_id": "bad"}, {"pet_id": "deep"}, {"name": "Rex", "pet_id": "rex"}]
    assert page["total_count"] == 3


def strict_json(text: bytes) -> Any:
    """RFC 8259's JSON (the standard library reads NaN and Infinity too)."""
    def refuse(literal: str) -> Any:
        raise ValueError(f"{literal} is not JSON")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_a_fixture_that_is_not_json_is_served_verbatim_and_listed_by_its_id(tmp_path: Path, literal: bytes) -> None:
    body = b'{"pet": {"name": "Odd", "weight": ' + literal + b"}}"
    (tmp_path / "odd.json").write_bytes(body)
    app = make(fixtures=tmp_path)
    with client(app) as c:
        assert c.get("/v1/o/pets/odd").content.endswith(literal + b"}}")  # the user's bytes, as given
        page = c.get("/v1/o/pets/detail").content
    assert strict_json(page)["pets"] == [{"pet_id": "odd"}]  # (a NaN read from it was written into the list)
    column = body.index(literal.lstrip(b"-")) + 1 - (literal.startswith(b"-"))  # counted from the raw bytes
    [warning] = app.warnings  # the operator hears of it before a client does
    assert warning.startswith("--fixtures: the ShowPet body 'odd': not JSON (") and warning.endswith(
        f" at line 1 column {column}; served as it is"), warning


def test_fixtures_per_operation(tmp_path: Path) -> None:
    (tmp_path / "ShowPet").mkdir()
    (tmp_path / "ShowPet" / "a.json").write_text('{"pet": {"pet_id": "a", "name": "A"}}')
    (tmp_path / "DeletePet").mkdir()
    (tmp_path / "DeletePet" / "b.json").write_text("")
    (tmp_path / "CreatePet").mkdir()
    (tmp_path / "CreatePet" / "created.json").write_text('{"job_id": "j-1"}')
    (tmp_path / "Nope").mkdir()
    (tmp_path / "Nope" / "x.json").write_text("{}")
    (tmp_path / "notes").mkdir()  # no JSON in it: not an operation's folder, nothing to say
    app = make(fixtures=tmp_path)
    assert app.ids == ["a", "b"]  # one store for the item path, from both operations' files
    assert len(app.warnings) == 1 and "Nope" in app.warnings[0] and "ShowPet" in app.warnings[0]
    with client(app) as c:
        assert c.get("/v1/o/pets/a").json() == {"pet": {"pet_id": "a", "name": "A"}}
        drawn = c.get("/v1/o/pets/b").json()  # no ShowPet file for b: drawn, with the id
        assert drawn["pet"]["pet_id"] == "b"
        assert c.post("/v1/o/pets", json={}).json() == {"job_id": "j-1"}


@pytest.mark.parametrize(("layout", "message"), [
    ({}, "no .json files"),
    ({"ListPets/one.json": "{}", "ListPets/two.json": "{}"}, "ListPets takes no resource id"),
])
def test_fixture_folders_that_cannot_work_are_refused(tmp_path: Path, layout: dict[str, str], message: str) -> None:
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    with pytest.raises(DeskkitError, match=message):
        make(fixtures=tmp_path)
    with pytest.raises(DeskkitError, match="no such folder"):
        make(fixtures=tmp_path / "missing")


def test_a_list_with_its_own_fixture_pages_that_body(tmp_path: Path) -> None:
    (tmp_path / "ListPets").mkdir()
    (tmp_path / "ListPets" / "page.json").write_text(json.dumps({"pets": [{"pet_id": str(i)} for i in range(5)],
                                                                 "total_count": 0, "marker": "m"}))
    with client(make(fixtures=tmp_path)) as c:
        page = c.get("/v1/o/pets/detail?offset=1&limit=2").json()
    assert page == {"pets": [{"pet_id": "1"}, {"pet_id": "2"}], "total_count": 5, "marker": "m"}


# -- the shipped bindings, in-process ------------------------------------------------------------------------------
def test_both_generated_clients_in_process() -> None:
    app = make("workspace_desktop", seed=1)
    with WorkspaceClient(token="t", base_url="http://mock", transport=httpx.MockTransport(app.handle)) as c:
        assert c.show_desktop_detail("p", app.ids[0]).desktop.desktop_id == app.ids[0]  # type: ignore[union-attr]

    async def fetch() -> w.ShowDesktopDetailResponse:
        async with AsyncWorkspaceClient(token="t", base_url="http://mock", transport=httpx.ASGITransport(app)) as c:
            return await c.show_desktop_detail("p", app.ids[1])

    assert asyncio.run(fetch()).desktop.desktop_id == app.ids[1]  # type: ignore[union-attr]
    assert [(r.method, r.status, r.operation) for r in app.requests] == [("GET", 200, "ShowDesktopDetail")] * 2


# -- request bodies through the ASGI entry point ------------------------------------------------------------------
def test_request_bodies_are_read_limited_and_timed(tmp_path: Path) -> None:
    app = make(max_body=100, body_timeout=0.3)
    base = "http://mock/v1/o/pets"
    created, too_large = asgi(app, [httpx.Request("POST", base, json={"name": "x"}, headers=TOKEN),
                                    httpx.Request("POST", base, content=b"x" * 101, headers=TOKEN)])
    assert created.status_code == 201
    gateway_error(too_large, 413, "APIGW.0201")
    assert too_large.headers["Connection"] == "close"

    sent: list[dict[str, Any]] = []
    chunks = iter([{"type": "http.request", "body": b"abc", "more_body": True}])

    async def receive() -> dict[str, Any]:
        try:
            return next(chunks)
        except StopIteration:
            await asyncio.sleep(60)  # the rest of the declared body never comes
            raise AssertionError("not reached") from None

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "raw_path": b"/v1/o/pets", "query_string": b"",
             "headers": [(b"content-length", b"10"), (b"x-auth-token", b"t")], "client": ("127.0.0.1", 1)}
    started = time.monotonic()
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert time.monotonic() - started < 5
    assert sent[0]["status"] == 408 and (b"connection", b"close") in sent[0]["headers"]
    assert json.loads(sent[1]["body"])["error_code"] == "APIGW.0201"


# -- faults --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("fault", "status", "content_type"), [
    ("429", 429, "application/json"), ("500", 500, "application/json"), ("503", 503, "application/json"),
    ("502-html", 502, "text/html")])
def test_each_fault_answers_as_the_gateway(fault: str, status: int, content_type: str) -> None:
    app = make(faults={fault: 1.0}, retry_after="7")
    with client(app) as c:
        response = c.get(f"/v1/o/pets/{app.ids[0]}")
    assert response.status_code == status and response.headers["Content-Type"] == content_type
    assert len(response.headers["X-Request-Id"]) == 32
    if fault == "429":
        assert gateway_error(response, 429, "APIGW.0308") and response.headers["Retry-After"] == "7"
    if fault == "502-html":
        assert b"502 Bad Gateway" in response.content


def test_truncate_slow_retry_after_none_and_the_fault_limit() -> None:
    app = make(faults={"truncate": 1.0}, fault_limit=1)
    with client(app) as c:
        cut, whole = c.get(f"/v1/o/pets/{app.ids[0]}"), c.get(f"/v1/o/pets/{app.ids[0]}")
    assert cut.status_code == 200 and len(cut.content) == len(whole.content) // 2
    with pytest.raises(ValueError):
        cut.json()
    slow = make(faults={"slow": 1.0}, slow_seconds=0.3)
    with client(slow) as c:
        started = time.monotonic()
        assert c.get(f"/v1/o/pets/{slow.ids[0]}").status_code == 200
    assert time.monotonic() - started >= 0.3
    quiet = make(faults={"429": 1.0}, retry_after=None)
    with client(quiet) as c:
        assert "Retry-After" not in c.get(f"/v1/o/pets/{quiet.ids[0]}").headers


def test_faults_follow_the_seed() -> None:
    def statuses(seed: int) -> list[int]:
        app = make(faults={"503": 0.5}, seed=seed)
        with client(app) as c:
            return [c.get(f"/v1/o/pets/{app.ids[0]}").status_code for _ in range(30)]

    assert statuses(1) == statuses(1) and set(statuses(1)) == {200, 503}
    assert statuses(1) != statuses(2)


def test_each_fault_rate_is_its_share_of_all_requests() -> None:
    """Tried one after the other, each fault got its rate of what the faults before it left: 500 and 503 at
    0.3 each answered 30% and 21% (and at 1 and 1, every answer was a 500)."""
    app = make(faults={"500": 0.3, "503": 0.3, "429": 0.2}, seed=3)
    with client(app) as c:
        statuses = [c.get(f"/v1/o/pets/{app.ids[0]}").status_code for _ in range(3000)]
    for status, rate in ((500, 0.3), (503, 0.3), (429, 0.2), (200, 0.2)):
        assert abs(statuses.count(status) / 3000 - rate) < 0.03, (status, statuses.count(status))


# -- auth, logs, settings ------------------------------------------------------------------------------------------
def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.mock.auth as auth

    seen: list[tuple[bytes, bytes]] = []
    real = auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    app = make(token="s3cret")
    with client(app) as c:
        wrong = c.get(f"/v1/o/pets/{app.ids[0]}", headers={"X-Auth-Token": "guess"})
        right = c.get(f"/v1/o/pets/{app.ids[0]}", headers={"X-Auth-Token": "s3cret"})
        missing = c.get(f"/v1/o/pets/{app.ids[0]}", headers={"X-Auth-Token": ""})
    assert gateway_error(wrong, 401, "APIGW.0301")["error_msg"].endswith("decrypt token fail")
    assert right.status_code == 200
    gateway_error(missing, 401, "APIGW.0301")
    assert seen == [(b"guess", b"s3cret"), (b"s3cret", b"s3cret")]
    assert "s3cret" not in repr(app.config)


def test_one_log_line_per_request_with_control_characters_escaped() -> None:
    lines: list[str] = []
    app = create_app(MockConfig(package=PETS), log=lines.append)
    scope = {"type": "http", "method": "GET", "raw_path": b'/v1/o/pets/"q"\\\x1b[31m\xff', "query_string": b"",
             "headers": [(b"x-auth-token", b"t")], "client": ("127.0.0.1", 1)}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    with client(app) as c:
        c.get("/v1/o/pets/detail?limit=2")
    assert len(lines) == 2 and all("\x1b" not in line for line in lines)
    first, second = lines
    assert first.startswith('deskkit mock: 127.0.0.1 "GET /v1/o/pets/\\x22q\\x22\\x5c\\x1b[31m\\xff" 404 ')
    assert sent[0]["status"] == 404 and f"request-id={app.requests[0].request_id}" in first
    assert second.startswith('deskkit mock: - "GET /v1/o/pets/detail?limit=2" 200 ')
    assert escape("a\x1b[2Jb\x00é\u2028") == "a\\x1b[2Jb\\x00\\xe9\\xe2\\x80\\xa8"


@pytest.mark.parametrize(("options", "message"), [
    ({"ak": "AK"}, "--ak and --sk go together"), ({"faults": {"404": 0.5}}, "unknown fault"),
    ({"faults": {"503": 1.5}}, "between 0 and 1"), ({"token": ""}, "empty token"),
    ({"retry_after": "1\r\nX-Evil: 1"}, "retry_after"), ({"retry_after": "soon"}, "retry_after"),
    ({"faults": {"500": 0.6, "503": 0.6}}, r"add up to more than 1 \(500 0.6, 503 0.6\)"),
    ({"body_timeout": float("nan")}, "body_timeout: expected a duration"),
    ({"slow_seconds": 1e308}, "slow_seconds: expected a duration"), ({"max_head": 0}, "max_head"),
    ({"keep_requests": -1}, "keep_requests"), ({"limit_concurrency": 0}, "limit_concurrency"),
    ({"backlog": -1}, "backlog"), ({"fault_limit": -5}, "fault_limit"),
])
def test_settings_that_cannot_work_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(DeskkitError, match=message):
        make(**options)


def test_unknown_bindings_are_a_clear_error() -> None:
    with pytest.raises(DeskkitError, match="cannot import the bindings 'no_such_bindings'"):
        make("no_such_bindings")


def test_the_start_up_line_shows_fixture_names_as_visible_escapes(tmp_path: Path) -> None:
    from generator.mock.server import banner

    (tmp_path / "a\x1b[31mb\u202e.json").write_text('{"pet": {"name": "A"}}')  # an ANSI colour, a bidi override
    (tmp_path / "plain.json").write_text('{"pet": {"name": "P"}}')
    line = banner(make(fixtures=tmp_path))
    assert line == "2 desktops: a\\x1b[31mb\\u202e, plain"
    assert line.isprintable()


def test_a_served_body_is_listed_as_its_item_with_the_served_id() -> None:
    """The plugin's serve(body) listed the whole body as one item (``{"desktop": {...}}`` with no id of its
    own); fixtures listed the item inside it: both go through store.listed now."""
    from generator.pytest_plugin import MockServer

    server = MockServer(create_app(MockConfig(package="workspace_desktop", resources=1)), "http://testserver")
    served = server.serve({"desktop": {"desktop_id": "says-another", "computer_name": "pc-1"}})
    with WorkspaceClient(token="t", base_url=server.base_url, transport=server.transport) as c:
        assert c.show_desktop_detail("p", served).desktop.computer_name == "pc-1"
        last = c.list_desktops_detail("p").desktops[-1]
    assert (last.desktop_id, last.computer_name, last.unknown_fields) == (served, "pc-1", ())


def test_serve_names_an_unknown_operation_and_a_body_that_is_not_json() -> None:
    from generator.pytest_plugin import MockServer

    server = MockServer(create_app(MockConfig(package="workspace_desktop", resources=1)), "http://testserver")
    with pytest.raises(ValueError, match=r"no operation 'NoSuchOp' in the bindings; they have \["):
        server.serve({}, operation="NoSuchOp")
    with pytest.raises(TypeError, match="serve: the body is not JSON data"):
        server.serve({"a": {1, 2}})


def test_fixtures_no_request_can_reach_are_left_out_with_a_warning(tmp_path: Path) -> None:
    """`detail` is the list's own path, `..` a dot-segment clients resolve, `\\xff` a file name that is not
    UTF-8: each was listed (banner, list pages) and could never be requested."""
    import os

    body = (Path(__file__).parents[1] / "data" / "vendor-example.json").read_bytes()
    for name in (b"ok.json", b"detail.json", b"...json", b"\xff.json"):
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as handle:
            handle.write(body)
    app = create_app(MockConfig(package="workspace_desktop", fixtures=tmp_path))
    assert app.ids == ["ok"]
    assert [w.split(" cannot be requested ")[0] for w in app.warnings] == [
        "--fixtures: ShowDesktopDetail '..'", "--fixtures: ShowDesktopDetail 'detail'",
        "--fixtures: ShowDesktopDetail '\\xff'"]
    with client(app) as c:
        listed = c.get("/v2/p/desktops/detail", headers={"X-Auth-Token": "t"}).json()
    assert [d["desktop_id"] for d in listed["desktops"]] == ["ok"] and listed["total_count"] == 1
