"""The drift between the shipped spec and the installed vendor SDK's models (``python -m generator.codegen.drift``).

The oracle is the SDK's own classes read here directly (``openapi_types``/``attribute_map``) and the spec's YAML
read with PyYAML: not the drift module's walk."""

from __future__ import annotations

import importlib
import json
import os
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


def run_module(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.codegen.drift", module, *args], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
                          env={**os.environ, "DESKKIT_NO_CACHE": "1"})


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("drift: "), result.stderr
    return result.stderr


def test_an_object_schema_without_properties_is_compared_and_lacks_every_sdk_field(tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    ping = (ROOT / "tests" / "data" / "specs" / "ping.yaml").read_text(encoding="utf-8")
    path.write_text(ping + "components:\n  schemas:\n    Tag: {type: object}\n", encoding="utf-8")
    result = run("--spec", str(path), "--format", "json")
    assert result.returncode == 1, result.stderr
    gaps = json.loads(result.stdout)
    assert {(g["kind"], g["schema"], g["field"]) for g in gaps} == {("missing", "Tag", w) for w in wire_fields("Tag")}
    tag_line = 1 + path.read_text(encoding="utf-8").splitlines().index("    Tag: {type: object}")
    assert {g["line"] for g in gaps} == {tag_line}


@pytest.mark.parametrize("module", ["huaweicloudsdkworkspace", "os", "json"])
def test_a_module_without_sdk_models_is_an_error_not_a_clean_run(module: str) -> None:
    assert importlib.import_module(module) is not None  # it imports: the error is about what it holds
    assert f"no SDK models found in {module}" in one_line_error(run_module(module))


@pytest.mark.parametrize("module", ["", ".foo", "a..b", "os.", "x y"])
def test_a_malformed_module_name_is_one_line(module: str) -> None:
    assert f"expected a module name like vendorsdk.v2.model, got {module!r}" in one_line_error(run_module(module))


def test_a_declared_model_the_sdk_lacks_is_stale_with_its_line_and_pointer(tmp_path: Path) -> None:
    def edit(schemas: dict[str, Any]) -> None:
        schemas["Tag"]["x-deskkit-sdk"] = {"model": "NoSuch"}

    path = planted(tmp_path, edit)
    result = run("--spec", str(path))
    assert result.returncode == 1, result.stderr
    lines = path.read_text(encoding="utf-8").splitlines()
    model_line = 1 + next(i for i, text in enumerate(lines) if text.strip() == "model: NoSuch")
    expected = (f"{path}:{model_line}: stale: Tag: at /components/schemas/Tag/x-deskkit-sdk/model: "
                f"x-deskkit-sdk names SDK model NoSuch, which {MODULE} does not have")
    assert expected in result.stdout.splitlines()
    assert "exit status: 0 no drift; 1" in run("--help").stdout


@pytest.mark.parametrize(("declared", "pointer", "expected"), [
    (5, "/components/schemas/Tag/x-deskkit-sdk", "5 is not of type 'object'"),
    ({"left-out": [{"field": "key"}]}, "/components/schemas/Tag/x-deskkit-sdk/left-out/0",
     "'reason' is a required property"),
    ({"left-out": ["key"]}, "/components/schemas/Tag/x-deskkit-sdk/left-out/0", "'key' is not of type 'object'"),
    ({"model": None}, "/components/schemas/Tag/x-deskkit-sdk", "'reason' is a required property"),
])
def test_a_malformed_sdk_annotation_is_refused_by_drift_and_by_generate(tmp_path: Path, declared: Any, pointer: str,
                                                                         expected: str) -> None:
    def edit(schemas: dict[str, Any]) -> None:
        schemas["Tag"]["x-deskkit-sdk"] = declared

    path = planted(tmp_path, edit)
    # the line of the annotation (or of its first left-out entry), counted in the file's own text
    lines = path.read_text(encoding="utf-8").splitlines()
    tag = lines.index("    Tag:")
    at = next(i for i in range(tag, len(lines)) if lines[i].strip().startswith("x-deskkit-sdk:"))
    if pointer.endswith("/0"):
        at = next(i for i in range(at, len(lines)) if lines[i].strip().startswith("- "))
    message = f"{path}:{at + 1}: at {pointer}: {expected}"
    assert one_line_error(run("--spec", str(path))) == f"drift: {message}\n"
    generate = subprocess.run([sys.executable, "-m", "generator.cli", "generate", "--spec", str(path), "--out",
                               str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              check=False, env={**os.environ, "DESKKIT_NO_CACHE": "1"})
    assert generate.returncode == 2 and generate.stderr == f"deskkit: {message}\n"
