"""Judge captured responses with the generated parser (one source of truth: verdicts agree with from_dict).

A result is a plain dict, ready for any report format::

    {"source": "...", "line": 3 | "entry": 0, "verdict": "conformant|tolerated|violation|unreadable",
     "problems": [{"pointer", "quirk", "rule", "message"}], "undocumented_fields": ["/desktop/..."]}

``--jobs N`` spreads units of work (ranges of JSON Lines files, batches of other captures) over N worker
processes; chunks of rendered results come back in input order.
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
from collections import Counter
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Any, NamedTuple

from .captures import Capture, LineRange, Unit, read_range
from .report import RENDERERS

MAX_DEPTH = 512  # where the position of a too-deep document is reported (json itself gives up near 1000)

_bindings: ModuleType | None = None


def load_bindings(package: str) -> ModuleType:
    """The generated package (its SUCCESS_MODEL, ERROR_MODEL and ENDPOINT)."""
    global _bindings
    if _bindings is None or _bindings.__name__ != package:
        _bindings = importlib.import_module(package)
    return _bindings


def _position(data: bytes, offset: int) -> dict[str, int]:
    before = data[:offset]
    return {"line": before.count(b"\n") + 1, "column": offset - (before.rfind(b"\n") + 1) + 1}


def _too_deep(data: bytes) -> int | None:
    """The offset where nesting passes MAX_DEPTH (outside strings), or None."""
    depth, in_string, escaped = 0, False, False
    for offset, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return None


def _unreadable(capture: Capture, reason: str, at: dict[str, int] | None) -> dict[str, Any]:
    result = _where(capture, "unreadable")
    where = f" at line {at['line']} column {at['column']}" if at else ""
    result["reason"] = reason
    if at:
        result["at"] = at
    result["problems"] = [{"pointer": "", "quirk": None, "rule": None, "message": reason + where}]
    result["undocumented_fields"] = []
    return result


def _where(capture: Capture, verdict: str) -> dict[str, Any]:
    result: dict[str, Any] = {"source": capture.source}
    if capture.line is not None:
        result["line"] = capture.line
    if capture.entry is not None:
        result["entry"] = capture.entry
    result["contract"] = capture.contract
    result["verdict"] = verdict
    return result


def decode(capture: Capture) -> tuple[Any, dict[str, Any] | None]:
    """The decoded body, or an ``unreadable`` result saying why and where the decoder stopped."""
    data = capture.body
    if data is None:
        return None, _unreadable(capture, capture.unreadable or "no body", None)
    if not data.strip():
        return None, _unreadable(capture, "empty body", None)
    try:
        return json.loads(data), None
    except UnicodeDecodeError as exc:
        return None, _unreadable(capture, f"not UTF-8 text ({exc.reason})", _position(data, exc.start))
    except json.JSONDecodeError as exc:
        text = data.decode("utf-8", "replace")
        truncated = exc.pos >= len(text.rstrip())
        reason = f"truncated JSON ({exc.msg})" if truncated else f"not JSON ({exc.msg})"
        return None, _unreadable(capture, reason, {"line": exc.lineno, "column": exc.colno})
    except RecursionError:
        offset = _too_deep(data)
        return None, _unreadable(capture, f"JSON nested more than {MAX_DEPTH} levels deep",
                                 _position(data, offset) if offset is not None else None)


def judge(capture: Capture, bindings: ModuleType) -> dict[str, Any]:
    """One capture's verdict, problems and undocumented fields."""
    data, unreadable = decode(capture)
    if unreadable is not None:
        return unreadable
    model = bindings.SUCCESS_MODEL if capture.contract == "success" else bindings.ERROR_MODEL
    found = model.judge(data)
    result = _where(capture, found.verdict)
    if not (found.problems or found.deviations or found.unknown_fields):
        result["problems"], result["undocumented_fields"] = [], []
        return result
    problems = [{"pointer": p.pointer, "quirk": p.quirk, "rule": p.rule, "message": p.message}
                for p in found.problems]
    problems += [{"pointer": d.pointer, "quirk": d.quirk, "rule": d.quirk_rule, "message": d.message}
                 for d in found.deviations]
    if found.problems and found.deviations:
        problems.sort(key=lambda p: p["pointer"])
    result["problems"] = problems
    result["undocumented_fields"] = list(found.unknown_fields)
    return result


class Chunk(NamedTuple):
    """Consecutive results from one source: their counts, and their text as the report renders it."""

    source: str
    results: int
    verdicts: Counter[str]
    quirks: Counter[str]
    undocumented: Counter[str]
    text: str


def _chunks(captures: Iterable[Capture], bindings: ModuleType, renders: str) -> list[Chunk]:
    render, joiner = RENDERERS[renders]
    out: list[Chunk] = []
    source: str | None = None
    texts: list[str] = []
    verdicts: dict[str, int] = {}
    quirks: Counter[str] = Counter()
    undocumented: Counter[str] = Counter()

    def flush() -> None:
        if source is not None:
            out.append(Chunk(source, len(texts), Counter(verdicts), quirks, undocumented,
                             joiner.join(t for t in texts if t)))

    for capture in captures:
        if capture.source != source:
            flush()
            source = capture.source
            texts, verdicts, quirks, undocumented = [], {}, Counter(), Counter()
        result = judge(capture, bindings)
        verdict = result["verdict"]
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        if result["problems"]:
            quirks.update(p["quirk"] for p in result["problems"] if p["quirk"])
        if result["undocumented_fields"]:
            undocumented.update(result["undocumented_fields"])
        texts.append(render(result))
    flush()
    return out


def run_unit(unit: Unit, package: str, renders: str) -> list[Chunk]:
    """Judge one unit of work (read here when it is a range of a JSON Lines file)."""
    captures = read_range(unit) if isinstance(unit, LineRange) else unit
    return _chunks(captures, load_bindings(package), renders)


def _run_unit(args: tuple[Unit, str, str]) -> list[Chunk]:
    return run_unit(*args)


def judge_all(units: Iterable[Unit], package: str, jobs: int, renders: str) -> Iterator[Chunk]:
    """Chunks in input order. With ``jobs`` > 1, worker processes read, judge and render whole units, so
    the main process only plans the work and writes what comes back."""
    if jobs <= 1:
        for unit in units:
            yield from run_unit(unit, package, renders)
        return
    # fork keeps start-up cheap (the bindings are already imported); results stream back in order.
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=load_bindings, initargs=(package,)) as pool:
        work = ((unit, package, renders) for unit in units)
        for chunks in pool.imap(_run_unit, work, chunksize=1):
            yield from chunks
