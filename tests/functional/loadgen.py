"""Load on a server over loopback with plain non-blocking sockets and one selector: a client light enough
that what is measured is the server (an asyncio or httpx client costs as much CPU per request as the mock).
Used by the load tests and by tests/benchmarks/bench_mock.py."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int  # 0: no answer (the reason in ``error``)
    seconds: float  # from just before connect to the last byte of the answer
    body: bytes = b""
    error: str = ""


@dataclass
class _Exchange:
    index: int
    pending: bytes
    started: float
    received: bytearray = field(default_factory=bytearray)


def _parse(data: bytes) -> tuple[int, bytes] | None:
    """(status, body) once ``data`` holds a whole answer (Content-Length framed), else None."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[:end].split(b"\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head[1:] if line.lower().startswith(b"content-length:")),
                  0)
    body = data[end + 4:]
    if len(body) < length:
        return None
    return int(head[0].split(b" ", 2)[1]), body[:length]


def request_bytes(host: str, port: int, target: str, headers: dict[str, str] | None = None,
                  method: str = "GET") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def burst(host: str, port: int, targets: list[str], headers: dict[str, str] | None = None,
          timeout: float = 60) -> list[Answer]:
    """All ``targets`` requested at once, each on its own connection; answers in target order."""
    answers: list[Answer | None] = [None] * len(targets)
    selector = selectors.DefaultSelector()
    deadline = time.monotonic() + timeout

    def finish(sock: socket.socket, exchange: _Exchange, answer: Answer) -> None:
        answers[exchange.index] = answer
        selector.unregister(sock)
        sock.close()

    for index, target in enumerate(targets):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        exchange = _Exchange(index, request_bytes(host, port, target, headers), time.perf_counter())
        sock.connect_ex((host, port))
        selector.register(sock, selectors.EVENT_WRITE, exchange)
    left = len(targets)
    while left and time.monotonic() < deadline:
        for key, mask in selector.select(timeout=max(0.0, deadline - time.monotonic())):
            sock, exchange = key.fileobj, key.data
            assert isinstance(sock, socket.socket) and isinstance(exchange, _Exchange)
            try:
                if mask & selectors.EVENT_WRITE:
                    error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if error:
                        raise OSError(error, "connect failed")
                    exchange.pending = exchange.pending[sock.send(exchange.pending):]
                    if not exchange.pending:
                        selector.modify(sock, selectors.EVENT_READ, exchange)
                    continue
                chunk = sock.recv(65536)
                exchange.received += chunk
                parsed = _parse(bytes(exchange.received))
                if parsed is not None:
                    finish(sock, exchange, Answer(parsed[0], time.perf_counter() - exchange.started, parsed[1]))
                    left -= 1
                elif not chunk:
                    raise OSError("closed before a whole answer")
            except OSError as exc:
                finish(sock, exchange, Answer(0, time.perf_counter() - exchange.started, error=str(exc)))
                left -= 1
    for key in list(selector.get_map().values()):
        exchange = key.data
        answers[exchange.index] = Answer(0, time.perf_counter() - exchange.started, error="timed out")
        key.fileobj.close()  # type: ignore[union-attr]
    selector.close()
    return [a for a in answers if a is not None]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Slowloris:
    """``count`` connections sending a request head one byte every ``interval`` seconds and never finishing
    it, from a background thread. ``closed_by_server`` counts those the server hung up on."""

    def __init__(self, host: str, port: int, count: int, interval: float = 0.5) -> None:
        self.host, self.port, self.count, self.interval = host, port, count, interval
        self.head = f"GET /slow HTTP/1.1\r\nHost: {host}\r\nX-Padding: {'a' * 400}\r\n".encode()
        self.opened = self.closed_by_server = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Slowloris:
        self._thread.start()
        while self.opened < self.count and self._thread.is_alive():
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        sent: dict[socket.socket, int] = {}
        for _ in range(self.count):
            sock = socket.create_connection((self.host, self.port), timeout=10)
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
            sent[sock] = 0
            self.opened += 1
        while sent and not self._stop.is_set():
            for sock in list(sent):
                with contextlib.suppress(OSError):
                    sock.send(self.head[sent[sock] % len(self.head):][:1])
                sent[sock] += 1
            until = time.monotonic() + self.interval
            while not self._stop.is_set() and (wait := until - time.monotonic()) > 0:
                for key, _ in selector.select(timeout=wait):
                    sock = key.fileobj
                    assert isinstance(sock, socket.socket)
                    try:
                        data = sock.recv(4096)
                    except OSError:
                        data = b""
                    if not data:  # the server hung up on it
                        self.closed_by_server += 1
                        selector.unregister(sock)
                        sock.close()
                        del sent[sock]
        for sock in sent:
            sock.close()
        selector.close()
