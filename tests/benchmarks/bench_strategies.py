"""Payloads per second: the generated valid strategy against hypothesis-jsonschema (run by hand).

    python -m tests.benchmarks.bench_strategies [--count 300]

Both draw documented-contract payloads for the emitted documented schema, in one run, the same way a
property test does (@given, generation phase only, no database). Every drawn payload is checked with
jsonschema afterwards (outside the timing) and must be valid.
"""

from __future__ import annotations

import argparse
import json
import time
from importlib import resources
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

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
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    validator = Draft202012Validator(SCHEMA)
    results = {}
    contenders = {
        "deskkit show_desktop_detail_response_payloads()": S.show_desktop_detail_response_payloads(),
        "hypothesis-jsonschema from_schema(documented)": from_schema(SCHEMA),
    }
    for name, strategy in contenders.items():
        per_second, drawn = rate(strategy, args.count)
        invalid = sum(not validator.is_valid(p) for p in drawn)
        results[name] = per_second
        print(f"{name:50} {per_second:8.1f} payloads/s  ({len(drawn)} drawn, {invalid} invalid)")
    base = results["hypothesis-jsonschema from_schema(documented)"]
    ratio = results["deskkit show_desktop_detail_response_payloads()"] / base
    verdict = "met" if ratio >= 10 else "NOT met"
    print(f"ratio: {ratio:.1f}x hypothesis-jsonschema (target of issue #12: at least 10x: {verdict})")


if __name__ == "__main__":
    main()
