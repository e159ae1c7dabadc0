"""How each kind of change is classified for the three audiences — the table the README prints.

Audiences:
  strict    code using bindings generated from OLD, parsing in strict mode, against a service that follows NEW;
  tolerant  the same bindings parsing tolerantly (they accept OLD's declared quirks);
  captures  responses already judged against OLD (``deskkit validate``), judged again against NEW.

Classes: ``breaking`` (the audience can fail, or lose data, where it worked before), ``non-breaking`` (it sees
the change — new data, a new value, a better verdict — but nothing that worked stops), ``informational``
(nothing it can observe changes).

Most schema changes are classified by their *effect* on the set of values a place allows, and the direction
the values travel: a client reads responses (widening breaks it) and writes requests (narrowing breaks it);
captures are responses, so for them narrowing a response can turn a verdict worse and requests do not matter.
Quirk changes are not vendor changes (quirks record what was observed): they are judged by what regenerated
bindings and re-judged captures stop accepting. So are changes of ``x-deskkit-known`` and
``x-deskkit-known-values`` (what is known off the page, and how well): :data:`KNOWN_RULES`.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Class = Literal["breaking", "non-breaking", "informational"]
Effect = Literal["widen", "narrow", "change", "none"]
Direction = Literal["request", "response", "error"]
AUDIENCES = ("strict", "tolerant", "captures")
B: Class = "breaking"
N: Class = "non-breaking"
I: Class = "informational"  # noqa: E741 - one letter, like B and N, keeps the table below readable


class Classes(NamedTuple):
    strict: Class
    tolerant: Class
    captures: Class


BY_EFFECT: dict[tuple[Direction, Effect], Classes] = {
    ("response", "widen"): Classes(B, B, N),   # old parsers refuse the new values; old captures still pass
    ("response", "narrow"): Classes(N, N, B),  # old parsers accept all; a capture may now fail
    ("response", "change"): Classes(B, B, B),
    ("request", "widen"): Classes(N, N, I),    # old clients send a subset of what is accepted
    ("request", "narrow"): Classes(B, B, I),   # an old client may send what is now refused
    ("request", "change"): Classes(B, B, I),
    # Error bodies: the bindings raise a typed ApiError and read its fields leniently (no model parse), so
    # only the captures judged with `contract: error` can see a change.
    ("error", "widen"): Classes(I, I, N),
    ("error", "narrow"): Classes(I, I, B),
    ("error", "change"): Classes(I, I, B),
}
NONE = Classes(I, I, I)


def by_effect(direction: Direction, effect: Effect) -> Classes:
    return NONE if effect == "none" else BY_EFFECT[(direction, effect)]


class Rule(NamedTuple):
    effect: Effect | None  # None: the classes are fixed (below), whatever the direction
    fixed: Classes | None
    oasdiff: str  # the oasdiff check(s) with the same meaning, and their level; "—" when there is none


def _e(effect: Effect, oasdiff: str) -> Rule:
    return Rule(effect, None, oasdiff)


def _f(strict: Class, tolerant: Class, captures: Class, oasdiff: str) -> Rule:
    return Rule(None, Classes(strict, tolerant, captures), oasdiff)


# Schema-level changes: the kind is "{request|response}-{body|property|parameter}-" + the suffix below.
SCHEMA_RULES: dict[str, Rule] = {
    "type-generalized": _e("widen", "*-type-generalized, *-list-of-types-widened (ERR resp / INFO req)"),
    "type-specialized": _e("narrow", "*-type-specialized, *-list-of-types-narrowed (INFO resp / ERR req)"),
    "type-changed": _e("change", "*-type-changed (ERR)"),
    "format-added": _e("narrow", "*-type-specialized (format added)"),
    "format-removed": _e("widen", "*-type-generalized (format removed)"),
    "format-changed": _e("change", "*-type-changed (format changed; oasdiff treats date→date-time as widening)"),
    "became-nullable": _e("widen", "*-became-nullable (ERR resp / INFO req)"),
    "became-not-nullable": _e("narrow", "*-became-not-nullable (INFO resp / ERR req)"),
    "enum-value-added": _e("widen", "*-enum-value-added (WARN resp / INFO req)"),
    "enum-value-removed": _e("narrow", "*-enum-value-removed (INFO resp / ERR req)"),
    "became-enum": _e("narrow", "request-*-became-enum (ERR); no response rule"),
    "enum-removed": _e("widen", "—"),
    "const-added": _e("narrow", "*-const-added (INFO resp / ERR req)"),
    "const-removed": _e("widen", "*-const-removed (ERR resp / INFO req)"),
    "const-changed": _e("change", "*-const-changed (ERR)"),
    "pattern-added": _e("narrow", "*-pattern-added (INFO resp / ERR req)"),
    "pattern-removed": _e("widen", "*-pattern-removed (INFO)"),
    "pattern-changed": _e("change", "*-pattern-changed (INFO resp / WARN req)"),
    "max-length-decreased": _e("narrow", "*-max-length-decreased (ERR req)"),
    "max-length-increased": _e("widen", "response-*-max-length-increased (ERR)"),
    "max-length-set": _e("narrow", "request-*-max-length-set (WARN)"),
    "max-length-unset": _e("widen", "response-*-max-length-unset (ERR)"),
    "min-length-increased": _e("narrow", "request-*-min-length-increased (ERR)"),
    "min-length-decreased": _e("widen", "response-*-min-length-decreased (ERR)"),
    "min-length-set": _e("narrow", "—"),
    "min-length-unset": _e("widen", "—"),
    "max-decreased": _e("narrow", "request-*-max-decreased (ERR)"),
    "max-increased": _e("widen", "response-*-max-increased (ERR)"),
    "max-set": _e("narrow", "request-*-max-set (WARN)"),
    "max-unset": _e("widen", "— (oasdiff has no rule for removing maximum)"),
    "min-increased": _e("narrow", "request-*-min-increased (ERR)"),
    "min-decreased": _e("widen", "response-*-min-decreased (ERR)"),
    "min-set": _e("narrow", "request-*-min-set (WARN)"),
    "min-unset": _e("widen", "—"),
    "exclusive-max-decreased": _e("narrow", "request-*-exclusive-max-decreased (ERR)"),
    "exclusive-max-increased": _e("widen", "response-*-exclusive-max-increased (ERR)"),
    "exclusive-max-set": _e("narrow", "request-*-exclusive-max-set (WARN)"),
    "exclusive-max-unset": _e("widen", "—"),
    "exclusive-min-increased": _e("narrow", "request-*-exclusive-min-increased (ERR)"),
    "exclusive-min-decreased": _e("widen", "response-*-exclusive-min-decreased (ERR)"),
    "exclusive-min-set": _e("narrow", "request-*-exclusive-min-set (WARN)"),
    "exclusive-min-unset": _e("widen", "—"),
    "max-items-decreased": _e("narrow", "request-parameter-max-items-decreased (ERR); none for bodies"),
    "max-items-increased": _e("widen", "— (diff records it, no rule)"),
    "max-items-set": _e("narrow", "—"),
    "max-items-unset": _e("widen", "—"),
    "min-items-increased": _e("narrow", "request-*-min-items-increased (ERR)"),
    "min-items-decreased": _e("widen", "response-*-min-items-decreased (ERR)"),
    "min-items-set": _e("narrow", "request-*-min-items-set (WARN)"),
    "min-items-unset": _e("widen", "response-*-min-items-unset (ERR)"),
    "max-properties-decreased": _e("narrow", "—"),
    "max-properties-increased": _e("widen", "—"),
    "max-properties-set": _e("narrow", "—"),
    "max-properties-unset": _e("widen", "—"),
    "min-properties-increased": _e("narrow", "—"),
    "min-properties-decreased": _e("widen", "—"),
    "min-properties-set": _e("narrow", "—"),
    "min-properties-unset": _e("widen", "—"),
    "multiple-of-set": _e("narrow", "— (diff records it, no rule)"),
    "multiple-of-unset": _e("widen", "—"),
    "multiple-of-changed": _e("change", "—"),
    "unique-items-set": _e("narrow", "— (diff records it, no rule)"),
    "unique-items-unset": _e("widen", "—"),
    "additional-properties-allowed": _e("widen", "— (false → true or a schema)"),
    "additional-properties-forbidden": _e("narrow", "— (→ false)"),
    "additional-properties-narrowed": _e("narrow", "— (true → a schema for the values)"),
    "additional-properties-widened": _e("widen", "— (a schema for the values → true)"),
    "one-of-added": _e("widen", "*-one-of-added (ERR resp / INFO req)"),
    "one-of-removed": _e("narrow", "*-one-of-removed (INFO resp / ERR req)"),
    "any-of-added": _e("widen", "*-any-of-added (INFO resp / INFO req)"),
    "any-of-removed": _e("narrow", "*-any-of-removed (INFO resp / ERR req)"),
    "alternatives-kind-changed": _e("change", "— (oneOf ↔ anyOf)"),
    "unsupported-keyword-changed": _e("change", "— (a keyword deskkit diff does not model, e.g. not, discriminator)"),
    "default-value-changed": _e("none", "*-default-value-* (INFO in bodies)"),
    "deprecated": _e("none", "*-property-deprecated (INFO)"),
    "reactivated": _e("none", "*-property-reactivated (INFO)"),
    "annotation-changed": _e("none", "— (description, title, x-enum-varnames, ...)"),
}

# Property changes inside an object: the kind is spelled in full (as oasdiff spells it where it has one).
PROPERTY_RULES: dict[str, Rule] = {
    "response-optional-property-added": _e("narrow", "response-optional-property-added (INFO)"),
    "response-required-property-added": _e("narrow", "response-required-property-added (INFO)"),
    "response-optional-property-removed": _e("change", "response-optional-property-removed (WARN)"),
    "response-required-property-removed": _e("change", "response-required-property-removed (ERR)"),
    "response-property-became-optional": _e("widen", "response-property-became-optional (ERR)"),
    "response-property-became-required": _e("narrow", "response-property-became-required (INFO)"),
    "response-property-renamed": _e("change", "— (a removal plus an addition)"),
    "new-optional-request-property": _e("widen", "new-optional-request-property (INFO)"),
    "new-required-request-property": _e("narrow", "new-required-request-property (ERR)"),
    "request-property-removed": _e("change", "request-property-removed (WARN)"),
    "request-property-became-optional": _e("widen", "request-property-became-optional (INFO)"),
    "request-property-became-required": _e("narrow", "request-property-became-required (ERR)"),
    "request-property-renamed": _e("change", "— (a removal plus an addition)"),
}

# Operation-level and document-level changes: fixed classes.
FIXED_RULES: dict[str, Rule] = {
    "endpoint-added": _f(N, N, N, "endpoint-added (INFO)"),
    "endpoint-removed": _f(B, B, B, "api-removed-without-deprecation (ERR), -with-deprecation (INFO)"),
    "endpoint-deprecated": _f(I, I, I, "endpoint-deprecated (INFO)"),
    "endpoint-reactivated": _f(I, I, I, "endpoint-reactivated (INFO)"),
    "operation-id-changed": _f(I, I, I, "api-operation-id-removed (INFO)"),
    "request-path-parameter-renamed": _f(I, I, I, "— (endpoints match ignoring path parameter names)"),
    "new-required-request-parameter": _f(B, B, I, "new-required-request-parameter (ERR)"),
    "new-optional-request-parameter": _f(N, N, I, "new-optional-request-parameter (INFO)"),
    "request-parameter-removed": _f(B, B, I, "request-parameter-removed (WARN)"),
    "request-parameter-became-required": _f(B, B, I, "request-parameter-became-required (ERR)"),
    "request-parameter-became-optional": _f(N, N, I, "request-parameter-became-optional (INFO)"),
    "request-parameter-style-changed": _f(B, B, I, "— (diff records it, no rule)"),
    "request-parameter-explode-changed": _f(B, B, I, "— (diff records it, no rule)"),
    "request-parameter-default-value-changed": _f(B, B, I, "request-parameter-default-value-* (ERR)"),
    "request-parameter-deprecated": _f(I, I, I, "request-parameter-deprecated (INFO)"),
    "request-parameter-reactivated": _f(I, I, I, "request-parameter-reactivated (INFO)"),
    "request-parameter-known-changed": _f(I, I, I, "— (oasdiff reads no x- key)"),
    "request-body-added-required": _f(B, B, I, "request-body-added-required (ERR)"),
    "request-body-added-optional": _f(N, N, I, "request-body-added-optional (INFO)"),
    "request-body-removed": _f(B, B, I, "request-body-removed (ERR)"),
    "request-body-became-required": _f(B, B, I, "request-body-became-required (ERR)"),
    "request-body-became-optional": _f(N, N, I, "request-body-became-optional (INFO)"),
    "request-body-media-type-added": _f(N, N, I, "request-body-media-type-added (INFO)"),
    "request-body-media-type-removed": _f(B, B, I, "request-body-media-type-removed (ERR)"),
    "response-success-status-added": _f(B, B, N, "response-success-status-added (INFO)"),
    "response-success-status-removed": _f(B, B, B, "response-success-status-removed (ERR)"),
    "response-non-success-status-added": _f(I, I, N, "response-non-success-status-added (INFO)"),
    "response-non-success-status-removed": _f(I, I, B, "response-non-success-status-removed (INFO)"),
    "response-media-type-added": _f(N, N, I, "response-media-type-added (INFO)"),
    "response-media-type-removed": _f(B, B, B, "response-media-type-removed (ERR)"),
    "quirk-declared": _f(I, N, N, "— (oasdiff reads no x- extension)"),
    "quirk-retired": _f(I, B, B, "—"),
    "quirk-renamed": _f(I, N, N, "—"),
    "quirk-scope-changed": _f(I, B, B, "—"),
    "quirk-evidence-changed": _f(I, I, I, "—"),
    "quirk-tolerance-added": _f(I, N, N, "—"),
    "quirk-tolerance-removed": _f(I, B, B, "—"),
    "quirk-tolerance-narrowed": _f(I, B, B, "—"),
    "quirk-tolerance-widened": _f(I, N, N, "—"),
    "schema-added": _f(I, I, I, "— (a new model in the bindings)"),
    "schema-removed": _f(I, I, I, "api-schema-removed (INFO)"),
    "info-changed": _f(I, I, I, "— (info, servers: deployment metadata, no rules)"),
    "servers-changed": _f(I, I, I, "—"),
}



class KnownRule(NamedTuple):
    """Classes of a change in what is known off the page, for each way the value travels (an error body:
    strict and tolerant informational, captures as for a response). In a request the marker is an annotation
    (the client sends known and documented properties and values alike), so only what can be sent counts."""

    response: Classes
    request: Classes
    why: str


# Known off the page (x-deskkit-known on a property, x-deskkit-known-values beside an enum). The kind is
# "{request|response}-" + the suffix for a property, "{request|response}-{body|property|parameter}-" + the
# suffix for a value. oasdiff has no equivalent (it reads no x- key; `x-extensible-enum` is the nearest).
KNOWN_RULES: dict[str, KnownRule] = {
    "known-property-added": KnownRule(
        Classes(I, N, I), Classes(N, N, I),
        "strict keeps it as an unknown field, as before; tolerant bindings type it; captures count it off_page "
        "instead of undocumented (both conformant)"),
    "known-property-removed": KnownRule(
        Classes(I, B, I), Classes(B, B, I),
        "tolerant bindings lose typed access (the value lands in unknown_fields); captures count it undocumented "
        "instead of off_page"),
    "known-property-promoted": KnownRule(
        Classes(N, I, B), Classes(I, I, I),
        "marker removed, the page documents it: strict bindings gain a typed field (as a documented addition); "
        "tolerant had it typed; a capture holding a value unlike its schema (kept, `not as known`) now fails"),
    "known-property-demoted": KnownRule(
        Classes(B, I, N), Classes(I, I, I),
        "marker added to a documented property: strict bindings lose typed access; tolerant keep it; captures "
        "count it off_page, and a value unlike its schema is no longer a problem"),
    "known-property-level-changed": KnownRule(Classes(I, I, I), Classes(I, I, I), "sdk ↔ captures: the level "
                                              "reported with each off_page finding changes, nothing else"),
    "known-property-evidence-changed": KnownRule(Classes(I, I, I), Classes(I, I, I), "evidence only"),
    "known-value-added": KnownRule(
        Classes(I, N, N), Classes(N, N, I),
        "strict still refuses it; tolerant bindings type it (an enum member); a capture holding it is tolerated "
        "(a deviation with its level) where it failed (or was tolerated through an every-enum quirk)"),
    "known-value-removed": KnownRule(
        Classes(I, B, B), Classes(B, B, I),
        "tolerant bindings lose the enum member (refused, or a plain string through an every-enum quirk); "
        "captures holding it fail (C is N when NEW declares an every-enum quirk)"),
    "known-value-promoted": KnownRule(
        Classes(B, I, N), Classes(I, I, I),
        "the page now lists it: strict bindings from OLD refuse a value the page promises (as an enum value "
        "added); tolerant had it; captures holding it turn conformant"),
    "known-value-demoted": KnownRule(
        Classes(B, I, B), Classes(I, I, I),
        "the page no longer lists it: strict bindings refuse it; tolerant keep the member; captures holding it "
        "turn from conformant to tolerated (they fail `deskkit validate --strict`)"),
    "known-value-level-changed": KnownRule(Classes(I, I, I), Classes(I, I, I), "sdk ↔ captures"),
    "known-value-evidence-changed": KnownRule(Classes(I, I, I), Classes(I, I, I),
                                              "evidence, name or description only"),
}
KNOWN_PROPERTY = tuple(k for k in KNOWN_RULES if k.startswith("known-property-"))
KNOWN_VALUE = tuple(k for k in KNOWN_RULES if k.startswith("known-value-"))


def known_classes(suffix: str, direction: Direction) -> Classes:
    rule = KNOWN_RULES[suffix]
    if direction == "request":
        return rule.request
    if direction == "error":  # error bodies reach no model: only captures judged as errors see it
        return rule.response._replace(strict=I, tolerant=I)
    return rule.response


SUBJECTS = ("body", "property", "parameter")


def all_kinds() -> list[str]:
    """Every kind ``deskkit diff`` can report (the README table lists each)."""
    schema = [f"{d}-{s}-{suffix}" for d in ("request", "response") for s in SUBJECTS for suffix in SCHEMA_RULES
              if not (d == "response" and s == "parameter")
              and not (s == "parameter" and suffix == "default-value-changed")]  # a parameter's own rule
    known = [f"{d}-{suffix}" for d in ("request", "response") for suffix in KNOWN_PROPERTY]
    known += [f"{d}-{s}-{suffix}" for d in ("request", "response") for s in SUBJECTS for suffix in KNOWN_VALUE
              if not (d == "response" and s == "parameter")]
    return sorted({*schema, *PROPERTY_RULES, *FIXED_RULES, *known})
