"""The intermediate model: plain frozen data built from a checked spec (:mod:`.build`), every decision settled.

Templates only loop over this and print, dispatching on each node's ``kind``. Each type use-site (a
property, an array's items, a map's values, a union's variant, a tolerated shape, a parameter) is its own
node with a ``site`` (a Python-safe id: the generated code names its one runtime descriptor ``_S_<site>``)
and a ``rule`` (the spec location whose keyword it enforces), so a finding can always name the rule it broke.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .load import escape_token

# Formats whose syntax is also emitted as a pattern beside `format` in the JSON Schemas: jsonschema's format
# checkers for them use `$`, which also matches before a final newline, and know no leap second. The parser
# checks pattern and format together (see _runtime.FORMATS), so both agree. ASCII digits only (\d is Unicode).
# Groups do not capture: a regex engine saves nothing for them (a third of a date-time check's time).
DATE_TIME_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt]"  # the date and the T
DATE_TIME_REST = (r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
                  r"$(?!\n)")  # the time and the offset
FORMAT_PATTERNS: dict[str, str] = {
    "date-time": "^" + DATE_TIME_DATE + DATE_TIME_REST,
    "uri": r"^[^\n]*$(?!\n)",
}
#: The formats the parser checks (as jsonschema's FormatChecker does); others are refused.
FORMATS = frozenset({"date-time", "date", "uuid", "ipv4", "ipv6", "email", "uri"})

JsonScalar = Literal["string", "integer", "number", "boolean", "null"]


Level = Literal["sdk", "captures"]
#: How well something off the page is known, in words (the parser's findings and the docs say it this way).
LEVEL_PHRASES: dict[str, str] = {"sdk": "declared by the vendor outside the page (its SDK, API definition or "
                                        "other documentation)", "captures": "seen in captured responses"}


@dataclass(frozen=True)
class Evidence:
    source: str
    pointer: str
    seen: str


@dataclass(frozen=True)
class Known:
    """``x-deskkit-known`` / an ``x-deskkit-known-values`` entry: something the page does not document, known
    at ``level`` (``sdk``: declared by the vendor elsewhere; ``captures``: seen in real responses)."""

    level: Level
    evidence: tuple[Evidence, ...]
    rule: str  # where it is declared in the spec


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str
    description: str
    known: Known | None = None  # a value the page does not list (x-deskkit-known-values); None: documented


@dataclass(frozen=True)
class EnumDef:
    name: str
    description: str
    members: tuple[EnumMember, ...]
    rule: str

    @property
    def values(self) -> tuple[str, ...]:
        """The documented values (what the page lists)."""
        return tuple(m.value for m in self.members if m.known is None)

    @property
    def known_members(self) -> tuple[EnumMember, ...]:
        """The values known off the page (typed in tolerant mode, refused in strict mode)."""
        return tuple(m for m in self.members if m.known is not None)


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
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None
    const: tuple[Any] | None = None  # (value,) when the schema pins one value
    hint: str | None = None  # x-deskkit-values: what real values look like, for strategies
    nullable: bool = False  # `type: [T, "null"]`: null is conformant here
    null_quirk: str | None = None  # the quirk that tolerates null here (None: null is a problem)
    enum_quirk: str | None = None  # the quirk that tolerates a string outside ``enum``
    # x-deskkit-known-values on a string without `enum`: values seen or declared elsewhere (annotation only:
    # the page allows any string here)
    examples: tuple[EnumMember, ...] = ()
    # relaxations: (quirk id, site of the wider schema of the same JSON type) a failing value may still meet
    relaxed: tuple[tuple[str, str], ...] = ()
    kind: Literal["scalar"] = "scalar"


@dataclass(frozen=True)
class ModelRef:
    site: str
    rule: str
    name: str
    nullable: bool = False
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
    unique_items: bool = False
    nullable: bool = False
    null_quirk: str | None = None
    kind: Literal["array"] = "array"
    json_type: Literal["array"] = "array"


@dataclass(frozen=True)
class MapOf:
    site: str
    rule: str
    values: TypeRef
    nullable: bool = False
    null_quirk: str | None = None
    kind: Literal["map"] = "map"
    json_type: Literal["object"] = "object"


@dataclass(frozen=True)
class UnionOf:
    """``oneOf``/``anyOf``: objects told apart by a discriminator property, or scalars told apart by JSON type
    (so the variants never overlap, and ``oneOf`` and ``anyOf`` mean the same)."""

    site: str
    rule: str
    keyword: Literal["oneOf", "anyOf"]
    variants: tuple[TypeRef, ...]
    discriminator: str | None = None  # wire name of the property that names the variant
    tags: tuple[tuple[str, int], ...] = ()  # discriminator value → index of its variant
    nullable: bool = False
    null_quirk: str | None = None
    kind: Literal["union"] = "union"

    @property
    def json_type(self) -> str:
        if self.discriminator is not None:
            return "object"
        return " or ".join(v.json_type for v in self.variants)

    def tags_of(self, index: int) -> list[str]:
        return [tag for tag, i in self.tags if i == index]


TypeRef = Scalar | ModelRef | ArrayOf | MapOf | UnionOf


def walk(t: TypeRef) -> Iterator[TypeRef]:
    """``t`` and every use-site inside it (array items, map values, union variants), outermost first."""
    yield t
    if isinstance(t, ArrayOf):
        yield from walk(t.items)
    elif isinstance(t, MapOf):
        yield from walk(t.values)
    elif isinstance(t, UnionOf):
        for variant in t.variants:
            yield from walk(variant)


def models_in(t: TypeRef) -> Iterator[str]:
    """The names of the models ``t`` refers to, directly or through arrays, maps and unions."""
    for node in walk(t):
        if isinstance(node, ModelRef):
            yield node.name


@dataclass(frozen=True)
class Tolerance:
    """A shape the observed contract accepts at a property, besides the documented one.

    ``type`` is the tolerated value's own use-site: for ``single-item-list`` the documented type found
    inside the one-item array, for ``alternative`` the other type, for ``relaxed`` a wider schema of the
    documented scalar's own JSON type (a value it refuses may still meet this one).
    """

    quirk: str
    shape: Literal["single-item-list", "alternative", "relaxed"]
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
    default: tuple[Any] | None = None  # (value,) when the spec gives a default (documentation: not filled in)
    known: Known | None = None  # x-deskkit-known: a property the page does not document (off the page)

    @property
    def pointer_token(self) -> str:
        return escape_token(self.wire)

    @property
    def wraps(self) -> bool:
        return any(t.shape == "single-item-list" for t in self.tolerances)

    @property
    def shapes(self) -> tuple[Tolerance, ...]:
        """The tolerated shapes the parser tells apart by JSON type (relaxations are checked by the site)."""
        return tuple(t for t in self.tolerances if t.shape != "relaxed")


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    fields: tuple[Field, ...]
    rule: str
    extra: MapOf | None = None  # additionalProperties with a schema: other keys, typed (not "unknown")
    closed: bool = False  # additionalProperties: false: another key is a problem
    closed_rule: str = ""
    error_fields: tuple[str | None, str | None, str | None] | None = None  # x-deskkit-error: code, message, id
    known: Known | None = None  # x-deskkit-known on the schema: the whole model is known off the page

    @property
    def wraps(self) -> bool:
        return any(f.wraps for f in self.fields)

    @property
    def off_page(self) -> bool:
        """Whether some property is known only off the page (its parser keeps a list of mismatched keys)."""
        return any(f.known is not None for f in self.fields)

    def sites(self) -> Iterator[TypeRef]:
        """Every use-site of the model's properties, tolerated shapes and extra keys."""
        for f in self.fields:
            yield from walk(f.type)
            for tol in f.tolerances:
                yield from walk(tol.type)
        if self.extra is not None:
            yield from walk(self.extra)


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
    location: Literal["path", "query", "header"]
    required: bool
    description: str
    type: Scalar | ArrayOf  # an array's items are scalars
    explode: bool  # arrays in a query: repeated keys (true) or one comma-joined value (false)
    default: tuple[Any] | None = None

    @property
    def style(self) -> str:
        return "form" if self.location == "query" else "simple"


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX" or "default"
    description: str
    model: str | None


@dataclass(frozen=True)
class Pagination:
    """``x-deskkit-pagination``: a page of ``items`` out of ``total``, walked with ``offset``/``limit``."""

    items: str  # wire name of the response property holding the page (an array of models)
    total: str  # wire name of the response property with the total count
    offset: str  # query parameter: index of the first item
    limit: str  # query parameter: page size
    items_attr: str  # the Python names of the same
    total_attr: str
    offset_arg: str
    limit_arg: str
    item_model: str
    iterator: str  # the client's method name


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
    body: str | None = None  # the request body's model
    body_required: bool = False
    body_arg: str = "body"
    pagination: Pagination | None = None

    @property
    def success_responses(self) -> list[Response]:
        """The 2xx responses (``default`` stands for them when none is documented)."""
        found = [r for r in self.responses if r.status.startswith("2")]
        return found or [r for r in self.responses if r.status == "default"]

    @property
    def success(self) -> Response | None:
        """The first 2xx response with a body (what a capture is judged against when no status is known)."""
        return next((r for r in self.success_responses if r.model), None)

    @property
    def returns(self) -> str:
        """The annotation of what the client method returns: each 2xx model, None for an empty body."""
        parts = [r.model or "None" for r in self.success_responses] or ["None"]
        return " | ".join(dict.fromkeys(parts))

    @property
    def error_model(self) -> str | None:
        """The model most of the 4xx/5xx/default responses share (the body of the typed errors)."""
        models = [r.model for r in self.responses if r.status[0] in "45d" and r.model]
        return max(sorted(set(models)), key=models.count) if models else None


@dataclass(frozen=True)
class Security:
    """How the client authenticates: an API key header (``token=``) and/or AK/SK signing (``ak=``/``sk=``)."""

    header: str | None = None  # the apiKey header, e.g. X-Auth-Token
    signing: str | None = None  # the signing scheme (x-deskkit-signing), e.g. sdk-hmac-sha256
    required: bool = False  # the spec's top-level `security` asks for credentials


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
    security: Security = Security()
    error_fields: tuple[str | None, str | None, str | None] = (None, None, None)

    def model(self, name: str) -> Model:
        return next(m for m in self.models if m.name == name)

    def sites(self) -> list[TypeRef]:
        """Every type use-site, each once, in spec order (models first, then parameters)."""
        found: dict[str, TypeRef] = {}
        for model in self.models:
            for t in model.sites():
                found.setdefault(t.site, t)
        for op in self.operations:
            for p in op.parameters:
                for t in walk(p.type):
                    found.setdefault(t.site, t)
        return list(found.values())

    def helpers(self) -> list[ArrayOf | MapOf | UnionOf]:
        """The arrays, maps and unions of the models, each parsed by a generated helper function of its own."""
        found: dict[str, ArrayOf | MapOf | UnionOf] = {}
        for model in self.models:
            for t in model.sites():
                if isinstance(t, (ArrayOf, MapOf, UnionOf)):
                    found.setdefault(t.site, t)
        return list(found.values())

    @property
    def tolerances(self) -> list[Tolerance]:
        return [tol for model in self.models for f in model.fields for tol in f.tolerances]
