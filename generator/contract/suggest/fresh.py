"""Bindings generated from the spec ``suggest`` is given, for a run that names no package: the captures are
then judged against exactly that spec, never against whatever bindings happen to be installed."""

from __future__ import annotations

import importlib
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from ...codegen import render_spec
from ...codegen.write import write_files
from ...errors import DeskkitError
from ..bindings import Bindings


@contextmanager
def bindings_of(spec: Path) -> Iterator[Bindings]:
    """The package ``spec`` generates, written to a temporary folder and imported from it for the duration
    (a package of the same name already imported, such as the installed bindings, is set aside and put back)."""
    rendered = render_spec(spec)  # a spec deskkit cannot generate is refused here, with file:line and pointer
    package = min(rendered).split("/", 1)[0]
    with tempfile.TemporaryDirectory(prefix="deskkit-suggest-") as folder:
        write_files(rendered, Path(folder))
        aside = _evict(package)
        sys.path.insert(0, folder)
        try:
            module = importlib.import_module(package)
            if not getattr(module, "OPERATIONS", None):
                raise DeskkitError(f"{spec}: the spec has no operations, so no response can be judged against it")
            yield Bindings(module)
        finally:
            sys.path.remove(folder)
            _evict(package)
            sys.modules.update(aside)


def _evict(package: str) -> dict[str, ModuleType]:
    """Take ``package`` and its submodules out of ``sys.modules``; what was there."""
    names = [n for n in sys.modules if n == package or n.startswith(package + ".")]
    return {name: sys.modules.pop(name) for name in names}
