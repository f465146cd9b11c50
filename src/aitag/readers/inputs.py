"""Inputs: paths, directories, globs and ``-`` expanded in one place; files opened safely."""

from __future__ import annotations

import errno
import glob
import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from .formats import EXTENSION_FORMATS

STDIN = "-"


# ---------------------------------------------------------------- inputs


def expand_inputs(specs: Iterable[str]) -> Iterator[str | InputError]:
    """Expand paths, directories (recursively), globs and ``-`` into file paths, in order.

    A spec that matches nothing yields an :class:`InputError` in its place, so a batch can
    report it and go on.
    """
    for spec in specs:
        if spec == STDIN:
            yield STDIN
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists() or path.is_symlink():
            yield spec
        elif glob.has_magic(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                yield InputError(spec, "no file matches this pattern")
            for match in matches:
                if Path(match).is_dir():
                    yield from _walk(Path(match))
                else:
                    yield match
        else:
            yield InputError(spec, "no such file or directory")


def _walk(directory: Path) -> Iterator[str | InputError]:
    # Hidden files and files of unknown type are skipped: a directory of posts also
    # holds images and editor backups, and nobody wants them reported one by one. A
    # directory that cannot be listed is reported: its files would silently be missing.
    errors: list[OSError] = []
    for root, dirs, files in os.walk(directory, onerror=errors.append):
        yield from _unlistable(errors)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in EXTENSION_FORMATS:
                yield os.path.join(root, name)
    yield from _unlistable(errors)


def _unlistable(errors: list[OSError]) -> Iterator[InputError]:
    while errors:
        error = errors.pop(0)
        yield InputError(
            str(error.filename), f"cannot list this directory ({error.strerror or error})"
        )


def read_bytes(path: str, max_bytes: int, stdin: io.BufferedIOBase | None) -> bytes:
    name = "<stdin>" if path == STDIN else path
    try:
        if path == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(max_bytes + 1)
        else:
            data = _read_regular(path, max_bytes + 1)
    except OSError as error:
        raise InputError(
            name, f"cannot read ({error.strerror or error}); check the path and its permissions"
        ) from None
    if len(data) > max_bytes:
        raise InputError(
            name, f"larger than the {max_bytes:,}-byte limit; split it or raise --max-bytes"
        )
    return data


def _read_regular(path: str, limit: int) -> bytes:
    """Up to ``limit`` bytes of a regular file, read straight from its descriptor.

    An archive is mostly small files: no file object or buffer is made for them. It asks
    for the file's size plus one (to see the end): asking for the limit would allocate
    that much for every small file. A file that turns out longer (it grew, or the system
    does not know its size, as in /proc) is read on up to the limit.
    """
    descriptor = _open_regular_descriptor(path)
    try:
        size = os.fstat(descriptor).st_size
        wanted = min(size + 1, limit)
        chunks, total = [], 0
        while total < wanted:
            chunk = os.read(descriptor, wanted - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > size:
                wanted = limit
    finally:
        os.close(descriptor)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def open_regular(path: str) -> io.BufferedReader:
    """Open a regular file for reading; refuse FIFOs, devices, sockets and link loops."""
    return open(_open_regular_descriptor(path), "rb")


def _open_regular_descriptor(path: str) -> int:
    _check_regular_file(path)
    # O_NONBLOCK: should the file turn into a FIFO after the check, opening it still
    # returns at once instead of waiting for a writer.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise InputError(path, "is not a regular file" + _GIVE)
    return descriptor


_GIVE = "; give a text, Markdown, HTML, JSON or CSV file"
_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), which could block forever"),
    (stat.S_ISCHR, "is a device file"),
    (stat.S_ISBLK, "is a device file"),
    (stat.S_ISSOCK, "is a socket"),
)


def _check_regular_file(path: str) -> None:
    """Refuse, before opening, what is not a regular file: opening a FIFO blocks."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if os.path.islink(path):
            kind = (
                "a symbolic link loop" if error.errno == errno.ELOOP else "a broken symbolic link"
            )
            raise InputError(path, f"is {kind}; fix or remove the link") from None
        raise
    for test, kind in _KINDS:
        if test(mode):
            raise InputError(path, kind + _GIVE)
    if not stat.S_ISREG(mode):
        raise InputError(path, "is not a regular file" + _GIVE)
