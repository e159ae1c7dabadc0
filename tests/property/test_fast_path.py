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
- the narrow pass (``from_dict(tolerant=True)``'s first pass) agrees in the same way with the full parser in
  tolerant mode, deviations included, and jsonschema finds what it accepts valid against the observed schema;
  it takes every payload whose only deviations are tolerated shapes and values known off the page (for the
  same stated reasons aside), the vendor's page among them;
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
from workspace_desktop._runtime import Context, Finding

SCHEMAS = resources.files("workspace_desktop") / "schemas"
DOCUMENTED = json.loads((SCHEMAS / "documented.schema.json").read_text(encoding="utf-8"))
FORMATS = Draft202012Validator.FORMAT_CHECKER


def validator(model: str) -> Draft202012Validator:
    return Draft202012Validator({**DOCUMENTED, "$ref": f"#/$defs/{model}"}, format_checker=FORMATS)


VALIDATORS = {name: validator(name) for name in M.SCHEMA}
OBSERVED = json.loads((SCHEMAS / "observed.schema.json").read_text(encoding="utf-8"))
OBSERVED_VALIDATORS = {name: Draft202012Validator({**OBSERVED, "$ref": f"#/$defs/{name}"}, format_checker=FORMATS)
                       for name in M.SCHEMA}
#: The quirks that declare a shape at a property (the narrow pass reports those; a null or a stray enum value
#: it leaves to the full parser).
SHAPE_QUIRKS = {tol.quirk for props in M.SCHEMA.values() for prop in props for tol in prop.tolerances
                if tol.shape in ("single-item-list", "alternative")}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=15,
)


@contextmanager
def full_path_only(model: type[Any]) -> Iterator[None]:
    """``model`` with its fast and narrow passes switched off: the full parser alone (the oracle of these
    tests)."""
    saved = model._fast, model._tolerant
    model._fast = model._tolerant = None
    try:
        yield
    finally:
        model._fast, model._tolerant = saved


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


def narrow(model: type[Any], data: Any) -> tuple[Any, list[Finding]]:
    """The narrow pass's object (None when it gives up, or when the model has none) and the deviations its
    tape notes (each a pointer and the rest of a finding), in the order it noted them."""
    tape: list[Any] = []
    if model._tolerant is None:
        return None, []
    wide = model._tolerant(data, "", tape)
    return wide, [Finding(pointer, *rest) for pointer, rest in tape]


def undocumented_key(value: Any, site: Any) -> bool:
    """True when an object in ``value`` (at ``site``, read every way its shapes allow) has a key its model
    does not document: one the spec types with ``additionalProperties`` too, which no first pass reads."""
    if type(value) is dict and site.model is not None:
        props = {prop.wire: prop for prop in M.SCHEMA[site.model] if prop.known is None}
        if not props.keys() >= value.keys():
            return True
        return any(undocumented_key(value[wire], prop.site)
                   or any(undocumented_key(value[wire], tol.site)
                          or (tol.shape == "single-item-list" and type(value[wire]) is list
                              and any(undocumented_key(item, tol.site) for item in value[wire]))
                          for tol in prop.tolerances)
                   for wire, prop in props.items() if wire in value)
    if type(value) is list and site.items is not None:
        return any(undocumented_key(item, site.items) for item in value)
    if type(value) is dict and site.values is not None:
        return any(undocumented_key(item, site.values) for item in value.values())
    return False


def only_declared(model: type[Any], found: Any, data: Any) -> bool:
    """True when the full parser found nothing but tolerated shapes and values known off the page, and no
    stated reason (a null, a key the page does not document, a late day) keeps the narrow pass from taking
    ``data``."""
    return (not (found.problems or found.unknown_fields or found.off_page)
            and all(d.quirk in SHAPE_QUIRKS or (d.quirk is None and d.known is not None) for d in found.deviations)
            and not null_unknown_or_late_day(data, ()) and not undocumented_key(data, model._site))


def check(model: type[Any], data: Any) -> Any:
    """Everything the fast and narrow passes touch agrees with the full parser on ``data``; returns the fast
    pass's object."""
    original = copy.deepcopy(data)
    quick = fast(model, data)
    full, found = full_judgement(model, data)
    wide, deviations = narrow(model, data)
    if currently_in_test_context():
        note(f"fast pass: {'accepted' if quick is not None else 'gave up'}; "
             f"narrow pass: {'accepted' if wide is not None else 'gave up'}; full: {found}")
    if quick is not None:
        assert not (found.problems or found.deviations or found.unknown_fields)
        assert quick == full and quick.to_dict() == full.to_dict() == data
        assert VALIDATORS[model.__name__].is_valid(data)
    if wide is not None:
        assert not (found.problems or found.unknown_fields or found.off_page)
        assert sorted(deviations, key=lambda d: d.pointer) == list(found.deviations)
        assert state(wide) == state(full) and wide.to_dict() == full.to_dict() == data
        assert OBSERVED_VALIDATORS[model.__name__].is_valid(data)
    if model._tolerant is not None and (quick is not None or only_declared(model, found, data)):
        assert wide is not None  # it takes all the fast pass takes, and all it should
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


def one_value_changed(at: tuple[Any, ...], value: Any, add: bool, data: Any = None) -> Any:
    """``data`` (the documented example by default) with the value at ``at`` replaced by ``value`` (``add``:
    beside it, when its parent is an object)."""
    data = documented_example() if data is None else data
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


def test_the_narrow_pass_takes_the_vendor_page() -> None:
    """The page's four deviations are two tolerated shapes and two values known off the page (what the spec
    declares, written out here): the narrow pass takes the page and reports them as the full parser does."""
    page = load_example()
    check(w.ShowDesktopDetailResponse, page)
    wide, deviations = narrow(w.ShowDesktopDetailResponse, page)
    assert wide is not None
    assert sorted((d.pointer, d.quirk, d.known) for d in deviations) == [
        ("/desktop", "desktop-as-list", None), ("/desktop/0/addresses", "addresses-as-list", None),
        ("/desktop/0/data_volumes/0/type", None, "captures"), ("/desktop/0/task_status", None, "captures")]
    parsed = w.ShowDesktopDetailResponse.from_dict(page, tolerant=True)
    with full_path_only(w.ShowDesktopDetailResponse):
        full = w.ShowDesktopDetailResponse.from_dict(page, tolerant=True)
    assert parsed.to_dict() == page and parsed.deviations == full.deviations


def test_a_str_subclass_equal_to_a_known_value_is_left_to_the_full_parser() -> None:
    """A look-up finds ``S("")`` as it finds ``""``; the full parser types a known value only when it is a
    ``str`` (from decoded JSON it always is), and says what else it is."""

    class Text(str):
        pass

    page = load_example()
    page["desktop"][0]["task_status"] = Text("")
    check(w.ShowDesktopDetailResponse, page)
    assert narrow(w.ShowDesktopDetailResponse, page)[0] is None


PAGE_PATHS = list(paths(load_example()))[1:]


@given(st.sampled_from(PAGE_PATHS), JSON | st.sampled_from([*ODD_VALUES, "updating", "OFFLINE", "SHARED", "SSD"]),
       st.booleans())
@example(("desktop", 0, "task_status"), "updating", False)
@example(("desktop", 0, "data_volumes", 0, "type"), "SSD", False)
@example(("desktop", 0, "root_volume", "type"), "NVME", False)  # a stray enum value: the full parser's
@example(("desktop", 0, "addresses"), {"net": []}, False)
@example(("desktop",), [], False)
def test_the_vendor_page_with_one_value_changed_agrees(at: tuple[Any, ...], value: Any, add: bool) -> None:
    """The page's example, its quirks kept, with one place replaced (or a key added beside it)."""
    check(w.ShowDesktopDetailResponse, one_value_changed(at, value, add, load_example()))


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
