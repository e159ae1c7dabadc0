"""A loopback HTTP server that answers the client the way a hostile or broken service would.

The last path segment (the desktop id, for the client) names the behaviour; settings ride in earlier segments
of the base URL (``http://host:port/size=1048576``), so the suite uses small sizes and
``tests/benchmarks/bench_client_limits.py`` the issue's (1 GiB). Bodies are produced lazily, chunk by chunk: a
1 GiB answer costs the server nothing. Every request is recorded (path and headers), so a test can tell what
reached which host.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote_plus, urlsplit

CHUNK = 64 * 1024


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class Hostile:
    """A running server: its base URL and what it received."""

    url: str
    seen: list[Seen] = field(default_factory=list)
    #: Where /redirect-away points (another host); set by the test.
    away: str = "http://127.0.0.2:9"
    server: ThreadingHTTPServer | None = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def zeros(size: int) -> Iterator[bytes]:
    block = bytes(CHUNK)
    while size > 0:
        yield block[: min(size, CHUNK)]
        size -= CHUNK


def gzip_of_zeros(size: int) -> Iterator[bytes]:
    """A gzip stream of ``size`` zero bytes, compressed as it is sent (1 GiB -> about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for block in zeros(size):
        out = packer.compress(block)
        if out:
            yield out
    yield packer.flush()


def _handler(state: Hostile) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            segments = urlsplit(self.path).path.strip("/").split("/")
            state.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            query = dict(segment.split("=", 1) for segment in segments if "=" in segment)
            route = segments[-1]
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client stopped reading
                getattr(self, "route_" + route.replace("-", "_"), self.route_ok)(query)

        def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Request-Id", "req-" + self.path.rsplit("/", 1)[-1][:20])
            self.end_headers()
            self.wfile.write(body)

        def chunked(self, chunks: Iterator[bytes], headers: dict[str, str] | None = None) -> None:
            self.send_response(200)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("X-Request-Id", "req-chunked")
            self.end_headers()
            for chunk in chunks:
                if chunk:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")

        def route_ok(self, query: dict[str, str]) -> None:
            self.send(200, json.dumps({"desktop": {"desktop_id": "d"}}).encode())

        def route_big(self, query: dict[str, str]) -> None:
            """A body of ``size`` bytes, declared with Content-Length (or not, with ``?declared=0``)."""
            size = int(query.get("size", 1 << 30))
            if query.get("declared") == "0":
                self.chunked(zeros(size))
                return
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.send_header("X-Request-Id", "req-big")
            self.end_headers()
            for block in zeros(size):
                self.wfile.write(block)

        def route_endless(self, query: dict[str, str]) -> None:
            def forever() -> Iterator[bytes]:
                while True:
                    yield b" " * CHUNK
            self.chunked(forever())

        def route_bomb(self, query: dict[str, str]) -> None:
            self.chunked(gzip_of_zeros(int(query.get("size", 1 << 30))), {"Content-Encoding": "gzip"})

        def route_drip(self, query: dict[str, str]) -> None:
            """A 100-byte JSON body, one byte every ``every`` seconds."""
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.send_header("X-Request-Id", "req-drip")
            self.end_headers()
            self.wfile.flush()
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(float(query.get("every", 1)))

        def route_bad_gzip(self, query: dict[str, str]) -> None:
            self.send(200, b"\x1f\x8b not really gzip", {"Content-Encoding": "gzip"})

        def route_brotli(self, query: dict[str, str]) -> None:
            self.send(200, b"\x0b\x02\x80{}\x03", {"Content-Encoding": "br"})

        def route_redirect_away(self, query: dict[str, str]) -> None:
            self.send(301, b"", {"Location": state.away + "/v2/p/desktops/stolen"})

        def _credentials(self) -> str:
            return " ".join(self.headers.get(name, "") for name in ("X-Auth-Token", "X-Security-Token"))

        def route_echo_json(self, query: dict[str, str]) -> None:
            """A 401 whose error message quotes the credentials it was sent (a careless gateway)."""
            sent = self._credentials()
            body = {"error_code": "APIGW." + sent, "error_msg": f"token {sent} is not valid", "request_id": sent}
            self.send(401, json.dumps(body).encode())

        def route_echo_text(self, query: dict[str, str]) -> None:
            self.send(401, f"<html>bad token {self._credentials()}</html>".encode())

        def route_echo_redirect(self, query: dict[str, str]) -> None:
            self.send(302, b"", {"Location": "/login?token=" + quote_plus(self._credentials())})

        def route_echo_escaped(self, query: dict[str, str]) -> None:
            """JSON whose slashes are escaped (``\\/``, as PHP and some Java services write them)."""
            sent = self._credentials()
            body = json.dumps({"error_code": "APIGW.0301", "error_msg": f"token {sent} is not valid",
                               "detail": sent}).replace("/", "\\/")
            self.send(401, body.encode())

        def route_loop(self, query: dict[str, str]) -> None:
            self.send(302, b"", {"Location": self.path})

        def route_soon_ish(self, query: dict[str, str]) -> None:
            if sum(s.path == self.path for s in state.seen) == 1:
                self.send(503, b'{"error_code": "X", "error_msg": "busy"}', {"Retry-After": "soon-ish"})
            else:
                self.route_ok(query)

        def route_huge_int(self, query: dict[str, str]) -> None:
            self.send(200, b'{"desktop": {"desktop_id": "d", "x": 1' + b"0" * 5000 + b"}}")

        def route_long_message(self, query: dict[str, str]) -> None:
            message = "\x1b[31m" + "m" * int(query.get("size", 1 << 20))
            body = json.dumps({"error_code": "WKS.0001", "error_msg": message, "request_id": "body-id"})
            self.send(400, body.encode())

    return Handler


def start(host: str = "127.0.0.1") -> Hostile:
    state = Hostile(url="")
    server = ThreadingHTTPServer((host, 0), _handler(state))
    server.daemon_threads = True
    state.server, state.url = server, f"http://{host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    return state
