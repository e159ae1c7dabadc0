"""``deskkit mock``: the spec's operations served over HTTP, with faults on demand.

    config.py    MockConfig: what to serve (package, fixtures, seed, faults, credentials) and the limits
    store.py     what each operation answers: fixtures or drawn bodies, one id store per item path, pages
    auth.py      X-Auth-Token and SDK-HMAC-SHA256 checks (the generated package's own signing functions)
    faults.py    which fault a request gets, by seed
    app.py       create_app(config) -> MockApp, an ASGI app (also in-process: httpx.ASGITransport, .handle)
    protocol.py  uvicorn's h11 protocol plus a request-head deadline and a JSON 400
    server.py    serve(config): uvicorn on a socket, the banner, clean stop on SIGTERM/SIGINT;
                 start(config) -> Running: the same from a background thread (url, app, stop())

The server module imports uvicorn; import it only to serve.
"""

from .app import MockApp, MockRequest, MockResponse, RequestRecord, create_app
from .config import FAULTS, MockConfig

__all__ = ["FAULTS", "MockApp", "MockConfig", "MockRequest", "MockResponse", "RequestRecord", "create_app"]
