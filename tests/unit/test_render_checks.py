"""What the renderer refuses to hand back: Python that does not parse or does not compile (a template bug),
each named by file and line; a module whose top level binds a spec's name twice."""

from __future__ import annotations

import pytest

from generator.codegen.render import _check_syntax, without_unused_imports
from generator.errors import DeskkitError


@pytest.mark.parametrize(("text", "line"), [
    ("x = 1\ndef f(:\n    pass\n", 2),  # the parser's
    ("x = 1\n\ndef f(a, a):\n    pass\n", 3),  # the compiler's only (a name given twice)
    ("x = 1\nreturn x\n", 2),  # the compiler's only (return outside a function)
])
def test_python_that_does_not_compile_is_an_internal_error_with_its_line(text: str, line: int) -> None:
    with pytest.raises(DeskkitError, match=rf"invalid Python \(pkg/models\.py:{line}: "):
        _check_syntax({"pkg/models.py": text})


def test_modules_that_compile_come_back_parsed() -> None:
    trees = _check_syntax({"pkg/models.py": "x = 1\n", "pkg/data.json": "{}"})
    assert list(trees) == ["pkg/models.py"]


def test_unused_names_from_the_package_s_own_modules_are_dropped() -> None:
    import ast

    from generator.codegen.render import without_unused_imports

    text = ("from typing import Any, Final\n\nfrom ._runtime import (\n    Model,\n    Unset,\n    is_uuid,\n)\n"
            "from ._typed import struct_for\nfrom .models import (\n    A,\n)\n\n__all__ = [\"A\"]\n\n"
            "class B(Model):\n    x: int\n")
    pruned = without_unused_imports(text, ast.parse(text))
    assert pruned == ("from typing import Any, Final\n\nfrom ._runtime import (\n    Model,\n)\n"
                      "from .models import (\n    A,\n)\n\n__all__ = [\"A\"]\n\nclass B(Model):\n    x: int\n")
    compile(pruned, "m.py", "exec")  # (typing's unused names are the templates' to decide: left as they are)


def test_names_read_from_the_compiled_module_prune_as_the_tree_walk_does() -> None:
    """The compiled module's names, and the annotations' (strings once compiled), stand for a walk of every
    node: each module the shipped spec renders, with one more name imported from ``_runtime`` (used in it
    or not, in an annotation or not), is pruned the same both ways."""
    import ast

    from generator.codegen import render_spec
    from tests.conftest import SPEC

    checked = 0
    for name, text in render_spec(SPEC).items():
        if not name.endswith(".py") or "\nfrom ._runtime import (\n" not in text or name.endswith("__init__.py"):
            continue
        for extra in ("Any", "Tape", "Finding", "Context", "escape", "UNSET", "Site", "json_type"):
            variant = text.replace("\nfrom ._runtime import (\n", f"\nfrom ._runtime import (\n    {extra},\n", 1)
            tree = ast.parse(variant)
            code = compile(tree, name, "exec", dont_inherit=True)
            assert without_unused_imports(variant, tree, code) == without_unused_imports(variant, tree), (name, extra)
            checked += 1
    assert checked >= 16
