"""Run `deskkit validate` as a user would, in every format, and check that each report is well-formed.

The checks here are the oracles of the hostile suite, and none of them uses deskkit's code: the JSON report
must be UTF-8 that ``json.loads`` reads, the junit report XML that ``xml.etree`` parses, and the text report
UTF-8 without a raw control character, bidirectional override or lone surrogate (what a terminal would act
on). The three formats must agree on the counts and the exit status.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXE = str(Path(sys.executable).with_name("deskkit"))
URL = "https://workspace.ap-southeast-1.myhuaweicloud.com/v2/0bec5db98280d2d02fd6c00c2de791ce/desktops/{}"
#: What a text report must never hold raw: every control character but the newline, DEL, C1 controls, line
#: and paragraph separators, bidirectional controls, lone surrogates.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
Arg = str | bytes | Path


@dataclass
class Run:
    code: int
    stdout: bytes
    stderr: str

    def json(self) -> dict[str, Any]:
        report: dict[str, Any] = json.loads(self.stdout.decode("utf-8"))
        return report

    def junit(self) -> ET.Element:
        return ET.fromstring(self.stdout)

    def text(self) -> str:
        return self.stdout.decode("utf-8")


def validate(*args: Arg, fmt: str = "json", stdin: bytes | None = None, env: dict[str, str] | None = None,
             shell_prefix: str | None = None, timeout: float = 120) -> Run:
    """One `deskkit validate` process (``shell_prefix``: run through ``sh -c`` with that redirection)."""
    argv: list[Arg] = [EXE, "validate", "--format", fmt, *args]
    environment = {**os.environ, **(env or {})}
    if shell_prefix is not None:
        command = " ".join(f'"${i}"' for i in range(1, len(argv) + 1)) + f" {shell_prefix}"
        argv = ["sh", "-c", command, "sh", *argv]
    done = subprocess.run(argv, input=stdin, capture_output=True, env=environment, timeout=timeout, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    return Run(done.returncode, done.stdout, stderr)


def all_formats(*args: Arg, stdin: bytes | None = None, env: dict[str, str] | None = None,
                strict: bool = False) -> tuple[int, dict[str, Any], ET.Element, str]:
    """The same run in json, junit and text; each report checked well-formed, and the three agreeing."""
    extra: tuple[Arg, ...] = ("--strict",) if strict else ()
    as_json = validate(*extra, *args, fmt="json", stdin=stdin, env=env)
    as_junit = validate(*extra, *args, fmt="junit", stdin=stdin, env=env)
    as_text = validate(*extra, *args, fmt="text", stdin=stdin, env=env)
    report, root, text = as_json.json(), as_junit.junit(), as_text.text()
    assert as_json.code == as_junit.code == as_text.code, (as_json.code, as_junit.code, as_text.code)
    bad = RAW.search(text)
    assert bad is None, f"raw {bad.group()!r} in the text report" if bad else ""
    results = report["results"]
    assert root.get("tests") == str(len(results))
    failed = Counter(r["verdict"] for r in results)
    failures = failed["violation"] + failed["unreadable"] + (failed["tolerated"] if strict else 0)
    assert root.get("failures") == str(failures)
    assert (as_json.code == 1) == (failures > 0)
    counts = ", ".join(f"{failed[v]} {v}" for v in ("conformant", "tolerated", "violation", "unreadable"))
    assert text.splitlines()[-1].startswith(f"summary: {counts}, {report['summary']['skipped']} skipped")
    return as_json.code, report, root, text


def at(raw: bytes, needle: bytes, start: int = 0) -> dict[str, int]:
    """Line and column (1-based; the column in characters) of ``needle`` in ``raw``, counted from the bytes."""
    offset = raw.index(needle, start)
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return {"line": raw.count(b"\n", 0, offset) + 1, "column": len(raw[line_start:offset].decode()) + 1}


def har(entries: list[dict[str, Any]]) -> bytes:
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "hostile", "version": "1"},
                               "entries": entries}}, indent=1).encode()


def har_entry(url: str, body: str | None, *, status: int = 200, base64_text: str | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"mimeType": "application/json"}
    if base64_text is not None:
        content.update(text=base64_text, encoding="base64")
    elif body is not None:
        content["text"] = body
    return {"startedDateTime": "2026-11-28T09:00:00.000Z", "time": 1,
            "request": {"method": "GET", "url": url, "headers": []},
            "response": {"status": status, "headers": [], "content": content}}
