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
import math
import random
import re
import string
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, Final

from hypothesis import assume
from hypothesis import strategies as st

from ._runtime import Model, Prop, Site, canonical, escape, is_multiple

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
#: Free-form keys (maps): TEXT, and a fair share of what JSON Pointer must escape ('~', '/') or what breaks naive
#: pointer code (the empty key, '~0'/'~1' read literally, non-ASCII).
KEYS: Final = st.one_of(st.sampled_from(["", "~", "/", "~0", "~1", "a/b", "~/", "/~1", "名字/~", "ключ"]), TEXT)


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
#: Path segments are not empty: "x:" + "//" would start an authority ("ftp://::" is no URI).
_URI_SHAPE: Final = re.compile(
    r"(https?|ftp|urn|mailto|s3|x-[a-z]{1,6}):(//([a-z0-9-]{1,12}\.){0,3}[a-z0-9-]{1,12}(:[0-9]{1,5})?)?"
    r"(/[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,10}){0,4}(\?[A-Za-z0-9=&/?-]{0,12})?(#[A-Za-z0-9/?-]{0,8})?"
)
#: Strategies for the string formats the parser checks: RFC 3339 date-times with and without fractions,
#: `Z`/`z` and numeric offsets, `T`/`t`; dates; UUIDs; IP addresses; e-mail addresses; URIs.
FORMATS: Final[dict[str, st.SearchStrategy[str]]] = {
    "date-time": st.integers(0, _EPOCH_2100 * 2**33 - 1).map(_date_time),
    "date": st.dates().map(lambda d: d.isoformat()),
    "uuid": VALUES["uuid"],
    "ipv4": VALUES["ipv4"],
    "ipv6": VALUES["ipv6"],
    "email": st.tuples(TEXT, TEXT).map(lambda parts: f"{parts[0]}@{parts[1]}"),
    "uri": st.from_regex(_URI_SHAPE, fullmatch=True).filter(lambda u: "%" not in u or re.search(
        "%(?![0-9A-Fa-f]{2})", u) is None),
}
#: Strings each format refuses (for invalid payloads): impossible dates, leap seconds, lookalikes.
FORMAT_MISSES: Final[dict[str, list[str]]] = {
    "date-time": ["2022-02-30T00:00:00Z", "2021-12-31T23:59:60Z", "2022-01-01 00:00:00Z", "2022-01-01T00:00:00",
                  "0000-01-01T00:00:00Z", "2022-01-01T00:00:00Z\n"],
    "date": ["2022-02-30", "2022-1-01", "2022-01-01T00:00:00Z", "0000-01-01"],
    "uuid": ["12345678123456781234567812345678", "1234567-8123-4567-8123-456781234567", "urn:uuid:x"],
    "ipv4": ["256.1.1.1", "01.2.3.4", "1.2.3", "::1"],
    "ipv6": ["fe80::1%eth0", "1:2:3", "1.2.3.4", ":::"],
    "email": ["no-at-sign", ""],
    "uri": ["no scheme", "//host/path", "http://a b", "http://x/%zz", "http://x\n"],
}


# --- drawn payloads that carry what was done to them --------------------------------------------------------


@dataclass(frozen=True)
class Injected:
    """One change made to a valid payload: where (pointer into the result), which quirk or mutation, and for
    what is known off the page, its level."""

    pointer: str
    quirk: str | None = None
    mutation: str | None = None
    known: str | None = None


#: The changes :func:`Strategies.observed` makes: a field the page does not document (the parser lists it in
#: ``off_page``), and an enumeration value it does not list (a deviation, refused in strict mode).
KNOWN_FIELD: Final = "field known off the page"
KNOWN_VALUE: Final = "value known off the page"


@dataclass(frozen=True)
class Drawn:
    """A payload and the changes injected into it (none for valid payloads and error bodies)."""

    kind: str
    payload: Any
    injected: tuple[Injected, ...] = ()


_JSON_SAMPLES: Final[dict[str, list[Any]]] = {
    # With Python's own traps, each a kind of its own: bool is an int, 1.0 == 1 (an integral float is a JSON
    # integer: kept from integer and number sites).
    "string": ["", "x", "名字"], "boolean": [True, False], "integer": [0, -1, 2**53],
    "integral float": [1.0, -0.0, 2.0**53], "number": [0.5, -1.25], "array": [[], [1]], "object": [{}, {"k": "v"}],
    "null": [None],
}
_ORDER: Final = ["wrong JSON type", "string constraint miss", "below minimum", "above maximum",
                 "at the exclusive minimum", "at the exclusive maximum", "not a multiple", "const miss", "enum miss",
                 "duplicate items", "discriminator miss", "property not allowed", "missing required property",
                 "two-item array where a one-item array is tolerated",
                 "empty array where a one-item array is tolerated"]


@dataclass(frozen=True)
class _Spot:
    """A place in a drawn payload: its path, pointer, use-site and (for a property) the property."""

    path: tuple[str | int, ...]
    pointer: str
    site: Site
    prop: Prop | None


def _outside(values: list[str], known: Mapping[str, str] | None = None) -> st.SearchStrategy[str]:
    """A string a documented enumeration does not list, nor its values known off the page: a new value, a
    case change, an empty string."""
    taken = set(values) | set(known or ())
    near = [v.lower() if v != v.lower() else v.upper() for v in values] + ["", " ", values[0] + "_NEW"]
    return st.one_of(st.sampled_from(near), TEXT).filter(lambda s: s not in taken)


def _enum_values(site: Site) -> list[str]:
    return list(site.members)


def _outside_site(site: Site) -> st.SearchStrategy[str]:
    return _outside(_enum_values(site), site.known_levels)


class Strategies:
    """Strategies for the models of one generated package, built from its ``SCHEMA`` and cached."""

    def __init__(self, schema: Mapping[str, tuple[Prop, ...]], models: Mapping[str, type[Model]],
                 closed: frozenset[str] = frozenset()) -> None:
        self.schema, self.models, self.closed = schema, models, closed
        self._payloads: dict[str, st.SearchStrategy[dict[str, Any]]] = {}
        self.recursive = _recursive(schema)
        # Quirks show only where the page documents something: a property known off the page holds none.
        self.quirk_ids = frozenset(q for props in schema.values() for prop in props if prop.known is None
                                   for q in _quirks_of(prop))
        self._capable: dict[tuple[str, frozenset[str]], bool] = {}
        self._observable: dict[str, bool] = {}

    # -- valid payloads: the documented contract --------------------------------------------------------
    def payloads(self, model: str) -> st.SearchStrategy[dict[str, Any]]:
        """Valid payloads of ``model`` (raw JSON data, documented contract)."""
        found = self._payloads.get(model)
        if found is None:
            props = [p for p in self.schema[model] if p.known is None]  # the page's properties only
            found = objects({p.wire: self.value(p.site) for p in props if p.required},
                            {p.wire: self.value(p.site) for p in props if not p.required})
            self._payloads[model] = found
        return found

    def instances(self, model: str) -> st.SearchStrategy[Model]:
        """Typed instances of ``model`` parsed from valid payloads."""
        return self.payloads(model).map(self.models[model].from_dict)

    def value(self, site: Site) -> st.SearchStrategy[Any]:
        """Valid (documented) JSON data for a use-site."""
        plain = self._plain_value(site)
        return st.one_of(plain, st.none()) if site.nullable else plain

    def _plain_value(self, site: Site) -> st.SearchStrategy[Any]:
        if site.model is not None:
            name = site.model
            # A model on a reference cycle is deferred; the others are built at once (deferring costs a third
            # of the drawing speed).
            return st.deferred(lambda: self.payloads(name)) if name in self.recursive else self.payloads(name)
        if site.items is not None:
            return self._array(site, site.min_items or 0)
        if site.values is not None:
            return st.dictionaries(KEYS, self.value(site.values), max_size=2)
        if site.variants:
            if site.discriminator is None:
                return st.one_of([self.value(v) for v in site.variants])
            return st.one_of([self.value(site.variants[index]).map(partial(_with_tag, key=site.discriminator, tag=tag))
                              for tag, index in site.tags])
        return _scalar(site)

    def _array(self, site: Site, min_size: int) -> st.SearchStrategy[list[Any]]:
        assert site.items is not None
        high = site.max_items if site.max_items is not None else max(2, min_size)
        return st.lists(self.value(site.items), min_size=min_size, max_size=max(high, min_size),
                        unique_by=canonical if site.unique_items else None)

    # -- quirky payloads: declared quirks injected, at least one by construction ------------------------
    def quirky(self, model: str, quirks: frozenset[str] | None = None) -> st.SearchStrategy[Drawn]:
        allowed = self.quirk_ids if quirks is None else frozenset(quirks)
        unknown = allowed - self.quirk_ids
        if unknown:
            raise ValueError(f"no such quirk(s): {sorted(unknown)}; declared: {sorted(self.quirk_ids)}")
        if not self._model_capable(model, allowed):
            raise ValueError(f"no declared quirk{' among ' + str(sorted(allowed)) if quirks else ''} can show in a "
                             f"{model} payload")
        return _quirky(self, model, allowed)

    def _model_capable(self, model: str, allowed: frozenset[str]) -> bool:
        """Whether some payload of ``model`` can carry one of the ``allowed`` quirks."""
        key = (model, allowed)
        if key not in self._capable:
            self._capable[key] = False  # a cycle adds nothing by itself
            self._capable[key] = any(self._prop_capable(p, allowed) for p in self.schema[model] if p.known is None)
        return self._capable[key]

    def _prop_capable(self, prop: Prop, allowed: frozenset[str]) -> bool:
        return bool(self._direct(prop, allowed)) or self._inside_capable(prop.site, allowed)

    def _direct(self, prop: Prop, allowed: frozenset[str]) -> list[Any]:
        """The quirks ``prop`` itself can show: tolerated shapes, null, a value outside its enumeration."""
        options: list[Any] = [t for t in prop.tolerances if t.quirk in allowed]
        if prop.site.null_quirk in allowed:
            options.append("null")
        if prop.site.enum_quirk in allowed:
            options.append("enum")
        return options

    def _inside_capable(self, site: Site, allowed: frozenset[str]) -> bool:
        """Whether a value at ``site`` can hold a quirk inside it (in its properties, items, values, variants)."""
        if site.model is not None:
            return self._model_capable(site.model, allowed)
        if site.items is not None:
            return (site.max_items is None or site.max_items >= 1) and self._value_capable(site.items, allowed)
        if site.values is not None:
            return self._value_capable(site.values, allowed)
        if site.variants:
            return any(self._value_capable(v, allowed) for v in site.variants)
        return False

    def _value_capable(self, site: Site, allowed: frozenset[str]) -> bool:
        return site.enum_quirk in allowed or self._inside_capable(site, allowed)

    def _force_object(self, draw: st.DrawFn, model: str, ptr: str, allowed: frozenset[str],
                      injected: list[Injected], keep: str | None = None) -> dict[str, Any]:
        """A payload of ``model`` with a quirk forced at one property that can carry one, others by chance."""
        capable = [p for p in self.schema[model] if p.wire != keep and p.known is None
                   and self._prop_capable(p, allowed)]
        target = draw(st.sampled_from(capable))
        base = draw(self.payloads(model))
        out = self._inject_object(draw, model, {k: v for k, v in base.items() if k != target.wire}, ptr, allowed,
                                  injected, keep)
        at = f"{ptr}/{escape(target.wire)}"
        options = self._direct(target, allowed)
        if self._inside_capable(target.site, allowed):
            options.append("inside")
        choice = draw(st.sampled_from(options))
        if choice == "inside":
            out[target.wire] = self._force_value(draw, target.site, at, allowed, injected)
        else:
            out[target.wire] = self._apply(draw, target, choice, draw(self._plain_value(target.site)), at, allowed,
                                           injected)
        return out

    def _force_value(self, draw: st.DrawFn, site: Site, ptr: str, allowed: frozenset[str],
                     injected: list[Injected]) -> Any:
        """A value at ``site`` holding at least one quirk (``site`` can hold one: see _value_capable)."""
        if site.model is not None:
            return self._force_object(draw, site.model, ptr, allowed, injected)
        if site.items is not None:
            items = site.items
            value = draw(self._array(site, max(1, site.min_items or 0)))
            index = draw(st.integers(0, len(value) - 1))
            out = []
            for i, item in enumerate(value):
                at = f"{ptr}/{i}"
                if i == index:
                    out.append(self._force_value(draw, items, at, allowed, injected))
                else:  # in a unique array, one injected item at most: two could collide
                    out.append(item if site.unique_items else self._inject_value(draw, items, item, at, allowed,
                                                                                  injected))
            return out
        if site.values is not None:
            mapping = draw(st.dictionaries(KEYS, self.value(site.values), min_size=1, max_size=2))
            chosen = draw(st.sampled_from(sorted(mapping)))
            return {key: self._force_value(draw, site.values, f"{ptr}/{escape(key)}", allowed, injected)
                    if key == chosen else self._inject_value(draw, site.values, item, f"{ptr}/{escape(key)}", allowed,
                                                             injected) for key, item in mapping.items()}
        if site.variants:
            capable = [i for i, v in enumerate(site.variants) if self._value_capable(v, allowed)]
            index = draw(st.sampled_from(capable))
            variant = site.variants[index]
            if site.discriminator is not None and variant.model is not None:
                tag = draw(st.sampled_from([t for t, i in site.tags if i == index]))
                forced = self._force_object(draw, variant.model, ptr, allowed, injected, site.discriminator)
                return _with_tag(forced, key=site.discriminator, tag=tag)
            return self._force_value(draw, variant, ptr, allowed, injected)
        injected.append(Injected(ptr, site.enum_quirk))
        return draw(_outside_site(site))

    def _apply(self, draw: st.DrawFn, prop: Prop, choice: Any, item: Any, at: str, allowed: frozenset[str],
               injected: list[Injected]) -> Any:
        """The value of ``prop`` with the quirk ``choice`` applied to its valid value ``item``."""
        site = prop.site
        if choice == "null":
            injected.append(Injected(at, site.null_quirk))
            return None
        if choice == "enum":
            injected.append(Injected(at, site.enum_quirk))
            return draw(_outside_site(site))
        if choice.shape == "relaxed":  # a value the documented site refuses and the wider one accepts
            injected.append(Injected(at, choice.quirk))
            wider = choice.site
            # the wider site's own values the documented one refuses (a narrow wider pattern is met by
            # nothing else), or the strings that break the documented site and happen to meet the wider one
            made = self.value(wider).filter(lambda v: site.problem(v) is not None)
            if site.json_type == "string":
                made = made | _breaking_string(site).filter(lambda v: wider.problem(v) is None)
            elif misses := [miss for _, miss in _number_misses(site)]:  # just past a bound, or off multipleOf
                made = made | st.one_of(misses).filter(lambda v: wider.problem(v) is None)
            return draw(made)
        if choice.shape == "single-item-list":
            injected.append(Injected(at, choice.quirk))
            if item is None:  # a nullable property's null is not wrapped: the tolerated shape holds a value
                item = draw(self._plain_value(choice.site))
            return [self._inject_value(draw, choice.site, item, f"{at}/0", allowed, injected)]
        injected.append(Injected(at, choice.quirk))
        return draw(self.value(choice.site))

    def _inject_object(self, draw: st.DrawFn, model: str, value: dict[str, Any], ptr: str,
                       allowed: frozenset[str], injected: list[Injected], keep: str | None = None) -> dict[str, Any]:
        props = {p.wire: p for p in self.schema[model]}
        out: dict[str, Any] = {}
        for key, item in value.items():
            prop = props.get(key)
            at = f"{ptr}/{escape(key)}"
            if prop is None or key == keep:
                out[key] = item
                continue
            # Mostly keep the documented value: the first option is what Hypothesis shrinks towards.
            choice = draw(st.sampled_from([None, None, None, *self._direct(prop, allowed)]))
            if choice is None:
                out[key] = self._inject_value(draw, prop.site, item, at, allowed, injected)
            else:
                out[key] = self._apply(draw, prop, choice, item, at, allowed, injected)
        return out

    def _inject_value(self, draw: st.DrawFn, site: Site, value: Any, ptr: str, allowed: frozenset[str],
                      injected: list[Injected]) -> Any:
        if value is None:
            return value
        if site.model is not None:
            return self._inject_object(draw, site.model, value, ptr, allowed, injected)
        if site.items is not None:
            items = site.items
            if site.unique_items:
                return value
            return [self._inject_value(draw, items, x, f"{ptr}/{i}", allowed, injected) for i, x in enumerate(value)]
        if site.values is not None:
            values = site.values
            return {k: self._inject_value(draw, values, x, f"{ptr}/{escape(k)}", allowed, injected)
                    for k, x in value.items()}
        if site.variants:
            if site.discriminator is None:
                return value
            index = dict(site.tags).get(value.get(site.discriminator))
            model = site.variants[index].model if index is not None else None
            return self._inject_object(draw, model, value, ptr, allowed, injected, site.discriminator) \
                if model is not None else value
        if site.enum_quirk in allowed and draw(st.integers(0, 3)) == 0:
            injected.append(Injected(ptr, site.enum_quirk))
            return draw(_outside_site(site))
        return value

    # -- observed payloads: valid, plus what is known off the page -------------------------------------
    def observed(self, model: str) -> st.SearchStrategy[Drawn]:
        """Valid payloads with fields and enumeration values known off the page added, at least one."""
        if not self._model_observable(model):
            raise ValueError(f"nothing known off the page can show in a {model} payload")
        return _observed(self, model)

    def _model_observable(self, model: str) -> bool:
        if model not in self._observable:
            self._observable[model] = False  # a cycle adds nothing by itself
            self._observable[model] = any(p.known is not None or self._site_observable(p.site)
                                          for p in self.schema[model])
        return self._observable[model]

    def _site_observable(self, site: Site) -> bool:
        if site.known_levels or (site.model is not None and self._model_observable(site.model)):
            return True
        return any(self._site_observable(s) for s in (site.items, site.values, *site.variants) if s is not None)

    def _observe_object(self, draw: st.DrawFn, model: str, value: dict[str, Any], ptr: str,
                        injected: list[Injected]) -> dict[str, Any]:
        props = {p.wire: p for p in self.schema[model]}
        out = {key: self._observe_value(draw, props[key].site, item, f"{ptr}/{escape(key)}", injected)
               if key in props else item for key, item in value.items()}
        for prop in props.values():
            if prop.known is not None and prop.wire not in out and draw(st.booleans()):
                injected.append(Injected(f"{ptr}/{escape(prop.wire)}", None, KNOWN_FIELD, prop.known.level))
                out[prop.wire] = draw(self.value(prop.site))
        return out

    def _observe_value(self, draw: st.DrawFn, site: Site, value: Any, ptr: str, injected: list[Injected]) -> Any:
        if value is None:
            return value
        if site.model is not None:
            return self._observe_object(draw, site.model, value, ptr, injected)
        if site.items is not None and not site.unique_items:
            return [self._observe_value(draw, site.items, x, f"{ptr}/{i}", injected) for i, x in enumerate(value)]
        if site.values is not None:
            return {k: self._observe_value(draw, site.values, x, f"{ptr}/{escape(k)}", injected)
                    for k, x in value.items()}
        if site.variants and site.discriminator is not None:
            index = dict(site.tags).get(value.get(site.discriminator))
            model = site.variants[index].model if index is not None else None
            return self._observe_object(draw, model, value, ptr, injected) if model is not None else value
        if site.known_levels and draw(st.integers(0, 2)) == 0:
            known = draw(st.sampled_from(sorted(site.known_levels)))
            injected.append(Injected(ptr, None, KNOWN_VALUE, site.known_levels[known]))
            return known
        return value

    # -- invalid payloads: one targeted mutation that breaks both contracts ------------------------------
    def invalid(self, model: str) -> st.SearchStrategy[Drawn]:
        return _invalid(self, model)

    def _spots(self, site: Site, value: Any, path: tuple[str | int, ...], ptr: str,
               prop: Prop | None) -> Iterator[_Spot]:
        yield _Spot(path, ptr, site, prop)
        if value is None:
            return
        model = site.model
        if site.variants and site.discriminator is not None:
            index = dict(site.tags).get(value.get(site.discriminator))
            model = site.variants[index].model if index is not None else None
        if model is not None:
            props = {p.wire: p for p in self.schema[model]}
            for key, item in value.items():
                child = props.get(key)
                if child is not None and key != site.discriminator:
                    yield from self._spots(child.site, item, (*path, key), f"{ptr}/{escape(key)}", child)
        elif site.items is not None:
            for i, item in enumerate(value):
                yield from self._spots(site.items, item, (*path, i), f"{ptr}/{i}", None)
        elif site.values is not None:
            for key, item in value.items():
                yield from self._spots(site.values, item, (*path, key), f"{ptr}/{escape(key)}", None)

    def _mutations(self, spot: _Spot, value: Any) -> list[tuple[str, st.SearchStrategy[Any]]]:
        site, prop = spot.site, spot.prop
        tolerated = {t.site.json_type if t.shape == "alternative" else "array" for t in prop.tolerances
                     if t.shape != "relaxed"} if prop is not None else set()
        if site.null_quirk is not None or site.nullable:
            tolerated.add("null")
        own = set(site.json_type.split(" or "))
        kinds = own | ({"integer"} if "number" in own else set()) | tolerated
        if kinds & {"integer", "number"}:
            kinds.add("integral float")
        out: list[tuple[str, st.SearchStrategy[Any]]] = [("wrong JSON type", _wrong_type(kinds))]
        if site.json_type == "string" and site.enum is None and not site.const and (
                site.pattern is not None or site.format is not None or site.min_length is not None
                or site.max_length is not None):
            wider = [w for _, w in site.relaxed]
            out.append(("string constraint miss", _breaking_string(site).filter(
                lambda s: all(w.problem(s) is not None for w in wider))))
        if site.json_type in ("integer", "number"):
            out += _number_misses(site)
        if site.const:
            miss = _const_miss(site.const[0])
            out.append(("const miss", st.just(miss)))
        if site.enum is not None and site.enum_quirk is None:
            out.append(("enum miss", _outside_site(site)))
        if site.items is not None and site.unique_items and type(value) is list:
            twice = (st.just([*value, value[0]]) if value
                     else self.value(site.items).map(lambda x: [x, copy.deepcopy(x)]))
            out.append(("duplicate items", twice))
        if site.discriminator is not None and type(value) is dict:
            out.append(("discriminator miss", st.just({**value, site.discriminator: "\u0000no such variant"})))
        if site.model is not None and site.model in self.closed and type(value) is dict:
            out.append(("property not allowed", st.just({**value, _EXTRA_KEY: 1})))
        if prop is not None and prop.required:
            out.append(("missing required property", st.nothing()))
        if prop is not None and any(t.shape == "single-item-list" for t in prop.tolerances):
            item = self._plain_value(site)
            out.append(("empty array where a one-item array is tolerated", st.just([])))
            out.append(("two-item array where a one-item array is tolerated", st.lists(item, min_size=2, max_size=2)))
        return out


_EXTRA_KEY: Final = "x-not-in-the-contract"


def _wrong_type(kinds: set[str]) -> st.SearchStrategy[Any]:
    """A value of none of ``kinds``: the kind first (evenly: ``sampled_from`` leans hard on a list's first item),
    then a value, so booleans and integral floats, each a kind of its own, get their share."""
    wrong = [kind for kind in _JSON_SAMPLES if kind not in kinds]
    return st.integers(0, 2**16).flatmap(lambda n: st.sampled_from(_JSON_SAMPLES[wrong[n % len(wrong)]]))


def _with_tag(payload: dict[str, Any], *, key: str, tag: str) -> dict[str, Any]:
    return {**payload, key: tag}


def _const_miss(value: Any) -> Any:
    if type(value) is bool:
        return not value
    if type(value) is str:
        return value + "x"
    return value + 1


def _number_misses(site: Site) -> list[tuple[str, st.SearchStrategy[Any]]]:
    """Numbers just outside the site's bounds, and off its multipleOf (each checked to break it)."""
    candidates: list[tuple[str, Any]] = []
    if site.minimum is not None:
        candidates.append(("below minimum", math.floor(site.minimum) - 1))
    if site.maximum is not None:
        candidates.append(("above maximum", math.ceil(site.maximum) + 1))
    if site.exclusive_minimum is not None:
        candidates.append(("at the exclusive minimum", site.exclusive_minimum))
    if site.exclusive_maximum is not None:
        candidates.append(("at the exclusive maximum", site.exclusive_maximum))
    if site.multiple_of is not None:
        step = site.multiple_of
        candidates += [("not a multiple", v) for v in (step * 1.5, step + 1, step * 2 + step / 3)
                       if not is_multiple(v, step)][:1]
    return [(name, st.just(v)) for name, v in candidates if site.problem(v) is not None]


@st.composite
def _quirky(draw: st.DrawFn, strategies: Strategies, model: str, allowed: frozenset[str]) -> Drawn:
    injected: list[Injected] = []
    payload = strategies._force_object(draw, model, "", allowed, injected)
    return Drawn("quirky", payload, tuple(injected))


@st.composite
def _observed(draw: st.DrawFn, strategies: Strategies, model: str) -> Drawn:
    injected: list[Injected] = []
    payload = strategies._observe_object(draw, model, draw(strategies.payloads(model)), "", injected)
    if not injected:  # force one: a field at the top when the model has one, else draw again
        known = [p for p in strategies.schema[model] if p.known is not None]
        assume(known)
        prop = draw(st.sampled_from(known))
        assert prop.known is not None
        injected.append(Injected(f"/{escape(prop.wire)}", None, KNOWN_FIELD, prop.known.level))
        payload[prop.wire] = draw(strategies.value(prop.site))
    return Drawn("observed", payload, tuple(injected))


@st.composite
def _invalid(draw: st.DrawFn, strategies: Strategies, model: str) -> Drawn:
    payload = draw(strategies.payloads(model))
    root = Site("object", "", model=model)
    candidates = [(spot, name, make) for spot in strategies._spots(root, payload, (), "", None)
                  for name, make in strategies._mutations(spot, _at(payload, spot.path))]
    # Pick the kind of mutation first, so rare kinds (a constraint miss) are as likely as wrong types.
    kinds = sorted({name for _, name, _ in candidates}, key=lambda n: (_ORDER.index(n) if n in _ORDER else 99, n))
    kind = draw(st.sampled_from(kinds))
    spot, name, make = draw(st.sampled_from([c for c in candidates if c[1] == kind]))
    mutated = copy.deepcopy(payload)
    pointer = spot.pointer
    if name == "missing required property":
        _parent(mutated, spot.path).pop(spot.path[-1])
    elif spot.path:
        _parent(mutated, spot.path)[spot.path[-1]] = draw(make)
    else:
        mutated = draw(make)
    if name == "property not allowed":
        pointer = f"{spot.pointer}/{escape(_EXTRA_KEY)}"
    elif name == "discriminator miss":
        pointer = f"{spot.pointer}/{escape(spot.site.discriminator or '')}"
    return Drawn("invalid", mutated, (Injected(pointer, None, name),))


def _at(doc: Any, path: tuple[str | int, ...]) -> Any:
    for token in path:
        doc = doc[token]
    return doc


def _quirks_of(prop: Prop) -> Iterator[str]:
    """Every quirk a payload can show at ``prop``, its items, its values and its variants."""
    yield from (t.quirk for t in prop.tolerances)
    stack = [prop.site] + [t.site for t in prop.tolerances]
    while stack:
        site = stack.pop()
        yield from (q for q in (site.null_quirk, site.enum_quirk) if q is not None)
        stack += [s for s in (site.items, site.values, *site.variants) if s is not None]


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
            stack += [s for s in (site.items, site.values, *site.variants) if s is not None]

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
    if site.const:
        return st.just(site.const[0])
    if site.json_type == "boolean":
        return st.booleans()
    if site.json_type == "integer":
        return _integers(site)
    if site.json_type == "number":
        return _numbers(site)
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


def _integers(site: Site) -> st.SearchStrategy[int]:
    low = None if site.minimum is None else math.ceil(site.minimum)
    high = None if site.maximum is None else math.floor(site.maximum)
    if site.exclusive_minimum is not None:
        low = max(low if low is not None else -(2**63), math.floor(site.exclusive_minimum) + 1)
    if site.exclusive_maximum is not None:
        high = min(high if high is not None else 2**63, math.ceil(site.exclusive_maximum) - 1)
    step = site.multiple_of
    if step is not None and float(step).is_integer():
        k_low = None if low is None else math.ceil(low / step)
        k_high = None if high is None else math.floor(high / step)
        return st.integers(k_low, k_high).map(lambda k: int(k * step))
    found = st.integers(low, high)
    return found.filter(lambda v: is_multiple(v, step)) if step is not None else found


def _numbers(site: Site) -> st.SearchStrategy[float]:
    low, high = site.minimum, site.maximum
    exclude_low = exclude_high = False
    if site.exclusive_minimum is not None and (low is None or site.exclusive_minimum >= low):
        low, exclude_low = site.exclusive_minimum, True
    if site.exclusive_maximum is not None and (high is None or site.exclusive_maximum <= high):
        high, exclude_high = site.exclusive_maximum, True
    step = site.multiple_of
    if step is not None:
        k_low = None if low is None else math.ceil(low / step)
        k_high = None if high is None else math.floor(high / step)
        return st.integers(k_low, k_high).map(lambda k: k * step).filter(lambda v: site.problem(v) is None)
    return st.floats(_inward(low, up=True), _inward(high, up=False), exclude_min=exclude_low,
                     exclude_max=exclude_high, allow_nan=False, allow_infinity=False)


def _inward(bound: float | None, *, up: bool) -> float | None:
    """``bound`` as a float bound on the inside of it (an integer bound such as 2**53 + 1 is not a float; one
    past the largest float leaves that side unbounded)."""
    if bound is None:
        return None
    try:
        near = float(bound)
    except OverflowError:
        return None
    if up and near < bound:
        return math.nextafter(near, math.inf)
    if not up and near > bound:
        return math.nextafter(near, -math.inf)
    return near


def _parent(doc: Any, path: tuple[str | int, ...]) -> Any:
    for token in path[:-1]:
        doc = doc[token]
    return doc


def _breaking_string(site: Site) -> st.SearchStrategy[str]:
    """Strings the site refuses (length, pattern, format), as the site itself judges them."""
    hi = site.max_length
    candidates = ["", " ", "x" * ((hi or 64) + 1), "a=b", "/", "<x>", "_lead", "a b", "x\n", "名字", "2022-13-01",
                  *FORMAT_MISSES.get(site.format or "", [])]
    return st.one_of(st.sampled_from(candidates), st.text(string.printable, max_size=8)).filter(
        lambda s: site.problem(s) is not None)


__all__ = ["FORMATS", "FORMAT_MISSES", "KEYS", "KNOWN_FIELD", "KNOWN_VALUE", "TEXT", "VALUES", "Drawn", "Injected",
           "Strategies", "bounded_text", "objects", "patterned"]
