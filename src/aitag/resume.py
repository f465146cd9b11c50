"""Resuming: what a JSON Lines output of ``aitag predict`` already holds, and leaving it out.

An output is written in input order, so what it holds of each input is that input's
first records; a resumed run skips them (checking their ids) and appends the rest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .defaults import DEFAULT_MAX_BYTES
from .errors import AitagError, FileWarning, InputError, InputWarning, printable
from .readers.inputs import is_one_document

#: The fields of a record of ``aitag predict``; a resumed file holds nothing else ...
RECORD_KEYS = frozenset(("id", "path", "labels", "scores", "primary", "model"))
#: ... but these, which a record has with --passages, and with --threshold or --whole-page.
OPTIONAL_KEYS = frozenset(("passages", "settings"))
#: How every record line begins (``json.dumps`` keeps the key order of the record).
RECORD_START = b'{"id": '


@dataclass
class ResumeState:
    """What an output already holds, per input path: how many records, and a digest of
    their ids in order.

    Outputs are written in input order, so the records of a path are its first
    documents: resuming skips that many of them and checks that their ids are the same.
    Kept per path, not per record, so the state of an output of ten million rows is a
    few numbers per file.
    """

    name: str = ""
    size: int = 0  # bytes of whole records; a torn line after them is cut off
    counts: dict[str, int] = field(default_factory=dict)
    digests: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, path: str, doc_id: str) -> None:
        self.counts[path] = self.counts.get(path, 0) + 1
        self.digests[path] = _chain(self.digests.get(path, 0), doc_id)

    def skipper(self, input_format: str = "auto") -> _Skipper:
        """What one run over the inputs leaves out (each run starts from the whole state)."""
        return _Skipper(self, input_format)


class _Skipper:
    def __init__(self, state: ResumeState, input_format: str):
        self.state = state
        self.input_format = input_format
        self.left = {path: count for path, count in state.counts.items() if count > 0}

    def drop_done_files(self, items: list) -> list:
        """The inputs without the files that are one document each and already done.

        Those are not read again. Rows of JSON Lines and CSV files (whose ids may be
        anything, their own file's path too) are skipped by :meth:`skip_done` instead.
        """
        kept = []
        for item in items:
            # A file read by content (no known extension) may be rows: it is read again
            # and its done records skipped one by one, not dropped for its first one.
            whole = isinstance(item, str) and is_one_document(item, self.input_format)
            if whole and self.left.get(item, 0) > 0:
                self.left[item] -= 1
                continue
            kept.append(item)
        return kept

    def skip_done(self, results: Iterable) -> Iterator:
        """``results`` without the records the output already holds (and their warnings)."""
        left = self.left
        seen: dict[str, int] = {}
        held = None  # a document's warning waits for its record: both go, or both stay
        for item in results:
            if isinstance(item, InputWarning) and not isinstance(item, FileWarning):
                held = item
                continue
            if isinstance(item, dict) and left.get(item["path"], 0) > 0:
                path = item["path"]
                left[path] -= 1
                seen[path] = _chain(seen.get(path, 0), item["id"])
                if left[path] == 0 and seen[path] != self.state.digests[path]:
                    raise AitagError(
                        f"{printable(self.state.name)}: its records of {printable(path)} are "
                        f"not the first {self.state.counts[path]} of that input any more (it "
                        "changed since); --resume cannot continue it: write a new output"
                    )
                held = None
                continue
            if held is not None:
                yield held
                held = None
            yield item
        if held is not None:
            yield held


def _chain(digest: int, doc_id: str) -> int:
    step = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return (digest * 0x100000001B3 + int.from_bytes(step, "little")) % (1 << 64)


def read_resume_state(
    stream: BinaryIO,
    name: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    model: str | None = None,
    passages: bool | None = None,
    settings: dict | None = None,
) -> ResumeState:
    """The :class:`ResumeState` of a JSON Lines output, read as a stream.

    Every whole line must be a record of aitag; otherwise the file is not continued
    (nothing in it is changed). Given the ``model``, the ``passages`` setting and the
    ``settings`` of the run (:meth:`aitag.batch.Batch.settings`: --threshold,
    --whole-page), every record must have been written with them too: a file of two
    models' tags, of records with and without passages, or of tags decided by two sets
    of thresholds, is not continued either. A record without ``settings`` was written
    with the defaults (so was one of an aitag that did not record them: that cannot be
    told). A last line without its newline was torn by a kill: ``size`` ends before it,
    so that it is cut off and its document tagged again. A line may be a few times
    ``max_bytes`` long (a record with its passages), no longer.
    """
    state = ResumeState(name)
    longest = 4 * max_bytes + (1 << 16)
    number = 0
    while True:
        line = stream.readline(longest + 1)
        if not line:
            return state
        number += 1
        if not line.endswith(b"\n"):
            if len(line) <= longest and _torn_record(line, state):
                return state  # torn by a kill: cut off, done again
            raise _not_ours(name, number)
        record = _record(line)
        if record is None:
            raise _not_ours(name, number)
        _check_same_run(record, f"{name}:{number}", model, passages, settings)
        state.add(record["path"], record["id"])
        state.size += len(line)


def _check_same_run(
    record: dict, where: str, model: str | None, passages: bool | None, settings: dict | None
) -> None:
    if model is not None and record["model"] != model:
        raise InputError(
            where,
            f"was written by model {printable(str(record['model']))!r}, not {printable(model)!r}; "
            "resume with that model (--model) or write another output (nothing in this one "
            "was changed)",
        )
    if passages is not None and ("passages" in record) != passages:
        written = "with" if "passages" in record else "without"
        raise InputError(
            where,
            f"was written {written} --passages; resume {written} it, as the run that wrote "
            "it (nothing in this one was changed)",
        )
    if settings is not None and record.get("settings", {}) != settings:
        raise InputError(
            where,
            f"was written {_options(record.get('settings', {}))}, but this run is "
            f"{_options(settings)}; resume with the options of the run that wrote it, or "
            "write another output (nothing in this one was changed)",
        )


def _options(settings: object) -> str:
    """Settings as the options that give them: 'with --threshold LLM=0.4 --whole-page'."""
    if not isinstance(settings, dict):
        return f"with settings {printable(str(settings))}"
    thresholds = settings.get("thresholds")
    options = [
        f"--threshold {printable(str(label))}={value}"
        for label, value in (thresholds.items() if isinstance(thresholds, dict) else ())
    ]
    if settings.get("whole_page"):
        options.append("--whole-page")
    return f"with {' '.join(options)}" if options else "without --threshold or --whole-page"


def _torn_record(line: bytes, state: ResumeState) -> bool:
    """Whether a last line without its newline is the start of a record of aitag."""
    if len(line) >= len(RECORD_START):
        return line.startswith(RECORD_START)
    return state.total > 0 and RECORD_START.startswith(line)


def _record(line: bytes) -> dict | None:
    if not line.startswith(RECORD_START):
        return None
    try:
        record = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    ok = (
        isinstance(record, dict)
        and RECORD_KEYS <= record.keys() <= RECORD_KEYS | OPTIONAL_KEYS
        and isinstance(record["path"], str)
        and isinstance(record["id"], str)
    )
    return record if ok else None


def _not_ours(name: str, number: int) -> InputError:
    return InputError(
        f"{name}:{number}",
        "is not a record of aitag; --resume needs the file it wrote (nothing in this one "
        "was changed)",
    )
