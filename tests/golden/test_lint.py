"""ruff and mypy --strict on the generator and on the generated bindings (as openapi-python-client does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_ruff_is_clean() -> None:
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_spec_needing_few_runtime_names_generates_lint_clean_code(tmp_path: Path) -> None:
    """Every property required (no `Unset`), a const with a format (no format check): the imports a template
    writes for the general case were left over (ruff F401)."""
    from tests.helpers import generated_from

    spec = """\
openapi: 3.1.0
info: {title: Few, version: "1", x-deskkit-package: few_pkg}
paths:
  /t:
    get:
      operationId: getT
      responses:
        "200":
          description: T.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/T"}
components:
  schemas:
    T:
      type: object
      required: [id, kind]
      properties:
        id: {type: string}
        kind: {type: string, format: uuid, const: 00000000-0000-0000-0000-000000000000}
"""
    out = generated_from(tmp_path, spec)
    result = subprocess.run([str(BIN / "ruff"), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"),
                             "--ignore", "E501", "few_pkg"], cwd=out, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_spec_with_many_operations_generates_lint_clean_imports(tmp_path: Path) -> None:
    """Eight operations, each answering its own model and taking its own enumeration: the client imported them
    on one line each, past 120 characters, which ruff's import sorting refused (I001)."""
    from tests.helpers import generated_from

    paths, schemas = [], []
    for n in range(8):
        paths.append(f"""\
  /things{n}:
    get:
      operationId: getThingNumber{n}
      parameters:
        - {{name: order{n}, in: query, schema: {{title: SortOrderNumber{n}, type: string, enum: [a, b]}}}}
      responses:
        "200":
          description: A thing.
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/WorkspaceThingResponseNumber{n}"}}
""")
        schemas.append(f"""\
    WorkspaceThingResponseNumber{n}:
      type: object
      properties:
        id: {{type: string}}
""")
    spec = ("openapi: 3.1.0\ninfo: {title: Many, version: \"1\", x-deskkit-package: many_pkg}\npaths:\n"
            + "".join(paths) + "components:\n  schemas:\n" + "".join(schemas))
    out = generated_from(tmp_path, spec)
    assert "SortOrderNumber7" in (out / "many_pkg" / "client.py").read_text()
    result = subprocess.run([str(BIN / "ruff"), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"),
                             "--ignore", "E501", "many_pkg"], cwd=out, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
