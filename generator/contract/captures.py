"""Captured responses from files, JSON Lines, HAR exports, folders and standard input, one at a time.

Each :class:`Capture` is one response body to judge (or a reason it cannot be), with where it came
from: the file, the line (JSON Lines), the entry (HAR, 0-based). JSON Lines and standard input are
streamed and HAR exports above 64 MiB are read entry by entry, so memory stays flat however long the file.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import errno
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final, NamedTuple
from urllib.parse import urlsplit

from ..errors import DeskkitError
from . import jsontext, stdin
from .files import NotRegular, broken_link, open_regular, walk
from .jsontext import DECODER, NotJson, loads
from .stdin import STDIN

JSON_SUFFIXES = (".json",)
LINES_SUFFIXES = (".jsonl", ".ndjson")
HAR_SUFFIXES = (".har",)


class Capture(NamedTuple):
    """One response body and where it came from. ``operation`` and ``status`` say what it answers (HAR
    entries know; a plain file is a success body of the spec's first operation)."""

    source: str
    body: bytes | bytearray | None  # bytearray: a long JSON Lines line, judged where it was read
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
    source: str | None = None  # the name reports give it, when not ``path`` (standard input, spooled)
    operation: str | None = None  # the operation its bodies answer (None: the spec's first)


Unit = LineRange | list[Capture]
RANGE_BYTES = 1 << 20
BATCH = 256


def plan(paths: list[str], router: Router, skipped: Skipped, stdin: BinaryIO | None = None,
         scratch: Path | None = None, operation: str | None = None) -> Iterator[Unit]:
    """The work, in input order: JSON Lines files as byte ranges (read where they are judged, so nothing is
    copied between processes), everything else as small batches of captures. Standard input is spooled to
    a file in ``scratch``, a folder the caller keeps until the work is done (ranges are read late). Bodies
    that do not say which operation they answer (all but HAR entries) answer ``operation`` (None: the
    spec's first)."""
    for unit in _units(paths, router, skipped, stdin, scratch):
        yield _answering(unit, operation)


def _answering(unit: Unit, operation: str | None) -> Unit:
    if operation is None:
        return unit
    if isinstance(unit, LineRange):
        return unit._replace(operation=operation)
    return [c if c.operation is not None else c._replace(operation=operation) for c in unit]


def _units(paths: list[str], router: Router, skipped: Skipped, stdin: BinaryIO | None,
           scratch: Path | None) -> Iterator[Unit]:
    for path in _files(paths, skipped):
        if isinstance(path, Unlisted):
            yield [Capture(path.path, None, unreadable=path.reason)]
        elif path is None:
            if scratch is None:
                raise ValueError("reading standard input needs a scratch folder")
            yield from _stdin(stdin or sys.stdin.buffer, scratch)
        elif path.suffix.lower() in LINES_SUFFIXES:
            try:
                yield from line_ranges(path)
            except OSError as exc:
                yield [Capture(str(path), None, unreadable=_cannot_read(exc))]
        else:
            yield from _batched(_guarded(str(path), _file(path, router, skipped)))


class Unlisted(NamedTuple):
    """A folder named on the command line that cannot be listed: asked for, so one unreadable result (a
    folder found inside one that cannot be listed is skipped, with the reason)."""

    path: str
    reason: str


def _files(paths: list[str], skipped: Skipped) -> Iterator[Path | Unlisted | None]:
    """Each file named or found in a named folder (see :func:`.files.walk`), once: a file reached again (named
    twice, in a folder also named, through a link) is skipped, as its responses would count twice. None
    stands for standard input (read once: named again, it is skipped too)."""
    read: set[tuple[int, int]] = set()
    stdin_read = False
    for raw in paths:
        if raw == "-":
            if stdin_read:
                skipped.add("standard input already read (named twice)")
            else:
                stdin_read = True
                yield None
            continue
        path = Path(raw)
        try:
            named = os.stat(raw)
        except OSError:  # its reader says why
            folder = False
        else:
            folder = stat.S_ISDIR(named.st_mode)
        if folder:
            try:
                os.scandir(raw).close()
            except OSError as exc:
                if (named.st_dev, named.st_ino) in read:
                    skipped.add("file already read (named twice, or reached again through a folder or a link)")
                else:
                    read.add((named.st_dev, named.st_ino))
                    yield Unlisted(raw, f"cannot read the folder: {exc.strerror or exc}")
                continue
        for found in walk(path, SUFFIXES, skipped.add) if folder else (path,):
            try:
                info = os.stat(found)
            except OSError:  # its reader says why
                yield found
                continue
            if (info.st_dev, info.st_ino) in read:
                skipped.add("file already read (named twice, or reached again through a folder or a link)")
                continue
            read.add((info.st_dev, info.st_ino))
            yield found


SUFFIXES = JSON_SUFFIXES + LINES_SUFFIXES + HAR_SUFFIXES


def _guarded(source: str, captures: Iterator[Capture]) -> Iterator[Capture]:
    """``captures``, and if reading them fails in a way nobody foresaw, one unreadable capture naming the
    error: one input never takes the others down."""
    try:
        yield from captures
    except Exception as exc:  # the safety net; known failures are handled where they occur
        yield Capture(source, None, unreadable=f"deskkit could not read this input ({type(exc).__name__}: "
                      f"{str(exc)[:200]})")


def _batched(captures: Iterator[Capture]) -> Iterator[list[Capture]]:
    batch: list[Capture] = []
    for capture in captures:
        batch.append(capture)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def line_ranges(path: Path, size: int = RANGE_BYTES, source: str | None = None) -> Iterator[LineRange]:
    """Ranges of whole lines with the number of each range's first line: as many lines as fit in ``size``
    bytes, or one line alone when it is longer (so a long line is read by itself and never copied).

    One pass with one block in memory: only offsets are kept, never the text, however long a line is."""
    name = str(path)
    with open_regular(path) as handle:
        planned = os.fstat(handle.fileno()).st_size  # a file cut while it is read: the rest is said to be gone
        start = offset = 0  # where the range starts; where the block starts in the file
        line = 1
        counted, last = 0, -1  # newlines in [start, offset), and where the last of them is (-1: none)
        long_line = False  # no newline in the range's first ``size`` bytes: the range is that one line
        while block := handle.read(size):
            while True:
                low = max(0, start - offset)
                if long_line:
                    end = block.find(b"\n", low) + 1
                    if not end:
                        break
                elif start + size - offset <= len(block):  # the range's limit falls in this block
                    end = block.rfind(b"\n", low, start + size - offset) + 1
                    if not end and last != -1:
                        end = last + 1 - offset  # at a newline of an earlier block (end <= 0)
                    elif not end:
                        long_line = True
                        continue
                else:
                    break
                yield LineRange(name, start, offset + end, line, source)
                line += counted + newlines(block, low, max(low, end))
                start, counted, last, long_line = offset + end, 0, -1, False
            low = max(0, start - offset)
            counted += newlines(block, low, len(block))
            if (newline := block.rfind(b"\n", low)) != -1:
                last = offset + newline
            offset += len(block)
        if max(offset, planned) > start:
            yield LineRange(name, start, max(offset, planned), line, source)


def newlines(block: bytes, low: int, high: int) -> int:
    """``block.count(b"\\n", low, high)``, the fastest way for the lines there. ``count`` tests every byte in a
    loop of its own (5 instructions a byte: 9k for a line of the vendor page, the planning's whole cost);
    ``find`` reaches each newline with memchr at a few hundred instructions a line. Where the first lines
    (a sample of ``SAMPLE`` bytes) are longer than ``BY_FIND`` bytes on average, ``find`` counts the rest."""
    sample = min(high, low + SAMPLE)
    count = block.count(b"\n", low, sample)
    if count * BY_FIND >= sample - low:  # short lines: count them
        return count + block.count(b"\n", sample, high)
    find = block.find
    at = find(b"\n", sample, high)
    while at != -1:
        count += 1
        at = find(b"\n", at + 1, high)
    return count


#: See :func:`newlines`.
SAMPLE, BY_FIND = 4096, 512


def read_range(unit: LineRange) -> Iterator[Capture]:
    """The responses of one range, one per non-blank line. A range that is one line (a line longer than a
    range) is judged where it was read, not copied: a 400 MB line costs 400 MB here, not twice that."""
    source = unit.source or unit.path
    try:
        with open_regular(unit.path) as handle:
            handle.seek(unit.start)
            data: bytes | bytearray
            # no more than the file now holds (less than planned: cut since; each range says what it lost)
            length = max(0, min(unit.end, os.fstat(handle.fileno()).st_size) - unit.start)
            if length > RANGE_BYTES:  # one long line: trimmed in place, never copied
                data = bytearray(length)
                del data[handle.readinto(data):]
            else:  # read as bytes: no zeroed buffer, no copy to split it (each was a megabyte of fresh pages
                data = handle.read(length)  # faulted in: a fifth of a run's time, in the kernel)
    except OSError as exc:
        yield Capture(source, None, unit.operation, line=unit.first_line, unreadable=_cannot_read(exc))
        return
    gone = 0
    if unit.start + len(data) < unit.end:  # cut since its lines were planned: whole lines judged, the rest said
        kept = data.rfind(b"\n") + 1
        gone_at = unit.first_line + data.count(b"\n", 0, kept)
        gone = unit.end - unit.start - kept
        if isinstance(data, bytearray):
            del data[kept:]
        else:
            data = data[:kept]
    newline = data.find(b"\n")
    lines: Iterable[bytes | bytearray]
    if newline in (-1, len(data) - 1):
        lines = [data]
    elif newline >= LONG_LINE:  # long lines, to judge by the first: found with memchr
        lines = _split_lines(data if type(data) is bytes else bytes(data))
    else:
        lines = data.split(b"\n")
    yield from line_captures(lines, source, unit.operation, unit.first_line)
    if gone > 0:
        yield Capture(source, None, unit.operation, line=gone_at,
                      unreadable=f"the file was cut short while it was read: {gone:,} bytes from here on are gone")


#: A line at least this long (in bytes) is found faster by ``find`` (memchr, then a slice) than by ``split``,
#: which tests every byte in a loop of its own (8.8k instructions on a 1.8 KB line; ``find`` about 4k a line).
LONG_LINE = 1024


def _split_lines(data: bytes) -> Iterator[bytes]:
    """``data.split(b"\n")``, each line found with ``find``."""
    find = data.find
    start = 0
    while (end := find(b"\n", start)) != -1:
        yield data[start:end]
        start = end + 1
    yield data[start:]


def line_captures(lines: Iterable[bytes | bytearray | str], source: str, operation: str | None = None,
                  first_line: int = 1) -> Iterator[Capture]:
    """One capture per non-blank line, numbered from ``first_line`` (blank lines are counted, not judged: a
    trailing newline, a separator). A line's ending (``\n``, ``\r\n``) is not part of its body; text is
    read as UTF-8. A bytearray line is trimmed in place, never copied (a 400 MB line costs 400 MB)."""
    for number, line in enumerate(lines, start=first_line):
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogatepass")
        if line.endswith(b"\n"):
            line = _trim(line, 1)
        if line.endswith(b"\r"):
            end = len(line) - 1
            while end and line[end - 1] == 13:  # \r
                end -= 1
            line = _trim(line, len(line) - end)
        if line and (not line.isspace() or line.strip(b" \t\r\n")):  # not blank() (inlined: every line)
            # Capture(source, line, operation, line=number), without the keyword-taking __new__ a NamedTuple
            # makes (half the cost: 1% of a run on small bodies)
            yield _new_tuple(Capture, (source, line, operation, None, number, None, None))


_new_tuple: Final = tuple.__new__


def _trim(line: bytes | bytearray, count: int) -> bytes | bytearray:
    if isinstance(line, bytearray):
        del line[-count:]
        return line
    return line[:-count]


def check_paths(paths: list[str], stdin: object = None) -> None:
    """Usage errors before any work: every named path must exist, and standard input be open if named."""
    for raw in paths:
        if raw == "-":
            if stdin is None:
                raise DeskkitError("standard input is closed: pipe captures into `deskkit validate -`, or name "
                                   "files and folders")
            continue
        try:
            os.stat(raw)
        except OSError as exc:  # (one it may not look into, EACCES: its reader says so, as an unreadable result)
            if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
                broken = broken_link(raw)
                raise DeskkitError(f"{broken}: {raw}" if broken else f"no such file or folder: {raw}") from None


def _cannot_read(exc: OSError) -> str:
    if isinstance(exc, NotRegular):
        return (f"not a regular file ({exc.kind}); to judge a stream, pipe it into `deskkit validate -`")
    return f"cannot read the file: {exc.strerror or exc}"


def _file(path: Path, router: Router, skipped: Skipped) -> Iterator[Capture]:
    try:
        with open_regular(path) as handle:
            if path.suffix.lower() in HAR_SUFFIXES:
                yield from _har(path, handle, router, skipped)
            else:
                yield Capture(str(path), handle.read())
    except OSError as exc:
        yield Capture(str(path), None, unreadable=_cannot_read(exc))


def _stdin(handle: BinaryIO, scratch: Path) -> Iterator[Unit]:
    """Standard input, spooled to a file, as one document or as JSON Lines (the rule: :mod:`.stdin`)."""
    fd, name = tempfile.mkstemp(prefix="stdin-", dir=scratch)
    os.close(fd)
    spooled = Path(name)
    try:
        stdin.spool(handle, spooled)
    except OSError as exc:
        yield [Capture(STDIN, None, unreadable=f"cannot read standard input: {exc.strerror or exc}")]
        return
    shape = stdin.form(spooled)
    if shape == "lines":
        yield from line_ranges(spooled, source=STDIN)
    else:
        yield [Capture(STDIN, b"" if shape == "empty" else spooled.read_bytes())]


HAR_WHOLE_BYTES = 64 << 20  # smaller HAR files are decoded whole; larger ones entry by entry


def _har_whole_bytes() -> int:
    """``HAR_WHOLE_BYTES``, or ``$DESKKIT_HAR_WHOLE_BYTES`` (lets a test take the streaming path end to end)."""
    return int(os.environ.get("DESKKIT_HAR_WHOLE_BYTES") or HAR_WHOLE_BYTES)


def _har(path: Path, handle: BinaryIO, router: Router, skipped: Skipped) -> Iterator[Capture]:
    source = str(path)
    try:
        whole = os.fstat(handle.fileno()).st_size <= _har_whole_bytes()
        entries = _har_entries(handle.read()) if whole else _stream_har_entries(handle)
        for index, entry in enumerate(entries):
            capture = _har_entry(source, index, entry, router, skipped)
            if capture is not None:
                yield capture
    except _NotHar as exc:
        yield Capture(source, None, unreadable=f"not a HAR file: {exc}")


class _NotHar(Exception):
    pass


def _har_entries(data: bytes) -> list[Any]:
    try:
        har = loads(data)
    except NotJson as exc:
        raise _NotHar(str(exc)) from None
    log = har.get("log") if isinstance(har, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise _NotHar("expected /log/entries to be an array")
    return entries


_SPACE = re.compile(r"[ \t\n\r]*")  # RFC 8259's whitespace
_NUMBER_GOES_ON = re.compile(r"[0-9.eE+-]*")  # what may follow a number's prefix at the end of the text read


class _Text:
    """The part of a large HAR file read and not yet consumed, as text, with the line it starts on (for
    positions). Reads append at least as much as is held, so an entry of any size is decoded a bounded
    number of times (the text doubles between attempts) and the work stays linear."""

    def __init__(self, handle: BinaryIO, block: int) -> None:
        self.handle, self.block = handle, block
        self.utf8 = codecs.getincrementaldecoder("utf-8")("surrogatepass")
        self.text, self.eof = "", False
        self.line, self.column = 1, 0  # where text[0] is in the file: its line, and the column before it

    def fill(self, position: int, at_least: int = 0) -> None:
        """Drop what is before ``position`` and read at least ``at_least`` more bytes (or a block)."""
        more = self.handle.read(max(self.block, at_least))
        self.eof = not more
        try:
            added = self.utf8.decode(more, final=self.eof)
        except UnicodeDecodeError as exc:
            raise _NotHar(f"not UTF-8 text ({exc.reason}) after line {self.line + self.text.count(chr(10))}"
                          ) from None
        newlines = self.text.count("\n", 0, position)
        if newlines:
            self.line += newlines
            self.column = position - self.text.rfind("\n", 0, position) - 1
        else:
            self.column += position
        self.text = self.text[position:] + added

    def where(self, position: int) -> str:
        """``line L column C`` of ``position`` in the text, counted in the whole file."""
        at = jsontext.position(self.text, position)
        column = at["column"] + (self.column if at["line"] == 1 else 0)
        return f"line {self.line + at['line'] - 1} column {column}"


def _stream_har_entries(handle: BinaryIO, block: int = 1 << 20,
                        decoder: json.JSONDecoder = DECODER) -> Iterator[Any]:
    """Entries of a large HAR one at a time: memory holds one entry (twice at most) and a block, not the file.

    The document is walked as JSON down to ``/log/entries`` (the other members of the top object and of
    ``log`` are decoded one at a time and dropped: ``log.creator`` may hold an "entries" of its own), then
    each element is decoded by the C decoder once the text read so far holds all of it."""
    reader = _Reader(_Text(handle, block), decoder)
    for char, member in (("{", "log"), ("{", "entries"), ("[", None)):
        reader.enter(char, _NO_ENTRIES)
        if member is not None:
            reader.member(member, _NO_ENTRIES)
    index = 0
    while reader.more("]", f"entry /log/entries/{index - 1}", "the entries array is not closed", first=index == 0):
        yield reader.value(f"entry /log/entries/{index}")
        index += 1


_NO_ENTRIES = "expected /log/entries to be an array"


class _Reader:
    """A walk through the JSON text of a :class:`_Text`, one token or value at a time (reading more as needed)."""

    def __init__(self, buffer: _Text, decoder: json.JSONDecoder) -> None:
        self.buffer, self.decoder, self.position = buffer, decoder, 0

    def peek(self, ending: str) -> str:
        """The next character that is not whitespace (the file ending there: ``ending``, a _NotHar)."""
        while True:
            text = self.buffer.text
            self.position = _SPACE.match(text, self.position).end()  # type: ignore[union-attr]
            if self.position < len(text):
                return text[self.position]
            if self.buffer.eof:
                raise _NotHar(ending)
            self.buffer.fill(self.position)
            self.position = 0

    def enter(self, char: str, wrong: str) -> None:
        if self.peek(wrong) != char:
            raise _NotHar(f"{wrong} (found {self.buffer.text[self.position]!r} at "
                          f"{self.buffer.where(self.position)})")
        self.position += 1

    def more(self, close: str, last: str, ending: str, *, first: bool) -> bool:
        """Whether another member or item follows (its comma consumed), or ``close`` ends them."""
        char = self.peek(ending)
        if char == close:
            self.position += 1
            return False
        if not first:
            if char != ",":
                raise _NotHar(f"expected ',' or '{close}' after {last} at {self.buffer.where(self.position)}")
            self.position += 1
        return True

    def member(self, name: str, missing: str) -> None:
        """Go past the members of the object just entered up to ``name``'s value (JSON's rule for a name given
        twice is the last one's: this takes the first, as no real HAR holds two)."""
        first = True
        while self.more("}", "a member", missing, first=first):
            first = False
            if self.peek(missing) != '"':
                raise _NotHar(f"expected a member name at {self.buffer.where(self.position)}")
            key = self.value("a member name")
            if self.peek(missing) != ":":
                raise _NotHar(f"expected ':' at {self.buffer.where(self.position)}")
            self.position += 1
            if key == name:
                return
            self.value(f"the value of {key!r}")  # read and dropped, one member at a time
        raise _NotHar(missing)

    def value(self, what: str) -> Any:
        """The JSON value at the position, decoded whole (the text read doubling until it holds all of it)."""
        buffer = self.buffer
        while True:
            self.peek(f"{what} is missing: the file ends")
            text, position = buffer.text, self.position
            try:
                found, end = self.decoder.raw_decode(text, position)
            except json.JSONDecodeError as exc:
                if buffer.eof and _cut_short(exc, len(text)):
                    raise _NotHar(f"{what} is cut short: the file ends inside it") from None
                if buffer.eof or not _cut_short(exc, len(text)):
                    raise _NotHar(f"{what} is not JSON ({exc.msg}) at {buffer.where(exc.pos)}") from None
                buffer.fill(position, at_least=len(text) - position)  # double what the value has so far
                self.position = 0
                continue
            except RecursionError:
                raise _NotHar(f"{what} is nested too deeply") from None
            except ValueError as exc:  # NaN, infinities, the int-string limit: not JSON, said where
                reason, offset = jsontext.explain(text, exc, position)
                at = f" at {buffer.where(offset)}" if offset is not None else ""
                raise _NotHar(f"{what}: {reason}{at}") from None
            if not buffer.eof and not isinstance(found, dict | list) and _NUMBER_GOES_ON.fullmatch(text, end):
                buffer.fill(position)  # a number at the very end may go on in the next block ("1." then "5")
                self.position = 0
                continue
            self.position = end
            return found


def _cut_short(exc: json.JSONDecodeError, length: int) -> bool:
    """Whether the decoder stopped because the text ended (more may come), not at a syntax error: a string
    still open, or an error within the last few characters (a literal or an escape cut in two)."""
    return exc.msg.startswith("Unterminated string") or exc.pos >= length - 16


def _har_entry(source: str, index: int, entry: Any, router: Router, skipped: Skipped) -> Capture | None:
    where = f"/log/entries/{index}"
    if not isinstance(entry, dict):
        return Capture(source, None, entry=index,
                       unreadable=f"HAR entry {where} is not an object (found {jsontext.json_type(entry)})")
    try:
        request, response = entry["request"], entry["response"]
        url, verb, status = request["url"], request["method"], response["status"]
    except (KeyError, TypeError):
        return Capture(source, None, entry=index,
                       unreadable=f"HAR entry {where} lacks request.url, request.method or response.status")
    for field_, value in (("url", url), ("method", verb)):  # (str(None) matched no operation: "another request")
        if not isinstance(value, str):
            return Capture(source, None, entry=index, unreadable=f"{where}/request/{field_} is not a string "
                           f"(found {jsontext.json_type(value)})")
    try:
        path = urlsplit(url).path
    except ValueError as exc:  # e.g. "Invalid IPv6 URL": the entry cannot be matched to an operation
        return Capture(source, None, entry=index, unreadable=f"{where}/request/url is not a URL ({exc})")
    operation, _ = router.match(verb, path)
    if operation is None:
        skipped.add("HAR entry for another request")
        return None
    if type(status) is not int:
        return Capture(source, None, operation.id, entry=index,
                       unreadable=f"{where}/response/status is not an integer")
    if not (200 <= status < 300 or 400 <= status < 600):
        skipped.add(f"HAR entry with status {status}" if 0 <= status < 1000 else "HAR entry with a status "
                    "outside 0-999")
        return None
    op = operation.id
    content = response.get("content") or {}
    text = content.get("text") if isinstance(content, dict) else None
    if not isinstance(text, str):
        found = "missing" if text is None else f"not a string, found {jsontext.json_type(text)}"
        return Capture(source, None, op, status, entry=index,
                       unreadable=f"no body captured ({where}/response/content/text is {found})")
    if content.get("encoding") == "base64":
        try:
            return Capture(source, base64.b64decode(text, validate=True), op, status, entry=index)
        except (binascii.Error, ValueError):
            return Capture(source, None, op, status, entry=index,
                           unreadable=f"{where}/response/content/text is not valid base64")
    return Capture(source, text.encode("utf-8", "surrogatepass"), op, status, entry=index)
