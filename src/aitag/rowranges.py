"""Row ranges: a large JSON Lines archive cut into ranges of whole lines, for workers.

Read as one stream, an archive of a million rows keeps one core busy however many
workers there are. Cut into ranges of a few hundred kilobytes of whole lines, it keeps
them all busy. A worker reads a range with the functions that read a whole file, its
lines numbered as in the whole file, so the records and errors of the ranges, in order,
are those of the file read as a stream.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import InputError
from .readers.formats import EXTENSION_FORMATS
from .readers.inputs import open_regular
from .readers.located import Document
from .readers.rows import binary_lines, read_jsonl, utf8_prefix

#: Bytes of whole lines in a range: about 10,000 short rows, whose records a worker holds
#: until the range is done.
RANGE_BYTES = 256 << 10
#: Bytes read at a time while cutting a file (only its line ends are looked at).
_BLOCK = 1 << 22
#: What the JSON Lines reader looks at to tell UTF-8 from other encodings.
_HEAD = 65536
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RowRange:
    """Whole lines ``[start, end)`` (bytes) of a JSON Lines file, lines ``first_line`` to
    ``last_line``: a unit of work for a worker."""

    path: str
    start: int
    end: int
    first_line: int
    last_line: int

    @property
    def name(self) -> str:
        """How an error about the range as a whole names it: ``file:first-last``."""
        return f"{self.path}:{self.first_line}-{self.last_line}"


def row_ranges(path: str, input_format: str) -> list[RowRange] | None:
    """A UTF-8 JSON Lines file cut into ranges of whole lines of about ``RANGE_BYTES``.

    None when the file is to be read whole by its reader instead: CSV (a quoted cell may
    hold line breaks, so a line end is no row end), another encoding (read whole, within
    the size limit), a file without a row (which the reader reports as empty), or a file
    that cannot be opened (which the reader reports).
    """
    by_extension = EXTENSION_FORMATS.get(os.path.splitext(path)[1].lower())
    if (by_extension if input_format == "auto" else input_format) != "jsonl":
        return None
    try:
        with open_regular(path) as handle:
            # The same test as the stream reader's, so both take a file the same way.
            head = handle.read(_HEAD)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or not utf8_prefix(head):
                return None
            start = len(_BOM) if head.startswith(_BOM) else 0
            handle.seek(start)
            return _cut_lines(handle, path, start)
    except (OSError, InputError):
        return None


def _cut_lines(handle: io.BufferedReader, path: str, start: int) -> list[RowRange] | None:
    """Ranges of whole lines from ``start`` to the end of the file; None if all are blank."""
    size = RANGE_BYTES  # read at each call, so that tests can make ranges small
    ranges: list[RowRange] = []
    cut, line = start, 1  # where the open range starts, and its first line
    position = start  # where the block starts in the file
    newlines = 0  # line ends from ``cut`` to ``counted`` in the block
    blank = _Blank()
    last_byte = b""
    while block := handle.read(_BLOCK):
        blank.feed(block)
        counted = 0
        while (end := _range_end(block, cut + size - position, counted)) >= 0:
            newlines += block.count(b"\n", counted, end + 1)
            ranges.append(RowRange(path, cut, position + end + 1, line, line + newlines - 1))
            cut, line, newlines, counted = position + end + 1, line + newlines, 0, end + 1
        newlines += block.count(b"\n", counted)
        position += len(block)
        last_byte = block[-1:]
    if position > cut:
        # The last line may have no line end; it is a line all the same.
        last_line = line + newlines - (last_byte == b"\n")
        ranges.append(RowRange(path, cut, position, line, last_line))
    return None if blank.only else ranges


def _range_end(block: bytes, wanted: int, counted: int) -> int:
    """Where in ``block`` the open range ends (its last line end at or after ``wanted``),
    or -1 when it goes on into the next block."""
    if wanted >= len(block):
        return -1
    return block.find(b"\n", max(wanted, counted))


class _Blank:
    """Whether every line so far is blank to the JSON Lines reader (``str.strip``), which
    reports a file of blank lines as empty: such a file is left to it.

    Bytes that are not UTF-8 count as text: the reader reports their line.
    """

    def __init__(self) -> None:
        self.only = True
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, block: bytes) -> None:
        if self.only:
            self.only = not self._decoder.decode(block).strip()


def range_documents(
    rows: RowRange, text_field: str, id_field: str, max_bytes: int
) -> Iterator[Document | InputError]:
    """The documents and errors of a range of rows, as the JSON Lines reader yields them
    for the same lines of the whole file (the same functions, the same line numbers)."""
    try:
        with open_regular(rows.path) as handle:
            handle.seek(rows.start)
            part = io.BufferedReader(_Part(handle, rows.end - rows.start), 1 << 16)
            lines = binary_lines(part, rows.path, max_bytes, first_line=rows.first_line)
            yield from read_jsonl(lines, rows.path, text_field, id_field)
    except InputError as error:
        yield error
    except OSError as error:
        yield InputError(
            rows.path,
            f"cannot read ({error.strerror or error}); check the path and its permissions",
        )


class _Part(io.RawIOBase):
    """The next ``size`` bytes of a file, as a file of their own."""

    def __init__(self, file: io.BufferedIOBase, size: int):
        self.file = file
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        with memoryview(buffer) as view:
            read = self.file.readinto(view[: min(len(view), self.left)]) or 0
        self.left -= read
        return read
