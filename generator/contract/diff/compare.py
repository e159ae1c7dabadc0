"""Compare two resolved specs at every use-site: each operation's parameters, request body and responses, walked
down to every property, item, map value and alternative; plus the declared quirks and the document itself.

A pair of schemas is compared once per (direction, subject, optionality) however many operations use it —
the comparison is a graph of :class:`Node` s, memoized by :class:`Site` — and each change is then told every
use-site that reaches it (operation, part, and the path of the value inside the body). Time and memory stay
proportional to the specs times the number of operation parts, even for recursive or widely shared schemas.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ...codegen.load import escape_token
from .model import (
    ANNOTATIONS,
    ANY,
    JSON_TYPES,
    LOWER,
    UPPER,
    Document,
    Fact,
    Key,
    Known,
    Operation,
    Parameter,
    Schema,
    canonical,
    covers,
)
from .rules import (
    FIXED_RULES,
    PROPERTY_RULES,
    SCHEMA_RULES,
    Classes,
    Direction,
    Effect,
    by_effect,
    known_classes,
)

PATHS_PER_PART = 3  # paths to one value recorded per operation part (a schema used at many places in a body)
_BOUND_NAMES = {"minLength": "min-length", "maxLength": "max-length", "minimum": "min", "maximum": "max",
                "exclusiveMinimum": "exclusive-min", "exclusiveMaximum": "exclusive-max", "minItems": "min-items",
                "maxItems": "max-items", "minProperties": "min-properties", "maxProperties": "max-properties"}


@dataclass(frozen=True)
class Where:
    """A use-site: the operation, the part of it (a parameter, the request body, one response), and where the
    changed value sits inside that part (``*`` stands for any array index or map key)."""

    operation: str  # "GET /v2/{project_id}/desktops/{desktop_id}", or "" for a schema no operation uses
    operation_id: str
    part: str  # "response 200 application/json", "request body application/json", "parameter query limit"
    path: str


@dataclass
class Change:
    kind: str
    message: str
    classes: Classes
    effect: Effect
    old: str  # JSON Pointer in OLD (where the change sits, or the place that would hold it)
    new: str
    leaf: str = ""  # appended to the use-site path (the property a property-level change is about)


@dataclass(frozen=True)
class Site:
    """A pair of schemas compared in one role. ``optional`` says the value may be absent in OLD (where the
    every-property quirk reads null as "not set"); the anchors locate a side that has no schema of its own."""

    old: Key
    new: Key
    direction: Direction
    subject: str  # body, property or parameter
    optional: bool
    old_anchor: str
    new_anchor: str
    off_page: bool = False  # inside a property both files mark x-deskkit-known: only tolerant bindings type it


@dataclass
class Node:
    changes: list[Change] = field(default_factory=list)
    children: list[tuple[Site, str]] = field(default_factory=list)


@dataclass
class Found:
    """A change and every use-site where it shows."""

    change: Change
    where: list[Where]


def _nearest(doc: Document, other: str, fallback: str) -> str:
    """Where a thing present only in the other file would sit in ``doc``: the other file's parent of it
    (``.../properties`` for a property, ``.../enum`` for a value, the schema for a keyword) or grandparent,
    when ``doc`` has that place; else ``fallback`` (the schema that stands for it on this side)."""
    probe = other
    for _ in range(2):
        probe = probe.rsplit("/", 1)[0]
        if probe and doc.resolve(probe) is not None:
            return probe
    return fallback


def _values(s: Schema) -> str:
    return canonical([[k.value, k.level, k.evidence] for k in s.known_values])


def _level(known: Known | None) -> str:
    return "documented" if known is None else f"known off the page ({known.level})"


def _types(types: frozenset[str] | None) -> str:
    return "any type" if types is None else "|".join(t for t in JSON_TYPES if t in types) or "no type"


def _off_page(site: Site, classes: Classes) -> Classes:
    """Inside a property known off the page on both sides, nothing counts against the page: strict parsing
    keeps it as an unknown field and captures list it off_page whatever it holds; only tolerant bindings type it."""
    return classes._replace(strict="informational", captures="informational") if site.off_page else classes


def _child_subject(subject: str) -> str:
    return "parameter" if subject == "parameter" else "property"


class Comparer:
    def __init__(self, old: Document, new: Document) -> None:
        self.old, self.new = old, new
        self.nodes: dict[Site, Node] = {}
        self.roots: list[tuple[Where, Node]] = []
        self.document: list[Change] = []
        self.quirk_renames: dict[str, str] = {}

    # -- emitting -------------------------------------------------------------------------------------
    def _schema_change(self, node: Node, site: Site, suffix: str, old_at: str, new_at: str, message: str, *,
                       tolerant_ok: bool = False, leaf: str = "") -> None:
        rule = SCHEMA_RULES[suffix]
        assert rule.effect is not None
        prefix = "request" if site.direction == "request" else "response"
        classes = by_effect(site.direction, rule.effect)
        if tolerant_ok and site.direction == "response":  # OLD's declared quirks already accept the new values
            classes = classes._replace(tolerant="non-breaking")
        node.changes.append(Change(f"{prefix}-{site.subject}-{suffix}", message, _off_page(site, classes),
                                   rule.effect, old_at or site.old_anchor, new_at or site.new_anchor, leaf))

    def _property_change(self, node: Node, site: Site, kind: str, old_at: str, new_at: str, message: str,
                         leaf: str, effect: Effect | None = None) -> None:
        rule = PROPERTY_RULES[kind]
        assert rule.effect is not None
        effect = effect or rule.effect
        node.changes.append(Change(kind, message, _off_page(site, by_effect(site.direction, effect)), effect, old_at,
                                   new_at, leaf))

    @staticmethod
    def _known_change(node: Node, site: Site, suffix: str, old_at: str, new_at: str, message: str,
                      leaf: str = "", captures_ok: bool = False) -> None:
        """A change in what is known off the page: a property's kind reads ``{direction}-known-property-*``,
        a value's ``{direction}-{subject}-known-value-*``."""
        prefix = "request" if site.direction == "request" else "response"
        kind = f"{prefix}-{suffix}" if suffix.startswith("known-property-") else f"{prefix}-{site.subject}-{suffix}"
        classes = known_classes(suffix, site.direction)
        if captures_ok and site.direction != "request":  # NEW's every-enum quirk still tolerates the value
            classes = classes._replace(captures="non-breaking")
        node.changes.append(Change(kind, message, _off_page(site, classes), "none", old_at, new_at, leaf))

    def _in_old(self, other: str, fallback: str) -> str:
        return _nearest(self.old, other, fallback)

    def _in_new(self, other: str, fallback: str) -> str:
        return _nearest(self.new, other, fallback)

    @staticmethod
    def _fixed(kind: str, old_at: str, new_at: str, message: str, direction: Direction | None = None) -> Change:
        classes = FIXED_RULES[kind].fixed
        assert classes is not None
        if direction == "error":  # error bodies are not parsed by the bindings' models
            classes = classes._replace(strict="informational", tolerant="informational")
        return Change(kind, message, classes, "none", old_at, new_at)

    # -- schemas --------------------------------------------------------------------------------------
    def schema(self, site: Site) -> Node:
        """The changes between two schemas in one role (memoized; a recursive schema meets itself here)."""
        known = self.nodes.get(site)  # (the same site again: most look-ups, at no cost of views or keys)
        if known is not None:
            return known
        o, n = self.old.view(site.old), self.new.view(site.new)
        # A side with a location of its own never reads its anchor (nor do the children it makes): left out of
        # the key, a component shared by many operations is compared once, not once per operation.
        key = replace(site, old_anchor="" if o.at else site.old_anchor, new_anchor="" if n.at else site.new_anchor)
        known = self.nodes.get(key)
        if known is not None:
            self.nodes[site] = known
            return known
        node = self.nodes[key] = self.nodes[site] = Node()
        self._type(node, site, o, n)
        self._enum(node, site, o, n)
        self._constraints(node, site, o, n)
        self._annotations(node, site, o, n)
        self._object(node, site, o, n)
        if (o.items is not None or n.items is not None) and _may_be_array(o) and _may_be_array(n):
            # (a side that is no array has no items: `string` → array is the type change above, not one more)
            node.children.append((self._site(site, o.items or ANY, n.items or ANY, o.items_at or o.at,
                                             n.items_at or n.at), "/*"))
        self._variants(node, site, o, n)
        if site.direction != "request":
            self._tolerate(node, site, o, n)
        return node

    def _site(self, parent: Site, old: Key, new: Key, old_anchor: str, new_anchor: str, *,
              optional: bool = False, subject: str | None = None, off_page: bool = False) -> Site:
        return Site(old, new, parent.direction, subject or _child_subject(parent.subject), optional,
                    old_anchor or parent.old_anchor, new_anchor or parent.new_anchor, parent.off_page or off_page)

    def _type(self, node: Node, site: Site, o: Schema, n: Schema) -> None:
        ot, nt = o.value_types, n.value_types
        old_at, new_at = o.type_at or o.at, n.type_at or n.at
        if ot is None and nt is None:
            pass
        elif ot is None or nt is None:
            suffix = "type-specialized" if ot is None else "type-generalized"
            self._schema_change(node, site, suffix, old_at, new_at, f"type {_types(ot)} → {_types(nt)}")
        else:
            added = {t for t in nt if not covers(ot, t)}
            removed = {t for t in ot if not covers(nt, t)}
            if added or removed:
                suffix = "type-changed" if added and removed else "type-generalized" if added else "type-specialized"
                if suffix == "type-changed" and site.subject == "parameter" and nt == {"string"}:
                    suffix = "type-generalized"  # parameters travel as text: anything → string only widens
                alternatives = {t for tol in o.tolerate if tol.schema is not None
                                for t in (self.old.view(tol.schema).value_types or JSON_TYPES)}
                self._schema_change(node, site, suffix, old_at, new_at, f"type {_types(ot)} → {_types(nt)}",
                                    tolerant_ok=bool(added) and all(covers(frozenset(alternatives), t)
                                                                    for t in added))
        if o.types is not None and n.types is not None and o.nullable != n.nullable:
            if n.nullable:
                null_ok = self.old.null_quirk is not None and site.optional
                self._schema_change(node, site, "became-nullable", old_at, new_at, "null is now allowed",
                                    tolerant_ok=null_ok)
            else:
                self._schema_change(node, site, "became-not-nullable", old_at, new_at, "null is no longer allowed")
        of, nf = o.format, n.format
        if of is None and nf is not None:
            self._schema_change(node, site, "format-added", self._in_old(nf.at, o.at), nf.at,
                                f"format {nf.value!r} added")
        elif of is not None and nf is None:
            self._schema_change(node, site, "format-removed", of.at, self._in_new(of.at, n.at),
                                f"format {of.value!r} removed")
        elif of is not None and nf is not None and of.value != nf.value:
            self._schema_change(node, site, "format-changed", of.at, nf.at, f"format {of.value!r} → {nf.value!r}")

    def _enum(self, node: Node, site: Site, o: Schema, n: Schema) -> None:
        enum_quirk = self.old.enum_quirk is not None
        if o.enum is None and n.enum is not None:
            self._schema_change(node, site, "became-enum", self._in_old(n.enum_at, o.at), n.enum_at,
                                f"now limited to {len(n.enum)} value(s)")
        elif o.enum is not None and n.enum is None:
            self._schema_change(node, site, "enum-removed", o.enum_at, self._in_new(o.enum_at, n.at),
                                "no longer limited to listed values",
                                tolerant_ok=enum_quirk and all(isinstance(f.value, str) for f in o.enum))
        elif o.enum is not None and n.enum is not None:
            old_values = {canonical(f.value): f for f in o.enum}
            new_values = {canonical(f.value): f for f in n.enum}
            old_known = {canonical(k.value): k for k in o.known_values}
            new_known = {canonical(k.value): k for k in n.known_values}
            for text, fact in new_values.items():
                if text in old_values:
                    continue
                was = old_known.get(text)
                if was is not None:
                    self._known_change(node, site, "known-value-promoted", was.at, fact.at,
                                       f"enum value {text}: known off the page ({was.level}) → documented")
                else:
                    self._schema_change(node, site, "enum-value-added", o.enum_at, fact.at,
                                        f"enum value {text} added",
                                        tolerant_ok=enum_quirk and isinstance(fact.value, str))
            for text, fact in old_values.items():
                if text in new_values:
                    continue
                now = new_known.get(text)
                if now is not None:
                    self._known_change(node, site, "known-value-demoted", fact.at, now.at,
                                       f"enum value {text}: documented → known off the page ({now.level})")
                else:
                    self._schema_change(node, site, "enum-value-removed", fact.at, n.enum_at,
                                        f"enum value {text} removed")
            self._known_values(node, site, o, n, old_known, new_known, old_values, new_values)
        oc, nc = o.const, n.const
        if oc is None and nc is not None:
            self._schema_change(node, site, "const-added", self._in_old(nc.at, o.at), nc.at,
                                f"const {canonical(nc.value)} added")
        elif oc is not None and nc is None:
            self._schema_change(node, site, "const-removed", oc.at, self._in_new(oc.at, n.at),
                                f"const {canonical(oc.value)} removed")
        elif oc is not None and nc is not None and canonical(oc.value) != canonical(nc.value):
            self._schema_change(node, site, "const-changed", oc.at, nc.at,
                                f"const {canonical(oc.value)} → {canonical(nc.value)}")

    def _known_values(self, node: Node, site: Site, o: Schema, n: Schema, old_known: dict[str, Known],
                      new_known: dict[str, Known], old_values: dict[str, Fact], new_values: dict[str, Fact]) -> None:
        """x-deskkit-known-values beside an enumeration on both sides (promotions and demotions are above)."""
        for text, now in new_known.items():
            was = old_known.get(text)
            if was is None and text not in old_values:
                self._known_change(node, site, "known-value-added", self._in_old(now.at, o.enum_at or o.at), now.at,
                                   f"enum value {text} known off the page ({now.level})")
            elif was is not None and was.level != now.level:
                self._known_change(node, site, "known-value-level-changed", f"{was.at}/level", f"{now.at}/level",
                                   f"enum value {text}: known at level {was.level} → {now.level}")
            elif was is not None and was.evidence != now.evidence:
                self._known_change(node, site, "known-value-evidence-changed", was.at, now.at,
                                   f"enum value {text}: evidence, name or description changed")
        for text, was in old_known.items():
            if text not in new_known and text not in new_values:
                self._known_change(node, site, "known-value-removed", was.at, self._in_new(was.at, n.enum_at or n.at),
                                   f"enum value {text} no longer known off the page (it was {was.level})",
                                   captures_ok=self.new.enum_quirk is not None)

    def _constraints(self, node: Node, site: Site, o: Schema, n: Schema) -> None:
        for word in (*LOWER, *UPPER):
            ob, nb, name = o.bounds.get(word), n.bounds.get(word), _BOUND_NAMES[word]
            if ob is None and nb is not None:
                self._schema_change(node, site, f"{name}-set", self._in_old(nb.at, o.at), nb.at,
                                    f"{word} {nb.value} set")
            elif ob is not None and nb is None:
                self._schema_change(node, site, f"{name}-unset", ob.at, self._in_new(ob.at, n.at),
                                    f"{word} {ob.value} removed")
            elif ob is not None and nb is not None and ob.value != nb.value:
                way = "increased" if nb.value > ob.value else "decreased"
                self._schema_change(node, site, f"{name}-{way}", ob.at, nb.at, f"{word} {ob.value} → {nb.value}")
        for word, name in (("multipleOf", "multiple-of"), ("uniqueItems", "unique-items")):
            ob, nb = o.bounds.get(word), n.bounds.get(word)
            if ob is None and nb is not None:
                self._schema_change(node, site, f"{name}-set", self._in_old(nb.at, o.at), nb.at,
                                    f"{word} {canonical(nb.value)} set")
            elif ob is not None and nb is None:
                self._schema_change(node, site, f"{name}-unset", ob.at, self._in_new(ob.at, n.at),
                                    f"{word} {canonical(ob.value)} removed")
            elif ob is not None and nb is not None and ob.value != nb.value:
                self._schema_change(node, site, f"{name}-changed", ob.at, nb.at, f"{word} {ob.value} → {nb.value}")
        old_patterns = {f.value: f for f in o.patterns}
        new_patterns = {f.value: f for f in n.patterns}
        gone = [f for v, f in old_patterns.items() if v not in new_patterns]
        came = [f for v, f in new_patterns.items() if v not in old_patterns]
        if len(gone) == 1 and len(came) == 1:
            self._schema_change(node, site, "pattern-changed", gone[0].at, came[0].at,
                                f"pattern {gone[0].value!r} → {came[0].value!r}")
        else:
            for fact in came:
                self._schema_change(node, site, "pattern-added", self._in_old(fact.at, o.at), fact.at,
                                    f"pattern {fact.value!r} added")
            for fact in gone:
                self._schema_change(node, site, "pattern-removed", fact.at, self._in_new(fact.at, n.at),
                                    f"pattern {fact.value!r} removed")
        for word in sorted(set(o.other) | set(n.other)):
            ow, nw = o.other.get(word), n.other.get(word)
            if (ow and ow.value) != (nw and nw.value):
                self._schema_change(node, site, "unsupported-keyword-changed",
                                    ow.at if ow else self._in_old(nw.at if nw else "", o.at),
                                    nw.at if nw else self._in_new(ow.at if ow else "", n.at),
                                    f"`{word}` changed; deskkit diff does not judge it, so it is taken as breaking")

    def _annotations(self, node: Node, site: Site, o: Schema, n: Schema) -> None:
        od, nd = o.default, n.default
        if site.subject != "parameter" and canonical(od and od.value) != canonical(nd and nd.value):
            self._schema_change(node, site,
                                "default-value-changed", od.at if od else self._in_old(nd.at if nd else "", o.at),
                                nd.at if nd else self._in_new(od.at if od else "", n.at),
                                f"default {canonical(od.value) if od else 'none'} → "
                                f"{canonical(nd.value) if nd else 'none'}")
        if o.deprecated != n.deprecated:
            self._schema_change(node, site, "deprecated" if n.deprecated else "reactivated", o.at, n.at,
                                "deprecated" if n.deprecated else "no longer deprecated")
        for word in ANNOTATIONS:
            oa, na = o.annotations.get(word), n.annotations.get(word)
            if canonical(oa and oa.value) != canonical(na and na.value):
                self._schema_change(node, site, "annotation-changed",
                                    oa.at if oa else self._in_old(na.at if na else "", o.at),
                                    na.at if na else self._in_new(oa.at if oa else "", n.at),
                                    f"`{word}` changed")
        if o.enum is None and n.enum is None and _values(o) != _values(n):  # a free string: values worth knowing
            self._schema_change(node, site, "annotation-changed",
                                o.known_values_at or self._in_old(n.known_values_at, o.at),
                                n.known_values_at or self._in_new(o.known_values_at, n.at),
                                "`x-deskkit-known-values` changed (values worth knowing of a free string)")
        for word, was, now in (("readOnly", o.read_only, n.read_only), ("writeOnly", o.write_only, n.write_only)):
            if was != now:
                self._schema_change(node, site, "annotation-changed", o.at, n.at, f"`{word}` {was} → {now}")

    # -- objects --------------------------------------------------------------------------------------
    def _visible(self, doc: Document, schema: Schema, direction: Direction) -> dict[str, Key]:
        """Properties that travel in ``direction``: readOnly ones are left out of requests, writeOnly ones
        out of responses (as oasdiff does)."""
        out = {}
        for name, prop in schema.properties.items():
            view = doc.view(prop.key)
            if (direction == "request" and view.read_only) or (direction != "request" and view.write_only):
                continue
            out[name] = prop.key
        return out

    def _object(self, node: Node, site: Site, o: Schema, n: Schema) -> None:
        old_props, new_props = self._visible(self.old, o, site.direction), self._visible(self.new, n, site.direction)
        removed = [name for name in old_props if name not in new_props]
        added = [name for name in new_props if name not in old_props]
        renames = self._renames([r for r in removed if o.properties[r].known is None],
                                [a for a in added if n.properties[a].known is None], old_props, new_props)
        request = site.direction == "request"
        for name in old_props:
            if name not in new_props:
                continue
            o_req, n_req = name in o.required, name in n.required
            o_at, n_at = o.properties[name].at, n.properties[name].at
            leaf = f"/{escape_token(name)}"
            if o_req != n_req:
                way = "required" if n_req else "optional"
                kind = f"{'request' if request else 'response'}-property-became-{way}"
                self._property_change(node, site, kind, o.required.get(name, o_at), n.required.get(name, n_at),
                                      f"property `{name}` became {way}", leaf)
            ok, nk = o.properties[name].known, n.properties[name].known
            self._known_property(node, site, name, ok, nk, o_at, n_at, leaf)
            node.children.append((self._site(site, old_props[name], new_props[name], o_at, n_at,
                                              optional=not o_req, off_page=ok is not None and nk is not None), leaf))
        for old_name, new_name in renames:
            o_at, n_at = o.properties[old_name].at, n.properties[new_name].at
            required = old_name in o.required or new_name in n.required
            self._property_change(node, site, f"{'request' if request else 'response'}-property-renamed", o_at, n_at,
                                  f"{'required' if required else 'optional'} property `{old_name}` → `{new_name}`: a "
                                  "possible rename (same type and description)", f"/{escape_token(old_name)}")
            node.children.append((self._site(site, old_props[old_name], new_props[new_name], o_at, n_at,
                                              optional=old_name not in o.required), f"/{escape_token(new_name)}"))
        paired_old = {a for a, _ in renames}
        paired_new = {b for _, b in renames}
        for name in removed:
            if name in paired_old:
                continue
            req = name in o.required
            leaf = f"/{escape_token(name)}"
            was = o.properties[name].known
            if was is not None:
                self._known_change(node, site, "known-property-removed", o.properties[name].at,
                                   self._in_new(o.properties[name].at, n.at),
                                   f"property `{name}` (known off the page: {was.level}) removed", leaf)
                continue
            kind = "request-property-removed" if request else \
                f"response-{'required' if req else 'optional'}-property-removed"
            self._property_change(node, site, kind, o.properties[name].at, self._in_new(o.properties[name].at, n.at),
                                  f"{'required' if req else 'optional'} property `{name}` removed", leaf)
            if not request:  # its tolerated shapes go with it
                for tol in self.old.view(old_props[name]).tolerate:
                    change = self._fixed("quirk-tolerance-removed", tol.at, self._in_new(tol.at, n.at),
                                         f"`{name}` no longer tolerates quirk {tol.quirk!r} (the property is gone)",
                                         site.direction)
                    change.leaf = leaf
                    node.changes.append(change)
        for name in added:
            if name in paired_new:
                continue
            req = name in n.required
            leaf = f"/{escape_token(name)}"
            now = n.properties[name].known
            if now is not None:
                self._known_change(node, site, "known-property-added", self._in_old(n.properties[name].at, o.at),
                                   n.properties[name].at,
                                   f"property `{name}` added, known off the page ({now.level})", leaf)
                continue
            if request:
                kind = f"new-{'required' if req else 'optional'}-request-property"
                self._property_change(node, site, kind, self._in_old(n.properties[name].at, o.at),
                                      n.properties[name].at,
                                      f"{'required' if req else 'optional'} property `{name}` added", leaf)
            else:
                kind = f"response-{'required' if req else 'optional'}-property-added"
                self._property_change(node, site, kind, self._in_old(n.properties[name].at, o.at),
                                      n.properties[name].at,
                                      f"{'required' if req else 'optional'} property `{name}` added", leaf,
                                      self._added_effect(site, o, new_props[name], n.properties[name].at))
        self._additional(node, site, o, n)

    def _known_property(self, node: Node, site: Site, name: str, ok: Known | None, nk: Known | None, o_at: str,
                        n_at: str, leaf: str) -> None:
        """x-deskkit-known on a property both files have: promoted, demoted, or its level or evidence changed."""
        if ok is not None and nk is None:
            self._known_change(node, site, "known-property-promoted", ok.at, n_at,
                               f"property `{name}`: known off the page ({ok.level}) → documented", leaf)
        elif ok is None and nk is not None:
            self._known_change(node, site, "known-property-demoted", o_at, nk.at,
                               f"property `{name}`: documented → known off the page ({nk.level})", leaf)
        elif ok is not None and nk is not None and ok.level != nk.level:
            self._known_change(node, site, "known-property-level-changed", f"{ok.at}/level", f"{nk.at}/level",
                               f"property `{name}`: known at level {ok.level} → {nk.level}", leaf)
        elif ok is not None and nk is not None and ok.evidence != nk.evidence:
            self._known_change(node, site, "known-property-evidence-changed", ok.at, nk.at,
                               f"property `{name}`: evidence changed", leaf)

    def _added_effect(self, site: Site, o: Schema, new: Key, new_at: str) -> Effect:
        """A response property added: its values were unknown fields, now they are checked (narrow) — unless
        OLD forbade unknown fields (widen) or held them to a schema of its own (compare the two)."""
        if o.additional is False:
            return "widen"
        if not isinstance(o.additional, tuple):
            return "narrow"
        effects = self.effects(self.schema(self._site(site, o.additional, new, o.additional_at, new_at)))
        if effects <= {"narrow", "none"}:
            return "narrow"
        return "widen" if effects <= {"widen", "none"} else "change"

    def _renames(self, removed: list[str], added: list[str], old_props: dict[str, Key],
                 new_props: dict[str, Key]) -> list[tuple[str, str]]:
        """Pairs (removed, added) with one signature (type and non-empty description) found once on each side."""
        def by_signature(doc: Document, names: list[str], props: dict[str, Key]) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for name in names:
                sig = self._signature(doc, props[name])
                if sig is not None:
                    out.setdefault(sig, []).append(name)
            return out

        gone, came = by_signature(self.old, removed, old_props), by_signature(self.new, added, new_props)
        return [(gone[sig][0], came[sig][0]) for sig in gone
                if len(gone[sig]) == 1 and len(came.get(sig, [])) == 1]

    @staticmethod
    def _signature(doc: Document, key: Key) -> str | None:
        s = doc.view(key)
        description = s.annotations.get("description")
        if description is None or not str(description.value).strip():
            return None
        items = doc.view(s.items) if s.items is not None else None
        return canonical([
            sorted(s.types) if s.types is not None else None, s.format and s.format.value,
            [f.value for f in s.enum] if s.enum is not None else None, s.const and [s.const.value],
            {k: f.value for k, f in s.bounds.items()}, [f.value for f in s.patterns], sorted(s.properties), s.ref,
            items and [items.ref, sorted(items.types or ())], str(description.value).strip()])

    def _additional(self, node: Node, site: Site, o: Schema, n: Schema) -> None:
        oa, na = o.additional, n.additional
        old_at = o.additional_at or self._in_old(n.additional_at, o.at)
        new_at = n.additional_at or self._in_new(o.additional_at, n.at)
        if oa is False and na is not False:
            self._schema_change(node, site, "additional-properties-allowed", old_at, new_at,
                                "fields it does not list are now allowed")
        elif oa is not False and na is False:
            self._schema_change(node, site, "additional-properties-forbidden", old_at, new_at,
                                "fields it does not list are now forbidden")
        elif oa is True and isinstance(na, tuple):
            self._schema_change(node, site, "additional-properties-narrowed", old_at, new_at,
                                "fields it does not list must now match a schema")
        elif isinstance(oa, tuple) and na is True:
            self._schema_change(node, site, "additional-properties-widened", old_at, new_at,
                                "fields it does not list may now hold anything")
        elif isinstance(oa, tuple) and isinstance(na, tuple):
            node.children.append((self._site(site, oa, na, old_at, new_at), "/*"))

    # -- alternatives and quirks ----------------------------------------------------------------------
    def _variants(self, node: Node, site: Site, o: Schema, n: Schema) -> None:
        if not o.variants and not n.variants:
            return
        if not o.variants or not n.variants or o.variant_kind != n.variant_kind:
            self._schema_change(node, site, "alternatives-kind-changed", o.variants_at or o.at,
                                n.variants_at or n.at, f"{o.variant_kind or 'no alternatives'} → "
                                f"{n.variant_kind or 'no alternatives'}")
            return
        pairs, old_left, new_left = [], list(range(len(o.variants))), list(range(len(n.variants)))
        for i, ref in enumerate(o.variant_refs):  # a $ref names its alternative; the rest pair up in order
            if ref is not None and n.variant_refs.count(ref) == 1 and o.variant_refs.count(ref) == 1:
                pairs.append((i, n.variant_refs.index(ref)))
        old_left = [i for i in old_left if i not in {a for a, _ in pairs}]
        new_left = [j for j in new_left if j not in {b for _, b in pairs}]
        old_free = [i for i in old_left if o.variant_refs[i] is None or o.variant_refs[i] not in n.variant_refs]
        new_free = [j for j in new_left if n.variant_refs[j] is None or n.variant_refs[j] not in o.variant_refs]
        unnamed = [(i, j) for i, j in zip(old_free, new_free, strict=False)
                   if o.variant_refs[i] is None and n.variant_refs[j] is None]
        pairs += unnamed
        kind = "one-of" if o.variant_kind == "oneOf" else "any-of"
        for i in old_left:
            if i not in {a for a, _ in unnamed}:
                self._schema_change(node, site, f"{kind}-removed", o.variants[i][0], n.variants_at,
                                    f"alternative {o.variant_refs[i] or i} removed")
        for j in new_left:
            if j not in {b for _, b in unnamed}:
                self._schema_change(node, site, f"{kind}-added", o.variants_at, n.variants[j][0],
                                    f"alternative {n.variant_refs[j] or j} added")
        for i, j in pairs:
            node.children.append((self._site(site, o.variants[i], n.variants[j], o.variants[i][0], n.variants[j][0],
                                              optional=site.optional, subject=site.subject), ""))

    def _tolerate(self, node: Node, site: Site, o: Schema, n: Schema) -> None:
        """``x-deskkit-tolerate`` at this property: shapes the observed contract accepts through a quirk."""
        old = {self.quirk_renames.get(t.quirk, t.quirk): t for t in o.tolerate}
        new = {t.quirk: t for t in n.tolerate}
        for quirk, tol in old.items():
            if quirk not in new:
                node.changes.append(self._fixed("quirk-tolerance-removed", tol.at, self._in_new(tol.at, n.at),
                                                f"no longer tolerates quirk {tol.quirk!r}", site.direction))
        for quirk, tol in new.items():
            was = old.get(quirk)
            if was is None:
                node.changes.append(self._fixed("quirk-tolerance-added", self._in_old(tol.at, o.at), tol.at,
                                                f"now tolerates quirk {quirk!r}", site.direction))
            elif was.shape != tol.shape or (was.schema is None) != (tol.schema is None):
                node.changes.append(self._fixed("quirk-tolerance-narrowed", was.at, tol.at,
                                                f"quirk {quirk!r}: tolerated shape changed", site.direction))
            elif was.schema is not None and tol.schema is not None:
                sub = self._site(site, was.schema, tol.schema, was.at, tol.at, subject="property")
                effects = self.effects(self.schema(Site(sub.old, sub.new, "response", sub.subject, False,
                                                        sub.old_anchor, sub.new_anchor)))
                if effects & {"narrow", "change"}:
                    node.changes.append(self._fixed("quirk-tolerance-narrowed", was.at, tol.at,
                                                    f"quirk {quirk!r} tolerates less than before", site.direction))
                elif "widen" in effects:
                    node.changes.append(self._fixed("quirk-tolerance-widened", was.at, tol.at,
                                                    f"quirk {quirk!r} tolerates more than before", site.direction))

    def effects(self, node: Node) -> set[Effect]:
        """Every effect found at or below ``node``."""
        seen, queue, out = {id(node)}, deque([node]), set[Effect]()
        while queue:
            current = queue.popleft()
            out.update(c.effect for c in current.changes)
            for site, _ in current.children:
                child = self.schema(site)
                if id(child) not in seen:
                    seen.add(id(child))
                    queue.append(child)
        return out

    def quirks(self) -> None:
        old, new = self.old.quirks, self.new.quirks
        gone = [q for q in old.values() if q.id not in new]
        came = [q for q in new.values() if q.id not in old]
        for q in gone:  # a quirk whose id alone changed (same summary and scope) is a rename
            twins = [c for c in came if (c.summary, c.scope) == (q.summary, q.scope)]
            if len(twins) == 1 and len([g for g in gone if (g.summary, g.scope) == (q.summary, q.scope)]) == 1:
                self.quirk_renames[q.id] = twins[0].id
                self.document.append(self._fixed("quirk-renamed", q.at, twins[0].at,
                                                 f"quirk {q.id!r} renamed to {twins[0].id!r}: deviations and "
                                                 "reports name it by the new id"))
        for q in gone:
            if q.id not in self.quirk_renames:
                self.document.append(self._fixed("quirk-retired", q.at, "/x-deskkit-quirks" if new else "",
                                                 f"quirk {q.id!r} ({q.scope}) retired"))
        for q in came:
            if q.id not in self.quirk_renames.values():
                self.document.append(self._fixed("quirk-declared", "/x-deskkit-quirks" if old else "", q.at,
                                                 f"quirk {q.id!r} ({q.scope}) declared"))
        for qid, q in old.items():
            now = new.get(qid)
            if now is None:
                continue
            if q.scope != now.scope:
                self.document.append(self._fixed("quirk-scope-changed", f"{q.at}/scope", f"{now.at}/scope",
                                                 f"quirk {qid!r}: scope {q.scope} → {now.scope}"))
            if (q.summary, q.evidence) != (now.summary, now.evidence):
                self.document.append(self._fixed("quirk-evidence-changed", q.at, now.at,
                                                 f"quirk {qid!r}: summary or evidence changed"))

    # -- operations -----------------------------------------------------------------------------------
    def operations(self) -> None:
        old, new = self.old.operations, self.new.operations
        for key in sorted(set(old) | set(new)):
            o, n = old.get(key), new.get(key)
            if o is not None and n is not None:
                self._operation(o, n)
                continue
            if o is not None:
                root = Node([self._fixed("endpoint-removed", o.at, self._anchor(self.new, o),
                                         f"{o.label} removed" + (" (it was deprecated)" if o.deprecated else ""))])
                self.roots.append((Where(o.label, o.operation_id, "operation", ""), root))
            elif n is not None:
                root = Node([self._fixed("endpoint-added", self._anchor(self.old, n), n.at, f"{n.label} added")])
                self.roots.append((Where(n.label, n.operation_id, "operation", ""), root))

    @staticmethod
    def _anchor(doc: Document, op: Operation) -> str:
        path = f"/paths/{escape_token(op.path)}"
        return path if doc.resolve(path) is not None else "/paths"

    def _root(self, op: Operation, part: str) -> Node:
        """A new use-site root: one part of ``op`` (as NEW names it)."""
        node = Node()
        self.roots.append((Where(op.label, op.operation_id, part, ""), node))
        return node

    def _operation(self, o: Operation, n: Operation) -> None:
        top = self._root(n, "operation")
        if o.operation_id != n.operation_id:
            top.changes.append(self._fixed("operation-id-changed", f"{o.at}/operationId", f"{n.at}/operationId",
                                           f"operationId {o.operation_id!r} → {n.operation_id!r} (the generated "
                                           "method is renamed)"))
        if o.deprecated != n.deprecated:
            kind = "endpoint-deprecated" if n.deprecated else "endpoint-reactivated"
            top.changes.append(self._fixed(kind, o.at, n.at, f"{n.label} {kind.split('-')[1]}"))
        self._parameters(o, n)
        self._request_body(o, n)
        self._responses(o, n)

    def _parameters(self, o: Operation, n: Operation) -> None:
        for key in sorted(set(o.parameters) | set(n.parameters)):
            op, np = o.parameters.get(key), n.parameters.get(key)
            either = np or op
            assert either is not None
            node = self._root(n, f"parameter {either.location} {either.name}")
            if op is None and np is not None:
                kind = f"new-{'required' if np.required else 'optional'}-request-parameter"
                node.changes.append(self._fixed(kind, f"{o.at}/parameters" if self.old.resolve(f"{o.at}/parameters")
                                                is not None else o.at, np.at,
                                                f"{'required' if np.required else 'optional'} {np.location} "
                                                f"parameter `{np.name}` added"))
                continue
            if np is None and op is not None:
                node.changes.append(self._fixed("request-parameter-removed", op.at, f"{n.at}/parameters"
                                                if self.new.resolve(f"{n.at}/parameters") is not None else n.at,
                                                f"{op.location} parameter `{op.name}` removed"))
                continue
            assert op is not None and np is not None
            if op.name != np.name and np.location == "path":  # others match by name (headers in any case)
                node.changes.append(self._fixed("request-path-parameter-renamed", f"{op.at}/name", f"{np.at}/name",
                                                f"path parameter `{op.name}` → `{np.name}` (the generated "
                                                "method's argument is renamed)"))
            if op.required != np.required:
                way = "required" if np.required else "optional"
                node.changes.append(self._fixed(f"request-parameter-became-{way}", op.at, np.at,
                                                f"parameter `{np.name}` became {way}"))
            if op.style != np.style:  # the default of `explode` follows the style: one change, not two
                node.changes.append(self._fixed("request-parameter-style-changed", op.at, np.at,
                                                f"parameter `{np.name}`: style {op.style} (explode {op.explode}) → "
                                                f"{np.style} (explode {np.explode}): the wire format changes"))
            elif op.explode != np.explode:
                node.changes.append(self._fixed("request-parameter-explode-changed", op.at, np.at,
                                                f"parameter `{np.name}`: explode {op.explode} → {np.explode}: the "
                                                "wire format changes"))
            if op.deprecated != np.deprecated:
                kind = "request-parameter-deprecated" if np.deprecated else "request-parameter-reactivated"
                node.changes.append(self._fixed(kind, op.at, np.at, f"parameter `{np.name}` "
                                                f"{'deprecated' if np.deprecated else 'no longer deprecated'}"))
            self._known_parameter(node, op, np)
            od, nd = self.old.view(op.schema).default, self.new.view(np.schema).default
            if not np.required and canonical(od and od.value) != canonical(nd and nd.value):
                node.changes.append(self._fixed("request-parameter-default-value-changed", od.at if od else op.at,
                                                nd.at if nd else np.at,
                                                f"optional parameter `{np.name}`: default "
                                                f"{canonical(od.value) if od else 'none'} → "
                                                f"{canonical(nd.value) if nd else 'none'} (an old client that "
                                                "leaves it out gets the new default)"))
            node.children.append((Site(op.schema, np.schema, "request", "parameter", not op.required, op.at, np.at),
                                  ""))

    def _known_parameter(self, node: Node, op: Parameter, np: Parameter) -> None:
        """x-deskkit-known on a parameter is an annotation: the client sends the parameter either way."""
        was, now = op.known, np.known
        if _level(was) == _level(now) and (was and was.evidence) == (now and now.evidence):
            return
        message = f"parameter `{np.name}`: {_level(was)} → {_level(now)}" if _level(was) != _level(now) else \
            f"parameter `{np.name}` ({_level(now)}): evidence changed"
        node.changes.append(self._fixed("request-parameter-known-changed", was.at if was else op.at,
                                        now.at if now else np.at, message))

    def _request_body(self, o: Operation, n: Operation) -> None:
        ob, nb = o.body, n.body
        if ob is None and nb is None:
            return
        node = self._root(n, "request body")
        if ob is None and nb is not None:
            way = "required" if nb.required else "optional"
            node.changes.append(self._fixed(f"request-body-added-{way}", o.at, nb.at, f"{way} request body added"))
            return
        if nb is None and ob is not None:
            node.changes.append(self._fixed("request-body-removed", ob.at, n.at, "request body removed"))
            return
        assert ob is not None and nb is not None
        if ob.required != nb.required:
            way = "required" if nb.required else "optional"
            node.changes.append(self._fixed(f"request-body-became-{way}", ob.at, nb.at, f"request body became {way}"))
        for media in sorted(set(ob.content) | set(nb.content)):
            om, nm = ob.content.get(media), nb.content.get(media)
            if om is None and nm is not None:
                node.changes.append(self._fixed("request-body-media-type-added", ob.at, nm.at, f"{media} added"))
            elif nm is None and om is not None:
                node.changes.append(self._fixed("request-body-media-type-removed", om.at, nb.at, f"{media} removed"))
            elif om is not None and nm is not None:
                self._root(n, f"request body {media}").children.append(
                    (Site(om.schema, nm.schema, "request", "body", False, om.at, nm.at), ""))

    def _responses(self, o: Operation, n: Operation) -> None:
        old_success = {self.old.view(m.schema).ref
                       for status, r in o.responses.items() if status.startswith("2") for m in r.content.values()}
        for status in sorted(set(o.responses) | set(n.responses)):
            orr, nr = o.responses.get(status), n.responses.get(status)
            success = status.startswith("2")
            direction: Direction = "response" if success else "error"
            node = self._root(n, f"response {status}")
            if orr is None and nr is not None:
                if success:
                    change = self._fixed("response-success-status-added", f"{o.at}/responses", nr.at,
                                         f"success status {status} added")
                    refs = {self.new.view(m.schema).ref for m in nr.content.values()}
                    if refs and None not in refs and refs <= old_success:  # the old client's model parses it
                        change.classes = Classes("non-breaking", "non-breaking", "non-breaking")
                        change.message += " (with a body the old client already parses)"
                    node.changes.append(change)
                else:
                    node.changes.append(self._fixed("response-non-success-status-added", f"{o.at}/responses", nr.at,
                                                    f"status {status} added"))
                continue
            if nr is None and orr is not None:
                kind = "response-success-status-removed" if success else "response-non-success-status-removed"
                node.changes.append(self._fixed(kind, orr.at, f"{n.at}/responses", f"status {status} removed"))
                continue
            assert orr is not None and nr is not None
            for media in sorted(set(orr.content) | set(nr.content)):
                om, nm = orr.content.get(media), nr.content.get(media)
                if om is None and nm is not None:
                    node.changes.append(self._fixed("response-media-type-added", orr.at, nm.at,
                                                    f"status {status}: {media} added", direction))
                elif nm is None and om is not None:
                    node.changes.append(self._fixed("response-media-type-removed", om.at, nr.at,
                                                    f"status {status}: {media} removed", direction))
                elif om is not None and nm is not None:
                    self._root(n, f"response {status} {media}").children.append(
                        (Site(om.schema, nm.schema, direction, "body", False, om.at, nm.at), ""))

    # -- the document ---------------------------------------------------------------------------------
    def components(self) -> None:
        """Schemas no operation uses are still models in the bindings: compare them as response bodies."""
        used_old, used_new = _used(self.old), _used(self.new)
        for name in sorted(set(self.old.components) | set(self.new.components)):
            ok, nk = self.old.components.get(name), self.new.components.get(name)
            if ok is None and nk is not None:
                self.document.append(self._fixed("schema-added", "/components/schemas", nk[0],
                                                 f"schema {name} added"))
            elif nk is None and ok is not None:
                self.document.append(self._fixed("schema-removed", ok[0], "/components/schemas",
                                                 f"schema {name} removed (its model leaves the bindings)"))
            elif ok is not None and nk is not None and ok[0] not in used_old and nk[0] not in used_new:
                node = Node([])
                self.roots.append((Where("", "", f"schema {name} (no operation uses it)", ""), node))
                node.children.append((Site(ok, nk, "response", "body", False, ok[0], nk[0]), ""))

    def document_level(self) -> None:
        for word, kind, at in (("info", "info-changed", "/info"), ("servers", "servers-changed", "/servers")):
            was, now = self.old.data.get(word), self.new.data.get(word)
            if canonical(was) != canonical(now):  # a side without it: the document itself
                self.document.append(self._fixed(kind, at if was is not None else "", at if now is not None else "",
                                                 f"`{word}` changed"))

    def run(self) -> list[Found]:
        self.quirks()
        self.document_level()
        self.operations()
        self.components()
        return self.collect()

    def collect(self) -> list[Found]:
        """Every change reachable from a use-site, with each use-site that reaches it (first path found)."""
        found: dict[int, Found] = {id(c): Found(c, []) for c in self.document}
        seen: dict[int, set[Where]] = {}  # each change's use-sites, for the look-up (a list's was quadratic)
        live = self._live()
        for where, root in self.roots:
            if id(root) not in live:
                continue
            # Breadth first, shortest paths first; a node is entered by at most PATHS_PER_PART paths per part,
            # so a schema shared many times over (or recursive) costs a bounded amount per part. Only what
            # leads to a change is walked: a component shared by every operation costs its changed paths.
            queue, visits = deque([(root, where.path)]), {id(root): 1}
            while queue:
                node, path = queue.popleft()
                for change in node.changes:
                    entry = found.setdefault(id(change), Found(change, []))
                    here = Where(where.operation, where.operation_id, where.part, path + change.leaf)
                    if here not in seen.setdefault(id(change), set()):
                        seen[id(change)].add(here)
                        entry.where.append(here)
                for child, segment in live[id(node)]:
                    if visits.get(id(child), 0) < PATHS_PER_PART:
                        visits[id(child)] = visits.get(id(child), 0) + 1
                        queue.append((child, path + segment))
        merged: dict[tuple[str, str, Classes, str, str, str], Found] = {}
        for item in found.values():
            c = item.change
            same = merged.setdefault((c.kind, c.message, c.classes, c.old, c.new, c.leaf), Found(c, []))
            same.where.extend(item.where)
        for item in merged.values():
            item.where[:] = dict.fromkeys(item.where)
        return list(merged.values())

    def _live(self) -> dict[int, list[tuple[Node, str]]]:
        """Each node (by id) from which a change can be reached, with its children from which one can: each
        node's children are read once, and what leads to a change is found by walking back from the changes."""
        nodes: dict[int, Node] = {}
        children: dict[int, list[tuple[Node, str]]] = {}
        parents: dict[int, list[int]] = {}
        stack = [root for _, root in self.roots]
        while stack:
            node = stack.pop()
            if id(node) in nodes:
                continue
            nodes[id(node)] = node
            children[id(node)] = [(self.schema(site), segment) for site, segment in node.children]
            for child, _ in children[id(node)]:
                parents.setdefault(id(child), []).append(id(node))
                stack.append(child)
        live = {key for key, node in nodes.items() if node.changes}
        stack_ids = list(live)
        while stack_ids:
            for parent in parents.get(stack_ids.pop(), ()):
                if parent not in live:
                    live.add(parent)
                    stack_ids.append(parent)
        return {key: [(c, s) for c, s in children[key] if id(c) in live] for key in live}


def _may_be_array(s: Schema) -> bool:
    types = s.value_types
    return types is None or "array" in types


def _used(doc: Document) -> set[str]:
    """The pointers of every schema piece some operation reaches (components among them)."""
    stack: list[Key] = [k for op in doc.operations.values() for k in _operation_keys(op)]
    seen: set[Key] = set()
    pieces: set[str] = set()
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        pieces.update(at for pointer in key for at, _ in doc.pieces(pointer))
        stack.extend(doc.children(doc.view(key)))
    return pieces


def _operation_keys(op: Operation) -> Iterable[Key]:
    yield from (p.schema for p in op.parameters.values())
    if op.body is not None:
        yield from (m.schema for m in op.body.content.values())
    for response in op.responses.values():
        yield from (m.schema for m in response.content.values())
