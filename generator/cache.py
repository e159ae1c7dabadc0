"""The user's cache folder for deskkit: ``$XDG_CACHE_HOME/deskkit`` (else ``~/.cache/deskkit``), or none at all
with ``DESKKIT_NO_CACHE`` set. What is kept there can always be made again: compiled templates, the digests of
specs that passed the structure check, Hypothesis's constants for the commands that draw."""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder(name: str) -> Path | None:
    """``<cache>/deskkit/<name>`` (not created here), or None when caching is turned off."""
    if os.environ.get("DESKKIT_NO_CACHE"):
        return None
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "deskkit" / name
