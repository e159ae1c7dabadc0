"""`deskkit mock` under load on loopback (run by hand; the load tests assert only that all are answered).

    python -m tests.benchmarks.bench_mock [--concurrent 1000] [--runs 3] [--slowloris 2000]
                                          [--baseline PATH/TO/deskkit]

In one run, against a real `deskkit mock` process:
  1. --runs bursts of --concurrent requests opened at once, one connection each: answered with 200, p50,
     p99 and max latency (connect to last byte), the mock's CPU time per request;
  2. --slowloris half-open connections sending their head one byte every 0.5 s, then a burst of
     --concurrent requests while they hang on: answered with 200, p50/p99; then how many of the slow
     connections the mock closed within its header timeout (--header-timeout 10) plus 5 s.
With --baseline, step 1 is repeated against that deskkit (e.g. the http.server mock of an older checkout),
and the ratio is printed. The client is plain non-blocking sockets on one selector (tests/functional/loadgen.py),
so its own cost stays small; other processes on the machine still weigh on the numbers (load average shown).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.functional.loadgen import Answer, Slowloris, burst, percentile

BIN = Path(sys.executable).parent
TOKEN = {"X-Auth-Token": "t"}


class Server:
    def __init__(self, exe: Path, *args: str) -> None:
        self.log = Path(tempfile.mkstemp(suffix=".log")[1])
        with self.log.open("wb") as handle:
            self.process = subprocess.Popen([str(exe), "mock", "--port", "0", *args], stdout=subprocess.DEVNULL,
                                            stderr=handle)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"serving http://[^:]+:(\d+) \(\d+ desktops: (.*)\)", self.log.read_text())
            if match:
                self.port = int(match.group(1))
                self.ids = match.group(2).removesuffix(" …").split(", ")
                return
            time.sleep(0.05)
        raise SystemExit(f"the mock did not start: {self.log.read_text()}")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def targets(self, count: int) -> list[str]:
        return [f"/v2/p/desktops/{self.ids[i % len(self.ids)]}" for i in range(count)]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.unlink()


def summary(answers: list[Answer]) -> str:
    latencies = [a.seconds for a in answers]
    ok = sum(a.status == 200 for a in answers)
    return (f"{ok}/{len(answers)} answered 200, p50 {percentile(latencies, 0.5):.3f} s, "
            f"p99 {percentile(latencies, 0.99):.3f} s, max {max(latencies):.3f} s")


def bursts(server: Server, concurrent: int, runs: int, label: str) -> float:
    burst("127.0.0.1", server.port, server.targets(50), TOKEN)  # warm-up
    p99s = []
    for run in range(runs):
        before = server.cpu_seconds()
        answers = burst("127.0.0.1", server.port, server.targets(concurrent), TOKEN, timeout=60)
        spent = server.cpu_seconds() - before
        p99s.append(percentile([a.seconds for a in answers], 0.99))
        print(f"  {label} run {run + 1}: {summary(answers)}; mock CPU {spent / concurrent * 1000:.2f} ms/request")
    return sorted(p99s)[len(p99s) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrent", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slowloris", type=int, default=2000)
    parser.add_argument("--baseline", type=Path, help="another deskkit executable to compare with")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    server = Server(BIN / "deskkit", "--desktops", "10", "--header-timeout", "10")
    try:
        print(f"1. {args.concurrent} concurrent requests, {args.runs} runs")
        mine = bursts(server, args.concurrent, args.runs, "deskkit mock")
        print(f"  median p99: {mine:.3f} s")
        print(f"2. {args.slowloris} slowloris connections (one byte every 0.5 s), then {args.concurrent} requests")
        with Slowloris("127.0.0.1", server.port, args.slowloris, interval=0.5) as slow:
            print(f"  {slow.opened} slow connections open")
            answers = burst("127.0.0.1", server.port, server.targets(args.concurrent), TOKEN, timeout=60)
            print(f"  during slowloris: {summary(answers)}")
            deadline = time.monotonic() + 15
            while slow.closed_by_server < slow.opened and time.monotonic() < deadline:
                time.sleep(0.2)
            print(f"  closed by the mock's header timeout: {slow.closed_by_server}/{slow.opened}")
        after = burst("127.0.0.1", server.port, server.targets(args.concurrent), TOKEN, timeout=60)
        print(f"  after: {summary(after)}")
    finally:
        server.stop()

    if args.baseline:
        base = Server(args.baseline, "--desktops", "10")
        try:
            print(f"3. baseline {args.baseline}")
            theirs = bursts(base, args.concurrent, 1, "baseline")
        finally:
            base.stop()
        print(f"  p99 baseline / deskkit mock: {theirs / mine:.1f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
