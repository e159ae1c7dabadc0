"""Helpers for tests that run the real ``deskkit`` command and import freshly generated packages."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def deskkit(*args: str, cwd: Path | None = None, stdin: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the installed ``deskkit`` console script as a user would (in this process under mutation testing:
    ``DESKKIT_TEST_IN_PROCESS=1``, so the mutated modules are the ones run and mutmut sees which tests reach them)."""
    if os.environ.get("DESKKIT_TEST_IN_PROCESS") == "1":
        return _in_process(list(args), cwd or ROOT, stdin, env or {})
    exe = Path(sys.executable).with_name("deskkit")
    return subprocess.run([str(exe), *args], cwd=cwd or ROOT, input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)


def import_fresh(folder: Path, package: str) -> ModuleType:
    """Import ``package`` from ``folder``, not from the installed copy of the same name."""
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


def _in_process(args: list[str], cwd: Path, stdin: str | None,
                env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``deskkit *args`` through ``generator.cli.main`` here, with its own cwd, environment and standard streams."""
    import contextlib
    import io
    import warnings
    from unittest import mock

    from generator.cli import main

    def stream(data: bytes = b"") -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")

    def text(s: io.TextIOWrapper) -> str:
        s.flush()
        buffer = s.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue().decode("utf-8")

    out, err, into = stream(), stream(), stream((stdin or "").encode("utf-8"))
    # warnings: the report writers never close their spool files (the real command's exit does).
    with warnings.catch_warnings(), contextlib.chdir(cwd), mock.patch.dict(os.environ, env), mock.patch.multiple(
            sys, stdin=into, stdout=out, stderr=err):
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            code = main(args)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        return subprocess.CompletedProcess(["deskkit", *args], code, text(out), text(err))
