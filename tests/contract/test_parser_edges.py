"""What real payloads do that the tables never mention: nulls, new fields, wrong shapes, deep nesting."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from workspace_desktop import (
    QUIRKS,
    UNSET,
    AddressInfo,
    ContractError,
    DesktopDetailInfo,
    ErrorResponse,
    ShowDesktopDetailResponse,
    Tag,
    VolumeDetail,
)


def problems(data: Any, *, tolerant: bool = False, model: Any = ShowDesktopDetailResponse) -> list[tuple[str, str]]:
    with pytest.raises(ContractError) as caught:
        model.from_dict(data, tolerant=tolerant)
    return [(p.pointer, p.message) for p in caught.value.problems]


def test_every_declared_quirk_is_exported() -> None:
    assert set(QUIRKS) == {"desktop-as-list", "addresses-as-list", "undocumented-enum-value", "null-value"}


@pytest.mark.parametrize(
    "data",
    [[], [1, 2], "desktop", 3, 2.5, True, None, {"desktop": "x"}, {"desktop": 1}, {"desktop": []},
     {"desktop": [{}, {}]}, {"desktop": [[{}]]}, {"desktop": {"root_volume": []}},
     {"desktop": {"addresses": "x"}}, {"desktop": {"addresses": {"n": {}}}}, {"desktop": {"tags": [None]}},
     {"desktop": {"metadata": {"a": 1}}}, {1: 2}, {"desktop": {"addresses": {1: []}, "flavor": {"links": {}}}}],
)
def test_anything_misshapen_is_a_contract_error_in_both_modes(data: Any) -> None:
    for tolerant in (False, True):
        found = problems(data, tolerant=tolerant)
        assert found, data


def test_problem_pointers_and_messages_are_exact() -> None:
    found = problems({"desktop": {"root_volume": {"size": "90", "type": 4}, "tags": [{"key": "a=b"}],
                                  "created": "yesterday", "is_attaching_eip": "no"}})
    assert found == [
        ("/desktop/created", 'expected a date-time string, found "yesterday"'),
        ("/desktop/is_attaching_eip", "expected boolean, found string"),
        ("/desktop/root_volume/size", "expected integer, found string"),
        ("/desktop/root_volume/type", "expected string, found integer"),
        ("/desktop/tags/0/key", 'expected a string matching ^[^=*<>,|/]*$(?!\\n), found "a=b"'),
    ]


def test_missing_required_desktop() -> None:
    assert problems({}) == [("/desktop", "required property is missing")]
    assert problems({"error_code": "x"}, model=ErrorResponse) == [("/error_msg", "required property is missing")]


def test_deep_nesting_never_overflows() -> None:
    deep: Any = "leaf"
    for _ in range(100_000):
        deep = [deep]
    for data in (deep, {"desktop": deep}, {"desktop": {"addresses": {"n": deep}}}):
        assert problems(data)
    # Deep unknown fields are kept as they are: no recursion over data the spec does not describe.
    kept = ShowDesktopDetailResponse.from_dict({"desktop": {"x-deep": deep}})
    assert kept.unknown_fields == ("/desktop/x-deep",)
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ContractError) as caught:
        ShowDesktopDetailResponse.from_json(text)
    assert caught.value.problems[0].pointer == ""


def test_undecodable_text_says_where() -> None:
    with pytest.raises(ContractError, match=r"not JSON: Expecting value at line 2 column 11"):
        ShowDesktopDetailResponse.from_json('{"desktop":\n  {"sid": }}')
    with pytest.raises(ContractError, match="not UTF-8"):
        ShowDesktopDetailResponse.from_json(b'{"desktop": "\xff"}')


def test_null_is_kept_apart_from_absent(documented: dict[str, Any]) -> None:
    documented["desktop"]["order_id"] = None
    documented["desktop"]["root_volume"] = None
    documented["desktop"].pop("sid")
    assert [p for p, _ in problems(documented)] == ["/desktop/order_id", "/desktop/root_volume"]
    result = ShowDesktopDetailResponse.from_dict(documented, tolerant=True)
    assert [(d.quirk, d.pointer) for d in result.deviations] == [
        ("null-value", "/desktop/order_id"), ("null-value", "/desktop/root_volume")]
    desktop = result.desktop
    assert isinstance(desktop, DesktopDetailInfo)
    assert desktop.order_id is None and desktop.sid is UNSET
    out = result.to_dict()
    assert out == documented and "sid" not in out["desktop"] and out["desktop"]["order_id"] is None


def test_null_inside_arrays_is_never_tolerated(documented: dict[str, Any]) -> None:
    documented["desktop"]["data_volumes"].append(None)
    assert [p for p, _ in problems(documented, tolerant=True)] == ["/desktop/data_volumes/1"]


def test_unknown_fields_are_kept_listed_and_written_back(documented: dict[str, Any]) -> None:
    documented["request_id"] = "r-1"
    documented["desktop"]["flavor"]["links"] = [{"rel": "self", "href": "https://x/"}]
    documented["desktop"]["root_volume"]["iops"] = {"max": 3000}
    snapshot = copy.deepcopy(documented)
    result = ShowDesktopDetailResponse.from_dict(documented)
    assert result.unknown_fields == ("/desktop/flavor/links/0/href", "/desktop/root_volume/iops", "/request_id")
    assert result.to_dict() == snapshot


def test_enum_fields_equal_their_wire_strings_known_or_not(documented: dict[str, Any]) -> None:
    documented["desktop"]["login_status"] = "HIBERNATING"
    result = ShowDesktopDetailResponse.from_dict(documented, tolerant=True)
    desktop = result.desktop
    assert isinstance(desktop, DesktopDetailInfo)
    assert desktop.login_status == "HIBERNATING"
    assert desktop.task_status == "rebooting"
    assert [(d.quirk, d.pointer) for d in result.deviations] == [("undocumented-enum-value", "/desktop/login_status")]
    assert type(result.to_dict()["desktop"]["task_status"]) is str
    assert json.loads(result.to_json())["desktop"]["login_status"] == "HIBERNATING"


def test_integer_accepts_integral_floats_like_json_schema() -> None:
    volume = VolumeDetail.from_dict({"size": 10.0})
    assert volume.size == 10 and volume.to_dict() == {"size": 10.0}
    assert problems({"size": 10.5}, model=VolumeDetail) == [("/size", "expected integer, found number")]
    assert problems({"size": True}, model=VolumeDetail) == [("/size", "expected integer, found boolean")]


def test_prose_rules_are_checked() -> None:
    assert Tag.from_dict({"key": "env", "value": ""}).key == "env"
    assert [p for p, _ in problems({"key": "", "value": "x" * 44}, model=Tag)] == ["/key", "/value"]
    assert [p for p, _ in problems({"key": "k" * 129}, model=Tag)] == ["/key"]
    from workspace_desktop import AttachInstancesUserInfo as User

    assert User.from_dict({"user_name": "chen-min_01"}).user_name == "chen-min_01"
    for bad in ("", "_lead", "a" * 21, "chen min", "chen\n", "名字"):
        assert [p for p, _ in problems({"user_name": bad}, model=User)] == ["/user_name"], bad


@pytest.mark.parametrize("stamp", ["2022-01-21T06:57:47.459Z", "2022-03-28T00:00:00Z", "2022-03-28t00:00:00+08:00",
                                   "2024-02-29T23:59:59.123456-05:30"])
def test_date_times_accepted(stamp: str) -> None:
    assert VolumeDetail.from_dict({"create_time": stamp}).create_time == stamp


@pytest.mark.parametrize("stamp", ["2022-01-21", "2022-13-01T00:00:00Z", "2022-01-21 06:57:47Z",
                                   "2022-01-21T06:57:47", "2022-01-21T24:00:00Z",
                                   "\uff12\uff10\uff12\uff12-01-21T06:57:47Z",
                                   "2022-01-21T06:57:47Z\n",
                                   # the calendar has no such day; JSON Schema's format checkers know no leap second
                                   "2022-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2016-12-31T23:59:60Z"])
def test_date_times_refused(stamp: str) -> None:
    assert problems({"create_time": stamp}, model=VolumeDetail)[0][0] == "/create_time"


def test_every_problem_is_collected_not_just_the_first() -> None:
    data = {"desktop": {"desktop_id": 1, "computer_name": 2, "root_volume": {"size": "x"}, "tags": [1, 2, 3]}}
    assert len(problems(data)) == 6


def test_addresses_flatten_whichever_shape(documented: dict[str, Any]) -> None:
    addresses = documented["desktop"]["addresses"]
    documented["desktop"]["addresses"] = {"a": addresses[next(iter(addresses))][:1],
                                          "b": addresses[next(iter(addresses))][1:]}
    desktop = DesktopDetailInfo.from_dict(documented["desktop"])
    assert [a.addr for a in desktop.address_list] == ["172.16.253.204", "10.0.9.55"]
    assert DesktopDetailInfo().address_list == []
    assert isinstance(desktop.address_list[0], AddressInfo)


def test_models_are_plain_slotted_dataclasses() -> None:
    volume = VolumeDetail(type="SAS", size=1)
    assert not hasattr(volume, "__dict__")
    assert volume.to_dict() == {"type": "SAS", "size": 1}
    assert VolumeDetail.from_dict(volume.to_dict()) == VolumeDetail.from_dict({"type": "SAS", "size": 1})
    assert "UNSET" in repr(VolumeDetail())


def test_metadata_keys_beyond_the_documented_ones_are_typed_not_unknown(documented: dict[str, Any]) -> None:
    metadata = documented["desktop"]["metadata"]
    metadata["custom.key"] = "v"
    result = ShowDesktopDetailResponse.from_dict(documented)
    assert result.unknown_fields == () and result.to_dict() == documented
    metadata["custom.key"] = 1
    metadata["os_bit"] = "128"
    assert problems(documented) == [("/desktop/metadata/custom.key", "expected string, found integer"),
                                     ("/desktop/metadata/os_bit", 'expected one of [\'32\', \'64\'], found "128" '
                                      "(quirk undocumented-enum-value, refused in strict mode)")]
    tolerant = problems(documented, tolerant=True)
    assert tolerant == [("/desktop/metadata/custom.key", "expected string, found integer")]
