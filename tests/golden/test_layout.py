"""The house rules the tree must keep: no import cycles in generator/, templates hold only what varies."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.helpers import ROOT

GENERATOR = ROOT / "generator"
TEMPLATES = ROOT / "templates"
JINJA = re.compile(r"\{\{|\{%|\{#")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The generator modules ``path`` imports (absolute and relative, at any depth in the file)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if _is_module(f"{target}.{alias.name}") else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "generator"}


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in GENERATOR.rglob("*.py")}
    return {name: {target for target in imports(path) if target in modules and target != name}
            for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], dict.fromkeys(edges, 0)  # 0 new, 1 on the stack, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state[target] == 1:
                found.append([*stack[stack.index(target):], target])
            elif state[target] == 0:
                visit(target, [*stack, target])
        state[node] = 2

    for node in sorted(edges):
        if state[node] == 0:
            visit(node, [node])
    return found


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_generator_has_no_import_cycle() -> None:
    edges = graph()
    assert "generator.contract.judge" in edges and edges["generator.contract.pool"] >= {"generator.contract.judge"}
    assert cycles(edges) == []


def test_the_code_generator_does_not_reach_into_the_contract_tools() -> None:
    edges = graph()
    for name, targets in edges.items():
        if name.startswith("generator.codegen"):
            assert not [t for t in targets if t.startswith(("generator.contract", "generator.mock"))], name


def test_every_template_varies_with_the_spec_and_static_code_is_plain_python() -> None:
    templates = sorted(TEMPLATES.glob("*.j2"))
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert text.strip(), f"{path.name} is empty"
        assert JINJA.search(text), f"{path.name} holds no Jinja: make it a static file"
    for path in sorted((TEMPLATES / "static").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not JINJA.search(text), f"static/{path.name} holds Jinja"
        ast.parse(text)
