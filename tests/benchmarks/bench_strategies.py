"""Payloads per second: the generated valid strategy against hypothesis-jsonschema (run by hand).

    python -m tests.benchmarks.bench_strategies [--count 100] [--rounds 7]

Both draw documented-contract payloads for the emitted documented schema, in one run, the same way a
property test does (@given, generation phase only, no database), in interleaved rounds (A, B, A, B, …) of
``--count`` payloads each: the ratio printed is the median of the rounds' ratios, so a change in the
machine's load during one round does not decide it. Every drawn payload is checked with jsonschema
afterwards (outside the timing) and must be valid.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from importlib import resources
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from tests.benchmarks._timing import load
from workspace_desktop import strategies as S

SCHEMA = json.loads((resources.files("workspace_desktop") / "schemas" / "documented.schema.json").read_text())


def rate(strategy: st.SearchStrategy[Any], count: int) -> tuple[float, list[Any]]:
    drawn: list[Any] = []

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    start = time.perf_counter()
    collect()
    return len(drawn) / (time.perf_counter() - start), drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    validator = Draft202012Validator(SCHEMA)
    ours, theirs = "deskkit show_desktop_detail_response_payloads()", "hypothesis-jsonschema from_schema(documented)"
    contenders = {ours: S.show_desktop_detail_response_payloads(), theirs: from_schema(SCHEMA)}
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    drawn: dict[str, list[Any]] = {name: [] for name in contenders}
    for strategy in contenders.values():
        rate(strategy, 10)  # warm up: hypothesis-jsonschema canonicalises the schema on first use
    for _ in range(args.rounds):
        for name, strategy in contenders.items():
            per_second, payloads = rate(strategy, args.count)
            rates[name].append(per_second)
            drawn[name] += payloads
    print(load())
    for name in contenders:
        invalid = sum(not validator.is_valid(p) for p in drawn[name])
        print(f"{name:50} {statistics.median(rates[name]):8.1f} payloads/s median of {args.rounds} rounds "
              f"({len(drawn[name])} drawn, {invalid} invalid)")
    ratios = [a / b for a, b in zip(rates[ours], rates[theirs], strict=True)]
    ratio = statistics.median(ratios)
    verdict = "met" if ratio >= 10 else "NOT met"
    print(f"ratio: {ratio:.1f}x hypothesis-jsonschema, median of rounds {min(ratios):.1f}x..{max(ratios):.1f}x "
          f"(target of issue #12: at least 10x: {verdict})")


if __name__ == "__main__":
    main()
