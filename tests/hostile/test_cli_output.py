"""The CLI's own inputs and output: a package name that is not one, a --jobs past reason, a Retry-After no
client can read, and an output that cannot be written (a full disk, /dev/full): one line and exit 2, no
traceback."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.cli import _header_value, _retry_after
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


def test_jobs_past_eight_per_cpu_is_a_usage_error() -> None:
    most = 8 * (os.cpu_count() or 1)
    result = deskkit("validate", "--jobs", str(most + 1), EXAMPLE)
    assert result.returncode == 2
    assert f"argument --jobs: expected at most {most} (8 per CPU here), got {most + 1}" in result.stderr


@pytest.mark.parametrize(("text", "ok"), [("0", True), ("120", True), ("none", True), ("NONE", True),
                                          ("Wed, 21 Oct 2015 07:28:00 GMT", True), ("-5", False), ("1.5", False),
                                          ("٣", False), ("soon", False), ("", False)])
def test_retry_after_is_seconds_a_date_or_none(text: str, ok: bool) -> None:
    if ok:
        assert _retry_after(text) == text
    else:
        with pytest.raises(argparse.ArgumentTypeError):
            _retry_after(text)


@pytest.mark.parametrize("token", ["se\ncret", "se\rcret", "se\x00cret", " secret", "secret\t", "sécret", ""])
def test_a_mock_token_no_client_can_send_is_refused_without_showing_it(token: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        _header_value(token)
    if token.strip():
        assert token.strip() not in str(refused.value)  # a secret is never echoed


def test_a_mock_token_is_refused_on_the_command_line() -> None:
    result = deskkit("mock", "--token", "top\nsecret", "--port", "0", timeout=30)
    assert result.returncode == 2 and "secret" not in result.stderr and "argument --token" in result.stderr


def test_mock_desktops_past_the_limit_is_a_usage_error() -> None:
    result = deskkit("mock", "--desktops", "100001", "--port", "0", timeout=30)
    assert result.returncode == 2
    assert "argument --desktops/--resources: expected at most 100,000, got 100001" in result.stderr


def test_a_bug_is_one_line_and_exit_3_without_the_message(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 1 means "breaking" (diff) or "violations" (validate): a bug must not read as either. Its message
    is left out (it may quote the input); DESKKIT_TRACEBACK=1 gives the traceback back."""
    import generator.cli as cli

    def broken(args: argparse.Namespace) -> int:
        raise ValueError("token=s3cr3t-value")

    monkeypatch.setattr(cli, "_dispatch", broken)
    monkeypatch.delenv("DESKKIT_TRACEBACK", raising=False)
    assert cli.main(["validate", EXAMPLE]) == 3
    err = capsys.readouterr().err
    assert err.startswith("deskkit: internal error: ValueError at test_cli_output.py:") and err.count("\n") == 1
    assert "s3cr3t" not in err
    monkeypatch.setenv("DESKKIT_TRACEBACK", "1")
    with pytest.raises(ValueError, match="s3cr3t"):
        cli.main(["validate", EXAMPLE])


def test_samples_count_is_bounded() -> None:
    result = deskkit("samples", "--kind", "valid", "--count", "100001")
    assert result.returncode == 2 and "expected at most 100,000" in result.stderr


def test_a_stopped_samples_run_leaves_the_output_file_as_it_was(tmp_path: Path) -> None:
    """--out was emptied at the start and written at the end: a run stopped half-way (SIGTERM) left an empty
    file. Lines are written as drawn, to a file beside it that takes its place at the end."""
    import signal
    import time

    out = tmp_path / "keep.jsonl"
    out.write_text("precious\n", encoding="utf-8")
    process = subprocess.Popen([EXE, "samples", "--kind", "valid", "--count", "100000", "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size > 1000 for p in tmp_path.glob(".keep.jsonl.*.partial")):  # lines as drawn
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143 and "Traceback" not in err and "internal error" not in err, err
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.jsonl"]


def test_a_sigterm_whose_exception_is_lost_still_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The handler's exception can be lost: raised inside a finalizer (which only prints it), or caught by a
    library and raised as something else. The run stops all the same, at the next line, with status 143,
    leaving the output file as it was; and a run after it in the same process is not taken for stopped."""
    import signal

    from generator import cli
    from generator.contract import samples

    drawn = samples.draw

    class Finalized:
        def __del__(self) -> None:  # the signal comes while a finalizer runs (a collector callback, once)
            os.kill(os.getpid(), signal.SIGTERM)  # (the handler runs before kill returns: inside __del__)

    def lossy(strategy: Any, count: int, seed: int, take: Any) -> None:
        def swallowing(item: Any) -> None:
            Finalized()  # made and dropped: Python prints what its __del__ raised, and goes on
            take(item)

        drawn(strategy, count, seed, swallowing)

    out = tmp_path / "keep.jsonl"
    out.write_text("precious\n", encoding="utf-8")
    monkeypatch.setattr(samples, "draw", lossy)
    assert cli.main(["samples", "--kind", "valid", "--count", "5", "--out", str(out)]) == 143
    assert out.read_text(encoding="utf-8") == "precious\n" and [p.name for p in tmp_path.iterdir()] == ["keep.jsonl"]
    assert "Traceback" not in capsys.readouterr().err  # (the lost stop is not printed as an error)

    def converting(strategy: Any, count: int, seed: int, take: Any) -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        except KeyboardInterrupt:
            raise RuntimeError("a library's own error") from None

    monkeypatch.setattr(samples, "draw", converting)
    assert cli.main(["samples", "--kind", "valid", "--count", "5", "--out", str(out)]) == 143
    monkeypatch.setattr(samples, "draw", drawn)
    # runs after a stopped one, in the same process, are not taken for stopped: their own errors and output
    assert cli.main(["validate", str(tmp_path / "missing.json")]) == 2
    assert f"no such file or folder: {tmp_path / 'missing.json'}" in capsys.readouterr().err
    assert cli.main(["samples", "--kind", "valid", "--count", "2"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert cli.main(["samples", "--kind", "valid", "--count", "5", "--out", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5


FREEZE_PROBE = """
import gc, sys
from generator import cli
sys.argv = ["deskkit", "validate", sys.argv[1]]
try:
    cli.run()
except SystemExit as exc:
    print(exc.code, gc.get_freeze_count() > 0)
"""


def test_the_command_freezes_what_is_left_as_it_exits() -> None:
    """``deskkit`` is :func:`generator.cli.run`: main's status, everything still alive frozen first, so the
    collection Python runs on its way out walks nothing (``validate`` unfreezes for callers in the process)."""
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="deskkit")
    assert script.value == "generator.cli:run"
    done = subprocess.run([sys.executable, "-c", FREEZE_PROBE, EXAMPLE], capture_output=True, text=True, timeout=120,
                          check=True)
    assert done.stdout.splitlines()[-1] == "0 True"
