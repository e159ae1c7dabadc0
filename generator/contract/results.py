"""The records that pass from judging to reporting, and the one rule for what fails a run.

A :class:`Result` is what ``deskkit validate --format json`` prints per response; report writers and the
worker pool only move these around.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal, NamedTuple, NotRequired, TypedDict

Verdict = Literal["conformant", "tolerated", "violation", "unreadable"]
VERDICTS: tuple[Verdict, ...] = ("conformant", "tolerated", "violation", "unreadable")


class FindingRecord(TypedDict):
    """One finding, as the library's ``Finding`` has it: pointer, message, rule, quirk, quirk_rule, known."""

    pointer: str
    message: str
    rule: str | None
    quirk: str | None
    quirk_rule: str | None
    known: str | None


class OffPageRecord(FindingRecord):
    """Something the page does not document but the spec knows off the page (``known``: its level, ``sdk`` or
    ``captures``): a field, never counted against the page, or an enumeration value the page does not list
    (``refused_in_strict``, so the verdict is ``tolerated``)."""

    refused_in_strict: bool


class Position(TypedDict):
    line: int
    column: int


class Result(TypedDict):
    """One response's verdict, with where it came from and everything the judge found."""

    source: str
    line: NotRequired[int]  # JSON Lines: 1-based line number
    entry: NotRequired[int]  # HAR: 0-based index into /log/entries
    operation: str  # the operationId the response answers
    contract: Literal["success", "error"]
    verdict: Verdict
    reason: NotRequired[str]  # unreadable: why
    at: NotRequired[Position]  # unreadable: where decoding stopped
    problems: list[FindingRecord]
    undocumented_fields: list[str]
    off_page: list[OffPageRecord]  # what the service relies on that the page does not promise


def fails(verdict: str, strict: bool) -> bool:
    """Whether a response with ``verdict`` fails the run (``--strict``: tolerated ones too)."""
    return verdict in ("violation", "unreadable") or (strict and verdict == "tolerated")


class Spilled(NamedTuple):
    """A chunk's text that the worker process which rendered it left in a file (UTF-8), for the main process
    to copy into the report: hundreds of megabytes of report never pass through a pipe and pickle."""

    path: str
    size: int  # bytes


class Chunk(NamedTuple):
    """Consecutive results from one source: their counts, and their text as the report renders it."""

    source: str
    results: int
    verdicts: Counter[str]
    quirks: Counter[str]
    undocumented: Counter[str]
    text: str | bytes | Spilled  # bytes: UTF-8 (see :func:`.report.encoded`)
    off_page: Counter[tuple[str, str]]  # (level, pointer) of each off-page finding
