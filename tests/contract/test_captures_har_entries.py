"""HAR entries one by one (``_har_entry``) and whole HAR files (``_file``): which entries become captures, which
are skipped and why, and the exact reason an entry cannot be judged — each naming the entry's JSON Pointer.

Oracles: the body is the entry's ``content.text`` as the HAR holds it (UTF-8 of the text, or ``base64`` of the
bytes, encoded here with the standard library), a pointer resolves in the parsed HAR with ``jsonpointer``, and
a file's entries are ``json.loads`` of the whole file."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jsonpointer
import pytest

import workspace_desktop as w
from generator.contract.captures import Capture, Router, Skipped, _file, _har_entry, path_matcher

ROUTER = Router(w.OPERATIONS)
URL = "https://example.com/v2/p1/desktops/{}"
SHOW, LIST = "ShowDesktopDetail", "ListDesktopsDetail"


D1 = URL.format("d1")


def entry(url: Any = D1, method: Any = "GET", status: Any = 200, content: Any = None,
          text: Any = '{"a": 1}', encoding: Any = None) -> dict[str, Any]:
    if content is None:
        content = {"mimeType": "application/json", "text": text}
        if encoding is not None:
            content["encoding"] = encoding
    return {"request": {"method": method, "url": url}, "response": {"status": status, "content": content}}


def one(item: Any, index: int = 0) -> tuple[Capture | None, Skipped]:
    skipped = Skipped()
    return _har_entry("f.har", index, item, ROUTER, skipped), skipped


@pytest.mark.parametrize(("item", "found"), [([], "array"), (None, "null"), (3, "integer"), ("entry", "string")])
def test_an_entry_that_is_not_an_object_says_so(item: Any, found: str) -> None:
    capture, skipped = one(item, 7)
    assert capture == Capture("f.har", None, entry=7, unreadable=f"HAR entry /log/entries/7 is not an object "
                              f"(found {found})")
    assert skipped.count == 0


@pytest.mark.parametrize("item", [{}, {"request": {}}, {"response": {"status": 200}},
                                  {"request": {"url": "u", "method": "GET"}, "response": {}},
                                  {"request": {"url": "u"}, "response": {"status": 200}},
                                  {"request": {"method": "GET"}, "response": {"status": 200}},
                                  {"request": "GET u", "response": {"status": 200}},
                                  {"request": {"url": "u", "method": "GET"}, "response": [200]}])
def test_an_entry_without_url_method_or_status_is_unreadable_and_named(item: Any) -> None:
    capture, skipped = one(item, 7)
    assert capture == Capture("f.har", None, entry=7, unreadable="HAR entry /log/entries/7 lacks request.url, "
                              "request.method or response.status")
    assert skipped.count == 0


@pytest.mark.parametrize(("item", "field", "found"), [
    (entry(method=None), "method", "null"), (entry(method=["GET"]), "method", "array"),
    (entry(url=None), "url", "null"), (entry(url=7), "url", "integer"),
])
def test_a_url_or_method_that_is_not_a_string_is_unreadable_not_another_request(item: Any, field: str,
                                                                                 found: str) -> None:
    """`str(None)` matched no operation: the entry was skipped as "another request", while an entry without
    the key at all was unreadable."""
    capture, skipped = one(item, 11)
    assert capture == Capture("f.har", None, entry=11,
                              unreadable=f"/log/entries/11/request/{field} is not a string (found {found})")
    assert skipped.count == 0


def test_a_url_that_is_not_a_url_is_unreadable_with_the_parsers_reason() -> None:
    capture, _ = one(entry(url="http://[::1/v2/p/desktops/d"), 2)
    assert capture == Capture("f.har", None, entry=2, unreadable="/log/entries/2/request/url is not a URL "
                              "(Invalid IPv6 URL)")


@pytest.mark.parametrize(("url", "method", "operation"), [
    (URL.format("d1"), "GET", SHOW), (URL.format("d1"), "get", SHOW), (URL.format("d1") + "/", "Get", SHOW),
    (URL.format("detail"), "GET", LIST), (URL.format("detail") + "?limit=2", "GET", LIST),
    ("/v2/p1/desktops/d1", "GET", SHOW), (URL.format("d%2F1"), "GET", SHOW)])
def test_an_entry_answers_the_operation_its_method_and_path_name(url: str, method: str, operation: str) -> None:
    capture, skipped = one(entry(url=url, method=method, text='{"x": "é"}'), 4)
    assert capture == Capture("f.har", '{"x": "é"}'.encode(), operation, 200, entry=4)
    assert skipped.count == 0


@pytest.mark.parametrize(("url", "method"), [(URL.format("d1"), "POST"), (URL.format("d1/x"), "GET"),
                                             ("https://example.com/v2/p1/desktops", "GET")])
def test_entries_of_other_requests_are_skipped_and_counted(url: Any, method: Any) -> None:
    capture, skipped = one(entry(url=url, method=method))
    assert capture is None
    assert (skipped.count, skipped.reasons) == (1, {"HAR entry for another request": 1})


def test_router_says_whether_the_path_is_known() -> None:
    assert ROUTER.match("POST", "/v2/p/desktops/d") == (None, True)
    assert ROUTER.match("GET", "/v3/p/desktops/d") == (None, False)
    assert ROUTER.match("get", "/v2/p/desktops/detail") == (w.OPERATIONS[1], True)  # literal before {desktop_id}
    assert ROUTER.match("GET", "/v2/p/desktops/d") == (w.OPERATIONS[0], True)
    assert ROUTER.match("GET", "/v2/p/desktops/detail/")[0].id == LIST
    assert ROUTER.match("GET", "/v2//desktops/d") == (None, False)  # a parameter is one non-empty segment
    assert path_matcher("/a/{b}/c.{d}").match("/a/x/c.y").groups() == ("x", "y")
    assert path_matcher("/a/{b}").match("/a/x/y") is None


def test_literal_paths_win_whatever_order_the_spec_lists_them() -> None:
    from workspace_desktop._runtime import Operation

    for ops in ([Operation("A", "GET", "/x/{id}", {}), Operation("B", "GET", "/x/detail", {})],
                [Operation("B", "GET", "/x/{a}/{b}", {}), Operation("A", "GET", "/x/{a}/c", {}),
                 Operation("C", "GET", "/x/d/c", {})]):
        router = Router(ops)
        assert [op.id for _, _, op in router.routes] == sorted((op.id for op in ops),
                                                               key=lambda i: next(o for o in ops if o.id == i
                                                                                  ).path.count("{"))
    assert Router([Operation("A", "GET", "/x/{id}", {}), Operation("B", "GET", "/x/detail", {})]).match(
        "GET", "/x/detail")[0].id == "B"
    assert Router([Operation("B", "GET", "/x/{a}/{b}", {}), Operation("A", "GET", "/x/{a}/c", {})]).match(
        "GET", "/x/y/c")[0].id == "A"


@pytest.mark.parametrize("status", [True, 200.0, "200", None, [200]])
def test_a_status_that_is_not_an_integer_is_unreadable(status: Any) -> None:
    capture, skipped = one(entry(status=status), 3)
    assert capture == Capture("f.har", None, SHOW, entry=3, unreadable="/log/entries/3/response/status is not "
                              "an integer")
    assert skipped.count == 0


@pytest.mark.parametrize("status", [200, 201, 299, 400, 404, 499, 500, 599])
def test_success_and_error_statuses_are_judged(status: int) -> None:
    capture, skipped = one(entry(status=status, text="{}"), 1)
    assert capture == Capture("f.har", b"{}", SHOW, status, entry=1)
    assert skipped.count == 0


@pytest.mark.parametrize(("status", "reason"), [
    (0, "HAR entry with status 0"), (100, "HAR entry with status 100"), (199, "HAR entry with status 199"),
    (204 + 96, "HAR entry with status 300"), (304, "HAR entry with status 304"), (399, "HAR entry with status 399"),
    (600, "HAR entry with status 600"), (999, "HAR entry with status 999"),
    (-1, "HAR entry with a status outside 0-999"), (1000, "HAR entry with a status outside 0-999"),
    (-200, "HAR entry with a status outside 0-999")])
def test_other_statuses_are_skipped_with_the_status_named(status: int, reason: str) -> None:
    capture, skipped = one(entry(status=status))
    assert capture is None
    assert (skipped.count, skipped.reasons) == (1, {reason: 1})


@pytest.mark.parametrize("content", [{}, {"size": 0}, {"text": None}, "", 0, ["text"], "text",
                                     {"encoding": "base64"}])
def test_an_entry_without_text_says_no_body_was_captured(content: Any) -> None:
    capture, _ = one({"request": {"method": "GET", "url": URL.format("d")},
                      "response": {"status": 404, "content": content}}, 9)
    assert capture == Capture("f.har", None, SHOW, 404, entry=9, unreadable="no body captured "
                              "(/log/entries/9/response/content/text is missing)")


@pytest.mark.parametrize(("text", "found"), [(5, "integer"), (["{}"], "array"), ({"a": 1}, "object"),
                                             (True, "boolean"), (1.5, "number")])
def test_text_that_is_not_a_string_says_what_it_is(text: Any, found: str) -> None:
    capture, _ = one(entry(text=text, status=404), 9)
    assert capture == Capture("f.har", None, SHOW, 404, entry=9, unreadable="no body captured "
                              f"(/log/entries/9/response/content/text is not a string, found {found})")


def test_an_entry_without_content_says_no_body_was_captured() -> None:
    capture, _ = one({"request": {"method": "GET", "url": URL.format("d")}, "response": {"status": 200}}, 0)
    assert capture is not None and capture.unreadable == ("no body captured (/log/entries/0/response/content/"
                                                          "text is missing)")


@pytest.mark.parametrize("raw", [b"", b"{}", b'{"a": "\xc3\xa9"}', bytes(range(256)), b"\xff\xfe{\x00}\x00"])
def test_base64_text_is_the_bytes_it_encodes(raw: bytes) -> None:
    capture, _ = one(entry(text=base64.b64encode(raw).decode(), encoding="base64"), 5)
    assert capture == Capture("f.har", raw, SHOW, 200, entry=5)


@pytest.mark.parametrize("text", ["e30", "e30=\n", "!!!!", "e3=0", "ZQ==ZQ==x", "é30="])
def test_text_that_is_not_base64_is_unreadable(text: str) -> None:
    capture, _ = one(entry(text=text, encoding="base64", status=500), 6)
    assert capture == Capture("f.har", None, SHOW, 500, entry=6, unreadable="/log/entries/6/response/content/text "
                              "is not valid base64")


@pytest.mark.parametrize("encoding", ["BASE64", "base-64", "gzip", "", 1])
def test_other_encodings_leave_the_text_as_it_is(encoding: Any) -> None:
    capture, _ = one(entry(text="e30=", encoding=encoding))
    assert capture == Capture("f.har", b"e30=", SHOW, 200, entry=0)


def test_text_is_encoded_as_utf8_lone_surrogates_included() -> None:
    """A HAR writer can put a lone surrogate in text (``"\\ud800"``): its bytes go to the judge (which says
    the body is not UTF-8) rather than the entry being lost."""
    capture, _ = one(entry(text='{"k": "\ud800é"}'))
    assert capture is not None and capture.body == b'{"k": "\xed\xa0\x80\xc3\xa9"}'


def har(entries: list[Any]) -> bytes:
    return json.dumps({"log": {"version": "1.2", "entries": entries}}, indent=1).encode()


ENTRIES = [entry(text='{"desktop": {}}'), entry(method="POST"), entry(status=304), entry(status=404, text="{}"),
           {"request": {}}, entry(url=URL.format("detail"), text=base64.b64encode(b"[]").decode(),
                                  encoding="base64")]


@pytest.mark.parametrize("limit", ["", "1", "100000000"])
def test_a_har_file_gives_one_capture_per_judged_entry_in_order(tmp_path: Path, limit: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKKIT_HAR_WHOLE_BYTES", limit)  # "1": read entry by entry; "": the default, whole
    path = tmp_path / "x.HAR"
    path.write_bytes(har(ENTRIES))
    skipped = Skipped()
    captures = list(_file(path, ROUTER, skipped))
    assert [c.entry for c in captures] == [0, 3, 4, 5]
    parsed = json.loads(path.read_bytes())
    for capture in captures[:2] + captures[3:]:
        pointer = f"/log/entries/{capture.entry}/response/content/text"
        text = jsonpointer.resolve_pointer(parsed, pointer)
        encoded = jsonpointer.resolve_pointer(parsed, pointer.replace("text", "encoding"), None) == "base64"
        assert capture.body == (base64.b64decode(text) if encoded else text.encode())
        assert capture.source == str(path)
    assert [(c.operation, c.status) for c in captures] == [(SHOW, 200), (SHOW, 404), (None, None), (LIST, 200)]
    assert (skipped.count, skipped.reasons) == (2, {"HAR entry for another request": 1,
                                                    "HAR entry with status 304": 1})


@pytest.mark.parametrize(("text", "whole", "streamed"), [
    (b'{"log": {"entries": [{}, {]}}' + b" " * 16, "not a HAR file: ",
     "not a HAR file: entry /log/entries/1 is not JSON"),
    (b'{"log": {"entries": {}}}', "not a HAR file: expected /log/entries to be an array",
     "not a HAR file: expected /log/entries to be an array"),
    (b'[{"log": {"entries": []}}]', "not a HAR file: expected /log/entries to be an array",
     "not a HAR file: expected /log/entries to be an array (found '[' at line 1 column 1)"),
    (b'{"log": {"creator": {"entries": [{}]}}}', "not a HAR file: expected /log/entries to be an array",
     "not a HAR file: expected /log/entries to be an array"),  # (a creator's entries: not the log's)
    (b'{"log": []}', "not a HAR file: expected /log/entries to be an array",  # whole: was an AttributeError
     "not a HAR file: expected /log/entries to be an array"),
    (b'{"log": "entries"}', "not a HAR file: expected /log/entries to be an array",
     "not a HAR file: expected /log/entries to be an array"),
    (b'{"log": {"pages": []}}', "not a HAR file: expected /log/entries to be an array",
     "not a HAR file: expected /log/entries to be an array"),
    (b'{"log": {"entries": [], "x": NaN}}', "not a HAR file: not JSON (NaN is not a JSON value", None)])
def test_a_file_that_is_not_a_har_export_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: bytes,
                                                   whole: str, streamed: str | None) -> None:
    path = tmp_path / "bad.har"
    path.write_bytes(text)
    for limit, expected in ((str(len(text)), whole), (str(len(text) - 1), streamed)):
        monkeypatch.setenv("DESKKIT_HAR_WHOLE_BYTES", limit)
        captures = list(_file(path, ROUTER, Skipped()))
        if expected is None:  # the streaming reader stops at the entries: what follows is never read
            assert all(c.unreadable is None or "not a HAR file" not in c.unreadable for c in captures)
            continue
        capture = captures[-1]  # after the entries read before the broken one
        assert capture.source == str(path) and capture.body is None
        assert capture.unreadable is not None and capture.unreadable.startswith(expected), (limit, capture)


def test_a_plain_file_is_one_capture_of_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n')
    assert list(_file(path, ROUTER, Skipped())) == [Capture(str(path), b'\xef\xbb\xbf{"a": 1}\n')]


def test_a_file_that_cannot_be_read_is_unreadable_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "folder.json").mkdir()
    (capture,) = _file(tmp_path / "folder.json", ROUTER, Skipped())
    assert capture.body is None and capture.source == str(tmp_path / "folder.json")
    assert capture.unreadable == ("not a regular file (a folder); to judge a stream, pipe it into "
                                  "`deskkit validate -`")
    (gone,) = _file(tmp_path / "gone.har", ROUTER, Skipped())
    assert gone.unreadable == "cannot read the file: No such file or directory"
