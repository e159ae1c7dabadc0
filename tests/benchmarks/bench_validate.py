"""`deskkit validate` end to end against the tools a user would reach for (run by hand).

    python -m tests.benchmarks.bench_validate [--lines 100000]

Writes two JSON Lines corpora of mixed bodies — "samples": valid, quirky and invalid bodies from
`deskkit samples` (small, text-heavy, many non-ASCII strings); "page": the page's example in its documented
shape, verbatim (4 quirks), and with a violation (full-size real-looking bodies) — then times, per corpus,
in one run, decoding included:
  - `deskkit validate --format json` with --jobs 1 and --jobs 2 (a real process, output to /dev/null);
  - a plain Python loop giving the same verdicts: json.loads, jsonschema Draft 2020-12 `iter_errors` with
    the emitted documented schema and, when that fails, with the observed one (conformant / tolerated /
    violation), on the first --loop-lines lines (per-response time);
  - check-jsonschema (the CLI) on --files sample files, one body each (per-response time).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator

from tests.conftest import documented_example, load_example

BIN = Path(sys.executable).parent
SCHEMAS = resources.files("workspace_desktop") / "schemas"
SCHEMA_PATH = SCHEMAS / "observed.schema.json"


def sample_bodies() -> list[str]:
    bodies: list[str] = []
    for kind in ("valid", "quirky", "invalid"):
        out = subprocess.run([str(BIN / "deskkit"), "samples", "--kind", kind, "--count", "300", "--seed", "1"],
                             capture_output=True, text=True, check=True).stdout
        bodies += [json.dumps(json.loads(line)["payload"], ensure_ascii=False) for line in out.splitlines()]
    return bodies


def page_bodies() -> list[str]:
    broken = documented_example()
    broken["desktop"]["root_volume"]["size"] = "90"
    return [json.dumps(documented_example()), json.dumps(load_example()), json.dumps(broken)]


def corpus(folder: Path, name: str, bodies: list[str], lines: int) -> Path:
    path = folder / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(lines):
            handle.write(bodies[i % len(bodies)] + "\n")
    return path


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def jsonschema_loop(path: Path, limit: int) -> tuple[float, int]:
    documented = Draft202012Validator(json.loads((SCHEMAS / "documented.schema.json").read_text()))
    observed = Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    start = time.perf_counter()
    count = 0
    with path.open("rb") as handle:
        for line in handle:
            with contextlib.suppress(ValueError):
                body = json.loads(line)
                if list(documented.iter_errors(body)):
                    list(observed.iter_errors(body))
            count += 1
            if count >= limit:
                break
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--loop-lines", type=int, default=3_000)
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="deskkit-bench-"))
    try:
        for name, bodies in (("samples", sample_bodies()), ("page", page_bodies())):
            run(folder, corpus(folder, name, bodies, args.lines), args)
    finally:
        shutil.rmtree(folder)


def run(folder: Path, path: Path, args: argparse.Namespace) -> None:
    rows: dict[str, float] = {}
    for jobs in (1, 2):
        seconds = timed([str(BIN / "deskkit"), "validate", "--format", "json", "--jobs", str(jobs), str(path)])
        rows[f"deskkit validate --jobs {jobs}"] = seconds / args.lines * 1e6
    seconds, count = jsonschema_loop(path, args.loop_lines)
    rows["json.loads + jsonschema loop"] = seconds / count * 1e6
    checker = shutil.which("check-jsonschema") or str(BIN / "check-jsonschema")
    if Path(checker).exists():
        files = folder / f"files-{path.stem}"
        files.mkdir()
        with path.open(encoding="utf-8") as handle:
            for i, line in zip(range(args.files), handle, strict=False):
                (files / f"{i:05d}.json").write_text(line, encoding="utf-8")
        names = sorted(str(p) for p in files.iterdir())
        seconds = timed([checker, "--schemafile", str(SCHEMA_PATH), *names])
        rows[f"check-jsonschema ({args.files} files)"] = seconds / len(names) * 1e6
    base = rows["json.loads + jsonschema loop"]
    print(f"corpus {path.stem!r}: {args.lines:,} responses; per response, decoding included:")
    for name, us in rows.items():
        print(f"  {name:40} {us:9.1f} µs   {base / us:7.1f}x the jsonschema loop")


if __name__ == "__main__":
    main()
