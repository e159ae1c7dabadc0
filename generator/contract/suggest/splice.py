"""Apply an ``add``-only JSON Patch to a YAML (or JSON) spec as text insertions, so every byte the patch does
not touch stays as the person wrote it: comments, order, quoting, wrapping, blank lines.

A round-trip YAML library (ruamel.yaml) keeps comments and order but re-emits the whole file: a no-op round
trip of the shipped spec, indentation matched, re-wraps its hand-wrapped flow sequences (7 lines at width 4096,
66 at its default width of 80). Here the file is composed once (PyYAML, whose nodes carry their start and end marks)
and each operation becomes one insertion:

- a key added to a block mapping: block lines after the mapping's last entry, at its indentation;
- an item appended to a block sequence: a ``- item`` after its last item;
- a key or item added to a flow mapping or sequence (JSON too): ``, key: value`` before the closing bracket.

Operations that add under something the same patch added are folded into that first insertion. The result is
read back and compared with the patch applied to the data; a mismatch is an error (never a wrong spec).
"""

from __future__ import annotations

import copy
import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import yaml

from ...codegen.load import YAML_LOADER
from ...errors import DeskkitError
from .propose import apply_add, resolve
from .walk import tokens

_PLAIN = re.compile(r"[A-Za-z_$/][A-Za-z0-9_.:/()$-]*( [A-Za-z0-9_.:/()$-]+)*")


class _Insert(NamedTuple):
    container: str  # pointer of the existing mapping or sequence that receives the value
    key: str | None  # the new key (None: appended to a sequence)
    value: Any
    path: str  # the pointer the value ends up at


def apply_text(text: str, patch: list[dict[str, Any]], name: str) -> str:
    """``text`` with ``patch`` applied; DeskkitError when the result would not read back as the patched data."""
    with _collector_paused():
        return _apply_text(text, patch, name)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off while the file is composed, spliced and read back: those build many small
    objects that live until the end, and the collector's passes over them made the time grow faster than the
    patch (4000 → 8000 new keys: 2.2 times with it, 1.8 without). Reference counting still frees what is dropped."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _apply_text(text: str, patch: list[dict[str, Any]], name: str) -> str:
    data = yaml.load(text, Loader=YAML_LOADER)
    expected = copy.deepcopy(data)
    for op in patch:
        if op.get("op") != "add":
            raise DeskkitError(f"{name}: only `add` operations are spliced into the text (found {op.get('op')!r})")
        apply_add(expected, op)
    inserts = _fold(data, patch)
    root = yaml.compose(text, Loader=YAML_LOADER)
    if root is None:
        raise DeskkitError(f"{name}: the spec is empty")
    style = _Style.of(text, root)
    lines = _Lines(text)
    filled: set[str] = set()  # flow collections an earlier insertion already put something in
    edits = [(*_edit(text, lines, root, insert, style, filled), len(tokens(insert.container)), index)
             for index, insert in enumerate(inserts)]
    out = _build(text, edits)
    try:
        kept = yaml.load(out, Loader=YAML_LOADER) == expected
    except yaml.YAMLError:
        kept = False
    if not kept:
        raise DeskkitError(f"{name}: the patch could not be written into the text keeping its form; write it "
                           "with --patch and apply it by hand")
    return out


def _build(text: str, edits: list[tuple[int, str, int, int]]) -> str:
    """The text with every piece in place, built once (one slice per piece, not a copy of the file each).
    Where pieces meet at one offset (a mapping's last entry ends where its parent's does), the deeper
    container's piece comes first, then patch order."""
    parts: list[str] = []
    at = 0
    for offset, piece, _, _ in sorted(edits, key=lambda e: (e[0], -e[2], e[3])):
        parts.append(text[at:offset])
        parts.append(piece)
        at = offset
    parts.append(text[at:])
    return "".join(parts)


def _fold(data: Any, patch: list[dict[str, Any]]) -> list[_Insert]:
    """One insertion per operation on something the original text has; operations under a path the patch
    created are applied to that insertion's value."""
    inserts: list[_Insert] = []
    by_path: dict[str, _Insert] = {}  # each insertion by the pointer its value lands at
    order: dict[int, int] = {}  # an insertion's place in ``inserts``
    work = copy.deepcopy(data)  # the data as the operations so far leave it: is a parent a sequence?
    for op in patch:
        path = op["path"]
        parent, _, last = path.rpartition("/")
        appended = type(resolve(work, parent)) is list
        apply_add(work, op)
        owner = _owner(by_path, order, path)
        if owner is not None:
            holder = {"v": owner.value}
            apply_add(holder, {"op": "add", "path": "/v" + path[len(owner.path):], "value": op["value"]})
            continue
        if appended and last != "-":
            raise DeskkitError(f"{path}: inserting inside a sequence is not spliced; append with /-")
        key = None if appended else last.replace("~1", "/").replace("~0", "~")
        inserts.append(_Insert(parent, key, copy.deepcopy(op["value"]), path))
        by_path.setdefault(path, inserts[-1])
        order[id(inserts[-1])] = len(inserts) - 1
    return inserts


def _owner(by_path: dict[str, _Insert], order: dict[int, int], path: str) -> _Insert | None:
    """The earliest insertion whose value holds ``path``, found among the path's prefixes (as many as it has
    tokens) rather than by scanning every insertion."""
    found: list[_Insert] = []
    end = path.find("/", 1)
    while end != -1:
        owner = by_path.get(path[:end])
        if owner is not None:
            found.append(owner)
        end = path.find("/", end + 1)
    return min(found, key=lambda i: order[id(i)], default=None)


class _Lines:
    """The text's lines and where each starts, split once for every insertion."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)


class _Style:
    """How the file indents: the step between a key and its children, and how far a block sequence's dash
    sits inside its key (``key:\\n  - item`` is 2, ``key:\\n- item`` is 0). JSON: everything in flow style."""

    def __init__(self, step: int, dash: int, json_like: bool) -> None:
        self.step, self.dash, self.json_like = step, dash, json_like
        self.scalars: dict[str, str] = {}  # each string as written

    @classmethod
    def of(cls, text: str, root: yaml.Node | None) -> _Style:
        step, dash = 2, 2
        steps: list[int] = []
        dashes: list[int] = []
        stack = [root] if root is not None else []
        while stack and (len(steps) < 50 or len(dashes) < 50):
            node = stack.pop()
            if isinstance(node, yaml.MappingNode) and not node.flow_style:
                for key, value in node.value:
                    if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value:
                        steps.append(value.value[0][0].start_mark.column - key.start_mark.column)
                    if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
                        dash_col = _dash_column(text, value.value[0])
                        if dash_col is not None:
                            dashes.append(dash_col - key.start_mark.column)
                    stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        if steps:
            step = max(set(steps), key=steps.count)
        if dashes:
            dash = max(set(dashes), key=dashes.count)
        json_like = text.lstrip().startswith(("{", "["))
        return cls(step if step > 0 else 2, max(dash, 0), json_like)


def _dash_column(text: str, item: yaml.Node) -> int | None:
    """The column of the ``-`` that starts a block sequence item."""
    line_start = text.rfind("\n", 0, item.start_mark.index) + 1
    before = text[line_start:item.start_mark.index]
    dash = before.rstrip().rfind("-")
    # only indentation before it, or the dashes of outer sequences opened on the same line (``- - item``)
    return dash if dash != -1 and before[:dash].replace("-", " ").strip() == "" else None


def _find(root: yaml.Node, pointer: str) -> yaml.Node:
    """The node at ``pointer``. An alias (``*name``) resolves to its anchor's node, written earlier in the file:
    text added there would change every place that uses it, so that is refused."""
    node = root
    for token in tokens(pointer):
        if isinstance(node, yaml.MappingNode):
            key, child = next((k, v) for k, v in node.value if str(k.value) == token)
            after = key.start_mark.index
        elif isinstance(node, yaml.SequenceNode):
            child, after = node.value[int(token)], node.start_mark.index
        else:
            raise KeyError(pointer)
        if child.start_mark.index < after:
            raise DeskkitError(f"{pointer}: written through an alias (*anchor); adding here would change every "
                               "place the anchor is used: write the patch with --patch and apply it by hand")
        node = child
    return node


def _edit(text: str, lines: _Lines, root: yaml.Node, insert: _Insert, style: _Style,
          filled: set[str]) -> tuple[int, str]:
    """Where the insertion goes and what text it is."""
    node = _find(root, insert.container)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and (node.flow_style or not node.value):
        first = insert.container not in filled
        filled.add(insert.container)
        return _flow_edit(text, node, insert, style, first)
    if isinstance(node, yaml.MappingNode):
        first_key = node.value[0][0]
        column = first_key.start_mark.column
        line = _last_line(lines, node)
        return _at_line(text, lines, line + 1, _block_entry(insert.key or "", insert.value, column, style))
    if isinstance(node, yaml.SequenceNode):
        column = _dash_column(text, node.value[0])
        if column is None:
            raise DeskkitError(f"{insert.path}: the sequence's items do not start lines; write the patch by hand")
        line = _last_line(lines, node)
        return _at_line(text, lines, line + 1, _block_item(insert.value, column, style))
    raise DeskkitError(f"{insert.path}: {insert.container or '/'} is not a mapping or a sequence")


def _last_line(text: _Lines, node: yaml.Node) -> int:
    """The last line (0-based) holding content of a block collection: where its last leaf ends, less the
    blank and comment lines a block scalar's end mark may include."""
    leaf = node
    while isinstance(leaf, (yaml.MappingNode, yaml.SequenceNode)) and leaf.value and not leaf.flow_style:
        last = leaf.value[-1]
        leaf = last[1] if isinstance(last, tuple) else last
    end = leaf.end_mark
    line = end.line if end.column > 0 else end.line - 1
    lines = text.lines
    while line > node.start_mark.line and (not lines[line].strip() or lines[line].lstrip().startswith("#")):
        line -= 1
    return line


def _at_line(text: str, lines: _Lines, line: int, piece: str) -> tuple[int, str]:
    """An insertion of whole lines where 0-based ``line`` starts (at the end of a text that lacks its last
    newline, after one)."""
    if line < len(lines.starts):
        return lines.starts[line], piece
    return len(text), ("" if text.endswith("\n") or not text else "\n") + piece


def _flow_edit(text: str, node: yaml.Node, insert: _Insert, style: _Style, first: bool) -> tuple[int, str]:
    """``, value`` (or ``, key: value``) after the last item of a flow collection; ``first``: the first insertion
    into it (later ones at the same place always follow an item)."""
    close = node.end_mark.index - 1
    if text[close] not in "]}":
        raise DeskkitError(f"{insert.path}: could not find where {insert.container or '/'} ends")
    before = _significant_before(text, close)
    value = _flow(insert.value, style)
    piece = value if insert.key is None else f"{_scalar(insert.key, style, flow=True)}: {value}"
    if not first or text[before] not in "[{,":
        return before + 1, ", " + piece
    return before + 1, (" " if text[before] == "," else "") + piece


def _significant_before(text: str, index: int) -> int:
    """The index of the last character before ``index`` that is not blank or inside a comment."""
    position = index - 1
    while position >= 0:
        line_start = text.rfind("\n", 0, position + 1) + 1
        line = text[line_start:position + 1]
        comment = _comment_start(line)
        if comment is not None:
            position = line_start + comment - 1
            continue
        if line.strip():
            return line_start + len(line.rstrip()) - 1
        position = line_start - 2
    raise DeskkitError("could not read the flow collection")


def _comment_start(line: str) -> int | None:
    """Where a ``#`` comment starts in ``line`` (outside quotes), if anywhere."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None


def _block_entry(key: str, value: Any, column: int, style: _Style) -> str:
    pad = " " * column
    head = f"{pad}{_scalar(key, style)}:"
    if isinstance(value, dict) and value and not _fits_flow(value, column, style):
        return head + "\n" + "".join(_block_entry(k, v, column + style.step, style) for k, v in value.items())
    if isinstance(value, list) and value and not _fits_flow(value, column, style):
        return head + "\n" + "".join(_block_item(item, column + style.dash, style) for item in value)
    return f"{head} {_flow(value, style)}\n"


def _block_item(value: Any, column: int, style: _Style) -> str:
    pad = " " * column
    if isinstance(value, dict) and value and not _fits_flow(value, column + 2, style):
        entries = [_block_entry(k, v, column + 2, style) for k, v in value.items()]
        return f"{pad}- {entries[0].lstrip(' ')}" + "".join(entries[1:])
    if isinstance(value, list) and value and not _fits_flow(value, column + 2, style):
        return f"{pad}-\n" + "".join(_block_item(item, column + 2, style) for item in value)
    return f"{pad}- {_flow(value, style)}\n"


def _fits_flow(value: Any, column: int, style: _Style) -> bool:
    """Collections that fit on the line are written in flow style, as a person writes them."""
    return column + len(_flow(value, style)) <= 110


def _flow(value: Any, style: _Style) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k, style, flow=True)}: {_flow(v, style)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, style) for v in value) + "]"
    return _scalar(value, style, flow=True)


def _double_quoted(text: str, json_like: bool = False) -> str:
    """A double-quoted scalar YAML reads back exactly: printable characters as they are, the others escaped as
    ``\\uXXXX``, or ``\\UXXXXXXXX`` beyond the first plane (YAML, unlike JSON, does not pair surrogate escapes;
    in a JSON file such a character is written as it is, which both read)."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() or (json_like and code >= 0x10000):
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _scalar(value: Any, style: _Style, flow: bool = False) -> str:
    """A scalar as YAML reads it back exactly: plain when that is safe, else JSON's double quotes (valid
    YAML, and the only form in a JSON file)."""
    if not isinstance(value, str):
        return json.dumps(value)
    # Remembered for the file: a value is written again each time a collection around it is measured
    # against the line width.
    written = style.scalars.get(value)
    if written is None:
        written = value if not style.json_like and _plain(value) else _double_quoted(value, style.json_like)
        style.scalars[value] = written
    return written


def _plain(value: str) -> bool:
    """Whether ``value`` reads back as itself unquoted, in a flow collection and as a key."""
    if not _PLAIN.fullmatch(value):
        return False
    try:
        return bool(yaml.load(f"[{value}]", Loader=YAML_LOADER) == [value]
                    and yaml.load(f"{value}: 0", Loader=YAML_LOADER) == {value: 0})
    except yaml.YAMLError:
        return False
