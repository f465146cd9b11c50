"""Where the Markdown reader's pieces of text sit in the source, worked out on demand.

pyromark gives UTF-8 byte offsets; the source is a str. The reader keeps only a block's
pieces and its bounds, and these find each piece's characters when something asks.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from .located import Span

#: How far past the last piece the next one is looked for: markup between two pieces
#: of text ("**", "](", a footnote mark) is short; link destinations are skipped by anchor.
_SEARCH_WINDOW = 256


def located_pieces(
    pieces: list[str],
    anchors: dict[int, tuple[int, int]],
    source: str,
    chars: Callable[[int], int],
    start: int,
    end: int,
) -> list[Span]:
    """The spans that locate the pieces, joined, in the source.

    Each piece is searched for in the source a short way past the previous one; a piece
    not found there (an entity decoded, an escape) maps, character by character, to
    where the search stands. Anchored pieces map to their own event's offset.
    """
    spans: list[Span] = []
    length, cursor = 0, start
    for index, value in enumerate(pieces):
        size = len(value)
        anchor = anchors.get(index)
        if anchor is not None:
            offset, after = anchor
            if offset >= 0:
                offset = chars(offset)
                spans.extend((length + k, offset, 1) for k in range(size))
                cursor = chars(after)
                length += size
                continue
            cursor = max(cursor, chars(after))
        found = source.find(value, cursor, min(cursor + size + _SEARCH_WINDOW, max(end, cursor)))
        if found >= 0:
            last = spans[-1] if spans else None
            if last and last[0] + last[2] == length and last[1] + last[2] == found:
                spans[-1] = (last[0], last[1], last[2] + size)
            else:
                spans.append((length, found, size))
            cursor = found + size
        else:
            spans.extend((length + k, cursor, 1) for k in range(size))
        length += size
    return spans


def char_offsets(text: str) -> Callable[[int], int]:
    """A function from UTF-8 byte offsets of ``text`` to character offsets."""
    if text.isascii():
        return lambda offset: offset
    # A character of n bytes puts n - 1 extra bytes after it: a byte offset is its
    # character offset plus the extra bytes of the characters before it. Most text is
    # ASCII with a few others, so those few are searched (bisect, in C).
    import numpy as np

    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    leads = np.flatnonzero(data >= 0xC0)
    widths = np.where(data[leads] >= 0xF0, 3, np.where(data[leads] >= 0xE0, 2, 1))
    after = (leads + widths).tolist()  # byte offset just after each such character
    extra = np.cumsum(widths).tolist()  # extra bytes up to and including it

    def offset_of(byte: int) -> int:
        found = bisect_right(after, byte)
        return byte - (extra[found - 1] if found else 0)

    return offset_of
