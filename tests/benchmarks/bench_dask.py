"""Throughput of `deskkit validate --dask ADDRESS` per worker, beside `--jobs 1` (run by hand).

    pip install -e ".[test,bench,dask]" && python -m tests.benchmarks.bench_dask [--lines 100000] [--workers 2]

A `distributed.LocalCluster` of --workers worker processes (one thread each) on loopback judges a JSON Lines
file of the documented example and one of the mixed corpus (see bench_validate); the wall time is the whole
`deskkit validate --dask` process (connecting, planning, writing the report). Printed: lines/s, lines/s per
worker, and the ratio to `deskkit validate --jobs 1` on the same file (one round each, interleaved; the
reports are checked to agree).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from tests.benchmarks._timing import load
from tests.benchmarks.bench_validate import DESKKIT, corpora, deskkit_counts, measure, write


def main() -> None:
    import distributed

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="deskkit-bench-"))
    print(f"{args.workers} Dask worker processes on loopback, {args.lines:,} lines per corpus; {load()}")
    try:
        with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=":0") as cluster:
            bodies = corpora()
            for name in ("documented", "mixed"):
                path = write(folder / f"{name}.jsonl", bodies[name], args.lines)
                runs = {"--jobs 1": [DESKKIT, "validate", "--format", "json", "--jobs", "1", str(path)],
                        "--dask": [DESKKIT, "validate", "--format", "json", "--dask", cluster.scheduler_address,
                                   str(path)]}
                rate, counts = {}, {}
                for label, command in runs.items():
                    out = folder / f"{label}.json"
                    seconds, _ = measure(command, out)
                    rate[label], counts[label] = args.lines / seconds, deskkit_counts(out)
                agree = "the same" if counts["--jobs 1"] == counts["--dask"] else f"DIFFER {counts}"
                print(f"corpus {name!r}: --jobs 1 {rate['--jobs 1']:8,.0f} lines/s; --dask {rate['--dask']:8,.0f} "
                      f"lines/s = {rate['--dask'] / args.workers:7,.0f} per worker "
                      f"({rate['--dask'] / rate['--jobs 1']:.2f}x --jobs 1); verdicts {agree}")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
