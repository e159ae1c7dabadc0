"""Fields the vendor's SDK declares but the page does not (x-deskkit-known, level sdk), on the shipped spec:
typed, round-tripped exactly, reported by `deskkit validate` under their own kind, and never refused.

Oracles: the vendor SDK's own classes say which fields exist and their Python types (the bodies are built from
``openapi_types``); jsonschema on the generated documented/observed schemas says what the page allows and what
is typed; pointers are checked with the ``jsonpointer`` library."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import jsonpointer
import pytest
from jsonschema import Draft202012Validator

import workspace_desktop as w
from tests.conftest import documented_example, load_example
from tests.helpers import ROOT, deskkit

sdk = pytest.importorskip("huaweicloudsdkworkspace.v2.model")
SCHEMAS = ROOT / "generated" / "workspace_desktop" / "schemas"
FORMATS = Draft202012Validator.FORMAT_CHECKER
# The spec's name for an SDK model where the page named it otherwise.
SPEC_NAME = {"SecurityGroupInfo": "SecurityGroup"}
# Strings the spec types as an enumeration (from the SDK's docstrings): a value that enumeration has.
ENUM_VALUES = {"use_up_policy": "PAY_PER_USE", "package_type": "general", "status": "normal", "type": "GROUP"}


@cache
def schema(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return data


def validator(kind: str, model: str = "ShowDesktopDetailResponse") -> Draft202012Validator:
    return Draft202012Validator({**schema(kind), "$ref": f"#/$defs/{model}"}, format_checker=FORMATS)


def sample(sdk_type: str, wire: str) -> Any:
    """A value of the SDK type (a model becomes a body of all its fields)."""
    if sdk_type == "bool":
        return True
    if sdk_type == "int":
        return 3
    if sdk_type == "str":
        return ENUM_VALUES.get(wire, f"{wire}-1")
    if sdk_type.startswith("list["):
        return [sample(sdk_type[5:-1], wire)] if sdk_type != "list[str]" else ["NAT", "EIP"]
    return sdk_body(sdk_type)


def sdk_body(model: str) -> dict[str, Any]:
    cls = getattr(sdk, model)
    return {cls.attribute_map.get(py, py): sample(t, cls.attribute_map.get(py, py))
            for py, t in cls.openapi_types.items() if not t.startswith(("dict(", "list[AddressInfo"))}


def off_page_keys(model: str) -> set[str]:
    """Keys the SDK declares that the page (the documented schema) does not name."""
    cls = getattr(sdk, model)
    documented = schema("documented")["$defs"][SPEC_NAME.get(model, model)]["properties"]
    return {cls.attribute_map.get(py, py) for py in cls.openapi_types} - set(documented)


def with_sdk_fields() -> dict[str, Any]:
    """The documented example plus every field the SDK declares and the page does not, nested ones too."""
    body = documented_example()
    desktop = body["desktop"]
    full = sdk_body("DesktopDetailInfo")
    for key in off_page_keys("DesktopDetailInfo"):
        desktop[key] = full[key]
    for key in off_page_keys("ProductInfo"):
        desktop["product"][key] = full["product"][key]
    for volume in (desktop["root_volume"], desktop["data_volumes"][0]):
        volume.update({k: full["root_volume"][k] for k in off_page_keys("VolumeDetail")})
    desktop["security_groups"] = [{"id": "sg-1", "name": "default"}]
    desktop["attach_user_infos"] = [{"user_id": "u1", "user_name": "alice", "user_group": "users", "type": "GROUP",
                                     "domain": "example.local"}]
    return body


def model_of(prop: dict[str, Any]) -> str | None:
    """The $ref of a documented property: itself, its items, or its first (documented) anyOf branch."""
    while "anyOf" in prop:
        prop = prop["anyOf"][0]
    ref = prop.get("$ref") or prop.get("items", {}).get("$ref")
    return str(ref) if ref else None


def expected_off_page(body: dict[str, Any]) -> list[str]:
    """Pointers of every key the observed schema marks x-deskkit-known, found by walking the body."""
    defs = schema("observed")["$defs"]
    out: list[str] = []

    def walk(value: Any, model: str, pointer: str) -> None:
        props = defs[model]["properties"]
        for key, item in value.items():
            where = f"{pointer}/{jsonpointer.escape(key)}"
            if "x-deskkit-known" in props.get(key, {}):
                out.append(where)
                continue
            ref = model_of(props.get(key, {}))
            if ref:
                items = item if isinstance(item, list) else [item]
                for index, inner in enumerate(items):
                    walk(inner, ref.rsplit("/", 1)[1], f"{where}/{index}" if isinstance(item, list) else where)

    walk(body, "ShowDesktopDetailResponse", "")
    return sorted(out)


def test_every_sdk_field_is_in_the_observed_contract_typed_and_none_in_the_documented_one() -> None:
    body = with_sdk_fields()
    pointers = expected_off_page(body)
    assert len(pointers) == 17 + 10 + 6 + 6 + 1 + 2  # desktop, product, two volumes, a group, a user
    for pointer in pointers:
        key = pointer.rsplit("/", 1)[1]
        parent = jsonpointer.resolve_pointer(body, pointer.rsplit("/", 1)[0])
        assert key in parent
    assert validator("documented").is_valid(body)  # the page lets other fields hold anything
    # Typed: each value meets the first branch of its property (the typed schema), not only "anything".
    defs = schema("observed")["$defs"]
    desktop = body["desktop"]
    for key in off_page_keys("DesktopDetailInfo"):
        typed = {**defs["DesktopDetailInfo"]["properties"][key]["anyOf"][0], "$defs": defs}
        assert Draft202012Validator(typed).is_valid(desktop[key]), key


@pytest.mark.parametrize("tolerant", [False, True])
def test_sdk_declared_fields_round_trip_exactly_and_are_typed(tolerant: bool) -> None:
    body = with_sdk_fields()
    pristine = copy.deepcopy(body)
    parsed = w.ShowDesktopDetailResponse.from_dict(body, tolerant=tolerant)
    assert parsed.to_dict() == pristine and body == pristine
    assert parsed.deviations == () and parsed.unknown_fields == ()
    assert sorted(f.pointer for f in parsed.off_page) == expected_off_page(pristine)
    assert {f.known for f in parsed.off_page} == {"sdk"} and all(f.quirk is None for f in parsed.off_page)
    desktop = parsed.desktop
    assert desktop.in_maintenance_mode is True and desktop.process == 3 and desktop.internet_mode_list == ["NAT", "EIP"]
    assert isinstance(desktop.hour_package_info, w.HourPackageInfo)
    assert desktop.hour_package_info.use_up_policy is w.UseUpPolicy.PAY_PER_USE
    assert desktop.hour_package_info.package_duration == 3
    assert desktop.product.package_type is w.PackageType.GENERAL  # type: ignore[union-attr]
    assert desktop.security_groups[0].name == "default"  # type: ignore[index]
    assert desktop.attach_user_infos[0].type is w.AssigneeType.GROUP  # type: ignore[index]
    assert w.ShowDesktopDetailResponse.from_json(parsed.to_json(), tolerant=tolerant) == parsed


def test_the_page_example_round_trips_with_its_known_values_typed() -> None:
    example = load_example()
    parsed = w.ShowDesktopDetailResponse.from_dict(copy.deepcopy(example), tolerant=True)
    assert parsed.to_dict() == example
    desktop = parsed.desktop
    assert desktop.task_status is w.TaskStatus.IDLE  # type: ignore[attr-defined]
    assert desktop.data_volumes[0].type is w.VolumeType.SATA  # type: ignore[attr-defined,index]


def variants() -> list[tuple[str, dict[str, Any]]]:
    """Bodies and what each departs from: SDK fields alone, one of the wrong type, a value known off the page,
    a field nobody knows, and a value the page forbids."""
    out = [("sdk fields", with_sdk_fields())]
    wrong = with_sdk_fields()
    wrong["desktop"]["in_maintenance_mode"] = "yes"
    out.append(("known field, unlike the SDK", wrong))
    pooled = with_sdk_fields()
    pooled["desktop"]["desktop_type"] = "POOLED"
    out.append(("value known off the page", pooled))
    unknown = with_sdk_fields()
    unknown["desktop"]["brand_new"] = 1
    out.append(("unknown field", unknown))
    bad = with_sdk_fields()
    bad["desktop"]["root_volume"]["size"] = "90"
    out.append(("page violation", bad))
    return out


def test_strict_parsing_refuses_what_the_page_forbids_and_nothing_more() -> None:
    for name, body in variants():
        documented = validator("documented").is_valid(body)
        try:
            w.ShowDesktopDetailResponse.from_dict(body)
            parsed = True
        except w.ContractError:
            parsed = False
        assert parsed == documented, name
        observed = validator("observed").is_valid(body)
        assert w.ShowDesktopDetailResponse.judge(body).verdict == (
            "conformant" if documented else "tolerated" if observed else "violation"), name


def test_deskkit_validate_reports_sdk_fields_under_their_own_kind(tmp_path: Path) -> None:
    bodies = variants()
    path = tmp_path / "captures.jsonl"
    path.write_text("".join(json.dumps(body, ensure_ascii=False) + "\n" for _, body in bodies), encoding="utf-8")
    result = deskkit("validate", "--format", "json", str(path))
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert result.returncode == 1  # the page violation
    results = report["results"]
    for (name, body), got in zip(bodies, results, strict=True):
        documented, observed = validator("documented").is_valid(body), validator("observed").is_valid(body)
        assert got["verdict"] == ("conformant" if documented else "tolerated" if observed else "violation"), name
    expected = expected_off_page(bodies[0][1])
    sdk_fields = results[0]
    assert sorted(p["pointer"] for p in sdk_fields["off_page"]) == expected
    assert sdk_fields["undocumented_fields"] == [] and sdk_fields["problems"] == []
    assert all(p["known"] == "sdk" and not p["refused_in_strict"] for p in sdk_fields["off_page"])
    assert all(p["rule"].endswith("/x-deskkit-known") for p in sdk_fields["off_page"])
    # A known field holding something else: kept untyped, counted off the page and as undocumented.
    (odd,) = [p for p in results[1]["off_page"] if p["pointer"] == "/desktop/in_maintenance_mode"]
    assert "not as known" in odd["message"] and results[1]["undocumented_fields"] == ["/desktop/in_maintenance_mode"]
    (pooled,) = [p for p in results[2]["off_page"] if p["pointer"] == "/desktop/desktop_type"]
    assert pooled["known"] == "sdk" and pooled["refused_in_strict"] and pooled["quirk"] is None
    assert results[3]["undocumented_fields"] == ["/desktop/brand_new"]
    summary = report["summary"]
    assert summary["undocumented_fields"] == {"/desktop/brand_new": 1, "/desktop/in_maintenance_mode": 1}
    counts = summary["off_page"]["sdk"]
    assert counts["/desktop/in_maintenance_mode"] == len(bodies)
    assert counts["/desktop/desktop_type"] == 1
    assert sum(counts.values()) == len(expected) * len(bodies) + 1
    assert "undocumented-enum-value" not in summary["quirks"]

    text = deskkit("validate", str(path)).stdout
    assert text.splitlines()[-1].endswith(f"; off the page: sdk x{sum(counts.values())}")
    assert "/desktop/desktop_type: " in text and "(known: sdk; refused in strict mode)" in text
    assert "/desktop/in_maintenance_mode: undocumented field" in text

    strict = deskkit("validate", "--strict", "--format", "junit", str(path))
    assert strict.returncode == 1
    cases = ET.fromstring(strict.stdout).iter("testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    assert len(failed) == 2  # the value known off the page, and the page violation
    assert "/desktop/desktop_type" in (failed[0].find("failure").text or "")  # type: ignore[union-attr]
    assert "(known: sdk; refused in strict mode)" in (failed[0].find("failure").text or "")  # type: ignore[union-attr]


def test_the_library_call_carries_the_same_off_page_records_and_counts() -> None:
    from generator.contract import judge_lines, summarize

    body = with_sdk_fields()
    results = judge_lines([json.dumps(body), json.dumps(load_example())], source="gateway.jsonl")
    assert sorted(p["pointer"] for p in results[0]["off_page"]) == expected_off_page(body)
    assert [(p["pointer"], p["known"]) for p in results[1]["off_page"]] == [
        ("/desktop/0/data_volumes/0/type", "captures"), ("/desktop/0/task_status", "captures")]
    whole = summarize(results).as_dict()["off_page"]
    assert sum(whole["sdk"].values()) == len(expected_off_page(body)) and sum(whole["captures"].values()) == 2
    merged = summarize(results[:1]).merge(summarize(results[1:])).as_dict()["off_page"]
    assert merged == whole
