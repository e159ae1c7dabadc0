"""Outputs named on the command line that are not plain files: `samples --out`, `suggest --patch` and
`--apply` write a regular file whole (beside it, then renamed), but a FIFO, a device or `/dev/stdout` is
written to as it is, and a symbolic link stays a link to the file it names. A rename over such a target put
an ordinary file where the reader was: the reader got nothing, and as root `--out /dev/null` replaced the
device. The reference bytes are those the same command writes to a regular file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.contract.test_suggest_cli import CAPTURES, SPEC
from tests.helpers import deskkit


def _drained(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    """A reader of ``fifo`` in a thread (its open waits for the writer), and what it will have read."""
    got: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, got


def _samples(out: Path) -> str:
    done = deskkit("samples", "--kind", "quirky", "--count", "5", "--seed", "7", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_samples_into_a_fifo_reach_its_reader_and_the_fifo_stays(tmp_path: Path) -> None:
    _samples(tmp_path / "plain.jsonl")
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    reader, got = _drained(fifo)
    _samples(fifo)
    reader.join(timeout=60)
    assert got == [(tmp_path / "plain.jsonl").read_bytes()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_samples_through_a_link_write_the_file_it_names_and_the_link_stays(tmp_path: Path) -> None:
    _samples(tmp_path / "plain.jsonl")
    (tmp_path / "real.jsonl").write_text("what was there\n")
    (tmp_path / "link.jsonl").symlink_to("real.jsonl")
    (tmp_path / "dangling.jsonl").symlink_to("made.jsonl")
    for link in ("link.jsonl", "dangling.jsonl"):
        _samples(tmp_path / link)
        assert (tmp_path / link).is_symlink()
    expected = (tmp_path / "plain.jsonl").read_bytes()
    assert (tmp_path / "real.jsonl").read_bytes() == expected == (tmp_path / "made.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.jsonl", "link.jsonl", "made.jsonl",
                                                         "plain.jsonl", "real.jsonl"]  # no partial file left


@pytest.mark.parametrize("option", ["--patch", "--apply"])
def test_suggest_into_a_fifo_or_through_a_link(tmp_path: Path, option: str) -> None:
    def suggest(out: Path) -> None:
        done = deskkit("suggest", CAPTURES, "--spec", str(SPEC), option, str(out))
        assert done.returncode == 0, done.stderr

    suggest(tmp_path / "plain.out")
    expected = (tmp_path / "plain.out").read_bytes()
    assert expected
    fifo = tmp_path / "pipe.out"
    os.mkfifo(fifo)
    reader, got = _drained(fifo)
    suggest(fifo)
    reader.join(timeout=60)
    assert got == [expected] and stat.S_ISFIFO(fifo.lstat().st_mode)
    (tmp_path / "real.out").write_text("what was there\n")
    (tmp_path / "link.out").symlink_to("real.out")
    suggest(tmp_path / "link.out")
    assert (tmp_path / "link.out").is_symlink() and (tmp_path / "real.out").read_bytes() == expected


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "link-to-stdout"])
def test_samples_to_stdout_by_name_keep_what_the_shell_wrote_around_them(tmp_path: Path, name: str) -> None:
    """`{ echo h; deskkit samples --out /dev/stdout; echo t; } > f`: written through the shell's own
    descriptor (shared offset), not reopened (which truncated f and wrote over `h`) nor replaced."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("no /proc")
    _samples(tmp_path / "plain.jsonl")
    (tmp_path / "link-to-stdout").symlink_to("/dev/stdout")
    out = tmp_path / "f"
    target = str(tmp_path / name) if not name.startswith("/") else name
    exe = Path(sys.executable).with_name("deskkit")
    script = (f'echo head; "{exe}" samples --kind quirky --count 5 --seed 7 --out "{target}" 2>/dev/null; '
              "echo tail")
    with out.open("w") as handle:
        subprocess.run(["sh", "-c", script], stdout=handle, check=True, timeout=120)
    assert out.read_bytes() == b"head\n" + (tmp_path / "plain.jsonl").read_bytes() + b"tail\n"
    with out.open("a") as handle:  # `>>`: after what is there
        subprocess.run(["sh", "-c", script], stdout=handle, check=True, timeout=120)
    assert out.read_bytes() == 2 * (b"head\n" + (tmp_path / "plain.jsonl").read_bytes() + b"tail\n")
    assert (tmp_path / "link-to-stdout").is_symlink()
