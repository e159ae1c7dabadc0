"""The ten lines a user would write instead of `deskkit validate` on JSON Lines (run by bench_validate).

    python -m tests.benchmarks.rs_loop PATH

``json.loads`` each line, then jsonschema-rs with formats checked: the documented schema, and when that
fails the observed one, collecting its errors (conformant / tolerated / violation; unreadable when the line
is not JSON). Prints the verdict counts as JSON, so the benchmark can check both tools agree.
"""

from __future__ import annotations

import json
import sys
from importlib import resources

import jsonschema_rs

SCHEMAS = resources.files("workspace_desktop") / "schemas"


def main(path: str) -> None:
    documented = jsonschema_rs.Draft202012Validator(json.loads((SCHEMAS / "documented.schema.json").read_text()),
                                                    validate_formats=True)
    observed = jsonschema_rs.Draft202012Validator(json.loads((SCHEMAS / "observed.schema.json").read_text()),
                                                  validate_formats=True)
    counts = {"conformant": 0, "tolerated": 0, "violation": 0, "unreadable": 0}
    with open(path, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                body = json.loads(line)
            except ValueError:
                counts["unreadable"] += 1
                continue
            if documented.is_valid(body):
                counts["conformant"] += 1
                continue
            errors = [(error.instance_path, error.message) for error in observed.iter_errors(body)]
            counts["violation" if errors else "tolerated"] += 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1])
