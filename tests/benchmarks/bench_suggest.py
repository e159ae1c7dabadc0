"""`deskkit suggest --apply` grows linearly with the number of new keys (run by hand).

    python -m tests.benchmarks.bench_suggest [--sizes 2000,4000,8000]

For each size n, one capture of a desktop carrying n distinct undocumented fields is judged against the shipped
spec and its bindings (workspace_desktop). Times, in one run:
  - suggest: read, judge and propose (``suggestions``);
  - splice: the n-operation patch written into the spec's text (``apply_text``);
and prints the ratio to the previous size (2.0 means linear when sizes double).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from generator.codegen import find_spec
from generator.contract.suggest import suggestions
from generator.contract.suggest.splice import apply_text


def capture(folder: Path, n: int) -> Path:
    body = {"desktop": {"desktop_id": "d1", **{f"extra_field_{i}": i for i in range(n)}}}
    path = folder / f"wide-{n}.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,4000,8000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    spec, _ = find_spec(Path.cwd())
    text = spec.read_text(encoding="utf-8")
    previous: tuple[float, float] | None = None
    print(f"{'n':>6} {'ops':>6} {'suggest s':>10} {'ratio':>6} {'splice s':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as scratch:
        for n in sizes:
            path = capture(Path(scratch), n)
            start = time.perf_counter()
            found = suggestions([str(path)], spec, "workspace_desktop")
            proposed = time.perf_counter() - start
            start = time.perf_counter()
            apply_text(text, found.patch, str(spec))
            spliced = time.perf_counter() - start
            ratios = ("", "") if previous is None else \
                (f"{proposed / previous[0]:.2f}", f"{spliced / previous[1]:.2f}")
            print(f"{n:>6} {len(found.patch):>6} {proposed:>10.2f} {ratios[0]:>6} {spliced:>9.2f} {ratios[1]:>6}")
            previous = (proposed, spliced)


if __name__ == "__main__":
    main()
