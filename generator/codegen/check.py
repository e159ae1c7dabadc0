"""Check a loaded spec against the OpenAPI 3.1 structure deskkit reads (spec.schema.yaml), including the type of
every JSON Schema keyword it reads.

Meaning that needs more than structure (a ``$ref`` that resolves, a quirk that is declared, a tolerated
shape the parser can tell apart) is checked while the intermediate model is built (:mod:`.build`).

A spec that passed is remembered (its data's digest with the structure schema's, under ``~/.cache/deskkit``,
like the compiled templates; ``DESKKIT_NO_CACHE=1`` turns it off): checking it again would give the same
answer, and importing jsonschema is a third of ``deskkit generate --check``. A spec that fails is checked
every time, so its errors are always printed.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..cache import cache_folder
from ..errors import SpecError, SpecIssue
from .load import YAML_LOADER, Spec, escape_token

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


def _schema_text() -> str:
    return resources.files(__package__).joinpath("spec.schema.yaml").read_text(encoding="utf-8")


@cache
def _structure_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(yaml.load(_schema_text(), Loader=YAML_LOADER))


def _passed_marker(spec: Spec) -> Path | None:
    """The file that records that this spec's data passed this structure schema (None: no cache)."""
    root = cache_folder("checked")
    if root is None:
        return None
    digest = hashlib.sha256(_schema_text().encode())
    digest.update(json.dumps(spec.data, sort_keys=True, default=repr).encode())
    return root / digest.hexdigest()


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


def _same_paths(spec: Spec) -> list[SpecIssue]:
    """Paths that differ only in their parameters' names (``/notes/{id}``, ``/notes/{nid}``): a request matches
    both, so OpenAPI forbids them ("templated paths with the same hierarchy but different templated names MUST
    NOT exist"), and diff, mock and validate could not tell which operation a request is."""
    first: dict[str, str] = {}
    issues = []
    for path in spec.data.get("paths") or {}:
        shape = re.sub(r"\{[^}/]*\}", "{}", path)
        if shape in first:
            issues.append(spec.issue(f"/paths/{escape_token(path)}", f"the same path as {first[shape]} with other "
                                     "parameter names (OpenAPI forbids it): declare the operations under one"))
        first.setdefault(shape, path)
    return issues


def check_spec(spec: Spec) -> None:
    """Raise :class:`SpecError` listing every structural problem; return quietly when there is none."""
    same = _same_paths(spec)  # (cheap, and outside what the marker remembers)
    if same:
        raise SpecError(same)
    marker = _passed_marker(spec)
    if marker is not None and marker.exists():
        return
    issues: list[SpecIssue] = [
        spec.issue(_pointer("", error), _message(error))
        for error in _sorted(_structure_validator().iter_errors(spec.data))
    ]
    if issues:
        raise SpecError(issues)
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # no cache: checked again next time
