"""Editing the spec is all it takes: a new property, enum value and nested object reach the bindings."""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

from tests.conftest import SPEC, documented_example
from tests.helpers import deskkit, import_fresh


def edited_spec(tmp_path: Path) -> Path:
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    schemas["VolumeDetail"]["properties"]["type"]["enum"].append("ESSD")
    schemas["VolumeDetail"]["properties"]["type"]["x-enum-descriptions"].append("Extreme SSD")
    schemas["DesktopDetailInfo"]["properties"]["hibernation"] = {"$ref": "#/components/schemas/Hibernation",
                                                                "description": "Hibernation settings."}
    schemas["Hibernation"] = {
        "type": "object",
        "description": "When the desktop sleeps.",
        "required": ["enabled"],
        "properties": {
            "enabled": {"type": "boolean", "description": "Whether hibernation is on."},
            "idle_minutes": {"type": "integer", "minimum": 5, "maximum": 600},
            "mode": {"type": "string", "enum": ["s3", "s4"]},
            "fallback": {"$ref": "#/components/schemas/Hibernation"},
        },
    }
    schemas["DesktopDetailInfo"]["properties"]["gpu_count"] = {"type": "integer", "description": "GPUs."}
    path = tmp_path / "edited.openapi.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_spec_edits_flow_into_the_bindings(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = deskkit("generate", "--spec", str(edited_spec(tmp_path)), "--out", str(out))
    assert result.returncode == 0, result.stderr
    bindings = import_fresh(out, "workspace_desktop")
    payload = documented_example()
    desktop = payload["desktop"]
    desktop["data_volumes"][0]["type"] = "ESSD"
    desktop["hibernation"] = {"enabled": True, "idle_minutes": 30, "mode": "s4"}
    desktop["gpu_count"] = 2
    parsed = bindings.ShowDesktopDetailResponse.from_dict(payload)
    assert parsed.unknown_fields == ()
    assert parsed.desktop.data_volumes[0].type is bindings.VolumeType.ESSD
    assert isinstance(parsed.desktop.hibernation, bindings.Hibernation)
    assert parsed.desktop.hibernation.mode is bindings.HibernationMode.S4
    assert parsed.desktop.gpu_count == 2
    assert parsed.to_dict() == payload
    desktop["hibernation"] = {"idle_minutes": 1}
    with pytest.raises(bindings.ContractError) as caught:
        bindings.ShowDesktopDetailResponse.from_dict(payload)
    assert [(p.pointer, p.message) for p in caught.value.problems] == [
        ("/desktop/hibernation/enabled", "required property is missing"),
        ("/desktop/hibernation/idle_minutes", "expected at least 5, found 1"),
    ]
    drawn: list[Any] = []

    @settings(max_examples=30, database=None)
    @given(import_fresh(out, "workspace_desktop.strategies").hibernation_payloads())
    def recursive_strategy_draws(payload: dict[str, Any]) -> None:
        drawn.append(payload)

    recursive_strategy_draws()
    assert any("fallback" in p for p in drawn)
    deep: dict[str, Any] = {"enabled": True}
    for _ in range(100_000):
        deep = {"enabled": True, "fallback": deep}
    with pytest.raises(bindings.ContractError, match="nested too deeply"):
        bindings.Hibernation.from_dict(deep)
    middling: dict[str, Any] = {"enabled": True}
    for _ in range(200):
        middling = {"enabled": True, "fallback": middling}
    parsed_deep = bindings.Hibernation.from_dict(middling)
    assert parsed_deep.to_dict() == middling
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)  # too few frames to write 200 levels back (two a level)
    try:
        with pytest.raises(bindings.ContractError, match="nested too deeply to write"):
            parsed_deep.to_dict()
    finally:
        sys.setrecursionlimit(limit)
    schema = json.loads((out / "workspace_desktop" / "schemas" / "documented.schema.json").read_text())
    assert schema["$defs"]["Hibernation"]["required"] == ["enabled"]
    assert "ESSD" in schema["$defs"]["VolumeDetail"]["properties"]["type"]["enum"]
