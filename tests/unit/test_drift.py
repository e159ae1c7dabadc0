"""The drift between the shipped spec and the installed vendor SDK's models (``python -m generator.codegen.drift``).

The oracle is the SDK's own classes read here directly (``openapi_types``/``attribute_map``) and the spec's YAML
read with PyYAML: not the drift module's walk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import SPEC
from tests.helpers import ROOT

MODULE = "huaweicloudsdkworkspace.v2.model"
sdk = pytest.importorskip(MODULE)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.codegen.drift", MODULE, *args], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def wire_fields(model: str) -> set[str]:
    cls = getattr(sdk, model)
    return {cls.attribute_map.get(name, name) for name in cls.openapi_types}


def spec_data(path: Path = SPEC) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_nothing_the_sdk_declares_is_missing_from_the_shipped_spec() -> None:
    result = run("--format", "json")
    assert result.returncode == 0, result.stdout
    gaps = json.loads(result.stdout)
    assert [g for g in gaps if g["kind"] in ("missing", "type", "stale")] == []
    # Independently: the spec's DesktopDetailInfo and every model it references hold the SDK's fields.
    schemas = spec_data()["components"]["schemas"]
    assert len(wire_fields("DesktopDetailInfo")) == 50
    pairs = {"SecurityGroup": "SecurityGroupInfo"}  # the spec keeps the page's name
    for spec_name in ["DesktopDetailInfo", "SecurityGroup", "AttachInstancesUserInfo", "VolumeDetail", "ProductInfo",
                      "HourPackageInfo", "AddressInfo", "FlavorInfo", "Tag", "FlavorLinkInfo"]:
        sdk_name = pairs.get(spec_name, spec_name)
        assert wire_fields(sdk_name) <= set(schemas[spec_name]["properties"]), spec_name
    # What the page does not document is marked as known off the page, with the SDK as evidence.
    page = {"desktop_id", "computer_name", "addresses", "ip_addresses", "user_list", "user_group_list",
            "desktop_type", "metadata", "flavor", "status", "task_status", "created", "security_groups",
            "login_status", "user_name", "attach_user_infos", "product_id", "root_volume", "data_volumes",
            "user_group", "availability_zone", "site_type", "site_name", "product", "ou_name", "os_version", "sid",
            "order_id", "tags", "internet_mode", "is_attaching_eip", "attach_state", "enterprise_project_id"}
    props = schemas["DesktopDetailInfo"]["properties"]
    assert {w for w, p in props.items() if "x-deskkit-known" not in p} == page
    assert all(props[w]["x-deskkit-known"]["level"] == "sdk" for w in wire_fields("DesktopDetailInfo") - page)


def planted(tmp_path: Path, edit: Any) -> Path:
    data = spec_data()
    edit(data["components"]["schemas"])
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_a_field_the_spec_lacks_a_wrong_type_and_a_spec_only_property_are_listed_with_their_line(
        tmp_path: Path) -> None:
    def edit(schemas: dict[str, Any]) -> None:
        del schemas["DesktopDetailInfo"]["properties"]["in_maintenance_mode"]
        schemas["VolumeDetail"]["properties"]["iops"]["type"] = "string"
        schemas["Tag"]["properties"]["colour"] = {"type": "string"}

    path = planted(tmp_path, edit)
    result = run("--spec", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "drift: missing 1, type 1, stale 0, left-out 0, spec-only 1"
    text = path.read_text(encoding="utf-8").splitlines()
    for line in lines[:-1]:
        where, _ = line.split(": ", 1)
        number = int(where.rsplit(":", 1)[1])
        assert number > 0
        if "iops" in line:
            assert text[number - 1].strip() == "iops:"
        if "colour" in line:
            assert text[number - 1].strip() == "colour:"
    assert any("missing: DesktopDetailInfo: SDK DesktopDetailInfo.in_maintenance_mode (bool)" in x for x in lines)
    assert any("type: VolumeDetail: `iops`: spec string, SDK int" in x for x in lines)


def test_a_model_no_schema_maps_to_is_missing_and_a_declared_gap_is_not(tmp_path: Path) -> None:
    def edit(schemas: dict[str, Any]) -> None:
        schemas["HoursBundle"] = schemas.pop("HourPackageInfo")  # the SDK name no longer matches
        schemas["DesktopDetailInfo"]["properties"]["hour_package_info"]["$ref"] = "#/components/schemas/HoursBundle"
        del schemas["ProductInfo"]["properties"]["is_gpu"]
        schemas["ProductInfo"]["x-deskkit-sdk"] = {"left-out": [{"field": "is_gpu", "reason": "planted"},
                                                                {"field": "gone", "reason": "planted"}]}

    result = run("--spec", str(planted(tmp_path, edit)), "--format", "json")
    assert result.returncode == 1
    gaps = {(g["kind"], g["schema"], g["field"]) for g in json.loads(result.stdout)}
    assert ("missing", "HourPackageInfo", "") in gaps  # the SDK model DesktopDetailInfo.hour_package_info has
    assert ("type", "DesktopDetailInfo", "hour_package_info") in gaps  # HoursBundle is not mapped to it
    assert ("spec-only", "HoursBundle", "") in gaps
    assert ("left-out", "ProductInfo", "is_gpu") in gaps and ("stale", "ProductInfo", "gone") in gaps
    assert not any(kind == "missing" and field == "is_gpu" for kind, _, field in gaps)


def test_an_unimportable_module_is_one_clear_line() -> None:
    result = subprocess.run([sys.executable, "-m", "generator.codegen.drift", "no_such_sdk.models"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and result.stderr.startswith("drift: cannot import no_such_sdk.models")
    assert "Traceback" not in result.stderr
