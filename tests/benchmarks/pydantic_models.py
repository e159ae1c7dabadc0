"""The documented contract written by hand as pydantic v2 models: what a user would write instead.

Same rules as the spec's documented side (enums, tag and user-name rules, date-time pattern, unknown
fields allowed), so the benchmark compares like with like.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DATE_TIME = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:"
    r"([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
UserGroup = Literal["sudo", "default", "administrators", "users"]


class Base(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)


class AddressInfo(Base):
    addr: str | None = None
    version: Literal["4", "6"] | None = None
    mac_addr: str | None = Field(None, alias="OS-EXT-IPS-MAC:mac_addr")
    ip_type: Literal["fixed", "floating"] | None = Field(None, alias="OS-EXT-IPS:type")


class FlavorLinkInfo(Base):
    rel: str | None = None
    hrel: str | None = None


class FlavorInfo(Base):
    id: str | None = None
    links: list[FlavorLinkInfo] | None = None


class SecurityGroup(Base):
    id: str | None = None


class AttachInstancesUserInfo(Base):
    user_id: str | None = None
    user_name: str | None = Field(None, min_length=1, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    user_group: UserGroup | None = None


class VolumeDetail(Base):
    type: Literal["SAS", "SSD"] | None = None
    size: int | None = None
    device: str | None = None
    id: str | None = None
    volume_id: str | None = None
    create_time: str | None = Field(None, pattern=DATE_TIME)
    display_name: str | None = None


class ProductInfo(Base):
    product_id: str | None = None
    flavor_id: str | None = None
    type: Literal["BASE"] | None = None
    cpu: str | None = None
    memory: str | None = None
    descriptions: str | None = None
    charge_mode: Literal["0", "1"] | None = None


class Tag(Base):
    key: str | None = Field(None, min_length=1, max_length=128, pattern=r"^[^=*<>,|/]*$")
    value: str | None = Field(None, max_length=43, pattern=r"^[^=*<>,|/]*$")


class DesktopMetadata(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)
    __pydantic_extra__: dict[str, str]  # other keys are allowed, and must be strings

    charging_mode: Literal["1", "0"] | None = None
    image_name: str | None = None
    metering_image_id: str | None = Field(None, alias="metering.image_id")
    metering_resourcespeccode: str | None = Field(None, alias="metering.resourcespeccode")
    metering_resourcetype: str | None = Field(None, alias="metering.resourcetype")
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


class DesktopDetailInfo(Base):
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
    created: str | None = Field(None, pattern=DATE_TIME)
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


class ShowDesktopDetailResponse(Base):
    desktop: DesktopDetailInfo
