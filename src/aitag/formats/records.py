"""Writing prediction records as JSON Lines, CSV or a terminal table, one record at a time.

Every writer takes the same record and shows the same fields. JSON Lines goes straight
to its file, flushed per record, so an interrupted run leaves whole lines behind; CSV
and tables written to a file appear there only when complete (atomic rename).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, TextIO, cast

from ..atomic import atomic_file
from ..errors import printable
from ..labels import LABELS

#: The format ``predict --output FILE`` writes when not told, by the file's extension;
#: any other name gets JSON Lines.
OUTPUT_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "table"}

CSV_COLUMNS = ["id", "path", "labels", "primary", *(f"score_{label}" for label in LABELS), "model"]


def output_format(path: str | None) -> str | None:
    """The format an output file's name asks for; None for stdout (no file, or ``-``)."""
    if path is None or path == "-":
        return None
    return OUTPUT_EXTENSIONS.get(Path(path).suffix.lower(), "jsonl")


_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSAFE_IN_LINES = re.compile("[\ud800-\udfff\u2028\u2029\x85]")


def to_json_line(record: dict) -> str:
    """One JSON line, safe for any reader that splits lines."""
    line = json.dumps(record, ensure_ascii=False)
    # Surrogates (file names not in UTF-8) cannot be written as UTF-8, and U+2028, U+2029
    # and NEL end a line for str.splitlines and others; escaped, they are still valid JSON
    # and read back to the same strings, which --resume relies on.
    return _escape(_UNSAFE_IN_LINES, line) + "\n"


def _escape(pattern: re.Pattern, text: str) -> str:
    return pattern.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _escape_surrogates(text: str) -> str:
    return _escape(_SURROGATE, text)


def csv_row(record: dict) -> list:
    return [
        _escape_surrogates(record["id"]),
        _escape_surrogates(record["path"]),
        ";".join(record["labels"]),
        record["primary"],
        *(record["scores"][label] for label in LABELS),
        record["model"],
    ]


class RecordWriter:
    """Writes records in one format to a stream or a file; use as a context manager."""

    def __init__(self, fmt: str, path: str | None = None, append: bool = False):
        self.fmt = fmt
        self.path = path
        self.append = append
        self.count = 0
        self._atomic: AbstractContextManager[IO[Any]] | None = None

    def __enter__(self) -> RecordWriter:
        if self.path is None or self.path == "-":
            self.stream: TextIO = sys.stdout
        elif self.fmt == "jsonl":
            # JSON Lines goes straight to its file, flushed per record: a kill leaves
            # whole lines behind, which --resume continues from.
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.stream = open(self.path, "a" if self.append else "w", encoding="utf-8")
        else:
            self._atomic = atomic = atomic_file(self.path)
            self.stream = cast(TextIO, atomic.__enter__())
        if self.fmt == "csv":
            self._csv = csv.writer(self.stream, lineterminator="\n")
            self._csv.writerow(CSV_COLUMNS)
        elif self.fmt == "table":
            self.stream.write(table_header())
        return self

    def write(self, record: dict) -> None:
        if self.fmt == "jsonl":
            self.stream.write(to_json_line(record))
        elif self.fmt == "csv":
            self._csv.writerow(csv_row(record))
        else:
            self.stream.write(table_rows(record))
        self.stream.flush()
        self.count += 1

    def __exit__(self, kind, value, traceback) -> None:
        if self._atomic is not None:
            self._atomic.__exit__(kind, value, traceback)
            return
        self.stream.flush()
        if self.stream is not sys.stdout:
            os.fsync(self.stream.fileno())
            self.stream.close()


_NAME_WIDTH = 36


def table_header() -> str:
    scores = " ".join(f"{label:>6}" for label in LABELS)
    line = f"{'document':<{_NAME_WIDTH}} {'labels':<18} {'primary':<8} {scores}"
    return line + "\n" + "-" * len(line) + "\n"


def _name(record: dict) -> str:
    path, doc_id = record["path"], record["id"]
    # A file is named by its path, a row of a file by path#id, a text without a file by id.
    name = printable(path or doc_id if path in (doc_id, "") else f"{path}#{doc_id}")
    return name if len(name) <= _NAME_WIDTH else "…" + name[-(_NAME_WIDTH - 1) :]


def table_rows(record: dict) -> str:
    out = io.StringIO()
    scores = " ".join(f"{record['scores'][label]:>6.2f}" for label in LABELS)
    labels = ",".join(record["labels"]) or "-"
    out.write(f"{_name(record):<{_NAME_WIDTH}} {labels:<18} {record['primary']:<8} {scores}\n")
    for passage in record.get("passages", []):
        where = f"  {passage['line']}:{passage['column']}"
        scores = " ".join(f"{passage['scores'][label]:>6.2f}" for label in LABELS)
        labels = ",".join(passage["labels"]) or "-"
        out.write(f"{where:<{_NAME_WIDTH}} {labels:<18} {passage['primary']:<8} {scores}\n")
    return out.getvalue()
