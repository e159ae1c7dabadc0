"""``deskkit suggest CAPTURES...``: spec changes proposed from captured responses, with evidence.

    walk      a capture pointer → the model and property that own the value (the package's use-sites)
    collect   captures → judge (as ``deskkit validate``) → findings sorted by what the spec could say
    shapes    the values seen at one place → JSON types, examples, a proposed schema
    propose   what was seen → proposals and one JSON Patch (RFC 6902, ``add`` only) against the spec
    splice    the patch written into the spec's text, every untouched byte kept
    report    proposals → text, Markdown, JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from ...codegen import find_spec
from ...codegen.load import load_spec
from ...errors import DeskkitError
from ..bindings import load_bindings
from ..captures import check_paths
from .collect import Collector
from .propose import Builder, Suggestions
from .report import RENDERERS, unreadable_lines
from .splice import apply_text

__all__ = ["FORMATS", "Suggestions", "suggest", "suggestions"]

FORMATS = tuple(RENDERERS)


def suggestions(paths: list[str], spec: Path, package: str, min_count: int = 1,
                operation: str | None = None, documented: bool = False) -> Suggestions:
    """What the captures at ``paths`` propose for ``spec`` (whose bindings are ``package``); ``documented``:
    as plain properties and enum members, not as known off the page from captures."""
    check_paths(paths, sys.stdin)
    bindings = load_bindings(package)
    if operation is not None and operation not in {op.id for op in bindings.operations}:
        known = ", ".join(op.id for op in bindings.operations)
        raise DeskkitError(f"--operation {operation}: no such operation in {package} (it has {known})")
    loaded = load_spec(spec)
    collector = Collector(bindings)
    corpus = collector.run(paths, operation)
    return Builder(corpus, collector.contract, loaded, package, min_count, documented).build()


def suggest(paths: list[str], spec: Path | None, package: str, min_count: int = 1, fmt: str = "text",
            patch_out: Path | None = None, apply_out: Path | None = None, operation: str | None = None,
            out: TextIO | None = None, documented: bool = False) -> int:
    """Print the report; write the patch and the patched spec when asked. 0, or 2 when a capture could not be
    read (each named on standard error with its position; the report and the patch cover the others)."""
    if spec is None:
        spec, _ = find_spec(Path.cwd())
    found = suggestions(paths, spec, package, min_count, operation, documented)
    patched = apply_text(_read(spec), found.patch, str(spec)) if apply_out is not None else None
    if patch_out is not None:
        _write(patch_out, json.dumps(found.patch, indent=2, ensure_ascii=False) + "\n")
    if apply_out is not None and patched is not None:
        _write(apply_out, patched)
    (out or sys.stdout).write(RENDERERS[fmt](found))
    lines = unreadable_lines(found)
    for line in lines:
        print(line, file=sys.stderr)
    return 2 if lines else 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeskkitError(f"{path}: cannot read the spec ({exc})") from None


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DeskkitError(f"{path}: cannot write ({exc.strerror or exc})") from None
