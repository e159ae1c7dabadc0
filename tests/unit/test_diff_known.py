"""`deskkit diff` and what is known off the page (`x-deskkit-known`, `x-deskkit-known-values`).

Each case edits BASE (``tests/data/diff/pets.yaml`` with a property and enum values known off the page) into
OLD and NEW and lists every change expected, with both pointers (checked with ``jsonpointer``), both lines
(counted in the raw text) and the three classes, written here rather than read from the rules. Then the
shipped spec's own history: the commit before the vendor's evidence was added, against the spec today.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import jsonpointer
import pytest
import yaml

from generator.contract.diff import compare_sources
from generator.contract.diff.source import read_source
from tests.conftest import SPEC
from tests.helpers import ROOT
from tests.unit.test_diff_rules import LIST, NEWPET, PET, PETS, Expect, assert_changes, edit, write

B, N, I = "breaking", "non-breaking", "informational"  # noqa: E741 - short, like the README table
STATUS = f"{PET}/status"
VALUES = f"{STATUS}/x-deskkit-known-values"
CHIP = ("            chip: {type: string, description: Microchip number., "
        "x-deskkit-known: {level: sdk, evidence: [{source: SDK Pet.chip}]}}\n")
KNOWN_STATUS = ("            status:\n              type: string\n              enum: [available, pending, sold]\n"
                "              description: Sale status.\n              x-deskkit-known-values:\n"
                "                - {value: reserved, level: captures, evidence: [{source: a capture}]}\n")
BASE = edit(PETS.read_text(encoding="utf-8"),
            ("            nickname:", CHIP + "            nickname:"),
            ("            status: {type: string, enum: [available, pending, sold], description: Sale status.}\n",
             KNOWN_STATUS))
NO_CHIP = (CHIP, "")
NO_VALUES = ("              x-deskkit-known-values:\n"
             "                - {value: reserved, level: captures, evidence: [{source: a capture}]}\n", "")
NO_ENUM_QUIRK = ("  odd-enum-value:\n    summary: A string outside a documented enumeration.\n    scope: every-enum\n"
                 "    evidence:\n      - {source: a capture, pointer: /pet/status}\n", "")
PARAM = "schema: {type: string, enum: [available, sold]}"
PARAM_KNOWN = ("schema: {type: string, enum: [available, sold], x-deskkit-known-values: "
               "[{value: pending, level: sdk, evidence: [{source: SDK ListPetsRequest.status}]}]}")
PARAM_MARKER = ("          in: query\n          schema: {type: string, enum",
                "          in: query\n          x-deskkit-known: {level: sdk, evidence: [{source: SDK}]}\n"
                "          schema: {type: string, enum")
COLOR = ("        color: {type: string, description: Coat colour., "
         "x-deskkit-known: {level: captures, evidence: [{source: a capture}]}}\n")

Edits = list[tuple[str, str]]
# (id, edits making OLD from BASE, edits making NEW from BASE, every change expected)
CASES: list[tuple[str, Edits, Edits, list[Expect]]] = [
    ("known property added: typed for tolerant clients, off_page instead of undocumented for captures",
     [NO_CHIP], [],
     [Expect("response-known-property-added", PET, f"{PET}/chip", (I, N, I), "          properties:\n            id:",
             "chip:")]),
    ("known property removed: tolerant clients lose typed access",
     [], [NO_CHIP],
     [Expect("response-known-property-removed", f"{PET}/chip", PET, (I, B, I), "chip:",
             "          properties:\n            id:")]),
    ("known property promoted to documented: strict gains it, captures now check it",
     [], [(", x-deskkit-known: {level: sdk, evidence: [{source: SDK Pet.chip}]}}", "}")],
     [Expect("response-known-property-promoted", f"{PET}/chip/x-deskkit-known", f"{PET}/chip", (N, I, B),
             "chip:", "chip:")]),
    ("documented property demoted to known: strict loses typed access",
     [], [("A nickname or null.}", "A nickname or null., x-deskkit-known: {level: sdk, evidence: [{source: SDK}]}}")],
     [Expect("response-known-property-demoted", f"{PET}/nickname", f"{PET}/nickname/x-deskkit-known", (B, I, N),
             "nickname:", "nickname:")]),
    ("known property level changed", [], [("{level: sdk, evidence: [{source: SDK Pet.chip}]}",
                                           "{level: captures, evidence: [{source: SDK Pet.chip}]}")],
     [Expect("response-known-property-level-changed", f"{PET}/chip/x-deskkit-known/level",
             f"{PET}/chip/x-deskkit-known/level", (I, I, I), "chip:", "chip:")]),
    ("known property evidence changed", [], [("[{source: SDK Pet.chip}]", "[{source: SDK Pet.chip_no}]")],
     [Expect("response-known-property-evidence-changed", f"{PET}/chip/x-deskkit-known",
             f"{PET}/chip/x-deskkit-known", (I, I, I), "chip:", "chip:")]),
    ("inside a known property only tolerant clients see a type change",
     [], [("chip: {type: string,", "chip: {type: integer,")],
     [Expect("response-property-type-changed", f"{PET}/chip/type", f"{PET}/chip/type", (I, B, I), "chip:",
             "chip:")]),
    ("known property added to a request body (and through allOf to responses)",
     [], [("        kind: {$ref:", COLOR + "        kind: {$ref:")],
     [Expect("request-known-property-added", NEWPET, f"{NEWPET}/color", (N, N, I),
             "      properties:\n        name: {type: string, minLength", "color:"),
      Expect("response-known-property-added", NEWPET, f"{NEWPET}/color", (I, N, I),
             "      properties:\n        name: {type: string, minLength", "color:")]),
    ("known enum value added: typed for tolerant clients, tolerated in captures",
     [NO_VALUES], [],
     [Expect("response-property-known-value-added", STATUS, f"{VALUES}/0", (I, N, N), "            status:\n",
             "{value: reserved")]),
    ("known enum value removed, NEW still tolerates any value (every-enum quirk)",
     [], [NO_VALUES],
     [Expect("response-property-known-value-removed", f"{VALUES}/0", STATUS, (I, B, N), "{value: reserved",
             "            status:\n")]),
    ("known enum value removed, no every-enum quirk: captures holding it now fail",
     [NO_ENUM_QUIRK], [NO_ENUM_QUIRK, NO_VALUES],
     [Expect("response-property-known-value-removed", f"{VALUES}/0", STATUS, (I, B, B), "{value: reserved",
             "            status:\n")]),
    ("known enum value promoted to the page's enum",
     [], [NO_VALUES, ("enum: [available, pending, sold]", "enum: [available, pending, sold, reserved]")],
     [Expect("response-property-known-value-promoted", f"{VALUES}/0", f"{STATUS}/enum/3", (B, I, N),
             "{value: reserved", "enum: [available, pending, sold, reserved]")]),
    ("documented enum value demoted to known",
     [], [("enum: [available, pending, sold]", "enum: [available, sold]"),
          ("[{source: a capture}]}\n", "[{source: a capture}]}\n"
           "                - {value: pending, level: sdk, evidence: [{source: SDK}]}\n")],
     [Expect("response-property-known-value-demoted", f"{STATUS}/enum/1", f"{VALUES}/1", (B, I, B),
             "enum: [available, pending, sold]", "{value: pending")]),
    ("known enum value level changed", [], [("{value: reserved, level: captures", "{value: reserved, level: sdk")],
     [Expect("response-property-known-value-level-changed", f"{VALUES}/0/level", f"{VALUES}/0/level", (I, I, I),
             "{value: reserved", "{value: reserved")]),
    ("known enum value evidence changed", [], [("[{source: a capture}]}\n", "[{source: two captures}]}\n")],
     [Expect("response-property-known-value-evidence-changed", f"{VALUES}/0", f"{VALUES}/0", (I, I, I),
             "{value: reserved", "{value: reserved")]),
    ("known value added to a request parameter: clients may send it",
     [], [(PARAM, PARAM_KNOWN)],
     [Expect("request-parameter-known-value-added", f"{LIST}/parameters/1/schema",
             f"{LIST}/parameters/1/schema/x-deskkit-known-values/0", (N, N, I), PARAM[:-1], PARAM[:-1])]),
    ("known value removed from a request parameter: an old client may send it",
     [(PARAM, PARAM_KNOWN)], [],
     [Expect("request-parameter-known-value-removed", f"{LIST}/parameters/1/schema/x-deskkit-known-values/0",
             f"{LIST}/parameters/1/schema", (B, B, I), PARAM[:-1], PARAM[:-1])]),
    ("a query parameter marked known off the page: an annotation",
     [], [PARAM_MARKER],
     [Expect("request-parameter-known-changed", f"{LIST}/parameters/1", f"{LIST}/parameters/1/x-deskkit-known",
             (I, I, I), "- name: status", "x-deskkit-known: {level: sdk, evidence: [{source: SDK}]}")]),
    ("a query parameter's level changed",
     [PARAM_MARKER], [(PARAM_MARKER[0], PARAM_MARKER[1].replace("sdk", "captures"))],
     [Expect("request-parameter-known-changed", f"{LIST}/parameters/1/x-deskkit-known",
             f"{LIST}/parameters/1/x-deskkit-known", (I, I, I),
             "x-deskkit-known: {level: sdk, evidence: [{source: SDK}]}",
             "x-deskkit-known: {level: captures, evidence: [{source: SDK}]}")]),
    ("values worth knowing of a free string: an annotation",
     [], [("name: {type: string, description: Full name.}",
           "name: {type: string, description: Full name., x-deskkit-known-values: "
           "[{value: Rex, level: captures, evidence: [{source: a capture}]}]}")],
     [Expect("response-property-annotation-changed", "/components/schemas/Person/properties/name",
             "/components/schemas/Person/properties/name/x-deskkit-known-values", (I, I, I),
             "name: {type: string, description: Full", "name: {type: string, description: Full")]),
]


@pytest.mark.parametrize(("old_edits", "new_edits", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_known_rule(tmp_path: Path, old_edits: Edits, new_edits: Edits, expected: list[Expect]) -> None:
    old = write(tmp_path, "old.yaml", edit(BASE, *old_edits))
    new = write(tmp_path, "new.yaml", edit(BASE, *new_edits))
    assert_changes(old, new, expected)


# -- the shipped spec's history ------------------------------------------------------------------------

BEFORE = "5a5bf26"  # main before the vendor's evidence (x-deskkit-known) was added to the shipped spec


def _known_places(doc: object, at: str = "") -> tuple[set[str], set[tuple[str, str]]]:
    """Every property pointer carrying x-deskkit-known, and every (enum pointer, value) known off the page
    beside an enum — walked over the raw YAML, not through the diff's model."""
    props: set[str] = set()
    values: set[tuple[str, str]] = set()
    if isinstance(doc, dict):
        for name, prop in (doc.get("properties") or {}).items():
            if isinstance(prop, dict) and "x-deskkit-known" in prop:
                props.add(f"{at}/properties/{name}")
        if "enum" in doc:
            values |= {(f"{at}/enum", entry["value"]) for entry in doc.get("x-deskkit-known-values", [])}
        for key, child in doc.items():
            sub = _known_places(child, f"{at}/{str(key).replace('~', '~0').replace('/', '~1')}")
            props |= sub[0]
            values |= sub[1]
    elif isinstance(doc, list):
        for index, child in enumerate(doc):
            sub = _known_places(child, f"{at}/{index}")
            props |= sub[0]
            values |= sub[1]
    return props, values


def test_the_vendors_evidence_added_to_the_shipped_spec_breaks_no_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    shown = subprocess.run(["git", "show", f"{BEFORE}:spec/workspace-desktop.openapi.yaml"], capture_output=True,
                           check=False, text=True)
    if shown.returncode != 0:
        pytest.skip(f"this checkout lacks commit {BEFORE} (a shallow clone?)")
    old_doc, new_doc = yaml.safe_load(shown.stdout), yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    report = compare_sources(read_source(f"git:{BEFORE}:spec/workspace-desktop.openapi.yaml"), read_source(str(SPEC)))
    for f in report.findings:
        assert f.classes.strict != B and f.classes.tolerant != B, (f.kind, f.new.pointer)
        jsonpointer.resolve_pointer(old_doc, f.old.pointer)
        jsonpointer.resolve_pointer(new_doc, f.new.pointer)
    added = {f.new.pointer for f in report.findings if f.kind == "response-known-property-added"}
    props, values = _known_places(new_doc)
    old_props, _ = _known_places(old_doc)
    fresh = {p for p in props - old_props if _resolves(old_doc, p.rsplit("/", 2)[0])}  # not inside a new schema
    assert added == fresh and len(added) == 36
    assert not any(f.kind.endswith("-property-added") and "known" not in f.kind for f in report.findings)
    known_values = {(f.new.pointer.rsplit("/x-deskkit-known-values/", 1)[0] + "/enum",
                     jsonpointer.resolve_pointer(new_doc, f.new.pointer)["value"])
                    for f in report.findings if f.kind == "response-property-known-value-added"}
    assert known_values == values and values


def _resolves(doc: object, pointer: str) -> bool:
    try:
        jsonpointer.resolve_pointer(doc, pointer)
    except jsonpointer.JsonPointerException:
        return False
    return True
