"""A check-only path for verdicts: msgspec decodes and checks a body against the documented contract in one
pass in C, building no objects and no pointers (the ``fast`` extra).

For each body model of the bindings, :func:`checker` builds msgspec types from what the generated package
records of its schema (``models.SCHEMA``: each property's wire name and use-site): a ``Struct`` per model
that forbids unknown fields, documented enum members as ``Literal`` values, patterns, lengths, bounds and
item counts as ``Meta`` constraints, and a date-time as its pattern plus a regex admitting only days every
month has. A body it accepts is conformant with nothing to report — the full judge would say exactly that;
anything it refuses (a problem, a quirk, a null, an unknown field, a value off the page, text the standard
library reads differently) goes to the full judge, which decides. Where the schema holds something it cannot
say as strictly (a union, a format other than date-time, ``uniqueItems``, ``multipleOf``, bounds on a
``number``, a recursive model), there is no checker and the judge alone runs.

``tests/property/test_typed_check.py`` holds it to the full judge on valid, quirky and invalid bodies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal

from . import jsontext

#: The start of a date-time whose day every month has (the date-time pattern says the rest).
DAY = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])[Tt]"


class Unsupported(Exception):
    """The schema holds something msgspec cannot check as strictly as the generated parser."""


@cache
def checker(model: Any) -> Callable[[bytes | bytearray], bool] | None:
    """A function telling whether a body is certainly conformant to ``model`` with nothing to report (False:
    ask the judge), or None when msgspec is not there or cannot check this model (built once per model)."""
    if jsontext.FAST is None or model is None:
        return None
    import msgspec

    try:
        root = _Builder(_schema_of(model)).struct(model.__name__)
    except Unsupported:
        return None
    decode = msgspec.json.Decoder(root).decode

    def conforms(body: bytes | bytearray) -> bool:
        try:
            decode(body)
        except Exception:  # refused, or doubted: the judge decides
            return False
        return True

    return conforms


def _schema_of(model: Any) -> dict[str, Any]:
    import sys

    schema: dict[str, Any] = getattr(sys.modules[model.__module__], "SCHEMA", {})
    if model.__name__ not in schema:
        raise Unsupported(model.__name__)
    return schema


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
        fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
        rename: dict[str, str] = {}
        for index, prop in enumerate(self.schema[name]):
            if getattr(prop, "known", None) is not None:
                continue  # known off the page, not documented: present, it is an unknown field here
            attr = f"f{index}"
            rename[attr] = prop.wire
            kind = self.type_of(prop.site)
            fields.append((attr, kind) if prop.required else (attr, kind | msgspec.UnsetType, msgspec.UNSET))
        built = msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True, rename=rename)
        self.building.discard(name)
        self.built[name] = built
        return built

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
                pattern = _with_day(pattern)
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
            return float
        if site.json_type == "boolean":
            return bool
        raise Unsupported(f"type {site.json_type}")


def _with_day(pattern: str | None) -> str:
    """``pattern`` (searched) and :data:`DAY` (at the start) as one regex msgspec searches: anchored at the
    start, so it matches only where both do."""
    if pattern is None:
        return r"\A" + DAY
    if re.match(r"\(\?[aiLmsux]+\)", pattern):
        raise Unsupported("a pattern with global flags")
    return rf"\A(?={DAY})(?:{pattern})"
