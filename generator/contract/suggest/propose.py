"""From what the captures showed to spec changes: each proposal with its evidence, and one JSON Patch
(RFC 6902, ``add`` operations only) against the spec the bindings were generated from.

- an undocumented field → a property of the schema that owns it (``/components/schemas/M/properties/p``),
  typed from the values seen (:mod:`.shapes`); objects become new components. By default it is marked as known
  off the page, from captures (``x-deskkit-known: {level: captures, evidence}``): captures show what a service
  sends, not what its page promises. ``documented`` (``--as documented``, for whoever owns the page) adds it
  plain. A closed schema (``additionalProperties: false``) forbids the field on the page, so nothing off the
  page can be declared there: not proposed, the report says why;
- a value outside an enumeration → an ``x-deskkit-known-values`` entry (level captures, with its evidence),
  or with ``documented`` the value appended to ``enum`` (and to ``x-enum-descriptions`` / ``x-enum-varnames``
  when the spec keeps them); in every enumeration of the same title and values either way (the generator
  makes one class of them, so they must stay equal);
- what the spec already knows off the page → counted for the report, never proposed again;
- a shape no quirk declares → a quirk (``x-deskkit-quirks``, scope ``property``, the first capture as its
  evidence) and the tolerated shape on the property (``x-deskkit-tolerate``); null where no quirk tolerates
  it → one ``every-property`` quirk;
- a declared quirk no capture needed → a candidate to retire, in the report only (retiring breaks tolerant
  consumers: a person decides, and removes its attachments with it).

The patch only adds. Each operation is applied to a copy of the spec as it is built, so a pointer the spec
does not have (bindings generated from another spec) is an error here, not a broken patch.
"""

from __future__ import annotations

import copy
import keyword
from dataclasses import dataclass, field
from typing import Any

from ...codegen import naming
from ...codegen.build import BUILTINS
from ...codegen.build_types import TAKEN
from ...codegen.load import Spec, escape_token
from ...errors import DeskkitError
from .collect import Corpus, DeviationSeen, FieldSeen, OtherSeen, Seen
from .shapes import Context, Shape, example, propose
from .walk import Contract, tokens

KIND_WORDS = {"array": "list", "object": "object", "string": "string", "integer": "integer", "number": "number",
              "boolean": "boolean"}
A_PHRASES = {"array": "an array", "object": "an object", "string": "a string", "integer": "an integer",
             "number": "a number", "boolean": "a boolean", "null": "null"}


@dataclass
class FieldProposal:
    pointer: str  # where the property goes in the spec
    seen: Seen
    types: dict[str, int]
    examples: list[str]
    schema: dict[str, Any] | None  # None: not proposed (``reason`` says why)
    reason: str = ""
    left_out: list[str] = field(default_factory=list)  # members of an object that could not be typed
    note: str = ""  # how it was proposed, when not as the run asked


@dataclass
class EnumProposal:
    enum: str  # the enumeration's class name in the bindings
    pointers: list[str]  # every enumeration the value is added to
    value: str
    seen: Seen
    tolerated_by: str | None  # the quirk that accepted it (None: it was a violation)
    reason: str = ""  # set when not proposed


@dataclass
class QuirkProposal:
    quirk: str  # the id proposed
    pointer: str  # the property it attaches to ("" for a scope quirk)
    summary: str
    seen: Seen
    examples: list[str]
    tolerate: dict[str, Any] | None  # the x-deskkit-tolerate entry (None for a scope quirk)
    declaration: dict[str, Any] = field(default_factory=dict)
    reason: str = ""  # set when not proposed


@dataclass
class KnownSeen:
    """Something the spec already knows off the page, seen in the captures: reported, not proposed."""

    rule: str  # the property (for a value: the property whose enumeration lists it)
    level: str
    value: bool  # a value beside an enumeration (else a field)
    seen: Seen


@dataclass
class Retirement:
    quirk: str
    rule: str


@dataclass
class Suggestions:
    responses: int
    verdicts: dict[str, int]
    skipped: int
    skipped_reasons: dict[str, int]
    min_count: int
    documented: bool = False  # --as documented: plain properties and enum members
    fields: list[FieldProposal] = field(default_factory=list)
    enum_values: list[EnumProposal] = field(default_factory=list)
    quirks: list[QuirkProposal] = field(default_factory=list)
    retire: list[Retirement] = field(default_factory=list)
    other: list[OtherSeen] = field(default_factory=list)
    known: list[KnownSeen] = field(default_factory=list)
    below_min: int = 0  # proposals left out by --min-count
    patch: list[dict[str, Any]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (position, reason): the first few

    @property
    def readable(self) -> int:
        """The responses that could be decoded: the corpus a quirk's retirement is judged on."""
        return self.responses - self.verdicts.get("unreadable", 0)


def resolve(data: Any, pointer: str) -> Any:
    """The node at ``pointer`` in ``data``; KeyError when it is not there."""
    node = data
    for token in tokens(pointer):
        if type(node) is list and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif type(node) is dict and token in node:
            node = node[token]
        else:
            raise KeyError(pointer)
    return node


def apply_add(data: Any, op: dict[str, Any]) -> None:
    """Apply one RFC 6902 ``add`` to ``data`` in place (what this patch uses); KeyError when the parent is
    missing, ValueError when the member already exists (an add that would replace)."""
    path = op["path"]
    parent_pointer, _, last = path.rpartition("/")
    parent = resolve(data, parent_pointer)
    token = last.replace("~1", "/").replace("~0", "~")
    if type(parent) is list:
        if token == "-":
            parent.append(copy.deepcopy(op["value"]))
        elif token.isdigit() and int(token) <= len(parent):
            parent.insert(int(token), copy.deepcopy(op["value"]))
        else:
            raise KeyError(path)
    elif type(parent) is dict:
        if token in parent:
            raise ValueError(f"{path} is already in the spec")
        parent[token] = copy.deepcopy(op["value"])
    else:
        raise KeyError(path)


class Builder:
    """Turns a :class:`Corpus` into :class:`Suggestions` against one spec."""

    def __init__(self, corpus: Corpus, contract: Contract, spec: Spec, package: str, min_count: int = 1,
                 documented: bool = False) -> None:
        self.corpus, self.contract, self.spec, self.package = corpus, contract, spec, package
        self.min_count, self.documented = min_count, documented
        self.patched = copy.deepcopy(spec.data)  # the spec as the patch built so far leaves it
        self.out = Suggestions(corpus.responses, dict(corpus.verdicts), corpus.skipped, corpus.skipped_reasons,
                               min_count, documented)
        quirks = spec.data.get("x-deskkit-quirks") or {}
        self.quirk_ids = set(quirks)
        self.null_quirk = any(isinstance(q, dict) and q.get("scope") == "every-property" for q in quirks.values())
        schemas = (spec.data.get("components") or {}).get("schemas") or {}
        self.names = set(schemas) | set(_titles(spec.data))  # class names the bindings use
        self.components: list[dict[str, Any]] = []  # add operations for new components, first in the patch

    def build(self) -> Suggestions:
        ops: list[dict[str, Any]] = []
        for (owner, wire), found in sorted(self.corpus.fields.items()):
            ops += self.field(owner, wire, found)
        for name, enum in sorted(self.corpus.enums.items()):
            for value, seen in sorted(enum.values.items(), key=lambda kv: (-kv[1].responses, kv[0])):
                ops += self.enum_value(name, sorted(enum.rules), value, seen, enum.quirk)
        for (owner, wire, kind), deviation in sorted(self.corpus.deviations.items()):
            ops += self.deviation(owner, wire, kind, deviation)
        ops += self.nulls()
        self.out.unreadable = list(self.corpus.unreadable)
        if self.out.readable:  # no readable response says nothing about which quirks are needed
            self.out.retire = [Retirement(q, f"#/x-deskkit-quirks/{escape_token(q)}")
                               for q in sorted(self.contract.quirks) if q not in self.corpus.quirks]
        self.out.other = sorted(self.corpus.other.values(), key=lambda o: (-o.responses, o.pointer))
        self.out.known = [KnownSeen(rule, level, value, seen)
                          for (rule, level, value), seen in sorted(self.corpus.known.items())]
        self.out.patch = self.components + ops
        return self.out

    # -- the patch ----------------------------------------------------------------------------------
    def add(self, path: str, value: Any) -> dict[str, Any]:
        op = {"op": "add", "path": path, "value": value}
        try:
            apply_add(self.patched, op)
        except KeyError:
            raise DeskkitError(f"{self.spec.path}: no {path.rpartition('/')[0] or '/'} for the patch: the bindings "
                               f"{self.package} were not generated from this spec (run `deskkit generate`, or "
                               "pass the spec with --spec)") from None
        return op

    def node(self, pointer: str) -> dict[str, Any]:
        """The schema at ``pointer`` in the spec as patched so far; the bindings name it, so its absence means
        they were generated from another spec."""
        try:
            return _node(self.patched, pointer)
        except KeyError:
            raise DeskkitError(f"{self.spec.path}: no schema at {pointer}: the bindings {self.package} were not "
                               "generated from this spec (run `deskkit generate`, or pass the spec with --spec)"
                               ) from None

    def kept(self, seen: Seen) -> bool:
        if seen.responses >= self.min_count:
            return True
        self.out.below_min += 1
        return False

    def evidence(self, seen: Seen) -> str:
        return (f"seen in captures: {seen.responses} of {self.corpus.responses} responses (first: {seen.first} "
                f"at {seen.pointer or '/'})")

    def known(self, seen: Seen, what: str) -> dict[str, Any]:
        """An ``x-deskkit-known`` declaration at level captures: the first capture, how many responses had it,
        and what was seen (``what``)."""
        return {"level": "captures", "evidence": [{
            "source": f"captures: {seen.first} ({seen.responses} of {self.corpus.responses} responses)",
            "pointer": seen.pointer, "seen": what}]}

    # -- undocumented fields ------------------------------------------------------------------------
    def field(self, owner: str, wire: str, seen: FieldSeen) -> list[dict[str, Any]]:
        if not self.kept(seen):
            return []
        owner_pointer = self.contract.rules[owner].removeprefix("#")
        pointer = f"{owner_pointer}/properties/{escape_token(wire)}"
        shape: Shape = seen.shape
        proposal = FieldProposal(pointer, seen, dict(shape.types.most_common()), list(shape.examples), None)
        self.out.fields.append(proposal)
        if _has(self.patched, pointer):
            proposal.reason = "already in the spec: the bindings are older than the spec (run `deskkit generate`)"
            return []
        if not _writable(wire):
            proposal.reason = "its name holds a lone surrogate (\\udXXX), which a YAML spec cannot hold"
            return []
        owner_node = self.node(owner_pointer)
        off_page = not self.documented
        if off_page and owner_node.get("additionalProperties", True) is False:
            proposal.reason = (f"{owner} allows no other properties (additionalProperties: false): the page forbids "
                               "this field, so it cannot be known off the page; `--as documented` adds it to the "
                               "page's contract, or declare a quirk that tolerates it")
            return []
        if off_page and "x-deskkit-known" in owner_node:  # the generator refuses a marker inside a known schema
            off_page = False
            proposal.note = f"a plain property: {owner} as a whole is known off the page already"
        cx = Context(lambda hint, props: self.component(owner, hint, props, seen, off_page), not self.null_quirk)
        found = propose(shape, wire, cx, not self.null_quirk)
        proposal.left_out = cx.left_out
        if found.schema is None:
            proposal.reason = found.reason
            return []
        proposal.schema = self.mark(found.schema, seen, off_page)
        if "properties" not in owner_node:
            return [self.add(f"{owner_pointer}/properties", {wire: proposal.schema})]
        return [self.add(pointer, proposal.schema)]

    def mark(self, schema: dict[str, Any], seen: FieldSeen, off_page: bool) -> dict[str, Any]:
        """A proposed property, described as seen in captures only: with its evidence, or (off the page) with
        a word, the evidence being in its ``x-deskkit-known``."""
        if off_page:
            return {**schema, "description": "Not in the documented contract; seen in captures.",
                    "x-deskkit-known": self.known(seen, _types(dict(seen.shape.types.most_common()),
                                                               seen.shape.examples[0]))}
        return {**schema, "description": f"Not in the documented contract; {self.evidence(seen)}."}

    def component(self, owner: str, hint: str, properties: dict[str, Any], seen: Seen, off_page: bool) -> str:
        """Add a component for an object seen in captures; the ``$ref`` to it. ``off_page``: the whole schema
        is known from captures (only properties off the page hold it)."""
        name = naming.pascal(hint)
        if name in self.names or not _class_name(name):  # (`123` → `_123`, `none` → `None`, `any` → `Any`)
            name = naming.pascal(owner) + name.lstrip("_")
        if not _class_name(name):
            name = f"Object{name.lstrip('_')}"
        base, number = name, 2
        while name in self.names:
            name, number = f"{base}{number}", number + 1
        self.names.add(name)
        schema: dict[str, Any] = {"type": "object"}
        if off_page:
            schema["description"] = "Not in the documented contract; seen in captures."
            schema["x-deskkit-known"] = self.known(seen, _members(properties))
        else:
            schema["description"] = f"Not in the documented contract; {self.evidence(seen)}."
        schema["properties"] = properties
        self.components.append(self.add(f"/components/schemas/{escape_token(name)}", schema))
        return f"#/components/schemas/{escape_token(name)}"

    # -- enumerations -------------------------------------------------------------------------------
    def enum_value(self, name: str, rules: list[str], value: str, seen: Seen,
                   quirk: str | None) -> list[dict[str, Any]]:
        if not self.kept(seen):
            return []
        pointers = self.enum_nodes(rules)
        proposal = EnumProposal(name, pointers, value, seen, quirk)
        self.out.enum_values.append(proposal)
        if not _writable(value):
            proposal.reason = "it holds a lone surrogate (\\udXXX), which a YAML spec cannot hold"
            return []
        ops: list[dict[str, Any]] = []
        for pointer in pointers:
            node = self.node(pointer)
            known = node.get("x-deskkit-known-values")
            if value in node.get("enum", []) or (isinstance(known, list) and any(
                    isinstance(k, dict) and k.get("value") == value for k in known)):
                proposal.reason = "already in the spec: the bindings are older than the spec (run `deskkit generate`)"
                continue
            if not self.documented:
                entry = {"value": value, **self.known(seen, _types({"string": seen.count}, example(value)))}
                ops.append(self.add(f"{pointer}/x-deskkit-known-values/-", entry) if isinstance(known, list)
                           else self.add(f"{pointer}/x-deskkit-known-values", [entry]))
                continue
            ops.append(self.add(f"{pointer}/enum/-", value))
            if isinstance(node.get("x-enum-descriptions"), list):
                ops.append(self.add(f"{pointer}/x-enum-descriptions/-", f"Not documented; {self.evidence(seen)}."))
            if isinstance(node.get("x-enum-varnames"), list):
                varname = naming.unique([*node["x-enum-varnames"], naming.constant(value)])[-1]
                ops.append(self.add(f"{pointer}/x-enum-varnames/-", varname))
        return ops

    def enum_nodes(self, rules: list[str]) -> list[str]:
        """The spec pointers of the enumeration the bindings' use-sites ``rules`` check (following $ref),
        and of every other enumeration with the same title and values."""
        found: list[str] = []
        for rule in rules:
            pointer = rule.removeprefix("#")
            node = self.node(pointer)
            while "enum" not in node and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
                pointer = node["$ref"][1:]
                node = self.node(pointer)
            if "enum" not in node:
                raise DeskkitError(f"{self.spec.path}: no enumeration at {pointer}: the bindings {self.package} "
                                   "were not generated from this spec (run `deskkit generate`, or pass the spec "
                                   "with --spec)")
            found.append(pointer)
            title = node.get("title")
            if isinstance(title, str):
                found += [p for p, other in _schemas(self.patched, "")
                          if other.get("title") == title and other.get("enum") == node["enum"]]
        return sorted(set(found))

    # -- shapes no quirk declares -------------------------------------------------------------------
    def deviation(self, owner: str, wire: str, kind: str, seen: DeviationSeen) -> list[dict[str, Any]]:
        if not self.kept(seen):
            return []
        pointer = f"{self.contract.rules[owner].removeprefix('#')}/properties/{escape_token(wire)}"
        prop = self.contract.props[owner][wire]
        summary = (f"`{wire}` of {owner} arrives as {A_PHRASES.get(kind, kind)} where the contract has "
                   f"{_phrase(seen.expected)}.")
        quirk = self.quirk_id(f"{'-'.join(w.lower() for w in naming.words(wire)) or 'value'}-as-{KIND_WORDS[kind]}")
        proposal = QuirkProposal(quirk, pointer, summary, seen, list(seen.shape.examples), None)
        self.out.quirks.append(proposal)
        taken = self.contract.tolerated_types(prop)
        if kind in taken:
            proposal.reason = (f"the property already takes {A_PHRASES.get(kind, kind)} (documented or tolerated); "
                               "deskkit tells the shapes of one property apart by JSON type")
            return []
        if kind in ("integer", "number") and taken & {"integer", "number"}:
            proposal.reason = ("a JSON integer is a JSON number too: deskkit cannot tell an integer shape from a "
                               "number shape at one property (widen the documented type by hand, if the page allows)")
            return []
        if not _has(self.patched, pointer):
            proposal.reason = f"{pointer} is not in the spec (declared through allOf?): attach the quirk by hand"
            return []
        if kind == "array" and seen.single:
            tolerate: dict[str, Any] = {"quirk": quirk, "shape": "single-item-list"}
        else:
            schema = self.tolerated_schema(prop.site, kind, seen.shape, owner, wire, seen)
            if schema is None:
                proposal.reason = "the values seen say too little to write the tolerated shape"
                return []
            tolerate = {"quirk": quirk, "schema": schema}
        proposal.tolerate = tolerate
        self.quirk_ids.add(quirk)
        proposal.declaration = self.declaration(summary, seen, "property")
        ops = [self.declare(quirk, proposal.declaration)]
        node = self.node(pointer)
        if isinstance(node.get("x-deskkit-tolerate"), list):
            ops.append(self.add(f"{pointer}/x-deskkit-tolerate/-", tolerate))
        else:
            ops.append(self.add(f"{pointer}/x-deskkit-tolerate", [tolerate]))
        return ops

    def tolerated_schema(self, site: Any, kind: str, shape: Shape, owner: str, wire: str,
                         seen: Seen) -> dict[str, Any] | None:
        """One JSON type, not nullable: objects the documented side knows by model refer to that model."""
        model = _model_of(site)
        if model is not None and kind == "object":
            return {"$ref": self.contract.rules[model]}
        if model is not None and kind == "array" and shape.items is not None \
                and set(shape.items.types) == {"object"}:
            return {"type": "array", "items": {"$ref": self.contract.rules[model]}}
        cx = Context(lambda hint, props: self.component(owner, hint, props, seen, False), not self.null_quirk)
        found = propose(shape, wire, cx, False)
        return found.schema

    def nulls(self) -> list[dict[str, Any]]:
        seen = self.corpus.nulls
        if not seen.count or not self.kept(seen):
            return []
        quirk = self.quirk_id("null-value")
        summary = "`null` for an optional property, where the contract has no null (seen in captures)."
        proposal = QuirkProposal(quirk, "", summary, seen, ["null"], None)
        self.out.quirks.append(proposal)
        self.quirk_ids.add(quirk)
        proposal.declaration = self.declaration(summary, seen, "every-property")
        return [self.declare(quirk, proposal.declaration)]

    def quirk_id(self, wanted: str) -> str:
        name, number = wanted, 2
        while name in self.quirk_ids:
            name, number = f"{wanted}-{number}", number + 1
        return name

    def declaration(self, summary: str, seen: Seen, scope: str) -> dict[str, Any]:
        examples = getattr(getattr(seen, "shape", None), "examples", None) or ["null"]
        return {"summary": summary, "scope": scope,
                "evidence": [{"source": f"captures: {seen.first} ({seen.responses} of {self.corpus.responses} "
                                        "responses)", "pointer": seen.pointer, "seen": examples[0]}]}

    def declare(self, quirk: str, declaration: dict[str, Any]) -> dict[str, Any]:
        if "x-deskkit-quirks" not in self.patched:
            return self.add("/x-deskkit-quirks", {quirk: declaration})
        return self.add(f"/x-deskkit-quirks/{escape_token(quirk)}", declaration)


def _types(types: dict[str, int], first: str) -> str:
    """The JSON types seen with their counts, and an example (already cut): ``integer x2, null x1; e.g. 100``."""
    return ", ".join(f"{t} x{c}" for t, c in types.items()) + f"; e.g. {first}"


def _members(properties: dict[str, Any]) -> str:
    """What a new component's objects held, for its evidence: its members (their values are in the
    properties' schemas)."""
    text = ", ".join(properties)
    return "objects with " + (text if len(text) <= 80 else text[:79] + "…")


def _phrase(json_types: str) -> str:
    return " or ".join(A_PHRASES.get(t, t) for t in json_types.split(" or "))


def _model_of(site: Any) -> str | None:
    """The model a use-site holds, directly or as the items/values of arrays and maps."""
    while site is not None:
        if site.model is not None:
            return str(site.model)
        site = site.items or site.values
    return None


def _writable(text: str) -> bool:
    """Whether a YAML file can hold ``text`` (YAML has no escape for a lone surrogate, JSON has)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _has(data: Any, pointer: str) -> bool:
    try:
        resolve(data, pointer)
    except KeyError:
        return False
    return True


def _node(data: Any, pointer: str) -> dict[str, Any]:
    node = resolve(data, pointer)
    if not isinstance(node, dict):
        raise KeyError(pointer)
    return node


def _schemas(data: Any, pointer: str) -> list[tuple[str, dict[str, Any]]]:
    """Every mapping in the spec, with its pointer (iteratively: specs may nest deeply)."""
    out: list[tuple[str, dict[str, Any]]] = []
    stack: list[tuple[str, Any]] = [(pointer, data)]
    while stack:
        at, node = stack.pop()
        if isinstance(node, dict):
            out.append((at, node))
            stack.extend((f"{at}/{escape_token(str(k))}", v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{at}/{i}", v) for i, v in enumerate(node))
    return out


def _titles(data: Any) -> list[str]:
    return [node["title"] for _, node in _schemas(data, "") if isinstance(node.get("title"), str)]


def _class_name(name: str) -> bool:
    """Whether the generator takes ``name`` for a schema: a letter first, not a Python keyword or builtin, not a
    name the generated code has for itself."""
    return name[:1].isalpha() and not keyword.iskeyword(name) and name not in TAKEN and name not in BUILTINS
