"""Build the intermediate model (:mod:`.ir`) from a checked spec: every ``$ref``, name and literal settled.

The builder walks the spec once and collects every issue instead of stopping at the first. What it does not
support it refuses with the pointer, the keyword and what to write instead — never ignored. Schemas become
types in :mod:`.build_types`; this module adds security, parameters, bodies, responses and operations.
"""

from __future__ import annotations

import builtins
import dataclasses
import keyword
import re
import sys
from typing import Any

from ..errors import SpecError
from . import naming
from .build_types import LOCALS, TAKEN, TypeBuilder, is_object_model, phrase
from .ir import Api, ArrayOf, Model, ModelRef, Operation, Pagination, Parameter, Response, Scalar, Security
from .load import Spec, escape_token

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Keyword names a client method takes besides the operation's parameters.
_METHOD_RESERVED = frozenset({"self", "tolerant"})
#: Python's builtin names: no schema may take one (see :func:`build`).
BUILTINS = frozenset(dir(builtins))
#: Top-level modules the generated package imports besides the standard library's (a package named so would
#: shadow it).
IMPORTED = frozenset({"httpx", "hypothesis", "msgspec"})
#: The public methods the generated clients inherit (``_http.BaseClient``, ``AsyncBaseClient``): an operation
#: with one of these names gets a trailing underscore, as a reserved parameter name does.
CLIENT_TAKEN = frozenset({"close", "aclose"})
# Header parameters OpenAPI says to ignore (the client sets them itself).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


class _Builder(TypeBuilder):
    """Walks the spec once, collecting issues instead of stopping at the first."""

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        self.security = Security()

    # -- security -----------------------------------------------------------------------------------
    def build_security(self) -> None:
        schemes = self.components.get("securitySchemes") or {}
        header = signing = None
        for name, scheme in schemes.items():
            at = f"/components/securitySchemes/{escape_token(name)}"
            if scheme.get("type") != "apiKey" or scheme.get("in") != "header":
                kind = scheme.get("type") + (f" in {scheme['in']}" if "in" in scheme else "")
                self.fail(at, f"security scheme {name!r} is {kind}: deskkit supports apiKey in a header, and "
                          "AK/SK signing declared with x-deskkit-signing")
                continue
            if "x-deskkit-signing" in scheme:
                signing = scheme["x-deskkit-signing"]
            elif header is not None and header != scheme["name"]:
                self.fail(at, f"a second API key header {scheme['name']!r} (besides {header!r}): deskkit's client "
                          "sends one")
            else:
                header = scheme["name"]
        requirements = self.spec.data.get("security") or []
        for index, requirement in enumerate(requirements):
            for name in requirement:
                if name not in schemes:
                    self.fail(f"/security/{index}/{escape_token(name)}", f"no security scheme named {name!r} under "
                              "/components/securitySchemes")
        required = any(requirements) and not any(r == {} for r in requirements)
        self.security = Security(header, signing, required)

    # -- operations ---------------------------------------------------------------------------------
    def component(self, item: dict[str, Any], pointer: str, kind: str) -> tuple[dict[str, Any], str] | None:
        """``item``, or the component its ``$ref`` names (``#/components/<kind>/NAME``)."""
        if "$ref" not in item:
            return item, pointer
        ref = item["$ref"]
        prefix = f"#/components/{kind}/"
        target = (self.components.get(kind) or {}).get(ref[len(prefix):]) if ref.startswith(prefix) else None
        if not isinstance(target, dict):
            self.fail(f"{pointer}/$ref", f"$ref {ref!r}: expected {prefix}NAME naming a component that exists")
            return None
        return target, ref[1:]

    def parameters(self, path: str, path_item: dict[str, Any], op: dict[str, Any],
                   base: str, op_id: str) -> list[Parameter] | None:
        found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for where, items in ((f"/paths/{escape_token(path)}/parameters", path_item.get("parameters", [])),
                             (f"{base}/parameters", op.get("parameters", []))):
            seen: set[tuple[str, str]] = set()
            for index, item in enumerate(items):
                resolved = self.component(item, f"{where}/{index}", "parameters")
                if resolved is None:
                    return None
                param, pointer = resolved
                # header names are case-insensitive (RFC 9110): X-A and x-a are one header
                key = (param["name"].lower() if param["in"] == "header" else param["name"], param["in"])
                if key in seen:
                    self.fail(f"{where}/{index}", f"parameter {param['name']!r} in {param['in']} is listed twice"
                              + (" (header names are case-insensitive)" if param["in"] == "header" else ""))
                    return None
                seen.add(key)
                found[key] = (param, pointer)  # an operation's parameter overrides the path item's
        template = re.findall(r"\{([^{}]+)\}", path)
        declared = [name for (name, where) in found if where == "path"]
        for name in template:
            if name not in declared:
                self.fail(f"{base}/parameters", f"path parameter {{{name}}} of {path} is not declared: add "
                          f"`- {{name: {name}, in: path, required: true, schema: {{type: string}}}}`")
                return None
        for name in declared:
            if name not in template:
                self.fail(f"{base}/parameters", f"path parameter {name!r} does not appear in {path}")
                return None
        out: list[Parameter] = []
        for (name, where), (param, pointer) in sorted(found.items(), key=lambda kv: (
                kv[0][1] != "path", template.index(kv[0][0]) if kv[0][1] == "path" else 0)):
            if where == "header" and (name.lower() in _IGNORED_HEADERS or (
                    self.security.header is not None and name.lower() == self.security.header.lower())):
                continue  # the client sets these itself (OpenAPI ignores Accept/Content-Type/Authorization)
            made = self.parameter(param, pointer, where, op_id)
            if made is None:
                return None
            out.append(made)
        return out

    def parameter(self, param: dict[str, Any], pointer: str, where: str, op_id: str) -> Parameter | None:
        name = param["name"]
        if where == "cookie":
            self.fail(f"{pointer}/in", f"parameter {name!r} in: cookie is outside the subset deskkit supports: "
                      "send it as a header parameter")
            return None
        for key in ("content", "allowReserved", "allowEmptyValue"):
            if key in param:
                self.fail(f"{pointer}/{key}", f"keyword `{key}` on a parameter is outside the subset deskkit "
                          "supports: give `schema` (a scalar or an array of scalars)")
                return None
        style = param.get("style", "form" if where == "query" else "simple")
        if style != ("form" if where == "query" else "simple"):
            self.fail(f"{pointer}/style", f"style {style!r} for a {where} parameter: deskkit supports style form "
                      "in the query and simple in the path and headers")
            return None
        ptype = self.resolve(param["schema"], f"{pointer}/schema", f"{op_id}_{name}", op_id, name)
        if ptype is None:
            return None
        scalar_array = isinstance(ptype, ArrayOf) and isinstance(ptype.items, Scalar) and where != "path"
        if not (isinstance(ptype, Scalar) or scalar_array):
            self.fail(f"{pointer}/schema", f"parameter {name!r} has {phrase(ptype)}: deskkit supports a scalar, or "
                      "(in the query and headers) an array of scalars")
            return None
        if ptype.nullable:
            self.fail(f"{pointer}/schema/type", f"parameter {name!r} is nullable: a parameter is sent or not, "
                      "never null; drop \"null\"")
            return None
        assert isinstance(ptype, (Scalar, ArrayOf))
        default = (param["schema"]["default"],) if "default" in param["schema"] else None
        explode = bool(param.get("explode", where == "query"))
        return Parameter(name, naming.snake(name), where, bool(param.get("required")),  # type: ignore[arg-type]
                         param.get("description", ""), ptype, explode, default)

    def body(self, op: dict[str, Any], base: str) -> tuple[str | None, bool]:
        if "requestBody" not in op:
            return None, False
        resolved = self.component(op["requestBody"], f"{base}/requestBody", "requestBodies")
        if resolved is None:
            return None, False
        body, pointer = resolved
        model = self.content_model(body.get("content") or {}, f"{pointer}/content", "request body")
        return model, bool(body.get("required"))

    def content_model(self, content: dict[str, Any], pointer: str, what: str) -> str | None:
        """The model of a JSON body (None: no content); other media types are refused."""
        if not content:
            return None
        other = [media for media in content if not media.startswith("application/json")]
        if other:
            self.fail(f"{pointer}/{escape_token(other[0])}", f"a {what} of media type {other[0]!r}: deskkit "
                      "supports application/json bodies only")
            return None
        media = next(iter(content))
        schema = content[media].get("schema", {})
        at = f"{pointer}/{escape_token(media)}/schema"
        if "$ref" not in schema:
            self.fail(at, f"an inline {what} schema: move it under /components/schemas and refer to it with $ref")
            return None
        found = self.target(schema["$ref"], at)
        if found is None:
            return None
        if not is_object_model(found[1]):
            self.fail(f"{at}/$ref", f"the {what} is {found[0]}, not an object schema: deskkit parses object "
                      "bodies; wrap the value in an object")
            return None
        return found[0]

    def operations(self, models: dict[str, Model]) -> list[Operation]:
        ops: list[Operation] = []
        ids: dict[str, str] = {}
        for path, item in self.spec.data["paths"].items():
            unknown = sorted(k for k in item if k not in (*_METHODS, "parameters", "summary", "description")
                             and not k.startswith("x-"))
            for key in unknown:
                self.fail(f"/paths/{escape_token(path)}/{escape_token(key)}", f"keyword `{key}` on a path item is "
                          "outside the subset deskkit supports: declare the operations inline")
            for method in _METHODS:
                op = item.get(method)
                if op is None:
                    continue
                base = f"/paths/{escape_token(path)}/{method}"
                made = self.operation(path, item, method, op, base, models)
                if made is None:
                    continue
                if made.py_name in ids:
                    self.fail(f"{base}/operationId", f"operationId {op['operationId']!r} gives the method name "
                              f"{made.py_name!r}, like the operation at {ids[made.py_name]}: rename one")
                    continue
                ids[made.py_name] = base
                ops.append(made)
        return ops

    def operation(self, path: str, item: dict[str, Any], method: str, op: dict[str, Any], base: str,
                  models: dict[str, Model]) -> Operation | None:
        for key in ("callbacks", "servers"):
            if key in op:
                self.fail(f"{base}/{key}", f"keyword `{key}` on an operation is outside the subset deskkit supports")
                return None
        if "security" in op and op["security"] != self.spec.data.get("security"):
            self.fail(f"{base}/security", "an operation's own `security` is outside the subset deskkit supports: "
                      "the client authenticates every request the same way (declare it at the top level)")
            return None
        params = self.parameters(path, item, op, base, op["operationId"])
        if params is None:
            return None
        body, body_required = self.body(op, base)
        responses: list[Response] = []
        for status, resp in sorted(op["responses"].items()):
            resolved = self.component(resp, f"{base}/responses/{escape_token(status)}", "responses")
            if resolved is None:
                return None
            found, pointer = resolved
            model = self.content_model(found.get("content") or {}, f"{pointer}/content", "response body")
            if found.get("content") and model is None:
                return None
            responses.append(Response(status, found.get("description", ""), model))
        taken = {p.py_name for p in params}
        body_arg = naming.unique(["body"], frozenset(taken | _METHOD_RESERVED))[0]
        names = naming.unique([p.py_name for p in params], _METHOD_RESERVED | {body_arg} if body else _METHOD_RESERVED)
        params = [dataclasses.replace(p, py_name=n) for p, n in zip(params, names, strict=True)]
        made = Operation(op["operationId"], naming.unique([naming.snake(op["operationId"])], CLIENT_TAKEN)[0],
                         method.upper(), path,
                         op.get("summary", ""), op.get("description", ""), tuple(params), tuple(responses),
                         body, body_required, body_arg)
        if "x-deskkit-pagination" in op:
            pagination = self.pagination(made, op["x-deskkit-pagination"], f"{base}/x-deskkit-pagination", models)
            if pagination is None:
                return None
            made = dataclasses.replace(made, pagination=pagination)
        return made

    def pagination(self, op: Operation, declared: dict[str, str], pointer: str,
                   models: dict[str, Model]) -> Pagination | None:
        """Check ``x-deskkit-pagination`` against the operation's response and query parameters."""
        success = [r.model for r in op.success_responses if r.model]
        if len(set(success)) != 1 or success[0] not in models:
            self.fail(pointer, "pagination needs exactly one 2xx response model")
            return None
        model = models[success[0]]
        fields = {f.wire: f for f in model.fields}
        items, total = fields.get(declared["items"]), fields.get(declared["total"])
        if items is None or not isinstance(items.type, ArrayOf) or not isinstance(items.type.items, ModelRef):
            self.fail(f"{pointer}/items", f"{declared['items']!r} is not an array-of-objects property of "
                      f"{model.name}")
            return None
        if total is None or not isinstance(total.type, Scalar) or total.type.json_type != "integer":
            self.fail(f"{pointer}/total", f"{declared['total']!r} is not an integer property of {model.name}")
            return None
        for role, field in (("items", items), ("total", total)):
            if not field.required or field.type.nullable or field.tolerances:
                self.fail(f"{pointer}/{role}", f"{field.wire!r} must be a required, non-nullable property without "
                          "tolerated shapes, so every page has it")
                return None
        query = {p.name: p for p in op.parameters if p.location == "query"}
        for role in ("offset", "limit"):
            param = query.get(declared[role])
            if param is None or not isinstance(param.type, Scalar) or param.type.json_type != "integer" \
                    or param.required:
                self.fail(f"{pointer}/{role}", f"{declared[role]!r} is not an optional integer query parameter "
                          "of this operation")
                return None
        name = op.py_name.removeprefix("list_")
        return Pagination(declared["items"], declared["total"], declared["offset"], declared["limit"],
                          items.name, total.name, query[declared["offset"]].py_name,
                          query[declared["limit"]].py_name, items.type.items.name, f"iter_{name}")


def _server(data: dict[str, Any]) -> tuple[str | None, tuple[tuple[str, str | None], ...]]:
    servers = data.get("servers") or []
    if not servers:
        return None, ()
    first = servers[0]
    variables = tuple((name, var.get("default")) for name, var in first.get("variables", {}).items())
    return str(first["url"]), variables


def _unusable(name: str) -> str | None:
    """Why no generated class may have ``name``, if none may."""
    if keyword.iskeyword(name):  # a class cannot be named `None`, `True` or `class`
        return "is a Python keyword, which no class can have"
    if name in BUILTINS:  # a class `str` or `dict` would stand for the builtin in every generated module
        return "is a Python builtin, which the generated code uses"
    if name in LOCALS:  # `o = _new(o)` would not make an object
        return "is a local name in the generated parsers, which a class of that name would be hidden in"
    return None


def _check_unused(builder: _Builder) -> None:
    """Read every component schema that is not an object model as a use of it would (an alias, an array, an
    enumeration nothing refers to yet), keeping only the problems found: a spec that an added reference would
    make unusable is refused now, as diff refuses it, rather than when that reference comes (a `$ref` cycle
    with nothing between was dropped in silence). What reading them adds to the bindings is put back."""
    enums, unions, sites = dict(builder.enums), list(builder.unions), set(builder.site_ids)
    seen = set(builder.issues)
    before = len(builder.issues)
    for name, schema in sorted(builder.schemas.items()):
        if isinstance(schema, dict) and not is_object_model(schema):
            builder.resolve(schema, f"/components/schemas/{escape_token(name)}", f"unused_{name}", name, name)
    found = [issue for issue in builder.issues[before:] if issue not in seen]  # (a used one's: said already)
    builder.issues[before:] = list(dict.fromkeys(found))
    builder.enums, builder.unions, builder.site_ids = enums, unions, sites


def build_api(spec: Spec) -> Api:
    """Build the intermediate model of a checked spec; raise :class:`SpecError` listing every issue."""
    builder = _Builder(spec)
    builder.build_quirks()
    builder.build_security()
    built = [builder.model(name, schema) for name, schema in sorted(builder.schemas.items())
             if is_object_model(schema)]
    models = {m.name: m for m in built if m is not None}
    builder.check_unions(models)
    builder.check_known(models)
    for name in sorted(set(models) | set(builder.enums)):
        where = f"/components/schemas/{escape_token(name)}" if name in models else builder.enums[name].rule[1:]
        twice = name in models and name in builder.enums
        why = _unusable(name)
        if why is None and (name in TAKEN or twice):
            why = f"is taken ({'by an enumeration too' if twice else 'by the generated code'})"
        if why is not None:
            builder.fail(where, f"the name {name!r} {why}: rename the schema, or give the enumeration another "
                         "`title`")
    operations = builder.operations(models)
    _check_unused(builder)
    errors = {m.error_fields for m in models.values() if m.error_fields is not None}
    if len(errors) > 1:
        builder.fail("/components/schemas", "x-deskkit-error is declared with different fields on several "
                     "schemas: the client reads one error body")
    package = spec.data["info"].get("x-deskkit-package", "bindings")
    if keyword.iskeyword(package) or package in sys.stdlib_module_names or package in IMPORTED:
        builder.fail("/info/x-deskkit-package", f"the package name {package!r} is a Python keyword or the name of "
                     "a module the generated code imports (the standard library's, httpx, hypothesis, msgspec): "
                     "the package would not import; name it after the API")
    if builder.issues:
        raise SpecError(builder.issues)
    info = spec.data["info"]
    server, variables = _server(spec.data)
    return Api(
        title=info["title"],
        version=info["version"],
        package=package,
        spec_name=spec.path.name,
        client=info.get("x-deskkit-client") or naming.pascal(info["title"].split("—")[0].split(" - ")[0]) + "Client",
        server=server,
        server_variables=variables,
        models=tuple(models.values()),
        enums=tuple(sorted(builder.enums.values(), key=lambda e: e.name)),
        quirks=tuple(builder.quirks.values()),
        operations=tuple(operations),
        security=builder.security,
        error_fields=next(iter(errors), (None, None, None)),
    )
