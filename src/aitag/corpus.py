"""The labelled corpus: load and validate records, split, count, find near duplicates,
and extract snippets from the raw seed posts."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .defaults import MAX_RECORD_BYTES, TEST_SPLIT_PERCENT
from .errors import CorpusError, InputError, printable
from .labels import LABELS, NO_LABEL

#: Folder of ``corpus/`` holding the unchanged seed posts (not records).
RAW_DIR = "raw"
#: Folder of ``corpus/`` holding labelled whole documents (files and ``labels.jsonl``).
DOCUMENTS_DIR = "documents"
#: Folder of ``corpus/`` holding the written audit cases.
AUDIT_DIR = "audit"
#: Folder of ``corpus/`` holding written slices that a judgement did not adopt, kept
#: for a later one with a rule of its own: never trained on.
CANDIDATES_DIR = "candidates"
#: Folders of a corpus whose JSON Lines are not labelled passages.
_NOT_PASSAGES = {RAW_DIR, DOCUMENTS_DIR, AUDIT_DIR, CANDIDATES_DIR}
#: Records of the seed posts, written by :func:`extract_seed_snippets`.
SEED_RECORDS = "seeds.jsonl"


@dataclass(frozen=True)
class Record:
    """One labelled passage, as LABELS.md defines it."""

    id: str
    text: str
    labels: tuple[str, ...]
    primary: str
    source: str
    genre: str | None = None

    def to_json(self) -> dict:
        row = {
            "id": self.id,
            "text": self.text,
            "labels": list(self.labels),
            "primary": self.primary,
            "source": self.source,
        }
        if self.genre:
            row["genre"] = self.genre
        return row


def parse_record(row: object, where: str) -> Record:
    """Check one JSON object against the record format; raise CorpusError naming ``where``."""
    if not isinstance(row, dict):
        raise CorpusError(f"{where}: a record must be a JSON object")
    for key in ("id", "text", "labels", "primary", "source"):
        if key not in row:
            raise CorpusError(f"{where}: missing field {key!r}")
    if not isinstance(row["id"], str) or not row["id"]:
        raise CorpusError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(row["text"], str) or not row["text"].strip():
        raise CorpusError(f"{where}: 'text' must be a non-empty string")
    labels, primary = _checked_labels(row, where)
    genre = row.get("genre")
    if not isinstance(row["source"], str):
        raise CorpusError(f"{where}: 'source' must be a string")
    if genre is not None and not isinstance(genre, str):
        raise CorpusError(f"{where}: 'genre' must be a string when given")
    # Labels keep the order they were written in, so rewriting a file changes no line.
    return Record(row["id"], row["text"], labels, primary, row["source"], genre)


def _checked_labels(row: dict, where: str) -> tuple[tuple[str, ...], str]:
    labels = row["labels"]
    if not isinstance(labels, list) or any(label not in LABELS for label in labels):
        raise CorpusError(
            f"{where}: 'labels' must be a list of {', '.join(LABELS)}; got {labels!r}"
        )
    if len(set(labels)) != len(labels):
        raise CorpusError(f"{where}: 'labels' repeats a tag")
    primary = row["primary"]
    if labels and primary not in labels:
        raise CorpusError(f"{where}: 'primary' {primary!r} is not one of its labels {labels}")
    if not labels and primary != NO_LABEL:
        raise CorpusError(f"{where}: 'primary' must be {NO_LABEL!r} when there are no labels")
    return tuple(labels), primary


def record_files(path: str | Path) -> list[Path]:
    """The JSON Lines files of a corpus: the file itself, or every one under a folder."""
    path = Path(path)
    if not path.is_dir():
        return [path]  # a file, or what is not one: reading it says which
    files = sorted(
        p
        for p in path.rglob("*.jsonl")
        if not _NOT_PASSAGES.intersection(p.relative_to(path).parts[:-1]) and not p.is_dir()
    )
    if not files:
        raise CorpusError(f"{path}: holds no .jsonl records")
    return files


def json_lines(
    file: str | Path, limit: int = MAX_RECORD_BYTES, problems: list[str] | None = None
) -> Iterator[tuple[str, object]]:
    """(``file:line``, value) of each non-blank line of a JSON Lines file, read as a stream.

    Every way a file can be unreadable (missing, a FIFO or a device, not UTF-8, a line
    longer than ``limit`` bytes, invalid or too deeply nested JSON) is a
    :class:`CorpusError` naming the file and the line; a line is never decoded before its
    length is known. Given a ``problems`` list, a bad line is added to it and passed over
    instead, so that every bad line of a file can be reported at once.
    """
    from .readers.inputs import open_regular

    name = printable(str(file))
    try:
        handle = open_regular(str(file))
    except FileNotFoundError:
        raise CorpusError(f"{name}: no such file; check the path") from None
    except InputError as error:
        raise CorpusError(f"{name}: {printable(error.reason)}") from None
    except OSError as error:
        raise CorpusError(f"{name}: cannot read ({error.strerror or error})") from None
    with handle:
        number = 0
        while True:
            try:
                raw = handle.readline(limit + 1)
            except OSError as error:
                raise CorpusError(f"{name}: cannot read ({error.strerror or error})") from None
            if not raw:
                return
            number += 1
            where = f"{name}:{number}"
            try:
                value = _json_line(raw, where, number, limit)
            except CorpusError as error:
                if problems is None:
                    raise
                problems.append(str(error))
                continue
            if value is not _BLANK:
                yield where, value


_BLANK = object()


def _json_line(raw: bytes, where: str, number: int, limit: int) -> object:
    """The value on one line of a JSON Lines file, or ``_BLANK``; CorpusError naming
    ``where`` when the line is too long, not UTF-8 or not JSON."""
    if len(raw) > limit:
        raise CorpusError(f"{where}: longer than {limit:,} bytes; a record is one passage a line")
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"{where}: not valid UTF-8 (byte {error.start + 1}); convert the file"
        ) from None
    if not line.strip():
        return _BLANK
    try:
        return json.loads(line)
    except ValueError as error:
        raise CorpusError(f"{where}: not valid JSON ({error})") from None
    except RecursionError:
        raise CorpusError(f"{where}: JSON nested too deeply to read") from None


def load_records(path: str | Path, problems: list[str] | None = None) -> list[Record]:
    """All records of a corpus file or folder, checked; ids must be unique.

    The first bad record is a :class:`CorpusError`; given a ``problems`` list, every bad
    record is added to it instead and left out (``aitag corpus validate`` reports them all).
    """
    records: list[Record] = []
    seen: dict[str, str] = {}
    for file in record_files(path):
        for where, row in json_lines(file, problems=problems):
            try:
                record = parse_record(row, where)
                if record.id in seen:
                    raise CorpusError(
                        f"{where}: id {record.id!r} already used at {seen[record.id]}"
                    )
            except CorpusError as error:
                if problems is None:
                    raise
                problems.append(str(error))
                continue
            seen[record.id] = where
            records.append(record)
    if not records and not problems:  # (a file of bad records has them reported already)
        raise CorpusError(f"{path}: holds no records; add labelled JSON Lines")
    return records


def in_test_split(record_id: str) -> bool:
    """The fixed test split: a hash of the id, so it never moves when records are added."""
    digest = hashlib.sha256(record_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < TEST_SPLIT_PERCENT


def split_records(records: list[Record]) -> tuple[list[Record], list[Record]]:
    """(train, test): the test split is never trained or tuned on."""
    train = [r for r in records if not in_test_split(r.id)]
    test = [r for r in records if in_test_split(r.id)]
    return train, test


# ---------------------------------------------------------------- labelled documents

#: The file that labels a folder of documents, one JSON line per document with ``path``.
LABELS_FILE = "labels.jsonl"


@dataclass(frozen=True)
class LabelledDocument:
    """A whole document with its labels: the record of LABELS.md with ``path`` for ``text``."""

    id: str
    path: Path
    labels: tuple[str, ...]
    primary: str
    source: str
    genre: str | None = None


def labels_files(path: str | Path) -> list[Path]:
    """The labels files of a document set: ``labels.jsonl`` itself, the one in a folder,
    or one per folder of ``documents/`` (a corpus) or of the folder given."""
    path = Path(path)
    if path.is_file():
        return [path]
    if (path / LABELS_FILE).is_file():
        return [path / LABELS_FILE]
    base = path / DOCUMENTS_DIR if (path / DOCUMENTS_DIR).is_dir() else path
    return sorted(base.glob(f"*/{LABELS_FILE}"))


def load_labelled_documents(path: str | Path) -> list[LabelledDocument]:
    """Every labelled document of a set (see :func:`labels_files`), checked.

    A document's ``path`` is relative to the folder of its labels file, or to that
    folder's ``files/`` when it has one; its id is ``id`` when given, else its path. A
    document is one file inside that folder, labelled once.
    """
    files = labels_files(path)
    if not files:
        raise CorpusError(f"{path}: holds no {LABELS_FILE}; give a folder of labelled documents")
    documents: list[LabelledDocument] = []
    seen: set[str] = set()
    seen_files: dict[Path, str] = {}
    for file in files:
        folder = file.parent / "files" if (file.parent / "files").is_dir() else file.parent
        for where, row in json_lines(file):
            if not isinstance(row, dict) or not isinstance(row.get("path"), str):
                raise CorpusError(f"{where}: a labelled document needs 'path', a string")
            for key in ("labels", "primary"):
                if key not in row:
                    raise CorpusError(f"{where}: missing field {key!r}")
            labels, primary = _checked_labels(row, where)
            target = _labelled_file(row["path"], folder, where, seen_files)
            doc_id = row.get("id") or row["path"]
            genre = row.get("genre")
            if not isinstance(doc_id, str) or not (genre is None or isinstance(genre, str)):
                raise CorpusError(f"{where}: 'id' and 'genre' must be strings when given")
            if doc_id in seen:
                raise CorpusError(f"{where}: document {doc_id!r} is labelled twice")
            seen.add(doc_id)
            documents.append(
                LabelledDocument(doc_id, target, labels, primary, str(row.get("source", "")), genre)
            )
    if not documents:
        raise CorpusError(f"{path}: its {LABELS_FILE} holds no labelled documents")
    return documents


def _labelled_file(name: str, folder: Path, where: str, seen: dict[Path, str]) -> Path:
    """The file a labelled document names: inside ``folder``, one document, not labelled
    before (``seen``: each file so far and where it was labelled)."""
    from .readers.inputs import is_row_archive

    target = folder / name
    if "\0" in name or not target.is_file():
        raise CorpusError(f"{where}: {name!r} is not a file in {folder}")
    resolved = target.resolve()
    if not resolved.is_relative_to(folder.resolve()):  # "../x.md" or an absolute path
        raise CorpusError(f"{where}: {name!r} is not a file in {folder}")
    if is_row_archive(str(target)):
        # Each row would be a document, and the labels would go to the wrong ones.
        raise CorpusError(
            f"{where}: {name!r} is a file of rows or posts, each one a document; label whole "
            "documents here, and rows as passages (JSON Lines of LABELS.md)"
        )
    if resolved in seen:
        raise CorpusError(f"{where}: {name!r} is labelled twice (also at {seen[resolved]})")
    seen[resolved] = where
    return target


def split_documents(
    documents: list[LabelledDocument],
) -> tuple[list[LabelledDocument], list[LabelledDocument]]:
    """(train, test) by the same fixed hash of the id as passages."""
    return (
        [d for d in documents if not in_test_split(d.id)],
        [d for d in documents if in_test_split(d.id)],
    )


def corpus_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    for file in record_files(path):
        digest.update(file.name.encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- statistics


#: Length buckets of ``corpus stats``, shortest first.
_LENGTH_LIMITS = (15, 50, 130, 250)
LENGTH_BUCKETS = (*(f"<{limit} words" for limit in _LENGTH_LIMITS), ">=250 words")


def length_bucket(text: str) -> str:
    words = len(text.split())
    for limit, bucket in zip(_LENGTH_LIMITS, LENGTH_BUCKETS):
        if words < limit:
            return bucket
    return LENGTH_BUCKETS[-1]


def corpus_stats(records: list[Record]) -> dict:
    """Counts per tag, tag combination, source, genre, length and split."""
    train, test = split_records(records)
    lengths = Counter(length_bucket(r.text) for r in records)
    return {
        "records": len(records),
        "train": len(train),
        "test": len(test),
        "per_tag": {label: sum(label in r.labels for r in records) for label in LABELS},
        "untagged": sum(not r.labels for r in records),
        "combinations": dict(
            Counter(
                "+".join(label for label in LABELS if label in r.labels) or NO_LABEL
                for r in records
            ).most_common()
        ),
        "primary": dict(Counter(r.primary for r in records).most_common()),
        "source": dict(Counter(_source_kind(r.source) for r in records).most_common()),
        "genre": dict(Counter(r.genre or "unknown" for r in records).most_common()),
        # Shortest first (sorted as text, "<130" came before "<15").
        "length": {bucket: lengths[bucket] for bucket in LENGTH_BUCKETS if lengths[bucket]},
    }


def _source_kind(source: str) -> str:
    return source.split("#", 1)[0]


# ---------------------------------------------------------------- duplicates
