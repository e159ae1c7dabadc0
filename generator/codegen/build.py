"""Build the intermediate model (:mod:`.ir`) from a checked spec: every ``$ref``, name and literal settled.

The builder walks the spec once and collects every issue instead of stopping at the first. Keywords it
does not understand are refused with their pointer, never ignored.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from ..errors import SpecError, SpecIssue
from . import naming
from .ir import (
    FORMAT_PATTERNS,
    Api,
    ArrayOf,
    EnumDef,
    EnumMember,
    Evidence,
    Field,
    MapOf,
    Model,
    ModelRef,
    Operation,
    Parameter,
    Quirk,
    Response,
    Scalar,
    Tolerance,
    TypeRef,
)
from .load import Spec, escape_token

_SCALAR_KEYWORDS = {"minLength", "maxLength", "pattern", "format", "minimum", "maximum", "enum"}
_ANNOTATIONS = {"description", "title", "x-enum-varnames", "x-enum-descriptions", "examples",
                "x-deskkit-tolerate", "x-deskkit-flatten", "x-deskkit-values", "$comment", "deprecated",
                "readOnly"}
_STRUCTURE = {"type", "$ref", "properties", "required", "additionalProperties", "items",
              "minItems", "maxItems"}
_JSON_SCALARS = ("string", "integer", "number", "boolean")
_METHODS = ("get", "put", "post", "delete", "patch")
# Names a model's own API takes; a property with one of these names gets a trailing underscore.
_RESERVED = frozenset({"from_dict", "from_json", "judge", "to_dict", "to_json", "deviations", "unknown_fields"})


class _Builder:
    """Walks the spec once, collecting issues instead of stopping at the first."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.data["components"]["schemas"]
        self.issues: list[SpecIssue] = []
        self.enums: dict[str, EnumDef] = {}
        self.quirks: dict[str, Quirk] = {}
        self.null_quirk: str | None = None
        self.enum_quirk: str | None = None
        self.site_ids: set[str] = set()

    def claim(self, site: str) -> str:
        """``site``, or a variant of it no other use-site has (names from the spec may collide)."""
        while site in self.site_ids:
            site += "_"
        self.site_ids.add(site)
        return site

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
        self.enum_quirk = next((q.id for q in self.quirks.values() if q.scope == "every-enum"), None)
        self.null_quirk = next((q.id for q in self.quirks.values() if q.scope == "every-property"), None)

    # -- types --------------------------------------------------------------------------------------
    def resolve(self, schema: dict[str, Any], pointer: str, site: str, owner: str, prop: str) -> TypeRef | None:
        """The type of ``schema`` at spec ``pointer``; ``site`` names the generated descriptor for it."""
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
                return ModelRef(self.claim(site), rule, name)
            return self.resolve(target, f"/components/schemas/{name}", site, owner, name)
        kind = schema.get("type")
        if kind in _JSON_SCALARS:
            return self.scalar(schema, pointer, site, owner, prop, kind)
        if kind == "array":
            if "items" not in schema:
                self.fail(pointer, "an array needs `items`")
                return None
            items = self.resolve(schema["items"], f"{pointer}/items", f"{site}_item", owner, prop)
            if items is None:
                return None
            return ArrayOf(self.claim(site), rule, items, schema.get("minItems"), schema.get("maxItems"))
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
            return MapOf(self.claim(site), rule, values)
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
            if enum is None:
                return None
        return Scalar(self.claim(site), f"#{pointer}", kind, enum, schema.get("minLength"), schema.get("maxLength"),
                      pattern, fmt, schema.get("minimum"), schema.get("maximum"), schema.get("x-deskkit-values"),
                      enum_quirk=self.enum_quirk if enum is not None else None)

    def enum(self, schema: dict[str, Any], pointer: str, owner: str, prop: str) -> EnumDef | None:
        values = schema["enum"]
        for index, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(f"{pointer}/enum/{index}", f"deskkit supports enumerations of strings only; found "
                          f"{value!r} ({type(value).__name__})")
                return None
            if values.index(value) != index:
                self.fail(f"{pointer}/enum/{index}", f"enum value {value!r} is listed twice")
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
        flat_names = [p.get("x-deskkit-flatten") for p in props.values() if p.get("x-deskkit-flatten")]
        py_names = naming.unique([naming.snake(w) for w in props], _RESERVED | frozenset(flat_names))
        fields = []
        for (wire, prop), py_name in zip(props.items(), py_names, strict=True):
            pointer = f"{base}/properties/{escape_token(wire)}"
            site = f"{name}_{py_name}".strip("_")
            ftype = self.resolve(prop, pointer, site, name, wire)
            if ftype is None:
                continue
            # `null` stands in for "not set" (the every-property quirk): only where absence is allowed, so a
            # required property's type stays exactly what the spec says.
            if wire not in required and self.null_quirk is not None:
                ftype = dataclasses.replace(ftype, null_quirk=self.null_quirk)
            tolerances = self.tolerances(prop, pointer, site, ftype, name, wire)
            description = prop.get("description") or _described(ftype, self.schemas)
            fields.append(Field(wire, py_name, ftype, wire in required, description, f"#{pointer}",
                                tolerances, prop.get("x-deskkit-flatten")))
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
        return MapOf(self.claim(f"{name}_extra"), f"#{pointer}", values)

    def tolerances(self, prop: dict[str, Any], pointer: str, site: str, documented: TypeRef,
                   owner: str, wire: str) -> tuple[Tolerance, ...]:
        out: list[Tolerance] = []
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
            shape: Literal["single-item-list", "alternative"]
            if "shape" in entry:
                # The value inside the one-item array is a use-site of its own (null is not tolerated there).
                shape, json_type = "single-item-list", "array"
                tolerated = dataclasses.replace(documented, site=self.claim(f"{site}_wrapped"), null_quirk=None)
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
            message = (f"a one-item array where the contract has {_a(documented)}" if shape == "single-item-list"
                       else f"{_a(tolerated)} where the contract has {_a(documented)}")
            out.append(Tolerance(quirk.id, shape, tolerated, message, f"#{pointer}", quirk.rule))
        return tuple(out)

    # -- operations ---------------------------------------------------------------------------------
    def operations(self) -> list[Operation]:
        ops = []
        for path, item in self.spec.data["paths"].items():
            for method in _METHODS:
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


def _a(t: TypeRef) -> str:
    """``t`` in words, with its article: "a DesktopDetailInfo object", "an array of AddressInfo objects"."""
    text = _plain(t, False)
    return ("an " if text[0] in "aeiou" else "a ") + text


def _plain(t: TypeRef, plural: bool) -> str:
    s = "s" if plural else ""
    if isinstance(t, ModelRef):
        return f"{t.name} object{s}"
    if isinstance(t, ArrayOf):
        return f"array{s} of {_plain(t.items, True)}"
    if isinstance(t, MapOf):
        return f"map{s} of {_plain(t.values, True)}"
    return f"{t.json_type}{s}"


def _server(data: dict[str, Any]) -> tuple[str | None, tuple[tuple[str, str | None], ...]]:
    servers = data.get("servers") or []
    if not servers:
        return None, ()
    first = servers[0]
    variables = tuple((name, var.get("default")) for name, var in first.get("variables", {}).items())
    return str(first["url"]), variables


def build_api(spec: Spec) -> Api:
    """Build the intermediate model of a checked spec; raise :class:`SpecError` listing every issue."""
    builder = _Builder(spec)
    builder.build_quirks()
    models = [builder.model(name, schema) for name, schema in sorted(builder.schemas.items())
              if _is_object_model(schema)]
    operations = builder.operations()
    if builder.issues:
        raise SpecError(builder.issues)
    info = spec.data["info"]
    server, variables = _server(spec.data)
    return Api(
        title=info["title"],
        version=info["version"],
        package=info.get("x-deskkit-package", "bindings"),
        spec_name=spec.path.name,
        client=info.get("x-deskkit-client") or naming.pascal(info["title"].split("—")[0].split(" - ")[0]) + "Client",
        server=server,
        server_variables=variables,
        models=tuple(models),
        enums=tuple(sorted(builder.enums.values(), key=lambda e: e.name)),
        quirks=tuple(builder.quirks.values()),
        operations=tuple(operations),
    )
