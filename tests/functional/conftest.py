"""Start `deskkit mock` as a real process on a free loopback port, and stop it cleanly afterwards."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Mock:
    url: str
    ids: list[str]
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def requests(self) -> list[str]:
        """The request lines the mock logged so far (one per request)."""
        return [line for line in self.log.read_text().splitlines() if '"GET ' in line or '"POST ' in line]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=10)


def launch(log: Path, *args: str, env: dict[str, str] | None = None) -> Mock:
    """``deskkit mock --port 0 ARGS`` with its standard error in ``log``, once it says where it serves."""
    exe = Path(sys.executable).with_name("deskkit")
    with log.open("wb") as handle:
        process = subprocess.Popen([str(exe), "mock", "--port", "0", *args], stdout=subprocess.DEVNULL,
                                   stderr=handle, env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        first = log.read_text().splitlines()[:1]
        if first and "serving" in first[0]:
            match = re.search(r"serving (http://\S+) \(\d+ desktops: (.*)\)", first[0])
            assert match, first[0]
            return Mock(match.group(1), match.group(2).removesuffix(" …").split(", "), log, process)
        if process.poll() is not None:
            raise AssertionError(f"deskkit mock exited: {log.read_text()}")
        time.sleep(0.05)
    process.kill()
    raise AssertionError("deskkit mock did not start")


def finish(mock: Mock) -> None:
    if mock.process.poll() is None:
        mock.process.kill()
        mock.process.wait()


@pytest.fixture
def start_mock(tmp_path: Path) -> Iterator[Callable[..., Mock]]:
    started: list[Mock] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Mock:
        mock = launch(tmp_path / f"mock-{len(started)}.log", *args, env=env)
        started.append(mock)
        return mock

    yield start
    for mock in started:
        finish(mock)
