"""Find and load the generated package the contract tools work with."""

from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from importlib.machinery import PathFinder
from types import ModuleType
from typing import Any

from ..errors import DeskkitError

ENTRY_POINTS = "deskkit.bindings"


def default_package() -> str:
    """The bindings to use when ``--package`` is not given: ``$DESKKIT_PACKAGE``, else the one package
    registered under the ``deskkit.bindings`` entry-point group (deskkit registers the bindings it ships)."""
    named = os.environ.get("DESKKIT_PACKAGE")
    if named:
        return named
    found = sorted(set(registered(ENTRY_POINTS)))
    if len(found) == 1:
        return found[0]
    if not found:
        raise DeskkitError("no generated bindings are registered: pass --package NAME (or set DESKKIT_PACKAGE)")
    raise DeskkitError(f"several bindings are registered ({', '.join(found)}): pass --package NAME")


def registered(group: str) -> list[str]:
    """The values of the entry points in ``group``, as ``importlib.metadata.entry_points(group=group)`` finds
    them: the installed distributions on ``sys.path``, the first of each name, their ``entry_points.txt``.
    Read here straight from the folders, as importlib.metadata's own search reads them: importing it costs a
    fifth of a ``deskkit validate`` start (the email and zip modules it loads), and this reads one small file
    per distribution. Where the search would go further than folders of installed distributions (a zip or
    an egg on the path, another finder of distributions), importlib.metadata answers."""
    if any(getattr(finder, "find_distributions", None) is not None and finder is not PathFinder
           for finder in sys.meta_path):
        return _by_importlib(group)
    seen: set[str] = set()
    values: list[str] = []
    for entry in sys.path:
        root = entry or "."
        if root.endswith(".egg") or os.path.isfile(root):
            return _by_importlib(group)
        try:
            children = os.listdir(root)
        except OSError:  # not a folder (a path hook's name, a folder gone): nothing installed there
            continue
        for child in children:
            base, ext = os.path.splitext(child)
            if ext.lower() not in (".dist-info", ".egg-info"):
                continue
            name = _normalized(base.partition("-")[0])
            if name in seen:
                continue
            seen.add(name)
            try:
                with open(os.path.join(root, child, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):  # none (most distributions), or not a folder
                continue
            values += _section(text, group)
    return values


def _by_importlib(group: str) -> list[str]:
    from importlib.metadata import entry_points

    return [ep.value for ep in entry_points(group=group)]


def _normalized(name: str) -> str:
    """A distribution's name as importlib.metadata compares them (PEP 503, ``_`` for ``-``)."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _section(text: str, group: str) -> list[str]:
    """The values of ``name = value`` lines under ``[group]`` in an ``entry_points.txt``, read as
    importlib.metadata reads it (blank lines and ``#`` comments skipped; a line with no ``=``, which makes it
    raise, skipped here)."""
    values: list[str] = []
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line.strip("[]")
        elif current == group and "=" in line:
            values.append(line.partition("=")[2].strip())
    return values


@dataclass(frozen=True)
class Bindings:
    """A generated package and what it records of its spec."""

    module: ModuleType

    @property
    def name(self) -> str:
        return self.module.__name__

    @property
    def operations(self) -> tuple[Any, ...]:
        ops: tuple[Any, ...] = self.module.OPERATIONS
        return ops

    def operation(self, operation_id: str | None) -> Any:
        """The operation with ``operation_id``, or the spec's first one."""
        if operation_id is None:
            return self.operations[0]
        for op in self.operations:
            if op.id == operation_id:
                return op
        raise DeskkitError(f"no operation {operation_id!r} in {self.name}")


@cache
def load_bindings(package: str) -> Bindings:
    """Import the generated package ``package``; a clear error when it is not there or not deskkit's."""
    if not all(part.isidentifier() for part in package.split(".")):
        raise DeskkitError(f"{package!r} is not a module name (dotted Python names, e.g. workspace_desktop)")
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise DeskkitError(f"cannot import the bindings {package!r} ({exc}); run `deskkit generate` and put "
                           "the output folder on PYTHONPATH") from None
    if not getattr(module, "OPERATIONS", None):
        raise DeskkitError(f"{package!r} is not a package deskkit generated (it has no OPERATIONS)")
    return Bindings(module)
