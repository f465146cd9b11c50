"""Turning text into the n-gram terms the model counts; shared by training and prediction.

Training hands :func:`analyze` to scikit-learn's TfidfVectorizer, and prediction uses it
directly, so both see exactly the same terms without prediction importing scikit-learn.
"""

from __future__ import annotations

import re

import numpy as np

# Acronyms written with dots ("A.I.", "M.L.") are folded into their plain form first, so
# the model and the audit see one spelling.
_DOTTED_ACRONYM = re.compile(r"\b([A-Za-z])\.([A-Za-z])\.(?:([A-Za-z])\.)?")
_DOTTED_HINT = re.compile(r"\.[A-Za-z]\.")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def _fold_acronym(match: re.Match) -> str:
    return "".join(group for group in match.groups() if group)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated words and contractions stay whole."""
    if _DOTTED_HINT.search(text):  # a cheap scan first: the full pattern is slow on long text
        text = _DOTTED_ACRONYM.sub(_fold_acronym, text)
    return _TOKEN.findall(text.lower())


def analyze(text: str, ngram_max: int = 2) -> list[str]:
    """Word n-grams from 1 to ``ngram_max``, as the vectorizer's analyzer."""
    tokens = tokenize(text)
    terms = list(tokens)
    for n in range(2, ngram_max + 1):
        terms.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)))))
    return terms


# ---------------------------------------------------------------- the same tokens, in numpy
#
# Prediction finds tokens with array operations over the UTF-8 bytes of many texts at
# once, and names each token by a 64-bit polynomial hash of its bytes instead of a Python
# string. The tokens are exactly those of :func:`tokenize` (a test checks it); this is
# several times faster than a regex and a string per token.

_BASE = np.uint64(0x100000001B3)
_BASE_INVERSE = np.uint64(pow(int(_BASE), -1, 2**64))


class _Powers:
    """BASE**i and BASE**-i (mod 2**64), grown on demand and kept for the process."""

    forward = np.ones(1, dtype=np.uint64)
    backward = np.ones(1, dtype=np.uint64)

    @classmethod
    def upto(cls, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(cls.forward) < n:
            size = max(n, 2 * len(cls.forward))
            one = np.ones(1, dtype=np.uint64)
            with np.errstate(over="ignore"):
                cls.forward = np.concatenate((one, np.cumprod(np.full(size - 1, _BASE))))
                cls.backward = np.concatenate((one, np.cumprod(np.full(size - 1, _BASE_INVERSE))))
        return cls.forward[:n], cls.backward[:n]


def token_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(hash, text index) of every token of the texts, in order, as :func:`tokenize` finds them."""
    joined = "\n".join(
        _DOTTED_ACRONYM.sub(_fold_acronym, text) if _DOTTED_HINT.search(text) else text
        for text in texts
    )
    # Texts are joined by newlines; lower() is applied per text so a case change that alters
    # a text's length cannot move the boundaries.
    pieces = [text.lower().encode("utf-8", "surrogatepass") for text in joined.split("\n")]
    data = np.frombuffer(b"\n".join(pieces), dtype=np.uint8)
    if not len(data):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    # Arithmetic on uint8 (wrapping below zero) beats a lookup table by about 5x here.
    alnum = ((data - np.uint8(97)) < 26) | ((data - np.uint8(48)) < 10)
    # inside[i + 1]: byte i is part of a token; a False on each side makes every token a
    # rise and a fall, so the changes alternate start, end, start, end.
    inside = np.zeros(len(data) + 2, dtype=bool)
    inside[1:-1] = alnum
    # A hyphen or apostrophe belongs to a token only between two letters or digits.
    middle = data[1:-1]
    inside[2:-2] |= ((middle == 45) | (middle == 39)) & alnum[:-2] & alnum[2:]  # "-" and "'"
    changes = np.flatnonzero(inside[1:] != inside[:-1])
    starts, ends = changes[0::2], changes[1::2]
    forward, backward = _Powers.upto(len(data) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(data) + 1, dtype=np.uint64)
        np.multiply(data, forward[: len(data)], out=prefix[1:], dtype=np.uint64)
        np.cumsum(prefix[1:], out=prefix[1:])
        hashes = (prefix[ends] - prefix[starts]) * backward[starts]
    # Which original text each token is in: count the newlines before its start.
    line_starts = np.cumsum([0] + [len(piece) + 1 for piece in pieces[:-1]])
    newline_rows = np.searchsorted(line_starts, starts, side="right") - 1
    # ``joined`` had one line per newline of every text: map lines back to texts.
    lines_per_text = [text.count("\n") + 1 for text in texts]
    text_of_line = np.repeat(np.arange(len(texts), dtype=np.int64), lines_per_text)
    return hashes, text_of_line[newline_rows]


def hash_tokens(tokens: list[str]) -> np.ndarray:
    """The hash :func:`token_hashes` gives each of these tokens."""
    hashes, _ = token_hashes([" ".join(tokens)])
    return hashes
