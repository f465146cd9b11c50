"""Streams of documents: work done a chunk at a time, input errors kept in their place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from .errors import NO_PROSE, InputError, InputWarning
from .readers import Document

#: Documents handled together: large enough to amortise numpy calls, small enough to
#: keep memory flat however long the batch is.
CHUNK_DOCUMENTS = 256


def in_chunks(
    items: Iterable[Document | InputError],
    handle: Callable[[list[Document]], list[dict]],
    size: int = CHUNK_DOCUMENTS,
) -> Iterator[dict | InputError | InputWarning]:
    """Apply ``handle`` to documents a chunk at a time, keeping InputErrors in their place.

    ``handle`` returns one record per document; chunks bound memory on long streams. A
    document without prose still gets its record, after an :class:`InputWarning`.
    """
    iterator = iter(items)
    while True:
        chunk = list(islice(iterator, size))
        if not chunk:
            return
        records = iter(handle([item for item in chunk if isinstance(item, Document)]))
        for item in chunk:
            if not isinstance(item, Document):
                yield item
                continue
            if not item.passages:
                yield InputWarning(item.path or item.id, NO_PROSE)
            yield next(records)
