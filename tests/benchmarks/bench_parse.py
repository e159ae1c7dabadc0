"""Parse speed of the generated parsers against what a user would pick instead (run by hand).

    pip install -e ".[test,bench]" && python -m tests.benchmarks.bench_parse [--number 2000] [--rounds 15]

Payloads: the page's example in its documented shape (object ``desktop``, map ``addresses``, documented enum
values), and the page's example verbatim (4 quirks). Timed in one run, in interleaved rounds (median µs):

  - deskkit strict ``from_dict`` of the documented shape (validation included, typed objects built);
  - pydantic v2 ``model_validate`` on (a) the models datamodel-code-generator writes from the emitted
    documented schema (generated now, into a temporary folder, with its default options) and (b) the
    stricter hand-written models in ``tests/benchmarks/pydantic_models.py``;
  - deskkit tolerant ``from_dict`` of the page's example, against its own strict parse of the documented shape
    (and, for scale, with its findings made afresh each time: a payload deviating unlike any before it);
  - deskkit ``from_json(bytes)`` against pydantic ``model_validate_json`` (both model sets);
  - for reference: msgspec ``convert`` and ``json.decode`` with typed Structs (``msgspec_models.py``: unknown
    fields ignored, not kept), and the vendor SDK's deserializer (which checks nothing).

The targets of issue #12 are printed with each ratio (the median of each round's own ratio): strict ≤ 0.8x
pydantic on both model sets, tolerant page ≤ 1.2x strict documented, from_json ≤ 1.0x model_validate_json.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.benchmarks._timing import load, round_ratio, timed_rounds
from tests.conftest import documented_example, load_example

BIN = Path(sys.executable).parent


def datamodel_codegen_models(folder: Path) -> ModuleType:
    """The pydantic v2 models datamodel-code-generator writes from the emitted documented schema."""
    schema = resources.files("workspace_desktop") / "schemas" / "documented.schema.json"
    source = folder / "dmcg_models.py"
    subprocess.run([str(BIN / "datamodel-codegen"), "--input", str(schema), "--input-file-type", "jsonschema",
                    "--output-model-type", "pydantic_v2.BaseModel", "--disable-timestamp", "--output", str(source)],
                   check=True, capture_output=True)
    spec = importlib.util.spec_from_file_location("dmcg_models", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dmcg_models"] = module  # pydantic resolves the postponed annotations through it
    spec.loader.exec_module(module)
    return module


def contenders(folder: Path) -> dict[str, Callable[[], Any]]:
    import msgspec

    import workspace_desktop as w
    from tests.benchmarks import msgspec_models as ms
    from tests.benchmarks import pydantic_models as hand

    doc, page = documented_example(), load_example()
    raw = json.dumps(doc).encode()
    dmcg = datamodel_codegen_models(folder)
    model = w.ShowDesktopDetailResponse
    made = w._runtime._MADE
    # every contender accepts the payload (a benchmark of a failing parse would measure the wrong thing)
    model.from_dict(doc), model.from_dict(page, tolerant=True), model.from_json(raw)
    dmcg.ShowDesktopDetailResponse.model_validate(doc), hand.ShowDesktopDetailResponse.model_validate(doc)
    msgspec.convert(doc, ms.ShowDesktopDetailResponse), ms.JSON_DECODER.decode(raw)
    out: dict[str, Callable[[], Any]] = {
        "deskkit strict from_dict": lambda: model.from_dict(doc),
        "pydantic model_validate (datamodel-codegen)": lambda: dmcg.ShowDesktopDetailResponse.model_validate(doc),
        "pydantic model_validate (hand-written)": lambda: hand.ShowDesktopDetailResponse.model_validate(doc),
        "deskkit tolerant from_dict, page (4 quirks)": lambda: model.from_dict(page, tolerant=True),
        # the findings made afresh each time, as for a payload deviating unlike any before (the tape missed)
        "deskkit tolerant from_dict, page, no tape alike": lambda: (made.clear(), model.from_dict(page, tolerant=True)),
        "deskkit from_json(bytes)": lambda: model.from_json(raw),
        "pydantic model_validate_json (datamodel-codegen)":
            lambda: dmcg.ShowDesktopDetailResponse.model_validate_json(raw),
        "pydantic model_validate_json (hand-written)": lambda: hand.ShowDesktopDetailResponse.model_validate_json(raw),
        "json.loads(bytes), for scale": lambda: json.loads(raw),
        "msgspec convert (reference)": lambda: msgspec.convert(doc, ms.ShowDesktopDetailResponse),
        "msgspec json.decode typed (reference)": lambda: ms.JSON_DECODER.decode(raw),
    }
    try:
        from huaweicloudsdkcore.client import Client

        client = Client()
        client.model_package = importlib.import_module("huaweicloudsdkworkspace.v2.model")
        out["vendor SDK deserialize (checks nothing)"] = lambda: client._deserialize(doc, "ShowDesktopDetailResponse")
    except ImportError:
        print("huaweicloudsdkworkspace not installed: skipped")
    return out


#: (what, numerator, denominator, target: the ratio must stay at or below it; None: shown for scale)
TARGETS = [
    ("strict from_dict / pydantic (datamodel-codegen)", "deskkit strict from_dict",
     "pydantic model_validate (datamodel-codegen)", 0.8),
    ("strict from_dict / pydantic (hand-written)", "deskkit strict from_dict",
     "pydantic model_validate (hand-written)", 0.8),
    ("tolerant page / strict documented", "deskkit tolerant from_dict, page (4 quirks)", "deskkit strict from_dict",
     1.2),
    ("  (the same, no tape alike: not a target)", "deskkit tolerant from_dict, page, no tape alike",
     "deskkit strict from_dict", None),
    ("from_json / model_validate_json (datamodel-codegen)", "deskkit from_json(bytes)",
     "pydantic model_validate_json (datamodel-codegen)", 1.0),
    ("from_json / model_validate_json (hand-written)", "deskkit from_json(bytes)",
     "pydantic model_validate_json (hand-written)", 1.0),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=2000, help="calls per contender per round")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deskkit-bench-") as folder:
        samples = timed_rounds(contenders(Path(folder)), args.number, args.rounds)
    results = {name: statistics.median(values) for name, values in samples.items()}
    base = results["deskkit strict from_dict"]
    print(f"median of {args.rounds} interleaved rounds of {args.number} calls; {load()}")
    print(f"{'contender':50} {'µs/parse':>9} {'x deskkit strict':>17}")
    for name, us in results.items():
        print(f"{name:50} {us:9.2f} {us / base:17.2f}")
    heading = "target (the median of each round's own ratio)"
    print(f"\n{heading:52} {'ratio':>6} {'goal':>6}  met")
    for what, numerator, denominator, goal in TARGETS:
        ratio = round_ratio(samples, numerator, denominator)
        if goal is None:
            print(f"{what:52} {ratio:6.2f}")
        else:
            print(f"{what:52} {ratio:6.2f} {goal:6.2f}  {'yes' if ratio <= goal else 'NO'}")


if __name__ == "__main__":
    main()
