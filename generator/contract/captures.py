"""Captured responses from files, JSON Lines, HAR exports, folders and standard input, one at a time.

Each :class:`Capture` is one response body to judge (or a reason it cannot be), with where it came
from: the file, the line (JSON Lines), the entry (HAR, 0-based). JSON Lines and standard input are
streamed and HAR exports above 64 MiB are read entry by entry, so memory stays flat however long the file.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from urllib.parse import urlsplit

from ..errors import DeskkitError

JSON_SUFFIXES = (".json",)
LINES_SUFFIXES = (".jsonl", ".ndjson")
HAR_SUFFIXES = (".har",)


class Capture(NamedTuple):
    """One response body and where it came from. ``operation`` and ``status`` say what it answers (HAR
    entries know; a plain file is a success body of the spec's first operation)."""

    source: str
    body: bytes | None
    operation: str | None = None
    status: int | None = None
    line: int | None = None
    entry: int | None = None
    unreadable: str | None = None  # set when there is no body to judge, with the reason


@dataclass
class Skipped:
    """What was seen and deliberately not judged (HAR entries of other requests, other files)."""

    count: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str) -> None:
        self.count += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1


def path_matcher(template: str) -> re.Pattern[str]:
    """A regex for the path template's URLs: each ``{param}`` is one non-empty path segment, captured
    as a group (in template order)."""
    parts = re.split(r"(\{[^/{}]+\})", template)
    pattern = "".join("([^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{pattern}/?$")


class Router:
    """Which operation a request answers, by method and path; literal paths win over templated ones
    (``/desktops/detail`` before ``/desktops/{desktop_id}``)."""

    def __init__(self, operations: Iterable[Any]) -> None:
        ranked = sorted(operations, key=lambda op: op.path.count("{"))
        self.routes = [(op.method.upper(), path_matcher(op.path), op) for op in ranked]

    def match(self, method: str, path: str) -> tuple[Any | None, bool]:
        """The operation for ``method`` and ``path`` (None if none), and whether the path is known at all."""
        known = False
        for verb, pattern, op in self.routes:
            if pattern.match(path):
                known = True
                if verb == method.upper():
                    return op, True
        return None, known


class LineRange(NamedTuple):
    """A slice of a JSON Lines file, cut on line boundaries, that a worker process reads by itself."""

    path: str
    start: int
    end: int
    first_line: int
    operation: str | None = None  # the operation its bodies answer (None: the spec's first)


Unit = LineRange | list[Capture]
RANGE_BYTES = 1 << 20
BATCH = 256


def plan(paths: list[str], router: Router, skipped: Skipped,
         stdin: BinaryIO | None = None, operation: str | None = None) -> Iterator[Unit]:
    """The work, in input order: JSON Lines files as byte ranges (read where they are judged, so nothing is
    copied between processes), everything else as small batches of captures. Bodies that do not say which
    operation they answer (all but HAR entries) answer ``operation`` (None: the spec's first)."""
    for path in _files(paths, skipped):
        if path is None:
            yield from _batched(_answering(_stdin(stdin or sys.stdin.buffer), operation))
        elif path.suffix.lower() in LINES_SUFFIXES:
            try:
                yield from (unit._replace(operation=operation) for unit in line_ranges(path))
            except OSError as exc:
                yield [Capture(str(path), None, unreadable=f"cannot read the file: {exc.strerror}")]
        else:
            yield from _batched(_answering(_file(path, router, skipped), operation))


def _answering(captures: Iterator[Capture], operation: str | None) -> Iterator[Capture]:
    """``captures``, each without an operation of its own set to answer ``operation``."""
    if operation is None:
        yield from captures
        return
    for capture in captures:
        yield capture if capture.operation is not None else capture._replace(operation=operation)


def _files(paths: list[str], skipped: Skipped) -> Iterator[Path | None]:
    """Each file named or found in a named folder (sorted, recursively); None stands for standard input."""
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        if not path.is_dir():
            yield path
            continue
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.suffix.lower() in JSON_SUFFIXES + LINES_SUFFIXES + HAR_SUFFIXES:
                yield child
            else:
                skipped.add("file of another kind")


def _batched(captures: Iterator[Capture]) -> Iterator[list[Capture]]:
    batch: list[Capture] = []
    for capture in captures:
        batch.append(capture)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def line_ranges(path: Path, size: int = RANGE_BYTES) -> Iterator[LineRange]:
    """Ranges of about ``size`` bytes ending on a newline, with the number of each range's first line."""
    with path.open("rb") as handle:
        start, line = 0, 1
        while True:
            block = handle.read(size)
            if not block:
                return
            while not block.endswith(b"\n"):  # a range ends at a line end, however long the line
                more = handle.read(size)
                if not more:
                    break
                cut = more.find(b"\n")
                if cut != -1:
                    block += more[: cut + 1]
                    handle.seek(start + len(block))
                    break
                block += more
            yield LineRange(str(path), start, start + len(block), line)
            line += block.count(b"\n")
            start += len(block)


def read_range(unit: LineRange) -> Iterator[Capture]:
    with open(unit.path, "rb") as handle:
        handle.seek(unit.start)
        data = handle.read(unit.end - unit.start)
    for number, line in enumerate(data.split(b"\n"), start=unit.first_line):
        if line.strip():  # blank lines carry no response (a trailing newline, a separator)
            yield Capture(unit.path, line.rstrip(b"\r"), unit.operation, line=number)


def check_paths(paths: list[str]) -> None:
    """Usage errors before any work: every named path must exist."""
    for raw in paths:
        if raw != "-" and not Path(raw).exists():
            raise DeskkitError(f"no such file or folder: {raw}")


def _file(path: Path, router: Router, skipped: Skipped) -> Iterator[Capture]:
    suffix = path.suffix.lower()
    try:
        if suffix in HAR_SUFFIXES:
            yield from _har(path, router, skipped)
        else:
            yield Capture(str(path), path.read_bytes())
    except OSError as exc:
        yield Capture(str(path), None, unreadable=f"cannot read the file: {exc.strerror}")


def _lines(source: str, handle: BinaryIO, first: int) -> Iterator[Capture]:
    for number, line in enumerate(handle, start=first):
        if line.strip():  # blank lines carry no response (a trailing newline, a separator)
            yield Capture(source, line.rstrip(b"\r\n"), line=number)


def _stdin(handle: BinaryIO) -> Iterator[Capture]:
    """JSON Lines when the first non-blank line is a whole JSON value; else one JSON document."""
    number = 0
    for number, line in enumerate(handle, start=1):  # noqa: B007 - the count is used after the loop
        if line.strip():
            break
    else:
        yield Capture("<stdin>", b"")
        return
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        yield Capture("<stdin>", line + handle.read())
        return
    yield Capture("<stdin>", line.rstrip(b"\r\n"), line=number)
    yield from _lines("<stdin>", handle, number + 1)


HAR_WHOLE_BYTES = 64 << 20  # smaller HAR files are decoded whole; larger ones entry by entry


def _har(path: Path, router: Router, skipped: Skipped) -> Iterator[Capture]:
    source = str(path)
    try:
        entries = _har_entries(path) if path.stat().st_size <= HAR_WHOLE_BYTES else _stream_har_entries(path)
        for index, entry in enumerate(entries):
            capture = _har_entry(source, index, entry, router, skipped)
            if capture is not None:
                yield capture
    except _NotHar as exc:
        yield Capture(source, None, unreadable=f"not a HAR file: {exc}")


class _NotHar(Exception):
    pass


def _har_entries(path: Path) -> list[Any]:
    try:
        har = json.loads(path.read_bytes())
    except (ValueError, RecursionError) as exc:
        raise _NotHar(str(exc)) from None
    entries = har.get("log", {}).get("entries") if isinstance(har, dict) else None
    if not isinstance(entries, list):
        raise _NotHar("expected /log/entries to be an array")
    return entries


_ENTRIES = re.compile(r'"entries"\s*:\s*\[')
_SKIP = re.compile(r"[\s,]*")


def _stream_har_entries(path: Path, block: int = 1 << 20) -> Iterator[Any]:
    """Entries of a large HAR one at a time: memory holds one entry and a block, not the file.

    The array is found by its key (an unescaped ``"entries": [`` cannot occur inside a JSON string), then
    each element is decoded by the C decoder as soon as the text read so far holds all of it."""
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")("surrogatepass")
    with path.open("rb") as handle:
        text, position, eof = "", 0, False

        def fill() -> None:
            nonlocal text, position, eof
            more = handle.read(block)
            eof = not more
            text = text[position:] + utf8.decode(more, final=eof)
            position = 0

        while (found := _ENTRIES.search(text)) is None:
            if eof:
                raise _NotHar("expected /log/entries to be an array")
            position = max(0, len(text) - 64)  # keep a tail: the key may straddle two blocks
            fill()
        position = found.end()
        while True:
            position = _SKIP.match(text, position).end()  # type: ignore[union-attr]
            if position >= len(text):
                if eof:
                    raise _NotHar("the entries array is not closed")
                fill()
                continue
            if text[position] == "]":
                return
            try:
                entry, position = decoder.raw_decode(text, position)
            except (ValueError, RecursionError) as exc:
                if eof:
                    raise _NotHar(f"an entry is cut short or malformed: {exc}") from None
                fill()
                continue
            yield entry


def _har_entry(source: str, index: int, entry: Any, router: Router, skipped: Skipped) -> Capture | None:
    where = f"/log/entries/{index}"
    try:
        request, response = entry["request"], entry["response"]
        url, verb, status = request["url"], request["method"], response["status"]
    except (KeyError, TypeError):
        return Capture(source, None, entry=index,
                       unreadable=f"HAR entry {where} lacks request.url, request.method or response.status")
    operation, _ = router.match(str(verb), urlsplit(str(url)).path)
    if operation is None:
        skipped.add("HAR entry for another request")
        return None
    if not isinstance(status, int) or not (200 <= status < 300 or 400 <= status < 600):
        skipped.add(f"HAR entry with status {status}")
        return None
    op = operation.id
    content = response.get("content") or {}
    text = content.get("text") if isinstance(content, dict) else None
    if not isinstance(text, str):
        return Capture(source, None, op, status, entry=index,
                       unreadable=f"no body captured ({where}/response/content/text is missing)")
    if content.get("encoding") == "base64":
        try:
            return Capture(source, base64.b64decode(text, validate=True), op, status, entry=index)
        except (binascii.Error, ValueError):
            return Capture(source, None, op, status, entry=index,
                           unreadable=f"{where}/response/content/text is not valid base64")
    return Capture(source, text.encode("utf-8", "surrogatepass"), op, status, entry=index)
