"""Read captures the way ``deskkit validate`` does (the same planner and judge), and sort what the judge found
into what the spec could say: undocumented fields (by model and property), values outside an enumeration,
shapes no quirk declares, nulls no quirk tolerates, declared quirks seen, and the rest; and what the spec already
knows off the page (``x-deskkit-known``), counted so the report can say it was seen, never proposed again.

Only responses the judge found something in are decoded again and walked; memory holds one capture at a time
plus, per place, counts and a few examples (see :mod:`.shapes`).
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bindings import Bindings
from ..captures import Capture, LineRange, Router, Skipped, plan, read_range
from ..jsontext import json_type
from ..judge import Judge, crashed, decode
from ..results import FindingRecord, Result
from .shapes import Shape, secret_name
from .walk import Contract, Place, matches


def where(capture: Capture) -> str:
    """Where a capture came from, as a person finds it: ``file:line``, ``file entry N`` (HAR), ``file``."""
    if capture.line is not None:
        return f"{capture.source}:{capture.line}"
    if capture.entry is not None:
        return f"{capture.source} entry {capture.entry}"
    return capture.source


@dataclass
class Seen:
    """How often something was seen: occurrences, responses holding it, and the first one (evidence)."""

    count: int = 0
    responses: int = 0
    first: str = ""  # where the first response came from (see :func:`where`)
    pointer: str = ""  # its JSON Pointer in that response
    _last: int = -1

    def add(self, response: int, capture: Capture, pointer: str) -> None:
        self.count += 1
        if response != self._last:
            self.responses += 1
            self._last = response
        if not self.first:
            self.first, self.pointer = where(capture), pointer


@dataclass
class FieldSeen(Seen):
    """An undocumented field of a model."""

    shape: Shape = field(default_factory=Shape)


@dataclass
class EnumSeen:
    """Values outside one enumeration (an enum class of the bindings) and the use-sites they arrived at."""

    rules: set[str] = field(default_factory=set)
    values: dict[str, Seen] = field(default_factory=dict)
    quirk: str | None = None  # the quirk that tolerated them, if one did


@dataclass
class DeviationSeen(Seen):
    """A property arriving in a JSON type its contract does not give, and no quirk tolerates."""

    expected: str = ""  # the documented JSON type
    shape: Shape = field(default_factory=Shape)
    single: bool = True  # every value was a one-item array whose item has the documented type


@dataclass
class OtherSeen(Seen):
    """A finding the spec cannot be patched for by a rule of thumb (a constraint, a missing property, a
    wrong type inside an array): reported, not proposed."""

    message: str = ""
    rule: str | None = None


UNREADABLE_KEPT = 20  # unreadable captures named one by one; the rest are counted


def position(capture: Capture, result: Result) -> str:
    """Where an unreadable capture stopped decoding, in the file: ``file:line:column`` (a JSON Lines body is
    one line of its file), ``file entry N, body line L column C`` (HAR), else :func:`where`."""
    at = result.get("at")
    if at is None:
        return where(capture)
    if capture.line is not None:
        return f"{capture.source}:{capture.line + at['line'] - 1}:{at['column']}"
    if capture.entry is not None:
        return f"{capture.source} entry {capture.entry}, body line {at['line']} column {at['column']}"
    return f"{capture.source}:{at['line']}:{at['column']}"


@dataclass
class Corpus:
    """Everything the captures showed, sorted."""

    responses: int = 0  # judged (unreadable ones included)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (position, reason), the first few
    verdicts: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    fields: dict[tuple[str, str], FieldSeen] = field(default_factory=dict)  # (model, wire) →
    enums: dict[str, EnumSeen] = field(default_factory=dict)  # enum class name →
    deviations: dict[tuple[str, str, str], DeviationSeen] = field(default_factory=dict)  # (model, wire, type) →
    nulls: Seen = field(default_factory=Seen)  # null for an optional property, where no quirk tolerates it
    quirks: dict[str, Seen] = field(default_factory=dict)  # declared quirk → responses that needed it
    other: dict[tuple[str, str | None], OtherSeen] = field(default_factory=dict)  # (pointer, rule) →
    known: dict[tuple[str, str, bool], Seen] = field(default_factory=dict)  # (rule, level, value?) → off the page


class Collector:
    """Feeds judged captures into a :class:`Corpus`."""

    def __init__(self, bindings: Bindings) -> None:
        self.bindings = bindings
        self.judge = Judge(bindings)  # one for the run: it looks each (operation, status) up once
        self.contract = Contract(bindings)
        self.corpus = Corpus()

    def run(self, paths: list[str], operation: str | None = None) -> Corpus:
        skipped = Skipped()
        with ExitStack() as stack:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deskkit-"))) \
                if "-" in paths else None
            stdin = sys.stdin.buffer if scratch is not None and sys.stdin is not None else None
            for unit in plan(paths, Router(self.bindings.operations), skipped, stdin=stdin, scratch=scratch,
                             operation=operation):
                for capture in _captures(unit):
                    self.add(capture)
        self.corpus.skipped, self.corpus.skipped_reasons = skipped.count, dict(skipped.reasons)
        return self.corpus

    def add(self, capture: Capture) -> None:
        index = self.corpus.responses
        self.corpus.responses += 1
        try:
            result = self.judge(capture)
        except Exception as exc:  # the safety net `deskkit validate` has: one capture never ends the run
            result = crashed(capture, capture.operation or self.bindings.operations[0].id, exc)
        self.corpus.verdicts[result["verdict"]] += 1
        if result["verdict"] == "unreadable" and len(self.corpus.unreadable) < UNREADABLE_KEPT:
            reason = result.get("reason") or result["problems"][0]["message"]
            self.corpus.unreadable.append((position(capture, result), reason))
        for known in result["off_page"]:  # the spec says this already: counted, never proposed again
            rule = (known["rule"] or "").removeprefix("#").removesuffix("/x-deskkit-known")
            key = (rule, known["known"] or "", known["refused_in_strict"])
            self.corpus.known.setdefault(key, Seen()).add(index, capture, known["pointer"])
        if result["verdict"] == "unreadable" or not (result["problems"] or result["undocumented_fields"]):
            return
        root, data = self._body(capture, result)
        if root is None:  # no model to place them in (a body where the contract has none): listed as they are
            for record in result["problems"]:
                self._other(index, capture, record["pointer"], record["message"], record["rule"])
            return
        for record in result["problems"]:
            self._finding(index, capture, record, self.contract.locate(root, data, record["pointer"]))
        for pointer in result["undocumented_fields"]:
            place = self.contract.locate(root, data, pointer)
            if place is not None and place.site is None and place.owner is not None:
                self._field(index, capture, pointer, place)
            else:
                self._other(index, capture, pointer, "an undocumented field the walk could not place", None)

    def _body(self, capture: Capture, result: Result) -> tuple[Any, Any]:
        """The use-site the body was judged at, and the body (decoded again: only for responses with findings)."""
        op = self.bindings.operation(result["operation"])
        if capture.status is not None:
            model = op.model_for(capture.status)
        else:
            model = next((m for s, m in op.responses.items() if s.startswith("2") and m is not None), None)
        if model is None:
            return None, None
        data, unreadable = decode(capture, op.id)
        return (None, None) if unreadable is not None else (self.contract.root(model), data)

    def _finding(self, index: int, capture: Capture, record: FindingRecord, place: Place | None) -> None:
        pointer, quirk = record["pointer"], record["quirk"]
        if quirk is not None:  # tolerated: the quirk is in use; an enum value is still a candidate
            self.corpus.quirks.setdefault(quirk, Seen()).add(index, capture, pointer)
            if place is not None and _outside_enum(place):
                self._enum(index, capture, pointer, place, quirk)
            return
        if place is None:
            self._other(index, capture, pointer, record["message"], record["rule"])
        elif place.site is None and place.owner is not None:  # a field a closed object does not allow
            self._field(index, capture, pointer, place)
        elif _outside_enum(place):
            self._enum(index, capture, pointer, place, None)
        elif place.value is None and place.prop is not None and not place.prop.required:
            self.corpus.nulls.add(index, capture, pointer)
        elif place.value is not None and not matches(place.value, place.site) and place.prop is not None \
                and place.owner is not None:
            self._deviation(index, capture, pointer, place)
        else:
            self._other(index, capture, pointer, record["message"], record["rule"])

    def _field(self, index: int, capture: Capture, pointer: str, place: Place) -> None:
        assert place.owner is not None and place.key is not None
        seen = self.corpus.fields.get((place.owner, place.key))
        if seen is None:
            seen = self.corpus.fields[(place.owner, place.key)] = FieldSeen(shape=Shape(secret_name(place.key)))
        seen.add(index, capture, pointer)
        seen.shape.add(place.value)

    def _enum(self, index: int, capture: Capture, pointer: str, place: Place, quirk: str | None) -> None:
        site = place.site
        assert site is not None
        seen = self.corpus.enums.setdefault(site.enum.__name__, EnumSeen())
        seen.rules.add(site.rule)
        seen.quirk = seen.quirk or quirk
        seen.values.setdefault(place.value, Seen()).add(index, capture, pointer)

    def _deviation(self, index: int, capture: Capture, pointer: str, place: Place) -> None:
        assert place.owner is not None and place.prop is not None
        kind = json_type(place.value)
        key = (place.owner, place.prop.wire, kind)
        seen = self.corpus.deviations.get(key)
        if seen is None:
            seen = self.corpus.deviations[key] = DeviationSeen(expected=place.prop.site.json_type,
                                                               shape=Shape(secret_name(place.prop.wire)))
        seen.add(index, capture, pointer)
        seen.shape.add(place.value)
        value = place.value
        seen.single = seen.single and type(value) is list and len(value) == 1 and matches(value[0], place.site)

    def _other(self, index: int, capture: Capture, pointer: str, message: str, rule: str | None) -> None:
        general = "/".join("*" if token.isdigit() else token for token in pointer.split("/"))
        seen = self.corpus.other.get((general, rule))
        if seen is None:
            seen = self.corpus.other[(general, rule)] = OtherSeen(message=message, rule=rule)
        seen.add(index, capture, pointer)


def _outside_enum(place: Place) -> bool:
    site = place.site
    return site is not None and site.enum is not None and type(place.value) is str \
        and place.value not in site.members


def _captures(unit: list[Capture] | LineRange) -> Iterator[Capture]:
    return read_range(unit) if isinstance(unit, LineRange) else iter(unit)

