"""``Judge.look`` skips the documented check while few bodies of late were conformant, and no result changes.

Runs of the vendor page (never conformant) put the judge in that mode; conformant, tolerated, invalid and
unreadable bodies then come through it, and back. Every result must be the full judge's (``Judge.__call__``:
the model's own parser, no msgspec check), and jsonschema (documented and observed schemas, formats checked)
must give the same verdict.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from generator.contract import jsontext
from generator.contract.bindings import load_bindings
from generator.contract.captures import line_captures
from generator.contract.judge import CONFORMANT, Judge, clean, is_result
from tests.conftest import documented_example, load_example

pytestmark = pytest.mark.skipif(jsontext.FAST is None, reason="msgspec is not installed (the `fast` extra)")

SCHEMAS = resources.files("workspace_desktop") / "schemas"
FORMATS = Draft202012Validator.FORMAT_CHECKER
DOCUMENTED = Draft202012Validator(json.loads((SCHEMAS / "documented.schema.json").read_text()), format_checker=FORMATS)
OBSERVED = Draft202012Validator(json.loads((SCHEMAS / "observed.schema.json").read_text()), format_checker=FORMATS)

PAGE = json.dumps(load_example()).encode()
DOCUMENTED_BODY = json.dumps(documented_example()).encode()
KNOWN_ONLY = DOCUMENTED_BODY.replace(b'"SSD"', b'"SATA"', 1)  # documented shape, one value known off the page
NULL = json.dumps({"desktop": dict(documented_example()["desktop"], ou_name=None)}).encode()
INVALID = json.dumps({"desktop": dict(documented_example()["desktop"], created="yesterday")}).encode()
CUT = DOCUMENTED_BODY[:300]


def verdict(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return "unreadable"
    if DOCUMENTED.is_valid(data):
        return "conformant"
    return "tolerated" if OBSERVED.is_valid(data) else "violation"


def test_a_run_of_quirky_bodies_skips_the_documented_check_and_changes_no_result() -> None:
    assert KNOWN_ONLY != DOCUMENTED_BODY and verdict(KNOWN_ONLY) == "tolerated"
    lines = [PAGE] * 40 + [DOCUMENTED_BODY, KNOWN_ONLY, NULL, INVALID, CUT, PAGE] * 3 + [DOCUMENTED_BODY] * 30 + [PAGE]
    judge, oracle = Judge(load_bindings("workspace_desktop")), Judge(load_bindings("workspace_desktop"))
    model = judge.route(next(iter(line_captures([PAGE], "x"))))[1]
    skipped = []
    for capture in line_captures(lines, "caps.jsonl"):
        skipped.append(judge._odds.get(model, 0) < 0)
        operation, found = judge.look(capture)
        if found is CONFORMANT:
            result = clean(capture, operation)
        else:
            result = found if is_result(found) else judge.result(capture, operation, found)
        assert result == oracle(capture), capture.line
        assert result["verdict"] == verdict(capture.body or b""), capture.line
    # not vacuous: the run of pages put it in that mode, conformant bodies came through it, and it left it
    assert all(skipped[1:40]) and skipped[40]
    assert not skipped[-2]
