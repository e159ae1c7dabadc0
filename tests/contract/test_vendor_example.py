"""The page's own example response, verbatim: where every other client trips."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import workspace_desktop as w
from workspace_desktop import (
    UNSET,
    ContractError,
    DesktopDetailInfo,
    ShowDesktopDetailResponse,
    TaskStatus,
    VolumeType,
)

QUIRK_POINTERS = [
    ("desktop-as-list", "/desktop"),
    ("addresses-as-list", "/desktop/0/addresses"),
]
# Values the page does not list but the spec knows from captures (the example itself among them): typed
# deviations with no quirk, refused in strict mode.
KNOWN_VALUES = [("/desktop/0/data_volumes/0/type", "captures"), ("/desktop/0/task_status", "captures")]


def test_strict_parsing_refuses_the_example_with_a_problem_at_each_quirk(example: dict[str, Any]) -> None:
    with pytest.raises(ContractError) as caught:
        ShowDesktopDetailResponse.from_dict(example)
    problems = caught.value.problems
    assert isinstance(caught.value, ValueError)
    assert "/desktop" in [p.pointer for p in problems]
    assert sorted((p.quirk, p.pointer) for p in problems if p.quirk) == sorted(QUIRK_POINTERS)
    assert sorted((p.pointer, p.known) for p in problems if not p.quirk) == KNOWN_VALUES
    assert all(p.rule.startswith("#/components/schemas/") for p in problems)


def test_tolerant_parsing_reads_through_every_quirk(example: dict[str, Any]) -> None:
    result = ShowDesktopDetailResponse.from_dict(example, tolerant=True)
    assert sorted((d.quirk, d.pointer) for d in result.deviations if d.quirk) == sorted(QUIRK_POINTERS)
    assert sorted((d.pointer, d.known) for d in result.deviations if not d.quirk) == KNOWN_VALUES
    desktop = result.desktop
    assert isinstance(desktop, DesktopDetailInfo)
    assert desktop.desktop_id == "21616aa6-061d-4b2f-bd83-b230d7a9a14c"
    assert desktop.computer_name == "CHENMIN01"
    assert [a.addr for a in desktop.address_list] == ["172.16.253.204", "10.0.9.55"]
    assert [a.os_ext_ips_mac_mac_addr for a in desktop.address_list] == ["fa:16:3e:2e:41:55", "fa:16:3e:d5:b3:02"]
    assert isinstance(desktop.data_volumes, list)
    data_disk = desktop.data_volumes[0]
    assert data_disk.type is VolumeType.SATA and data_disk.type == "SATA"
    assert data_disk.size == 10 and data_disk.volume_id == "230432f1-44a4-47a1-862e-cd0b65c04bd1"
    assert desktop.root_volume is not UNSET and desktop.root_volume.type is VolumeType.SAS  # type: ignore[union-attr]
    assert desktop.task_status is TaskStatus.IDLE and desktop.task_status == ""
    assert isinstance(desktop.metadata, w.DesktopMetadata)
    assert desktop.metadata.os_type is w.OsType.LINUX and desktop.metadata.os_bit == "64"
    assert desktop.metadata.metering_image_id == "39efed30-a0db-4520-8134-19a086e14c7e"
    assert desktop.metadata.to_dict() == example["desktop"][0]["metadata"]
    assert result.unknown_fields == ()


def test_tolerant_result_gives_back_exactly_the_input(example: dict[str, Any]) -> None:
    pristine = copy.deepcopy(example)
    result = ShowDesktopDetailResponse.from_dict(example, tolerant=True)
    assert result.to_dict() == pristine
    assert example == pristine, "parsing must not modify its input"
    assert ShowDesktopDetailResponse.from_json(result.to_json(), tolerant=True) == result


def test_documented_shape_parses_strictly_with_no_deviation(documented: dict[str, Any]) -> None:
    result = ShowDesktopDetailResponse.from_dict(documented)
    assert result.deviations == () and result.unknown_fields == ()
    assert isinstance(result.desktop, DesktopDetailInfo)
    assert result.desktop.task_status is TaskStatus.REBOOTING
    assert result.desktop.task_status == "rebooting"
    assert len(result.desktop.address_list) == 2
    assert result.to_dict() == documented


def test_vendor_example_as_json_text(example: dict[str, Any]) -> None:
    import json

    text = json.dumps(example)
    assert ShowDesktopDetailResponse.from_json(text, tolerant=True).to_dict() == example
    assert ShowDesktopDetailResponse.from_json(text.encode(), tolerant=True).to_dict() == example
