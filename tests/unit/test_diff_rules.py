"""`deskkit diff` rules, one spec edit at a time: the kind, both pointers, both lines and the three classes.

Each case edits a copy of ``tests/data/diff/pets.yaml`` (or of the shipped spec) into the NEW side and lists
every change it must produce — nothing more. The oracles do not share the code under test: each expected
line is counted in the raw text of the file (the line holding a snippet), and each reported pointer must
resolve in the YAML with ``jsonpointer`` (RFC 6901).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import jsonpointer
import pytest
import yaml

from generator.contract.diff import compare_sources
from generator.contract.diff.report import Finding
from generator.contract.diff.source import Source, read_source
from tests.conftest import DATA, SPEC

PETS = DATA / "diff" / "pets.yaml"
B, N, I = "breaking", "non-breaking", "informational"  # noqa: E741 - short, like the README table
PET = "/components/schemas/Pet/allOf/1/properties"
NEWPET = "/components/schemas/NewPet/properties"
LIST = "/paths/~1pets/get"


@dataclass(frozen=True)
class Expect:
    kind: str
    old: str  # pointer in OLD
    new: str  # pointer in NEW
    classes: tuple[str, str, str]  # strict, tolerant, captures
    old_line: str  # a snippet of OLD on the reported line (unique in the file)
    new_line: str  # the same for NEW


def edit(text: str, *edits: tuple[str, str]) -> str:
    for before, after in edits:
        assert text.count(before) == 1, f"edit target must be unique: {before!r}"
        text = text.replace(before, after)
    return text


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, snippet: str) -> int:
    """The line where ``snippet`` starts in the raw file, or where its ``»`` marks (after some context)."""
    text, plain = path.read_text(encoding="utf-8"), snippet.replace("»", "")
    assert text.count(plain) == 1, f"line oracle needs a unique snippet: {plain!r} in {path.name}"
    return text[: text.index(plain) + max(snippet.find("»"), 0)].count("\n") + 1


@functools.cache
def shipped(path: Path) -> Source:
    """The unchanged OLD files, read once (they never change during a run)."""
    return read_source(str(path))


def diff(old: Path, new: Path) -> list[Finding]:
    before = shipped(old) if old in (PETS, SPEC) else read_source(str(old))
    return list(compare_sources(before, read_source(str(new))).findings)


def assert_changes(old: Path, new: Path, expected: list[Expect]) -> list[Finding]:
    found = diff(old, new)
    assert sorted((f.kind, f.old.pointer, f.new.pointer) for f in found) == \
        sorted((e.kind, e.old, e.new) for e in expected), [(f.kind, f.old.pointer, f.new.pointer) for f in found]
    old_doc = yaml.safe_load(old.read_text(encoding="utf-8"))
    new_doc = yaml.safe_load(new.read_text(encoding="utf-8"))
    for e in expected:
        (f,) = [f for f in found if (f.kind, f.old.pointer, f.new.pointer) == (e.kind, e.old, e.new)]
        assert tuple(f.classes) == e.classes, (e.kind, f.classes)
        jsonpointer.resolve_pointer(old_doc, f.old.pointer)  # raises when the pointer names nothing
        jsonpointer.resolve_pointer(new_doc, f.new.pointer)
        assert f.old.line == line_of(old, e.old_line), (e.kind, "OLD line")
        assert f.new.line == line_of(new, e.new_line), (e.kind, "NEW line")
        assert f.message
    return found


# Each case: an id, the edits that turn pets.yaml into NEW, and every change expected.
CASES: list[tuple[str, list[tuple[str, str]], list[Expect]]] = [
    ("response enum value added, OLD tolerates any value (every-enum quirk)",
     [("enum: [available, pending, sold]", "enum: [available, pending, sold, adopted]")],
     [Expect("response-property-enum-value-added", f"{PET}/status/enum", f"{PET}/status/enum/3", (B, N, N),
             "enum: [available, pending, sold]", "adopted]")]),
    ("request parameter enum value removed",
     [("enum: [available, sold]", "enum: [available]")],
     [Expect("request-parameter-enum-value-removed", f"{LIST}/parameters/1/schema/enum/1",
             f"{LIST}/parameters/1/schema/enum", (B, B, I), "enum: [available, sold]", "enum: [available]")]),
    ("request parameter became required",
     [("          required: false\n", "          required: true\n")],
     [Expect("request-parameter-became-required", f"{LIST}/parameters/0", f"{LIST}/parameters/0", (B, B, I),
             "- name: limit", "- name: limit")]),
    ("new required request parameter",
     [("        - name: X-Trace\n", "        - {name: owner, in: query, required: true, schema: {type: string}}\n"
                                    "        - name: X-Trace\n")],
     [Expect("new-required-request-parameter", f"{LIST}/parameters", f"{LIST}/parameters/2", (B, B, I),
             "      parameters:\n        - name: limit", "name: owner")]),
    ("request parameter removed",
     [("        - name: X-Trace\n          in: header\n          schema: {type: string}\n", "")],
     [Expect("request-parameter-removed", f"{LIST}/parameters/2", f"{LIST}/parameters", (B, B, I),
             "- name: X-Trace", "      parameters:\n        - name: limit")]),
    ("default of an optional parameter changed",
     [("maximum: 100, default: 20}", "maximum: 100, default: 50}")],
     [Expect("request-parameter-default-value-changed", f"{LIST}/parameters/0/schema/default",
             f"{LIST}/parameters/0/schema/default", (B, B, I), "default: 20", "default: 50")]),
    ("one edit, two use-sites: a request body and (through allOf) a response",
     [("maxLength: 50", "maxLength: 40")],
     [Expect("request-property-max-length-decreased", f"{NEWPET}/name/maxLength", f"{NEWPET}/name/maxLength",
             (B, B, I), "maxLength: 50", "maxLength: 40"),
      Expect("response-property-max-length-decreased", f"{NEWPET}/name/maxLength", f"{NEWPET}/name/maxLength",
             (N, N, B), "maxLength: 50", "maxLength: 40")]),
    ("request pattern added (and the same property in responses)",
     [("minLength: 1, maxLength: 50,", "minLength: 1, maxLength: 50, pattern: '^[A-Z]',")],
     [Expect("request-property-pattern-added", f"{NEWPET}/name", f"{NEWPET}/name/pattern", (B, B, I),
             "name: {type: string, minLength: 1", "pattern: '^[A-Z]'"),
      Expect("response-property-pattern-added", f"{NEWPET}/name", f"{NEWPET}/name/pattern", (N, N, B),
             "name: {type: string, minLength: 1", "pattern: '^[A-Z]'")]),
    ("response value known off the page added: tolerant bindings type it, strict ones refuse it as before",
     [("enum: [available, pending, sold], description: Sale status.}",
       "enum: [available, pending, sold], description: Sale status.,\n"
       "                     x-deskkit-known-values: [{value: adopted, level: captures, evidence: [{source: x}]}]}")],
     [Expect("response-property-known-value-added", f"{PET}/status", f"{PET}/status/x-deskkit-known-values/0",
             (I, N, N),
             "status: {type: string, enum", "x-deskkit-known-values: [{value: adopted")]),
    ("response property known off the page added: not the response-optional-property-added of the page",
     [("            born: {type: string, format: date,",
       "            chip: {type: string, x-deskkit-known: {level: captures, evidence: [{source: x}]}}\n"
       "            born: {type: string, format: date,")],
     [Expect("response-known-property-added", PET, f"{PET}/chip", (I, N, I),
             "          properties:\n            id:", "chip:")]),
    ("optional response property removed",
     [('            nickname: {type: [string, "null"], description: A nickname or null.}\n', "")],
     [Expect("response-optional-property-removed", f"{PET}/nickname", f"{PET}", (B, B, B),
             "nickname:", "          properties:\n            id:")]),
    ("required response property removed",
     [("          required: [id]\n", ""),
      ("            id: {type: integer, format: int64, description: Pet ID.}\n", "")],
     [Expect("response-required-property-removed", f"{PET}/id", f"{PET}", (B, B, B),
             "id: {type: integer", "          properties:\n            status:")]),
    ("optional response property added",
     [("            born:", "            color: {type: string, description: Coat colour.}\n            born:")],
     [Expect("response-optional-property-added", f"{PET}", f"{PET}/color", (N, N, B),
             "          properties:\n            id:", "color:")]),
    ("optional property added to a request body (and, through allOf, to responses)",
     [("        kind: {$ref:", "        color: {type: string, description: Coat colour.}\n        kind: {$ref:")],
     [Expect("new-optional-request-property", NEWPET, f"{NEWPET}/color", (N, N, I),
             "      properties:\n        name: {type: string, minLength", "color:"),
      Expect("response-optional-property-added", NEWPET, f"{NEWPET}/color", (N, N, B),
             "      properties:\n        name: {type: string, minLength", "color:")]),
    ("required property added to a request body",
     [("      required: [name]\n", "      required: [name, age]\n"),
      ("        kind: {$ref:", "        age: {type: integer, description: Age in years.}\n        kind: {$ref:")],
     [Expect("new-required-request-property", NEWPET, f"{NEWPET}/age", (B, B, I),
             "      properties:\n        name: {type: string, minLength", "age: {type: integer"),
      Expect("response-required-property-added", NEWPET, f"{NEWPET}/age", (N, N, B),
             "      properties:\n        name: {type: string, minLength", "age: {type: integer")]),
    ("response property renamed (same type and description): one possible rename",
     [("        name: {type: string, description: Full name.}",
       "        full_name: {type: string, description: Full name.}")],
     [Expect("response-property-renamed", "/components/schemas/Person/properties/name",
             "/components/schemas/Person/properties/full_name", (B, B, B), "name: {type: string, description: Full",
             "full_name:")]),
    ("response type narrowed (number → integer)",
     [("              type: number\n", "              type: integer\n")],
     [Expect("response-property-type-specialized", f"{PET}/weight/type", f"{PET}/weight/type", (N, N, B),
             "type: number", "              type: integer\n              exclusiveMinimum")]),
    ("response type widened to what OLD's quirk already tolerates",
     [("              type: number\n", "              type: [number, string]\n")],
     [Expect("response-property-type-generalized", f"{PET}/weight/type", f"{PET}/weight/type", (B, N, N),
             "type: number", "type: [number, string]")]),
    ("response became not nullable",
     [('nickname: {type: [string, "null"]', "nickname: {type: string")],
     [Expect("response-property-became-not-nullable", f"{PET}/nickname/type", f"{PET}/nickname/type", (N, N, B),
             "nickname:", "nickname:")]),
    ("optional response property became nullable: OLD's null-value quirk already tolerates null",
     [("born: {type: string, format: date,", 'born: {type: [string, "null"], format: date,')],
     [Expect("response-property-became-nullable", f"{PET}/born/type", f"{PET}/born/type", (B, N, N),
             "born:", "born:")]),
    ("required response property became nullable: no quirk tolerates null there",
     [("id: {type: integer, format", 'id: {type: [integer, "null"], format')],
     [Expect("response-property-became-nullable", f"{PET}/id/type", f"{PET}/id/type", (B, B, N),
             "id: {type: integer", "id: {type: [integer")]),
    ("format changed (date → date-time is not a widening: 2024-01-10 is no date-time)",
     [("format: date,", "format: date-time,")],
     [Expect("response-property-format-changed", f"{PET}/born/format", f"{PET}/born/format", (B, B, B),
             "format: date,", "format: date-time,")]),
    ("response oneOf alternative added",
     [("                - $ref: \"#/components/schemas/Company\"\n",
       "                - $ref: \"#/components/schemas/Company\"\n                - {type: string}\n")],
     [Expect("response-property-one-of-added", f"{PET}/owner/oneOf", f"{PET}/owner/oneOf/2", (B, B, N),
             "              oneOf:", "- {type: string}")]),
    ("map values changed type",
     [("              additionalProperties: {type: string}", "              additionalProperties: {type: integer}")],
     [Expect("response-property-type-changed", f"{PET}/labels/additionalProperties/type",
             f"{PET}/labels/additionalProperties/type", (B, B, B), "additionalProperties: {type: string}",
             "additionalProperties: {type: integer}")]),
    ("a keyword deskkit diff does not model is taken as breaking",
     [("legal_name: {type: string,", "legal_name: {type: string, not: {const: ''},")],
     [Expect("response-property-unsupported-keyword-changed", "/components/schemas/Company/properties/legal_name",
             "/components/schemas/Company/properties/legal_name/not", (B, B, B), "legal_name:", "legal_name:")]),
    ("error body: only captures judged as errors see it",
     [("code: {type: string, description: Error code.}",
       "code: {type: string, enum: [E1, E2], description: Error code.}")],
     [Expect("response-property-became-enum", "/components/schemas/Error/properties/code",
             "/components/schemas/Error/properties/code/enum", (I, I, B), "code: {type", "code: {type")]),
    ("quirk retired, with its tolerated shape",
     [("  weight-as-string:\n    summary: The weight arrives as a string.\n    scope: property\n    evidence:\n"
       "      - {source: a capture, pointer: /pet/weight}\n", ""),
      ("              x-deskkit-tolerate:\n                - quirk: weight-as-string\n"
       "                  schema: {type: string}\n", "")],
     [Expect("quirk-retired", "/x-deskkit-quirks/weight-as-string", "/x-deskkit-quirks", (I, B, B),
             "  weight-as-string:", "x-deskkit-quirks:"),
      Expect("quirk-tolerance-removed", f"{PET}/weight/x-deskkit-tolerate/0", f"{PET}/weight", (I, B, B),
             "- quirk: weight-as-string", "            weight:")]),
    ("quirk declared and attached",
     [("x-deskkit-quirks:\n", "x-deskkit-quirks:\n  total-as-string:\n    summary: The total arrives as a string.\n"
                              "    scope: property\n    evidence:\n      - {source: a capture, pointer: /total}\n"),
      ("total: {type: integer, description: How many pets match.}",
       "total: {type: integer, description: How many pets match., x-deskkit-tolerate: "
       "[{quirk: total-as-string, schema: {type: string}}]}")],
     [Expect("quirk-declared", "/x-deskkit-quirks", "/x-deskkit-quirks/total-as-string", (I, N, N),
             "x-deskkit-quirks:", "  total-as-string:"),
      Expect("quirk-tolerance-added", "/components/schemas/PetList/properties/total",
             "/components/schemas/PetList/properties/total/x-deskkit-tolerate/0", (I, N, N), "total:", "total:")]),
    ("quirk renamed (same summary and scope)",
     [("  pet-as-list:\n", "  pet-in-array:\n"), ("{quirk: pet-as-list,", "{quirk: pet-in-array,")],
     [Expect("quirk-renamed", "/x-deskkit-quirks/pet-as-list", "/x-deskkit-quirks/pet-in-array", (I, N, N),
             "  pet-as-list:", "  pet-in-array:")]),
    ("tolerated schema narrowed",
     [("                  schema: {type: string}\n",
       "                  schema: {type: string, pattern: '^[0-9]+$'}\n")],
     [Expect("quirk-tolerance-narrowed", f"{PET}/weight/x-deskkit-tolerate/0", f"{PET}/weight/x-deskkit-tolerate/0",
             (I, B, B), "- quirk: weight-as-string", "- quirk: weight-as-string")]),
    ("operation removed",
     [("  /pets/{petId}:\n    get:\n      operationId: ShowPet\n      parameters:\n        - name: petId\n"
       "          in: path\n          required: true\n          schema: {type: string}\n      responses:\n"
       "        \"200\":\n          description: One pet.\n          content:\n            application/json:\n"
       "              schema: {$ref: \"#/components/schemas/PetEnvelope\"}\n        \"404\":\n"
       "          description: Not found.\n          content:\n            application/json:\n"
       "              schema: {$ref: \"#/components/schemas/Error\"}\n", "")],
     [Expect("endpoint-removed", "/paths/~1pets~1{petId}/get", "/paths", (B, B, B),
             "    get:\n      operationId: ShowPet", "paths:")]),
    ("success status replaced by another with the same body",
     [('        "201":\n          description: Created.', '        "200":\n          description: Created.')],
     [Expect("response-success-status-removed", "/paths/~1pets/post/responses/201", "/paths/~1pets/post/responses",
             (B, B, B), '"201":', '      responses:\n        "200":\n          description: Created.'),
      Expect("response-success-status-added", "/paths/~1pets/post/responses", "/paths/~1pets/post/responses/200",
             (N, N, N), '      responses:\n        "201":', '"200":\n          description: Created.')]),
    ("path parameter renamed: the same operation", [("/pets/{petId}:", "/pets/{id}:"), ("name: petId", "name: id")],
     [Expect("request-path-parameter-renamed", "/paths/~1pets~1{petId}/get/parameters/0/name",
             "/paths/~1pets~1{id}/get/parameters/0/name", (I, I, I), "name: petId", "name: id")]),
    ("operationId changed", [("operationId: ShowPet", "operationId: GetPet")],
     [Expect("operation-id-changed", "/paths/~1pets~1{petId}/get/operationId",
             "/paths/~1pets~1{petId}/get/operationId", (I, I, I), "operationId: ShowPet", "operationId: GetPet")]),
    ("request body became optional",
     [("      requestBody:\n        required: true", "      requestBody:\n        required: false")],
     [Expect("request-body-became-optional", "/paths/~1pets/post/requestBody", "/paths/~1pets/post/requestBody",
             (N, N, I), "      requestBody:\n        required: true", "      requestBody:\n        required: false")]),
    ("parameter style changed: the wire format changes",
     [("          schema: {type: string, enum: [available, sold]}",
       "          style: pipeDelimited\n          schema: {type: string, enum: [available, sold]}")],
     [Expect("request-parameter-style-changed", f"{LIST}/parameters/1", f"{LIST}/parameters/1", (B, B, I),
             "- name: status", "- name: status")]),
    ("a parameter's type becomes string: parameters travel as text, so it only widens",
     [("schema: {type: integer, minimum: 1", "schema: {type: string, minimum: 1")],
     [Expect("request-parameter-type-generalized", f"{LIST}/parameters/0/schema/type",
             f"{LIST}/parameters/0/schema/type", (N, N, I), "schema: {type: integer, minimum",
             "schema: {type: string, min")]),
    ("a free header parameter became an enumeration",
     [("          in: header\n          schema: {type: string}",
       "          in: header\n          schema: {type: string, enum: [on]}")],
     [Expect("request-parameter-became-enum", f"{LIST}/parameters/2/schema", f"{LIST}/parameters/2/schema/enum",
             (B, B, I), "          in: header\n»          schema", "          in: header\n»          schema")]),
    ("operation added",
     [("  /pets/{petId}:\n    get:\n", "  /pets/{petId}:\n    delete:\n      operationId: DeletePet\n      responses:\n"
                                        "        \"204\": {description: Deleted.}\n    get:\n")],
     [Expect("endpoint-added", "/paths/~1pets~1{petId}", "/paths/~1pets~1{petId}/delete", (N, N, N),
             "  /pets/{petId}:", "    delete:")]),
    ("error status added and removed",
     [('        "400":\n          description: Bad request.', '        "409":\n          description: Conflict.')],
     [Expect("response-non-success-status-removed", "/paths/~1pets/post/responses/400",
             "/paths/~1pets/post/responses", (I, I, B), '"400":', '      responses:\n        "201":'),
      Expect("response-non-success-status-added", "/paths/~1pets/post/responses",
             "/paths/~1pets/post/responses/409", (I, I, N), '      responses:\n        "201":', '"409":')]),
    ("response media type replaced",
     [('          description: One pet.\n          content:\n            application/json:',
       '          description: One pet.\n          content:\n            application/xml:')],
     [Expect("response-media-type-removed", "/paths/~1pets~1{petId}/get/responses/200/content/application~1json",
             "/paths/~1pets~1{petId}/get/responses/200", (B, B, B),
             "description: One pet.\n          content:\n»            application/json:",
             '        "200":\n          description: One pet.'),
      Expect("response-media-type-added", "/paths/~1pets~1{petId}/get/responses/200",
             "/paths/~1pets~1{petId}/get/responses/200/content/application~1xml", (N, N, I),
             '        "200":\n          description: One pet.', "application/xml:")]),
    ("request body gains a media type",
     [("          application/json:\n            schema: {$ref: \"#/components/schemas/NewPet\"}",
       "          application/json:\n            schema: {$ref: \"#/components/schemas/NewPet\"}\n"
       "          application/yaml:\n            schema: {$ref: \"#/components/schemas/NewPet\"}")],
     [Expect("request-body-media-type-added", "/paths/~1pets/post/requestBody",
             "/paths/~1pets/post/requestBody/content/application~1yaml", (N, N, I), "      requestBody:",
             "application/yaml:")]),
    ("map values no longer constrained",
     [("              type: object\n              additionalProperties: {type: string}\n",
       "              type: object\n")],
     [Expect("response-property-additional-properties-widened", f"{PET}/labels/additionalProperties",
             f"{PET}/labels", (B, B, N), "additionalProperties: {type: string}", "            labels:")]),
    ("array constraints: maxItems raised, uniqueItems dropped",
     [("              maxItems: 10\n              uniqueItems: true\n", "              maxItems: 20\n")],
     [Expect("response-property-max-items-increased", f"{PET}/photos/maxItems", f"{PET}/photos/maxItems",
             (B, B, N), "maxItems: 10", "maxItems: 20"),
      Expect("response-property-unique-items-unset", f"{PET}/photos/uniqueItems", f"{PET}/photos", (B, B, N),
             "uniqueItems: true", "            photos:")]),
    ("const set on a request property",
     [("tag: {type: string, pattern:", "tag: {type: string, const: pet, pattern:")],
     [Expect("request-property-const-added", f"{NEWPET}/tag", f"{NEWPET}/tag/const", (B, B, I), "tag: {type",
             "tag: {"),
      Expect("response-property-const-added", f"{NEWPET}/tag", f"{NEWPET}/tag/const", (N, N, B), "tag: {type",
             "tag: {")]),
    ("info changed", [('  version: "1"', '  version: "2"')],
     [Expect("info-changed", "/info", "/info", (I, I, I), "info:", "info:")]),
    ("a description changed", [("description: How many pets match.", "description: Pets that match.")],
     [Expect("response-property-annotation-changed", "/components/schemas/PetList/properties/total/description",
             "/components/schemas/PetList/properties/total/description", (I, I, I), "total:", "total:")]),
    ("a schema no operation uses is compared too (its model is in the bindings)",
     [("    Error:\n", "    Spare:\n      type: object\n      properties:\n        a: {type: string}\n\n"
                     "    Error:\n")],
     [Expect("schema-added", "/components/schemas", "/components/schemas/Spare", (I, I, I), "components:\n»  schemas:",
             "    Spare:")]),
    ("response property became optional",
     [("          required: [id]\n", "")],
     [Expect("response-property-became-optional", "/components/schemas/Pet/allOf/1/required/0", f"{PET}/id",
             (B, B, N), "required: [id]", "id: {type: integer")]),
    ("request property became required (and, through allOf, a response one)",
     [("      required: [name]\n", "      required: [name, tag]\n")],
     [Expect("request-property-became-required", f"{NEWPET}/tag", "/components/schemas/NewPet/required/1",
             (B, B, I), "tag: {type", "      required: [name, tag]"),
      Expect("response-property-became-required", f"{NEWPET}/tag", "/components/schemas/NewPet/required/1",
             (N, N, B), "tag: {type", "      required: [name, tag]")]),
    ("request property renamed",
     [("        tag: {type: string,", "        label: {type: string,")],
     [Expect("request-property-renamed", f"{NEWPET}/tag", f"{NEWPET}/label", (B, B, I), "tag: {type", "label: {"),
      Expect("response-property-renamed", f"{NEWPET}/tag", f"{NEWPET}/label", (B, B, B), "tag: {type", "label: {")]),
    ("request body removed",
     [("      requestBody:\n        required: true\n        content:\n          application/json:\n"
       "            schema: {$ref: \"#/components/schemas/NewPet\"}\n", "")],
     [Expect("request-body-removed", "/paths/~1pets/post/requestBody", "/paths/~1pets/post", (B, B, I),
             "      requestBody:", "    post:")]),
    ("required request body added",
     [("      operationId: ShowPet\n", "      operationId: ShowPet\n      requestBody:\n        required: true\n"
                                    "        content: {application/json: {schema: {type: object}}}\n")],
     [Expect("request-body-added-required", "/paths/~1pets~1{petId}/get", "/paths/~1pets~1{petId}/get/requestBody",
             (B, B, I), "    get:\n      operationId: ShowPet", "ShowPet\n»      requestBody:")]),
    ("request body media type replaced",
     [("        required: true\n        content:\n          application/json:",
       "        required: true\n        content:\n          application/xml:")],
     [Expect("request-body-media-type-removed", "/paths/~1pets/post/requestBody/content/application~1json",
             "/paths/~1pets/post/requestBody", (B, B, I), "        content:\n»          application/json:",
             "      requestBody:"),
      Expect("request-body-media-type-added", "/paths/~1pets/post/requestBody",
             "/paths/~1pets/post/requestBody/content/application~1xml", (N, N, I), "      requestBody:",
             "application/xml:")]),
    ("optional parameter added, another made optional and deprecated",
     [("        - name: petId\n          in: path\n          required: true\n          schema: {type: string}\n",
       "        - name: petId\n          in: path\n          required: true\n          schema: {type: string}\n"
       "        - {name: fields, in: query, schema: {type: string}}\n"),
      ("          required: false\n", "          required: false\n          deprecated: true\n")],
     [Expect("new-optional-request-parameter", "/paths/~1pets~1{petId}/get/parameters",
             "/paths/~1pets~1{petId}/get/parameters/1", (N, N, I), "      parameters:\n        - name: petId",
             "name: fields"),
      Expect("request-parameter-deprecated", f"{LIST}/parameters/0", f"{LIST}/parameters/0", (I, I, I),
             "- name: limit", "- name: limit")]),
    ("parameter explode changed (same style)",
     [("          in: query\n          schema: {type: string, enum:",
       "          in: query\n          explode: false\n          schema: {type: string, enum:")],
     [Expect("request-parameter-explode-changed", f"{LIST}/parameters/1", f"{LIST}/parameters/1", (B, B, I),
             "- name: status", "- name: status")]),
    ("operation deprecated", [("      operationId: ShowPet\n", "      operationId: ShowPet\n      deprecated: true\n")],
     [Expect("endpoint-deprecated", "/paths/~1pets~1{petId}/get", "/paths/~1pets~1{petId}/get", (I, I, I),
             "    get:\n      operationId: ShowPet", "    get:\n      operationId: ShowPet")]),
    ("quirk scope changed", [("    summary: The pet arrives wrapped in a one-item array.\n    scope: property",
                              "    summary: The pet arrives wrapped in a one-item array.\n    scope: every-property")],
     [Expect("quirk-scope-changed", "/x-deskkit-quirks/pet-as-list/scope", "/x-deskkit-quirks/pet-as-list/scope",
             (I, B, B), "wrapped in a one-item array.\n»    scope: property",
             "wrapped in a one-item array.\n»    scope: every-property")]),
    ("quirk evidence changed", [("pointer: /pet/tag}", "pointer: /pet/nickname}")],
     [Expect("quirk-evidence-changed", "/x-deskkit-quirks/null-value", "/x-deskkit-quirks/null-value", (I, I, I),
             "  null-value:", "  null-value:")]),
    ("servers changed",
     [("x-deskkit-quirks:\n", "servers:\n  - url: https://pets.example.org\n\nx-deskkit-quirks:\n")],
     [Expect("servers-changed", "", "/servers", (I, I, I), "# The OLD side", "servers:")]),
    ("oneOf became anyOf", [("              oneOf:\n", "              anyOf:\n")],
     [Expect("response-property-alternatives-kind-changed", f"{PET}/owner/oneOf", f"{PET}/owner/anyOf",
             (B, B, B), "oneOf:", "anyOf:")]),
    ("a body default and deprecation: annotations",
     [("total: {type: integer,", "total: {type: integer, default: 0,"),
      ("status: {type: string, enum: [available, pending, sold],",
       "status: {type: string, deprecated: true, enum: [available, pending, sold],")],
     [Expect("response-property-default-value-changed", "/components/schemas/PetList/properties/total",
             "/components/schemas/PetList/properties/total/default", (I, I, I), "total:", "total:"),
      Expect("response-property-deprecated", f"{PET}/status", f"{PET}/status", (I, I, I), "status: {type",
             "status: {type")]),
    ("multipleOf set; minLength dropped from a request and a response",
     [("              exclusiveMinimum: 0\n", "              exclusiveMinimum: 0\n              multipleOf: 0.5\n"),
      ("minLength: 1, maxLength: 50,", "maxLength: 50,")],
     [Expect("response-property-multiple-of-set", f"{PET}/weight", f"{PET}/weight/multipleOf", (N, N, B),
             "            weight:", "multipleOf: 0.5"),
      Expect("request-property-min-length-unset", f"{NEWPET}/name/minLength", f"{NEWPET}/name", (N, N, I),
             "name: {type: string, minLength", "name: {type: string, maxLength"),
      Expect("response-property-min-length-unset", f"{NEWPET}/name/minLength", f"{NEWPET}/name", (B, B, N),
             "name: {type: string, minLength", "name: {type: string, maxLength")]),
    ("unknown fields of a variant held to a schema",
     [("legal_name: {type: string, description: Registered name.}",
       "legal_name: {type: string, description: Registered name.}\n      additionalProperties: {type: string}")],
     [Expect("response-property-additional-properties-narrowed", "/components/schemas/Company",
             "/components/schemas/Company/additionalProperties", (N, N, B), "    Company:",
             "additionalProperties: {type: string}\n\n    Error")]),
    ("a constraint on the root of a response body",
     [("    PetList:\n      type: object\n", "    PetList:\n      type: object\n      maxProperties: 5\n")],
     [Expect("response-body-max-properties-set", "/components/schemas/PetList",
             "/components/schemas/PetList/maxProperties", (N, N, B), "    PetList:", "maxProperties: 5")]),
    ("format added",
     [("name: {type: string, description: Full name.}",
       "name: {type: string, format: email, description: Full name.}")],
     [Expect("response-property-format-added", "/components/schemas/Person/properties/name",
             "/components/schemas/Person/properties/name/format", (N, N, B), "name: {type: string, description: Full",
             "format: email")]),
    ("pattern changed", [("pattern: '^[a-z]+$'", "pattern: '^[a-z0-9]+$'")],
     [Expect("request-property-pattern-changed", f"{NEWPET}/tag/pattern", f"{NEWPET}/tag/pattern", (B, B, I),
             "tag: {", "tag: {"),
      Expect("response-property-pattern-changed", f"{NEWPET}/tag/pattern", f"{NEWPET}/tag/pattern", (B, B, B),
             "tag: {", "tag: {")]),
    ("pattern removed", [("tag: {type: string, pattern: '^[a-z]+$',", "tag: {type: string,")],
     [Expect("request-property-pattern-removed", f"{NEWPET}/tag/pattern", f"{NEWPET}/tag", (N, N, I),
             "tag: {", "tag: {"),
      Expect("response-property-pattern-removed", f"{NEWPET}/tag/pattern", f"{NEWPET}/tag", (B, B, N),
             "tag: {", "tag: {")]),
    ("format removed", [("born: {type: string, format: date,", "born: {type: string,")],
     [Expect("response-property-format-removed", f"{PET}/born/format", f"{PET}/born", (B, B, N), "born:", "born:")]),
    ("optional request body added",
     [("      operationId: ShowPet\n", "      operationId: ShowPet\n      requestBody:\n        required: false\n"
                                    "        content: {application/json: {schema: {type: object}}}\n")],
     [Expect("request-body-added-optional", "/paths/~1pets~1{petId}/get", "/paths/~1pets~1{petId}/get/requestBody",
             (N, N, I), "    get:\n      operationId: ShowPet", "ShowPet\n»      requestBody:")]),
    ("const added on a response property",
     [("legal_name: {type: string, description: Registered name.}",
       "legal_name: {type: string, const: B, description: Registered name.}")],
     [Expect("response-property-const-added", "/components/schemas/Company/properties/legal_name",
             "/components/schemas/Company/properties/legal_name/const", (N, N, B), "legal_name:", "legal_name:")]),
    ("a change inside a recursive schema is found once, and the walk ends",
     [("          items: {$ref: \"#/components/schemas/Person\"}\n",
       "          items: {$ref: \"#/components/schemas/Person\"}\n          maxItems: 100\n")],
     [Expect("response-property-max-items-set", "/components/schemas/Person/properties/friends",
             "/components/schemas/Person/properties/friends/maxItems", (N, N, B), "friends:", "maxItems: 100")]),
]


# The same, with OLD edited and NEW the file as it is (the opposite change).
REVERSED: list[tuple[str, list[tuple[str, str]], list[Expect]]] = [
    ("tolerated schema widened",
     [("                  schema: {type: string}\n",
       "                  schema: {type: string, pattern: '^[0-9]+$'}\n")],
     [Expect("quirk-tolerance-widened", f"{PET}/weight/x-deskkit-tolerate/0", f"{PET}/weight/x-deskkit-tolerate/0",
             (I, N, N), "- quirk: weight-as-string", "- quirk: weight-as-string")]),
    ("schema removed",
     [("    Error:\n", "    Spare:\n      type: object\n      properties:\n        a: {type: string}\n\n"
                     "    Error:\n")],
     [Expect("schema-removed", "/components/schemas/Spare", "/components/schemas", (I, I, I), "    Spare:",
             "components:\n»  schemas:")]),
    ("response oneOf alternative removed",
     [("                - $ref: \"#/components/schemas/Company\"\n",
       "                - $ref: \"#/components/schemas/Company\"\n                - {type: string}\n")],
     [Expect("response-property-one-of-removed", f"{PET}/owner/oneOf/2", f"{PET}/owner/oneOf", (N, N, B),
             "- {type: string}", "              oneOf:")]),
    ("request property removed (and, through allOf, a response one)",
     [("        kind: {$ref:", "        color: {type: string, description: Coat colour.}\n        kind: {$ref:")],
     [Expect("request-property-removed", f"{NEWPET}/color", NEWPET, (B, B, I), "color:",
             "      properties:\n        name: {type: string, minLength"),
      Expect("response-optional-property-removed", f"{NEWPET}/color", NEWPET, (B, B, B), "color:",
             "      properties:\n        name: {type: string, minLength")]),
    ("request property became optional",
     [("      required: [name]\n", "      required: [name, tag]\n")],
     [Expect("request-property-became-optional", "/components/schemas/NewPet/required/1", f"{NEWPET}/tag",
             (N, N, I), "      required: [name, tag]", "tag: {type"),
      Expect("response-property-became-optional", "/components/schemas/NewPet/required/1", f"{NEWPET}/tag",
             (B, B, N), "      required: [name, tag]", "tag: {type")]),
    ("response value known off the page removed",
     [("enum: [available, pending, sold], description: Sale status.}",
       "enum: [available, pending, sold], description: Sale status.,\n"
       "                     x-deskkit-known-values: [{value: adopted, level: captures, evidence: [{source: x}]}]}")],
     [Expect("response-property-known-value-removed", f"{PET}/status/x-deskkit-known-values/0", f"{PET}/status",
             (I, B, N),
             "x-deskkit-known-values: [{value: adopted", "status: {type: string, enum")]),
    ("response property known off the page removed",
     [("            born: {type: string, format: date,",
       "            chip: {type: string, x-deskkit-known: {level: captures, evidence: [{source: x}]}}\n"
       "            born: {type: string, format: date,")],
     [Expect("response-known-property-removed", f"{PET}/chip", PET, (I, B, I), "chip:",
             "          properties:\n            id:")]),
    ("operation reactivated",
     [("      operationId: ShowPet\n", "      operationId: ShowPet\n      deprecated: true\n")],
     [Expect("endpoint-reactivated", "/paths/~1pets~1{petId}/get", "/paths/~1pets~1{petId}/get", (I, I, I),
             "    get:\n      operationId: ShowPet", "    get:\n      operationId: ShowPet")]),
    ("parameter became optional again, another reactivated",
     [("          required: false\n", "          required: true\n          deprecated: true\n")],
     [Expect("request-parameter-became-optional", f"{LIST}/parameters/0", f"{LIST}/parameters/0", (N, N, I),
             "- name: limit", "- name: limit"),
      Expect("request-parameter-reactivated", f"{LIST}/parameters/0", f"{LIST}/parameters/0", (I, I, I),
             "- name: limit", "- name: limit")]),
    ("request body became required",
     [("      requestBody:\n        required: true", "      requestBody:\n        required: false")],
     [Expect("request-body-became-required", "/paths/~1pets/post/requestBody", "/paths/~1pets/post/requestBody",
             (B, B, I), "      requestBody:\n        required: false", "      requestBody:\n        required: true")]),
    ("an enumeration, a const and an unknown keyword dropped",
     [("born: {type: string, format: date,", "born: {type: string, format: date, const: '2020-01-01',"),
      ("tag: {type: string, pattern: '^[a-z]+$',", "tag: {type: string, pattern: '^[a-z]+$', pattern2: x,"),
      ("code: {type: string, description: Error code.}",
       "code: {type: string, enum: [E1], description: Error code.}")],
     [Expect("response-property-const-removed", f"{PET}/born/const", f"{PET}/born", (B, B, N), "born:", "born:"),
      Expect("request-property-unsupported-keyword-changed", f"{NEWPET}/tag/pattern2", f"{NEWPET}/tag", (B, B, I),
             "tag: {", "tag: {"),
      Expect("response-property-unsupported-keyword-changed", f"{NEWPET}/tag/pattern2", f"{NEWPET}/tag", (B, B, B),
             "tag: {", "tag: {"),
      Expect("response-property-enum-removed", "/components/schemas/Error/properties/code/enum",
             "/components/schemas/Error/properties/code", (I, I, N), "code: {", "code: {")]),
]


@pytest.mark.parametrize(("edits", "expected"), [(e, x) for _, e, x in CASES], ids=[c[0] for c in CASES])
def test_each_rule(tmp_path: Path, edits: list[tuple[str, str]], expected: list[Expect]) -> None:
    new = write(tmp_path, "new.yaml", edit(PETS.read_text(encoding="utf-8"), *edits))
    assert_changes(PETS, new, expected)


@pytest.mark.parametrize(("edits", "expected"), [(e, x) for _, e, x in REVERSED], ids=[c[0] for c in REVERSED])
def test_each_rule_the_other_way(tmp_path: Path, edits: list[tuple[str, str]], expected: list[Expect]) -> None:
    old = write(tmp_path, "old.yaml", edit(PETS.read_text(encoding="utf-8"), *edits))
    assert_changes(old, PETS, expected)


def test_without_the_every_enum_quirk_an_added_response_value_breaks_tolerant_clients_too(tmp_path: Path) -> None:
    quirk = ("  odd-enum-value:\n    summary: A string outside a documented enumeration.\n    scope: every-enum\n"
             "    evidence:\n      - {source: a capture, pointer: /pet/status}\n", "")
    old = write(tmp_path, "old.yaml", edit(PETS.read_text(encoding="utf-8"), quirk))
    new = write(tmp_path, "new.yaml", edit(old.read_text(encoding="utf-8"), (
        "enum: [available, pending, sold]", "enum: [available, pending, sold, adopted]")))
    assert_changes(old, new, [Expect("response-property-enum-value-added", f"{PET}/status/enum",
                                     f"{PET}/status/enum/3", (B, B, N), "enum: [available, pending, sold]",
                                     "adopted]")])


@pytest.mark.parametrize("edits", [
    [("kind: {$ref: \"#/components/schemas/Kind\"}", "kind: {type: string, enum: [dog, cat]}")],  # inline = $ref
    [('nickname: {type: [string, "null"],', 'nickname: {oneOf: [{type: string}, {type: "null"}],')],  # nullability
    [("          required: [id]\n          properties:\n            id: {type: integer, format: int64, "
      "description: Pet ID.}\n",
      "          properties:\n"),
     ("    Pet:\n      allOf:\n", "    Pet:\n      required: [id]\n      properties:\n        id: {type: integer, "
                                  "format: int64, description: Pet ID.}\n      allOf:\n")],  # allOf: where a piece sits
    [("name: {type: string, description: Full name.}", "name: {type: string, minLength: 0, "
      "description: Full name.}")],  # at least 0 characters: no bound
    [("schema: {type: integer, minimum: 1, maximum: 100, default: 20}",
      "schema: {type: integer, minimum: 1, maximum: 100, default: 20.0}")],  # one JSON number
], ids=["inline-or-ref", "three-spellings-of-null", "allof-members-merged", "min-length-0", "default-20.0"])
def test_ways_of_writing_the_same_contract_are_no_change(tmp_path: Path, edits: list[tuple[str, str]]) -> None:
    new = write(tmp_path, "new.yaml", edit(PETS.read_text(encoding="utf-8"), *edits))
    assert diff(PETS, new) == []


def test_a_schema_no_operation_uses_is_compared_as_a_response_body(tmp_path: Path) -> None:
    spare = "    Spare:\n      type: object\n      properties:\n        a: {type: string}\n\n    Error:\n"
    old = write(tmp_path, "old.yaml", edit(PETS.read_text(encoding="utf-8"), ("    Error:\n", spare)))
    new = write(tmp_path, "new.yaml", edit(old.read_text(encoding="utf-8"),
                                           ("        a: {type: string}\n\n", "        a: {type: integer}\n\n")))
    (found,) = assert_changes(old, new, [Expect(
        "response-property-type-changed", "/components/schemas/Spare/properties/a/type",
        "/components/schemas/Spare/properties/a/type", (B, B, B), "        a: {type: string}\n\n",
        "        a: {type: integer}")])
    assert [(w.operation, w.part, w.path) for w in found.where] == [("", "schema Spare (no operation uses it)", "/a")]


def test_const_changed(tmp_path: Path) -> None:
    legal = "legal_name: {type: string, description: Registered name.}"
    old = write(tmp_path, "old.yaml", edit(PETS.read_text(encoding="utf-8"),
                                           (legal, legal.replace("string,", "string, const: A,"))))
    new = write(tmp_path, "new.yaml", edit(old.read_text(encoding="utf-8"), ("const: A,", "const: B,")))
    at = "/components/schemas/Company/properties/legal_name/const"
    assert_changes(old, new, [Expect("response-property-const-changed", at, at, (B, B, B), "const: A", "const: B")])


def test_a_value_that_becomes_an_array_is_one_change_not_one_more_for_its_items(tmp_path: Path) -> None:
    """A string has no items: comparing "nothing" with the new items was a second change, at a path OLD
    could never hold (`type any type → array` at `/legal_name/*`)."""
    legal = "legal_name: {type: string, description: Registered name.}"
    new = write(tmp_path, "new.yaml", edit(PETS.read_text(encoding="utf-8"), (
        legal, "legal_name: {type: array, items: {type: array, items: {type: string}}, description: Registered "
               "name.}")))
    found = diff(PETS, new)
    assert [(f.kind, f.new.pointer) for f in found] == [
        ("response-property-type-changed", "/components/schemas/Company/properties/legal_name/type")]


def test_each_use_site_is_named_with_its_operation_part_and_path(tmp_path: Path) -> None:
    new = write(tmp_path, "new.yaml", edit(PETS.read_text(encoding="utf-8"), (
        "enum: [available, pending, sold]", "enum: [available, pending, sold, adopted]")))
    (found,) = diff(PETS, new)
    assert {(w.operation, w.part, w.path) for w in found.where} == {
        ("GET /pets", "response 200 application/json", "/items/*/status"),
        ("POST /pets", "response 201 application/json", "/status"),
        ("GET /pets/{petId}", "response 200 application/json", "/pet/status"),
    }


# -- the shipped spec ---------------------------------------------------------------------------------

def test_renaming_computer_name_in_the_shipped_spec_is_a_breaking_possible_rename(tmp_path: Path) -> None:
    """The issue's own example: after this edit nothing said the change was breaking."""
    new = write(tmp_path, "renamed.yaml", edit(SPEC.read_text(encoding="utf-8"), (
        "computer_name: {type: string, description: Desktop name.}",
        "desktop_name: {type: string, description: Desktop name.}")))
    base = "/components/schemas/DesktopDetailInfo/properties"
    (found,) = assert_changes(SPEC, new, [Expect(
        "response-property-renamed", f"{base}/computer_name", f"{base}/desktop_name", (B, B, B),
        "computer_name:", "desktop_name:")])
    assert "computer_name" in found.message and "desktop_name" in found.message and "rename" in found.message
    assert [(w.operation, w.operation_id, w.part, w.path) for w in found.where] == [
        ("GET /v2/{project_id}/desktops/detail", "ListDesktopsDetail", "response 200 application/json",
         "/desktops/*/computer_name"),
        ("GET /v2/{project_id}/desktops/{desktop_id}", "ShowDesktopDetail", "response 200 application/json",
         "/desktop/computer_name")]


def test_two_candidates_for_one_rename_are_reported_apart(tmp_path: Path) -> None:
    """Only one removed and one added property with the same signature pair up: otherwise it is a guess."""
    new = write(tmp_path, "new.yaml", edit(SPEC.read_text(encoding="utf-8"), (
        "computer_name: {type: string, description: Desktop name.}",
        "desktop_name: {type: string, description: Desktop name.}\n"
        "        host_name: {type: string, description: Desktop name.}")))
    assert sorted(f.kind for f in diff(SPEC, new)) == [
        "response-optional-property-added", "response-optional-property-added", "response-optional-property-removed"]


def test_folding_sata_into_the_enum_breaks_strict_clients_only(tmp_path: Path) -> None:
    """SATA is known from captures: moving it onto the page is a promotion (tolerant bindings typed it already)."""
    text = SPEC.read_text(encoding="utf-8")
    start = text.index("            - value: SATA\n")
    new = write(tmp_path, "new.yaml", edit(text, ("enum: [SAS, SSD]", "enum: [SAS, SSD, SATA]"),
                                           (text[start: text.index("            - value: GPSSD\n")], "")))
    base = "/components/schemas/VolumeDetail/properties/type"
    assert_changes(SPEC, new, [Expect("response-property-known-value-promoted", f"{base}/x-deskkit-known-values/0",
                                      f"{base}/enum/2", (B, I, N), "- value: SATA", "enum: [SAS, SSD, SATA]")])


def test_retiring_the_shipped_desktop_as_list_quirk_breaks_tolerant_clients_and_captures(tmp_path: Path) -> None:
    text = SPEC.read_text(encoding="utf-8")
    start = text.index("  desktop-as-list:\n")
    declaration = text[start: text.index("  addresses-as-list:\n")]
    new = write(tmp_path, "new.yaml", edit(text, (declaration, ""), (
        "          x-deskkit-tolerate:\n            - quirk: desktop-as-list\n              shape: single-item-list\n",
        "")))
    base = "/components/schemas/ShowDesktopDetailResponse/properties/desktop"
    assert_changes(SPEC, new, [
        Expect("quirk-retired", "/x-deskkit-quirks/desktop-as-list", "/x-deskkit-quirks", (I, B, B),
               "  desktop-as-list:", "x-deskkit-quirks:"),
        Expect("quirk-tolerance-removed", f"{base}/x-deskkit-tolerate/0", base, (I, B, B),
               "- quirk: desktop-as-list", "        desktop:\n")])


# -- every bound, both ways: the oracle is written here, not read from the rules ----------------------------

LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
KEBAB = {"minLength": "min-length", "maxLength": "max-length", "minimum": "min", "maximum": "max",
         "exclusiveMinimum": "exclusive-min", "exclusiveMaximum": "exclusive-max", "minItems": "min-items",
         "maxItems": "max-items", "minProperties": "min-properties", "maxProperties": "max-properties",
         "multipleOf": "multiple-of", "uniqueItems": "unique-items"}
# Fewer values allowed: a request an old client sends may be refused; a response may fail a judged capture.
CLASSES = {"narrow": {"request": (B, B, I), "response": (N, N, B)},
           "widen": {"request": (N, N, I), "response": (B, B, N)},
           "change": {"request": (B, B, I), "response": (B, B, B)}}


def bound_cases() -> dict[str, list[tuple[str, object, object, str]]]:
    """Per way of changing: (keyword, before, after, effect) for every keyword, changed together."""
    ways: dict[str, list[tuple[str, object, object, str]]] = {"set": [], "unset": [], "increased": [],
                                                               "decreased": []}
    for word in (*LOWER_BOUNDS, *UPPER_BOUNDS):
        lower = word in LOWER_BOUNDS
        ways["set"].append((word, None, 5, "narrow"))
        ways["unset"].append((word, 5, None, "widen"))
        ways["increased"].append((word, 5, 7, "narrow" if lower else "widen"))
        ways["decreased"].append((word, 7, 5, "widen" if lower else "narrow"))
    ways["set"] += [("multipleOf", None, 2, "narrow"), ("uniqueItems", None, "true", "narrow")]
    ways["unset"] += [("multipleOf", 2, None, "widen"), ("uniqueItems", "true", None, "widen")]
    ways["changed"] = [("multipleOf", 2, 3, "change")]
    return ways


@pytest.mark.parametrize("way", list(bound_cases()))
def test_each_bound_each_way(tmp_path: Path, way: str) -> None:
    """On `tag`, sent in a request body (NewPet) and read in responses (Pet, through allOf)."""
    tag = "tag: {type: string, pattern: '^[a-z]+$',"
    cases = bound_cases()[way]

    def with_bounds(side: int) -> str:
        extra = "".join(f" {case[0]}: {case[side]}," for case in cases if case[side] is not None)
        return edit(PETS.read_text(encoding="utf-8"), (tag, tag + extra))

    old, new = write(tmp_path, "old.yaml", with_bounds(1)), write(tmp_path, "new.yaml", with_bounds(2))
    at = f"{NEWPET}/tag"
    expected = [Expect(f"{direction}-property-{KEBAB[word]}-{way}", at if before is None else f"{at}/{word}",
                       at if after is None else f"{at}/{word}", CLASSES[effect][direction], "tag: {", "tag: {")
                for word, before, after, effect in cases for direction in ("request", "response")]
    assert_changes(old, new, expected)
