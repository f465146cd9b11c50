"""Writing prediction records as JSON Lines, CSV or a terminal table, one record at a time.

Every writer takes the same record and shows the same fields. JSON Lines goes straight
to its file, flushed per record, so an interrupted run leaves whole lines behind; CSV
and tables written to a file appear there only when complete (atomic rename).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

from ..atomic import atomic_file, check_stdout, open_output
from ..defaults import DEFAULT_MAX_BYTES
from ..errors import document_name as named
from ..errors import printable
from ..labels import LABELS
from .safe import csv_text, safe_json

#: The format ``predict --output FILE`` writes when not told, by the file's extension;
#: any other name gets JSON Lines.
OUTPUT_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "table"}

CSV_COLUMNS = ["id", "path", "labels", "primary", *(f"score_{label}" for label in LABELS), "model"]


def output_format(path: str | None) -> str | None:
    """The format an output file's name asks for; None for stdout (no file, or ``-``)."""
    if path is None or path == "-":
        return None
    return OUTPUT_EXTENSIONS.get(Path(path).suffix.lower(), "jsonl")


def to_json_line(record: dict) -> str:
    """One JSON line, safe for any reader that splits lines and for a terminal.

    Lone surrogates (file names not in UTF-8), U+2028, U+2029, NEL and other controls
    are escaped: still valid JSON, read back to the same strings, which --resume relies on.
    """
    return safe_json(record) + "\n"


def csv_row(record: dict) -> list:
    return [
        csv_text(record["id"]),
        csv_text(record["path"]),
        ";".join(record["labels"]),
        record["primary"],
        *(record["scores"][label] for label in LABELS),
        csv_text(record["model"]),
    ]


class RecordWriter:
    """Writes records in one format to a stream or a file; use as a context manager.

    ``inputs`` are the run's inputs: a file among them is refused as the output (see
    :func:`aitag.atomic.check_output`). JSON Lines go straight to the file, locked,
    flushed per record; with ``append`` the file is continued (read :meth:`resume_state`
    first). Other formats appear in a file only whole.

    A run that writes no record (every input failed, or the cluster could not be
    reached) leaves a file that was there as it was: nothing replaces results with
    nothing.
    """

    def __init__(
        self, fmt: str, path: str | None = None, append: bool = False, inputs: Iterable = ()
    ):
        self.fmt = fmt
        self.path = path
        self.append = append
        self.inputs = inputs
        self.count = 0
        self._atomic: AbstractContextManager[IO[Any]] | None = None
        self._file: BinaryIO | None = None
        self._empty_first = False  # a file kept until the first record is written

    def __enter__(self) -> RecordWriter:
        if self.path is None or self.path == "-":
            check_stdout(self.inputs)
            self.stream: TextIO = sys.stdout
        elif self.fmt == "jsonl":
            # JSON Lines goes straight to its file, flushed per record: a kill leaves
            # whole lines behind, which --resume continues from.
            # Opened (checked, locked) now; emptied when the first record is written.
            self._file = open_output(self.path, self.inputs, self.append, empty=False)
            regular = stat.S_ISREG(os.fstat(self._file.fileno()).st_mode)
            self._empty_first = not self.append and regular  # not a device or a pipe
            self.stream = io.TextIOWrapper(self._file, encoding="utf-8", newline="\n")
        else:
            self._atomic = atomic = atomic_file(self.path, inputs=self.inputs)
            self.stream = cast(TextIO, atomic.__enter__())
        if self.fmt == "csv":
            self._csv = csv.writer(self.stream, lineterminator="\n")
            self._csv.writerow(CSV_COLUMNS)
        elif self.fmt == "table":
            self.stream.write(table_header())
        return self

    def resume_state(
        self,
        max_bytes: int = DEFAULT_MAX_BYTES,
        model: str | None = None,
        passages: bool | None = None,
        settings: dict | None = None,
    ):
        """What the output already holds (see :func:`aitag.resume.read_resume_state`, which
        also checks it was written by ``model`` with the same ``passages`` setting and
        ``settings``); a line torn by a kill is cut off, and writing continues after the
        last whole record."""
        from ..resume import read_resume_state

        assert self._file is not None and self.path is not None and self.append, (
            "resume needs a JSON Lines file"
        )
        self.stream.flush()
        self._file.seek(0)
        state = read_resume_state(self._file, self.path, max_bytes, model, passages, settings)
        self._file.truncate(state.size)
        self._file.seek(state.size)
        return state

    def write(self, record: dict) -> None:
        try:
            if self._empty_first:
                assert self._file is not None
                self._file.truncate(0)
                self._empty_first = False
            if self.fmt == "jsonl":
                self.stream.write(to_json_line(record))
            elif self.fmt == "csv":
                self._csv.writerow(csv_row(record))
            else:
                self.stream.write(table_rows(record))
            self.stream.flush()
        except OSError as error:
            raise self._named(error) from None
        self.count += 1

    def _named(self, error: OSError) -> OSError:
        # A full disk or a closed pipe, said of the output it happened to.
        if error.filename is None and self.path not in (None, "-"):
            return type(error)(error.errno, error.strerror, self.path)
        return error

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if self._atomic is not None:
                if kind is None and not self.count:
                    # Nothing to show: the file that was there stays (the new one is
                    # dropped as if the run had failed, which it did).
                    self._atomic.__exit__(_NothingWritten, _NothingWritten(), None)
                else:
                    self._atomic.__exit__(kind, value, traceback)
                return
            self.stream.flush()
            if self._file is not None:
                try:
                    os.fsync(self._file.fileno())
                except OSError:
                    pass  # a device or a pipe: nothing to sync
                self.stream.close()
        except OSError as error:
            if kind is None:
                raise self._named(error) from None


class _NothingWritten(Exception):
    """Ends an output file's atomic write without replacing the file."""


_NAME_WIDTH = 36


def table_header() -> str:
    scores = " ".join(f"{label:>6}" for label in LABELS)
    line = f"{'document':<{_NAME_WIDTH}} {'labels':<18} {'primary':<8} {scores}"
    return line + "\n" + "-" * len(line) + "\n"


def document_name(record: dict) -> str:
    """A record's document as people read its name (:func:`aitag.errors.document_name`)."""
    return named(record.get("path") or "", record["id"])


def _name(record: dict) -> str:
    name = printable(document_name(record))
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
