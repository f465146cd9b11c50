"""Blocks to passages: what a document's prose is, cut into paragraph-sized pieces.

Only prose discusses (LABELS.md rule 10). A heading is not a passage: it opens a section
and is the heading of the passages in it. Consecutive short list items are read together
as one passage. A paragraph that is nothing but links is navigation. A very long
paragraph is cut at sentence ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from ..sentences import sentence_ends
from .located import (
    HEADING,
    LINK,
    LIST,
    LIST_ITEM,
    PROSE,
    TITLE,
    Block,
    Document,
    LineIndex,
    MappedText,
    Passage,
)

#: A paragraph longer than this many words is cut at sentence boundaries ...
MAX_PASSAGE_WORDS = 400
#: ... into passages of about this many words.
TARGET_PASSAGE_WORDS = 250

_WORD = re.compile(r"\S+")
_ALNUM = re.compile(r"[^\W_]")


def document_of(
    doc_id: str, name: str, source: str, blocks: list[Block], fmt: str, cut: bool = True
) -> Document:
    """A Document of the blocks' passages, each located in ``source``."""
    lines = LineIndex(source)
    passages: list[Passage] = []
    title, heading = "", ""
    for kind, block, marks in _grouped(blocks):
        if kind == TITLE:
            title = title or " ".join(block.text.split())
            continue
        if kind == HEADING:
            heading = " ".join(block.text.split())
            title = title or heading
            continue
        if _only_links(block.text, marks):
            continue
        ranges = passage_ranges(block.text) if cut else _stripped(block.text, 0, len(block.text))
        whole = len(block.text)
        for lo, hi in ranges:
            piece = block if (lo, hi) == (0, whole) else block.slice(lo, hi)
            start, end = piece.bounds()
            line, column = lines.locate(start)
            inside = tuple(
                (max(a, lo) - lo, min(b, hi) - lo, k) for a, b, k in marks if a < hi and b > lo
            )
            passages.append(
                Passage(
                    len(passages),
                    piece.text,
                    start,
                    end,
                    line,
                    column,
                    piece,
                    kind,
                    heading,
                    inside,
                )
            )
    return Document(doc_id, name, source, passages, fmt, title)


def _grouped(blocks: list[Block]) -> Iterator[tuple[str, MappedText, list]]:
    """(kind, text, marks) of each block, consecutive list items of one list joined.

    Items are joined by line breaks, each mapped to the start of the item it opens.
    """
    items: list[Block] = []
    for block in [*blocks, Block(PROSE, MappedText())]:
        if items and (block.kind != LIST_ITEM or block.group != items[0].group):
            yield _joined_items(items)
            items = []
        if block.kind == LIST_ITEM:
            items.append(block)
        elif block.text.text:
            yield block.kind, block.text, block.marks


def _joined_items(items: list[Block]) -> tuple[str, MappedText, list]:
    joined, marks = MappedText(), []
    for item in items:
        text = item.text.strip()
        if not text.text:
            continue
        if joined.text:
            joined.append_replacement("\n", text.spans[0][1])
        lead = len(item.text.text) - len(item.text.text.lstrip())
        shift = len(joined.text) - lead
        marks.extend((a + shift, b + shift, k) for a, b, k in item.marks)
        joined.append_mapped(text)
    return LIST, joined, marks


def _only_links(text: str, marks: list[tuple[int, int, str]]) -> bool:
    """Whether every letter and digit of ``text`` is link text ("Read more: [...](...)" is)."""
    links = [(a, b) for a, b, k in marks if k == LINK]
    if not links or sum(b - a for a, b in links) * 2 < len(text) - 40:
        return False
    position, outside = 0, []
    for a, b in links:
        outside.append(text[position:a])
        position = max(position, b)
    outside.append(text[position:])
    # A short lead-in ("Read more:", "See also") does not make a line prose.
    return len(_ALNUM.findall("".join(outside))) <= 12


def passage_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of each passage of a paragraph: itself, or pieces cut at sentence ends.

    Words are counted, never listed: a 50 MB paragraph must not become a list of
    millions of strings.
    """
    # Every word takes at least two characters with its space: short text needs no count.
    if len(text) < 2 * MAX_PASSAGE_WORDS or not more_words(text, MAX_PASSAGE_WORDS):
        return _stripped(text, 0, len(text))
    pieces, start, words, previous = [], 0, 0, 0
    ends = (following for _, following in sentence_ends(text, lines=False))
    for boundary in chain(ends, (len(text),)):
        words += sum(1 for _ in _WORD.finditer(text, previous, boundary))
        previous = boundary
        if words >= TARGET_PASSAGE_WORDS or boundary == len(text):
            pieces.extend(_stripped(text, start, boundary))
            start, words = boundary, 0
    # A text with no sentence ends at all (a dump of words) is cut by words instead.
    result: list[tuple[int, int]] = []
    for lo, hi in pieces:
        if more_words(text[lo:hi], 2 * MAX_PASSAGE_WORDS):
            result.extend(_cut_by_words(text, lo, hi))
        else:
            result.append((lo, hi))
    return result


def split_passages(block: MappedText) -> list[MappedText]:
    """The passages of one paragraph as located text (see :func:`passage_ranges`)."""
    return [block.slice(lo, hi) for lo, hi in passage_ranges(block.text)]


def _stripped(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[(start, end)]`` without surrounding white space, or ``[]`` if only space is left."""
    match = _WORD.search(text, start, end)
    if match is None:
        return []
    last = end
    while last > start and text[last - 1].isspace():
        last -= 1
    return [(match.start(), last)]


def more_words(text: str, limit: int) -> bool:
    """Whether ``text`` has more than ``limit`` words, without listing them."""
    # Words are at most the separators plus one: counting ASCII white space (C speed,
    # no copy of the text) settles most paragraphs; split() with maxsplit, which stops
    # after ``limit`` words, settles the rest.
    if text.isascii() and sum(text.count(char) for char in _ASCII_SPACES) < limit:
        return False
    return len(text.split(maxsplit=limit)) > limit


#: What str.split() splits ASCII text at.
_ASCII_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _cut_by_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces, piece_start = [], start
    for number, match in enumerate(_WORD.finditer(text, start, end), start=1):
        if number % TARGET_PASSAGE_WORDS == 0:
            pieces.extend(_stripped(text, piece_start, match.end()))
            piece_start = match.end()
    pieces.extend(_stripped(text, piece_start, end))
    return pieces
