"""Read OLD and NEW for ``deskkit diff``: a file, or ``git:REV:PATH`` read with ``git cat-file blob`` from the
current directory's repository. Each is loaded and checked as ``deskkit generate`` would (the same SpecError lines).
"""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from ...codegen.check import check_spec
from ...codegen.load import YAML_LOADER, Spec, escape_token, load_spec
from ...errors import DeskkitError, SpecError

GIT_PREFIX = "git:"


@dataclass(frozen=True)
class Source:
    """One loaded spec and the line of every JSON Pointer in it (for a mapping member: its key's line)."""

    label: str  # as the user wrote it: a path or git:REV:PATH
    spec: Spec
    keys: dict[str, int]

    def line(self, pointer: str) -> int | None:
        """The line of ``pointer``, else of its nearest enclosing node the file locates."""
        probe = pointer
        while probe:
            line = self.keys.get(probe) or self.spec.lines.get(probe)
            if line is not None:
                return line
            probe = probe.rsplit("/", 1)[0]
        return 1


def key_lines(text: bytes) -> dict[str, int]:
    """The line of each mapping key and sequence item: ``Spec.lines`` gives where a value starts, which for
    a block mapping is the line after its key."""
    node = yaml.compose(text, Loader=YAML_LOADER)
    lines: dict[str, int] = {}
    stack = [(node, "")] if node is not None else []
    while stack:  # iterative, like the loader: a hostile spec may nest deeply
        node, pointer = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{pointer}/{escape_token(str(key.value))}"
                lines[child] = key.start_mark.line + 1
                stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = f"{pointer}/{index}"
                lines[child] = item.start_mark.line + 1
                stack.append((item, child))
    return lines


def _load(path: Path, label: str) -> Source:
    try:
        spec = load_spec(path)
        check_spec(spec)
    except SpecError as error:
        if label == str(path):
            raise
        raise SpecError([dataclasses.replace(issue, file=label) for issue in error.issues]) from None
    return Source(label, dataclasses.replace(spec, path=Path(label)), key_lines(path.read_bytes()))


def _git_show(label: str) -> bytes:
    rev, sep, path = label[len(GIT_PREFIX):].partition(":")
    if not (sep and rev and path):
        raise DeskkitError(f"{label}: expected git:REV:PATH, for example git:HEAD~1:spec/api.yaml")
    if rev.startswith("-"):  # git would read it as one of its options (--output=FILE writes anywhere)
        raise DeskkitError(f"{label}: expected a revision (a commit, branch or tag) before the path, "
                           f"found {rev!r}, which starts with '-'")
    try:  # cat-file blob: the file's bytes as committed, and a folder refused as not a file
        done = subprocess.run(["git", "cat-file", "blob", f"{rev}:{path}"], capture_output=True, check=False,
                              timeout=60)
    except FileNotFoundError:
        raise DeskkitError(f"{label}: git is not installed (it is needed to read git:REV:PATH)") from None
    except subprocess.TimeoutExpired:
        raise DeskkitError(f"{label}: git did not answer within 60 seconds") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DeskkitError(f"{label}: git cat-file blob {rev}:{path} failed: "
                           f"{reason[0] if reason else 'no reason given'}")
    return done.stdout


def read_source(label: str) -> Source:
    """Load and check the spec ``label`` names; a :class:`DeskkitError` (exit 2) says why it cannot."""
    if not label.startswith(GIT_PREFIX):
        return _load(Path(label), label)
    text = _git_show(label)
    with tempfile.TemporaryDirectory(prefix="deskkit-diff-") as folder:
        path = Path(folder) / (PurePosixPath(label).name or "spec.yaml")
        path.write_bytes(text)
        return _load(path, label)
