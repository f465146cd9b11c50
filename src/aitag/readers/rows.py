"""Rows: JSON Lines and CSV files with one document per row, read as streams."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator

from ..errors import TOO_DEEP, InputError
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
    handle: io.BufferedReader, name: str, max_bytes: int
) -> Iterator[tuple[int, str | InputError]]:
    """(line number, text or error) for each line; lines end at "\\n" only."""
    number = 0
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
        yield from _row_document(row, where, number, text_field, id_field)


def text_lines(text: str) -> Iterator[tuple[int, str]]:
    # Lines end at "\n" only: str.splitlines would also cut at U+2028, NEL and other
    # characters that JSON strings may hold unescaped.
    return enumerate(text.split("\n"), start=1)


def read_csv(
    stream: io.TextIOBase, name: str, text_field: str, id_field: str, max_bytes: int
) -> Iterator[Document | InputError]:
    # csv's own field limit (128 KB) would refuse a long article in one cell; the size
    # limit of aitag applies instead.
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))
    reader = csv.DictReader(stream)
    try:
        fields = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as error:
        raise InputError(name, f"is not valid UTF-8 CSV ({error}); check the file") from None
    if not fields or text_field not in fields:
        raise InputError(
            name, f"has no {text_field!r} column; name the text column with --text-field"
        )
    try:
        for number, row in enumerate(reader, start=1):
            yield from _row_document(row, f"{name}:row {number}", number, text_field, id_field)
    except (csv.Error, UnicodeDecodeError) as error:
        yield InputError(
            name, f"is not valid UTF-8 CSV ({error}); rows after this one were not read"
        )


def _row_document(
    row: dict, where: str, number: int, text_field: str, id_field: str
) -> Iterator[Document | InputError]:
    text = row.get(text_field)
    if not isinstance(text, str):
        yield InputError(where, f"has no text in field {text_field!r}; name it with --text-field")
        return
    text = _without_surrogates(text)
    row_id = row.get(id_field)
    doc_id = _without_surrogates(str(row_id)) if row_id not in (None, "") else str(number)
    path = where.rsplit(":", 1)[0]
    # Offsets, lines and columns of a row point into the row's own text.
    yield plain_document(doc_id, path, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    # JSON may escape half a UTF-16 pair ("\\ud800"); such a string cannot be written as
    # UTF-8, so it is read as U+FFFD, as a decoder reads any invalid sequence.
    return _SURROGATE.sub("\ufffd", text)
