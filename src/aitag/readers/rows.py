"""Rows: JSON Lines and CSV files with one document per row, read as streams."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator

from ..defaults import DEFAULT_ID_FIELD
from ..errors import TOO_DEEP, FileWarning, InputError
from .located import Document
from .plain import plain_document


def utf8_prefix(head: bytes) -> bool:
    """Whether bytes are UTF-8, allowing a character cut at the end."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def binary_lines(
    handle: io.BufferedIOBase, name: str, max_bytes: int, first_line: int = 1
) -> Iterator[tuple[int, str | InputError]]:
    """(line number, text or error) for each line; lines end at "\\n" only.

    ``first_line`` is the number of the handle's first line (a range of a larger file
    numbers its lines as in the whole file).
    """
    number = first_line - 1
    while True:
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of an oversized row
                raw = handle.readline(1 << 20)
            yield (
                number,
                InputError(
                    f"{name}:{number}",
                    f"is longer than the {max_bytes:,}-byte limit; raise --max-bytes",
                ),
            )
            continue
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, InputError(f"{name}:{number}", "is not valid UTF-8; convert the file")


# ---------------------------------------------------------------- rows: JSONL and CSV


def read_jsonl(
    lines: Iterable[tuple[int, str | InputError]], name: str, text_field: str, id_field: str
) -> Iterator[Document | InputError]:
    ids = _RowIds(id_field)
    for number, line in lines:
        if isinstance(line, InputError):
            yield line
            continue
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            row = json.loads(line)
        except ValueError as error:
            yield InputError(
                where, f"is not valid JSON ({error.args[0].split(':')[0]}); fix or remove the line"
            )
            continue
        except RecursionError:
            yield InputError(where, TOO_DEEP)
            continue
        if not isinstance(row, dict):
            yield InputError(where, "is not a JSON object; each line must be an object")
            continue
        yield from _row_document(row, where, f"line {number}", number, text_field, ids)


def text_lines(text: str) -> Iterator[tuple[int, str]]:
    # Lines end at "\n" only: str.splitlines would also cut at U+2028, NEL and other
    # characters that JSON strings may hold unescaped.
    return enumerate(text.split("\n"), start=1)


def read_csv(
    stream: io.TextIOBase, name: str, text_field: str, id_field: str, max_bytes: int
) -> Iterator[Document | InputError]:
    """Rows of a CSV file (header first), read strictly, one record at a time.

    A row that breaks the quoting (a quote never closed, text after a closing quote)
    or is longer than ``max_bytes`` is an error naming it, and reading goes on: after
    a quote that never closes, from the line after the one that opened it; after a
    row too long, from the line after its end. Memory holds at most one row.
    """
    # csv's own field limit (128 KB) would refuse a long article in one cell; aitag's
    # size limit applies to each row instead (the line source below).
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))
    lines = _Lines(stream, max_bytes)
    try:
        header = next(csv.reader(lines, strict=True), None)
    except (csv.Error, UnicodeDecodeError, _TooLong) as error:
        raise InputError(name, f"is not valid UTF-8 CSV ({error}); check the file") from None
    lines.record_done()
    if not header or text_field not in header:
        raise InputError(
            name, f"has no {text_field!r} column; name the text column with --text-field"
        )
    number = 0
    ids = _RowIds(id_field)
    while True:
        try:
            for fields in csv.reader(lines, strict=True):
                lines.record_done()
                if not fields:
                    continue  # a blank line
                number += 1
                row = dict(zip(header, fields))
                where = f"{name}:row {number}"
                yield from _row_document(row, where, f"row {number}", number, text_field, ids)
            return
        except UnicodeDecodeError:
            yield InputError(
                name, f"is not valid UTF-8 after line {lines.number:,}; convert the file"
            )
            return
        except _TooLong:
            number += 1
            yield lines.skip_long_record(f"{name}:row {number}")
        except csv.Error as error:
            number += 1
            first = lines.retry_after_first_line()
            if str(error).startswith("unexpected end of data"):
                message = (
                    f"opens a quote at line {first:,} that is never closed; close it "
                    f"(the rows from line {first + 1:,} on were read without it)"
                )
            else:
                message = f"breaks CSV quoting from line {first:,} ({error}); fix the row"
            yield InputError(f"{name}:row {number}", message)


class _TooLong(Exception):
    """A CSV record grew past the size limit."""


class _Lines:
    """The lines of a CSV stream for csv.reader, one record's lines kept until it ends.

    Knows the line number of each line, so errors name lines; lines of a record that
    failed can be read again (``retry_after_first_line``). A record larger than the
    limit raises _TooLong instead of growing.
    """

    def __init__(self, stream: io.TextIOBase, max_bytes: int):
        self.stream = stream
        self.max_bytes = max_bytes
        self.number = 0  # line number of the last line read from the stream
        self.pending: list[tuple[int, str]] = []  # lines to read again, last first
        self.record: list[tuple[int, str]] = []  # the current record's lines so far
        self.size = 0
        self.resume_at: int | None = None  # stream position after the kept lines

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.pop()
        else:
            line = self.stream.readline(self.max_bytes + 1)
            if not line:
                raise StopIteration
            item = (self.number + 1, line)
            if line.endswith(("\n", "\r")) or len(line) <= self.max_bytes:
                self.number += 1  # a line cut at the limit is counted where it ends
        self.record.append(item)
        self.size += len(item[1])
        if self.size > self.max_bytes:
            raise _TooLong
        return item[1]

    def record_done(self) -> None:
        """Forget the lines of the record just read."""
        self.record.clear()
        self.size = 0

    def retry_after_first_line(self) -> int:
        """Read a failed record's lines again, all but its first; that line's number."""
        record = self.record
        first = record[0][0] if record else self.number
        self.pending.extend(reversed(record[1:]))
        self.record = []
        self.size = 0
        return first

    def skip_long_record(self, where: str) -> InputError:
        """Skip a record past the size limit to its end; the error that names it.

        Its quotes are followed without keeping its text. If a quote opened in it
        never closes, the lines after its first are read again (from the stream's
        position, where the stream can seek).
        """
        record, self.record, self.size = self.record, [], 0
        first = record[0][0]
        in_quote, previous = False, ""
        for _, line in record:
            in_quote = _in_quote_after(line, in_quote, previous)
            previous = line[-1:]
        # Where to read again from if a quote never closes: lines kept for a retry
        # (at most one record's) and the stream's position.
        saved, number = list(self.pending), self.number
        position = self.stream.tell() if self._seekable() else None
        while in_quote or not previous or previous not in "\r\n":
            line = self._raw_line()
            if not line:
                break
            in_quote = _in_quote_after(line, in_quote, previous)
            previous = line[-1:]
        limit = f"is longer than the {self.max_bytes:,}-byte limit"
        if not in_quote:
            return InputError(where, f"{limit}; raise --max-bytes")
        # A quote that never closes: the lines after its first line are rows again.
        self.pending = saved + list(reversed(record[1:]))
        if position is None:
            return InputError(
                where,
                f"{limit} and opens a quote at line {first:,} that is never closed; "
                "close it (rows after the limit were not read)",
            )
        self.stream.seek(position)
        self.number = number
        return InputError(
            where,
            f"opens a quote at line {first:,} that is never closed; close it "
            f"(the rows from line {first + 1:,} on were read without it)",
        )

    def _raw_line(self) -> str:
        if self.pending:
            return self.pending.pop()[1]
        line = self.stream.readline(1 << 20)
        if line.endswith(("\n", "\r")):
            self.number += 1
        return line

    def _seekable(self) -> bool:
        try:
            return self.stream.seekable()
        except (AttributeError, ValueError):
            return False


def _in_quote_after(line: str, in_quote: bool, previous: str) -> bool:
    """Whether a CSV record is inside a quoted field after ``line``.

    A quote opens a field only at its start (after a comma, or where a record
    starts); inside, a doubled quote is a quote and a single one closes the field.
    ``previous`` is the character before ``line`` ("" at the start of a record).
    """
    position = 0
    while True:
        quote = line.find('"', position)
        if quote < 0:
            return in_quote
        if in_quote:
            if line.startswith('"', quote + 1):
                position = quote + 2
                continue
            in_quote = False
        else:
            before = line[quote - 1] if quote else previous
            in_quote = before in ("", ",", "\n", "\r")
        position = quote + 1


def _row_document(
    row: dict, where: str, row_name: str, number: int, text_field: str, ids: _RowIds
) -> Iterator[Document | InputError]:
    text = row.get(text_field)
    if not isinstance(text, str):
        yield InputError(
            where,
            f"has no text in field {text_field!r}; name it with --text-field (other rows of "
            "the file without it are counted, not listed)",
            about="no text field",
        )
        return
    text = _without_surrogates(text)
    row_id = row.get(ids.field)
    path = where.rsplit(":", 1)[0]
    if row_id not in (None, ""):
        # Offsets, lines and columns of a row point into the row's own text.
        yield plain_document(_without_surrogates(str(row_id)), path, text)
        return
    document = plain_document(str(number), path, text)
    document.file_warning = ids.missing(path, row_name)
    yield document


class _RowIds:
    """Which field names a file's rows, and whether a row without it is still to be said.

    A row without one is named by its row number. That is expected of the default field
    (rows often have no id), not of a field the user named: there it is said, once a
    file, as the rows numbered instead are not named as the user expects (and a number
    may even be another row's id).
    """

    def __init__(self, field: str):
        self.field = field
        self.unsaid = field != DEFAULT_ID_FIELD

    def missing(self, path: str, row_name: str) -> FileWarning | None:
        """The warning for a row without the field: said for the first one of a file only."""
        if not self.unsaid:
            return None
        self.unsaid = False
        return FileWarning(
            path,
            f"{row_name} has no {self.field!r} (--id-field): it and every other row of the "
            "file without one are named by their row number",
            about="--id-field",
        )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    # JSON may escape half a UTF-16 pair ("\\ud800"); such a string cannot be written as
    # UTF-8, so it is read as U+FFFD, as a decoder reads any invalid sequence.
    return _SURROGATE.sub("\ufffd", text)
