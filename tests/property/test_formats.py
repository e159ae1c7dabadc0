"""The generated parser checks each ``format`` exactly as the emitted JSON Schemas say, as jsonschema's format
checker reads them: strict and tolerant parsing accept a string exactly when the schema accepts it.

The strings come from grammars written here (not from the generated strategies, which share the parser's
runtime): dates and times built from out-of-range fields (February 30, 23:59:60, month 13, year 0),
addresses with leading zeros and zone ids, URIs with bad escapes, each also mutated a character at a time.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.provisional import urls
from jsonschema import Draft202012Validator

FIELDS = {"seen": "date-time", "born": "date", "id": "uuid", "v4": "ipv4", "v6": "ipv6", "owner": "email",
          "home": "uri"}


def two(n: int) -> str:
    return f"{n:02d}"


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    year = draw(st.integers(0, 9999))
    month = draw(st.integers(0, 13))
    day = draw(st.sampled_from([0, 1, 28, 29, 30, 31, 32]) | st.integers(1, 31))
    return f"{year:04d}-{two(month)}-{two(day)}"


@st.composite
def date_time_texts(draw: st.DrawFn) -> str:
    hour = draw(st.integers(0, 24))
    minute = draw(st.sampled_from([0, 59, 60]) | st.integers(0, 59))
    second = draw(st.sampled_from([0, 59, 60, 61]) | st.integers(0, 59))
    fraction = draw(st.sampled_from(["", ".5", ".123456", "."]))
    zone = draw(st.sampled_from(["Z", "z", "+00:00", "-05:30", "+24:00", "+08:60", "", "+0800"]))
    sep = draw(st.sampled_from(["T", "t", " "]))
    return f"{draw(date_texts())}{sep}{two(hour)}:{two(minute)}:{two(second)}{fraction}{zone}"


@st.composite
def ipv4_texts(draw: st.DrawFn) -> str:
    octets = draw(st.lists(st.integers(0, 300), min_size=3, max_size=5))
    return ".".join(draw(st.sampled_from(["{}", "0{}", "{:03d}"])).format(o) for o in octets)


ipv6_texts = st.one_of(
    st.ip_addresses(v=6).map(str),
    st.ip_addresses(v=6).map(lambda a: a.exploded),
    st.tuples(st.ip_addresses(v=6).map(str), st.sampled_from(["%eth0", "%1", "::", ":1", ":::"])).map("".join),
    st.ip_addresses(v=4).map(lambda a: f"::ffff:{a}"),
)
uuid_texts = st.uuids().flatmap(lambda u: st.sampled_from(
    [str(u), str(u).upper(), u.hex, "{" + str(u) + "}", "urn:uuid:" + str(u), str(u)[:-1], str(u) + "0"]))
email_texts = st.one_of(st.emails(), st.text(max_size=12))
uri_texts = st.one_of(urls(), st.sampled_from(["http://[::1]/x", "http://[v1.fe]/", "mailto:a@b", "urn:isbn:0",
                                               "http://01.2.3.4/", "//no-scheme", "a:b c", "http://x/%zz",
                                               "http://x/%4", "http://[1::2::3]/", "1http://x", ""]))
TEXTS: dict[str, st.SearchStrategy[str]] = {
    "date-time": date_time_texts(), "date": date_texts(), "uuid": uuid_texts, "ipv4": ipv4_texts(),
    "ipv6": ipv6_texts, "email": email_texts, "uri": uri_texts,
}


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A string from ``base``, sometimes with one character inserted, replaced or deleted."""
    text = draw(base)
    how = draw(st.sampled_from(["keep", "keep", "insert", "replace", "delete", "newline"]))
    if how == "newline":
        return text + "\n"
    if how == "keep" or (how != "insert" and not text):
        return text
    at = draw(st.integers(0, len(text) - (0 if how == "insert" else 1)))
    char = draw(st.sampled_from(list("0123456789:-.TtZz+/%@[] ٣\x00é")))
    if how == "insert":
        return text[:at] + char + text[at:]
    return text[:at] + (char if how == "replace" else "") + text[at + 1:]


@pytest.fixture(scope="module")
def host(corpus: Path) -> tuple[Any, Draft202012Validator, Draft202012Validator]:
    module = importlib.import_module("corpus_formats")
    folder = corpus / "corpus_formats" / "schemas"
    checker = Draft202012Validator.FORMAT_CHECKER
    assert set(FIELDS.values()) <= set(checker.checkers), "install the test extras (format checkers)"
    schemas = [Draft202012Validator({**json.loads((folder / f"{kind}.schema.json").read_text()),
                                     "$ref": "#/$defs/Host"}, format_checker=checker)
               for kind in ("documented", "observed")]
    return module.Host, schemas[0], schemas[1]


def parses(model: Any, data: Any, tolerant: bool) -> bool:
    try:
        model.from_dict(data, tolerant=tolerant)
    except ValueError:
        return False
    return True


@given(st.sampled_from(sorted(FIELDS)).flatmap(lambda f: st.tuples(st.just(f), mutated(TEXTS[FIELDS[f]]))))
@example(("seen", "2022-02-30T00:00:00Z"))
@example(("seen", "2016-12-31T23:59:60Z"))
@example(("seen", "2024-02-29T23:59:59z"))
@example(("seen", "2023-02-29T00:00:00Z"))
@example(("seen", "0000-01-01T00:00:00Z"))
@example(("seen", "2022-01-01T00:00:00Z\n"))
@example(("born", "2024-02-29"))
@example(("born", "2022-02-30"))
@example(("v4", "01.2.3.4"))
@example(("v6", "fe80::1%eth0"))
@example(("home", "http://x\n"))
@example(("owner", "@x"))
def test_parser_and_format_checker_agree(host: tuple[Any, Draft202012Validator, Draft202012Validator],
                                         case: tuple[str, str]) -> None:
    model, documented, observed = host
    field, text = case
    data = {field: text}
    expected = documented.is_valid(data)
    assert observed.is_valid(data) == expected
    assert parses(model, data, tolerant=False) == expected, (field, text)
    assert parses(model, data, tolerant=True) == expected, (field, text)
