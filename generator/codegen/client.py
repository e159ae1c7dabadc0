"""What ``client.py.j2`` prints: the path of each operation, its parameters checked and encoded."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import naming
from .ir import Operation
from .pyfmt import pyrepr


def path_expr(op: Operation) -> str:
    """An f-string building the operation's path, each path parameter checked and percent-encoded."""
    params = {p.name: p.py_name for p in op.parameters if p.location == "path"}
    parts = re.split(r"\{([^{}]+)\}", op.path)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append("{check_segment(" + pyrepr(part).replace('"', "'") + ", " + params[part] + ")}")
        else:
            out.append(part.replace("{", "{{").replace("}", "}}"))
    return 'f"' + "".join(out) + '"'


FILTERS: dict[str, Callable[..., Any]] = {"path_expr": path_expr, "snake": naming.snake}
