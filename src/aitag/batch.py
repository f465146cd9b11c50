"""Tagging archives: streaming in input order, parallel workers, resumable output.

Work is cut into chunks of input files. Each worker process loads the model once and
reads, scores and returns one chunk at a time; results come back in input order and at
most a few chunks are in flight, so memory stays flat however many documents there are.
A JSON Lines or CSV file larger than a chunk's share is tagged apart: a UTF-8 JSON Lines
file is cut into ranges of whole lines for the workers (:mod:`aitag.rowranges`); any other
(or any, with one process) is tagged in this process as a stream, its records written as
they are made. Either way an archive of ten million rows holds no more than a few chunks
of them in memory. Workers die with the process that started them, however it ends.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from .defaults import DEFAULT_ID_FIELD, DEFAULT_MAX_BYTES, DEFAULT_TEXT_FIELD, DEFAULT_TIMEOUT
from .errors import AitagError, FileWarning, InputError, InputWarning
from .labels import LABELS
from .limits import time_limits
from .readers import STDIN, expand_inputs
from .readers.inputs import is_row_archive
from .resume import ResumeState
from .rowranges import RowRange, range_documents, row_ranges
from .streams import read_within_budget, within_budget

#: Files handed to a worker at a time ...
CHUNK_FILES = 64
#: ... and at most this many bytes of JSON Lines and CSV files among them: each row is a
#: record, and a chunk's records are held until the chunk is done.
CHUNK_ROW_BYTES = 1 << 20
#: Chunks given to each worker ahead of the results being read.
IN_FLIGHT = 2


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs; the same for every file of a batch."""

    input_format: str = "auto"
    text_field: str = DEFAULT_TEXT_FIELD
    id_field: str = DEFAULT_ID_FIELD
    max_bytes: int = DEFAULT_MAX_BYTES
    whole_page: bool = False
    #: Seconds each document may take to read and tag (None: no limit).
    timeout: float | None = DEFAULT_TIMEOUT


@dataclass
class Batch:
    """One run over many inputs: what to read, with which model, what is already done."""

    specs: list[str]
    model_path: str | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    options: ReadOptions = field(default_factory=ReadOptions)
    passages: bool = False
    resume: ResumeState | None = None
    #: Warnings of directories that hold documents aitag does not read, once
    #: :meth:`files` has walked them.
    unread: list[InputWarning] = field(default_factory=list)

    def files(self) -> list[str | InputError]:
        """The expanded inputs (paths, ``-``, or errors for specs matching nothing)."""
        self.unread.clear()
        return list(expand_inputs(self.specs, self.unread))

    def settings(self) -> dict:
        """The options this batch's tags are decided and its documents read with, where
        they depart from the defaults: ``{"thresholds": {"LLM": 0.4}, "whole_page": True}``,
        empty for a run of the defaults.

        Its records carry them (under ``settings``), so an output says how its tags were
        decided, and --resume continues it only with the same options. A run of the
        defaults writes records of the usual shape.
        """
        settings: dict = {}
        if self.thresholds:
            settings["thresholds"] = {
                label: self.thresholds[label] for label in LABELS if label in self.thresholds
            }
        if self.options.whole_page:
            settings["whole_page"] = True
        return settings


def default_jobs() -> int:
    """The cores this process may run on (fewer than the machine's under taskset or cpusets)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def run_batch(
    batch: Batch, jobs: int = 1, items: list[str | InputError] | None = None
) -> Iterator[dict | InputError | InputWarning]:
    """Records and input errors for every document of the batch, in input order.

    ``jobs`` is capped at the cores this process may use: more workers than cores only
    add memory. What ``batch.resume`` says is done is left out.
    """
    items = batch.files() if items is None else items
    jobs = min(jobs, default_jobs())
    skipper = batch.resume.skipper(batch.options.input_format) if batch.resume else None
    if skipper is not None:
        items = skipper.drop_done_files(items)
    # Stdin can be read by this process only.
    parallel = jobs > 1 and STDIN not in items
    units = list(_units(batch, items, parallel))
    # One chunk gains nothing from workers.
    if not parallel or len(units) < 2:
        results: Iterator = (result for unit in units for result in iter_chunk(batch, unit))
    else:
        results = _tag_in_workers(batch, units, min(jobs, len(units)))
    results = _once_a_file(results)
    return skipper.skip_done(results) if skipper is not None else results


def _once_a_file(results: Iterator) -> Iterator:
    """``results`` with each file's FileWarning of a kind said once, and its row errors of
    a kind shown once (each still counts): each range of rows of a large file is read and
    tagged apart, and says what it finds in the file's rows as if it were the file (and a
    file given twice is the same file)."""
    warned: set[tuple[str, str]] = set()
    for item in results:
        if isinstance(item, FileWarning):
            if (item.path, item.about) in warned:
                continue
            warned.add((item.path, item.about))
        elif isinstance(item, InputError) and item.about is not None:
            file = item.path.rsplit(":", 1)[0]  # "rows.jsonl:12": the row's file
            item.shown = (file, item.about) not in warned
            warned.add((file, item.about))
        yield item


def _units(batch: Batch, items: list[str | InputError], parallel: bool) -> Iterator[_Unit]:
    """Chunks of files for workers. A large row archive is tagged apart: cut into ranges
    of rows for the workers when there are workers and it can be, else streamed here."""
    chunk: list = []
    row_bytes = 0
    for item in items:
        size = _row_bytes(item, batch.options.input_format)
        if size > CHUNK_ROW_BYTES // 4:
            if chunk:
                yield chunk
            ranges = row_ranges(str(item), batch.options.input_format) if parallel else None
            yield from ranges or (_Streamed([item]),)
            chunk, row_bytes = [], 0
            continue
        if chunk and (len(chunk) >= CHUNK_FILES or row_bytes + size > CHUNK_ROW_BYTES):
            yield chunk
            chunk, row_bytes = [], 0
        chunk.append(item)
        row_bytes += size
    if chunk:
        yield chunk


class _Streamed(list):
    """A unit of work this process tags itself, as a stream (a large row archive)."""


#: A unit of work: a chunk of inputs, or a range of the rows of a large archive.
_Unit = list | RowRange


def _row_bytes(item: str | InputError, input_format: str) -> int:
    if isinstance(item, InputError) or not is_row_archive(item, input_format):
        return 0
    if item == STDIN:
        return CHUNK_ROW_BYTES
    try:
        return os.stat(item).st_size
    except OSError:
        return 0  # reported when it is read


def _tag_in_workers(batch: Batch, units: list[_Unit], jobs: int) -> Iterator:
    """Each unit's results, in order: chunks from ``jobs`` worker processes, large archives
    streamed here meanwhile.

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
        load_tagger(batch.model_path, batch.thresholds, batch.passages).model.passages.prepare()
    if sys.platform == "win32":
        jobs = min(jobs, 61)  # the most a process pool can wait on under Windows
    pending = iter(units)
    queue: deque[tuple[_Unit, Future | None]] = deque()
    interrupted = False
    with ProcessPoolExecutor(
        jobs, context, initializer=_worker_started, initargs=(os.getpid(),)
    ) as pool:
        try:
            _submit_ahead(pool, batch, pending, queue, IN_FLIGHT * jobs)
            while queue:
                unit, future = queue.popleft()
                _submit_ahead(pool, batch, pending, queue, IN_FLIGHT * jobs)
                if future is None:
                    yield from iter_chunk(batch, unit)
                else:
                    yield from future.result()
        except BrokenProcessPool:
            raise AitagError(
                "a worker process died (killed, or out of memory?); the records written "
                "so far are kept: run again with --output FILE --resume, or with --jobs 1"
            ) from None
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            # Abandoned: drop the chunks not started; the pool's exit waits for the few
            # that are. Not on Ctrl-C: the workers got it too, and the pool's manager
            # thread fails the futures of a broken pool; one cancelled here meanwhile
            # made it print a traceback (CPython gh-107219, unfixed in 3.10 and 3.11).
            if not interrupted:
                for _, future in queue:
                    if future is not None:
                        future.cancel()


def _submit_ahead(pool, batch: Batch, pending: Iterator[_Unit], queue: deque, ahead: int) -> None:
    """Queue units until ``ahead`` of them are out with workers; a streamed unit is queued
    without a future, to be tagged here in its turn."""
    while sum(future is not None for _, future in queue) < ahead:
        unit = next(pending, None)
        if unit is None:
            return
        streamed = isinstance(unit, _Streamed)
        queue.append((unit, None if streamed else pool.submit(tag_chunk, batch, unit)))


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


def _worker_started(parent: int) -> None:
    """Set up a worker: it stops at Ctrl-C, dies with its parent and keeps no caller's pipe."""
    # Ctrl-C reaches the whole process group. A worker simply ends (its chunk is redone
    # by --resume) instead of finishing a long chunk first or printing a traceback; the
    # parent stops the run and reports it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _die_with_parent(parent)
    # Workers print nothing: they must not hold the caller's stdin and stdout open (a
    # script reading aitag's output waits for every process that holds its pipe).
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1):
        os.dup2(devnull, descriptor)
    os.close(devnull)


def _die_with_parent(parent: int) -> None:
    """End this process when ``parent`` ends, even by SIGKILL.

    Linux: the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``). Elsewhere
    a thread watches the parent's pid. Either way, a parent that died before this ran
    has already been replaced as the parent: then this process ends at once.
    """
    watch = True
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            watch = libc.prctl(1, signal.SIGKILL, 0, 0, 0) != 0  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            watch = True
    if os.getppid() != parent:
        os._exit(1)
    if watch:
        import threading

        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def tag_chunk(batch: Batch, chunk: _Unit) -> list[dict | InputError]:
    """Read and tag one chunk of inputs or range of rows (in a worker when jobs > 1)."""
    return list(iter_chunk(batch, chunk))


def iter_chunk(batch: Batch, chunk: _Unit) -> Iterator:
    """Read and tag a chunk of inputs (or a range of rows) as a stream, each document
    within the time budget."""
    tagger = load_tagger(batch.model_path, batch.thresholds, batch.passages)
    departs_from_defaults = bool(batch.settings())
    with time_limits(batch.options.timeout):
        documents = _documents(chunk, batch.options)
        for item in tagger.predict_documents(documents, passages=batch.passages):
            if departs_from_defaults and isinstance(item, dict):
                item["settings"] = batch.settings()  # a dict of its own for each record
            yield item


def _documents(chunk: _Unit, options: ReadOptions) -> Iterator:
    if isinstance(chunk, RowRange):
        rows = range_documents(chunk, options.text_field, options.id_field, options.max_bytes)
        # A range that runs over loses the rest of its rows, not the rest of the file.
        return within_budget(rows, chunk.name)
    # Unmatched specs stay in their place among the files' documents.
    return read_within_budget(
        chunk, options.input_format, options.text_field, options.id_field, options.max_bytes,
        whole_page=options.whole_page,
    )  # fmt: skip


def load_tagger(model_path: str | None, thresholds: dict[str, float], passages: bool = False):
    """The Tagger for a batch, loaded once per process (workers keep it between chunks);
    ``thresholds`` decide documents' tags, and with ``passages`` passages' tags too."""
    return _tagger(model_path, tuple(sorted(thresholds.items())), passages)


@lru_cache(maxsize=4)
def _tagger(
    model_path: str | None, thresholds: tuple[tuple[str, float], ...], passages: bool = False
):
    from .predict import Tagger

    tagger = Tagger.load(model_path)
    tagger.override_thresholds(dict(thresholds), passages=passages)
    return tagger
