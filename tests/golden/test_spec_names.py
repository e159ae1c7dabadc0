"""Names a spec may give that collide with Python or with the generated code's own names: read as written,
renamed where the bindings rename (a trailing underscore), or refused with file:line (tests/data/specs/refused/:
a schema named like a module-level name, two schemas whose strategies get one name, empty ranges)."""

from __future__ import annotations

import ast
import math
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis.errors import NoSuchExample
from jsonschema import Draft202012Validator

from generator.codegen.build import CLIENT_TAKEN
from tests.helpers import deskkit, generated_from, import_fresh

SPEC = """\
openapi: 3.1.0
info: {title: Names, version: "1", x-deskkit-package: names_pkg}
paths:
  /things:
    get:
      operationId: close
      responses:
        200:
          description: Status code written without quotes (YAML reads an integer).
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
  /other:
    get:
      operationId: getOther
      responses:
        "200":
          description: Another.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
components:
  schemas:
    A:
      type: object
      properties:
        no: {type: string}
        field: {type: string}
        frozenset: {type: string}
        amount: {type: number, maximum: 9007199254740995, minimum: -9007199254740995}
        str: {type: string}
        dict: {type: object, additionalProperties: {type: integer}}
        list: {type: array, items: {type: string}}
        float: {type: number}
"""


def generated(tmp_path: Path) -> Path:
    return generated_from(tmp_path, SPEC, "names.yaml")


def test_keys_are_read_as_written_and_python_names_do_not_shadow_the_generated_code(tmp_path: Path) -> None:
    out = generated(tmp_path)
    models = import_fresh(out, "names_pkg.models")
    payload = {"no": "n", "field": "f", "frozenset": "s", "amount": 2.5}
    parsed = models.A.from_dict(payload)  # `no` was a YAML 1.1 boolean key; `field` once shadowed dataclasses'
    assert (parsed.no, parsed.field, parsed.frozenset) == ("n", "f", "s")
    assert parsed.to_dict() == payload
    assert [list(op.responses) for op in models.OPERATIONS] == [["200"], ["200"]]


def test_properties_named_like_the_builtins_annotations_use_get_an_underscore(tmp_path: Path) -> None:
    """A field `str: str | Unset` made the class body's later `str` the field (mypy: not valid as a type):
    the attribute is `str_`, the wire name stays `str`, and the package passes mypy --strict."""
    import subprocess
    import sys

    out = generated(tmp_path)
    models = import_fresh(out, "names_pkg.models")
    payload = {"str": "s", "dict": {"a": 1}, "list": ["x"], "float": 1.5}
    parsed = models.A.from_dict(payload)
    assert (parsed.str_, parsed.dict_, parsed.list_, parsed.float_) == ("s", {"a": 1}, ["x"], 1.5)
    assert parsed.to_dict() == payload
    checked = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "names_pkg"], cwd=out,
                             capture_output=True, text=True, timeout=600, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_operation_named_like_a_client_method_gets_an_underscore(tmp_path: Path) -> None:
    out = generated(tmp_path)
    client = import_fresh(out, "names_pkg.client")
    assert client.NamesClient.close is client.BaseClient.close  # still closes the connection
    assert client.AsyncNamesClient.aclose is client.AsyncBaseClient.aclose
    assert callable(client.NamesClient.close_) and callable(client.AsyncNamesClient.close_)


def test_the_client_names_taken_are_the_base_clients_public_methods() -> None:
    """CLIENT_TAKEN is written out in the generator; the static module it stands for is read here."""
    tree = ast.parse((resources.files("deskkit_templates") / "static" / "_http.py").read_text(encoding="utf-8"))
    public = {item.name for node in tree.body if isinstance(node, ast.ClassDef)
              and node.name in ("BaseClient", "AsyncBaseClient")
              for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
              and not item.name.startswith("_")}
    assert public == CLIENT_TAKEN


def test_strategies_of_a_one_letter_model_and_a_bound_past_2_to_the_53(tmp_path: Path) -> None:
    out = generated(tmp_path)
    strategies = import_fresh(out, "names_pkg.strategies")
    schema = (out / "names_pkg" / "schemas" / "documented.schema.json").read_text(encoding="utf-8")
    validator = Draft202012Validator({**__import__("json").loads(schema), "$ref": "#/$defs/A"})
    drawn: list[Any] = []

    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(strategies.as_(), strategies.a_payloads())  # `as` is a keyword: `as_`
    def check(instance: Any, payload: Any) -> None:
        assert validator.is_valid(payload), payload
        amount = payload.get("amount")
        if amount is not None:
            assert -(2**53 + 3) <= amount <= 2**53 + 3 and math.isfinite(amount)
            drawn.append(amount)
        assert type(instance).__name__ == "A"

    check()
    assert drawn  # the bounded number was drawn at all
    # 2**53 + 3 is no float (it rounds to 2**53 + 4): no value past the bounds is drawn, the nearest inside ones are
    site = import_fresh(out, "names_pkg.models")._S_A_amount
    for outside in (lambda v: v > 2**53 + 3, lambda v: v < -(2**53 + 3)):
        with pytest.raises(NoSuchExample):
            find(strategies._STRATEGIES.value(site), outside, settings=settings(database=None, max_examples=300))


#: Every character str.splitlines() ends a line at (Jinja's indent filter splits on them).
LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("sep", LINE_BREAKS, ids=[f"U+{ord(s[-1]):04X}" for s in LINE_BREAKS])
def test_line_breaks_in_names_values_and_prose_stay_inside_their_literals(tmp_path: Path, sep: str) -> None:
    """A property named ``we\\u2028ird`` was written raw into a string literal, which Jinja's indent filter
    then split in two (invalid Python); in prose, a break must not end a comment or a docstring either."""
    import json

    prose = f"one{sep}x = 1{sep}\"\"\"{sep}# two"
    spec = {
        "openapi": "3.1.0",
        "info": {"title": f"T{sep}t", "version": "1", "description": prose, "x-deskkit-package": "breaks_pkg"},
        "paths": {"/n": {"get": {
            "operationId": "getN", "summary": prose, "description": prose,
            "parameters": [{"name": f"q{sep}x", "in": "query", "description": prose, "schema": {"type": "string"}}],
            "responses": {"200": {"description": prose, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/N"}}}}}}}},
        "components": {"schemas": {"N": {
            "type": "object", "description": prose, "required": [f"we{sep}ird"],
            "properties": {f"we{sep}ird": {"type": "string", "description": prose, "enum": [f"a{sep}b", "c"],
                                           "default": f"a{sep}b"},
                           "p": {"type": "string", "pattern": f"^a{sep}"}}}}},
    }
    out = generated_from(tmp_path, json.dumps(spec), name="spec.json")
    package = import_fresh(out, "breaks_pkg")
    payload = {f"we{sep}ird": f"a{sep}b"}
    parsed = package.N.from_dict(payload)
    assert parsed.to_dict() == payload and parsed.we_ird == f"a{sep}b"
    # from_json too (in a process of its own: the msgspec structs are built from the imported module): msgspec
    # refuses to rename a field to a name with a control character, a ValueError on every call, so the struct
    # step is left out
    import subprocess
    import sys

    code = ("import json, sys, breaks_pkg as p; d = json.loads(sys.stdin.read()); "
            "assert p.N.from_json(json.dumps(d)).to_dict() == d")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(payload), cwd=out, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert package.N.judge({f"we{sep}ird": "c", "p": f"a{sep}"}).verdict == "conformant"
    assert package.N.judge({f"we{sep}ird": "c", "p": "a"}).verdict == "violation"  # the pattern, as written


def test_an_empty_pattern_matches_every_string(tmp_path: Path) -> None:
    """`pattern: ''` is a pattern (it matches everything), though a falsy one: `re` was left unimported."""
    spec = SPEC.replace("        no: {type: string}\n", "        no: {type: string, pattern: ''}\n")
    assert spec != SPEC
    models = import_fresh(generated_from(tmp_path, spec, "names.yaml"), "names_pkg.models")
    assert models.A.from_dict({"no": "anything"}).no == "anything"


@pytest.mark.parametrize("odd", ["\x00", "\x7f", "\x9b", "\u202e", "\ufeff"], ids=["NUL", "DEL", "CSI", "RLO", "BOM"])
def test_prose_with_characters_source_cannot_hold_is_written_escaped(tmp_path: Path, odd: str) -> None:
    """A description with a NUL made the module uncompilable (an internal error), a bidirectional control a
    comment that reads otherwise than it is: each is written as its escape. (YAML refuses lone surrogates.)"""
    import json

    prose = f"before{odd}after"
    spec = {"openapi": "3.1.0", "info": {"title": "P", "version": "1", "description": prose,
                                         "x-deskkit-package": "prose_pkg"},
            "paths": {"/p": {"get": {"operationId": "getP", "description": prose, "responses": {"200": {
                "description": prose, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/P"}}}}}}}},
            "components": {"schemas": {"P": {"type": "object", "description": prose, "properties": {
                "a": {"type": "string", "description": prose}}}}}}
    out = generated_from(tmp_path, json.dumps(spec), name="spec.json")
    package = import_fresh(out, "prose_pkg")
    assert package.P.from_dict({"a": "x"}).a == "x"
    for path in (out / "prose_pkg").glob("*.py"):
        assert odd not in path.read_text(encoding="utf-8"), path.name


def test_counts_written_as_whole_floats_are_counts(tmp_path: Path) -> None:
    """JSON Schema reads `maxLength: 2.0` as 2: the strategies multiplied a string by 2.0 (TypeError), mypy
    refused the float, and the message said "at most 2.0 characters"."""
    spec = SPEC.replace("        no: {type: string}\n", "        no: {type: string, maxLength: 2.0}\n"
                        "        few: {type: array, items: {type: string}, minItems: 1.0}\n")
    assert spec != SPEC
    out = generated_from(tmp_path, spec, "names.yaml")
    models = import_fresh(out, "names_pkg.models")
    assert models.A.from_dict({"no": "ab", "few": ["x"]}).no == "ab"
    with pytest.raises(Exception) as caught:  # (the package's ContractError; judge() would build msgspec structs
        models.A.from_dict({"no": "abc", "few": []})  # from sys.modules, which import_fresh leaves clean)
    assert sorted(p.message for p in caught.value.problems) == ["expected at least 1 items, found 0",
                                                                "expected at most 2 characters, found 3"]
    strategies = import_fresh(out, "names_pkg.strategies")
    find(strategies.a_payloads(), lambda p: "no" in p, settings=settings(database=None, max_examples=50))


def test_two_enumerations_given_one_name_are_refused_with_the_fix(tmp_path: Path) -> None:
    """``Note.color`` (inline) and the component ``Color`` referred to from ``Note`` both make ``NoteColor``:
    the refusal says how to tell them apart (a ``title``). Component enumerations keep the name of the model
    that refers to them, as generated packages already in use have them."""
    spec = """\
openapi: 3.1.0
info: {title: Colours, version: "1", x-deskkit-package: colours_pkg}
paths:
  /notes:
    get:
      operationId: getNote
      responses:
        "200":
          description: A note.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
components:
  schemas:
    Note:
      type: object
      properties:
        color: {type: string, enum: [a, b]}
        other: {$ref: "#/components/schemas/Color"}
    Color:
      type: string
      enum: [x, y]
"""
    (tmp_path / "spec.yaml").write_text(spec)
    result = deskkit("generate", "--spec", str(tmp_path / "spec.yaml"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.rstrip().endswith("enum name 'NoteColor' is already used for ['a', 'b'] (known off the "
                                           "page: []) at #/components/schemas/Note/properties/color: give one of "
                                           "the two a `title`"), result.stderr
