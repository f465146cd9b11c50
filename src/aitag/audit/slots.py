"""Sentences read as words: lower-cased, punctuation and clitics spaced, names as slots.

The token patterns (:mod:`.claim_patterns`, :mod:`.products`) match these words, with each
name replaced by a slot such as ``<ML#3>``, so a pattern's gaps are counted in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: A negation among a match's words: the claim or the naming is denied, not made.
NEGATED = re.compile(r"(?:^|\s)(?:not|n't|never|no|neither|nor|hardly)\s")
_SPACED = re.compile(r"(n't|'s|'re|[,;:()\.\-–—&])")


def slotted_words(sentence: str, slots: Iterable[tuple[int, int, str]]) -> str:
    """The sentence's words, each ``(start, end, slot)`` span replaced by its slot.

    ``slots`` are in order of their starts; the text between two spans is read as words.
    """
    pieces, at = [], 0
    for start, end, slot in slots:
        pieces.append(_spaced(sentence[at:start]))
        pieces.append(slot)
        at = end
    pieces.append(_spaced(sentence[at:]))
    return " ".join("".join(pieces).split())


def _spaced(text: str) -> str:
    """Lower-cased words with punctuation and clitics as words of their own."""
    text = text.replace("’", "'").lower()
    return " " + _SPACED.sub(r" \1 ", text) + " "
