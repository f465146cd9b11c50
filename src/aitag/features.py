"""Turning text into the n-gram terms the model counts; shared by training and prediction.

Training hands :func:`analyze` to scikit-learn's TfidfVectorizer, and prediction uses it
directly, so both see exactly the same terms without prediction importing scikit-learn.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

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


def analyze(text: str, ngram_max: int = 2, entities: bool = False) -> list[str]:
    """Word n-grams from 1 to ``ngram_max``, as the vectorizer's analyzer.

    With ``entities``, each mention of a known product, model or organisation also adds
    its kind's class term (see :func:`entity_aliases`).
    """
    tokens = tokenize(text)
    terms = list(tokens)
    for n in range(2, ngram_max + 1):
        terms.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)))))
    if entities:
        terms.extend(entity_terms(tokens))
    return terms


# ---------------------------------------------------------------- entity classes
#
# A name of a known product or model ("ChatGPT", "Stable Diffusion", "XGBoost") adds a
# class term for its kind ("‹language-model›"), so what the corpus teaches about the
# names it holds carries to names it never saw (a new model family, a new image tool).
# The class terms cannot collide with words: no token holds "‹".

#: Class terms begin with this, and nothing the tokenizer makes does.
ENTITY_MARK = "‹"
#: Longest alias, in tokens.
ENTITY_MAX_TOKENS = 4


def entity_class(kind: str) -> str:
    """The class term of an entity kind."""
    return f"{ENTITY_MARK}{kind}›"


@lru_cache(maxsize=1)
def entity_data() -> dict:
    """The entity file (``aitag/data/entities.json``), read once, on first use."""
    text = resources.files("aitag").joinpath("data").joinpath("entities.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def entity_aliases() -> dict[tuple[str, ...], str]:
    """Each alias as the tokens :func:`tokenize` makes of it -> its kind's class term."""
    aliases: dict[tuple[str, ...], str] = {}
    for entity in entity_data()["entities"]:
        for alias in entity["aliases"]:
            tokens = tuple(tokenize(alias))
            if 0 < len(tokens) <= ENTITY_MAX_TOKENS:
                aliases.setdefault(tokens, entity_class(entity["kind"]))
    return aliases


def entity_terms(tokens: list[str]) -> list[str]:
    """The class term of every alias occurrence among ``tokens`` (overlaps all count)."""
    aliases = entity_aliases()
    found = []
    for n in range(1, ENTITY_MAX_TOKENS + 1):
        for start in range(len(tokens) - n + 1):
            kind = aliases.get(tuple(tokens[start : start + n]))
            if kind is not None:
                found.append(kind)
    return found


# ---------------------------------------------------------------- the same tokens, in numpy
#
# Prediction finds tokens with array operations over the UTF-8 bytes of many texts at
# once, and names each token by a 64-bit number instead of a Python string: its bytes
# themselves when it has at most 8 (most words), else a hash of them. The tokens are
# exactly those of :func:`tokenize` (a test checks it); this is several times faster than
# a regex and a string per token.

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
    pieces = [_lowered(text) for text in texts]
    data, text_ends = _joined(pieces)
    if _fold_dotted_acronyms(texts, pieces, data, text_ends):
        data, text_ends = _joined(pieces)
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
    # Tokens never cross a separator: count each text's by one search per text.
    tokens_per_text = np.diff(np.searchsorted(starts, text_ends), prepend=0)
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), tokens_per_text)
    return _token_numbers(data, starts, ends), rows


def _lowered(text: str) -> bytes:
    # Texts are lowered one by one: most are ASCII, which lowers and encodes fastest alone.
    return text.lower().encode("utf-8", "surrogatepass")


def _joined(pieces: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The pieces joined by NULs as bytes, and where each piece ends.

    NUL is never part of a token, so no token crosses from one text into the next.
    """
    data = np.frombuffer(b"\0".join(pieces), dtype=np.uint8)
    return data, np.cumsum([len(piece) + 1 for piece in pieces], dtype=np.int64) - 1


def _fold_dotted_acronyms(
    texts: list[str], pieces: list[bytes], data: np.ndarray, text_ends: np.ndarray
) -> bool:
    """Fold "A.I." to "AI" in the lowered pieces of the texts; True if any changed.

    Every dotted acronym of a text leaves a ".x." in its lowered bytes, and a scan of the
    bytes costs far less than the regex over every text; only the texts holding such a
    candidate ("e.g." is one too) go through the regex, and only those are lowered again.
    """
    if len(data) < 3:
        return False
    dots = data == 46
    candidates = np.flatnonzero(dots[:-2] & dots[2:]) + 1
    candidates = candidates[(data[candidates] - np.uint8(97)) < 26]
    changed = False
    for i in dict.fromkeys(np.searchsorted(text_ends, candidates).tolist()):
        if _DOTTED_HINT.search(texts[i]):
            folded = _DOTTED_ACRONYM.sub(_fold_acronym, texts[i])
            if folded != texts[i]:
                pieces[i] = _lowered(folded)
                changed = True
    return changed


#: MASKS[k] keeps the first k bytes of a little-endian 64-bit word (k = 8: all of it).
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _token_numbers(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit number per token: its bytes when it has 8 or fewer, else a hash of them.

    Eight bytes from every token start are read in one gather, through a view of the
    bytes as 64-bit words at every byte offset; no per-byte arithmetic is needed.
    """
    lengths = ends - starts
    padded = np.zeros((len(data) + 23) // 8 * 8, dtype=np.uint8)
    padded[: len(data)] = data
    # Word i is bytes i..i+7, little-endian on any machine (stride of one byte); the
    # padding keeps the reads of the last tokens inside the array.
    words = np.lib.stride_tricks.as_strided(
        padded.view("<u8"), shape=(len(data) + 9,), strides=(1,), writeable=False
    )
    numbers = words[starts] & _MASKS[np.minimum(lengths, 8)]
    # Tokens don't contain NUL, so a masked word is the token itself; longer ones hash.
    middle = np.flatnonzero((lengths > 8) & (lengths <= 16))
    if len(middle):
        rest = words[starts[middle] + 8] & _MASKS[lengths[middle] - 8]
        with np.errstate(over="ignore"):
            numbers[middle] = (numbers[middle] * _MIX + rest) * _BASE
    long = np.flatnonzero(lengths > 16)
    if len(long):
        numbers[long] = _polynomial_hashes(data, starts[long], lengths[long])
    return numbers


def _polynomial_hashes(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Polynomial hashes of the byte runs ``data[start:start + length]``."""
    offsets = np.cumsum(lengths) - lengths
    # The runs' bytes side by side, then the hash of each run from prefix sums.
    positions = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
    run_bytes = data[positions]
    forward, backward = _Powers.upto(len(run_bytes) + 1)
    with np.errstate(over="ignore"):
        prefix = np.empty(len(run_bytes) + 1, dtype=np.uint64)
        prefix[0] = 0
        np.multiply(run_bytes, forward[: len(run_bytes)], out=prefix[1:], dtype=np.uint64)
        np.cumsum(prefix[1:], out=prefix[1:])
        return (prefix[offsets + lengths] - prefix[offsets]) * backward[offsets]


def hash_tokens(tokens: list[str]) -> np.ndarray:
    """The hash :func:`token_hashes` gives each of these tokens."""
    hashes, _ = token_hashes([" ".join(tokens)])
    return hashes
