"""What ``models.py.j2`` and ``enums.py.j2`` print: annotations, inline checks, use-site descriptors.

Every function is a small pure function of the IR, so the parsers' decisions are unit-tested without Jinja.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .ir import DATE_TIME_REST, FORMAT_PATTERNS, Api, EnumDef, Field, Parameter, Scalar, Tolerance, TypeRef, walk
from .pyfmt import pyrepr, sort_all

# The Python type(s) a JSON type arrives as from json.loads, for the parser's dispatch.
_RUNTIME_TYPE = {"string": "str", "integer": "int", "number": "(int, float)", "boolean": "bool",
                 "array": "list", "object": "dict"}
_PY_SCALAR = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
#: The runtime function checking each format (see _runtime.FORMATS).
FORMAT_CHECKS = {"date-time": "is_date_time", "date": "is_date", "uuid": "is_uuid", "ipv4": "is_ipv4",
                 "ipv6": "is_ipv6", "email": "is_email", "uri": "is_uri"}


def py_type(t: TypeRef) -> str:
    """The annotation of a parsed value of type ``t``; enum fields also hold unknown strings."""
    if t.kind == "scalar":
        if t.enum is not None:
            base = f"{t.enum.name} | str"
        elif t.const is not None and type(t.const[0]) in (str, int, bool):
            base = f"Literal[{pyrepr(t.const[0])}]"
        else:
            base = _PY_SCALAR[t.json_type]
    elif t.kind == "model":
        base = t.name
    elif t.kind == "array":
        base = f"list[{py_type(t.items)}]"
    elif t.kind == "map":
        base = f"dict[str, {py_type(t.values)}]"
    else:
        base = " | ".join(dict.fromkeys(py_type(v) for v in t.variants))
    return _union([base, "None"]) if t.nullable else base


def _members(annotation: str) -> list[str]:
    """The members of a union annotation, split at its top level (not inside ``list[...]``)."""
    out, depth, start = [], 0, 0
    for index, char in enumerate(annotation):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0 and annotation.startswith(" | ", index):
            out.append(annotation[start:index])
            start = index + 3
    return [*out, annotation[start:]]


def _union(parts: list[str]) -> str:
    """``parts`` as one union, each member once, ``None`` last (as ruff and readers expect)."""
    names = list(dict.fromkeys(member for part in parts for member in _members(part)))
    return " | ".join([n for n in names if n != "None"] + (["None"] if "None" in names else []))


def annotation(f: Field) -> str:
    """The field's annotation: what the parser can leave there. A required property is never UNSET, and
    holds ``None`` only where the spec makes it nullable (a quirk tolerates null only where absence is allowed)."""
    parts = [py_type(f.type)]
    parts += [py_type(t.type) for t in f.tolerances if t.shape == "alternative"]
    if not f.required:
        parts.append("Unset")
    if f.type.null_quirk is not None:
        parts.append("None")
    return _union(parts)


def check_fails(t: Scalar, var: str) -> str:
    """The inline fast-path test that ``var`` breaks scalar ``t`` (enums are tested by lookup)."""
    if t.const is not None:
        value = t.const[0]
        if type(value) is str:
            return f"{var} != {pyrepr(value)}"
        if type(value) is bool:
            return f"{var} is not {value!r}"
        return f"not json_equal({var}, {value!r})"
    if t.json_type == "string":
        tests = [f"type({var}) is str"]
        if t.min_length is not None or t.max_length is not None:
            if t.max_length is None:  # (not ``1 <= len(v)``: the value on the left, as people write it)
                tests.append(f"len({var}) >= {t.min_length}")
            else:
                low = f"{t.min_length} <= " if t.min_length is not None else ""
                tests.append(f"{low}len({var}) <= {t.max_length}")
        if day_pattern(t) is not None:  # the quick regex first: the full check only for days 29 to 31
            tests.append(f"(_DT_{t.site}.match({var}) is not None or (_RE_{t.site}.search({var}) is not None"
                         f" and is_date_time({var})))")
        else:
            if t.pattern is not None:
                tests.append(f"_RE_{t.site}.search({var}) is not None")
            if t.format is not None:
                tests.append(f"{FORMAT_CHECKS[t.format]}({var})")
    elif t.json_type == "boolean":
        tests = [f"type({var}) is bool"]
    elif t.json_type == "integer":
        tests = [f"(type({var}) is int or (type({var}) is float and {var}.is_integer()))"]
    else:
        tests = [f"(type({var}) is int or type({var}) is float)"]
    for bound, op in ((t.minimum, ">="), (t.maximum, "<="), (t.exclusive_minimum, ">"), (t.exclusive_maximum, "<")):
        if bound is not None:
            tests.append(f"{var} {op} {bound!r}")
    if t.multiple_of is not None:
        tests.append(f"is_multiple({var}, {t.multiple_of!r})")
    if len(tests) == 1 and tests[0].startswith("type("):
        return tests[0].replace(" is ", " is not ", 1)
    if len(tests) == 1:
        return f"not {tests[0]}"
    return f"not ({' and '.join(tests)})"


#: The start of a date-time whose day every month has: with the site's pattern, enough for the format check.
DAY = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])[Tt]"


#: The date-time format's pattern with :data:`DAY` for its date: what ``(?=DAY)(?:<the format's pattern>)``
#: matches, in one pass (a fifth faster: the date is not read twice; each date-time of a payload costs one).
DAY_DATE_TIME = DAY + DATE_TIME_REST


def day_pattern(t: Scalar) -> str | None:
    """A date-time site's pattern and :data:`DAY` as one regex (``_DT_<site>``), matched at the start: it
    matches only where both do, so it is enough for both checks (the calendar arithmetic of
    ``is_date_time`` is needed only for days 29 to 31). None when the pattern sets flags for the whole
    regex, or the site is not a plain date-time."""
    if (t.kind != "scalar" or t.format != "date-time" or t.pattern is None or t.const is not None
            or t.enum is not None or re.match(r"\(\?[aiLmsux]+\)", t.pattern)):
        return None
    if t.pattern == FORMAT_PATTERNS["date-time"]:  # the format's own pattern (no other given in the spec)
        return DAY_DATE_TIME
    return rf"(?={DAY})(?:{t.pattern})"


def type_test(var: str, json_type: str) -> str:
    """An expression true when decoded ``var`` has JSON type ``json_type`` (a tolerated shape's type)."""
    runtime = _RUNTIME_TYPE[json_type]
    return f"type({var}) in {runtime}" if runtime.startswith("(") else f"type({var}) is {runtime}"


def shape_test(tol: Tolerance, var: str) -> str:
    """True when decoded ``var`` has the tolerated shape ``tol`` (the parsers try each before the documented
    type): a one-item array, or the alternative's JSON type."""
    if tol.shape == "single-item-list":
        return f"type({var}) is list and len({var}) == 1"
    return type_test(var, tol.type.json_type)


def json_type_test(var: str, json_type: str) -> str:
    """An expression true when ``var`` is of JSON type ``json_type`` as JSON Schema counts (1.0 is an integer,
    true is not a number): how a union of scalars picks its variant."""
    if json_type == "integer":
        return f"(type({var}) is int or (type({var}) is float and {var}.is_integer()))"
    if json_type == "number":
        return f"type({var}) in (int, float)"
    return type_test(var, json_type)


def is_simple(f: Field) -> bool:
    """A field parsed by one ``if``: an optional, documented, non-enum, non-nullable scalar without tolerated
    shapes (a relaxation is checked on the failure path)."""
    return (f.type.kind == "scalar" and f.type.enum is None and not f.shapes and not f.required
            and not f.type.nullable and f.known is None)


def ptr_expr(base: str, suffix: str) -> str:
    """A Python expression for a JSON Pointer: ``base`` (an expression) plus a literal suffix."""
    return f"{base} + {pyrepr(suffix)}" if suffix else base


def leaf_model(f: Field) -> str:
    """The model a flattened view of ``f`` yields (the one model inside its lists and maps)."""
    leaf = [t for t in walk(f.type)][-1]
    return leaf.name if leaf.kind == "model" else "Any"


def ordered_sites(api: Api) -> list[TypeRef]:
    """Every use-site, inner ones (items, values, variants, the wider sites of a relaxation) before the sites
    that refer to them."""
    every = {t.site: t for t in api.sites()}
    out: dict[str, TypeRef] = {}

    def add(t: TypeRef) -> None:
        for inner in reversed(list(walk(t))):
            if isinstance(inner, Scalar):
                for _, wider in inner.relaxed:
                    if wider not in out:
                        add(every[wider])
            out.setdefault(inner.site, inner)

    for t in every.values():
        add(t)
    return list(out.values())


def site_expr(t: TypeRef) -> str:
    """The ``Site(...)`` constructor of use-site ``t``: its one runtime descriptor."""
    args = [pyrepr(t.json_type), pyrepr(t.rule)]
    named: dict[str, Any] = {"nullable": t.nullable or None, "null_quirk": t.null_quirk}
    if t.kind == "model":
        named["model"] = t.name
    elif t.kind == "array":
        args.append(f"items=_S_{t.items.site}")
        named |= {"min_items": t.min_items, "max_items": t.max_items, "unique_items": t.unique_items or None}
    elif t.kind == "map":
        args.append(f"values=_S_{t.values.site}")
    elif t.kind == "union":
        args.append("variants=(" + "".join(f"_S_{v.site}, " for v in t.variants).rstrip(" ") + ")")
        named |= {"discriminator": t.discriminator, "tags": t.tags or None}
    else:
        if t.enum is not None:
            args.append(f"enum={t.enum.name}")
            if t.enum.known_members:
                args.append(f"known_values=_KV_{t.enum.name}")
        if t.relaxed:
            args.append("relaxed=(" + "".join(f"({pyrepr(q)}, _S_{wider}), " for q, wider in t.relaxed).rstrip(" ")
                        + ")")
        if t.pattern is not None:
            args.append(f"pattern=_RE_{t.site}")
        if day_pattern(t) is not None:
            args.append(f"day=_DT_{t.site}")
        named |= {"format": t.format, "min_length": t.min_length, "max_length": t.max_length,
                  "minimum": t.minimum, "maximum": t.maximum, "exclusive_minimum": t.exclusive_minimum,
                  "exclusive_maximum": t.exclusive_maximum, "multiple_of": t.multiple_of, "const": t.const,
                  "hint": t.hint, "enum_quirk": t.enum_quirk}
    args += [f"{name}={pyrepr(value)}" for name, value in named.items() if value is not None]
    call = ", ".join(args)
    if len(call) <= 80 and "\n" not in call:
        return f"Site({call})"
    return "Site(\n" + "".join(f"    {arg},\n" for arg in args) + ")"


def known_values(enum: EnumDef) -> str:
    """The ``(wire value, level)`` pairs of an enumeration's values known off the page, as a tuple literal."""
    pairs = [pyrepr((m.value, m.known.level)) for m in enum.known_members if m.known is not None]
    flat = "(" + ", ".join(pairs) + ("," if len(pairs) == 1 else "") + ")"
    if len(flat) <= 70:
        return flat
    return "(\n" + "".join(f"    {pair},\n" for pair in pairs) + ")"


def parameter_expr(p: Parameter) -> str:
    """The ``Parameter(...)`` record of an operation's parameter."""
    args = [pyrepr(p.name), pyrepr(p.location), f"_S_{p.type.site}"]
    if p.required:
        args.append("required=True")
    if p.explode:
        args.append("explode=True")
    args.append(f"py_name={pyrepr(p.py_name)}")
    return f"Parameter({', '.join(args)})"


def runtime_imports(api: Api) -> str:
    """The names models.py takes from ``_runtime``: the fixed ones and those only some specs need."""
    names = {"Operation", "Prop", "Site"}
    if api.models:
        names |= {"UNSET", "Context", "Finding", "Model", "Unset", "dump"}
    if api.tolerances:
        names.add("Tolerance")
    if any(m.off_page for m in api.models):
        names.add("Known")
    if any(f.flatten for m in api.models for f in m.fields):
        names.add("flatten")
    if any(h.kind == "map" for h in api.helpers()):
        names.add("escape")
    sites = [t for m in api.models for t in m.sites()]  # parameter sites are checked by Site.problem
    if api.enums:
        names.add("members")
    if any(op.parameters for op in api.operations):
        names.add("Parameter")
    if any(op.pagination for op in api.operations):
        names.add("Pagination")
    for t in sites:
        if t.kind == "scalar":
            if t.format is not None:
                names.add(FORMAT_CHECKS[t.format])
            if t.multiple_of is not None:
                names.add("is_multiple")
            if t.const is not None and type(t.const[0]) in (int, float):
                names.add("json_equal")
    return "".join(f"    {name},\n" for name in sort_all(list(names)))


def typing_imports(api: Api) -> str:
    names = ["Any", "Final"] if api.models else ["Final"]  # Any: the parsers' signatures
    if any(t.kind == "scalar" and t.const is not None and type(t.const[0]) in (str, int, bool)
           for m in api.models for t in m.sites()):
        names.append("Literal")
    return ", ".join(names)


FILTERS: dict[str, Callable[..., Any]] = {
    "py_type": py_type, "annotation": annotation, "check_fails": check_fails, "type_test": type_test,
    "json_type_test": json_type_test, "site_expr": site_expr, "leaf_model": leaf_model,
    "parameter_expr": parameter_expr, "known_values": known_values, "day_pattern": day_pattern,
}
GLOBALS: dict[str, Callable[..., Any]] = {"ptr_expr": ptr_expr, "is_simple": is_simple, "ordered_sites": ordered_sites,
                                          "shape_test": shape_test,
                                          "runtime_imports": runtime_imports, "typing_imports": typing_imports}
