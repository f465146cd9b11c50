"""Tagging archives: streaming in input order, parallel workers, resumable output.

Work is cut into chunks of input files. Each worker process loads the model once and
reads, scores and returns one chunk at a time; results come back in input order and at
most a few chunks are in flight, so memory stays flat however many documents there are.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .documents import DEFAULT_MAX_BYTES, STDIN, expand_inputs, read_documents
from .errors import InputError

#: Files handed to a worker at a time.
CHUNK_FILES = 64


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs; the same for every file of a batch."""

    input_format: str = "auto"
    text_field: str = "text"
    id_field: str = "id"
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass
class Batch:
    """One run over many inputs: what to read, with which model, what to skip."""

    specs: list[str]
    model_path: str | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    options: ReadOptions = field(default_factory=ReadOptions)
    passages: bool = False
    skip: set[tuple[str, str]] = field(default_factory=set)

    def files(self) -> list[str | InputError]:
        """The expanded inputs (paths, ``-``, or errors for specs matching nothing)."""
        return list(expand_inputs(self.specs))


def default_jobs() -> int:
    return os.cpu_count() or 1


def run_batch(
    batch: Batch, jobs: int = 1, items: list[str | InputError] | None = None
) -> Iterator[dict | InputError]:
    """Records and input errors for every document of the batch, in input order."""
    items = batch.files() if items is None else items
    chunks = [items[i : i + CHUNK_FILES] for i in range(0, len(items), CHUNK_FILES)]
    # Worker processes cost a second to start; a small batch is faster in this one.
    if jobs <= 1 or len(chunks) < 2 or STDIN in items:
        for chunk in chunks:
            yield from tag_chunk(batch, chunk)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs")
    for results in parallel(delayed(tag_chunk)(batch, chunk) for chunk in chunks):
        yield from results


def tag_chunk(batch: Batch, chunk: list[str | InputError]) -> list[dict | InputError]:
    """Read and tag one chunk of inputs (runs in a worker process when jobs > 1)."""
    tagger = _tagger(batch.model_path, tuple(sorted(batch.thresholds.items())))
    done_files = {path for path, doc_id in batch.skip if path == doc_id}
    paths = [item for item in chunk if not isinstance(item, InputError) and item not in done_files]
    documents = read_documents(
        paths,
        batch.options.input_format,
        batch.options.text_field,
        batch.options.id_field,
        batch.options.max_bytes,
    )
    fresh = (
        item
        for item in documents
        if isinstance(item, InputError) or (item.path, item.id) not in batch.skip
    )
    results: list[dict | InputError] = [item for item in chunk if isinstance(item, InputError)]
    results.extend(tagger.predict_documents(fresh, passages=batch.passages))
    return results


@lru_cache(maxsize=4)
def _tagger(model_path: str | None, thresholds: tuple[tuple[str, float], ...]):
    # One load per process: workers keep the model between chunks.
    from .predict import Tagger

    return Tagger.load(model_path, dict(thresholds))


def resume_state(output: str | Path) -> set[tuple[str, str]]:
    """(path, id) of every record already in a JSON Lines output; mends a torn last line.

    A run killed while writing can leave half a line at the end; it is cut off here so the
    file stays valid JSON Lines and that document is tagged again.
    """
    output = Path(output)
    if not output.exists():
        return set()
    with open(output, "rb+") as handle:
        data = handle.read()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            handle.truncate(keep)
    done = set()
    for number, line in enumerate(data[:keep].decode("utf-8").splitlines(), start=1):
        try:
            record = json.loads(line)
            done.add((str(record["path"]), str(record["id"])))
        except (ValueError, KeyError, TypeError):
            raise InputError(
                f"{output}:{number}", "is not a record of aitag; --resume needs the file it wrote"
            ) from None
    return done
