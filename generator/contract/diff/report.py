"""A diff's findings, located in both files, and their three renderings: text, JSON and Markdown."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..report import visible
from .compare import Found, Where
from .rules import AUDIENCES, Classes
from .source import Source

CLASSES = ("breaking", "non-breaking", "informational")
FAIL_ON = ("breaking", "any", "none")
SHOWN_SITES = 5  # use-sites listed per change in text and Markdown (JSON lists them all)


@dataclass(frozen=True)
class Loc:
    pointer: str
    line: int | None

    def to_json(self) -> dict[str, Any]:
        return {"pointer": self.pointer, "line": self.line}


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    classes: Classes
    old: Loc
    new: Loc
    where: tuple[Where, ...]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "classes": self.classes._asdict(),
                "old": self.old.to_json(), "new": self.new.to_json(),
                "where": [{"operation": w.operation, "operation_id": w.operation_id, "part": w.part, "path": w.path}
                          for w in self.where]}


@dataclass(frozen=True)
class Report:
    old: str
    new: str
    findings: tuple[Finding, ...]

    def count(self, audience: str, cls: str) -> int:
        return sum(1 for f in self.findings if getattr(f.classes, audience) == cls)

    def fails(self, fail_on: str, audiences: Sequence[str]) -> bool:
        """``breaking``: some change breaks one of ``audiences``; ``any``: there is a change; ``none``: never."""
        if fail_on == "any":
            return bool(self.findings)
        if fail_on == "breaking":
            return any(getattr(f.classes, a) == "breaking" for f in self.findings for a in audiences)
        return False

    def summary(self) -> dict[str, Any]:
        return {"changes": len(self.findings),
                **{a: {c: self.count(a, c) for c in CLASSES} for a in AUDIENCES}}


def build_report(old: Source, new: Source, found: list[Found]) -> Report:
    findings = [Finding(f.change.kind, f.change.message, f.change.classes,
                        Loc(f.change.old, old.line(f.change.old)), Loc(f.change.new, new.line(f.change.new)),
                        tuple(f.where)) for f in found]
    findings.sort(key=lambda f: (f.old.line or 0, f.new.line or 0, f.kind, f.message, f.old.pointer, f.new.pointer))
    return Report(old.label, new.label, tuple(findings))


def _site(where: Where) -> str:
    if not where.operation:
        return where.part + (f", at {where.path}" if where.path else "")
    op = where.operation + (f" ({where.operation_id})" if where.operation_id else "")
    return f"{op}, {where.part}" + (f", at {where.path}" if where.path else "")


def _headline(report: Report) -> str:
    if not report.findings:
        return f"deskkit diff {report.old} → {report.new}: no changes"
    counts = ", ".join(f"{a} {report.count(a, 'breaking')}" for a in AUDIENCES)
    return f"deskkit diff {report.old} → {report.new}: {len(report.findings)} change(s); breaking for {counts}"


def render_text(report: Report) -> str:
    lines = [_headline(report)]
    for f in report.findings:
        lines += ["", f.kind, "  " + "   ".join(f"{a}: {getattr(f.classes, a)}" for a in AUDIENCES), f"  {f.message}",
                  f"  OLD {report.old}:{f.old.line}  {f.old.pointer or '/'}",
                  f"  NEW {report.new}:{f.new.line}  {f.new.pointer or '/'}"]
        lines += [f"  in {_site(w)}" for w in f.where[:SHOWN_SITES]]
        if len(f.where) > SHOWN_SITES:
            lines.append(f"  … and {len(f.where) - SHOWN_SITES} more use-site(s) (--format json lists them all)")
    # names come from the specs: a control character, an escape sequence or a line break in one is shown, not
    # sent to the terminal (as validate's text report does)
    return "".join(visible(line) + "\n" for line in lines)


def render_json(report: Report) -> str:
    return json.dumps({"old": report.old, "new": report.new, "summary": report.summary(),
                       "changes": [f.to_json() for f in report.findings]}, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: control characters (a line break too) shown as escapes."""
    return visible(text).replace("\\", "\\\\").replace("|", "\\|")


def _code(text: str) -> str:
    """A code span in a table cell: backslashes are literal there (only the pipe needs one, GFM's rule)."""
    return "`" + visible(text).replace("|", "\\|").replace("`", "'") + "`"


def _class_cell(cls: str) -> str:
    return "**breaking**" if cls == "breaking" else cls


def render_markdown(report: Report) -> str:
    """For a CI job summary or a pull request comment (GitHub-flavoured Markdown)."""
    out = [f"### deskkit diff: {_code(report.old)} → {_code(report.new)}", ""]
    if not report.findings:
        return "\n".join([*out, "No changes.", ""])
    counts = " · ".join(f"{a} **{report.count(a, 'breaking')}**" for a in AUDIENCES)
    out += [f"{len(report.findings)} change(s); breaking for {counts}", "",
            "| change | strict | tolerant | captures | OLD | NEW | where |", "|---|---|---|---|---|---|---|"]
    for f in report.findings:
        sites = [_cell(_site(w)) for w in f.where[:SHOWN_SITES]]
        if len(f.where) > SHOWN_SITES:
            sites.append(f"… and {len(f.where) - SHOWN_SITES} more")
        out.append("| " + " | ".join([
            f"{_code(f.kind)}<br>{_cell(f.message)}",
            *(_class_cell(getattr(f.classes, a)) for a in AUDIENCES),
            f"line {f.old.line}<br>{_code(f.old.pointer or '/')}",
            f"line {f.new.line}<br>{_code(f.new.pointer or '/')}",
            "<br>".join(sites)]) + " |")
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
