"""Shared fixtures: the vendor page's example response, verbatim and in its documented shape."""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE (default: dev).
#   dev — quick local runs, with the example database so failures replay;
#   ci  — more examples, derandomized: a CI failure reproduces exactly with
#         `HYPOTHESIS_PROFILE=ci python -m pytest <test id>`, and the failing blob is printed.
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
#   mutation — for `python -m tests.mutation` (mutmut): few examples, derandomized, no example database (forked
#         workers would share it, and examples found against one mutant would replay against the next).
settings.register_profile("mutation", max_examples=10, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("samples", database=None, deadline=None, phases=[Phase.generate],
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SPEC = ROOT / "spec" / "workspace-desktop.openapi.yaml"
#: The spec corpus: one small spec per feature the generator supports, each naming its package corpus_<stem>.
CORPUS_SPECS = sorted((DATA / "specs").glob("*.yaml"))
CORPUS_PACKAGES = {spec.stem: f"corpus_{spec.stem}" for spec in CORPUS_SPECS}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every corpus spec generated once per session (per worker) by the real command, the output on sys.path."""
    from tests.helpers import deskkit

    out = tmp_path_factory.mktemp("corpus")
    for spec in CORPUS_SPECS:
        result = deskkit("generate", "--spec", str(spec), "--out", str(out))
        assert result.returncode == 0, f"{spec.name}: {result.stderr}"
    sys.path.insert(0, str(out))
    yield out
    sys.path.remove(str(out))


def load_example() -> dict[str, Any]:
    """The page's example 200 body, byte for byte as published."""
    data: dict[str, Any] = json.loads((DATA / "vendor-example.json").read_text(encoding="utf-8"))
    return data


def documented_example() -> dict[str, Any]:
    """The same desktop in the shape the tables document (and with documented enum values)."""
    doc = copy.deepcopy(load_example())
    desktop = doc["desktop"][0]
    desktop["addresses"] = {"0cd6ab9f-3a2e-4d61-a9a2-36a8b3dba5d7": desktop["addresses"]}
    desktop["data_volumes"][0]["type"] = "SSD"
    desktop["task_status"] = "rebooting"
    return {"desktop": desktop}


@pytest.fixture
def example() -> dict[str, Any]:
    return load_example()


@pytest.fixture
def documented() -> dict[str, Any]:
    return documented_example()


def pytest_configure(config: pytest.Config) -> None:
    """Under mutmut, concurrent forked pytest sessions would share (and prune) the numbered
    /tmp/pytest-of-<user>/pytest-N folders: give each session a private basetemp."""
    if os.environ.get("MUTANT_UNDER_TEST") and config.option.basetemp is None:
        import tempfile

        parent = Path.cwd() / "tmp"  # mutmut runs in mutants/: removed with it
        parent.mkdir(exist_ok=True)
        config.option.basetemp = tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=parent)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under mutmut, run a mutant's tests fastest first, by the durations mutmut measured in its stats run
    (``mutmut-stats.json`` in ``mutants/``, where it runs them): a mutant is killed by the first test that
    fails (``-x``), and mutmut hands its tests over in no particular order."""
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    try:
        durations = json.loads(Path("mutmut-stats.json").read_bytes())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))
