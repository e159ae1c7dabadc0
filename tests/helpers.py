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
    """Run the installed ``deskkit`` console script as a user would."""
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
