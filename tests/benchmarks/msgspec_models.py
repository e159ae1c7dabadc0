"""The documented contract written by hand as msgspec Structs: a reference point for the parse benchmark.

The same rules as ``pydantic_models`` (enums, tag and user-name rules, the date-time pattern) with two
differences msgspec imposes: unknown fields are ignored rather than kept, and ``metadata``'s other keys are
not checked to be strings. ``msgspec.convert`` validates decoded data; ``msgspec.json.decode`` decodes and
validates bytes in one pass.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct, field

from tests.benchmarks.pydantic_models import DATE_TIME

UserGroup = Literal["sudo", "default", "administrators", "users"]
DateTime = Annotated[str, Meta(pattern=DATE_TIME)]
UserName = Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
TagKey = Annotated[str, Meta(min_length=1, max_length=128, pattern=r"^[^=*<>,|/]*$")]
TagValue = Annotated[str, Meta(max_length=43, pattern=r"^[^=*<>,|/]*$")]


class AddressInfo(Struct, kw_only=True):
    addr: str | None = None
    version: Literal["4", "6"] | None = None
    mac_addr: str | None = field(default=None, name="OS-EXT-IPS-MAC:mac_addr")
    ip_type: Literal["fixed", "floating"] | None = field(default=None, name="OS-EXT-IPS:type")


class FlavorLinkInfo(Struct, kw_only=True):
    rel: str | None = None
    hrel: str | None = None


class FlavorInfo(Struct, kw_only=True):
    id: str | None = None
    links: list[FlavorLinkInfo] | None = None


class SecurityGroup(Struct, kw_only=True):
    id: str | None = None


class AttachInstancesUserInfo(Struct, kw_only=True):
    user_id: str | None = None
    user_name: UserName | None = None
    user_group: UserGroup | None = None


class VolumeDetail(Struct, kw_only=True):
    type: Literal["SAS", "SSD"] | None = None
    size: int | None = None
    device: str | None = None
    id: str | None = None
    volume_id: str | None = None
    create_time: DateTime | None = None
    display_name: str | None = None


class ProductInfo(Struct, kw_only=True):
    product_id: str | None = None
    flavor_id: str | None = None
    type: Literal["BASE"] | None = None
    cpu: str | None = None
    memory: str | None = None
    descriptions: str | None = None
    charge_mode: Literal["0", "1"] | None = None


class Tag(Struct, kw_only=True):
    key: TagKey | None = None
    value: TagValue | None = None


class DesktopMetadata(Struct, kw_only=True):
    charging_mode: Literal["1", "0"] | None = None
    image_name: str | None = None
    metering_image_id: str | None = field(default=None, name="metering.image_id")
    metering_resourcespeccode: str | None = field(default=None, name="metering.resourcespeccode")
    metering_resourcetype: str | None = field(default=None, name="metering.resourcetype")
    os_bit: Literal["32", "64"] | None = None
    os_type: Literal["Linux", "Windows", "Others"] | None = None
    desktop_os_version: str | None = None


TaskStatus = Literal[
    "scheduling", "block_device_mapping", "networking", "spawning", "rebooting", "reboot_pending",
    "reboot_started", "rebooting_hard", "reboot_pending_hard", "reboot_started_hard", "rebuilding",
    "rebuild_block_device_mapping", "rebuild_spawning", "migrating", "resize_prep", "resize_migrating",
    "resize_migrated", "resize_finish", "resize_reverting", "powering-off", "powering-on", "deleting",
    "deleteFailed",
]


class DesktopDetailInfo(Struct, kw_only=True):
    desktop_id: str | None = None
    computer_name: str | None = None
    addresses: dict[str, list[AddressInfo]] | None = None
    ip_addresses: list[str] | None = None
    user_list: list[str] | None = None
    user_group_list: list[str] | None = None
    desktop_type: Literal["DEDICATED"] | None = None
    metadata: DesktopMetadata | None = None
    flavor: FlavorInfo | None = None
    status: str | None = None
    task_status: TaskStatus | None = None
    created: DateTime | None = None
    security_groups: list[SecurityGroup] | None = None
    login_status: Literal["UNREGISTER", "REGISTERED", "CONNECTED", "DISCONNECTED"] | None = None
    user_name: str | None = None
    attach_user_infos: list[AttachInstancesUserInfo] | None = None
    product_id: str | None = None
    root_volume: VolumeDetail | None = None
    data_volumes: list[VolumeDetail] | None = None
    user_group: UserGroup | None = None
    availability_zone: str | None = None
    site_type: str | None = None
    site_name: str | None = None
    product: ProductInfo | None = None
    ou_name: str | None = None
    os_version: str | None = None
    sid: str | None = None
    order_id: str | None = None
    tags: list[Tag] | None = None
    internet_mode: Literal["NAT", "EIP", "BOTH"] | None = None
    is_attaching_eip: bool | None = None
    attach_state: Literal[
        "ATTACHED", "UNATTACH", "DEATTACHED", "ATTACHING", "DEATTACHING", "ATTACHFAIL", "DEATTACHFAIL",
        "WAITING", "ATTACH_FAIL_CAN_ATTACH_AGAIN", "DEATTACH_FAIL_CAN_DEATTACH_AGAIN",
    ] | None = None
    enterprise_project_id: str | None = None


class ShowDesktopDetailResponse(Struct, kw_only=True):
    desktop: DesktopDetailInfo


JSON_DECODER = msgspec.json.Decoder(ShowDesktopDetailResponse)
