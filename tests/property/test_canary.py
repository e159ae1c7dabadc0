"""Canary: hypothesis-jsonschema with the pinned Hypothesis.

hypothesis-jsonschema 0.23.1 fails with `AttributeError: 'many' object has no attribute 'more'` on
hypothesis >= 6.170.10 (its array generation uses an internal that changed). pyproject.toml pins
hypothesis below that. When this test fails after an upgrade, the two no longer work together: keep the
pin, or move it only together with a hypothesis-jsonschema release that fixes it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis_jsonschema import from_schema

ARRAYS = {
    "type": "object",
    "required": ["xs"],
    "properties": {
        "xs": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 5},
        "m": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


def test_hypothesis_jsonschema_draws_arrays_with_the_pinned_hypothesis() -> None:
    drawn: list[Any] = []

    @settings(max_examples=30, database=None)
    @given(from_schema(ARRAYS))
    def draw(value: Any) -> None:
        assert 1 <= len(value["xs"]) <= 5
        drawn.append(value)

    draw()
    assert len(drawn) >= 10, "hypothesis-jsonschema drew (almost) nothing"
