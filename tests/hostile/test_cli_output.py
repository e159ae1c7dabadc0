"""The CLI's own inputs and output: a package name that is not one, and an output that cannot be written
(a full disk, /dev/full): one line and exit 2, no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.helpers import deskkit
from tests.hostile.runner import EXE

EXAMPLE = str(DATA / "vendor-example.json")


@pytest.mark.parametrize("name", [".x", "../../etc", "a..b", "workspace_desktop."])
def test_a_package_name_that_is_not_a_module_name(name: str) -> None:
    result = deskkit("validate", "--package", name, EXAMPLE)
    assert result.returncode == 2
    assert result.stderr == f"deskkit: {name!r} is not a module name (dotted Python names, e.g. workspace_desktop)\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("command", [["validate", EXAMPLE], ["samples", "--kind", "valid", "--count", "3"]])
def test_an_output_that_cannot_be_written(command: list[str]) -> None:
    done = subprocess.run(["sh", "-c", '"$0" "$@" > /dev/full', EXE, *command], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "deskkit: cannot write the output: No space left on device\n"
