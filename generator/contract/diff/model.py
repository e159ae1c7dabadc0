"""A resolved view of one spec, built for comparing: operations, parameters, bodies, responses, schemas, quirks.

It is the diff's own reading of the loaded data (not the code generator's IR, which only holds what the
generator renders): every ``$ref`` followed, ``allOf`` merged, ``type: [T, "null"]``, ``nullable`` and a
``{type: "null"}`` alternative read as one nullability, ``oneOf``/``anyOf`` kept as alternatives. Every fact
keeps the JSON Pointer where the file states it, so a change can be shown in both files.

A schema is named by its :data:`Key`: the pointers of the pieces that make it (one, or several when ``allOf``
members or ``$ref`` siblings each say something about the same value). Views are built lazily and memoized,
so recursive schemas are fine; :meth:`Document.check` builds every reachable one once, up front, so a
malformed spec is refused (file:line, pointer) before any comparison starts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Final

from ...codegen.load import escape_token
from ...errors import SpecError, SpecIssue
from .source import Source

Key = tuple[str, ...]
ANY: Key = ()  # the empty schema (anything): a media type without a schema, `additionalProperties: true`
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_TYPES = ("null", "boolean", "object", "array", "number", "integer", "string")
# Lower and upper bounds: raising a lower bound or lowering an upper one narrows what a value may be.
LOWER = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
UPPER = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
# Annotations: they change no value's verdict (the bindings' docstrings, names and hints follow them).
ANNOTATIONS = ("description", "title", "examples", "example", "x-enum-varnames", "x-enum-descriptions",
               "x-deskkit-values", "x-deskkit-flatten")
# Keywords the view reads; any other keyword (not x-) is kept as text and compared as a whole.
_READ = frozenset({"$ref", "allOf", "oneOf", "anyOf", "type", "nullable", "format", "enum", "const", "pattern",
                   "properties", "required", "additionalProperties", "items", "default", "deprecated",
                   "readOnly", "writeOnly", "uniqueItems", "multipleOf", "x-deskkit-tolerate", "$comment",
                   "externalDocs", "xml", "$schema", "$id", *LOWER, *UPPER, *ANNOTATIONS})
_PATH_PARAM = re.compile(r"\{[^{}/]*\}")


#: Lower bounds on a count, which 0 leaves unbounded.
_COUNTS: Final = frozenset({"minLength", "minItems", "minProperties"})


def canonical(value: Any) -> str:
    """One spelling of a JSON value, for equality and messages (``0`` and ``0.0`` are one JSON number)."""
    return json.dumps(_whole_numbers(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def _whole_numbers(value: Any) -> Any:
    if type(value) is float and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Fact:
    """A value the spec states, and where."""

    value: Any
    at: str


@dataclass(frozen=True)
class Known:
    """``x-deskkit-known`` on a property, or one ``x-deskkit-known-values`` entry: known off the page."""

    level: str
    evidence: str  # canonical JSON of the evidence (and, for a value, its name and description)
    at: str
    value: Any = None  # the value, for an x-deskkit-known-values entry


@dataclass(frozen=True)
class Prop:
    key: Key
    at: str  # the property's own pointer (.../properties/name) in the first piece naming it
    known: Known | None = None  # x-deskkit-known on the property: the page does not document it


@dataclass(frozen=True)
class Tolerate:
    """One ``x-deskkit-tolerate`` entry: a shape the observed contract accepts at a property."""

    quirk: str
    shape: str | None
    schema: Key | None
    at: str


@dataclass
class Schema:
    """What one schema allows, merged from its pieces. ``types`` is None when any JSON type is allowed."""

    key: Key
    at: str
    types: frozenset[str] | None = None
    type_at: str = ""
    format: Fact | None = None
    enum: tuple[Fact, ...] | None = None
    enum_at: str = ""
    const: Fact | None = None
    bounds: dict[str, Fact] = field(default_factory=dict)
    patterns: tuple[Fact, ...] = ()
    properties: dict[str, Prop] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)
    additional: bool | Key = True
    additional_at: str = ""
    items: Key | None = None
    items_at: str = ""
    variants: tuple[Key, ...] = ()
    variant_kind: str | None = None
    variants_at: str = ""
    variant_refs: tuple[str | None, ...] = ()
    tolerate: tuple[Tolerate, ...] = ()
    known_values: tuple[Known, ...] = ()  # x-deskkit-known-values: values the page does not list
    known_values_at: str = ""
    default: Fact | None = None
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False
    annotations: dict[str, Fact] = field(default_factory=dict)
    other: dict[str, Fact] = field(default_factory=dict)
    ref: str | None = None  # the component a plain `$ref` names (to match alternatives across files)

    @property
    def nullable(self) -> bool:
        return self.types is None or "null" in self.types

    @property
    def value_types(self) -> frozenset[str] | None:
        return None if self.types is None else self.types - {"null"}


@dataclass(frozen=True)
class Media:
    schema: Key
    at: str


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    schema: Key
    at: str
    style: str
    explode: bool
    deprecated: bool
    known: Known | None = None  # x-deskkit-known: a parameter the page does not document (an annotation)


@dataclass(frozen=True)
class Body:
    required: bool
    content: dict[str, Media]
    at: str


@dataclass(frozen=True)
class Response:
    content: dict[str, Media]
    at: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    at: str
    deprecated: bool
    parameters: dict[tuple[str, str], Parameter]  # (in, name) — path parameters by position, headers lower-case
    body: Body | None
    responses: dict[str, Response]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass(frozen=True)
class Quirk:
    id: str
    summary: str
    scope: str
    evidence: str  # canonical JSON
    at: str


def _default_style(location: str) -> str:
    return "form" if location in ("query", "cookie") else "simple"


class Document:
    """One spec, resolved. :meth:`view` gives the merged :class:`Schema` of a :data:`Key`."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.data = source.spec.data
        self.issues: list[SpecIssue] = []
        self._views: dict[Key, Schema] = {}
        self._expanding: set[str] = set()
        self.quirks = self._quirks()
        self.operations = self._operations()
        components = self.data.get("components", {})
        schemas = components.get("schemas", {}) if isinstance(components, dict) else {}
        self.components: dict[str, Key] = {
            name: (f"/components/schemas/{escape_token(name)}",)
            for name in (schemas if isinstance(schemas, dict) else {})
        }

    # -- quirks ---------------------------------------------------------------------------------------
    @property
    def enum_quirk(self) -> str | None:
        return next((q.id for q in self.quirks.values() if q.scope == "every-enum"), None)

    @property
    def null_quirk(self) -> str | None:
        return next((q.id for q in self.quirks.values() if q.scope == "every-property"), None)

    def _quirks(self) -> dict[str, Quirk]:
        declared = self.data.get("x-deskkit-quirks") or {}
        if not isinstance(declared, dict):
            self._fail("/x-deskkit-quirks", "expected a mapping of quirk id to quirk")
            return {}
        out = {}
        for qid, body in declared.items():
            at = f"/x-deskkit-quirks/{escape_token(str(qid))}"
            if not isinstance(body, dict):
                self._fail(at, "expected a mapping with summary, scope and evidence")
                continue
            out[str(qid)] = Quirk(str(qid), str(body.get("summary", "")), str(body.get("scope", "")),
                                  canonical(body.get("evidence", [])), at)
        return out

    # -- operations -----------------------------------------------------------------------------------
    def _operations(self) -> dict[tuple[str, str], Operation]:
        """Operations by (method, path with its parameter names blanked): renaming a path parameter keeps
        the operation, as in oasdiff's endpoint matching."""
        paths = self.data.get("paths") or {}
        out: dict[tuple[str, str], Operation] = {}
        for path, item in paths.items() if isinstance(paths, dict) else ():
            item, base = self._deref_object(item, f"/paths/{escape_token(str(path))}")
            if item is None:
                continue
            shared = item.get("parameters", [])  # path-level parameters; an operation's own override them
            for method in METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                at = f"{base}/{method}"
                params = self._parameters(str(path), shared, f"{base}/parameters")
                params.update(self._parameters(str(path), op.get("parameters", []), f"{at}/parameters"))
                body = self._body(op.get("requestBody"), f"{at}/requestBody")
                responses = {}
                raw_responses = op.get("responses") or {}
                if not isinstance(raw_responses, dict):
                    self._fail(f"{at}/responses", "expected a mapping of status to response")
                    raw_responses = {}
                for status, resp in raw_responses.items():
                    resolved, resp_at = self._deref_object(resp, f"{at}/responses/{escape_token(str(status))}")
                    if resolved is not None:
                        responses[str(status)] = Response(self._content(resolved, resp_at), resp_at)
                out[(method, _PATH_PARAM.sub("{}", str(path)))] = Operation(
                    method, str(path), str(op.get("operationId", "")), at, bool(op.get("deprecated")), params,
                    body, responses)
        return out

    def _parameters(self, path: str, raw: Any, at: str) -> dict[tuple[str, str], Parameter]:
        out = {}
        names = [m.group(0)[1:-1] for m in _PATH_PARAM.finditer(path)]
        for index, item in enumerate(raw if isinstance(raw, list) else []):
            param, p_at = self._deref_object(item, f"{at}/{index}")
            if param is None:
                continue
            name, location = str(param.get("name", "")), str(param.get("in", ""))
            schema_key = self._schema_key(param, p_at)
            style = str(param.get("style") or _default_style(location))
            explode = bool(param.get("explode", style == "form"))
            key = (location, name.lower() if location == "header" else name)
            if location == "path" and name in names:
                key = ("path", str(names.index(name)))
            marker = param.get("x-deskkit-known")
            known = self._known(marker, f"{p_at}/x-deskkit-known") if marker is not None else None
            out[key] = Parameter(name, location, bool(param.get("required")), schema_key, p_at, style, explode,
                                 bool(param.get("deprecated")), known)
        return out

    def _body(self, raw: Any, at: str) -> Body | None:
        if raw is None:
            return None
        body, at = self._deref_object(raw, at)
        if body is None:
            return None
        return Body(bool(body.get("required")), self._content(body, at), at)

    def _content(self, holder: dict[str, Any], at: str) -> dict[str, Media]:
        content = holder.get("content") or {}
        if not isinstance(content, dict):
            self._fail(f"{at}/content", "expected a mapping of media type to media type object")
            return {}
        out = {}
        for media, body in content.items():
            m_at = f"{at}/content/{escape_token(str(media))}"
            out[str(media)] = Media(self._schema_key(body, m_at), m_at)
        return out

    def _schema_key(self, holder: Any, at: str) -> Key:
        """The schema a parameter or media type holds; none (ANY) when it gives none."""
        if not isinstance(holder, dict) or "schema" not in holder:
            return ANY
        if not isinstance(holder["schema"], dict | bool):
            self._fail(f"{at}/schema", "expected a schema (a mapping)")
            return ANY
        return (f"{at}/schema",)

    # -- references -----------------------------------------------------------------------------------
    def _fail(self, pointer: str, message: str) -> None:
        self.issues.append(self.source.spec.issue(pointer, message))

    def _ref_pointer(self, ref: Any, at: str) -> str | None:
        """The pointer a local ``$ref`` names, or None (and an issue) when it names nothing in this file."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            self._fail(at, f"only references inside the spec (#/...) are supported; found {ref!r}")
            return None
        pointer = ref[1:]
        if self.resolve(pointer) is None:
            self._fail(at, f"{ref!r} names nothing in this spec")
            return None
        return pointer

    def resolve(self, pointer: str) -> Any:
        """The data at ``pointer`` (RFC 6901), or None."""
        node: Any = self.data
        if pointer == "":
            return node
        for token in pointer[1:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

    def _deref_object(self, raw: Any, at: str) -> tuple[dict[str, Any] | None, str]:
        """A mapping and where it is written, following ``$ref`` (parameters, bodies, responses, path items)."""
        seen = set()
        while isinstance(raw, dict) and "$ref" in raw:
            target = self._ref_pointer(raw["$ref"], f"{at}/$ref")
            if target is None or target in seen:
                if target is not None:
                    self._fail(f"{at}/$ref", "circular $ref")
                return None, at
            seen.add(target)
            raw, at = self.resolve(target), target
        if not isinstance(raw, dict):
            self._fail(at, "expected a mapping")
            return None, at
        return raw, at

    # -- schemas --------------------------------------------------------------------------------------
    def pieces(self, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The pieces one schema is made of: itself, its ``$ref`` target and its ``allOf`` members (each
        with the pointer where it is written), in order."""
        raw = self.resolve(pointer)
        if isinstance(raw, bool):
            yield pointer, ({} if raw else {"not": {}})
            return
        if not isinstance(raw, dict):
            self._fail(pointer, "expected a schema (a mapping)")
            return
        if pointer in self._expanding:
            self._fail(pointer, "circular $ref/allOf: the schema includes itself without a property between")
            return
        self._expanding.add(pointer)
        try:
            if "$ref" in raw:
                target = self._ref_pointer(raw["$ref"], f"{pointer}/$ref")
                if target is not None:
                    yield from self.pieces(target)
            members = raw.get("allOf", [])
            if not isinstance(members, list):
                self._fail(f"{pointer}/allOf", "expected a list of schemas")
                members = []
            for index in range(len(members)):
                yield from self.pieces(f"{pointer}/allOf/{index}")
            yield pointer, raw
        finally:
            self._expanding.discard(pointer)

    def _pure_ref_end(self, pointer: str) -> str | None:
        """Where a chain of ``{$ref: X}`` (nothing beside the ``$ref``) from ``pointer`` ends; None when
        ``pointer`` is no such piece, or the chain loops, names nothing or is being expanded (the long way
        reports each of those where it is)."""
        end, seen = None, set()
        while True:
            raw = self.resolve(pointer)
            ref = raw.get("$ref") if isinstance(raw, dict) and len(raw) == 1 else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                return end
            if pointer in seen or pointer in self._expanding or self.resolve(ref[1:]) is None:
                return None
            seen.add(pointer)
            pointer = end = ref[1:]

    def view(self, key: Key) -> Schema:
        """The merged schema of ``key`` (memoized)."""
        known = self._views.get(key)
        if known is not None:
            return known
        end = self._pure_ref_end(key[0]) if len(key) == 1 else None
        if end is not None:  # `{$ref: X}` and nothing else: X's view where it is used (X merged once, not per use)
            shared = replace(self.view((end,)), key=key, at=key[0],
                             ref=self.resolve(key[0])["$ref"].rsplit("/", 1)[-1])
            self._views[key] = shared
            return shared
        schema = Schema(key, key[0] if key else "")
        self._views[key] = schema
        pieces = [piece for pointer in key for piece in self.pieces(pointer)]
        for at, raw in pieces:
            self._merge(schema, at, raw)
        if len(key) == 1:
            raw = self.resolve(key[0])
            if isinstance(raw, dict) and isinstance(raw.get("$ref"), str) and not set(raw) & (_READ - {
                    "$ref", *ANNOTATIONS, "x-deskkit-tolerate", "$comment", "deprecated"}):
                schema.ref = raw["$ref"].rsplit("/", 1)[-1]
        self._fold_null_alternative(schema)
        return schema

    def _fold_null_alternative(self, schema: Schema) -> None:
        """``oneOf: [X, {type: "null"}]`` is X made nullable (one of the three spellings of nullability)."""
        nulls = [k for k in schema.variants if self.view(k).types == frozenset({"null"})]
        if not nulls:
            return
        rest = tuple(k for k in schema.variants if k not in nulls)
        refs = tuple(r for k, r in zip(schema.variants, schema.variant_refs, strict=True) if k not in nulls)
        schema.variants, schema.variant_refs = rest, refs
        if len(rest) == 1:  # a single alternative left: it is the schema
            only = self.view(rest[0])
            schema.variants, schema.variant_refs, schema.variant_kind = (), (), None
            for piece_at, raw in [p for pointer in rest[0] for p in self.pieces(pointer)]:
                self._merge(schema, piece_at, raw)
            schema.ref = schema.ref or only.ref
        schema.types = None if schema.types is None else schema.types | {"null"}

    def _merge(self, s: Schema, at: str, raw: dict[str, Any]) -> None:
        """Add what one piece says to ``s`` (pieces are combined as ``allOf``: every one applies)."""
        if "type" in raw or raw.get("nullable") is True:
            self._merge_types(s, at, raw)
        if "format" in raw and s.format is None:
            s.format = Fact(raw["format"], f"{at}/format")
        if "enum" in raw:
            values = raw["enum"]
            if not isinstance(values, list):
                self._fail(f"{at}/enum", "expected a list")
            else:
                facts = tuple(Fact(v, f"{at}/enum/{i}") for i, v in enumerate(values))
                if s.enum is not None:  # two enumerations: only values both allow
                    allowed = {canonical(f.value) for f in facts}
                    facts = tuple(f for f in s.enum if canonical(f.value) in allowed)
                else:
                    s.enum_at = f"{at}/enum"
                s.enum = facts
        if "const" in raw and s.const is None:
            s.const = Fact(raw["const"], f"{at}/const")
        for word in (*LOWER, *UPPER, "multipleOf"):
            if word in raw:
                self._merge_bound(s, word, raw[word], f"{at}/{escape_token(word)}")
        if raw.get("uniqueItems") is True:
            s.bounds.setdefault("uniqueItems", Fact(True, f"{at}/uniqueItems"))
        if "pattern" in raw:
            s.patterns = (*s.patterns, Fact(raw["pattern"], f"{at}/pattern"))
        self._merge_object(s, at, raw)
        if "items" in raw:
            if isinstance(raw["items"], dict | bool):
                s.items = (*(s.items or ()), f"{at}/items")
                s.items_at = s.items_at or f"{at}/items"
            else:
                self._fail(f"{at}/items", "expected a schema")
        for kind in ("oneOf", "anyOf"):
            if kind in raw:
                self._merge_variants(s, kind, at, raw[kind])
        self._merge_tolerate(s, at, raw.get("x-deskkit-tolerate"))
        if "x-deskkit-known-values" in raw:
            self._merge_known_values(s, f"{at}/x-deskkit-known-values", raw["x-deskkit-known-values"])
        if "default" in raw:
            s.default = Fact(raw["default"], f"{at}/default")
        s.deprecated = s.deprecated or raw.get("deprecated") is True
        s.read_only = s.read_only or raw.get("readOnly") is True
        s.write_only = s.write_only or raw.get("writeOnly") is True
        for word in ANNOTATIONS:
            if word in raw:
                s.annotations[word] = Fact(raw[word], f"{at}/{escape_token(word)}")
        for word, value in raw.items():
            if word not in _READ and not str(word).startswith("x-"):
                s.other[str(word)] = Fact(canonical(value), f"{at}/{escape_token(str(word))}")
        if not s.at:
            s.at = at

    def _merge_types(self, s: Schema, at: str, raw: dict[str, Any]) -> None:
        declared = raw.get("type")
        names = declared if isinstance(declared, list) else [declared] if declared is not None else None
        if names is not None and not all(isinstance(n, str) and n in JSON_TYPES for n in names):
            self._fail(f"{at}/type", f"expected a JSON type or a list of them; found {declared!r}")
            return
        if names is None:  # `nullable: true` alone adds null to whatever the other pieces say
            if s.types is not None:
                s.types = s.types | {"null"}
            return
        types = frozenset(names) | ({"null"} if raw.get("nullable") is True else set())
        s.types = types if s.types is None else intersect(s.types, types)
        s.type_at = s.type_at or f"{at}/type"

    def _merge_bound(self, s: Schema, word: str, value: Any, at: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._fail(at, f"expected a number; found {value!r}")
            return
        if value == 0 and word in _COUNTS:  # at least 0 characters, items or properties: no bound at all
            return
        known = s.bounds.get(word)
        tighter = (known is None or (value > known.value if word in LOWER else value < known.value)
                   if word != "multipleOf" else known is None)
        if tighter:
            s.bounds[word] = Fact(value, at)

    def _merge_object(self, s: Schema, at: str, raw: dict[str, Any]) -> None:
        props = raw.get("properties", {})
        if not isinstance(props, dict):
            self._fail(f"{at}/properties", "expected a mapping of property name to schema")
            props = {}
        for name in props:
            p_at = f"{at}/properties/{escape_token(str(name))}"
            known = s.properties.get(str(name))
            marker = props[name].get("x-deskkit-known") if isinstance(props[name], dict) else None
            mark = self._known(marker, f"{p_at}/x-deskkit-known") if marker is not None else None
            s.properties[str(name)] = Prop((*known.key, p_at), known.at, known.known or mark) if known \
                else Prop((p_at,), p_at, mark)
        required = raw.get("required", [])
        if not isinstance(required, list):
            self._fail(f"{at}/required", "expected a list of property names")
            required = []
        for index, name in enumerate(required):
            s.required.setdefault(str(name), f"{at}/required/{index}")
        if "additionalProperties" in raw:
            extra, e_at = raw["additionalProperties"], f"{at}/additionalProperties"
            if extra is False or s.additional is False:
                s.additional, s.additional_at = False, s.additional_at if s.additional is False else e_at
            elif isinstance(extra, dict):
                s.additional = (*(s.additional if isinstance(s.additional, tuple) else ()), e_at)
                s.additional_at = s.additional_at or e_at
            elif extra is not True:
                self._fail(e_at, "expected true, false or a schema")

    def _merge_variants(self, s: Schema, kind: str, at: str, raw: Any) -> None:
        if not isinstance(raw, list):
            self._fail(f"{at}/{kind}", "expected a list of schemas")
            return
        if s.variant_kind is not None:
            self._fail(f"{at}/{kind}", f"deskkit diff reads one oneOf/anyOf per schema; {s.variants_at} has one")
            return
        s.variant_kind, s.variants_at = kind, f"{at}/{kind}"
        s.variants = tuple((f"{at}/{kind}/{i}",) for i in range(len(raw)))
        s.variant_refs = tuple(
            v["$ref"].rsplit("/", 1)[-1] if isinstance(v, dict) and isinstance(v.get("$ref"), str) else None
            for v in raw)

    def _merge_tolerate(self, s: Schema, at: str, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, list):
            self._fail(f"{at}/x-deskkit-tolerate", "expected a list of tolerated shapes")
            return
        found = []
        for index, entry in enumerate(raw):
            e_at = f"{at}/x-deskkit-tolerate/{index}"
            if not isinstance(entry, dict):
                self._fail(e_at, "expected a mapping with quirk and shape or schema")
                continue
            schema = (f"{e_at}/schema",) if isinstance(entry.get("schema"), dict) else None
            shape = entry.get("shape")
            found.append(Tolerate(str(entry.get("quirk", "")), None if shape is None else str(shape), schema, e_at))
        s.tolerate = (*s.tolerate, *found)

    def _known(self, raw: Any, at: str, extra: tuple[str, ...] = ()) -> Known | None:
        """One known-off-the-page declaration ({level, evidence, ...}); None (and an issue) when malformed.
        A marker on a component schema is not read: the properties holding it carry their own."""
        if not isinstance(raw, dict) or raw.get("level") not in ("sdk", "captures"):
            self._fail(at, "expected a mapping with level (sdk or captures) and evidence")
            return None
        return Known(str(raw["level"]), canonical([raw.get("evidence"), *(raw.get(k) for k in extra)]), at,
                     raw.get("value"))

    def _merge_known_values(self, s: Schema, at: str, raw: Any) -> None:
        if not isinstance(raw, list):
            self._fail(at, "expected a list of {value, level, evidence}")
            return
        found = [self._known(entry, f"{at}/{index}", ("name", "description")) for index, entry in enumerate(raw)]
        s.known_values = (*s.known_values, *(k for k in found if k is not None))
        s.known_values_at = s.known_values_at or at

    # -- the whole document ---------------------------------------------------------------------------
    def children(self, schema: Schema) -> Iterable[Key]:
        yield from (p.key for p in schema.properties.values())
        if schema.items is not None:
            yield schema.items
        if isinstance(schema.additional, tuple):
            yield schema.additional
        yield from schema.variants
        yield from (t.schema for t in schema.tolerate if t.schema is not None)

    def roots(self) -> Iterable[Key]:
        for op in self.operations.values():
            yield from (p.schema for p in op.parameters.values())
            if op.body is not None:
                yield from (m.schema for m in op.body.content.values())
            for response in op.responses.values():
                yield from (m.schema for m in response.content.values())
        yield from self.components.values()

    def check(self) -> Document:
        """Resolve every schema the spec can reach, once; raise :class:`SpecError` listing what is wrong."""
        stack, seen = list(self.roots()), set()
        while stack:
            key = stack.pop()
            if key in seen:
                continue
            seen.add(key)
            stack.extend(self.children(self.view(key)))
        if self.issues:
            unique = {(i.pointer, i.message): i for i in self.issues}
            raise SpecError(sorted(unique.values(), key=lambda i: (i.line or 0, i.pointer)))
        return self


def covers(types: frozenset[str], name: str) -> bool:
    """Whether a value of JSON type ``name`` is among ``types`` (an integer is a number)."""
    return name in types or (name == "integer" and "number" in types)


def intersect(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    return frozenset({t for t in a if covers(b, t)} | {t for t in b if covers(a, t)})
