"""Errors the generator reports to people.

    DeskkitError            anything deskkit refuses, printed as one line by the CLI
    └── SpecError           a bad spec: file, JSON Pointer, line, what was expected
"""

from __future__ import annotations

from dataclasses import dataclass


class DeskkitError(Exception):
    """Base class: the CLI prints ``str(error)`` and exits non-zero, never a traceback."""


@dataclass(frozen=True, slots=True)
class SpecIssue:
    """One thing wrong with a spec, located by JSON Pointer (and line, when the YAML gives one)."""

    file: str
    pointer: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: at {self.pointer or '/'}: {self.message}"


class SpecError(DeskkitError):
    """The spec cannot be turned into bindings; ``issues`` lists every problem found."""

    def __init__(self, issues: list[SpecIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))
