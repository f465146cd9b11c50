"""Writing outputs without destroying data: whole files atomically, record files locked.

Every file aitag writes goes through here. Before anything is written, an output is
refused when it is one of the run's inputs (the same device and inode, whatever the
path says) or a folder. Devices and named pipes are written straight into, never
replaced by a file. A regular file is locked (an advisory ``flock``), so a second aitag
writing it fails at once instead of mixing its records in.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

from .errors import AitagError, printable

STDIN = "-"


def _stat(path: str | Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def check_output(path: str | Path, inputs: Iterable[object] = ()) -> os.stat_result | None:
    """Refuse an output that is a folder or one of ``inputs``; return its status (None: new).

    ``inputs`` are the run's expanded inputs (paths, ``-`` for stdin, or errors, which
    are passed over); comparing device and inode sees through links and other spellings.
    """
    status = _stat(path)
    if status is None:
        return None
    if stat.S_ISDIR(status.st_mode):
        raise AitagError(f"{printable(str(path))}: is a directory; give a file to write to")
    _not_an_input(status, str(path), inputs)
    return status


def check_stdout(inputs: Iterable[object] = ()) -> None:
    """Refuse standard output redirected into one of the inputs (``>> input.jsonl``)."""
    status = _fstat(1)
    if status is not None:
        _not_an_input(status, "standard output", inputs)


def _not_an_input(status: os.stat_result, name: str, inputs: Iterable[object]) -> None:
    if not stat.S_ISREG(status.st_mode):
        return  # a device or a pipe is written to, never read as an input
    target = (status.st_dev, status.st_ino)
    for item in inputs:
        if not isinstance(item, str):
            continue
        found = _fstat(0) if item == STDIN else _stat(item)
        if found is not None and (found.st_dev, found.st_ino) == target:
            what = "standard input" if item == STDIN else printable(item)
            raise AitagError(
                f"{printable(name)}: is also an input ({what}); writing it would destroy "
                "what is being read: choose another output file"
            )


def _fstat(descriptor: int) -> os.stat_result | None:
    try:
        return os.fstat(descriptor)
    except OSError:
        return None


def _lock(descriptor: int, path: str | Path) -> None:
    """Take the advisory write lock of an output, or fail at once naming it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; outputs are not locked
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise AitagError(
            f"{printable(str(path))}: another aitag is writing this file (it is locked); "
            "wait for it to finish or choose another output"
        ) from None


def open_output(
    path: str | Path, inputs: Iterable[object] = (), append: bool = False, empty: bool = True
) -> BinaryIO:
    """A binary stream to write records into ``path`` as they are made, locked for this run.

    Emptied first unless ``append`` (then the stream is at its start, so that what is
    there can be read before appending) or not ``empty`` (then the caller empties it
    when it first writes). A device or a pipe is opened for writing as it is; appending
    to one is refused, as there is nothing to continue.
    """
    status = check_output(path, inputs)
    if status is not None and not stat.S_ISREG(status.st_mode):
        if append:
            raise AitagError(
                f"{printable(str(path))}: is not a regular file; --resume continues a file "
                "that aitag wrote"
            )
        return open(path, "wb")  # noqa: SIM115 - the caller closes it
    _make_folder(Path(path).parent)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    try:
        _lock(descriptor, path)
        if not append and empty:
            os.ftruncate(descriptor, 0)
        return os.fdopen(descriptor, "r+b")
    except BaseException:
        os.close(descriptor)
        raise


@contextmanager
def atomic_file(path: str | Path, text: bool = True, inputs: Iterable[object] = ()) -> Iterator[IO]:
    """A stream to a temporary file beside ``path``, renamed over it when the block ends.

    The file is flushed to disk before the rename, and ``os.replace`` is atomic on one
    file system, so ``path`` holds either the old content or the new, never a mix, even
    if the process is killed half way. If the block raises, ``path`` is left untouched.
    A link is followed (the file it points at is replaced, the link stays), and a
    device or a named pipe is written into directly: replacing one with a regular file
    would destroy it.
    """
    status = check_output(path, inputs)
    if status is not None and not stat.S_ISREG(status.st_mode):
        with open(path, "w" if text else "wb", encoding="utf-8" if text else None) as stream:
            yield stream
        return
    path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    _make_folder(path.parent)
    lock = _locked(path) if status is not None else None
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        mode = "w" if text else "wb"
        encoding = "utf-8" if text else None
        with os.fdopen(handle, mode, encoding=encoding, newline="" if text else None) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if lock is None and _stat(path) is not None:
            lock = _locked(path)  # someone made it meanwhile: not while they write it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        if lock is not None:
            os.close(lock)


def _make_folder(folder: Path) -> None:
    """The folder an output goes in, made if missing; a file in the way is named."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        # mkdir says "File exists" of the file in the way, which reads like a clash with
        # the output itself: name the file that is not a folder.
        blocking = next(
            (p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder
        )
        raise AitagError(
            f"{printable(str(blocking))}: is a file, not a folder; the output cannot go "
            "inside it: choose another output path"
        ) from None


def _locked(path: Path) -> int | None:
    """A descriptor holding the lock of an existing regular file (None if it went away)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        _lock(descriptor, path)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` whole or not at all (see :func:`atomic_file`)."""
    with atomic_file(path, text=isinstance(data, str)) as stream:
        stream.write(data)
