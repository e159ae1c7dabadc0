"""Where `deskkit suggest` places a capture's value: the walk from a capture pointer to the model and property
that own it, through tolerated shapes (a one-item list, an alternative), arrays and maps; checked against the
shipped bindings and the vendor page's example (both quirks at once)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.contract.bindings import load_bindings
from generator.contract.suggest.walk import Contract
from tests.conftest import documented_example, load_example

BINDINGS = load_bindings("workspace_desktop")
CONTRACT = Contract(BINDINGS)
SHOW = CONTRACT.root(BINDINGS.module.ShowDesktopDetailResponse)
LIST = CONTRACT.root(BINDINGS.module.ListDesktopsDetailResponse)


def test_through_a_one_item_list_and_an_alternative_shape() -> None:
    page = load_example()  # desktop as a one-item list, addresses as a list
    place = CONTRACT.locate(SHOW, page, "/desktop/0/addresses/1/version")
    assert place is not None and place.owner == "AddressInfo"
    assert place.value == page["desktop"][0]["addresses"][1]["version"]
    assert place.site.rule == "#/components/schemas/AddressInfo/properties/version" and place.site.enum is not None
    assert CONTRACT.locate(SHOW, page, "/desktop/1") is None  # a one-item list has no item 1


def test_through_a_map_and_into_an_undocumented_field() -> None:
    body = documented_example()
    network = next(iter(body["desktop"]["addresses"]))
    body["desktop"]["addresses"][network][0]["a~b/c"] = 5
    place = CONTRACT.locate(SHOW, body, f"/desktop/addresses/{network}/0/a~0b~1c")
    assert place is not None and (place.owner, place.key, place.site, place.value) == ("AddressInfo", "a~b/c", None, 5)
    assert CONTRACT.locate(SHOW, body, f"/desktop/addresses/{network}/0/a~0b~1c/deeper") is None


def test_a_page_of_desktops() -> None:
    desktop: dict[str, Any] = copy.deepcopy(documented_example()["desktop"])
    desktop["product"]["gpu_vendor"] = "arm"  # a field no one declares (architecture is known: SDK)
    page = {"desktops": [desktop, desktop], "total_count": 2}
    place = CONTRACT.locate(LIST, page, "/desktops/1/product/gpu_vendor")
    assert place is not None and (place.owner, place.key, place.site) == ("ProductInfo", "gpu_vendor", None)
    prop = CONTRACT.locate(LIST, page, "/desktops/1/product")
    assert prop is not None and prop.prop is not None
    assert (prop.prop.wire, prop.owner) == ("product", "DesktopDetailInfo")


@pytest.mark.parametrize("pointer", ["/desktops/2", "/desktops/x", "/desktops/-1", "/total_count/0", "/nope"])
def test_pointers_that_leave_the_data(pointer: str) -> None:
    page = {"desktops": [documented_example()["desktop"]], "total_count": 1}
    assert CONTRACT.locate(LIST, page, pointer) is None
