"""What the line-based readers (reStructuredText, AsciiDoc, Org) share.

Each finds a block's lines by looking at them, then reads its lines' inline markup into
pieces: verbatim slices of the source, placeholders for code, marked link text. A
block's lines are joined by their own line breaks and built with :func:`build_block`,
so every character keeps its offset. Consecutive list items share a group.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from .located import CODE, LIST_ITEM, MAX_GROUP_ITEMS, PLACEHOLDER, Block
from .pieces import build_block


def source_lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its line break) of every line."""
    result, start = [], 0
    for line in text.split("\n"):
        result.append((start, line.rstrip("\r")))
        start += len(line) + 1
    return result


def skip_to_blank(lines: list[tuple[int, str]], i: int) -> int:
    """The first blank line from ``i`` on (or the end)."""
    while i < len(lines) and lines[i][1].strip():
        i += 1
    return i


def text_ranges(
    lines: list[tuple[int, str]], first: int, after: int, marker: int, hard_breaks: bool = False
) -> list[tuple[int, int]]:
    """Source ranges of the text of lines ``first:after``: white space around each line
    left out, and the ``marker`` (a bullet, a label) that opens the first line.

    With ``hard_breaks`` (AsciiDoc) a line's closing `` +``, a line break, is left out too.
    """
    ranges = []
    for k in range(first, after):
        line_start, content = lines[k]
        lead = len(content) - len(content.lstrip())
        if k == first:
            lead += marker
        body = content.rstrip()
        if hard_breaks and body.endswith(" +"):
            body = body[:-2]
        ranges.append((line_start + lead, line_start + len(body)))
    return ranges


class InlinePieces:
    """A block's pieces as its lines' inline markup is read: (text, offset, verbatim),
    with marks in offsets of the text joined so far."""

    __slots__ = ("source", "pieces", "marks", "length")

    def __init__(self, source: str):
        self.source = source
        self.pieces: list[tuple[str, int, bool]] = []
        self.marks: list[tuple[int, int, str]] = []
        self.length = 0  # characters of text so far

    def copy(self, start: int, end: int) -> None:
        """The source ``start:end`` as written, if it is not empty."""
        if end > start:
            self.pieces.append((self.source[start:end], start, True))
            self.length += end - start

    def piece(self, start: int, end: int, mark: str | None = None) -> None:
        """The source ``start:end`` as written (even empty), marked as ``mark`` if given."""
        self.pieces.append((self.source[start:end], start, True))
        if mark is not None:
            self.marks.append((self.length, self.length + end - start, mark))
        self.length += end - start

    def placeholder(self, at: int) -> None:
        """Inline code, anchored at where it starts."""
        self.pieces.append((PLACEHOLDER, at, False))
        self.marks.append((self.length, self.length + len(PLACEHOLDER), CODE))
        self.length += len(PLACEHOLDER)

    def stand_in(self, text: str, at: int) -> None:
        """Text that is not in the source as written (a line break), anchored at ``at``."""
        self.pieces.append((text, at, False))
        self.length += len(text)


#: Reads the inline markup of the source ``start:end`` (one line) into the pieces.
InlineReader = Callable[[InlinePieces, int, int], None]


class JoinedLines:
    """A block's lines as one text for an inline reader whose markup spans lines.

    reStructuredText lets interpreted text, links and literals run across the lines of a
    paragraph (`a link that wraps<newline>here <target>`_). The reader reads ``source``, the
    lines' texts joined by ``\n``, and every piece it makes is passed on to ``out`` in
    source offsets, cut at line ends, with the same line-break stand-ins as a block read
    line by line.
    """

    __slots__ = ("out", "source", "_firsts", "_sources")

    def __init__(self, out: InlinePieces, ranges: list[tuple[int, int]]):
        self.out = out
        texts = [out.source[start:end] for start, end in ranges]
        self.source = "\n".join(texts)
        firsts, at = [], 0
        for text in texts:
            firsts.append(at)
            at += len(text) + 1
        self._firsts = firsts  # offset in ``source`` where each line begins
        self._sources = [start for start, _ in ranges]

    def _line_of(self, at: int) -> int:
        return bisect_right(self._firsts, at) - 1

    def _source_offset(self, at: int) -> int:
        line = self._line_of(at)
        return self._sources[line] + at - self._firsts[line]

    def _verbatim(self, start: int, end: int) -> None:
        """``start:end`` of the joined text as source pieces and line-break stand-ins."""
        line = self._line_of(start)
        while start < end:
            line_end = (
                self._firsts[line + 1] - 1 if line + 1 < len(self._firsts) else len(self.source)
            )
            if start < line_end:
                stop = min(end, line_end)
                self.out.copy(self._source_offset(start), self._source_offset(stop))
                start = stop
            if start < end:  # the line break itself
                self.out.stand_in("\n", self._sources[line + 1] - 1)
                start, line = start + 1, line + 1

    def copy(self, start: int, end: int) -> None:
        self._verbatim(start, end)

    def piece(self, start: int, end: int, mark: str | None = None) -> None:
        if self._line_of(start) == self._line_of(end) or end <= start:
            at = self._source_offset(start)
            self.out.piece(at, at + end - start, mark)
            return
        before = self.out.length
        self._verbatim(start, end)
        if mark is not None:
            self.out.marks.append((before, self.out.length, mark))

    def placeholder(self, at: int) -> None:
        self.out.placeholder(self._source_offset(at))

    def stand_in(self, text: str, at: int) -> None:
        self.out.stand_in(text, self._source_offset(at))


class LineBlocks:
    """The blocks a line-based reader has found, with list items numbered into groups."""

    def __init__(self, source: str, read_inline: InlineReader, across_lines: bool = False):
        self.source = source
        self.read_inline = read_inline
        #: Whether inline markup may span a block's lines (reST, Org), or ends with each
        #: (AsciiDoc).
        self.across_lines = across_lines
        self.blocks: list[Block] = []
        self.previous_kind: str | None = None  # of the last block kept
        self.items = 0  # list items in a row
        self.group = 0

    def add(self, kind: str, ranges: list[tuple[int, int]], group: int = 0) -> bool:
        """A block of the source ranges (lines), inline markup read; False if it is empty."""
        line = InlinePieces(self.source)
        if self.across_lines and len(ranges) > 1:
            joined = JoinedLines(line, ranges)
            self.read_inline(joined, 0, len(joined.source))  # type: ignore[arg-type]
        else:
            for number, (start, end) in enumerate(ranges):
                if number:
                    line.stand_in("\n", start - 1)
                self.read_inline(line, start, end)
        block = build_block(kind, line.pieces, line.marks, group)
        if block is None:
            return False
        self.blocks.append(block)
        return True

    def add_paragraph(self, kind: str, ranges: list[tuple[int, int]]) -> None:
        """Prose or a list item. Items in a row share a group, up to MAX_GROUP_ITEMS."""
        self.items = self.items + 1 if kind == LIST_ITEM else 0
        if kind == LIST_ITEM and (
            self.previous_kind != LIST_ITEM or self.items % MAX_GROUP_ITEMS == 0
        ):
            self.group += 1
        if self.add(kind, ranges, self.group if kind == LIST_ITEM else 0):
            self.previous_kind = kind


class LineReader:
    """A line-based reader: ``_next`` reads the construct at a line and says at which
    line the next one starts."""

    def __init__(self, text: str, read_inline: InlineReader, across_lines: bool = False):
        self.lines = source_lines(text)
        self.found = LineBlocks(text, read_inline, across_lines)

    def read(self) -> list[Block]:
        i, n = self._first_line(), len(self.lines)
        while i < n:
            i = self._next(i)
        return self.found.blocks

    def _first_line(self) -> int:
        return 0

    def _next(self, i: int) -> int:
        raise NotImplementedError
