"""Blocks built from pieces of text, each a slice of the source or a stand-in for some.

A reader collects a block's text as pieces: verbatim slices of the source (which map
character by character) and stand-ins (a placeholder for inline code, a line break, a
decoded entity), which map every character to the one offset they stand for. These
functions join the pieces once and map the block back to the source.
"""

from __future__ import annotations

from functools import partial

from .located import LIST_ITEM, Block, LongText, Span


class Pieces:
    """Where a block's pieces of text come from: (text, source offset, verbatim)."""

    __slots__ = ("texts", "offsets", "verbatim")

    def __init__(self):
        self.texts: list[str] = []
        self.offsets: list[int] = []
        self.verbatim: list[bool] = []


def block_of_pieces(pieces: Pieces, kind: str, marks: list, group: int) -> Block | None:
    """A block of the pieces, white space around it left out; its map made on demand."""
    joined = "".join(pieces.texts)
    stripped = joined.strip()
    if not stripped:
        return None
    lead = len(joined) - len(joined.lstrip())
    end = lead + len(stripped)
    start_offset = _source_at(pieces, lead, forward=True)
    end_offset = _source_at(pieces, end, forward=False)
    locate = partial(_spans_of, pieces, lead, end)
    text = LongText(stripped, locate=locate, bounds=(start_offset, end_offset))
    if marks:
        marks = sorted(
            (max(a - lead, 0), min(b - lead, len(stripped)), k)
            for a, b, k in marks
            if b > lead and a < end
        )
    return Block(kind, text, marks, group if kind == LIST_ITEM else 0)


def _source_at(pieces: Pieces, index: int, forward: bool) -> int:
    """Source offset of character ``index`` (forward) or just past ``index - 1``."""
    texts, offsets, verbatim = pieces.texts, pieces.offsets, pieces.verbatim
    if forward:
        position = 0
        for i, text in enumerate(texts):
            if index < position + len(text):
                return offsets[i] + (index - position if verbatim[i] else 0)
            position += len(text)
        return offsets[-1]
    position = sum(map(len, texts))
    for i in range(len(texts) - 1, -1, -1):
        position -= len(texts[i])
        if index > position:
            return offsets[i] + (index - position if verbatim[i] else 1)
    return offsets[0]


def _spans_of(pieces: Pieces, lo: int, hi: int) -> list[Span]:
    """The spans of the block's characters ``lo:hi``, adjacent runs merged."""
    spans: list[Span] = []
    position = 0
    for text, offset, verbatim in zip(pieces.texts, pieces.offsets, pieces.verbatim):
        size = len(text)
        a, b = max(lo, position), min(hi, position + size)
        if a < b:
            if verbatim:
                source = offset + a - position
                last = spans[-1] if spans else None
                if last and last[0] + last[2] == a - lo and last[1] + last[2] == source:
                    spans[-1] = (last[0], last[1], last[2] + b - a)
                else:
                    spans.append((a - lo, source, b - a))
            else:
                spans.extend((k - lo, offset, 1) for k in range(a, b))
        position += size
        if position >= hi:
            break
    return spans


def build_block(kind: str, pieces: list, marks: list, group: int = 0) -> Block | None:
    """A Block of (text, source offset, verbatim) pieces; marks in text offsets."""
    texts = [p[0] for p in pieces]
    joined = "".join(texts)
    if not joined.strip():
        return None
    spans: list[Span] = []
    length = 0
    for text, offset, verbatim in pieces:
        if verbatim:
            last = spans[-1] if spans else None
            if last and last[0] + last[2] == length and last[1] + last[2] == offset:
                spans[-1] = (last[0], last[1], last[2] + len(text))
            elif text:
                spans.append((length, offset, len(text)))
        else:
            spans.extend((length + k, offset, 1) for k in range(len(text)))
        length += len(text)
    lead = len(joined) - len(joined.lstrip())
    whole = LongText(joined, spans)
    end = len(joined.rstrip())
    mapped = (
        whole
        if (lead, end) == (0, len(joined))
        else LongText(joined[lead:end], whole.slice(lead, end).spans)
    )
    size = len(mapped.text)
    marks = [(max(a - lead, 0), min(b - lead, size), k) for a, b, k in marks if b > lead]
    return Block(kind, mapped, [m for m in marks if m[0] < m[1]], group if kind == LIST_ITEM else 0)
