"""`deskkit mock`: the ASGI app (``app.py``) served over real HTTP by uvicorn.

The first line on standard error says where it serves and which resource ids it holds; then one line per
request. SIGTERM or Ctrl-C stop it cleanly (open connections closed, "stopped", exit status 0).
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import threading
import time
from collections.abc import Callable
from types import FrameType

import uvicorn

from ..contract.report import visible
from ..errors import DeskkitError
from .app import MockApp, create_app, stderr_line
from .config import MockConfig
from .protocol import guarded_protocol

SHOWN_IDS = 10


def serve(config: MockConfig) -> int:
    """Serve until SIGTERM or SIGINT; 0 after a clean stop."""
    sock = listen(config.host, config.port, config.backlog)  # first: a busy port fails before bodies are drawn
    try:
        app = create_app(config, log=stderr_line)
    except BaseException:
        sock.close()
        raise
    server = uvicorn.Server(uvicorn_config(app, config))

    def stop(signum: int, frame: FrameType | None) -> None:
        server.should_exit = True

    # In place before the banner (a caller may signal as soon as it reads it). uvicorn catches SIGTERM and
    # SIGINT while serving and raises them again once stopped: these handlers then take them, so the process
    # ends with status 0 and says so.
    main = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)} if main else {}
    try:
        host, port = sock.getsockname()[:2]
        lines = [f"deskkit mock: serving {url(host, port)} ({banner(app)})"]
        if not is_loopback(host):
            app.warnings.insert(0, f"listening on {host}, reachable from other machines; the mock checks no "
                                   "real credentials (use --host 127.0.0.1)")
        lines += [f"deskkit mock: warning: {warning}" for warning in app.warnings]
        stderr_line("\n".join(lines))  # one write: whoever reads the first line finds the warnings too
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    stderr_line("deskkit mock: stopped")
    return 0


class Running:
    """A mock served from a background thread (``start``): ``url``, ``app`` (ids, request records), ``stop()``."""

    def __init__(self, config: MockConfig, log: Callable[[str], None] | None = None) -> None:
        self._sock = listen(config.host, config.port, config.backlog)
        try:
            self.app = create_app(config, log=log)
        except BaseException:
            self._sock.close()
            raise
        host, port = self._sock.getsockname()[:2]
        self.url = url(host, port)
        self._server = uvicorn.Server(uvicorn_config(self.app, config))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name=f"deskkit-mock-{port}", daemon=True)
        self._thread.start()
        while not self._server.started and self._thread.is_alive():
            time.sleep(0.01)

    def stop(self, timeout: float = 10) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(config: MockConfig, log: Callable[[str], None] | None = None) -> Running:
    """Serve ``config`` from a daemon thread of this process; returns once it accepts connections."""
    return Running(config, log)


def uvicorn_config(app: MockApp, config: MockConfig) -> uvicorn.Config:
    """uvicorn's settings for ``app``: the guarded protocol, uvloop where installed (it halves the CPU per
    request again; asyncio's own loop elsewhere), no logging of its own (the app logs each request)."""
    return uvicorn.Config(
        app, http=guarded_protocol(config.header_timeout, config.max_head, stderr_line), loop="auto",
        ws="none", lifespan="off", log_config=None, log_level="error", access_log=False, server_header=False,
        headers=[("Server", "deskkit-mock")], timeout_keep_alive=config.keep_alive,
        limit_concurrency=config.limit_concurrency, backlog=config.backlog, timeout_graceful_shutdown=5,
    )


def listen(host: str, port: int, backlog: int) -> socket.socket:
    """A listening socket, so the printed port is live before uvicorn takes it over."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise DeskkitError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise DeskkitError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def banner(app: MockApp) -> str:
    """``N desktops: id, id, …`` — the first item operation's ids (the first ten)."""
    ids = app.ids
    shown = ", ".join(map(visible, ids[:SHOWN_IDS])) + (" …" if len(ids) > SHOWN_IDS else "")  # (file names)
    return f"{len(ids)} desktops: {shown}"
