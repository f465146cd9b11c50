"""Tagging archives: streaming in input order, parallel workers, resumable output.

Work is cut into chunks of input files. Each worker process loads the model once and
reads, scores and returns one chunk at a time; results come back in input order and at
most a few chunks are in flight, so memory stays flat however many documents there are.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path

from .defaults import DEFAULT_MAX_BYTES
from .errors import AitagError, InputError
from .readers import STDIN, expand_inputs, read_files

#: Files handed to a worker at a time.
CHUNK_FILES = 64
#: Chunks given to each worker ahead of the results being read.
IN_FLIGHT = 2


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs; the same for every file of a batch."""

    input_format: str = "auto"
    text_field: str = "text"
    id_field: str = "id"
    max_bytes: int = DEFAULT_MAX_BYTES
    whole_page: bool = False


@dataclass
class Batch:
    """One run over many inputs: what to read, with which model, what to skip."""

    specs: list[str]
    model_path: str | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    options: ReadOptions = field(default_factory=ReadOptions)
    passages: bool = False
    skip: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Files that are one document each (id = path) are skipped without being read.
        self.done_files = frozenset(path for path, doc_id in self.skip if path == doc_id)

    def files(self) -> list[str | InputError]:
        """The expanded inputs (paths, ``-``, or errors for specs matching nothing)."""
        return list(expand_inputs(self.specs))


def default_jobs() -> int:
    """The cores this process may run on (fewer than the machine's under taskset or cpusets)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def run_batch(
    batch: Batch, jobs: int = 1, items: list[str | InputError] | None = None
) -> Iterator[dict | InputError]:
    """Records and input errors for every document of the batch, in input order."""
    items = batch.files() if items is None else items
    by_path: dict[str, dict] = {}
    for key, count in batch.skip.items():
        by_path.setdefault(key[0], {})[key] = count
    chunks = [
        _chunk_batch(batch, items[i : i + CHUNK_FILES], by_path)
        for i in range(0, len(items), CHUNK_FILES)
    ]
    # One chunk gains nothing from workers; stdin can be read by this process only.
    if jobs <= 1 or len(chunks) < 2 or STDIN in items:
        for chunk_batch, chunk in chunks:
            yield from tag_chunk(chunk_batch, chunk)
        return
    for results in _tag_in_workers(batch, chunks, min(jobs, len(chunks))):
        yield from results


def _tag_in_workers(batch: Batch, chunks: list[tuple[Batch, list]], jobs: int) -> Iterator[list]:
    """Each chunk's results, in order, from ``jobs`` worker processes.

    At most ``IN_FLIGHT`` chunks per worker are out at a time, so results never pile up
    however slowly they are written. On Linux workers are forked from this process with
    the model loaded and its tables built, so they start in milliseconds; joblib's loky
    workers each started a fresh interpreter that imported joblib and numpy and loaded
    the model (with its resource tracker, about half a CPU-second per run, a third of
    the time for 10,000 posts on two cores). Where fork is unsafe (see
    :func:`_worker_context`) workers are spawned and load the model with their first chunk.
    """
    # Imported here: a single-file run need not pay for them.
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = _worker_context()
    if context.get_start_method() == "fork":
        load_tagger(batch.model_path, batch.thresholds).model.passages.prepare()
    if sys.platform == "win32":
        jobs = min(jobs, 61)  # the most a process pool can wait on under Windows
    pending = iter(chunks)
    in_flight: deque[Future] = deque()
    with ProcessPoolExecutor(jobs, context, initializer=_stop_at_once_on_interrupt) as pool:
        try:
            for chunk in islice(pending, IN_FLIGHT * jobs):
                in_flight.append(pool.submit(tag_chunk, *chunk))
            while in_flight:
                results = in_flight.popleft().result()
                for chunk in islice(pending, 1):
                    in_flight.append(pool.submit(tag_chunk, *chunk))
                yield results
        except BrokenProcessPool:
            raise AitagError(
                "a worker process died (killed, or out of memory?); the records written "
                "so far are kept: run again with --output FILE --resume, or with --jobs 1"
            ) from None
        finally:
            # Interrupted or abandoned: drop the chunks not started; the pool's exit
            # waits for the few that are.
            for future in in_flight:
                future.cancel()


def _worker_context():
    """Fork where it is safe; else spawn, and workers load the model themselves.

    Fork is safe on Linux from a process running no other thread, as the command line
    does; a forked child could find a lock held forever by a thread it did not inherit.
    Spawn for a threaded program calling the library, and on macOS (where fork is
    unsafe) and Windows (where it is missing).
    """
    import multiprocessing
    import threading

    fork = sys.platform.startswith("linux") and threading.active_count() == 1
    return multiprocessing.get_context("fork" if fork else "spawn")


def _stop_at_once_on_interrupt() -> None:
    # Ctrl-C reaches the whole process group. A worker simply ends (its chunk is redone
    # by --resume) instead of finishing a long chunk first or printing a traceback; the
    # parent stops the run and reports it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _chunk_batch(
    batch: Batch, chunk: list[str | InputError], by_path: dict[str, dict]
) -> tuple[Batch, list]:
    """A chunk without its finished files, with the batch narrowed to what it needs.

    Each chunk goes to a worker with only the resume entries of its own files, so a large
    resume state is not sent again with every chunk.
    """
    chunk = [item for item in chunk if isinstance(item, InputError) or item not in batch.done_files]
    skip = {}
    for item in chunk:
        if isinstance(item, str):
            skip.update(by_path.get(item, {}))
    return replace(batch, skip=skip), chunk


def tag_chunk(batch: Batch, chunk: list[str | InputError]) -> list[dict | InputError]:
    """Read and tag one chunk of inputs (runs in a worker process when jobs > 1)."""
    tagger = load_tagger(batch.model_path, batch.thresholds)
    # Unmatched specs stay in their place among the files' documents.
    documents = read_files(
        chunk,
        batch.options.input_format,
        batch.options.text_field,
        batch.options.id_field,
        batch.options.max_bytes,
        whole_page=batch.options.whole_page,
    )
    seen: Counter = Counter()

    def fresh(item) -> bool:
        if isinstance(item, InputError):
            return True
        key = (item.path, item.id)
        seen[key] += 1
        return seen[key] > batch.skip.get(key, 0)

    return list(tagger.predict_documents(filter(fresh, documents), passages=batch.passages))


def load_tagger(model_path: str | None, thresholds: dict[str, float]):
    """The Tagger for a batch, loaded once per process (workers keep it between chunks)."""
    return _tagger(model_path, tuple(sorted(thresholds.items())))


@lru_cache(maxsize=4)
def _tagger(model_path: str | None, thresholds: tuple[tuple[str, float], ...]):
    from .predict import Tagger

    return Tagger.load(model_path, dict(thresholds))


def resume_state(output: str | Path) -> dict[tuple[str, str], int]:
    """How many records of each (path, id) a JSON Lines output holds; mends a torn last line.

    A run killed while writing can leave half a line at the end; it is cut off here so the
    file stays valid JSON Lines and that document is tagged again. Counts, not a set: rows
    of one JSONL file may share an id, and only as many as were written are skipped.
    """
    output = Path(output)
    if not output.exists():
        return {}
    with open(output, "rb+") as handle:
        data = handle.read()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            handle.truncate(keep)
    done: Counter = Counter()
    # Split on newlines only: str.splitlines() would also cut at U+2028 and friends.
    for number, line in enumerate(data[:keep].split(b"\n")[:-1], start=1):
        try:
            record = json.loads(line.decode("utf-8"))
            done[(str(record["path"]), str(record["id"]))] += 1
        except (ValueError, KeyError, TypeError):
            raise InputError(
                f"{output}:{number}", "is not a record of aitag; --resume needs the file it wrote"
            ) from None
    return dict(done)
