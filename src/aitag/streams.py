"""Streams of documents: work done a chunk at a time, input errors kept in their place.

Every document is read and handled within the per-document time budget of
:mod:`aitag.limits`: one that runs over becomes an :class:`InputError` naming it, and the
stream goes on with the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .defaults import DEFAULT_ID_FIELD, DEFAULT_MAX_BYTES, DEFAULT_TEXT_FIELD
from .errors import NO_PROSE, InputError, InputWarning
from .errors import document_name as named
from .limits import BudgetExceeded, document_budget, over_budget_message
from .readers import STDIN, Document, read_files

#: Documents handled together: large enough to amortise numpy calls, small enough to
#: keep memory flat however long the batch is ...
CHUNK_DOCUMENTS = 256
#: ... and at most about this many characters of them (a chunk of 256 documents of the
#: largest size allowed would otherwise hold gigabytes).
CHUNK_CHARACTERS = 8_000_000


def document_name(document: Document) -> str:
    """How errors name a document: its file, and a row's id after ``#``."""
    return named(document.path, document.id)


def in_chunks(
    items: Iterable[Document | InputError],
    handle: Callable[[list[Document]], list[dict]],
    size: int = CHUNK_DOCUMENTS,
    warn: Callable[[Document, dict], InputWarning | None] | None = None,
) -> Iterator[dict | InputError | InputWarning]:
    """Apply ``handle`` to documents a chunk at a time, keeping InputErrors in their place.

    ``handle`` returns one record per document; chunks bound memory on long streams. A
    document without prose still gets its record, after an :class:`InputWarning`; so
    does one that ``warn`` has a warning for, given the document and its record; what
    reading found amiss in a document's file comes before both. A
    chunk that runs over the time budget is handled again a document at a time, so the
    document that ran over is named and the others keep their records.
    """
    iterator = iter(items)
    while True:
        chunk = _next_chunk(iterator, size)
        if not chunk:
            return
        documents = [item for item in chunk if isinstance(item, Document)]
        try:
            with document_budget():
                records: list[dict | InputError] = list(handle(documents))
        except BudgetExceeded:
            if len(documents) == 1:  # it ran alone already
                records = [InputError(document_name(documents[0]), over_budget_message())]
            else:
                records = [_alone(handle, document) for document in documents]
        records_iter = iter(records)
        for item in chunk:
            if not isinstance(item, Document):
                yield item
                continue
            record = next(records_iter)
            if isinstance(record, InputError):
                yield record
                continue
            yield from _warnings(item, record, warn)
            yield record


def _warnings(
    document: Document, record: dict, warn: Callable[[Document, dict], InputWarning | None] | None
) -> Iterator[InputWarning]:
    """What is said before a document's record: its file's warning, then its own."""
    if document.file_warning is not None:
        yield document.file_warning
    if not document.passages:
        yield InputWarning(document_name(document), NO_PROSE)
    elif warn is not None and (warning := warn(document, record)) is not None:
        yield warning


def _next_chunk(iterator: Iterator, size: int) -> list:
    chunk, characters = [], 0
    for item in iterator:
        chunk.append(item)
        if isinstance(item, Document):
            characters += len(item.source)
        if len(chunk) >= size or characters >= CHUNK_CHARACTERS:
            break
    return chunk


def _alone(handle: Callable[[list[Document]], list[dict]], document: Document) -> dict | InputError:
    try:
        with document_budget():
            return handle([document])[0]
    except BudgetExceeded:
        return InputError(document_name(document), over_budget_message())


def read_within_budget(
    items: Iterable[str | InputError],
    input_format: str = "auto",
    text_field: str = DEFAULT_TEXT_FIELD,
    id_field: str = DEFAULT_ID_FIELD,
    max_bytes: int = DEFAULT_MAX_BYTES,
    whole_page: bool = False,
) -> Iterator[Document | InputError]:
    """:func:`aitag.readers.read_files`, each document read within the time budget.

    ``items`` are expanded inputs (:func:`aitag.readers.expand_inputs`). A file that runs
    over is reported in its place and the batch goes on; for an archive of rows, the rows
    after the one that ran over are not read.
    """
    for item in items:
        if isinstance(item, InputError):
            yield item
            continue
        # A file at a time: a reader stopped in the middle cannot be resumed.
        documents = read_files(
            [item], input_format, text_field, id_field, max_bytes, whole_page=whole_page
        )
        yield from within_budget(documents, "<stdin>" if item == STDIN else item)


def within_budget(
    documents: Iterator[Document | InputError], name: str
) -> Iterator[Document | InputError]:
    """The documents of one reader (a file, a range of rows), each read within the time
    budget; one that runs over ends the reader with an error naming ``name``."""
    read_so_far, unit = 0, "row"
    while True:
        try:
            with document_budget():
                document = next(documents, None)
        except BudgetExceeded:
            if read_so_far:
                name = f"{name} (after {read_so_far} {unit}(s); the rest was not read)"
            yield InputError(name, over_budget_message())
            return
        if document is None:
            return
        read_so_far += 1
        if isinstance(document, Document) and document.format == "feed":
            unit = "post"  # a feed's documents are its posts
        yield document
