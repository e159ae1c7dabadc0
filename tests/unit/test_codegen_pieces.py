"""Decisions the generator makes in Python, checked without Jinja: annotations, inline checks, literals."""

from __future__ import annotations

import pytest

from generator.codegen.client import arg_type
from generator.codegen.ir import ArrayOf, EnumDef, EnumMember, Parameter, Scalar
from generator.codegen.models import _union, check_fails, py_type
from generator.codegen.pyfmt import pyrepr


def test_unions_keep_nested_members_whole_and_none_last() -> None:
    assert _union(["list[int | None] | None", "dict[str, int | None]", "Unset"]) == (
        "list[int | None] | dict[str, int | None] | Unset | None")
    assert _union(["A | str", "str", "Unset"]) == "A | str | Unset"


def test_nullable_and_const_annotations() -> None:
    assert py_type(Scalar("s", "#", "string", nullable=True)) == "str | None"
    assert py_type(Scalar("s", "#", "string", const=("cat",))) == 'Literal["cat"]'
    items = Scalar("i", "#", "integer", nullable=True)
    assert py_type(ArrayOf("a", "#", items, nullable=True)) == "list[int | None] | None"


@pytest.mark.parametrize(("scalar", "expected"), [
    (Scalar("s", "#", "number", exclusive_minimum=0, maximum=100),
     "not ((type(x) is int or type(x) is float) and x <= 100 and x > 0)"),
    (Scalar("s", "#", "integer", multiple_of=5), "not ((type(x) is int or (type(x) is float and x.is_integer())) "
                                                "and is_multiple(x, 5))"),
    (Scalar("s", "#", "string", const=("gauge",)), 'x != "gauge"'),
    (Scalar("s", "#", "integer", const=(2,)), "not json_equal(x, 2)"),
    (Scalar("s", "#", "string", format="uuid"), "not (type(x) is str and is_uuid(x))"),
])
def test_inline_checks(scalar: Scalar, expected: str) -> None:
    assert check_fails(scalar, "x") == expected


def test_parameter_annotations_never_take_a_bare_string_for_an_array() -> None:
    enum = EnumDef("Sort", "", (EnumMember("ASC", "ASC", ""), EnumMember("DESC", "DESC", "")), "#")
    sort = Parameter("sort", "sort", "query", False, "", Scalar("p", "#", "string", enum=enum), True)
    ids = Parameter("ids", "ids", "query", False, "", ArrayOf("a", "#", Scalar("i", "#", "string")), True)
    assert arg_type(sort) == 'Sort | Literal["ASC", "DESC"]'
    assert arg_type(ids) == "list[str] | tuple[str, ...]"


def test_tuples_print_as_tuples() -> None:
    assert pyrepr(("a",)) == '("a",)' and pyrepr((("a", 0), ("b", 1))) == '(("a", 0), ("b", 1))'
