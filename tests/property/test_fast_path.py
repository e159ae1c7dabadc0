"""The parsers' fast first pass (generated ``_fast.py``) never changes a result: differential tests.

The fast pass may only give up or agree. On valid, quirky and invalid payloads from the generated strategies,
payloads mutated off the documented example, and arbitrary JSON:

- where it accepts, the full parser (``models.py``, run alone) finds nothing to report and builds an equal
  object with the same ``to_dict()``, and jsonschema (the independent oracle) finds the payload valid
  against the documented schema;
- ``from_dict`` (strict and tolerant), ``judge`` and ``conforms`` give what the full parser alone gives:
  the same object, or the same problems and deviations;
- it gives up on a valid payload only for a reason it states (a null, an unknown field, a day past the
  28th), so the common case does take it;
- ``from_json`` reads with msgspec what ``decode`` reads, and refuses what it refuses with the same message.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from jsonschema import Draft202012Validator

import workspace_desktop as w
from tests.conftest import documented_example, load_example
from tests.property.test_fast_json import dumped, mutated
from workspace_desktop import _fast
from workspace_desktop import models as M
from workspace_desktop import strategies as S
from workspace_desktop._runtime import Context

SCHEMAS = resources.files("workspace_desktop") / "schemas"
DOCUMENTED = json.loads((SCHEMAS / "documented.schema.json").read_text(encoding="utf-8"))
FORMATS = Draft202012Validator.FORMAT_CHECKER


def validator(model: str) -> Draft202012Validator:
    return Draft202012Validator({**DOCUMENTED, "$ref": f"#/$defs/{model}"}, format_checker=FORMATS)


VALIDATORS = {name: validator(name) for name in M.SCHEMA}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=15,
)


@contextmanager
def full_path_only(model: type[Any]) -> Iterator[None]:
    """``model`` with its fast pass switched off: the full parser alone (the oracle of these tests)."""
    saved = model.__dict__["_fast"]
    model._fast = None
    try:
        yield
    finally:
        model._fast = saved


def state(value: Any) -> Any:
    """Everything a model holds, reading every dataclass field (``compare=False`` ones too, such as
    ``off_page``): a field one pass forgets to set fails here instead of on a user's attribute access."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                tuple((f.name, state(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, (list, tuple)):
        return tuple(state(item) for item in value)
    if isinstance(value, dict):
        return {key: state(item) for key, item in value.items()}
    return value


def outcome(call: Any) -> tuple[str, Any]:
    try:
        result = call()
    except w.ContractError as exc:
        return "refused", exc.problems
    return "parsed", (state(result), result.to_dict(), result.deviations, result.unknown_fields)


def fast(model: type[Any], data: Any) -> Any:
    """The fast pass's object, or None when it gives up."""
    return model._fast(data)


def full_judgement(model: type[Any], data: Any) -> Any:
    cx = Context()
    result = model._parse(data, "", cx, model._site)
    return result, cx.judgement()


def check(model: type[Any], data: Any) -> Any:
    """Everything the fast pass touches agrees with the full parser on ``data``; returns its object."""
    original = copy.deepcopy(data)
    quick = fast(model, data)
    full, found = full_judgement(model, data)
    if currently_in_test_context():
        note(f"fast pass: {'accepted' if quick is not None else 'gave up'}; full: {found}")
    if quick is not None:
        assert not (found.problems or found.deviations or found.unknown_fields)
        assert quick == full and quick.to_dict() == full.to_dict() == data
        assert VALIDATORS[model.__name__].is_valid(data)
    assert model.conforms(data) == (quick is not None)
    outcomes = [outcome(lambda: model.from_dict(data)), outcome(lambda: model.from_dict(data, tolerant=True)),
                model.judge(data)]
    with full_path_only(model):
        expected = [outcome(lambda: model.from_dict(data)), outcome(lambda: model.from_dict(data, tolerant=True)),
                    model.judge(data)]
    assert outcomes == expected
    assert model.judge_fully(data) == expected[2]  # what the validate loop calls once its own check gave up
    assert data == original  # neither pass touches its input
    return quick


def null_unknown_or_late_day(data: Any, unknown: tuple[str, ...]) -> bool:
    """The reasons the fast pass may give up on a conformant payload."""
    if unknown:
        return True
    stack = [data]
    while stack:
        item = stack.pop()
        if item is None:
            return True
        if type(item) is str and re.match(r"[0-9]{4}-[0-9]{2}-(29|30|31)[Tt]", item):
            return True
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return False


MODELS = sorted(M.SCHEMA)


@given(st.sampled_from(MODELS).flatmap(lambda name: st.tuples(st.just(name), S.valid(name))))
def test_valid_payloads_take_the_fast_pass_unless_a_stated_reason_stops_it(case: tuple[str, Any]) -> None:
    name, drawn = case
    model = getattr(M, name)
    quick = check(model, drawn.payload)
    if quick is None:
        assert null_unknown_or_late_day(drawn.payload, model.judge(drawn.payload).unknown_fields)


@given(st.sampled_from(MODELS).flatmap(lambda name: st.tuples(st.just(name), S.invalid(name))))
def test_invalid_payloads_agree(case: tuple[str, Any]) -> None:
    name, drawn = case
    assert check(getattr(M, name), drawn.payload) is None


@given(S.quirky())
@example(S.Drawn("quirky", load_example()))
def test_quirky_payloads_agree(drawn: S.Drawn) -> None:
    assert check(w.ShowDesktopDetailResponse, drawn.payload) is None


def paths(data: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if type(data) is dict:
        for key, value in data.items():
            yield from paths(value, (*at, key))
    elif type(data) is list:
        for index, value in enumerate(data):
            yield from paths(value, (*at, index))


EXAMPLE_PATHS = list(paths(documented_example()))[1:]
#: Values the documented example has nowhere: off-page enum values, days no month has, the year 0, a newline.
ODD_VALUES = ["", "SATA", "2022-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "2022-01-21T06:57:47.459Z\n", 1.0, -1, True]


@given(st.sampled_from(EXAMPLE_PATHS), JSON | st.sampled_from(ODD_VALUES),
       st.booleans())
@example(("desktop", "created"), "2022-02-29T06:57:47Z", False)
@example(("desktop", "created"), "2024-02-29T06:57:47Z", False)
@example(("desktop", "root_volume", "size"), 90.0, False)
def test_the_documented_example_with_one_value_changed_agrees(at: tuple[Any, ...], value: Any, add: bool) -> None:
    """One place of the documented example replaced (or, for objects, one key added): every kind of wrong."""
    check(w.ShowDesktopDetailResponse, one_value_changed(at, value, add))


def one_value_changed(at: tuple[Any, ...], value: Any, add: bool) -> Any:
    """The documented example with the value at ``at`` replaced by ``value`` (``add``: beside it, when its
    parent is an object)."""
    data = documented_example()
    parent = data
    for step in at[:-1]:
        parent = parent[step]
    if add and type(parent) is dict:
        parent[f"{at[-1]}_x"] = value
    else:
        parent[at[-1]] = value
    return data


@given(JSON)
def test_arbitrary_json_agrees(data: Any) -> None:
    check(w.ShowDesktopDetailResponse, data)
    check(w.ShowDesktopDetailResponse, {"desktop": data})


def test_the_fast_pass_takes_the_documented_example() -> None:
    """Without this the tests above could pass with a fast pass that always gives up."""
    doc = documented_example()
    assert fast(w.ShowDesktopDetailResponse, doc) is not None
    assert check(w.ShowDesktopDetailResponse, doc) is not None
    assert fast(w.ShowDesktopDetailResponse, load_example()) is None


def decoded(call: Any) -> tuple[str, Any]:
    try:
        return "value", repr(call())
    except w.ContractError as exc:
        return "refused", [str(p) for p in exc.problems]


@given(dumped() | mutated())
@example(b'"\\ud800"')
@example(b"\xef\xbb\xbf{}")
@example(b'{"x": NaN}')
@example(b"[1e400]")
def test_from_json_decodes_as_the_standard_library(data: bytes) -> None:
    assert decoded(lambda: _fast.fast_decode(data)) == decoded(lambda: w.decode(data))
    try:
        text = data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return
    assert decoded(lambda: _fast.fast_decode(text)) == decoded(lambda: w.decode(text))


def test_from_json_uses_msgspec_when_installed() -> None:
    pytest.importorskip("msgspec")
    assert _fast._msgspec() is not None
    assert w.ShowDesktopDetailResponse._decode is _fast.fast_decode
