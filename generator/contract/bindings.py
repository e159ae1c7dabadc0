"""Find and load the generated package the contract tools work with."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from functools import cache
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
    from importlib.metadata import entry_points  # here: 25 ms of start-up that --package does not need

    found = sorted({ep.value for ep in entry_points(group=ENTRY_POINTS)})
    if len(found) == 1:
        return found[0]
    if not found:
        raise DeskkitError("no generated bindings are registered: pass --package NAME (or set DESKKIT_PACKAGE)")
    raise DeskkitError(f"several bindings are registered ({', '.join(found)}): pass --package NAME")


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
        return next(op for op in self.operations if op.id == operation_id)


@cache
def load_bindings(package: str) -> Bindings:
    """Import the generated package ``package``; a clear error when it is not there or not deskkit's."""
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise DeskkitError(f"cannot import the bindings {package!r} ({exc}); run `deskkit generate` and put "
                           "the output folder on PYTHONPATH") from None
    if not getattr(module, "OPERATIONS", None):
        raise DeskkitError(f"{package!r} is not a package deskkit generated (it has no OPERATIONS)")
    return Bindings(module)
