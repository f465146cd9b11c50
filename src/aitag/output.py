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
import tempfile
from pathlib import Path
from typing import TextIO

from .errors import printable
from .labels import LABELS

OUTPUT_FORMATS = ("table", "jsonl", "csv")
CSV_COLUMNS = ["id", "path", "labels", "primary", *(f"score_{label}" for label in LABELS), "model"]


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
        self._temporary: str | None = None

    def __enter__(self) -> RecordWriter:
        if self.path is None or self.path == "-":
            self.stream: TextIO = sys.stdout
        elif self.fmt == "jsonl":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.stream = open(self.path, "a" if self.append else "w", encoding="utf-8")
        else:
            directory = Path(self.path).parent
            directory.mkdir(parents=True, exist_ok=True)
            handle, self._temporary = tempfile.mkstemp(
                prefix=".aitag-", suffix=".tmp", dir=directory
            )
            self.stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
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
        if self.stream is sys.stdout:
            self.stream.flush()
            return
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        if self._temporary:
            if kind is None:
                os.replace(self._temporary, self.path)
            else:
                Path(self._temporary).unlink(missing_ok=True)


_NAME_WIDTH = 36


def table_header() -> str:
    scores = " ".join(f"{label:>6}" for label in LABELS)
    line = f"{'document':<{_NAME_WIDTH}} {'labels':<18} {'primary':<8} {scores}"
    return line + "\n" + "-" * len(line) + "\n"


def _name(record: dict) -> str:
    name = record["path"] if record["id"] == record["path"] else f"{record['path']}#{record['id']}"
    name = printable(name or record["id"])
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


def format_metrics(result: dict) -> str:
    """Evaluation figures as a small table."""
    lines = [f"{'tag':<8} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label, row in result["per_label"].items():
        lines.append(
            f"{label:<8} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>8}"
        )
    lines.append("")
    lines.append(
        f"macro F1 {result['macro_f1']:.3f}   micro F1 {result['micro_f1']:.3f}   "
        f"exact match {result['exact_match']:.3f}"
    )
    if result.get("primary_accuracy") is not None:
        lines[-1] += f"   primary accuracy {result['primary_accuracy']:.3f}"
    lines[-1] += f"   (n={result['n']})"
    return "\n".join(lines)
