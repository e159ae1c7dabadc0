"""Run the judge over units of work, in this process or in worker processes, results in input order.

A unit is a range of a JSON Lines file (read where it is judged, so nothing is copied between processes)
or a small batch of other captures. Workers judge and render whole units and send back :class:`Chunk`\\ s.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from .bindings import Bindings, load_bindings
from .captures import Capture, LineRange, Unit, read_range
from .judge import crashed, judge
from .report import RENDERERS
from .results import Chunk, Result


def _chunks(captures: Iterable[Capture], package: str, renders: str) -> list[Chunk]:
    bindings = load_bindings(package)
    render, joiner = RENDERERS[renders]
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
        result, text = _judged(capture, bindings, render)
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


def _judged(capture: Capture, bindings: Bindings, render: Callable[[Result], str]) -> tuple[Result, str]:
    """The capture's result and its rendering; if either fails in a way nobody foresaw, an ``unreadable``
    result naming the error (known failures are handled where they occur: this only keeps one capture from
    ending the run)."""
    try:
        result = judge(capture, bindings)
        return result, render(result)
    except Exception as exc:
        operation = capture.operation or (bindings.operations[0].id if bindings.operations else "?")
        result = crashed(capture, str(operation), exc)
        return result, render(result)


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
    # fork keeps start-up cheap (the bindings are already imported); results stream back in order.
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=load_bindings, initargs=(package,)) as pool:
        work = ((unit, package, renders) for unit in units)
        for chunks in pool.imap(_run_unit, work, chunksize=1):
            yield from chunks
