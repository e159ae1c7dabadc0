"""The work plan (``plan``): files, folders and standard input as JSON Lines ranges and batches of captures, in
input order, each capture answering the operation asked for; standard input spooled into the scratch folder and
read as one document or as lines (the rule in :mod:`generator.contract.stdin`); errors named, never raised.

Oracles: the bytes written here (a capture's body is the file's bytes; a range's lines are
``bytes.split(b"\\n")`` of the input) and the counts of files and captures made here."""

from __future__ import annotations

import errno
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

import workspace_desktop as w
from generator.contract import captures
from generator.contract.captures import BATCH, Capture, LineRange, Router, Skipped, check_paths, plan, read_range
from generator.errors import DeskkitError

ROUTER = Router(w.OPERATIONS)


def flat(units: list[Any]) -> list[Capture]:
    out: list[Capture] = []
    for unit in units:
        out.extend(read_range(unit) if isinstance(unit, LineRange) else unit)
    return out


def har(text: str) -> bytes:
    return json.dumps({"log": {"entries": [{"request": {"method": "GET", "url": "/v2/p/desktops/d"},
                                            "response": {"status": 404, "content": {"text": text}}}]}}).encode()


def test_inputs_are_planned_in_order_each_as_its_kind(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b'{"a": 1}')
    lines = b'{"b": 1}\n\n{"b": 2}\r\n'
    (tmp_path / "b.JSONL").write_bytes(lines)
    (tmp_path / "c.har").write_bytes(har('{"c": 1}'))
    (tmp_path / "d.ndjson").write_bytes(b"")
    skipped = Skipped()
    units = list(plan([str(tmp_path / n) for n in ("a.json", "b.JSONL", "c.har", "d.ndjson")], ROUTER, skipped))
    assert units == [[Capture(str(tmp_path / "a.json"), b'{"a": 1}')],
                     LineRange(str(tmp_path / "b.JSONL"), 0, len(lines), 1), [Capture(
                         str(tmp_path / "c.har"), b'{"c": 1}', "ShowDesktopDetail", 404, entry=0)]]
    assert [(c.line, c.body) for c in flat(units[1:2])] == [(1, b'{"b": 1}'), (3, b'{"b": 2}')]
    assert skipped.count == 0


def test_a_folder_is_walked_and_other_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_bytes(b"{}")
    (tmp_path / "y.txt").write_bytes(b"{}")
    (tmp_path / "z.ndjson").write_bytes(b"[]\n")
    skipped = Skipped()
    units = list(plan([str(tmp_path)], ROUTER, skipped))
    assert units == [[Capture(str(tmp_path / "x.json"), b"{}")], LineRange(str(tmp_path / "z.ndjson"), 0, 3, 1)]
    assert skipped.count == 1


@pytest.mark.parametrize("operation", ["ListDesktopsDetail", None])
def test_bodies_that_do_not_say_answer_the_operation_asked_for(tmp_path: Path, operation: str | None) -> None:
    (tmp_path / "a.json").write_bytes(b"{}")
    (tmp_path / "b.jsonl").write_bytes(b"{}\n")
    (tmp_path / "c.har").write_bytes(har("{}"))
    units = list(plan([str(tmp_path / n) for n in ("a.json", "b.jsonl", "c.har")], ROUTER, Skipped(),
                      operation=operation))
    assert units[0] == [Capture(str(tmp_path / "a.json"), b"{}", operation)]
    assert units[1] == LineRange(str(tmp_path / "b.jsonl"), 0, 3, 1, None, operation)
    assert [c.operation for c in flat(units[1:2])] == [operation]
    assert units[2][0].operation == "ShowDesktopDetail"  # a HAR entry says which operation it answers


def test_captures_come_in_batches_of_BATCH(tmp_path: Path) -> None:
    entries = [{"request": {"method": "GET", "url": f"/v2/p/desktops/d{i}"},
                "response": {"status": 200, "content": {"text": str(i)}}} for i in range(2 * BATCH + 1)]
    path = tmp_path / "many.har"
    path.write_text(json.dumps({"log": {"entries": entries}}))
    units = list(plan([str(path)], ROUTER, Skipped()))
    assert [len(u) for u in units] == [BATCH, BATCH, 1]
    assert [c.body for u in units for c in u] == [str(i).encode() for i in range(2 * BATCH + 1)]
    exact = tmp_path / "exact.har"
    exact.write_text(json.dumps({"log": {"entries": entries[:BATCH]}}))
    assert [len(u) for u in plan([str(exact)], ROUTER, Skipped())] == [BATCH]


def test_a_json_lines_file_that_cannot_be_read_is_one_unreadable_capture(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.jsonl")
    units = list(plan([str(tmp_path / "fifo.jsonl"), str(tmp_path / "gone.jsonl")], ROUTER, Skipped()))
    assert units == [[Capture(str(tmp_path / "fifo.jsonl"), None, unreadable="not a regular file (a FIFO); "
                              "to judge a stream, pipe it into `deskkit validate -`")],
                     [Capture(str(tmp_path / "gone.jsonl"), None, unreadable="cannot read the file: No such "
                              "file or directory")]]


def test_an_unforeseen_failure_is_one_unreadable_capture_and_the_rest_go_on(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        yield Capture("first", b"{}")
        raise RuntimeError("x" * 300)

    monkeypatch.setattr(captures, "_file", broken)
    (tmp_path / "a.json").write_bytes(b"{}")
    (tmp_path / "b.jsonl").write_bytes(b"{}\n")
    units = list(plan([str(tmp_path / "a.json"), str(tmp_path / "b.jsonl")], ROUTER, Skipped()))
    assert units == [[Capture("first", b"{}"), Capture(str(tmp_path / "a.json"), None, unreadable=(
        "deskkit could not read this input (RuntimeError: " + "x" * 200 + ")"))],
        LineRange(str(tmp_path / "b.jsonl"), 0, 3, 1)]


@pytest.mark.parametrize(("data", "expected"), [
    (b"", [Capture("<stdin>", b"")]), (b" \n\t\n", [Capture("<stdin>", b"")]),
    (b'{\n  "a": 1\n}\n', [Capture("<stdin>", b'{\n  "a": 1\n}\n')]),
    (b"not json\nat all\n", [Capture("<stdin>", b"not json\nat all\n")])])
def test_standard_input_as_one_document(tmp_path: Path, data: bytes, expected: list[Capture]) -> None:
    units = list(plan(["-"], ROUTER, Skipped(), stdin=io.BytesIO(data), scratch=tmp_path,
                      operation="ListDesktopsDetail"))
    assert units == [[c._replace(operation="ListDesktopsDetail") for c in expected]]
    (spooled,) = tmp_path.iterdir()
    assert spooled.name.startswith("stdin-") and spooled.read_bytes() == data


@pytest.mark.parametrize("data", [b'{"a": 1}\n{"a": 2}\n', b'{"a": 1}', b'\n\n[1]\r\n\nnot json\n{}'])
def test_standard_input_as_json_lines(tmp_path: Path, data: bytes) -> None:
    fds = len(os.listdir("/proc/self/fd"))
    (unit,) = plan(["-"], ROUTER, Skipped(), stdin=io.BytesIO(data), scratch=tmp_path)
    assert len(os.listdir("/proc/self/fd")) == fds  # the spool file's descriptor is closed
    assert isinstance(unit, LineRange)
    assert (unit.start, unit.end, unit.first_line, unit.source) == (0, len(data), 1, "<stdin>")
    assert Path(unit.path).parent == tmp_path and Path(unit.path).name.startswith("stdin-")
    got = [(c.source, c.line, bytes(c.body or b"")) for c in read_range(unit)]
    lines = data.split(b"\n")
    assert got == [("<stdin>", n + 1, line.rstrip(b"\r")) for n, line in enumerate(lines) if line.strip()]


class Failing(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError(errno.EIO, "Input/output error")


class Silent(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError("gone")


@pytest.mark.parametrize(("handle", "reason"), [(Failing(), "Input/output error"), (Silent(), "gone")])
def test_standard_input_that_cannot_be_read_is_unreadable(tmp_path: Path, handle: Any, reason: str) -> None:
    units = list(plan(["-", str(tmp_path / "n.json")], ROUTER, Skipped(), stdin=handle, scratch=tmp_path))
    assert units[0] == [Capture("<stdin>", None, unreadable=f"cannot read standard input: {reason}")]
    assert units[1] == [Capture(str(tmp_path / "n.json"), None, unreadable="cannot read the file: No such file or "
                                "directory")]


def test_standard_input_needs_a_scratch_folder() -> None:
    with pytest.raises(ValueError) as refused:
        list(plan(["-"], ROUTER, Skipped(), stdin=io.BytesIO(b"{}")))
    assert str(refused.value) == "reading standard input needs a scratch folder"


def test_standard_input_defaults_to_the_process_standard_input(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"[1, 2]")))
    assert list(plan(["-"], ROUTER, Skipped(), scratch=tmp_path)) == [LineRange(
        str(next(tmp_path.iterdir())), 0, 6, 1, "<stdin>")]


def test_paths_are_checked_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"{}")
    check_paths([str(tmp_path / "a.json"), str(tmp_path), "-"], stdin=object())
    with pytest.raises(DeskkitError) as closed:
        check_paths(["-"])
    assert str(closed.value) == ("standard input is closed: pipe captures into `deskkit validate -`, or name files "
                                 "and folders")
    with pytest.raises(DeskkitError) as missing:
        check_paths([str(tmp_path / "a.json"), str(tmp_path / "nope.json")], stdin=None)
    assert str(missing.value) == f"no such file or folder: {tmp_path / 'nope.json'}"
    with pytest.raises(DeskkitError) as after_stdin:  # standard input first: the paths after it are checked too
        check_paths(["-", str(tmp_path / "nope.json")], stdin=object())
    assert str(after_stdin.value) == f"no such file or folder: {tmp_path / 'nope.json'}"
    (tmp_path / "link.json").symlink_to(tmp_path / "nowhere.json")
    with pytest.raises(DeskkitError) as dangling:
        check_paths([str(tmp_path / "link.json")])
    assert str(dangling.value).endswith(f": {tmp_path / 'link.json'}")
    assert not str(dangling.value).startswith("no such file")


def refusing(real: Any, path: Path) -> Any:
    """``real`` (os.stat, os.scandir, open_regular), refusing ``path`` as a folder without the permission
    to look into it does (the tests run as root, whom permissions do not stop)."""

    def call(target: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(target) == str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(target, *args, **kwargs)

    return call


def test_a_path_that_may_not_be_looked_into_is_an_unreadable_result_not_a_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file inside a folder one may not search: ``stat`` says EACCES, which is not "no such file"; its
    reader says why, as the result of that input, and the other inputs are judged."""
    locked, good = tmp_path / "locked" / "a.json", tmp_path / "b.json"
    locked.parent.mkdir()
    locked.write_bytes(b"{}")
    good.write_bytes(b"{}")
    monkeypatch.setattr(os, "stat", refusing(os.stat, locked))
    monkeypatch.setattr(captures, "open_regular", refusing(captures.open_regular, locked))
    check_paths([str(locked), str(good)])  # no usage error
    with pytest.raises(DeskkitError):
        check_paths([str(tmp_path / "locked" / "gone.json")])  # a path that is not there still is one
    assert list(plan([str(locked), str(good)], ROUTER, Skipped())) == [
        [Capture(str(locked), None, unreadable="cannot read the file: Permission denied")],
        [Capture(str(good), b"{}")]]


def test_a_named_folder_that_cannot_be_listed_is_an_unreadable_result(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Named on the command line, so asked for: one unreadable result (exit 1), not a skip (exit 0); a folder
    found inside one is skipped with the reason, as before."""
    top, good = tmp_path / "top", tmp_path / "b.json"
    (top / "inner").mkdir(parents=True)
    (top / "a.json").write_bytes(b"{}")
    good.write_bytes(b"{}")
    monkeypatch.setattr(os, "scandir", refusing(os.scandir, top / "inner"))
    skipped = Skipped()
    assert list(plan([str(top), str(good)], ROUTER, skipped)) == [
        [Capture(str(top / "a.json"), b"{}")], [Capture(str(good), b"{}")]]
    assert skipped.reasons == {"folder that cannot be read (Permission denied)": 1}
    monkeypatch.setattr(os, "scandir", refusing(os.scandir, top))
    skipped = Skipped()
    assert list(plan([str(top), str(good), str(top)], ROUTER, skipped)) == [
        [Capture(str(top), None, unreadable="cannot read the folder: Permission denied")],
        [Capture(str(good), b"{}")]]
    assert skipped.reasons == {"file already read (named twice, or reached again through a folder or a link)": 1}


def test_standard_input_named_twice_is_read_once(tmp_path: Path) -> None:
    skipped = Skipped()
    units = list(plan(["-", "-"], ROUTER, skipped, stdin=io.BytesIO(b'{"a": 1}'), scratch=tmp_path))
    assert len(flat(units)) == 1 and flat(units)[0].body == b'{"a": 1}'
    assert skipped.reasons == {"standard input already read (named twice)": 1}


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root")
def test_unreadable_folders_as_a_user_sees_them(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.json").write_bytes(b"{}")
    locked.chmod(0)
    try:
        check_paths([str(locked), str(locked / "a.json")])
        units = list(plan([str(locked), str(locked / "a.json")], ROUTER, Skipped()))
    finally:
        locked.chmod(0o755)
    assert units == [[Capture(str(locked), None, unreadable="cannot read the folder: Permission denied")],
                     [Capture(str(locked / "a.json"), None, unreadable="cannot read the file: Permission denied")]]
