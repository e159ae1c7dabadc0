"""Write rendered files, or compare them with what is on disk (``--check``)."""

from __future__ import annotations

import difflib
from pathlib import Path


def stale_files(rendered: dict[str, str], out: Path) -> tuple[list[str], str]:
    """The files under ``out`` that differ from ``rendered`` (or are extra), and a unified diff of them."""
    names = sorted(set(rendered) | _existing(out, {name.split("/", 1)[0] for name in rendered}))
    stale: list[str] = []
    diff: list[str] = []
    for name in names:
        path = out / name
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        new = rendered.get(name, "")
        if old != new or (name in rendered) != path.is_file():
            stale.append(name)
            diff.extend(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                             f"a/{name}", f"b/{name}"))
    return stale, "".join(diff)


def _existing(out: Path, packages: set[str]) -> set[str]:
    """Files already in the generated packages (a file no longer rendered is stale too)."""
    found = set()
    for package in packages:
        root = out / package
        if root.is_dir():
            for path in root.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    found.add(path.relative_to(out).as_posix())
    return found


def write_files(rendered: dict[str, str], out: Path) -> list[str]:
    """Write what changed (and remove files no longer rendered); return the paths touched."""
    stale, _ = stale_files(rendered, out)
    for name in stale:
        path = out / name
        if name in rendered:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rendered[name], encoding="utf-8", newline="\n")
        else:
            path.unlink()
    return stale
