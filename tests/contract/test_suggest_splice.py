"""`deskkit suggest --apply` writes the patch into the spec's text: what it writes reads back as the patch
applied by the jsonpatch library (the oracle), and every original line stays, in order.

Example cases cover the forms a hand-written spec takes (zero-indented sequences, four-space indentation, flow
collections with a trailing comma or a comment before the bracket, a folded scalar ending a mapping, no final
newline, JSON); a property test throws documents PyYAML dumps in several styles at it.
"""

from __future__ import annotations

import json
import string
from typing import Any

import jsonpatch
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.contract.suggest.splice import apply_text
from generator.errors import DeskkitError


def _check(text: str, patch: list[dict[str, Any]]) -> str:
    out = apply_text(text, patch, "spec.yaml")
    assert yaml.safe_load(out) == jsonpatch.apply_patch(yaml.safe_load(text), patch)
    _lines_kept(text, out)
    return out


def _lines_kept(before: str, after: str) -> None:
    """Each original line is in the output, in order: unchanged, or with one piece inserted into it (items added
    to a flow collection)."""
    lines = after.splitlines()
    at = 0
    for old in before.splitlines():
        while at < len(lines) and not _one_insertion(old, lines[at]):
            at += 1
        assert at < len(lines), f"line lost: {old!r}\n---\n{after}"
        at += 1


def _one_insertion(old: str, new: str) -> bool:
    """Whether ``new`` is ``old``, or ``old`` with one contiguous piece inserted (a blank line only matches itself)."""
    if new == old:
        return True
    if not old.strip() or len(new) <= len(old):
        return False
    prefix = 0
    while prefix < len(old) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(old) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix + suffix == len(old)


def add(path: str, value: Any) -> dict[str, Any]:
    return {"op": "add", "path": path, "value": value}


def test_block_mapping_gets_lines_at_its_indentation() -> None:
    text = "a:\n  b: 1\n  # about c\n  c: {x: 1}\n\n# next\nz: 2\n"
    out = _check(text, [add("/a/d", {"type": "string", "items": [1, 2]})])
    assert out == "a:\n  b: 1\n  # about c\n  c: {x: 1}\n  d: {type: string, items: [1, 2]}\n\n# next\nz: 2\n"


def test_zero_indented_and_four_space_sequences() -> None:
    zero = "list:\n- a\n- b\nafter: 1\n"
    assert _check(zero, [add("/list/-", "c")]) == "list:\n- a\n- b\n- c\nafter: 1\n"
    four = "root:\n    items:\n        - a\n    other: 1\n"
    out = _check(four, [add("/root/new", {"k": {"deep": [{"x": 1, "y": "long " * 30}]}})])
    assert "\n    new:\n        k:\n            deep:\n                - x: 1\n                  y: " in out


def test_flow_collections_with_a_trailing_comma_or_a_comment() -> None:
    text = "enum: [a, b,  # the last one\n       c, ]\nmap: {x: 1,\n  y: 2}\nempty: []\nnone: {}\n"
    out = _check(text, [add("/enum/-", "d"), add("/map/z", 3), add("/empty/-", "only"), add("/none/k", "v")])
    assert "c, d ]" in out and "y: 2, z: 3}" in out and "empty: [only]" in out and "none: {k: v}" in out


def test_a_folded_scalar_ending_a_mapping() -> None:
    text = "a:\n  text: >-\n    folded\n    lines\n\n  # a comment that belongs to b\nb: 1"
    out = _check(text, [add("/a/more", 1), add("/c", "no final newline before")])
    assert out.startswith("a:\n  text: >-\n    folded\n    lines\n  more: 1\n\n  # a comment")
    assert out.endswith("b: 1\nc: no final newline before\n")


def test_operations_under_what_the_patch_added_are_folded_in() -> None:
    text = "components:\n  schemas:\n    A: {type: string}\n"
    patch = [add("/components/schemas/B", {"type": "object", "properties": {}}),
             add("/components/schemas/B/properties/x", {"type": "integer"}),
             add("/components/schemas/B/x-list", ["a"]), add("/components/schemas/B/x-list/-", "b")]
    out = _check(text, patch)
    assert out.count("B:") == 1


def test_json_stays_json() -> None:
    text = json.dumps({"a": {"b": [1, 2]}, "c": {}}, indent=2) + "\n"
    out = _check(text, [add("/a/b/-", 3), add("/a/k", {"x": "y: z"}), add("/c/q", [])])
    assert json.loads(out) == {"a": {"b": [1, 2, 3], "k": {"x": "y: z"}}, "c": {"q": []}}


@pytest.mark.parametrize("value", ["yes", "no", "null", "~", "1.0", "0x1f", "#x", "a: b", "", "-", " lead",
                                   "trail ", "multi\nline", "quote\"s", "tab\tx", "\x1b[31m", "é", "@at",
                                   "*star", "&amp", "!bang", "%p", "`b`", "{x}", "[y]", "a, b", "?q", "|pipe"])
def test_scalars_read_back_as_they_were(value: str) -> None:
    text = "m:\n  a: 1\nf: [1]\n"
    _check(text, [add("/m/k", value), add(f"/m/{value.replace('~', '~0').replace('/', '~1')}x", [value]),
                  add("/f/-", value)])


@pytest.mark.parametrize(("text", "patch", "message"), [
    # an alias: adding under one would change both
    ("base: &b {type: string}\nuse: *b\n", [add("/use/x", 1)], "through an alias"),
    ("base: &b [1]\nuse: {list: *b}\n", [add("/use/list/-", 2)], "through an alias"),
    ("a: {}\n", [add("/a/k", "\ud800")], "could not be written into the text"),  # YAML cannot hold it
])
def test_what_cannot_be_kept_is_an_error_not_a_wrong_spec(text: str, patch: list[dict[str, Any]],
                                                          message: str) -> None:
    with pytest.raises(DeskkitError, match=message):
        apply_text(text, patch, "spec.yaml")


# -- a property: documents PyYAML writes, in block or flow style, indented by 2 or 4 ------------------------------

_keys = st.text(alphabet=string.ascii_letters + "_-: #'\"/~é", min_size=1, max_size=6)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=12),
                     st.sampled_from(["yes", "null", "a: b", "#c", "- x", "[z]", "", " "]))
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(_keys, inner, max_size=3)), max_leaves=6)
_documents = st.dictionaries(_keys, _values, min_size=1, max_size=4)


def _containers(data: Any, pointer: str = "") -> list[tuple[str, Any]]:
    out = [(pointer, data)] if isinstance(data, (dict, list)) else []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        out += _containers(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    return out


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    data = draw(_documents)
    text = yaml.safe_dump(data, default_flow_style=draw(st.sampled_from([False, None])), sort_keys=False,
                          indent=draw(st.sampled_from([2, 4])), allow_unicode=draw(st.booleans()),
                          width=draw(st.sampled_from([40, 80, 1000])))
    containers = _containers(data)
    patch = []
    for _ in range(draw(st.integers(1, 4))):
        pointer, container = containers[draw(st.integers(0, len(containers) - 1))]
        value = draw(_values)
        if isinstance(container, list):
            patch.append(add(f"{pointer}/-", value))
        else:
            key = draw(_keys)
            while key in container:  # an add must not replace (later operations see the earlier ones)
                key += "_"
            patch.append(add(f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}", value))
            container[key] = value
    return text, patch


@settings(max_examples=100)  # drawing nested documents is most of the cost: 100 keep it to a few seconds
@given(_cases())
def test_any_dumped_document_takes_any_additions(case: tuple[str, list[dict[str, Any]]]) -> None:
    text, patch = case
    _check(text, patch)
