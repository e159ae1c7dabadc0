"""The ``deskkit`` command. Each subcommand is a small function; errors print one line, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .errors import DeskkitError
from .load import load_spec

# Each command imports what it needs when it runs: `deskkit validate` should not pay for Jinja2 and
# jsonschema at start-up, nor `deskkit generate` for Hypothesis.
KINDS = ("valid", "quirky", "invalid", "error")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "spec" / "workspace-desktop.openapi.yaml"
DEFAULT_OUT = ROOT / "generated"
DEFAULT_TEMPLATES = ROOT / "templates"


def generate(spec: Path, out: Path, templates: Path, check: bool) -> int:
    from .check_spec import validate_spec
    from .ir import build_api
    from .render import render_all
    from .write import stale_files, write_files

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

    check = sub.add_parser("validate", help="judge captured responses: .json, .jsonl, .har, folders, - (stdin)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--strict", action="store_true", help="also fail when a response needs a quirk")
    check.add_argument("--format", choices=("text", "json", "junit"), default="text")
    check.add_argument("--jobs", type=_positive, default=1, help="worker processes (default 1)")
    check.add_argument("--package", default=None, help="generated package (default: the one the spec names)")

    mock = sub.add_parser("mock", help="serve the endpoint on loopback, with faults on demand")
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=int, default=8080, help="0 picks a free port (printed at start)")
    mock.add_argument("--fixtures", type=Path, help="folder of JSON bodies; file name = desktop id")
    mock.add_argument("--seed", type=int, default=0)
    mock.add_argument("--desktops", type=_positive, default=5, help="generated desktops (without --fixtures)")
    mock.add_argument("--quirks", action="store_true", help="generated bodies carry declared quirks")
    mock.add_argument("--token", help="the only X-Auth-Token accepted (default: any non-empty token)")
    mock.add_argument("--ak", help="require AK/SK signatures (SDK-HMAC-SHA256) by this access key ...")
    mock.add_argument("--sk", help="... signed with this secret key")
    for fault, what in (("429", "429 throttling"), ("500", "500"), ("503", "503"), ("502-html", "an HTML 502"),
                        ("slow", "a slow answer"), ("truncate", "a body cut in half")):
        flag = f"--{fault}" if fault in ("slow", "truncate") else f"--fail-{fault}"
        mock.add_argument(flag, dest=f"fault_{fault}", type=_rate, default=0.0, metavar="RATE",
                          help=f"share of requests answered with {what} (0 to 1)")
    mock.add_argument("--fault-limit", type=int, help="inject at most this many faults, then answer normally")
    mock.add_argument("--retry-after", default="1", help="Retry-After sent with an injected 429, or 'none'")
    mock.add_argument("--slow-seconds", type=float, default=2.0)
    mock.add_argument("--package", default=None, help="generated package (default: the one the spec names)")
    return parser


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a rate between 0 and 1, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a rate between 0 and 1, got {value}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def validate(paths: list[str], strict: bool, fmt: str, jobs: int, package: str | None) -> int:
    from .captures import Skipped, check_paths, plan
    from .judge import judge_all, load_bindings
    from .report import Summary, writer

    check_paths(paths)
    package = package or default_package()
    try:
        bindings = load_bindings(package)
    except ImportError as exc:
        raise DeskkitError(f"cannot import the bindings {package!r} ({exc}); run `deskkit generate`") from None
    skipped, summary = Skipped(), Summary()
    out = writer(fmt, sys.stdout, strict)
    progress = Progress()
    for chunk in judge_all(plan(paths, bindings.ENDPOINT, skipped), package, jobs, out.renders):
        summary.add(chunk)
        out.add(chunk)
        progress.tick(chunk.results)
    progress.done()
    summary.skipped, summary.skipped_reasons = skipped.count, skipped.reasons
    out.close(summary)
    failed = summary.verdicts["violation"] + summary.verdicts["unreadable"]
    if strict:
        failed += summary.verdicts["tolerated"]
    return 1 if failed else 0


class Progress:
    """A count on standard error, redrawn at most twice a second, only on a terminal and only once the run
    has taken ``DESKKIT_PROGRESS_AFTER`` seconds (default 2: short runs stay quiet)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.after = float(os.environ.get("DESKKIT_PROGRESS_AFTER", "2"))
        self.count = 0
        self.start = time.monotonic()
        self.shown: float | None = None

    def tick(self, count: int) -> None:
        self.count += count
        if self.enabled:
            now = time.monotonic()
            if now - self.start >= self.after and (self.shown is None or now - self.shown > 0.5):
                rate = self.count / (now - self.start)
                sys.stderr.write(f"\rdeskkit: {self.count:,} responses judged ({rate:,.0f}/s)")
                sys.stderr.flush()
                self.shown = now

    def done(self) -> None:
        if self.enabled and self.shown is not None:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def mock(args: argparse.Namespace) -> int:
    from .mock import FAULTS, MockConfig, serve

    config = MockConfig(
        package=args.package or default_package(), host=args.host, port=args.port, fixtures=args.fixtures,
        seed=args.seed, desktops=args.desktops, quirks=args.quirks, token=args.token,
        faults={fault: getattr(args, f"fault_{fault}") for fault in FAULTS}, fault_limit=args.fault_limit,
        retry_after=None if args.retry_after.lower() == "none" else args.retry_after,
        slow_seconds=args.slow_seconds, ak=args.ak, sk=args.sk,
    )
    if bool(args.ak) != bool(args.sk):
        raise DeskkitError("--ak and --sk go together")
    return serve(config)


def default_package() -> str:
    """The package the default spec generates (its info.x-deskkit-package)."""
    if not DEFAULT_SPEC.is_file():
        raise DeskkitError(f"no spec at {DEFAULT_SPEC} to name the bindings: pass --package NAME")
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
        if args.command == "validate":
            return validate(args.paths, args.strict, args.format, args.jobs, args.package)
        if args.command == "mock":
            return mock(args)
    except DeskkitError as exc:
        print(f"deskkit: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `deskkit validate ... | head` is fine
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
