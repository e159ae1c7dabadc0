"""The machinery behind the generated ``strategies`` module: values, payloads, quirks and mutations.

Everything here works from the models' use-site descriptors (:class:`._runtime.Site`, :data:`models.SCHEMA`),
so this module is copied verbatim into every generated package; ``strategies.py`` only names things.

Speed: Hypothesis pays per choice, and ``st.text()`` makes one choice per character. Strings here are built
from one integer by a seeded generator instead (shrinking towards "" all the same), objects choose their
optional keys with one bitmask, and a model's strategy is built once and cached. That is what makes these
strategies an order of magnitude faster than schema-driven generation.
"""

from __future__ import annotations

import copy
import ipaddress
import random
import re
import string
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from hypothesis import strategies as st

from ._runtime import Model, Prop, Site, escape

# --- values: what real strings look like, with the edge cases parsers trip on ---------------------------

_ALPHABETS: Final = [
    string.ascii_letters + string.digits, string.punctuation + " ", "àéîõüßçñÆØ", "名字中文汉字テスト한국어",
    "😀🚀🌍", "\u0000\t\n\r\x7f\u200b\ufeff", "ΑβγДжЩ",
]
_TROUBLE: Final = ["", " ", "null", "0", "-1", "true", "名字", "Ünïcödé", "😀", "\u0000", "a\nb", "\\", '"']


def _text(seed: int, max_size: int = 24) -> str:
    """A string of up to ``max_size`` characters drawn from a mix of alphabets, fixed by ``seed``."""
    if seed == 0:
        return ""
    rng = random.Random(seed)
    size = rng.randint(1, max_size)
    pools = rng.sample(_ALPHABETS, rng.randint(1, 3))
    return "".join(rng.choice(rng.choice(pools)) for _ in range(size))


def _text_or_trouble(seed: int) -> str:
    return _TROUBLE[seed] if seed < len(_TROUBLE) else _text(seed)


#: Any text JSON can carry: ASCII, non-ASCII, emoji, control characters, classic troublemakers.
TEXT: Final = st.integers(0, 2**48).map(_text_or_trouble)


def objects(required: dict[str, st.SearchStrategy[Any]],
            optional: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Like ``st.fixed_dictionaries(required, optional=optional)``, choosing the optional keys at once."""
    keys = list(optional)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out = {key: draw(value) for key, value in required.items()}
        present = draw(st.integers(0, 2 ** len(keys) - 1)) if keys else 0
        for index, key in enumerate(keys):
            if present >> index & 1:
                out[key] = draw(optional[key])
        return out

    return build()


def bounded_text(min_size: int, max_size: int | None) -> st.SearchStrategy[str]:
    """Text within length bounds, hitting both bounds often."""
    hi = max_size if max_size is not None else min_size + 24
    edges = [c * n for c in ("x", "é") for n in {min_size, hi}]
    sized = st.integers(1, 2**48).map(lambda n: _text(n, hi)).filter(lambda s: len(s) >= min_size)
    return st.one_of(sized, st.sampled_from(edges))


def patterned(pattern: re.Pattern[str], min_size: int | None, max_size: int | None) -> st.SearchStrategy[str]:
    """Strings matching ``pattern`` within length bounds (boundary lengths included when they match)."""
    lo, hi = min_size or 0, max_size if max_size is not None else 10**9

    def fits(s: str) -> bool:
        return lo <= len(s) <= hi and pattern.search(s) is not None

    edges = [c * n for c in ("x", "7", "é") for n in {lo, min(hi, 64)} if n]
    regex = st.from_regex(pattern, alphabet=st.characters(exclude_categories=["Cs"]))
    return st.one_of(regex, st.sampled_from(edges or ["x"])).filter(fits)


# Primitive values are drawn as integers and formatted: one draw instead of several.
_EPOCH_2100: Final = 4102444800


def _date_time(seed: int) -> str:
    """RFC 3339 text for a moment; the seed also picks `T`/`t`, `Z`/`z` or an offset, and the fraction."""
    seconds, rest = seed % _EPOCH_2100, seed // _EPOCH_2100
    style, fraction = rest % 2**16, (rest >> 16) % 10**9 if rest >> 32 & 1 else 0
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d{}%H:%M:%S")
    text = stamp.format("Tt"[style & 1])
    if fraction:
        text += "." + str(fraction)
    if style & 6 == 0:
        return text + "Zz"[(style >> 3) & 1]
    minutes = (style >> 4) % (24 * 60)
    return f"{text}{'+-'[style & 2 > 0]}{minutes // 60:02d}:{minutes % 60:02d}"


def _mac(n: int) -> str:
    return ":".join(f"{b:02x}" for b in n.to_bytes(6, "big"))


#: Strategies for `x-deskkit-values` hints: what real values of a field look like.
VALUES: Final[dict[str, st.SearchStrategy[str]]] = {
    "uuid": st.integers(0, 2**128 - 1).map(lambda n: str(uuid.UUID(int=n))),
    "hex32": st.integers(0, 2**128 - 1).map(lambda n: f"{n:032x}"),
    "ipv4": st.integers(0, 2**32 - 1).map(lambda n: str(ipaddress.IPv4Address(n))),
    "ipv6": st.integers(0, 2**128 - 1).map(lambda n: str(ipaddress.IPv6Address(n))),
    "ip": st.integers(0, 2**129 - 1).map(
        lambda n: str(ipaddress.IPv4Address(n % 2**32) if n & 1 else ipaddress.IPv6Address(n >> 1))),
    "mac": st.integers(0, 2**48 - 1).map(_mac),
}
#: Strategies for the string formats the parser checks: RFC 3339 date-times with and without fractions,
#: `Z`/`z` and numeric offsets, `T`/`t`.
FORMATS: Final[dict[str, st.SearchStrategy[str]]] = {
    "date-time": st.integers(0, _EPOCH_2100 * 2**33 - 1).map(_date_time),
}


# --- drawn payloads that carry what was done to them --------------------------------------------------------


@dataclass(frozen=True)
class Injected:
    """One change made to a valid payload: where (pointer into the result), which quirk or mutation."""

    pointer: str
    quirk: str | None = None
    mutation: str | None = None


@dataclass(frozen=True)
class Drawn:
    """A payload and the changes injected into it (none for valid payloads and error bodies)."""

    kind: str
    payload: Any
    injected: tuple[Injected, ...] = ()


_JSON_SAMPLES: Final[dict[str, list[Any]]] = {
    "string": ["", "x", "名字"], "integer": [0, -1, 2**53], "number": [0.5, -1.25], "boolean": [True, False],
    "array": [[], [1]], "object": [{}, {"k": "v"}], "null": [None],
}
_ORDER: Final = ["wrong JSON type", "string constraint miss", "below minimum", "above maximum", "enum miss",
                 "missing required property", "two-item array where a one-item array is tolerated",
                 "empty array where a one-item array is tolerated"]


@dataclass(frozen=True)
class _Spot:
    """A place in a drawn payload: its path, pointer, use-site and (for a property) the property."""

    path: tuple[str | int, ...]
    pointer: str
    site: Site
    prop: Prop | None


def _outside(values: list[str]) -> st.SearchStrategy[str]:
    """A string a documented enumeration does not list: a new value, a case change, an empty string."""
    near = [v.lower() if v != v.lower() else v.upper() for v in values] + ["", " ", values[0] + "_NEW"]
    return st.one_of(st.sampled_from(near), TEXT).filter(lambda s: s not in values)


def _enum_values(site: Site) -> list[str]:
    return list(site.members)


class Strategies:
    """Strategies for the models of one generated package, built from its ``SCHEMA`` and cached."""

    def __init__(self, schema: Mapping[str, tuple[Prop, ...]], models: Mapping[str, type[Model]]) -> None:
        self.schema, self.models = schema, models
        self._payloads: dict[str, st.SearchStrategy[dict[str, Any]]] = {}
        self.recursive = _recursive(schema)
        self.quirk_ids = frozenset(q for props in schema.values() for prop in props for q in _quirks_of(prop))

    # -- valid payloads: the documented contract --------------------------------------------------------
    def payloads(self, model: str) -> st.SearchStrategy[dict[str, Any]]:
        """Valid payloads of ``model`` (raw JSON data, documented contract)."""
        found = self._payloads.get(model)
        if found is None:
            props = self.schema[model]
            found = objects({p.wire: self.value(p.site) for p in props if p.required},
                            {p.wire: self.value(p.site) for p in props if not p.required})
            self._payloads[model] = found
        return found

    def instances(self, model: str) -> st.SearchStrategy[Model]:
        """Typed instances of ``model`` parsed from valid payloads."""
        return self.payloads(model).map(self.models[model].from_dict)

    def value(self, site: Site) -> st.SearchStrategy[Any]:
        """Valid (documented) JSON data for a use-site."""
        if site.model is not None:
            name = site.model
            # A model on a reference cycle is deferred; the others are built at once (deferring costs a third
            # of the drawing speed).
            return st.deferred(lambda: self.payloads(name)) if name in self.recursive else self.payloads(name)
        if site.items is not None:
            high = site.max_items if site.max_items is not None else max(2, site.min_items or 0)
            return st.lists(self.value(site.items), min_size=site.min_items or 0, max_size=high)
        if site.values is not None:
            return st.dictionaries(TEXT, self.value(site.values), max_size=2)
        return _scalar(site)

    # -- quirky payloads: declared quirks injected ------------------------------------------------------
    def quirky(self, model: str, quirks: frozenset[str] | None = None) -> st.SearchStrategy[Drawn]:
        allowed = self.quirk_ids if quirks is None else frozenset(quirks)
        unknown = allowed - self.quirk_ids
        if unknown:
            raise ValueError(f"no such quirk(s): {sorted(unknown)}; declared: {sorted(self.quirk_ids)}")
        return _quirky(self, model, allowed).filter(lambda d: bool(d.injected))

    def _inject_object(self, draw: st.DrawFn, model: str, value: dict[str, Any], ptr: str,
                       allowed: frozenset[str], injected: list[Injected]) -> dict[str, Any]:
        props = {p.wire: p for p in self.schema[model]}
        out: dict[str, Any] = {}
        for key, item in value.items():
            prop = props.get(key)
            at = f"{ptr}/{escape(key)}"
            if prop is None:
                out[key] = item
                continue
            site = prop.site
            options: list[Any] = [t for t in prop.tolerances if t.quirk in allowed]
            if site.null_quirk in allowed:
                options.append("null")
            if site.enum_quirk in allowed:
                options.append("enum")
            # Mostly keep the documented value: the first option is what Hypothesis shrinks towards.
            choice = draw(st.sampled_from([None, None, None, *options]))
            if choice is None:
                out[key] = self._inject_value(draw, site, item, at, allowed, injected)
            elif choice == "null":
                out[key] = None
                injected.append(Injected(at, site.null_quirk))
            elif choice == "enum":
                out[key] = draw(_outside(_enum_values(site)))
                injected.append(Injected(at, site.enum_quirk))
            elif choice.shape == "single-item-list":
                injected.append(Injected(at, choice.quirk))
                out[key] = [self._inject_value(draw, choice.site, item, f"{at}/0", allowed, injected)]
            else:
                out[key] = draw(self.value(choice.site))
                injected.append(Injected(at, choice.quirk))
        return out

    def _inject_value(self, draw: st.DrawFn, site: Site, value: Any, ptr: str, allowed: frozenset[str],
                      injected: list[Injected]) -> Any:
        if site.model is not None:
            return self._inject_object(draw, site.model, value, ptr, allowed, injected)
        if site.items is not None:
            items = site.items
            return [self._inject_value(draw, items, x, f"{ptr}/{i}", allowed, injected) for i, x in enumerate(value)]
        if site.values is not None:
            values = site.values
            return {k: self._inject_value(draw, values, x, f"{ptr}/{escape(k)}", allowed, injected)
                    for k, x in value.items()}
        if site.enum_quirk in allowed and draw(st.integers(0, 3)) == 0:
            injected.append(Injected(ptr, site.enum_quirk))
            return draw(_outside(_enum_values(site)))
        return value

    # -- invalid payloads: one targeted mutation that breaks both contracts ------------------------------
    def invalid(self, model: str) -> st.SearchStrategy[Drawn]:
        return _invalid(self, model)

    def _spots(self, site: Site, value: Any, path: tuple[str | int, ...], ptr: str,
               prop: Prop | None) -> Iterator[_Spot]:
        yield _Spot(path, ptr, site, prop)
        if site.model is not None:
            props = {p.wire: p for p in self.schema[site.model]}
            for key, item in value.items():
                child = props.get(key)
                if child is not None:
                    yield from self._spots(child.site, item, (*path, key), f"{ptr}/{escape(key)}", child)
        elif site.items is not None:
            for i, item in enumerate(value):
                yield from self._spots(site.items, item, (*path, i), f"{ptr}/{i}", None)
        elif site.values is not None:
            for key, item in value.items():
                yield from self._spots(site.values, item, (*path, key), f"{ptr}/{escape(key)}", None)

    def _mutations(self, spot: _Spot) -> list[tuple[str, st.SearchStrategy[Any]]]:
        site, prop = spot.site, spot.prop
        tolerated = {t.site.json_type if t.shape == "alternative" else "array" for t in prop.tolerances} \
            if prop is not None else set()
        if site.null_quirk is not None:
            tolerated.add("null")
        kinds = {site.json_type} | ({"integer"} if site.json_type == "number" else set()) | tolerated
        wrong = [v for kind, values in _JSON_SAMPLES.items() if kind not in kinds for v in values]
        if site.json_type == "integer":
            wrong = [v for v in wrong if not (isinstance(v, float) and v.is_integer())]
        out: list[tuple[str, st.SearchStrategy[Any]]] = [("wrong JSON type", st.sampled_from(wrong))]
        if site.json_type == "string" and (site.pattern is not None or site.min_length is not None
                                           or site.max_length is not None):
            out.append(("string constraint miss", _breaking_string(site)))
        if site.json_type in ("integer", "number") and site.minimum is not None:
            out.append(("below minimum", st.just(int(site.minimum) - 1)))
        if site.json_type in ("integer", "number") and site.maximum is not None:
            out.append(("above maximum", st.just(int(site.maximum) + 1)))
        if site.enum is not None and site.enum_quirk is None:
            out.append(("enum miss", _outside(_enum_values(site))))
        if prop is not None and prop.required:
            out.append(("missing required property", st.nothing()))
        if prop is not None and any(t.shape == "single-item-list" for t in prop.tolerances):
            item = self.value(site)
            out.append(("empty array where a one-item array is tolerated", st.just([])))
            out.append(("two-item array where a one-item array is tolerated", st.lists(item, min_size=2, max_size=2)))
        return out


@st.composite
def _quirky(draw: st.DrawFn, strategies: Strategies, model: str, allowed: frozenset[str]) -> Drawn:
    payload = draw(strategies.payloads(model))
    injected: list[Injected] = []
    result = strategies._inject_object(draw, model, payload, "", allowed, injected)
    return Drawn("quirky", result, tuple(injected))


@st.composite
def _invalid(draw: st.DrawFn, strategies: Strategies, model: str) -> Drawn:
    payload = draw(strategies.payloads(model))
    root = Site("object", "", model=model)
    candidates = [(spot, name, make) for spot in strategies._spots(root, payload, (), "", None)
                  for name, make in strategies._mutations(spot)]
    # Pick the kind of mutation first, so rare kinds (a constraint miss) are as likely as wrong types.
    kinds = list(dict.fromkeys(name for _, name, _ in sorted(candidates, key=lambda c: _ORDER.index(c[1]))))
    kind = draw(st.sampled_from(kinds))
    spot, name, make = draw(st.sampled_from([c for c in candidates if c[1] == kind]))
    mutated = copy.deepcopy(payload)
    if name == "missing required property":
        _parent(mutated, spot.path).pop(spot.path[-1])
    elif spot.path:
        _parent(mutated, spot.path)[spot.path[-1]] = draw(make)
    else:
        mutated = draw(make)
    return Drawn("invalid", mutated, (Injected(spot.pointer, None, name),))


def _quirks_of(prop: Prop) -> Iterator[str]:
    """Every quirk a payload can show at ``prop``, its items and its values."""
    yield from (t.quirk for t in prop.tolerances)
    stack = [prop.site] + [t.site for t in prop.tolerances]
    while stack:
        site = stack.pop()
        yield from (q for q in (site.null_quirk, site.enum_quirk) if q is not None)
        stack += [s for s in (site.items, site.values) if s is not None]


def _recursive(schema: Mapping[str, tuple[Prop, ...]]) -> frozenset[str]:
    """Models that can reach themselves through their properties (their strategies are deferred)."""
    edges: dict[str, set[str]] = {}
    for model, props in schema.items():
        targets = edges.setdefault(model, set())
        stack = [p.site for p in props] + [t.site for p in props for t in p.tolerances]
        while stack:
            site = stack.pop()
            if site.model is not None:
                targets.add(site.model)
            stack += [s for s in (site.items, site.values) if s is not None]

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


def _scalar(site: Site) -> st.SearchStrategy[Any]:
    if site.json_type == "boolean":
        return st.booleans()
    if site.json_type == "integer":
        low, high = site.minimum, site.maximum
        return st.integers(None if low is None else int(low), None if high is None else int(high))
    if site.json_type == "number":
        return st.floats(site.minimum, site.maximum, allow_nan=False, allow_infinity=False)
    if site.enum is not None:
        return st.sampled_from(_enum_values(site))
    lo, hi = site.min_length, site.max_length
    if site.format is not None and site.format in FORMATS:
        base = FORMATS[site.format]
    elif site.hint is not None:
        base = VALUES[site.hint]
    elif site.pattern is not None:
        return patterned(site.pattern, lo, hi)
    elif lo is not None or hi is not None:
        return bounded_text(lo or 0, hi)
    else:
        return TEXT
    if lo is not None or hi is not None:
        return base.filter(lambda s: (lo or 0) <= len(s) <= (hi if hi is not None else 10**9))
    return base


def _parent(doc: Any, path: tuple[str | int, ...]) -> Any:
    for token in path[:-1]:
        doc = doc[token]
    return doc


def _breaking_string(site: Site) -> st.SearchStrategy[str]:
    lo, hi, pattern = site.min_length or 0, site.max_length, site.pattern

    def breaks(s: str) -> bool:
        too_short_or_long = len(s) < lo or (hi is not None and len(s) > hi)
        return too_short_or_long or (pattern is not None and pattern.search(s) is None)

    candidates = ["", " ", "x" * ((hi or 64) + 1), "a=b", "/", "<x>", "_lead", "a b", "x\n", "名字", "2022-13-01"]
    return st.one_of(st.sampled_from(candidates), st.text(string.printable, max_size=8)).filter(breaks)


__all__ = ["FORMATS", "TEXT", "VALUES", "Drawn", "Injected", "Strategies", "bounded_text", "objects",
           "patterned"]
