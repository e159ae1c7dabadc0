"""Mutation testing: ``python -m tests.mutation [--max-children N] [--score-only]`` (needs the ``mutation`` extra).

Runs mutmut (configured in pyproject.toml ``[tool.mutmut]``: the static runtime, signing, the client's retry
policy, the contract tools' capture splitting and judging) and prints the score: mutants killed (a test failed,
or the run timed out) over all mutants, less those listed in tests/mutation-equivalent.txt (mutants no test can
kill, each with the reason). ``--score-only`` scores the last run without running again; ``--survivors`` runs
again only the mutants the last run left alive (after tests were added: mutmut keeps every other result).

mutmut imports the mutated copy from ``mutants/`` by module path, so ``workspace_desktop`` must be a directory at
the root: this links it to ``generated/workspace_desktop`` (git-ignored, as ``mutants/`` is). The tests run with
``HYPOTHESIS_PROFILE=mutation`` and ``DESKKIT_TEST_IN_PROCESS=1`` (``deskkit`` commands run in the test's
process, where the mutants are).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).resolve().parent / "mutation-equivalent.txt"
#: Address space per process (mutmut and its forked workers): a mutant that makes memory grow without bound
#: (a reader that never stops filling) fails with MemoryError (killed), instead of the machine's OOM killer
#: choosing among the runs. The selection itself needs well under 1 GiB.
MEMORY_LIMIT = 6 << 30
DETECTED = {1: "killed", 3: "killed", 37: "killed", -24: "timeout", 24: "timeout", 36: "timeout", 152: "timeout",
            255: "timeout", -9: "timeout", -11: "killed"}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, resource.getrlimit(resource.RLIMIT_AS)[1]))


def equivalent() -> dict[str, str]:
    """Mutant id -> why no test can tell it from the original (one ``id  reason`` a line, ``#`` comments)."""
    out: dict[str, str] = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, reason = line.partition(" ")
            out[name] = reason.strip()
    return out


def results() -> dict[str, int | None]:
    """Every mutant's exit code from the last run (mutants/**/*.meta)."""
    codes: dict[str, int | None] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.meta")):
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def score() -> int:
    codes, skip = results(), equivalent()
    if not codes:
        print("no mutation results under mutants/: run `python -m tests.mutation` first", file=sys.stderr)
        return 2
    stale = sorted(set(skip) - set(codes))
    counted = {name: code for name, code in codes.items() if name not in skip}
    by_module: Counter[str] = Counter()
    killed_by_module: Counter[str] = Counter()
    unreached: Counter[str] = Counter()  # no selected test runs the mutated function (mutmut's 33)
    unchecked: Counter[str] = Counter()  # not run yet (an interrupted run)
    survivors = []
    for name, code in sorted(counted.items()):
        module = name.split(".x")[0].split(".x\u01c1")[0]
        by_module[module] += 1
        if code in DETECTED:
            killed_by_module[module] += 1
        else:
            survivors.append((name, code))
            unreached[module] += code == 33
            unchecked[module] += code is None
    for module in sorted(by_module):
        print(f"{module}: {killed_by_module[module]}/{by_module[module]} killed "
              f"({100 * killed_by_module[module] / by_module[module]:.1f} %; not killed: "
              f"{by_module[module] - killed_by_module[module] - unreached[module] - unchecked[module]} survived, "
              f"{unreached[module]} reached by no selected test, {unchecked[module]} not run)")
    killed = sum(killed_by_module.values())
    print(f"score: {killed}/{len(counted)} = {100 * killed / max(1, len(counted)):.1f} % killed "
          f"({len(codes)} mutants, {len(skip) - len(stale)} equivalent excluded)")
    for name, code in survivors:
        print(f"  not killed ({'not checked' if code is None else code}): {name}")
    for name in stale:
        print(f"  listed as equivalent but no longer generated: {name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--score-only", action="store_true")
    parser.add_argument("--survivors", action="store_true", help="run only the mutants not killed last time")
    args = parser.parse_args(argv)
    names: list[str] = []
    if args.survivors:
        skip = equivalent()
        names = [name for name, code in results().items() if code not in DETECTED and name not in skip]
        print(f"running again the {len(names)} mutants the last run left alive")
    if not args.score_only:
        # Only for the run: left at the root, it would shadow other generated packages in tests that put theirs
        # on PYTHONPATH (pytest puts the root first).
        link = ROOT / "workspace_desktop"
        link.symlink_to(Path("generated") / "workspace_desktop", target_is_directory=True)
        env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation", "DESKKIT_TEST_IN_PROCESS": "1"}
        started = time.monotonic()
        try:
            command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children), *names]
            run = subprocess.run(command, cwd=ROOT, env=env, check=False, preexec_fn=_limit_memory)
        finally:
            link.unlink()
        print(f"mutmut run: exit {run.returncode} after {time.monotonic() - started:.0f} s "
              f"(load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
    return score()


if __name__ == "__main__":
    sys.exit(main())
