"""The library's entry points on hostile input: typed errors with a position, never a bare ValueError or
TypeError; data JSON cannot hold is a problem with a pointer, not conformant."""

from __future__ import annotations

import copy
import json
import math
import sys
from typing import Any

import jsonpointer
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import workspace_desktop as w
from tests.conftest import documented_example
from tests.hostile.runner import at

Model = w.ShowDesktopDetailResponse
LITERALS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "9" * 5000]


@pytest.mark.parametrize("literal", LITERALS)
@pytest.mark.parametrize("as_bytes", [False, True])
def test_from_json_refuses_what_json_does_not_have_with_a_position(literal: str, as_bytes: bool) -> None:
    doc = documented_example()
    doc["desktop"]["x"] = "@@"
    text = json.dumps(doc, indent=1).replace('"@@"', literal)
    with pytest.raises(w.ContractError) as caught:
        Model.from_json(text.encode() if as_bytes else text)
    assert type(caught.value) is w.ContractError
    (problem,) = caught.value.problems
    where = at(text.encode(), literal.encode(), text.index('"x"'))
    assert problem.pointer == "" and problem.message.endswith(f"at line {where['line']} column {where['column']}")
    assert ("5000 digits" if len(literal) > 10 else literal) in problem.message


def test_to_json_takes_json_dumps_arguments() -> None:
    parsed = Model.from_dict(documented_example())
    data = parsed.to_dict()
    assert parsed.to_json() == json.dumps(data, ensure_ascii=False)
    assert parsed.to_json(ensure_ascii=True) == json.dumps(data, ensure_ascii=True)
    assert parsed.to_json(indent=2, sort_keys=True) == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_to_json_never_writes_nan_or_infinity(value: float) -> None:
    parsed = Model.from_dict(documented_example())
    parsed.desktop.computer_name = value  # type: ignore[assignment]
    with pytest.raises(w.ContractError) as caught:
        parsed.to_json()
    (problem,) = caught.value.problems
    assert problem.pointer == "/desktop/computer_name" and "not a JSON number" in problem.message
    assert "NaN" in parsed.to_json(allow_nan=True) or "Infinity" in parsed.to_json(allow_nan=True)


def test_to_json_names_what_json_cannot_hold() -> None:
    parsed = Model.from_dict(documented_example())
    loop: list[Any] = []
    loop.append(loop)
    for value, message in ((object(), "/desktop/sid: a Python object"), (loop, "/: a value inside itself"),
                           ({(1, 2): "x"}, "/desktop/sid: a key that is not a string: (1, 2)"),
                           ({"a": [{"b": loop}]}, "/: a value inside itself")):
        parsed.desktop.sid = value  # type: ignore[assignment]
        with pytest.raises(w.ContractError) as caught:
            parsed.to_json()
        assert message in str(caught.value)


@pytest.mark.parametrize("where", ["typed", "unknown"])
def test_to_json_names_an_integer_too_long_to_write(where: str) -> None:
    """An integer past Python's int-string limit (a ValueError from ``str`` itself, the oracle) can be parsed
    from Python data but not written as JSON text: a ContractError naming where, not a bare ValueError."""
    huge = 10 ** (sys.get_int_max_str_digits() + 10)
    with pytest.raises(ValueError, match="Exceeds the limit"):
        str(huge)
    data = {"desktops": [], "total_count": 3}
    if where == "typed":
        data["total_count"] = huge
    else:
        data["extra"] = {"n": [1, huge, 10 ** 700]}
    parsed = w.ListDesktopsDetailResponse.from_dict(data, tolerant=True)
    with pytest.raises(w.ContractError) as caught:
        parsed.to_json()
    [problem] = caught.value.problems
    assert jsonpointer.resolve_pointer(parsed.to_dict(), problem.pointer) == huge
    assert "past Python's int-string limit" in problem.message
    assert w.ListDesktopsDetailResponse.from_dict({"desktops": [], "total_count": 10 ** 700}).to_json()


@pytest.mark.parametrize(("data", "pointer"), [
    ({1: 2}, ""),
    ({"desktop": {**documented_example()["desktop"], 1: 2}}, "/desktop"),
    ({"desktop": {**documented_example()["desktop"], "addresses": {1: []}}}, "/desktop/addresses"),
    ({"desktop": {**documented_example()["desktop"], "metadata": {None: "x"}}}, "/desktop/metadata"),
    ({"desktop": {**documented_example()["desktop"], "x": {"y": [{True: 1}]}}}, "/desktop/x/y/0"),
])
def test_keys_that_are_not_strings_are_problems_with_a_pointer(data: dict[Any, Any], pointer: str) -> None:
    assert Model.judge(data).verdict == "violation"
    with pytest.raises(w.ContractError) as caught:
        Model.from_dict(data, tolerant=True)
    keyed = [p for p in caught.value.problems if "not a string" in p.message]
    assert [p.pointer for p in keyed] == [pointer]


def is_json(value: Any) -> bool:
    """The oracle: JSON text written and read back gives the same data (exact types, string keys)."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return same(json.loads(text), value)


def same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4), st.floats(),
                   st.tuples(st.integers()), st.binary(max_size=2), st.sets(st.integers(), max_size=1))
KEYS = st.one_of(st.text(max_size=4), st.text(max_size=4), st.text(max_size=4), st.integers(), st.none(),
                 st.booleans(), st.tuples(st.integers()))
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
                      max_leaves=8)


@given(VALUES)
@example({"a": [1, {2: "x"}]})
@example([math.nan])
def test_unknown_fields_are_accepted_exactly_when_they_are_json_data(value: Any) -> None:
    doc = documented_example()
    doc["desktop"]["extra"] = copy.deepcopy(value)
    ok = is_json(value)
    assert (Model.judge(doc).verdict == "conformant") == ok
    try:
        parsed = Model.from_dict(doc, tolerant=True)
    except w.ContractError as exc:
        assert not ok
        assert all(p.pointer.startswith("/desktop/extra") for p in exc.problems)
    else:
        assert ok and json.loads(parsed.to_json()) == json.loads(json.dumps(doc))
