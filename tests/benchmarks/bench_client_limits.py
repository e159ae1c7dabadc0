"""The client against the issue's hostile answers, at full size (run by hand).

    python -m tests.benchmarks.bench_client_limits [--size-mib 1024] [--plain-mib 256]

A loopback server (tests/hostile/server.py, bodies made lazily) serves: a 1 GiB body with Content-Length, the
same chunked (no length), an endless chunked body, a gzip stream of 1 GiB of zeros (about 1 MB on the wire),
and a body dripping one byte a second. Each case runs in a fresh process (the client with its defaults:
max_response_bytes 32 MiB, plus timeout=3 and deadline=10 for the drip), which reports the error it got, the
seconds until it, and its peak RSS over its RSS just before the call. For contrast, the same bodies at
--plain-mib read by plain ``httpx.get`` (what the client did before: read everything, then look).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from tests.hostile import server

CHILD = r"""
import json, resource, sys, time
import httpx
from workspace_desktop.client import WorkspaceClient
base, desktop_id, options, plain = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4] == "1"
kib = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before, started = kib(), time.monotonic()
try:
    if plain:
        with httpx.Client(timeout=30) as http:
            got = f"read {len(http.get(base + '/v2/p/desktops/' + desktop_id).content)} bytes"
    else:
        with WorkspaceClient(token="t", base_url=base, **options) as client:
            client.show_desktop_detail("p", desktop_id)
            got = "no error"
except Exception as exc:
    got = f"{type(exc).__name__}: {str(exc)[:90]}"
print(json.dumps({"got": got, "seconds": time.monotonic() - started, "before_mib": before / 1024,
                  "peak_mib": kib() / 1024}))
"""


def run(base: str, desktop_id: str, options: dict[str, object], plain: bool = False) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", CHILD, base, desktop_id, json.dumps(options), str(int(plain))],
                         capture_output=True, text=True, timeout=600, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the large bodies (default 1 GiB)")
    parser.add_argument("--plain-mib", type=int, default=256, help="size for the plain-httpx contrast (0: skip)")
    args = parser.parse_args()
    hostile = server.start()
    size = args.size_mib << 20
    cases = [(f"{args.size_mib} MiB, Content-Length", f"/size={size}", "big", {}),
             (f"{args.size_mib} MiB, chunked", f"/size={size}/declared=0", "big", {}),
             ("endless chunked", "/x=1", "endless", {}),
             (f"gzip of {args.size_mib} MiB", f"/size={size}", "bomb", {}),
             ("1 byte/s drip, timeout=3", "/every=1", "drip", {"timeout": 3, "deadline": 10})]
    print(f"{'case':34} {'seconds':>8} {'RSS before':>11} {'peak':>8} {'delta':>8}  error")
    try:
        for name, setting, desktop_id, options in cases:
            r = run(hostile.url + setting, desktop_id, options)
            delta = float(r["peak_mib"]) - float(r["before_mib"])  # type: ignore[arg-type]
            print(f"{name:34} {r['seconds']:8.2f} {r['before_mib']:9.0f} MB {r['peak_mib']:6.0f} MB "
                  f"{delta:6.0f} MB  {r['got']}")
        if args.plain_mib:
            plain = args.plain_mib << 20
            print(f"\nplain httpx.get, {args.plain_mib} MiB (no limit):")
            for name, setting, desktop_id in ((f"{args.plain_mib} MiB body", f"/size={plain}", "big"),
                                              (f"gzip of {args.plain_mib} MiB", f"/size={plain}", "bomb")):
                r = run(hostile.url + setting, desktop_id, {}, plain=True)
                delta = float(r["peak_mib"]) - float(r["before_mib"])  # type: ignore[arg-type]
                print(f"{name:34} {r['seconds']:8.2f} {r['before_mib']:9.0f} MB {r['peak_mib']:6.0f} MB "
                      f"{delta:6.0f} MB  {r['got']}")
    finally:
        hostile.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
