"""The one atomic writer: a reader (or a crash) never sees half of a file aitag writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_file(path: str | Path, text: bool = True) -> Iterator[IO]:
    """A stream to a temporary file beside ``path``, renamed over it when the block ends.

    The file is flushed to disk before the rename, and ``os.replace`` is atomic on one
    file system, so ``path`` holds either the old content or the new, never a mix, even
    if the process is killed half way. If the block raises, ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
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
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` whole or not at all (see :func:`atomic_file`)."""
    with atomic_file(path, text=isinstance(data, str)) as stream:
        stream.write(data)
