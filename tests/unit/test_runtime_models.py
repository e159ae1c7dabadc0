"""The runtime's Model entry points, parameters, operations and JSON decoding, on a small model written here.

The decoder's line and column are counted from the raw text here; what it accepts is checked against
``json.loads`` (which is the oracle for everything but NaN, infinities and overflowing numbers, which RFC 8259
does not have).
"""

from __future__ import annotations

import json
import math
import sys
from enum import Enum
from typing import Any, ClassVar

import pytest

from workspace_desktop import _runtime as rt
from workspace_desktop._runtime import Context, Finding, Operation, Parameter, Site

ROOT = Site("object", "#/Box", model="Box")


def parse_box(data: Any, pointer: str, cx: Context, site: Site) -> Any:
    """A hand-written parser: an object whose "n" must be an integer; "q" is a quirk, "deep" recurses."""
    if type(data) is not dict:
        cx.bad(data, pointer, site)
        return Box(data)
    if "deep" in data:
        return parse_box(data["deep"], pointer + "/deep", cx, site)
    if type(data.get("n")) is not int:
        cx.bad(data.get("n"), pointer + "/n", Site("integer", "#/Box/n"))
    if "q" in data:
        cx.deviations.append(Finding(pointer + "/q", "quirky", "#/Box/q", "q", "#/x-deskkit-quirks/q"))
    cx.extra(data, frozenset({"n", "q"}), pointer)
    return Box(data)


class Box(rt.Model):
    __slots__ = ("data", "deviations", "off_page", "unknown_fields")
    _site = ROOT

    def __init__(self, data: Any) -> None:
        self.data = data
        self.deviations, self.unknown_fields, self.off_page = (), (), ()

    def _to_dict(self) -> dict[str, Any]:
        return self.data  # type: ignore[no-any-return]


class Nest(rt.Model):
    """A model holding another, as a recursive schema's do: written back through ``dump``."""

    __slots__ = ("deviations", "inner", "off_page", "unknown_fields")

    def __init__(self, inner: Nest | None) -> None:
        self.inner = inner
        self.deviations, self.unknown_fields, self.off_page = (), (), ()

    def _to_dict(self) -> dict[str, Any]:
        return {} if self.inner is None else {"inner": rt.dump(self.inner)}


Box._parse = parse_box  # type: ignore[assignment]


def fast_box(data: Any) -> Box | None:
    if type(data) is dict and set(data) == {"n"} and type(data["n"]) is int:
        return Box({"fast": data})  # marked, to tell the fast pass's result from the full parser's
    if type(data) is list:
        raise RecursionError
    return None  # not sure: the full parser decides


class FastBox(Box):
    __slots__ = ()
    _fast: ClassVar[Any] = staticmethod(fast_box)
    _decode: ClassVar[Any] = staticmethod(lambda text: {"n": int(text)})


def test_from_dict_strict_and_tolerant() -> None:
    assert Box.from_dict({"n": 1}).data == {"n": 1}
    with pytest.raises(rt.ContractError) as caught:
        Box.from_dict({"n": "x"})
    assert caught.value.problems == (Finding("/n", "expected integer, found string", "#/Box/n"),)
    with pytest.raises(rt.ContractError) as caught:
        Box.from_dict({"n": 1, "q": 0})
    assert caught.value.problems == (Finding("/q", "quirky (quirk q, refused in strict mode)", "#/Box/q", "q",
                                             "#/x-deskkit-quirks/q"),)
    box = Box.from_dict({"n": 1, "q": 0, "z": 2}, tolerant=True)
    assert box.deviations == (Finding("/q", "quirky", "#/Box/q", "q", "#/x-deskkit-quirks/q"),)
    assert box.unknown_fields == ("/z",)


def test_from_dict_too_deep() -> None:
    data: dict[str, Any] = {"n": 1}
    for _ in range(sys.getrecursionlimit() + 100):
        data = {"deep": data}
    with pytest.raises(rt.ContractError) as caught:
        Box.from_dict(data)
    assert caught.value.problems == (Finding("", "nested too deeply to parse", "#/Box"),)
    assert Box.judge_fully(data) == rt.Judgement((Finding("", "nested too deeply to parse", "#/Box"),), (), (), ())
    assert Box.judge(data).problems == (Finding("", "nested too deeply to parse", "#/Box"),)


def test_the_fast_pass_answers_first() -> None:
    seen = {"n": 1}
    assert FastBox.from_dict(seen).data == {"fast": seen}
    assert FastBox.conforms(seen) is True
    assert FastBox.judge(seen) is rt._NOTHING_FOUND
    # None and RecursionError hand over to the full parser
    assert FastBox.conforms({"n": 1, "z": 0}) is False
    assert FastBox.conforms([1]) is False
    assert FastBox.from_dict({"n": 1, "z": 0}, tolerant=True).unknown_fields == ("/z",)
    with pytest.raises(rt.ContractError):
        FastBox.from_dict([1])
    assert FastBox.judge({"n": 1, "z": 0}) == rt.Judgement((), (), ("/z",), ())
    assert FastBox.judge([1]).problems == (Finding("", "expected object, found array", "#/Box"),)
    # without a fast pass, conforms() says "ask judge": nothing is known yet
    assert Box.conforms({"n": 1}) is False
    assert Box.judge({"n": 1}) == rt.Judgement((), (), (), ())
    assert Box.judge({"n": None}).verdict == "violation"


def test_from_json() -> None:
    assert Box.from_json('{"n": 5}').data == {"n": 5}
    assert Box.from_json(b'{"n": 5, "z": 1}', tolerant=True).unknown_fields == ("/z",)
    with pytest.raises(rt.ContractError) as caught:
        Box.from_json('{"n": 1, "q": 1}')
    assert "refused in strict mode" in caught.value.problems[0].message
    with pytest.raises(rt.ContractError) as caught:
        Box.from_json("{")
    assert caught.value.problems[0].message.startswith("not JSON: ")
    assert FastBox.from_json("7").data == {"fast": {"n": 7}}  # the model's own decoder, when it has one


def test_to_json() -> None:
    assert Box({"n": 1, "s": "é"}).to_json() == '{"n": 1, "s": "é"}'
    assert Box({"s": "é"}).to_json(ensure_ascii=True) == '{"s": "\\u00e9"}'
    assert Box({"b": 1, "a": 2}).to_json(sort_keys=True, indent=None) == '{"a": 2, "b": 1}'
    with pytest.raises(rt.ContractError) as caught:
        Box({"n": [1, math.inf]}).to_json()
    assert caught.value.problems == (
        Finding("/n/1", "Infinity is not a JSON number (RFC 8259 has no NaN or infinities)", "#"),)
    with pytest.raises(rt.ContractError) as caught:
        Box({"n": {1, 2}}).to_json()
    assert caught.value.problems == (Finding("/n", "a Python set, which is not JSON data", "#"),)
    assert Box({"n": math.nan}).to_json(allow_nan=True) == '{"n": NaN}'


def test_models_nested_past_the_stack_are_a_contract_error_when_written_back() -> None:
    """to_dict takes two frames a level: a chain of models deeper than the stack allows is a ContractError
    (as to_json says), never a RecursionError; a shallow one comes back as the nested data it stands for."""
    shallow, expected = Nest(None), {}
    for _ in range(10):
        shallow, expected = Nest(shallow), {"inner": expected}
    assert shallow.to_dict() == expected and json.loads(shallow.to_json()) == expected
    deep = Nest(None)
    for _ in range(sys.getrecursionlimit()):
        deep = Nest(deep)
    unwritable = (Finding("", "a value inside itself, or nested too deeply to write as JSON", "#"),)
    for write in (deep.to_dict, deep.to_json):
        with pytest.raises(rt.ContractError) as caught:
            write()
        assert caught.value.problems == unwritable


def test_to_json_of_data_inside_itself() -> None:
    loop: dict[str, Any] = {}
    loop["me"] = loop
    unwritable = (Finding("", "a value inside itself, or nested too deeply to write as JSON", "#"),)
    with pytest.raises(rt.ContractError) as caught:
        Box(loop).to_json()
    assert caught.value.problems == (Finding("/me", "a dict inside itself (JSON data is a tree)", "#"),)
    deep: list[Any] = []
    for _ in range(sys.getrecursionlimit() * 3):
        deep = [deep]
    with pytest.raises(rt.ContractError) as caught:
        Box(deep).to_json()
    assert caught.value.problems == unwritable

    class Recursive(Box):
        __slots__ = ()

        def _to_dict(self) -> dict[str, Any]:
            return self._to_dict()

    with pytest.raises(rt.ContractError) as caught:
        Recursive({}).to_json()
    assert caught.value.problems == unwritable


def test_to_json_passes_other_errors_on() -> None:
    with pytest.raises(TypeError):
        Box({"n": 1}).to_json(bogus=1)


# --- dump, flatten -----------------------------------------------------------------------------------------------

class Color(Enum):
    RED = "red"


def test_dump_and_flatten() -> None:
    one, two = Box({"n": 1}), Box({"n": 2})
    assert rt.dump([one, {"c": Color.RED, "t": (Color.RED,)}, None]) == [{"n": 1}, {"c": "red", "t": (Color.RED,)},
                                                                         None]
    assert rt.dump(Color.RED) == "red" and rt.dump(one) == {"n": 1} and rt.dump(3) == 3
    assert rt.flatten([one, {"k": [two]}, 3, (one,)]) == [one, two]
    assert rt.flatten(one) == [one] and rt.flatten({"a": one, "b": two}) == [one, two] and rt.flatten("x") == []


# --- parameters --------------------------------------------------------------------------------------------------

class Kind(Enum):
    A = "a"
    B = "b"


INTS = Site("array", "#/p", items=Site("integer", "#/p/items"))
QUERY = Parameter("ids", "query", INTS, explode=True, py_name="id_list")
PATH = Parameter("ids", "path", INTS)
FORM = Parameter("ids", "query", INTS)
LIMIT = Parameter("limit", "query", Site("integer", "#/l", minimum=1), py_name="page_size")


@pytest.mark.parametrize(("parameter", "value", "texts", "wire"), [
    (QUERY, [1, 2], ["1", "2"], ["1", "2"]),
    (QUERY, (3,), ["3"], ["3"]),
    (QUERY, [2.0], ["2"], ["2"]),
    (PATH, [1, 2], ["1", "2"], ["1,2"]),
    (FORM, [1, 2], ["1", "2"], ["1,2"]),
    (Parameter("ids", "header", INTS, explode=True), [1, 2], ["1", "2"], ["1,2"]),
    (LIMIT, 5, ["5"], ["5"]),
    (LIMIT, 2.0, ["2"], ["2"]),
    (Parameter("f", "query", Site("boolean", "#/f")), True, ["true"], ["true"]),
    (Parameter("f", "query", Site("boolean", "#/f")), False, ["false"], ["false"]),
    (Parameter("x", "query", Site("number", "#/x")), 2.0, ["2.0"], ["2.0"]),
    (Parameter("x", "query", Site("number", "#/x")), 1, ["1"], ["1"]),
    (Parameter("k", "query", Site("string", "#/k", enum=Kind)), Kind.B, ["b"], ["b"]),
    (Parameter("k", "query", Site("array", "#/k", items=Site("string", "#/k/i", enum=Kind)), explode=True),
     [Kind.A, "b"], ["a", "b"], ["a", "b"]),
    (Parameter("b", "query", Site("array", "#/b", items=Site("boolean", "#/b/i"))), [True, False],
     ["true", "false"], ["true,false"]),
])
def test_parameter_texts_and_encoding(parameter: Parameter, value: Any, texts: list[str], wire: list[str]) -> None:
    assert parameter.texts(value) == texts
    assert parameter.encode(value) == wire


@pytest.mark.parametrize(("parameter", "value", "message"), [
    (LIMIT, 0, "page_size: expected at least 1, found 0"),
    (LIMIT, True, "page_size: expected integer, found boolean"),
    (LIMIT, None, "page_size: expected integer, found null"),
    (Parameter("limit", "query", Site("integer", "#/l")), "5", "limit: expected integer, found string"),
    (QUERY, [1, "2"], "id_list: item 1: expected integer, found string"),
    (QUERY, 1, "id_list: expected array, found integer"),
])
def test_parameter_refuses_values_before_sending(parameter: Parameter, value: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parameter.texts(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(("parameter", "texts", "value"), [
    (QUERY, ["1", "2"], [1, 2]),
    (QUERY, [], []),
    (PATH, ["1,2"], [1, 2]),
    (PATH, [""], []),
    (FORM, ["1,2", "3"], [1, 2, 3]),
    (Parameter("ids", "header", INTS, explode=True), ["1,2"], [1, 2]),
    (LIMIT, ["7"], 7),
    (Parameter("x", "query", Site("number", "#/x")), ["2.5"], 2.5),
    (Parameter("x", "query", Site("number", "#/x")), ["3"], 3.0),
    (Parameter("f", "query", Site("boolean", "#/f")), ["true"], True),
    (Parameter("f", "query", Site("boolean", "#/f")), ["false"], False),
    (Parameter("s", "query", Site("string", "#/s")), ["12"], "12"),
    (Parameter("s", "query", Site("string", "#/s", nullable=True)), ["true"], "true"),
])
def test_parameter_decode(parameter: Parameter, texts: list[str], value: Any) -> None:
    decoded = parameter.decode(texts)
    assert decoded == value and type(decoded) is type(value)
    if type(value) is list:
        assert [type(item) for item in decoded] == [type(item) for item in value]


@pytest.mark.parametrize(("parameter", "texts", "message"), [
    (LIMIT, [], "limit: expected one value, found 0"),
    (LIMIT, ["1", "2"], "limit: expected one value, found 2"),
    (LIMIT, ["x"], "limit: expected integer, found string"),
    (LIMIT, ["0"], "limit: expected at least 1, found 0"),
    (QUERY, ["1", "x"], "ids: item 1: expected integer, found string"),
    (QUERY, ["1,2"], "ids: item 0: expected integer, found string"),  # exploded: one value a key
    (QUERY, [""], "ids: item 0: expected integer, found string"),
    (Parameter("x", "query", Site("number", "#/x")), ["inf"], "x: expected number, found string"),
    (Parameter("x", "query", Site("number", "#/x")), ["nan"], "x: expected number, found string"),
    (Parameter("x", "query", Site("number", "#/x")), ["x"], "x: expected number, found string"),
    (Parameter("f", "query", Site("boolean", "#/f")), ["True"], "f: expected boolean, found string"),
    (Parameter("f", "query", Site("boolean", "#/f")), ["1"], "f: expected boolean, found string"),
])
def test_parameter_decode_refuses(parameter: Parameter, texts: list[str], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parameter.decode(texts)
    assert str(caught.value) == message


def test_parameter_defaults() -> None:
    parameter = Parameter("n", "query", Site("string", "#"))
    assert (parameter.required, parameter.explode, parameter.py_name) == (False, False, "")


# --- operations --------------------------------------------------------------------------------------------------

def op(*keys: str) -> Operation:
    return Operation("op", "GET", "/x", {key: (Box if key != "204" else None) for key in keys})


@pytest.mark.parametrize(("keys", "status", "key"), [
    (("200", "4XX", "default"), 200, "200"),
    (("200", "4XX", "default"), 404, "4XX"),
    (("200", "404", "4XX"), 404, "404"),
    (("200", "4XX", "default"), 500, "default"),
    (("200", "4XX", "default"), 201, None),  # default describes the errors when a 2xx is documented
    (("201", "default"), 200, None),
    (("4XX", "default"), 200, "default"),  # no 2xx documented: default answers for it
    (("4XX", "default"), 299, "default"),
    (("200", "default"), 300, "default"),
    (("200", "default"), 199, "default"),
    (("2XX",), 204, "2XX"),
    (("2XX", "default"), 204, "2XX"),
    (("200",), 500, None),
    (("204",), 204, "204"),
])
def test_operation_response_keys(keys: tuple[str, ...], status: int, key: str | None) -> None:
    operation = op(*keys)
    assert operation._key(status) == key
    assert operation.documents(status) is (key is not None)
    assert operation.model_for(status) is (None if key in (None, "204") else Box)


def test_operation_defaults() -> None:
    operation = op("200")
    assert (operation.parameters, operation.body, operation.body_required, operation.pagination) == ((), None, False,
                                                                                                     None)


# --- decode ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ['{"a": [1, 2.5, -0.0, 1e10, true, null, "x\\u00e9"]}', "[]", '"NaN"', "0",
                                  '{"NaN": "Infinity", "k": -1.5E-3}'])
def test_decode_agrees_with_json_loads(text: str) -> None:
    assert rt.decode(text) == json.loads(text)
    assert rt.decode(text.encode("utf-8")) == json.loads(text)
    assert rt.decode(text.encode("utf-16")) == json.loads(text)


@pytest.mark.parametrize("raw", [b'["\xed\xa0\x80"]', '["\ud800", "\udfff"]'.encode("utf-16-le", "surrogatepass"),
                                 b'{"\xed\xb0\x80": 1}'])
def test_decode_keeps_lone_surrogates_as_json_loads_does(raw: bytes) -> None:
    assert rt.decode(raw) == json.loads(raw)


def position(text: str, needle: str) -> tuple[int, int]:
    """Line and column (1-based, counted in characters) of the first ``needle`` outside a string... counted
    from the raw text."""
    start = text.index(needle)
    before = text[:start]
    return before.count("\n") + 1, start - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize(("text", "needle", "what"), [
    ('[NaN]', "NaN", "NaN is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ("NaN", "NaN", "NaN is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ("1e999", "1e999", "the number 1e999 is too large for a double (it reads as infinity)"),
    ("\n[\n  NaN]", "NaN", "NaN is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ("\n[-Infinity]", "-Infinity", "-Infinity is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ('{"NaN": "x",\n "b": Infinity}', "Infinity", "Infinity is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ('{"a\\"NaN": 1,\n\n  "b": [1, -Infinity]}', "-Infinity",
     "-Infinity is not a JSON value (RFC 8259 has no NaN or infinities)"),
    ('[1e5, 2.5,\n 1.5E400]', "1.5E400", "the number 1.5E400 is too large for a double (it reads as infinity)"),
    ('[1e5,\n -1e309]', "-1e309", "the number -1e309 is too large for a double (it reads as infinity)"),
    ('[1' + "0" * 400 + ', 1' + "0" * 400 + '.5]', "1" + "0" * 400 + ".5",
     "the number 1" + "0" * 56 + "... is too large for a double (it reads as infinity)"),
    ('{"n":\n  ' + "9" * 5000 + "}", "9" * 5000, "an integer of 5000 digits is more than the 4300 Python reads"),
    ('[' + "1" * 4300 + ",\n -" + "2" * 4301 + "]", "-" + "2" * 4301,
     "an integer of 4301 digits is more than the 4300 Python reads"),
])
def test_decode_names_the_refused_literal_and_where(text: str, needle: str, what: str) -> None:
    if "Python reads" in what:
        assert sys.get_int_max_str_digits() == 4300
    line, column = position(text, needle)
    with pytest.raises(rt.ContractError) as caught:
        rt.decode(text)
    assert caught.value.problems == (Finding("", f"not JSON: {what} at line {line} column {column}", "#"),)


@pytest.mark.parametrize(("text", "message"), [
    ("", "not JSON: Expecting value at line 1 column 1"),
    ('{"a": 1,\n  }', "not JSON: Expecting property name enclosed in double quotes at line 2 column 3"),
    ("[1] x", "not JSON: Extra data at line 1 column 5"),
    ('{"a": "cut', "not JSON: Unterminated string starting at line 1 column 7"),  # (json says "starting at")
    (b'["\xff"]', "not UTF-8 text: invalid start byte at byte 2"),
    (b'["\xc3', "not UTF-8 text: unexpected end of data at byte 2"),
    (b'["a", "\xc3"]', "not UTF-8 text: invalid continuation byte at byte 7"),
    ("[" * 100_000, "JSON nested too deeply to decode"),
    ("\ufeff[1]", "not JSON: text that starts with a byte-order mark (U+FEFF; decode the bytes with utf-8-sig, or "
     "pass them as they are) at line 1 column 1"),
])
def test_decode_errors(text: str | bytes, message: str) -> None:
    with pytest.raises(rt.ContractError) as caught:
        rt.decode(text)
    assert caught.value.problems == (Finding("", message, "#"),)


@pytest.mark.parametrize("text", ["\ufeff[1]", "\ufeff[1]".encode(), "\ufeff[1]".encode("utf-16")])
def test_a_byte_order_mark_is_refused_where_json_loads_refuses_it(text: str | bytes) -> None:
    """json.loads is the oracle: a str starting with U+FEFF is refused, bytes with a BOM are read."""
    try:
        expected: object = json.loads(text)
    except ValueError:
        with pytest.raises(rt.ContractError):
            rt.decode(text)
        return
    assert rt.decode(text) == expected


def test_refused_literal_without_one_names_the_error() -> None:
    assert rt._refused_literal("[1, \"NaN\"]", ValueError("odd")) == "not JSON: ValueError: odd"
    assert rt._refused_literal("[1e400]", ValueError("x" * 70)) == "not JSON: ValueError: " + "x" * 57 + "..."
    # an exponent that overflows is named only when the decoder refused a non-finite number
    assert rt._refused_literal("[1e400]", rt._NonFinite("1e400")).startswith("not JSON: the number 1e400 is")


def test_decode_hooks_refuse_non_finite_numbers() -> None:
    with pytest.raises(rt._NonFinite, match=r"^NaN$"):
        rt._reject_constant("NaN")
    with pytest.raises(rt._NonFinite, match=r"^-1e999$"):
        rt._finite_float("-1e999")
    assert rt._finite_float("1.5") == 1.5
    assert isinstance(rt._NonFinite("x"), ValueError)


def test_a_narrow_pass_tape_makes_sorted_findings_once_per_tape_and_memory_stays_flat(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``deviations_of``: the findings of a tape, sorted by pointer (stably: two at one pointer keep their
    order); one tuple for every tape alike, another for a tape that differs in a pointer or in what was found;
    at most ``_MADE_AT_MOST`` tapes kept, none longer than ``TAPE_KEPT_AT_MOST``."""
    monkeypatch.setattr(rt, "_MADE", {})
    # (the known value's message sorts before the shape's: a sort of whole findings would swap them at "/a")
    shape = ("a one-item array", "#/S/a", "q", "#/x-deskkit-quirks/q", None)
    known = ("a known value", "#/S/b", None, None, "sdk")
    tape = [("/b", known), ("/a/0/b", known), ("/a", shape), ("/a", known)]
    made = rt.deviations_of(list(tape))
    assert made == (Finding("/a", *shape), Finding("/a", *known), Finding("/a/0/b", *known), Finding("/b", *known))
    assert all(type(finding) is Finding for finding in made)
    assert rt.deviations_of(list(tape)) is made  # a tape alike: the same findings
    moved = rt.deviations_of([("/c", known), *tape[1:]])
    assert moved[-1] == Finding("/c", *known) and moved is not made
    other = rt.deviations_of([("/b", shape), *tape[1:]])
    assert Finding("/b", *shape) in other and Finding("/b", *known) not in other
    for index in range(rt._MADE_AT_MOST + 10):
        rt.deviations_of([(f"/{index}", known)])
    assert len(rt._MADE) <= rt._MADE_AT_MOST
    rt._MADE.clear()
    long = [(f"/{index}", known) for index in range(rt.TAPE_KEPT_AT_MOST + 1)]  # a long list's: made each time
    assert [f.pointer for f in rt.deviations_of(long)] == sorted(f"/{index}" for index in range(len(long)))
    assert not rt._MADE
