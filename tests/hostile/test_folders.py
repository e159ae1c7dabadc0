"""Folders and special files: loops, dangling links and FIFOs are skipped with the reason; nothing blocks."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from tests.conftest import documented_example
from tests.hostile.runner import all_formats, validate

GOOD = json.dumps(documented_example())


def test_a_folder_walk_reports_each_skip_with_its_reason(tmp_path: Path) -> None:
    top = tmp_path / "captures"
    (top / "sub").mkdir(parents=True)
    (top / "a.json").write_text(GOOD)
    (top / "sub" / "b.json").write_text(GOOD)
    (top / "notes.txt").write_text("not a capture")
    os.symlink("loop.json", top / "loop.json")  # a link to itself
    os.symlink("missing.json", top / "dangling.json")
    os.symlink("..", top / "sub" / "up")  # back to a folder being walked
    os.symlink("a.json", top / "link-to-a.json")  # a link to a capture read already: its responses once
    os.symlink(top / "sub" / "b.json", tmp_path / "b-link.json")  # a link from outside to one inside
    os.mkfifo(top / "pipe.json")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(top / "socket.json"))
    try:
        other = tmp_path / "elsewhere"
        other.mkdir()
        (other / "c.json").write_text(GOOD)
        os.symlink(other, top / "one-way")
        os.symlink(other, top / "same-way")  # the same folder again
        start = time.monotonic()
        code, report, _, _ = all_formats(top, tmp_path / "b-link.json", top / "a.json", other / "c.json")
        assert time.monotonic() - start < 60
    finally:
        server.close()
    assert code == 0
    got = [Path(r["source"]).relative_to(top).as_posix() for r in report["results"]]
    assert got == ["a.json", "one-way/c.json", "sub/b.json"]
    assert report["summary"]["skipped_reasons"] == {
        "dangling symbolic link": 1,
        "file already read (named twice, or reached again through a folder or a link)": 4,
        "file of another kind": 1,
        "folder already walked (reached again through a symbolic link)": 1,
        "not a regular file (a FIFO)": 1,
        "not a regular file (a socket)": 1,
        "symbolic link loop": 1,
        "symbolic link loop (a link back to a folder being walked)": 1,
    }
    assert report["summary"]["skipped"] == 11


def test_special_files_named_directly_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # no writer: opening it for reading the usual way would wait forever
    good = tmp_path / "good.json"
    good.write_text(GOOD)
    fifo_lines = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo_lines)
    fifo_har = tmp_path / "pipe.har"
    os.mkfifo(fifo_har)
    start = time.monotonic()
    code, report, _, _ = all_formats(fifo, fifo_lines, fifo_har, "/dev/zero", good)
    assert time.monotonic() - start < 60
    assert code == 1
    got = [(r["source"], r["verdict"], r.get("reason", "")) for r in report["results"]]
    refused = "not a regular file (a FIFO); to judge a stream, pipe it into `deskkit validate -`"
    assert got == [(str(fifo), "unreadable", refused), (str(fifo_lines), "unreadable", refused),
                   (str(fifo_har), "unreadable", refused),
                   ("/dev/zero", "unreadable", refused.replace("a FIFO", "a character device")),
                   (str(good), "conformant", "")]


def test_broken_links_named_directly_are_usage_errors(tmp_path: Path) -> None:
    os.symlink("missing.json", tmp_path / "dangling.json")
    os.symlink("loop.json", tmp_path / "loop.json")
    for name, reason in (("dangling.json", "dangling symbolic link"), ("loop.json", "symbolic link loop")):
        run = validate(tmp_path / name)
        assert run.code == 2 and run.stderr.strip() == f"deskkit: {reason}: {tmp_path / name}"
