"""What ``strategies.py.j2`` prints: the public names of each model's strategies.

How values are drawn is not decided here: the static ``_draw`` module reads the models' use-site
descriptors, so the template only names things.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any

from . import naming


def payloads_fn(model: str) -> str:
    """Name of the strategy function for raw payloads of ``model`` (``VolumeDetail`` → ``volume_detail_payloads``)."""
    return f"{naming.snake(model)}_payloads"


def instances_fn(model: str) -> str:
    """Name of the strategy function for typed instances of ``model`` (``desktop_detail_infos``)."""
    name = naming.snake(model)
    name += "es" if name.endswith("s") else "s"
    return f"{name}_" if keyword.iskeyword(name) else name  # (a model ``A``: not ``as``)


FILTERS: dict[str, Callable[..., Any]] = {"payloads_fn": payloads_fn, "instances_fn": instances_fn}
