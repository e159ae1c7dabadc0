"""Load a YAML/JSON spec into plain data, remembering the line of every JSON Pointer.

The YAML is composed once (with libyaml's C parser when PyYAML has it), walked once for line numbers and
duplicate keys (YAML would silently keep the last one), and constructed from the same node tree.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError, SpecIssue

YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # SafeLoader: a spec is data, never a program
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"
_INT_DIGITS = sys.get_int_max_str_digits()  # 0: no limit
#: How many values a spec may stand for once its YAML aliases are expanded (an alias counts all it names
#: again): what comes after the YAML (checks, build, diff) walks the expanded data, so a few lines of aliases
#: of aliases (a "billion laughs") would take it past any memory.
MAX_VALUES = 1_000_000
#: How deep a spec's mappings and lists may nest (aliases expanded): what reads the spec after the YAML (the
#: structure check's jsonschema, the build, diff) recurses into each level, and Python's stack has a bottom.
#: Real specs nest a few dozen levels.
MAX_DEPTH = 128


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _expanded(root: yaml.Node, depths: dict[int, int]) -> tuple[int, yaml.Node | None]:
    """How many values ``root`` stands for with every alias expanded (at most ``MAX_VALUES`` + 1), and a node
    that contains itself through an alias (None when none does). Each node is counted once (its count kept),
    and its depth (the levels of mappings and lists it holds, itself included) is put in ``depths``."""
    counts: dict[int, int] = {}
    open_: set[int] = set()  # the nodes whose count waits for their children: a child among them is a loop
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        inside = _children(node)
        if children_done:
            open_.discard(key)
            counts[key] = min(1 + sum(counts[id(child)] for child in inside), MAX_VALUES + 1)
            depths[key] = 1 + max((depths[id(child)] for child in inside), default=0) if _holds(node) else 0
        elif key in open_:
            return 0, node
        elif key not in counts:
            open_.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in inside if id(child) not in counts)
    return counts[id(root)], None


def _deepest(root: yaml.Node, depths: dict[int, int]) -> tuple[str, int]:
    """The pointer and line of the value ``MAX_DEPTH`` levels down ``root``'s deepest path (the line of its key,
    as for every entry of a mapping), for the refusal to name."""
    node, pointer, line = root, "", root.start_mark.line + 1
    for _ in range(MAX_DEPTH):
        if isinstance(node, yaml.MappingNode):  # (a key may be the deeper one: keys are checked later)
            key, value = max(node.value, key=lambda pair: max(depths[id(pair[0])], depths[id(pair[1])]))
            node = value if depths[id(value)] >= depths[id(key)] else key
            pointer, line = f"{pointer}/{escape_token(str(key.value))}", key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            index, node = max(enumerate(node.value), key=lambda pair: depths[id(pair[1])])
            pointer, line = f"{pointer}/{index}", node.start_mark.line + 1
    return pointer, line


def _holds(node: yaml.Node) -> bool:
    return isinstance(node, (yaml.MappingNode, yaml.SequenceNode))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


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
    walked: set[int] = set()
    while stack:  # iterative: a hostile spec may nest deeply
        node, pointer, at = stack.pop()
        lines[pointer] = at
        if id(node) in walked:  # an alias of a node walked already: what is inside is located there
            continue
        walked.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT and _digits(node.value) > _INT_DIGITS > 0:
            issues.append(SpecIssue(str(path), pointer, f"an integer of {_digits(node.value)} digits (Python reads "
                                    f"at most {_INT_DIGITS}): write a shorter one", at))
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if not isinstance(key, yaml.ScalarNode):
                    issues.append(SpecIssue(str(path), pointer, "a mapping key that is not a scalar (JSON object "
                                            "keys are strings)", line))
                    continue
                # A key is read as written: JSON keys are strings, so `200:` is the status code "200" (YAML
                # would make it the integer 200, and `yes:` the boolean true).
                if key.tag != _MERGE:  # (`<<: *base` stays YAML's merge)
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


def _aliases(root: yaml.Node, path: Path) -> None:
    """Refuse aliases that make the spec endless (a node inside itself) or too big to read, and a spec nested
    deeper than what reads it can follow."""
    depths: dict[int, int] = {}
    count, loop = _expanded(root, depths)
    if loop is not None:
        raise SpecError([SpecIssue(str(path), "", "a YAML alias inside the node it names: the spec would never "
                                   "end", loop.start_mark.line + 1)])
    if count > MAX_VALUES:
        raise SpecError([SpecIssue(str(path), "", f"YAML aliases expand the spec past {MAX_VALUES:,} values: "
                                   "write the shared parts once and point at them with $ref")])
    if depths[id(root)] > MAX_DEPTH:
        pointer, line = _deepest(root, depths)
        raise SpecError([SpecIssue(str(path), pointer, f"nested more than {MAX_DEPTH} levels of mappings and "
                                   "lists (deskkit reads specs up to that depth): name the inner schemas in "
                                   "components and point at them with $ref", line)])


def _refused_character(exc: yaml.reader.ReaderError, text: bytes, path: Path) -> SpecIssue:
    """A character YAML does not allow, said with its line (the reader gives an offset: libyaml's counts bytes,
    PyYAML's own reader characters)."""
    before = text[:exc.position].decode("utf-8", "replace") if YAML_LOADER is getattr(yaml, "CSafeLoader", None) \
        else text.decode("utf-8")[:exc.position]
    # YAML's line breaks (LF, CR, CRLF, NEL, LS, PS) are the ones splitlines knows that YAML lets through
    line = len(before.splitlines()) + (before[-1:] in "\n\r\x85\u2028\u2029") if before else 1
    char = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return SpecIssue(str(path), "", f"not valid YAML: the character U+{char:04X} (a control character YAML does "
                     "not allow)", line)


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
    try:
        loader = YAML_LOADER(text)  # (PyYAML's own reader refuses a character here, libyaml while parsing)
    except yaml.reader.ReaderError as exc:
        raise SpecError([_refused_character(exc, text, path)]) from None
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        issues: list[SpecIssue] = []
        if node is not None:
            _aliases(node, path)
            _walk(node, "", lines, issues, path)
        if issues:
            raise SpecError(issues)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise SpecError([SpecIssue(str(path), "", f"not valid YAML: {exc.problem or exc.context}", line)]) from None
    except yaml.reader.ReaderError as exc:
        raise SpecError([_refused_character(exc, text, path)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([SpecIssue(str(path), "", f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([SpecIssue(str(path), "", "nested too deeply to read")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise SpecError([SpecIssue(str(path), "", "expected a mapping (an OpenAPI document) at the top", 1)])
    return Spec(path, data, lines)
