"""Hostile sizes for `deskkit validate`: time and peak memory stay linear in the largest body (run by hand).

    python -m tests.benchmarks.bench_hostile [--line-mb 400] [--har-mb 90] [--only NAME]

Each case writes its input to a temporary folder, runs one real process on it and prints the wall-clock
seconds and that process's peak resident memory (``ru_maxrss`` of the child, from ``wait4``):

  split-jsonl-line   cutting a .jsonl whose middle line is --line-mb MB into work ranges (``line_ranges``)
  jsonl-line         ``deskkit validate --format json`` on that file (the big line is decoded and judged)
  stdin-line         the same bytes on standard input (spooled to disk, then judged as a .jsonl file)
  har-entry          a HAR of about --har-mb + 4 MB whose one entry carries a --har-mb MB body (read by the
                     streaming HAR reader: the file is above 64 MiB)
  nan-at-end         a --har-mb MB document whose last value is NaN (unreadable, with line and column)

The body of the big line / entry is the page's example in its documented shape plus an undocumented
string field of the given size, so it is decoded and judged in full.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from tests.conftest import documented_example

BIN = Path(sys.executable).parent
DESKKIT = str(BIN / "deskkit")
URL = "https://workspace.ap-southeast-1.myhuaweicloud.com/v2/0bec5db98280d2d02fd6c00c2de791ce/desktops/{}"
MB = 1_000_000


def write_big_body(handle: BinaryIO, size: int, escaped: bool = False) -> None:
    """A documented body with an undocumented string field, ``size`` bytes in all (about), written in
    blocks (this process stays small: a child's peak RSS counts its parent's at fork). ``escaped``: as the
    text of a JSON string (a HAR entry's body)."""
    head = json.dumps(documented_example())[:-1] + ', "blob": "'
    tail = '"}'
    if escaped:
        head, tail = json.dumps(head)[1:-1], json.dumps(tail)[1:-1]
    handle.write(head.encode())
    left = max(0, size - len(head) - len(tail))
    while left > 0:
        handle.write(b"x" * min(left, 1 << 20))
        left -= 1 << 20
    handle.write(tail.encode())


def write_jsonl(path: Path, size: int) -> None:
    small = json.dumps(documented_example()).encode() + b"\n"
    with path.open("wb") as handle:
        handle.write(small)
        write_big_body(handle, size)
        handle.write(b"\n" + small)


def har_entry(i: int, body: str) -> str:
    return json.dumps({"startedDateTime": "2026-11-28T09:00:00.000Z", "time": 1,
                       "request": {"method": "GET", "url": URL.format(f"d{i}"), "headers": []},
                       "response": {"status": 200, "headers": [],
                                    "content": {"mimeType": "application/json", "text": body}}})


def write_har(path: Path, size: int) -> None:
    """One entry with a ``size`` body, then about 4 MB of small entries."""
    before, after = har_entry(0, "@").split('"@"')
    small = json.dumps(documented_example())
    with path.open("wb") as handle:
        handle.write(b'{"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": [\n')
        handle.write(before.encode() + b'"')
        write_big_body(handle, size, escaped=True)
        handle.write(b'"' + after.encode())
        for i in range(1, 1 + 4 * MB // 2000):
            handle.write(b",\n" + har_entry(i, small).encode())
        handle.write(b"\n]}}\n")


def write_nan(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        write_big_body(handle, size)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(b', "x": NaN}')


def measure(args: list[str], stdin: Path | None = None) -> tuple[float, float, int]:
    """Seconds, peak RSS in MiB and exit status of one process."""
    start = time.perf_counter()
    with open(stdin or os.devnull, "rb") as source:
        process = subprocess.Popen(args, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--line-mb", type=int, default=400)
    parser.add_argument("--har-mb", type=int, default=90)
    parser.add_argument("--only", action="append", help="run only this case (repeatable)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="deskkit-hostile-"))
    jsonl, har, nan = folder / "line.jsonl", folder / "entry.har", folder / "nan.json"
    split = [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from generator.contract.captures import line_ranges; list(line_ranges(Path(sys.argv[1])))", str(jsonl)]
    cases: list[tuple[str, Callable[[], None], list[str], Path | None]] = [
        ("split-jsonl-line", lambda: None, split, None),
        ("jsonl-line", lambda: None, [DESKKIT, "validate", "--format", "json", str(jsonl)], None),
        ("stdin-line", lambda: None, [DESKKIT, "validate", "--format", "json", "-"], jsonl),
        ("har-entry", lambda: write_har(har, args.har_mb * MB), [DESKKIT, "validate", "--format", "json", str(har)],
         None),
        ("nan-at-end", lambda: write_nan(nan, args.har_mb * MB), [DESKKIT, "validate", "--format", "json", str(nan)],
         None),
    ]
    try:
        if any(not args.only or name in args.only for name in ("split-jsonl-line", "jsonl-line", "stdin-line")):
            write_jsonl(jsonl, args.line_mb * MB)
        print(f"{'case':18} {'input MB':>9} {'seconds':>8} {'peak RSS MiB':>13} {'exit':>5}")
        for name, prepare, command, stdin in cases:
            if args.only and name not in args.only:
                continue
            prepare()
            target = stdin or Path(command[-1])
            seconds, rss, code = measure(command, stdin)
            print(f"{name:18} {target.stat().st_size / MB:9.0f} {seconds:8.1f} {rss:13.0f} {code:5}", flush=True)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
