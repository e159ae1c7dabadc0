"""What each operation answers: bodies from fixtures or drawn from the generated strategies, one resource
store per item path so that ids agree between operations.

Three kinds of operation, read from the ``Operation`` records of a generated package:

- **item**: the path ends in a parameter (``/pets/{pet_id}``): the last path parameter is the resource id;
  an unknown id is a 404. Operations on the same path share one store of ids.
- **list**: the record carries a ``pagination`` description (``items``, ``total``, ``offset``, ``limit``):
  its items are those of the item store on the same collection (``/pets`` or ``/pets/detail`` for
  ``/pets/{pet_id}``), paged by the offset/limit query parameters, with the total set.
- **plain**: anything else answers its one success body.

Nothing here knows a vendor: the id field of an item is the property named like the path parameter.
"""

from __future__ import annotations

import importlib
import json
import random
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

from ..contract.jsontext import NotJson, loads
from ..errors import DeskkitError
from .config import MockConfig

PARAMETER = re.compile(r"\{([^/{}]+)\}")


class BadQuery(Exception):
    """A query parameter the mock cannot page by; the message names it."""


@dataclass(frozen=True)
class Pagination:
    """Where a list body keeps its items and total, and which query parameters page it."""

    items: tuple[str, ...]  # path of the items array in the body (property names)
    total: tuple[str, ...] | None
    offset: str
    limit: str

    @classmethod
    def read(cls, record: Any) -> Pagination | None:
        """Gen's pagination record (attributes or a mapping); None when absent or without an items field."""
        if record is None:
            return None

        def value(name: str) -> Any:
            if isinstance(record, Mapping):
                return record.get(name)
            return getattr(record, name, None)

        items = value("items")
        if not isinstance(items, str) or not items:
            return None
        total = value("total")
        return cls(_steps(items), _steps(total) if isinstance(total, str) and total else None,
                   str(value("offset") or "offset"), str(value("limit") or "limit"))


def _steps(where: str) -> tuple[str, ...]:
    """A property name, or a JSON Pointer (``/data/items``) for a nested one."""
    if not where.startswith("/"):
        return (where,)
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in where[1:].split("/"))


@dataclass
class Store:
    """The resources behind one item path: ids in order, and each one's item object (for lists)."""

    id_field: str
    ids: list[str] = field(default_factory=list)
    items: dict[str, Any] = field(default_factory=dict)

    def add(self, resource_id: str, item: Any) -> None:
        if resource_id not in self.items:
            self.ids.append(resource_id)
        self.items[resource_id] = item

    def remove(self, resource_id: str) -> None:
        self.items.pop(resource_id, None)
        if resource_id in self.ids:
            self.ids.remove(resource_id)


@dataclass
class Route:
    """One operation and what it answers."""

    op: Any
    kind: str  # "item", "list" or "plain"
    status: int
    body: bytes = b""  # plain; also the page template of a list
    bodies: dict[str, bytes] = field(default_factory=dict)  # item: id → body
    store: Store | None = None
    pagination: Pagination | None = None
    template: Any = None  # list: the body the pages are cut into

    def page(self, query: str) -> bytes:
        """One page of a list: items from ``offset``, at most ``limit`` of them, total set."""
        assert self.pagination is not None
        pagination = self.pagination
        params = dict(parse_qsl(query, keep_blank_values=True))
        offset = _whole(params, pagination.offset) or 0
        limit = _whole(params, pagination.limit)
        end = None if limit is None else offset + limit
        if self.store is not None:
            store = self.store
            total = len(store.ids)
            shown = [store.items[i] or {store.id_field: i} for i in store.ids[offset:end]]
        else:
            found = _get(self.template, pagination.items)
            items = found if isinstance(found, list) else []
            total, shown = len(items), items[offset:end]
        body = _set(self.template if isinstance(self.template, dict) else {}, pagination.items, shown)
        if pagination.total is not None:
            body = _set(body, pagination.total, total)
        return _encode(body)


def _whole(params: dict[str, str], name: str) -> int | None:
    text = params.get(name)
    if text is None:
        return None
    if not text.isascii() or not text.isdigit():
        raise BadQuery(f"query parameter {name!r} must be a whole number of at least 0, got {text[:40]!r}")
    digits = text.lstrip("0") or "0"  # (leading zeros do not change the number)
    return int(digits) if len(digits) <= 18 else 10**18  # more than any list holds, and no huge-int parsing


def _get(data: Any, steps: tuple[str, ...]) -> Any:
    for step in steps:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def _set(data: dict[str, Any], steps: tuple[str, ...], value: Any) -> dict[str, Any]:
    """``data`` with ``value`` at ``steps``, copying each dict on the way (the template stays as it was)."""
    out = dict(data)
    inner = out.get(steps[0])
    out[steps[0]] = _set(inner if isinstance(inner, dict) else {}, steps[1:], value) if len(steps) > 1 else value
    return out


def _encode(payload: Any) -> bytes:
    try:
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the ASCII form escapes it
        return json.dumps(payload).encode("ascii")


def success(op: Any) -> tuple[int, Any]:
    """The status a mock answers ``op`` with (its lowest documented 2xx) and that status's model (or None)."""
    responses: Mapping[str, Any] = getattr(op, "responses", None) or {}
    codes = sorted(int(key) for key in responses if len(key) == 3 and key.isdigit() and key.startswith("2"))
    if codes:
        return codes[0], responses[str(codes[0])]
    for key in ("2XX", "default"):
        if key in responses:
            return 200, responses[key]
    return 200, None


def parameters(path: str) -> list[str]:
    return PARAMETER.findall(path)


def is_item(path: str) -> bool:
    return path.rstrip("/").endswith("}")


def parent(path: str) -> str:
    """``/pets/{pet_id}`` → ``/pets``."""
    return path.rstrip("/").rsplit("/", 1)[0]


def listed(payload: Any, id_field: str, resource_id: str) -> dict[str, Any]:
    """What a list page shows of an item body: the object it is about (:func:`locate_item`) with ``id_field``
    set to the id it is served by, whatever the body says."""
    item = locate_item(payload, id_field)
    return {**(item or {}), id_field: resource_id}


def locate_item(payload: Any, id_field: str) -> dict[str, Any] | None:
    """The object an item body is about: the shallowest object holding ``id_field``; else the one object a
    one-property wrapper holds (``{"pet": {...}}``, also as a one-item array); else the body itself."""
    level: list[Any] = [payload]
    while level:
        for node in level:
            if isinstance(node, dict) and id_field in node:
                return node
        level = [child for node in level for child in _children(node)]
    if isinstance(payload, dict) and len(payload) == 1:
        (inner,) = payload.values()
        if isinstance(inner, list) and len(inner) == 1:
            inner = inner[0]
        if isinstance(inner, dict):
            return inner
    return payload if isinstance(payload, dict) else None


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        yield from node.values()
    elif isinstance(node, list):
        yield from node


def read_fixtures(folder: Path, operation_ids: list[str],
                  warnings: list[str] | None = None) -> dict[str, dict[str, bytes]]:
    """``operationId → {name: body}``: flat ``<id>.json`` files belong to the first operation,
    ``<operationId>/<name>.json`` to that operation. Other folders holding JSON are reported in ``warnings``."""
    if not folder.is_dir():
        raise DeskkitError(f"--fixtures: no such folder: {folder}")
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise DeskkitError(f"--fixtures: cannot list {folder}: {exc.strerror}") from None
    found: dict[str, dict[str, bytes]] = {}
    flat = _bodies(p for p in entries if p.suffix == ".json" and p.is_file())
    if flat:
        found[operation_ids[0]] = flat
    for sub in (p for p in entries if p.is_dir()):
        if sub.name not in operation_ids:
            if warnings is not None and any(sub.glob("*.json")):
                warnings.append(f"--fixtures: {sub} is named after no operation, so it is not served "
                                f"(operations: {', '.join(operation_ids)})")
            continue
        bodies = _bodies(sorted(p for p in sub.glob("*.json") if p.is_file()))
        if bodies:
            found.setdefault(sub.name, {}).update(bodies)
    if not found:
        raise DeskkitError(f"--fixtures: no .json files in {folder} (nor in a folder per operationId)")
    return found


def _bodies(paths: Iterable[Path]) -> dict[str, bytes]:
    bodies = {}
    for path in paths:
        try:
            bodies[path.stem] = path.read_bytes()
        except OSError as exc:
            raise DeskkitError(f"--fixtures: cannot read {path}: {exc.strerror}") from None
    return bodies


class Drawer:
    """Success bodies from the generated strategies, by model name, reproducible by seed."""

    def __init__(self, package: str, quirks: bool, seed: int) -> None:
        self.package, self.quirks, self.seed = package, quirks, seed
        self._module: ModuleType | None = None

    def payloads(self, op: Any, model: Any, count: int, salt: int) -> list[Any]:
        """``count`` success bodies of ``model`` for ``op`` (quirky ones when asked and the model has any)."""
        if self._module is None:
            try:
                self._module = importlib.import_module(f"{self.package}.strategies")
            except ImportError as exc:
                raise DeskkitError(f"cannot import {self.package}.strategies ({exc})") from None
        name = getattr(model, "__name__", str(model))
        try:
            valid = self._module.valid(name)
            quirky = self._module.quirky(name) if self.quirks else None
        except (KeyError, ValueError) as exc:
            raise DeskkitError(f"{op.id}: the strategies have no model {name!r} ({exc})") from None
        drawn = self._draw(quirky, count, salt) if quirky is not None else []
        drawn += self._draw(valid, count - len(drawn), salt)  # a model with nowhere to put a quirk: valid ones
        if len(drawn) < count:
            raise DeskkitError(f"{op.id}: the strategies gave {len(drawn)} of {count} bodies for {name}")
        return drawn

    def _draw(self, strategy: Any, count: int, salt: int) -> list[Any]:
        from hypothesis.errors import Unsatisfiable

        from ..contract.samples import draw

        drawn: list[Any] = []
        attempt = 0
        while len(drawn) < count and attempt < 20:
            # The first example of a run is the barest (all optional fields absent): skip it. Hypothesis may
            # stop short of max_examples (duplicates): top up from the next seed.
            run_seed = self.seed * 1000 + salt * 100 + attempt
            try:
                drawn += [item.payload for item in draw(strategy, count - len(drawn) + 1, run_seed)[1:]]
            except Unsatisfiable:
                break
            attempt += 1
        return drawn[:count]


def resource_ids(seed: int, salt: int, count: int) -> list[str]:
    rng = random.Random(seed * 7919 + salt)
    return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]


def build_routes(config: MockConfig, operations: tuple[Any, ...],
                 warnings: list[str] | None = None) -> dict[str, Route]:
    """Every operation's route, in spec order; stores shared by the operations of one item path."""
    ids = [op.id for op in operations]
    fixtures = read_fixtures(config.fixtures, ids, warnings) if config.fixtures else {}
    drawer = Drawer(config.package, config.quirks, config.seed)
    stores = _stores(config, operations, fixtures)
    routes: dict[str, Route] = {}
    for salt, op in enumerate(operations):
        status, model = success(op)
        mine = fixtures.get(op.id, {})
        if warnings is not None and model is not None:  # (a body where the spec has none is not JSON's business)
            warnings += _not_json(op.id, mine)
        pagination = Pagination.read(getattr(op, "pagination", None))
        if is_item(op.path):
            store = stores[op.path]
            bodies = dict(mine)
            missing = [i for i in store.ids if i not in bodies]
            if model is None:  # no content (204): every known id answers with an empty body
                bodies.update(dict.fromkeys(missing, b""))
            elif missing:
                for resource_id, payload in zip(missing, drawer.payloads(op, model, len(missing), salt), strict=True):
                    item = locate_item(payload, store.id_field)
                    if item is not None:
                        item[store.id_field] = resource_id
                    if store.items.get(resource_id) is None:  # the first operation on the path is the listing's
                        store.items[resource_id] = item
                    bodies[resource_id] = _encode(payload)
            routes[op.id] = Route(op, "item", status, bodies=bodies, store=store)
            continue
        template: Any = None
        if mine:
            body = next(iter(mine.values())) if len(mine) == 1 else _too_many(op.id, mine)
        elif model is not None:
            template = drawer.payloads(op, model, 1, salt)[0]
            body = _encode(template)
        else:
            body = b""
        if pagination is not None:
            if template is None:
                template = _json_or_none(body)
            listed = None if mine else _collection(op.path, operations, stores)
            routes[op.id] = Route(op, "list", status, body=body, store=listed, pagination=pagination,
                                  template=template)
        else:
            routes[op.id] = Route(op, "plain", status, body=body)
    return routes


def _too_many(operation_id: str, mine: dict[str, bytes]) -> bytes:
    raise DeskkitError(f"--fixtures: {operation_id} takes no resource id, so its folder holds one body; "
                       f"found {len(mine)}: {', '.join(sorted(mine))}")


def _not_json(operation_id: str, bodies: dict[str, bytes]) -> list[str]:
    """A warning for each of an operation's fixtures that is not JSON: served as it is (a broken body on
    purpose, or a mistake the operator should hear of before a client does)."""
    found = []
    for resource_id, body in bodies.items():
        try:
            loads(body)
        except NotJson as exc:
            found.append(f"--fixtures: the {operation_id} body {resource_id!r}: {exc}; served as it is")
        except RecursionError:
            found.append(f"--fixtures: the {operation_id} body {resource_id!r} is nested too deeply to read; "
                         "served as it is")
    return found


def _json_or_none(body: bytes) -> Any:
    """A fixture's JSON, or None when it is not JSON (it is still served verbatim) or too deeply nested. RFC
    8259's JSON: a NaN read here would be written back into a list's body, which then is not JSON."""
    try:
        return loads(body)
    except (NotJson, RecursionError):
        return None


def _stores(config: MockConfig, operations: tuple[Any, ...],
            fixtures: dict[str, dict[str, bytes]]) -> dict[str, Store]:
    """One store per item path: ids from the fixtures of its operations, else drawn from the seed."""
    stores: dict[str, Store] = {}
    for op in operations:
        if not is_item(op.path):
            continue
        store = stores.get(op.path)
        if store is None:
            store = stores[op.path] = Store(parameters(op.path)[-1])
        for resource_id, body in fixtures.get(op.id, {}).items():
            store.add(resource_id, listed(_json_or_none(body), store.id_field, resource_id))
    for salt, store in enumerate(stores.values()):
        if not store.ids:
            for resource_id in resource_ids(config.seed, salt, config.resources):
                store.add(resource_id, None)
    return stores


def _collection(path: str, operations: tuple[Any, ...], stores: dict[str, Store]) -> Store | None:
    """The item store a list path lists: the GET item path whose parent is the list path or a prefix of
    it, segment-wise (``/pets`` and ``/pets/detail`` both list ``/pets/{pet_id}``); the longest wins."""
    best: tuple[int, Store] | None = None
    for op in operations:
        if op.method.upper() != "GET" or op.path not in stores:
            continue
        base = parent(op.path)
        lists_it = path.rstrip("/") == base or path.startswith(base + "/")
        if lists_it and (best is None or len(base) > best[0]):
            best = (len(base), stores[op.path])
    return best[1] if best else None
