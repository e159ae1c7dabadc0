"""`deskkit mock`: the endpoint served over real HTTP on loopback, to test clients against.

Desktops come from a folder of JSON bodies (file name = desktop id) or are drawn from the generated
strategies with a seed. Auth and unknown desktops answer as the real API gateway does; faults (429, 500,
503, an HTML 502, a slow answer, a truncated body) are injected at chosen rates, deterministically per seed.
"""

from __future__ import annotations

import hmac
import importlib
import json
import random
import re
import signal
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..contract.captures import path_matcher
from ..errors import DeskkitError

AUTHORIZATION = re.compile(r"^SDK-HMAC-SHA256 Access=(?P<access>[^,\s]+), SignedHeaders=(?P<signed>[^,\s]+), "
                           r"Signature=(?P<signature>[0-9a-f]{64})$")
FAULTS = ("429", "500", "503", "502-html", "slow", "truncate")
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


@dataclass
class MockConfig:
    package: str
    host: str = "127.0.0.1"
    port: int = 8080
    fixtures: Path | None = None
    seed: int = 0
    desktops: int = 5
    quirks: bool = False
    token: str | None = None
    faults: dict[str, float] = field(default_factory=dict)
    fault_limit: int | None = None
    retry_after: str | None = "1"
    slow_seconds: float = 2.0
    ak: str | None = None
    sk: str | None = None


def gateway_error(code: str, message: str, request_id: str) -> bytes:
    return json.dumps({"error_code": code, "error_msg": message, "request_id": request_id}).encode()


def load_fixtures(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        raise DeskkitError(f"--fixtures: no such folder: {folder}")
    bodies = {path.stem: path.read_bytes() for path in sorted(folder.glob("*.json"))}
    if not bodies:
        raise DeskkitError(f"--fixtures: no .json files in {folder}")
    return bodies


def generate_desktops(config: MockConfig) -> dict[str, bytes]:
    """``config.desktops`` bodies drawn from the strategies (quirky ones with --quirks), ids from the seed."""
    from ..contract.samples import draw

    strategies = importlib.import_module(f"{config.package}.strategies")
    strategy = strategies.quirky() if config.quirks else strategies.valid()
    rng = random.Random(config.seed)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(config.desktops)]
    drawn = draw(strategy, config.desktops + 1, config.seed)[1:]  # the first example is the barest
    bodies = {}
    for desktop_id, item in zip(ids, drawn, strict=False):
        payload = item.payload
        inner = payload.get("desktop") if isinstance(payload, dict) else None
        if isinstance(inner, list) and inner and isinstance(inner[0], dict):
            inner = inner[0]
        if isinstance(inner, dict):
            inner["desktop_id"] = desktop_id
        bodies[desktop_id] = json.dumps(payload, ensure_ascii=False).encode()
    return bodies


class Faults:
    """Decides, per request and in a seeded order, which fault (if any) to inject."""

    def __init__(self, rates: dict[str, float], limit: int | None, seed: int) -> None:
        self.rates, self.limit, self.rng, self.lock = rates, limit, random.Random(seed), threading.Lock()
        self.injected = 0

    def pick(self) -> str | None:
        with self.lock:
            if self.limit is not None and self.injected >= self.limit:
                return None
            for fault in FAULTS:
                rate = self.rates.get(fault, 0.0)
                if rate and self.rng.random() < rate:
                    self.injected += 1
                    return fault
            return None


def make_handler(config: MockConfig, bodies: dict[str, bytes], method: str, path_template: str,
                 faults: Faults) -> type[BaseHTTPRequestHandler]:
    pattern = path_matcher(path_template)  # the last path parameter is the desktop id
    signing = importlib.import_module(f"{config.package}.signing") if config.ak else None

    class Handler(BaseHTTPRequestHandler):
        server_version = "deskkit-mock"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per request is written by _send instead

        def _send(self, status: int, body: bytes, request_id: str, started: float,
                  content_type: str = "application/json", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Request-Id", request_id)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            # Logged before the body goes out, so whoever reads the answer also finds its log line.
            elapsed = (time.monotonic() - started) * 1000
            sys.stderr.write(f"deskkit mock: {self.client_address[0]} \"{self.command} {self.path}\" {status} "
                             f"{len(body)}B {elapsed:.1f}ms request-id={request_id}\n")
            sys.stderr.flush()
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            started, request_id = time.monotonic(), uuid.uuid4().hex
            path = urlsplit(self.path).path
            match = pattern.match(path)
            if match is None:
                body = gateway_error("APIGW.0101", "The API does not exist or has not been published in the "
                                     "environment", request_id)
                self._send(404, body, request_id, started)
                return
            refused = self._refuse_signature() if config.ak else self._refuse_token()
            if refused:
                self._send(401, gateway_error("APIGW.0301", refused, request_id), request_id, started)
                return
            fault = faults.pick()
            if fault == "429":
                body = gateway_error("APIGW.0308", "The throttling threshold has been reached: policy user over "
                                     "ratelimit,limit:20,time:1 second", request_id)
                extra = {"Retry-After": config.retry_after} if config.retry_after is not None else {}
                self._send(429, body, request_id, started, headers=extra)
                return
            if fault in ("500", "503"):
                status = int(fault)
                code = "WKS.0001" if status == 500 else "APIGW.0202"
                message = "Internal server error." if status == 500 else "Service unavailable."
                self._send(status, gateway_error(code, message, request_id), request_id, started)
                return
            if fault == "502-html":
                self._send(502, HTML_502, request_id, started, content_type="text/html")
                return
            if fault == "slow":
                time.sleep(config.slow_seconds)
            desktop_id = unquote(match.groups()[-1])
            found = bodies.get(desktop_id)
            if found is None:
                body = gateway_error("WKS.0002", f"The desktop {desktop_id} does not exist.", request_id)
                self._send(404, body, request_id, started)
                return
            self._send(200, found[: len(found) // 2] if fault == "truncate" else found, request_id, started)

        def _refuse_token(self) -> str | None:
            token = self.headers.get("X-Auth-Token")
            if not token or (config.token is not None and token != config.token):
                return "Incorrect IAM authentication information: decrypt token fail"
            return None

        def _refuse_signature(self) -> str | None:
            """Check an SDK-HMAC-SHA256 signature the way the gateway does: same key, same request, fresh date."""
            assert signing is not None and config.sk is not None
            match = AUTHORIZATION.match(self.headers.get("Authorization", ""))
            if match is None or match.group("access") != config.ak:
                return "Incorrect IAM authentication information: AK/SK signature missing or unknown access key"
            sdk_date = self.headers.get("X-Sdk-Date", "")
            try:
                when = datetime.strptime(sdk_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            except ValueError:
                return "Incorrect IAM authentication information: X-Sdk-Date missing or malformed"
            if abs((datetime.now(UTC) - when).total_seconds()) > 15 * 60:
                return "Incorrect IAM authentication information: ak/sk signature expired"
            signed = match.group("signed").split(";")
            if "host" not in signed or "x-sdk-date" not in signed:
                return "Incorrect IAM authentication information: host and x-sdk-date must be signed"
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            canonical = signing.canonical_request(self.command, path, query, self.headers.items(), signed, body)
            expected = signing.sign(config.sk, signing.string_to_sign(canonical, sdk_date))
            if not hmac.compare_digest(expected, match.group("signature")):
                return "Incorrect IAM authentication information: verify aksk signature fail"
            return None

        def _refuse_method(self) -> None:
            request_id = uuid.uuid4().hex
            self._send(405, gateway_error("APIGW.0101", "Method not allowed", request_id), request_id,
                       time.monotonic())

        do_POST = do_PUT = do_DELETE = do_PATCH = _refuse_method

    return Handler


def serve(config: MockConfig) -> int:
    bindings = importlib.import_module(config.package)
    first = bindings.OPERATIONS[0]
    method, path_template = first.method, first.path
    bodies = load_fixtures(config.fixtures) if config.fixtures else generate_desktops(config)
    faults = Faults(config.faults, config.fault_limit, config.seed)
    handler = make_handler(config, bodies, method, path_template, faults)
    try:
        server = ThreadingHTTPServer((config.host, config.port), handler)
    except OSError as exc:
        raise DeskkitError(f"cannot listen on {config.host}:{config.port}: {exc.strerror}") from None
    server.daemon_threads = True
    host, port = str(server.server_address[0]), int(server.server_address[1])
    ids = ", ".join(list(bodies)[:10]) + (" …" if len(bodies) > 10 else "")
    sys.stderr.write(f"deskkit mock: serving http://{host}:{port} ({len(bodies)} desktops: {ids})\n")
    sys.stderr.flush()

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    sys.stderr.write("deskkit mock: stopped\n")
    return 0
