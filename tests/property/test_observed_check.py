"""The observed check of ``deskkit validate`` (:func:`generator.contract.typed.observer`) never changes a result.

It may only give the judgement of a body that deviates as the quirks tolerate, or say "ask the judge". Wherever
it gives one — on bodies written from valid, quirky and invalid payloads of the generated strategies, from the
documented example and the vendor page with one value changed, from arbitrary JSON and from hostile texts — it
is the full judge's judgement of what the strict decoder reads, every finding alike, and jsonschema (the
independent oracle) finds the body valid against the observed schema (and against the documented one when
nothing deviates). And the common quirky bodies (the vendor page, nulls, one-item arrays) do take it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator.contract import jsontext
from generator.contract.jsontext import NotJson, loads
from generator.contract.typed import observer
from tests.conftest import documented_example, load_example
from tests.helpers import narrow_judgement
from tests.property.test_fast_json import dumped, mutated
from tests.property.test_fast_path import EXAMPLE_PATHS, JSON, ODD_VALUES
from tests.property.test_typed_check import bodies, hostile
from workspace_desktop import models as M
from workspace_desktop import strategies as S
from workspace_desktop._typed import observer_for

pytestmark = pytest.mark.skipif(jsontext.FAST is None, reason="msgspec is not installed (the `fast` extra)")

SCHEMAS = resources.files("workspace_desktop") / "schemas"
FORMATS = Draft202012Validator.FORMAT_CHECKER
MODELS = sorted(M.SCHEMA)
OBSERVERS = {name: observer(getattr(M, name)) for name in MODELS}


def validators(kind: str) -> dict[str, Draft202012Validator]:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return {name: Draft202012Validator({**schema, "$ref": f"#/$defs/{name}"}, format_checker=FORMATS)
            for name in MODELS}


DOCUMENTED, OBSERVED = validators("documented"), validators("observed")


def test_every_model_of_the_shipped_spec_has_an_observer() -> None:
    assert all(OBSERVERS.values()), [name for name, found in OBSERVERS.items() if found is None]


def agrees(name: str, body: bytes) -> bool:
    """When the observer judges ``body``, the full judge and jsonschema agree; returns whether it did. When it
    says msgspec read no JSON there (False), msgspec's own decoder must refuse the text too."""
    observe = OBSERVERS[name]
    assert observe is not None
    found = observe(body)
    if found is False:
        assert jsontext.FAST is not None
        with pytest.raises(Exception):  # noqa: B017 - any refusal of msgspec's, as the observer saw it
            jsontext.FAST(body)
        return False
    if found is not None:
        data = loads(body, fast=None)  # the standard library alone: raises NotJson if it does not read it
        assert found == getattr(M, name).judge(data)
        assert not found.problems and OBSERVED[name].is_valid(data), list(OBSERVED[name].iter_errors(data))
        if not (found.deviations or found.off_page):
            assert DOCUMENTED[name].is_valid(data)
    return found is not None


def narrow_agrees(name: str, body: bytes) -> bool:
    """When the narrow structs take ``body``, the narrow walk's judgement is the full judge's and jsonschema
    finds the body valid against the observed schema; returns whether they took it."""
    model = getattr(M, name)
    found = narrow_judgement(model, body)
    if found is not None:
        data = loads(body, fast=None)
        assert found == model.judge(data)
        assert not found.problems and OBSERVED[name].is_valid(data), list(OBSERVED[name].iter_errors(data))
    return found is not None


def drawn_of(kind: str) -> st.SearchStrategy[tuple[str, Any]]:
    return st.sampled_from(MODELS).flatmap(lambda name: st.tuples(st.just(name), getattr(S, kind)(name)))


@given(drawn_of("valid") | drawn_of("invalid"))
def test_valid_and_invalid_bodies_agree(case: tuple[str, Any]) -> None:
    name, drawn = case
    taken = [agrees(name, body) for body in bodies(drawn.payload)]
    if drawn.kind == "invalid":
        assert not any(taken)


@given(S.quirky())
@example(S.Drawn("quirky", load_example()))
def test_quirky_bodies_agree(drawn: S.Drawn) -> None:
    for body in bodies(drawn.payload):
        agrees("ShowDesktopDetailResponse", body)
        narrow_agrees("ShowDesktopDetailResponse", body)


@given(st.sampled_from(EXAMPLE_PATHS), JSON | st.sampled_from(ODD_VALUES), st.booleans())
@example(("desktop", "created"), "2022-02-29T06:57:47Z", True)
@example(("desktop", "task_status"), None, True)
@example(("desktop", "root_volume", "type"), "SATA", False)
def test_the_examples_with_one_value_changed_agree(at: tuple[Any, ...], value: Any, page: bool) -> None:
    data = documented_example()
    parent = data
    for step in at[:-1]:
        parent = parent[step]
    parent[at[-1]] = value
    if page:  # the vendor page's shape around it: a one-item array of the desktop
        data["desktop"] = [data["desktop"]]
    for body in bodies(data):
        agrees("ShowDesktopDetailResponse", body)
        narrow_agrees("ShowDesktopDetailResponse", body)


@given(JSON)
def test_arbitrary_json_agrees(data: Any) -> None:
    for body in bodies(data) + bodies({"desktop": data}) + bodies({"desktop": [data]}):
        agrees("ShowDesktopDetailResponse", body)


@given(dumped() | mutated())
@example(hostile(b"NaN"))
@example(hostile(b"null, \"size\": 90"))
@example(hostile(b'90, "size": null'))
@example(b"\xef\xbb\xbf" + json.dumps(load_example()).encode())
@example(json.dumps(load_example()).encode().replace(b'"CHENMIN01"', b'"\\udc00"'))
def test_hostile_texts_agree(body: bytes) -> None:
    try:
        agrees("ShowDesktopDetailResponse", body)
    except NotJson:
        raise AssertionError("the observer judged a body the strict decoder refuses") from None


@pytest.mark.parametrize("body", [
    json.dumps(load_example()),
    '{"desktop": [{}]}',
    '{"desktop": {"desktop_id": null, "addresses": [], "task_status": "", "root_volume": {"type": null}}}',
    '{"desktop": {"addresses": {"a/b~": [{"version": null}]}, "data_volumes": [{"type": "SATA"}]}}',
])
def test_the_common_quirky_bodies_take_the_observer(body: str) -> None:
    """Without this the tests above could pass with an observer that refuses everything."""
    found = OBSERVERS["ShowDesktopDetailResponse"]
    assert found is not None and agrees("ShowDesktopDetailResponse", body.encode())
    assert found(body.encode()) != M.ShowDesktopDetailResponse.judge({"desktop": {}})  # it found something


@pytest.mark.parametrize("body", [
    json.dumps(load_example()),
    '{"desktop": [{"addresses": [], "task_status": "", "data_volumes": [{"type": "SATA"}]}]}',
    '{"desktop": {"addresses": {"a/b~": [{"version": "4"}]}, "root_volume": {"type": "SATA"}}}',
])
def test_systematic_quirks_take_the_narrow_structs(body: str) -> None:
    """The vendor page's kind of body (shapes and values known off the page, no null) takes the narrow path,
    and what it finds is what the judge finds; a null or a stray enum value makes the narrow structs refuse
    it, and the observed check still judges it as the judge does."""
    assert narrow_agrees("ShowDesktopDetailResponse", body.encode())
    found = narrow_judgement(M.ShowDesktopDetailResponse, body.encode())
    assert found is not None and found.deviations + found.off_page  # it found something
    for changed in [body.replace('"SATA"', "null"), body.replace('"SATA"', '"NVMe"')]:
        assert narrow_judgement(M.ShowDesktopDetailResponse, changed.encode()) is None
        assert agrees("ShowDesktopDetailResponse", changed.encode())


def test_the_observer_judges_alike_whichever_structs_it_tries_first() -> None:
    """After a long run of bodies the narrow structs refuse (the observed check then stops trying them for a
    while) and after a run they take, every body is judged as the judge judges it."""
    refused = json.dumps({"desktop": {"data_volumes": [{"type": "NVMe"}]}}).encode()
    taken = json.dumps(load_example()).encode()
    for body in [refused] * 200 + [taken] * 100 + [refused] * 10 + [taken] * 3:
        assert agrees("ShowDesktopDetailResponse", body)


def test_what_the_observer_leaves_to_the_judge() -> None:
    observe = OBSERVERS["ShowDesktopDetailResponse"]
    assert observe is not None
    for body in ['{"desktop": [{}, {}]}', '{"desktop": {"unheard_of": 1}}', '{"desktop": {"os_host_name": "h"}}',
                 '{"desktop": {"root_volume": {"size": "90"}}}', '{"desktop": {"is_attaching_eip": "yes"}}',
                 '{"desktop": [null]}', "null", "[]"]:
        assert observe(body.encode()) is None, body


def test_bodies_with_the_same_findings_share_one_judgement() -> None:
    """The observer judges each distinct set of findings once (a vendor's systematic quirks, line after line):
    bodies with the same findings at the same places get the one object; a finding at another place, of
    another value or of another kind is judged anew — and every time it is what the judge says."""
    observe = observer_for.__wrapped__(M.ShowDesktopDetailResponse)  # its own: narrow structs tried first
    assert observe is not None

    def judged(change: Any = None) -> Any:
        page = load_example()
        if change is not None:
            change(page["desktop"][0])
        body = json.dumps(page).encode()
        found = observe(body)
        assert found is not None and found == M.ShowDesktopDetailResponse.judge(loads(body, fast=None))
        return found

    page = judged()
    assert judged() is page
    assert judged(lambda d: d.update(computer_name="other")) is page  # what is not a finding is not in the key
    variants = [
        judged(lambda d: d["data_volumes"].insert(0, dict(d["data_volumes"][0], type="SAS"))),  # SATA moved on
        judged(lambda d: d.update(desktop_type="SHARED")),  # one more value, known off the page
        judged(lambda d: d.update(user_group="an unheard-of group")),  # a value a quirk tolerates, twice:
        judged(lambda d: d.update(user_group="another unheard-of group")),  # the message says which
        judged(lambda d: d.update(user_group=None)),  # a null there
    ]
    assert all(found is not page and found != page for found in variants)
    assert len({id(found) for found in variants}) == len({found for found in variants}) == len(variants)
    # the same quirk in another item of a list: the same walk, the same tolerance, only the pointer differs
    listing = observer_for.__wrapped__(M.ListDesktopsDetailResponse)
    assert listing is not None
    first = {"desktops": [{"addresses": []}, {}], "total_count": 2}
    second = {"desktops": [{}, {"addresses": []}], "total_count": 2}
    for data in (first, second, first):
        body = json.dumps(data).encode()
        found = listing(body)
        assert found and found is not True and found.deviations
        assert found == M.ListDesktopsDetailResponse.judge(data)
