"""Load a YAML/JSON spec into plain data, remembering the line of every JSON Pointer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError, SpecIssue


def escape_token(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class Spec:
    """A loaded spec: its data, the file it came from, and the YAML line of each pointer."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int]

    def issue(self, pointer: str, message: str) -> SpecIssue:
        """An issue at ``pointer``, with the line of the nearest enclosing node the YAML located."""
        probe = pointer
        while probe not in self.lines and probe:
            probe = probe.rsplit("/", 1)[0]
        return SpecIssue(str(self.path), pointer, message, self.lines.get(probe))


def _line_map(node: yaml.Node, pointer: str, out: dict[str, int]) -> None:
    out[pointer] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _line_map(value, f"{pointer}/{escape_token(str(key.value))}", out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, f"{pointer}/{index}", out)


def load_spec(path: Path) -> Spec:
    """Read ``path``; a missing file or broken YAML becomes a :class:`SpecError` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError([SpecIssue(str(path), "", f"cannot read the spec: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise SpecError([SpecIssue(str(path), "", f"the spec is not UTF-8 ({exc.reason})")]) from None
    try:
        # SafeLoader: a spec is data, never a program.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise SpecError([SpecIssue(str(path), "", f"not valid YAML: {exc.problem}", line)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([SpecIssue(str(path), "", f"not valid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise SpecError([SpecIssue(str(path), "", "expected a mapping (an OpenAPI document) at the top", 1)])
    lines: dict[str, int] = {}
    if node is not None:
        _line_map(node, "", lines)
    return Spec(path, data, lines)
