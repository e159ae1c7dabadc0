"""The intermediate model: plain frozen data built from a checked spec (:mod:`.build`), every decision settled.

Templates only loop over this and print, dispatching on each node's ``kind``. Each type use-site (a
property, an array's items, a map's values, a tolerated shape) is its own node with a ``site`` (a
Python-safe id: the generated code names its one runtime descriptor ``_S_<site>``) and a ``rule`` (the
spec location whose keyword it enforces), so a finding can always name the rule it broke.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .load import escape_token

# A JSON Schema `format` the parser checks itself, as a pattern (emitted beside `format` in the JSON
# Schemas, so jsonschema without optional format packages agrees with the parser). Syntax of RFC 3339
# §5.6, ASCII digits only (Python's \d is Unicode).
FORMAT_PATTERNS: dict[str, str] = {
    "date-time": (
        r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:"
        r"([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$(?!\n)"
    ),
}

JsonScalar = Literal["string", "integer", "number", "boolean"]


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str
    description: str


@dataclass(frozen=True)
class EnumDef:
    name: str
    description: str
    members: tuple[EnumMember, ...]
    rule: str

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(m.value for m in self.members)


@dataclass(frozen=True)
class Scalar:
    site: str
    rule: str
    json_type: JsonScalar
    enum: EnumDef | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    hint: str | None = None  # x-deskkit-values: what real values look like, for strategies
    null_quirk: str | None = None  # the quirk that tolerates null here (None: null is a problem)
    enum_quirk: str | None = None  # the quirk that tolerates a string outside ``enum``
    kind: Literal["scalar"] = "scalar"


@dataclass(frozen=True)
class ModelRef:
    site: str
    rule: str
    name: str
    null_quirk: str | None = None
    kind: Literal["model"] = "model"
    json_type: Literal["object"] = "object"


@dataclass(frozen=True)
class ArrayOf:
    site: str
    rule: str
    items: TypeRef
    min_items: int | None = None
    max_items: int | None = None
    null_quirk: str | None = None
    kind: Literal["array"] = "array"
    json_type: Literal["array"] = "array"


@dataclass(frozen=True)
class MapOf:
    site: str
    rule: str
    values: TypeRef
    null_quirk: str | None = None
    kind: Literal["map"] = "map"
    json_type: Literal["object"] = "object"


TypeRef = Scalar | ModelRef | ArrayOf | MapOf


def walk(t: TypeRef) -> Iterator[TypeRef]:
    """``t`` and every use-site inside it (array items, map values), outermost first."""
    yield t
    if isinstance(t, ArrayOf):
        yield from walk(t.items)
    elif isinstance(t, MapOf):
        yield from walk(t.values)


@dataclass(frozen=True)
class Tolerance:
    """A shape the observed contract accepts at a property, besides the documented one.

    ``type`` is the tolerated value's own use-site: for ``single-item-list`` the documented type found
    inside the one-item array, for ``alternative`` the other type.
    """

    quirk: str
    shape: Literal["single-item-list", "alternative"]
    type: TypeRef
    message: str
    rule: str  # the property's rule (what the documented contract says there)
    quirk_rule: str  # where the quirk is declared


@dataclass(frozen=True)
class Field:
    wire: str
    name: str
    type: TypeRef
    required: bool
    description: str
    rule: str
    tolerances: tuple[Tolerance, ...] = ()
    flatten: str | None = None

    @property
    def pointer_token(self) -> str:
        return escape_token(self.wire)

    @property
    def wraps(self) -> bool:
        return any(t.shape == "single-item-list" for t in self.tolerances)


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    fields: tuple[Field, ...]
    rule: str
    extra: MapOf | None = None  # additionalProperties with a schema: other keys, typed (not "unknown")

    @property
    def wraps(self) -> bool:
        return any(f.wraps for f in self.fields)

    def sites(self) -> Iterator[TypeRef]:
        """Every use-site of the model's properties, tolerated shapes and extra keys."""
        for f in self.fields:
            yield from walk(f.type)
            for tol in f.tolerances:
                yield from walk(tol.type)
        if self.extra is not None:
            yield from walk(self.extra)


@dataclass(frozen=True)
class Evidence:
    source: str
    pointer: str
    seen: str


@dataclass(frozen=True)
class Quirk:
    id: str
    summary: str
    scope: Literal["property", "every-enum", "every-property"]
    evidence: tuple[Evidence, ...]
    rule: str


@dataclass(frozen=True)
class Parameter:
    name: str
    py_name: str
    location: Literal["path", "query", "header", "cookie"]
    required: bool
    description: str


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX" or "default"
    description: str
    model: str | None


@dataclass(frozen=True)
class Operation:
    id: str
    py_name: str
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    responses: tuple[Response, ...]

    @property
    def success(self) -> Response | None:
        """The first 2xx response with a body (the one the client parses by default)."""
        return next((r for r in self.responses if r.status.startswith("2") and r.model), None)

    @property
    def error_model(self) -> str | None:
        """The model most of the 4xx/5xx/default responses share (the body of the typed errors)."""
        models = [r.model for r in self.responses if r.status[0] in "45d" and r.model]
        return max(sorted(set(models)), key=models.count) if models else None


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    package: str
    spec_name: str
    client: str  # the client class name; the async one is "Async" + client
    server: str | None  # servers[0].url, with {variables}
    server_variables: tuple[tuple[str, str | None], ...]  # (name, default)
    models: tuple[Model, ...]
    enums: tuple[EnumDef, ...]
    quirks: tuple[Quirk, ...]
    operations: tuple[Operation, ...]

    def model(self, name: str) -> Model:
        return next(m for m in self.models if m.name == name)

    def sites(self) -> list[TypeRef]:
        """Every type use-site, each once, in spec order."""
        found: dict[str, TypeRef] = {}
        for model in self.models:
            for t in model.sites():
                found.setdefault(t.site, t)
        return list(found.values())

    def helpers(self) -> list[ArrayOf | MapOf]:
        """The arrays and maps, each parsed by a generated helper function of its own."""
        return [t for t in self.sites() if isinstance(t, (ArrayOf, MapOf))]

    @property
    def tolerances(self) -> list[Tolerance]:
        return [tol for model in self.models for f in model.fields for tol in f.tolerances]
