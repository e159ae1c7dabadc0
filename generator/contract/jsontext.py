"""JSON text as RFC 8259 defines it: decode strictly, and say where decoding stopped and why.

Python's decoder is more lenient than the RFC and less talkative than a report needs: it accepts ``NaN``,
``Infinity`` and ``-Infinity``, turns ``1e400`` into ``inf``, and raises a bare ``ValueError`` for an integer
longer than the int-string limit (4300 digits by default) and a ``RecursionError`` for deep nesting, both
without a position. :func:`loads` refuses all of these with a :class:`NotJson` that carries a reason and the
line and column (1-based, in characters) where the offending text starts.

Finding that place is off the fast path: a scan over the text that skips strings with the decoder's own C
string scanner, so it stays linear however long the strings are.

With msgspec installed (the ``fast`` extra), :func:`loads` first tries msgspec's decoder, three to four times
faster than the standard library's. It is trusted only where it agrees with the standard library: it refuses
everything this module refuses (NaN, infinities, ``1e400``, integers past the int-string limit, which it reads
through the same ``int`` conversion), reads the same numbers (integers of any length up to that limit stay
exact, floats are correctly rounded) and keeps the last of duplicate keys. What it refuses besides — a lone
surrogate escape such as ``"\ud800"``, encoded surrogates, a byte order mark, UTF-16 text — goes to the
standard library, which decides: any doubt costs time, never a different verdict.
``tests/property/test_fast_json.py`` holds both decoders to the same values and the same refusals;
``DESKKIT_FAST_JSON=0`` turns the fast decoder off.
"""

from __future__ import annotations

import json
import json.decoder
import math
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, Final

from .results import Position

#: Deeper than this, a document is not read (whoever reads it: json and the walks after it recurse, and where
#: Python's stack ends depends on how deep the reader already is — a worker, a Dask thread).
MAX_DEPTH = 512

#: The C string scanner behind ``json``: (text, index after the opening quote, strict) → (value, end).
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


class NotJson(ValueError):
    """Text that is not a JSON document: why, where (None when there is no one place), and whether the
    text simply ended too soon."""

    def __init__(self, reason: str, at: Position | None, truncated: bool = False) -> None:
        super().__init__(reason + (f" at line {at['line']} column {at['column']}" if at else ""))
        self.reason = reason
        self.at = at
        self.truncated = truncated


class NonFinite(ValueError):
    """Raised from inside :data:`DECODER`: a literal RFC 8259 has no number for (its text is the message)."""


def _reject_constant(name: str) -> Any:
    raise NonFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise NonFinite(text)
    return value


#: The one strict decoder (``raw_decode``/``decode`` are re-entrant; the callbacks only fire on floats and
#: on NaN/Infinity, so ordinary documents decode at full C speed).
DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def _fast_decoder() -> Callable[[bytes | bytearray | str], Any] | None:
    """msgspec's untyped JSON decoder, when it is installed and not turned off with ``DESKKIT_FAST_JSON=0``."""
    if os.environ.get("DESKKIT_FAST_JSON", "1") == "0":
        return None
    try:
        import msgspec
    except ImportError:
        return None
    decode: Callable[[bytes | bytearray | str], Any] = msgspec.json.Decoder().decode
    return decode


#: The fast decoder (None: the standard library's only).
FAST: Final = _fast_decoder()


def _fast_encoder() -> Callable[[Any], str] | None:
    """``json.dumps(value, ensure_ascii=False)`` for values of str, int, bool, None, list and dict (what a
    report holds), by msgspec where it is installed and not turned off: about ten times faster. msgspec
    escapes the same characters the same way, and ``format(indent=0)`` puts the same spaces after ``,`` and
    ``:``; what it cannot write (a lone surrogate) raises instead, and the caller falls back to the standard
    library. Not for floats: msgspec spells exponents its own way (``1e16``, not ``1e+16``), and a report
    holds none (:class:`~.results.Result`)."""
    if os.environ.get("DESKKIT_FAST_JSON", "1") == "0":
        return None
    try:
        import msgspec
    except ImportError:
        return None

    encode, spaced = msgspec.json.Encoder().encode, msgspec.json.format  # (another type: a TypeError)

    def dumps(value: Any) -> str:
        return spaced(encode(value), indent=0).decode()

    return dumps


#: The fast encoder (None: the standard library's only).
FAST_DUMPS: Final = _fast_encoder()


def position(text: str, offset: int) -> Position:
    """Line and column (1-based, in characters) of ``offset`` in ``text``."""
    return {"line": text.count("\n", 0, offset) + 1, "column": offset - text.rfind("\n", 0, offset)}


def to_text(data: bytes | bytearray | str) -> str:
    """Bytes as ``json.loads`` reads them (UTF-8, or UTF-16/32 when the byte pattern says so); a
    :class:`NotJson` with the position of the first byte that is not text."""
    if isinstance(data, str):
        return data
    encoding = json.detect_encoding(data)
    try:
        return data.decode(encoding, "surrogatepass")
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start].decode(encoding, "replace")  # (the text up to there, as it was read)
        name = encoding.upper().removesuffix("-SIG")  # (a NUL among the first bytes reads as UTF-16 or 32)
        why = exc.reason if name == "UTF-8" else f"{exc.reason}; the encoding read from its first bytes, as " \
            "json.loads does"
        raise NotJson(f"not {name} text ({why})", position(before, len(before))) from None


def loads(data: bytes | bytearray | str, fast: Callable[[bytes | bytearray | str], Any] | None = FAST) -> Any:
    """The value of a JSON document, or :class:`NotJson` saying why not and where. ``fast``: the decoder tried
    first (see the module's docstring); whatever it refuses, the strict standard-library path decides."""
    if may_be_too_deep(data):
        text = to_text(data)
        offset = too_deep(text)
        if offset is not None:
            raise NotJson(f"JSON nested more than {MAX_DEPTH} levels deep", position(text, offset))
    if fast is not None:
        try:
            return fast(data)
        except Exception:  # refused (or doubted): the standard library says why, or reads it
            pass
    text = to_text(data)
    try:
        return DECODER.decode(text)
    except json.JSONDecodeError as exc:
        # a string left open runs to the end of the text (a raw line break in it is another error)
        truncated = exc.pos >= _content_end(text) or exc.msg.startswith("Unterminated string")
        kind = "truncated JSON" if truncated else "not JSON"
        raise NotJson(f"{kind} ({exc.msg})", {"line": exc.lineno, "column": exc.colno}, truncated) from None
    except RecursionError:
        offset = too_deep(text)
        raise NotJson(f"JSON nested more than {MAX_DEPTH} levels deep",
                      position(text, offset) if offset is not None else None) from None
    except ValueError as exc:  # NonFinite, the int-string limit: not JSON, said where
        reason, offset = explain(text, exc)
        raise NotJson(reason, position(text, offset) if offset is not None else None) from None


def _content_end(text: str) -> int:
    end = len(text)
    while end and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def explain(text: str, exc: ValueError, start: int = 0) -> tuple[str, int | None]:
    """Why :data:`DECODER` raised ``exc`` (not a JSONDecodeError) on ``text`` from ``start``, and the offset
    of the literal to blame: NaN or an infinity, a number that overflows to one, an integer longer than
    Python's int-string limit."""
    if isinstance(exc, NonFinite):
        offset = next((at for at, token in tokens(text, start) if _non_finite(token)), None)
        literal = str(exc)
        if literal in ("NaN", "Infinity", "-Infinity"):
            return f"not JSON ({literal} is not a JSON value: RFC 8259 has no NaN or infinities)", offset
        return f"not JSON (the number {_cut(literal)} is too large for a double: it reads as infinity)", offset
    limit = sys.get_int_max_str_digits()
    if limit:
        for offset, token in tokens(text, start):
            digits = token.lstrip("-")
            if len(digits) > limit and digits.isdigit():
                return (f"an integer of {len(digits)} digits: more than the {limit} digits Python reads "
                        "(sys.get_int_max_str_digits)", offset)
    return f"not JSON ({type(exc).__name__}: {_cut(str(exc))})", None


def _non_finite(token: str) -> bool:
    if token in ("NaN", "Infinity", "-Infinity"):
        return True
    return ("e" in token or "E" in token) and math.isinf(float(token))


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


_TOKEN = re.compile(r'["\[\]{}]|NaN|-?Infinity|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?')


def tokens(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Brackets, numbers and NaN/Infinity outside strings, with their offsets, in order. Strings are skipped
    by the C scanner; the scan stops quietly at text that is not JSON."""
    search, pos = _TOKEN.search, start
    while (match := search(text, pos)) is not None:
        token = match.group()
        if token == '"':
            try:
                pos = _scanstring(text, match.end(), False)[1]
            except ValueError:
                return
            continue
        yield match.start(), token
        pos = match.end()


def may_be_too_deep(data: bytes | bytearray | str) -> bool:
    """Whether ``data`` is long enough and holds more than MAX_DEPTH ``[`` and ``{`` in all (counted in C): it
    cannot nest deeper otherwise, so the scan of :func:`too_deep` is for these few."""
    if len(data) <= 2 * MAX_DEPTH:  # (as many closers as openers)
        return False
    if isinstance(data, str):
        return data.count("[") + data.count("{") > MAX_DEPTH
    return data.count(b"[") + data.count(b"{") > MAX_DEPTH


def too_deep(text: str) -> int | None:
    """The offset where nesting passes MAX_DEPTH (outside strings), or None."""
    depth = 0
    for offset, token in tokens(text):
        if token == "[" or token == "{":
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif token == "]" or token == "}":
            depth -= 1
    return None


def blank(data: bytes | bytearray) -> bool:
    """Whether ``data`` holds nothing but JSON's whitespace (space, tab, CR, LF). ``isspace`` alone takes a
    vertical tab or a form feed too: a line of them is text that is not JSON, reported, not skipped."""
    return data.isspace() and not data.strip(b" \t\r\n")


#: The JSON type of each Python type a decoder makes.
JSON_NAMES: Final = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string",
                     list: "array", dict: "object"}


def json_type(value: object) -> str:
    """The JSON type of a decoded value (``integer`` for an int, ``number`` for a float)."""
    return JSON_NAMES.get(type(value), "unknown")
