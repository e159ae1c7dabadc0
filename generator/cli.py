"""The ``deskkit`` command. Each subcommand is a small function; errors print one line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import DeskkitError
from .ir import build_api
from .load import load_spec
from .render import render_all
from .samples import KINDS
from .validate import validate_spec
from .write import stale_files, write_files

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "spec" / "workspace-desktop.openapi.yaml"
DEFAULT_OUT = ROOT / "generated"
DEFAULT_TEMPLATES = ROOT / "templates"


def generate(spec: Path, out: Path, templates: Path, check: bool) -> int:
    loaded = load_spec(spec)
    validate_spec(loaded)
    rendered = render_all(build_api(loaded), templates)
    if check:
        stale, diff = stale_files(rendered, out)
        if stale:
            sys.stdout.write(diff)
            print(f"deskkit: {len(stale)} generated file(s) are stale; run `deskkit generate`", file=sys.stderr)
            return 1
        print(f"deskkit: {out} is up to date ({len(rendered)} files)", file=sys.stderr)
        return 0
    written = write_files(rendered, out)
    print(f"deskkit: wrote {len(written)} of {len(rendered)} files under {out}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deskkit", description="Schema-first bindings and contract tests.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="render the bindings from the spec")
    gen.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="OpenAPI 3.1 spec (YAML or JSON)")
    gen.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder that receives the package")
    gen.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES, help=argparse.SUPPRESS)
    gen.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff when stale")

    samples = sub.add_parser("samples", help="write payloads from the generated strategies as JSON Lines")
    samples.add_argument("--kind", choices=KINDS, required=True)
    samples.add_argument("--count", type=_positive, default=10)
    samples.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    samples.add_argument("--out", type=Path, help="file to write (default: standard output)")
    samples.add_argument("--package", default=None, help="generated package (default: the one the spec names)")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def default_package() -> str:
    """The package the default spec generates (its info.x-deskkit-package)."""
    return str(load_spec(DEFAULT_SPEC).data.get("info", {}).get("x-deskkit-package", "bindings"))


def samples(kind: str, count: int, run_seed: int, out: Path | None, package: str | None) -> int:
    from .samples import write_samples  # imports Hypothesis: only for this command

    package = package or default_package()
    if out is None:
        write_samples(package, kind, count, run_seed, sys.stdout)
        return 0
    try:
        with out.open("w", encoding="utf-8", newline="\n") as handle:
            write_samples(package, kind, count, run_seed, handle)
    except OSError as exc:
        raise DeskkitError(f"cannot write {out}: {exc.strerror}") from None
    print(f"deskkit: wrote {count} {kind} samples to {out}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "generate":
            return generate(args.spec, args.out, args.templates, args.check)
        if args.command == "samples":
            return samples(args.kind, args.count, args.seed, args.out, args.package)
    except DeskkitError as exc:
        print(f"deskkit: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
