"""Sites, the parse context and the findings it reports: exact messages, rules and JSON Pointers.

``Site.problem`` is the one interpreted check (request parameters): whether it finds a problem must agree with
jsonschema (with format checking) on the equivalent schema. The messages are the contract's wording, asserted
exactly; the pointers are resolved with ``jsonpointer`` against the document as given.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

import jsonpointer
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from workspace_desktop import _runtime as rt
from workspace_desktop._runtime import UNSET, Context, Finding, Known, Site, Tolerance


class Color(Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Many(Enum):
    A = "a"
    B = "b"
    C = "c"
    D = "d"
    E = "e"
    F = "f"
    G = "g"


def test_unset_is_one_falsy_value() -> None:
    assert rt.Unset() is UNSET and type(UNSET)() is UNSET
    assert not UNSET and bool(UNSET) is False
    assert repr(UNSET) == "UNSET" and UNSET is not None


def test_finding_text() -> None:
    assert str(Finding("", "m", "#")) == "/: m"
    assert str(Finding("/a/0", "m", "#")) == "/a/0: m"
    assert Finding("/p", "m", "r") == ("/p", "m", "r", None, None, None)


def test_known_messages() -> None:
    assert Known("sdk", "#/r").message == ("a field the page does not document, declared by the vendor outside the "
                                           "page (SDK, API definition)")
    assert Known("captures", "#/r").message == "a field the page does not document, seen in captured responses"
    assert Known("rumour", "#/r").message == "a field the page does not document, rumour"


@pytest.mark.parametrize(("count", "text"), [
    (0, "0 contract problems: "),
    (1, "1 contract problem: /p0: m0"),
    (2, "2 contract problems: /p0: m0; /p1: m1"),
    (5, "5 contract problems: /p0: m0; /p1: m1; /p2: m2; /p3: m3; /p4: m4"),
    (6, "6 contract problems: /p0: m0; /p1: m1; /p2: m2; /p3: m3; /p4: m4 (and 1 more)"),
    (7, "7 contract problems: /p0: m0; /p1: m1; /p2: m2; /p3: m3; /p4: m4 (and 2 more)"),
])
def test_contract_error_message(count: int, text: str) -> None:
    error = rt.ContractError(Finding(f"/p{i}", f"m{i}", "#") for i in range(count))
    assert str(error) == text
    assert len(error.problems) == count and isinstance(error.problems, tuple)
    assert isinstance(error, ValueError) and error.request_id is None


def test_members_and_the_expected_member_text() -> None:
    assert rt.members(Color) == {"red": Color.RED, "green": Color.GREEN, "blue": Color.BLUE}
    assert rt.members(Color, (("blue", "sdk"),)) == {"red": Color.RED, "green": Color.GREEN}
    assert rt._expected_member(Color) == "expected one of ['red', 'green', 'blue']"
    assert rt._expected_member(Color, (("blue", "sdk"),)) == "expected one of ['red', 'green']"
    six = tuple((v, "sdk") for v in ("g",))
    assert rt._expected_member(Many, six) == "expected one of ['a', 'b', 'c', 'd', 'e', 'f']"
    assert rt._expected_member(Many) == "expected a Many (one of 7 values)"


def test_site_members_and_levels() -> None:
    site = Site("string", "#/r", enum=Color, known_values=(("blue", "captures"),))
    assert site.members == {"red": Color.RED, "green": Color.GREEN}
    assert site.known_levels == {"blue": "captures"}
    assert Site("string", "#/r").members == {} and Site("string", "#/r").known_levels == {}


# --- Site.explain: exact wording -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("site", "value", "text"), [
    (Site("string", "#", enum=Color), "pink", "expected one of ['red', 'green', 'blue'], found \"pink\""),
    (Site("integer", "#", const=(3,)), 4, "expected 3, found integer"),
    (Site("string", "#", const=("é",)), "x", "expected \"é\", found \"x\""),
    (Site("object", "#", discriminator="kind", tags=(("a", 0), ("b", 1))), {}, "expected 'kind' to be one of "
                                                                                 "['a', 'b']"),
    (Site("string", "#", min_length=3), "ab", "expected at least 3 characters, found 2"),
    (Site("string", "#", min_length=2), "ab", "expected string, found \"ab\""),
    (Site("string", "#", max_length=1), "ab", "expected at most 1 characters, found 2"),
    (Site("string", "#", max_length=2), "ab", "expected string, found \"ab\""),
    (Site("string", "#", pattern=re.compile("^[0-9]+$")), "ab", "expected a string matching ^[0-9]+$, found \"ab\""),
    (Site("string", "#", pattern=re.compile("^[0-9]+$")), "12", "expected string, found \"12\""),
    (Site("string", "#", pattern=re.compile("^[0-9]+T"), format="date-time"), "ab",
     "expected a date-time string, found \"ab\""),
    (Site("string", "#", format="ipv4"), "1.2.3", "expected a ipv4 string, found \"1.2.3\""),
    (Site("string", "#", format="ipv4"), "1.2.3.4", "expected string, found \"1.2.3.4\""),
    (Site("integer", "#", format="ipv4"), 5, "expected integer, found integer"),
    (Site("integer", "#", minimum=3), 2, "expected at least 3, found 2"),
    (Site("integer", "#", minimum=3), 3, "expected integer, found integer"),
    (Site("integer", "#", maximum=3), 4, "expected at most 3, found 4"),
    (Site("integer", "#", maximum=3), 3, "expected integer, found integer"),
    (Site("number", "#", exclusive_minimum=3), 3, "expected more than 3, found 3"),
    (Site("number", "#", exclusive_minimum=3), 3.5, "expected number, found number"),
    (Site("number", "#", exclusive_maximum=3), 3, "expected less than 3, found 3"),
    (Site("number", "#", exclusive_maximum=3), 2.5, "expected number, found number"),
    (Site("number", "#", multiple_of=0.5), 1.25, "expected a multiple of 0.5, found 1.25"),
    (Site("number", "#", multiple_of=0.5), 1.5, "expected number, found number"),
    (Site("string", "#"), "a" * 70, "expected string, found \"" + "a" * 56 + "...")
])
def test_explain(site: Site, value: Any, text: str) -> None:
    assert site.explain(value) == text


# --- Site.problem: agrees with jsonschema, exact wording ------------------------------------------------------------

CASES: list[tuple[Site, dict[str, Any]]] = [
    (Site("string", "#", min_length=2, max_length=4), {"type": "string", "minLength": 2, "maxLength": 4}),
    (Site("string", "#", pattern=re.compile("b+")), {"type": "string", "pattern": "b+"}),
    (Site("string", "#", format="uuid"), {"type": "string", "format": "uuid"}),
    (Site("string", "#", format="date"), {"type": "string", "format": "date"}),
    (Site("string", "#", enum=Color), {"type": "string", "enum": ["red", "green", "blue"]}),
    (Site("integer", "#", const=(2,)), {"type": "integer", "const": 2}),
    (Site("integer", "#", minimum=1, maximum=5), {"type": "integer", "minimum": 1, "maximum": 5}),
    (Site("number", "#", exclusive_minimum=1, exclusive_maximum=5),
     {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 5}),
    (Site("number", "#", multiple_of=1.5), {"type": "number", "multipleOf": 1.5}),
    (Site("integer", "#", multiple_of=2), {"type": "integer", "multipleOf": 2}),
    (Site("boolean", "#"), {"type": "boolean"}),
    (Site("string", "#", nullable=True, min_length=1), {"type": ["string", "null"], "minLength": 1}),
    (Site("array", "#", items=Site("integer", "#/items", minimum=0), min_items=1, max_items=3, unique_items=True),
     {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1, "maxItems": 3,
      "uniqueItems": True}),
    (Site("array", "#", items=Site("string", "#/items")), {"type": "array", "items": {"type": "string"}}),
]
VALUES: list[Any] = [None, True, False, 0, 1, 2, 2.0, 3, 4.5, 5, 6, -1, 1.5, 3.0, "", "b", "ab", "abcd", "abcde",
                     "red", "pink", "2024-02-29", "2023-02-29", "123e4567-e89b-12d3-a456-426614174000", [], [1],
                     [1, 1], [1, 2, 3, 4], [0, 2, 3], [-1], ["a"], [1.0, 1], [True], {}]


@pytest.mark.parametrize(("site", "schema"), CASES)
def test_problem_agrees_with_jsonschema(site: Site, schema: dict[str, Any]) -> None:
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    wrong = [v for v in VALUES if (site.problem(v) is None) != validator.is_valid(v)]
    assert wrong == []


ARRAY = CASES[12][0]


@pytest.mark.parametrize(("site", "value", "text"), [
    (Site("string", "#"), None, "expected string, found null"),
    (Site("string", "#", nullable=True), None, None),
    (ARRAY, "x", "expected array, found string"),
    (ARRAY, (1,), "expected array, found a Python tuple"),
    (ARRAY, [], "expected at least 1 items, found 0"),
    (ARRAY, [1], None),
    (ARRAY, [1, 2, 3], None),
    (ARRAY, [1, 2, 3, 4], "expected at most 3 items, found 4"),
    (ARRAY, [1, 1.0], "expected unique items"),
    (ARRAY, [1, -1, -2], "item 1: expected at least 0, found -1"),
    (ARRAY, [1, "a"], "item 1: expected integer, found string"),
    (Site("array", "#", items=Site("integer", "#/items")), [True, 1], "item 0: expected integer, found boolean"),
    (Site("integer", "#"), True, "expected integer, found boolean"),
    (Site("integer", "#"), 2.0, None),
    (Site("integer", "#"), 2.5, "expected integer, found number"),
    (Site("number", "#"), "1", "expected number, found string"),
    (Site("string", "#", enum=Color), "pink", "expected one of ['red', 'green', 'blue'], found \"pink\""),
    (Site("string", "#", enum=Color), "red", None),
    (Site("integer", "#", const=(2,)), 2.0, None),
    (Site("integer", "#", const=(2,)), 3, "expected 2, found integer"),
    (Site("string", "#", min_length=2), "a", "expected at least 2 characters, found 1"),
    (Site("string", "#", format="ipv6"), "::1", None),
    (Site("string", "#", format="ipv6"), "1.2.3.4", "expected a ipv6 string, found \"1.2.3.4\""),
    (Site("integer", "#", minimum=1), 0, "expected at least 1, found 0"),
    (Site("integer", "#", minimum=1), 1, None),
    (Site("integer", "#", maximum=1), 1, None),
    (Site("number", "#", exclusive_minimum=1), 1, "expected more than 1, found 1"),
    (Site("number", "#", exclusive_maximum=1), 1, "expected less than 1, found 1"),
    (Site("number", "#", multiple_of=2), 3, "expected a multiple of 2, found 3"),
    (Site("boolean", "#"), False, None),
    (Site("boolean", "#"), 0, "expected boolean, found integer"),
    (Site("object", "#"), {"a": 1}, None),
])
def test_problem_wording(site: Site, value: Any, text: str | None) -> None:
    assert site.problem(value) == text


# --- the parse context -------------------------------------------------------------------------------------------

NULL_QUIRK = Site("string", "#/p", null_quirk="nulls")
ENUM_QUIRK = Site("string", "#/e", enum=Color, enum_quirk="colors/new")
KNOWN = Site("string", "#/k", enum=Color, known_values=(("blue", "sdk"),))
RELAXED = Site("integer", "#/n", maximum=10, relaxed=(("small", Site("integer", "#", maximum=5)),
                                                       ("big", Site("integer", "#", maximum=100))))


def test_bad_null() -> None:
    cx = Context()
    assert cx.bad(None, "/a", Site("string", "#/p", nullable=True)) is None
    assert cx.problems == [] and cx.deviations == []
    assert cx.bad(None, "/a", NULL_QUIRK) is None
    assert cx.deviations == [Finding("/a", "null where the contract has no null", "#/p", "nulls",
                                     "#/x-deskkit-quirks/nulls")]
    assert cx.bad(None, "/b", Site("string", "#/q")) is None
    assert cx.problems == [Finding("/b", "expected string, found null", "#/q")]


def test_bad_wrong_type() -> None:
    cx = Context()
    assert cx.bad(True, "/x", Site("integer", "#/i", null_quirk="nulls", enum_quirk="e")) is True
    assert cx.problems == [Finding("/x", "expected integer, found boolean", "#/i")] and cx.deviations == []


def test_bad_value_known_off_the_page() -> None:
    cx = Context()
    assert cx.bad("blue", "/c", KNOWN) is Color.BLUE
    assert cx.deviations == [Finding("/c", "expected one of ['red', 'green'], found \"blue\", a value not on the "
                                     "page, declared by the vendor outside the page (SDK, API definition)", "#/k",
                                     known="sdk")]
    assert cx.problems == []
    cx = Context()
    plain = Site("string", "#/k", known_values=(("zz", "gossip"),), min_length=3)
    assert cx.bad("zz", "/c", plain) == "zz"
    assert cx.deviations == [Finding("/c", "expected at least 3 characters, found 2, a value not on the page, "
                                     "gossip", "#/k", known="gossip")]
    cx.bad("pink", "/d", KNOWN)
    assert cx.problems == [Finding("/d", "expected one of ['red', 'green'], found \"pink\"", "#/k")]


def test_bad_enum_quirk() -> None:
    cx = Context()
    assert cx.bad("pink", "/e", ENUM_QUIRK) == "pink"
    assert cx.deviations == [Finding("/e", "expected one of ['red', 'green', 'blue'], found \"pink\"", "#/e",
                                     "colors/new", "#/x-deskkit-quirks/colors~1new")]
    assert cx.problems == []


def test_bad_relaxed_takes_the_first_wider_site_that_fits() -> None:
    cx = Context()
    assert cx.bad(50, "/n", RELAXED) == 50
    assert cx.bad(11, "/m", Site("integer", "#/n", maximum=10, relaxed=RELAXED.relaxed[:1])) == 11
    assert cx.deviations == [Finding("/n", "expected at most 10, found 50", "#/n", "big", "#/x-deskkit-quirks/big")]
    assert cx.problems == [Finding("/m", "expected at most 10, found 11", "#/n")]
    cx = Context()
    cx.bad(3, "/n", Site("integer", "#/n", minimum=4, relaxed=RELAXED.relaxed))
    assert [d.quirk for d in cx.deviations] == ["small"]


def test_mark_and_known_when_as_known() -> None:
    cx = Context()
    cx.problems.append(Finding("/old", "p", "#"))
    cx.deviations.append(Finding("/old", "d", "#"))
    cx.unknown.append("/old/u")
    cx.off_page.append(Finding("/old", "o", "#"))
    mark = cx.mark()
    assert mark == (1, 1, 1, 1)
    cx.deviations.append(Finding("/f/x", "dev", "#/x", "q", "#/x-deskkit-quirks/q"))
    cx.deviations.append(Finding("/f/y", "dev2", "#/y", known="captures"))
    assert cx.known("/f", Known("sdk", "#/f"), mark) is False
    assert cx.problems == [Finding("/old", "p", "#")]
    assert cx.deviations == [Finding("/old", "d", "#")]
    assert cx.off_page == [
        Finding("/old", "o", "#"),
        Finding("/f/x", "dev", "#/x", "q", "#/x-deskkit-quirks/q", known="sdk"),
        Finding("/f/y", "dev2", "#/y", known="captures"),
        Finding("/f", Known("sdk", "#/f").message, "#/f", known="sdk"),
    ]


@pytest.mark.parametrize(("first", "where"), [("/f", ""), ("/f/0", " at /f/0")])
def test_known_when_not_as_known(first: str, where: str) -> None:
    cx = Context()
    cx.problems.append(Finding("/old", "p", "#"))
    mark = cx.mark()
    cx.problems.append(Finding(first, "expected string, found integer", "#/x"))
    cx.problems.append(Finding("/f/1", "second", "#/x"))
    cx.deviations.append(Finding("/f/2", "d", "#/x"))
    cx.unknown.append("/f/3")
    cx.off_page.append(Finding("/f/4", "o", "#/x"))
    assert cx.known("/f", Known("captures", "#/f"), mark) is True
    assert cx.problems == [Finding("/old", "p", "#")]
    assert cx.deviations == [] and cx.unknown == []
    assert cx.off_page == [Finding("/f", f"a field the page does not document, not as known (expected string, "
                                         f"found integer{where}): kept untyped, as an undocumented field", "#/f",
                                   known="captures")]


def test_tolerated_count_unique_missing_key() -> None:
    cx = Context()
    site = Site("string", "#/t")
    cx.tolerated(Tolerance("one", "single-item-list", site, "a list of one", "#/p", "#/x-deskkit-quirks/one"), "/p")
    assert cx.deviations == [Finding("/p", "a list of one", "#/p", "one", "#/x-deskkit-quirks/one")]
    counted = Site("array", "#/a", items=site, min_items=2, max_items=3)
    for value in ([1, 2], [1, 2, 3]):
        cx.count(value, "/a", counted)
    assert cx.problems == []
    cx.count([1], "/a", counted)
    cx.count([1, 2, 3, 4], "/b", counted)
    cx.count([], "/c", Site("array", "#/a", items=site))
    cx.unique([1, 1.0], "/u", counted)
    cx.unique([1, True], "/v", counted)
    cx.missing("/m", site)
    cx.key(("k",), "/o")
    cx.key("x" * 70, "/q")
    assert cx.problems == [
        Finding("/a", "expected at least 2 items, found 1", "#/a"),
        Finding("/b", "expected at most 3 items, found 4", "#/a"),
        Finding("/u", "expected unique items, found duplicates", "#/a"),
        Finding("/m", "required property is missing", "#/t"),
        Finding("/o", "a key that is not a string: ('k',) (JSON object keys are strings)", "#"),
        Finding("/q", "a key that is not a string: '" + "x" * 56 + "... (JSON object keys are strings)", "#"),
    ]


def test_tag() -> None:
    site = Site("object", "#/u", discriminator="a/kind", tags=(("x", 0), ("y", 1)))
    cx = Context()
    doc = {"a/kind": "z" * 70}
    assert cx.tag(doc, "/v", site) is doc
    assert cx.tag({}, "/w", site) == {}
    assert cx.problems == [
        Finding("/v/a~1kind", "expected one of ['x', 'y'], found \"" + "z" * 56 + "...", "#/u"),
        Finding("/w/a~1kind", "required property is missing", "#/u"),
    ]
    assert jsonpointer.resolve_pointer({"v": doc}, cx.problems[0].pointer) == "z" * 70
    cx = Context()
    cx.tag({"": 5}, "", Site("object", "#/u", tags=(("x", 0),)))
    assert cx.problems == [Finding("/", "expected one of ['x'], found integer", "#/u")]


def test_forbidden_and_extra() -> None:
    cx = Context()
    data = {"a": 1, "b/c": 2, "~": 3}
    assert cx.forbidden(data, frozenset({"a"}), "/o", "#/o") == {"b/c": 2, "~": 3}
    assert cx.problems == [Finding("/o/b~1c", "property not allowed here", "#/o"),
                           Finding("/o/~0", "property not allowed here", "#/o")]
    doc = {"o": data}
    assert [jsonpointer.resolve_pointer(doc, p.pointer) for p in cx.problems] == [2, 3]
    cx = Context()
    extra = {"a": 1, "x/y": {"n": float("nan")}, 7: "seven", "ok": [1, "a"], "t": (1,), "s": "str"}
    assert cx.extra(extra, frozenset({"a"}), "/r") == {k: v for k, v in extra.items() if k != "a"}
    assert cx.unknown == ["/r/x~1y", "/r/ok", "/r/t", "/r/s"]
    assert cx.problems == [
        Finding("/r/x~1y/n", "NaN is not a JSON number (RFC 8259 has no NaN or infinities)", "#"),
        Finding("/r", "a key that is not a string: 7 (JSON object keys are strings)", "#"),
        Finding("/r/t", "a Python tuple, which is not JSON data", "#"),
    ]


def test_judgement_sorts_by_pointer() -> None:
    cx = Context()
    cx.problems.extend([Finding("/b", "2", "#"), Finding("/a", "1", "#")])
    cx.deviations.extend([Finding("/d", "2", "#"), Finding("/c", "1", "#")])
    cx.unknown.extend(["/z", "/y"])
    cx.off_page.extend([Finding("/f", "2", "#"), Finding("/e", "1", "#")])
    judgement = cx.judgement()
    assert judgement == rt.Judgement((Finding("/a", "1", "#"), Finding("/b", "2", "#")),
                                     (Finding("/c", "1", "#"), Finding("/d", "2", "#")), ("/y", "/z"),
                                     (Finding("/e", "1", "#"), Finding("/f", "2", "#")))
    assert judgement.verdict == "violation"


def test_verdicts() -> None:
    dev = (Finding("/d", "m", "#"),)
    assert rt.Judgement((), (), ()).verdict == "conformant"
    assert rt.Judgement((), (), ("/u",), dev).verdict == "conformant"
    assert rt.Judgement((), dev, ()).verdict == "tolerated"
    assert rt.Judgement(dev, dev, ()).verdict == "violation"
    assert rt.Judgement((), (), ()).off_page == ()


def test_refused() -> None:
    quirk = Finding("/a", "m", "#/a", "q", "#/x-deskkit-quirks/q")
    assert rt._refused(quirk) == quirk._replace(message="m (quirk q, refused in strict mode)")
    known = Finding("/a", "m", "#/a", known="sdk")
    assert rt._refused(known) == known._replace(message="m (known: sdk, refused in strict mode)")


class Result:
    deviations: tuple[Finding, ...] = ("untouched",)  # type: ignore[assignment]
    unknown_fields: tuple[str, ...] = ("untouched",)
    off_page: tuple[Finding, ...] = ("untouched",)  # type: ignore[assignment]


def filled() -> Context:
    cx = Context()
    cx.deviations.extend([Finding("/b", "dev b", "#", "q", "#/x-deskkit-quirks/q"), Finding("/a", "dev a", "#",
                                                                                            known="sdk")])
    cx.unknown.extend(["/u2", "/u1"])
    cx.off_page.extend([Finding("/o2", "o", "#"), Finding("/o1", "o", "#")])
    return cx


def test_finish_with_nothing_found_leaves_the_result() -> None:
    result = Result()
    assert Context().finish(result, False) is result  # type: ignore[type-var]
    assert result.deviations == ("untouched",)


@pytest.mark.parametrize("what", ["unknown", "off_page"])
def test_finish_with_only_unknown_or_off_page_fields(what: str) -> None:
    # finish sets only what was found: a parser's result reads () for the rest (its slots are left empty)
    cx = Context()
    getattr(cx, what).append("/u" if what == "unknown" else Finding("/o", "o", "#"))
    result = cx.finish(Result(), False)  # type: ignore[type-var]
    assert result.deviations == ("untouched",)
    assert result.unknown_fields == (("/u",) if what == "unknown" else ("untouched",))
    assert result.off_page == (("untouched",) if what == "unknown" else (Finding("/o", "o", "#"),))


def test_finish_leaves_a_parsed_models_empty_findings_reading_empty() -> None:
    import workspace_desktop as w

    cx = Context()
    cx.unknown.append("/u")
    result = cx.finish(w.Tag._parse({"key": "k"}, "", Context(), w.Tag._site), True)
    assert (result.deviations, result.unknown_fields, result.off_page) == ((), ("/u",), ())


def test_finish_tolerant_keeps_deviations_sorted() -> None:
    result = filled().finish(Result(), True)  # type: ignore[type-var]
    assert result.deviations == (Finding("/a", "dev a", "#", known="sdk"),
                                 Finding("/b", "dev b", "#", "q", "#/x-deskkit-quirks/q"))
    assert result.unknown_fields == ("/u1", "/u2")
    assert result.off_page == (Finding("/o1", "o", "#"), Finding("/o2", "o", "#"))


def test_finish_strict_refuses_deviations() -> None:
    cx = filled()
    cx.problems.append(Finding("/c", "bad", "#"))
    with pytest.raises(rt.ContractError) as caught:
        cx.finish(Result(), False)  # type: ignore[type-var]
    assert caught.value.problems == (
        Finding("/a", "dev a (known: sdk, refused in strict mode)", "#", known="sdk"),
        Finding("/b", "dev b (quirk q, refused in strict mode)", "#", "q", "#/x-deskkit-quirks/q"),
        Finding("/c", "bad", "#"),
    )
    with pytest.raises(rt.ContractError) as caught:
        filled().finish(Result(), False)  # type: ignore[type-var]
    assert [p.pointer for p in caught.value.problems] == ["/a", "/b"]


def test_finish_tolerant_still_raises_problems_only() -> None:
    cx = filled()
    cx.problems.extend([Finding("/z", "bad", "#"), Finding("/c", "bad", "#")])
    with pytest.raises(rt.ContractError) as caught:
        cx.finish(Result(), True)  # type: ignore[type-var]
    assert caught.value.problems == (Finding("/c", "bad", "#"), Finding("/z", "bad", "#"))


def same_place() -> list[Finding]:
    """Findings at one pointer, in the order found (not the order of their messages or quirks)."""
    return [Finding("/a", "z last found first", "#", "q", "#/x-deskkit-quirks/q"),
            Finding("/a", "a found second", "#", known="sdk"), Finding("/0", "x", "#")]


def test_findings_at_one_pointer_keep_the_order_found() -> None:
    cx = Context()
    cx.problems.extend(same_place())
    cx.deviations.extend(same_place())
    cx.off_page.extend(same_place())
    judgement = cx.judgement()
    expected = (same_place()[2], same_place()[0], same_place()[1])
    assert judgement.problems == judgement.deviations == judgement.off_page == expected
    cx = Context()
    cx.deviations.extend(same_place())
    cx.off_page.extend(same_place())
    result = cx.finish(Result(), True)  # type: ignore[type-var]
    assert result.deviations == result.off_page == expected
    cx = Context()
    cx.problems.extend(same_place())
    with pytest.raises(rt.ContractError) as caught:
        cx.finish(Result(), True)  # type: ignore[type-var]
    assert caught.value.problems == expected
