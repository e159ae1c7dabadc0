"""Property tests: the generated parser against the generated strategies and the emitted JSON Schemas."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import Any

import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

import workspace_desktop as w
from tests.conftest import documented_example, load_example
from workspace_desktop import strategies as S

RESPONSE = w.ShowDesktopDetailResponse
SCHEMAS = resources.files("workspace_desktop") / "schemas"
DOCUMENTED = json.loads((SCHEMAS / "documented.schema.json").read_text(encoding="utf-8"))
OBSERVED = json.loads((SCHEMAS / "observed.schema.json").read_text(encoding="utf-8"))
ERROR = json.loads((SCHEMAS / "error.schema.json").read_text(encoding="utf-8"))
# With format checking: the parser checks `format` as jsonschema's format checker does (see test_formats.py).
FORMATS = Draft202012Validator.FORMAT_CHECKER
DOCUMENTED_V = Draft202012Validator(DOCUMENTED, format_checker=FORMATS)
OBSERVED_V = Draft202012Validator(OBSERVED, format_checker=FORMATS)
ERROR_V = Draft202012Validator(ERROR, format_checker=FORMATS)

JSON = st.recursive(
    # Infinities are not JSON: deskkit refuses them by design, jsonschema would take them as numbers.
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


def parses(data: Any, *, tolerant: bool) -> bool:
    try:
        RESPONSE.from_dict(data, tolerant=tolerant)
    except w.ContractError:
        return False
    return True


def problem_pointers(data: Any, *, tolerant: bool) -> set[str]:
    with pytest.raises(w.ContractError) as caught:
        RESPONSE.from_dict(data, tolerant=tolerant)
    return {p.pointer for p in caught.value.problems}


@given(S.valid())
@example(S.Drawn("valid", documented_example()))
def test_strict_accepts_every_valid_payload_and_round_trips_it(drawn: S.Drawn) -> None:
    result = RESPONSE.from_dict(drawn.payload)
    assert result.deviations == () and result.unknown_fields == ()
    assert result.to_dict() == drawn.payload
    assert RESPONSE.from_json(result.to_json()) == result
    assert DOCUMENTED_V.is_valid(drawn.payload)


@given(S.show_desktop_detail_responses())
def test_typed_instances_round_trip(model: w.ShowDesktopDetailResponse) -> None:
    assert RESPONSE.from_dict(model.to_dict()) == model


@given(S.quirky())
@example(S.Drawn("quirky", load_example(), (
    S.Injected("/desktop", "desktop-as-list"), S.Injected("/desktop/0/addresses", "addresses-as-list"),
    # values the page does not list but the spec knows from captures: deviations without a quirk
    S.Injected("/desktop/0/task_status", None, S.KNOWN_VALUE, "captures"),
    S.Injected("/desktop/0/data_volumes/0/type", None, S.KNOWN_VALUE, "captures"))))
def test_tolerant_reports_exactly_the_injected_quirks_and_strict_refuses_each(drawn: S.Drawn) -> None:
    note(f"injected: {drawn.injected}")
    result = RESPONSE.from_dict(drawn.payload, tolerant=True)
    assert Counter((d.quirk, d.pointer, d.known) for d in result.deviations) == Counter(
        (i.quirk, i.pointer, i.known) for i in drawn.injected)
    assert result.to_dict() == drawn.payload
    assert {i.pointer for i in drawn.injected} <= problem_pointers(drawn.payload, tolerant=False)


@pytest.mark.parametrize("quirk", sorted(S.QUIRK_IDS))
def test_each_quirk_alone(quirk: str) -> None:
    @settings(max_examples=25)
    @given(S.quirky(quirks=frozenset({quirk})))
    def check(drawn: S.Drawn) -> None:
        result = RESPONSE.from_dict(drawn.payload, tolerant=True)
        assert {d.quirk for d in result.deviations} == {quirk}
        assert len(result.deviations) == len(drawn.injected)

    check()


@given(S.invalid())
def test_every_invalid_payload_is_refused_at_the_mutated_pointer_in_both_modes(drawn: S.Drawn) -> None:
    (change,) = drawn.injected
    note(f"mutation: {change}")
    for tolerant in (False, True):
        assert change.pointer in problem_pointers(drawn.payload, tolerant=tolerant)


@given(JSON)
def test_any_json_value_parses_or_is_a_contract_error(data: Any) -> None:
    for model in (RESPONSE, w.DesktopDetailInfo, w.AddressInfo, w.ErrorResponse):
        for tolerant in (False, True):
            try:
                model.from_dict(data, tolerant=tolerant)
            except w.ContractError as error:
                assert error.problems and all(p.pointer == "" or p.pointer.startswith("/") for p in error.problems)


def mixed() -> st.SearchStrategy[Any]:
    """Payloads of every kind, for agreement between the parser and the emitted schemas."""
    return st.one_of(S.valid(), S.quirky(), S.invalid()).map(lambda d: d.payload) | JSON | st.fixed_dictionaries(
        {"desktop": JSON})


@given(mixed())
def test_parser_and_schemas_agree(data: Any) -> None:
    assert parses(data, tolerant=False) == DOCUMENTED_V.is_valid(data)
    assert parses(data, tolerant=True) == OBSERVED_V.is_valid(data)


@settings(max_examples=40)
@given(from_schema(DOCUMENTED))
def test_strict_accepts_what_hypothesis_jsonschema_draws_from_the_documented_schema(data: Any) -> None:
    RESPONSE.from_dict(data)


# hypothesis-jsonschema is slow on the observed schema's anyOf branches (seconds per few examples).
@settings(max_examples=10)
@given(from_schema(OBSERVED))
def test_tolerant_accepts_what_hypothesis_jsonschema_draws_from_the_observed_schema(data: Any) -> None:
    RESPONSE.from_dict(data, tolerant=True)


@given(S.error_bodies())
def test_error_bodies_parse_and_validate(drawn: S.Drawn) -> None:
    assert w.ErrorResponse.from_dict(drawn.payload).to_dict() == drawn.payload
    assert ERROR_V.is_valid(drawn.payload)
