"""Independent oracles beside the property tests that check deskkit against deskkit.

The strategies and the parser share the runtime (``escape()`` among it): a test comparing the pointers one
builds with those the other reports agrees with a broken runtime. Here nothing deskkit computes is the oracle:

- pointers: every pointer deskkit reports (problems, deviations, unknown fields) is resolved with ``jsonpointer``
  (a maintained RFC 6901 implementation) against the document as received; unknown fields planted at drawn
  places, under keys holding ``~``, ``/``, nothing or non-ASCII, are expected at pointers ``jsonpointer`` builds
  from the raw path;
- JSON round trips: ``to_dict``/``to_json`` against ``json.dumps`` of the input (keys sorted: types, nesting and
  values compared, key order not);
- verdicts: jsonschema with format checking (the emitted schemas) on payloads whose free-form keys are tricky;
- the invalid strategy's wrong-type draws give booleans and integral floats their share.
"""

from __future__ import annotations

import json
from typing import Any

import jsonpointer
import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

import workspace_desktop as w
from tests.conftest import documented_example, load_example
from tests.property.test_contract_properties import DOCUMENTED, DOCUMENTED_V, OBSERVED_V, parses
from workspace_desktop import strategies as S
from workspace_desktop._draw import KEYS, Site, _wrong_type

RESPONSE = w.ShowDesktopDetailResponse
DRAW = S._STRATEGIES
ROOT = RESPONSE.__name__
#: Models whose emitted schema lets any other property in (no additionalProperties, or true): unknown fields.
OPEN = {name for name, schema in DOCUMENTED["$defs"].items() if schema.get("additionalProperties", True) is True}

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
                    max_leaves=12)


def canonical(value: Any) -> str:
    """The JSON text of ``value`` with keys sorted: equal exactly when types, nesting and values are."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def findings(data: Any) -> list[tuple[str, str]]:
    """(pointer, message) of everything deskkit reports on ``data``, in both modes."""
    out: list[tuple[str, str]] = []
    for tolerant in (False, True):
        try:
            result = RESPONSE.from_dict(data, tolerant=tolerant)
        except w.ContractError as error:
            out += [(p.pointer, p.message) for p in error.problems]
        else:
            out += [(d.pointer, d.message) for d in result.deviations]
            out += [(u, "unknown field") for u in result.unknown_fields]
    return out


def assert_resolves(data: Any, pointer: str, message: str) -> None:
    """``pointer`` names a place in ``data`` (RFC 6901, per jsonpointer); a missing property's parent object."""
    try:
        jsonpointer.resolve_pointer(data, pointer)
    except jsonpointer.JsonPointerException:
        parts = jsonpointer.JsonPointer(pointer).parts
        assert message == "required property is missing", f"{pointer!r} ({message}) names nothing in the document"
        parent = jsonpointer.JsonPointer.from_parts(parts[:-1]).resolve(data)
        assert isinstance(parent, dict) and parts[-1] not in parent, f"{pointer!r}: not missing"


@st.composite
def with_unknown_fields(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid payload with unknown fields planted in drawn objects of open models; and where each went (the
    pointer jsonpointer builds from the raw path -> the value planted)."""
    payload = draw(S.valid()).payload
    spots = [spot for spot in DRAW._spots(Site("object", "", model=ROOT), payload, (), "", None)
             if spot.site.model in OPEN]
    planted: dict[str, Any] = {}
    for spot in draw(st.lists(st.sampled_from(spots), min_size=1, max_size=3, unique_by=lambda s: s.path)):
        target: Any = jsonpointer.JsonPointer.from_parts(list(spot.path)).resolve(payload)
        if type(target) is not dict:
            continue  # a nullable object that is null
        known = {p.wire for p in DRAW.schema[spot.site.model or ""]}
        for key in draw(st.lists(KEYS, min_size=1, max_size=2, unique=True)):
            if key not in known and key not in target:
                target[key] = draw(JSON)
                planted[jsonpointer.JsonPointer.from_parts([*spot.path, key]).path] = target[key]
    return payload, planted


@given(with_unknown_fields())
@example((documented_example() | {"a/b": {"~": [1]}, "": None, "~1": 0.0}, {"/a~1b": {"~": [1]}, "/": None,
                                                                               "/~01": 0.0}))
def test_unknown_fields_are_listed_at_the_pointers_jsonpointer_builds(case: tuple[dict[str, Any],
                                                                              dict[str, Any]]) -> None:
    payload, planted = case
    note(f"planted: {planted}")
    for tolerant in (False, True):
        result = RESPONSE.from_dict(payload, tolerant=tolerant)
        assert set(result.unknown_fields) == set(planted)
        for pointer, value in planted.items():
            assert canonical(jsonpointer.resolve_pointer(payload, pointer)) == canonical(value)
        assert canonical(result.to_dict()) == canonical(payload)  # nothing dropped, however deep
        assert canonical(json.loads(result.to_json())) == canonical(payload)


def documents() -> st.SearchStrategy[Any]:
    return st.one_of(S.valid().map(lambda d: d.payload), with_unknown_fields().map(lambda c: c[0]),
                     S.quirky().map(lambda d: d.payload), S.invalid().map(lambda d: d.payload), JSON,
                     st.fixed_dictionaries({"desktop": JSON}))


@given(documents())
@example(load_example())
def test_every_reported_pointer_resolves_in_the_document_as_received(data: Any) -> None:
    for pointer, message in findings(data):
        assert_resolves(data, pointer, message)


@given(S.quirky())
def test_injected_quirks_are_where_jsonpointer_finds_them(drawn: S.Drawn) -> None:
    result = RESPONSE.from_dict(drawn.payload, tolerant=True)
    for deviation in result.deviations:
        jsonpointer.resolve_pointer(drawn.payload, deviation.pointer)
    for injected in drawn.injected:
        jsonpointer.resolve_pointer(drawn.payload, injected.pointer)
    assert canonical(json.loads(result.to_json())) == canonical(drawn.payload)


@given(S.invalid())
def test_the_mutated_place_is_where_jsonpointer_finds_it(drawn: S.Drawn) -> None:
    (change,) = drawn.injected
    problems = [(p, m) for p, m in findings(drawn.payload)]
    assert change.pointer in {p for p, _ in problems}
    for pointer, message in problems:
        assert_resolves(drawn.payload, pointer, message)


@given(documents())
def test_verdicts_agree_with_jsonschema_on_tricky_keys(data: Any) -> None:
    assert parses(data, tolerant=False) == DOCUMENTED_V.is_valid(data)
    assert parses(data, tolerant=True) == OBSERVED_V.is_valid(data)


@pytest.mark.parametrize(("key", "token"), [("a/b", "a~1b"), ("~", "~0"), ("~1", "~01"), ("/~", "~1~0"), ("", ""),
                                            ("名字", "名字")])
def test_a_map_key_is_escaped_in_the_pointer(key: str, token: str) -> None:
    """Written by hand from RFC 6901 section 3: '~' is '~0', then '/' is '~1'."""
    data = documented_example()
    data["desktop"]["addresses"] = {key: [{"addr": 1}]}
    with pytest.raises(w.ContractError) as caught:
        RESPONSE.from_dict(data)
    pointer = f"/desktop/addresses/{token}/0/addr"
    assert pointer in [p.pointer for p in caught.value.problems]
    assert jsonpointer.resolve_pointer(data, pointer) == 1


def test_wrong_types_for_a_string_give_booleans_and_integral_floats_their_share() -> None:
    """Each is one of 7 kinds wrong for a string (about 1/7 of the draws); before, integral floats were never
    drawn, and booleans were 2 values in 15."""
    kinds: list[str] = []

    @settings(max_examples=300, derandomize=True, database=None)
    @given(_wrong_type({"string"}))
    def draw(value: Any) -> None:
        kinds.append("bool" if type(value) is bool else
                     "integral float" if type(value) is float and value.is_integer() else "other")

    draw()
    assert kinds.count("bool") >= len(kinds) / 14 and kinds.count("integral float") >= len(kinds) / 14, kinds


def test_invalid_payloads_hold_booleans_and_integral_floats_where_they_are_wrong() -> None:
    seen: set[str] = set()

    @settings(max_examples=200, derandomize=True, database=None)
    @given(S.invalid())
    def draw(drawn: S.Drawn) -> None:
        (change,) = drawn.injected
        if change.mutation == "wrong JSON type":
            value = jsonpointer.resolve_pointer(drawn.payload, change.pointer)
            if type(value) is bool:
                seen.add("bool")
            elif type(value) is float and value.is_integer():
                seen.add("integral float")

    draw()
    assert seen == {"bool", "integral float"}
