"""`deskkit diff` on real files, as a user runs it: exit codes for each --fail-on, the three formats, git
revisions, and specs that cannot be read.

Most cases call the command's entry point in this process (``generator.cli.main`` with real files, a real
working directory and real ``git``): start-up is most of a run's time. A few run the installed script too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator.cli import main
from tests.conftest import DATA, SPEC
from tests.helpers import ROOT, deskkit

PETS = DATA / "diff" / "pets.yaml"
RENAME = ("computer_name: {type: string, description: Desktop name.}",
          "desktop_name: {type: string, description: Desktop name.}")
# One change, breaking only for strict clients: the every-enum quirk lets tolerant ones read the new value.
ENUM_ADDED = ("enum: [SAS, SSD]", "enum: [SAS, SSD, ESSD]")  # (SATA is known off the page: a promotion)
# One change, breaking for nobody: a description.
DESCRIBED = ("description: Desktop ID.,", "description: The desktop's ID.,")

# The shape of `--format json`, written from the README (not from the code).
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["old", "new", "summary", "changes"], "additionalProperties": False,
    "properties": {
        "old": {"type": "string"}, "new": {"type": "string"},
        "summary": {"type": "object", "required": ["changes", "strict", "tolerant", "captures"],
                    "additionalProperties": False,
                    "properties": {"changes": {"type": "integer"},
                                   **{a: {"type": "object",
                                          "required": ["breaking", "non-breaking", "informational"],
                                          "additionalProperties": {"type": "integer"}}
                                      for a in ("strict", "tolerant", "captures")}}},
        "changes": {"type": "array", "items": {
            "type": "object", "required": ["kind", "message", "classes", "old", "new", "where"],
            "additionalProperties": False,
            "properties": {
                "kind": {"type": "string", "pattern": "^[a-z]+(-[a-z]+)*$"},
                "message": {"type": "string", "minLength": 1},
                "classes": {"type": "object", "required": ["strict", "tolerant", "captures"],
                            "additionalProperties": {"enum": ["breaking", "non-breaking", "informational"]}},
                "old": {"$ref": "#/$defs/place"}, "new": {"$ref": "#/$defs/place"},
                "where": {"type": "array", "items": {
                    "type": "object", "required": ["operation", "operation_id", "part", "path"],
                    "additionalProperties": {"type": "string"}}}}}}},
    "$defs": {"place": {"type": "object", "required": ["pointer", "line"], "additionalProperties": False,
                        "properties": {"pointer": {"type": "string"}, "line": {"type": "integer", "minimum": 1}}}},
}


def edited(folder: Path, *edits: tuple[str, str], name: str = "new.yaml", base: Path = SPEC) -> Path:
    text = base.read_text(encoding="utf-8")
    for before, after in edits:
        assert text.count(before) == 1
        text = text.replace(before, after)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """``deskkit diff ARGS`` in this process, from ``cwd``, with ``env`` set."""
    def diff(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
        with monkeypatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            try:
                code = main(["diff", *args])
            except SystemExit as stop:  # argparse's usage errors
                code = int(stop.code or 0)
        out = capsys.readouterr()
        assert "Traceback" not in out.err, out.err
        return Run(code, out.out, out.err)

    return diff


def test_the_installed_script_gives_the_same_report_and_status(tmp_path: Path, run: Callable[..., Run]) -> None:
    new = edited(tmp_path, RENAME)
    for fail_on, code in (("breaking", 1), ("none", 0)):
        script = deskkit("diff", str(SPEC), str(new), "--format", "json", "--fail-on", fail_on)
        assert script.returncode == code and "Traceback" not in script.stderr
        assert script.stdout == run(str(SPEC), str(new), "--format", "json", "--fail-on", fail_on).stdout
    broken = deskkit("diff", str(SPEC), str(tmp_path / "gone.yaml"))
    assert broken.returncode == 2 and broken.stderr.startswith("deskkit: ") and "Traceback" not in broken.stderr


@pytest.mark.parametrize(("edit", "fail_on", "code"), [
    (RENAME, "breaking", 1), (RENAME, "any", 1), (RENAME, "none", 0),
    (DESCRIBED, "breaking", 0), (DESCRIBED, "any", 1), (DESCRIBED, "none", 0),
    (None, "breaking", 0), (None, "any", 0), (None, "none", 0),
], ids=lambda v: v if isinstance(v, str | int) else "rename" if v == RENAME else "description" if v else "same")
def test_exit_status_for_each_fail_on(tmp_path: Path, edit: tuple[str, str] | None, fail_on: str, code: int,
                                      run: Callable[..., Run]) -> None:
    new = edited(tmp_path, edit) if edit else edited(tmp_path)
    result = run(str(SPEC), str(new), "--fail-on", fail_on)
    assert result.returncode == code, result.stdout + result.stderr


def test_audience_limits_what_fails(tmp_path: Path, run: Callable[..., Run]) -> None:
    new = edited(tmp_path, ENUM_ADDED)
    assert run(str(SPEC), str(new)).returncode == 1
    assert run(str(SPEC), str(new), "--audience", "tolerant,captures").returncode == 0
    assert run(str(SPEC), str(new), "--audience", "strict").returncode == 1
    bad = run(str(SPEC), str(new), "--audience", "strict,lenient")
    assert bad.returncode == 2 and "lenient" in bad.stderr


def test_json_report_has_its_documented_shape_and_locates_the_rename(tmp_path: Path, run: Callable[..., Run]) -> None:
    new = edited(tmp_path, RENAME, ENUM_ADDED)
    result = run(str(SPEC), str(new), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["old"] == str(SPEC) and report["new"] == str(new)
    assert report["summary"]["changes"] == 2
    assert report["summary"]["strict"] == {"breaking": 2, "non-breaking": 0, "informational": 0}
    assert report["summary"]["tolerant"]["breaking"] == 1 and report["summary"]["captures"]["breaking"] == 1
    (rename,) = [c for c in report["changes"] if c["kind"] == "response-property-renamed"]
    raw_old, raw_new = SPEC.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    assert rename["old"]["line"] == raw_old[: raw_old.index("computer_name:")].count("\n") + 1
    assert rename["new"]["line"] == raw_new[: raw_new.index("desktop_name:")].count("\n") + 1
    assert rename["classes"] == {"strict": "breaking", "tolerant": "breaking", "captures": "breaking"}


def test_markdown_is_a_table_one_row_per_change(tmp_path: Path, run: Callable[..., Run]) -> None:
    new = edited(tmp_path, RENAME, ENUM_ADDED, ("pattern: '^[^=*<>,|/]*$(?!\\n)'\n        value:",
                                                "pattern: '^[^=*<>,|/]+$(?!\\n)'\n        value:"))
    result = run(str(SPEC), str(new), "--format", "markdown", "--fail-on", "none")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"### deskkit diff: `{SPEC}` → `{new}`"
    header = lines.index("| change | strict | tolerant | captures | OLD | NEW | where |")
    assert lines[header + 1] == "|---|---|---|---|---|---|---|"
    rows = lines[header + 2:]
    assert len(rows) == 3 and all(r.startswith("| `") and r.endswith(" |") for r in rows)
    for row in rows:  # a pipe inside a cell (the pattern holds one) must not split the row
        cells = [c for c in row.replace("\\|", "").split("|")[1:-1]]
        assert len(cells) == 7, row
    (renamed,) = [r for r in rows if "response-property-renamed" in r]
    assert renamed.count("**breaking**") == 3 and "/desktop/computer_name" in renamed
    assert "\\|" in next(r for r in rows if "pattern" in r)


def test_no_changes_in_each_format(run: Callable[..., Run]) -> None:
    assert run(str(SPEC), str(SPEC)).stdout.endswith(": no changes\n")
    assert "No changes." in run(str(SPEC), str(SPEC), "--format", "markdown").stdout
    assert json.loads(run(str(SPEC), str(SPEC), "--format", "json").stdout)["changes"] == []


#: The line of DesktopDetailInfo's computer_name in the shipped spec, counted from the file.
COMPUTER_NAME_LINE = next(n for n, line in enumerate(SPEC.read_text(encoding="utf-8").splitlines(), 1)
                          if "computer_name: {type: string, description: Desktop name.}" in line)


def test_text_names_kind_classes_both_places_and_the_use_site(tmp_path: Path, run: Callable[..., Run]) -> None:
    new = edited(tmp_path, RENAME)
    out = run(str(SPEC), str(new)).stdout.splitlines()
    assert out[1:] == [
        "", "response-property-renamed", "  strict: breaking   tolerant: breaking   captures: breaking",
        "  optional property `computer_name` → `desktop_name`: a possible rename (same type and description)",
        f"  OLD {SPEC}:{COMPUTER_NAME_LINE}  /components/schemas/DesktopDetailInfo/properties/computer_name",
        f"  NEW {new}:{COMPUTER_NAME_LINE}  /components/schemas/DesktopDetailInfo/properties/desktop_name",
        "  in GET /v2/{project_id}/desktops/detail (ListDesktopsDetail), response 200 application/json, "
        "at /desktops/*/computer_name",
        "  in GET /v2/{project_id}/desktops/{desktop_id} (ShowDesktopDetail), response 200 application/json, "
        "at /desktop/computer_name"]


# -- git:REV:PATH ---------------------------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "repo"
    (folder / "spec").mkdir(parents=True)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    shutil.copy(SPEC, folder / "spec" / "api.yaml")
    git("add", ".")
    git("commit", "-q", "-m", "first")
    edited(folder / "spec", RENAME, name="api.yaml", base=folder / "spec" / "api.yaml")
    git("commit", "-q", "-am", "rename")
    return folder


def test_git_revisions_on_both_sides_and_against_the_work_tree(repo: Path, run: Callable[..., Run]) -> None:
    both = run("git:HEAD~1:spec/api.yaml", "git:HEAD:spec/api.yaml", "--format", "json", cwd=repo)
    assert both.returncode == 1, both.stderr
    report = json.loads(both.stdout)
    assert report["old"] == "git:HEAD~1:spec/api.yaml"
    assert [c["kind"] for c in report["changes"]] == ["response-property-renamed"]
    assert report["changes"][0]["old"]["line"] == COMPUTER_NAME_LINE
    worktree = run("git:HEAD~1:spec/api.yaml", "spec/api.yaml", cwd=repo)
    assert worktree.returncode == 1 and "response-property-renamed" in worktree.stdout
    assert run("git:HEAD:spec/api.yaml", "spec/api.yaml", cwd=repo).returncode == 0


def test_git_errors_are_one_line_and_exit_2(repo: Path, tmp_path: Path, run: Callable[..., Run]) -> None:
    missing_rev = run("git:nope:spec/api.yaml", "spec/api.yaml", cwd=repo)
    assert missing_rev.returncode == 2
    assert missing_rev.stderr.startswith(
        "deskkit: git:nope:spec/api.yaml: git cat-file blob nope:spec/api.yaml failed:")
    missing_path = run("git:HEAD:spec/gone.yaml", "spec/api.yaml", cwd=repo)
    assert missing_path.returncode == 2 and "spec/gone.yaml" in missing_path.stderr
    not_a_repo = run("git:HEAD:spec/api.yaml", str(SPEC), cwd=tmp_path)
    assert not_a_repo.returncode == 2 and "git cat-file" in not_a_repo.stderr
    folder = run("git:HEAD:spec", "spec/api.yaml", cwd=repo)
    assert folder.returncode == 2 and "bad file" in folder.stderr and "Traceback" not in folder.stderr
    malformed = run("git:HEAD", str(SPEC), cwd=repo)
    assert malformed.returncode == 2 and "expected git:REV:PATH" in malformed.stderr
    no_git = run("git:HEAD:spec/api.yaml", "spec/api.yaml", cwd=repo, env={"PATH": str(tmp_path / "empty")})
    assert no_git.returncode == 2 and "git is not installed" in no_git.stderr


def test_a_revision_that_reads_as_a_git_option_is_refused(repo: Path, tmp_path: Path,
                                                          run: Callable[..., Run]) -> None:
    """``git:--output=FILE:PATH`` made ``git show`` write FILE: a revision starting with '-' is refused."""
    target = tmp_path / "written"
    result = run(f"git:--output={target}:api.yaml", "spec/api.yaml", cwd=repo)
    assert result.returncode == 2 and "starts with '-'" in result.stderr
    assert not list(tmp_path.glob("written*"))


def test_a_broken_spec_in_git_is_named_by_its_git_source(repo: Path, run: Callable[..., Run]) -> None:
    (repo / "spec" / "api.yaml").write_text("openapi: 3.1.0\ninfo: [\n", encoding="utf-8")
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-am", "broken"],
                   cwd=repo, check=True, capture_output=True)
    result = run("git:HEAD~1:spec/api.yaml", "git:HEAD:spec/api.yaml", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.startswith("deskkit: git:HEAD:spec/api.yaml:3: at /: not valid YAML")


# -- specs that cannot be compared ------------------------------------------------------------------------

def test_a_spec_that_fails_to_load_gives_file_line_and_pointer(tmp_path: Path, run: Callable[..., Run]) -> None:
    broken = edited(tmp_path, ("      operationId: ShowDesktopDetail\n", "      operationId: 7\n"))
    result = run(str(SPEC), str(broken))
    assert result.returncode == 2
    line = broken.read_text(encoding="utf-8").splitlines().index("      operationId: 7") + 1
    assert result.stderr == (f"deskkit: {broken}:{line}: at /paths/~1v2~1{{project_id}}~1desktops~1{{desktop_id}}"
                             "/get/operationId: 7 is not of type 'string'\n")


def test_a_reference_to_nothing_is_refused_with_its_line(tmp_path: Path, run: Callable[..., Run]) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(PETS.read_text(encoding="utf-8"), encoding="utf-8")
    nope = 'schema: {$ref: "#/components/schemas/Nope"}'
    bad = edited(tmp_path, ('schema: {$ref: "#/components/schemas/NewPet"}', nope), base=PETS)
    result = run(str(old), str(bad))
    assert result.returncode == 2
    line = bad.read_text(encoding="utf-8").splitlines().index("            " + nope) + 1
    assert result.stderr == (f"deskkit: {bad}:{line}: at /paths/~1pets/post/requestBody/content/application~1json"
                             "/schema/$ref: '#/components/schemas/Nope' names nothing in this spec\n")


def test_both_sides_problems_are_listed_and_a_missing_file_is_named(tmp_path: Path, run: Callable[..., Run]) -> None:
    result = run(str(tmp_path / "gone.yaml"), str(tmp_path / "also-gone.yaml"))
    assert result.returncode == 2
    assert "gone.yaml: at /: cannot read the spec" in result.stderr
    assert "also-gone.yaml: at /: cannot read the spec" in result.stderr


def test_usage_errors_exit_2(run: Callable[..., Run]) -> None:
    assert run(str(SPEC)).returncode == 2
    assert run(str(SPEC), str(SPEC), "--format", "xml").returncode == 2
    assert run(str(SPEC), str(SPEC), "--fail-on", "maybe").returncode == 2


def test_the_vendors_evidence_in_the_shipped_spec_breaks_nobody(run: Callable[..., Run]) -> None:
    """The spec before and after x-deskkit-known was filled in, as the README's command reads it."""
    before = "git:5a5bf26:spec/workspace-desktop.openapi.yaml"
    if subprocess.run(["git", "cat-file", "-e", "5a5bf26"], cwd=ROOT, check=False).returncode != 0:
        pytest.skip("this checkout lacks commit 5a5bf26 (a shallow clone?)")
    done = run(before, "spec/workspace-desktop.openapi.yaml", "--format", "json", cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr  # --fail-on breaking: nothing breaks anyone
    report = json.loads(done.stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    kinds = [c["kind"] for c in report["changes"]]
    assert kinds.count("response-known-property-added") == 36
    assert "response-optional-property-added" not in kinds
    markdown = run(before, "spec/workspace-desktop.openapi.yaml", "--format", "markdown", cwd=ROOT)
    assert markdown.returncode == 0 and markdown.stdout.count("response-known-property-added") >= 36


def _wide(tmp_path: Path, operations: int, changed: bool) -> Path:
    """``operations`` operations whose bodies all point at one component of 50 properties."""
    properties: dict[str, Any] = {f"p{i}": {"type": "string"} for i in range(50)}
    if changed:
        properties["p0"] = {"type": "integer"}
    body = {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/W"}}}}
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1", "x-deskkit-package": "wide_pkg"},
            "paths": {f"/r{i}": {"get": {"operationId": f"get{i}", "responses": {"200": body}}}
                      for i in range(operations)},
            "components": {"schemas": {"W": {"type": "object", "properties": properties}}}}
    path = tmp_path / f"wide-{operations}-{changed}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def test_a_component_shared_by_every_operation_is_merged_once(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Each operation's `{$ref: W}` made a view of its own, merging W's properties again: 4,000 operations on
    a 400-property component took 35 s and 1.5 GB. The one change is reported once, at every operation."""
    from generator.contract.diff import model

    merged: list[str] = []
    original = model.Document._merge_object

    def counting(self: model.Document, s: model.Schema, at: str, raw: dict[str, Any]) -> None:
        merged.append(at)
        original(self, s, at, raw)

    monkeypatch.setattr(model.Document, "_merge_object", counting)
    counts = []
    for operations in (5, 40):
        merged.clear()
        assert main(["diff", str(_wide(tmp_path, operations, False)), str(_wide(tmp_path, operations, True)),
                     "--format", "json", "--fail-on", "none"]) == 0
        counts.append(sum(at.startswith("/components/schemas/W") and at.count("/") == 3 for at in merged))
    assert counts[0] == counts[1], counts


def test_names_from_the_specs_are_shown_not_sent_to_the_terminal(tmp_path: Path) -> None:
    """Property names holding an ANSI escape and a line break: the text report shows them as escapes (each
    change still its own lines), and each change stays one row of the Markdown table."""
    spec = yaml.safe_load((DATA / "specs" / "plain.yaml").read_text(encoding="utf-8"))
    odd = ["\x1b[31mred", "line\nbreak", "bidi\u202eevil"]
    for name in odd:
        spec["components"]["schemas"]["Note"]["properties"][name] = {"type": "string"}
    new = tmp_path / "odd.yaml"
    new.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    text = deskkit("diff", str(DATA / "specs" / "plain.yaml"), str(new)).stdout
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f\u202e]", text)
    for name in odd:
        shown = name.encode("unicode_escape").decode().replace("\\n", "\\x0a")
        assert f"optional property `{shown}` added" in text, shown
    markdown = deskkit("diff", "--format", "markdown", str(DATA / "specs" / "plain.yaml"), str(new)).stdout
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    assert len(rows) == len(odd) and not re.search("[\x00-\x09\x0b-\x1f\x7f\u202e]", markdown)
