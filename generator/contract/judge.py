"""Judge one captured response with the generated parser (one source of truth: verdicts agree with
``from_dict``), producing a :class:`~.results.Result`."""

from __future__ import annotations

from operator import itemgetter
from typing import Any, TypeGuard

from .bindings import Bindings
from .captures import Capture
from .jsontext import NotJson, blank, loads, may_be_too_deep, to_text, too_deep
from .results import FindingRecord, OffPageRecord, Position, Result
from .typed import checker, observer


def _where(capture: Capture, operation: str, verdict: Any) -> Result:
    result: dict[str, Any] = {"source": capture.source}
    if capture.line is not None:
        result["line"] = capture.line
    if capture.entry is not None:
        result["entry"] = capture.entry
    result["operation"] = operation
    result["contract"] = "error" if capture.status is not None and capture.status >= 300 else "success"
    result["verdict"] = verdict
    return result  # type: ignore[return-value]  # built key by key to keep the report's key order


def _unreadable(capture: Capture, operation: str, reason: str, at: Position | None) -> Result:
    result = _where(capture, operation, "unreadable")
    where = f" at line {at['line']} column {at['column']}" if at else ""
    result["reason"] = reason
    if at:
        result["at"] = at
    result["problems"] = [{"pointer": "", "message": reason + where, "rule": None, "quirk": None,
                           "quirk_rule": None, "known": None}]
    result["undocumented_fields"], result["off_page"] = [], []
    return result


def decode(capture: Capture, operation: str, fast: bool = True) -> tuple[Any, Result | None]:
    """The decoded body, or an ``unreadable`` result saying why and where the decoder stopped (RFC 8259:
    NaN, infinities and numbers that overflow to them are not JSON; see :mod:`.jsontext`). ``fast``: False
    when msgspec has already found no JSON there (the standard library's decoder alone then)."""
    data = capture.body
    if data is None:
        return None, _unreadable(capture, operation, capture.unreadable or "no body", None)
    if not data or blank(data):
        return None, _unreadable(capture, operation, "empty body", None)
    try:
        return (loads(data) if fast else loads(data, fast=None)), None
    except NotJson as exc:
        return None, _unreadable(capture, operation, exc.reason, exc.at)


def _too_deep(body: bytes | bytearray | str) -> bool:
    """Whether ``body`` nests past :data:`.jsontext.MAX_DEPTH` (scanned only when the counts say it may)."""
    if not may_be_too_deep(body):
        return False
    try:
        return too_deep(to_text(body)) is not None
    except NotJson:  # not text: the usual path says so
        return False


def crashed(capture: Capture, operation: str, exc: BaseException) -> Result:
    """An ``unreadable`` result for a capture deskkit failed on: the run goes on, and the reason names the
    error so it can be reported (a bug in deskkit or in the bindings, never in the other captures)."""
    text = str(exc)
    text = text if len(text) <= 200 else text[:197] + "..."
    return _unreadable(capture, operation, f"deskkit could not judge this response ({type(exc).__name__}: "
                       f"{text})", None)


def _records(findings: Any) -> list[FindingRecord]:
    return [{"pointer": f.pointer, "message": f.message, "rule": f.rule, "quirk": f.quirk,
             "quirk_rule": f.quirk_rule, "known": getattr(f, "known", None)} for f in findings]


def _off_page(findings: Any, refused: bool) -> list[OffPageRecord]:
    return [{"pointer": f.pointer, "message": f.message, "rule": f.rule, "quirk": f.quirk,
             "quirk_rule": f.quirk_rule, "known": f.known, "refused_in_strict": refused} for f in findings]


def _model(capture: Capture, op: Any) -> Any:
    """The body model the response is judged against: by its status, else the operation's success body."""
    if capture.status is not None:
        return op.model_for(capture.status)
    return next((m for status, m in op.responses.items() if status.startswith("2") and m is not None), None)


_BY_POINTER = itemgetter("pointer")


def _merged(first: list[Any], second: list[Any]) -> list[Any]:
    """Two lists of records, each in pointer order, as one in pointer order."""
    if not (first and second):
        return first or second
    return sorted(first + second, key=_BY_POINTER)


#: Stands for "not decoded yet" (None is a JSON value).
UNDECODED: Any = object()
#: What :meth:`Judge.look` finds in a body that is conformant with nothing to report.
CONFORMANT: Any = object()


class Judge:
    """Judges captures against one package's operations. The operation and body model of each (operation,
    status) pair are looked up once; :meth:`route` exposes them so a caller can try a model's quick check
    before asking for the full result."""

    def __init__(self, bindings: Bindings) -> None:
        self.bindings = bindings
        self._routes: dict[tuple[str | None, int | None], tuple[str, Any]] = {}
        # Per model, whether its documented check pays: 3 for each body found conformant, -1 for each not
        # (kept within -16..50). Below 0 (under one body in four conformant of late), a model with an observed
        # check skips the documented one: the observed structs take a conformant body too (at 1.4 times the
        # cost), and it saves the documented check's refusal on every other body (the vendor page's: 9k of
        # 120k instructions). Either way the verdict is the same; what the observed check finds keeps the count.
        self._odds: dict[Any, int] = {}

    def route(self, capture: Capture) -> tuple[str, Any]:
        """The id of the operation ``capture`` answers and the model its body is judged against (None: the
        contract has no body there)."""
        key = (capture.operation, capture.status)
        found = self._routes.get(key)
        if found is None:
            op = self.bindings.operation(capture.operation)
            found = self._routes[key] = (op.id, _model(capture, op))
        return found

    def look(self, capture: Capture) -> tuple[str, Any]:
        """The operation ``capture`` answers and what its body holds, the cheapest way that decides it:
        :data:`CONFORMANT` (nothing to report), the model's judgement of the body (:meth:`result` makes the
        result of it), or a :class:`Result` where no model judged it (unreadable, or no body in the contract:
        :func:`is_result`).

        msgspec first, where installed (:mod:`.typed`): the documented check decodes and checks in one pass
        in C (skipped while few bodies of late were conformant: see ``_odds``); a body it refuses takes the
        observed check (msgspec and a generated walk), and what that refuses the full judge, straight to the
        full parse (the fast pass, no more lenient on what matters here, would give up too). Where msgspec
        read no JSON, only the standard library's decoder is asked (it decides, and says where). Without
        msgspec, the model's fast pass first."""
        operation, model = self.route(capture)
        body = capture.body
        check = checker(model)
        if check is not None and body:
            odds = self._odds.get(model, 0)
            if odds < 0 and (observe := observer(model)) is not None:  # few conformant bodies of late
                found = observe(body)
                if found is None or found is False:  # the judge decides (False: msgspec read no JSON there)
                    found = self.examine(capture, checked=True, not_json=found is False)
                elif not (found.deviations or found.unknown_fields or getattr(found, "off_page", ())):
                    found = CONFORMANT
            else:
                conforms = check(body)
                found = CONFORMANT if conforms else None
                if conforms is False and (observe := observer(model)) is not None:
                    # False here too: the documented structs stopped at a value before the text ended, and
                    # the observed ones, reading on, found no JSON past it ({"a": [1]} {} on one line)
                    found = observe(body)
                if found is None or found is False:
                    found = self.examine(capture, checked=True, not_json=conforms is None or found is False)
            if getattr(found, "unknown_fields", None) and _too_deep(body):  # msgspec skipped what the standard
                found = self.examine(capture, not_json=True)  # library refuses, past jsontext.MAX_DEPTH
            if found is CONFORMANT:
                if odds < 48:
                    self._odds[model] = odds + 3
            elif odds > -16:
                self._odds[model] = odds - 1
            return operation, found
        fast_pass = getattr(model, "conforms", None)
        if fast_pass is None or not body:
            return operation, self.examine(capture)
        try:
            data = loads(body)
        except NotJson:
            return operation, self.examine(capture)  # the full judge says why, and where
        if fast_pass(data):
            return operation, CONFORMANT
        # the fast pass (when the model has one) gave up: the judge need not run it again
        return operation, self.examine(capture, data, checked=getattr(model, "_fast", None) is not None,
                                       narrow=True)

    def __call__(self, capture: Capture, data: Any = UNDECODED, *, checked: bool = False,
                 not_json: bool = False) -> Result:
        """One capture's verdict, problems (and deviations) and undocumented fields. ``data``: its body,
        when the caller has decoded it already; ``checked``: the caller's own quick check found it not
        plainly conformant, so the model's fast pass is not tried again; ``not_json``: msgspec found no JSON
        in it, so only the standard library's decoder is asked."""
        found = self.examine(capture, data, checked=checked, not_json=not_json)
        return found if is_result(found) else self.result(capture, self.route(capture)[0], found)

    def examine(self, capture: Capture, data: Any = UNDECODED, *, checked: bool = False,
                not_json: bool = False, narrow: bool = False) -> Any:
        """:meth:`__call__` short of making the result: the model's judgement of the body, or the
        :class:`Result` where no model judged it. ``narrow``: the caller's check was the fast pass, so the
        model's narrow pass (the declared quirks, which the fast pass refuses) is still worth trying; after
        msgspec's observed structs refused the body it is not (they take all that it takes)."""
        operation, model = self.route(capture)
        if model is None and capture.body is not None and (not capture.body or blank(capture.body)):
            return clean(capture, operation)  # no body, and none in the contract
        if data is UNDECODED:
            data, unreadable = decode(capture, operation, fast=not not_json)
            if unreadable is not None:
                return unreadable
        if model is None:
            result = _where(capture, operation, "violation")
            result["problems"] = [{"pointer": "", "message": f"a body where the contract has none (status "
                                   f"{capture.status})", "rule": None, "quirk": None, "quirk_rule": None,
                                   "known": None}]
            result["undocumented_fields"], result["off_page"] = [], []
            return result
        if checked and not (narrow and getattr(model, "_tolerant", None) is not None):
            return model.judge_fully(data)
        return model.judge(data)  # (a narrow pass first, where there is one: see ``narrow``)

    def result(self, capture: Capture, operation: str, found: Any) -> Result:
        """The result of ``capture``, answering ``operation``, from the model's judgement of its body (or
        :data:`CONFORMANT`)."""
        if found is CONFORMANT:
            return clean(capture, operation)
        off_page = getattr(found, "off_page", ())  # bindings generated before x-deskkit-known have none
        if not (found.problems or found.deviations or found.unknown_fields or off_page):
            return clean(capture, operation)  # nothing found: conformant, as Judgement.verdict says
        result = _where(capture, operation, found.verdict)
        # A deviation is accepted through a quirk, or (no quirk) as a value known off the page: listed off
        # the page, with the fields the page does not document. Each list the model gives is in pointer
        # order already: two are merged (and sorted again) only when both have something.
        deviations: list[Any] = []
        values: list[Any] = []
        for d in found.deviations:
            (values if d.quirk is None else deviations).append(d)
        result["problems"] = _merged(_records(found.problems), _records(deviations))
        result["undocumented_fields"] = list(found.unknown_fields)
        result["off_page"] = _merged(_off_page(off_page, False), _off_page(values, True))
        return result


def is_result(found: Any) -> TypeGuard[Result]:
    """Whether what :meth:`Judge.look` or :meth:`Judge.examine` found is a result already (not a model's
    judgement)."""
    return type(found) is dict


def clean(capture: Capture, operation: str) -> Result:
    """A conformant result with nothing to report."""
    result = _where(capture, operation, "conformant")
    result["problems"], result["undocumented_fields"], result["off_page"] = [], [], []
    return result


def judge(capture: Capture, bindings: Bindings) -> Result:
    """One capture's verdict, problems (and deviations) and undocumented fields."""
    return Judge(bindings)(capture)
