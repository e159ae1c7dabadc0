"""The msgspec check-only path of ``deskkit validate`` (:mod:`generator.contract.typed`) never changes a verdict.

It may only say "conformant, nothing to report" or "ask the judge". Wherever it says the first, on bodies
written from valid, quirky and invalid payloads of the generated strategies, from the documented example with
one value changed, from arbitrary JSON and from hostile texts (NaN, ``1e400``, duplicate keys, lone
surrogates, a byte order mark), the strict decoder reads the body, the full judge finds nothing, and jsonschema
(the independent oracle) finds it valid against the documented schema. And it says it for valid payloads
unless a stated reason stops it, so the common case does take it.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator.contract import jsontext
from generator.contract.bindings import load_bindings
from generator.contract.captures import line_captures
from generator.contract.jsontext import NotJson, loads
from generator.contract.judge import Judge
from generator.contract.typed import checker
from tests.conftest import documented_example, load_example
from tests.property.test_fast_json import dumped, mutated
from tests.property.test_fast_path import EXAMPLE_PATHS, JSON, ODD_VALUES
from workspace_desktop import models as M
from workspace_desktop import strategies as S

pytestmark = pytest.mark.skipif(jsontext.FAST is None, reason="msgspec is not installed (the `fast` extra)")

SCHEMAS = resources.files("workspace_desktop") / "schemas"
DOCUMENTED = json.loads((SCHEMAS / "documented.schema.json").read_text(encoding="utf-8"))
FORMATS = Draft202012Validator.FORMAT_CHECKER
MODELS = sorted(M.SCHEMA)
CHECKS = {name: checker(getattr(M, name)) for name in MODELS}
JUDGE = Judge(load_bindings("workspace_desktop"))
VALIDATORS = {name: Draft202012Validator({**DOCUMENTED, "$ref": f"#/$defs/{name}"}, format_checker=FORMATS)
              for name in MODELS}


def test_every_model_of_the_shipped_spec_has_a_check() -> None:
    assert all(CHECKS.values()), [name for name, check in CHECKS.items() if check is None]


def agrees(name: str, body: bytes) -> bool | None:
    """When the check accepts ``body``, everything else agrees it is conformant; returns what it said."""
    check = CHECKS[name]
    assert check is not None
    accepted = check(body)
    if accepted:
        data = loads(body, fast=None)  # the standard library alone: raises NotJson if it does not read it
        found = getattr(M, name).judge(data)
        assert not (found.problems or found.deviations or found.unknown_fields), found
        assert VALIDATORS[name].is_valid(data)
    return accepted


def bodies(payload: Any) -> list[bytes]:
    return [json.dumps(payload).encode(), json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8",
                                                                                                   "surrogatepass")]


def stated_reason(data: Any) -> bool:
    """Why the check may refuse a conformant body: a null, a day past the 28th, an integral float (msgspec
    reads ``1.0`` as no integer), or a key the page does not document."""
    stack = [data]
    while stack:
        item = stack.pop()
        if item is None or (type(item) is float and item.is_integer()):
            return True
        if type(item) is str and re.match(r"[0-9]{4}-[0-9]{2}-(29|30|31)[Tt]", item):
            return True
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return False


@given(st.sampled_from(MODELS).flatmap(lambda name: st.tuples(st.just(name), S.valid(name))))
def test_valid_bodies_are_checked_unless_a_stated_reason_stops_it(case: tuple[str, Any]) -> None:
    name, drawn = case
    for body in bodies(drawn.payload):
        if not agrees(name, body):
            unknown = getattr(M, name).judge(drawn.payload).unknown_fields
            assert unknown or stated_reason(drawn.payload)


@given(st.sampled_from(MODELS).flatmap(lambda name: st.tuples(st.just(name), S.invalid(name))))
def test_invalid_bodies_go_to_the_judge(case: tuple[str, Any]) -> None:
    name, drawn = case
    assert not any(agrees(name, body) for body in bodies(drawn.payload))


@given(S.quirky())
@example(S.Drawn("quirky", load_example()))
def test_quirky_bodies_go_to_the_judge(drawn: S.Drawn) -> None:
    assert not any(agrees("ShowDesktopDetailResponse", body) for body in bodies(drawn.payload))


@given(st.sampled_from(EXAMPLE_PATHS), JSON | st.sampled_from(ODD_VALUES))
@example(("desktop", "created"), "2022-02-29T06:57:47Z")
@example(("desktop", "root_volume", "size"), 2**70)
def test_the_documented_example_with_one_value_changed_agrees(at: tuple[Any, ...], value: Any) -> None:
    data = documented_example()
    parent = data
    for step in at[:-1]:
        parent = parent[step]
    parent[at[-1]] = value
    for body in bodies(data):
        agrees("ShowDesktopDetailResponse", body)


@given(JSON)
def test_arbitrary_json_agrees(data: Any) -> None:
    for body in bodies(data) + bodies({"desktop": data}):
        agrees("ShowDesktopDetailResponse", body)


def hostile(body: bytes) -> bytes:
    """The documented example with ``body`` as the value of its root volume's size."""
    return json.dumps(documented_example()).encode().replace(b'"size": 90', b'"size": ' + body, 1)


@given(dumped() | mutated())
@example(hostile(b"NaN"))
@example(hostile(b"1e400"))
@example(hostile(b"9" * 5000))
@example(hostile(b'90, "size": "90"'))
@example(hostile(b'"90", "size": 90'))
@example(b"\xef\xbb\xbf" + json.dumps(documented_example()).encode())
@example(json.dumps(documented_example()).encode().replace(b'"CHENMIN01"', b'"\\ud800"'))
def test_hostile_texts_agree(body: bytes) -> None:
    try:
        accepted = agrees("ShowDesktopDetailResponse", body)
    except NotJson:
        raise AssertionError("the check accepted a body the strict decoder refuses") from None
    if b"NaN" in body or b"1e400" in body:
        assert not accepted
    if accepted is None:  # msgspec read no JSON: the judge asks the standard library alone, which must not matter
        for capture in line_captures([body.replace(b"\n", b" ")], "hostile.jsonl"):  # (none: a blank line)
            assert JUDGE(capture, not_json=True) == JUDGE(capture)


@pytest.mark.parametrize("body", [
    json.dumps(documented_example()).encode()[:900],  # cut short
    b'{"desktop": {"desktop_id": "\\ud800"}}',  # a lone surrogate: msgspec refuses it, the standard library reads it
    b"\xef\xbb\xbf" + json.dumps(documented_example()).encode(),  # a byte order mark
    b'{"desktop": NaN}',
])
def test_where_msgspec_reads_no_json_the_standard_library_decides(body: bytes) -> None:
    check = CHECKS["ShowDesktopDetailResponse"]
    assert check is not None and check(body) is None
    (capture,) = line_captures([body], "odd.jsonl")
    assert JUDGE(capture, not_json=True) == JUDGE(capture)


def test_the_documented_example_takes_the_check() -> None:
    """Without this the tests above could pass with a check that refuses everything."""
    for body in bodies(documented_example()):
        assert agrees("ShowDesktopDetailResponse", body)
    assert not agrees("ShowDesktopDetailResponse", json.dumps(load_example()).encode())


def test_bindings_without_structs_get_no_check(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bindings generated before ``_typed.py`` existed (or any package without it): the judge alone runs."""
    package = tmp_path / "older_bindings"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "from workspace_desktop._runtime import Model\n\n\nclass Thing(Model):\n    __slots__ = ()\n\n\n"
        "SCHEMA = {'Thing': ()}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    thing = importlib.import_module("older_bindings.models").Thing
    assert checker(thing) is None
    assert checker(M.ShowDesktopDetailResponse) is not None  # while the shipped bindings have one
