"""Blocks to passages: what a document's prose is, cut into paragraph-sized pieces.

Only prose discusses (LABELS.md rule 10). A heading is not a passage: it opens a section
and is the heading of the passages in it. Consecutive short list items are read together
as one passage. A paragraph that is nothing but links is navigation. A very long
paragraph is cut at sentence ends.
"""

from __future__ import annotations

import re
from functools import partial
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
    Span,
)

#: A paragraph longer than this many words is cut at sentence boundaries ...
MAX_PASSAGE_WORDS = 400
#: ... into passages of about this many words.
TARGET_PASSAGE_WORDS = 250
#: A heading of at least this many words is read as prose: no heading is this long.
MIN_HEADING_PROSE_WORDS = 30

_WORD = re.compile(r"\S+")
_ALNUM = re.compile(r"[^\W_]")


def document_of(
    doc_id: str, name: str, source: str, blocks: list[Block], fmt: str, cut: bool = True
) -> Document:
    """A Document of the blocks' passages, each located in ``source``.

    A block read whole needs only its bounds, not where each character sits, so text
    whose map a reader left to be computed (Markdown) stays uncomputed until asked for.
    """
    lines = LineIndex(source)
    passages: list[Passage] = []
    title, heading = "", ""
    index, count = 0, len(blocks)
    while index < count:
        block = blocks[index]
        kind, text, marks = _reading_kind(block), block.text, block.marks
        index += 1
        if kind == LIST_ITEM:
            items = [block]
            while index < count and blocks[index].kind == LIST_ITEM:
                if blocks[index].group != block.group:
                    break
                items.append(blocks[index])
                index += 1
            kind, text, marks = LIST, *_joined_items(items)
        elif kind == HEADING or kind == TITLE:
            words = " ".join(text.text.split())
            if kind == HEADING:
                heading = words
            title = title or words
            continue
        words = text.text
        whole = len(words)
        if not whole or (marks and _only_links(words, marks)):
            continue
        if whole < 2 * MAX_PASSAGE_WORDS and not words[0].isspace() and not words[-1].isspace():
            start, end = text.bounds()  # most paragraphs: one passage, nothing to strip
            line, column = lines.locate(start)
            passages.append(
                Passage(
                    len(passages),
                    words,
                    start,
                    end,
                    line,
                    column,
                    text,
                    kind,
                    heading,
                    tuple(marks),
                )
            )
            continue
        ranges = passage_ranges(words) if cut else _stripped(words, 0, whole)
        inside_each = _marks_inside(marks, ranges)
        for (lo, hi), inside in zip(ranges, inside_each):
            piece = text if lo == 0 and hi == whole else text.slice(lo, hi)
            start, end = piece.bounds()
            line, column = lines.locate(start)
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


def _reading_kind(block: Block) -> str:
    """The block's kind, but prose for a "heading" of a paragraph's length: a page that
    sets its prose in a heading's style (an about page's whole text in one ``<h4>``)
    means it as prose."""
    if block.kind == HEADING and len(block.text.text.split()) >= MIN_HEADING_PROSE_WORDS:
        return PROSE
    return block.kind


def _shifted(marks: list, lo: int, hi: int) -> tuple:
    """The marks that overlap ``lo:hi``, cut to it and counted from ``lo``."""
    return tuple((max(a, lo) - lo, min(b, hi) - lo, k) for a, b, k in marks if a < hi and b > lo)


def _marks_inside(marks: list, ranges: list[tuple[int, int]]) -> list[tuple]:
    """:func:`_shifted` for each of a paragraph's passages, in one pass over the marks.

    Marks are sorted by start and passages follow one another, so each mark is looked at
    while it overlaps a passage and once more: a paragraph of many thousand inline code
    spans, cut into hundreds of passages, costs no more than reading it.
    """
    result: list = []
    open_marks: list = []
    following = 0
    for lo, hi in ranges:
        open_marks = [mark for mark in open_marks if mark[1] > lo]
        while following < len(marks) and marks[following][0] < hi:
            if marks[following][1] > lo:
                open_marks.append(marks[following])
            following += 1
        result.append(_shifted(open_marks, lo, hi))
    return result


def _joined_items(items: list[Block]) -> tuple[MappedText, list]:
    """The items of one list as one text, a line each, and their marks.

    Each line break maps to the start of the item it opens. The map is joined only when
    asked for; the bounds are the first item's start and the last one's end.
    """
    parts: list[tuple[MappedText, int, int]] = []
    lines: list = []
    marks: list = []
    length = 0
    for item in items:
        text = item.text.text
        for lo, hi in _stripped(text, 0, len(text)):
            if parts:
                length += 1  # the line break
            parts.append((item.text, lo, hi))
            lines.append(text[lo:hi])
            marks.extend(
                (max(a, lo) - lo + length, min(b, hi) - lo + length, k)
                for a, b, k in item.marks
                if a < hi and b > lo
            )
            length += hi - lo
    if not parts:
        return MappedText(), marks
    first, lo, _ = parts[0]
    last, _, hi = parts[-1]
    start = first.bounds()[0] if lo == 0 else first.source_offset(lo)
    end = last.bounds()[1] if hi == len(last.text) else last.source_offset(hi - 1) + 1
    located = partial(_joined_spans, parts)
    return MappedText("\n".join(lines), None, located, (start, max(start, end))), marks


def _joined_spans(parts: list[tuple[MappedText, int, int]]) -> list[Span]:
    joined = MappedText()
    for text, lo, hi in parts:
        piece = text.slice(lo, hi)
        if joined.text:
            joined.append_replacement("\n", piece.spans[0][1] if piece.spans else 0)
        joined.append_mapped(piece)
    return joined.spans


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
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return [(start, end)]  # most paragraphs: nothing to strip
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
