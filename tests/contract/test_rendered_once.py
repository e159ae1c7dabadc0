"""Results that differ only by their line number are rendered once (``pool.Rendered``): the text of each must
still be what rendering its own result gives.

The oracle renders, for every capture, the result the judge gives it on its own (no fast path, no reuse), in
each format; the texts ``_chunks`` writes must be those, one by one. Findings repeat line after line (the
vendor page, nulls), alternate, carry the marker number in a value or in the file name, and outnumber what is
kept.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.contract.bindings import load_bindings
from generator.contract.captures import line_captures
from generator.contract.judge import CONFORMANT, Judge
from generator.contract.pool import Rendered, _chunks, _judging
from generator.contract.report import RENDERERS
from tests.conftest import documented_example, load_example

MARK = str(Rendered.MARK)


@pytest.fixture(autouse=True)
def fresh_judging() -> Any:
    """Each test starts with no renderings kept (a process keeps them from one unit to the next)."""
    _judging.cache_clear()
    yield
    _judging.cache_clear()


def bodies() -> list[bytes]:
    page = load_example()
    marked = documented_example()
    marked["desktop"]["task_status"] = MARK  # the marker in a finding's message
    nulls = {"desktop": {"desktop_id": None, "ou_name": None}}
    shifted = load_example()
    shifted["desktop"][0]["data_volumes"].insert(0, dict(shifted["desktop"][0]["data_volumes"][0], type="SAS"))
    others = [json.dumps(body).encode() for body in (page, marked, nulls, shifted, {"desktop": [{}]})]
    return [json.dumps(documented_example()).encode(), *others, b'{"desktop": {"root_volume": {"size": "9"}}}',
            b"{cut"]


def expected(lines: list[bytes], source: str, renders: str, first_line: int = 1) -> bytes:
    """Each result rendered by itself, the texts joined, then encoded as the spools encode (a chunk's text is
    UTF-8: see report.encoded)."""
    judge = Judge(load_bindings("workspace_desktop"))
    render, joiner = RENDERERS[renders]
    texts = (render(judge(c)) for c in line_captures(lines, source, first_line=first_line))
    return joiner.join(t for t in texts if t).encode("utf-8", "backslashreplace")


@pytest.mark.parametrize("renders", sorted(RENDERERS))
@pytest.mark.parametrize("source", ["/tmp/caps.jsonl", f"/tmp/{MARK}.jsonl"])
@pytest.mark.parametrize("longest", [Rendered.LONGEST, 600])
def test_each_text_is_its_own_result_rendered(renders: str, source: str, longest: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Rendered, "LIMIT", 3)  # fewer than the distinct results: kept ones are dropped
    monkeypatch.setattr(Rendered, "LONGEST", longest)  # 600: the page's result is too long to keep
    lines = [body for _ in range(6) for body in bodies()]
    (chunk,) = _chunks(list(line_captures(lines, source)), "workspace_desktop", renders)
    assert chunk.text == expected(lines, source, renders)
    assert chunk.results == len(lines)


def test_only_short_renderings_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Rendered, "LONGEST", 600)
    judge = Judge(load_bindings("workspace_desktop"))
    rendered = Rendered(judge, RENDERERS["json"][0])
    short, long = (next(iter(line_captures([body], "caps"))) for body in bodies()[5:3:-1])
    for capture in (short, long):
        found = judge.route(capture)[1].judge(json.loads(capture.body))
        assert found.deviations
        rendered(capture, "ShowDesktopDetail", found)
    assert len(rendered.kept) == 1 and len(next(iter(rendered.kept.values()))[1] or ()) == 2


@pytest.mark.parametrize("order", ["interleaved", "in runs"])
def test_the_counts_are_those_of_each_result(order: str) -> None:
    """Counts are taken once for a run of lines with the same result: each chunk's must still be those of its
    own results, counted one by one (runs that cross from one source to the next included)."""
    unknown = json.dumps({"desktop": [dict(documented_example()["desktop"], gpu="x")]}).encode()
    kinds = [*bodies(), unknown]
    lines = ([body for _ in range(4) for body in kinds] if order == "interleaved"
             else [body for body in kinds for _ in range(5)])
    half = len(lines) // 2 + 2  # inside a run when the lines come in runs
    captures = [*line_captures(lines[:half], "one"), *line_captures(lines[half:], "two", first_line=half + 1)]
    chunks = _chunks(captures, "workspace_desktop", "json")
    assert [c.source for c in chunks] == ["one", "two"]
    judge = Judge(load_bindings("workspace_desktop"))
    for chunk, part in zip(chunks, (captures[:half], captures[half:]), strict=True):
        results: list[Any] = [judge(c) for c in part]
        assert chunk.results == len(results)
        assert dict(chunk.verdicts) == {v: sum(r["verdict"] == v for r in results)
                                        for v in {r["verdict"] for r in results}}
        quirks = [p["quirk"] for r in results for p in r["problems"] if p["quirk"]]
        assert dict(chunk.quirks) == {q: quirks.count(q) for q in set(quirks)}
        fields = [name for r in results for name in r["undocumented_fields"]]
        assert dict(chunk.undocumented) == {f: fields.count(f) for f in set(fields)}
        off_page = [((p["known"] or ""), p["pointer"]) for r in results for p in r["off_page"]]
        assert dict(chunk.off_page) == {k: off_page.count(k) for k in set(off_page)}
    assert sum(sum(c.undocumented.values()) for c in chunks) == lines.count(unknown)  # not vacuous


@pytest.mark.parametrize("renders", sorted(RENDERERS))
def test_a_conformant_line_is_rendered_once_per_source(renders: str) -> None:
    """In every format, text reports included (a conformant line is left out: no number in its text)."""
    calls: list[str] = []
    render = RENDERERS[renders][0]
    judge = Judge(load_bindings("workspace_desktop"))
    rendered = Rendered(judge, lambda result: calls.append(result["verdict"]) or render(result))
    texts = {rendered(c, "ShowDesktopDetail", CONFORMANT)[1]
             for c in line_captures([json.dumps(documented_example()).encode()] * 50, "caps")}
    assert len(calls) == 1
    assert len(texts) == (1 if renders == "text" else 50)


def test_the_renderings_kept_serve_the_next_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process keeps its renderings from one unit of work to the next: a result seen in an earlier range of
    the file is not rendered again (each unit still gets its own result's text, as above)."""
    calls: list[str] = []
    render, joiner = RENDERERS["json"]

    def counted(result: Any) -> str:
        calls.append(result["verdict"])
        return render(result)

    monkeypatch.setitem(RENDERERS, "json", (counted, joiner))
    lines = [bodies()[1]] * 3  # the vendor page, line after line
    first = _chunks(list(line_captures(lines, "caps")), "workspace_desktop", "json")
    assert calls == ["tolerated"]
    second = _chunks(list(line_captures(lines, "caps", first_line=4)), "workspace_desktop", "json")
    assert calls == ["tolerated"]
    assert first[0].text == expected(lines, "caps", "json")
    assert second[0].text == expected(lines, "caps", "json", first_line=4)
