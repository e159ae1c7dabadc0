"""``deskkit suggest CAPTURES...``: spec changes proposed from captured responses, with evidence.

    fresh     ``--spec`` without ``--package``: the spec's own bindings, generated for the run
    walk      a capture pointer → the model and property that own the value (the package's use-sites)
    collect   captures → judge (as ``deskkit validate``) → findings sorted by what the spec could say
    shapes    the values seen at one place → JSON types, examples, a proposed schema
    propose   what was seen → proposals and one JSON Patch (RFC 6902, ``add`` only) against the spec
    splice    the patch written into the spec's text, every untouched byte kept
    report    proposals → text, Markdown, JSON
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import TextIO

from ...codegen import find_spec
from ...codegen.load import Spec, load_spec
from ...errors import DeskkitError
from ..bindings import Bindings, default_package, load_bindings
from ..captures import check_paths
from ..files import open_in_place, replaceable
from .collect import Collector
from .fresh import bindings_of
from .propose import Builder, Suggestions
from .report import RENDERERS, unreadable_lines
from .splice import apply_text

__all__ = ["FORMATS", "Suggestions", "suggest", "suggestions"]

FORMATS = tuple(RENDERERS)


def suggestions(paths: list[str], spec: Path, package: str | None, min_count: int = 1,
                operation: str | None = None, documented: bool = False) -> Suggestions:
    """What the captures at ``paths`` propose for ``spec`` (whose bindings are ``package``; None: the bindings
    ``spec`` generates, made for this run); ``documented``: as plain properties and enum members, not as known
    off the page from captures."""
    check_paths(paths, sys.stdin)
    if package is not None:
        return _suggestions(paths, spec, load_bindings(package), min_count, operation, documented)
    with bindings_of(spec) as bindings:
        return _suggestions(paths, spec, bindings, min_count, operation, documented)


def _suggestions(paths: list[str], spec: Path, bindings: Bindings, min_count: int, operation: str | None,
                 documented: bool) -> Suggestions:
    package = bindings.name
    if operation is not None and operation not in {op.id for op in bindings.operations}:
        known = ", ".join(op.id for op in bindings.operations)
        raise DeskkitError(f"--operation {operation}: no such operation in {package} (it has {known})")
    loaded = load_spec(spec)
    _check_operations(loaded, bindings)
    collector = Collector(bindings)
    corpus = collector.run(paths, operation)
    return Builder(corpus, collector.contract, loaded, package, min_count, documented).build()


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _check_operations(spec: Spec, bindings: Bindings) -> None:
    """The bindings' operations are the spec's (id, method and path): else the captures would be judged by
    another contract, and every quirk the bindings' spec has and this one lacks proposed for retirement."""
    paths = spec.data.get("paths")
    in_spec = {(str(op.get("operationId")), method.upper(), path)
               for path, item in (paths.items() if isinstance(paths, dict) else ())
               if isinstance(item, dict)
               for method, op in item.items() if method in _METHODS and isinstance(op, dict)}
    in_bindings = {(op.id, op.method, op.path) for op in bindings.operations}
    if in_spec != in_bindings:
        missing = sorted(in_bindings - in_spec) or sorted(in_spec - in_bindings)
        where = "the spec lacks" if in_bindings - in_spec else "the bindings lack"
        raise DeskkitError(f"{spec.path}: the bindings {bindings.name} were not generated from this spec "
                           f"({where} {missing[0][0]}: {missing[0][1]} {missing[0][2]}); leave out --package to "
                           "judge against bindings generated from it, or run `deskkit generate`")


def suggest(paths: list[str], spec: Path | None, package: str | None, min_count: int = 1, fmt: str = "text",
            patch_out: Path | None = None, apply_out: Path | None = None, operation: str | None = None,
            out: TextIO | None = None, documented: bool = False) -> int:
    """Print the report; write the patch and the patched spec when asked. 0, or 2 when a capture could not be
    read (each named on standard error with its position; the report and the patch cover the others).
    ``package`` None: the installed bindings for the spec under ``spec/``, else the bindings ``spec``
    generates (so the captures are judged against the spec the proposals are for)."""
    if spec is None:
        spec, _ = find_spec(Path.cwd())
        package = package or default_package()
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
    """``text`` written whole or not at all: a temporary file beside ``path``, synced, then renamed over it, so
    a failed write (a full disk, a file size limit) leaves what was there, even when ``path`` is the spec."""
    data = text.encode("utf-8")
    target = replaceable(path)
    if target is None:  # a FIFO, a device, /dev/stdout: written as it is (see replaceable)
        try:
            with open_in_place(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise DeskkitError(f"{path}: cannot write ({exc.strerror or exc})") from None
        return
    path = target
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise DeskkitError(f"{path}: cannot write ({exc.strerror or exc})") from None
    # Past a file size limit the kernel sends SIGXFSZ, which ends the process before the temporary file can be
    # removed; ignored, the write fails with EFBIG instead and is cleaned up.
    xfsz = getattr(signal, "SIGXFSZ", None)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(xfsz, signal.SIG_IGN) if xfsz is not None and main else None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(path, temp)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise DeskkitError(f"{path}: cannot write ({exc.strerror or exc}); left as it was") from None
    finally:
        if xfsz is not None and previous is not None:
            signal.signal(xfsz, previous)


def _keep_mode(path: Path, temp: str) -> None:
    """The permissions a file being replaced had (mkstemp creates 0600); a new file gets the umask's."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp, mode)
