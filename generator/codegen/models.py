"""What ``models.py.j2`` and ``enums.py.j2`` print: annotations, inline checks, use-site descriptors.

Every function is a small pure function of the IR, so the parsers' decisions are unit-tested without Jinja.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .ir import Api, Field, Scalar, TypeRef, walk
from .pyfmt import pyrepr

# The Python type(s) a JSON type arrives as from json.loads, for the parser's dispatch.
_RUNTIME_TYPE = {"string": "str", "integer": "int", "number": "(int, float)", "boolean": "bool",
                 "array": "list", "object": "dict"}
_PY_SCALAR = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def py_type(t: TypeRef) -> str:
    """The annotation of a parsed value of type ``t``; enum fields also hold unknown strings."""
    if t.kind == "scalar":
        base = _PY_SCALAR[t.json_type]
        return f"{t.enum.name} | str" if t.enum is not None else base
    if t.kind == "model":
        return t.name
    if t.kind == "array":
        return f"list[{py_type(t.items)}]"
    return f"dict[str, {py_type(t.values)}]"


def annotation(f: Field) -> str:
    """The field's annotation: what the parser can leave there. A required property is never UNSET, and
    holds ``None`` only where a quirk tolerates null (never, for required ones)."""
    parts = [py_type(f.type)]
    parts += [py_type(t.type) for t in f.tolerances if t.shape == "alternative"]
    if not f.required:
        parts.append("Unset")
    if f.type.null_quirk is not None:
        parts.append("None")
    return " | ".join(dict.fromkeys(parts))


def check_fails(t: Scalar, var: str) -> str:
    """The inline fast-path test that ``var`` breaks scalar ``t`` (enums are tested by lookup)."""
    if t.json_type == "string":
        tests = [f"type({var}) is str"]
        if t.min_length is not None or t.max_length is not None:
            low = f"{t.min_length} <= " if t.min_length is not None else ""
            high = f" <= {t.max_length}" if t.max_length is not None else ""
            tests.append(f"{low}len({var}){high}")
        if t.pattern is not None:
            tests.append(f"_RE_{t.site}.search({var}) is not None")
    elif t.json_type == "boolean":
        tests = [f"type({var}) is bool"]
    elif t.json_type == "integer":
        tests = [f"(type({var}) is int or (type({var}) is float and {var}.is_integer()))"]
    else:
        tests = [f"(type({var}) is int or type({var}) is float)"]
    if t.minimum is not None:
        tests.append(f"{var} >= {t.minimum!r}")
    if t.maximum is not None:
        tests.append(f"{var} <= {t.maximum!r}")
    if len(tests) == 1 and tests[0].startswith("type("):
        return tests[0].replace(" is ", " is not ", 1)
    if len(tests) == 1:
        return f"not {tests[0]}"
    return f"not ({' and '.join(tests)})"


def type_test(var: str, json_type: str) -> str:
    """An expression true when decoded ``var`` has JSON type ``json_type``."""
    runtime = _RUNTIME_TYPE[json_type]
    return f"type({var}) in {runtime}" if runtime.startswith("(") else f"type({var}) is {runtime}"


def is_simple(f: Field) -> bool:
    """A field parsed by one ``if``: an optional, untolerated, non-enum scalar."""
    return f.type.kind == "scalar" and f.type.enum is None and not f.tolerances and not f.required


def ptr_expr(base: str, suffix: str) -> str:
    """A Python expression for a JSON Pointer: ``base`` (an expression) plus a literal suffix."""
    return f"{base} + {pyrepr(suffix)}" if suffix else base


def leaf_model(f: Field) -> str:
    """The model a flattened view of ``f`` yields (the one model inside its lists and maps)."""
    leaf = [t for t in walk(f.type)][-1]
    return leaf.name if leaf.kind == "model" else "Any"


def ordered_sites(api: Api) -> list[TypeRef]:
    """Every use-site, inner ones (items, values) before the sites that refer to them."""
    out: dict[str, TypeRef] = {}
    for t in api.sites():
        for inner in reversed(list(walk(t))):
            out.setdefault(inner.site, inner)
    return list(out.values())


def site_expr(t: TypeRef) -> str:
    """The ``Site(...)`` constructor of use-site ``t``: its one runtime descriptor."""
    args = [pyrepr(t.json_type), pyrepr(t.rule)]
    named: dict[str, Any] = {"null_quirk": t.null_quirk}
    if t.kind == "model":
        named["model"] = t.name
    elif t.kind == "array":
        args.append(f"items=_S_{t.items.site}")
        named |= {"min_items": t.min_items, "max_items": t.max_items}
    elif t.kind == "map":
        args.append(f"values=_S_{t.values.site}")
    else:
        if t.enum is not None:
            args.append(f"enum={t.enum.name}")
        if t.pattern is not None:
            args.append(f"pattern=_RE_{t.site}")
        named |= {"format": t.format, "min_length": t.min_length, "max_length": t.max_length,
                  "minimum": t.minimum, "maximum": t.maximum, "hint": t.hint, "enum_quirk": t.enum_quirk}
    args += [f"{name}={pyrepr(value)}" for name, value in named.items() if value is not None]
    call = ", ".join(args)
    if len(call) <= 80 and "\n" not in call:
        return f"Site({call})"
    return "Site(\n" + "".join(f"    {arg},\n" for arg in args) + ")"


FILTERS: dict[str, Callable[..., Any]] = {
    "py_type": py_type, "annotation": annotation, "check_fails": check_fails, "type_test": type_test,
    "site_expr": site_expr, "leaf_model": leaf_model,
}
GLOBALS: dict[str, Callable[..., Any]] = {"ptr_expr": ptr_expr, "is_simple": is_simple, "ordered_sites": ordered_sites}
