"""The Python-side decisions the templates print: names, literals, docstrings, inline checks."""

from __future__ import annotations

import ast

import pytest

from generator.codegen import naming
from generator.codegen.ir import Scalar
from generator.codegen.models import check_fails
from generator.codegen.pyfmt import comment, docstring, pyrepr, pyrepr_wrapped, sort_all
from generator.contract.results import Result


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("OS-EXT-IPS-MAC:mac_addr", "os_ext_ips_mac_mac_addr"), ("OS-EXT-IPS:type", "os_ext_ips_type"),
     ("desktop_id", "desktop_id"), ("class", "class_"), ("2fa", "_2fa"), ("isAttachingEip", "is_attaching_eip"),
     ("", "value"), ("metering.image_id", "metering_image_id")],
)
def test_snake(wire: str, expected: str) -> None:
    assert naming.snake(wire) == expected
    assert expected.isidentifier()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("powering-off", "POWERING_OFF"), ("deleteFailed", "DELETE_FAILED"), ("", "EMPTY"), ("4", "VALUE_4"),
     ("ATTACH_FAIL_CAN_ATTACH_AGAIN", "ATTACH_FAIL_CAN_ATTACH_AGAIN"), ("---", "VALUE")],
)
def test_enum_member_names(value: str, expected: str) -> None:
    assert naming.constant(value) == expected


def test_unique_keeps_order_and_avoids_reserved() -> None:
    assert naming.unique(["a", "a", "to_dict"], frozenset({"to_dict"})) == ["a", "a_", "to_dict_"]


@pytest.mark.parametrize("text", ['say """hi"""', 'ends with "', "back\\slash \\", "line\nbreak", "x" * 300])
def test_docstrings_and_literals_cannot_become_code(text: str) -> None:
    body = docstring(text)
    tree = ast.parse(f"def f():\n    {body}\n    return 1\n")
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef) and len(func.body) == 2
    assert ast.literal_eval(pyrepr(text)) == text
    assert ast.literal_eval(pyrepr_wrapped(text)) == text
    assert all(line.strip().startswith("#: ") for line in comment(text).splitlines())


def test_check_fails_expressions() -> None:
    plain = Scalar("s", "#", "string")
    assert check_fails(plain, "v") == "type(v) is not str"
    ranged = Scalar("s", "#", "integer", minimum=5, maximum=600)
    assert check_fails(ranged, "v") == (
        "not ((type(v) is int or (type(v) is float and v.is_integer())) and v >= 5 and v <= 600)")
    for value, fails in ((5, False), (600.0, False), (4, True), (True, True), ("5", True), (7.5, True)):
        assert eval(check_fails(ranged, "v"), {}, {"v": value}) is fails, value


def test_all_order_matches_ruff() -> None:
    assert sort_all(["decode", "Tag", "UNSET", "Check", "QUIRKS"]) == ["QUIRKS", "UNSET", "Check", "Tag", "decode"]


@pytest.mark.parametrize("result", [
    {"source": "a.jsonl", "line": 3, "operation": "ShowDesktopDetail", "contract": "success",
     "verdict": "conformant", "problems": [], "undocumented_fields": [], "off_page": []},
    {"source": 'we"ird\\ née.har', "entry": 0, "operation": "Op_1", "contract": "error", "verdict": "conformant",
     "problems": [], "undocumented_fields": [], "off_page": []},
    {"source": "<stdin>", "operation": "o", "contract": "success", "verdict": "conformant", "problems": [],
     "undocumented_fields": [], "off_page": []},
    {"source": "x", "operation": "o", "contract": "success", "verdict": "unreadable", "reason": "empty body",
     "problems": [], "undocumented_fields": [], "off_page": []},
])
def test_fast_json_rendering_is_byte_identical_to_json_dumps(result: Result) -> None:
    import json

    from generator.contract.report import render_json

    assert render_json(result) == json.dumps(result, ensure_ascii=False)


@pytest.mark.parametrize("name", ["workspace_desktop", "workspace_desktop.models", "workspace_desktop.enums",
                                  "workspace_desktop.client", "workspace_desktop.strategies",
                                  "workspace_desktop.signing", "workspace_desktop._http",
                                  "workspace_desktop._draw"])
def test_generated_all_is_complete(name: str) -> None:
    import importlib
    import inspect

    module = importlib.import_module(name)
    defined = {n for n, v in vars(module).items() if not n.startswith("_") and (inspect.isclass(v) or
               inspect.isfunction(v)) and getattr(v, "__module__", None) == name}
    assert defined <= set(module.__all__), defined - set(module.__all__)
    assert all(hasattr(module, n) for n in module.__all__)
