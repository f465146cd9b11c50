"""Finding a vocabulary's n-grams in texts with array operations: the scorer's hot path.

Tokens are found and hashed in numpy (:func:`aitag.features.token_hashes`), looked up
in open-addressing hash tables, and n-grams and entity names become integer keys; no
Python string is made per token. :class:`aitag.scoring.NgramScorer` builds one index
per model.
"""

from __future__ import annotations

import numpy as np

from .features import ENTITY_MARK, entity_aliases, hash_tokens, token_hashes


class _HashTable:
    """An open-addressing table from uint64 keys to ints, probed with array operations.

    Looking up a million tokens in it costs a few vectorised probes, where a binary
    search (``np.searchsorted``) takes about twenty cache-missing steps per query.
    """

    _MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads keys over slots

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        """A table of distinct ``keys``, built by linear probing in rounds of array operations."""
        # A quarter full at most, so most lookups end on their first probe.
        self.bits = max(int(np.ceil(np.log2(max(len(keys), 1) * 4 + 1))), 4)
        size = 1 << self.bits
        keys = _as_int64(keys)
        # Key and value side by side: a probe reads one 16-byte entry, not two arrays.
        self.entries = np.zeros((size, 2), dtype=np.int64)
        self.entries[:, 1] = -1  # -1 marks an empty slot
        pending, slots = np.arange(len(keys)), self._slot(keys)
        while len(pending):
            # Each empty slot takes the first pending key that wants it; the others step
            # on to the next slot, so every key stays reachable from its home slot.
            empty = self.entries[slots, 1] < 0
            taken, first = np.unique(slots[empty], return_index=True)
            winners = np.flatnonzero(empty)[first]
            self.entries[taken, 0] = keys[pending[winners]]
            self.entries[taken, 1] = values[pending[winners]]
            placed = np.zeros(len(pending), dtype=bool)
            placed[winners] = True
            pending, slots = pending[~placed], (slots[~placed] + 1) & (size - 1)

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            mixed = keys.view(np.uint64) * self._MIX
        return (mixed >> np.uint64(64 - self.bits)).astype(np.intp)

    def get(self, keys: np.ndarray, default: int) -> np.ndarray:
        keys = _as_int64(keys)
        slots = self._slot(keys)
        entries = np.take(self.entries, slots, axis=0)
        values = entries[:, 1]
        # Most keys settle on the first probe: found there, or an empty slot (absent).
        occupied = values >= 0
        found = occupied & (entries[:, 0] == keys)
        result = np.where(found, values, default)
        pending = np.flatnonzero(occupied & ~found)
        mask = len(self.entries) - 1
        slots = slots[pending]
        while len(pending):
            slots = (slots + 1) & mask
            entries = np.take(self.entries, slots, axis=0)
            values = entries[:, 1]
            found = (values >= 0) & (entries[:, 0] == keys[pending])
            result[pending[found]] = values[found]
            going = (values >= 0) & ~found  # another key sits here: probe on
            pending, slots = pending[going], slots[going]
        return result


def _as_int64(keys: np.ndarray) -> np.ndarray:
    """The keys' 64 bits as int64 (a view for uint64 hashes; equality is unaffected)."""
    keys = np.ascontiguousarray(keys)
    return keys.view(np.int64) if keys.dtype == np.uint64 else keys.astype(np.int64, copy=False)


#: Characters of text turned into numpy arrays at a time while scoring.
_BATCH_CHARACTERS = 4_000_000


class NgramIndex:
    """Finds a text's vocabulary n-grams by token ids instead of joined strings.

    Tokens are found and hashed with array operations (:func:`aitag.features.token_hashes`)
    and matched to the vocabulary's tokens in a hash table; an n-gram is then a number
    (its token ids in base ``n_tokens``) found in another. This gives exactly the terms of
    :func:`aitag.features.analyze` that are in the vocabulary, without a Python string per
    token or n-gram, which was most of the cost of scoring.
    """

    def __init__(self, terms: list[str], ngram_max: int):
        self.ngram_max = ngram_max
        # Entity class terms are found by their aliases, not as words (see _EntityIndex).
        self.entities = _EntityIndex(terms)
        column_of = np.array(
            [k for k, term in enumerate(terms) if not term.startswith(ENTITY_MARK)], np.int64
        )
        if len(column_of) < len(terms):
            terms = [terms[k] for k in column_of.tolist()]
        # All terms' words in one split (a split per term costs more than the rest).
        words = " ".join(terms).split(" ") if terms else []
        # Token ids in order of first appearance; the id ``base`` stands for unknown tokens.
        tokens = {word: i for i, word in enumerate(dict.fromkeys(words))}
        self.base = max(len(tokens), 1)
        if self.base ** max(ngram_max, 1) >= 2**63:
            raise ValueError(f"{len(tokens)} tokens are too many for {ngram_max}-gram keys")
        numbers = hash_tokens(list(tokens)) if tokens else np.zeros(0, dtype=np.uint64)
        # Tokens longer than 8 bytes are named by a hash: two of the vocabulary sharing one
        # would be scored as one, so refuse such a model instead (it has not happened).
        ordered = np.sort(numbers)
        if (ordered[1:] == ordered[:-1]).any():
            raise ValueError("two vocabulary tokens hash alike; retrain with another vocabulary")
        self.token_table = _HashTable(numbers, np.arange(len(tokens), dtype=np.int64))
        ids = np.fromiter(map(tokens.__getitem__, words), dtype=np.int64, count=len(words))
        lengths = np.fromiter((term.count(" ") + 1 for term in terms), np.int64, len(terms))
        firsts = np.cumsum(lengths) - lengths  # where each term's tokens begin in ``ids``
        self.unigram = np.full(self.base + 1, -1, dtype=np.int64)  # last slot: unknown token
        single = np.flatnonzero(lengths == 1)
        self.unigram[ids[firsts[single]]] = column_of[single]
        # An n-gram is the number its token ids make in base ``base``. Which tokens begin
        # and end some n-gram of each length: most positions of a text can be ruled out
        # with these two small arrays before any key is built.
        self.keys: dict[int, _HashTable] = {}
        self.can_begin: dict[int, np.ndarray] = {}
        self.can_end: dict[int, np.ndarray] = {}
        for length in sorted(set(lengths[lengths > 1].tolist())):
            columns = np.flatnonzero(lengths == length)
            key = np.zeros(len(columns), dtype=np.int64)
            for offset in range(length):
                key = key * self.base + ids[firsts[columns] + offset]
            self.keys[length] = _HashTable(key, column_of[columns])
            self.can_begin[length] = np.zeros(self.base + 1, dtype=bool)
            self.can_begin[length][ids[firsts[columns]]] = True
            self.can_end[length] = np.zeros(self.base + 1, dtype=bool)
            self.can_end[length][ids[firsts[columns] + length - 1]] = True

    def lookup(self, texts: list[str], bits: int) -> np.ndarray:
        """``row << bits | column`` for every vocabulary n-gram occurrence in the texts."""
        found, start, size = [], 0, 0
        for end, text in enumerate(texts, start=1):
            size += len(text)
            # Texts go to numpy a few megabytes at a time, so memory stays bounded.
            if size >= _BATCH_CHARACTERS or end == len(texts):
                found.append(self._lookup(texts[start:end], bits, start))
                start, size = end, 0
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def _lookup(self, texts: list[str], bits: int, first_row: int) -> np.ndarray:
        hashes, token_rows = token_hashes(texts)
        token_ids = self.token_table.get(hashes, self.base)
        # Rows in the high bits from here on: one array per n-gram length, not two.
        row_bits = (token_rows + first_row) << bits
        columns = self.unigram[token_ids]
        known = columns >= 0
        found = [row_bits[known] | columns[known]]
        for length, table in self.keys.items():
            if len(token_ids) < length:
                continue
            span = len(token_ids) - length + 1
            # An n-gram lies inside one text, and its tokens are all known (the unknown
            # token can neither begin nor end one, nor sit inside a key of the table).
            possible = self.can_begin[length][token_ids[:span]]
            possible &= self.can_end[length][token_ids[length - 1 :]]
            possible &= token_rows[:span] == token_rows[length - 1 :]
            positions = np.flatnonzero(possible)
            key = token_ids[positions]
            for offset in range(1, length):
                part = token_ids[positions + offset]
                key = key * self.base + part
                if offset < length - 1:
                    positions = positions[part != self.base]
                    key = key[part != self.base]
            key_columns = table.get(key, -1)
            hit = np.flatnonzero(key_columns >= 0)
            found.append(row_bits[positions[hit]] | key_columns[hit])
        if self.entities.tables:
            positions, entity_columns = self.entities.find(hashes, token_rows)
            found.append(row_bits[positions] | entity_columns)
        return np.concatenate(found)


class _EntityIndex:
    """Finds the aliases of known entities among a text's tokens, by their token hashes.

    Aliases are matched on hashes, not vocabulary ids, so a name the vocabulary never
    saw ("Nemotron") still counts for its kind; only kinds whose class term is in the
    vocabulary are looked for. An alias of n tokens is the number its hashes make,
    mixed in order; the same occurrences as :func:`aitag.features.entity_terms`.
    """

    _MIX = np.uint64(0x100000001B3)

    def __init__(self, terms: list[str]):
        self.tables: dict[int, _HashTable] = {}
        classes = {term: k for k, term in enumerate(terms) if term.startswith(ENTITY_MARK)}
        if not classes:
            return
        by_length: dict[int, tuple[list[np.ndarray], list[int]]] = {}
        for tokens, kind in entity_aliases().items():
            if kind in classes:
                keys, columns = by_length.setdefault(len(tokens), ([], []))
                keys.append(self.combine(hash_tokens(list(tokens))[:, None]))
                columns.append(classes[kind])
        for length, (keys, columns) in by_length.items():
            unique, first = np.unique(np.concatenate(keys), return_index=True)
            self.tables[length] = _HashTable(unique, np.asarray(columns, np.int64)[first])

    @classmethod
    def combine(cls, hashes: np.ndarray) -> np.ndarray:
        """One key per column of ``hashes``, shape (n_tokens, n): its tokens' hashes, mixed."""
        key = np.zeros(hashes.shape[1], dtype=np.uint64)
        with np.errstate(over="ignore"):
            for row in hashes:
                key = key * cls._MIX + row
        return key

    def find(self, hashes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(token position, class column) of every alias occurrence."""
        positions, columns = [], []
        for length, table in self.tables.items():
            span = len(hashes) - length + 1
            if span <= 0:
                continue
            window = np.vstack([hashes[offset : offset + span] for offset in range(length)])
            found = table.get(self.combine(window), -1)
            hit = np.flatnonzero((found >= 0) & (rows[:span] == rows[length - 1 :]))
            positions.append(hit)
            columns.append(found[hit])
        if not positions:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(positions), np.concatenate(columns)
