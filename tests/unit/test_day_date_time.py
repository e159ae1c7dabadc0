"""The one-pass date-time regex of the parsers (``DAY_DATE_TIME``) matches exactly what its composition
matches: the day-every-month-has prefix (``DAY``) and the date-time format's own pattern, each compiled as it
is. Strings drawn near the format (each position a digit or a likely wrong character, fractions, zones,
trailing newlines) and arbitrary text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.codegen.ir import FORMAT_PATTERNS
from generator.codegen.models import DAY, DAY_DATE_TIME

ONE_PASS = re.compile(DAY_DATE_TIME)
DAY_RE, FORMAT_RE = re.compile(DAY), re.compile(FORMAT_PATTERNS["date-time"])

near = st.sampled_from("0123456789-:TtZz+.x ٣\n")  # (an Arabic-Indic three: a Unicode digit, not [0-9])
date_times = st.builds(
    lambda y, mo, d, sep, h, mi, s, fraction, zone: f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}"
                                                    f"{fraction}{zone}",
    st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.sampled_from("Tt "), st.integers(0, 24),
    st.integers(0, 60), st.integers(0, 60), st.sampled_from(["", ".", ".5", ".123456", ".12x"]),
    st.sampled_from(["Z", "z", "+08:00", "-23:59", "+24:00", "+0800", "", "Z\n", "\n", "ZZ"]))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A date-time as drawn above, with one character replaced by a likely wrong one (or none)."""
    text = draw(date_times)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(near) + text[at + 1:]
    return text


@settings(max_examples=1000)
@given(st.one_of(mutated(), st.text(max_size=40)))
def test_the_one_pass_regex_matches_what_its_composition_matches(text: str) -> None:
    composed = DAY_RE.match(text) is not None and FORMAT_RE.search(text) is not None
    assert (ONE_PASS.match(text) is not None) == composed


def test_it_takes_and_refuses_what_each_part_does() -> None:
    assert ONE_PASS.match("2022-01-21T06:57:47.459Z") and ONE_PASS.match("0001-12-28t23:59:59+23:59")
    for text in ("0000-01-01T00:00:00Z", "2022-01-29T00:00:00Z", "2022-13-01T00:00:00Z",
                 "2022-01-21T24:00:00Z", "2022-01-21T06:57:47Z\n", "2022-01-21T06:57:47", "2022-01-21 06:57:47Z"):
        assert not ONE_PASS.match(text), text
