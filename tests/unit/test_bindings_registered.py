"""The bindings' entry points found without importing importlib.metadata, held to importlib.metadata itself:
random folders of installed distributions on a temporary ``sys.path`` (names differing only by case and
separators, the same name in two folders, egg-info and dist-info, comments, other groups, no file at all)."""

from __future__ import annotations

import importlib.metadata
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.contract.bindings import registered

GROUP = "deskkit.bindings"
names = st.sampled_from(["alpha", "Alpha", "beta_pkg", "Beta.Pkg", "beta--pkg", "gamma"])
groups = st.sampled_from([GROUP, "console_scripts", "other.group"])
entries = st.lists(st.tuples(groups, st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                             st.from_regex(r"[a-z_]{1,8}(:[a-z]{1,4})?", fullmatch=True)), max_size=4)
distribution = st.tuples(names, st.sampled_from([".dist-info", ".egg-info"]), st.one_of(st.none(), entries),
                         st.booleans())
Distribution = tuple[str, str, list[tuple[str, str, str]] | None, bool]  # name, suffix, entry points, decorated
layouts = st.lists(st.lists(distribution, max_size=5), min_size=1, max_size=3)


def entry_points_txt(pairs: list[tuple[str, str, str]], decorate: bool) -> str:
    """The file, its sections in the order first seen; ``decorate``: comments, blank lines, spaces."""
    by_group: dict[str, list[str]] = {}
    for group, name, value in pairs:
        by_group.setdefault(group, []).append(f"{name} = {value}" if decorate else f"{name}={value}")
    lines: list[str] = ["# generated", ""] if decorate else []
    for group, items in by_group.items():
        lines += [f"[{group}]", *items, ""]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None)
@given(layouts)
def test_the_entry_points_found_are_importlib_metadatas(layout: list[list[Distribution]]) -> None:
    with tempfile.TemporaryDirectory() as top:
        folders = []
        for k, dists in enumerate(layout):
            folder = Path(top) / f"site{k}"
            folder.mkdir()
            for n, (name, ext, pairs, decorate) in enumerate(dists):
                info = folder / f"{name}-{n}.0{ext}"
                if info.exists():
                    continue
                info.mkdir()
                (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {n}.0\n")
                if pairs is not None:
                    (info / "entry_points.txt").write_text(entry_points_txt(pairs, decorate))
            folders.append(str(folder))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "path", [*folders, str(Path(top) / "no-such-folder")])
            for group in (GROUP, "console_scripts"):
                expected = [ep.value for ep in importlib.metadata.entry_points(group=group)]
                assert sorted(registered(group)) == sorted(expected)


def test_a_zip_on_the_path_is_left_to_importlib_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    archive = tmp_path / "dists.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\nVersion: 1.0\n")
        zipped.writestr("zipped-1.0.dist-info/entry_points.txt", f"[{GROUP}]\nzipped = zipped_bindings\n")
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert registered(GROUP) == ["zipped_bindings"]
