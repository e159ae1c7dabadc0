"""The ``deskkit`` command: arguments and dispatch only. Errors print one line, never a traceback.

Each command imports what it needs when it runs: ``deskkit validate`` should not pay for Jinja2 and
jsonschema at start-up, nor ``deskkit generate`` for Hypothesis.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from .cache import cache_folder
from .errors import DeskkitError, SpecError

KINDS = ("valid", "quirky", "invalid", "error")
FAULTS = ("429", "500", "503", "502-html", "slow", "truncate")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deskkit", description="Schema-first bindings and contract tests.")
    sub = parser.add_subparsers(dest="command", required=True)
    package_help = "generated package (default: $DESKKIT_PACKAGE, else the bindings installed with deskkit)"
    gen = sub.add_parser("generate", help="render the bindings from the spec")
    gen.add_argument("--spec", type=Path, help="OpenAPI 3.1 spec, YAML or JSON (default: the one in spec/)")
    gen.add_argument("--out", type=Path, help="folder that receives the package (default: generated/)")
    gen.add_argument("--templates", type=Path, help=argparse.SUPPRESS)
    gen.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff when stale")

    samples = sub.add_parser("samples", help="write payloads from the generated strategies as JSON Lines")
    samples.add_argument("--kind", choices=KINDS, required=True)
    samples.add_argument("--count", type=_sample_count, default=10, help="how many (1 to 100,000; default 10)")
    samples.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    samples.add_argument("--out", type=Path, help="file to write (default: standard output)")
    samples.add_argument("--package", help=package_help)

    check = sub.add_parser("validate", help="judge captured responses: .json, .jsonl, .har, folders, - (stdin)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--strict", action="store_true", help="also fail when a response needs a quirk")
    check.add_argument("--format", choices=("text", "json", "junit"), default="text")
    check.add_argument("--jobs", type=_jobs, default=1, help="worker processes (default 1)")
    check.add_argument("--dask", metavar="ADDRESS", help="judge on the Dask cluster whose scheduler is at ADDRESS "
                       "(tcp://host:8786) instead of local processes; JSON Lines paths must be readable by the "
                       "workers")
    check.add_argument("--operation", metavar="OPERATION_ID",
                       help="operation plain .json/.jsonl bodies answer (default: the spec's first; HAR entries "
                            "are matched by method and path)")
    check.add_argument("--package", help=package_help)

    diff = sub.add_parser("diff", help="what a spec change breaks, for strict and tolerant clients and for "
                          "captures already judged")
    diff.add_argument("old", metavar="OLD", help="the spec before: a file, or git:REV:PATH (read with git)")
    diff.add_argument("new", metavar="NEW", help="the spec after: a file, or git:REV:PATH")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.add_argument("--fail-on", choices=("breaking", "any", "none"), default="breaking",
                      help="exit 1 when a change breaks an audience (default), when there is any change, or never")
    diff.add_argument("--audience", type=_audiences, default=("strict", "tolerant", "captures"),
                      metavar="LIST", help="audiences --fail-on breaking looks at, comma-separated "
                      "(default: strict,tolerant,captures)")

    suggest = sub.add_parser("suggest", help="propose spec changes from captured responses, with evidence")
    suggest.add_argument("paths", nargs="+", metavar="PATH", help="captures, read as `deskkit validate` reads them")
    suggest.add_argument("--spec", type=Path, help="the spec to propose changes to (default: the one in spec/); "
                         "without --package, the captures are judged against bindings generated from it")
    suggest.add_argument("--package", help=package_help)
    suggest.add_argument("--min-count", type=_positive, default=1, metavar="N",
                         help="propose only what at least N responses showed (default 1)")
    suggest.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    suggest.add_argument("--patch", type=Path, metavar="OUT.json", help="write the proposals as a JSON Patch "
                         "(RFC 6902) against the spec")
    suggest.add_argument("--apply", type=Path, metavar="OUT.yaml", help="write the spec with the patch applied, "
                         "every line it does not touch kept as it is")
    suggest.add_argument("--operation", metavar="OPERATION_ID",
                         help="operation plain .json/.jsonl bodies answer (as for validate)")
    suggest.add_argument("--as", dest="as_", choices=("known", "documented"), default="known",
                         help="propose fields and enum values as known off the page from captures "
                         "(x-deskkit-known, the default), or as documented (for whoever owns the page)")

    mock = sub.add_parser("mock", help="serve the spec's operations on loopback, with faults on demand")
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=_port, default=8080, help="0 picks a free port (printed at start)")
    mock.add_argument("--fixtures", type=Path, help="folder of JSON bodies: <id>.json for the first operation, "
                      "<operationId>/<id>.json per operation")
    mock.add_argument("--seed", type=int, default=0)
    mock.add_argument("--desktops", "--resources", dest="resources", type=_resources, default=5,
                      help=f"resources drawn per item operation (those the fixtures do not give; at most "
                           f"{MAX_RESOURCES:,})")
    mock.add_argument("--quirks", action="store_true", help="generated bodies carry declared quirks")
    mock.add_argument("--token", type=_header_value,
                      help="the only X-Auth-Token accepted (default: any non-empty token)")
    mock.add_argument("--ak", help="require AK/SK signatures (SDK-HMAC-SHA256) by this access key ...")
    mock.add_argument("--sk", help="... signed with this secret key")
    for fault, what in (("429", "429 throttling"), ("500", "500"), ("503", "503"), ("502-html", "an HTML 502"),
                        ("slow", "a slow answer"), ("truncate", "a body cut in half")):
        flag = f"--{fault}" if fault in ("slow", "truncate") else f"--fail-{fault}"
        mock.add_argument(flag, dest=f"fault_{fault}", type=_rate, default=0.0, metavar="RATE",
                          help=f"share of requests answered with {what} (0 to 1)")
    mock.add_argument("--fault-limit", type=int, help="inject at most this many faults, then answer normally")
    mock.add_argument("--retry-after", type=_retry_after, default="1",
                      help="Retry-After sent with an injected 429 (seconds or an HTTP date), or 'none'")
    mock.add_argument("--slow-seconds", type=_seconds, default=2.0)
    mock.add_argument("--header-timeout", type=_seconds, default=10.0,
                      help="close a connection whose request head is not complete after this (default 10)")
    mock.add_argument("--body-timeout", type=_seconds, default=10.0,
                      help="answer 408 when a declared request body has not arrived after this (default 10)")
    mock.add_argument("--keep-alive", type=_positive, default=5, help="idle seconds before closing (default 5)")
    mock.add_argument("--limit-concurrency", type=_positive, default=10_000,
                      help="connections beyond this get 503 (default 10000)")
    mock.add_argument("--package", help=package_help)
    return parser


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a rate between 0 and 1, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a rate between 0 and 1, got {value}")
    return value


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds of at least 0, got {text!r}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


#: ``--jobs`` past this many processes per CPU only adds start-up and memory (and a very large number would
#: fork for minutes): refused as a usage error.
JOBS_PER_CPU = 8


def _jobs(text: str) -> int:
    value = _positive(text)
    most = JOBS_PER_CPU * (os.cpu_count() or 1)
    if value > most:
        raise argparse.ArgumentTypeError(f"expected at most {most} ({JOBS_PER_CPU} per CPU here), got {value}")
    return value


def _at_most(most: int, hint: str = "") -> Callable[[str], int]:
    """An argument type: a whole number from 1 to ``most``."""
    def parse(text: str) -> int:
        value = _positive(text)
        if value > most:
            raise argparse.ArgumentTypeError(f"expected at most {most:,}{hint}, got {value}")
        return value
    return parse


#: ``--desktops``: each is drawn at start-up and kept in memory (100 million took 1.2 GB and never served).
MAX_RESOURCES = 100_000
_resources = _at_most(MAX_RESOURCES)
#: ``samples --count``: Hypothesis remembers every example of a run to avoid repeats (memory grows with it).
MAX_SAMPLES = 100_000
_sample_count = _at_most(MAX_SAMPLES, " (run again with other seeds for more)")


def _header_value(text: str) -> str:
    """A value a client can send in a header (RFC 9110: visible ASCII, spaces and tabs inside; no line breaks)."""
    if text and text == text.strip(" \t") and all(32 <= ord(c) < 127 or c == "\t" for c in text):
        return text
    raise argparse.ArgumentTypeError("expected a header value: visible ASCII characters, not empty, no line break "
                                     "or control character, no space at either end")


def _retry_after(text: str) -> str:
    """``--retry-after``: RFC 9110's delay-seconds (a whole number, 0 or more) or HTTP-date, or ``none``."""
    from .mock.config import retry_after_ok

    if text.lower() == "none" or retry_after_ok(text):
        return text
    raise argparse.ArgumentTypeError(f"expected seconds (a whole number, 0 or more), an HTTP date or 'none', "
                                     f"got {text!r}")


def _audiences(text: str) -> tuple[str, ...]:
    known = ("strict", "tolerant", "captures")
    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [part for part in chosen if part not in known]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(known)}, got {text!r}")
    return chosen


def _package(args: argparse.Namespace) -> str:
    from .contract.bindings import default_package

    return str(args.package) if args.package else default_package()


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("samples", "mock"):
        with _hypothesis_storage_aside():
            return _run(args)
    return _run(args)


@contextlib.contextmanager
def _hypothesis_storage_aside() -> Iterator[None]:
    """A command that draws (samples, mock) is no test run: Hypothesis's cache of the constants it reads in
    source files went to ``.hypothesis/`` in the current folder. Unless the user has chosen a folder for it
    (``HYPOTHESIS_STORAGE_DIRECTORY``), it goes to deskkit's cache folder (with caching off, a temporary one)."""
    if "HYPOTHESIS_STORAGE_DIRECTORY" in os.environ:
        yield
        return
    with contextlib.ExitStack() as stack:
        folder = cache_folder("hypothesis") or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="deskkit-hypothesis-"))
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(folder)
        try:
            yield
        finally:
            del os.environ["HYPOTHESIS_STORAGE_DIRECTORY"]


def _run(args: argparse.Namespace) -> int:
    if args.command == "generate":
        from .codegen import generate

        return generate(args.spec, args.out, args.check, args.templates)
    if args.command == "samples":
        from .contract.samples import samples

        return samples(_package(args), args.kind, args.count, args.seed, args.out)
    if args.command == "validate":
        from .contract.validate import validate

        return validate(args.paths, args.strict, args.format, args.jobs, _package(args), args.operation, args.dask)
    if args.command == "diff":
        from .contract.diff import diff

        return diff(args.old, args.new, args.format, args.fail_on, args.audience)
    if args.command == "suggest":
        from .contract.suggest import suggest

        # --spec without --package: judged against bindings generated from that spec, not the installed ones
        return suggest(args.paths, args.spec, args.package, args.min_count, args.format, args.patch, args.apply,
                       args.operation, documented=args.as_ == "documented")
    from .mock.config import MockConfig

    config = MockConfig(
        package=_package(args), host=args.host, port=args.port, fixtures=args.fixtures, seed=args.seed,
        resources=args.resources, quirks=args.quirks, token=args.token,
        faults={fault: getattr(args, f"fault_{fault}") for fault in FAULTS}, fault_limit=args.fault_limit,
        retry_after=None if args.retry_after.lower() == "none" else args.retry_after,
        slow_seconds=args.slow_seconds, ak=args.ak, sk=args.sk, header_timeout=args.header_timeout,
        body_timeout=args.body_timeout, keep_alive=args.keep_alive, limit_concurrency=args.limit_concurrency,
    )
    config.check()  # before importing the server: a bad setting is one line, fast
    from .mock.server import serve

    return serve(config)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except DeskkitError as exc:
        stopped = _stopped(exc)  # (an error raised while a stop was on its way out is the stop: below too)
        if stopped is not None:
            return stopped
        print(f"deskkit: {_shown(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C; SIGTERM during validate or samples (a Terminated: 143)
        return int(getattr(exc, "status", 130))
    except BrokenPipeError:  # `deskkit validate ... | head` is fine
        _quiet_stdout()
        return 0
    except Exception as exc:
        stopped = _stopped(exc)
        if stopped is not None and not os.environ.get("DESKKIT_TRACEBACK"):
            return stopped
        if isinstance(exc, OSError):  # what was read is handled where it is read: this is the output (a full disk)
            _quiet_stdout()
            print(f"deskkit: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
            return 2
        # a bug: one line and its own status (1 would read as "breaking" or "violations")
        if os.environ.get("DESKKIT_TRACEBACK"):
            raise
        print(f"deskkit: internal error: {type(exc).__name__} at {_where(exc)} (a bug in deskkit: please report "
              "it with the input; DESKKIT_TRACEBACK=1 prints the traceback)", file=sys.stderr)
        return 3


def _stopped(exc: BaseException) -> int | None:
    """The exit status of the Ctrl-C or SIGTERM that ``exc`` was raised while handling, if any: a library
    that catches the interrupt and raises its own error (or an error in the clean-up it triggers) does not
    turn a stop into a failure."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return int(getattr(cause, "status", 130))
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _shown(exc: DeskkitError) -> str:
    """The error's lines, each once (OLD and NEW may be one bad file), with what a terminal would act on in a
    name or pointer from the spec (a newline, U+2028, a bidirectional control) as a visible escape."""
    from .contract.report import visible

    lines = [str(issue) for issue in exc.issues] if isinstance(exc, SpecError) else str(exc).split("\n")
    return "\n".join(dict.fromkeys(visible(line) for line in lines))


def _where(exc: BaseException) -> str:
    """The file and line that raised ``exc`` (its message is left out: it may quote the input)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for it would fail again as Python exits."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run() -> NoReturn:
    """The ``deskkit`` command: :func:`main`, then the process ends. What is still alive is frozen first
    (``gc.freeze``): the collection Python runs as it exits would otherwise walk every object left, to free
    what is about to be given back to the system anyway (a fifth of a one-line ``validate``, 25 ms)."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
