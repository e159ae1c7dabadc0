"""uvicorn's httptools protocol, plus what it lacks for a mock facing hostile clients.

- **A request-head deadline.** uvicorn's ``timeout_keep_alive`` only covers idle time between requests and
  restarts on every byte, so a client sending its head one byte at a time holds a connection for ever
  (slowloris; uvicorn issue #157 lists ``--timeout-request-start`` as not done). Here a connection whose
  request head is not complete ``header_timeout`` seconds after it opened (or after its previous answer)
  is closed.
- **A bound on the head's size.** httptools has none (``h11_max_incomplete_event_size`` is h11's only):
  a head still incomplete after ``max_head`` bytes gets a 431 and the connection is closed.
- **JSON errors.** A request the parser refuses (``Content-Length: abc``, a control character in the path,
  an unknown method) gets the gateway's error body instead of uvicorn's plain text, and a log line.

Everything else (parsing, keep-alive, pipelining, flow control, HEAD) is uvicorn's and httptools'
(llhttp, the parser of Node.js). httptools rather than h11: it halves the mock's CPU per request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .app import gateway_error, log_line, new_request_id

REASONS = {400: b"Bad Request", 431: b"Request Header Fields Too Large"}


class HeadTooLarge(Exception):
    """Raised in a parser callback to stop parsing a head beyond ``max_head`` bytes."""


def guarded_protocol(header_timeout: float, max_head: int, log: Callable[[str], None]) -> type[asyncio.Protocol]:
    """An ``HttpToolsProtocol`` subclass for ``uvicorn.Config(http=...)``."""

    class GuardedProtocol(HttpToolsProtocol):
        _head_timer: asyncio.TimerHandle | None = None
        _head_pending = False  # between a connection or answer and the next complete request head
        _head_bytes = 0  # received while the head is pending (counts a head still arriving)
        _parsed_head = 0  # request line and headers parsed so far (counts a head that arrived whole)
        _head_too_large = False

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._await_head()

        def data_received(self, data: bytes) -> None:
            if self._head_pending:
                self._head_bytes += len(data)
            super().data_received(data)
            if self._head_pending and self._head_bytes > max_head and not self.transport.is_closing():
                self._refuse(431, "Request header fields too large.")

        def on_message_begin(self) -> None:
            self._parsed_head = 0
            super().on_message_begin()

        def on_url(self, url: bytes) -> None:
            self._count_head(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count_head(len(name) + len(value) + 4)
            super().on_header(name, value)

        def _count_head(self, size: int) -> None:
            """A head that arrived whole but too large: raising in a parser callback makes httptools fail
            the parse, and uvicorn calls send_400_response (answered as 431 below)."""
            self._parsed_head += size
            if self._parsed_head > max_head:
                self._head_too_large = True
                raise HeadTooLarge

        def on_headers_complete(self) -> None:
            self._head_pending = False
            self._disarm()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            waiting = not self.pipeline  # else a pipelined request, its head already read, starts now
            super().on_response_complete()
            if waiting and not self.transport.is_closing():
                self._await_head()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def send_400_response(self, msg: str) -> None:
            if self._head_too_large:
                self._refuse(431, "Request header fields too large.")
            else:
                self._refuse(400, "API request error: malformed HTTP request.")

        def _refuse(self, status: int, message: str) -> None:
            """Answer ``status`` with the gateway's body and close. Only when no answer can be under way: no
            request in flight, or one whose body is still arriving (the app reads a body whole before it
            answers; a bad chunk ends it here). Otherwise (a bad request pipelined behind a good one) the
            good one is answered, then the connection closed."""
            self._disarm()
            cycle = self.cycle
            if cycle is None or cycle.response_complete or (cycle.more_body and not cycle.response_started):
                request_id = new_request_id()
                body = gateway_error("APIGW.0201", message, request_id)
                client = self.client[0] if self.client else "-"
                log(log_line(client, "-", "(malformed request)", status, len(body), 0.0, request_id))
                self.transport.write(b"".join([
                    b"HTTP/1.1 %d %s\r\n" % (status, REASONS[status]),
                    *(name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers),
                    b"content-type: application/json\r\ncontent-length: %d\r\n" % len(body),
                    b"x-request-id: %s\r\nconnection: close\r\n\r\n" % request_id.encode(), body,
                ]))
                self.transport.close()
            else:
                cycle.keep_alive = False  # uvicorn closes once this answer is out
                self.transport.pause_reading()  # the parser has failed: read nothing more

        def _await_head(self) -> None:
            self._head_pending, self._head_bytes = True, 0
            self._disarm()
            self._head_timer = self.loop.call_later(header_timeout, self._head_timed_out)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            idle = self.cycle is None or self.cycle.response_complete
            if self._head_pending and idle and not self.transport.is_closing():
                self.transport.close()

    return GuardedProtocol
