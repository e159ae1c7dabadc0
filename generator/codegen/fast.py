"""What ``_fast.py.j2`` prints: the fast first pass of the parsers (see that template's docstring).

The fast pass accepts a value only where the full parser certainly accepts it as documented, with nothing to
report; anything else makes it give up (the full pass then decides). So every test here is a *sufficient*
condition of the full parser's: the same inline checks (:func:`.models.check_fails`), except for date-time,
where one regex that admits only days every month has stands for the calendar arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .ir import Api, Field, Model, Scalar, Tolerance, TypeRef
from .models import DAY, FORMAT_CHECKS, check_fails, day_pattern
from .observe import models_where, observe_imports, sites_in
from .pyfmt import sort_all


def documented(model: Model) -> list[Field]:
    """The properties the page documents: the fast pass counts them, so any other key (an unknown field, or
    one known only off the page, which the full pass reports) makes it give up."""
    return [f for f in model.fields if getattr(f, "known", None) is None]


def fast_fails(t: Scalar, var: str) -> str:
    """An inline test true when ``var`` is not certainly a conformant value of scalar ``t`` (enums are
    looked up instead): the full parser's test, with the quick date-time check."""
    if t.format != "date-time" or t.const is not None:
        return check_fails(t, var)
    tests = [f"type({var}) is str"]
    if t.min_length is not None:
        tests.append(f"len({var}) >= {t.min_length}")
    if t.max_length is not None:
        tests.append(f"len({var}) <= {t.max_length}")
    if day_pattern(t) is not None:
        tests.append(f"_DT_{t.site}.match({var}) is not None")
    else:
        if t.pattern is not None:
            tests.append(f"_RE_{t.site}.search({var}) is not None")
        tests.append(f"_DAY.match({var}) is not None")
    return f"not ({' and '.join(tests)})"


def _types(f: Field) -> list[TypeRef]:
    """The types a pass reads at property ``f``: the documented one, then each tolerated shape's."""
    return [f.type, *(tol.type for tol in f.shapes)]


def if_chain(body: str) -> bool:
    """True when statements ``body`` are one ``if`` (its ``elif``s and ``else`` included): it can follow
    another test as its ``elif`` rather than nest under an ``else``."""
    top = [line for line in body.split("\n") if not line.startswith(" ")]
    return top[0].startswith("if ") and all(line.startswith(("elif ", "else:")) for line in top[1:])


def _walked(api: Api) -> list[TypeRef]:
    """Every use-site the fast and the narrow pass walk, each once (the shapes' only in the narrow pass)."""
    found: dict[str, TypeRef] = {}
    for model in api.models:
        for f in documented(model):
            for t in _types(f):
                for site in sites_in(t):
                    found.setdefault(site.site, site)
    return list(found.values())


def _known_here(t: TypeRef) -> bool:
    """A string enum with values known off the page: the narrow pass reports those."""
    return isinstance(t, Scalar) and t.enum is not None and t.json_type == "string" and bool(t.enum.known_members)


def narrow_models(api: Api) -> list[Model]:
    """The models that get a narrow pass (``_t_<Model>``): those whose documented properties take a tolerated
    shape, or reach (through arrays, maps, shapes and other models) one that does or an enum value known off
    the page. Every other model reads the same in both passes, so the narrow pass calls its fast one."""
    global _narrow
    asked, known = _narrow
    if asked is api:  # (the template asks often, of one spec)
        return list(known)
    by_name = {model.name: model for model in api.models}
    found: set[str] = set()
    grown = True
    while grown:  # to a fixed point: a model reaches one found before it, cycles included
        grown = False
        for name, model in by_name.items():
            if name not in found and any(f.shapes or narrow_reaches(t, found)
                                         for f in documented(model) for t in _types(f)):
                found.add(name)
                grown = True
    known = [model for model in api.models if model.name in found]
    _narrow = (api, known)  # (one tuple: a reader sees both or neither)
    return list(known)


#: The spec last asked about and its narrow models: by identity, not equality (comparing specs costs more; a
#: built spec is not changed afterwards).
_narrow: tuple[Api | None, list[Model]] = (None, [])


def narrow_reaches(t: TypeRef, narrow: set[str] | frozenset[str]) -> bool:
    """True when the narrow pass reads ``t`` differently from the fast pass: it is, or its arrays and maps
    hold, an enum with known values or one of the ``narrow`` models."""
    return any(_known_here(site) or (site.kind == "model" and site.name in narrow) for site in sites_in(t))


def narrow_names(api: Api) -> frozenset[str]:
    return frozenset(model.name for model in narrow_models(api))


def _narrow_walked(api: Api) -> list[TypeRef]:
    """The use-sites the narrow pass reads itself (not through a fast-pass function), each once."""
    narrow = narrow_names(api)
    found: dict[str, TypeRef] = {}
    for model in narrow_models(api):
        for f in documented(model):
            for t in _types(f):
                for site in sites_in(t):
                    if narrow_reaches(site, narrow):
                        found.setdefault(site.site, site)
    return list(found.values())


def narrow_helpers(api: Api) -> list[TypeRef]:
    """The arrays and maps the narrow pass reads with pointers (``_th_<site>``): those reaching a model or
    an enum it reads differently."""
    return [t for t in _narrow_walked(api) if t.kind in ("array", "map")]


def narrow_known(api: Api) -> list[TypeRef]:
    """The enum sites whose values known off the page the narrow pass reports (``_K_<site>``)."""
    return [t for t in _narrow_walked(api) if _known_here(t)]


def narrow_shapes(api: Api) -> list[Tolerance]:
    """The tolerated shapes the narrow pass reports (``_TT_<site>``: the deviation after its pointer)."""
    return [tol for model in narrow_models(api) for f in documented(model) for tol in f.shapes]


def fast_enums(api: Api) -> list[TypeRef]:
    """The enum sites: the fast pass looks values up in their documented members (borrowed from the site)."""
    return [t for t in _walked(api) if isinstance(t, Scalar) and t.enum is not None]


def fast_patterns(api: Api) -> list[TypeRef]:
    """The patterned scalars: the fast pass borrows their compiled regex from ``models.py``."""
    return [t for t in _walked(api) if isinstance(t, Scalar) and t.pattern is not None and t.const is None
            and t.enum is None]


def fast_helpers(api: Api) -> list[TypeRef]:
    """The arrays and maps of the documented properties, each checked by a helper of its own (unions are
    left to the full pass), and those of the tolerated shapes the narrow pass reads as the fast one."""
    narrow = narrow_names(api)
    documented_sites = {site.site for model in api.models for f in documented(model) for site in sites_in(f.type)}
    return [t for t in _walked(api) if t.kind in ("array", "map")
            and (t.site in documented_sites or not narrow_reaches(t, narrow))]


def fast_runtime_imports(api: Api) -> str:
    """The names ``_fast.py`` takes from ``_runtime``."""
    names = {"Model", "decode"} | observe_imports(api)
    if api.models:
        names.add("UNSET")
    if narrow_models(api):
        names.add("Tape")
        if narrow_known(api):
            names.add("known_or_member")
        if any(t.kind == "map" for t in narrow_helpers(api)):
            names.add("escape")
    for t in _walked(api):
        if isinstance(t, Scalar) and t.const is None and t.enum is None:
            if t.format is not None and t.format != "date-time":
                names.add(FORMAT_CHECKS[t.format])
            if t.multiple_of is not None:
                names.add("is_multiple")
        if isinstance(t, Scalar) and t.const is not None and type(t.const[0]) in (int, float):
            names.add("json_equal")
        if t.kind == "array" and getattr(t, "unique_items", False):
            names.add("all_unique")
    return "".join(f"    {name},\n" for name in sort_all(list(names)))


def fast_day_sites(api: Api) -> list[str]:
    """The date-time sites checked by one regex (``_DT_<site>`` of ``models.py``: :func:`.models.day_pattern`)."""
    return [t.site for t in _walked(api) if isinstance(t, Scalar) and day_pattern(t) is not None]


def uses_date_time(api: Api) -> bool:
    return any(isinstance(t, Scalar) and t.format == "date-time" and t.const is None and t.enum is None
               for t in _walked(api))


def struct_models(api: Api) -> list[Model]:
    """The models ``_fast.py`` converts from their msgspec struct (``_typed.py``): those whose documented
    properties reach no union and no model that reaches itself, where a struct cannot be built. (A struct may
    still be refused at run time for what msgspec cannot check as strictly: then it is never made.)"""
    return models_where(api, lambda f: [f.type], lambda t: True)


def from_struct(t: TypeRef, var: str, depth: int = 0) -> str:
    """An expression for the value the fast pass would make of ``var``, as msgspec decoded it into ``t``'s
    struct type: its checks are done, what is left is enum members and objects (``var`` when nothing is)."""
    if t.kind == "model":
        return f"_s_{t.name}({var})"
    if t.kind == "array" or t.kind == "map":
        inner = t.items if t.kind == "array" else t.values
        item = f"x{depth}"
        made = from_struct(inner, item, depth + 1)
        if made == item:
            return var
        if t.kind == "array":
            return f"[{made} for {item} in {var}]"
        return f"{{k{depth}: {made} for k{depth}, {item} in {var}.items()}}"
    if isinstance(t, Scalar) and t.enum is not None:
        return f"_E_{t.site}[{var}]"
    return var


FILTERS: dict[str, Callable[..., Any]] = {"fast_fails": fast_fails, "documented": documented,
                                          "known_here": _known_here, "if_chain": if_chain}
GLOBALS: dict[str, Callable[..., Any]] = {"fast_enums": fast_enums, "fast_patterns": fast_patterns,
                                          "fast_day_sites": fast_day_sites, "day": lambda: DAY,
                                          "fast_helpers": fast_helpers,
                                          "fast_runtime_imports": fast_runtime_imports,
                                          "uses_date_time": uses_date_time, "struct_models": struct_models,
                                          "from_struct": from_struct, "narrow_models": narrow_models,
                                          "narrow_names": narrow_names, "narrow_helpers": narrow_helpers,
                                          "narrow_known": narrow_known, "narrow_shapes": narrow_shapes,
                                          "narrow_reaches": narrow_reaches}
