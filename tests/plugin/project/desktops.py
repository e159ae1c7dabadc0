"""A user's own code: what deskkit's fixtures exist to test. Two ways of reading a desktop's name."""

from __future__ import annotations

from typing import Any

import httpx

from workspace_desktop.client import WorkspaceClient


def desktop_name(client: WorkspaceClient, desktop_id: str) -> str | None:
    """Through the generated client, tolerantly: whichever shape the service sends, one typed desktop."""
    desktop = client.show_desktop_detail("my-project", desktop_id, tolerant=True).desktop
    return desktop.computer_name if isinstance(desktop.computer_name, str) else None


def naive_desktop_name(http: httpx.Client, desktop_id: str) -> Any:
    """Straight from the JSON, trusting the documented tables: `desktop` is an object... unless it is a
    one-item list, as the vendor's own example sends it (AttributeError: 'list' object has no attribute 'get')."""
    body = http.get(f"/v2/my-project/desktops/{desktop_id}", headers={"X-Auth-Token": "t"}).json()
    return body["desktop"].get("computer_name")


def strict_desktop_name(client: WorkspaceClient, desktop_id: str) -> Any:
    """Forgets ``tolerant=True``: fine while the service keeps to the documented tables, a ContractError on the
    first quirk (the mock with ``quirks=True`` sends one in every desktop)."""
    return client.show_desktop_detail("my-project", desktop_id).desktop.computer_name
