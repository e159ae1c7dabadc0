"""The README's promise for an installed (not editable) deskkit: it generates and judges from any folder.

A fresh virtual environment, ``pip install .`` beside the newest Hypothesis a user may already have (the
hypothesis-jsonschema pin lives in the test extra only), then the commands a user types, in an empty folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.conftest import DATA, SPEC
from tests.helpers import ROOT, deskkit

NEWEST_HYPOTHESIS = "hypothesis==6.170.15"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv holding a non-editable install of this checkout."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT),
                          NEWEST_HYPOTHESIS], capture_output=True, text=True, timeout=600, check=False)
    assert pip.returncode == 0, pip.stdout[-2000:] + pip.stderr[-4000:]
    return env_dir / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(bin_dir / "deskkit"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False, env=env)


def test_installed_copy_generates_the_committed_bindings_from_an_empty_folder(installed: Path,
                                                                              tmp_path: Path) -> None:
    shutil.copy(SPEC, tmp_path / SPEC.name)
    result = run(installed, "generate", "--spec", SPEC.name, "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path / "out") == snapshot(ROOT / "generated")


def test_installed_copy_keeps_the_newest_hypothesis(installed: Path, tmp_path: Path) -> None:
    def ask(code: str) -> str:
        return subprocess.run([str(installed / "python"), "-c", code], cwd=tmp_path, capture_output=True,
                              text=True, check=True).stdout.strip()

    assert ask("import hypothesis; print(hypothesis.__version__)") == NEWEST_HYPOTHESIS.split("==")[1]
    assert ask("import generator, deskkit_templates; print(generator.__file__, deskkit_templates.__file__)"
               ).count("site-packages") == 2


def test_installed_copy_validates_samples_and_mocks_without_the_spec(installed: Path, tmp_path: Path) -> None:
    shutil.copy(DATA / "vendor-example.json", tmp_path / "vendor-example.json")
    here = run(installed, "validate", "vendor-example.json", "--format", "json", cwd=tmp_path)
    there = deskkit("validate", "vendor-example.json", "--format", "json", cwd=DATA)
    assert here.returncode == there.returncode == 0, here.stderr
    assert json.loads(here.stdout) == json.loads(there.stdout)
    drawn = run(installed, "samples", "--kind", "valid", "--count", "3", "--seed", "1", cwd=tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    assert [json.loads(line)["kind"] for line in drawn.stdout.splitlines()] == ["valid"] * 3
    assert drawn.stdout == run(installed, "samples", "--kind", "valid", "--count", "3", "--seed", "1",
                               cwd=tmp_path).stdout
    helped = run(installed, "mock", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "--fixtures" in helped.stdout
