"""What the values seen at one place look like (JSON types with counts, a few examples, the members of
objects and the items of arrays, merged over every capture), and the schema that follows from them.

The proposal is deliberately simple, and says so: one JSON type per value (the most common when containers
and scalars mix; scalars of several types become a ``oneOf``; integer and number become number), objects with
named members become a new component (deskkit reads named properties only under ``/components/schemas``),
objects with more than :data:`MAP_KEYS` distinct keys a map (``additionalProperties``), and nothing is
proposed where the values do not say enough: only ``null``, only empty arrays or objects.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from ..jsontext import json_type

EXAMPLES = 3  # distinct examples kept per place
EXAMPLE_CHARS = 40  # an example's JSON text is cut to this many characters
MAP_KEYS = 64  # an object with more distinct keys than this is taken as a map (its keys are data)
MAX_DEPTH = 16  # below this, values are counted, not walked (a hostile capture may nest deeply)
SCALARS = ("string", "integer", "number", "boolean")


#: Names whose values are credentials: their examples are not shown (a report and a patched spec are shared
#: and committed). Matched anywhere in the name, any case; ``ak``/``sk`` whole.
SECRET_NAME: Final = re.compile(r"(?i)pass(?:word|wd|phrase)|secret|token|api[-_]?key|access[-_]?key|"
                                r"private[-_]?key|credential|authori[sz]ation|cookie|session|signature|^[as]k$")


def secret_name(name: str) -> bool:
    """Whether values under ``name`` are kept out of examples (see :data:`SECRET_NAME`)."""
    return SECRET_NAME.search(name) is not None


def example(value: Any, secret: bool = False) -> str:
    """``value`` as JSON text, cut to :data:`EXAMPLE_CHARS` characters; under a secret's name, only its type
    and size."""
    if secret and value is not None:
        size = f" of {len(value)}" if isinstance(value, str | list | dict) else ""
        return f"<hidden: {json_type(value)}{size}>"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


class Shape:
    """The values seen at one place, merged. Under a name :func:`secret_name` matches (``secret``), examples
    show only the type and size, all the way down."""

    __slots__ = ("count", "examples", "items", "members", "overflow", "secret", "types")

    def __init__(self, secret: bool = False) -> None:
        self.secret = secret
        self.count = 0
        self.types: Counter[str] = Counter()
        self.examples: list[str] = []
        self.members: dict[str, Shape] = {}  # for objects: key → the shape of its values
        self.items: Shape | None = None  # for arrays: the shape of their items
        self.overflow = False  # an object had more than MAP_KEYS distinct keys

    def add(self, value: Any, depth: int = 0) -> None:
        self.count += 1
        kind = json_type(value)
        self.types[kind] += 1
        if len(self.examples) < EXAMPLES:
            text = example(value, self.secret)
            if text not in self.examples:
                self.examples.append(text)
        if depth >= MAX_DEPTH:
            return
        if kind == "object":
            for key, item in value.items():
                member = self.members.get(key)
                if member is None:
                    if len(self.members) >= MAP_KEYS:
                        self.overflow = True
                        continue
                    member = self.members[key] = Shape(self.secret or secret_name(str(key)))
                member.add(item, depth + 1)
        elif kind == "array":
            if self.items is None:
                self.items = Shape(self.secret)
            for item in value:
                self.items.add(item, depth + 1)

    def merged(self) -> Shape:
        """One shape for every member's values (the values of a map)."""
        out = Shape(self.secret)
        for member in self.members.values():
            out.count += member.count
            out.types.update(member.types)
            out.examples.extend(e for e in member.examples if e not in out.examples)
            for key, inner in member.members.items():
                out.members.setdefault(key, inner)
            out.items = out.items or member.items
        del out.examples[EXAMPLES:]
        return out


class Proposal(NamedTuple):
    """A schema proposed for a shape, or why there is none."""

    schema: dict[str, Any] | None
    reason: str = ""


class Context:
    """What a proposal needs from its caller: ``component(name hint, properties) -> $ref`` makes a new
    component; ``property_null``: no quirk tolerates null for an optional property, so a property's schema
    allows the nulls seen (items and map values always do: no quirk reaches them); ``left_out`` collects the
    members that could not be proposed (``path: reason``)."""

    def __init__(self, component: Callable[[str, dict[str, Any]], str], property_null: bool) -> None:
        self.component = component
        self.property_null = property_null
        self.left_out: list[str] = []


def propose(shape: Shape, name: str, cx: Context, nullable: bool, where: str = "") -> Proposal:
    """The schema for ``shape`` (``name``: a hint for a new component's name); ``nullable``: allow null
    when it was seen."""
    kinds = [k for k, _ in shape.types.most_common() if k != "null"]
    if not kinds:
        return Proposal(None, "only null was seen: the type is unknown")
    if "integer" in kinds and "number" in kinds:
        kinds = [k for k in kinds if k != "integer"]
    if set(kinds) <= set(SCALARS):
        schemas: list[dict[str, Any]] = [{"type": k} for k in kinds]
    else:  # containers and scalars mixed: the most common type (the others will show as deviations)
        one = _container(kinds[0], shape, name, cx, where) if kinds[0] in ("array", "object") \
            else Proposal({"type": kinds[0]})
        if one.schema is None:
            return one
        schemas = [one.schema]
        if len(kinds) > 1:
            others = ", ".join(f"{kind} x{shape.types[kind]}" for kind in kinds[1:])
            cx.left_out.append(f"{where or 'the value'}: {others} seen too, not in the proposal ({kinds[0]} is "
                               "the most common; the others will show as deviations)")
    null = nullable and shape.types["null"] > 0
    if len(schemas) == 1 and "type" in schemas[0] and null:
        return Proposal({**schemas[0], "type": [schemas[0]["type"], "null"]})
    if len(schemas) == 1 and not null:
        return Proposal(schemas[0])
    return Proposal({"oneOf": [*schemas, {"type": "null"}] if null else schemas})


def _container(kind: str, shape: Shape, name: str, cx: Context, where: str) -> Proposal:
    if kind == "array":
        items = shape.items
        if items is None or items.count == 0:
            return Proposal(None, "only empty arrays were seen: the item type is unknown")
        inner = propose(items, name, cx, True, f"{where}/*")
        if inner.schema is None:
            return Proposal(None, f"items: {inner.reason}")
        return Proposal({"type": "array", "items": inner.schema})
    if shape.overflow:
        values = propose(shape.merged(), name, cx, True, f"{where}/*")
        if values.schema is None:
            return Proposal(None, f"a map whose values say too little: {values.reason}")
        return Proposal({"type": "object", "additionalProperties": values.schema})
    if not shape.members:
        return Proposal(None, "only empty objects were seen: the members are unknown")
    properties: dict[str, Any] = {}
    for key, member in shape.members.items():
        inner = propose(member, key, cx, cx.property_null, f"{where}/{key}")
        if inner.schema is None:
            cx.left_out.append(f"{where}/{key}: {inner.reason}")
        else:
            properties[key] = inner.schema
    if not properties:
        return Proposal(None, "none of its members could be proposed")
    return Proposal({"$ref": cx.component(name, properties)})
