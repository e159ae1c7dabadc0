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


SDK_DECLARED = '''
from workspace_desktop import HourPackageInfo, ShowDesktopDetailResponse, Unset, UseUpPolicy

r = ShowDesktopDetailResponse.from_dict({"desktop": {"in_maintenance_mode": True}}, tolerant=True)
maintenance: bool | Unset | None = r.desktop.in_maintenance_mode   # declared by the SDK, not on the page
progress: int | Unset | None = r.desktop.process
hours: HourPackageInfo | Unset | None = r.desktop.hour_package_info
if isinstance(hours, HourPackageInfo):
    policy: UseUpPolicy | str | Unset | None = hours.use_up_policy
print(maintenance, progress, [f.known for f in r.desktop.off_page])
'''


def test_fields_known_off_the_page_are_typed_for_mypy_strict(tmp_path: Path) -> None:
    result = mypy(tmp_path, SDK_DECLARED)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_catches_a_known_field_used_as_the_wrong_type(tmp_path: Path) -> None:
    result = mypy(tmp_path, SDK_DECLARED + "flag: bool = r.desktop.in_maintenance_mode\n")
    assert result.returncode == 1 and "assignment" in result.stdout
    result = mypy(tmp_path, SDK_DECLARED.replace("bool | Unset | None = r.desktop.in_maintenance_mode",
                                                 "str | Unset | None = r.desktop.in_maintenance_mode"))
    assert result.returncode == 1 and 'expression has type "bool | Unset | None"' in result.stdout


def test_mypy_catches_a_misspelt_attribute(tmp_path: Path) -> None:
    """Empty slots read as their defaults through ``Model.__getattr__``, which is hidden from type checkers:
    were it visible, mypy would accept any attribute name on a model."""
    result = mypy(tmp_path, USER_CODE + "print(r.desktop.computer_nmae)\n")
    assert result.returncode == 1 and "attr-defined" in result.stdout and "computer_nmae" in result.stdout
