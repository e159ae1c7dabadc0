"""`deskkit diff` grows linearly with the specs (run by hand).

    python -m tests.benchmarks.bench_diff [--sizes 50,100,200,400]

For each size n, writes OLD and NEW specs with n operations, each answering with its own object schema of 20
properties (enums, bounds, patterns, a nested array of a shared schema), and NEW changing every one of them
(a property renamed, an enum value added, a bound tightened, a property added). Times, in one run:
  - read: load + check + line map of both files (the generator's own loader and checker);
  - compare: resolve both, compare every use-site, build the report;
and prints the ratio to the previous size (2.0 means linear when sizes double). Then the same for one schema
reached 2**depth ways (a chain of objects with two properties of the next type): the nodes compared and the
time must grow with depth, not with 2**depth.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from generator.contract.diff import compare_sources
from generator.contract.diff.compare import Comparer
from generator.contract.diff.model import Document
from generator.contract.diff.source import read_source


def spec(n: int, new: bool) -> str:
    ops, schemas = [], []
    for i in range(n):
        ops.append(f"  /things{i}/{{id}}:\n    get:\n      operationId: GetThing{i}\n      parameters:\n"
                   f"        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n"
                   f"        - {{name: limit, in: query, schema: {{type: integer, maximum: {50 if new else 100}}}}}\n"
                   "      responses:\n        '200':\n          description: ok\n          content:\n"
                   f"            application/json:\n              schema: {{$ref: '#/components/schemas/Thing{i}'}}\n")
        props = [f"        p{j}: {{type: string, maxLength: {64 if new and j == 3 else 128}, "
                 f"description: Property {j}.}}\n" for j in range(14)]
        props[0] = ("        renamed: {type: string, description: Property 0.}\n" if new
                    else "        p0: {type: string, description: Property 0.}\n")
        props.append(f"        state: {{type: string, enum: [a, b, c{', d' if new else ''}], description: State.}}\n")
        props.append("        code: {type: string, pattern: '^[A-Z]+$', description: Code.}\n")
        props.append("        size: {type: integer, minimum: 0, description: Size.}\n")
        props.append("        parts: {type: array, items: {$ref: '#/components/schemas/Part'}, description: Parts.}\n")
        props.append("        owner: {$ref: '#/components/schemas/Part'}\n")
        props.append("        flag: {type: boolean, description: Flag.}\n")
        if new:
            props.append("        extra: {type: string, description: New.}\n")
        schemas.append(f"    Thing{i}:\n      type: object\n      required: [p1]\n      properties:\n" + "".join(props))
    part = ("    Part:\n      type: object\n      properties:\n        name: {type: string, description: Name.}\n"
            f"        kind: {{type: string, enum: [x, y{', z' if new else ''}]}}\n")
    return ("openapi: 3.1.0\ninfo: {title: bench, version: '1'}\npaths:\n" + "".join(ops)
            + "components:\n  schemas:\n" + "".join(schemas) + part)


def chain(depth: int, leaf: str) -> str:
    schemas = "".join(f"    S{i}:\n      type: object\n      properties:\n"
                      f"        a: {{$ref: '#/components/schemas/S{i + 1}'}}\n"
                      f"        b: {{$ref: '#/components/schemas/S{i + 1}'}}\n" for i in range(depth))
    return ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /s:\n    get:\n      operationId: GetS\n"
            "      responses:\n        '200':\n          description: ok\n          content:\n"
            "            application/json:\n              schema: {$ref: '#/components/schemas/S0'}\n"
            f"components:\n  schemas:\n{schemas}    S{depth}:\n      type: object\n      properties:\n"
            f"        leaf: {leaf}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,100,200,400")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        print(f"{'operations':>10} {'lines':>7} {'changes':>8} {'read s':>8} {'compare s':>10} {'ratio':>6}")
        previous = None
        for n in (int(s) for s in args.sizes.split(",")):
            old, new = root / f"old{n}.yaml", root / f"new{n}.yaml"
            old.write_text(spec(n, False), encoding="utf-8")
            new.write_text(spec(n, True), encoding="utf-8")
            started = time.perf_counter()
            a, b = read_source(str(old)), read_source(str(new))
            read = time.perf_counter() - started
            started = time.perf_counter()
            report = compare_sources(a, b)
            compare = time.perf_counter() - started
            ratio = f"{compare / previous:.2f}" if previous else "-"
            lines = new.read_text(encoding="utf-8").count("\n")
            print(f"{n:>10} {lines:>7} {len(report.findings):>8} {read:>8.3f} {compare:>10.3f} {ratio:>6}")
            previous = compare
        print(f"\n{'depth':>6} {'paths':>10} {'nodes':>6} {'compare s':>10}")
        for depth in (10, 20, 40, 80):
            old, new = root / f"c{depth}.yaml", root / f"d{depth}.yaml"
            old.write_text(chain(depth, "{type: string}"), encoding="utf-8")
            new.write_text(chain(depth, "{type: integer}"), encoding="utf-8")
            a, b = read_source(str(old)), read_source(str(new))
            started = time.perf_counter()
            comparer = Comparer(Document(a).check(), Document(b).check())
            comparer.run()
            print(f"{depth:>6} {2**depth:>10.3g} {len(comparer.nodes):>6} {time.perf_counter() - started:>10.3f}")


if __name__ == "__main__":
    main()
