"""Standard input: spooled to a file, then read as one JSON document or as JSON Lines.

Which of the two it is (the rule the README states):

- nothing but whitespace: one empty body (``unreadable``, "empty body");
- one non-blank line: JSON Lines, that one line with its number (what a ``.jsonl`` file gives);
- several lines that decode together as one JSON value: one document (a pretty-printed body);
- otherwise JSON Lines when at least one line is, on its own, a JSON object or array (JSON Lines whose
  first line, or any line, is broken); else one document (a pretty-printed body that is broken).

The first line alone never decides. Spooling to disk keeps memory flat, and JSON Lines on standard input is
then the very same work as a ``.jsonl`` file with the same bytes: same ranges, same line numbers, same
results (only the source name, ``<stdin>``, differs).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, BinaryIO, Literal

from .jsontext import DECODER, NotJson, blank, loads

STDIN = "<stdin>"
BLOCK = 1 << 20
Form = Literal["empty", "lines", "document"]
_WHITESPACE = re.compile(rb"[ \t\n\r]*")
_JSON_WHITESPACE = re.compile(r"[ \t\n\r]*")


def spool(handle: BinaryIO, path: Path) -> None:
    """Copy standard input to ``path`` (one block in memory at a time)."""
    with path.open("wb") as out:
        shutil.copyfileobj(handle, out, BLOCK)


def form(path: Path, block: int = BLOCK) -> Form:
    """How the spooled input at ``path`` is judged (see the module docstring)."""
    lines = _non_blank_lines(path, block, stop=2)
    if lines == 0:
        return "empty"
    if lines == 1:
        return "lines"
    if _one_document(path, block):
        return "document"
    return "lines" if _a_line_holds_a_container(path) else "document"


def _non_blank_lines(path: Path, block: int, stop: int) -> int:
    """How many lines hold more than whitespace, counting no further than ``stop``."""
    count, content = 0, False
    with path.open("rb") as handle:
        while chunk := handle.read(block):
            for index, piece in enumerate(chunk.split(b"\n")):
                if index and content:  # a newline ended a line with content
                    count, content = count + 1, False
                    if count >= stop:
                        return count
                content = content or (bool(piece) and not blank(piece))
    return count + content


def _one_document(path: Path, block: int) -> bool:
    """Whether the whole input is one JSON value. The first value is decoded from prefixes that end on a
    line end (no token spans lines, so an error before the end of a prefix is an error in the whole) and
    double in size (so the work stays linear); then all that follows it must be whitespace."""
    with path.open("rb") as handle:
        data, size = b"", block
        while True:
            more = handle.read(size)
            data += more
            eof = len(more) < size
            size = max(block, len(data))
            cut = len(data) if eof else data.rfind(b"\n") + 1
            if cut == 0:
                continue
            ends = _first_value(data[:cut], eof)
            if ends == _MORE:
                continue
            if ends != _ONE:
                return False
            return _blank(data[cut:]) and all(_blank(rest) for rest in iter(lambda: handle.read(block), b""))


_ONE, _NOT_ONE, _MORE = "one value", "not one value", "more text needed"


def _first_value(prefix: bytes, eof: bool) -> str:
    """Whether ``prefix`` is one JSON value and whitespace (``_ONE``), is not (``_NOT_ONE``), or only more
    text can say (``_MORE``)."""
    try:
        text = prefix.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _NOT_ONE
    try:
        _, end = DECODER.raw_decode(text, _JSON_WHITESPACE.match(text).end())  # type: ignore[union-attr]
    except json.JSONDecodeError as exc:
        if eof or exc.pos < len(text.rstrip(" \t\r\n")):
            return _NOT_ONE
        return _MORE
    except (ValueError, RecursionError):
        return _NOT_ONE
    return _ONE if _JSON_WHITESPACE.match(text, end).end() == len(text) else _NOT_ONE  # type: ignore[union-attr]


def _blank(data: bytes) -> bool:
    return _WHITESPACE.match(data).end() == len(data)  # type: ignore[union-attr]


def _a_line_holds_a_container(path: Path) -> bool:
    """Whether some line is, on its own, a JSON object or array."""
    with path.open("rb") as handle:
        for line in handle:
            first = _WHITESPACE.match(line, 3 if line.startswith(b"\xef\xbb\xbf") else 0).end()  # type: ignore[union-attr]
            if line[first : first + 1] in (b"{", b"["):  # a cheap look before decoding
                try:
                    value: Any = loads(line)
                except NotJson:
                    continue
                if isinstance(value, dict | list):
                    return True
    return False
