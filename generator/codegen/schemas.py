"""The documented and observed contracts as JSON Schema 2020-12, built from the same IR as the parser.

documented: exactly the tables (unknown fields allowed, as in the parser, unless additionalProperties: false);
            nothing known off the page (x-deskkit-known properties, x-deskkit-known-values); a schema known
            off the page as a whole is under $defs (it validates alone) but no documented property holds it.
observed:   documented, plus at each property its tolerated shapes and ``null`` (when those quirks are
            declared), any string where an enumeration is documented (the every-enum quirk), the values known
            off the page, and the properties known off the page — typed, with their level, and holding any
            value (the page promises nothing there: a value unlike the known one is kept untyped).

Every model is under ``$defs`` (validate any of them with ``{"$ref": "…#/$defs/NAME"}``); the root is the
success body of the spec's first operation. Formats are emitted as ``format`` and checked by validators with
format checking on; date-time and uri also carry a pattern (see :data:`.ir.FORMAT_PATTERNS`).
"""

from __future__ import annotations

from typing import Any

from .ir import Api, ArrayOf, Field, Known, MapOf, Model, ModelRef, Scalar, TypeRef, UnionOf

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _type_schema(t: TypeRef, observed: bool) -> dict[str, Any]:
    out = _plain_schema(t, observed)
    if not t.nullable:
        return out
    if isinstance(t, Scalar) and "enum" not in out and "const" not in out:
        return {**out, "type": [out["type"], "null"]}
    return {"anyOf": [out, {"type": "null"}]}


def _plain_schema(t: TypeRef, observed: bool) -> dict[str, Any]:
    if isinstance(t, ModelRef):
        return {"$ref": f"#/$defs/{t.name}"}
    if isinstance(t, ArrayOf):
        out: dict[str, Any] = {"type": "array", "items": _type_schema(t.items, observed)}
        if t.min_items is not None:
            out["minItems"] = t.min_items
        if t.max_items is not None:
            out["maxItems"] = t.max_items
        if t.unique_items:
            out["uniqueItems"] = True
        return out
    if isinstance(t, MapOf):
        return {"type": "object", "additionalProperties": _type_schema(t.values, observed)}
    if isinstance(t, UnionOf):
        return _union_schema(t, observed)
    return _scalar_schema(t, observed)


def _union_schema(t: UnionOf, observed: bool) -> dict[str, Any]:
    if t.discriminator is None:
        return {t.keyword: [_type_schema(v, observed) for v in t.variants]}
    # Each branch pins the discriminator to its own values, so the branches never overlap: oneOf, anyOf and
    # the parser's dispatch by discriminator agree.
    branches = []
    for index, variant in enumerate(t.variants):
        tags = t.tags_of(index)
        pinned = {"const": tags[0]} if len(tags) == 1 else {"enum": tags}
        branches.append({**_type_schema(variant, observed), "properties": {t.discriminator: pinned},
                         "required": [t.discriminator]})
    return {"type": "object", t.keyword: branches}


def _scalar_schema(t: Scalar, observed: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": t.json_type}
    if t.enum is not None:
        known = [m.value for m in t.enum.known_members]
        if observed and t.enum_quirk is not None:
            also = f"; known off the page: {known}" if known else ""
            out["$comment"] = f"documented: one of {list(t.enum.values)}{also}; any string kept ({t.enum_quirk})"
        elif observed and known:
            out["enum"] = [*t.enum.values, *known]
            out["$comment"] = f"documented: one of {list(t.enum.values)}; known off the page: {known}"
        else:
            out["enum"] = list(t.enum.values)
    if observed and t.examples:
        out["examples"] = [m.value for m in t.examples]
    if t.const is not None:
        out["const"] = t.const[0]
    for key, value in (("minLength", t.min_length), ("maxLength", t.max_length), ("format", t.format),
                       ("pattern", t.pattern), ("minimum", t.minimum), ("maximum", t.maximum),
                       ("exclusiveMinimum", t.exclusive_minimum), ("exclusiveMaximum", t.exclusive_maximum),
                       ("multipleOf", t.multiple_of)):
        if value is not None:
            out[key] = value
    return out


def _known(known: Known) -> dict[str, Any]:
    return {"level": known.level, "evidence": [e.source for e in known.evidence]}


def _field_schema(f: Field, observed: bool) -> dict[str, Any]:
    if f.known is not None:  # observed only: typed, but any value is kept (the page promises nothing)
        out: dict[str, Any] = {"anyOf": [_type_schema(f.type, observed), {
            "$comment": "any other value is kept untyped, as an undocumented field: the page promises nothing here"}]}
        if f.description:
            out["description"] = f.description
        out["x-deskkit-known"] = _known(f.known)
        return out
    documented = _type_schema(f.type, observed)
    shapes = [documented]
    if observed:
        for tol in f.tolerances:
            if tol.shape == "single-item-list":
                shapes.append({"type": "array", "minItems": 1, "maxItems": 1,
                               "items": _type_schema(tol.type, observed), "$comment": f"tolerated: {tol.quirk}"})
            else:
                shapes.append({**_type_schema(tol.type, observed), "$comment": f"tolerated: {tol.quirk}"})
        if f.type.null_quirk is not None:
            shapes.append({"type": "null", "$comment": f"tolerated: {f.type.null_quirk}"})
    out = {"anyOf": shapes} if len(shapes) > 1 else dict(documented)
    if f.description:
        out["description"] = f.description
    if f.default is not None:
        out["default"] = f.default[0]
    return out


def _model_schema(m: Model, observed: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object"}
    if m.description:
        out["description"] = m.description
    if m.known is not None:
        out["x-deskkit-known"] = _known(m.known)
    out["properties"] = {f.wire: _field_schema(f, observed) for f in m.fields if observed or f.known is None}
    required = [f.wire for f in m.fields if f.required]
    if required:
        out["required"] = required
    if m.extra is not None:
        out["additionalProperties"] = _type_schema(m.extra.values, observed)
    elif m.closed:
        out["additionalProperties"] = False
    return out


def _document(api: Api, root: str | None, observed: bool, title: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "$schema": _DIALECT,
        "$comment": f"Generated by deskkit from {api.spec_name} — do not edit.",
        "title": title,
    }
    if root is not None:
        out["$ref"] = f"#/$defs/{root}"
    out["$defs"] = {m.name: _model_schema(m, observed) for m in sorted(api.models, key=lambda m: m.name)}
    return out


def _roots(api: Api) -> tuple[str | None, str | None]:
    """The success and error body models of the spec's first operation (what a capture is judged against
    when nothing says which operation it answers)."""
    if not api.operations:
        return None, None
    first = api.operations[0]
    return (first.success.model if first.success else None), first.error_model


def documented_schema(api: Api) -> dict[str, Any]:
    root = _roots(api)[0]
    return _document(api, root, False, f"{root or api.title} — documented contract")


def observed_schema(api: Api) -> dict[str, Any]:
    root = _roots(api)[0]
    return _document(api, root, True, f"{root or api.title} — observed contract (documented + declared quirks)")


def error_schema(api: Api) -> dict[str, Any]:
    root = _roots(api)[1]
    return _document(api, root, False, f"{root or api.title} — error body")
