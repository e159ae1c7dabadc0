"""The code generator: spec → bindings.

    load (YAML → data + line map) → check (OpenAPI subset, JSON Schema 2020-12) → build (IR: frozen nodes
    in ``ir``) → render (Jinja2 templates + static files + JSON Schemas) → write (or ``--check``)

Nothing here knows about any particular API: what the spec says, the bindings follow; what deskkit does not
support, it refuses with file, line and JSON Pointer.
"""

from __future__ import annotations

import sys
from importlib.resources.abc import Traversable
from pathlib import Path

from ..errors import DeskkitError, SpecError
from .build import build_api
from .check import check_spec
from .load import load_spec
from .render import NameClash, render_all
from .write import stale_files, write_files

__all__ = ["find_spec", "generate", "render_spec"]


def render_spec(spec: Path, templates: Traversable | None = None) -> dict[str, str]:
    """The files of the package ``spec`` describes (path → text); :class:`~generator.errors.SpecError`
    lists every problem of a spec deskkit cannot turn into bindings."""
    loaded = load_spec(spec)
    check_spec(loaded)
    try:
        return render_all(build_api(loaded), templates)
    except NameClash as clash:
        raise SpecError([loaded.issue(pointer, message) for pointer, message in clash.clashes]) from None


def find_spec(start: Path) -> tuple[Path, Path]:
    """The spec of the checkout ``start`` is in (the one spec under ``spec/`` in ``start`` or a parent
    folder) and the ``generated/`` folder beside it."""
    for folder in (start, *start.parents):
        specs = sorted(p for p in (folder / "spec").glob("*") if p.suffix in (".yaml", ".yml", ".json"))
        if len(specs) == 1:
            return specs[0], folder / "generated"
        if len(specs) > 1:
            names = ", ".join(p.name for p in specs)
            raise DeskkitError(f"{folder / 'spec'} holds several specs ({names}): pass --spec PATH")
    raise DeskkitError("no --spec given, and no spec/ folder here or above: pass --spec PATH")


def generate(spec: Path | None, out: Path | None, check: bool, templates: Traversable | None = None) -> int:
    """``deskkit generate``: write the package (or, with ``check``, exit 1 with a diff when it is stale)."""
    if spec is None:
        spec, default_out = find_spec(Path.cwd())
        out = out or default_out
    out = out or Path("generated")
    rendered = render_spec(spec, templates)
    if check:
        stale, diff = stale_files(rendered, out)
        if stale:
            sys.stdout.write(diff)
            print(f"deskkit: {len(stale)} generated file(s) are stale; run `deskkit generate`", file=sys.stderr)
            return 1
        print(f"deskkit: {out} is up to date ({len(rendered)} files)", file=sys.stderr)
        return 0
    written = write_files(rendered, out)
    print(f"deskkit: wrote {len(written)} of {len(rendered)} files under {out}", file=sys.stderr)
    return 0
