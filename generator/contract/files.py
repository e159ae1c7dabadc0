"""Files and folders as `deskkit validate` reads them: regular files only, folders walked with every skip
explained.

Opening never blocks: a FIFO, a socket or a device is refused (:class:`NotRegular`) instead of waiting for a
writer that may never come or reading a stream that never ends. A folder walk follows symbolic links but
reports loops, dangling links, folders reached twice, unreadable folders and special files as skipped,
each with its reason.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path


class NotRegular(OSError):
    """A path that is not a regular file; ``kind`` says what it is."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"not a regular file: {kind}")
        self.kind = kind
        self.strerror = f"not a regular file: {kind}"


def replaceable(path: Path) -> Path | None:
    """Where a file written whole (beside it, then renamed) takes ``path``'s place: ``path`` itself, or through
    symbolic links the file they name (the links stay links). None when ``path`` is not a regular file (a
    FIFO, a device, a terminal, ``/dev/stdout`` onto a pipe): such an output is written to as it is, never
    replaced — a rename over it would put an ordinary file where the reader, or the device, was."""
    try:
        mode = os.stat(path).st_mode  # (follows links)
    except OSError:  # no such file yet (a dangling link: the file it names is made), or unreachable (the
        return Path(os.path.realpath(path))  # write says why)
    return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"


def open_regular(path: str | Path) -> io.BufferedReader:
    """Open a regular file for reading; :class:`NotRegular` for anything else. The open itself does not
    block (O_NONBLOCK: a FIFO without a writer would wait forever), reads then do as usual."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(kind(mode))
        os.set_blocking(fd, True)
        return open(fd, "rb")  # the caller closes it
    except BaseException:
        os.close(fd)
        raise


def broken_link(path: str | Path) -> str | None:
    """Why a path that names a symbolic link cannot be followed (a loop, a dangling link), else None."""
    try:
        os.stat(path)
    except OSError as exc:
        if os.path.islink(path):
            return "symbolic link loop" if exc.errno == errno.ELOOP else "dangling symbolic link"
    return None


def walk(folder: Path, suffixes: tuple[str, ...], skip: Callable[[str], None]) -> Iterator[Path]:
    """The regular files under ``folder`` whose suffix is one of ``suffixes``, depth first in name order;
    everything else is passed to ``skip`` with the reason. Iterative: a deep tree needs no deep stack."""
    try:
        top = os.stat(folder)
    except OSError as exc:  # gone since it was named
        skip(f"folder that cannot be read ({exc.strerror})")
        return
    seen = {(top.st_dev, top.st_ino)}
    stack: list[tuple[Iterator[os.DirEntry[str]], frozenset[tuple[int, int]]]] = []
    entries = _entries(folder, skip)
    if entries is not None:
        stack.append((entries, frozenset(seen)))
    while stack:
        entries, ancestors = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        try:
            info = os.stat(entry.path)  # follows links: a link to a capture is a capture
        except OSError as exc:
            skip(_unreachable(entry, exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                skip("symbolic link loop (a link back to a folder being walked)")
            elif key in seen:
                skip("folder already walked (reached again through a symbolic link)")
            else:
                seen.add(key)
                inner = _entries(Path(entry.path), skip)
                if inner is not None:
                    stack.append((inner, ancestors | {key}))
        elif not stat.S_ISREG(info.st_mode):
            skip(f"not a regular file ({kind(info.st_mode)})")
        elif Path(entry.name).suffix.lower() in suffixes:
            yield Path(entry.path)
        else:
            skip("file of another kind")


def _entries(folder: Path, skip: Callable[[str], None]) -> Iterator[os.DirEntry[str]] | None:
    try:
        with os.scandir(folder) as listing:
            return iter(sorted(listing, key=lambda e: e.name))
    except OSError as exc:
        skip(f"folder that cannot be read ({exc.strerror})")
        return None


def _unreachable(entry: os.DirEntry[str], exc: OSError) -> str:
    if entry.is_symlink():
        return "symbolic link loop" if exc.errno == errno.ELOOP else "dangling symbolic link"
    return f"cannot be read ({exc.strerror})"
