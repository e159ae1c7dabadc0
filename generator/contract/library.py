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

from collections.abc import Iterable

from .bindings import default_package, load_bindings
from .captures import Capture, line_captures
from .judge import Judge, is_result
from .report import Summary
from .results import Result


def judge_lines(lines: Iterable[bytes | bytearray | str], *, package: str | None = None, source: str = "<lines>",
                first_line: int = 1, operation: str | None = None) -> list[Result]:
    """The result of each non-blank line of JSON Lines, in order: one response body a line (its ``\\n`` or
    ``\\r\\n`` ending optional), numbered from ``first_line``. ``package``: the generated bindings (default:
    as the CLI finds them); ``operation``: the operation id the bodies answer (default: the first)."""
    judge = Judge(load_bindings(package or default_package()))
    return [_result(judge, capture) for capture in line_captures(lines, source, operation, first_line)]


def _result(judge: Judge, capture: Capture) -> Result:
    """The capture's result, judged as ``deskkit validate`` judges it (the cheapest way that decides it)."""
    operation, found = judge.look(capture)
    return found if is_result(found) else judge.result(capture, operation, found)


def summarize(results: Iterable[Result]) -> Summary:
    """Counts per verdict, quirks seen, undocumented fields and what is known only off the page, as the JSON
    report's summary has them."""
    summary = Summary()
    for result in results:
        summary.count(result)
    return summary
