"""The judge as a plain library call, for programs and distributed engines (no CLI, no files):

    >>> from generator.contract import judge_lines, summarize
    >>> results = judge_lines([b'{"desktop": {}}', b"", b'{"desktop": NaN}'], source="gateway.jsonl")
    >>> [(r["line"], r["verdict"]) for r in results]
    [(1, 'conformant'), (3, 'unreadable')]
    >>> summarize(results).as_dict()["unreadable"]
    1

Results are the records ``deskkit validate --format json`` prints; a :class:`~.report.Summary` is its
summary (``as_dict()``), and summaries of separate batches add up (``merge``) to the summary of the whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .bindings import default_package, load_bindings
from .captures import Capture, line_captures
from .judge import Judge, is_result
from .report import Summary
from .results import VERDICTS, Result


def judge_lines(lines: Iterable[bytes | bytearray | str], *, package: str | None = None, source: str = "<lines>",
                first_line: int = 1, operation: str | None = None) -> list[Result]:
    """The result of each non-blank line of JSON Lines, in order: one response body a line (its ``\\n`` or
    ``\\r\\n`` ending optional), numbered from ``first_line``. ``package``: the generated bindings (default:
    as the CLI finds them); ``operation``: the operation id the bodies answer (default: the first).

    A TypeError or ValueError says which argument is wrong before any line is judged (a line that is not bytes
    or str, when it comes): one ``str`` is not an iterable of lines (it would be judged a character a line)."""
    if isinstance(lines, str | bytes | bytearray | memoryview):
        raise TypeError(f"judge_lines takes an iterable of lines (each bytes or str), not one "
                        f"{type(lines).__name__}: split it into lines first (e.g. text.splitlines())")
    if type(first_line) is not int or first_line < 1:
        raise ValueError(f"first_line is the number of the first line, 1 or more (found {first_line!r})")
    bindings = load_bindings(package or default_package())
    if operation is not None and operation not in {op.id for op in bindings.operations}:
        known = ", ".join(op.id for op in bindings.operations)
        raise ValueError(f"operation {operation!r}: no such operation in {bindings.name} (it has {known})")
    judge = Judge(bindings)
    return [_result(judge, capture)
            for capture in line_captures(_typed(lines, first_line), source, operation, first_line)]


def _typed(lines: Iterable[object], first_line: int) -> Iterator[bytes | bytearray | str]:
    """``lines``, each checked to be bytes or str as it comes (a TypeError naming the line otherwise)."""
    for number, line in enumerate(lines, start=first_line):
        if not isinstance(line, bytes | bytearray | str):
            raise TypeError(f"line {number}: expected bytes or str, found {type(line).__name__}")
        yield line


def _result(judge: Judge, capture: Capture) -> Result:
    """The capture's result, judged as ``deskkit validate`` judges it (the cheapest way that decides it)."""
    operation, found = judge.look(capture)
    return found if is_result(found) else judge.result(capture, operation, found)


def summarize(results: Iterable[Result]) -> Summary:
    """Counts per verdict, quirks seen, undocumented fields and what is known only off the page, as the JSON
    report's summary has them. A record that is not a result of :func:`judge_lines` is a ValueError naming it."""
    summary = Summary()
    for index, result in enumerate(results):
        if not isinstance(result, dict) or result.get("verdict") not in VERDICTS:
            raise ValueError(f"result {index}: not a result of judge_lines (a dict whose verdict is one of "
                             f"{', '.join(VERDICTS)})")
        try:
            summary.count(result)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"result {index}: not a result of judge_lines ({type(exc).__name__}: {exc})") from None
    return summary
