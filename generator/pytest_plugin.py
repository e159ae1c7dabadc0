"""deskkit's pytest plugin (entry point ``pytest11``, installed with deskkit): the mock of your bindings as
fixtures, for testing your own code against the API.

Fixtures (each yields a :class:`MockServer`):

- ``desktop_mock`` (alias ``deskkit_mock``): ``deskkit mock`` on a free loopback port for one test, stopped
  after it; ``desktop_mock_session``: one for the whole session;
- ``desktop_transport`` (alias ``deskkit_transport``): the same app in-process, no port — ``.transport`` for a
  synchronous client (``httpx.MockTransport``), ``.async_transport`` for an async one (``httpx.ASGITransport``);
  ``desktop_transport_session``: one for the whole session.

Settings: the ``deskkit_mock`` marker (``@pytest.mark.deskkit_mock(seed=1, quirks=True, faults={"503": 0.5},
fixtures="bodies")``, any :class:`~generator.mock.config.MockConfig` field; a relative ``fixtures`` folder is
found beside the test file), or indirect parametrization of the fixture with a dict of the same; the session
fixtures take theirs from a ``deskkit_session_config`` fixture you override. The bindings are the CLI's:
``--deskkit-package`` / the ``deskkit_package`` ini option, else ``$DESKKIT_PACKAGE``, else the entry point.

``--deskkit-profile NAME`` loads a Hypothesis profile: ``dev`` (50 examples, no deadline) and ``ci`` (200
examples, derandomized, no database, the failing blob printed) are registered unless a profile of that name
exists (yours, or Hypothesis's own ``ci``, which it loads by itself when ``CI`` is set).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import json
import os
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .errors import DeskkitError

if TYPE_CHECKING:
    import httpx

    from .mock.app import MockApp, RequestRecord
    from .mock.config import MockConfig

MARKER = "deskkit_mock"
#: Settings a test may not choose: where the mock listens is the fixture's business.
FIXED = ("package", "host", "port")
IN_PROCESS_URL = "http://deskkit-mock.invalid"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("deskkit", "deskkit: the mock of your bindings, Hypothesis profiles")
    group.addoption("--deskkit-package", metavar="NAME", help="generated bindings the mock fixtures serve (default: "
                    "the deskkit_package ini option, $DESKKIT_PACKAGE, the bindings installed with deskkit)")
    group.addoption("--deskkit-profile", metavar="NAME", help="load this Hypothesis profile (deskkit registers dev "
                    "and ci unless your conftest did)")
    parser.addini("deskkit_package", "generated bindings the deskkit mock fixtures serve", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(**settings): how the deskkit mock fixtures serve this test "
                            "(seed, quirks, faults, fixtures, resources, token, ...: MockConfig's fields)")
    profile = config.getoption("deskkit_profile")
    if profile:
        load_profile(profile)


def load_profile(name: str) -> None:
    """Register deskkit's profiles where the project has none of that name, then load ``name``."""
    from hypothesis import HealthCheck, settings
    from hypothesis.errors import InvalidArgument

    defaults = {
        "dev": settings(max_examples=50, deadline=None),
        "ci": settings(max_examples=200, deadline=None, derandomize=True, database=None, print_blob=True,
                       suppress_health_check=[HealthCheck.too_slow]),
    }
    for profile, chosen in defaults.items():
        try:
            settings.get_profile(profile)
        except InvalidArgument:
            settings.register_profile(profile, chosen)
    try:
        settings.load_profile(name)
    except InvalidArgument:
        raise pytest.UsageError(f"--deskkit-profile {name}: no Hypothesis profile of that name (deskkit registers "
                                "dev and ci; register others with settings.register_profile)") from None


def package_of(config: pytest.Config) -> str:
    """The bindings, chosen as the CLI chooses them."""
    from .contract.bindings import default_package

    chosen = config.getoption("deskkit_package") or config.getini("deskkit_package")
    return str(chosen) if chosen else default_package()


class MockServer:
    """What the mock fixtures give a test: where it serves, what it serves, what it was asked."""

    def __init__(self, app: MockApp, base_url: str) -> None:
        self.app = app
        self.base_url = base_url
        self._served = 0

    @property
    def config(self) -> MockConfig:
        return self.app.config

    @property
    def ids(self) -> list[str]:
        """The resource ids of the first item operation (``GET .../desktops/{desktop_id}``)."""
        return self.app.ids

    def ids_of(self, operation_id: str) -> list[str]:
        return self.app.ids_of(operation_id)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request received so far, oldest first: method, target, operation, status, bytes, request id."""
        return list(self.app.requests)

    def serve(self, body: Any, operation: str | None = None, resource_id: str | None = None) -> str:
        """Answer ``resource_id`` (default: a new id) of an item operation (default: the first) with ``body``
        exactly — JSON data (a dict, a list, anything ``json.dumps`` writes) or bytes as they are. Returns the
        id to request. For fuzzing: serve what a strategy drew, then call your code."""
        from .mock.store import listed

        routes = self.app.routes
        if operation is not None and operation not in routes:
            raise ValueError(f"no operation {operation!r} in the bindings; they have {sorted(routes)}")
        route = routes[operation] if operation else next((r for r in routes.values() if r.kind == "item"), None)
        if route is None or route.kind != "item":
            raise ValueError(f"{operation or 'the bindings'}: no operation that answers by resource id")
        if not isinstance(body, bytes):
            try:
                body_bytes = json.dumps(body).encode()
            except (TypeError, ValueError) as exc:  # a set, an object of a class json does not know
                raise TypeError(f"serve: the body is not JSON data ({exc}); give what json.dumps writes, or "
                                "bytes") from None
        if resource_id is None:
            self._served += 1
            resource_id = f"served-{self._served}"
        route.bodies[resource_id] = body if isinstance(body, bytes) else body_bytes
        if route.store is not None and resource_id not in route.store.items:
            route.store.add(resource_id, listed(body, route.store.id_field, resource_id))
        return resource_id

    @property
    def transport(self) -> httpx.BaseTransport:
        """An in-process transport for synchronous clients (``WorkspaceClient(transport=...)``)."""
        import httpx

        return httpx.MockTransport(self.app.handle)

    @property
    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An in-process transport for async clients (the ASGI app behind ``httpx.ASGITransport``)."""
        import httpx

        return httpx.ASGITransport(app=self.app)


def _settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The test's settings: the closest ``deskkit_mock`` marker, then the fixture's parameter (indirect)."""
    chosen: dict[str, Any] = {}
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            pytest.fail(f"@pytest.mark.{MARKER} takes keyword settings only, got {marker.args!r}", pytrace=False)
        chosen.update(marker.kwargs)
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, dict):
            pytest.fail(f"{request.fixturename}: parametrize it with a dict of settings, got {param!r}", pytrace=False)
        chosen.update(param)
    return chosen


def _config(request: pytest.FixtureRequest, chosen: dict[str, Any], base: Path) -> MockConfig:
    from .mock.config import MockConfig

    known = {f.name for f in dataclasses.fields(MockConfig)} - set(FIXED)
    unknown = sorted(set(chosen) - known)
    if unknown:
        pytest.fail(f"{MARKER}: unknown setting(s) {unknown}; known: {sorted(known)}", pytrace=False)
    hints = typing.get_type_hints(MockConfig)
    # every setting of the wrong type, by the value's type only: a token or secret key must not be printed
    wrong = [f"setting {name!r} expects {_expected(hints[name])}, got a value of type {type(value).__name__}"
             for name, value in chosen.items() if not _fits(value, hints[name])]
    if wrong:
        pytest.fail(f"{MARKER}: " + "; ".join(wrong), pytrace=False)
    if chosen.get("fixtures") is not None:
        folder = Path(chosen["fixtures"])
        chosen = {**chosen, "fixtures": folder if folder.is_absolute() else base / folder}
    try:
        config = MockConfig(package=package_of(request.config), host="127.0.0.1", port=0, **chosen)
        config.check()
    except DeskkitError as exc:  # (from None: inside the except, pytest printed the message twice)
        raise pytest.fail.Exception(f"{MARKER}: {exc}", pytrace=False) from None
    return config


def _fits(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the type a MockConfig field declares (the forms its fields use: a class, a union
    with None, ``Mapping[str, float]``); an int is a float, a bool is neither."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is not None and isinstance(origin, type) and issubclass(origin, collections.abc.Mapping):
        key, item = typing.get_args(hint)
        return isinstance(value, collections.abc.Mapping) and all(
            _fits(k, key) and _fits(v, item) for k, v in value.items())
    if isinstance(value, bool) and hint is not bool:
        return False
    if hint is float:
        return isinstance(value, (int, float))
    if hint is Path:
        return isinstance(value, (str, os.PathLike))
    return isinstance(value, hint)


def _expected(hint: Any) -> str:
    """A field's type as a user writes it: ``int``, ``str or None``, ``mapping of str to float``."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_expected(arm) for arm in typing.get_args(hint))
    if hint is type(None):
        return "None"
    if origin is not None:
        key, item = typing.get_args(hint)
        return f"a mapping of {_expected(key)} to {_expected(item)}"
    if hint is Path:
        return "a path (str or os.PathLike)"
    return str(hint.__name__)


def _served(config: MockConfig) -> Iterator[MockServer]:
    from .mock.server import start

    try:
        running = start(config)
    except DeskkitError as exc:
        raise pytest.fail.Exception(f"deskkit mock: {exc}", pytrace=False) from None
    try:
        yield MockServer(running.app, running.url)
    finally:
        running.stop()


def _in_process(config: MockConfig) -> MockServer:
    from .mock.app import create_app

    try:
        return MockServer(create_app(config), IN_PROCESS_URL)
    except DeskkitError as exc:
        raise pytest.fail.Exception(f"deskkit mock: {exc}", pytrace=False) from None


@pytest.fixture
def desktop_mock(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The mock on a free loopback port for this test (settings: the ``deskkit_mock`` marker)."""
    yield from _served(_config(request, _settings(request), request.path.parent))


@pytest.fixture
def deskkit_mock(desktop_mock: MockServer) -> MockServer:
    """Another name for ``desktop_mock``."""
    return desktop_mock


@pytest.fixture
def desktop_transport(request: pytest.FixtureRequest) -> MockServer:
    """The mock in-process, no port (settings: the ``deskkit_mock`` marker)."""
    return _in_process(_config(request, _settings(request), request.path.parent))


@pytest.fixture
def deskkit_transport(desktop_transport: MockServer) -> MockServer:
    """Another name for ``desktop_transport``."""
    return desktop_transport


@pytest.fixture(scope="session")
def deskkit_session_config() -> dict[str, Any]:
    """Settings of the session fixtures: override this fixture (session scope) in your conftest.py."""
    return {}


@pytest.fixture(scope="session")
def desktop_mock_session(request: pytest.FixtureRequest,
                         deskkit_session_config: dict[str, Any]) -> Iterator[MockServer]:
    """One mock on a free loopback port for the whole session (settings: ``deskkit_session_config``)."""
    yield from _served(_config(request, dict(deskkit_session_config), request.config.rootpath))


@pytest.fixture(scope="session")
def desktop_transport_session(request: pytest.FixtureRequest,
                              deskkit_session_config: dict[str, Any]) -> MockServer:
    """One in-process mock for the whole session (settings: ``deskkit_session_config``); a Hypothesis test
    can use it without a health-check warning about function-scoped fixtures."""
    return _in_process(_config(request, dict(deskkit_session_config), request.config.rootpath))
