"""Load a YAML/JSON spec into plain data, remembering the line of every JSON Pointer.

The YAML is composed once (with libyaml's C parser when PyYAML has it), walked once for line numbers and
duplicate keys (YAML would silently keep the last one), and constructed from the same node tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError, SpecIssue

YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # SafeLoader: a spec is data, never a program
_STR = "tag:yaml.org,2002:str"


def escape_token(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901): ``~`` first, so ``/`` → ``~1`` stays ``~1``."""
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


def _walk(node: yaml.Node, pointer: str, lines: dict[str, int], issues: list[SpecIssue], path: Path) -> None:
    """Record the line of every node under ``pointer``; a key given twice in one mapping is an issue."""
    # The line of a mapping's entry is the line of its key (a block value starts on the next line).
    stack = [(node, pointer, node.start_mark.line + 1)]
    while stack:  # iterative: a hostile spec may nest deeply
        node, pointer, at = stack.pop()
        lines[pointer] = at
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if not isinstance(key, yaml.ScalarNode):
                    issues.append(SpecIssue(str(path), pointer, "a mapping key that is not a scalar (JSON object "
                                            "keys are strings)", line))
                    continue
                # A key is read as written: JSON keys are strings, so `200:` is the status code "200" (YAML
                # would make it the integer 200, and `yes:` the boolean true).
                key.tag = _STR
                token = str(key.value)
                if token in seen:
                    issues.append(SpecIssue(str(path), f"{pointer}/{escape_token(token)}",
                                            f"duplicate key {token!r} (first at line {seen[token]}); YAML "
                                            "would keep only the last one", line))
                seen.setdefault(token, line)
                stack.append((value, f"{pointer}/{escape_token(token)}", line))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{pointer}/{index}", item.start_mark.line + 1)
                         for index, item in enumerate(node.value))


def load_spec(path: Path) -> Spec:
    """Read ``path``; a missing file, broken YAML or a duplicate key is a :class:`SpecError` naming the line."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise SpecError([SpecIssue(str(path), "", f"cannot read the spec: {exc.strerror}")]) from None
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError([SpecIssue(str(path), "", f"the spec is not UTF-8 ({exc.reason})")]) from None
    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        issues: list[SpecIssue] = []
        if node is not None:
            _walk(node, "", lines, issues, path)
        if issues:
            raise SpecError(issues)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise SpecError([SpecIssue(str(path), "", f"not valid YAML: {exc.problem or exc.context}", line)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([SpecIssue(str(path), "", f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([SpecIssue(str(path), "", "nested too deeply to read")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise SpecError([SpecIssue(str(path), "", "expected a mapping (an OpenAPI document) at the top", 1)])
    return Spec(path, data, lines)
