"""`deskkit suggest` on a fixtures folder, as a user runs it: the patch it proposes, the spec it writes, and the
loop closed — the patched spec generates, and the same captures judged by the regenerated bindings show no
undocumented field, value or shape for what was added. By default what only captures showed is proposed as
known off the page (`x-deskkit-known`, level captures: the documented contract stays the page's, and validate
lists those fields and values under `off_page`); `--as documented` adds them to the page's contract.

The captures (tests/data/suggest/captures) hold: undocumented fields (`process`, an object `hour_package_info`,
`product/architecture`, a gateway's `request_id` on a 404, an always-empty `internet_mode_list`), values outside
enumerations (`POOLED`, `SATA`, a ChargeMode "2" — that enumeration appears twice in the spec), shapes no quirk
declares (a one-item list for `flavor`, a string `size`), a date that is no date-time, and no desktop sent as a
list (so `desktop-as-list` is a candidate to retire). They are judged against a frozen copy of the spec with
its own package name (tests/data/suggest/spec.yaml), so the shipped spec can grow without moving this test.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpatch
import jsonpointer
import pytest
import yaml

from generator.cli import main
from tests.conftest import DATA, ROOT
from tests.helpers import deskkit

HERE = DATA / "suggest"
SPEC = HERE / "spec.yaml"
CAPTURES = "tests/data/suggest/captures"  # relative: the evidence in the expected patch names files this way
PACKAGE = "suggest_fixture_desktop"


@dataclass
class Run:
    out: Path  # a scratch folder
    bindings: Path  # the fixture spec's package, generated
    report: dict[str, Any]  # --format json
    patch: list[dict[str, Any]]  # --patch
    applied: str  # --apply


def _suggest(out: Path, bindings: Path, *args: str) -> Run:
    """`deskkit suggest` run once on the captures (the installed script), every output written."""
    done = deskkit("suggest", CAPTURES, "--spec", str(SPEC), "--package", PACKAGE, "--format", "json",
                   "--patch", str(out / "patch.json"), "--apply", str(out / "patched.yaml"), *args,
                   env={"PYTHONPATH": str(bindings)})
    assert done.returncode == 0, done.stderr
    return Run(out, bindings, json.loads(done.stdout), json.loads((out / "patch.json").read_text()),
               (out / "patched.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """The fixture spec generated, and `deskkit suggest` run once on the captures (as known off the page)."""
    out = tmp_path_factory.mktemp("suggest")
    bindings = out / "bindings"
    assert deskkit("generate", "--spec", str(SPEC), "--out", str(bindings)).returncode == 0
    sys.path.insert(0, str(bindings))  # for the cases that call the command in this process
    yield _suggest(out, bindings)
    sys.path.remove(str(bindings))


@pytest.fixture(scope="module")
def documented(run: Run, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The same run with `--as documented`."""
    return _suggest(tmp_path_factory.mktemp("documented"), run.bindings, "--as", "documented")


@pytest.fixture(params=["known", "documented"])
def either(request: pytest.FixtureRequest, run: Run) -> Run:
    return run if request.param == "known" else request.getfixturevalue("documented")


def test_the_patch_is_the_hand_written_one(run: Run) -> None:
    expected = json.loads((HERE / "expected-patch.json").read_text())
    assert run.patch == expected
    assert run.report["patch"] == expected and run.report["proposed_as"] == "known"


def test_as_documented_the_patch_adds_plain_properties_and_enum_members(documented: Run) -> None:
    expected = json.loads((HERE / "expected-patch-documented.json").read_text())
    assert documented.patch == expected
    assert documented.report["patch"] == expected and documented.report["proposed_as"] == "documented"
    assert "x-deskkit-known" not in json.dumps(expected)


def test_apply_writes_what_the_patch_means(either: Run) -> None:
    """The independent oracle: the jsonpatch library applies the patch to the spec as PyYAML reads it."""
    original = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert yaml.safe_load(either.applied) == jsonpatch.apply_patch(original, either.patch)


@pytest.mark.parametrize(("mode", "flow_lines"), [("known", 2), ("documented", 12)])
def test_apply_keeps_every_line_it_does_not_touch(mode: str, flow_lines: int, request: pytest.FixtureRequest) -> None:
    """Comments, order, quoting, wrapping: every original line is still there, in order. The only lines that
    change are flow collections that got a value before their closing bracket: the 2 one-line properties that
    get a tolerated shape, and (documented) the 4 enumerations, their 4 x-enum-descriptions and 2
    x-enum-varnames; known values go in new lines."""
    before = SPEC.read_text(encoding="utf-8").splitlines()
    after = request.getfixturevalue("run" if mode == "known" else "documented").applied.splitlines()
    at, extended = 0, 0
    for old in before:  # each original line, in order: the same, or the same with an item before its bracket
        while at < len(after) and after[at] != old and not _extends(old, after[at]):
            at += 1  # an inserted line
        assert at < len(after), f"line lost or rewritten: {old!r}"
        extended += after[at] != old
        at += 1
    assert extended == flow_lines
    comments = [line for line in before if line.lstrip().startswith("#")]
    assert comments and [line for line in after if line.lstrip().startswith("#")] == comments


def _extends(old: str, new: str) -> bool:
    return old.rstrip()[-1:] in ("]", "}") and new.startswith(old.rstrip()[:-1] + ", ")


ADDED_FIELDS = {"hour_package_info", "process", "architecture", "request_id"}
ADDED_VALUES = {"desktop_type", "charge_mode", "type"}  # the properties whose enumerations grew


def _regenerate_and_validate(run: Run) -> dict[str, Any]:
    regenerated = run.out / "regenerated"
    done = deskkit("generate", "--spec", str(run.out / "patched.yaml"), "--out", str(regenerated))
    assert done.returncode == 0, done.stderr
    judged = deskkit("validate", CAPTURES, "--package", PACKAGE, "--format", "json",
                     env={"PYTHONPATH": str(regenerated)})
    report: dict[str, Any] = json.loads(judged.stdout)
    summary = report["summary"]
    # Every field proposed is in the spec now; the one not proposed (only empty arrays seen) is still not.
    assert summary["undocumented_fields"] == {"/desktop/internet_mode_list": 1}
    # The values are in the spec now (no response needs the every-enum quirk), the new quirks carry the shapes.
    assert "undocumented-enum-value" not in summary["quirks"]
    assert summary["quirks"]["flavor-as-list"] == 1 and summary["quirks"]["size-as-string"] == 1
    verdicts = {(r["source"].rsplit("/", 1)[1], r.get("line"), r.get("entry")): r["verdict"] for r in report["results"]}
    assert verdicts[("show.jsonl", 1, None)] == "tolerated"  # was a violation (string size, listed flavor)
    assert verdicts[("one.json", None, None)] == "violation"  # the date that is no date-time: not proposed
    return report


def test_the_patched_spec_generates_and_the_captures_agree(run: Run) -> None:
    """Known off the page: what was added is listed under off_page (level captures), not as undocumented, and
    the documented contract (documented.schema.json) is the page's as before."""
    report = _regenerate_and_validate(run)
    off_page = report["summary"]["off_page"]
    assert set(off_page) == {"captures"}
    assert {pointer.rsplit("/", 1)[1] for pointer in off_page["captures"]} == ADDED_FIELDS | ADDED_VALUES
    records = [k for r in report["results"] for k in r["off_page"]]
    assert {k["known"] for k in records} == {"captures"}
    assert {k["rule"] for k in records if not k["refused_in_strict"]} == {
        f"#{op['path']}/x-deskkit-known" for op in run.patch if op["path"].rsplit("/", 1)[1] in ADDED_FIELDS}
    before = json.loads(deskkit("validate", CAPTURES, "--package", PACKAGE, "--format", "json",
                                env={"PYTHONPATH": str(run.bindings)}).stdout)["summary"]
    assert {field.rsplit("/", 1)[1] for field in before["undocumented_fields"]} == ADDED_FIELDS | {"internet_mode_list"}
    assert before["violation"] == 2 and not before.get("off_page")
    # The documented contract is untouched: the same schema, but for the new component only off-page
    # properties reach (and the file name in $comment).
    schemas = [json.loads((folder / PACKAGE / "schemas" / "documented.schema.json").read_text())
               for folder in (run.bindings, run.out / "regenerated")]
    for schema in schemas:
        schema.pop("$comment")
    new_defs = schemas[1]["$defs"]
    assert set(new_defs) - set(schemas[0]["$defs"]) == {"HourPackageInfo"}
    assert new_defs.pop("HourPackageInfo")["x-deskkit-known"]["level"] == "captures"
    assert schemas[0] == schemas[1]


def test_as_documented_the_patched_spec_generates_and_the_captures_agree(documented: Run) -> None:
    report = _regenerate_and_validate(documented)
    assert not report["summary"].get("off_page")  # documented now: nothing off the page


def test_deskkit_diff_shows_the_change(run: Run, documented: Run) -> None:
    def kinds(patched: Run) -> list[tuple[str, str]]:
        done = deskkit("diff", str(SPEC), str(patched.out / "patched.yaml"), "--format", "json", "--fail-on", "none")
        return sorted((c["kind"], c["new"]["pointer"].rsplit("/", 2)[-2]) for c in json.loads(done.stdout)["changes"]
                      if c["kind"] != "response-property-annotation-changed")
    quirks = [("quirk-declared", "x-deskkit-quirks"), ("quirk-declared", "x-deskkit-quirks"),
              ("quirk-tolerance-added", "x-deskkit-tolerate"), ("quirk-tolerance-added", "x-deskkit-tolerate"),
              ("schema-added", "schemas")]
    assert kinds(run) == sorted([*quirks, *[("response-known-property-added", "properties")] * 4,
                                 *[("response-property-known-value-added", "x-deskkit-known-values")] * 4])
    assert kinds(documented) == sorted([*quirks, *[("response-optional-property-added", "properties")] * 4,
                                        *[("response-property-enum-value-added", "enum")] * 4])


def test_the_report_gives_the_evidence(run: Run) -> None:
    report = run.report
    assert report["corpus"]["responses"] == 6 and report["corpus"]["skipped"] == 1
    fields = {f["pointer"].rsplit("/", 1)[1]: f for f in report["undocumented_fields"]}
    process = fields["process"]
    assert process["types"] == {"integer": 2, "null": 1} and process["examples"] == ["100", "40", "null"]
    assert process["seen"] == {"responses": 3, "of": 6, "occurrences": 3, "first": f"{CAPTURES}/session.har entry 0",
                               "pointer": "/desktops/0/process"}
    assert fields["internet_mode_list"]["proposed"] is None
    assert "only empty arrays" in fields["internet_mode_list"]["reason"]
    assert [(e["enum"], e["value"], e["tolerated_by"]) for e in report["enum_values"]] == [
        ("ChargeMode", "2", "undocumented-enum-value"), ("DesktopType", "POOLED", "undocumented-enum-value"),
        ("VolumeType", "SATA", "undocumented-enum-value")]
    assert [q["quirk"] for q in report["quirk_candidates"]] == ["flavor-as-list", "size-as-string"]
    assert report["retire_candidates"] == [{"quirk": "desktop-as-list", "rule": "#/x-deskkit-quirks/desktop-as-list",
                                            "seen_in": 0, "of": 6}]
    [other] = report["not_proposed"]
    assert other["pointer"] == "/desktop/created" and other["seen"]["first"] == f"{CAPTURES}/one.json"


def test_min_count_keeps_what_enough_responses_showed(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", CAPTURES, "--spec", str(SPEC), "--package", PACKAGE, "--min-count", "2",
                 "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted(op["path"] for op in report["patch"]) == [
        "/components/schemas/DesktopDetailInfo/properties/desktop_type/x-deskkit-known-values",
        "/components/schemas/DesktopDetailInfo/properties/process",
        "/components/schemas/ProductInfo/properties/architecture"]
    assert report["corpus"]["below_min_count"] == 7
    [pooled] = [op["value"] for op in report["patch"] if op["path"].endswith("/x-deskkit-known-values")]
    assert pooled == [{"value": "POOLED", "level": "captures", "evidence": [
        {"source": f"captures: {CAPTURES}/session.har entry 0 (2 of 6 responses)",
         "pointer": "/desktops/0/desktop_type", "seen": 'string x2; e.g. "POOLED"'}]}]


def test_text_and_markdown(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", CAPTURES, "--spec", str(SPEC), "--package", PACKAGE]) == 0
    text = capsys.readouterr().out
    assert text.startswith("deskkit suggest: 6 responses (1 conformant, 3 tolerated, 2 violation); 1 skipped\n")
    assert "  /components/schemas/ProductInfo/properties/architecture\n    in 2 of 6 responses; types: string x2; " \
           'examples: "arm", "x86"\n' in text
    assert "  desktop-as-list  [#/x-deskkit-quirks/desktop-as-list]\n" in text
    assert main(["suggest", CAPTURES, "--spec", str(SPEC), "--package", PACKAGE, "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "| `/components/schemas/ProductInfo/properties/architecture` | 2/6 | string x2 |" in markdown
    assert "| `size-as-string` | `/components/schemas/VolumeDetail/properties/size` |" in markdown


def test_keys_that_need_escaping(run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A field named with `/`, `~` and an ANSI escape: the patch path escapes it (RFC 6901, checked with the
    jsonpointer library on the patched spec), the text report shows the escape instead of sending it."""
    body = {"desktop": {"desktop_id": "d1", "a/b~c\x1b[31m": 1, "\ud800": 2}}
    (tmp_path / "odd.json").write_text(json.dumps(body))  # the lone surrogate as JSON writes it: \\ud800
    out = tmp_path / "patched.yaml"
    assert main(["suggest", str(tmp_path / "odd.json"), "--spec", str(SPEC), "--package", PACKAGE,
                 "--patch", str(tmp_path / "p.json"), "--apply", str(out)]) == 0
    text = capsys.readouterr().out
    assert "\x1b" not in text
    assert "/components/schemas/DesktopDetailInfo/properties/a~1b~0c\\x1b[31m\n" in text
    assert "/components/schemas/DesktopDetailInfo/properties/\\ud800\n" in text  # reported, not proposed
    assert "not proposed: its name holds a lone surrogate" in text
    [op] = json.loads((tmp_path / "p.json").read_text())
    assert op["path"] == "/components/schemas/DesktopDetailInfo/properties/a~1b~0c\x1b[31m"
    added = jsonpointer.resolve_pointer(yaml.safe_load(out.read_text()), op["path"])
    assert added["type"] == "integer" and added["x-deskkit-known"]["level"] == "captures"


@pytest.mark.parametrize(("args", "message"), [
    (["no/such/file.json"], "no such file or folder: no/such/file.json"),
    ([CAPTURES, "--operation", "Nope"], "--operation Nope: no such operation"),
    ([CAPTURES, "--spec", str(DATA / "diff" / "pets.yaml")], "were not generated from this spec"),
    ([CAPTURES, "--spec", "no-spec.yaml"], "cannot read the spec"),
])
def test_usage_errors_are_one_line(run: Run, args: list[str], message: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", *args, "--package", PACKAGE] + ([] if "--spec" in args else ["--spec", str(SPEC)])) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_standard_input_is_read_as_validate_reads_it(run: Run) -> None:
    lines = (HERE / "captures" / "show.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    done = deskkit("suggest", "-", "--spec", str(SPEC), "--package", PACKAGE, "--format", "json",
                   stdin="".join(lines[:2]), env={"PYTHONPATH": str(run.bindings)})
    report = json.loads(done.stdout)
    assert report["corpus"]["responses"] == 2
    firsts = {f["pointer"].rsplit("/", 1)[1]: f["seen"]["first"] for f in report["undocumented_fields"]}
    assert firsts == {"hour_package_info": "<stdin>:2", "process": "<stdin>:1", "architecture": "<stdin>:1"}


def test_unreadable_captures_are_named_and_the_others_still_count(run: Run, tmp_path: Path) -> None:
    """One broken line in a JSON Lines file and a broken body in a JSON file: each named on standard error with
    its file, line and column (counted here from the raw bytes), exit 2; the report still proposes what the
    readable responses show, and never counts an unreadable one as evidence that a quirk is unneeded."""
    lines = (HERE / "captures" / "show.jsonl").read_bytes().splitlines(keepends=True)
    broken_line = b'{"desktop": {"desktop_id": "x",, "process": 1}}\n'
    mixed = b"".join([lines[0], b"\n", broken_line, *lines[1:]])
    (tmp_path / "mixed.jsonl").write_bytes(mixed)
    broken_json = b'{"desktop": {\n  "desktop_id": "y",\n  "process": 2,\n}}\n'
    (tmp_path / "broken.json").write_bytes(broken_json)
    done = deskkit("suggest", str(tmp_path), "--spec", str(SPEC), "--package", PACKAGE, "--format", "json",
                   env={"PYTHONPATH": str(run.bindings)})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    # The oracle: positions from the raw bytes (1-based line of the planted mistake, 1-based column of it).
    bad_at = mixed.index(b",,") + 1
    line = mixed[:bad_at].count(b"\n") + 1
    column = bad_at - (mixed.rfind(b"\n", 0, bad_at) + 1) + 1
    json_at = broken_json.index(b"\n}") + 1
    json_line, json_column = broken_json[:json_at].count(b"\n") + 1, 1
    assert done.stderr.splitlines() == [
        f"deskkit: {tmp_path}/broken.json:{json_line}:{json_column}: unreadable capture: not JSON (Expecting "
        "property name enclosed in double quotes)",
        f"deskkit: {tmp_path}/mixed.jsonl:{line}:{column}: unreadable capture: not JSON (Expecting property name "
        "enclosed in double quotes)"]
    report = json.loads(done.stdout)
    assert report["corpus"]["verdicts"]["unreadable"] == 2 and report["corpus"]["responses"] == 5
    assert [u["at"] for u in report["unreadable"]] == [f"{tmp_path}/broken.json:{json_line}:{json_column}",
                                                       f"{tmp_path}/mixed.jsonl:{line}:{column}"]
    proposed = {f["pointer"].rsplit("/", 1)[1] for f in report["undocumented_fields"] if f["proposed"]}
    assert {"process", "architecture", "hour_package_info"} <= proposed
    assert {r["of"] for r in report["retire_candidates"]} == {3}  # the readable responses


def test_only_unreadable_captures_retire_nothing(run: Run, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.json").write_text("{\"desktop\": ")
    assert main(["suggest", str(tmp_path / "bad.json"), "--spec", str(SPEC), "--package", PACKAGE,
                 "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["retire_candidates"] == []
    assert captured.err.startswith(f"deskkit: {tmp_path}/bad.json:1:") and len(captured.err.splitlines()) == 1


def test_a_spec_that_is_not_yaml_is_named_with_its_line(run: Run, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: x\npaths: {}\n")
    assert main(["suggest", CAPTURES, "--spec", str(spec), "--package", PACKAGE]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"deskkit: {spec}:") and "not valid YAML" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_readme_shows_what_suggest_prints() -> None:
    """The README's example command, run as written from the repository's root with nothing on PYTHONPATH (the
    spec is generated for the run: the installed bindings are another spec's), prints the README's report."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("On the fixtures folder `tests/data/suggest/captures`")
    command = readme[readme.index("```sh\n", start) + 6:readme.index("```", readme.index("```sh\n", start) + 6)]
    at = readme.index("```text\n", start) + 8
    args = shlex.split(command)
    assert args[:2] == ["deskkit", "suggest"] and "--package" not in args
    done = deskkit(*args[1:], env={"PYTHONPATH": "", "DESKKIT_PACKAGE": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout == readme[at:readme.index("```", at)]


def test_a_spec_without_package_is_judged_by_its_own_bindings(tmp_path: Path) -> None:
    """`--spec` alone: a spec deskkit cannot generate is refused with its file and line (not judged by the
    installed bindings, which proposed retiring quirks it never had); a spec the installed bindings were not
    generated from is refused with `--package`, naming an operation that differs."""
    tiny = tmp_path / "tiny.yaml"
    tiny.write_text('openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths: {}\n', encoding="utf-8")
    body = tmp_path / "base.json"
    body.write_text(json.dumps({"desktop": {"desktop_id": "d1"}}), encoding="utf-8")
    done = deskkit("suggest", "--spec", str(tiny), str(body))
    assert done.returncode == 2 and done.stdout == ""
    assert f"{tiny}:3: at /paths" in done.stderr and "Traceback" not in done.stderr
    small = tmp_path / "small.yaml"
    small.write_text('openapi: 3.1.0\ninfo: {title: t, version: "1", x-deskkit-package: small_api}\npaths:\n'
                     '  /x:\n    get:\n      operationId: GetX\n      responses: {"200": {description: ok}}\n',
                     encoding="utf-8")
    done = deskkit("suggest", "--spec", str(small), str(body), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["patch"] == []  # judged by GetX's contract: nothing to retire, nothing to add
    done = deskkit("suggest", "--spec", str(small), str(body), "--package", "workspace_desktop")
    assert done.returncode == 2 and done.stdout == ""
    assert f"{small}: the bindings workspace_desktop were not generated from this spec (the spec lacks " \
           in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_second_run_proposes_nothing_the_spec_knows_off_the_page(run: Run, tmp_path: Path) -> None:
    """Suggest on the patched spec (its bindings regenerated), the same captures plus one: what the first run
    added is known off the page now, so it is counted, not proposed again (the patch is empty but for the new
    member of HourPackageInfo, which is added plain: that schema is known off the page as a whole)."""
    patched = run.out / "patched.yaml"
    bindings = tmp_path / "bindings"
    assert deskkit("generate", "--spec", str(patched), "--out", str(bindings)).returncode == 0
    captures = tmp_path / "captures"
    shutil.copytree(HERE / "captures", captures)
    (captures / "more.json").write_text(json.dumps({"desktop": {
        "desktop_id": "d9", "desktop_type": "POOLED", "process": 7, "hour_package_info": {"renewal": True}}}))
    args = ["suggest", str(captures), "--spec", str(patched), "--package", PACKAGE]
    done = deskkit(*args, "--format", "json", env={"PYTHONPATH": str(bindings)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["enum_values"] == []
    [renewal] = [f for f in report["undocumented_fields"] if f["proposed"]]
    assert renewal["pointer"] == "/components/schemas/HourPackageInfo/properties/renewal"
    assert "x-deskkit-known" not in renewal["proposed"] and "known off the page already" in renewal["note"]
    assert [op["path"] for op in report["patch"]] == [renewal["pointer"]]
    known = {(k["rule"].rsplit("/", 1)[1], k["what"]): (k["seen"]["occurrences"], k["seen"]["responses"])
             for k in report["known_off_page"]}
    assert known == {("process", "field"): (4, 4), ("hour_package_info", "field"): (2, 2),
                     ("architecture", "field"): (2, 2), ("request_id", "field"): (1, 1),
                     ("desktop_type", "value"): (3, 3), ("charge_mode", "value"): (1, 1), ("type", "value"): (1, 1)}
    assert {k["level"] for k in report["known_off_page"]} == {"captures"}
    text = deskkit(*args, env={"PYTHONPATH": str(bindings)}).stdout
    assert "\nalready known off the page (7): not proposed again\n" in text
    assert "  /components/schemas/DesktopDetailInfo/properties/process: a field known off the page (captures), " \
           "seen 4 times in 4 of 7 responses\n" in text
    markdown = deskkit(*args, "--format", "markdown", env={"PYTHONPATH": str(bindings)}).stdout
    assert "#### Already known off the page (7): not proposed again\n\n- `/components/schemas/DesktopDetailInfo/" \
           "properties/desktop_type`: a value known off the page (captures), seen 3 times in 3 of 7 responses\n" \
           in markdown
    # The spec it writes generates (the plain member inside a known schema is what the generator wants).
    out = tmp_path / "next.yaml"
    assert deskkit(*args, "--apply", str(out), env={"PYTHONPATH": str(bindings)}).returncode == 0
    assert deskkit("generate", "--spec", str(out), "--out", str(tmp_path / "next")).returncode == 0


def test_a_closed_schema_gets_no_property_known_off_the_page(run: Run, tmp_path: Path) -> None:
    """`additionalProperties: false`: the page forbids the field, and the generator refuses x-deskkit-known there;
    so it is not proposed (the reason says what to do), and `--as documented` still adds it."""
    text = SPEC.read_text(encoding="utf-8")
    closed = tmp_path / "closed.yaml"
    closed.write_text(text.replace("    ProductInfo:\n      type: object\n",
                                   "    ProductInfo:\n      type: object\n      additionalProperties: false\n", 1))
    bindings = tmp_path / "bindings"
    assert deskkit("generate", "--spec", str(closed), "--out", str(bindings)).returncode == 0
    args = ["suggest", CAPTURES, "--spec", str(closed), "--package", PACKAGE, "--format", "json"]
    known = json.loads(deskkit(*args, env={"PYTHONPATH": str(bindings)}).stdout)
    [architecture] = [f for f in known["undocumented_fields"] if f["pointer"].endswith("/architecture")]
    assert architecture["proposed"] is None and "additionalProperties: false" in architecture["reason"]
    assert "--as documented" in architecture["reason"]
    assert not [op for op in known["patch"] if op["path"].endswith("/architecture")]
    documented = json.loads(deskkit(*args, "--as", "documented", env={"PYTHONPATH": str(bindings)}).stdout)
    [op] = [op for op in documented["patch"] if op["path"].endswith("/architecture")]
    assert op["value"]["type"] == "string" and "x-deskkit-known" not in op["value"]


def test_apply_onto_the_spec_is_all_or_nothing(run: Run, tmp_path: Path) -> None:
    """`--apply` onto the spec itself under a file size limit smaller than the patched spec: the write fails
    with a one-line error, the spec keeps its bytes and no temporary file is left beside it."""
    import resource

    victim = tmp_path / "victim.yaml"
    shutil.copyfile(SPEC, victim)
    before = victim.read_bytes()
    limit = 49 * 512  # `ulimit -f 49` (512-byte blocks): the spec is larger, so rewriting it must fail

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    assert len(before) > limit
    exe = Path(sys.executable).with_name("deskkit")
    done = subprocess.run([str(exe), "suggest", CAPTURES, "--spec", str(victim), "--package", PACKAGE,
                           "--apply", str(victim)], cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(run.bindings)}, preexec_fn=small_files)
    assert done.returncode == 2, done.stderr
    assert f"{victim}: cannot write" in done.stderr and "Traceback" not in done.stderr
    assert victim.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim.yaml"]


def test_the_readme_suggest_flow_runs_as_written(tmp_path: Path) -> None:
    """Every line of the README's suggest flow, run by a shell in a checkout-like folder (the shipped spec under
    spec/, a captures/ folder and a HAR beside it): each succeeds (diff exits 1: it found breaking changes, as
    documented), and afterwards the checkout is whole — `generate --check` and `suggest captures/` still work."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("deskkit suggest captures/ session.har")
    lines = readme[start:readme.index("```", start)].strip().splitlines()
    assert any("--apply" in line for line in lines) and not any("spec/next" in line for line in lines)
    shutil.copytree(ROOT / "spec", tmp_path / "spec")
    shutil.copytree(HERE / "captures", tmp_path / "captures")
    shutil.copyfile(HERE / "captures" / "session.har", tmp_path / "session.har")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for line in lines:
        done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True,
                              check=False, timeout=300)
        expected = (0, 1) if line.startswith("deskkit diff") else (0,)
        assert done.returncode in expected, (line, done.stderr)
        assert "Traceback" not in done.stderr and "several specs" not in done.stderr, line
    assert "## " in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "proposed.json").read_text(encoding="utf-8"))
    for args in (["generate", "--check"], ["suggest", "captures/"]):
        done = subprocess.run(["deskkit", *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                              check=False, timeout=300)
        assert done.returncode == 0, (args, done.stderr)


def test_a_number_where_an_integer_is_documented_is_not_proposed_as_a_shape(
        run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An integer is a number: a number shape beside an integer one could not be told apart, and the
    generator refuses such a spec, so suggest says why instead of writing it into the patch."""
    body = {"desktop": {"desktop_id": "d1", "root_volume": {"size": 90.5}}}
    (tmp_path / "float.json").write_text(json.dumps(body))
    assert main(["suggest", str(tmp_path / "float.json"), "--spec", str(SPEC), "--package", PACKAGE,
                 "--patch", str(tmp_path / "p.json")]) == 0
    text = capsys.readouterr().out
    assert "size-as-number" in text and "not proposed: a JSON integer is a JSON number too" in text
    assert json.loads((tmp_path / "p.json").read_text()) == []


#: Field names the generator has rules for: a digit first, a Python keyword, a name the generated code takes,
#: line breaks in a name (the evidence pointer holds them too).
HOSTILE_NAMES = ["123", "None", "class", "any", "exception", "a\nb", "x\u2028y", "q\x85r"]


def test_what_suggest_applies_for_hostile_field_names_generates_and_then_validates(run: Run, tmp_path: Path) -> None:
    """Each name holds an object (a new component, named from the field) and sits beside a scalar: the patched
    spec must generate (it proposed `_123` and `None`, which the generator refuses), and the capture must then
    be judged by the regenerated package with no field left undocumented."""
    body = {"desktop": {"desktop_id": "d1", **{name: {"inner": 1} for name in HOSTILE_NAMES},
                        **{f"s{name}": "v" for name in HOSTILE_NAMES}}}
    capture = tmp_path / "odd.json"
    capture.write_text(json.dumps(body))
    patched = tmp_path / "patched.yaml"
    done = deskkit("suggest", str(capture), "--spec", str(SPEC), "--package", PACKAGE, "--apply", str(patched),
                   env={"PYTHONPATH": str(run.bindings)})
    assert done.returncode == 0, done.stderr
    schemas = yaml.safe_load(patched.read_text(encoding="utf-8"))["components"]["schemas"]
    assert {name for name in schemas} >= {"DesktopDetailInfo123", "DesktopDetailInfoNone"}
    regenerated = tmp_path / "regenerated"
    made = deskkit("generate", "--spec", str(patched), "--out", str(regenerated))
    assert made.returncode == 0, made.stderr
    judged = deskkit("validate", str(capture), "--package", PACKAGE, "--format", "json",
                     env={"PYTHONPATH": str(regenerated)})
    report = json.loads(judged.stdout)
    [result] = report["results"]
    assert result["undocumented_fields"] == [] and result["problems"] == [], result


def test_findings_with_no_model_to_place_them_in_are_listed_not_only_counted(run: Run, tmp_path: Path) -> None:
    """A 204 that came with a body: counted as a violation, and (with no model for the status) listed nowhere."""
    har = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [{
        "request": {"method": "GET", "url": "https://workspace.ap-southeast-1.myhuaweicloud.com/v2/p1/desktops/d1",
                    "headers": []},
        "response": {"status": 204, "headers": [], "content": {"mimeType": "application/json", "text": "{}"}}}]}}
    (tmp_path / "one.har").write_text(json.dumps(har), encoding="utf-8")
    done = deskkit("suggest", str(tmp_path / "one.har"), "--spec", str(SPEC), "--package", PACKAGE, "--format",
                   "json", env={"PYTHONPATH": str(run.bindings)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["corpus"]["verdicts"] == {"violation": 1}
    assert [(o["pointer"], o["message"]) for o in report["not_proposed"]] == [
        ("", "a body where the contract has none (status 204)")]


def test_values_under_credential_names_are_not_shown_as_examples(run: Run, tmp_path: Path) -> None:
    """A report and a patched spec are shared and committed: a field named like a credential (and all inside
    it) shows its type and size, never its value; other fields keep their examples."""
    secrets = {"password": "s3cr3t-pw", "auth_token": "s3cr3t-token", "sk": "s3cr3t-sk",
               "credentials": {"value": "s3cr3t-inner", "list": ["s3cr3t-item"]}}
    body = {"desktop": {"desktop_id": "d1", "plain_field": "shown-value", **secrets}}
    (tmp_path / "secret.json").write_text(json.dumps(body), encoding="utf-8")
    patched = tmp_path / "patched.yaml"
    outputs = []
    for fmt in ("text", "json", "markdown"):
        done = deskkit("suggest", str(tmp_path / "secret.json"), "--spec", str(SPEC), "--package", PACKAGE,
                       "--format", fmt, "--apply", str(patched), env={"PYTHONPATH": str(run.bindings)})
        assert done.returncode == 0, done.stderr
        outputs += [done.stdout, patched.read_text(encoding="utf-8")]
    for text in outputs:
        assert "s3cr3t" not in text
    assert "<hidden: string of 9>" in outputs[0] and "shown-value" in outputs[0]


def test_types_left_out_of_a_proposal_are_said(run: Run, tmp_path: Path) -> None:
    """Integers twice and an array once: integer is proposed, and the array is said to be left out (it was
    dropped without a word; nulls had a line)."""
    lines = [{"desktop": {"desktop_id": "d1", "lst_or_int": value}} for value in (2, 3, [1])]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    done = deskkit("suggest", str(tmp_path / "c.jsonl"), "--spec", str(SPEC), "--package", PACKAGE, "--format",
                   "json", env={"PYTHONPATH": str(run.bindings)})
    assert done.returncode == 0, done.stderr
    [field] = [f for f in json.loads(done.stdout)["undocumented_fields"] if f["pointer"].endswith("/lst_or_int")]
    assert field["proposed"]["type"] == "integer"
    assert field["left_out"] == ["the value: array x1 seen too, not in the proposal (integer is the most common; "
                                 "the others will show as deviations)"]
