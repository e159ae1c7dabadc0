"""Check a loaded spec against the OpenAPI 3.1 structure deskkit reads (spec.schema.yaml), including the type of
every JSON Schema keyword it reads.

Meaning that needs more than structure (a ``$ref`` that resolves, a quirk that is declared, a tolerated
shape the parser can tell apart) is checked while the intermediate model is built (:mod:`.build`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..errors import SpecError, SpecIssue
from .load import YAML_LOADER, Spec, escape_token


@cache
def _structure_validator() -> Draft202012Validator:
    text = resources.files(__package__).joinpath("spec.schema.yaml").read_text(encoding="utf-8")
    return Draft202012Validator(yaml.load(text, Loader=YAML_LOADER))


def _pointer(prefix: str, error: ValidationError) -> str:
    return prefix + "".join(f"/{escape_token(str(part))}" for part in error.absolute_path)


# What to do instead, for structural errors people often meet.
_ADVICE = {
    ("openapi", "pattern"): "deskkit reads OpenAPI 3.1 (3.0 writes nullable and exclusiveMinimum differently): "
                            "convert the spec to 3.1",
    ("$ref", "pattern"): "deskkit resolves $ref within the spec only, to #/components/schemas/NAME",
    ("exclusiveMinimum", "type"): "OpenAPI 3.1 gives the bound itself, e.g. exclusiveMinimum: 0",
    ("exclusiveMaximum", "type"): "OpenAPI 3.1 gives the bound itself, e.g. exclusiveMaximum: 100",
    ("type", "anyOf"): "expected string, integer, number, boolean, array, object or \"null\" (or a list of them)",
}


def _message(error: ValidationError) -> str:
    text = error.message
    text = text if len(text) <= 240 else text[:237] + "..."
    last = str(error.absolute_path[-1]) if error.absolute_path else ""
    advice = _ADVICE.get((last, str(error.validator)))
    return f"{text}: {advice}" if advice else text


def _sorted(errors: Any) -> list[ValidationError]:
    return sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])


def check_spec(spec: Spec) -> None:
    """Raise :class:`SpecError` listing every structural problem; return quietly when there is none."""
    issues: list[SpecIssue] = [
        spec.issue(_pointer("", error), _message(error))
        for error in _sorted(_structure_validator().iter_errors(spec.data))
    ]
    if issues:
        raise SpecError(issues)
