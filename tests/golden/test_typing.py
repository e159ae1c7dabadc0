"""The generated API is typed as honestly as the parser guarantees: user code type-checks with mypy --strict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

USER_CODE = '''
from pathlib import Path

from workspace_desktop import DesktopDetailInfo, FlavorInfo, ShowDesktopDetailResponse, Unset

text = Path("vendor-example.json").read_bytes()
r = ShowDesktopDetailResponse.from_json(text, tolerant=True)
desktop: DesktopDetailInfo = r.desktop          # required: never UNSET, never None
name: str | Unset | None = r.desktop.computer_name
flavor: FlavorInfo | Unset | None = r.desktop.flavor
print(name, flavor, [d.rule for d in r.deviations], [d.quirk_rule for d in r.deviations])
'''


def mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "user.py").write_text(code, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT / "generated")}
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "user.py"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=300, check=False)


def test_user_code_reading_a_tolerantly_parsed_desktop_passes_mypy_strict(tmp_path: Path) -> None:
    result = mypy(tmp_path, USER_CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_still_catches_a_misuse(tmp_path: Path) -> None:
    result = mypy(tmp_path, USER_CODE + "r.desktop.computer_name.upper()\n")
    assert result.returncode == 1 and "union-attr" in result.stdout
