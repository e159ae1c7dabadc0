"""The diff's resolved view of a spec: references to shared parameters and bodies, spellings of the same
schema, specs it cannot read, and bounded work when one schema is reached many ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.codegen.load import load_spec
from generator.contract.diff.compare import PATHS_PER_PART, Comparer
from generator.contract.diff.model import Document
from generator.contract.diff.report import Finding, build_report
from generator.contract.diff.source import Source, key_lines
from generator.errors import SpecError


def source(folder: Path, name: str, text: str) -> Source:
    """A spec read as the diff reads it, but without the generator's structure check: `$ref` parameters
    and bodies are OpenAPI the generator does not accept yet (issue #10 adds them)."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return Source(name, load_spec(path), key_lines(path.read_bytes()))


def diff(folder: Path, old: str, new: str) -> list[Finding]:
    a, b = source(folder, "old.yaml", old), source(folder, "new.yaml", new)
    return list(build_report(a, b, Comparer(Document(a).check(), Document(b).check()).run()).findings)


SHARED = """\
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /things:
    post:
      operationId: MakeThing
      parameters:
        - $ref: "#/components/parameters/Limit"
        - {name: X-Trace, in: header, schema: {type: string}}
      requestBody: {$ref: "#/components/requestBodies/Thing"}
      responses:
        "200": {$ref: "#/components/responses/Thing"}
components:
  parameters:
    Limit: {name: limit, in: query, required: false, schema: {type: integer, maximum: 100}}
  requestBodies:
    Thing:
      required: true
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Thing"}
  responses:
    Thing:
      description: ok
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Thing"}
  schemas:
    Thing:
      type: object
      properties:
        size: {type: integer, nullable: true, description: Size.}
"""


def test_shared_parameters_bodies_and_responses_are_followed_to_where_they_are_written(tmp_path: Path) -> None:
    new = SHARED.replace("required: false, schema: {type: integer, maximum: 100}",
                         "required: true, schema: {type: integer, maximum: 50}")
    found = {(f.kind, f.old.pointer, f.new.pointer, f.new.line) for f in diff(tmp_path, SHARED, new)}
    limit = "/components/parameters/Limit"
    assert found == {("request-parameter-became-required", limit, limit, 15),
                     ("request-parameter-max-decreased", f"{limit}/schema/maximum", f"{limit}/schema/maximum", 15)}


def test_a_body_schema_change_shows_once_per_direction(tmp_path: Path) -> None:
    new = SHARED.replace("size: {type: integer, nullable: true,", "size: {type: integer,")
    found = sorted((f.kind, tuple(f.classes)) for f in diff(tmp_path, SHARED, new))
    assert found == [
        ("request-property-became-not-nullable", ("breaking", "breaking", "informational")),
        ("response-property-became-not-nullable", ("non-breaking", "non-breaking", "breaking"))]


@pytest.mark.parametrize("spelling", [
    "size: {type: [integer, 'null'], description: Size.}",
    "size: {oneOf: [{type: integer}, {type: 'null'}], description: Size.}",
    "size: {anyOf: [{type: 'null'}, {type: integer}], description: Size.}",
])
def test_three_spellings_of_nullable_are_one(tmp_path: Path, spelling: str) -> None:
    new = SHARED.replace("size: {type: integer, nullable: true, description: Size.}", spelling)
    assert diff(tmp_path, SHARED, new) == []


def test_header_names_match_whatever_their_case(tmp_path: Path) -> None:
    assert diff(tmp_path, SHARED, SHARED.replace("name: X-Trace", "name: x-trace")) == []


@pytest.mark.parametrize(("edit", "pointer", "message"), [
    (("size: {type: integer, nullable: true, description: Size.}",
      "size: {allOf: [{$ref: '#/components/schemas/Thing'}]}"),
     "/components/schemas/Thing/properties/size/allOf/0", None),
    (("    Thing:\n      type: object\n", "    Thing:\n      allOf: [{$ref: '#/components/schemas/Thing'}]\n"),
     "/components/schemas/Thing", "circular $ref/allOf"),
    (('"200": {$ref: "#/components/responses/Thing"}', '"200": {$ref: "#/components/responses/Nope"}'),
     "/paths/~1things/post/responses/200/$ref", "'#/components/responses/Nope' names nothing in this spec"),
    (('"200": {$ref: "#/components/responses/Thing"}', '"200": {$ref: "other.yaml#/Thing"}'),
     "/paths/~1things/post/responses/200/$ref", "only references inside the spec (#/...) are supported"),
])
def test_what_cannot_be_resolved_is_refused_with_pointer_and_line(tmp_path: Path, edit: tuple[str, str],
                                                                  pointer: str, message: str | None) -> None:
    bad = SHARED.replace(*edit)
    assert bad != SHARED
    if message is None:  # a property that includes its own object is fine (a recursive type): no error
        diff(tmp_path, SHARED, bad)
        return
    with pytest.raises(SpecError) as caught:
        diff(tmp_path, SHARED, bad)
    (issue,) = [i for i in caught.value.issues if i.pointer == pointer]
    assert message in issue.message and issue.file.endswith("new.yaml")
    # a mapping member's line is its key's: the edit's first line, counted from the text
    assert issue.line == bad[:bad.index(edit[1])].count("\n") + 1


def chain(depth: int, leaf: str) -> str:
    """S0 holds two properties of type S1, S1 two of S2, ...: 2**depth paths reach the leaf."""
    schemas = "".join(f"    S{i}:\n      type: object\n      properties:\n"
                      f"        a: {{$ref: '#/components/schemas/S{i + 1}'}}\n"
                      f"        b: {{$ref: '#/components/schemas/S{i + 1}'}}\n" for i in range(depth))
    return ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /s:\n    get:\n      operationId: GetS\n"
            "      responses:\n        '200':\n          description: ok\n          content:\n"
            "            application/json:\n              schema: {$ref: '#/components/schemas/S0'}\n"
            f"components:\n  schemas:\n{schemas}    S{depth}:\n      type: object\n      properties:\n"
            f"        leaf: {leaf}\n")


def test_a_schema_reached_two_to_the_twenty_ways_is_compared_once(tmp_path: Path) -> None:
    depth = 20
    old, new = chain(depth, "{type: string}"), chain(depth, "{type: integer}")
    a, b = source(tmp_path, "old.yaml", old), source(tmp_path, "new.yaml", new)
    comparer = Comparer(Document(a).check(), Document(b).check())
    (found,) = comparer.run()
    assert found.change.kind == "response-property-type-changed"
    nodes = {id(node) for node in comparer.nodes.values()}  # (the memo holds a site and its key)
    assert len(nodes) <= 3 * (depth + 2)  # one node per schema pair, not per path
    assert 1 <= len(found.where) <= PATHS_PER_PART
    assert all(w.path.endswith("/leaf") and w.path.count("/") == depth + 1 for w in found.where)


@pytest.mark.parametrize(("edit", "pointer"), [
    (("    post:\n", "    options:\n      operationId: Opt\n      responses: [1]\n    post:\n"),
     "/paths/~1things/options/responses"),
    (("          schema: {$ref: \"#/components/schemas/Thing\"}\n  responses:",
      "          schema: 7\n  responses:"), "/components/requestBodies/Thing/content/application~1json/schema"),
    (("properties:\n        size:", "properties: [1]\n        size:"), None),
    (("description: Size.}", "description: Size., x-deskkit-known: {level: page, evidence: []}}"),
     "/components/schemas/Thing/properties/size/x-deskkit-known"),
    (("description: Size.}", "description: Size., x-deskkit-known-values: {value: a}}"),
     "/components/schemas/Thing/properties/size/x-deskkit-known-values"),
    (("description: Size.}", "description: Size., enum: [a], x-deskkit-known-values: [b]}"),
     "/components/schemas/Thing/properties/size/x-deskkit-known-values/0"),
])
def test_malformed_places_the_structure_check_does_not_cover_are_refused(tmp_path: Path, edit: tuple[str, str],
                                                                          pointer: str | None) -> None:
    bad = SHARED.replace(*edit)
    assert bad != SHARED
    with pytest.raises(SpecError) as caught:
        diff(tmp_path, SHARED, bad)
    assert all(issue.line is not None for issue in caught.value.issues)
    if pointer is not None:
        assert pointer in [issue.pointer for issue in caught.value.issues]


@pytest.mark.parametrize(("before", "after", "kind", "classes"), [
    ("", "\n      additionalProperties: false", "additional-properties-forbidden", (("B", "B", "I"), ("N", "N", "B"))),
    ("\n      additionalProperties: false", "", "additional-properties-allowed", (("N", "N", "I"), ("B", "B", "N"))),
])
def test_unknown_fields_forbidden_or_allowed(tmp_path: Path, before: str, after: str, kind: str,
                                              classes: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
    """`additionalProperties: false` (which the generator does not accept yet) on a body used both ways."""
    names = {"B": "breaking", "N": "non-breaking", "I": "informational"}
    old, new = (SHARED.replace("    Thing:\n      type: object", "    Thing:\n      type: object" + extra)
                for extra in (before, after))
    found = sorted((f.kind, tuple(f.classes), f.old.pointer, f.new.pointer) for f in diff(tmp_path, old, new))
    at = "/components/schemas/Thing"
    pointers = (f"{at}/additionalProperties", at) if before else (at, f"{at}/additionalProperties")
    assert found == [(f"request-body-{kind}", tuple(names[c] for c in classes[0]), *pointers),
                     (f"response-body-{kind}", tuple(names[c] for c in classes[1]), *pointers)]


def test_any_of_alternatives_added_and_removed(tmp_path: Path) -> None:
    old = SHARED.replace("size: {type: integer, nullable: true, description: Size.}",
                         "size: {anyOf: [{type: integer}, {type: string}], description: Size.}")
    new = old.replace("anyOf: [{type: integer}, {type: string}]", "anyOf: [{type: integer}]")
    found = sorted((f.kind, f.old.pointer, f.new.pointer) for f in diff(tmp_path, old, new))
    at = "/components/schemas/Thing/properties/size/anyOf"
    assert found == [("request-property-any-of-removed", f"{at}/1", at),
                     ("response-property-any-of-removed", f"{at}/1", at)]
    back = sorted((f.kind, f.old.pointer, f.new.pointer) for f in diff(tmp_path, new, old))
    assert back == [("request-property-any-of-added", at, f"{at}/1"),
                    ("response-property-any-of-added", at, f"{at}/1")]
