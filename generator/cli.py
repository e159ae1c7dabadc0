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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "generate":
            return generate(args.spec, args.out, args.templates, args.check)
    except DeskkitError as exc:
        print(f"deskkit: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
