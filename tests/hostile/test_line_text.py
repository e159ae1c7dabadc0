"""Lines whose text is JSON only in part: a second value or trailing text after a body, and lines of
whitespace that JSON does not count as whitespace. Each is reported unreadable where the standard library's
decoder stops (the oracle here), whatever was judged before it, and with --jobs 1 and 2 alike."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import documented_example, load_example
from tests.hostile.runner import validate

QUIRKY = json.dumps(load_example())  # refused by the documented structs, read by the observed ones
BROKEN = json.dumps({"desktop": [{"size": "x"}]})  # a violation
TRAILING = [f"{QUIRKY} {{}}", f"{QUIRKY}x", f"{BROKEN} []", json.dumps(documented_example()) + " 1"]
ODD_SPACE = ["\x0b", "\x0c", " \x0c "]  # str.isspace says blank; JSON does not


def stops_at(text: str) -> tuple[str, int]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.msg, exc.colno
    raise AssertionError(f"{text!r} is JSON")


def test_text_after_a_body_and_odd_whitespace_are_unreadable_where_the_decoder_stops(tmp_path: Path) -> None:
    # first with nothing judged yet, then after many refused bodies (the judge then skips the documented check)
    lines = [*TRAILING, *ODD_SPACE, " \t", *([BROKEN] * 40), *TRAILING, *ODD_SPACE, ""]
    path = tmp_path / "lines.jsonl"
    raw = "\n".join(lines).encode()
    path.write_bytes(raw)
    reports = [validate(str(path), "--jobs", jobs).json() for jobs in ("1", "2")]
    assert reports[0] == reports[1]
    by_line = {result["line"]: result for result in reports[0]["results"]}
    expected_lines = [number for number, text in enumerate(raw.split(b"\n"), start=1)
                      if text.strip(b" \t\r")]  # (counted from the bytes; JSON's own whitespace is blank)
    assert sorted(by_line) == expected_lines
    for number, text in enumerate(lines, start=1):
        if text in TRAILING or text in ODD_SPACE:
            message, column = stops_at(text)
            result = by_line[number]
            assert result["verdict"] == "unreadable", (number, result)
            assert [p["message"] for p in result["problems"]] == [
                f"not JSON ({message}) at line 1 column {column}"], (number, result)
