"""msgspec types for the documented contract of each model: what ``from_json`` decodes a body into first, and
what ``deskkit validate`` checks a body with (one pass in C, no objects of ours, no pointers).

Built at run time from what ``models.SCHEMA`` records (each property's wire name and use-site): a ``Struct``
per model that forbids unknown fields, documented enum members as ``Literal`` values, patterns, lengths, bounds
and item counts as ``Meta`` constraints, and a date-time as its pattern plus a regex admitting only days every
month has. A body msgspec decodes into them is conformant with nothing to report — the full parser would say
exactly that; anything it refuses (a problem, a quirk, a null, an unknown field, a value off the page, text the
standard library reads differently) goes to the parsers, which decide. Where the schema holds something it
cannot say as strictly (a union, a format other than date-time, ``uniqueItems``, ``multipleOf``, bounds on a
``number``, a recursive model), there is no struct and the parsers alone run.

A struct's attributes are ``f<i>``, ``i`` the property's index in ``SCHEMA[model]`` (wire names need not be
identifiers); the generated ``_fast.py`` reads them by those names to build the model's objects.

:func:`observer_for` does the same for the *observed* contract, for verdicts only: structs that also take
what the declared quirks tolerate (a null where a quirk allows one, an enum value known off the page or
tolerated by a quirk, a one-item array or an alternative shape), and the generated walk of the decoded
structs (``_fast.py``'s ``_o_<Model>``) reports each such deviation through :class:`Context`, as the full
parser does at the same place with the same site. What they cannot take (a problem, an unknown field, a field
known off the page) is refused, and the full parser decides.
``DESKKIT_FAST_JSON=0`` (or no msgspec) turns all of this off.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal, Union

from ._runtime import TAPE_KEPT_AT_MOST, UNSET, Context, Judgement

#: The start of a date-time whose day every month has (the date-time pattern says the rest).
DAY = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])[Tt]"


class Unsupported(Exception):
    """The schema holds something msgspec cannot check as strictly as the generated parser."""


@cache
def struct_for(model: Any) -> Any:
    """The msgspec ``Struct`` type of ``model``'s documented contract (built once), or None: msgspec is not
    installed or is turned off, or the schema holds something msgspec cannot check as strictly."""
    if os.environ.get("DESKKIT_FAST_JSON", "1") == "0":
        return None
    try:
        import msgspec  # noqa: F401 - only to know it is there
    except ImportError:
        return None
    try:
        return _builder(model.__module__).struct(model.__name__)
    except Unsupported:
        return None


@cache
def _builder(module: str) -> _Builder:
    """One builder per bindings module: a model's struct is built once, whichever roots reach it."""
    return _Builder(getattr(sys.modules[module], "SCHEMA", {}))


class _Builder:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.built: dict[str, Any] = {}
        self.building: set[str] = set()

    def struct(self, name: str) -> Any:
        import msgspec

        if name in self.built:
            return self.built[name]
        if name in self.building or name not in self.schema:
            raise Unsupported(f"recursive or unknown model {name}")
        self.building.add(name)
        try:
            fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
            rename: dict[str, str] = {}
            for index, prop in enumerate(self.schema[name]):
                if getattr(prop, "known", None) is not None:
                    continue  # known off the page, not documented: present, it is an unknown field here
                attr = f"f{index}"
                rename[attr] = prop.wire
                kind = self.prop_type(prop)
                fields.append((attr, kind) if prop.required else (attr, kind, UNSET))  # absent: UNSET, as parsed
            try:
                built = msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True, rename=rename,
                                          gc=False)
            except ValueError as exc:  # a wire name msgspec will not rename to (a quote, a backslash, a control)
                raise Unsupported(f"a property name msgspec refuses ({exc})") from None
        finally:
            self.building.discard(name)  # refused too: another root may still ask, and be refused again
        self.built[name] = built
        return built

    def prop_type(self, prop: Any) -> Any:
        return self.type_of(prop.site)

    def type_of(self, site: Any) -> Any:
        import msgspec

        if site.variants or site.discriminator is not None:
            raise Unsupported("a union")
        if site.model is not None:
            return self.struct(site.model)
        if site.items is not None:
            if site.unique_items:
                raise Unsupported("uniqueItems")
            items = self.type_of(site.items)
            if site.min_items is None and site.max_items is None:
                return list[items]  # type: ignore[valid-type]
            return Annotated[list[items], msgspec.Meta(min_length=site.min_items,  # type: ignore[valid-type]
                                                        max_length=site.max_items)]
        if site.values is not None:
            return dict[str, self.type_of(site.values)]  # type: ignore[misc]
        return self.scalar(site)

    def scalar(self, site: Any) -> Any:
        import msgspec

        if site.enum is not None:
            values = tuple(site.members)  # the documented members (a value known off the page is not one)
            if not values or not all(type(v) is str for v in values):
                raise Unsupported("an enum of other values")
            return Literal[values]
        if site.const:
            value = site.const[0]
            if type(value) is not str:
                raise Unsupported("a const that is not a string")
            return Literal[value]
        if site.multiple_of is not None:
            raise Unsupported("multipleOf")
        if site.json_type == "string":
            pattern = site.pattern.pattern if site.pattern is not None else None
            if site.format == "date-time":
                pattern = rf"\A(?:{site.day.pattern})" if site.day is not None else _with_day(pattern)
            elif site.format is not None:
                raise Unsupported(f"format {site.format}")
            if pattern is None and site.min_length is None and site.max_length is None:
                return str
            return Annotated[str, msgspec.Meta(pattern=pattern, min_length=site.min_length,
                                               max_length=site.max_length)]
        bounds = {"ge": site.minimum, "le": site.maximum, "gt": site.exclusive_minimum,
                  "lt": site.exclusive_maximum}
        if site.json_type == "integer":
            given = {key: value for key, value in bounds.items() if value is not None}
            if any(type(value) is not int for value in given.values()):
                raise Unsupported("an integer bound that is not an integer")
            return Annotated[int, msgspec.Meta(**given)] if given else int
        if site.json_type == "number":
            if any(value is not None for value in bounds.values()):
                raise Unsupported("bounds on a number")  # msgspec compares as floats: 2**53 + 1 rounds
            return int | float  # an integer stays an int, as the parsers keep it (float alone would convert)
        if site.json_type == "boolean":
            return bool
        raise Unsupported(f"type {site.json_type}")


@cache
def observer_for(model: Any) -> Callable[[bytes | bytearray | str], Judgement | bool | None] | None:
    """A function giving the :class:`Judgement` of a body that the observed contract takes without a problem,
    unknown field or field known off the page — what ``model.judge`` would give — or None (ask the full
    parser), or False (msgspec read no JSON there: the standard library decides, and says where); itself
    None where msgspec is not there or cannot take this model's observed contract (a union, a quirk that
    relaxes a constraint, values known off the page for a string without an enum), or the model has no walk
    (``_fast.py``'s ``_o_<Model>``: none where a union or a relaxed constraint is reached).

    The narrow contract first, where the model has a narrow walk (``_n_<Model>``): a body with no null and
    no enum value that a quirk tolerates (a vendor's systematic deviations: a shape, a value known off the
    page) is walked only where those can be, a fraction of the observed walk. A body the narrow structs
    refuse takes the observed ones."""
    walk = getattr(model, "_observed", None)  # (None too for bindings whose _fast.py has no walks)
    if walk is None or os.environ.get("DESKKIT_FAST_JSON", "1") == "0":
        return None
    try:
        import msgspec
    except ImportError:
        return None
    try:
        decode = msgspec.json.Decoder(_observed(model.__module__).struct(model.__name__)).decode
    except (Unsupported, TypeError):  # (TypeError: a union msgspec cannot tell apart)
        return None
    narrow_walk = getattr(model, "_narrow", None)
    narrow = None
    if narrow_walk is not None:
        with contextlib.suppress(Unsupported, TypeError):
            narrow = msgspec.json.Decoder(_narrow(model.__module__).struct(model.__name__)).decode

    # The narrow structs pay where they take the body (a walk a fraction of the observed one's) and cost a
    # second decode where they refuse it. They are tried while they took at least half of the bodies tried of
    # late, and then on one body in 64, to notice when they would take them again (the judgement is the
    # same either way: only the time differs).
    score = 0  # narrow successes minus failures of late, kept within -16..16
    waited = 0  # bodies since the narrow structs were last tried

    refused = msgspec.ValidationError  # JSON, not in these structs (any other error: not JSON to msgspec)

    def observe(body: bytes | bytearray | str) -> Judgement | bool | None:
        nonlocal score, waited
        structs, walker = None, walk
        if narrow is not None:
            if score < 0 and waited < 64:
                waited += 1
            else:
                waited = 0
                try:
                    structs = narrow(body)
                except refused:  # a null, a stray enum value, or worse: the observed structs decide
                    score = max(score - 1, -16)
                except Exception:  # (or doubted)
                    return False
                else:
                    score = min(score + 1, 16)
                    walker = narrow_walk
        if walker is walk:
            try:
                structs = decode(body)
            except refused:  # the full parser decides
                return None
            except Exception:  # (or doubted)
                return False
        tape = _Tape()
        try:
            walker(structs, "", tape)
        except Exception:  # a walk that does not fit its structs (a bug): the full parser decides
            return None
        key = tuple(tape.key)
        kept = len(key) <= TAPE_KEPT_AT_MOST  # (a longer tape, a long list's, rarely comes again)
        try:
            found = judged.get(key)
        except TypeError:  # a value that cannot be a key (none expected: walks see strings and nulls)
            found, kept = None, False
        if found is None:
            found = tape.judgement()
            if found.problems:  # (none expected: the structs take no problem)
                return None
            if kept:
                if len(judged) >= _JUDGED:
                    judged.clear()
                judged[key] = found
        return found

    judged: dict[tuple[Any, ...], Judgement] = {}  # a tape's key: the judgement it makes
    return observe


#: Judgements an observer keeps, by what its walk found (then it starts again: memory stays flat).
_JUDGED = 1024


class _Tape:
    """What a walk found, in the order it found it, not judged yet: the three :class:`Context` methods the
    walks call, recorded. Bodies whose walks find the same things at the same places (a vendor's systematic
    quirks, line after line) make the same key, and one judgement serves them all: a :class:`Finding` and a
    judgement are made (and their pointers sorted) once, and the one object returned lets the report render
    it once too. A key holds each site's identity (sites live as long as their bindings), the value and the
    pointer: all a finding is made of."""

    __slots__ = ("calls", "key")

    def __init__(self) -> None:
        self.calls: list[tuple[Callable[..., Any], Any, Any, str]] = []
        self.key: list[tuple[Any, ...]] = []

    def bad(self, value: Any, pointer: str, site: Any) -> Any:
        self.calls.append((Context.bad, site, value, pointer))
        self.key.append((id(site), type(value), value, pointer))  # (the type: 1 == 1.0 == True as keys)
        return value

    # A narrow walk's value known off the page: Context.bad finds it first, the same finding (and key)
    known_value = bad

    def tolerated(self, tolerance: Any, pointer: str) -> None:
        self.calls.append((_tolerated, tolerance, None, pointer))
        self.key.append((id(tolerance), None, pointer))

    def judgement(self) -> Judgement:
        """What a :class:`Context` given the same calls judges."""
        cx = Context()
        for method, site, value, pointer in self.calls:
            method(cx, value, pointer, site)
        return cx.judgement()


def _tolerated(cx: Context, value: None, pointer: str, tolerance: Any) -> None:
    cx.tolerated(tolerance, pointer)


@cache
def _observed(module: str) -> _Observed:
    """One builder of observed structs per bindings module."""
    return _Observed(getattr(sys.modules[module], "SCHEMA", {}))


@cache
def _narrow(module: str) -> _Narrow:
    """One builder of narrow structs per bindings module."""
    return _Narrow(getattr(sys.modules[module], "SCHEMA", {}))


class _Observed(_Builder):
    """Structs of the observed contract: the documented one's, and where a quirk tolerates it a null, an enum
    value off the page (any string where a quirk tolerates one), a one-item array or an alternative shape."""

    def prop_type(self, prop: Any) -> Any:
        import msgspec

        kind = self.type_of(prop.site)
        for tolerance in prop.tolerances:
            shape = self.type_of(tolerance.site)
            if tolerance.shape == "single-item-list":
                shape = Annotated[list[shape], msgspec.Meta(min_length=1, max_length=1)]  # type: ignore[valid-type]
            kind = Union[kind, shape]  # noqa: UP007 - a type built at run time
        return kind

    def type_of(self, site: Any) -> Any:
        if site.relaxed:
            raise Unsupported("a quirk that relaxes a constraint")
        if site.known_values and site.enum is None:
            raise Unsupported("values known off the page outside an enum")
        kind = super().type_of(site)
        return kind | None if self.takes_null(site) else kind

    def takes_null(self, site: Any) -> bool:
        return site.null_quirk is not None or site.nullable

    def scalar(self, site: Any) -> Any:
        if site.enum is not None and site.enum_quirk is not None:
            return str  # any string: the walk tells the documented members from the others
        return self.known(site)

    def known(self, site: Any) -> Any:
        """An enum's documented members and the values known off the page; the documented type elsewhere."""
        if site.enum is not None and site.known_values:
            values = (*site.members, *(value for value, _ in site.known_values))
            if not all(type(v) is str for v in values):
                raise Unsupported("an enum of other values")
            return Literal[values]
        return super().scalar(site)


class _Narrow(_Observed):
    """Structs of the narrow contract: the observed one's without a null or an enum value that a quirk
    tolerates (documented nulls and values known off the page stay)."""

    def takes_null(self, site: Any) -> bool:
        return bool(site.nullable)

    def scalar(self, site: Any) -> Any:
        return self.known(site)


def _with_day(pattern: str | None) -> str:
    """``pattern`` (searched) and :data:`DAY` (at the start) as one regex msgspec searches: anchored at the
    start, so it matches only where both do."""
    if pattern is None:
        return r"\A" + DAY
    if re.match(r"\(\?[aiLmsux]+\)", pattern):
        raise Unsupported("a pattern with global flags")
    return rf"\A(?={DAY})(?:{pattern})"
