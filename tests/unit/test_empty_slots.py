"""The fast pass stores only what it read; an empty slot reads as its field's default (Model.__getattr__).
Objects from the fast pass, the full pass and the constructor must be indistinguishable to a user."""

from __future__ import annotations

import copy
import importlib
import pickle
from typing import Any

import pytest

from workspace_desktop import UNSET, DesktopDetailInfo, ShowDesktopDetailResponse


def test_a_fast_parsed_object_reads_its_unread_fields_as_their_defaults(documented: dict[str, Any]) -> None:
    fast = ShowDesktopDetailResponse.from_dict(documented)
    full = ShowDesktopDetailResponse.judge_fully(documented)
    assert not (full.problems or full.deviations or full.unknown_fields or full.off_page)
    desktop = fast.desktop
    assert desktop.in_maintenance_mode is UNSET and desktop.process is UNSET  # known only off the page
    assert desktop.deviations == desktop.unknown_fields == desktop.off_page == ()
    assert fast.deviations == fast.unknown_fields == fast.off_page == ()
    assert desktop.to_dict() == documented["desktop"]
    # the constructor fills every slot: equal to the fast pass's object, field by field
    built = DesktopDetailInfo(**{name: getattr(desktop, name) for name in DesktopDetailInfo.__dataclass_fields__
                                 if not name.startswith("_") and name not in ("deviations", "unknown_fields",
                                                                             "off_page")})
    assert built == desktop and repr(built) == repr(desktop)


def test_an_object_with_empty_slots_copies_and_pickles_as_it_reads(documented: dict[str, Any]) -> None:
    # pickle finds a class by its module's name: take it as imported now (other tests in this process may have
    # imported the package again since this module was loaded)
    package = importlib.import_module("workspace_desktop")
    fast = package.ShowDesktopDetailResponse.from_dict(documented)
    for twin in (copy.copy(fast), copy.deepcopy(fast), pickle.loads(pickle.dumps(fast))):
        assert twin == fast and twin.to_dict() == documented
        assert twin.desktop.process is package.UNSET and twin.desktop.off_page == ()


def test_a_misspelt_attribute_is_still_an_attribute_error(documented: dict[str, Any]) -> None:
    desktop = ShowDesktopDetailResponse.from_dict(documented).desktop
    with pytest.raises(AttributeError, match="computer_nmae"):
        desktop.computer_nmae  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        ShowDesktopDetailResponse.__new__(ShowDesktopDetailResponse).desktop  # required: no default  # noqa: B018
