"""Report writers for `deskkit validate`: json (one document), text (for people), junit (CI dashboards).

Results are rendered to text by pure functions (``RENDERERS``, so worker processes can do it) and arrive
at a writer in chunks, in input order. Writers keep memory flat: rendered text goes to a temporary file,
and the summary (which comes first) is written when the run ends.

Every report stays well-formed whatever the captures hold. Keys, values and file names can carry control
characters, ANSI escape sequences, bidirectional overrides and lone surrogates (a ``"\\ud800"`` escape, or a
file name that is not UTF-8): the JSON report escapes them as ``\\uXXXX`` (it decodes back to the same
text), the text and junit reports show them as visible escapes (``\\x1b``, ``\\u202e``; a byte of a file
name that is not UTF-8 as ``\\xff``), so a terminal never interprets them and XML 1.0 can carry the report.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import IO, Any, Final, Protocol

from .jsontext import FAST_DUMPS
from .results import VERDICTS, Chunk, OffPageRecord, Result, Spilled, fails


class Summary:
    """Counts per verdict, skipped inputs, how often each quirk was seen (evidence for the spec), and how
    often the service relied on something the page does not promise (known off the page, by level)."""

    def __init__(self) -> None:
        self.verdicts: Counter[str] = Counter()
        self.quirks: Counter[str] = Counter()
        self.undocumented: Counter[str] = Counter()
        self.off_page: Counter[tuple[str, str]] = Counter()
        self.skipped = 0
        self.skipped_reasons: dict[str, int] = {}

    def add(self, chunk: Chunk) -> None:
        self.verdicts.update(chunk.verdicts)
        self.quirks.update(chunk.quirks)
        for pointer, count in chunk.undocumented.items():
            self.undocumented[_generalize(pointer)] += count
        for (level, pointer), count in chunk.off_page.items():
            self.off_page[level, _generalize(pointer)] += count

    def levels(self) -> Counter[str]:
        """Off-page findings per level of knowledge."""
        out: Counter[str] = Counter()
        for (level, _), count in self.off_page.items():
            out[level] += count
        return out

    def count(self, result: Result) -> None:
        """Add one result."""
        self.verdicts[result["verdict"]] += 1
        self.quirks.update(p["quirk"] for p in result["problems"] if p["quirk"])
        for pointer in result["undocumented_fields"]:
            self.undocumented[_generalize(pointer)] += 1
        for record in result.get("off_page", ()):
            self.off_page[record["known"] or "", _generalize(record["pointer"])] += 1

    def merge(self, other: Summary) -> Summary:
        """Add the counts of ``other`` (the summary of another batch) to these; returns self."""
        self.verdicts.update(other.verdicts)
        self.quirks.update(other.quirks)
        self.undocumented.update(other.undocumented)
        self.off_page.update(other.off_page)
        self.skipped += other.skipped
        for reason, count in other.skipped_reasons.items():
            self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + count
        return self

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {verdict: self.verdicts[verdict] for verdict in VERDICTS}
        out["skipped"] = self.skipped
        out["skipped_reasons"] = dict(sorted(self.skipped_reasons.items()))
        out["quirks"] = dict(sorted(self.quirks.items()))
        out["undocumented_fields"] = dict(sorted(self.undocumented.items()))
        by_level: dict[str, dict[str, int]] = {}
        for (level, pointer), count in sorted(self.off_page.items()):
            by_level.setdefault(level, {})[pointer] = count
        out["off_page"] = by_level
        return out

    def failed(self, strict: bool) -> int:
        """How many responses fail the run (the rule is :func:`~.results.fails`)."""
        return sum(n for verdict, n in self.verdicts.items() if fails(verdict, strict))

    def line(self) -> str:
        parts = [f"{self.verdicts[v]} {v}" for v in VERDICTS] + [f"{self.skipped} skipped"]
        return ", ".join(parts)


#: What a terminal would act on or hide, what XML 1.0 cannot carry, and what UTF-8 cannot encode: C0 and C1
#: controls, DEL, line and paragraph separators, bidirectional controls, lone surrogates, U+FFFE/U+FFFF.
_UNSAFE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
#: Bytes of UTF-8 text that can be nothing ``_UNSAFE`` matches, and the UTF-8 starts of what it matches beyond
#: ASCII (C1 controls; separators and bidirectional controls; U+FFFE/U+FFFF).
_SAFE_BYTES: Final = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_SAFE_BYTES_AND_NEWLINE: Final = b"\n" + _SAFE_BYTES
_SUSPECT: Final = (b"\xc2", b"\xe2\x80", b"\xe2\x81", b"\xef\xbf")
#: The same for JSON output, where the encoder has already escaped C0 controls.
_UNSAFE_IN_JSON: Final = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 in a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _plain(text: str, safe: bytes = _SAFE_BYTES) -> bool:
    """Whether ``text`` certainly holds nothing to escape, found at C speed (a regex scan costs as much as
    writing the JSON); False sends it to the regex, which decides."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    if data.translate(None, safe):  # a C0 control or DEL
        return False
    return text.isascii() or not any(start in data for start in _SUSPECT)


def visible(text: str) -> str:
    """``text`` with every unsafe character (see ``_UNSAFE``) as a visible escape: for the text and junit
    reports."""
    return text if _plain(text) else _UNSAFE.sub(_visible_char, text)


def json_safe(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the unsafe characters left in its strings
    escaped as ``\\uXXXX``: the same JSON value, encodable as UTF-8 and harmless on a terminal."""
    if text.isascii() and "\x7f" not in text:  # the encoder escaped C0 controls: only DEL is left to look for
        return text
    return text if _plain(text) else _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _generalize(pointer: str) -> str:
    """``/desktop/0/tags/3/x`` → ``/desktop/*/tags/*/x``: one count per undocumented field, not per index."""
    return "/".join("*" if token.isdigit() else token for token in pointer.split("/"))


class Writer(Protocol):
    """``add`` places a chunk of results, rendered by ``RENDERERS[writer.renders]`` (pure functions, so
    worker processes can render)."""

    renders: str

    def add(self, chunk: Chunk) -> None: ...
    def close(self, summary: Summary) -> None: ...
    def discard(self) -> None:
        """Let go of what the writer holds (its spooled files), written or not: a run that ended early."""


@lru_cache(maxsize=256)
def _json_string(text: str) -> str:
    return json_safe(json.dumps(text, ensure_ascii=False))


#: ``json.dumps(value, ensure_ascii=False)`` with one encoder made once (``dumps`` makes one per call with
#: these options); results are trees deskkit built, so the check for cycles is left out.
_ENCODE: Final = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _dumps(result: Result, fast: Callable[[Any], str] | None = FAST_DUMPS) -> str:
    """``json.dumps(result, ensure_ascii=False)``: by msgspec where it can (the same text, about ten times
    faster on a result with findings; see :data:`~.jsontext.FAST_DUMPS`), else by the standard library."""
    if fast is not None:
        try:
            return fast(result)
        except (TypeError, ValueError):  # a lone surrogate: the standard library writes it, json_safe escapes it
            pass
    return _ENCODE(result)


def render_json(result: Result, fast: Callable[[Any], str] | None = FAST_DUMPS) -> str:
    """``json.dumps(result)``, byte for byte (``fast``: msgspec's encoder, see :func:`_dumps`). Without it,
    clean results (the common case) skip the standard library's general encoder; msgspec is faster still."""
    if (fast is not None or result["problems"] or result["undocumented_fields"] or result["off_page"]
            or set(result) - _CLEAN_KEYS):
        return json_safe(_dumps(result, fast))
    where = "".join(f', "{key}": {result[key]}' for key in ("line", "entry") if key in result)
    return (f'{{"source": {_json_string(result["source"])}{where}, '
            f'"operation": {_json_string(result["operation"])}, "contract": {_json_string(result["contract"])}, '
            f'"verdict": {_json_string(result["verdict"])}, "problems": [], "undocumented_fields": [], '
            f'"off_page": []}}')


_CLEAN_KEYS: Final = {"source", "line", "entry", "operation", "contract", "verdict", "problems",
                      "undocumented_fields", "off_page"}


class JsonWriter:
    renders = "json"

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.spool = Spool()
        self.first = True

    def add(self, chunk: Chunk) -> None:
        if chunk.text:
            if not self.first:
                self.spool.write(",\n")
            self.spool.put(chunk.text)
            self.first = False

    def close(self, summary: Summary) -> None:
        self.out.write('{"summary": ' + json_safe(json.dumps(summary.as_dict(), ensure_ascii=False)) +
                       ',\n"results": [\n')
        self.spool.pour(self.out)
        self.spool.close()
        self.out.write("\n]}\n")

    def discard(self) -> None:
        self.spool.close()


class Spool:
    """The report text a writer holds until the summary that comes before it is known: text in hand written
    to a temporary file, and the files workers left their text in (:class:`Spilled`) held open in their place
    between the two, not copied in. A parallel run's text is then copied once, into the report, rather than
    twice (into the spool, then out of it: a tenth of a two-worker run's CPU on the vendor page).

    A held file's name is removed as soon as it is opened, as the spool's own file has none: however the
    process ends (a SIGKILL included), the system takes the room back. At most ``HOLD`` files are held open
    (each takes a descriptor); the text of any more, or of one that cannot be opened, is copied in."""

    HOLD = 256

    def __init__(self) -> None:
        self.file: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - lives with the spool
            "w+", encoding="utf-8", errors="backslashreplace")
        self.held: list[tuple[int, IO[bytes]]] = []  # (where in the file a held file's text goes, the file)

    def write(self, text: str) -> None:
        self.file.write(text)

    def put(self, text: str | bytes | Spilled) -> None:
        if not (isinstance(text, Spilled) and self._hold(text)):
            put(self.file, text)

    def _hold(self, text: Spilled) -> bool:
        """Hold a worker's file open in its place, its name removed; False when it cannot be (then nothing is)."""
        if len(self.held) >= self.HOLD:
            return False
        try:
            handle = open(text.path, "rb")  # noqa: SIM115 - closed once poured, or with the spool
        except OSError:  # (out of descriptors, say)
            return False
        try:
            os.unlink(text.path)
        except OSError:
            handle.close()
            return False
        self.file.flush()
        self.held.append((self.file.buffer.tell(), handle))  # type: ignore[attr-defined]
        return True

    def pour(self, out: IO[str]) -> None:
        """Everything held, in order, after what ``out`` holds."""
        self.file.seek(0)  # (flushes what was written)
        source: IO[bytes] = self.file.buffer  # type: ignore[attr-defined]
        done = 0
        for at, handle in self.held:
            _pour(source, out, done, at)
            done = at
            with handle:  # (its room back as soon as it is in the report)
                _pour(handle, out)
        _pour(source, out, done)

    def close(self) -> None:
        self.file.close()
        for _, handle in self.held:
            handle.close()
        self.held = []


def _where(result: Result) -> str:
    if "line" in result:
        return f"line {result['line']}"
    if "entry" in result:
        return f"HAR entry {result['entry']}"
    return "body"


def _off_page_tag(record: OffPageRecord) -> str:
    quirk = f"; quirk {record['quirk']}" if record["quirk"] else ""
    return f"known: {record['known']}{quirk}" + ("; refused in strict mode" if record["refused_in_strict"] else "")


def render_text(result: Result) -> str:
    # Fields known off the page alone leave a response conformant and unlisted: the summary counts them.
    if result["verdict"] == "conformant" and not result["undocumented_fields"]:
        return ""
    lines = [f"  {_where(result)}: {result['verdict']}"]
    for problem in result["problems"]:
        tag = f"quirk {problem['quirk']}" if problem["quirk"] else "violation"
        rule = f"  [{problem['rule']}]" if problem["rule"] else ""
        lines.append(f"    {problem['pointer'] or '/'}: {problem['message']} ({tag}){rule}")
    for known in result["off_page"]:
        rule = f"  [{known['rule']}]" if known["rule"] else ""
        lines.append(f"    {known['pointer'] or '/'}: {known['message']} ({_off_page_tag(known)}){rule}")
    lines += [f"    {pointer}: undocumented field (kept; the spec does not describe it)"
              for pointer in result["undocumented_fields"]]
    text = "\n".join(lines) + "\n"
    if _plain(text, _SAFE_BYTES_AND_NEWLINE) and text.count("\n") == len(lines):
        return text  # the common case: nothing to escape, and no line break inside a line
    return "".join(visible(line) + "\n" for line in lines)


class TextWriter:
    """Grouped by file; conformant responses are only counted, everything else is shown with its problems."""

    renders = "text"

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.source: str | None = None
        self.counts: Counter[str] = Counter()

    def _flush_source(self) -> None:
        if self.source is not None:
            counts = ", ".join(f"{self.counts[v]} {v}" for v in VERDICTS if self.counts[v])
            self.out.write(f"  ({counts})\n")

    def add(self, chunk: Chunk) -> None:
        if chunk.source != self.source:
            self._flush_source()
            self.source, self.counts = chunk.source, Counter()
            self.out.write(f"{visible(self.source)}\n")
        self.counts.update(chunk.verdicts)
        put(self.out, chunk.text)

    def close(self, summary: Summary) -> None:
        self._flush_source()
        quirks = ", ".join(f"{q} x{n}" for q, n in sorted(summary.quirks.items()))
        levels = ", ".join(f"{level} x{n}" for level, n in sorted(summary.levels().items()))
        self.out.write(f"summary: {summary.line()}" + (f"; quirks seen: {quirks}" if quirks else "")
                       + (f"; off the page: {levels}" if levels else "") + "\n")

    def discard(self) -> None:
        pass  # (nothing spooled)


def _junit_case(result: Result, strict: bool) -> str:
    from xml.sax.saxutils import escape, quoteattr  # here: it imports urllib.request, a tenth of start-up

    verdict = result["verdict"]
    lines = [f"{p['pointer'] or '/'}: {p['message']}" + (f" (quirk {p['quirk']})" if p["quirk"] else "")
             for p in result["problems"]]
    lines += [f"{k['pointer'] or '/'}: {k['message']} ({_off_page_tag(k)})" for k in result["off_page"]]
    details = "\n".join(visible(line) for line in lines)
    out = f"    <testcase classname={quoteattr(visible(result['source']))} name={quoteattr(_where(result))}>\n"
    if fails(verdict, strict):
        out += f"      <failure type={quoteattr(verdict)} message={quoteattr(verdict)}>{escape(details)}</failure>\n"
    elif details:
        out += f"      <system-out>{escape(verdict + chr(10) + details)}</system-out>\n"
    return out + "    </testcase>\n"


def render_junit(result: Result) -> str:
    return _junit_case(result, False)


def render_junit_strict(result: Result) -> str:
    return _junit_case(result, True)


class JunitWriter:
    """One testsuite per source, one testcase per response; violations and unreadable bodies fail
    (tolerated ones too, with --strict)."""

    def __init__(self, out: IO[str], strict: bool) -> None:
        self.out = out
        self.strict = strict
        self.renders = "junit-strict" if strict else "junit"
        self.suites: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - lives with the writer
            "w+", encoding="utf-8", errors="backslashreplace")
        self.cases: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115
            "w+", encoding="utf-8", errors="backslashreplace")
        self.source: str | None = None
        self.tests = self.failures = 0

    def _flush_source(self) -> None:
        from xml.sax.saxutils import quoteattr

        if self.source is None:
            return
        self.suites.write(f"  <testsuite name={quoteattr(visible(self.source))} tests=\"{self.tests}\" "
                          f"failures=\"{self.failures}\" errors=\"0\">\n")
        _copy(self.cases, self.suites)
        self.suites.write("  </testsuite>\n")
        self.cases.seek(0)
        self.cases.truncate()
        self.tests = self.failures = 0

    def add(self, chunk: Chunk) -> None:
        if chunk.source != self.source:
            self._flush_source()
            self.source = chunk.source
        self.tests += chunk.results
        self.failures += sum(n for verdict, n in chunk.verdicts.items() if fails(verdict, self.strict))
        put(self.cases, chunk.text)

    def close(self, summary: Summary) -> None:
        self._flush_source()
        total = sum(summary.verdicts.values())
        failed = summary.failed(self.strict)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(f'<testsuites name="deskkit validate" tests="{total}" failures="{failed}">\n')
        _copy(self.suites, self.out)
        self.discard()
        self.out.write("</testsuites>\n")

    def discard(self) -> None:
        self.suites.close()
        self.cases.close()


def put(out: IO[str], text: str | bytes | Spilled) -> None:
    """A chunk's text after what ``out`` holds: in hand (as text, or as UTF-8: see :func:`encoded`), or left in a
    file by the worker that rendered it."""
    if isinstance(text, str):
        out.write(text)
    elif isinstance(text, bytes):
        if not text:
            return
        target = getattr(out, "buffer", None)
        # as bytes where text mode writes "\n" as it is (on Windows it writes "\r\n": the text goes through it)
        if target is not None and _utf8(out) and os.linesep == "\n":
            out.flush()
            target.write(text)
        else:
            out.write(text.decode("utf-8"))
    else:
        with open(text.path, "rb") as source:
            _pour(source, out)


def encoded(texts: list[str], joiner: str) -> bytes:
    """``texts`` joined by ``joiner`` (ASCII), as UTF-8, a lone surrogate as a backslash escape (as the spools
    write it). Texts that are all ASCII are joined, then encoded at once (a copy); otherwise each is encoded
    by itself: joined first, one character past Latin-1 made the whole text four bytes a character, and the
    encoder went through all of it a character at a time (6% of a run on the samples corpus, where one result
    in twenty holds such a character)."""
    if all(map(str.isascii, texts)):
        return joiner.join(texts).encode("ascii")
    return joiner.encode().join([text.encode("utf-8", "backslashreplace") for text in texts])


def _copy(spool: IO[str], out: IO[str]) -> None:
    """The spooled text after what ``out`` holds."""
    spool.seek(0)  # (flushes what was written)
    source = getattr(spool, "buffer", None)
    if source is not None and _utf8(spool):
        _pour(source, out)
        return
    for chunk in iter(lambda: spool.read(1 << 16), ""):
        out.write(chunk)


def _pour(source: IO[bytes], out: IO[str], start: int = 0, end: int | None = None) -> None:
    """Bytes ``start`` to ``end`` (None: its end) of UTF-8 file ``source`` after what ``out`` holds. Byte for
    byte when ``out`` is a UTF-8 file: a report of hundreds of megabytes is then not decoded and encoded
    again, which took a tenth of a parallel run."""
    target = getattr(out, "buffer", None)
    if target is not None and _utf8(out):
        out.flush()
        target.flush()
        start = _in_kernel(source, target, start, end)
        for block in _blocks(source, start, end):
            target.write(block)
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    for block in _blocks(source, start, end):
        out.write(decoder.decode(block))
    out.write(decoder.decode(b"", final=True))


def _blocks(source: IO[bytes], start: int, end: int | None) -> Iterator[bytes]:
    """Bytes ``start`` to ``end`` (None: its end) of ``source``, a megabyte at a time."""
    source.seek(start)
    while end is None or start < end:
        block = source.read(1 << 20 if end is None else min(end - start, 1 << 20))
        if not block:
            return
        start += len(block)
        yield block


def _in_kernel(source: IO[bytes], target: IO[bytes], start: int, end: int | None) -> int:
    """Copy bytes ``start`` to ``end`` of ``source`` after ``target`` (flushed) file to file in the kernel, the
    bytes never passing through this process. Returns where the rest is to be copied from the usual way:
    ``end`` when done, ``start`` when the two cannot (a pipe, no such call), where the kernel stopped
    otherwise."""
    try:
        ends = source.fileno(), target.fileno()
        while end is None or start < end:
            size = 1 << 30 if end is None else min(end - start, 1 << 30)
            copied = os.copy_file_range(*ends, size, start)  # (from ``start``: the source's position unused)
            if not copied:
                break
            start += copied
    except (AttributeError, OSError, ValueError):  # (io.UnsupportedOperation is an OSError)
        pass
    return start


def _utf8(stream: IO[str]) -> bool:
    encoding = getattr(stream, "encoding", None)
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


#: Per format: how one result is rendered, and what joins rendered results.
RENDERERS: dict[str, tuple[Callable[[Result], str], str]] = {
    "json": (render_json, ",\n"), "text": (render_text, ""), "junit": (render_junit, ""),
    "junit-strict": (render_junit_strict, ""),
}


def writer(kind: str, out: IO[str], strict: bool) -> Writer:
    if kind == "json":
        return JsonWriter(out)
    if kind == "junit":
        return JunitWriter(out, strict)
    return TextWriter(out)
