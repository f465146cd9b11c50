"""Checks of a corpus before training: exact and near-duplicate records, within the corpus
and against other files (an evaluation set must not leak into training)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .corpus import Record, json_lines, load_records
from .errors import CorpusError
from .labels import NO_LABEL

_WORDS = re.compile(r"\w+")
#: Earlier records a record is compared with, at most, when it shares a rare 5-gram with
#: them: the search stays linear however many near copies a corpus holds.
MAX_CANDIDATES = 1000


def shingles(text: str, size: int = 5) -> np.ndarray:
    """The distinct word ``size``-grams of a text as sorted 64-bit hashes (a text of fewer
    words is one shingle). Numbers, not strings: a few bytes per word of the corpus."""
    words = _WORDS.findall(text.lower())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    size = min(size, len(hashes))
    keys = np.zeros(len(hashes) - size + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            keys = (
                keys * np.uint64(0x100000001B3) + hashes[offset : len(hashes) - size + 1 + offset]
            )
    return np.unique(keys)


def near_duplicates(
    records: list[Record], others: list[Record] | None = None, threshold: float = 0.5
) -> list[tuple[str, str, float]]:
    """Pairs whose word 5-gram sets have Jaccard similarity above ``threshold``.

    Within ``records`` when ``others`` is None (pairs of an earlier and a later record),
    else between ``records`` and ``others``; each record is reported once, with the first
    near copy found. Only pairs that share one of their rarest 5-grams can reach the
    threshold (prefix filtering), and a record is compared with at most
    :data:`MAX_CANDIDATES` of them, so time and memory stay linear in the corpus.
    """
    left = [shingles(r.text) for r in records]
    right = left if others is None else [shingles(r.text) for r in others]
    every = np.concatenate(
        [*left, *(right if others is not None else [])] or [np.zeros(0, np.uint64)]
    )
    distinct, frequency = np.unique(every, return_counts=True)
    del every

    def prefix(keys: np.ndarray) -> np.ndarray:
        return _rarest_prefix(keys, distinct, frequency, threshold)

    index: dict[int, list[int]] = {}
    if others is not None:
        for j, keys in enumerate(right):
            _index_keys(index, prefix(keys), j)
    pairs = []
    for i, keys in enumerate(left):
        found = _first_near(keys, prefix(keys), right, index, threshold)
        if found is not None:
            j, similarity = found
            if others is None:
                pairs.append((records[j].id, records[i].id, similarity))
            else:
                pairs.append((records[i].id, others[j].id, similarity))
        if others is None:
            _index_keys(index, prefix(keys), i)
    return pairs


def _rarest_prefix(
    keys: np.ndarray, distinct: np.ndarray, frequency: np.ndarray, threshold: float
) -> np.ndarray:
    """The rarest keys first (ties by value): a pair at or above the threshold shares one
    of the first |x| - ceil(t * |x|) + 1 of each side's keys."""
    if not len(keys):
        return keys
    rarity = frequency[np.searchsorted(distinct, keys)]
    order = np.lexsort((keys, rarity))
    return keys[order[: len(keys) - math.ceil(threshold * len(keys)) + 1]]


def _index_keys(index: dict[int, list[int]], keys: np.ndarray, position: int) -> None:
    for key in keys.tolist():
        index.setdefault(key, []).append(position)


def _first_near(keys, rare, sets, index, threshold) -> tuple[int, float] | None:
    """The first indexed set similar enough to ``keys``, among a bounded number."""
    checked: set[int] = set()
    for key in rare.tolist():
        for j in index.get(key, ()):
            if j in checked:
                continue
            checked.add(j)
            other = sets[j]
            # Sizes alone rule most pairs out: J <= min/max of the two sizes.
            if min(len(keys), len(other)) > threshold * max(len(keys), len(other)):
                common = len(np.intersect1d(keys, other, assume_unique=True))
                union = len(keys) + len(other) - common
                if union and common / union > threshold:
                    return j, round(common / union, 3)
            if len(checked) >= MAX_CANDIDATES:
                return None
    return None


def validate_corpus(path: str | Path, against: Sequence[str | Path] = ()) -> list[str]:
    """Every problem of a corpus, one line each; an empty list means it is valid.

    A record whose text repeats an earlier one is reported as such and left out of the
    near-duplicate search, so thousands of copies of one record cost no more than one.
    """
    problems: list[str] = []
    try:
        records = load_records(path, problems)  # every bad record, not only the first
    except CorpusError as error:
        return [*problems, str(error)]
    seen_texts: dict[str, str] = {}
    distinct = []
    for record in records:
        key = " ".join(record.text.lower().split())
        if key in seen_texts:
            problems.append(f"{record.id}: same text as {seen_texts[key]}")
            continue
        seen_texts[key] = record.id
        distinct.append(record)
    del seen_texts
    for a, b, similarity in near_duplicates(distinct):
        problems.append(f"{a}: near duplicate of {b} (Jaccard {similarity})")
    for other_path in against:
        try:
            others = load_texts(other_path)
        except CorpusError as error:
            problems.append(str(error))
            continue
        for a, b, similarity in near_duplicates(distinct, others):
            problems.append(f"{a}: near duplicate of {b} in {other_path} (Jaccard {similarity})")
    return problems


def load_texts(path: str | Path) -> list[Record]:
    """Rows of a JSON Lines file as unlabelled records, for duplicate checks against it.

    Raises CorpusError naming ``file:line`` for a row that is not a JSON object.
    """
    rows = []
    for where, row in json_lines(path):
        number = where.rsplit(":", 1)[1]
        if not isinstance(row, dict):
            raise CorpusError(f"{where}: not a JSON object; each line must be an object")
        text = row.get("text", "")
        rows.append(
            Record(
                str(row.get("id", number)), text if isinstance(text, str) else "", (), NO_LABEL,
                str(path),
            )
        )  # fmt: skip
    return rows
