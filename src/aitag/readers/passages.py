"""Blocks to passages: a paragraph is a passage; a very long one is cut at sentence ends."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import InputError
from ..sentences import sentence_ends
from .located import Document, LineIndex, MappedText, Passage

#: A paragraph longer than this many words is cut at sentence boundaries ...
MAX_PASSAGE_WORDS = 400
#: ... into passages of about this many words.
TARGET_PASSAGE_WORDS = 250


def document_of(
    doc_id: str, name: str, source: str, blocks: list[MappedText], fmt: str, cut: bool = True
) -> Document:
    lines = LineIndex(source)
    passages: list[Passage] = []
    for block in blocks:
        for piece in split_passages(block) if cut else [block.strip()]:
            start = piece.spans[0][1]
            end = piece.spans[-1][1] + piece.spans[-1][2]
            line, column = lines.locate(start)
            passages.append(Passage(len(passages), piece.text, start, end, line, column, piece))
    if not passages:
        raise InputError(name, "has no readable text; nothing to tag")
    return Document(doc_id, name, source, passages, fmt)


# ---------------------------------------------------------------- passages


def split_passages(block: MappedText) -> list[MappedText]:
    """A paragraph is a passage; a very long one is cut at sentence ends."""
    block = block.strip()
    if not block.text:
        return []
    # Every word takes at least two characters with its space: short text needs no count.
    if len(block.text) < 2 * MAX_PASSAGE_WORDS or not more_words(block.text, MAX_PASSAGE_WORDS):
        return [block]
    # Words are counted, never listed: a 50 MB paragraph must not become a list of
    # millions of strings.
    pieces, start, words, previous = [], 0, 0, 0
    ends = (following for _, following in sentence_ends(block.text, lines=False))
    for boundary in _chain(ends, len(block.text)):
        words += _count_words(block.text, previous, boundary)
        previous = boundary
        if words >= TARGET_PASSAGE_WORDS or boundary == len(block.text):
            pieces.append(block.slice(start, boundary).strip())
            start, words = boundary, 0
    # A text with no sentence ends at all (a dump of words) is cut by words instead.
    result = []
    for piece in pieces:
        too_long = more_words(piece.text, 2 * MAX_PASSAGE_WORDS)
        result.extend(_cut_by_words(piece) if too_long else [piece])
    return [piece for piece in result if piece.text]


_WORD = re.compile(r"\S+")


def _chain(ends: Iterator[int], last: int) -> Iterator[int]:
    yield from ends
    yield last


def _count_words(text: str, start: int, end: int) -> int:
    return sum(1 for _ in _WORD.finditer(text, start, end))


def more_words(text: str, limit: int) -> bool:
    # Words are at most the whitespace characters plus one: counting ASCII whitespace (C
    # speed, no strings made) settles most paragraphs; split() with maxsplit, which stops
    # after ``limit`` words, settles the rest.
    if text.isascii():
        encoded = text.encode("ascii")
        if len(encoded) - len(encoded.translate(None, _ASCII_SPACES)) < limit:
            return False
    return len(text.split(maxsplit=limit)) > limit


#: What str.split() splits ASCII text at.
_ASCII_SPACES = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _cut_by_words(block: MappedText) -> list[MappedText]:
    pieces, start = [], 0
    for number, match in enumerate(_WORD.finditer(block.text), start=1):
        if number % TARGET_PASSAGE_WORDS == 0:
            pieces.append(block.slice(start, match.end()).strip())
            start = match.end()
    if start < len(block.text):
        pieces.append(block.slice(start, len(block.text)).strip())
    return pieces
