"""The schema half of the builder: JSON Schemas → the intermediate model's types, models, enums and quirks.

Each schema keyword deskkit reads becomes part of a use-site (:mod:`.ir`); every other keyword is refused
with its pointer and what to write instead. :mod:`.build` adds the operations on top.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Literal

from ..errors import SpecIssue
from . import naming
from .ir import (
    FORMAT_PATTERNS,
    FORMATS,
    ArrayOf,
    EnumDef,
    EnumMember,
    Evidence,
    Field,
    Known,
    MapOf,
    Model,
    ModelRef,
    Quirk,
    Scalar,
    Tolerance,
    TypeRef,
    UnionOf,
    models_in,
)
from .load import Spec, escape_token

_STRING_KEYWORDS = frozenset({"minLength", "maxLength", "pattern", "format"})
_NUMBER_KEYWORDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
_ARRAY_KEYWORDS = frozenset({"items", "minItems", "maxItems", "uniqueItems"})
_OBJECT_KEYWORDS = frozenset({"properties", "required", "additionalProperties"})
_ANNOTATIONS = frozenset({"description", "title", "x-enum-varnames", "x-enum-descriptions", "examples", "example",
                          "x-deskkit-tolerate", "x-deskkit-flatten", "x-deskkit-values", "x-deskkit-error",
                          "x-deskkit-known", "x-deskkit-known-values", "x-deskkit-sdk",
                          "$comment", "deprecated", "readOnly", "writeOnly", "default"})
_KNOWN = (_STRING_KEYWORDS | _NUMBER_KEYWORDS | _ARRAY_KEYWORDS | _OBJECT_KEYWORDS | _ANNOTATIONS
          | {"type", "$ref", "enum", "const", "allOf", "oneOf", "anyOf", "discriminator"})
# What to write instead of a keyword deskkit does not read.
_INSTEAD = {
    "not": "describe the allowed values positively (enum, pattern, minimum/maximum)",
    "if": "use oneOf with a discriminator", "then": "use oneOf with a discriminator",
    "else": "use oneOf with a discriminator", "dependentSchemas": "use oneOf with a discriminator",
    "dependentRequired": "list the properties in `required`", "prefixItems": "use an object with named properties",
    "contains": "constrain `items` instead", "patternProperties": "use additionalProperties with a schema",
    "propertyNames": "use additionalProperties with a schema", "unevaluatedProperties": "use additionalProperties",
    "unevaluatedItems": "constrain `items`", "nullable": "write `type: [T, \"null\"]` (OpenAPI 3.1)",
    "$dynamicRef": "use $ref", "$anchor": "use $ref to #/components/schemas/NAME",
    "minProperties": "list the properties in `required`", "maxProperties": "declare the properties",
    "contentMediaType": "use type: string", "contentEncoding": "use type: string",
}
_JSON_SCALARS = ("string", "integer", "number", "boolean")
# Names a model's own API takes; a property with one of these names gets a trailing underscore.
_RESERVED = frozenset({"from_dict", "from_json", "judge", "to_dict", "to_json", "deviations", "unknown_fields",
                       "off_page",
                       # builtins the class body's annotations name: a field called so would stand for them there
                       "str", "int", "float", "bool", "list", "dict"})
# Names the generated modules take for themselves: a schema (or enumeration) cannot have one of them.
TAKEN = frozenset({
    "Any", "Final", "Literal", "Model", "Context", "Site", "Prop", "Tolerance", "Finding", "Unset", "Operation",
    "Parameter", "Pagination", "Drawn", "Injected", "Strategies", "Auth", "ApiError", "ApiConnectionError",
    "ApiTimeoutError", "AsyncBaseClient", "AsyncOptions", "AuthenticationError", "BadRequestError", "BaseClient",
    "ClientError", "NotFoundError", "Options", "PermissionDeniedError", "RateLimitError", "ServerError",
    "ContractError", "Judgement", "Iterator", "AsyncIterator", "Unpack", "StrEnum",
})
#: The local names of the generated parsers' functions: a class so named would be hidden inside them.
LOCALS = frozenset({"d", "g", "n", "o", "v", "x", "i", "k", "s", "ptr", "cx", "site", "found", "wrapped", "member",
                    "mark", "missed", "keys", "others", "out", "tag"})
_PY_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}


def _count(schema: dict[str, Any], keyword: str) -> int | None:
    """A count keyword's value as an int: JSON Schema reads 2.0 as the integer 2 (the structure check refused
    2.5), and the generated code counts with it (``"x" * 2.0`` is a TypeError)."""
    value = schema.get(keyword)
    return None if value is None else int(value)


def _json_type_of(value: Any) -> str | None:
    return _PY_TYPES.get(type(value))


def empty_range(schema: dict[str, Any]) -> tuple[str, str] | None:
    """(keyword, message) where ``schema``'s bounds leave no value: the upper bound's keyword."""
    for low, high, what in (("minLength", "maxLength", "string"), ("minItems", "maxItems", "array")):
        lo, hi = schema.get(low), schema.get(high)
        if type(lo) is int and type(hi) is int and lo > hi:
            return high, f"keyword `{high}` is {hi}, below `{low}` ({lo}): no {what} meets both"
    for low in ("minimum", "exclusiveMinimum"):
        for high in ("maximum", "exclusiveMaximum"):
            lo, hi = schema.get(low), schema.get(high)
            if not (isinstance(lo, int | float) and isinstance(hi, int | float)) or isinstance(lo, bool) or \
                    isinstance(hi, bool):
                continue
            if lo > hi or (lo == hi and (low.startswith("exclusive") or high.startswith("exclusive"))):
                return high, f"keyword `{high}` is {hi}, which leaves no number with `{low}` {lo}"
            types = schema.get("type")
            whole = types == "integer" or (isinstance(types, list) and "integer" in types and "number" not in types)
            if whole and _lowest_whole(low, lo) > _highest_whole(high, hi):  # (0.5 to 0.9; 0 to 1 exclusive)
                return high, f"keyword `{high}` is {hi}, which leaves no integer with `{low}` {lo}"
    return None


def _lowest_whole(keyword: str, bound: float) -> int:
    return math.floor(bound) + 1 if keyword == "exclusiveMinimum" else math.ceil(bound)


def _highest_whole(keyword: str, bound: float) -> int:
    return math.ceil(bound) - 1 if keyword == "exclusiveMaximum" else math.floor(bound)


class TypeBuilder:
    """Turns schemas into types, collecting issues instead of stopping at the first."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.components: dict[str, Any] = spec.data.get("components") or {}
        self.schemas: dict[str, Any] = self.components.get("schemas") or {}
        self.issues: list[SpecIssue] = []
        self.enums: dict[str, EnumDef] = {}
        self.quirks: dict[str, Quirk] = {}
        self.null_quirk: str | None = None
        self.enum_quirk: str | None = None
        self.site_ids: set[str] = set()
        self.unions: list[tuple[UnionOf, str]] = []  # discriminated unions to check once the models exist
        self.expanding: set[str] = set()  # components being read through $ref (an object model stops the chain)
        self.cycles: set[frozenset[str]] = set()  # the $ref cycles reported

    def claim(self, site: str) -> str:
        """``site``, or a variant of it no other use-site has (names from the spec may collide)."""
        site = re.sub(r"\W", "_", site)
        while site in self.site_ids:
            site += "_"
        self.site_ids.add(site)
        return site

    def fail(self, pointer: str, message: str) -> None:
        self.issues.append(self.spec.issue(pointer, message))

    # -- quirks -------------------------------------------------------------------------------------
    def build_quirks(self) -> None:
        for qid, body in sorted(self.spec.data.get("x-deskkit-quirks", {}).items()):
            evidence = _evidence(body["evidence"])
            self.quirks[qid] = Quirk(qid, body["summary"], body["scope"], evidence,
                                     f"#/x-deskkit-quirks/{escape_token(qid)}")
        for scope in ("every-enum", "every-property"):
            ids = [q.id for q in self.quirks.values() if q.scope == scope]
            if len(ids) > 1:
                self.fail("/x-deskkit-quirks", f"at most one quirk may have scope {scope}; found {ids}")
        self.enum_quirk = next((q.id for q in self.quirks.values() if q.scope == "every-enum"), None)
        self.null_quirk = next((q.id for q in self.quirks.values() if q.scope == "every-property"), None)

    # -- types --------------------------------------------------------------------------------------
    def target(self, ref: str, pointer: str) -> tuple[str, dict[str, Any]] | None:
        """The component schema ``ref`` names (checked by spec.schema.yaml to be #/components/schemas/NAME)."""
        name = ref.rsplit("/", 1)[1]
        schema = self.schemas.get(name)
        if not isinstance(schema, dict):
            self.fail(f"{pointer}/$ref", f"no schema named {name!r} under /components/schemas")
            return None
        return name, schema

    def unknown_keywords(self, schema: dict[str, Any], pointer: str) -> bool:
        unknown = sorted(k for k in schema if k not in _KNOWN and not k.startswith("x-"))
        for key in unknown:
            instead = _INSTEAD.get(key, "remove it, or describe the value with the keywords deskkit reads")
            self.fail(f"{pointer}/{escape_token(key)}", f"keyword `{key}` is outside the subset deskkit "
                      f"supports: {instead}")
        return bool(unknown)

    def resolve(self, schema: dict[str, Any], pointer: str, site: str, owner: str, prop: str) -> TypeRef | None:
        """The type of ``schema`` at spec ``pointer``; ``site`` names the generated descriptor for it."""
        if self.unknown_keywords(schema, pointer):
            return None
        rule = f"#{pointer}"
        if "x-deskkit-known-values" in schema and ({"$ref", "allOf", "oneOf", "anyOf"} & set(schema)
                                                   or _kind_of(schema) != "string"):
            self.fail(f"{pointer}/x-deskkit-known-values", "x-deskkit-known-values lists values of a string: put it "
                      "beside the `enum` (or the `type: string`) it adds to")
            return None
        if "$ref" in schema:
            siblings = sorted(set(schema) & (_KNOWN - _ANNOTATIONS - {"$ref"}))
            if siblings:
                self.fail(f"{pointer}/{escape_token(siblings[0])}", f"keyword `{siblings[0]}` beside $ref: deskkit "
                          "reads $ref alone; put the constraint in the referenced schema, or use allOf")
                return None
            found = self.target(schema["$ref"], pointer)
            if found is None:
                return None
            name, target = found
            if is_object_model(target):
                return ModelRef(self.claim(site), rule, name)
            if name in self.expanding:  # (`A: {$ref: B}`, `B: {$ref: A}`; or an array of itself)
                cycle = frozenset(self.expanding)
                if cycle not in self.cycles:  # (once a cycle, whichever of its schemas it is reached from)
                    self.cycles.add(cycle)
                    self.fail(f"{pointer}/$ref", f"{name} contains itself through $ref with no object schema "
                              "between: a recursive type needs a schema with properties under /components/schemas")
                return None
            self.expanding.add(name)
            try:
                return self.resolve(target, f"/components/schemas/{escape_token(name)}", site, owner, name)
            finally:
                self.expanding.discard(name)
        if "allOf" in schema:
            parts = schema["allOf"]
            if len(parts) == 1 and not set(schema) & (_KNOWN - _ANNOTATIONS - {"allOf"}):
                return self.resolve(parts[0], f"{pointer}/allOf/0", site, owner, prop)
            self.fail(f"{pointer}/allOf", "keyword `allOf` composing an object here: deskkit merges allOf into "
                      "one class only for schemas under /components/schemas; move it there and use $ref")
            return None
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self.union(schema, keyword, pointer, site, owner, prop)
        if "discriminator" in schema:
            self.fail(f"{pointer}/discriminator", "keyword `discriminator` without oneOf/anyOf: list the variants "
                      "with oneOf")
            return None
        kind = schema.get("type")
        nullable = False
        if isinstance(kind, list):
            others = [k for k in kind if k != "null"]
            if len(others) != 1 or len(kind) != 2:
                self.fail(f"{pointer}/type", f"keyword `type` lists {kind}: deskkit reads one type, or "
                          "[T, \"null\"]; for a value of several types use oneOf")
                return None
            kind, nullable = others[0], True
        if kind is None and "const" in schema:
            kind = _json_type_of(schema["const"])
        if kind is None and "enum" in schema:
            kind = "string"
        if kind is None:
            self.fail(pointer, "a schema without `type`: deskkit needs to know the JSON type (or a $ref, oneOf, "
                      "anyOf)")
            return None
        if kind in _JSON_SCALARS:
            found_scalar = self.scalar(schema, pointer, site, owner, prop, kind)
            return dataclasses.replace(found_scalar, nullable=nullable) if found_scalar is not None else None
        if kind == "array":
            if self.misplaced(schema, pointer, "array", _STRING_KEYWORDS | _NUMBER_KEYWORDS | _OBJECT_KEYWORDS):
                return None
            if "items" not in schema:
                self.fail(pointer, "an array needs `items`: give the schema of its elements")
                return None
            items = self.resolve(schema["items"], f"{pointer}/items", f"{site}_item", owner, prop)
            if items is None:
                return None
            if self.empty(schema, pointer):
                return None
            return ArrayOf(self.claim(site), rule, items, _count(schema, "minItems"), _count(schema, "maxItems"),
                           bool(schema.get("uniqueItems", False)), nullable)
        if kind == "object":
            if self.misplaced(schema, pointer, "object", _STRING_KEYWORDS | _NUMBER_KEYWORDS | _ARRAY_KEYWORDS):
                return None
            if "properties" in schema:
                self.fail(f"{pointer}/properties", "keyword `properties` on an inline object: move this schema "
                          "under /components/schemas and refer to it with $ref")
                return None
            values_schema = schema.get("additionalProperties")
            if not isinstance(values_schema, dict):
                self.fail(pointer, "an inline object needs `additionalProperties` with a schema for its values "
                          "(a map); for an object with named properties use $ref to /components/schemas")
                return None
            values = self.resolve(values_schema, f"{pointer}/additionalProperties", f"{site}_value", owner, prop)
            if values is None:
                return None
            return MapOf(self.claim(site), rule, values, nullable)
        if kind == "null":
            self.fail(f"{pointer}/type", "keyword `type` is \"null\" alone: a property that is always null "
                      "carries nothing; use [T, \"null\"]")
            return None
        self.fail(f"{pointer}/type" if "type" in schema else pointer,
                  f"keyword `type` is {kind!r}: expected string, integer, number, boolean, array or object "
                  "(or a $ref, oneOf, anyOf)")
        return None

    def empty(self, schema: dict[str, Any], pointer: str) -> bool:
        """Bounds that no value meets (JSON Schema takes such a schema, and then refuses everything)."""
        found = empty_range(schema)
        if found is not None:
            self.fail(f"{pointer}/{found[0]}", found[1])
        return found is not None

    def misplaced(self, schema: dict[str, Any], pointer: str, kind: str, keywords: frozenset[str]) -> bool:
        """A keyword that does not apply to ``kind`` (JSON Schema would silently ignore it)."""
        for key in sorted(set(schema) & keywords):
            self.fail(f"{pointer}/{escape_token(key)}", f"keyword `{key}` does not apply to type {kind}: "
                      "remove it or fix `type`")
            return True
        return False

    def scalar(self, schema: dict[str, Any], pointer: str, site: str, owner: str, prop: str,
               kind: Any) -> Scalar | None:
        rule = f"#{pointer}"
        wrong = _ARRAY_KEYWORDS | _OBJECT_KEYWORDS | (_NUMBER_KEYWORDS if kind == "string" else _STRING_KEYWORDS)
        if kind == "boolean":
            wrong = wrong | _NUMBER_KEYWORDS
        if self.misplaced(schema, pointer, kind, wrong):
            return None
        fmt = schema.get("format")
        pattern = schema.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.fail(f"{pointer}/pattern", f"keyword `pattern` is not a regular expression ({exc}): fix it")
                return None
        if fmt is not None:
            if fmt not in FORMATS:
                self.fail(f"{pointer}/format", f"keyword `format` is {fmt!r}, which deskkit does not check: use "
                          f"one of {sorted(FORMATS)}, or a pattern")
                return None
            if pattern is not None:
                self.fail(f"{pointer}/pattern", "keyword `pattern` beside `format`: use one of them")
                return None
            pattern = FORMAT_PATTERNS.get(fmt)
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(schema.get(key), bool):
                self.fail(f"{pointer}/{key}", f"keyword `{key}` is a boolean (OpenAPI 3.0): OpenAPI 3.1 gives "
                          "the bound itself, e.g. exclusiveMinimum: 0")
                return None
        if self.empty(schema, pointer):
            return None
        multiple = schema.get("multipleOf")
        if multiple is not None and not multiple > 0:
            self.fail(f"{pointer}/multipleOf", "keyword `multipleOf` must be greater than 0")
            return None
        const: tuple[Any] | None = None
        if "const" in schema:
            value = schema["const"]
            if _json_type_of(value) not in (kind, "integer" if kind == "number" else kind) or (
                    kind == "integer" and type(value) is not int):
                self.fail(f"{pointer}/const", f"keyword `const` is {value!r}, not of type {kind}")
                return None
            const = (value,)
        enum = None
        if "enum" in schema:
            if const is not None:
                self.fail(f"{pointer}/enum", "keyword `enum` beside `const`: use one of them")
                return None
            enum = self.enum(schema, pointer, owner, prop, kind)
            if enum is None:
                return None
        examples: tuple[EnumMember, ...] = ()
        if enum is None and "x-deskkit-known-values" in schema:  # no enumeration: values worth knowing
            found = self.known_values(schema, pointer, ())
            if found is None:
                return None
            examples = found
        return Scalar(self.claim(site), rule, kind, enum, _count(schema, "minLength"), _count(schema, "maxLength"),
                      pattern, fmt, schema.get("minimum"), schema.get("maximum"), schema.get("exclusiveMinimum"),
                      schema.get("exclusiveMaximum"), multiple, const, schema.get("x-deskkit-values"),
                      enum_quirk=self.enum_quirk if enum is not None else None, examples=examples)

    def known(self, declared: dict[str, Any], pointer: str) -> Known:
        """An ``x-deskkit-known`` declaration (its structure is checked by spec.schema.yaml)."""
        return Known(declared["level"], _evidence(declared["evidence"]), f"#{pointer}")

    def known_values(self, schema: dict[str, Any], pointer: str,
                     documented: tuple[str, ...]) -> tuple[EnumMember, ...] | None:
        """``x-deskkit-known-values``: values the page does not list, each with its level and evidence."""
        out: list[EnumMember] = []
        at = f"{pointer}/x-deskkit-known-values"
        for index, entry in enumerate(schema["x-deskkit-known-values"]):
            value = entry["value"]
            if value in documented or value in [m.value for m in out]:
                self.fail(f"{at}/{index}/value", f"value {value!r} is listed twice (in `enum` or above): a value is "
                          "documented or known off the page, once")
                return None
            name = entry.get("name") or naming.constant(value)
            out.append(EnumMember(name, value, entry.get("description", ""), self.known(entry, f"{at}/{index}")))
        return tuple(out)

    def enum(self, schema: dict[str, Any], pointer: str, owner: str, prop: str, kind: str) -> EnumDef | None:
        values = schema["enum"]
        for index, value in enumerate(values):
            if not isinstance(value, str) or kind != "string":
                self.fail(f"{pointer}/enum/{index}", f"keyword `enum` lists {value!r} "
                          f"({_json_type_of(value) or type(value).__name__}): deskkit supports enumerations of "
                          "strings; for numbers use minimum/maximum (and describe the values)")
                return None
            if values.index(value) != index:
                self.fail(f"{pointer}/enum/{index}", f"enum value {value!r} is listed twice")
                return None
        if set(schema) & {"minLength", "maxLength", "pattern", "format"}:
            self.fail(f"{pointer}/enum", "keyword `enum` beside string constraints: the values say it all; "
                      "remove minLength/maxLength/pattern/format")
            return None
        name = schema.get("title") or naming.pascal(owner) + naming.pascal(prop)
        varnames = schema.get("x-enum-varnames") or [naming.constant(v) for v in values]
        descriptions = schema.get("x-enum-descriptions") or [""] * len(values)
        if len(varnames) != len(values) or len(descriptions) != len(values):
            self.fail(pointer, "x-enum-varnames / x-enum-descriptions must have one entry per enum value")
            return None
        extra = self.known_values(schema, pointer, tuple(values)) if "x-deskkit-known-values" in schema else ()
        if extra is None:
            return None
        names = naming.unique([*varnames, *(m.name for m in extra)])
        members = tuple(EnumMember(n, v, d) for n, v, d in zip(names, values, descriptions, strict=False))
        members += tuple(dataclasses.replace(m, name=n) for m, n in zip(extra, names[len(values):], strict=True))
        made = EnumDef(name, schema.get("description", ""), members, f"#{pointer}")
        known = self.enums.get(name)
        if known is not None and _signature(known) != _signature(made):
            hint = "give the other a different `title`" if schema.get("title") else "give one of the two a `title`"
            self.fail(pointer, f"enum name {name!r} is already used for {list(known.values)} (known off the page: "
                      f"{[m.value for m in known.known_members]}) at {known.rule}: {hint}")
            return None
        self.enums.setdefault(name, made)
        return self.enums[name]

    def union(self, schema: dict[str, Any], keyword: Literal["oneOf", "anyOf"], pointer: str, site: str,
              owner: str, prop: str) -> TypeRef | None:
        at = f"{pointer}/{keyword}"
        others = sorted(set(schema) & (_KNOWN - _ANNOTATIONS - {keyword, "discriminator", "type"}))
        if others:
            self.fail(f"{pointer}/{escape_token(others[0])}", f"keyword `{others[0]}` beside {keyword}: put it "
                      "inside the variants")
            return None
        variants: list[TypeRef] = []
        nullable = False
        for index, part in enumerate(schema[keyword]):
            if part.get("type") == "null" and len(part) == 1:
                nullable = True
                continue
            variant = self.resolve(part, f"{at}/{index}", f"{site}_v{index}", owner, prop)
            if variant is None:
                return None
            variants.append(variant)
        if not variants:
            self.fail(at, f"keyword `{keyword}` lists only null")
            return None
        if len(variants) == 1:  # [T, null]: a nullable T
            return dataclasses.replace(variants[0], nullable=True) if nullable else variants[0]
        rule = f"#{pointer}"
        if all(isinstance(v, ModelRef) for v in variants):
            return self.discriminated(schema, keyword, pointer, site, variants, nullable)
        if "discriminator" in schema:
            self.fail(f"{pointer}/discriminator", f"a discriminator needs every variant of {keyword} to be a $ref "
                      "to an object schema")
            return None
        types = [v.json_type for v in variants]
        if not all(isinstance(v, Scalar) for v in variants) or len(set(types)) != len(types) or (
                "integer" in types and "number" in types):
            self.fail(at, f"keyword `{keyword}` mixes {types}: deskkit tells variants apart by JSON type (string, "
                      "integer or number, boolean), or objects by a discriminator")
            return None
        return UnionOf(self.claim(site), rule, keyword, tuple(variants), nullable=nullable)

    def discriminated(self, schema: dict[str, Any], keyword: Literal["oneOf", "anyOf"], pointer: str, site: str,
                      variants: list[TypeRef], nullable: bool) -> UnionOf | None:
        disc = schema.get("discriminator")
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
            self.fail(f"{pointer}/{keyword}", f"keyword `{keyword}` of objects without a discriminator: add "
                      "`discriminator: {propertyName: ...}` naming the property that tells them apart")
            return None
        names = [v.name for v in variants if isinstance(v, ModelRef)]
        if len(set(names)) != len(names):
            self.fail(f"{pointer}/{keyword}", f"keyword `{keyword}` lists a schema twice: {names}")
            return None
        tags: dict[str, int] = {}
        mapping = disc.get("mapping") or {}
        for value, ref in mapping.items():
            name = ref.rsplit("/", 1)[-1]
            if name not in names:
                self.fail(f"{pointer}/discriminator/mapping/{escape_token(value)}",
                          f"mapping names {ref!r}, which is not one of the variants {names}")
                return None
            tags[value] = names.index(name)
        for index, name in enumerate(names):
            if index not in tags.values():
                tags[name] = index  # OpenAPI: without a mapping, the value is the schema's name
        union = UnionOf(self.claim(site), f"#{pointer}", keyword, tuple(variants), disc["propertyName"],
                        tuple(tags.items()), nullable)
        self.unions.append((union, pointer))
        return union

    def check_unions(self, models: dict[str, Model]) -> None:
        """Each variant of a discriminated union requires the discriminator, as a string that can hold its tags."""
        for union, pointer in self.unions:
            for index, variant in enumerate(union.variants):
                assert isinstance(variant, ModelRef)
                model = models.get(variant.name)
                if model is None:
                    continue
                field = next((f for f in model.fields if f.wire == union.discriminator), None)
                if field is None or not field.required or not isinstance(field.type, Scalar) \
                        or field.type.json_type != "string":
                    self.fail(f"{pointer}/discriminator", f"the discriminator {union.discriminator!r} must be a "
                              f"required string property of {variant.name}")
                    continue
                allowed = field.type.enum.values if field.type.enum is not None else (
                    field.type.const if field.type.const is not None else None)
                bad = [tag for tag in union.tags_of(index) if allowed is not None and tag not in allowed]
                if bad:
                    self.fail(f"{pointer}/discriminator", f"{variant.name}.{union.discriminator} does not allow "
                              f"{bad}, the value(s) that select it")

    # -- models -------------------------------------------------------------------------------------
    def merged(self, name: str, schema: dict[str, Any], base: str,
               seen: tuple[str, ...] = ()) -> tuple[dict[str, tuple[Any, str]], set[str], str] | None:
        """An object schema's properties (wire → (schema, pointer)), required names and description, with
        allOf parts merged in order."""
        if name in seen:
            self.fail(base, f"allOf refers back to {name}: a schema cannot extend itself")
            return None
        if self.unknown_keywords(schema, base) or self.misplaced(
                schema, base, "object", _STRING_KEYWORDS | _NUMBER_KEYWORDS | _ARRAY_KEYWORDS
                | {"enum", "const", "oneOf", "anyOf", "discriminator"}):
            return None
        props: dict[str, tuple[Any, str]] = {}
        required: set[str] = set(schema.get("required", []))
        description = schema.get("description", "")
        parts = schema.get("allOf", [])
        if parts and isinstance(schema.get("additionalProperties"), (bool, dict)) \
                and schema["additionalProperties"] is not True:
            self.fail(f"{base}/additionalProperties", "keyword `additionalProperties` beside allOf: JSON Schema "
                      "would refuse the properties of the allOf parts; drop it, or list the properties here")
            return None
        for index, part in enumerate(parts):
            at = f"{base}/allOf/{index}"
            if "$ref" in part:
                found = self.target(part["$ref"], at)
                if found is None:
                    return None
                part_name, part_schema = found
                if not is_object_model(part_schema):
                    self.fail(f"{at}/$ref", f"allOf part {part_name} is not an object schema")
                    return None
                if part_schema.get("additionalProperties", True) is not True:
                    self.fail(f"{at}/$ref", f"allOf part {part_name} sets additionalProperties: JSON Schema "
                              "would refuse the other parts' properties; drop it there")
                    return None
                inner = self.merged(part_name, part_schema, f"/components/schemas/{escape_token(part_name)}",
                                    (*seen, name))
            else:
                if part.get("type", "object") != "object" or "additionalProperties" in part:
                    self.fail(at, "an inline allOf part must be an object with properties (no additionalProperties)")
                    return None
                inner = self.merged(name, part, at, seen)
            if inner is None:
                return None
            inner_props, inner_required, inner_description = inner
            for wire, (prop, pointer) in inner_props.items():
                if wire in props and props[wire][0] != prop:
                    self.fail(pointer, f"property {wire!r} is also declared at {props[wire][1]} with another "
                              "schema: JSON Schema would apply both; declare it once")
                    return None
                props.setdefault(wire, (prop, pointer))
            required |= inner_required
            description = description or inner_description
        for wire, prop in schema.get("properties", {}).items():
            pointer = f"{base}/properties/{escape_token(wire)}"
            if wire in props and props[wire][0] != prop:
                self.fail(pointer, f"property {wire!r} is also declared at {props[wire][1]} with another schema: "
                          "JSON Schema would apply both; declare it once")
                return None
            props[wire] = (prop, pointer)
        return props, required, description

    def model(self, name: str, schema: dict[str, Any]) -> Model | None:
        base = f"/components/schemas/{escape_token(name)}"
        found = self.merged(name, schema, base)
        if found is None:
            return None
        props, required, description = found
        for missing in sorted(required - set(props)):
            self.fail(f"{base}/required", f"required property {missing!r} is not among the properties")
        flat_names = [p.get("x-deskkit-flatten") for p, _ in props.values() if p.get("x-deskkit-flatten")]
        py_names = naming.unique([naming.snake(w) for w in props], _RESERVED | frozenset(flat_names))
        model_known = self.known(schema["x-deskkit-known"], f"{base}/x-deskkit-known") \
            if "x-deskkit-known" in schema else None
        fields = []
        for (wire, (prop, pointer)), py_name in zip(props.items(), py_names, strict=True):
            site = f"{name}_{py_name}".strip("_")
            ftype = self.resolve(prop, pointer, site, name, wire)
            if ftype is None:
                continue
            known = self.off_page(prop, pointer, wire in required, model_known,
                                  schema.get("additionalProperties", True) is False)
            if known is not None:  # the page promises nothing here, so null is as good as any value
                ftype = dataclasses.replace(ftype, nullable=True)
            # `null` stands in for "not set" (the every-property quirk): only where absence is allowed, so a
            # required property's type stays exactly what the spec says; where null is conformant, no quirk.
            if wire not in required and self.null_quirk is not None and not ftype.nullable:
                ftype = dataclasses.replace(ftype, null_quirk=self.null_quirk)
            tolerances = self.tolerances(prop, pointer, site, ftype, name, wire)
            relaxed = tuple((t.quirk, t.type.site) for t in tolerances if t.shape == "relaxed")
            if relaxed and isinstance(ftype, Scalar):
                ftype = dataclasses.replace(ftype, relaxed=relaxed)
                tolerances = tuple(dataclasses.replace(t, type=dataclasses.replace(t.type, relaxed=relaxed))
                                   if t.shape == "single-item-list" and isinstance(t.type, Scalar) else t
                                   for t in tolerances)
            description_ = prop.get("description") or _described(ftype, self.schemas)
            default = (prop["default"],) if "default" in prop else None
            fields.append(Field(wire, py_name, ftype, wire in required, description_, f"#{pointer}",
                                tolerances, prop.get("x-deskkit-flatten"), default, known))
        additional = schema.get("additionalProperties", True)
        return Model(name, description, tuple(fields), f"#{base}", self.extra(name, schema, base),
                     closed=additional is False, closed_rule=f"#{base}/additionalProperties",
                     error_fields=self.error_fields(schema, base, props), known=model_known)

    def off_page(self, prop: dict[str, Any], pointer: str, required: bool, model_known: Known | None,
                 closed: bool) -> Known | None:
        """A property's ``x-deskkit-known``: it is not on the page, so it is optional and no quirk applies."""
        declared = prop.get("x-deskkit-known")
        if declared is None:
            return None
        at = f"{pointer}/x-deskkit-known"
        if closed:
            self.fail(at, "the schema allows no other properties (additionalProperties: false), so the page forbids "
                      "this one: declare a quirk that tolerates it, or allow other properties")
        elif model_known is not None:
            self.fail(at, f"the whole schema is already known off the page (level {model_known.level}): drop this "
                      "x-deskkit-known, or the one on the schema")
        elif required:
            self.fail(at, "a required property is documented: x-deskkit-known marks a property the page does not "
                      "have; remove it from `required`")
        elif "x-deskkit-tolerate" in prop:
            self.fail(f"{pointer}/x-deskkit-tolerate", "a property known off the page has no documented shape to "
                      "depart from: describe what arrives in its schema instead of tolerating it")
        else:
            return self.known(declared, at)
        return None

    def check_known(self, models: dict[str, Model]) -> None:
        """A schema known only off the page (x-deskkit-known on the schema) is held only by properties that are
        off the page too: the page cannot document what it holds."""
        for model in models.values():
            if model.known is not None:
                continue
            for f in model.fields:
                if f.known is not None:
                    continue
                types = [f.type, *(t.type for t in f.tolerances)]
                inner = sorted({name for t in types for name in models_in(t)
                                if name in models and models[name].known is not None})
                if inner:
                    self.fail(f.rule[1:], f"{inner[0]} is known only off the page (x-deskkit-known on the schema): a "
                              "property the page documents cannot hold it; mark this property with x-deskkit-known")

    def error_fields(self, schema: dict[str, Any], base: str,
                     props: dict[str, tuple[Any, str]]) -> tuple[str | None, str | None, str | None] | None:
        declared = schema.get("x-deskkit-error")
        if declared is None:
            return None
        for role in ("code", "message"):  # request_id may name a key the body carries undocumented
            wire = declared.get(role)
            if wire is not None and (wire not in props or props[wire][0].get("type") != "string"):
                self.fail(f"{base}/x-deskkit-error/{role}", f"{wire!r} is not a string property of this schema")
        return declared.get("code"), declared.get("message"), declared.get("request_id")

    def extra(self, name: str, schema: dict[str, Any], base: str) -> MapOf | None:
        """A schema for the keys a model does not list (e.g. a map with some documented keys)."""
        additional = schema.get("additionalProperties", True)
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
        seen_types: set[str] = set(documented.json_type.split(" or ")) | ({"null"} if documented.nullable else set())
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
            shape: Literal["single-item-list", "alternative", "relaxed"]
            if "shape" in entry:
                # The value inside the one-item array is a use-site of its own (null is not tolerated there).
                shape, json_type = "single-item-list", "array"
                tolerated = dataclasses.replace(documented, site=self.claim(f"{site}_wrapped"), null_quirk=None,
                                                nullable=False)
            else:
                shape = "alternative"
                tolerated = self.resolve(entry["schema"], f"{at}/schema", f"{site}_alt{index}", owner, wire)
                if tolerated is not None and (tolerated.nullable or isinstance(tolerated, UnionOf)):
                    self.fail(f"{at}/schema", "a tolerated shape is one JSON type (not a union, not nullable)")
                    continue
                json_type = tolerated.json_type if tolerated is not None else ""
            if tolerated is None:
                continue
            if shape == "alternative" and isinstance(documented, Scalar) and json_type == documented.json_type:
                # The same JSON type: a wider schema than the documented one (a relaxation), checked after it.
                if not isinstance(tolerated, Scalar) or documented.enum is not None or tolerated.enum is not None \
                        or documented.const is not None or tolerated.const is not None:
                    self.fail(f"{at}/schema", "a tolerated schema of the property's own type relaxes its constraints "
                              "(length, pattern, format, range); an enumeration is relaxed with "
                              "x-deskkit-known-values or an every-enum quirk")
                    continue
                message = f"breaks {_constraints(documented)} (quirk {quirk.id} accepts it)"
                out.append(Tolerance(quirk.id, "relaxed", tolerated, message, f"#{pointer}", quirk.rule))
                continue
            # The parser picks the shape by JSON type, so every shape at one property needs its own.
            if json_type in ("integer", "number") and {"integer", "number"} <= seen_types | {json_type}:
                self.fail(f"{at}/schema", "a JSON integer is a JSON number too: an integer shape and a number "
                          "shape at one property cannot be told apart (deskkit tells shapes apart by JSON type)")
                continue
            if json_type in seen_types:
                self.fail(at, f"the tolerated shape is a JSON {json_type}, like another shape of this "
                          "property; deskkit tells shapes apart by JSON type")
                continue
            seen_types.add(json_type)
            message = (f"a one-item array where the contract has {phrase(documented)}" if shape == "single-item-list"
                       else f"{phrase(tolerated)} where the contract has {phrase(documented)}")
            out.append(Tolerance(quirk.id, shape, tolerated, message, f"#{pointer}", quirk.rule))
        return tuple(out)


def _evidence(entries: list[dict[str, Any]]) -> tuple[Evidence, ...]:
    return tuple(Evidence(e["source"], e.get("pointer", ""), e.get("seen", "")) for e in entries)


def _kind_of(schema: dict[str, Any]) -> str | None:
    """The one JSON type a schema names (``[T, "null"]`` counts as T; an untyped enum is a string)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [k for k in kind if k != "null"]
        kind = others[0] if len(others) == 1 else None
    if kind is None and "enum" in schema:
        kind = "string"
    return kind if isinstance(kind, str) else None


def _signature(enum: EnumDef) -> tuple[tuple[str, str | None], ...]:
    """What two declarations of one enumeration name must share: values, and the level of each known one."""
    return tuple((m.value, m.known.level if m.known else None) for m in enum.members)


def _constraints(t: Scalar) -> str:
    """The documented constraints of a scalar, in words (what a relaxation lets a value break)."""
    words = [name for name, value in (("its length", t.min_length if t.min_length is not None else t.max_length),
                                      ("its pattern", t.pattern), ("its format", t.format),
                                      ("its range", t.minimum if t.minimum is not None else t.maximum))
             if value is not None]
    return " or ".join(words) or "its constraints"


def is_object_model(schema: dict[str, Any]) -> bool:
    """A component schema that becomes a class: an object with properties (or none, but not a plain map), or
    an allOf of such."""
    if {"oneOf", "anyOf", "$ref"} & set(schema):
        return False
    if "allOf" in schema:
        return True
    return schema.get("type") == "object" and ("properties" in schema
                                               or not isinstance(schema.get("additionalProperties"), dict))


def _described(ftype: TypeRef, schemas: dict[str, Any]) -> str:
    """A property given only as ``$ref`` borrows the description of what it refers to."""
    if isinstance(ftype, Scalar) and ftype.enum is not None:
        return ftype.enum.description
    if isinstance(ftype, ModelRef):
        return str(schemas[ftype.name].get("description", ""))
    return ""


def phrase(t: TypeRef) -> str:
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
    if isinstance(t, UnionOf):
        return " or ".join(_plain(v, plural) for v in t.variants)
    return f"{t.json_type}{s}"
