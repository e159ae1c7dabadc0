"""Drift between the spec and a vendor SDK's models: what either side has that the other lacks.

``python -m generator.codegen.drift MODULE [--spec PATH] [--format text|json]`` imports ``MODULE`` (a package of
swagger-codegen style model classes: each has ``openapi_types``, wire names in ``attribute_map``) and compares
every object schema under ``components/schemas`` with the model of the same name (or the one named by
``x-deskkit-sdk: {model}``; ``model: null`` with a ``reason`` says the SDK has none). It lists, with the spec's
file and line:

- ``missing``: an SDK field the spec lacks, or an SDK model a compared model references that no schema maps
  to — unless the schema declares the field in ``x-deskkit-sdk.left-out`` (with a reason): then ``left-out``;
- ``type``: a field both have with different JSON types (``str`` is a string, ``list[X]`` an array, ...);
- ``spec-only``: a property or schema the SDK does not have (informational: the page may know more);
- ``stale``: a ``left-out`` entry naming a field the SDK no longer has, or that the spec now has, or an
  ``x-deskkit-sdk: {model}`` naming a model the SDK does not have.

An object schema without ``properties`` is compared too (every SDK field is then missing). The spec is first
checked as ``deskkit generate`` checks it (so a malformed ``x-deskkit-sdk`` is refused with file:line and JSON
Pointer).

Exit status: 0 no drift; 1 something ``missing``, ``type`` or ``stale``, so the next SDK release shows its
drift in one command; 2 the comparison cannot run (a bad spec, a module that cannot be imported or holds no
SDK models). The module knows OpenAPI and the model convention, not any one vendor.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import DeskkitError
from . import find_spec
from .check import check_spec
from .load import Spec, escape_token, load_spec

Kind = Literal["missing", "type", "spec-only", "left-out", "stale"]
FAILING: frozenset[str] = frozenset({"missing", "type", "stale"})
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "date": "string",
            "datetime": "string"}


@dataclass(frozen=True)
class Gap:
    kind: Kind
    schema: str  # the spec's schema (or the SDK model, for a model no schema maps to)
    field: str  # wire name; "" for a whole model
    message: str
    line: int | None  # in the spec


def _sdk_types(text: str) -> Iterator[str]:
    """Model names an SDK type string refers to (``dict(str, list[AddressInfo])`` → AddressInfo)."""
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        if name not in _SCALARS and name not in ("list", "dict", "object"):
            yield name


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and isinstance(getattr(value, "openapi_types", None), dict)


def _is_object(schema: Any) -> bool:
    """An object schema the SDK may have a model for: with ``properties``, or ``type: object`` without any."""
    if not isinstance(schema, dict):
        return False
    types = schema.get("type")
    return "properties" in schema or types == "object" or (isinstance(types, list) and "object" in types)


def _sdk_fields(model: Any) -> dict[str, str]:
    """Wire name → SDK type string."""
    names: dict[str, str] = getattr(model, "attribute_map", {})
    types: dict[str, str] = model.openapi_types
    return {names.get(py, py): text for py, text in types.items()}


class Drift:
    def __init__(self, spec: Spec, module: Any) -> None:
        self.spec, self.module = spec, module
        self.schemas: dict[str, Any] = spec.data.get("components", {}).get("schemas", {})
        self.sdk_name: dict[str, str | None] = {}  # schema → SDK model (None: declared as having none)
        for name, schema in self.schemas.items():
            if _is_object(schema):
                declared = schema.get("x-deskkit-sdk", {})  # its shape is checked by spec.schema.yaml
                self.sdk_name[name] = declared.get("model", name)
        self.schema_of = {sdk: name for name, sdk in self.sdk_name.items() if sdk is not None}
        self.gaps: list[Gap] = []

    def line(self, pointer: str) -> int | None:
        while pointer not in self.spec.lines and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self.spec.lines.get(pointer)

    def add(self, kind: Kind, schema: str, field: str, message: str, pointer: str) -> None:
        self.gaps.append(Gap(kind, schema, field, message, self.line(pointer)))

    def run(self) -> list[Gap]:
        referenced: dict[str, str] = {}  # SDK model → "Schema.field" first referring to it
        for name, sdk in self.sdk_name.items():
            base = f"/components/schemas/{escape_token(name)}"
            if sdk is None:
                continue
            model = getattr(self.module, sdk, None)
            if not _is_model(model) and "model" in self.schemas[name].get("x-deskkit-sdk", {}):
                at = f"{base}/x-deskkit-sdk/model"
                self.add("stale", name, "", f"at {at}: x-deskkit-sdk names SDK model {sdk}, which "
                         f"{self.module.__name__} does not have", at)
                continue
            if not _is_model(model):
                self.add("spec-only", name, "", f"no SDK model {sdk}: declare x-deskkit-sdk: {{model: null, "
                         "reason: ...}} if the SDK has none", base)
                continue
            for wire, text in _sdk_fields(model).items():
                for ref in _sdk_types(text):
                    referenced.setdefault(ref, f"{name}.{wire}")
            self.compare(name, self.schemas[name], sdk, _sdk_fields(model), base)
        for ref, where in sorted(referenced.items()):
            if ref not in self.schema_of and hasattr(self.module, ref):
                self.add("missing", ref, "", f"SDK model {ref} (the type of {where}) has no schema in the spec",
                         "/components/schemas")
        return self.gaps

    def compare(self, name: str, schema: dict[str, Any], sdk: str, fields: dict[str, str], base: str) -> None:
        props: dict[str, Any] = schema.get("properties", {})
        left_out = {e["field"]: e["reason"] for e in schema.get("x-deskkit-sdk", {}).get("left-out", [])}
        for wire, text in fields.items():
            at = f"{base}/properties/{escape_token(wire)}"
            if wire in props:
                if wire in left_out:
                    self.add("stale", name, wire, f"`{wire}` is declared left out but the spec has it",
                             f"{base}/x-deskkit-sdk")
                wrong = self.mismatch(props[wire], text)
                if wrong:
                    self.add("type", name, wire, f"`{wire}`: {wrong}", at)
            elif wire in left_out:
                self.add("left-out", name, wire, f"`{wire}` ({text}) left out: {left_out[wire]}",
                         f"{base}/x-deskkit-sdk")
            else:
                self.add("missing", name, wire, f"SDK {sdk}.{wire} ({text}) is not in the spec",
                         f"{base}/properties")
        for wire in props:
            if wire not in fields:
                self.add("spec-only", name, wire, f"`{wire}` is not in SDK model {sdk}",
                         f"{base}/properties/{escape_token(wire)}")
        for wire in left_out:
            if wire not in fields:
                self.add("stale", name, wire, f"`{wire}` is declared left out but SDK model {sdk} has no such field",
                         f"{base}/x-deskkit-sdk")

    def resolve(self, schema: Any) -> tuple[Any, str | None]:
        """The schema behind a ``$ref`` (and the component's name), else the schema itself."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) \
                and schema["$ref"].startswith("#/components/schemas/"):
            name = schema["$ref"].rsplit("/", 1)[1]
            return self.schemas.get(name, {}), name
        return schema, None

    def mismatch(self, schema: Any, text: str) -> str | None:
        """Why the spec's ``schema`` and the SDK type ``text`` disagree, or None."""
        schema, ref = self.resolve(schema)
        if not isinstance(schema, dict) or {"oneOf", "anyOf", "allOf"} & set(schema):
            return None  # composition: not compared
        types = schema.get("type")
        kinds = {t for t in (types if isinstance(types, list) else [types]) if t not in (None, "null")}
        if not kinds and "properties" in schema:
            kinds = {"object"}
        spec_kind = kinds.pop() if len(kinds) == 1 else None
        if text == "object" or spec_kind is None:
            return None  # any value on one side
        if text.startswith("list[") and text.endswith("]"):
            if spec_kind != "array":
                return f"spec {spec_kind}, SDK {text}"
            return self.mismatch(schema.get("items", {}), text[5:-1])
        if text.startswith("dict(") and text.endswith(")"):
            if spec_kind != "object":
                return f"spec {spec_kind}, SDK {text}"
            values = schema.get("additionalProperties")
            if isinstance(values, dict) and not schema.get("properties"):
                return self.mismatch(values, text[5:-1].split(",", 1)[1].strip())
            return None  # an object with named keys stands for a map
        if text in _SCALARS:
            want = _SCALARS[text]
            ok = spec_kind == want or (want == "number" and spec_kind == "integer")
            return None if ok else f"spec {spec_kind}, SDK {text}"
        # an SDK model: the spec's schema must be the one mapped to it
        if spec_kind != "object":
            return f"spec {spec_kind}, SDK model {text}"
        if ref is not None and self.sdk_name.get(ref) not in (text, None):
            return f"spec {ref} (SDK {self.sdk_name.get(ref)}), SDK model {text}"
        return None


def sdk_module(name: str) -> Any:
    """The SDK's model package, or a one-line :class:`DeskkitError` saying why it cannot be compared with."""
    if not _MODULE_NAME.fullmatch(name):
        raise DeskkitError(f"expected a module name like vendorsdk.v2.model, got {name!r}")
    try:
        module = importlib.import_module(name)
    except Exception as exc:  # ImportError, or whatever the package raises while importing: one line
        detail = " ".join(str(exc).split())
        raise DeskkitError(f"cannot import {name}: {type(exc).__name__}: {detail}") from None
    if not any(_is_model(value) for value in vars(module).values()):
        raise DeskkitError(f"no SDK models found in {name}: expected a package of model classes with "
                           "openapi_types (e.g. vendorsdk.v2.model)")
    return module


def drift(spec_path: Path, module_name: str) -> list[Gap]:
    module = sdk_module(module_name)
    spec = load_spec(spec_path)
    check_spec(spec)  # what `deskkit generate` refuses, drift refuses too: one line per problem, no traceback
    return Drift(spec, module).run()


def render(gaps: Sequence[Gap], spec_path: Path) -> str:
    order = {"missing": 0, "type": 1, "stale": 2, "left-out": 3, "spec-only": 4}
    lines = [f"{spec_path}:{g.line or 0}: {g.kind}: {g.schema}: {g.message}"
             for g in sorted(gaps, key=lambda g: (order[g.kind], g.schema, g.field))]
    counts = {k: sum(g.kind == k for g in gaps) for k in order}
    lines.append("drift: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.codegen.drift", description=__doc__.split("\n")[0],
                                     epilog="exit status: 0 no drift; 1 missing, type or stale gaps (including an "
                                     "x-deskkit-sdk model the SDK does not have); 2 a bad spec, or a module that "
                                     "cannot be imported or holds no SDK models")
    parser.add_argument("module", help="the SDK's model package, e.g. vendorsdk.v2.model")
    parser.add_argument("--spec", type=Path, help="the spec (default: the one in spec/)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        spec_path = args.spec or find_spec(Path.cwd())[0]
        gaps = drift(spec_path, args.module)
    except DeskkitError as exc:
        print(f"drift: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps([asdict(g) for g in gaps], ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render(gaps, spec_path))
    return 1 if any(g.kind in FAILING for g in gaps) else 0


if __name__ == "__main__":
    sys.exit(main())
