"""``deskkit diff OLD NEW``: what a spec change breaks, and for whom.

    source   OLD/NEW → loaded, checked spec (a file or git:REV:PATH), with the line of every pointer
    model    loaded spec → resolved view (operations, parameters, bodies, responses, merged schemas, quirks)
    compare  two views → changes at every use-site, each classified by :mod:`.rules`
    report   changes → text, JSON or Markdown, and the exit status
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from ...errors import SpecError, SpecIssue
from .compare import Comparer
from .model import Document
from .report import FAIL_ON, RENDERERS, Report, build_report
from .rules import AUDIENCES
from .source import Source, read_source

__all__ = ["AUDIENCES", "FAIL_ON", "FORMATS", "Report", "compare_sources", "diff"]

FORMATS = tuple(RENDERERS)


def compare_sources(old: Source, new: Source) -> Report:
    """The report of every change from ``old`` to ``new``; a spec the diff cannot read raises SpecError."""
    documents: list[Document] = []
    issues: list[SpecIssue] = []
    for source in (old, new):
        try:
            documents.append(Document(source).check())
        except SpecError as error:
            issues.extend(error.issues)
    if issues:
        raise SpecError(issues)
    return build_report(old, new, Comparer(documents[0], documents[1]).run())


def _read_both(old: str, new: str) -> tuple[Source, Source]:
    """Both specs, or one SpecError naming what is wrong in either (so one run shows every problem)."""
    sources: list[Source] = []
    issues: list[SpecIssue] = []
    for label in (old, new):
        try:
            sources.append(read_source(label))
        except SpecError as error:
            issues.extend(error.issues)
    if issues:
        raise SpecError(issues)
    return sources[0], sources[1]


def diff(old: str, new: str, fmt: str = "text", fail_on: str = "breaking",
         audiences: Sequence[str] = AUDIENCES, out: TextIO | None = None) -> int:
    """Print the report; 1 when ``fail_on`` finds something for ``audiences``, else 0."""
    report = compare_sources(*_read_both(old, new))
    (out or sys.stdout).write(RENDERERS[fmt](report))
    return 1 if report.fails(fail_on, audiences) else 0
