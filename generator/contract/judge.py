"""Judge one captured response with the generated parser (one source of truth: verdicts agree with
``from_dict``), producing a :class:`~.results.Result`."""

from __future__ import annotations

import json
from typing import Any

from .bindings import Bindings
from .captures import Capture
from .results import FindingRecord, Position, Result

MAX_DEPTH = 512  # where the position of a too-deep document is reported (json itself gives up near 1000)


def _position(data: bytes, offset: int) -> Position:
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


def _where(capture: Capture, operation: str, verdict: Any) -> Result:
    result: dict[str, Any] = {"source": capture.source}
    if capture.line is not None:
        result["line"] = capture.line
    if capture.entry is not None:
        result["entry"] = capture.entry
    result["operation"] = operation
    result["contract"] = "error" if capture.status is not None and capture.status >= 300 else "success"
    result["verdict"] = verdict
    return result  # type: ignore[return-value]  # built key by key to keep the report's key order


def _unreadable(capture: Capture, operation: str, reason: str, at: Position | None) -> Result:
    result = _where(capture, operation, "unreadable")
    where = f" at line {at['line']} column {at['column']}" if at else ""
    result["reason"] = reason
    if at:
        result["at"] = at
    result["problems"] = [{"pointer": "", "message": reason + where, "rule": None, "quirk": None,
                           "quirk_rule": None}]
    result["undocumented_fields"] = []
    return result


def decode(capture: Capture, operation: str) -> tuple[Any, Result | None]:
    """The decoded body, or an ``unreadable`` result saying why and where the decoder stopped."""
    data = capture.body
    if data is None:
        return None, _unreadable(capture, operation, capture.unreadable or "no body", None)
    if not data.strip():
        return None, _unreadable(capture, operation, "empty body", None)
    try:
        return json.loads(data), None
    except UnicodeDecodeError as exc:
        return None, _unreadable(capture, operation, f"not UTF-8 text ({exc.reason})", _position(data, exc.start))
    except json.JSONDecodeError as exc:
        text = data.decode("utf-8", "replace")
        truncated = exc.pos >= len(text.rstrip())
        reason = f"truncated JSON ({exc.msg})" if truncated else f"not JSON ({exc.msg})"
        return None, _unreadable(capture, operation, reason, {"line": exc.lineno, "column": exc.colno})
    except RecursionError:
        offset = _too_deep(data)
        return None, _unreadable(capture, operation, f"JSON nested more than {MAX_DEPTH} levels deep",
                                 _position(data, offset) if offset is not None else None)


def _records(findings: Any) -> list[FindingRecord]:
    return [{"pointer": f.pointer, "message": f.message, "rule": f.rule, "quirk": f.quirk,
             "quirk_rule": f.quirk_rule} for f in findings]


def _model(capture: Capture, op: Any) -> Any:
    """The body model the response is judged against: by its status, else the operation's success body."""
    if capture.status is not None:
        return op.model_for(capture.status)
    return next((m for status, m in op.responses.items() if status.startswith("2") and m is not None), None)


def judge(capture: Capture, bindings: Bindings) -> Result:
    """One capture's verdict, problems (and deviations) and undocumented fields."""
    op = bindings.operation(capture.operation)
    model = _model(capture, op)
    if model is None and capture.body is not None and not capture.body.strip():
        result = _where(capture, op.id, "conformant")  # no body, and none in the contract
        result["problems"], result["undocumented_fields"] = [], []
        return result
    data, unreadable = decode(capture, op.id)
    if unreadable is not None:
        return unreadable
    if model is None:
        result = _where(capture, op.id, "violation")
        result["problems"] = [{"pointer": "", "message": f"a body where the contract has none (status "
                               f"{capture.status})", "rule": None, "quirk": None, "quirk_rule": None}]
        result["undocumented_fields"] = []
        return result
    found = model.judge(data)
    result = _where(capture, op.id, found.verdict)
    if not (found.problems or found.deviations or found.unknown_fields):
        result["problems"], result["undocumented_fields"] = [], []
        return result
    problems = _records(found.problems) + _records(found.deviations)
    if found.problems and found.deviations:
        problems.sort(key=lambda p: p["pointer"])
    result["problems"] = problems
    result["undocumented_fields"] = list(found.unknown_fields)
    return result
