"""Inputs: paths, directories, globs and ``-`` expanded in one place; files opened safely."""

from __future__ import annotations

import errno
import fnmatch
import glob
import io
import os
import re
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError, InputWarning
from .formats import (
    ARCHIVE_FORMATS,
    EXTENSION_FORMATS,
    UNREAD_DOCUMENT_EXTENSIONS,
    extension_format,
)

STDIN = "-"


# ---------------------------------------------------------------- inputs


def expand_inputs(
    specs: Iterable[str], unread: list[InputWarning] | None = None
) -> Iterator[str | InputError]:
    """Expand paths, directories (recursively), globs and ``-`` into file paths, in order.

    A spec that matches nothing yields an :class:`InputError` in its place, so a batch can
    report it and go on. Neither directories nor ``**`` are followed through symbolic
    links: a link to its own folder would otherwise make the walk endless. A directory
    that holds documents in formats aitag does not read (``.docx``, ``.pdf``...) adds a
    warning to ``unread`` when its walk ends.
    """
    stdin_given = False
    for spec in specs:
        if spec == STDIN:
            # Read once, it is empty the second time: a second "-" would be a record of
            # nothing, passed off as a document.
            if stdin_given:
                yield InputError("<stdin>", "is given twice; standard input can be read once")
            else:
                yield STDIN
            stdin_given = True
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _walk(spec, unread)
        elif path.exists() or path.is_symlink():
            yield spec
        elif glob.has_magic(spec):
            matches = _glob(spec)
            if not matches:
                yield InputError(spec, "no file matches this pattern")
            for match in matches:
                if os.path.isdir(match):
                    yield from _walk(match, unread)
                else:
                    yield match
        else:
            yield InputError(spec, "no such file or directory")


def _walk(directory: str, unread: list[InputWarning] | None = None) -> Iterator[str | InputError]:
    """Files of a folder and its subfolders: a folder's own files first, then each
    subfolder's, by name; a walk without recursion, so no tree is too deep for it."""
    # Hidden files and files of unknown type are skipped: a directory of posts also
    # holds images and editor backups, and nobody wants them reported one by one.
    # Documents in formats aitag does not read are counted and said once for the walk.
    # A directory that cannot be listed is reported: its files would silently be missing.
    skipped: Counter[str] = Counter()
    pending = [directory]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            yield InputError(folder, f"cannot list this directory ({error.strerror or error})")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_directory(entry):
                if not entry.is_symlink():
                    subfolders.append(entry.path)
            else:
                extension = os.path.splitext(entry.name)[1].lower()
                if extension in EXTENSION_FORMATS:
                    yield entry.path
                elif extension in UNREAD_DOCUMENT_EXTENSIONS:
                    skipped[extension] += 1
        pending.extend(reversed(subfolders))
    if skipped and unread is not None:
        unread.append(_unread_documents_warning(directory, skipped))


def _unread_documents_warning(directory: str, skipped: Counter[str]) -> InputWarning:
    """The warning for a walk that skipped documents aitag cannot read, by extension:
    "3 files in formats aitag does not read were skipped (.docx 2, .pdf 1); ..."."""
    kinds = ", ".join(f"{extension} {count}" for extension, count in sorted(skipped.items()))
    total = sum(skipped.values())
    return InputWarning(
        directory,
        f"skipped {total} file(s) in formats aitag does not read ({kinds}); convert them "
        "to Markdown, HTML or plain text to tag them",
    )


def _is_directory(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop or a vanished entry: a file, reported when read
        return False


def _glob(pattern: str) -> list[str]:
    """The paths a glob pattern matches, sorted, as :func:`glob.glob` with ``recursive``.

    Unlike it, ``**`` never descends through a symbolic link, and no folder is listed
    twice for one part of the pattern, so three links to a folder's own parent cannot
    make the walk exponential. Hidden names match only a part that starts with a dot.
    """
    base, parts = _pattern_parts(pattern)
    return _GlobWalk(parts).matches(base)


def _pattern_parts(pattern: str) -> tuple[str, list[str]]:
    """The folder the pattern's literal leading parts name, and the parts after it."""
    parts = re.split(r"[\\/]" if os.sep == "\\" else "/", pattern)
    root = ""
    if os.path.isabs(pattern):
        root = os.path.splitdrive(pattern)[0] + os.sep
        parts = parts[1:]
    literal = 0
    while literal < len(parts) - 1 and not glob.has_magic(parts[literal]):
        literal += 1
    base = os.path.join(root, *parts[:literal]) if (root or literal) else ""
    return base, [part for part in parts[literal:] if part]


class _GlobWalk:
    """Matches a pattern's parts folder by folder, without recursion: (folder, index of
    the part it is matched against) pairs wait in ``pending``."""

    def __init__(self, parts: list[str]):
        self.parts = parts
        self.found: set[str] = set()
        self.seen: set[tuple[int, int, int]] = set()  # (device, inode, part) listed
        self.pending: list[tuple[str, int]] = []

    def matches(self, base: str) -> list[str]:
        self.pending.append((base, 0))
        while self.pending:
            folder, index = self.pending.pop()
            if index == len(self.parts):
                self.found.add(folder)
                continue
            part = self.parts[index]
            if not glob.has_magic(part):  # "..", "." and hidden names are not listed
                self._literal(folder, index)
            elif part == "**":
                self._any_depth(folder, index)
            else:
                self._matching(folder, index)
        return sorted(self.found)

    def _is_last(self, index: int) -> bool:
        return index == len(self.parts) - 1

    def _literal(self, folder: str, index: int) -> None:
        path = os.path.join(folder, self.parts[index])
        last = self._is_last(index)
        if last and os.path.lexists(path):
            self.found.add(path)
        elif not last and os.path.isdir(path):
            self.pending.append((path, index + 1))

    def _any_depth(self, folder: str, index: int) -> None:
        """``**``: this folder and every folder below it (not through links)."""
        if self._is_last(index):
            if os.path.isdir(folder or os.curdir):
                self.found.add(
                    folder
                )  # its files are walked: listing its folders would repeat them
            return
        entries = _listing(folder, index, self.seen)
        self.pending.append((folder, index + 1))  # ** matches no folder at all, too
        self.pending.extend(
            (os.path.join(folder, entry.name), index)
            for entry in entries
            if not entry.name.startswith(".") and not entry.is_symlink() and _is_directory(entry)
        )

    def _matching(self, folder: str, index: int) -> None:
        part, last = self.parts[index], self._is_last(index)
        for entry in _listing(folder, index, self.seen):
            if entry.name.startswith(".") and not part.startswith("."):
                continue
            if fnmatch.fnmatch(entry.name, part):
                path = os.path.join(folder, entry.name)
                if last:
                    self.found.add(path)
                elif _is_directory(entry):
                    self.pending.append((path, index + 1))


def _listing(folder: str, index: int, seen: set[tuple[int, int, int]]) -> list[os.DirEntry]:
    """The entries of a folder not yet listed for this part of a pattern (else none)."""
    try:
        status = os.stat(folder or os.curdir)
        if (status.st_dev, status.st_ino, index) in seen:
            return []
        seen.add((status.st_dev, status.st_ino, index))
        with os.scandir(folder or os.curdir) as listing:
            return list(listing)
    except OSError:
        return []


def is_one_document(path: str, input_format: str = "auto") -> bool:
    """Whether a file is certainly one document, whatever it holds: its format, given or
    named by its extension, is not an archive (rows, posts). A file without a known
    extension may turn out to hold JSON Lines rows or a feed when it is read (by content)."""
    if path == STDIN:
        return False
    if input_format == "auto":
        input_format = extension_format(path) or "auto"
    return input_format not in ("auto", *ARCHIVE_FORMATS)


def archive_format(path: str, input_format: str = "auto") -> str | None:
    """The archive format a file is read as, a document each row or post ("jsonl", "csv"
    or "feed"), or None when it is one document. On stdin only ``--input-format`` says:
    there is no extension to go by."""
    if path == STDIN or input_format != "auto":
        fmt: str | None = input_format
    else:
        fmt = extension_format(path)
    return fmt if fmt in ARCHIVE_FORMATS else None


def is_row_archive(path: str, input_format: str = "auto") -> bool:
    """Whether a file is read as an archive, a document each row or post (JSON Lines, CSV,
    feeds and WordPress exports), not as one document."""
    return archive_format(path, input_format) is not None


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


def read_regular(path: str | os.PathLike, limit: int, what: str = "file") -> bytes:
    """All bytes of a regular file no larger than ``limit``: never a FIFO or a device, and
    never more than ``limit`` bytes read, whatever the file claims or a link points at.

    Raises :class:`InputError` naming the file, or FileNotFoundError when there is none.
    """
    name = os.fspath(path)
    try:
        data = _read_regular(name, limit + 1)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise InputError(name, f"cannot read ({error.strerror or error})") from None
    if len(data) > limit:
        raise InputError(name, f"is larger than the {limit:,} bytes a {what} may have")
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
