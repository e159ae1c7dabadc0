"""The client's error mapping, in-process (httpx.MockTransport): the exact type, message and attributes a caller
gets for an error status, as the README documents them. Fast enough for the mutation run's test selection."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from workspace_desktop.client import (
    ApiError,
    InvalidRequestError,
    RedirectError,
    ServerError,
    WorkspaceClient,
)
from workspace_desktop.models import ErrorResponse

TOKEN = "MIIZ-s3cr3t-t0ken-value"
PROJECT = "0bec5db98280d2d02fd6c00c2de791ce"


def failure(handler: Callable[[httpx.Request], httpx.Response]) -> ApiError:
    """The error a call answered by ``handler`` raises (no retry)."""
    with WorkspaceClient(token=TOKEN, base_url="http://api.test", max_retries=0,
                         transport=httpx.MockTransport(handler)) as c, pytest.raises(ApiError) as caught:
        c.show_desktop_detail(PROJECT, "d")
    return caught.value


def test_the_message_names_status_code_text_and_the_header_request_id() -> None:
    body = {"error_code": "WKS.0001", "error_msg": "no such desktop", "request_id": "body-id"}
    error = failure(lambda r: httpx.Response(404, json=body, headers={"X-Request-Id": "header-id"}))
    assert str(error) == "HTTP 404 (WKS.0001: no such desktop; request id header-id)"
    assert (error.status, error.error_code, error.error_msg, error.request_id) == (404, "WKS.0001",
                                                                                   "no such desktop", "header-id")
    assert error.excerpt == ""
    # the documented error model, parsed from the body as sent
    assert isinstance(error.body, ErrorResponse) and error.body.to_dict() == body


def test_the_body_request_id_answers_when_the_header_is_missing_and_unknown_when_both_are() -> None:
    assert failure(lambda r: httpx.Response(500, json={"error_code": "X", "request_id": "body-id"})).request_id \
        == "body-id"
    error = failure(lambda r: httpx.Response(500, json={"error_code": "X", "error_msg": "down"}))
    assert error.request_id is None and str(error) == "HTTP 500 (X: down; request id unknown)"


def test_fields_that_are_not_strings_are_not_taken() -> None:
    error = failure(lambda r: httpx.Response(400, json={"error_code": 7, "error_msg": ["x"], "request_id": 9}))
    assert (error.error_code, error.error_msg, error.request_id) == (None, None, None)
    # neither field usable: the body itself is shown, whitespace folded
    assert error.excerpt == '{"error_code":7,"error_msg":["x"],"request_id":9}'
    assert error.body is None  # the documented model refuses it


def test_a_non_json_body_is_shown_as_an_excerpt_of_its_start() -> None:
    page = b"<html>\n  <head><title>502   Bad Gateway</title></head>\n" + b"x" * 500
    error = failure(lambda r: httpx.Response(502, content=page))
    assert type(error) is ServerError and error.body is None
    # oracle: the first 120 characters of the body's words joined by one space (the body is ASCII)
    expected = " ".join(page[:200].decode().split())[:120]
    assert expected.startswith("<html> <head><title>502 Bad Gateway</title></head> xxx") and len(expected) == 120
    assert error.excerpt == expected
    assert str(error) == f"HTTP 502 (non-JSON body: {expected!r}; request id unknown)"


def test_an_excerpt_survives_invalid_utf8() -> None:
    error = failure(lambda r: httpx.Response(503, content=b"bad \xff byte"))
    assert error.excerpt == "bad \ufffd byte"


@pytest.mark.parametrize(("status", "kind"), [(300, RedirectError), (399, RedirectError), (402, ApiError),
                                              (499, ApiError), (500, ServerError), (599, ServerError)])
def test_status_ranges_give_their_type(status: int, kind: type[ApiError]) -> None:
    error = failure(lambda r: httpx.Response(status, json={"error_code": "E", "error_msg": "m"}))
    assert type(error) is kind and error.status == status


def test_a_redirect_names_where_it_pointed_and_is_not_followed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://elsewhere.test/x", "X-Request-Id": "r1"})

    error = failure(handler)
    assert isinstance(error, RedirectError) and error.location == "http://elsewhere.test/x"
    assert str(error) == "HTTP 302 (a redirect to http://elsewhere.test/x, not followed; request id r1)"
    assert len(seen) == 1
    bare = failure(lambda r: httpx.Response(307))
    assert isinstance(bare, RedirectError) and bare.location is None
    assert str(bare) == "HTTP 307 (a redirect to (no Location), not followed; request id unknown)"


def test_long_and_control_texts_are_cut_and_escaped_in_the_message_but_whole_in_the_attributes() -> None:
    long = "m" * 250
    error = failure(lambda r: httpx.Response(400, json={"error_code": "a\nb\x1b", "error_msg": long}))
    assert error.error_msg == long and error.error_code == "a\nb\x1b"
    assert str(error) == f"HTTP 400 (a\\nb\\x1b: {'m' * 200}... (250 characters); request id unknown)"
    exact = failure(lambda r: httpx.Response(400, json={"error_code": "c", "error_msg": "n" * 200}))
    assert str(exact) == f"HTTP 400 (c: {'n' * 200}; request id unknown)"


def test_the_repr_shows_base_url_auth_kind_and_retries_never_the_secret() -> None:
    with WorkspaceClient(token=TOKEN, base_url="http://api.test", max_retries=1) as token:
        assert repr(token) == "WorkspaceClient(base_url='http://api.test', auth=token, max_retries=1)"
    with WorkspaceClient(ak="AKEXAMPLE", sk="s3cr3t-sk", base_url="http://api.test") as signed:
        assert repr(signed) == "WorkspaceClient(base_url='http://api.test', auth=ak/sk, max_retries=3)"


@pytest.mark.parametrize(("options", "expected"), [
    ({"token": TOKEN, "ak": "AK", "sk": "s3cr3t-sk"}, "give either token= or ak=/sk=, not both"),
    ({}, "credentials are required: token= (sent as X-Auth-Token; a string or a callable returning one) or ak= "
         "and sk= (an access key pair)"),
    ({"ak": "AK"}, "both ak and sk are required for AK/SK signing"),
    ({"sk": "s3cr3t-sk"}, "both ak and sk are required for AK/SK signing"),
    ({"token": "MIIZ s3cr3t"}, "token holds characters other than printable ASCII (spaces included)"),
    ({"token": TOKEN, "base_url": "http://user:s3cr3t@api.test"},
     "base_url must not hold user:password@ (give the credentials as token= or ak=/sk=)"),
    ({"token": TOKEN, "region": None}, "give region= (for https://workspace.{region}.myhuaweicloud.com) or base_url="),
    *[({"token": TOKEN, "max_retries": bad}, "max_retries must be a whole number from 0 (no retries) to 100")
      for bad in (-1, "3", 1.0, 101)],
    *[({"token": TOKEN, "backoff": bad}, "backoff must be a number of seconds, 0 or more (each wait is capped at "
       "20 s)") for bad in (-1, "x", float("nan"), float("inf"))],
    *[({"token": TOKEN, "base_url": url}, "base_url must not hold a query (?) or a fragment (#): give the "
       "scheme, host and path prefix only") for url in ("http://api.test?x=1", "http://api.test#frag",
                                                        "http://api.test/p?")],
    ({"token": TOKEN, "max_response_bytes": 0}, "max_response_bytes must be a positive number of bytes"),
    ({"token": TOKEN, "max_response_bytes": 1.5}, "max_response_bytes must be a positive number of bytes"),
    ({"token": TOKEN, "deadline": 0}, "deadline must be a positive number of seconds, or None"),
])
def test_constructor_arguments_that_cannot_work_are_refused_with_what_to_give(options: dict[str, object],
                                                                                 expected: str) -> None:
    arguments: dict[str, object] = {"region": "ap-southeast-1", **options}
    with pytest.raises(ValueError) as caught:
        WorkspaceClient(**arguments)  # type: ignore[arg-type]
    assert str(caught.value) == expected
    assert "s3cr3t" not in str(caught.value)


def _listing_parameters() -> dict[str, dict[str, object]]:
    """The list operation's query parameters as the spec gives them (YAML read here, not deskkit's model)."""
    from pathlib import Path

    import yaml

    spec = yaml.safe_load((Path(__file__).parents[2] / "spec" / "workspace-desktop.openapi.yaml").read_text())
    parameters = spec["paths"]["/v2/{project_id}/desktops/detail"]["get"]["parameters"]
    return {p["name"]: p["schema"] for p in parameters if isinstance(p, dict) and "schema" in p}


def test_a_parameter_its_schema_refuses_is_refused_by_name_before_anything_is_sent() -> None:
    schemas = _listing_parameters()
    low, most = schemas["offset"]["minimum"], schemas["desktop_id"]["maxItems"]
    orders = schemas["sort_type"]["enum"]
    assert isinstance(low, int) and isinstance(most, int) and orders == ["ASC", "DESC"]
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"desktops": [], "total_count": 0})

    refused: list[tuple[dict[str, object], str]] = [
        ({"offset": low - 1}, f"offset: expected at least {low}, found {low - 1}"),
        ({"sort_type": "asc"}, f"sort_type: expected one of {orders}, found \"asc\""),
        ({"limit": True}, "limit: expected integer, found boolean"),
        ({"user_attached": "yes"}, "user_attached: expected boolean, found string"),
        ({"status": 5}, "status: expected string, found integer"),
        ({"desktop_id": ["d"] * (most + 1)}, f"desktop_id: expected at most {most} items, found {most + 1}"),
    ]
    with WorkspaceClient(token=TOKEN, base_url="http://api.test", transport=httpx.MockTransport(handler)) as c:
        for arguments, expected in refused:
            with pytest.raises(InvalidRequestError) as caught:
                c.list_desktops_detail(PROJECT, **arguments)  # type: ignore[arg-type]
            assert str(caught.value) == expected, arguments
        assert sent == []
        # the edges themselves are sent
        c.list_desktops_detail(PROJECT, offset=low, desktop_id=["d"] * most, sort_type="DESC")
    (request,) = sent
    assert request.url.params.get_list("desktop_id") == ["d"] * most
    assert request.url.params["offset"] == str(low) and request.url.params["sort_type"] == "DESC"


def test_an_integral_float_for_an_integer_parameter_is_sent_as_an_integer() -> None:
    """JSON Schema calls 2.0 an integer, so the check lets it through; the query must then say 2, not 2.0."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"desktops": [], "total_count": 0})

    with WorkspaceClient(token=TOKEN, base_url="http://api.test", transport=httpx.MockTransport(handler)) as c:
        c.list_desktops_detail(PROJECT, limit=2.0, offset=0)  # type: ignore[arg-type]
    (request,) = sent
    assert request.url.params["limit"] == "2" and request.url.params["offset"] == "0"
