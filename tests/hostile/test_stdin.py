"""Standard input: JSON Lines judged exactly as a .jsonl file with the same bytes; the first line never decides.

The rule (README): several lines that decode together as one JSON value are one document; otherwise JSON
Lines when some line is, on its own, a JSON object or array; otherwise one (broken) document. One line is
JSON Lines; nothing but whitespace is one empty body.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.contract import captures, stdin
from tests.conftest import documented_example, load_example
from tests.hostile.runner import all_formats, validate

GOOD = json.dumps(documented_example())
QUIRKY = json.dumps(load_example())
PRETTY = json.dumps(documented_example(), indent=2)

CASES = {
    "first line broken": f'{{"desktop": {{"sid": \n{GOOD}\n{QUIRKY}\n',
    "first two lines broken": f"not json\n[1, 2\n{GOOD}\n",
    "crlf and blank lines": f"\r\n{GOOD}\r\n\r\n  \r\n{QUIRKY}\r\n{{broken\r\n",
    "no final newline": f"{GOOD}\n{QUIRKY}",
    "nan and scalars": f'{GOOD}\n{{"desktop": NaN}}\n42\n"text"\n',
    "one line": GOOD,
    "bom": f"\ufeff{GOOD}\n{QUIRKY}\n",
}


def results(report: dict[str, Any], source: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "source"} for r in report["results"] if r["source"] == source]


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_stdin_as_json_lines_is_judged_as_the_jsonl_file_with_the_same_bytes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "same.jsonl"
    path.write_bytes(text.encode())
    run = validate(path, "-", stdin=text.encode())
    report = run.json()
    from_file, from_stdin = results(report, str(path)), results(report, "<stdin>")
    assert from_file and from_stdin == from_file
    counted = [n + 1 for n, line in enumerate(text.encode().split(b"\n")) if line.strip()]  # the raw bytes' lines
    assert [r["line"] for r in from_stdin] == counted


def test_stdin_ranges_are_read_by_worker_processes_too() -> None:
    text = CASES["first line broken"] * 3
    assert validate("--jobs", "2", "-", stdin=text.encode()).stdout == validate("-", stdin=text.encode()).stdout


def test_a_pretty_document_on_stdin_is_one_document_whole_or_broken() -> None:
    code, report, _, _ = all_formats("-", stdin=PRETTY.encode())
    assert code == 0 and [(r["verdict"], "line" in r) for r in report["results"]] == [("conformant", False)]
    cut = PRETTY[: len(PRETTY) // 2]
    run = validate("-", stdin=cut.encode())
    (result,) = run.json()["results"]
    assert run.code == 1 and result["verdict"] == "unreadable" and result["reason"].startswith("truncated JSON")
    assert result["at"]["line"] == cut.count("\n") + 1
    twice = f"{PRETTY}\n{PRETTY}\n"  # not JSON Lines (no line is a value on its own): one document, broken
    run = validate("-", stdin=twice.encode())
    (result,) = run.json()["results"]
    assert run.code == 1 and result["reason"] == "not JSON (Extra data)"
    assert result["at"] == {"line": PRETTY.count("\n") + 2, "column": 1}


def test_empty_and_closed_standard_input() -> None:
    run = validate("-", stdin=b" \n\t\n")
    assert run.code == 1 and [r["reason"] for r in run.json()["results"]] == ["empty body"]
    closed = validate("-", shell_prefix="<&-")
    assert closed.code == 2 and closed.stdout == b""
    assert closed.stderr.startswith("deskkit: standard input is closed")


# --- the rule itself, in process, against an independent reading of it ------------------------------------

def expected_form(data: bytes) -> str:
    """The README's rule, read naively (the whole input in memory, json.loads on everything)."""
    lines = [line for line in data.split(b"\n") if line.strip()]
    if not lines:
        return "empty"
    if len(lines) == 1:
        return "lines"

    def value(text: bytes) -> Any:
        try:
            return json.loads(text, parse_constant=lambda name: 1 / 0)
        except (ValueError, ZeroDivisionError, RecursionError):
            return None

    if value(data) is not None or data.strip() == b"null":
        return "document"
    return "lines" if any(isinstance(value(line), dict | list) for line in lines) else "document"


FRAGMENTS = [GOOD, QUIRKY, PRETTY, "", "  ", "{", "}", "[", "]", '"text"', "42", "null", "{}", "[1, 2]",
             '{"a": NaN}', "not json", '{"desktop": {"sid": ', "\r", "\ufeff{}"]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=8), st.booleans())
@example([PRETTY[:40], PRETTY[40:]], True)
@example(["{", '"a": [', "{}", "]}"], True)
@example(["[", "{}", "]"], False)
def test_the_form_of_stdin_follows_the_documented_rule(tmp_path_factory: pytest.TempPathFactory,
                                                       parts: list[str], final_newline: bool) -> None:
    data = ("\n".join(parts) + ("\n" if final_newline else "")).encode()
    folder = tmp_path_factory.mktemp("stdin")
    spooled = folder / "in"
    spooled.write_bytes(data)
    assert stdin.form(spooled, block=16) == stdin.form(spooled) == expected_form(data)
    as_file = folder / "same.jsonl"
    as_file.write_bytes(data)
    router = captures.Router([])
    units = list(captures.plan(["-"], router, captures.Skipped(), stdin=io.BytesIO(data), scratch=folder))
    if expected_form(data) == "lines":
        assert [u._replace(path="", source=None) for u in units] == [
            u._replace(path="") for u in captures.line_ranges(as_file)]
        assert all(isinstance(u, captures.LineRange) and u.source == "<stdin>" for u in units)
    else:
        body = b"" if expected_form(data) == "empty" else data
        assert units == [[captures.Capture("<stdin>", body)]]
