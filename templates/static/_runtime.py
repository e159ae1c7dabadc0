"""Runtime support shared by the generated models: UNSET, findings, use-site descriptors, the parse context.

Errors::

    ValueError
    └── ContractError      a payload breaks the contract; ``.problems`` lists every problem found

Parsing never stops at the first problem: the generated code records problems (contract broken) and
deviations (contract kept only through a declared quirk, or through a value known off the page) on a
:class:`Context` and decides at the end — strict mode turns deviations into problems, tolerant mode keeps them
on the result. Fields known off the page (declared by the vendor elsewhere, or seen in captures) are typed
and listed as ``off_page`` findings in both modes: the page promises nothing about them, so they never make
a payload fail.

This module is copied verbatim into every generated package: nothing in it depends on the spec. What does
is described by :class:`Site` values the generated ``models.py`` builds, one per use-site of a type.
"""

from __future__ import annotations

import ipaddress
import json
import json.decoder
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field
from datetime import date
from enum import Enum
from functools import cache, partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, Final, NamedTuple, Self, TypeVar


class Unset:
    """The type of :data:`UNSET`: a property that was absent, as opposed to present and ``null``."""

    __slots__ = ()
    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset()

#: Where a declared quirk lives in the spec (deskkit's own extension).
QUIRK_RULE_PREFIX: Final = "#/x-deskkit-quirks/"


class Finding(NamedTuple):
    """Something a parse found, located by an RFC 6901 ``pointer`` into the document as received.

    ``rule`` is the spec rule of the place (what the documented contract says there); ``quirk`` and
    ``quirk_rule`` name the declared quirk that accepts the value in tolerant mode, when there is one.
    ``known`` is set when what was found is known off the page (``x-deskkit-known``), at that level:
    ``sdk`` (declared by the vendor outside the page) or ``captures`` (seen in real responses).
    A named tuple: immutable, and cheap to make on the failure path.
    """

    pointer: str
    message: str
    rule: str
    quirk: str | None = None
    quirk_rule: str | None = None
    known: str | None = None

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


#: A broken rule (the payload fails the contract in this mode).
Problem = Finding
#: A place where the payload left the documented contract through a declared quirk (tolerant mode keeps it).
Deviation = Finding

#: ``Finding`` from one tuple of all six fields, in C: the parsers' failure paths make many (the named
#: tuple's own ``__new__`` is a Python function, with its keyword defaults).
_finding: Final = partial(tuple.__new__, Finding)

#: What each level of knowledge means, as the findings say it.
LEVELS: Final[dict[str, str]] = {
    "sdk": "declared by the vendor outside the page (SDK, API definition)",
    "captures": "seen in captured responses",
}


class Known(NamedTuple):
    """A property the page does not document, known at ``level`` (``x-deskkit-known`` at ``rule``)."""

    level: str
    rule: str

    @property
    def message(self) -> str:
        return f"a field the page does not document, {LEVELS.get(self.level, self.level)}"


class ContractError(ValueError):
    """The payload breaks the contract; ``problems`` lists all of them, each with its pointer."""

    #: Set by the HTTP client: the X-Request-Id of the response whose body broke the contract.
    request_id: str | None = None

    def __init__(self, problems: Iterable[Finding]) -> None:
        self.problems: tuple[Finding, ...] = tuple(problems)
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        count = len(self.problems)
        super().__init__(f"{count} contract problem{'s' if count != 1 else ''}: {shown}{more}")


def escape(token: object) -> str:
    """Escape one JSON Pointer reference token (RFC 6901); keys that are not strings are shown as text."""
    return str(token).replace("~", "~0").replace("/", "~1")


@cache
def quirk_rule(quirk: str) -> str:
    return QUIRK_RULE_PREFIX + escape(quirk)


_JSON_NAMES: Final = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string",
                      list: "array", dict: "object"}


def json_type(value: object) -> str:
    """The JSON type name of a decoded value (or the Python type for anything JSON cannot hold)."""
    return _JSON_NAMES.get(type(value)) or f"a Python {type(value).__name__}"


def _is_json_type(value: object, name: str) -> bool:
    """JSON Schema's type test: 1.0 is an integer, True is not a number."""
    kind = type(value)
    if name == "integer":
        return kind is int or (kind is float and value.is_integer())  # type: ignore[attr-defined]
    if name == "number":
        return kind is int or kind is float
    return _JSON_NAMES.get(kind) == name


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


_JSON_SCALARS: Final = frozenset({str, int, bool, type(None)})


def _is_json(value: Any) -> bool:
    """Whether ``value`` is plain JSON data: the quick yes (C-level loops); :func:`not_json` explains a no.
    Too deep or inside itself counts as no, and :func:`not_json` (which does not recurse) says which."""
    kind = type(value)
    try:
        if kind is list:
            return all(map(_is_json, value))
        if kind is dict:
            return all(type(key) is str for key in value) and all(map(_is_json, value.values()))
    except RecursionError:
        return False
    return kind in _JSON_SCALARS or (kind is float and math.isfinite(value))


#: Where a value sits while :func:`not_json` walks: its parent's path and its own token (the root: None and
#: the pointer of the walked value). The pointer string is built only for what is reported, so a deep value
#: costs memory in its depth, not in the square of it (one string per level would be).
_Path = tuple["_Path | None", str]


def _pointer(path: _Path | None) -> str:
    tokens = []
    while path is not None:
        path, token = path
        tokens.append(token)
    return "/".join(reversed(tokens))


def not_json(value: Any, pointer: str, *, writing: bool = False) -> Iterator[Finding]:
    """What in plain data JSON cannot hold, by pointer: keys that are not strings, NaN and infinities,
    values of other Python types, a list or dict inside itself (walked without recursion). ``writing``: also
    integers too long for Python to write as text (past its int-string limit)."""
    stack: list[tuple[Any, _Path, bool]] = [(value, (None, pointer), False)]
    open_: set[int] = set()  # the containers being walked, to find one inside itself
    while stack:
        item, at, leaving = stack.pop()
        if leaving:
            open_.discard(id(item))
            continue
        kind = type(item)
        if kind in _JSON_SCALARS:
            if writing and kind is int and item.bit_length() > _SHORT_INT_BITS and not _writable(item):
                yield Finding(_pointer(at), f"an integer of more than {sys.get_int_max_str_digits():,} digits, "
                              "past Python's int-string limit (sys.set_int_max_str_digits): it cannot be written "
                              "as JSON text", "#")
            continue
        if kind is float:
            if not math.isfinite(item):
                name = "NaN" if item != item else "Infinity" if item > 0 else "-Infinity"
                yield Finding(_pointer(at), f"{name} is not a JSON number (RFC 8259 has no NaN or infinities)", "#")
        elif kind is list or kind is dict:
            if id(item) in open_:
                yield Finding(_pointer(at), f"a {kind.__name__} inside itself (JSON data is a tree)", "#")
                continue
            open_.add(id(item))
            stack.append((item, at, True))
            if kind is list:
                stack.extend((x, (at, str(i)), False) for i, x in reversed(list(enumerate(item))))
                continue
            for k, x in reversed(list(item.items())):
                if type(k) is str:
                    stack.append((x, (at, escape(k)), False))
                else:
                    yield Finding(_pointer(at), f"a key that is not a string: {_cut(repr(k))} (JSON object keys "
                                  "are strings)", "#")
        else:
            yield Finding(_pointer(at), f"a Python {kind.__name__}, which is not JSON data", "#")


#: Integers this long or shorter are always written (the int-string limit is at least 640 digits).
_SHORT_INT_BITS: Final = 2000


def _writable(number: int) -> bool:
    """Whether Python writes ``number`` as text (an integer past the int-string limit is a ValueError, raised
    before any digit is made)."""
    try:
        str(number)
    except ValueError:
        return False
    return True


#: json.dumps(text, ensure_ascii=False) without building an encoder per call (findings quote values).
_QUOTE: Final = json.JSONEncoder(ensure_ascii=False).encode


def _shown(value: object) -> str:
    text = _QUOTE(value) if isinstance(value, str) else json_type(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- formats: checked the way JSON Schema's format checkers (jsonschema's FormatChecker) check them -------------
# The generated parser tests ``format`` with these, beside the syntax pattern the schemas also carry for
# date-time and uri (so a final newline, which the checkers' `$` lets through, is refused by both).

_DATE_TIME: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]", re.ASCII)
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def is_date_time(text: str) -> bool:
    """RFC 3339 date-time (syntax by the site's pattern): a day the calendar has, year 1 or later, and no leap
    second (the format checkers know none)."""
    match = _DATE_TIME.match(text)
    if match is None:
        return False
    year, month, day = map(int, match.groups())
    if 1 <= day <= 28:  # every month has these days
        return year > 0 and 1 <= month <= 12
    return year > 0 and 1 <= month <= 12 and 1 <= day <= _days_in(year, month)


def _days_in(year: int, month: int) -> int:
    """The days of ``month`` (1-12) in ``year`` of the proleptic Gregorian calendar (what ``calendar`` says,
    without importing it at start-up)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def is_date(text: str) -> bool:
    """RFC 3339 full-date: four-two-two ASCII digits naming a real day."""
    if _DATE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_uuid(text: str) -> bool:
    """A UUID in its hyphenated form (8-4-4-4-12 hex digits)."""
    import uuid  # here: few specs ask for it, and it costs a start-up 3 ms (it imports platform)

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return all(text[i] == "-" for i in (8, 13, 18, 23))  # uuid.UUID took it: 32 hex digits, so no IndexError


def is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def is_ipv6(text: str) -> bool:
    """An IPv6 address without a zone id."""
    try:
        return not ipaddress.IPv6Address(text).scope_id
    except ValueError:
        return False


def is_email(text: str) -> bool:
    """As JSON Schema's format checkers read ``email``: an ``@`` somewhere (the address is the server's business)."""
    return "@" in text


# RFC 3986 §3 / Appendix A, URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]; dec-octets may carry
# leading zeros, as the format checker's grammar allows.
_HEX: Final = "[0-9A-Fa-f]"
_H16: Final = _HEX + "{1,4}"
_OCTET: Final = "(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)"
_V4: Final = r"(?:" + _OCTET + r"\.){3}" + _OCTET
_LS32: Final = "(?:" + _H16 + ":" + _H16 + "|" + _V4 + ")"


def _v6_form(before: int | None, after: int) -> str:
    """One form of IPv6address (RFC 3986 §3.2.2): up to ``before`` h16 before "::" (None: no "::"), then
    ``after`` h16 and ls32."""
    tail = "(?:" + _H16 + ":)" + "{" + str(after) + "}" + _LS32 if after else _LS32
    if before is None:
        return tail
    head = "" if before < 0 else "(?:(?:" + _H16 + ":){0," + str(before) + "}" + _H16 + ")?"
    return head + "::" + tail


_V6: Final = "(?:" + "|".join(
    [_v6_form(None, 6), _v6_form(-1, 5)] + [_v6_form(n, 4 - n) for n in range(5)]
    + ["(?:(?:" + _H16 + ":){0,5}" + _H16 + ")?::" + _H16, "(?:(?:" + _H16 + ":){0,6}" + _H16 + ")?::"]) + ")"
_UNRESERVED_SUB: Final = r"A-Za-z0-9\-._~!$&'()*+,;="
_PCT: Final = "%" + _HEX + "{2}"
_PCHAR: Final = "(?:[" + _UNRESERVED_SUB + ":@]|" + _PCT + ")"
_AUTHORITY: Final = ("(?:(?:[" + _UNRESERVED_SUB + ":]|" + _PCT + ")*@)?"
                     r"(?:\[(?:" + _V6 + "|v" + _HEX + r"+\.[" + _UNRESERVED_SUB + r":]+)\]|" + _V4
                     + "|(?:[" + _UNRESERVED_SUB + "]|" + _PCT + ")*)(?::[0-9]*)?")
_URI: Final = (
    r"[A-Za-z][A-Za-z0-9+.\-]*:(?://" + _AUTHORITY + "(?:/" + _PCHAR + "*)*|/(?:" + _PCHAR + "+(?:/" + _PCHAR
    + "*)*)?|" + _PCHAR + "+(?:/" + _PCHAR + r"*)*|)(?:\?(?:" + _PCHAR + "|[/?])*)?(?:#(?:" + _PCHAR + "|[/?])*)?"
)


@cache
def _uri() -> re.Pattern[str]:
    """:data:`_URI` compiled, once, when first used (4 ms: a start-up's worth for specs with no ``uri``)."""
    return re.compile(_URI)


def is_uri(text: str) -> bool:
    """An absolute URI (RFC 3986), syntax only."""
    return _uri().fullmatch(text) is not None


#: format name → check of a string (the other formats are not checked, and deskkit refuses them in a spec).
FORMATS: Final[dict[str, Callable[[str], bool]]] = {
    "date-time": is_date_time, "date": is_date, "uuid": is_uuid, "ipv4": is_ipv4, "ipv6": is_ipv6,
    "email": is_email, "uri": is_uri,
}


def is_multiple(value: int | float, step: int | float) -> bool:
    """``multipleOf`` as JSON Schema validators compute it: exactly for integers, by the float quotient
    otherwise (0.3 is not a multiple of 0.1 there, and so not here)."""
    if isinstance(value, float) and not math.isfinite(value):
        return False  # no multiple of anything (and neither int() nor Fraction takes it)
    if isinstance(step, float):
        quotient = value / step
        try:
            return int(quotient) == quotient
        except OverflowError:
            from fractions import Fraction  # here: only huge quotients need it

            return (Fraction(value) / Fraction(step)).denominator == 1
    return value % step == 0


def canonical(value: Any) -> Any:
    """A hashable form of JSON data under JSON equality: 1 and 1.0 alike, true and 1 not, key order ignored."""
    kind = type(value)
    if kind is float and value.is_integer():
        return ("n", int(value))
    if kind is int or kind is float:
        return ("n", value)
    if kind is list:
        return ("a", tuple(canonical(item) for item in value))
    if kind is dict:
        return ("o", frozenset((key, canonical(item)) for key, item in value.items()))
    return (kind.__name__, value)


def all_unique(items: list[Any]) -> bool:
    """``uniqueItems``: no two items equal as JSON values."""
    return len({canonical(item) for item in items}) == len(items)


def json_equal(left: Any, right: Any) -> bool:
    """Equality of JSON values (``const``): 1 equals 1.0, true does not equal 1."""
    return bool(canonical(left) == canonical(right))


@cache
def _expected_member(enum: type[Enum], known: tuple[tuple[str, str], ...] = ()) -> str:
    values = list(members(enum, known))
    if len(values) > 6:
        return f"expected a {enum.__name__} (one of {len(values)} values)"
    return f"expected one of {values}"


@cache
def members(enum: type[Enum], known: tuple[tuple[str, str], ...] = ()) -> Mapping[Any, Any]:
    """Documented wire value → member of ``enum`` (one dict per enumeration, shared by every site that uses it).
    ``known`` lists the (value, level) of members the page does not list: they are left out."""
    off = {value for value, _ in known}
    return {member.value: member for member in enum if member.value not in off}


@dataclass(frozen=True, slots=True)
class Site:
    """One use-site of a type (a property, an array's items, a map's values, a tolerated shape): what the
    contract asks of the value there. The parsers test the common case inline and consult a site only to
    explain a failure; the strategies draw values from the same sites."""

    json_type: str  # "string", …, "object"; for a union of scalars "string or integer"
    rule: str
    model: str | None = None
    items: Site | None = None
    values: Site | None = None
    enum: type[Enum] | None = None
    pattern: re.Pattern[str] | None = None
    format: str | None = None
    day: re.Pattern[str] | None = None  # a date-time: ``pattern`` and a day every month has, as one regex
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None
    const: tuple[Any, ...] = ()  # (value,) when the contract pins one value
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    variants: tuple[Site, ...] = ()  # a union's variants
    discriminator: str | None = None  # the property naming a union's variant
    tags: tuple[tuple[str, int], ...] = ()  # discriminator value → index of its variant
    nullable: bool = False  # null is conformant here (`type: [T, "null"]`)
    hint: str | None = None  # what real values look like (x-deskkit-values), for strategies
    null_quirk: str | None = None  # the quirk that tolerates null here
    enum_quirk: str | None = None  # the quirk that tolerates a string outside ``enum``
    known_values: tuple[tuple[str, str], ...] = ()  # (value, level): members of ``enum`` the page does not list
    relaxed: tuple[tuple[str, Site], ...] = ()  # (quirk, wider site of the same JSON type) a value may still meet
    #: Documented wire value → enum member (from ``enum``, the one spelling of the values).
    members: Mapping[Any, Any] = field(init=False, repr=False, compare=False)
    #: Wire value → level, for the values known off the page.
    known_levels: Mapping[str, str] = field(init=False, repr=False, compare=False)
    #: Wire value known off the page → (its deviation's message, its level, the typed value): made once.
    known_findings: Mapping[str, tuple[str, str, Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", members(self.enum, self.known_values) if self.enum is not None else {})
        object.__setattr__(self, "known_levels", dict(self.known_values))
        object.__setattr__(self, "known_findings", self._known_findings() if self.known_values else {})

    def _known_findings(self) -> dict[str, tuple[str, str, Any]]:
        typed = members(self.enum) if self.enum is not None else {}
        return {value: (f"{self.explain(value)}, a value not on the page, {LEVELS.get(level, level)}", level,
                        typed.get(value, value))
                for value, level in self.known_values}

    def explain(self, value: Any) -> str:
        """Why ``value`` (already of the right JSON type) breaks a constraint."""
        if self.enum is not None:
            return f"{_expected_member(self.enum, self.known_values)}, found {_shown(value)}"
        if self.const:
            return f"expected {json.dumps(self.const[0], ensure_ascii=False)}, found {_shown(value)}"
        if self.discriminator is not None:
            return f"expected {self.discriminator!r} to be one of {[tag for tag, _ in self.tags]}"
        if self.min_length is not None and len(value) < self.min_length:
            return f"expected at least {self.min_length} characters, found {len(value)}"
        if self.max_length is not None and len(value) > self.max_length:
            return f"expected at most {self.max_length} characters, found {len(value)}"
        if self.pattern is not None and self.pattern.search(value) is None:
            what = f"a {self.format} string" if self.format else f"a string matching {self.pattern.pattern}"
            return f"expected {what}, found {_shown(value)}"
        if self.format is not None and type(value) is str and not FORMATS[self.format](value):
            return f"expected a {self.format} string, found {_shown(value)}"
        if self.minimum is not None and value < self.minimum:
            return f"expected at least {self.minimum}, found {value}"
        if self.maximum is not None and value > self.maximum:
            return f"expected at most {self.maximum}, found {value}"
        if self.exclusive_minimum is not None and value <= self.exclusive_minimum:
            return f"expected more than {self.exclusive_minimum}, found {value}"
        if self.exclusive_maximum is not None and value >= self.exclusive_maximum:
            return f"expected less than {self.exclusive_maximum}, found {value}"
        if self.multiple_of is not None and not is_multiple(value, self.multiple_of):
            return f"expected a multiple of {self.multiple_of}, found {value}"
        return f"expected {self.json_type}, found {_shown(value)}"

    def problem(self, value: Any) -> str | None:
        """Why a scalar ``value`` (or an array of them) breaks this site, or None: the one interpreted check,
        for values that do not come through a generated parser (request parameters)."""
        if value is None:
            return None if self.nullable else f"expected {self.json_type}, found null"
        if self.items is not None:
            if type(value) is not list:
                return f"expected array, found {json_type(value)}"
            if self.min_items is not None and len(value) < self.min_items:
                return f"expected at least {self.min_items} items, found {len(value)}"
            if self.max_items is not None and len(value) > self.max_items:
                return f"expected at most {self.max_items} items, found {len(value)}"
            if self.unique_items and not all_unique(value):
                return "expected unique items"
            return next((f"item {i}: {p}" for i, p in enumerate(map(self.items.problem, value)) if p), None)
        if not _is_json_type(value, self.json_type):
            return f"expected {self.json_type}, found {json_type(value)}"
        if self.enum is not None:
            return None if value in self.members else self.explain(value)
        if self.const:
            return None if json_equal(value, self.const[0]) else self.explain(value)
        if self.json_type == "string":
            ok = ((self.min_length is None or len(value) >= self.min_length)
                  and (self.max_length is None or len(value) <= self.max_length)
                  and (self.pattern is None or self.pattern.search(value) is not None)
                  and (self.format is None or FORMATS[self.format](value)))
        elif self.json_type in ("integer", "number"):
            ok = ((self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum)
                  and (self.exclusive_minimum is None or value > self.exclusive_minimum)
                  and (self.exclusive_maximum is None or value < self.exclusive_maximum)
                  and (self.multiple_of is None or is_multiple(value, self.multiple_of)))
        else:
            ok = True
        return None if ok else self.explain(value)


class Tolerance(NamedTuple):
    """A shape a property may take through a declared quirk (the observed contract)."""

    quirk: str
    shape: str  # "single-item-list" (the value inside a one-item array) or "alternative" (another type)
    site: Site  # the tolerated value's own use-site
    message: str
    rule: str  # the property's rule
    quirk_rule: str

    @property
    def after_pointer(self) -> tuple[str, str, str, str, None]:
        """The fields of the deviation it reports, after the pointer (as :meth:`Context.tolerated` makes it)."""
        return self.message, self.rule, self.quirk, self.quirk_rule, None


def known_or_member(site: Site) -> dict[str, Any]:
    """``site``'s documented members, and its values known off the page each as a tuple (the typed value, the
    fields of its deviation after the pointer, as :meth:`Context.bad` makes it): the narrow pass's one
    look-up, where an enum member is never a tuple."""
    known: dict[str, Any] = {value: (typed, (message, site.rule, None, None, level))
                             for value, (message, level, typed) in site.known_findings.items()}
    return {**site.members, **known}


class Prop(NamedTuple):
    """A property of a model, for the walkers that draw and mutate payloads."""

    wire: str
    site: Site
    required: bool = False
    tolerances: tuple[Tolerance, ...] = ()
    known: Known | None = None  # not on the page (valid payloads leave it out)


M = TypeVar("M", bound="Model")


class Context:
    """What one parse found. The generated code calls these methods only off the fast path."""

    __slots__ = ("deviations", "off_page", "problems", "unknown")

    def __init__(self) -> None:
        self.problems: list[Finding] = []
        self.deviations: list[Finding] = []
        self.unknown: list[str] = []
        self.off_page: list[Finding] = []

    def bad(self, value: Any, pointer: str, site: Site) -> Any:
        """``value`` failed ``site``: a tolerated null, a wrong JSON type, or a broken constraint.

        Returns ``value`` unchanged, so the caller can assign the result whatever happened.
        """
        known = site.known_findings
        if known and type(value) is str and site.json_type == "string" and value in known:
            message, level, typed = known[value]  # (known_value inlined: a vendor's systematic deviation)
            self.deviations.append(_finding((pointer, message, site.rule, None, None, level)))
            return typed
        if value is None and site.nullable:
            return value
        if value is None and site.null_quirk is not None:
            self.deviations.append(_finding((pointer, "null where the contract has no null", site.rule,
                                             site.null_quirk, quirk_rule(site.null_quirk), None)))
        elif not _is_json_type(value, site.json_type):
            self.problems.append(Finding(pointer, f"expected {site.json_type}, found {json_type(value)}",
                                         site.rule))
        elif site.known_findings and value in site.known_findings:
            return self.known_value(value, pointer, site)
        elif site.enum_quirk is not None:
            self.deviations.append(_finding((pointer, site.explain(value), site.rule, site.enum_quirk,
                                             quirk_rule(site.enum_quirk), None)))
        else:
            quirk = next((q for q, wider in site.relaxed if wider.problem(value) is None), None)
            if quirk is not None:
                self.deviations.append(Finding(pointer, site.explain(value), site.rule, quirk, quirk_rule(quirk)))
            else:
                self.problems.append(Finding(pointer, site.explain(value), site.rule))
        return value

    def known_value(self, value: Any, pointer: str, site: Site) -> Any:
        """``value``, which ``site`` does not document, is a value known off the page there (the narrow walk
        calls this directly: its structs take no other); returns it typed."""
        message, level, typed = site.known_findings[value]
        self.deviations.append(_finding((pointer, message, site.rule, None, None, level)))
        return typed

    def mark(self) -> tuple[int, int, int, int]:
        """Where the findings stand before a value known off the page is parsed (see :meth:`known`)."""
        return len(self.problems), len(self.deviations), len(self.unknown), len(self.off_page)

    def known(self, pointer: str, known: Known, mark: tuple[int, int, int, int]) -> bool:
        """A property the page does not document was parsed since ``mark``. Nothing in it counts against the
        page: when it is as known, it is one off-page finding (and what would have been deviations inside it
        are listed off the page too); when it is not (a problem was found), everything found inside is
        dropped, the mismatch is an off-page finding, and True tells the caller to keep the value untyped,
        as an undocumented field."""
        problems, deviations, unknown, off_page = mark
        if len(self.problems) > problems:
            first = self.problems[problems]
            where = "" if first.pointer == pointer else f" at {first.pointer}"
            del self.problems[problems:], self.deviations[deviations:], self.unknown[unknown:]
            del self.off_page[off_page:]
            self.off_page.append(Finding(pointer, f"a field the page does not document, not as known ({first.message}"
                                         f"{where}): kept untyped, as an undocumented field", known.rule,
                                         known=known.level))
            return True
        inside = self.deviations[deviations:]
        del self.deviations[deviations:]
        self.off_page.extend(d._replace(known=d.known or known.level) for d in inside)
        self.off_page.append(Finding(pointer, known.message, known.rule, known=known.level))
        return False

    def tolerated(self, tolerance: Tolerance, pointer: str) -> None:
        """The value at ``pointer`` has a shape the contract allows only through a declared quirk."""
        self.deviations.append(_finding((pointer, tolerance.message, tolerance.rule, tolerance.quirk,
                                         tolerance.quirk_rule, None)))

    def count(self, value: list[Any], pointer: str, site: Site) -> None:
        low, high = site.min_items, site.max_items
        if low is not None and len(value) < low:
            self.problems.append(Finding(pointer, f"expected at least {low} items, found {len(value)}", site.rule))
        if high is not None and len(value) > high:
            self.problems.append(Finding(pointer, f"expected at most {high} items, found {len(value)}", site.rule))

    def unique(self, value: list[Any], pointer: str, site: Site) -> None:
        if not all_unique(value):
            self.problems.append(Finding(pointer, "expected unique items, found duplicates", site.rule))

    def tag(self, value: dict[str, Any], pointer: str, site: Site) -> Any:
        """A union's discriminator is missing or names no variant."""
        name = site.discriminator or ""
        if name not in value:
            self.problems.append(Finding(f"{pointer}/{escape(name)}", "required property is missing", site.rule))
        else:
            self.problems.append(Finding(f"{pointer}/{escape(name)}", f"expected one of {[t for t, _ in site.tags]}, "
                                         f"found {_shown(value[name])}", site.rule))
        return value

    def forbidden(self, data: dict[str, Any], known: frozenset[str], pointer: str, rule: str) -> dict[str, Any]:
        """Keys where the contract allows no other (additionalProperties: false): each one is a problem."""
        extra = {key: value for key, value in data.items() if key not in known}
        self.problems.extend(Finding(f"{pointer}/{escape(key)}", "property not allowed here", rule) for key in extra)
        return extra

    def missing(self, pointer: str, site: Site) -> None:
        self.problems.append(Finding(pointer, "required property is missing", site.rule))

    def extra(self, data: dict[str, Any], known: frozenset[str], pointer: str) -> dict[str, Any]:
        """Keep the fields the spec does not know (not a violation: vendors add fields) and list them. What
        they hold is not walked by a parser, so it is checked here to be JSON data at all."""
        extra = {key: value for key, value in data.items() if key not in known}
        for key, value in extra.items():
            if type(key) is not str:
                self.key(key, pointer)
                continue
            self.unknown.append(f"{pointer}/{escape(key)}")
            if not _is_json(value):
                self.problems.extend(not_json(value, f"{pointer}/{escape(key)}"))
        return extra

    def key(self, key: object, pointer: str) -> None:
        """The object at ``pointer`` has a key that is not a string (possible only in data built in Python)."""
        self.problems.append(Finding(pointer, f"a key that is not a string: {_cut(repr(key))} (JSON object keys "
                                     "are strings)", "#"))

    def judgement(self) -> Judgement:
        problems, deviations, unknown, off_page = self.problems, self.deviations, self.unknown, self.off_page
        if len(problems) > 1:
            problems.sort(key=_BY_POINTER)
        if len(deviations) > 1:
            deviations.sort(key=_BY_POINTER)
        if len(unknown) > 1:
            unknown.sort()
        if len(off_page) > 1:
            off_page.sort(key=_BY_POINTER)
        return _judgement((tuple(problems), tuple(deviations), tuple(unknown), tuple(off_page)))

    def finish(self, result: M, tolerant: bool) -> M:
        """Raise :class:`ContractError` or return ``result`` carrying its deviations, unknown fields and
        off-page findings."""
        problems = self.problems
        if not (problems or self.deviations or self.unknown or self.off_page):
            return result  # the common case: the parser already set all three to ()
        if not tolerant and self.deviations:
            problems = problems + [_refused(d) for d in self.deviations]
        if problems:
            raise ContractError(sorted(problems, key=_BY_POINTER))
        if self.deviations:  # (an empty slot reads as ``()``)
            self.deviations.sort(key=_BY_POINTER)
            result.deviations = tuple(self.deviations)
        if self.unknown:
            self.unknown.sort()
            result.unknown_fields = tuple(self.unknown)
        if self.off_page:
            self.off_page.sort(key=_BY_POINTER)
            result.off_page = tuple(self.off_page)
        return result


#: What the narrow pass found, in the order it found it: each deviation's pointer, and the rest of it.
Tape = list[tuple[str, tuple[Any, ...]]]

#: Deviations made from a tape, by the tape: at most ``_MADE_AT_MOST`` tapes (then it starts again), each of
#: at most ``TAPE_KEPT_AT_MOST`` deviations (a longer one, a long list's, rarely comes again: made each time),
#: so memory stays flat whatever the payloads.
_MADE: dict[tuple[tuple[str, tuple[Any, ...]], ...], tuple[Finding, ...]] = {}
_MADE_AT_MOST: Final = 1024
TAPE_KEPT_AT_MOST: Final = 16


def deviations_of(found: Tape) -> tuple[Finding, ...]:
    """The findings of the narrow pass's tape, sorted by pointer as :meth:`Context.finish` sorts them. Payloads
    that deviate alike, at the same places (a vendor's systematic quirks, response after response), make the
    same tape, and one tuple of findings serves them all, made and sorted once (``from_dict`` looks it up
    first), as the judgements of ``_typed.observer_for`` do."""
    key = tuple(found)
    made = _MADE.get(key)
    if made is None:
        made = tuple(sorted([_finding((pointer, *rest)) for pointer, rest in found], key=_BY_POINTER))
        if len(key) <= TAPE_KEPT_AT_MOST:
            if len(_MADE) >= _MADE_AT_MOST:
                _MADE.clear()
            _MADE[key] = made
    return made


def _refused(deviation: Finding) -> Finding:
    """A deviation as strict mode reports it: a problem that names the quirk (or the knowledge) which would
    accept it."""
    why = f"quirk {deviation.quirk}" if deviation.quirk is not None else f"known: {deviation.known}"
    return deviation._replace(message=f"{deviation.message} ({why}, refused in strict mode)")


class Judgement(NamedTuple):
    """Everything one parse found, without raising: what ``deskkit validate`` reports per response. (A named
    tuple, as :class:`Finding` is: made in C, a fifth of what a frozen dataclass's ``__init__`` costs.)"""

    problems: tuple[Finding, ...]
    deviations: tuple[Finding, ...]
    unknown_fields: tuple[str, ...]
    off_page: tuple[Finding, ...] = ()  # fields known off the page: listed, never counted against the page

    @property
    def verdict(self) -> str:
        """``conformant`` (documented contract), ``tolerated`` (only through quirks or values known off the
        page) or ``violation``. Fields known off the page and unknown fields leave it conformant."""
        if self.problems:
            return "violation"
        return "tolerated" if self.deviations else "conformant"


_NOTHING_FOUND: Final = Judgement((), (), ())
_judgement: Final = partial(tuple.__new__, Judgement)  # from its four fields, in C

# Findings are listed by pointer (plain string order: cheap, and stable from run to run).
_BY_POINTER: Final = attrgetter("pointer")

Parser = Callable[[Any, str, Context, Site], Any]


class Model:
    """Base of every generated model: parsing entry points and dict/JSON conversion shared by all of them.

    Each generated class sets ``_parse`` (its generated parse function) and ``_site`` (its root use-site);
    the generated ``_fast.py`` sets ``_fast`` (the fast first pass: the object, or ``None`` where it is not
    sure and the full parser decides), ``_decode``, ``_json`` (text to object through msgspec, or None),
    ``_observed`` (the walk of a body msgspec decoded into the observed structs: ``_typed.observer_for``),
    ``_narrow`` (the same for the narrow structs, where the model has anything to report there) and
    ``_tolerant`` (the narrow pass: ``from_dict(tolerant=True)``'s first pass where the model can deviate
    through a tolerated shape or a value known off the page; it appends those deviations to its list).
    """

    __slots__ = ()
    _parse: ClassVar[Parser]
    _site: ClassVar[Site]
    _fast: ClassVar[Callable[[Any], Any] | None] = None
    _decode: ClassVar[Callable[[str | bytes], Any] | None] = None
    _json: ClassVar[Callable[[str | bytes], Any] | None] = None
    _observed: ClassVar[Callable[[Any, str, Context], None] | None] = None
    _narrow: ClassVar[Callable[[Any, str, Context], None] | None] = None
    _tolerant: ClassVar[Callable[[Any, str, Tape], Any] | None] = None
    deviations: tuple[Finding, ...]
    unknown_fields: tuple[str, ...]
    off_page: tuple[Finding, ...]

    if not TYPE_CHECKING:  # hidden from type checkers: a misspelt attribute stays a type error

        def __getattr__(self, name: str) -> Any:
            """A slot left empty reads as its field's default. Python calls this only for an empty slot: the
            fast pass stores only what it read (about a tenth of its time went to storing defaults), so the
            fields known only off the page and the findings of a clean payload read as UNSET and ``()``."""
            found = type(self).__dataclass_fields__.get(name)
            if found is None or found.default is MISSING:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            return found.default

    @classmethod
    def from_dict(cls, data: Any, *, tolerant: bool = False) -> Self:
        """Parse decoded JSON; strict unless ``tolerant``. Raises ContractError listing every problem."""
        if tolerant and cls._tolerant is not None:  # the narrow pass takes all the fast pass takes, and more
            found: Tape = []
            try:
                narrow: Self | None = cls._tolerant(data, "", found)
            except RecursionError:
                narrow = None
            if narrow is not None:
                if found:  # (deviations_of's look-up inlined; the slot is the subclass's: hence the ignore)
                    narrow.deviations = _MADE.get(tuple(found)) or deviations_of(found)  # type: ignore[misc]
                return narrow
        elif cls._fast is not None:  # (_try_fast inlined: this is the hot path)
            try:
                fast: Self | None = cls._fast(data)
            except RecursionError:
                fast = None
            if fast is not None:
                return fast  # the common case; otherwise the full parser decides
        cx = Context()
        try:
            result: Self = cls._parse(data, "", cx, cls._site)
        except RecursionError:  # only a recursive schema lets data lead the parser this deep
            raise ContractError([Finding("", "nested too deeply to parse", cls._site.rule)]) from None
        return cx.finish(result, tolerant)

    @classmethod
    def judge(cls, data: Any) -> Judgement:
        """Every problem, deviation and unknown field of ``data``, without raising (one parse)."""
        if cls._tolerant is not None:  # the narrow pass decides what the fast pass does, and the page's kind
            found: Tape = []
            try:
                narrow = cls._tolerant(data, "", found)
            except RecursionError:
                narrow = None
            if narrow is not None:
                return Judgement((), deviations_of(found), ()) if found else _NOTHING_FOUND
        elif cls.conforms(data):
            return _NOTHING_FOUND
        return cls.judge_fully(data)

    @classmethod
    def judge_fully(cls, data: Any) -> Judgement:
        """:meth:`judge` without trying the fast pass first: for a caller whose own check (the fast pass,
        or one as strict) has already found ``data`` not plainly conformant, so it is not run twice."""
        cx = Context()
        try:
            cls._parse(data, "", cx, cls._site)
        except RecursionError:
            return Judgement((Finding("", "nested too deeply to parse", cls._site.rule),), (), ())
        return cx.judgement()

    @classmethod
    def conforms(cls, data: Any) -> bool:
        """True when the fast pass finds ``data`` conformant with nothing to report (False: ask :meth:`judge`)."""
        return cls._try_fast(data) is not None

    @classmethod
    def _try_fast(cls, data: Any) -> Any:
        """The fast pass's object, or None: no fast pass, not sure, or nested past the recursion limit."""
        if cls._fast is None:
            return None
        try:
            return cls._fast(data)
        except RecursionError:
            return None

    @classmethod
    def from_json(cls, text: str | bytes, *, tolerant: bool = False) -> Self:
        """Decode and parse JSON text; undecodable text is a ContractError too."""
        if cls._json is not None:  # msgspec's struct, where it takes the text (the common case)
            typed: Self | None = cls._json(text)
            if typed is not None:
                return typed
        return cls.from_dict((cls._decode or decode)(text), tolerant=tolerant)

    def to_dict(self) -> dict[str, Any]:
        """The JSON data this model stands for: wire names, quirky shapes and unknown fields kept.

        Models a recursive schema nests deeper than the interpreter's stack (a parser, one frame a level,
        takes data this one, two a level, cannot write back), or data inside itself, are a ContractError
        rather than a RecursionError."""
        try:
            return self._to_dict()
        except RecursionError:
            raise _unwritable() from None

    def _to_dict(self) -> dict[str, Any]:  # pragma: no cover - every model overrides it
        """:meth:`to_dict`'s work, which nested models call directly (every model has its own)."""
        raise NotImplementedError

    def to_json(self, **kwargs: Any) -> str:
        """The model as JSON text: the JSON it was parsed from, quirks and unknown fields included.

        Keyword arguments go to ``json.dumps`` (defaults ``ensure_ascii=False``, ``allow_nan=False``). A value
        JSON cannot hold (NaN, an infinity, an object that is not JSON data) is a ContractError naming where.
        """
        data = self.to_dict()
        try:
            return json.dumps(data, **{"ensure_ascii": False, "allow_nan": False, **kwargs})
        except RecursionError:
            raise _unwritable() from None
        except (TypeError, ValueError):
            problems = list(not_json(data, "", writing=True))
            if not problems:
                raise
            raise ContractError(problems) from None


def _unwritable() -> ContractError:
    return ContractError([Finding("", "a value inside itself, or nested too deeply to write as JSON", "#")])


class Parameter(NamedTuple):
    """A parameter of an operation, serialized as OpenAPI says: ``simple`` style in the path and headers
    (arrays comma-joined), ``form`` in the query (arrays as repeated keys when ``explode``, else
    comma-joined); booleans as ``true``/``false``."""

    name: str  # the wire name
    location: str  # "path", "query" or "header"
    site: Site  # its schema: a scalar, or an array of scalars
    required: bool = False
    explode: bool = False
    py_name: str = ""  # the client method's keyword argument

    def texts(self, value: Any) -> list[str]:
        """The text of ``value`` (of each item, for an array), unjoined. A value that breaks the parameter's
        schema is a ValueError naming it (before any request is sent)."""
        data = _plain_value(value)
        problem = self.site.problem(data)
        if problem is not None:
            raise ValueError(f"{self.py_name or self.name}: {problem}")
        items = data if type(data) is list else [data]
        for item in items:
            if type(item) is float and not math.isfinite(item):  # (the schema's type test lets them through)
                raise ValueError(f"{self.py_name or self.name}: {item} is no JSON number (RFC 8259 has no NaN "
                                 "or infinities)")
            if self.location == "header" and type(data) is list and "," in str(item):
                raise ValueError(f"{self.py_name or self.name}: an item holds a comma, and a header joins its "
                                 f"items with commas ({str(item)[:40]!r})")
        if type(data) is list:
            return [_text_of(item, self.site.items or self.site) for item in data]
        return [_text_of(data, self.site)]

    def encode(self, value: Any) -> list[str]:
        """The text(s) of ``value`` on the wire, before percent-encoding: one per repeated query key, else
        exactly one (array items comma-joined)."""
        texts = self.texts(value)
        if self.site.items is not None and not (self.explode and self.location == "query"):
            return [",".join(texts)]
        return texts

    def decode(self, texts: list[str]) -> Any:
        """The value the texts of this parameter stand for (what a server reads); ValueError when they break
        the parameter's schema."""
        if self.site.items is not None:
            parts = texts if self.explode and self.location == "query" else [
                part for text in texts for part in (text.split(",") if text else [])]
            value: Any = [_value_of(part, self.site.items) for part in parts]
        else:
            if len(texts) != 1:
                raise ValueError(f"{self.name}: expected one value, found {len(texts)}")
            value = _value_of(texts[0], self.site)
        problem = self.site.problem(value)
        if problem is not None:
            raise ValueError(f"{self.name}: {problem}")
        return value


def _plain_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain_value(item) for item in value]
    return value


def _text_of(value: Any, site: Site) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is float and site.json_type == "integer":  # 2.0 is an integer to JSON Schema; send "2"
        return str(int(value))
    return str(value)


def _value_of(text: str, site: Site) -> Any:
    """Parameter text as the JSON value the site's type means (the text itself when it is not one)."""
    kind = site.json_type
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = float(text)
            return number if math.isfinite(number) else text
    except ValueError:
        return text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


class Pagination(NamedTuple):
    """How a paged list operation walks its items (``x-deskkit-pagination``): wire names of the response
    properties holding the page and the total count, and of the query parameters choosing the page."""

    items: str
    total: str
    offset: str
    limit: str


class Operation(NamedTuple):
    """An operation of the spec: how to match and build a request, and which model each response status has."""

    id: str
    method: str
    path: str  # the path template, ``/v2/{project_id}/desktops/{desktop_id}``
    responses: Mapping[str, type[Model] | None]  # status ("200", "4XX", "default") → body model (None: no body)
    parameters: tuple[Parameter, ...] = ()  # path parameters first, in path order
    body: type[Model] | None = None  # the JSON request body's model
    body_required: bool = False
    pagination: Pagination | None = None

    def _key(self, status: int) -> str | None:
        """The response key that documents ``status``: the exact code, then ``4XX``, then ``default`` — which
        answers for a 2xx only when the spec documents no 2xx (else it describes the errors)."""
        responses = self.responses
        for key in (str(status), f"{status // 100}XX"):
            if key in responses:
                return key
        if "default" in responses and not (200 <= status < 300 and any(k.startswith("2") for k in responses)):
            return "default"
        return None

    def documents(self, status: int) -> bool:
        """Whether the spec documents ``status`` for this operation."""
        return self._key(status) is not None

    def model_for(self, status: int) -> type[Model] | None:
        """The body model of a response with ``status`` (None: no body, or not documented)."""
        key = self._key(status)
        return self.responses[key] if key is not None else None


def dump(value: Any) -> Any:
    """A typed value back to plain JSON data (models, enum members, lists and maps of them)."""
    if isinstance(value, Model):
        return value._to_dict()  # (the public to_dict's guard once, at the top)
    if isinstance(value, Enum):
        return value.value
    if type(value) is list:
        return [dump(item) for item in value]
    if type(value) is dict:
        return {key: dump(item) for key, item in value.items()}
    return value


def flatten(value: Any) -> list[Any]:
    """Every model found in ``value`` (lists and map values, in order), whichever shape arrived."""
    if isinstance(value, Model):
        return [value]
    if type(value) is list:
        return [leaf for item in value for leaf in flatten(item)]
    if type(value) is dict:
        return [leaf for item in value.values() for leaf in flatten(item)]
    return []


def decode(text: str | bytes) -> Any:
    """``json.loads`` as RFC 8259 has it: NaN, infinities and numbers that overflow to one are not JSON, and
    an integer longer than Python's int-string limit cannot be read. Every failure is a
    :class:`ContractError` with a line and column, never a traceback."""
    try:
        string = text.decode(json.detect_encoding(text), "surrogatepass") if isinstance(text, bytes) else text
    except UnicodeDecodeError as exc:
        raise ContractError([Finding("", f"not UTF-8 text: {exc.reason} at byte {exc.start}", "#")]) from None
    if isinstance(text, str) and text.startswith("\ufeff"):  # (as json.loads refuses it; bytes drop it)
        raise ContractError([Finding("", "not JSON: text that starts with a byte-order mark (U+FEFF; decode the "
                                     "bytes with utf-8-sig, or pass them as they are) at line 1 column 1", "#")])
    try:
        return _DECODER.decode(string)
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" at")  # ("Unterminated string starting at")
        raise ContractError([Finding("", f"not JSON: {what} at line {exc.lineno} column {exc.colno}", "#")]) from None
    except RecursionError:
        raise ContractError([Finding("", "JSON nested too deeply to decode", "#")]) from None
    except ValueError as exc:  # _NonFinite, or the int-string limit
        raise ContractError([Finding("", _refused_literal(string, exc), "#")]) from None


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NonFinite(text)
    return value


#: The C decoder, told to refuse what RFC 8259 does not have (the hooks cost nothing on other values).
_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
#: The C string scanner behind ``json`` (skips a string whatever it holds), to find a refused literal.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_LITERAL: Final = re.compile(r'"|NaN|-?Infinity|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?')


def _refused_literal(text: str, exc: ValueError) -> str:
    """Which literal outside strings the decoder refused with ``exc``, and its line and column."""
    limit = sys.get_int_max_str_digits()
    position = 0
    while (match := _LITERAL.search(text, position)) is not None:
        token = match.group()
        if token == '"':
            position = _scanstring(text, match.end(), False)[1]
            continue
        digits = token.lstrip("-")
        if token in ("NaN", "Infinity", "-Infinity"):
            what = f"{token} is not a JSON value (RFC 8259 has no NaN or infinities)"
        elif isinstance(exc, _NonFinite) and not digits.isdigit() and math.isinf(float(token)):
            # a fraction or an exponent (a long integer is read as an int, never as infinity)
            what = f"the number {_cut(token)} is too large for a double (it reads as infinity)"
        elif limit and len(digits) > limit and digits.isdigit():
            what = f"an integer of {len(digits)} digits is more than the {limit} Python reads"
        else:
            position = match.end()
            continue
        start = match.start()
        line, column = text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
        return f"not JSON: {what} at line {line} column {column}"
    return f"not JSON: {type(exc).__name__}: {_cut(str(exc))}"
