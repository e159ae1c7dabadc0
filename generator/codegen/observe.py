"""What ``_fast.py.j2`` prints for the observed contract's walks (``_o_<Model>``, ``_n_<Model>``).

msgspec decodes a body into the structs of the observed contract (``_typed.py``), which take the documented
contract plus what the declared quirks tolerate: a null where a quirk allows one, an enum value known off the
page or tolerated by a quirk, a one-item array, an alternative shape. The walk then reports each of those where
the full parser would, through the same :class:`Context` calls with the same sites and pointers; everything
else msgspec has checked. Statements are built here as lines (a recursion the template's macros would make hard
to read); pointers are built only where something is reported or an object is walked.

The narrow walks (``_n_<Model>``) are the same for the narrow contract: the observed one without a null or an
enum value that a quirk tolerates. Those two may reach every property, so the observed walk visits them all;
in the narrow structs msgspec refuses them, and what is left to report (an alternative shape, a value known off
the page) sits at a few properties: the narrow walk visits those and the objects on the way to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .ir import Api, Field, Model, Scalar, Tolerance, TypeRef
from .pyfmt import pyrepr

#: A JSON Pointer as the terms of a Python sum: literal text, or a Python expression (``("expr", "ptr")``).
Ptr = tuple[tuple[str, str], ...]


def observed_models(api: Api) -> list[Model]:
    """The models that get a walk: no union and no model that reaches itself (no struct can be built), and no
    quirk that relaxes a constraint (a struct cannot take the wider value and still say it deviates)."""
    return models_where(api, lambda f: [f.type, *(tol.type for tol in f.tolerances)],
                        lambda t: not t.relaxed)


def models_where(api: Api, types_of: Callable[[Field], list[TypeRef]],
                 scalar_ok: Callable[[Scalar], bool]) -> list[Model]:
    """The models whose documented properties' types (``types_of`` each) reach no union, no model that
    reaches itself and no scalar ``scalar_ok`` refuses."""
    by_name = {model.name: model for model in api.models}
    verdict: dict[str, bool] = {}

    def reachable(t: TypeRef, seen: frozenset[str]) -> bool:
        if t.kind == "array":
            return reachable(t.items, seen)
        if t.kind == "map":
            return reachable(t.values, seen)
        if t.kind == "model":
            return model_ok(t.name, seen)
        return t.kind == "scalar" and scalar_ok(t)

    def model_ok(name: str, seen: frozenset[str]) -> bool:
        if name in seen:
            return False
        if name not in verdict:
            documented = [f for f in by_name[name].fields if f.known is None]
            verdict[name] = all(reachable(t, seen | {name}) for f in documented for t in types_of(f))
        return verdict[name]

    return [model for model in api.models if model_ok(model.name, frozenset())]


def observe_imports(api: Api) -> set[str]:
    """The names the walks take from ``_runtime``."""
    models = observed_models(api)
    if not models:
        return set()
    names = {"Context"}
    walks = [model_walk(model) for model in models] + list(narrow_walks(api).values())
    if any("escape(" in line for lines in walks for line in lines):  # (a map whose values are walked)
        names.add("escape")
    return names


def sites_in(t: TypeRef) -> list[TypeRef]:
    """``t`` and the use-sites inside its arrays and maps (not inside unions, which the passes leave alone)."""
    if t.kind == "array":
        return [t, *sites_in(t.items)]
    if t.kind == "map":
        return [t, *sites_in(t.values)]
    return [t]


@dataclass(frozen=True)
class Walk:
    """How a walk is spelled: its functions' prefix, whether it is a narrow walk (no null or stray enum value
    to report), and which models it calls (a narrow walk skips an object with nothing to report inside)."""

    prefix: str
    narrow: bool
    calls: Callable[[str], bool]


OBSERVED = Walk("_o_", False, lambda name: True)


def observe_field(f: Field, attr: str, walk: Walk = OBSERVED) -> list[str]:
    """The statements walking property ``f``, read from struct attribute ``attr`` into ``v`` (none where
    msgspec checked all there is)."""
    ptr: Ptr = (("expr", "ptr"), ("lit", "/" + f.pointer_token))
    body = _walk(f.type, "v", ptr, 0, walk)
    dispatch = body
    if f.shapes:  # the documented shape, or one the quirks tolerate: told apart by JSON type
        dispatch = []
        for index, tol in enumerate(f.shapes):
            dispatch += [f"{'if' if index == 0 else 'elif'} {_shape_test(tol, 'v')}:",
                         f"    cx.tolerated(m._T_{tol.type.site}, {_spelled(ptr)})"]
            if tol.shape == "single-item-list":
                dispatch += ["    v = v[0]", *_indent(_value(tol.type, "v", (*ptr, ("lit", "/0")), 0, walk))]
            else:
                dispatch += _indent(_value(tol.type, "v", ptr, 0, walk))
        dispatch += ["else:", *_indent(body)] if body else []
    null = f.type.null_quirk is not None and not walk.narrow
    if not (dispatch or null):
        return []
    lines = [f"v = {attr}"]
    present = [] if f.required else ["v is not UNSET"]
    if null:
        lines += ["if v is None:", f"    cx.bad(None, {_spelled(ptr)}, m._S_{f.type.site})"]
        return lines + (_under("elif", present, dispatch) if dispatch else [])
    return lines + _under("if", present + (["v is not None"] if f.type.nullable else []), dispatch)


def model_walk(model: Model, walk: Walk = OBSERVED) -> list[str]:
    """The statements of ``model``'s walk: its documented properties' (struct attribute ``f<index>``)."""
    return [line for index, f in enumerate(model.fields) if f.known is None
            for line in observe_field(f, f"s.f{index}", walk)]


def narrow_walks(api: Api) -> dict[str, list[str]]:
    """The statements of each narrow walk that has any, by model (a model without one: nothing it holds can
    deviate from the documented contract and pass the narrow one)."""
    models = {model.name: model for model in observed_models(api)}
    done: dict[str, list[str]] = {}

    def lines_of(name: str) -> list[str]:  # observed models reach no model twice on a path: no cycle here
        if name not in done:
            done[name] = model_walk(models[name], Walk("_n_", True, lambda other: bool(lines_of(other))))
        return done[name]

    return {name: lines for name in models if (lines := lines_of(name))}


def _under(keyword: str, conditions: list[str], lines: list[str]) -> list[str]:
    """``lines`` run only when all ``conditions`` hold, as the branch ``keyword`` (``if``/``elif``) of a test;
    a lone ``if`` among them joins the test (one test, not two nested)."""
    if not conditions:
        return ["else:", *_indent(lines)] if keyword == "elif" else lines
    if lines[0].startswith("if ") and all(line.startswith("    ") for line in lines[1:]):  # no elif, no else
        return [f"{keyword} {' and '.join(conditions)} and {lines[0][3:]}", *lines[1:]]
    return [f"{keyword} {' and '.join(conditions)}:", *_indent(lines)]


def _shape_test(tol: Tolerance, var: str) -> str:
    """True when ``var`` (not null) has the tolerated shape: a list for a one-item array, else the
    alternative's JSON type (a struct or a dict for an object: msgspec's unions hold one object-like type)."""
    kind = "array" if tol.shape == "single-item-list" else tol.type.json_type
    if kind == "array":
        return f"type({var}) is list"
    if kind == "object":
        return f"not isinstance({var}, (list, str, int, float, bool))"
    if kind == "number":
        return f"type({var}) is int or type({var}) is float"
    return f"type({var}) is {dict(string='str', integer='int', boolean='bool')[kind]}"


def _value(t: TypeRef, var: str, ptr: Ptr, depth: int, walk: Walk) -> list[str]:
    """Statements walking ``var``, at pointer ``ptr``, which may be null where ``t`` allows."""
    body = _walk(t, var, ptr, depth, walk)
    if t.null_quirk is not None and not walk.narrow:
        return [f"if {var} is None:", f"    cx.bad(None, {_spelled(ptr)}, m._S_{t.site})",
                *(["else:", *_indent(body)] if body else [])]
    if t.nullable and body:
        return [f"if {var} is not None:", *_indent(body)]
    return body


def _walk(t: TypeRef, var: str, ptr: Ptr, depth: int, walk: Walk) -> list[str]:
    """Statements walking ``var`` (not null) of type ``t``; none where msgspec checked all there is."""
    if t.kind == "model":
        return [f"{walk.prefix}{t.name}({var}, {_spelled(ptr)}, cx)"] if walk.calls(t.name) else []
    if t.kind == "scalar":
        if t.enum is None or (walk.narrow and not t.enum.known_members):
            return []  # (narrow: msgspec took only the documented members, or these and the known ones)
        report = "known_value" if walk.narrow else "bad"  # (narrow: a value not documented is a known one)
        return [f"if {var} not in _E_{t.site}:", f"    cx.{report}({var}, {_spelled(ptr)}, m._S_{t.site})"]
    if t.kind not in ("array", "map"):
        raise ValueError(f"no walk of a {t.kind}")  # observed_models leaves unions out
    item = f"x{depth}"
    if t.kind == "array":
        index = f"i{depth}"
        body = _value(t.items, item, (*ptr, ("lit", "/"), ("expr", f"str({index})")), depth + 1, walk)
        return [f"for {index}, {item} in enumerate({var}):", *_indent(body)] if body else []
    key = f"k{depth}"
    body = _value(t.values, item, (*ptr, ("lit", "/"), ("expr", f"escape({key})")), depth + 1, walk)
    return [f"for {key}, {item} in {var}.items():", *_indent(body)] if body else []


def _spelled(ptr: Ptr) -> str:
    """The Python expression of a pointer, its adjacent literals as one."""
    terms: list[tuple[str, str]] = []
    for kind, text in ptr:
        if kind == "lit" and terms and terms[-1][0] == "lit":
            terms[-1] = ("lit", terms[-1][1] + text)
        else:
            terms.append((kind, text))
    return " + ".join(pyrepr(text) if kind == "lit" else text for kind, text in terms)


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


GLOBALS: dict[str, Callable[..., Any]] = {"observed_models": observed_models,
                                          "model_walk": model_walk, "narrow_walks": narrow_walks}
