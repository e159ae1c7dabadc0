"""``from_json``'s msgspec step (generated ``_fast.py`` and ``_typed.py``) never changes a result: differential
tests against the path without it (decode, then ``from_dict``), with jsonschema as the independent oracle.

Where the step takes a text, the model it makes equals, field by field and type by type, what the usual
path makes; that path finds nothing to report, and the decoded text is valid against the documented schema.
Where it declines, ``from_json`` gives what the usual path gives: the same object or the same problems.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import workspace_desktop as w
from tests.conftest import documented_example, load_example
from tests.helpers import from_json_outcomes, typed_state, without_struct_step
from tests.property.test_fast_path import EXAMPLE_PATHS, JSON, ODD_VALUES, VALIDATORS, one_value_changed
from workspace_desktop import _typed
from workspace_desktop import models as M
from workspace_desktop import strategies as S

msgspec = pytest.importorskip("msgspec")

STRUCT_MODELS = sorted(name for name in M.SCHEMA if getattr(M, name).__dict__.get("_json") is not None)


def struct_step(model: type[Any], text: bytes) -> Any:
    """What the msgspec step alone makes of ``text`` (built on first use: called until it is built)."""
    step = model.__dict__["_json"]
    result = step(text)
    if model.__dict__["_json"] is not step:  # that call built it
        result = model.__dict__["_json"](text)
    return result


def check(model: type[Any], text: bytes) -> Any:
    taken = struct_step(model, text)
    expected = without_struct_step(model, lambda: from_json_outcomes(model, text))
    if taken is not None:
        assert expected[0] == ("parsed", (typed_state(taken), (), (), ()))
        assert VALIDATORS[model.__name__].is_valid(json.loads(text))
    assert from_json_outcomes(model, text) == expected
    return taken


@st.composite
def written(draw: st.DrawFn, value: Any) -> bytes:
    """``value`` as JSON text the ways captures write it (ASCII-escaped or not, compact or indented)."""
    return json.dumps(value, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2]))).encode()


@given(st.sampled_from(STRUCT_MODELS).flatmap(
    lambda name: st.tuples(st.just(name), S.valid(name).flatmap(lambda drawn: written(drawn.payload)))))
def test_valid_payloads_agree(case: tuple[str, bytes]) -> None:
    name, text = case
    check(getattr(M, name), text)


@given(st.sampled_from(STRUCT_MODELS).flatmap(
    lambda name: st.tuples(st.just(name), S.invalid(name).flatmap(lambda drawn: written(drawn.payload)))))
def test_invalid_payloads_agree(case: tuple[str, bytes]) -> None:
    name, text = case
    assert check(getattr(M, name), text) is None


@given(S.quirky().flatmap(lambda drawn: written(drawn.payload)))
def test_quirky_payloads_agree(text: bytes) -> None:
    assert check(w.ShowDesktopDetailResponse, text) is None


@given(st.sampled_from(EXAMPLE_PATHS), JSON | st.sampled_from(ODD_VALUES), st.booleans())
@example(("desktop", "root_volume", "size"), 90.0, False)
@example(("desktop", "root_volume", "size"), 2**70, False)
@example(("desktop", "created"), "2024-02-29T06:57:47Z", False)
def test_the_documented_example_with_one_value_changed_agrees(at: tuple[Any, ...], value: Any, add: bool) -> None:
    check(w.ShowDesktopDetailResponse, json.dumps(one_value_changed(at, value, add)).encode())


@pytest.mark.parametrize("text", [
    b'{"desktop": {"desktop_id": "a", "desktop_id": "b"}}',  # a duplicate key: the last one counts
    b'{"desktop": {"desktop_id": "\\ud800"}}',  # a lone surrogate: msgspec declines, the parsers read it
    b'\xef\xbb\xbf{"desktop": {}}',  # a byte order mark
    b'{"desktop": {"root_volume": {"size": 1e2}}}',
    b'{"desktop": {"root_volume": {"size": NaN}}}',
    b'{"desktop": {"status": null}}',
    b'{"desktop": {"addresses": {"a": []}}}',
    b'{"desktop": []}',
    b'{"desktop": {}} x',
])
def test_texts_at_the_edges_agree(text: bytes) -> None:
    check(w.ShowDesktopDetailResponse, text)


def test_the_struct_step_takes_the_documented_example() -> None:
    """Without this the tests above could pass with a step that always declines."""
    assert "ShowDesktopDetailResponse" in STRUCT_MODELS
    text = json.dumps(documented_example()).encode()
    taken = check(w.ShowDesktopDetailResponse, text)
    assert taken is not None and taken == w.ShowDesktopDetailResponse.from_dict(documented_example())
    assert check(w.ShowDesktopDetailResponse, json.dumps(load_example()).encode()) is None


def test_turned_off_there_is_no_struct(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKKIT_FAST_JSON", "0")
    _typed.struct_for.cache_clear()
    try:
        assert _typed.struct_for(w.ShowDesktopDetailResponse) is None
    finally:
        monkeypatch.delenv("DESKKIT_FAST_JSON")
        _typed.struct_for.cache_clear()
    assert _typed.struct_for(w.ShowDesktopDetailResponse) is not None
