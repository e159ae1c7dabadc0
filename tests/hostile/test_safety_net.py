"""The last line of defence: a failure nobody foresaw in judging one capture becomes that capture's
``unreadable`` result, naming the error, and the run goes on. Shown with bindings whose model fails on
purpose (every known cause is handled where it occurs, so deskkit's own bindings cannot show it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.contract import captures
from tests.hostile.runner import all_formats, validate

FAULTY = '''
from workspace_desktop._runtime import Judgement, Model, Operation


class Fragile(Model):
    __slots__ = ()

    @classmethod
    def judge(cls, data):
        if isinstance(data, dict) and "boom" in data:
            raise ZeroDivisionError("planted for the test")
        return Judgement((), (), ())


OPERATIONS = (Operation("Fragile", "GET", "/things/{id}", {"200": Fragile}),)
'''


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_unexpected_error_in_one_capture_is_that_capture_s_verdict(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "faulty_bindings.py").write_text(FAULTY)
    lines = tmp_path / "mixed.jsonl"
    lines.write_text("\n".join(json.dumps(x) for x in ({"ok": 1}, {"boom": 1}, {"ok": 2})) + "\n")
    env = {"PYTHONPATH": str(tmp_path), "DESKKIT_PACKAGE": "faulty_bindings"}
    code, report, _, text = all_formats("--jobs", jobs, lines, env=env)
    assert code == 1
    assert [(r["line"], r["verdict"]) for r in report["results"]] == [(1, "conformant"), (2, "unreadable"),
                                                                     (3, "conformant")]
    assert report["results"][1]["reason"] == ("deskkit could not judge this response (ZeroDivisionError: planted "
                                              "for the test)")
    assert "ZeroDivisionError" in text


def test_an_unexpected_error_while_reading_an_input_is_that_input_s_verdict() -> None:
    def failing() -> Iterator[captures.Capture]:
        yield captures.Capture("a.json", b"{}")
        raise LookupError("planted")

    assert list(captures._guarded("a.json", failing())) == [
        captures.Capture("a.json", b"{}"),
        captures.Capture("a.json", None, unreadable="deskkit could not read this input (LookupError: planted)")]


def test_bindings_that_cannot_be_imported_are_a_usage_error(tmp_path: Path) -> None:
    run = validate(tmp_path, env={"DESKKIT_PACKAGE": "no_such_bindings_here"})
    assert run.code == 2 and run.stderr.startswith("deskkit: cannot import the bindings 'no_such_bindings_here'")
