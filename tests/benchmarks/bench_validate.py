"""`deskkit validate` on 100,000 JSON Lines against the loop a user would write instead (run by hand).

    pip install -e ".[test,bench]" && python -m tests.benchmarks.bench_validate [--lines 100000] [--rounds 5]

Four corpora, each a .jsonl file of --lines lines cycling through its bodies:

  documented  the page's example in its documented shape (conformant; 2.2 KB a line)
  page        the page's example verbatim (tolerated: 4 quirks)
  samples     valid, quirky and invalid bodies from `deskkit samples` (300 of each, seed 1; small, many
              non-ASCII strings)
  mixed       documented, page, the documented shape with a violation, one sample of each kind, and a line
              cut short (unreadable), in turn

Per corpus, in interleaved rounds (median wall time of whole processes, start-up included):
  - `deskkit validate --format json --jobs 1` and `--jobs 2`, the report written to a file;
  - `python -m tests.benchmarks.rs_loop`: json.loads + jsonschema-rs with formats (documented schema, the
    observed one when that fails, its errors collected) — the same verdicts, checked against deskkit's summary.
Printed: lines/s (from the median times), deskkit / loop, --jobs 2 / --jobs 1, and each process's peak RSS;
then the peak RSS of `--jobs 1` on the documented corpus at a tenth and at the full size (memory flat in the
input size). The targets' ratios are the median of each round's own ratio (the runs of a round are seconds
apart, and share the machine's state), each round's shown beside it.
Issue #12's targets: --jobs 1 ≥ 1.0x the loop on every corpus, --jobs 2 ≥ 1.6x --jobs 1.

Before timing, the modules both sides import are compiled to bytecode (``compileall``), as ``pip install``
does for an installed package: with an editable install and ``PYTHONDONTWRITEBYTECODE=1`` every process
would compile deskkit's sources again (80 ms a start on the machine these numbers come from).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks._timing import load
from tests.conftest import documented_example, load_example

BIN = Path(sys.executable).parent
DESKKIT = str(BIN / "deskkit")


def samples(kind: str, count: int = 300) -> list[str]:
    out = subprocess.run([DESKKIT, "samples", "--kind", kind, "--count", str(count), "--seed", "1"],
                         capture_output=True, text=True, check=True).stdout
    return [json.dumps(json.loads(line)["payload"], ensure_ascii=False) for line in out.splitlines()]


def corpora() -> dict[str, list[str]]:
    documented = json.dumps(documented_example())
    page = json.dumps(load_example())
    broken_doc = documented_example()
    broken_doc["desktop"]["root_volume"]["size"] = "90"
    broken = json.dumps(broken_doc)
    valid, quirky, invalid = samples("valid"), samples("quirky"), samples("invalid")
    mixed: list[str] = []
    for i in range(len(valid)):
        mixed += [documented, page, broken, valid[i], quirky[i], invalid[i], documented[: len(documented) // 2]]
    return {"documented": [documented], "page": [page], "samples": valid + quirky + invalid, "mixed": mixed}


def write(path: Path, bodies: list[str], lines: int) -> Path:
    """The corpus, on disk before any run is timed: the system writes a new file back some thirty seconds
    later, and that work (on a 2-core machine) fell on whichever runs were under way."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(lines):
            handle.write(bodies[i % len(bodies)] + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path


def measure(args: list[str], out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process, its standard output written to ``out``. The previous
    report there is removed before the clock starts: dropping a report of a hundred megabytes from the page
    cache took tens of milliseconds, which were counted against whichever process came next."""
    out.unlink(missing_ok=True)
    with out.open("wb") as sink:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {code}")
    return seconds, usage.ru_maxrss / 1024


def deskkit_counts(report: Path) -> dict[str, int]:
    with report.open(encoding="utf-8") as handle:
        first = handle.readline()  # '{"summary": {...},' — the summary comes first, on one line
    summary: dict[str, Any] = json.loads(first[len('{"summary": '):].rstrip().rstrip(","))
    return {verdict: summary[verdict] for verdict in ("conformant", "tolerated", "violation", "unreadable")}


def commands(path: Path) -> dict[str, list[str]]:
    return {
        "deskkit validate --jobs 1": [DESKKIT, "validate", "--format", "json", "--jobs", "1", str(path)],
        "deskkit validate --jobs 2": [DESKKIT, "validate", "--format", "json", "--jobs", "2", str(path)],
        "json.loads + jsonschema-rs loop": [sys.executable, "-m", "tests.benchmarks.rs_loop", str(path)],
    }


def run(folder: Path, name: str, path: Path, lines: int, rounds: int) -> list[tuple[str, float, float]]:
    contenders = commands(path)
    seconds: dict[str, list[float]] = {c: [] for c in contenders}
    rss: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    for _ in range(rounds):
        for contender, args in contenders.items():
            out = folder / "out.txt"
            wall, peak = measure(args, out)
            seconds[contender].append(wall)
            rss[contender] = max(rss.get(contender, 0.0), peak)
            counts[contender] = deskkit_counts(out) if "deskkit" in contender else json.loads(out.read_text())
    rate = {c: lines / statistics.median(s) for c, s in seconds.items()}
    loop = rate["json.loads + jsonschema-rs loop"]
    agree = all(c == counts["json.loads + jsonschema-rs loop"] for c in counts.values())
    print(f"corpus {name!r}: {lines:,} lines, {path.stat().st_size / 1e6:.0f} MB; verdicts "
          f"{counts['deskkit validate --jobs 1']} ({'the same' if agree else 'DIFFER: ' + str(counts)})")
    for contender, per_second in rate.items():
        print(f"  {contender:34} {per_second:10,.0f} lines/s  {per_second / loop:5.2f}x the loop  "
              f"peak RSS {rss[contender]:6.0f} MiB")
    # The targets are the median of each round's own ratio: the runs of one round are seconds apart, so they
    # share the machine's state (steal time here moved whole runs by a quarter from one minute to the next).
    one, two, looped = (seconds[c] for c in contenders)
    scaling = [a / b for a, b in zip(one, two, strict=True)]
    versus_loop = [b / a for a, b in zip(one, looped, strict=True)]
    print(f"  --jobs 2 / --jobs 1: {statistics.median(scaling):.2f}x (rounds: "
          f"{', '.join(f'{r:.2f}' for r in scaling)}); --jobs 1 / loop by round: "
          f"{', '.join(f'{r:.2f}' for r in versus_loop)}")
    return [(f"{name}: --jobs 1 / loop", statistics.median(versus_loop), 1.0),
            (f"{name}: --jobs 2 / --jobs 1", statistics.median(scaling), 1.6)]


def precompile() -> None:
    """Bytecode for deskkit, its bindings and the loop, as an installed package has it."""
    for package in ("generator", "templates", "workspace_desktop", "tests"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec is not None else []:
            compileall.compile_dir(folder, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)  # single rounds here ranged over a third
    parser.add_argument("--only", action="append", help="run only this corpus (repeatable)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="deskkit-bench-"))
    precompile()
    print(f"median of {args.rounds} interleaved rounds; {load()}")
    targets: list[tuple[str, float, float]] = []
    try:
        for name, bodies in corpora().items():
            if args.only and name not in args.only:
                continue
            path = write(folder / f"{name}.jsonl", bodies, args.lines)
            targets += run(folder, name, path, args.lines, args.rounds)
            if name == "documented":
                small = write(folder / "small.jsonl", bodies, args.lines // 10)
                job1 = commands(small)["deskkit validate --jobs 1"]
                _, small_rss = measure(job1, folder / "out.txt")
                _, full_rss = measure(commands(path)["deskkit validate --jobs 1"], folder / "out.txt")
                print(f"  memory: --jobs 1 peak RSS {small_rss:.0f} MiB at {args.lines // 10:,} lines, "
                      f"{full_rss:.0f} MiB at {args.lines:,}")
    finally:
        shutil.rmtree(folder)
    print(f"\n{'target':38} {'ratio':>6} {'goal':>6}  met   ({load()})")
    for what, ratio, goal in targets:
        print(f"{what:38} {ratio:6.2f} {'>=':>3}{goal:3.1f}  {'yes' if ratio >= goal else 'NO'}")


if __name__ == "__main__":
    main()
