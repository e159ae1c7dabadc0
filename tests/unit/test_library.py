"""The judge as a library call: ``judge_lines`` and ``summarize``, importable without the CLI.

Oracles that share no code with the judge: line numbers counted here from the raw lines, verdicts from
jsonschema with the emitted documented and observed schemas (formats checked), and the report of the real
`deskkit validate` process on the same bytes (results and summary equal).
"""

from __future__ import annotations

import doctest
import json
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonpointer
import pytest
import yaml
from jsonschema import Draft202012Validator

import generator.contract.library
from generator.contract import judge_lines, summarize
from tests.conftest import documented_example, load_example
from tests.helpers import deskkit

SCHEMAS = resources.files("workspace_desktop") / "schemas"
FORMATS = Draft202012Validator.FORMAT_CHECKER
DOCUMENTED = Draft202012Validator(json.loads((SCHEMAS / "documented.schema.json").read_text()), format_checker=FORMATS)
OBSERVED = Draft202012Validator(json.loads((SCHEMAS / "observed.schema.json").read_text()), format_checker=FORMATS)


def oracle(line: bytes) -> str:
    try:
        body = json.loads(line, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    except ValueError:
        return "unreadable"
    if DOCUMENTED.is_valid(body):
        return "conformant"
    return "tolerated" if OBSERVED.is_valid(body) else "violation"


def violation() -> dict[str, Any]:
    doc = documented_example()
    doc["desktop"]["root_volume"]["size"] = "90"
    return doc


LINES: list[bytes] = [
    json.dumps(documented_example()).encode(),
    b"",
    json.dumps(load_example()).encode() + b"\r",  # a CRLF line, its \n already split off
    b"   ",
    json.dumps(violation()).encode(),
    b'{"desktop": {"status": NaN}}',
    json.dumps(documented_example())[:100].encode(),
    json.dumps({"desktop": {"surprise": 1}}).encode() + b"\n",
    json.dumps({"desktop": [{"desktop_id": None, "task_status": ""}]}).encode(),  # the observed check's
]


def test_the_docstring_example_runs() -> None:
    assert doctest.testmod(generator.contract.library).failed == 0


def test_each_non_blank_line_gets_its_number_and_the_schemas_verdict() -> None:
    results = judge_lines(LINES, source="gateway.jsonl", first_line=41)
    judged = [(41 + i, line.rstrip(b"\r\n")) for i, line in enumerate(LINES) if line.strip()]
    assert [r["line"] for r in results] == [number for number, _ in judged]
    assert [r["verdict"] for r in results] == [oracle(line) for _, line in judged]
    assert {r["source"] for r in results} == {"gateway.jsonl"}
    nan = results[3]
    assert nan["reason"].startswith("not JSON (NaN") and nan["at"] == {"line": 1, "column": 24}
    assert results[5]["undocumented_fields"] == ["/desktop/surprise"]


def test_text_bytes_and_bytearrays_are_the_same_lines() -> None:
    as_text = judge_lines([line.decode() for line in LINES])
    as_bytearrays = judge_lines([bytearray(line) for line in LINES])
    assert as_text == as_bytearrays == judge_lines(LINES)


def test_results_and_summary_are_the_reports(tmp_path: Path) -> None:
    """The library gives what `deskkit validate --format json` prints for the same bytes in a .jsonl file;
    summaries of two halves merge into the summary of the whole."""
    path = tmp_path / "gateway.jsonl"
    path.write_bytes(b"\n".join(line.rstrip(b"\n") for line in LINES) + b"\n")
    run = deskkit("validate", "--format", "json", str(path))
    report = json.loads(run.stdout)
    results = judge_lines(LINES, source=str(path))
    assert results == report["results"]
    summary = summarize(results).as_dict()
    assert summary == report["summary"]
    halves = summarize(results[:3]).merge(summarize(results[3:]))
    assert halves.as_dict() == summary
    assert Counter(r["verdict"] for r in results) == {v: n for v, n in summary.items()
                                                     if v in ("conformant", "tolerated", "violation", "unreadable")
                                                     and n}


def test_values_and_fields_known_off_the_page_are_listed_with_every_key_of_the_record() -> None:
    """The ``off_page`` records as the JSON report's format has them; pointers resolved with ``jsonpointer``
    (in the capture, and the rule in the spec as YAML reads it), not by deskkit."""
    body = {"desktop": {"desktop_type": "SHARED", "os_host_name": "h-1"}}
    (result,) = judge_lines([json.dumps(body)], source="s.jsonl")
    assert result["verdict"] == "tolerated" and result["problems"] == [] and result["undocumented_fields"] == []
    records = result["off_page"]
    assert [sorted(r) for r in records] == [sorted(["pointer", "message", "rule", "quirk", "quirk_rule", "known",
                                                    "refused_in_strict"])] * 2
    value, field = records  # in pointer order
    spec = yaml.safe_load((Path(__file__).parents[2] / "spec" / "workspace-desktop.openapi.yaml").read_text())
    assert jsonpointer.resolve_pointer(body, value["pointer"]) == "SHARED"
    assert jsonpointer.resolve_pointer(body, field["pointer"]) == "h-1"
    rule = jsonpointer.resolve_pointer(spec, value["rule"].removeprefix("#"))
    assert "SHARED" in [known["value"] for known in rule["x-deskkit-known-values"]]
    assert jsonpointer.resolve_pointer(spec, field["rule"].removeprefix("#"))["level"] == "sdk"
    # a value off the page is refused by the strict parser; a field off the page is not
    def kind(record: dict[str, Any]) -> tuple[Any, ...]:
        return record["known"], record["refused_in_strict"], record["quirk"], record["quirk_rule"]

    assert kind(value) == ("sdk", True, None, None) and kind(field) == ("sdk", False, None, None)
    assert '"SHARED"' in value["message"] and "outside the page" in field["message"]


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: judge_lines('{"desktop": {}}'), TypeError, "judge_lines takes an iterable of lines (each bytes or str), "
     "not one str: split it into lines first"),
    (lambda: judge_lines(b"{}\n{}"), TypeError, "not one bytes"),
    (lambda: judge_lines([b"{}", memoryview(b"{}")], first_line=3), TypeError,
     "line 4: expected bytes or str, found memoryview"),
    (lambda: judge_lines([b"{}", None]), TypeError, "line 2: expected bytes or str, found NoneType"),
    (lambda: judge_lines([b"{}"], first_line=0), ValueError, "first_line is the number of the first line, 1 or more"),
    (lambda: judge_lines([], operation="Nope"), ValueError, "operation 'Nope': no such operation in "
     "workspace_desktop (it has ShowDesktopDetail, ListDesktopsDetail)"),
    (lambda: summarize([{"verdict": "weird"}]), ValueError, "result 0: not a result of judge_lines"),
    (lambda: summarize([*judge_lines([b"{}"]), {"verdict": "conformant"}]), ValueError,
     "result 1: not a result of judge_lines (KeyError: 'problems')"),
])
def test_wrong_arguments_say_which_and_what_was_expected(call: Callable[[], object], error: type[Exception],
                                                        message: str) -> None:
    """Not a bare StopIteration (an unknown operation), an AttributeError (a line that is not text) or one
    str judged a character a line: a TypeError or ValueError naming the argument, line or result."""
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)
