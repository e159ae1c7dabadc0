"""`deskkit mock` as a real process, spoken to with raw sockets: malformed requests, bodies on keep-alive,
HEAD/OPTIONS/TRACE, slow clients, signals, the listening address."""

from __future__ import annotations

import json
import signal
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from generator.mock import MockConfig
from generator.mock.server import start
from tests.functional.conftest import Mock, finish, launch
from tests.helpers import deskkit
from workspace_desktop.client import WorkspaceClient

GATEWAY_KEYS = {"error_code", "error_msg", "request_id"}


@pytest.fixture(scope="module")
def shared_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    """One mock for the tests that each send it one request (a mock takes seconds to start)."""
    mock = launch(tmp_path_factory.mktemp("shared") / "mock.log")
    yield mock
    finish(mock)


def talk(port: int, data: bytes, *, read_timeout: float = 10) -> bytes:
    """Send ``data`` on a fresh connection and read until the server closes it (or ``read_timeout``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as sock:
        sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
        return received


def answers(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """The HTTP/1.1 answers in ``raw`` (Content-Length framed): status, headers (lower-case), body."""
    found = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        found.append((int(lines[0].split()[1]), headers, rest[:length]))
        raw = rest[length:]
    return found


def gateway_json(body: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(body)
    assert set(data) == GATEWAY_KEYS, data
    return data


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /v2/p/desktops/x HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400),
    (b"GET /v2/p/desktops/x HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", 400),
    (b"GET /v2/p/desktops/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
    (b"GET /v2/p/\x1b[31mred HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    (b"HELLOGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n", 431),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),  # a TLS hello on the plain port
])
def test_malformed_requests_get_a_4xx_json_body_and_an_escaped_log_line(
        shared_mock: Mock, request_bytes: bytes, status: int) -> None:
    mock = shared_mock
    before = mock.log.read_bytes().count(b"(malformed request)")
    ((got, headers, body),) = answers(talk(mock.port, request_bytes))
    assert got == status and headers["content-type"] == "application/json"
    assert headers["connection"] == "close" and gateway_json(body)["request_id"] == headers["x-request-id"]
    assert gateway_json(body)["error_code"] == "APIGW.0201"
    log = mock.log.read_bytes()
    assert b"\x1b" not in log and log.count(b"(malformed request)") == before + 1


def test_a_bad_chunk_in_a_body_and_a_bad_request_behind_a_good_one(shared_mock: Mock) -> None:
    ((status, headers, body),) = answers(talk(shared_mock.port, b"POST /v2/p/desktops/x HTTP/1.1\r\nHost: a\r\n"
                                              b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n"))
    assert status == 400 and headers["connection"] == "close" and gateway_json(body)
    item = f"/v2/p/desktops/{shared_mock.ids[0]}"
    raw = talk(shared_mock.port, f"GET {item} HTTP/1.1\r\nHost: a\r\nX-Auth-Token: t\r\n\r\n".encode()
               + b"GET /\x01 HTTP/1.1\r\n\r\n")
    ((status, headers, body),) = answers(raw)  # the good one answered, then the connection closed
    assert status == 200 and json.loads(body)["desktop"]["desktop_id"] == shared_mock.ids[0]


def test_a_body_shorter_than_declared_gets_408_and_does_not_block(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--body-timeout", "1")
    started = time.monotonic()
    raw = talk(mock.port, f"POST /v2/p/desktops/{mock.ids[0]} HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n"
                          "X-Auth-Token: t\r\n\r\nabc".encode())
    ((status, headers, body),) = answers(raw)
    assert status == 408 and headers["connection"] == "close" and gateway_json(body)
    assert time.monotonic() - started < 8


def test_a_request_body_is_read_so_keep_alive_stays_in_step(start_mock: Callable[..., Mock]) -> None:
    """http.server left the body unread, so ``HELLO`` became the next request's method (501 'HELLOGET')."""
    mock = start_mock()
    item = f"/v2/p/desktops/{mock.ids[0]}"
    raw = talk(mock.port, (f"POST {item} HTTP/1.1\r\nHost: a\r\nX-Auth-Token: t\r\nContent-Length: 5\r\n\r\nHELLO"
                           f"GET {item} HTTP/1.1\r\nHost: a\r\nX-Auth-Token: t\r\nConnection: close\r\n\r\n").encode())
    (first, _, _), (second, _, body) = answers(raw)
    assert (first, second) == (405, 200)
    assert json.loads(body)["desktop"]["desktop_id"] == mock.ids[0]


def test_head_options_trace_on_the_wire(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock()
    item = f"/v2/p/desktops/{mock.ids[0]}"
    raw = talk(mock.port, "".join(f"{method} {item} HTTP/1.1\r\nHost: a\r\nX-Auth-Token: t\r\n\r\n"
                                  for method in ("HEAD", "OPTIONS", "TRACE", "GET")).encode()
               + f"DELETE {item} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".encode())
    # HEAD carries the length of the GET body but no body, so frame it by hand.
    head_end = raw.index(b"\r\n\r\n") + 4
    head = raw[:head_end].decode()
    rest = answers(raw[head_end:])
    assert head.startswith("HTTP/1.1 200") and "content-length: " in head.lower()
    assert [status for status, _, _ in rest] == [204, 405, 200, 405]
    assert rest[0][1]["allow"] == rest[1][1]["allow"] == "GET, HEAD, OPTIONS"
    assert gateway_json(rest[1][2])["error_code"] == "APIGW.0101"
    assert int(head.lower().split("content-length: ")[1].split("\r\n")[0]) == len(rest[2][2])


def test_a_connection_that_never_finishes_its_head_is_closed(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--header-timeout", "1")
    with socket.create_connection(("127.0.0.1", mock.port), timeout=10) as slow:
        slow.sendall(b"GET /v2/p/desktops/x HTTP/1.1\r\nHost: a\r\n")
        started = time.monotonic()
        # Meanwhile others are served.
        (status, _, _), = answers(talk(mock.port, f"GET /v2/p/desktops/{mock.ids[0]} HTTP/1.1\r\nHost: a\r\n"
                                                  "X-Auth-Token: t\r\nConnection: close\r\n\r\n".encode()))
        assert status == 200
        assert slow.recv(100) == b""  # closed by the server, without an answer
    assert 0.5 < time.monotonic() - started < 5


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signals_stop_it_cleanly_with_a_connection_open(start_mock: Callable[..., Mock], sig: int) -> None:
    mock = start_mock()
    with socket.create_connection(("127.0.0.1", mock.port)) as idle:
        idle.sendall(b"GET /v2/p/desktops/x HTTP/1.1\r\n")  # a request half sent
        mock.process.send_signal(sig)
        assert mock.process.wait(timeout=15) == 0
    text = mock.log.read_text()
    assert text.rstrip().endswith("deskkit mock: stopped") and "Traceback" not in text


def test_stopping_during_a_slow_answer_answers_it_and_prints_no_traceback(start_mock: Callable[..., Mock]) -> None:
    """uvicorn cancels what is still running once its grace (5 s) is over: the slow fault's sleep raised the
    cancellation into the app, logged as "Exception in ASGI application" with a traceback."""
    mock = start_mock("--slow", "1", "--slow-seconds", "60")
    with socket.create_connection(("127.0.0.1", mock.port)) as waiting:
        waiting.sendall(f"GET /v2/p/desktops/{mock.ids[0]} HTTP/1.1\r\nHost: a\r\nX-Auth-Token: t\r\n"
                        "Connection: close\r\n\r\n".encode())
        time.sleep(0.5)  # the request is in, and waits (nothing is logged until it is answered)
        mock.process.send_signal(signal.SIGTERM)
        assert mock.process.wait(timeout=20) == 0
        answer = waiting.recv(1000)
    text = mock.log.read_text()
    assert answer.startswith(b"HTTP/1.1 503 ") and b"the mock is stopping" in answer
    assert "Traceback" not in text and "Exception in ASGI" not in text and "CancelledError" not in text, text


def test_a_non_loopback_address_is_warned_about(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--host", "0.0.0.0")
    lines = mock.log.read_text().splitlines()
    assert lines[0].startswith("deskkit mock: serving http://0.0.0.0:")
    assert lines[1].startswith("deskkit mock: warning: listening on 0.0.0.0, reachable from other machines")
    ((status, _, _),) = answers(talk(mock.port, f"GET /v2/p/desktops/{mock.ids[0]} HTTP/1.1\r\nHost: a\r\n"
                                                "X-Auth-Token: t\r\nConnection: close\r\n\r\n".encode()))
    assert status == 200
    quiet = start_mock("--host", "127.0.0.1")
    assert "warning" not in quiet.log.read_text()


def test_bad_settings_are_one_line_and_exit_2(start_mock: Callable[..., Mock]) -> None:
    busy = start_mock()
    for args, message in [(["--port", "70000"], "expected a port"), (["--port", str(busy.port)], "cannot listen"),
                          (["--fail-503", "2"], "between 0 and 1"), (["--ak", "A"], "--ak and --sk go together"),
                          (["--fixtures", "/nonexistent/folder"], "no such folder"),
                          (["--header-timeout", "nan"], "seconds")]:
        result = deskkit("mock", *args, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        last = result.stderr.strip().splitlines()[-1]  # argparse prints its usage first
        assert message in last and "Traceback" not in result.stderr


def test_a_mock_served_from_a_background_thread() -> None:
    """``generator.mock.server.start``: what a test fixture needs (a port, the ids, the requests, a stop)."""
    lines: list[str] = []
    with start(MockConfig(package="workspace_desktop", port=0, seed=1), log=lines.append) as running:
        with WorkspaceClient(token="t", base_url=running.url) as c:
            desktop = c.show_desktop_detail("p", running.app.ids[0]).desktop
        assert desktop.desktop_id == running.app.ids[0]  # type: ignore[union-attr]
        ((status, _, _),) = answers(talk(int(running.url.rsplit(":", 1)[1]), b"GET /x HTTP/1.1\r\nHost: a\r\n"
                                                                            b"Connection: close\r\n\r\n"))
        assert status == 404
    assert [r.status for r in running.app.requests] == [200, 404] and len(lines) == 2
    with pytest.raises(httpx.ConnectError):
        httpx.get(running.url)
