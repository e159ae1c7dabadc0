"""How long `deskkit generate --check` takes on the shipped spec (the issue's goal: under 0.5 s).

Run by hand: ``python -m tests.benchmarks.bench_generate [RUNS]``. Prints the median wall and CPU time of
the real command (a fresh process each run, templates compiled once and then read from the cache), beside
the start-up of a bare interpreter for scale. On a busy machine, CPU time is the steadier number.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(command: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(runs: int) -> None:
    deskkit = [str(Path(sys.executable).with_name("deskkit")), "generate", "--check"]
    timed(deskkit)  # fills the template cache
    rows = {"python -c pass": [sys.executable, "-c", "pass"], "deskkit generate --check": deskkit}
    cpu = 0.0
    for name, command in rows.items():
        results = [timed(command) for _ in range(runs)]
        wall = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[1] for r in results)
        print(f"{name:28s} median wall {wall:.3f} s, cpu {cpu:.3f} s ({runs} runs, load {os.getloadavg()[0]:.1f})")
    print(f"target (issue #12): deskkit generate under 0.5 s (cpu): {cpu:.3f} s, {'met' if cpu < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
