"""Render the intermediate model through ``templates/*.j2``; the Python-side decisions templates print.

Every filter here is a small pure function of the IR, so what the templates print can be unit-tested
without Jinja. Spec strings reach generated code only through :func:`pyrepr`, :func:`docstring` or
:func:`comment`, never raw, so a description holding ``\"\"\"`` cannot become code.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from . import naming
from .errors import DeskkitError
from .ir import (
    FORMAT_PATTERNS,
    PY_RUNTIME_TYPE,
    Api,
    ArrayOf,
    Field,
    MapOf,
    ModelRef,
    Operation,
    Scalar,
    Toleration,
    TypeRef,
)
from .schemas import documented_schema, error_model, error_schema, observed_schema, success_model

# Emitted files: template → path inside the package folder.
OUTPUTS: tuple[tuple[str, str], ...] = (
    ("package_init.py.j2", "__init__.py"),
    ("_runtime.py.j2", "_runtime.py"),
    ("enums.py.j2", "enums.py"),
    ("models.py.j2", "models.py"),
    ("strategies.py.j2", "strategies.py"),
    ("client.py.j2", "client.py"),
    ("signing.py.j2", "signing.py"),
    ("py.typed.j2", "py.typed"),
    ("schema.json.j2", "schemas/documented.schema.json"),
    ("schema.json.j2", "schemas/observed.schema.json"),
    ("schema.json.j2", "schemas/error.schema.json"),
)


def pyrepr(value: Any) -> str:
    """A Python literal for ``value``: strings double-quoted (JSON escapes are valid Python), lists."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(pyrepr(item) for item in value) + "]"
    return repr(value)


def pyrepr_wrapped(value: str, indent: int = 4, parens: bool = True, width: int = 96) -> str:
    """A long string literal split into adjacent literals, one chunk per line (in parentheses unless
    it already sits inside a call's)."""
    if len(value) <= width:
        return pyrepr(value)
    pad = " " * indent
    chunks = [pyrepr(value[i:i + width]) for i in range(0, len(value), width)]
    body = "\n" + "".join(f"{pad}    {chunk}\n" for chunk in chunks) + pad
    return f"({body})" if parens else body


def sort_all(names: list[str]) -> list[str]:
    """``__all__`` order as isort/ruff keep it: CONSTANTS, then Classes, then functions."""
    return sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))


def pylist_wrapped(values: list[str], indent: int = 0, width: int = 100) -> str:
    """A list literal of strings, wrapped over lines when long."""
    flat = pyrepr(values)
    if len(flat) <= width - indent:
        return flat
    pad = " " * (indent + 4)
    lines = textwrap.wrap(", ".join(pyrepr(v) for v in values), width=width - indent - 4,
                          break_long_words=False, break_on_hyphens=False)
    return "[\n" + "".join(f"{pad}{line}\n" for line in lines) + " " * indent + "]"


def docstring(text: str, indent: int = 4) -> str:
    """A safe, wrapped triple-quoted docstring body (no closing quotes or escapes can leak)."""
    # Escaping every quote (not just triple ones) also covers a quote next to the closing delimiter.
    text = " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') or "(no description)"
    lines = textwrap.wrap(text, width=110 - indent)
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    pad = " " * indent
    return '"""' + f"\n{pad}".join(lines) + f"\n{pad}" + '"""'


def comment(text: str, indent: int = 4, prefix: str = "#: ") -> str:
    """A description as ``#:`` comment lines (newlines in the spec cannot escape the comment)."""
    text = " ".join(text.split())
    if not text:
        return ""
    pad = " " * indent
    return f"\n{pad}".join(prefix + line for line in textwrap.wrap(text, width=110 - indent - len(prefix)))


def py_type(t: TypeRef) -> str:
    """The annotation of a parsed value of type ``t``; enum fields also hold unknown strings."""
    if isinstance(t, Scalar):
        base = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}[t.json_type]
        return f"{t.enum.name} | str" if t.enum is not None else base
    if isinstance(t, ModelRef):
        return t.name
    if isinstance(t, ArrayOf):
        return f"list[{py_type(t.items)}]"
    return f"dict[str, {py_type(t.values)}]"


def annotation(f: Field, api: Api) -> str:
    parts = [py_type(f.type)]
    parts += [py_type(t.type) for t in f.tolerations if t.shape == "alternative"]
    parts.append("Unset")
    if api.null_quirk is not None:
        parts.append("None")
    return " | ".join(parts)


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


def is_simple(f: Field) -> bool:
    """A field parsed by one ``if``: an optional, untolerated, non-enum scalar."""
    return isinstance(f.type, Scalar) and f.type.enum is None and not f.tolerations and not f.required


def check_args(t: TypeRef) -> str:
    """Constructor arguments of the runtime ``Check`` describing use-site ``t`` (for failure messages)."""
    args = [pyrepr(t.json_type), pyrepr(t.rule)]
    if isinstance(t, Scalar):
        if t.enum is not None:
            args.append(f"enum={t.enum.name}")
        if t.pattern is not None:
            args.append(f"pattern=_RE_{t.site}")
        for name in ("min_length", "max_length", "format", "minimum", "maximum"):
            value = getattr(t, name)
            if value is not None:
                args.append(f"{name}={pyrepr(value)}")
    call = ", ".join(args)
    if len(call) <= 80:
        return call
    return "\n" + "".join(f"    {arg},\n" for arg in args)


def ptr_expr(base: str, suffix: str) -> str:
    """A Python expression for a JSON Pointer: ``base`` (an expression) plus a literal suffix."""
    return f"{base} + {pyrepr(suffix)}" if suffix else base


def quirk_message(tol: Toleration, documented: TypeRef) -> str:
    if tol.shape == "single-item-list":
        return f"a one-item array where the contract has {_a(documented)}"
    return f"{_a(tol.type)} where the contract has {_a(documented)}"


def _a(t: TypeRef) -> str:
    return ("an " if _plain(t, False)[0] in "aeiou" else "a ") + _plain(t, False)


def _plain(t: TypeRef, plural: bool) -> str:
    s = "s" if plural else ""
    if isinstance(t, ModelRef):
        return f"{t.name} object{s}"
    if isinstance(t, ArrayOf):
        return f"array{s} of {_plain(t.items, True)}"
    if isinstance(t, MapOf):
        return f"map{s} of {_plain(t.values, True)}"
    return f"{t.json_type}{s}"


def type_test(var: str, json_type: str) -> str:
    """An expression true when decoded ``var`` has JSON type ``json_type``."""
    runtime = PY_RUNTIME_TYPE[json_type]
    return f"type({var}) in {runtime}" if runtime.startswith("(") else f"type({var}) is {runtime}"


def leaf_model(f: Field) -> str:
    """The model a flattened view of ``f`` yields (the one model inside its lists and maps)."""
    t: TypeRef = f.type
    while isinstance(t, (ArrayOf, MapOf)):
        t = t.items if isinstance(t, ArrayOf) else t.values
    return t.name if isinstance(t, ModelRef) else "Any"


def walk(t: TypeRef) -> Iterator[TypeRef]:
    yield t
    if isinstance(t, ArrayOf):
        yield from walk(t.items)
    elif isinstance(t, MapOf):
        yield from walk(t.values)


def payloads_fn(model: str) -> str:
    """Name of the strategy function for raw payloads of ``model`` (``VolumeDetail`` → ``volume_detail_payloads``)."""
    return f"{naming.snake(model)}_payloads"


def instances_fn(model: str) -> str:
    """Name of the strategy function for typed instances of ``model`` (``desktop_detail_infos``)."""
    name = naming.snake(model)
    return name + ("es" if name.endswith("s") else "s")


def strategy_expr(t: TypeRef, recursive: frozenset[str] = frozenset()) -> str:
    """A Hypothesis expression drawing valid (documented) JSON data for use-site ``t``."""
    if isinstance(t, ModelRef):
        # A model on a reference cycle is deferred; the others are called directly (deferring costs
        # a third of the drawing speed).
        call = f"{payloads_fn(t.name)}()"
        return f"st.deferred(lambda: {call})" if t.name in recursive else call
    if isinstance(t, ArrayOf):
        high = t.max_items if t.max_items is not None else max(2, t.min_items or 0)
        return f"st.lists({strategy_expr(t.items, recursive)}, min_size={t.min_items or 0}, max_size={high})"
    if isinstance(t, MapOf):
        return f"st.dictionaries(TEXT, {strategy_expr(t.values, recursive)}, max_size=2)"
    if t.json_type == "boolean":
        return "st.booleans()"
    if t.json_type in ("integer", "number"):
        bounds = f"min_value={t.minimum!r}, max_value={t.maximum!r}"
        if t.json_type == "integer":
            return f"st.integers({bounds})"
        return f"st.floats({bounds}, allow_nan=False, allow_infinity=False)"
    if t.enum is not None:
        return f"st.sampled_from(_V_{t.enum.name})"
    if t.format is not None and t.format in FORMAT_PATTERNS:
        base = f"FORMATS[{pyrepr(t.format)}]"
    elif t.values is not None:
        base = f"VALUES[{pyrepr(t.values)}]"
    elif t.pattern is not None:
        base = f"patterned(_RE_{t.site}, {t.min_length!r}, {t.max_length!r})"
        return base
    elif t.min_length is not None or t.max_length is not None:
        return f"bounded_text({t.min_length or 0}, {t.max_length!r})"
    else:
        return "TEXT"
    if t.min_length is not None or t.max_length is not None:
        return f"{base}.filter(lambda s: {t.min_length or 0} <= len(s) <= {t.max_length or 10**9})"
    return base


def recursive_models(api: Api) -> frozenset[str]:
    """Models that can reach themselves through their properties (they need lazy strategies)."""
    edges: dict[str, set[str]] = {}
    for model in api.models:
        targets = edges.setdefault(model.name, set())
        for f in model.fields:
            for root in [f.type] + [t.type for t in f.tolerations]:
                targets.update(t.name for t in walk(root) if isinstance(t, ModelRef))

    def reaches(start: str) -> bool:
        seen: set[str] = set()
        stack = list(edges[start])
        while stack:
            name = stack.pop()
            if name == start:
                return True
            if name not in seen:
                seen.add(name)
                stack.extend(edges.get(name, ()))
        return False

    return frozenset(name for name in edges if reaches(name))


def ty_expr(t: TypeRef) -> str:
    """The runtime description of use-site ``t`` that the quirk and mutation walkers read."""
    if isinstance(t, ModelRef):
        return f"Ty({pyrepr(t.json_type)}, model={pyrepr(t.name)})"
    if isinstance(t, ArrayOf):
        return (f"Ty(\"array\", items={ty_expr(t.items)}, min_items={t.min_items!r}, "
                f"max_items={t.max_items!r})")
    if isinstance(t, MapOf):
        return f"Ty(\"object\", values={ty_expr(t.values)})"
    args = [pyrepr(t.json_type)]
    if t.enum is not None:
        args.append(f"enum=_V_{t.enum.name}")
    if t.pattern is not None:
        args.append(f"pattern=_RE_{t.site}")
    for name in ("min_length", "max_length", "minimum", "maximum"):
        value = getattr(t, name)
        if value is not None:
            args.append(f"{name}={value!r}")
    return f"Ty({', '.join(args)})"


def path_expr(op: Operation) -> str:
    """An f-string building the operation's path, each path parameter checked and percent-encoded."""
    params = {p.name: p.py_name for p in op.parameters if p.location == "path"}
    parts = re.split(r"\{([^{}]+)\}", op.path)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append("{check_segment(" + pyrepr(part).replace('"', "'") + ", " + params[part] + ")}")
        else:
            out.append(part.replace("{", "{{").replace("}", "}}"))
    return 'f"' + "".join(out) + '"'


def sites(api: Api) -> list[TypeRef]:
    """Every type use-site (fields, items, values, tolerated shapes), each once, in spec order."""
    found: dict[str, TypeRef] = {}
    for model in api.models:
        roots: list[TypeRef] = [model.extra] if model.extra is not None else []
        for f in model.fields:
            roots += [f.type] + [t.type for t in f.tolerations if t.shape == "alternative"]
        for root in roots:
            for t in walk(root):
                found.setdefault(t.site, t)
    return list(found.values())


def tolerances(api: Api) -> list[tuple[str, Toleration, Field]]:
    """Every tolerated shape with the name of its runtime constant."""
    return [(f"_T_{f.type.site}_{i}", tol, f) for model in api.models for f in model.fields
            for i, tol in enumerate(f.tolerations)]


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # the output is Python and JSON, not HTML
    )
    env.filters.update(
        pyrepr=pyrepr, pyrepr_wrapped=pyrepr_wrapped, pylist_wrapped=pylist_wrapped, sort_all=sort_all,
        docstring=docstring, comment=comment, py_type=py_type, check_fails=check_fails, check_args=check_args,
        type_test=type_test, strategy_expr=strategy_expr, ty_expr=ty_expr, payloads_fn=payloads_fn,
        instances_fn=instances_fn, path_expr=path_expr,
    )
    env.globals.update(
        annotation=annotation, ptr_expr=ptr_expr, quirk_message=quirk_message, leaf_model=leaf_model,
        is_simple=is_simple, payloads_fn=payloads_fn, instances_fn=instances_fn, isinstance=isinstance,
        Scalar=Scalar, ModelRef=ModelRef, ArrayOf=ArrayOf, MapOf=MapOf,
    )
    return env


def _header(api: Api, comment_prefix: str) -> str:
    return (f"{comment_prefix} Generated by deskkit from spec/{api.spec_name} — do not edit.\n"
            f"{comment_prefix} Regenerate with `deskkit generate`; CI checks with `deskkit generate --check`.")


def render_all(api: Api, templates: Path) -> dict[str, str]:
    """Every emitted file of the package, by relative path (``<package>/...``), as text."""
    env = environment(templates)
    schemas = {
        "schemas/documented.schema.json": documented_schema(api),
        "schemas/observed.schema.json": observed_schema(api),
        "schemas/error.schema.json": error_schema(api),
    }
    context: dict[str, Any] = {"api": api, "header": _header(api, "#"), "sites": sites(api),
                               "success_root": success_model(api.operations[0]),
                               "recursive": recursive_models(api),
                               "error_root": error_model(api.operations[0]),
                               "tolerances": tolerances(api)}
    out: dict[str, str] = {}
    for template, target in OUTPUTS:
        try:
            if target in schemas:
                text = json.dumps(schemas[target], indent=2, ensure_ascii=False) + "\n"
                out[f"{api.package}/{target}"] = env.get_template(template).render(schema_json=text)
            else:
                out[f"{api.package}/{target}"] = env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise DeskkitError(f"{templates / template}:{exc.lineno}: template error: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise DeskkitError(f"{templates / template}: template error: {exc}") from None
    return out


__all__ = ["OUTPUTS", "environment", "render_all"]
