"""The intermediate model: plain frozen data built from a validated spec, with every decision settled.

Templates only loop over this and print. Each type use-site (a property, an array's items, a map's
values, a tolerated shape) is its own node with a ``site`` (a Python-safe id for generated helpers) and
a ``rule`` (the spec location whose keyword it enforces), so a problem can always name the rule it broke.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from . import naming
from .errors import SpecError, SpecIssue
from .load import Spec, escape_token

# A JSON Schema `format` the parser checks itself, as a pattern (emitted beside `format` in the JSON
# Schemas, so jsonschema without optional format packages agrees with the parser). Syntax of RFC 3339
# §5.6, ASCII digits only (Python's \d is Unicode).
FORMAT_PATTERNS: dict[str, str] = {
    "date-time": (
        r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:"
        r"([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$(?!\n)"
    ),
}

# Keywords the parser generator understands; anything else in a schema is refused, never ignored.
_SCALAR_KEYWORDS = {"minLength", "maxLength", "pattern", "format", "minimum", "maximum", "enum"}
_ANNOTATIONS = {"description", "title", "x-enum-varnames", "x-enum-descriptions", "examples",
                "x-deskkit-tolerate", "x-deskkit-flatten", "x-deskkit-values", "$comment", "deprecated",
                "readOnly"}
_STRUCTURE = {"type", "$ref", "properties", "required", "additionalProperties", "items",
              "minItems", "maxItems"}
_JSON_PY_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# The Python type(s) a JSON type arrives as from json.loads, for the parser's dispatch.
PY_RUNTIME_TYPE = {"string": "str", "integer": "int", "number": "(int, float)", "boolean": "bool",
                   "array": "list", "object": "dict"}


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
    json_type: Literal["string", "integer", "number", "boolean"]
    enum: EnumDef | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    values: str | None = None  # x-deskkit-values: what real values look like, for strategies
    kind: Literal["scalar"] = "scalar"


@dataclass(frozen=True)
class ModelRef:
    site: str
    rule: str
    name: str
    kind: Literal["model"] = "model"
    json_type: Literal["object"] = "object"


@dataclass(frozen=True)
class ArrayOf:
    site: str
    rule: str
    items: TypeRef
    min_items: int | None = None
    max_items: int | None = None
    kind: Literal["array"] = "array"
    json_type: Literal["array"] = "array"


@dataclass(frozen=True)
class MapOf:
    site: str
    rule: str
    values: TypeRef
    kind: Literal["map"] = "map"
    json_type: Literal["object"] = "object"


TypeRef = Scalar | ModelRef | ArrayOf | MapOf


@dataclass(frozen=True)
class Toleration:
    """A shape the observed contract accepts at a property, besides the documented one."""

    quirk: str
    shape: Literal["single-item-list", "alternative"]
    type: TypeRef  # for single-item-list: the documented type, found inside a one-item array


@dataclass(frozen=True)
class Field:
    wire: str
    name: str
    type: TypeRef
    required: bool
    description: str
    rule: str
    tolerations: tuple[Toleration, ...] = ()
    flatten: str | None = None

    @property
    def pointer_token(self) -> str:
        return escape_token(self.wire)

    @property
    def wraps(self) -> bool:
        return any(t.shape == "single-item-list" for t in self.tolerations)


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
    status: str
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


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    package: str
    spec_name: str
    models: tuple[Model, ...]
    enums: tuple[EnumDef, ...]
    quirks: tuple[Quirk, ...]
    operations: tuple[Operation, ...]
    null_quirk: str | None
    enum_quirk: str | None
    helpers: tuple[ArrayOf | MapOf, ...] = field(default=())

    def model(self, name: str) -> Model:
        return next(m for m in self.models if m.name == name)


class _Builder:
    """Walks the spec once, collecting issues instead of stopping at the first."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.data["components"]["schemas"]
        self.issues: list[SpecIssue] = []
        self.enums: dict[str, EnumDef] = {}
        self.helpers: list[ArrayOf | MapOf] = []
        self.quirks: dict[str, Quirk] = {}

    def fail(self, pointer: str, message: str) -> None:
        self.issues.append(self.spec.issue(pointer, message))

    # -- quirks -------------------------------------------------------------------------------------
    def build_quirks(self) -> None:
        for qid, body in sorted(self.spec.data.get("x-deskkit-quirks", {}).items()):
            evidence = tuple(Evidence(e["source"], e["pointer"], e.get("seen", "")) for e in body["evidence"])
            self.quirks[qid] = Quirk(qid, body["summary"], body["scope"], evidence,
                                     f"#/x-deskkit-quirks/{escape_token(qid)}")
        for scope in ("every-enum", "every-property"):
            ids = [q.id for q in self.quirks.values() if q.scope == scope]
            if len(ids) > 1:
                self.fail("/x-deskkit-quirks", f"at most one quirk may have scope {scope}; found {ids}")

    def global_quirk(self, scope: str) -> str | None:
        return next((q.id for q in self.quirks.values() if q.scope == scope), None)

    # -- types --------------------------------------------------------------------------------------
    def resolve(self, schema: dict[str, Any], pointer: str, site: str, owner: str, prop: str) -> TypeRef | None:
        """The type of ``schema`` at spec ``pointer``; ``site`` names the generated helper for it."""
        rule = f"#{pointer}"
        unknown = sorted(k for k in schema if k not in _SCALAR_KEYWORDS | _ANNOTATIONS | _STRUCTURE)
        unknown = [k for k in unknown if not k.startswith("x-")]
        if unknown:
            self.fail(pointer, f"deskkit does not support the keyword(s) {unknown} here")
            return None
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            target = self.schemas.get(name)
            if target is None:
                self.fail(f"{pointer}/$ref", f"no schema named {name!r} under /components/schemas")
                return None
            if _is_object_model(target):
                return ModelRef(site, rule, name)
            return self.resolve(target, f"/components/schemas/{name}", site, owner, name)
        kind = schema.get("type")
        if kind in _JSON_PY_TYPES:
            return self.scalar(schema, pointer, site, owner, prop, kind)
        if kind == "array":
            if "items" not in schema:
                self.fail(pointer, "an array needs `items`")
                return None
            items = self.resolve(schema["items"], f"{pointer}/items", f"{site}_item", owner, prop)
            if items is None:
                return None
            node: ArrayOf | MapOf = ArrayOf(site, rule, items, schema.get("minItems"), schema.get("maxItems"))
            self.helpers.append(node)
            return node
        if kind == "object":
            if "properties" in schema:
                self.fail(pointer, "inline objects are not supported: move this schema under "
                          "/components/schemas and refer to it with $ref")
                return None
            values_schema = schema.get("additionalProperties")
            if not isinstance(values_schema, dict):
                self.fail(pointer, "a map needs `additionalProperties` with a schema for its values")
                return None
            values = self.resolve(values_schema, f"{pointer}/additionalProperties", f"{site}_value", owner, prop)
            if values is None:
                return None
            node = MapOf(site, rule, values)
            self.helpers.append(node)
            return node
        self.fail(pointer, f"expected `type` to be one of string, integer, number, boolean, array, object "
                  f"(or a $ref); found {kind!r}")
        return None

    def scalar(self, schema: dict[str, Any], pointer: str, site: str, owner: str, prop: str,
               kind: Any) -> Scalar | None:
        fmt = schema.get("format")
        pattern = schema.get("pattern")
        if fmt is not None and fmt in FORMAT_PATTERNS:
            if pattern is not None:
                self.fail(pointer, "`pattern` together with a checked `format` is not supported")
                return None
            pattern = FORMAT_PATTERNS[fmt]
        enum = None
        if "enum" in schema:
            if kind != "string" or set(schema) & {"minLength", "maxLength", "pattern", "format"}:
                self.fail(f"{pointer}/enum", "deskkit supports enumerations of plain strings only")
                return None
            enum = self.enum(schema, pointer, owner, prop)
        return Scalar(site, f"#{pointer}", kind, enum, schema.get("minLength"), schema.get("maxLength"),
                      pattern, fmt, schema.get("minimum"), schema.get("maximum"), schema.get("x-deskkit-values"))

    def enum(self, schema: dict[str, Any], pointer: str, owner: str, prop: str) -> EnumDef | None:
        values = schema["enum"]
        if not all(isinstance(v, str) for v in values) or len(set(values)) != len(values):
            self.fail(f"{pointer}/enum", "expected distinct strings")
            return None
        name = schema.get("title") or naming.pascal(owner) + naming.pascal(prop)
        varnames = schema.get("x-enum-varnames") or [naming.constant(v) for v in values]
        descriptions = schema.get("x-enum-descriptions") or [""] * len(values)
        if len(varnames) != len(values) or len(descriptions) != len(values):
            self.fail(pointer, "x-enum-varnames / x-enum-descriptions must have one entry per enum value")
            return None
        names = naming.unique(list(varnames))
        members = tuple(EnumMember(n, v, d) for n, v, d in zip(names, values, descriptions, strict=True))
        made = EnumDef(name, schema.get("description", ""), members, f"#{pointer}")
        known = self.enums.get(name)
        if known is not None and known.values != made.values:
            self.fail(pointer, f"enum name {name!r} is already used for {list(known.values)} at {known.rule}")
            return None
        self.enums.setdefault(name, made)
        return self.enums[name]

    # -- models -------------------------------------------------------------------------------------
    def model(self, name: str, schema: dict[str, Any]) -> Model:
        base = f"/components/schemas/{escape_token(name)}"
        props: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        for missing in sorted(required - set(props)):
            self.fail(f"{base}/required", f"required property {missing!r} is not among the properties")
        reserved = frozenset({"from_dict", "from_json", "judge", "to_dict", "to_json", "deviations",
                              "unknown_fields"})
        flat_names = [p.get("x-deskkit-flatten") for p in props.values() if p.get("x-deskkit-flatten")]
        py_names = naming.unique([naming.snake(w) for w in props], reserved | frozenset(flat_names))
        fields = []
        for (wire, prop), py_name in zip(props.items(), py_names, strict=True):
            pointer = f"{base}/properties/{escape_token(wire)}"
            site = f"{name}_{py_name}".strip("_")
            ftype = self.resolve(prop, pointer, site, name, wire)
            if ftype is None:
                continue
            tolerations = self.tolerations(prop, pointer, site, ftype, name, wire)
            description = prop.get("description") or _described(ftype, self.schemas)
            fields.append(Field(wire, py_name, ftype, wire in required, description, f"#{pointer}",
                                tolerations, prop.get("x-deskkit-flatten")))
        return Model(name, schema.get("description", ""), tuple(fields), f"#{base}", self.extra(name, schema, base))

    def extra(self, name: str, schema: dict[str, Any], base: str) -> MapOf | None:
        """A schema for the keys a model does not list (e.g. a map with some documented keys)."""
        additional = schema.get("additionalProperties", True)
        if additional is False:
            self.fail(f"{base}/additionalProperties", "additionalProperties: false is not supported: deskkit "
                      "keeps fields it does not know and reports them (vendors add fields)")
            return None
        if not isinstance(additional, dict):
            return None
        pointer = f"{base}/additionalProperties"
        values = self.resolve(additional, pointer, f"{name}_extra_value", name, "extra")
        if values is None:
            return None
        node = MapOf(f"{name}_extra", f"#{pointer}", values)
        self.helpers.append(node)
        return node

    def tolerations(self, prop: dict[str, Any], pointer: str, site: str, documented: TypeRef,
                    owner: str, wire: str) -> tuple[Toleration, ...]:
        out: list[Toleration] = []
        seen_types: set[str] = {documented.json_type}
        for index, entry in enumerate(prop.get("x-deskkit-tolerate", [])):
            at = f"{pointer}/x-deskkit-tolerate/{index}"
            quirk = self.quirks.get(entry["quirk"])
            if quirk is None:
                self.fail(f"{at}/quirk", f"quirk {entry['quirk']!r} is not declared under /x-deskkit-quirks")
                continue
            if quirk.scope != "property":
                self.fail(f"{at}/quirk", f"quirk {quirk.id!r} has scope {quirk.scope}, not property")
                continue
            tolerated: TypeRef | None
            if "shape" in entry:
                shape: Literal["single-item-list", "alternative"] = "single-item-list"
                tolerated, json_type = documented, "array"
            else:
                shape = "alternative"
                tolerated = self.resolve(entry["schema"], f"{at}/schema", f"{site}_alt{index}", owner, wire)
                json_type = tolerated.json_type if tolerated is not None else ""
            if tolerated is None:
                continue
            # The parser picks the shape by JSON type, so every shape at one property needs its own.
            if json_type in seen_types:
                self.fail(at, f"the tolerated shape is a JSON {json_type}, like another shape of this "
                          "property; deskkit tells shapes apart by JSON type")
                continue
            seen_types.add(json_type)
            out.append(Toleration(quirk.id, shape, tolerated))
        return tuple(out)

    # -- operations ---------------------------------------------------------------------------------
    def operations(self) -> list[Operation]:
        ops = []
        for path, item in sorted(self.spec.data["paths"].items()):
            for method in ("get", "put", "post", "delete", "patch"):
                op = item.get(method)
                if op is None:
                    continue
                params = tuple(
                    Parameter(p["name"], naming.snake(p["name"]), p["in"], bool(p.get("required")),
                              p.get("description", ""))
                    for p in op.get("parameters", [])
                )
                responses = []
                for status, resp in sorted(op["responses"].items()):
                    schema = resp.get("content", {}).get("application/json", {}).get("schema", {})
                    ref = schema.get("$ref", "")
                    responses.append(Response(status, resp["description"], ref.rsplit("/", 1)[1] if ref else None))
                ops.append(Operation(op["operationId"], naming.snake(op["operationId"]), method.upper(), path,
                                     op.get("summary", ""), op.get("description", ""), params, tuple(responses)))
        return ops


def _is_object_model(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" in schema


def _described(ftype: TypeRef, schemas: dict[str, Any]) -> str:
    """A property given only as ``$ref`` borrows the description of what it refers to."""
    if isinstance(ftype, Scalar) and ftype.enum is not None:
        return ftype.enum.description
    if isinstance(ftype, ModelRef):
        return str(schemas[ftype.name].get("description", ""))
    return ""


def build_api(spec: Spec) -> Api:
    """Build the intermediate model of a validated spec; raise :class:`SpecError` listing every issue."""
    builder = _Builder(spec)
    builder.build_quirks()
    models = [builder.model(name, schema) for name, schema in sorted(builder.schemas.items())
              if _is_object_model(schema)]
    operations = builder.operations()
    if builder.issues:
        raise SpecError(builder.issues)
    info = spec.data["info"]
    return Api(
        title=info["title"],
        version=info["version"],
        package=info.get("x-deskkit-package", "bindings"),
        spec_name=spec.path.name,
        models=tuple(models),
        enums=tuple(sorted(builder.enums.values(), key=lambda e: e.name)),
        quirks=tuple(builder.quirks.values()),
        operations=tuple(operations),
        null_quirk=builder.global_quirk("every-property"),
        enum_quirk=builder.global_quirk("every-enum"),
        helpers=tuple(builder.helpers),
    )
