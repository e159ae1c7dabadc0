"""Helpers for tests that run the real ``deskkit`` command and import freshly generated packages."""

from __future__ import annotations

import dataclasses
import importlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def deskkit(*args: str, cwd: Path | None = None, stdin: str | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the installed ``deskkit`` console script as a user would (in this process under mutation testing:
    ``DESKKIT_TEST_IN_PROCESS=1``, so the mutated modules are the ones run and mutmut sees which tests reach them)."""
    if os.environ.get("DESKKIT_TEST_IN_PROCESS") == "1":
        return _in_process(list(args), cwd or ROOT, stdin, env or {})
    exe = Path(sys.executable).with_name("deskkit")
    return subprocess.run([str(exe), *args], cwd=cwd or ROOT, input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)


def generated_from(folder: Path, spec_text: str, name: str = "spec.yaml") -> Path:
    """``deskkit generate`` on a spec written to ``folder``: the output folder (the run must succeed)."""
    spec = folder / name
    spec.write_text(spec_text, encoding="utf-8")
    out = folder / "out"
    result = deskkit("generate", "--spec", str(spec), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def import_fresh(folder: Path, package: str) -> ModuleType:
    """Import ``package`` from ``folder``, not from the installed copy of the same name."""
    top = package.split(".")[0]  # (the parent too: left behind, its __path__ led to another test's folder)
    for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]


def _in_process(args: list[str], cwd: Path, stdin: str | None,
                env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``deskkit *args`` through ``generator.cli.main`` here, with its own cwd, environment and standard streams."""
    import contextlib
    import io
    import warnings
    from unittest import mock

    from generator.cli import main

    def stream(data: bytes = b"") -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")

    def text(s: io.TextIOWrapper) -> str:
        s.flush()
        buffer = s.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue().decode("utf-8")

    out, err, into = stream(), stream(), stream((stdin or "").encode("utf-8"))
    # warnings: the report writers never close their spool files (the real command's exit does).
    with warnings.catch_warnings(), contextlib.chdir(cwd), mock.patch.dict(os.environ, env), mock.patch.multiple(
            sys, stdin=into, stdout=out, stderr=err):
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            code = main(args)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        return subprocess.CompletedProcess(["deskkit", *args], code, text(out), text(err))


def typed_state(value: Any) -> Any:
    """Everything a model holds, each scalar with its type (1 and 1.0 are equal, not the same result)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                tuple((f.name, typed_state(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, list):
        return [typed_state(item) for item in value]
    if isinstance(value, dict):
        return {key: typed_state(item) for key, item in value.items()}
    return type(value).__name__, value


def parse_outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """A parse's result as comparable data: the object's typed state and findings, or the problems raised."""
    try:
        result = call()
    except ValueError as exc:  # ContractError
        return "refused", getattr(exc, "problems", str(exc))
    return "parsed", (typed_state(result), result.deviations, result.unknown_fields, result.off_page)


def from_json_outcomes(model: Any, text: bytes) -> list[tuple[str, Any]]:
    """``model.from_json(text)`` strict and tolerant, as :func:`parse_outcome` has them."""
    return [parse_outcome(lambda: model.from_json(text)), parse_outcome(lambda: model.from_json(text, tolerant=True))]


def without_struct_step(model: Any, call: Callable[[], Any]) -> Any:
    """``call()`` with ``model.from_json``'s msgspec step switched off (the path it must agree with)."""
    saved = model.__dict__.get("_json")
    model._json = None
    try:
        return call()
    finally:
        model._json = saved


def narrow_judgement(model: Any, body: bytes) -> Any:
    """The judgement of ``body`` through the narrow structs and walk of ``model``'s package (what the observed
    check tries first), or None where the model has none or its narrow structs refuse the body: the narrow
    path alone, whatever the observed check would choose for it. Everything is taken from the model's own
    package objects, never imported by name (a test may have put another package of that name in place)."""
    walk = model.__dict__.get("_narrow")
    if walk is None:
        return None
    import msgspec

    fast = walk.__globals__  # the package's _fast module
    typed = fast["struct_for"].__wrapped__.__globals__  # its _typed module (struct_for is cached)
    decode = msgspec.json.Decoder(typed["_Narrow"](fast["m"].SCHEMA).struct(model.__name__)).decode
    try:
        structs = decode(body)
    except msgspec.DecodeError:  # (ValidationError is one)
        return None
    cx = typed["Context"]()
    walk(structs, "", cx)
    return cx.judgement()
