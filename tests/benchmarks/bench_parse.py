"""Parse speed of the generated strict parser against what a user would pick instead (run by hand).

    pip install -e ".[bench]" && python -m tests.benchmarks.bench_parse

Payload: the page's example in its documented shape (object `desktop`, map `addresses`, documented enum
values), already decoded. Compared in one run: deskkit strict `from_dict` (validation included), pydantic v2
`model_validate` on hand-written models with the same rules (tests/benchmarks/pydantic_models.py), and the
vendor SDK's deserializer (huaweicloudsdkworkspace, which validates nothing). Best of 7 repeats.
"""

from __future__ import annotations

import argparse
import importlib
import timeit
from collections.abc import Callable
from typing import Any

from tests.conftest import documented_example, load_example


def best_us(func: Callable[[], Any], number: int, repeat: int = 7) -> float:
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number * 1e6


def contenders(doc: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    import workspace_desktop as w

    page = load_example()
    out: dict[str, Callable[[], Any]] = {
        "deskkit strict from_dict": lambda: w.ShowDesktopDetailResponse.from_dict(doc),
        "deskkit tolerant, page example (4 quirks)": lambda: w.ShowDesktopDetailResponse.from_dict(page, tolerant=True),
    }
    try:
        from tests.benchmarks import pydantic_models as p

        out["pydantic v2 model_validate"] = lambda: p.ShowDesktopDetailResponse.model_validate(doc)
    except ImportError:
        print("pydantic not installed: skipped")
    try:
        from huaweicloudsdkcore.client import Client

        client = Client()
        client.model_package = importlib.import_module("huaweicloudsdkworkspace.v2.model")
        out["vendor SDK deserialize"] = lambda: client._deserialize(doc, "ShowDesktopDetailResponse")
    except ImportError:
        print("huaweicloudsdkworkspace not installed: skipped")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=5000)
    args = parser.parse_args()
    doc = documented_example()
    results = {name: best_us(func, args.number) for name, func in contenders(doc).items()}
    base = results["deskkit strict from_dict"]
    print(f"{'contender':45} {'µs/parse':>10} {'x deskkit strict':>18}")
    for name, us in results.items():
        print(f"{name:45} {us:10.2f} {us / base:18.2f}")


if __name__ == "__main__":
    main()
