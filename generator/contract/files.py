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
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Final


class NotRegular(OSError):
    """A path that is not a regular file; ``kind`` says what it is."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"not a regular file: {kind}")
        self.kind = kind
        self.strerror = f"not a regular file: {kind}"


def replaceable(path: Path) -> Path | None:
    """Where a file written whole (beside it, then renamed) takes ``path``'s place: ``path`` itself, or through
    symbolic links the file they name (the links stay links). None when ``path`` is not a regular file (a
    FIFO, a device, a terminal) or names an open descriptor (``/dev/stdout``, ``/dev/fd/N``): such an output
    is written as it is (:func:`open_in_place`), never replaced — a rename over it would put an ordinary file
    where the reader, or the device, was."""
    if _descriptor(path) is not None:
        return None
    try:
        mode = os.stat(path).st_mode  # (follows links)
    except OSError:  # no such file yet (a dangling link: the file it names is made), or unreachable (the
        return Path(os.path.realpath(path))  # write says why)
    return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None


def open_in_place(path: Path, mode: str, **options: Any) -> IO[Any]:
    """``path`` opened for writing as it is: through the descriptor it names, shared (``/dev/stdout`` onto a
    file the shell opened: reopened, it was truncated and written from its start, over what the shell wrote
    before and after), else opened by name (a FIFO, a device)."""
    fd = _descriptor(path)
    if fd is None:
        return open(path, mode, **options)  # (the caller closes it)
    return os.fdopen(os.dup(fd), mode, **options)


_DESCRIPTOR: Final = re.compile(r"/dev/(?:std(in|out|err)|fd/([0-9]+))|/proc/(?:self|thread-self|[0-9]+)/fd/([0-9]+)")


def _descriptor(path: Path) -> int | None:
    """The descriptor of this process that ``path``, or a link on the way to what it names, stands for."""
    current = os.path.abspath(path)
    for _ in range(40):  # (the kernel's own limit on links followed)
        found = _DESCRIPTOR.fullmatch(current)
        if found is not None:
            std, fd, proc = found.groups()
            if proc is not None and not current.startswith(("/proc/self/", "/proc/thread-self/",
                                                             f"/proc/{os.getpid()}/")):
                return None  # another process's descriptor: opened by name
            return ("in", "out", "err").index(std) if std else int(fd or proc)
        try:
            target = os.readlink(current)
        except OSError:  # not a link (or gone): the chain ends here
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return None


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
