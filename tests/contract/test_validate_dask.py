"""`deskkit validate --dask ADDRESS` against a real Dask cluster: two worker processes on loopback.

The oracle is `deskkit validate --jobs 1` on the same inputs (its own tests check it against jsonschema and
raw byte counts): the report is byte for byte the same, in every format, whatever order the workers finish in.
The JSON Lines file spans several work ranges (the workers read them by path), with a HAR file, a plain
.json and standard input beside it (read by the client, shipped with their bytes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import documented_example, load_example
from tests.hostile.runner import har, har_entry, validate

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    # dashboard_address=None still takes port 8787 in this distributed: any free port, so that a dashboard
    # already there (a user's own cluster) does not stop the tests
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def inputs(folder: Path) -> list[Path]:
    documented, page = json.dumps(documented_example()), json.dumps(load_example())
    broken = documented_example()
    broken["desktop"]["root_volume"]["size"] = "90"
    lines = [documented, page, json.dumps(broken), documented[:300], "", '{"desktop": {"x": Infinity}}']
    jsonl = folder / "gateway.jsonl"
    with jsonl.open("w", encoding="utf-8", newline="") as handle:
        for i in range(3000):  # about 5 MB: several 1 MiB ranges
            handle.write(lines[i % len(lines)] + ("\r\n" if i % 7 == 0 else "\n"))
    single = folder / "one.json"
    single.write_text(page)
    capture = folder / "session.har"
    capture.write_bytes(har([har_entry(f"https://h/v2/p/desktops/d{i}", documented) for i in range(3)]))
    return [jsonl, single, capture]


@pytest.mark.parametrize("fmt", ["json", "junit"])
def test_the_cluster_writes_the_report_jobs_1_writes(scheduler: str, tmp_path: Path, fmt: str) -> None:
    paths = inputs(tmp_path)
    stdin = b"\n".join([json.dumps(documented_example()).encode(), b"{broken"] * 20) + b"\n"
    local = validate(*paths, "-", "--jobs", "1", fmt=fmt, stdin=stdin)
    remote = validate(*paths, "-", "--dask", scheduler, fmt=fmt, stdin=stdin)
    assert remote.code == local.code == 1
    assert remote.stdout == local.stdout
    if fmt == "json":
        summary = local.json()["summary"]
        assert sum(summary[v] for v in ("conformant", "tolerated", "violation", "unreadable")) == 2500 + 1 + 3 + 40


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("{}\n")
    run = validate(tmp_path / "a.jsonl", "--dask", "tcp://127.0.0.1:9", timeout=60,
                   env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert run.code == 2
    assert "cannot reach the scheduler" in run.stderr


SECRET = "s3cretpw"


@pytest.mark.parametrize(("address", "expected"), [
    ("nonsense", "expected a scheduler address like tcp://host:8786"),
    ("", "expected a scheduler address like tcp://host:8786"),
    ("tcp://127.0.0.1", "expected a scheduler address like tcp://host:8786"),
    ("tcp://127.0.0.1:1\nx", "expected a scheduler address like tcp://host:8786"),
    ("tcp://127.0.0.1:70000", "port 70000 is out of range"),
    ("gopher://127.0.0.1:1", "unsupported scheme gopher://"),
    ("tls://127.0.0.1:1", "tls:// needs a CA file and client certificate"),
    (f"tcp://user:{SECRET}@127.0.0.1:1", "--dask tcp://***@127.0.0.1:1: credentials do not belong"),
    (f"tcp://user:{SECRET}://x@127.0.0.1:1", "--dask tcp://***@127.0.0.1:1: credentials do not belong"),
    (f"user:{SECRET}@nonsense", "--dask '***@nonsense': expected a scheduler address"),
])
def test_a_bad_address_is_one_line_and_never_shows_its_credentials(tmp_path: Path, address: str,
                                                                    expected: str) -> None:
    (tmp_path / "a.json").write_text(json.dumps(documented_example()))
    # (development mode shows what a run leaves open: the report's spooled files once were, on this path)
    run = validate(tmp_path / "a.json", "--dask", address, timeout=60,
                   env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s", "PYTHONDEVMODE": "1"})
    assert run.code == 2, run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("deskkit: --dask "), run.stderr
    assert expected in run.stderr
    assert "Traceback" not in run.stderr and SECRET.encode() not in run.stderr.encode() + run.stdout
