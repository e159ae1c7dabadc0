"""The judge's results, record by record: verdicts against jsonschema (with format checking) over the emitted
schemas, the report's keys in order, the contract a status picks, bodies the contract has none for, unreadable
bodies with the position ``json.loads`` gives, and the off-page records — all through :class:`Judge` in-process.

The verdict oracle is the README's table: ``conformant`` when the body is valid against
``documented.schema.json``, ``tolerated`` when only ``observed.schema.json`` accepts it, ``violation`` when
neither does (``error.schema.json`` for error statuses, whose page documents one shape)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonpointer
import pytest
from jsonschema import Draft202012Validator, FormatChecker

import workspace_desktop as w
from generator.contract.bindings import Bindings
from generator.contract.captures import Capture
from generator.contract.judge import Judge, clean, crashed, decode, judge
from tests.conftest import documented_example, load_example

BINDINGS = Bindings(w)
ERROR = {"error_code": "WKS.0001", "error_msg": "no such desktop"}


def validator(contract: str, definition: str) -> Draft202012Validator:
    schema = json.loads((resources.files("workspace_desktop") / "schemas" / f"{contract}.schema.json").read_text())
    schema = {**schema, "$ref": f"#/$defs/{definition}"}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def oracle(body: Any, definition: str, error: bool = False) -> str:
    if error:
        return "conformant" if validator("error", definition).is_valid(body) else "violation"
    if validator("documented", definition).is_valid(body):
        return "conformant"
    return "tolerated" if validator("observed", definition).is_valid(body) else "violation"


def capture(body: Any, status: int | None = 200, operation: str | None = "ShowDesktopDetail",
            **where: Any) -> Capture:
    data = body if isinstance(body, bytes | None) else json.dumps(body).encode()
    return Capture("c.json", data, operation, status, **where)


def size_as_text() -> dict[str, Any]:
    doc = documented_example()
    doc["desktop"]["root_volume"]["size"] = "90"
    return doc


def bad_date() -> dict[str, Any]:
    doc = documented_example()
    doc["desktop"]["created"] = "2024-13-45T99:00:00Z"
    return doc


BODIES = [
    pytest.param(documented_example(), "ShowDesktopDetail", 200, "ShowDesktopDetailResponse", id="documented"),
    pytest.param(load_example(), "ShowDesktopDetail", 200, "ShowDesktopDetailResponse", id="page-example"),
    pytest.param(size_as_text(), "ShowDesktopDetail", 200, "ShowDesktopDetailResponse", id="wrong-type"),
    pytest.param({"desktop": None}, "ShowDesktopDetail", 200, "ShowDesktopDetailResponse", id="null-desktop"),
    pytest.param([], "ShowDesktopDetail", 200, "ShowDesktopDetailResponse", id="array"),
    pytest.param({"desktops": [documented_example()["desktop"]], "total_count": 1}, "ListDesktopsDetail", 200,
                 "ListDesktopsDetailResponse", id="list"),
    pytest.param({"desktops": [load_example()["desktop"][0]], "total_count": 1}, "ListDesktopsDetail", None,
                 "ListDesktopsDetailResponse", id="list-no-status"),
    pytest.param({"desktops": "none", "total_count": 1}, "ListDesktopsDetail", 200, "ListDesktopsDetailResponse",
                 id="list-wrong"),
]


@pytest.mark.parametrize(("body", "operation", "status", "definition"), BODIES)
def test_verdicts_are_jsonschemas(body: Any, operation: str, status: int | None, definition: str) -> None:
    result = Judge(BINDINGS)(capture(body, status, operation))
    assert result["verdict"] == oracle(body, definition)
    assert result["operation"] == operation and result["contract"] == "success"
    for problem in result["problems"] + result["off_page"]:
        jsonpointer.resolve_pointer(body, problem["pointer"])  # every pointer names a place in the body
    if result["verdict"] == "conformant":
        assert result["problems"] == []


def test_a_format_violation_is_a_violation_as_format_checking_says() -> None:
    body = bad_date()
    assert oracle(body, "ShowDesktopDetailResponse") == "violation"
    result = judge(capture(body), BINDINGS)
    assert result["verdict"] == "violation"
    assert [p["pointer"] for p in result["problems"]] == ["/desktop/created"]


@pytest.mark.parametrize(("status", "body", "verdict"), [
    (404, ERROR, "conformant"), (400, ERROR, "conformant"), (500, {"error_code": "X"}, "violation"),
    (403, {"error_code": 1, "error_msg": "m"}, "violation")])
def test_error_statuses_are_judged_against_the_error_contract(status: int, body: Any, verdict: str) -> None:
    result = Judge(BINDINGS)(capture(body, status))
    assert oracle(body, "ErrorResponse", error=True) == verdict
    assert (result["verdict"], result["contract"]) == (verdict, "error")


def test_the_report_keys_come_in_order() -> None:
    result = Judge(BINDINGS)(capture(documented_example(), line=7))
    assert list(result) == ["source", "line", "operation", "contract", "verdict", "problems",
                            "undocumented_fields", "off_page"]
    assert result == {"source": "c.json", "line": 7, "operation": "ShowDesktopDetail", "contract": "success",
                      "verdict": "conformant", "problems": [], "undocumented_fields": [], "off_page": []}
    har = Judge(BINDINGS)(capture(size_as_text(), 200, entry=3))
    assert list(har)[:6] == ["source", "entry", "operation", "contract", "verdict", "problems"]
    assert har["entry"] == 3 and "line" not in har
    both = Judge(BINDINGS)(capture(b"", 200, line=0, entry=0))
    assert list(both)[:3] == ["source", "line", "entry"] and both["line"] == 0 and both["entry"] == 0


@pytest.mark.parametrize(("status", "contract"), [(None, "success"), (200, "success"), (299, "success"),
                                                  (300, "error"), (301, "error"), (404, "error")])
def test_the_contract_is_error_from_status_300(status: int | None, contract: str) -> None:
    assert Judge(BINDINGS)(capture(ERROR, status))["contract"] == contract


@pytest.mark.parametrize("status", [204, 300, 302, 299])
def test_a_body_where_the_contract_has_none_is_a_violation(status: int) -> None:
    result = Judge(BINDINGS)(capture({"a": 1}, status))
    assert (result["verdict"], result["operation"]) == ("violation", "ShowDesktopDetail")
    assert result["problems"] == [{"pointer": "", "message": f"a body where the contract has none (status "
                                   f"{status})", "rule": None, "quirk": None, "quirk_rule": None, "known": None}]
    assert result["undocumented_fields"] == [] and result["off_page"] == []
    assert list(result)[-3:] == ["problems", "undocumented_fields", "off_page"]


@pytest.mark.parametrize("body", [b"", b" \r\n\t", bytearray(b"\n")])
def test_no_body_where_the_contract_has_none_is_conformant(body: bytes) -> None:
    result = Judge(BINDINGS)(Capture("c.json", body, "ShowDesktopDetail", 204, line=2))
    assert result == {"source": "c.json", "line": 2, "operation": "ShowDesktopDetail", "contract": "success",
                      "verdict": "conformant", "problems": [], "undocumented_fields": [], "off_page": []}


def unreadable(reason: str, message: str | None = None, at: dict[str, int] | None = None,
               status: int | None = 200) -> dict[str, Any]:
    result: dict[str, Any] = {"source": "c.json", "operation": "ShowDesktopDetail",
                              "contract": "error" if status and status >= 300 else "success",
                              "verdict": "unreadable", "reason": reason}
    if at:
        result["at"] = at
    result["problems"] = [{"pointer": "", "message": message or reason, "rule": None, "quirk": None,
                           "quirk_rule": None, "known": None}]
    result["undocumented_fields"], result["off_page"] = [], []
    return result


@pytest.mark.parametrize("status", [200, 204, None])
def test_a_capture_without_a_body_is_unreadable_with_its_reason(status: int | None) -> None:
    said = Capture("c.json", None, "ShowDesktopDetail", status, unreadable="cannot read the file: gone")
    result = Judge(BINDINGS)(said)
    assert result == unreadable("cannot read the file: gone", status=status)
    assert list(result) == list(unreadable("x", status=status))
    silent = Judge(BINDINGS)(Capture("c.json", None, "ShowDesktopDetail", status))
    assert silent == unreadable("no body", status=status)


@pytest.mark.parametrize("body", [b"", b"  ", b"\r\n", bytearray(b"\t ")])
def test_an_empty_body_where_one_is_expected_is_unreadable(body: bytes) -> None:
    result = Judge(BINDINGS)(Capture("c.json", body, "ShowDesktopDetail", 200))
    assert result == unreadable("empty body")
    assert decode(Capture("c.json", body), "op")[0] is None


@pytest.mark.parametrize("text", ['{"desktop": }', '{\n  "desktop": {"a": 1,}\n}', '[1, 2', '{"a": NaN}',
                                  '{"a": 1}\n\n  x'])
def test_text_that_is_not_json_is_unreadable_where_json_loads_stops(text: str) -> None:
    try:
        json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    except json.JSONDecodeError as exc:
        line, column = exc.lineno, exc.colno
    except ValueError:
        line, column = 1, text.index("NaN") + 1
    result = Judge(BINDINGS)(capture(text.encode()))
    assert result["verdict"] == "unreadable"
    assert result["at"] == {"line": line, "column": column}
    assert result["problems"][0]["message"] == f"{result['reason']} at line {line} column {column}"
    assert list(result).index("at") == list(result).index("reason") + 1
    data, decoded = decode(capture(text.encode()), "ShowDesktopDetail")
    assert data is None and decoded == result


def test_decode_gives_the_value_and_no_result() -> None:
    assert decode(capture(b'{"a": [1, 2.5, null]}'), "op") == ({"a": [1, 2.5, None]}, None)


def test_a_body_decoded_by_the_caller_is_judged_as_given() -> None:
    judged = Judge(BINDINGS)
    assert judged(capture(b"not json"), documented_example())["verdict"] == "conformant"
    assert judged(capture(b"not json"), None)["verdict"] == "violation"  # null is a JSON value, not "undecoded"
    assert judged(capture(json.dumps(documented_example()).encode()), size_as_text())["verdict"] == "violation"


@pytest.mark.parametrize(("length", "shown"), [(0, ""), (199, "x" * 199), (200, "x" * 200),
                                               (201, "x" * 197 + "..."), (500, "x" * 197 + "...")])
def test_a_crash_is_reported_with_the_error_cut_to_200_characters(length: int, shown: str) -> None:
    result = crashed(Capture("c.jsonl", b"{}", line=4, status=500), "ShowDesktopDetail", RuntimeError("x" * length))
    reason = f"deskkit could not judge this response (RuntimeError: {shown})"
    assert result == {"source": "c.jsonl", "line": 4, "operation": "ShowDesktopDetail", "contract": "error",
                      "verdict": "unreadable", "reason": reason,
                      "problems": [{"pointer": "", "message": reason, "rule": None, "quirk": None,
                                    "quirk_rule": None, "known": None}],
                      "undocumented_fields": [], "off_page": []}


def test_clean_is_conformant_with_nothing_to_report() -> None:
    assert clean(Capture("s", b"{}", entry=1), "op") == {
        "source": "s", "entry": 1, "operation": "op", "contract": "success", "verdict": "conformant",
        "problems": [], "undocumented_fields": [], "off_page": []}


def test_the_page_example_lists_quirks_as_problems_and_known_values_off_the_page() -> None:
    result = Judge(BINDINGS)(capture(load_example()))
    assert result["verdict"] == "tolerated" == oracle(load_example(), "ShowDesktopDetailResponse")
    assert [(p["pointer"], p["quirk"], p["known"]) for p in result["problems"]] == [
        ("/desktop", "desktop-as-list", None), ("/desktop/0/addresses", "addresses-as-list", None)]
    assert [(p["pointer"], p["known"], p["refused_in_strict"], p["quirk"]) for p in result["off_page"]] == [
        ("/desktop/0/data_volumes/0/type", "captures", True, None), ("/desktop/0/task_status", "captures", True,
                                                                     None)]
    assert set(result["off_page"][0]) == {"pointer", "message", "rule", "quirk", "quirk_rule", "known",
                                          "refused_in_strict"}
    assert result["off_page"][0]["rule"] == "#/components/schemas/VolumeDetail/properties/type"
    assert "SATA" in result["off_page"][0]["message"]


def test_problems_and_deviations_are_merged_by_pointer() -> None:
    body = load_example()
    body["desktop"][0]["root_volume"]["size"] = "90"  # a problem between the two quirks' pointers
    result = Judge(BINDINGS)(capture(body))
    assert result["verdict"] == "violation" == oracle(body, "ShowDesktopDetailResponse")
    pointers = [p["pointer"] for p in result["problems"]]
    assert pointers == ["/desktop", "/desktop/0/addresses", "/desktop/0/root_volume/size"]
    assert [p["quirk"] for p in result["problems"]] == ["desktop-as-list", "addresses-as-list", None]


def test_an_undocumented_field_alone_leaves_the_body_conformant_and_is_listed() -> None:
    body = documented_example()
    body["desktop"]["zz_new"] = 1
    body["extra"] = {"a/b": 2}
    result = Judge(BINDINGS)(capture(body))
    assert result["verdict"] == "conformant"
    assert result["problems"] == [] and result["off_page"] == []
    assert sorted(result["undocumented_fields"]) == ["/desktop/zz_new", "/extra"]
    assert list(result) == ["source", "operation", "contract", "verdict", "problems", "undocumented_fields",
                            "off_page"]


def test_a_field_known_off_the_page_alone_is_listed_off_the_page() -> None:
    body = documented_example()
    body["desktop"]["in_maintenance_mode"] = None  # declared by the SDK (x-deskkit-known: sdk), not on the page
    result = Judge(BINDINGS)(capture(body))
    assert result["verdict"] == "conformant" == oracle(body, "ShowDesktopDetailResponse")
    assert result["problems"] == [] and result["undocumented_fields"] == []
    assert result["off_page"] == [{
        "pointer": "/desktop/in_maintenance_mode", "message": "a field the page does not document, declared by the "
        "vendor outside the page (SDK, API definition)",
        "rule": "#/components/schemas/DesktopDetailInfo/properties/in_maintenance_mode/x-deskkit-known",
        "quirk": None, "quirk_rule": None, "known": "sdk", "refused_in_strict": False}]


def test_a_deviation_alone_is_tolerated() -> None:
    body = documented_example()
    body["desktop"] = [body["desktop"]]
    result = Judge(BINDINGS)(capture(body))
    assert result["verdict"] == "tolerated" == oracle(body, "ShowDesktopDetailResponse")
    assert [(p["pointer"], p["quirk"]) for p in result["problems"]] == [("/desktop", "desktop-as-list")]
    assert result["off_page"] == [] and result["undocumented_fields"] == []


@pytest.mark.parametrize("field", ["in_maintenance_mode", "aaa_first", "zzz_last"])
def test_off_page_fields_and_values_are_merged_by_pointer(field: str) -> None:
    body = load_example()
    body["desktop"][0]["in_maintenance_mode"] = True
    body["desktop"][0][field] = True
    result = Judge(BINDINGS)(capture(body))
    pointers = [p["pointer"] for p in result["off_page"]]
    assert pointers == sorted(pointers) == ["/desktop/0/data_volumes/0/type", "/desktop/0/in_maintenance_mode",
                                            "/desktop/0/task_status"]
    assert [p["refused_in_strict"] for p in result["off_page"]] == [True, False, True]
    assert result["undocumented_fields"] == ([] if field == "in_maintenance_mode" else [f"/desktop/0/{field}"])


class Counting:
    """Bindings that count how often an operation is looked up."""

    def __init__(self) -> None:
        self.looked_up: list[str | None] = []

    def operation(self, operation_id: str | None) -> Any:
        self.looked_up.append(operation_id)
        return BINDINGS.operation(operation_id)


def test_each_operation_and_status_is_looked_up_once() -> None:
    bindings = Counting()
    judged = Judge(bindings)  # type: ignore[arg-type]
    for _ in range(3):
        judged(capture(documented_example()))
        judged(capture(ERROR, 404))
        judged(capture(documented_example(), None, None))
    assert bindings.looked_up == ["ShowDesktopDetail", "ShowDesktopDetail", None]
    assert judged.route(capture(b"", 404)) == ("ShowDesktopDetail", w.ErrorResponse)
    assert judged.route(capture(b"", None, None)) == ("ShowDesktopDetail", w.ShowDesktopDetailResponse)
    assert judged.route(capture(b"", 204, "ListDesktopsDetail")) == ("ListDesktopsDetail", None)


def test_checked_bodies_skip_the_fast_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller's own check refused the body: the fast pass is not run again, nor the narrow pass (what
    refused it, msgspec's observed structs, takes all it takes) unless the caller's check was the fast pass
    (``narrow``: the narrow pass takes what that refuses for a declared quirk)."""
    model = w.ShowDesktopDetailResponse
    calls: list[Any] = []
    narrow: list[Any] = []
    original, tolerant = model._fast, model._tolerant

    def fast(data: Any) -> Any:
        calls.append(data)
        return original(data)

    def counted(data: Any, ptr: str, found: Any) -> Any:
        narrow.append(data)
        return tolerant(data, ptr, found)

    monkeypatch.setattr(model, "_fast", staticmethod(fast))
    monkeypatch.setattr(model, "_tolerant", staticmethod(counted))
    judged = Judge(BINDINGS)
    checked = judged(capture(size_as_text()), checked=True)
    assert calls == [] and narrow == []
    assert checked == judged(capture(size_as_text())) and checked["verdict"] == "violation"
    assert [p["pointer"] for p in checked["problems"]] == ["/desktop/root_volume/size"]
    narrow.clear()
    page = judged.examine(capture(json.dumps(load_example()).encode()), checked=True, narrow=True)
    assert page.deviations[0].pointer == "/desktop" and calls == [] and len(narrow) == 1
    monkeypatch.setattr(model, "_tolerant", None)  # bindings without a narrow pass: the fast one, unchecked only
    calls.clear()
    assert judged(capture(size_as_text()), checked=True)["verdict"] == "violation" and calls == []
    assert judged(capture(size_as_text()))["verdict"] == "violation"
    assert len(calls) == 1


def test_without_a_status_the_first_2xx_with_a_body_is_the_model() -> None:
    """A plain file answers the operation's success body: the first 2xx response that has one, wherever the
    spec lists it."""
    op = type("Op", (), {"id": "Op", "responses": {"default": w.ErrorResponse, "404": w.ErrorResponse,
                                                   "201": None, "202": w.ShowDesktopDetailResponse,
                                                   "203": w.ErrorResponse}})
    bindings = type("B", (), {"operation": staticmethod(lambda operation_id: op)})()
    assert Judge(bindings).route(capture(b"", None, None)) == ("Op", w.ShowDesktopDetailResponse)
    none = type("Op", (), {"id": "None", "responses": {"default": w.ErrorResponse, "204": None}})
    bindings = type("B", (), {"operation": staticmethod(lambda operation_id: none)})()
    assert Judge(bindings).route(capture(b"", None, None)) == ("None", None)


def test_bindings_generated_before_known_fields_are_judged() -> None:
    """Older bindings: findings without ``known``, judgements without ``off_page`` (and a model of their own)."""
    from typing import NamedTuple

    class OldFinding(NamedTuple):
        pointer: str
        message: str
        rule: str
        quirk: str | None
        quirk_rule: str | None

    class OldJudgement(NamedTuple):
        problems: tuple[OldFinding, ...]
        deviations: tuple[OldFinding, ...]
        unknown_fields: tuple[str, ...]
        verdict: str

    found = {
        "clean": OldJudgement((), (), (), "conformant"),
        "quirk": OldJudgement((), (OldFinding("/a", "m", "#/r", "q", "#/x-deskkit-quirks/q"),), ("/z",), "tolerated"),
        "bad": OldJudgement((OldFinding("/b", "n", "#/s", None, None),), (), (), "violation"),
    }

    class OldModel:
        @staticmethod
        def judge(data: Any) -> OldJudgement:
            return found[data]

    op = type("Op", (), {"id": "Old", "responses": {"200": OldModel}, "model_for": staticmethod(lambda s: OldModel)})
    bindings = type("B", (), {"operation": staticmethod(lambda operation_id: op)})()
    judged = Judge(bindings)
    assert judged(capture(b"x"), "clean") == clean(capture(b"x"), "Old")
    quirk = judged(capture(b"x"), "quirk")
    assert (quirk["verdict"], quirk["undocumented_fields"], quirk["off_page"]) == ("tolerated", ["/z"], [])
    assert quirk["problems"] == [{"pointer": "/a", "message": "m", "rule": "#/r", "quirk": "q",
                                  "quirk_rule": "#/x-deskkit-quirks/q", "known": None}]
    bad = judged(capture(b"x"), "bad")
    assert bad["verdict"] == "violation" and bad["problems"][0]["known"] is None


def test_a_finding_known_off_the_page_keeps_its_level_in_the_record() -> None:
    """Bindings with a judge of their own (as ``tests/hostile/test_safety_net.py`` has) may report a known value
    as a problem (what strict mode does): the record says its level, as the library's ``Finding`` does."""
    from workspace_desktop._runtime import Finding, Judgement

    refused = Finding("/t", "expected one of ['A'], found 'B' (known: sdk, refused in strict mode)", "#/r",
                      known="sdk")
    quirk = Finding("/q", "null where the contract has no null", "#/s", "null-q", "#/x-deskkit-quirks/null-q",
                    known="captures")

    class Strict:
        @staticmethod
        def judge(data: Any) -> Judgement:
            return Judgement((refused,), (quirk,), ())

    op = type("Op", (), {"id": "Own", "model_for": staticmethod(lambda status: Strict)})
    bindings = type("B", (), {"operation": staticmethod(lambda operation_id: op)})()
    result = Judge(bindings)(capture(b"{}"))
    assert result["problems"] == [{**refused._asdict()}, {**quirk._asdict()}][::-1]
    assert [p["known"] for p in result["problems"]] == ["captures", "sdk"]
