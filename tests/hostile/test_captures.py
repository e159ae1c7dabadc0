"""Hostile captures through the real CLI: each gets its verdict, none takes another down, every report parses.

Positions are checked against counts made here from the raw bytes; pointers against the place the hostile
value was planted.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import documented_example, load_example
from tests.hostile.runner import URL, all_formats, at, har, har_entry, validate

GOOD = json.dumps(documented_example()).encode()
CONTROL_KEY = "net\u0001\u001b[31m\u202e\u0085"  # C0, an ANSI colour, a bidi override, a C1 control
OSC_KEY = "\u001b]0;owned\u0007"  # sets a terminal's title when written raw


def planted(literal: str, *, indent: int | None = 2) -> bytes:
    """The documented example with ``literal`` (raw JSON text) as the value of an undocumented field."""
    doc = documented_example()
    doc["desktop"]["planted"] = "@@"
    return json.dumps(doc, indent=indent).replace('"@@"', literal).encode()


def by_source(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for result in report["results"]:
        out.setdefault(Path(result["source"]).name, []).append(result)
    return out


def test_one_hostile_capture_never_takes_down_another(tmp_path: Path) -> None:
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / "00-good.json").write_bytes(GOOD)
    big = planted("9" * 5000)
    (folder / "10-bigint.json").write_bytes(big)
    surrogates = GOOD[:-2] + rb', "\ud800": "\udfff", "lone": "x\ud800y"}}'
    (folder / "20-surrogates.json").write_bytes(surrogates)
    controls = documented_example()
    controls["desktop"]["addresses"] = {CONTROL_KEY: "not a list"}
    controls["desktop"][OSC_KEY] = 1
    (folder / "30-controls.json").write_text(json.dumps(controls))
    (folder / "40-ipv6.har").write_bytes(har([har_entry("http://[::1/v2/p/desktops/d", GOOD.decode()),
                                              har_entry(URL.format("d2"), GOOD.decode())]))
    odd_name = os.fsdecode(b"50-\x1b[31mred\xe9.json")  # an ANSI sequence and a byte that is not UTF-8
    (folder / odd_name).write_bytes(GOOD)
    (folder / "60-last.jsonl").write_bytes(GOOD + b"\n" + json.dumps(load_example()).encode() + b"\n")

    code, report, root, text = all_formats(folder)
    assert code == 1
    results = by_source(report)
    assert [Path(r["source"]).name for r in report["results"]] == [
        "00-good.json", "10-bigint.json", "20-surrogates.json", "30-controls.json", "40-ipv6.har", "40-ipv6.har",
        odd_name, "60-last.jsonl", "60-last.jsonl"]

    (bigint,) = results["10-bigint.json"]
    assert bigint["verdict"] == "unreadable" and "5000 digits" in bigint["reason"]
    assert bigint["at"] == at(big, b"9" * 5000)

    (lone,) = results["20-surrogates.json"]
    assert lone["verdict"] == "conformant"
    assert lone["undocumented_fields"] == ["/desktop/lone", "/desktop/\ud800"]
    assert "/desktop/\\ud800: undocumented field" in text

    (control,) = results["30-controls.json"]
    assert control["verdict"] == "violation"
    assert [p["pointer"] for p in control["problems"]] == [f"/desktop/addresses/{CONTROL_KEY}"]
    assert control["undocumented_fields"] == [f"/desktop/{OSC_KEY}"]
    shown = "/desktop/addresses/net\\x01\\x1b[31m\\u202e\\x85"
    assert shown in text and "/desktop/\\x1b]0;owned\\x07: undocumented field" in text
    failures = [f.text or "" for f in root.iter("failure")]
    assert any(shown in failure for failure in failures)

    first, second = results["40-ipv6.har"]
    assert (first["entry"], first["verdict"]) == (0, "unreadable") and "Invalid IPv6 URL" in first["reason"]
    assert (second["entry"], second["verdict"]) == (1, "conformant")

    (odd,) = results[odd_name]
    assert odd["verdict"] == "conformant" and os.fsencode(odd["source"]).endswith(b"50-\x1b[31mred\xe9.json")
    assert "50-\\x1b[31mred\\xe9.json" in text
    assert any(s.get("name", "").endswith("50-\\x1b[31mred\\xe9.json") for s in root.iter("testsuite"))

    assert [r["verdict"] for r in results["60-last.jsonl"]] == ["conformant", "tolerated"]
    assert report["summary"] | {"skipped_reasons": {}, "quirks": {}, "undocumented_fields": {}} == {
        "conformant": 5, "tolerated": 1, "violation": 1, "unreadable": 2, "skipped": 0, "skipped_reasons": {},
        "quirks": {}, "undocumented_fields": {}, "off_page": {
            "captures": {"/desktop/*/data_volumes/*/type": 1, "/desktop/*/task_status": 1}}}
    assert validate("--jobs", "2", folder).stdout == validate(folder).stdout


def test_the_same_hostile_file_named_directly(tmp_path: Path) -> None:
    """Named on the command line (argv bytes that are not UTF-8), not found in a folder."""
    name = tmp_path / os.fsdecode(b"caf\xe9\x01.json")
    name.write_bytes(planted("NaN"))
    good = tmp_path / "good.json"
    good.write_bytes(GOOD)
    code, report, _, text = all_formats(os.fsencode(name), good)
    assert code == 1 and [r["verdict"] for r in report["results"]] == ["unreadable", "conformant"]
    assert os.fsencode(report["results"][0]["source"]) == os.fsencode(name)
    assert "caf\\xe9\\x01.json" in text


LITERALS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "9" * 5000]


@pytest.mark.parametrize("literal", LITERALS, ids=["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "int5000"])
def test_not_json_numbers_are_unreadable_with_their_position_in_every_form(tmp_path: Path, literal: str) -> None:
    """NaN, infinities and numbers that overflow to one are not JSON (RFC 8259); an integer past Python's
    int-string limit cannot be read: in a .json, a .jsonl line, a HAR body as text and as base64, and on
    standard input, each is unreadable at the line and column where the literal starts."""
    pretty, compact = planted(literal), planted(literal, indent=None)
    document = tmp_path / "pretty.json"
    document.write_bytes(pretty)
    lines = tmp_path / "lines.jsonl"
    lines.write_bytes(GOOD + b"\n" + compact + b"\n" + GOOD + b"\n")
    capture = tmp_path / "session.har"
    capture.write_bytes(har([har_entry(URL.format("d1"), compact.decode()),
                             har_entry(URL.format("d2"), None, base64_text=base64.b64encode(pretty).decode()),
                             har_entry(URL.format("d3"), GOOD.decode())]))
    args = (document, lines, capture, "-")
    if literal == "NaN":
        code, report, _, _ = all_formats(*args, stdin=lines.read_bytes())
    else:
        run = validate(*args, stdin=lines.read_bytes())
        code, report = run.code, run.json()
    assert code == 1
    where = {"pretty": at(pretty, literal.encode(), pretty.index(b'"planted"')),
             "compact": at(compact, literal.encode(), compact.index(b'"planted"'))}
    expected = [("pretty.json", None, None, where["pretty"]), ("lines.jsonl", 1, None, None),
                ("lines.jsonl", 2, None, where["compact"]), ("lines.jsonl", 3, None, None),
                ("session.har", None, 0, where["compact"]), ("session.har", None, 1, where["pretty"]),
                ("session.har", None, 2, None), ("<stdin>", 1, None, None), ("<stdin>", 2, None, where["compact"]),
                ("<stdin>", 3, None, None)]
    got = [(Path(r["source"]).name, r.get("line"), r.get("entry"), r.get("at")) for r in report["results"]]
    assert got == expected
    for result in report["results"]:
        assert result["verdict"] == ("unreadable" if result.get("at") else "conformant")
        if result.get("at"):
            assert (literal in result["reason"]) if len(literal) < 10 else ("5000 digits" in result["reason"])


def test_a_har_file_holding_nan_outside_the_bodies_is_not_json(tmp_path: Path) -> None:
    raw = har([har_entry(URL.format("d1"), GOOD.decode())]).replace(b'"time": 1', b'"time": NaN')
    path = tmp_path / "nan.har"
    path.write_bytes(raw)
    good = tmp_path / "good.json"
    good.write_bytes(GOOD)
    code, report, _, _ = all_formats(path, good)
    assert code == 1
    first, second = report["results"]
    position = at(raw, b"NaN")
    where = f"at line {position['line']} column {position['column']}"
    assert first["verdict"] == "unreadable" and first["reason"].startswith("not a HAR file: not JSON (NaN")
    assert first["reason"].endswith(where) and second["verdict"] == "conformant"
    streamed = validate(path, good, env={"DESKKIT_HAR_WHOLE_BYTES": "100"}).json()  # read entry by entry
    first, second = streamed["results"]
    assert first["reason"].startswith("not a HAR file: entry /log/entries/0: not JSON (NaN")
    assert first["reason"].endswith(where) and second["verdict"] == "conformant"


def test_har_entries_with_hostile_fields_each_get_a_verdict(tmp_path: Path) -> None:
    entries: list[Any] = [
        har_entry(URL.format("d1"), GOOD.decode()),
        har_entry("http://[::1/x", GOOD.decode()),
        har_entry(URL.format("d2"), GOOD.decode(), status="200"),  # type: ignore[arg-type]
        har_entry(URL.format("d3"), GOOD.decode(), status=True),  # type: ignore[arg-type]
        har_entry(URL.format("d4"), GOOD.decode(), status=10**30),
        {"request": [], "response": {}},
        "not an entry",
        har_entry(URL.format("d5"), '{"desktop": {"\\u0000\\u001b[2J": 1}}'),
        har_entry(URL.format("d6"), GOOD.decode()),
    ]
    entries[2]["request"]["method"] = "GET"
    path = tmp_path / "odd.har"
    path.write_bytes(har(entries))
    code, report, _, text = all_formats(path)
    assert code == 1
    got = [(r["entry"], r["verdict"]) for r in report["results"]]
    assert got == [(0, "conformant"), (1, "unreadable"), (2, "unreadable"), (3, "unreadable"), (5, "unreadable"),
                   (6, "unreadable"), (7, "conformant"), (8, "conformant")]
    assert "response/status is not an integer" in report["results"][2]["reason"]
    assert report["summary"]["skipped_reasons"] == {"HAR entry with a status outside 0-999": 1}
    assert report["results"][6]["undocumented_fields"] == ["/desktop/\u0000\u001b[2J"]
    assert "/desktop/\\x00\\x1b[2J: undocumented field" in text
