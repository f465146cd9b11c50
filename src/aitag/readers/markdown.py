"""Markdown, MDX and the templating around them, read by a CommonMark parser.

pyromark (pulldown-cmark, compiled) parses the text and gives every event its byte range
in the source, so each character of prose keeps its exact line and column. Before
parsing, what CommonMark does not know is blanked out in place (same length, line
breaks kept): front matter, Hugo shortcodes, Jekyll/Liquid tags, MDX ``import``/``export``
lines and ``{/* comments */}``. What the parser finds besides prose is kept only as
context: headings open sections, list items are read together, link text and inline code
are marked; code, tables, images, math and markup are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import partial
from itertools import accumulate

import pyromark

from .html import read_html_blocks
from .located import CODE, HEADING, LINK, LIST_ITEM, PROSE, TITLE, Block, MappedText, Span

#: Stands for inline code and inline math, so "Create `Tokenizer`" stays a sentence; it
#: has no letter or digit, so the tagger's features never see it.
PLACEHOLDER = "‹…›"

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_MATH
)
# A parser object's events come unmerged, as the reader needs them, on every pyromark
# this supports (0.9 for Python 3.10, and 0.10).
_PARSER = pyromark.Markdown(options=_OPTIONS)

_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_TAGS = re.compile(r"<[^<>]*>")
_NOT_NEWLINE = re.compile(r"[^\n]")
_VISIBLE = re.compile(r"[^\W\d_]{2}")

# Inside these, text is not prose.
_HIDDEN = {"CodeBlock", "Table", "Image", "MetadataBlock"}


def read_markdown_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of a Markdown or MDX file: title, headings, prose and list items."""
    masked, title = _masked(text)
    reader = _Reader(masked)
    reader.read(_PARSER.events_with_range(masked))
    blocks = reader.blocks
    if title:
        blocks.insert(0, Block(TITLE, title))
    return blocks


class _Reader:
    """Turns pyromark's events into blocks of text located in the source.

    The loop keeps only the pieces of a block's text; where each piece sits is found
    once the block ends, by searching the source forward from the block's start (pieces
    appear in source order). Pieces that stand for other source (inline code, line
    breaks, entities) are anchored at the offsets of their own events.
    """

    def __init__(self, masked: str):
        self.masked = masked
        self.chars = _char_offsets(masked)
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        #: Piece index -> (source offset, where the search goes on), for pieces that do
        #: not appear verbatim; index -> kind for pieces that are inline context marks.
        self.anchors: dict[int, tuple[int, int]] = {}
        self.kinds: dict[int, str] = {}
        self.block_start = 0
        self.block_end = 0
        self.kind = PROSE
        self.hidden = 0  # depth inside code blocks, tables, images, HTML blocks
        self.items = 0  # depth inside list items
        self.lists = 0  # depth inside lists
        self.group = 0  # list number: items of one top-level list read together
        self.links: list[int] = []  # the piece where each open link's text began
        self.link_marks: list[tuple[int, int]] = []  # (first, last + 1) pieces of links

    def read(self, events) -> None:
        # The reader's hot path, tens of thousands of events a megabyte: a text event
        # costs one append, and the commonest events are tested first.
        pieces = self.pieces
        append = pieces.append
        for event, span in events:
            if event.__class__ is dict:
                value = event.get("Text")
                if value is not None:
                    if not self.hidden:
                        if not pieces:
                            self.block_start = span["start"]
                        if "://" in value:
                            self._text_with_urls(value, span)
                        else:
                            append(value)
                    continue
                value = event.get("Start")
                if value is not None:
                    self._start(value if value.__class__ is str else next(iter(value)), span)
                    continue
                value = event.get("End")
                if value is not None:
                    self._end(value if value.__class__ is str else next(iter(value)), span)
                elif not self.hidden and ("Code" in event or "InlineMath" in event):
                    self._anchored(PLACEHOLDER, span, CODE)
                elif "InlineHtml" in event:
                    self._anchored("\n", span)
            elif event == "SoftBreak" or event == "HardBreak":
                self._anchored("\n", span)
        self._flush()

    def _text_with_urls(self, value: str, span: dict) -> None:
        # A bare URL is an address, not prose: it leaves a placeholder marked as a link.
        base, position = self.chars(span["start"]), 0
        for url in _URL.finditer(value):
            self.pieces.append(value[position : url.start()])
            self.anchors[len(self.pieces)] = (base + url.start(), base + url.end())
            self.kinds[len(self.pieces)] = LINK
            self.pieces.append(PLACEHOLDER)
            position = url.end()
        self.pieces.append(value[position:])

    def _anchored(self, value: str, span: dict, kind: str | None = None) -> None:
        """A piece that stands for the source of its event (a placeholder, a break)."""
        if self.hidden or (not self.pieces and kind is None):
            return
        if not self.pieces:
            self.block_start = span["start"]
        index = len(self.pieces)
        self.anchors[index] = (self.chars(span["start"]), self.chars(span["end"]))
        if kind is not None:
            self.kinds[index] = kind
        self.pieces.append(value)

    def _start(self, name: str, span: dict) -> None:
        if name in _HIDDEN:
            self.hidden += 1
        elif name == "Heading":
            self._flush()
            self.kind = HEADING
        elif name == "List":
            if not self.lists:
                self.group += 1
            self.lists += 1
        elif name == "Item":
            self._flush()
            self.items += 1
            self.kind = LIST_ITEM
        elif name == "Link":
            self.links.append(len(self.pieces))
        elif name == "HtmlBlock":
            self._flush()
            self._html(span["start"], span["end"])
            self.hidden += 1  # its raw Html events are read already
        elif name == "Paragraph" and self.items and self.pieces:
            self._anchored("\n", span)

    def _end(self, name: str, span: dict) -> None:
        if name in _HIDDEN or name == "HtmlBlock":
            self.hidden -= 1
            if name == "Image" and self.pieces:  # the search goes on after the image
                self.anchors[len(self.pieces)] = (-1, self.chars(span["end"]))
        elif name in ("Heading", "Paragraph", "BlockQuote", "FootnoteDefinition"):
            self.block_end = span["end"]
            if not self.items or name == "Heading":
                self._flush()
                self.kind = LIST_ITEM if self.items else PROSE
        elif name == "Item":
            self.block_end = max(self.block_end, span["end"])
            self._flush()
            self.items -= 1
            self.kind = LIST_ITEM if self.items else PROSE
        elif name == "List":
            self.lists -= 1
        elif name == "Link" and self.links:
            first = self.links.pop()
            if len(self.pieces) > first:
                self.link_marks.append((first, len(self.pieces)))
            # The search goes on after the link's destination, not inside it.
            self.anchors.setdefault(len(self.pieces), (-1, self.chars(span["end"])))

    def _html(self, start: int, end: int) -> None:
        # An HTML block (a <details>, a JSX component) may hold prose: its visible text,
        # read by the HTML reader and shifted to where the block sits. Most such blocks
        # are a tag or two with no text between them, which need no parser.
        lo, hi = self.chars(start), self.chars(end)
        fragment = self.masked[lo:hi]
        if not _VISIBLE.search(_TAGS.sub(" ", fragment)):
            return
        for block in read_html_blocks(fragment):
            if isinstance(block, MappedText):
                block = Block(PROSE, block)
            self.blocks.append(Block(block.kind, block.text.shifted(lo), block.marks))

    def _flush(self) -> None:
        pieces = self.pieces
        if pieces:
            joined = "".join(pieces)
            if not joined.isspace():
                start = self.chars(self.block_start)
                end = max(self.chars(self.block_end), start)
                if self.kinds or self.link_marks:
                    offsets = [0, *accumulate(map(len, pieces))]
                    marks = [(offsets[i], offsets[i + 1], kind) for i, kind in self.kinds.items()]
                    marks += [(offsets[a], offsets[b], LINK) for a, b in self.link_marks]
                    marks.sort()
                else:
                    marks = []
                locate = partial(_located, list(pieces), self.anchors, self.masked, start, end)
                text = MappedText(joined, locate=locate, bounds=(start, end))
                group = self.group if self.kind == LIST_ITEM else 0
                self.blocks.append(Block(self.kind, text, marks, group))
        pieces.clear()  # in place: the read loop holds this list
        self.anchors, self.kinds, self.link_marks = {}, {}, []


#: How far past the last piece the next one is looked for: markup between two pieces
#: of text ("**", "](", a footnote mark) is short; link destinations are skipped by anchor.
_SEARCH_WINDOW = 256


def _located(pieces: list[str], anchors: dict, source: str, start: int, end: int) -> list[Span]:
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
                spans.extend((length + k, offset, 1) for k in range(size))
                cursor = after
                length += size
                continue
            cursor = max(cursor, after)
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


def _char_offsets(text: str) -> Callable[[int], int]:
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


# ---------------------------------------------------------------- masking

_FRONT_FENCES = {"---": ("---", "..."), "+++": ("+++",)}
_TITLE = re.compile(r"^\s*title\s*[:=]\s*(.*?)\s*$", re.IGNORECASE)
# Openings and closings of Hugo shortcodes ({{< >}}, {{% %}}), Liquid tags ({% %}) and
# output ({{ }}); paired in one pass, so unclosed ones cost nothing.
_TEMPLATE = re.compile(r"\{\{[<%]?|[%>]?\}\}|\{%|%\}")
# Template tags whose whole range (up to the matching end tag) is code, not prose:
# {{< highlight go >}} ... {{< /highlight >}}, {% raw %} ... {% endraw %}.
_CODE_TAGS = re.compile(
    r"(?:\{%|\{\{[<%])\s*(?P<close>/|end)?\s*(?P<name>highlight|code|raw|comment|katex|math|mermaid)\b",
    re.IGNORECASE,
)
#: A template tag longer than this is taken for a stray brace, not a tag.
_LONGEST_TAG = 2000
_ESM = re.compile(r"^(?:import|export)\s[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*", re.MULTILINE)
_JSX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)


def _masked(text: str) -> tuple[str, MappedText | None]:
    """``text`` with front matter, template tags and MDX ESM blanked, and the title found.

    Blanking keeps every character's offset: each masked character becomes a space, and
    line breaks stay, so the parser's offsets are the source's.
    """
    spans: list[tuple[int, int]] = []
    title = None
    front = _front_matter(text)
    if front:
        spans.append(front)
        title = _front_title(text, *front)
    spans.extend(_template_spans(text))
    if "import " in text or "export " in text:
        spans.extend(match.span() for match in _ESM.finditer(text))
    if "{/*" in text:
        spans.extend(match.span() for match in _JSX_COMMENT.finditer(text))
    if not spans:
        return text, title
    pieces, position = [], 0
    for start, end in sorted(spans):
        start = max(start, position)
        if start >= end:
            continue
        pieces.append(text[position:start])
        pieces.append(_blank(text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces), title


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text)


def _front_matter(text: str) -> tuple[int, int] | None:
    """(start, end) of YAML (---) or TOML (+++) front matter opening the file, if any.

    Blank lines before it are allowed: some generators write them.
    """
    stripped = text.lstrip()
    first_line = stripped.split("\n", 1)[0].strip()
    if first_line not in _FRONT_FENCES:
        return None
    start = len(text) - len(stripped)
    position = text.find("\n", start)
    closers = _FRONT_FENCES[first_line]
    while position != -1:
        line_end = text.find("\n", position + 1)
        line = text[position + 1 : line_end if line_end != -1 else len(text)]
        if line.strip() in closers:
            return start, (line_end if line_end != -1 else len(text))
        position = line_end
    return None


def _front_title(text: str, start: int, end: int) -> MappedText | None:
    offset = start
    for line in text[start:end].split("\n"):
        match = _TITLE.match(line)
        if match and match.group(1):
            value_start = offset + match.start(1)
            value = match.group(1)
            quote = value[:1]
            if quote in "\"'" and value.endswith(quote) and len(value) > 1:
                return MappedText.identity(value[1:-1], value_start + 1)
            return MappedText.identity(value, value_start)
        offset += len(line) + 1
    return None


def _template_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of template tags, and of code-like tag pairs with all they enclose."""
    if "{{" not in text and "{%" not in text:
        return
    opened: int | None = None
    code: tuple[int, int] | None = None  # the open code tag waiting for its end tag
    for match in _TEMPLATE.finditer(text):
        token = match.group()
        if token.startswith("{"):
            if opened is None:
                opened = match.start()
            continue
        if opened is None:
            continue
        if match.start() - opened > _LONGEST_TAG:  # a stray "{{" far before: not a tag
            opened = None
            continue
        tag = _CODE_TAGS.match(text, opened)
        if tag is None:
            if code is None:
                yield opened, match.end()
        elif tag.group("close") is None:
            if code is None:
                code = (opened, match.end())
        elif code is not None:
            yield code[0], match.end()
            code = None
        else:
            yield opened, match.end()
        opened = None
    if code is not None:  # never closed: only the tag itself is template
        yield code
