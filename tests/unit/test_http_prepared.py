"""How a call becomes a request (``_http.build_request``), in-process: path, query, headers and the JSON body of
operations made here (the workspace spec has only GETs), each checked against an oracle that is not deskkit's
serializer (``json.dumps`` of what was passed, ``urllib.parse`` for the query). Fast enough for the mutation run."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest

from workspace_desktop import _http
from workspace_desktop._runtime import ContractError, Operation, Parameter, Site
from workspace_desktop.models import ErrorResponse

STRING = Site("string", "#/s")
INTEGER = Site("integer", "#/i")
STRINGS = Site("array", "#/a", items=Site("string", "#/a/items"))


def op(*parameters: Parameter, body: type[ErrorResponse] | None = None, required: bool = False,
       method: str = "POST", path: str = "/v1/things") -> Operation:
    return Operation("CreateThing", method, path, {"200": None}, parameters, body, required)


def test_a_dict_body_is_sent_as_compact_utf8_json_with_its_content_type() -> None:
    body = {"error_code": "é/~", "error_msg": "名字 \"quoted\""}
    prepared = _http.build_request(op(body=ErrorResponse), {}, body)
    # oracle: the JSON of what the caller passed, compact, non-ASCII as UTF-8 (not \u escapes)
    assert prepared.content == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert prepared.headers == {"Content-Type": "application/json"}
    assert (prepared.method, prepared.path, prepared.query, prepared.target) == ("POST", "/v1/things", "",
                                                                               "/v1/things")


def test_a_model_body_is_sent_as_its_dict() -> None:
    model = ErrorResponse.from_dict({"error_code": "C", "error_msg": "m"})
    prepared = _http.build_request(op(body=ErrorResponse), {}, model)
    assert prepared.content is not None and json.loads(prepared.content) == {"error_code": "C", "error_msg": "m"}
    assert prepared.headers["Content-Type"] == "application/json"


def test_a_dict_body_its_model_refuses_is_a_contract_error_naming_every_problem() -> None:
    with pytest.raises(ContractError) as caught:
        _http.build_request(op(body=ErrorResponse), {}, {"error_code": 7})
    assert type(caught.value) is ContractError  # not turned into an InvalidRequestError
    assert str(caught.value) == ("2 contract problems: /error_code: expected string, found integer; "
                                 "/error_msg: required property is missing")


def test_a_body_that_is_not_a_model_or_a_dict_is_refused_by_type() -> None:
    with pytest.raises(TypeError, match=r"^body must be a ErrorResponse or a dict, not list$"):
        _http.build_request(op(body=ErrorResponse), {}, [1])


def test_a_model_holding_nan_is_refused_not_sent_as_bare_nan() -> None:
    # a model built by hand is not checked; NaN is no JSON (RFC 8259), so nothing is sent
    model = ErrorResponse(error_code="c", error_msg=float("nan"))  # type: ignore[arg-type]
    with pytest.raises(_http.InvalidRequestError, match=r"^Out of range float values are not JSON compliant"):
        _http.build_request(op(body=ErrorResponse), {}, model)


def test_an_operation_without_a_body_refuses_one_and_sends_none() -> None:
    with pytest.raises(_http.InvalidRequestError) as caught:
        _http.build_request(op(), {}, {"a": 1})
    assert str(caught.value) == "CreateThing takes no request body"
    prepared = _http.build_request(op(), {}, None)
    assert prepared.content is None and prepared.headers == {}


@pytest.mark.parametrize(("body", "message"), [
    (ErrorResponse, "CreateThing requires a body (a ErrorResponse or a dict)"),
    (None, "CreateThing requires a body (a JSON or a dict)"),
])
def test_a_required_body_that_is_missing_is_refused(body: Any, message: str) -> None:
    with pytest.raises(_http.InvalidRequestError) as caught:
        _http.build_request(op(body=body, required=True), {}, None)
    assert str(caught.value) == message


def test_an_optional_body_may_be_left_out() -> None:
    prepared = _http.build_request(op(body=ErrorResponse), {}, None)
    assert prepared == _http.Prepared("POST", "/v1/things", "", {}, None)


@pytest.mark.parametrize(("py_name", "shown"), [("thing_id", "thing_id"), ("", "thing-id")])
def test_a_missing_required_parameter_is_named_by_its_keyword(py_name: str, shown: str) -> None:
    param = Parameter("thing-id", "path", STRING, required=True, py_name=py_name)
    with pytest.raises(_http.InvalidRequestError) as caught:
        _http.build_request(op(param, path="/v1/things/{thing-id}"), {}, None)
    assert str(caught.value) == f"{shown} is required"


def test_an_optional_parameter_left_out_is_not_sent_and_the_next_one_is() -> None:
    first = Parameter("a", "query", STRING, py_name="a")
    second = Parameter("b", "query", STRING, py_name="b")
    prepared = _http.build_request(op(first, second, method="GET"), {"b": "x y"}, None)
    assert prepared.query == "b=x%20y" and prepared.target == "/v1/things?b=x%20y"


def test_path_parameters_are_checked_and_percent_encoded_in_place() -> None:
    params = (Parameter("id", "path", STRING, required=True, py_name="thing_id"),
              Parameter("v", "path", INTEGER, required=True, py_name="version"))
    values = {"thing_id": "a b?é", "version": 3}
    prepared = _http.build_request(op(*params, method="GET", path="/v1/{id}/x/{v}"), values, None)
    assert prepared.path == "/v1/a%20b%3F%C3%A9/x/3"
    with pytest.raises(_http.InvalidRequestError) as caught:
        _http.build_request(op(*params, method="GET", path="/v1/{id}/x/{v}"), {"thing_id": "../etc", "version": 3},
                            None)
    assert str(caught.value) == "thing_id must not contain '/', '\\\\' or '..': '../etc'"


@pytest.mark.parametrize(("explode", "query"), [(True, "tag=a%2Cb&tag=c%20d"), (False, "tag=a%2Cb,c%20d")])
def test_array_query_parameters_repeat_or_join_with_commas(explode: bool, query: str) -> None:
    param = Parameter("tag", "query", STRINGS, explode=explode, py_name="tag")
    prepared = _http.build_request(op(param, method="GET"), {"tag": ["a,b", "c d"]}, None)
    assert prepared.query == query
    if explode:  # oracle: a standard query parser reads the items back
        assert parse_qsl(prepared.query) == [("tag", "a,b"), ("tag", "c d")]


def test_a_scalar_query_parameter_not_exploded_is_one_pair_and_keys_are_encoded() -> None:
    param = Parameter("a/b&c", "query", STRING, explode=False, py_name="abc")
    prepared = _http.build_request(op(param, method="GET"), {"abc": "x=/y"}, None)
    assert prepared.query == "a%2Fb%26c=x%3D%2Fy"  # '/' too: every reserved character is encoded
    assert parse_qsl(prepared.query) == [("a/b&c", "x=/y")]


def test_a_path_and_a_query_parameter_of_one_name_are_both_sent() -> None:
    """OpenAPI tells parameters apart by name and location: keyed by wire name, the query value overwrote the
    path value (`/items/q1?id=q1`)."""
    params = (Parameter("id", "path", STRING, required=True, py_name="id"),
              Parameter("id", "query", STRING, py_name="id_"))
    prepared = _http.build_request(op(*params, method="GET", path="/v1/{id}"), {"id": "p1", "id_": "q1"}, None)
    assert (prepared.path, prepared.query) == ("/v1/p1", "id=q1")


def test_parameters_after_a_query_parameter_are_still_sent() -> None:
    params = (Parameter("q", "query", STRING, py_name="q"), Parameter("X-Trace", "header", STRING, py_name="trace"),
              Parameter("id", "path", STRING, required=True, py_name="thing_id"))
    values = {"q": "1", "trace": "t", "thing_id": "i"}
    prepared = _http.build_request(op(*params, method="GET", path="/v1/{id}"), values, None)
    assert (prepared.path, prepared.query, prepared.headers) == ("/v1/i", "q=1", {"X-Trace": "t"})


def test_header_parameters_are_sent_as_text_and_refused_when_they_cannot_be_sent() -> None:
    params = (Parameter("X-Trace", "header", STRING, py_name="trace"),
              Parameter("X-Ids", "header", STRINGS, py_name="ids"))
    prepared = _http.build_request(op(*params, method="GET"), {"trace": "t 1", "ids": ["a", "b"]}, None)
    assert prepared.headers == {"X-Trace": "t 1", "X-Ids": "a,b"}
    for value, problem in [("a\r\nb", "contains a line break (CR or LF)"), (" a", "starts or ends with whitespace")]:
        with pytest.raises(_http.InvalidRequestError) as caught:
            _http.build_request(op(*params, method="GET"), {"trace": value}, None)
        assert str(caught.value) == f"trace {problem}"
    unnamed = Parameter("X-Trace", "header", STRING)
    with pytest.raises(_http.InvalidRequestError) as caught:
        _http.build_request(op(unnamed, method="GET"), {"X-Trace": ""}, None)
    assert str(caught.value) == "X-Trace is empty"


def test_a_header_parameter_and_a_body_are_both_sent() -> None:
    param = Parameter("X-Trace", "header", STRING, py_name="trace")
    prepared = _http.build_request(op(param, body=ErrorResponse), {"trace": "t"},
                                   {"error_code": "c", "error_msg": "m"})
    assert prepared.headers == {"X-Trace": "t", "Content-Type": "application/json"}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_number_json_cannot_hold_is_refused_before_sending(value: float) -> None:
    """`?ratio=nan` was sent: the type test lets a float through, and str() wrote it."""
    param = Parameter("ratio", "query", Site("number", "#/n"), py_name="ratio")
    with pytest.raises(_http.InvalidRequestError, match=r"^ratio: .* is no JSON number"):
        _http.build_request(op(param, method="GET"), {"ratio": value}, None)


def test_an_empty_list_not_exploded_is_left_out_as_an_exploded_one_is() -> None:
    """`csv=` is what [""] sends: RFC 6570 leaves an empty list out (undefined), as the exploded form did."""
    params = (Parameter("csv", "query", STRINGS, explode=False, py_name="csv"),
              Parameter("tag", "query", STRINGS, explode=True, py_name="tag"))
    assert _http.build_request(op(*params, method="GET"), {"csv": [], "tag": []}, None).query == ""
    assert _http.build_request(op(*params, method="GET"), {"csv": [""]}, None).query == "csv="


def test_a_header_array_item_with_a_comma_is_refused() -> None:
    """`X-Ids: a,b,c` for ["a", "b,c"] reads back as three items."""
    param = Parameter("X-Ids", "header", STRINGS, py_name="ids")
    with pytest.raises(_http.InvalidRequestError, match="ids: an item holds a comma"):
        _http.build_request(op(param, method="GET"), {"ids": ["a", "b,c"]}, None)
    assert _http.build_request(op(param, method="GET"), {"ids": ["a", "b"]}, None).headers == {"X-Ids": "a,b"}
