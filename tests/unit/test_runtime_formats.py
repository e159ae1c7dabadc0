"""The runtime's format checks and JSON value helpers, each against an independent oracle.

The format checks must agree with jsonschema's FormatChecker (what the emitted JSON Schemas say), ``multipleOf``,
``const`` and ``uniqueItems`` with jsonschema's validator, the JSON-data walk with ``json.dumps`` and pointers
with ``jsonpointer``. Inputs are written here (seeds, then each seed edited a character at a time), never drawn
from the generated strategies, which share this runtime.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import jsonpointer
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from workspace_desktop import _runtime as rt

CHECKER = FormatChecker()


def edits(seed: str, alphabet: str) -> set[str]:
    """The seed with one character deleted, or one of ``alphabet`` put in or swapped in, at each position."""
    out = {seed}
    for i in range(len(seed) + 1):
        out.add(seed[:i] + seed[i + 1:])
        for c in alphabet:
            out.add(seed[:i] + c + seed[i:])
            out.add(seed[:i] + c + seed[i + 1:])
    return out


def agree(fmt: str, texts: set[str]) -> list[str]:
    check = rt.FORMATS[fmt]
    return sorted(t for t in texts if check(t) != CHECKER.conforms(t, fmt))


DATES = ["2024-02-29", "2023-02-29", "2023-02-28", "2024-01-31", "2024-04-31", "2024-04-30", "2024-12-31",
         "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-01", "0000-01-01", "0001-01-01", "9999-12-31",
         "2100-02-29", "2000-02-29", "0001-01-31", "0001-02-29", "2024-06-30", "2024-06-31", "2024-01-32",
         "2024-1-01", "20240101"]


@pytest.mark.parametrize("text", DATES)
def test_date_agrees_with_the_format_checker(text: str) -> None:
    assert agree("date", edits(text, "0139-x")) == []


@pytest.mark.parametrize("text", DATES)
@pytest.mark.parametrize("time", ["T00:00:00Z", "t23:59:59.5+05:30"])
def test_date_time_agrees_with_the_format_checker(text: str, time: str) -> None:
    # the time part is the site's syntax pattern's business: only the date part is edited here
    texts = {t + time for t in edits(text, "0129")}
    assert agree("date-time", texts) == []


@pytest.mark.parametrize(("text", "ok"), [
    ("2024-02-29T00:00:00Z", True), ("2023-02-29T00:00:00Z", False), ("2024-02-29t00:00:00Z", True),
    ("0000-01-01T00:00:00Z", False), ("0000-01-29T00:00:00Z", False), ("2024-13-01T00:00:00Z", False),
    ("2024-13-29T00:00:00Z", False), ("2024-00-29T00:00:00Z", False), ("2024-04-31T00:00:00Z", False),
    ("2024-01-28T00:00:00Z", True), ("2024-01-01T00:00:00Z", True), ("2024-01-00T00:00:00Z", False),
    ("2024-12-31T00:00:00Z", True), ("2024-02-29 00:00:00Z", False), ("x2024-02-29T00:00:00Z", False),
])
def test_date_time_examples(text: str, ok: bool) -> None:
    assert rt.is_date_time(text) is ok
    assert CHECKER.conforms(text, "date-time") is ok


UUIDS = ["123e4567-e89b-12d3-a456-426614174000", "{123e4567-e89b-12d3-a456-426614174000}",
         "urn:uuid:123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000",
         "123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3a-456-426614174000"]


@pytest.mark.parametrize("text", UUIDS)
def test_uuid_agrees_with_the_format_checker(text: str) -> None:
    assert agree("uuid", edits(text, "-0f{")) == []


def test_uuid_examples() -> None:
    assert rt.is_uuid("123e4567-e89b-12d3-a456-426614174000")
    assert not rt.is_uuid("123e4567e89b12d3a456426614174000")  # no hyphens: uuid.UUID takes it, the format not
    assert not rt.is_uuid("{123e4567-e89b-12d3-a456-426614174000}")  # hyphens shifted by the brace
    assert not rt.is_uuid("not a uuid")


IPV4 = ["0.0.0.0", "255.255.255.255", "192.168.1.1", "1.2.3", "01.2.3.4", "256.1.1.1", "1.2.3.4.5", "1..2.3"]
IPV6 = ["::", "::1", "1::", "1:2:3:4:5:6:7:8", "1::8", "fe80::1%eth0", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8:9",
        "1:::2", "gg::1", "fe80::1%1", "2001:db8::"]


@pytest.mark.parametrize("text", IPV4)
def test_ipv4_agrees_with_the_format_checker(text: str) -> None:
    assert agree("ipv4", edits(text, "0.9a")) == []


@pytest.mark.parametrize("text", IPV6)
def test_ipv6_agrees_with_the_format_checker(text: str) -> None:
    assert agree("ipv6", edits(text, ":0f%.")) == []


def test_ip_examples() -> None:
    assert rt.is_ipv4("10.0.0.1") and not rt.is_ipv4("10.0.0.256") and not rt.is_ipv4("::1")
    assert rt.is_ipv6("fe80::1") and not rt.is_ipv6("fe80::1%eth0") and not rt.is_ipv6("10.0.0.1")


@pytest.mark.parametrize("text", ["a@b", "@", "ab", "", "a@", "@b", "a b@c"])
def test_email_agrees_with_the_format_checker(text: str) -> None:
    assert rt.is_email(text) is CHECKER.conforms(text, "email") is ("@" in text)


URIS = [
    "http://example.com", "https://user:pw@example.com:8080/a/b?x=1&y=%20#frag", "mailto:a@b.c", "urn:isbn:123",
    "file:///etc/hosts", "http://[::1]:80/", "http://[1:2:3:4:5:6:7:8]/", "http://[1::8]/", "http://[::]/",
    "http://[1::]/", "http://[::ffff:1.2.3.4]/", "http://[1:2:3:4:5:6:1.2.3.4]/", "http://[1:2::7:8]/",
    "http://[1:2:3::8]/", "http://[1:2:3:4::8]/", "http://[1:2:3:4:5::8]/", "http://[1:2:3:4:5:6::8]/",
    "http://[1:2:3:4:5:6:7::]/", "http://[::2:3:4:5:6:7:8]/", "http://[1::4:5:6:7:8]/",
    "http://[v1.fe:x]/", "http://192.168.0.1:8080/p", "http://001.2.3.4/", "x:", "x:/", "x:/a//b", "x:a/b",
    "x+y-z.w:q", "http://h/p?q/?#f/?", "http://%41b@h", "http://h:/", "http://h/%zz", "1http://h",
    "http://h/a b", "http://h/\u00e9", "://h", "http://[::1", "http://h#a#b", "x:?", "x:#", "http:", "x:@:!$&'()*+,;=",
]


@pytest.mark.parametrize("text", URIS)
def test_uri_agrees_with_the_format_checker(text: str) -> None:
    assert agree("uri", edits(text, ":/[]%@?#.1a")) == []


@pytest.mark.parametrize("text", ["http://[::1]/\n", "http://h/\n"])
def test_uri_refuses_a_final_newline(text: str) -> None:
    assert not rt.is_uri(text)


def test_formats_table_names_each_check() -> None:
    checks = {"date-time": rt.is_date_time, "date": rt.is_date, "uuid": rt.is_uuid, "ipv4": rt.is_ipv4,
              "ipv6": rt.is_ipv6, "email": rt.is_email, "uri": rt.is_uri}
    assert checks == rt.FORMATS


# --- multipleOf, const, uniqueItems ------------------------------------------------------------------------------

NUMBERS: list[Any] = [0, 1, 2, 3, 4, 6, 7, 10, -4, 0.0, 0.3, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 1e308, -1e308, 4.5,
                      10 ** 30, 7.5, 10 ** 300]
STEPS: list[Any] = [1, 2, 3, 0.1, 0.5, 1.5, 2.0, 0.25, 1e-300]


@pytest.mark.parametrize("step", STEPS)
def test_is_multiple_agrees_with_jsonschema(step: Any) -> None:
    validator = Draft202012Validator({"multipleOf": step})
    wrong = [v for v in NUMBERS if rt.is_multiple(v, step) != validator.is_valid(v)]
    assert wrong == []


def test_is_multiple_examples() -> None:
    assert rt.is_multiple(6, 3) and not rt.is_multiple(7, 3)
    assert rt.is_multiple(7.5, 2.5) and not rt.is_multiple(0.3, 0.1)
    assert rt.is_multiple(4.0, 2) and not rt.is_multiple(4.5, 2)

@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("step", [2, 0.5])
def test_non_finite_numbers_are_multiples_of_nothing(value: float, step: Any) -> None:
    # data built in Python only (decode refuses them); int() and Fraction() raise on them
    assert rt.is_multiple(value, step) is False


def test_is_multiple_big_quotients() -> None:
    assert rt.is_multiple(1e308, 1e-300) is False  # the quotient overflows: exact fractions decide
    assert rt.is_multiple(10 ** 300, 1e-5) is True


JSON_VALUES: list[Any] = [None, True, False, 0, 1, 1.0, 1.5, -0.0, "1", "", [], [1], [1.0], [True], [1, 2], [2, 1],
                          {}, {"a": 1}, {"a": 1.0}, {"a": True}, {"a": 1, "b": 2}, {"b": 2, "a": 1}, [[1]],
                          [{"a": [1]}], [{"a": [1.0]}], "a", 2]


@pytest.mark.parametrize("left", JSON_VALUES)
def test_json_equal_agrees_with_const(left: Any) -> None:
    validator = Draft202012Validator({"const": left})
    wrong = [right for right in JSON_VALUES if rt.json_equal(right, left) != validator.is_valid(right)]
    assert wrong == []


@pytest.mark.parametrize("items", [[a, b] for a in JSON_VALUES for b in JSON_VALUES[::3]] + [[], [1], [1, 2, 1.0]])
def test_all_unique_agrees_with_unique_items(items: list[Any]) -> None:
    assert rt.all_unique(items) is Draft202012Validator({"uniqueItems": True}).is_valid(items)


def test_canonical_forms() -> None:
    assert rt.canonical(2.0) == ("n", 2) and type(rt.canonical(2.0)[1]) is int
    assert rt.canonical(2.5) == ("n", 2.5) and rt.canonical(3) == ("n", 3)
    assert rt.canonical(True) == ("bool", True) and rt.canonical(None) == ("NoneType", None)
    assert rt.canonical("x") == ("str", "x")
    assert rt.canonical([1, "a"]) == ("a", (("n", 1), ("str", "a")))
    assert rt.canonical({"k": 1.0}) == ("o", frozenset({("k", ("n", 1))}))
    assert rt.json_equal(True, True) and not rt.json_equal(True, 1) and not rt.json_equal(0, False)


# --- JSON types, JSON data, pointers ------------------------------------------------------------------------------

TYPED: list[tuple[Any, str]] = [(None, "null"), (True, "boolean"), (False, "boolean"), (0, "integer"),
                                (1.5, "number"), (1.0, "number"), ("", "string"), ([], "array"), ({}, "object")]


@pytest.mark.parametrize(("value", "name"), TYPED)
def test_json_type_names(value: Any, name: str) -> None:
    assert rt.json_type(value) == name


def test_json_type_of_other_python_values() -> None:
    assert rt.json_type((1,)) == "a Python tuple"
    assert rt.json_type(b"x") == "a Python bytes"
    assert rt.json_type({1}) == "a Python set"


TYPE_NAMES = ["null", "boolean", "integer", "number", "string", "array", "object"]
TYPE_VALUES: list[Any] = [None, True, False, 0, -3, 2.0, 2.5, -0.0, "s", "", [], [1], {}, {"a": 1}, 10 ** 20]


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_is_json_type_agrees_with_jsonschema(name: str) -> None:
    validator = Draft202012Validator({"type": name})
    assert [v for v in TYPE_VALUES if rt._is_json_type(v, name) != validator.is_valid(v)] == []


def test_is_json_type_refuses_python_types() -> None:
    assert not rt._is_json_type((1,), "array") and not rt._is_json_type(b"", "string")
    assert not rt._is_json_type(True, "integer") and not rt._is_json_type(False, "number")


def test_cut() -> None:
    assert rt._cut("a" * 60) == "a" * 60
    assert rt._cut("a" * 61) == "a" * 57 + "..."
    assert rt._cut("abcdef", 5) == "ab..."
    assert rt._cut("abcde", 5) == "abcde"


def test_shown() -> None:
    assert rt._shown("é\"") == '"é\\""'
    assert rt._shown(3) == "integer" and rt._shown(None) == "null" and rt._shown([1]) == "array"
    assert rt._shown("a" * 58) == '"' + "a" * 58 + '"'  # 60 characters with the quotes
    assert rt._shown("a" * 59) == '"' + "a" * 56 + "..."


def dumps_ok(value: Any) -> bool:
    """JSON data exactly: json.dumps writes it without NaN, and reading it back gives the same value (a tuple
    or an int key would come back as a list or a string key)."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return bool(json.loads(text) == value)


SELF: list[Any] = []
SELF.append(SELF)
LOOP: dict[str, Any] = {}
LOOP["me"] = LOOP
SHARED = [1]
DATA: list[Any] = [
    None, True, 0, 1.5, "x", [], {}, [1, "a", None, 2.5], {"a": {"b": [1]}}, math.nan, math.inf, -math.inf,
    [math.nan], {"a": math.inf}, {1: "a"}, {"a": {2: 3}}, (1, 2), [b"x"], {"s": {1, 2}}, SELF, LOOP,
    [SHARED, SHARED], {"a": SHARED, "b": SHARED}, [[[[]]]], {"~/": [1.0]}, [object()],
]


@pytest.mark.parametrize("value", DATA)
def test_is_json_agrees_with_json_dumps(value: Any) -> None:
    assert rt._is_json(value) is dumps_ok(value)
    assert (list(rt.not_json(value, "")) == []) is dumps_ok(value)


def test_is_json_of_data_too_deep() -> None:
    deep: list[Any] = []
    for _ in range(5_000):
        deep = [deep]
    assert rt._is_json(deep) is False
    assert list(rt.not_json(deep, "")) == []  # deep but JSON: not_json (no recursion) finds nothing wrong


def test_not_json_findings_name_pointer_and_reason() -> None:
    value = {"a/b": [1, math.nan], "c": {"~": math.inf, "d": -math.inf}, "e": (1,), 5: "x", "f": {b"k": 1},
             "g": SELF}
    found = list(rt.not_json(value, "/root"))
    assert found == [  # an object's keys when it is opened, then its values in order
        rt.Finding("/root", "a key that is not a string: 5 (JSON object keys are strings)", "#"),
        rt.Finding("/root/a~1b/1", "NaN is not a JSON number (RFC 8259 has no NaN or infinities)", "#"),
        rt.Finding("/root/c/~0", "Infinity is not a JSON number (RFC 8259 has no NaN or infinities)", "#"),
        rt.Finding("/root/c/d", "-Infinity is not a JSON number (RFC 8259 has no NaN or infinities)", "#"),
        rt.Finding("/root/e", "a Python tuple, which is not JSON data", "#"),
        rt.Finding("/root/f", "a key that is not a string: b'k' (JSON object keys are strings)", "#"),
        rt.Finding("/root/g/0", "a list inside itself (JSON data is a tree)", "#"),
    ]
    # the pointers resolve (RFC 6901, jsonpointer) to the offending values of the document
    doc = {"root": {k: v for k, v in value.items() if isinstance(k, str)}}
    assert math.isnan(jsonpointer.resolve_pointer(doc, found[1].pointer))
    assert jsonpointer.resolve_pointer(doc, found[2].pointer) == math.inf
    assert jsonpointer.resolve_pointer(doc, found[4].pointer) == (1,)


def test_not_json_of_loops_and_values_met_twice() -> None:
    # the walk goes on past a container inside itself
    assert list(rt.not_json([SELF, math.nan], "")) == [
        rt.Finding("/0/0", "a list inside itself (JSON data is a tree)", "#"),
        rt.Finding("/1", "NaN is not a JSON number (RFC 8259 has no NaN or infinities)", "#")]
    assert list(rt.not_json(LOOP, "")) == [rt.Finding("/me", "a dict inside itself (JSON data is a tree)", "#")]
    assert list(rt.not_json([SHARED, SHARED, {"x": SHARED}], "")) == []
    long_key = {("k" * 80,): 1}
    (finding,) = rt.not_json(long_key, "")
    assert finding.message == f"a key that is not a string: {repr(('k' * 80,))[:57]}... (JSON object keys are strings)"


@pytest.mark.parametrize("key", ["a", "", "a/b", "m~n", "~1", "/~", "~0/", "é", "a b"])
def test_escape_against_jsonpointer(key: str) -> None:
    assert rt.escape(key) == jsonpointer.escape(key)
    doc = {key: 1}
    assert jsonpointer.resolve_pointer(doc, "/" + rt.escape(key)) == 1
    assert rt.quirk_rule(key) == "#/x-deskkit-quirks/" + jsonpointer.escape(key)


def test_escape_of_a_key_that_is_not_a_string() -> None:
    assert rt.escape(3) == "3" and rt.escape(None) == "None"


# --- the IPv6address forms (RFC 3986 §3.2.2) the URI grammar is built from ----------------------------------------

def is_h16(text: str) -> bool:
    return 1 <= len(text) <= 4 and all(c in "0123456789abcdefABCDEF" for c in text)


def is_dec_octets(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(1 <= len(p) <= 3 and p.isascii() and p.isdigit() and int(p) <= 255
                                   for p in parts)


def tail_of(text: str, count: int) -> bool:
    """``count`` h16 then ls32 (two h16, or a dotted IPv4 address), counted by splitting at colons."""
    parts = text.split(":")
    if is_dec_octets(parts[-1]):
        body = parts[:-1]
    else:
        body, last = parts[:-2], parts[-2:]
        if len(last) != 2 or not all(map(is_h16, last)):
            return False
    return len(body) == count and all(map(is_h16, body))


def form_holds(address: str, before: int | None, after: int) -> bool:
    """What ``_v6_form(before, after)`` should match, read off the ABNF: no "::" and ``after`` h16 then ls32; or
    at most ``before`` + 1 h16 (none at all when ``before`` < 0), "::", ``after`` h16 then ls32."""
    if before is None:
        return "::" not in address and tail_of(address, after)
    if "::" not in address:
        return False
    head, tail = address.split("::", 1)
    if before < 0:
        head_ok = head == ""
    else:
        groups = head.split(":")
        head_ok = head == "" or (len(groups) <= before + 1 and all(map(is_h16, groups)))
    return head_ok and tail_of(tail, after)


def addresses() -> list[str]:
    out = []
    for left in range(0, 9):
        for right in range(0, 9):
            for ls32 in ("7:8", "1.2.3.4", "01.2.3.255", "1.2.3.256", "x:8", ""):
                head = ":".join("abcd"[: 1 + i % 4] for i in range(left))
                tail = ":".join(["f"] * right + ([ls32] if ls32 else []))
                out.append(f"{head}::{tail}")
                out.append(":".join(filter(None, [head, tail])))
    # and text a regex quantifier could leak into, were one built wrong ("{0,-1}" is no quantifier: literal text)
    return [*out, "::", "1::", "::1", ":::", "1:::2", "12345::1", "::g:1:2", "a:{0,-1}b::f:f:f:f:f:7:8",
            "a:{0,-1}b::f:f:f:f:7:8"]


@pytest.mark.parametrize(("before", "after"), [(None, 6), (-1, 5), (0, 4), (1, 3), (2, 2), (3, 1), (4, 0), (None, 0)])
def test_v6_forms_match_what_the_abnf_says(before: int | None, after: int) -> None:
    form = re.compile(rt._v6_form(before, after))
    wrong = [a for a in addresses() if (form.fullmatch(a) is not None) != form_holds(a, before, after)]
    assert wrong == []


def test_v6_form_examples() -> None:
    assert re.fullmatch(rt._v6_form(None, 6), "1:2:3:4:5:6:7:8")
    assert re.fullmatch(rt._v6_form(-1, 5), "::2:3:4:5:6:1.2.3.4")
    assert not re.fullmatch(rt._v6_form(-1, 5), "1::2:3:4:5:6:1.2.3.4")
    assert re.fullmatch(rt._v6_form(0, 4), "1::3:4:5:6:7:8")
    assert re.fullmatch(rt._v6_form(4, 0), "1:2:3:4:5::7:8")
    assert not re.fullmatch(rt._v6_form(4, 0), "1:2:3:4:5:6::7:8")
