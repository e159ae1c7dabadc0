"""A relaxation (``x-deskkit-tolerate`` with a wider schema of the same JSON type) is drawn by ``quirky()``
whatever its schema: a narrow pattern (met by none of the strings that break the documented site at random)
and a number bound. Oracles: jsonschema on the generated documented and observed schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from tests.helpers import generated_from, import_fresh

SPEC = r"""
openapi: 3.1.0
info: {title: Relaxed, version: "1", x-deskkit-package: relaxed_pkg}
x-deskkit-quirks:
  when-loose:
    summary: A date-time with a space instead of T.
    scope: property
    evidence: [{source: test, pointer: /when}]
  size-negative:
    summary: A size of -1 for unknown.
    scope: property
    evidence: [{source: test, pointer: /size}]
paths:
  /n:
    get:
      operationId: getN
      responses:
        "200":
          description: N.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      required: [when, size]
      properties:
        when:
          type: string
          format: date-time
          x-deskkit-tolerate:
            - quirk: when-loose
              schema: {type: string, pattern: '^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$(?!\n)'}
        size:
          type: integer
          minimum: 0
          x-deskkit-tolerate: [{quirk: size-negative, schema: {type: integer, minimum: -1}}]
"""


def test_quirky_draws_every_relaxation_and_the_schemas_agree(tmp_path: Path) -> None:
    out = generated_from(tmp_path, SPEC, "relaxed.yaml")
    package = import_fresh(out, "relaxed_pkg")
    strategies = import_fresh(out, "relaxed_pkg.strategies")
    schemas = {kind: json.loads((out / "relaxed_pkg" / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
               for kind in ("documented", "observed")}
    validators = {kind: Draft202012Validator({**schema, "$ref": "#/$defs/Thing"},
                                             format_checker=Draft202012Validator.FORMAT_CHECKER)
                  for kind, schema in schemas.items()}
    seen: set[str] = set()

    @settings(max_examples=80, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategies.quirky())
    def check(drawn: Any) -> None:
        quirks = {i.quirk for i in drawn.injected}
        assert validators["observed"].is_valid(drawn.payload), drawn
        assert not validators["documented"].is_valid(drawn.payload), drawn
        parsed = package.Thing.from_dict(drawn.payload, tolerant=True)
        assert {d.quirk for d in parsed.deviations} == quirks
        seen.update(quirks)

    check()
    assert seen == {"when-loose", "size-negative"}
