"""Run the judge over units of work, in this process or in worker processes, results in input order.

A unit is a range of a JSON Lines file (read where it is judged, so nothing is copied between processes)
or a small batch of other captures. Workers judge and render whole units and send back :class:`Chunk`\\ s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from .bindings import Bindings, load_bindings
from .captures import Capture, LineRange, Unit, read_range
from .jsontext import NotJson, loads
from .judge import UNDECODED, Judge, clean, crashed
from .report import RENDERERS
from .results import Chunk, Result
from .typed import checker


def _chunks(captures: Iterable[Capture], package: str, renders: str) -> list[Chunk]:
    """Judge and render ``captures``, grouped into one chunk per run of the same source.

    The common case is made cheap: a body msgspec finds conformant (:mod:`.typed`, one pass in C), or else
    the model's fast pass (``conforms``) does, with nothing to report (no deviation, no unknown field, no field
    or value known only off the page: those are counted), gets no result record, and its text is the one
    :class:`CleanText` made for its source, with its line number in it. Anything else is judged in full."""
    bindings = load_bindings(package)
    judge = Judge(bindings)
    render, joiner = RENDERERS[renders]
    clean_text = CleanText(render)
    out: list[Chunk] = []
    source: str | None = None
    texts: list[str] = []
    verdicts: dict[str, int] = {}
    quirks: Counter[str] = Counter()
    undocumented: Counter[str] = Counter()
    off_page: Counter[tuple[str, str]] = Counter()

    def flush() -> None:
        if source is not None:
            out.append(Chunk(source, len(texts), Counter(verdicts), quirks, undocumented,
                             joiner.join(t for t in texts if t), off_page))

    for capture in captures:
        if capture.source != source:
            flush()
            source = capture.source
            texts, verdicts, quirks, undocumented, off_page = [], {}, Counter(), Counter(), Counter()
        try:
            operation, model = judge.route(capture)
            check = checker(model)
            data, checked = UNDECODED, False
            if check is not None and capture.body:
                if check(capture.body):
                    verdicts["conformant"] = verdicts.get("conformant", 0) + 1
                    texts.append(clean_text(capture, operation))
                    continue
                # refused, or doubted: the full parse decides alone (the fast pass, no more lenient on what
                # matters here, would give up too; where it would not, the full parse says the same)
                checked = True
            conforms = getattr(model, "conforms", None)
            if check is None and conforms is not None and capture.body:  # no msgspec: the fast pass first
                try:
                    data = loads(capture.body)
                except NotJson:
                    data = UNDECODED  # the full judge says why, and where
                else:
                    if conforms(data):
                        verdicts["conformant"] = verdicts.get("conformant", 0) + 1
                        texts.append(clean_text(capture, operation))
                        continue
                    # the fast pass (when the model has one) gave up: the judge need not run it again
                    checked = getattr(model, "_fast", None) is not None
            result = judge(capture, data, checked=checked)
            text = render(result)
        except Exception as exc:  # known failures are handled where they occur: this keeps one capture
            result = crashed(capture, capture.operation or _first(bindings), exc)  # from ending the run
            text = render(result)
        verdict = result["verdict"]
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        if result["problems"]:
            quirks.update(p["quirk"] for p in result["problems"] if p["quirk"])
        if result["undocumented_fields"]:
            undocumented.update(result["undocumented_fields"])
        if result["off_page"]:
            off_page.update((p["known"] or "", p["pointer"]) for p in result["off_page"])
        texts.append(text)
    flush()
    return out


def _first(bindings: Bindings) -> str:
    return str(bindings.operations[0].id) if bindings.operations else "?"


class CleanText:
    """The rendering of a conformant result with nothing to report, which differs from its neighbours' only
    by its line (or HAR entry) number: rendered once per source, operation and status with a marker number,
    and the text around the marker reused (so it is the renderer's own text, byte for byte)."""

    MARK = 7_301_986_245_113  # a number no file name or operation id is expected to hold

    def __init__(self, render: Callable[[Result], str]) -> None:
        self.render = render
        self.parts: dict[tuple[str, str, int | None, bool, bool], tuple[str, ...] | None] = {}

    def __call__(self, capture: Capture, operation: str) -> str:
        key = (capture.source, operation, capture.status, capture.line is None, capture.entry is None)
        parts = self.parts.get(key, ())
        if parts == ():
            parts = self.parts[key] = self._split(capture, operation)
        if parts is None:  # the marker was not where the number goes: render in full
            return self.render(clean(capture, operation))
        if len(parts) == 1:  # no number in the text (text reports leave conformant results out)
            return parts[0]
        number = capture.line if capture.line is not None else capture.entry
        return f"{parts[0]}{number}{parts[1]}"

    def _split(self, capture: Capture, operation: str) -> tuple[str, ...] | None:
        numbered = capture.line is not None or capture.entry is not None
        marked = capture._replace(line=self.MARK) if capture.line is not None else capture._replace(entry=self.MARK)
        parts = tuple(self.render(clean(marked if numbered else capture, operation)).split(str(self.MARK)))
        return parts if len(parts) == (2 if numbered else 1) else None


def run_unit(unit: Unit, package: str, renders: str) -> list[Chunk]:
    """Judge one unit of work (read here when it is a range of a JSON Lines file)."""
    captures = read_range(unit) if isinstance(unit, LineRange) else unit
    return _chunks(captures, package, renders)


def _run_unit(args: tuple[Unit, str, str]) -> list[Chunk]:
    return run_unit(*args)


def judge_all(units: Iterable[Unit], package: str, jobs: int, renders: str) -> Iterator[Chunk]:
    """Chunks in input order. With ``jobs`` > 1, worker processes read, judge and render whole units, so
    the main process only plans the work and writes what comes back."""
    if jobs <= 1:
        for unit in units:
            yield from run_unit(unit, package, renders)
        return
    import multiprocessing  # here: --jobs 1 does not pay for importing it

    # fork keeps start-up cheap (the bindings are already imported); results stream back in order.
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=load_bindings, initargs=(package,)) as pool:
        work = ((unit, package, renders) for unit in units)
        for chunks in pool.imap(_run_unit, work, chunksize=1):
            yield from chunks
