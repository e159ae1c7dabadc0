"""Where a value of a capture sits in the contract: a capture pointer (``/desktops/3/product/architecture``)
walked alongside the generated package's use-sites to the model and property that own it
(``ProductInfo``, ``architecture``).

The walk reads only what the package records: ``models.SCHEMA`` (model → properties, each with its use-site
and tolerated shapes) and each :class:`Site`'s ``model``, ``items``, ``values`` and ``variants``. It takes the
shape the parser took: a tolerated one-item list is stepped into, an alternative shape is followed by its JSON
type, a union by its discriminator or JSON type.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

from ..bindings import Bindings
from ..jsontext import JSON_NAMES


def is_json_type(value: object, name: str) -> bool:
    """JSON Schema's type test, as the generated parsers apply it: 1.0 is an integer, true is no number."""
    kind = type(value)
    if name == "integer":
        return kind is int or (kind is float and float(value).is_integer())  # type: ignore[arg-type]
    if name == "number":
        return kind is int or kind is float
    return JSON_NAMES.get(kind) == name


def matches(value: object, site: Any) -> bool:
    """Whether ``value`` has the JSON type ``site`` asks for (any variant's, for a union)."""
    if site.variants:
        return any(matches(value, variant) for variant in site.variants)
    return is_json_type(value, site.json_type)


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def tokens(pointer: str) -> list[str]:
    """The reference tokens of an RFC 6901 pointer (``""`` is the whole document)."""
    return [unescape(t) for t in pointer.split("/")[1:]] if pointer else []


class Place(NamedTuple):
    """Where a capture's value sits: its use-site (None for a field its model does not list), the model
    and property it belongs to (when the last step was an object member), and the value itself."""

    value: Any
    site: Any | None
    owner: str | None  # the model of the object holding the value (None inside an array or a map)
    prop: Any | None  # the documented property (a ``Prop``), None for an undocumented field
    key: str | None  # the last reference token


class Contract:
    """The package's descriptors, indexed for walking: each model's properties by wire name and the JSON
    Pointer of the schema that defines it (``#/components/schemas/ProductInfo``)."""

    def __init__(self, bindings: Bindings) -> None:
        models = importlib.import_module(f"{bindings.name}.models")
        schema: dict[str, tuple[Any, ...]] = models.SCHEMA
        self.props = {name: {prop.wire: prop for prop in props} for name, props in schema.items()}
        self.rules = {name: str(getattr(models, name)._site.rule) for name in schema}
        self.quirks: dict[str, str] = dict(getattr(bindings.module, "QUIRKS", {}))

    def root(self, model: type) -> Any:
        """The use-site a whole body is judged at."""
        return model._site  # type: ignore[attr-defined]

    def locate(self, root: Any, data: Any, pointer: str) -> Place | None:
        """The place of ``pointer`` in ``data`` judged at ``root``; None when the pointer leaves the data or
        the contract (inside an undocumented field, past a scalar)."""
        value, site, owner, prop, key = data, root, None, None, None
        wrapped: Any | None = None  # the use-site of the one item of a tolerated one-item list
        for token in tokens(pointer):
            if wrapped is not None:  # stepping into a tolerated one-item list: the item is the property's value
                if token != "0" or type(value) is not list or len(value) != 1:
                    return None
                value, site, wrapped = value[0], wrapped, None
                continue
            if site is None:
                return None
            site = self.variant(site, value)
            if site.model is not None and type(value) is dict:
                if token not in value:
                    return None
                value, owner, key = value[token], site.model, token
                prop = self.props.get(site.model, {}).get(token)
                site, wrapped = self.shape(prop, value) if prop is not None else (None, None)
            elif site.items is not None and type(value) is list:
                if not token.isdigit() or int(token) >= len(value):
                    return None
                value, site, owner, prop, key = value[int(token)], site.items, None, None, token
            elif site.values is not None and type(value) is dict:
                if token not in value:
                    return None
                value, site, owner, prop, key = value[token], site.values, None, None, token
            else:
                return None
        return Place(value, site, owner, prop, key)

    @staticmethod
    def shape(prop: Any, value: Any) -> tuple[Any, Any | None]:
        """The use-site the parser judges a property's value at, and the item site when the value is a
        tolerated one-item list (the documented site otherwise: a value of another shape is judged there)."""
        if value is None or matches(value, prop.site):
            return prop.site, None
        for tolerance in prop.tolerances:
            if tolerance.shape == "single-item-list" and type(value) is list and len(value) == 1:
                return prop.site, tolerance.site
            if tolerance.shape != "single-item-list" and matches(value, tolerance.site):
                return tolerance.site, None
        return prop.site, None

    @staticmethod
    def variant(site: Any, value: Any) -> Any:
        """The variant of a union ``value`` is parsed as: by discriminator tag, else by JSON type."""
        if not site.variants:
            return site
        if site.discriminator is not None and type(value) is dict:
            index = dict(site.tags).get(value.get(site.discriminator))
            if index is not None:
                return site.variants[index]
        return next((v for v in site.variants if matches(value, v)), site)

    def tolerated_types(self, prop: Any) -> set[str]:
        """The JSON types a property takes today: documented, and each tolerated shape (the generator tells
        shapes apart by JSON type, so a new shape needs a type none of these has)."""
        types = set(prop.site.json_type.split(" or "))
        for tolerance in prop.tolerances:
            types.add("array" if tolerance.shape == "single-item-list" else tolerance.site.json_type)
        return types
