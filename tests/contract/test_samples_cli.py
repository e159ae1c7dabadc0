"""`deskkit samples` on real files: reproducible by seed, and every line what its kind says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from tests.helpers import deskkit

SCHEMAS = resources.files("workspace_desktop") / "schemas"


def _validator(name: str) -> Draft202012Validator:
    """The schema with its formats asserted, as deskkit asserts them (an invalid sample may break only the
    format: `2022-02-30T00:00:00Z` matches the date-time pattern, and no calendar has that day)."""
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


DOCUMENTED = _validator("documented.schema.json")
OBSERVED = _validator("observed.schema.json")
ERROR = _validator("error.schema.json")


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def error_pointers(validator: Draft202012Validator, payload: Any) -> set[str]:
    """Pointers of jsonschema's errors (and of those under anyOf branches); a missing required property
    is placed where it would be."""
    found = set()
    pending = list(validator.iter_errors(payload))
    while pending:
        error = pending.pop()
        pending.extend(error.context or [])
        base = "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in error.absolute_path)
        if error.validator == "required":
            found.add(f"{base}/{error.message.split(chr(39))[1]}")
        found.add(base)
    return found


def test_same_seed_same_bytes_and_every_valid_line_validates(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    for out, run_seed in ((first, "7"), (second, "7"), (other, "8")):
        result = deskkit("samples", "--kind", "valid", "--count", "300", "--seed", run_seed, "--out", str(out))
        assert result.returncode == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    drawn = lines(first)
    assert len(drawn) == 300
    for line in drawn:
        assert line["kind"] == "valid" and line["injected"] == []
        assert DOCUMENTED.is_valid(line["payload"]), line


def test_every_invalid_line_fails_at_the_stated_pointer(tmp_path: Path) -> None:
    out = tmp_path / "invalid.jsonl"
    assert deskkit("samples", "--kind", "invalid", "--count", "150", "--seed", "3", "--out", str(out)).returncode == 0
    mutations = set()
    for line in lines(out):
        (change,) = line["injected"]
        mutations.add(change["mutation"])
        assert change["pointer"] in error_pointers(DOCUMENTED, line["payload"]), line
        assert change["pointer"] in error_pointers(OBSERVED, line["payload"]), line
    assert {"wrong JSON type", "string constraint miss", "missing required property"} <= mutations


def test_quirky_lines_pass_only_the_observed_schema_and_error_lines_the_error_schema() -> None:
    quirky = deskkit("samples", "--kind", "quirky", "--count", "40", "--seed", "1")
    errors = deskkit("samples", "--kind", "error", "--count", "20")
    assert quirky.returncode == errors.returncode == 0
    for text in quirky.stdout.splitlines():
        line = json.loads(text)
        assert line["injected"] and all(i["quirk"] and i["mutation"] is None for i in line["injected"])
        assert OBSERVED.is_valid(line["payload"]) and not DOCUMENTED.is_valid(line["payload"])
    for text in errors.stdout.splitlines():
        line = json.loads(text)
        assert line["kind"] == "error" and ERROR.is_valid(line["payload"])


def test_usage_errors_are_one_line() -> None:
    for args in (["--kind", "weird"], ["--kind", "valid", "--count", "0"], ["--kind", "valid", "--count", "x"]):
        result = deskkit("samples", *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, args
    bad_out = deskkit("samples", "--kind", "valid", "--count", "1", "--out", "/nonexistent/dir/x.jsonl")
    assert bad_out.returncode == 2 and "cannot write /nonexistent/dir/x.jsonl" in bad_out.stderr


def test_quirky_samples_of_a_spec_without_quirks_is_one_line(corpus: Path) -> None:
    result = deskkit("samples", "--kind", "quirky", "--package", "corpus_plain",
                     env={"PYTHONPATH": str(corpus)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "deskkit: cannot draw quirky samples from corpus_plain: no declared quirk can " \
                                    "show in a Note payload"


def test_samples_leave_nothing_in_the_current_folder(tmp_path: Path) -> None:
    """Hypothesis caches what it reads in source files under ``.hypothesis/`` in the current folder: a command
    that draws puts it in deskkit's cache folder instead (a temporary one with caching off), unless the user
    names one."""
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env["XDG_CACHE_HOME"] = str(tmp_path.parent / f"{tmp_path.name}-cache")
    exe = str(Path(sys.executable).with_name("deskkit"))
    args = [exe, "samples", "--kind", "quirky", "--count", "3", "--seed", "4"]
    first = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert list(tmp_path.iterdir()) == []
    chosen = subprocess.run(args, cwd=tmp_path, env={**env, "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / "mine")},
                            capture_output=True, text=True, check=True)
    assert chosen.stdout == first.stdout and [p.name for p in tmp_path.iterdir()] == ["mine"]
    assert (Path(env["XDG_CACHE_HOME"]) / "deskkit" / "hypothesis").is_dir()
    uncached = subprocess.run(args, cwd=tmp_path, env={**env, "DESKKIT_NO_CACHE": "1"}, capture_output=True,
                              text=True, check=True)
    assert uncached.stdout == first.stdout and [p.name for p in tmp_path.iterdir()] == ["mine"]
