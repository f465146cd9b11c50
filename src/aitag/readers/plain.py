"""Plain text: paragraphs separated by blank lines, each a verbatim slice of the text."""

from __future__ import annotations

import re

from .located import PROSE, Block, Document, MappedText, Passage
from .passages import MAX_PASSAGE_WORDS, document_of, more_words, split_passages


def plain_document(doc_id: str, name: str, text: str) -> Document:
    """The document :func:`_document` makes of :func:`read_text_blocks`, made faster.

    A plain text's passages are verbatim slices of it, so they need no MappedText: most
    paragraphs become a passage with a strip and a slice, and lines are counted as the
    loop goes. Only very long paragraphs go through :func:`split_passages`. A test checks
    both ways give the same passages.
    """
    # Paragraphs and the blank lines between them, in turn: offsets are running sums.
    pieces = _BLANK_LINES_SPLIT.split(text)
    passages: list[Passage] = []
    add = passages.append
    offset = line = line_start = counted = 0
    for i in range(0, len(pieces), 2):
        block = pieces[i]
        stripped = block.strip()
        if stripped:
            start = offset + len(block) - len(block.lstrip())
            if len(stripped) < 2 * MAX_PASSAGE_WORDS or not more_words(stripped, MAX_PASSAGE_WORDS):
                cut = [(stripped, start)]
            else:
                cut = [
                    (piece.text, piece.spans[0][1])
                    for piece in split_passages(MappedText.identity(block, offset))
                ]
            for piece, piece_start in cut:
                newlines = text.count("\n", counted, piece_start)
                if newlines:
                    line += newlines
                    line_start = text.rfind("\n", counted, piece_start) + 1
                counted = piece_start
                add(
                    Passage(
                        len(passages),
                        piece,
                        piece_start,
                        piece_start + len(piece),
                        line + 1,
                        piece_start - line_start + 1,
                    )
                )
        offset += len(block) + (len(pieces[i + 1]) if i + 1 < len(pieces) else 0)
    return Document(doc_id, name, text, passages, "text")


def text_document(text: str, doc_id: str = "<text>", path: str = "") -> Document:
    """A Document from a string of plain text (what ``Tagger.predict(texts)`` uses)."""
    return plain_document(doc_id, path or doc_id, text)


def passage_document(text: str, doc_id: str) -> Document:
    """A Document that is one passage: a labelled record, scored as the unit it was labelled.

    LABELS.md labels a record's text as a whole ("one passage a line"), and the model is
    trained on whole records, so evaluation does not cut them into paragraphs.
    """
    block = Block(PROSE, MappedText.identity(text))
    return document_of(doc_id, doc_id, text, [block], "text", cut=False)


# ---------------------------------------------------------------- plain text

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_BLANK_LINES_SPLIT = re.compile(f"({_BLANK_LINES.pattern})")


def read_text_blocks(text: str, name: str = "") -> list[Block]:
    """Paragraphs are separated by blank lines.

    The general form of plain-text reading, as the other formats' readers give blocks;
    reading itself uses :func:`plain_document`, which a test holds to this.
    """
    blocks, start = [], 0
    for match in _BLANK_LINES.finditer(text):
        blocks.append(Block(PROSE, MappedText.identity(text[start : match.start()], start)))
        start = match.end()
    blocks.append(Block(PROSE, MappedText.identity(text[start:], start)))
    return blocks
