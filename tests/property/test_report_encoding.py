"""The JSON report's quick paths against their definitions: the standard library's ``json.dumps`` for the
text, the unconditional escape of every unsafe character for ``json_safe``, a text-mode copy for the spool."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.contract.jsontext import FAST_DUMPS
from generator.contract.report import JsonWriter, Summary, _dumps, encoded, json_safe, render_json
from generator.contract.results import Chunk

# What the report must not carry raw (its definition, written out here rather than imported).
UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# Any code point, lone surrogates, DEL, C0/C1 controls and separators included; and ASCII text with DEL or
# controls in it, which a uniform draw over all code points almost never makes.
TEXT = (st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
        | st.text(st.sampled_from('ab "\\/\x00\x1f\x7f\n'), max_size=12)
        | st.text(st.sampled_from("a\x7f\x80\x9f\u2028\u202e\ud800é"), max_size=8))


def escaped(text: str) -> str:
    return UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@given(TEXT)
def test_json_safe_escapes_exactly_the_unsafe_characters(text: str) -> None:
    encoded = json.dumps(text, ensure_ascii=False)
    assert json_safe(encoded) == escaped(encoded)
    assert json.loads(json_safe(encoded)) == text


SCALAR = st.none() | st.booleans() | st.integers() | TEXT
FINDING = st.fixed_dictionaries({"pointer": TEXT, "message": TEXT, "rule": st.none() | TEXT,
                                 "quirk": st.none() | TEXT, "quirk_rule": st.none() | TEXT,
                                 "known": st.none() | TEXT})


@st.composite
def results(draw: st.DrawFn) -> dict[str, Any]:
    """A result with its keys in the order the judge writes them (the renderer's quick path relies on it)."""
    out: dict[str, Any] = {"source": draw(TEXT), "line": draw(st.integers(1, 10**9)), "operation": draw(TEXT),
                           "contract": draw(st.sampled_from(["success", "error"])),
                           "verdict": draw(st.sampled_from(["conformant", "tolerated", "violation", "unreadable"]))}
    if draw(st.booleans()):
        out["reason"] = draw(TEXT)
        out["at"] = draw(st.dictionaries(TEXT, SCALAR, max_size=2))
    out["problems"] = draw(st.lists(FINDING, max_size=3))
    out["undocumented_fields"] = draw(st.lists(TEXT, max_size=3))
    out["off_page"] = draw(st.lists(FINDING, max_size=2))
    return out


@pytest.mark.parametrize("fast", [FAST_DUMPS, None], ids=["msgspec", "standard library"])
@given(result=results())
def test_render_json_is_json_dumps_made_safe(fast: Any, result: dict[str, Any]) -> None:
    assert render_json(result, fast) == escaped(json.dumps(result, ensure_ascii=False))  # type: ignore[arg-type]


def test_the_fast_encoder_is_there_to_test() -> None:
    """CI installs msgspec (the test extras): the next test would otherwise compare the fallback twice."""
    pytest.importorskip("msgspec")
    assert FAST_DUMPS is not None


@pytest.mark.parametrize("fast", [FAST_DUMPS, None], ids=["msgspec", "standard library"])
@given(result=results())
def test_each_encoder_writes_what_json_dumps_writes(fast: Any, result: dict[str, Any]) -> None:
    """Byte for byte, so a report is the same text whichever machine (or Dask worker) rendered it."""
    assert _dumps(result, fast) == json.dumps(result, ensure_ascii=False)  # type: ignore[arg-type]


def test_a_spooled_report_is_copied_to_a_file_byte_for_byte(tmp_path: Path) -> None:
    """Past the copy's 1 MiB blocks, with text in many scripts: the file holds what a text copy writes."""
    texts = [render_json({"source": f"caps/{i}.jsonl", "line": i, "operation": "op", "contract": "success",
                          "verdict": "violation", "problems": [{"pointer": f"/x/{i}", "message": "Größe ✓ 名前 "
                                                                * 20, "rule": "#", "quirk": None, "quirk_rule": None,
                                                                "known": None}],
                          "undocumented_fields": [], "off_page": []}) for i in range(3000)]
    summary = Summary()
    expected = io.StringIO()
    in_memory = JsonWriter(expected)
    path = tmp_path / "report.json"
    with path.open("w", encoding="utf-8") as handle:
        on_disk = JsonWriter(handle)
        for writer in (in_memory, on_disk):
            for text in texts:
                writer.add(_chunk(text))
            writer.close(summary)
    data = path.read_bytes()
    assert len(data) > 1 << 20  # more than one block of the copy
    assert data == expected.getvalue().encode("utf-8")
    assert len(json.loads(data)["results"]) == 3000


def _chunk(text: str) -> Chunk:
    return Chunk("caps", 1, Counter({"violation": 1}), Counter(), Counter(), text, Counter())


@given(st.lists(TEXT | st.text(st.sampled_from("ab\n"), max_size=6), max_size=12), st.sampled_from([",\n", "", "\n"]))
def test_a_chunks_texts_are_encoded_as_their_join_would_be(texts: list[str], joiner: str) -> None:
    """``encoded`` encodes texts one by one when any is not ASCII: the bytes are those of the texts joined
    whole, then encoded as the spools encode (a lone surrogate as a backslash escape)."""
    assert encoded(texts, joiner) == joiner.join(texts).encode("utf-8", "backslashreplace")
