"""The spec corpus (tests/data/specs/): every small spec generates a package that imports, type-checks, sends
the requests OpenAPI says, parses each documented response to its model, and whose strategies agree with its
parsers and its emitted JSON Schemas (jsonschema, with format checking, as the oracle)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator.codegen import naming
from generator.contract.samples import draw
from generator.contract.typed import observer
from tests.conftest import CORPUS_PACKAGES as PACKAGES
from tests.helpers import from_json_outcomes, narrow_judgement, without_struct_step

FORMATS = Draft202012Validator.FORMAT_CHECKER


def package(corpus: Path, name: str, module: str = "") -> ModuleType:
    import importlib

    return importlib.import_module(PACKAGES[name] + (f".{module}" if module else ""))


def test_the_format_checkers_the_oracle_needs_are_installed() -> None:
    assert {"date-time", "date", "uuid", "ipv4", "ipv6", "email", "uri"} <= set(FORMATS.checkers)


def test_every_corpus_package_passes_mypy_strict(corpus: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *PACKAGES.values()],
                            cwd=corpus, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_corpus_package_passes_ruff(corpus: Path) -> None:
    """The project's own rules, with the one exception generated/ has (E501: spec pointers are kept whole)."""
    from tests.helpers import ROOT

    result = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "--config",
                             str(ROOT / "pyproject.toml"), "--ignore", "E501", *PACKAGES.values()],
                            cwd=corpus, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_every_corpus_package_imports_whole(corpus: Path, name: str) -> None:
    for module in ("", "models", "client", "strategies"):
        package(corpus, name, module)
    assert (corpus / PACKAGES[name] / "enums.py").exists() == bool(
        [n for n in vars(package(corpus, name, "models")).values() if isinstance(n, type)
         and n.__module__.endswith(".enums")])


# --- requests: what the client sends, against expectations written by hand from OpenAPI's rules ----------

Recorded = list[httpx.Request]


def client_for(corpus: Path, name: str, recorded: Recorded, respond: Callable[[httpx.Request], httpx.Response],
               asynchronous: bool = False, **options: Any) -> Any:
    module = package(corpus, name, "client")
    http = module.AsyncBaseClient if asynchronous else module.BaseClient
    kind = next(c for c in vars(module).values() if isinstance(c, type) and issubclass(c, http) and c is not http)

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        recorded.append(request)
        return respond(request)

    transport = httpx.MockTransport(handler)
    if "base_url" not in options and getattr(module, "SERVER", None) is None:
        options["base_url"] = "http://test"
    if kind.AUTH.header and "token" not in options and "ak" not in options:
        options["token"] = "secret-token"
    return kind(transport=transport, max_retries=0, **options)


def ok(body: Any = None, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body) if body is not None else httpx.Response(status)


# (spec, method, args, kwargs, response body) → (method, URL, headers that must be there, JSON body or None)
CALLS: list[tuple[str, str, tuple[Any, ...], dict[str, Any], Any, tuple[str, str, dict[str, str], Any]]] = [
    ("petstore", "list_pets", (), {"limit": 10, "offset": 20, "tags": ["a", "b c", "d,e"]}, {"items": [], "total": 0},
     ("GET", "https://api.pets.example/v1/pets?limit=10&offset=20&tags=a,b%20c,d%2Ce",
      {"X-Api-Key": "secret-token", "Accept": "application/json"}, None)),
    ("petstore", "list_pets", (), {}, {"items": [], "total": 0},
     ("GET", "https://api.pets.example/v1/pets", {}, None)),
    ("petstore", "create_pet", (), {"body": {"name": "Rex", "tag": "dog"}}, {"id": 1, "name": "Rex"},
     ("POST", "https://api.pets.example/v1/pets", {"Content-Type": "application/json"}, {"name": "Rex", "tag": "dog"})),
    ("petstore", "show_pet_by_id", (7,), {}, {"id": 7, "name": "Rex"},
     ("GET", "https://api.pets.example/v1/pets/7", {"X-Api-Key": "secret-token"}, None)),
    ("petstore", "delete_pet", (7,), {}, None, ("DELETE", "https://api.pets.example/v1/pets/7", {}, None)),
    ("params", "search_items", ("acme corp",),
     {"q": "x y&z", "sort": "desc", "ids": ["1", "2"], "colors": ("red", "blue"), "min_price": 1.5, "in_stock": True,
      "page": 2, "x_trace_id": "t-1"}, {},
     ("GET", "http://test/v1/acme%20corp/items?q=x%20y%26z&sort=desc&ids=1&ids=2&colors=red,blue&minPrice=1.5"
      "&inStock=true&page=2", {"X-Trace-Id": "t-1"}, None)),
    ("params", "search_items", ("o",), {"q": "x", "in_stock": False}, {},
     ("GET", "http://test/v1/o/items?q=x&inStock=false", {}, None)),
    ("bodies", "submit_job", (), {"body": {"command": "ls", "retries": 2}}, {"id": "j", "state": "queued"},
     ("POST", "http://test/jobs", {"Content-Type": "application/json"}, {"command": "ls", "retries": 2})),
    ("bodies", "touch_job", ("j/1".replace("/", "-"),), {}, None, ("PUT", "http://test/jobs/j-1", {}, None)),
    ("signed", "list_things", (), {"region": "eu-1"}, {"count": 1},
     ("GET", "https://svc.eu-1.example.com/prod/v1/things", {"X-Auth-Token": "secret-token"}, None)),
    ("formats", "get_host", ("h1",), {"since": "2024-02-29"}, {},
     ("GET", "http://test/hosts/h1?since=2024-02-29", {}, None)),
    ("keywords", "read_gauge", ("6f1c2a4e-8d1b-4c9e-9a51-0c0e6a9f1b2d",), {}, {"kind": "gauge", "level": 1},
     ("GET", "http://test/gauges/6f1c2a4e-8d1b-4c9e-9a51-0c0e6a9f1b2d", {}, None)),
    ("plain", "get_note", ("n 1",), {}, {"id": "n 1"}, ("GET", "http://test/notes/n%201", {}, None)),
    ("ping", "ping", (), {"loud": True}, None, ("GET", "http://test/ping?loud=true", {}, None)),
]


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "method", "args", "kwargs", "answer", "expected"), CALLS,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CALLS)])
def test_the_client_sends_what_the_spec_says(corpus: Path, name: str, method: str, args: tuple[Any, ...],
                                             kwargs: dict[str, Any], answer: Any,
                                             expected: tuple[str, str, dict[str, str], Any],
                                             asynchronous: bool) -> None:
    recorded: Recorded = []
    kwargs = dict(kwargs)
    options = {"region": kwargs.pop("region")} if "region" in kwargs else {}
    status = 204 if answer is None else 201 if method == "create_pet" else 200
    client = client_for(corpus, name, recorded, ok(answer, status), asynchronous, **options)
    call = getattr(client, method)
    result = asyncio.run(call(*args, **kwargs)) if asynchronous else call(*args, **kwargs)
    (request,) = recorded
    verb, url, headers, body = expected
    assert (request.method, str(request.url)) == (verb, url)
    assert {key: request.headers.get(key) for key in headers} == headers
    if body is None:
        assert request.content == b"" and "Content-Type" not in request.headers
    else:
        assert json.loads(request.content) == body
    assert (result is None) == (answer is None)


def test_a_model_body_is_sent_as_its_to_dict(corpus: Path) -> None:
    models = package(corpus, "petstore", "models")
    recorded: Recorded = []
    client = client_for(corpus, "petstore", recorded, ok({"id": 1, "name": "Rex"}, 201))
    pet = client.create_pet(body=models.NewPet.from_dict({"name": "Rex", "extra": [1]}))
    assert json.loads(recorded[0].content) == {"name": "Rex", "extra": [1]}
    assert isinstance(pet, models.Pet) and pet.id == 1


@pytest.mark.parametrize(("name", "method", "args", "kwargs", "message"), [
    ("params", "search_items", ("o",), {"q": ""}, "q: expected at least 1 characters"),
    ("params", "search_items", ("o",), {"q": "x", "ids": ["1", "2", "3", "4"]}, "ids: expected at most 3 items"),
    ("params", "search_items", ("o",), {"q": "x", "ids": "12"}, "ids: expected array, found string"),
    ("params", "search_items", ("o",), {"q": "x", "sort": "up"}, "sort: expected one of ['asc', 'desc']"),
    ("params", "search_items", ("o",), {"q": "x", "page": 0}, "page: expected at least 1"),
    ("params", "search_items", ("a/b",), {"q": "x"}, "org must not contain '/'"),
    ("formats", "get_host", ("h",), {"since": "2023-02-29"}, "since: expected a date string"),
    ("keywords", "read_gauge", ("not-a-uuid",), {}, "id: expected a uuid string"),
    ("petstore", "create_pet", (), {"body": {"tag": "x"}}, "/name: required property is missing"),
])
def test_arguments_the_spec_refuses_are_refused_before_sending(corpus: Path, name: str, method: str,
                                                               args: tuple[Any, ...], kwargs: dict[str, Any],
                                                               message: str) -> None:
    recorded: Recorded = []
    client = client_for(corpus, name, recorded, ok({}))
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        getattr(client, method)(*args, **kwargs)
    assert recorded == []


def test_credentials_follow_the_security_schemes(corpus: Path) -> None:
    recorded: Recorded = []
    signed = package(corpus, "signed", "client")
    with pytest.raises(ValueError, match=r"credentials are required: token= .* or ak= and sk="):
        signed.SignedClient(region="eu-1")
    client = signed.SignedClient(region="eu-1", ak="AK", sk="SK", transport=httpx.MockTransport(
        lambda r: (recorded.append(r), httpx.Response(200, json={}))[1]))
    client.list_things()
    assert recorded[0].headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=AK, ")
    plain = package(corpus, "plain", "client")
    with pytest.raises(ValueError, match="declares no API key header"):
        plain.PlainNotesClient(token="t", base_url="http://x")
    with pytest.raises(ValueError, match="declares no AK/SK signing"):
        plain.PlainNotesClient(ak="a", sk="b", base_url="http://x")
    assert "X-Auth-Token" not in client_for(corpus, "plain", [], ok({}))._policy.headers()


def test_several_2xx_and_no_content(corpus: Path) -> None:
    models = package(corpus, "bodies", "models")
    for status, body, expected in ((200, {"id": "j", "state": "done"}, models.Job), (202, None, type(None))):
        client = client_for(corpus, "bodies", [], ok(body, status))
        assert type(client.submit_job(body={"command": "x"})) is expected
    errors = package(corpus, "bodies", "client")
    client = client_for(corpus, "bodies", [], ok({"type": "conflict", "detail": "busy", "trace": "t-9"}, 409))
    with pytest.raises(errors.ApiError) as caught:
        client.submit_job(body={"command": "x"})
    assert (caught.value.status, caught.value.error_code, caught.value.error_msg, caught.value.request_id) == (
        409, "conflict", "busy", "t-9")
    assert isinstance(caught.value.body, models.Problem) and caught.value.body.detail == "busy"
    client = client_for(corpus, "bodies", [], lambda r: httpx.Response(207, json={}))
    with pytest.raises(package(corpus, "bodies").ContractError, match="status 207 is not documented for submitJob"):
        client.submit_job(body={"command": "x"})


# --- responses: every documented status, a drawn body, the model (or typed error) it becomes ---------------

def _status(key: str) -> int:
    return {"default": 599, "1XX": 199}.get(key) or (int(key[0]) * 100 + 18 if key.endswith("XX") else int(key))


def _argument(site: Any) -> Any:
    if site.items is not None:
        return [_argument(site.items)]
    if site.enum is not None:
        return next(iter(site.members))
    kind = site.json_type
    if kind == "integer":
        return max(1, int(site.minimum or 0))
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    return {"uuid": str(uuid.uuid4()), "date": "2024-01-02"}.get(site.format or "", "abc")


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_each_documented_response_parses_to_its_model(corpus: Path, name: str) -> None:
    pkg, strategies = package(corpus, name), package(corpus, name, "strategies")
    errors = package(corpus, name, "client")
    checked = 0
    for op in pkg.OPERATIONS:
        args = [_argument(p.site) for p in op.parameters if p.location == "path"]
        kwargs = {p.py_name: _argument(p.site) for p in op.parameters if p.location != "path" and p.required}
        if op.body is not None and op.body_required:
            kwargs["body"] = draw(strategies.valid(op.body.__name__), 1, 3)[0].payload
        for key, model in op.responses.items():
            status = _status(key)
            body = draw(strategies.valid(model.__name__), 1, status)[0].payload if model is not None else None
            client = client_for(corpus, name, [], ok(body, status), base_url="http://test")
            method = getattr(client, naming.snake(op.id))
            if 200 <= status < 300:
                result = method(*args, **kwargs)
                assert (result is None) if model is None else (type(result) is model and result.to_dict() == body)
            else:
                with pytest.raises(errors.ApiError) as caught:
                    method(*args, **kwargs)
                assert caught.value.status == status
                assert (caught.value.body is None) if model is None else type(caught.value.body) is model
            checked += 1
    assert checked >= len(pkg.OPERATIONS)


# --- strategies, parsers and emitted schemas agree ---------------------------------------------------------

def validators(corpus: Path, name: str, model: str) -> tuple[Draft202012Validator, Draft202012Validator]:
    folder = corpus / PACKAGES[name] / "schemas"
    out = []
    for kind in ("documented", "observed"):
        doc = json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8"))
        out.append(Draft202012Validator({**doc, "$ref": f"#/$defs/{model}"}, format_checker=FORMATS))
    return out[0], out[1]


def parses(model: Any, data: Any, tolerant: bool) -> bool:
    try:
        model.from_dict(data, tolerant=tolerant)
    except ValueError:
        return False
    return True


def agreement(model: Any, documented: Draft202012Validator, observed: Draft202012Validator,
              drawn: st.SearchStrategy[Any]) -> Callable[[], None]:
    """A property: each drawn payload parses exactly when the schema of its contract accepts it, and valid,
    quirky, observed (known off the page) and invalid payloads land where they should."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(drawn)
    def agree(drawn: Any) -> None:
        note(f"{model.__name__}: {drawn}")
        data = drawn.payload
        strict, tolerant = parses(model, data, False), parses(model, data, True)
        assert strict == documented.is_valid(data), list(documented.iter_errors(data))
        assert tolerant == observed.is_valid(data), list(observed.iter_errors(data))
        values = [i for i in drawn.injected if i.mutation == "value known off the page"]
        assert strict == (drawn.kind == "valid" or (drawn.kind == "observed" and not values))
        assert tolerant == (drawn.kind != "invalid")
        if drawn.kind == "observed":  # what is known off the page: fields listed, values deviations
            parsed = model.from_dict(data, tolerant=True)
            fields = [i for i in drawn.injected if i.mutation == "field known off the page"]
            assert sorted((f.pointer, f.known) for f in parsed.off_page) == sorted((i.pointer, i.known) for i in fields)
            assert sorted((d.pointer, d.quirk, d.known) for d in parsed.deviations) == sorted(
                (i.pointer, None, i.known) for i in values)
        if drawn.kind == "quirky":
            found = model.from_dict(data, tolerant=True).deviations
            assert sorted((d.quirk, d.pointer) for d in found) == sorted((i.quirk, i.pointer) for i in drawn.injected)
        if drawn.kind == "invalid":
            for tolerant_mode in (False, True):
                with pytest.raises(ValueError) as caught:
                    model.from_dict(data, tolerant=tolerant_mode)
                assert drawn.injected[0].pointer in {p.pointer for p in caught.value.problems}
        if tolerant:
            assert model.from_dict(data, tolerant=True).to_dict() == data
        # from_json's msgspec step (where the package has one for this model) changes nothing
        text = json.dumps(data).encode()
        assert from_json_outcomes(model, text) == without_struct_step(model, lambda: from_json_outcomes(model, text))
        # validate's observed check (where the package has one) judges as the judge does, or leaves it to it
        observe = observer(model)
        found = observe(text) if observe is not None else None
        if found is not None and found is not False:  # (False: msgspec read no JSON, not for json.dumps text)
            assert found == model.judge(data)
            assert drawn.kind != "invalid" and observed.is_valid(data)
        narrow = narrow_judgement(model, text)  # the narrow path alone, which the check tries first
        if narrow is not None:
            assert narrow == model.judge(data)
            assert drawn.kind != "invalid" and observed.is_valid(data)

    return agree


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_strategies_parsers_and_schemas_agree(corpus: Path, name: str) -> None:
    pkg, strategies = package(corpus, name), package(corpus, name, "strategies")
    models = package(corpus, name, "models")
    for model_name in sorted(models.SCHEMA):
        model = getattr(models, model_name)
        documented, observed = validators(corpus, name, model_name)
        kinds = [strategies.valid(model_name), strategies.invalid(model_name)]
        with contextlib.suppress(ValueError):  # ValueError: no quirk can show in this model
            kinds.append(strategies.quirky(model_name))
        with contextlib.suppress(ValueError):  # nothing known off the page can show in this model
            kinds.append(strategies.observed(model_name))

        agree = agreement(model, documented, observed, st.one_of(kinds))
        agree()
    assert pkg.OPERATIONS


# --- one key beside the properties: each kind of additionalProperties, through the full parser ---------------
# (a count of the documented keys read stands for a comparison of the key set: one other key must tell)


@pytest.mark.parametrize(("payload", "problem"), [
    ({"name": "n", "limits": {"max": 1, "cpu": 2}}, None),  # a typed extra key: kept, typed
    ({"name": "n", "limits": {"cpu": "2"}}, "/limits/cpu"),  # a typed extra key of the wrong type
    ({"name": "n", "open": {"a": "x", "b": None}}, None),  # additionalProperties: true, one other key
    ({"name": "n", "x": 1}, "/x"),  # additionalProperties: false, one other key
    ({"name": "n", "limits": {"max": None}}, "/limits/max"),  # a null, which is not another key
])
def test_one_key_beside_the_properties(corpus: Path, payload: dict[str, Any], problem: str | None) -> None:
    models = package(corpus, "closed", "models")
    schema = json.loads((corpus / PACKAGES["closed"] / "schemas" / "documented.schema.json").read_text())
    assert Draft202012Validator(schema, format_checker=FORMATS).is_valid(payload) is (problem is None)  # the oracle
    judged = models.Settings.judge_fully(payload)
    assert [p.pointer for p in judged.problems] == ([problem] if problem else [])
    if problem is None:
        assert models.Settings.from_dict(payload).to_dict() == payload  # the other key kept, written back


# --- from_json's msgspec step keeps what the parsers keep (types included) ------------------------------------


@pytest.mark.parametrize("text", [
    b'{"id": "a", "weight": 2}',  # an integer where the contract has a number: still an int
    b'{"id": "a", "weight": 2.5, "stars": 3}',
    b'{"id": "a", "stars": 3.0}',  # an integral float where it has an integer: the parsers accept it
    b'{"id": "a", "weight": -0.0, "words": []}',
    b'{"id": "a", "weight": 1e400}',
    b'{"id": "a", "weight": true}',
    b'{"weight": 2}',
])
def test_from_json_through_msgspec_keeps_what_the_parsers_keep(corpus: Path, text: bytes) -> None:
    pytest.importorskip("msgspec")
    note = package(corpus, "plain", "models").Note
    assert note.__dict__.get("_json") is not None
    assert from_json_outcomes(note, text) == without_struct_step(note, lambda: from_json_outcomes(note, text))


def test_quirky_payloads_of_every_corpus_take_the_observed_check(corpus: Path) -> None:
    """Where a corpus model has an observed check, quirky payloads drawn for it take it (the agreement above
    could otherwise hold for a check that refuses everything), and what it says is what the judge says."""
    taken: dict[str, int] = {}
    narrowed: dict[str, int] = {}  # those the narrow structs take (no null, no stray enum value)
    for name in sorted(PACKAGES):
        models = package(corpus, name, "models")
        strategies = package(corpus, name, "strategies")
        for model_name in sorted(models.SCHEMA):
            model = getattr(models, model_name)
            observe = observer(model)
            if observe is None:
                continue
            try:
                drawn = draw(strategies.quirky(model_name), 20, 1)
            except ValueError:  # no quirk can show in this model
                continue
            for one in drawn:
                body = json.dumps(one.payload).encode()
                found = observe(body)
                if found is not None and found is not False:
                    assert found == model.judge(one.payload), one
                    taken[f"{name}.{model_name}"] = taken.get(f"{name}.{model_name}", 0) + 1
                narrow = narrow_judgement(model, body)
                if narrow is not None:
                    assert narrow == model.judge(one.payload), one
                    narrowed[f"{name}.{model_name}"] = narrowed.get(f"{name}.{model_name}", 0) + 1
    assert {"quirks", "known"} <= {key.partition(".")[0] for key in taken}, taken
    assert "quirks" in {key.partition(".")[0] for key in narrowed}, narrowed
