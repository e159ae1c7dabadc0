"""What ``client.py.j2`` prints: each operation's method signature, argument map and return type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import naming
from .ir import Api, Operation, Parameter, Scalar
from .pyfmt import pyrepr

_PY_SCALAR = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def scalar_arg_type(t: Scalar) -> str:
    """What a caller may pass for a scalar: its Python type, an enum member or one of its literal values."""
    if t.enum is not None:
        return f"{t.enum.name} | Literal[{', '.join(pyrepr(v) for v in t.enum.values)}]"
    if t.const is not None and type(t.const[0]) in (str, int, bool):
        return f"Literal[{pyrepr(t.const[0])}]"
    return _PY_SCALAR[t.json_type]


def arg_type(p: Parameter) -> str:
    """A parameter's annotation (a list or tuple for an array, never a bare string)."""
    t = p.type
    if isinstance(t, Scalar):
        return scalar_arg_type(t)
    assert isinstance(t.items, Scalar)
    item = scalar_arg_type(t.items)
    item = f"({item})" if " | " in item else item
    return f"list[{item}] | tuple[{item}, ...]"


def signature(op: Operation) -> list[str]:
    """The method's parameters after ``self``: path parameters positional, the rest keyword-only."""
    out = [f"{p.py_name}: {arg_type(p)}" for p in op.parameters if p.location == "path"]
    out.append("*")
    others = [p for p in op.parameters if p.location != "path"]
    out += [f"{p.py_name}: {arg_type(p)}" for p in others if p.required]
    if op.body is not None and op.body_required:
        out.append(f"{op.body_arg}: {op.body} | dict[str, Any]")
    out += [f"{p.py_name}: {arg_type(p)} | None = None" for p in others if not p.required]
    if op.body is not None and not op.body_required:
        out.append(f"{op.body_arg}: {op.body} | dict[str, Any] | None = None")
    out.append("tolerant: bool = False")
    return out


def call_args(op: Operation, overrides: dict[str, str] | None = None) -> list[str]:
    """The arguments of a call to the operation's own method (the page iterator's), by name."""
    overrides = overrides or {}
    out = [p.py_name for p in op.parameters if p.location == "path"]
    out += [f"{p.py_name}={overrides.get(p.py_name, p.py_name)}" for p in op.parameters if p.location != "path"]
    if op.body is not None:
        out.append(f"{op.body_arg}={op.body_arg}")
    out.append("tolerant=tolerant")
    return out


def values_expr(op: Operation) -> str:
    """The ``{argument name: argument}`` map the request is built from (keyed by the argument, unique in the
    method: a path and a query parameter may share a wire name)."""
    if not op.parameters:
        return "{}"
    flat = "{" + ", ".join(f"{pyrepr(p.py_name)}: {p.py_name}" for p in op.parameters) + "}"
    if len(flat) <= 60:
        return flat
    return "{\n" + "".join(f"            {pyrepr(p.py_name)}: {p.py_name},\n" for p in op.parameters) + "        }"


def op_const(op: Operation) -> str:
    return f"_{op.py_name.upper()}"


def client_models(api: Api) -> list[str]:
    """The models client.py names in annotations: responses, bodies, page items."""
    names: set[str] = set()
    for op in api.operations:
        names.update(r.model for r in op.success_responses if r.model)
        if op.body:
            names.add(op.body)
        if op.pagination:
            names.add(op.pagination.item_model)
    return sorted(names)


def client_enums(api: Api) -> list[str]:
    names: set[str] = set()
    for op in api.operations:
        for p in op.parameters:
            t = p.type if isinstance(p.type, Scalar) else p.type.items
            if isinstance(t, Scalar) and t.enum is not None:
                names.add(t.enum.name)
    return sorted(names)


def needs_literal(api: Api) -> bool:
    return any("Literal[" in arg_type(p) for op in api.operations for p in op.parameters)


def needs_any(api: Api) -> bool:
    return any(op.body is not None for op in api.operations)


FILTERS: dict[str, Callable[..., Any]] = {"snake": naming.snake, "signature": signature, "values_expr": values_expr,
                                          "op_const": op_const, "call_args": call_args}
GLOBALS: dict[str, Callable[..., Any]] = {"client_models": client_models, "client_enums": client_enums,
                                          "needs_literal": needs_literal, "needs_any": needs_any}
