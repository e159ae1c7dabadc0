"""Specs outside the supported subset (tests/data/specs/refused/) are refused at generate time: exit 2, one
line naming file:line and the JSON Pointer, no traceback, nothing written.

Each spec says where it must be refused: its first line names the pointer, and the offending line carries
``# <- refused`` (the expected line number is counted here from the raw bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.helpers import deskkit

REFUSED = sorted((DATA / "specs" / "refused").glob("*.yaml"))


@pytest.mark.parametrize("spec", REFUSED, ids=[p.stem for p in REFUSED])
def test_each_refused_spec_gets_one_line_with_file_line_and_pointer(tmp_path: Path, spec: Path) -> None:
    raw = spec.read_bytes()
    pointer = raw.split(b"\n", 1)[0].decode().removeprefix("# refused at ")
    line = next(number for number, text in enumerate(raw.split(b"\n"), start=1) if b"# <- refused" in text)
    out = tmp_path / "out"
    result = deskkit("generate", "--spec", str(spec), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"deskkit: {spec}:{line}: at {pointer}: "), lines[0]
    assert not out.exists()


def test_the_refused_corpus_covers_the_main_kinds() -> None:
    assert len(REFUSED) >= 15


def test_a_clash_with_a_name_derived_from_another_schema_names_both(tmp_path: Path) -> None:
    """``t_Box``'s fast pass and ``Box``'s narrow pass are both ``_t_Box``: the refusal says which schema the
    other one is, so the user knows what collides."""
    spec = DATA / "specs" / "refused" / "narrow-pass-name-clash.yaml"
    result = deskkit("generate", "--spec", str(spec), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "this name makes '_t_Box' in the generated _fast.py, as /components/schemas/Box does" in result.stderr
