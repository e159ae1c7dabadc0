"""Python names for wire names: fields, enum members, classes. Pure functions, unit-tested."""

from __future__ import annotations

import keyword
import re

_NON_WORD = re.compile(r"[^0-9A-Za-z]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def words(text: str) -> list[str]:
    """Split a wire name into words: ``OS-EXT-IPS-MAC:mac_addr`` → ``OS EXT IPS MAC mac addr``."""
    return [w for w in _NON_WORD.split(_CAMEL_BOUNDARY.sub(" ", text)) if w]


def snake(text: str) -> str:
    """A Python-safe snake_case identifier; keywords and leading digits get an underscore."""
    name = "_".join(w.lower() for w in words(text)) or "value"
    if name[0].isdigit():
        name = f"_{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def pascal(text: str) -> str:
    """PascalCase: ``task_status`` → ``TaskStatus``."""
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or "Value"
    return f"_{name}" if name[0].isdigit() else name


def constant(text: str) -> str:
    """An enum member name: ``powering-off`` → ``POWERING_OFF``, ``deleteFailed`` → ``DELETE_FAILED``."""
    if text == "":
        return "EMPTY"
    name = "_".join(w.upper() for w in words(text))
    if not name:
        return "VALUE"
    return f"VALUE_{name}" if name[0].isdigit() else name


def unique(names: list[str], reserved: frozenset[str] = frozenset()) -> list[str]:
    """Make ``names`` distinct (and distinct from ``reserved``) by appending ``_``, keeping order."""
    taken = set(reserved)
    out = []
    for name in names:
        while name in taken:
            name += "_"
        taken.add(name)
        out.append(name)
    return out
