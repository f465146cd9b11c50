"""Located text: what every reader produces and every later step reads.

Text that remembers where each of its characters came from in the original file.

Readers strip markup, so the text a model sees is not the text on disk. A ``MappedText``
keeps, for each piece of its text, the offset of that piece in the decoded source, so a
finding at character ``i`` of a passage can point at the right line and column.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter

from ..errors import FileWarning

# A span is (offset in this text, offset in the source, length).
Span = tuple[int, int, int]
_text_start = itemgetter(0)


class MappedText:
    """A string plus the spans that map its characters back to source offsets.

    The spans may be computed lazily: a reader that knows where its text begins and ends
    (``bounds``) can leave the character-by-character map to a function that runs only
    when something asks for it (the audit, explanations); tagging needs only the bounds.
    """

    __slots__ = ("text", "_spans", "_locate", "_bounds")

    def __init__(
        self,
        text: str = "",
        spans: list[Span] | None = None,
        locate: Callable[[], list[Span]] | None = None,
        bounds: tuple[int, int] | None = None,
    ):
        self.text = text
        self._spans = spans if spans is not None or locate is not None else []
        self._locate = locate
        self._bounds = bounds

    @property
    def spans(self) -> list[Span]:
        if self._spans is None and self._locate is not None:
            self._spans, self._locate = self._locate(), None
        return self._spans if self._spans is not None else []

    @spans.setter
    def spans(self, value: list[Span]) -> None:
        self._spans, self._locate = value, None

    def bounds(self) -> tuple[int, int]:
        """Source offsets of the first character and just past the last one."""
        if self._bounds is not None and self._spans is None:
            return self._bounds
        spans = self.spans
        if not spans:
            return (0, 0)
        return spans[0][1], spans[-1][1] + spans[-1][2]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MappedText) and (self.text, self.spans) == (
            other.text,
            other.spans,
        )

    def __repr__(self) -> str:
        return f"MappedText({self.text!r}, {self.spans!r})"

    @classmethod
    def identity(cls, text: str, source_offset: int = 0) -> MappedText:
        return cls(text, [(0, source_offset, len(text))] if text else [])

    @classmethod
    def from_offsets(cls, text: str, offsets: list[int]) -> MappedText:
        """Text whose character ``i`` came from source offset ``offsets[i]``."""
        mapped = cls()
        for index, char in enumerate(text):
            mapped.append(char, offsets[index])
        return mapped

    def append(self, piece: str, source_offset: int) -> None:
        """Add text that is a verbatim copy of the source from ``source_offset`` on."""
        if not piece:
            return
        spans = self.spans
        start = len(self.text)
        last = spans[-1] if spans else None
        if last and last[0] + last[2] == start and last[1] + last[2] == source_offset:
            spans[-1] = (last[0], last[1], last[2] + len(piece))
        else:
            spans.append((start, source_offset, len(piece)))
        self.text += piece

    def append_replacement(self, piece: str, source_offset: int) -> None:
        """Add text that stands for source text of another length (an entity, an escape)."""
        for index, _ in enumerate(piece):
            self.spans.append((len(self.text) + index, source_offset, 1))
        self.text += piece

    def append_mapped(self, other: MappedText) -> None:
        shift = len(self.text)
        self.spans.extend((t + shift, s, n) for t, s, n in other.spans)
        self.text += other.text

    def shifted(self, delta: int) -> MappedText:
        """The same text with every source offset moved by ``delta`` (lazily if its map is)."""
        if self._spans is None and self._bounds is not None:
            lo, hi = self._bounds
            return MappedText(
                self.text, None, partial(_shifted, self, delta), (lo + delta, hi + delta)
            )
        return MappedText(self.text, _shifted(self, delta))

    def source_offset(self, index: int) -> int:
        """Source offset of character ``index`` of this text (clamped to the text)."""
        spans = self.spans
        if not spans:
            return 0
        position = max(bisect.bisect_right(spans, index, key=_text_start) - 1, 0)
        text_start, source_start, length = spans[position]
        return source_start + min(max(index - text_start, 0), max(length - 1, 0))

    def slice(self, start: int, end: int) -> MappedText:
        """The characters ``start:end`` with their spans (found by bisection, not a scan)."""
        spans = self.spans
        result = []
        for position in range(self._span_at(start), len(spans)):
            text_start, source_start, length = spans[position]
            if text_start >= end:
                break
            lo, hi = max(start, text_start), min(end, text_start + length)
            if lo < hi:
                result.append((lo - start, source_start + lo - text_start, hi - lo))
        return MappedText(self.text[start:end], result)

    def _span_at(self, index: int) -> int:
        """Index of the span that holds character ``index`` (or the one before it)."""
        return max(bisect.bisect_right(self.spans, index, key=_text_start) - 1, 0)

    def strip(self) -> MappedText:
        if self.text and not self.text[0].isspace() and not self.text[-1].isspace():
            return self
        match = re.search(r"\S(?:.*\S)?", self.text, re.DOTALL)
        return self.slice(match.start(), match.end()) if match else MappedText()

    def through(self, outer: list[int]) -> MappedText:
        """Re-map spans whose source is a decoded string to the raw file, given per-char offsets.

        ``outer[i]`` is the raw offset of character ``i`` of the decoded string (for text
        pulled out of a JSON string literal, where escapes make the two differ).
        """
        spans: list[Span] = []
        for text_start, source_start, length in self.spans:
            run_start = 0
            for k in range(1, length + 1):
                if k == length or outer[source_start + k] != outer[source_start + k - 1] + 1:
                    spans.append(
                        (text_start + run_start, outer[source_start + run_start], k - run_start)
                    )
                    run_start = k
        return MappedText(self.text, spans)


def _shifted(text: MappedText, delta: int) -> list[Span]:
    return [(t, s + delta, n) for t, s, n in text.spans]


class LongText(MappedText):
    """Located text whose slices cost the logarithm of its spans, not all of them.

    The passage step cuts a long paragraph into passages with one slice each; a
    paragraph of a million inline pieces has a million spans, and scanning them all for
    every slice was quadratic. Readers build their blocks' text with this class: its
    spans' starts are listed once, and each slice bisects that list.
    """

    __slots__ = ("_starts",)
    _starts: list[int]

    def _span_at(self, index: int) -> int:
        try:
            starts = self._starts
        except AttributeError:
            starts = self._starts = [span[0] for span in self.spans]
        return max(bisect.bisect_right(starts, index) - 1, 0)


class LineIndex:
    """Turns source offsets into 1-based (line, column).

    Most callers ask in increasing order (passages, then findings, front to back), which
    counts newlines from the previous answer on; a step back falls back to a table of
    line starts, built once.
    """

    def __init__(self, source: str):
        self._source = source
        self._offset = self._line = self._line_start = 0
        self._starts: list[int] | None = None

    def locate(self, offset: int) -> tuple[int, int]:
        if offset >= self._offset:
            line = self._line + self._source.count("\n", self._offset, offset)
            line_start = (
                self._source.rfind("\n", self._offset, offset) + 1
                if line > self._line
                else self._line_start
            )
            self._offset, self._line, self._line_start = offset, line, line_start
            return line + 1, offset - line_start + 1
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self._source)]
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


#: Stands for inline code (and inline math): "Create `Tokenizer`" stays a sentence, and
#: with no letter or digit the tagger's features never see it.
PLACEHOLDER = "‹…›"

#: Items of one list are read together, at most this many at a time: a list of a
#: hundred thousand items is not one passage (and joining it would take quadratic time).
MAX_GROUP_ITEMS = 256

#: Kinds of blocks readers yield: prose and list items can become passages; a heading
#: opens a section and titles it; the title names the document. Readers drop the rest
#: (code, tables, captions, navigation, markup) before this point.
HEADING, TITLE, LIST_ITEM = "heading", "title", "list-item"


def blocks_through(blocks: list[Block], outer: list[Span]) -> list[Block]:
    """Blocks read from a decoded string (a JSON string literal), mapped to the raw file.

    ``outer`` maps the string's characters to the file; each block's spans, which point
    into the string, are composed with it, in linear time, when something asks for them.
    """
    for block in blocks:
        inner = block.text
        start, end = inner.bounds()
        bounds = (_through_offset(outer, start), _through_offset(outer, max(end - 1, start)) + 1)
        block.text = LongText(inner.text, locate=partial(_composed, inner, outer), bounds=bounds)
    return blocks


def _through_offset(outer: list[Span], offset: int) -> int:
    """The raw offset of character ``offset`` of the decoded string."""
    i = max(bisect.bisect_right(outer, (offset, float("inf"), 0)) - 1, 0)
    if not outer:
        return offset
    text_start, source_start, length = outer[i]
    return source_start + min(max(offset - text_start, 0), max(length - 1, 0))


def _composed(inner: MappedText, outer: list[Span]) -> list[Span]:
    """``inner``'s spans (into a decoded string) mapped through ``outer`` (string to file)."""
    spans: list[Span] = []
    for text_start, source_start, length in inner.spans:
        i = max(bisect.bisect_right(outer, (source_start, float("inf"), 0)) - 1, 0)
        done = 0
        while done < length and i < len(outer):
            o_text, o_source, o_length = outer[i]
            at = source_start + done
            if at >= o_text + o_length:
                i += 1
                continue
            take = min(length - done, o_text + o_length - at)
            spans.append((text_start + done, o_source + (at - o_text), take))
            done += take
            i += 1
    return spans


@dataclass(slots=True)
class Block:
    """A located piece of a document as a reader found it, before it becomes passages."""

    kind: str
    text: MappedText
    #: Inline context spans of ``text``: (start, end, kind), see :data:`LINK`.
    marks: list[tuple[int, int, str]] = field(default_factory=list)
    #: List items of one list share a group; consecutive items are read together.
    group: int = 0


#: What a passage of a document is. Only prose discusses (LABELS.md rule 10): headings,
#: titles, captions, table cells, code and navigation are context, never passages.
PROSE = "prose"  # a paragraph, a block quote, a long list item
LIST = "list"  # consecutive short list items, read together as one passage
PASSAGE_KINDS = (PROSE, LIST)

#: Kinds of inline spans inside a passage's text that are not the author's prose: link
#: text, inline code (left as a placeholder word so the sentence stays a sentence),
#: quoted text, and markup a reader could not remove.
LINK, CODE, QUOTE = "link", "code", "quote"


@dataclass(slots=True)
class Passage:
    """A paragraph-sized piece of a document's prose, located in the original file."""

    index: int
    text: str
    start: int  # character offset in the decoded source
    end: int
    line: int  # 1-based, in the source
    column: int
    #: Where each character came from; None when the passage is a verbatim slice of the
    #: source (plain text), which needs no map.
    mapped: MappedText | None = None
    #: :data:`PROSE` or :data:`LIST`.
    kind: str = PROSE
    #: The heading of the section the passage is in ("" before the first heading): a
    #: heading belongs to the section it opens, as its context.
    heading: str = ""
    #: Inline spans of ``text`` that are context, not prose: (start, end, kind) with kind
    #: one of :data:`LINK`, :data:`CODE`, :data:`QUOTE`, sorted by start.
    marks: tuple[tuple[int, int, str], ...] = ()

    def locate(self, index: int, lines: LineIndex) -> tuple[int, int, int]:
        """Source offset, line and column of character ``index`` of this passage."""
        if self.mapped is None:
            offset = self.start + min(max(index, 0), max(len(self.text) - 1, 0))
        else:
            offset = self.mapped.source_offset(index)
        return (offset, *lines.locate(offset))


@dataclass(slots=True)
class Document:
    """One document: a file, or one row of a JSONL/CSV file.

    ``passages`` may be empty: a template stub or a page of code and tables has no prose,
    and is tagged with no tags (with a warning), not refused.
    """

    id: str
    path: str
    source: str  # the decoded text that offsets, lines and columns refer to
    passages: list[Passage]
    format: str
    #: The document's title (front matter, <title>, first heading), context only.
    title: str = ""
    #: What reading found amiss in the document's file, said once for the file (a row
    #: without the --id-field the user named), before its record.
    file_warning: FileWarning | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(passage.text for passage in self.passages)

    def line_index(self) -> LineIndex:
        return LineIndex(self.source)
