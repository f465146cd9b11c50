"""Markdown, MDX and the templating around them, read by a CommonMark parser.

pyromark (pulldown-cmark, compiled) parses the text and gives every event its byte range
in the source, so each character of prose keeps its exact line and column. Before
parsing, what CommonMark does not know is blanked out in place (same length, line
breaks kept): front matter, Hugo shortcodes, Jekyll/Liquid tags and MDX
``{/* comments */}``; MDX ``import``/``export`` statements are dropped where one opens a
paragraph (not in code). What the parser finds besides prose is kept only as context:
headings open sections, list items are read together, link text and inline code are
marked; code, tables, images, math and markup are dropped.

Reading is linear in the text, and tagging needs only where each block begins and ends:
where each of its characters sits is worked out when the audit or an explanation asks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import partial
from itertools import accumulate

import pyromark

from .html import read_html_blocks
from .located import (
    CODE,
    HEADING,
    LINK,
    LIST_ITEM,
    PLACEHOLDER,
    PROSE,
    TITLE,
    Block,
    MappedText,
)
from .markdown_locate import char_offsets, located_pieces
from .markdown_masking import as_blanks, esm_statements, masked_markdown

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
_VISIBLE = re.compile(r"[^\W\d_]{2}")
# A Markdown link and image: their text (which may wrap) and address bounded, so the
# scan is linear.
_MARKDOWN_LINK = re.compile(r"\[([^\]\[]{1,500})\]\([^()\s]{0,2000}(?:\s+\"[^\"\n]{0,500}\")?\)")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]\[]{0,500}\]\([^()\s]{0,2000}(?:\s+\"[^\"\n]{0,500}\")?\)")

# Inside these, text is not prose.
_HIDDEN = {"CodeBlock", "Table", "Image", "MetadataBlock"}
# Their starts and ends change nothing for the reader.
_PASSED_OVER = {
    "Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript", "TableHead",
    "TableRow", "TableCell",
}  # fmt: skip


def read_markdown_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of a Markdown or MDX file: title, headings, prose and list items."""
    masked, title = masked_markdown(text)
    blocks = _Reader(masked).read()
    if title:
        blocks.insert(0, Block(TITLE, title))
    return blocks


class _Reader:
    """Turns pyromark's events into blocks of text located in the source.

    The loop keeps only the pieces of a block's text; where each piece sits is found
    when something asks, by searching the source forward from the block's start (pieces
    appear in source order). Pieces that stand for other source (inline code, bare URLs)
    are anchored at the byte offsets of their own events.
    """

    def __init__(self, masked: str):
        self.masked = masked
        self.ascii = masked.isascii()  # then byte offsets are character offsets
        self.chars = char_offsets(masked)
        #: Start -> end of each line that may open an MDX import/export statement.
        self.esm = esm_statements(masked)
        self.esm_spans: list[tuple[int, int]] = []  # those that open a paragraph
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        #: Piece index -> (byte offset, byte offset where the search goes on), for pieces
        #: that do not appear verbatim (offset -1: only where the search goes on); index
        #: -> kind for pieces that are inline context marks.
        self.anchors: dict[int, tuple[int, int]] = {}
        self.kinds: dict[int, str] = {}
        self.block_start = 0  # byte offset of the block's first piece
        self.last_span: dict = {}  # the event of its last piece read from the source
        self.kind = PROSE
        self.items = 0  # depth inside list items
        self.lists = 0  # depth inside lists
        self.group = 0  # list number: items of one top-level list read together
        self.links: list[int] = []  # the piece where each open link's text began
        self.link_marks: list[tuple[int, int]] = []  # (first, last + 1) pieces of links

    def read(self) -> list[Block]:
        # The hot path, some 35,000 events a megabyte: a text event costs a few
        # operations; inline formatting is passed over; structure is handled by methods
        # that return the change in depth inside hidden content (code blocks, tables,
        # images, HTML blocks).
        pieces = self.pieces
        append = pieces.append
        hidden = 0
        for event, span in _PARSER.events_with_range(self.masked):
            if event.__class__ is not dict:  # SoftBreak, HardBreak, Rule
                if pieces and not hidden and event != "Rule":
                    append("\n")
                continue
            (key,) = event
            if key == "Text":
                if hidden:
                    continue
                if not pieces:
                    self.block_start = span["start"]
                self.last_span = span
                text = event["Text"]
                if "://" in text:
                    self._text_with_urls(text, span)
                else:
                    append(text)
            elif key == "End" or key == "Start":
                hidden += self._structure(key, event[key], span)
            elif not hidden:
                self._inline(key, span)
        self._flush()
        return self._without_esm() if self.esm_spans else self.blocks

    def _structure(self, key: str, name: str | dict, span: dict) -> int:
        """A block or inline element starts or ends: the change in hidden depth."""
        if name == "Paragraph":  # the commonest: a paragraph outside lists ends a block
            if key == "Start":
                if self.items or self.esm:
                    self._paragraph(span)
            elif not self.items:
                self._flush()
            return 0
        # {"Heading": ...}, {"Link": ...}: the element's name is the dict's one key.
        element = name if isinstance(name, str) else next(iter(name))
        if element in _PASSED_OVER:
            return 0
        return self._start(element, span) if key == "Start" else self._end(element, span)

    def _inline(self, key: str, span: dict) -> None:
        """Inline code and math leave a placeholder; inline HTML, a break."""
        if key == "Code" or key == "InlineMath":
            self._anchored(PLACEHOLDER, span, CODE)
        elif key == "InlineHtml" and self.pieces:
            self._anchored("\n", span)

    def _text_with_urls(self, value: str, span: dict) -> None:
        # A bare URL is an address, not prose: it leaves a placeholder marked as a link.
        base, position = span["start"], 0
        for url in _URL.finditer(value):
            self.pieces.append(value[position : url.start()])
            start = base + len(value[: url.start()].encode("utf-8", "surrogatepass"))
            end = start + len(url.group().encode("utf-8", "surrogatepass"))
            self.anchors[len(self.pieces)] = (start, end)
            self.kinds[len(self.pieces)] = LINK
            self.pieces.append(PLACEHOLDER)
            position = url.end()
        self.pieces.append(value[position:])

    def _anchored(self, value: str, span: dict, kind: str | None = None) -> None:
        """A piece that stands for the source of its event (a placeholder, a break)."""
        if not self.pieces:
            self.block_start = span["start"]
        index = len(self.pieces)
        self.anchors[index] = (span["start"], span["end"])
        if kind is not None:
            self.kinds[index] = kind
            self.last_span = span
        self.pieces.append(value)

    def _start(self, name: str, span: dict) -> int:
        if name in _HIDDEN:
            return 1
        elif name == "Item":
            self._flush()
            self.items += 1
            self.kind = LIST_ITEM
        elif name == "Link":
            self.links.append(len(self.pieces))
        elif name == "Heading":
            self._flush()
            self.kind = HEADING
        elif name == "List":
            if not self.lists:
                self.group += 1
            self.lists += 1
        elif name == "HtmlBlock":
            self._flush()
            self._html(span["start"], span["end"])
            return 1  # its raw Html events are read already
        return 0

    def _end(self, name: str, span: dict) -> int:
        if name in _HIDDEN:
            if name == "Image" and self.pieces:  # the search goes on after the image
                self.anchors[len(self.pieces)] = (-1, span["end"])
            return -1
        elif name == "Item":
            self._flush()
            self.items -= 1
            self.kind = LIST_ITEM if self.items else PROSE
        elif name == "Link":
            self._end_link(span)
        elif name in ("Heading", "BlockQuote", "FootnoteDefinition"):
            if not self.items or name == "Heading":
                self._flush()
                self.kind = LIST_ITEM if self.items else PROSE
        elif name == "List":
            self.lists -= 1
        elif name == "HtmlBlock":
            return -1
        return 0

    def _end_link(self, span: dict) -> None:
        if self.links:
            first = self.links.pop()
            if len(self.pieces) > first:
                self.link_marks.append((first, len(self.pieces)))
            # The search goes on after the link's destination, not inside it.
            self.anchors.setdefault(len(self.pieces), (-1, span["end"]))

    def _paragraph(self, span: dict) -> None:
        """A paragraph begins in a list item, or in a file with MDX imports or exports."""
        if self.items and self.pieces:
            # A list item's paragraph after a code block or another paragraph: the search
            # goes on where it begins.
            self.anchors[len(self.pieces)] = (span["start"], span["start"])
            self.pieces.append("\n")
        if self.esm:
            # An MDX import/export opens a paragraph of its own at the top level; the
            # same words in a code block or inside a paragraph are not one.
            start = self.chars(span["start"])
            end = self.esm.get(start)
            if end is not None:
                self.esm_spans.append((start, end))

    def _without_esm(self) -> list[Block]:
        """The blocks, less those that begin inside an MDX import/export statement."""
        starts = [start for start, _ in self.esm_spans]
        kept = []
        for block in self.blocks:
            at = block.text.bounds()[0]
            found = bisect_right(starts, at) - 1
            if found < 0 or at >= self.esm_spans[found][1]:
                kept.append(block)
        return kept

    def _html(self, start: int, end: int) -> None:
        # An HTML block (a <details>, a JSX component) may hold prose: its visible text,
        # read by the HTML reader and shifted to where the block sits. Most such blocks
        # are a tag or two, a comment ("<!-- more -->"), a style or a script, with no
        # text to show, and need no parser.
        lo, hi = self.chars(start), self.chars(end)
        fragment = self.masked[lo:hi]
        if "](" in fragment:
            # CommonMark leaves Markdown inside an HTML block unparsed, and authors write
            # it inside <figure>, a JSX <Callout> or <Frame> all the same (MDX parses it):
            # "![Data flow](a.png)" is an image, never prose, and "[Resource](url)" is its
            # link text. Blanked in place, so offsets hold.
            fragment = _MARKDOWN_IMAGE.sub(lambda found: as_blanks(found.group()), fragment)
            fragment = _MARKDOWN_LINK.sub(_link_text, fragment)
        if not _VISIBLE.search(_TAGS.sub(" ", _without_hidden_markup(fragment))):
            return
        groups = self.group  # the fragment's lists are numbered after the document's
        for block in read_html_blocks(fragment):
            if isinstance(block, MappedText):
                block = Block(PROSE, block)
            group = groups + block.group if block.group else 0
            self.group = max(self.group, group)
            self.blocks.append(Block(block.kind, block.text.shifted(lo), block.marks, group))

    def _flush(self) -> None:
        """The block read so far, if any, from its first piece to the end of its last."""
        pieces = self.pieces
        if not pieces:
            return
        joined = "".join(pieces)
        if joined and not joined.isspace():
            if self.ascii:
                start, end = self.block_start, self.last_span["end"]
            else:
                start, end = self.chars(self.block_start), self.chars(self.last_span["end"])
            if end < start:
                end = start
            if self.kinds or self.link_marks:
                marks = self._marks()
                self.kinds, self.link_marks = {}, []
            else:
                marks = []
            if self.anchors:
                anchors, self.anchors = self.anchors, {}
            else:
                anchors = _NO_ANCHORS
            locate = partial(
                located_pieces, pieces.copy(), anchors, self.masked, self.chars, start, end
            )
            kind = self.kind
            self.blocks.append(
                Block(
                    kind,
                    MappedText(joined, None, locate, (start, end)),
                    marks,
                    self.group if kind is LIST_ITEM else 0,
                )
            )
        else:
            self.anchors, self.kinds, self.link_marks = {}, {}, []
        pieces.clear()  # in place: the read loop holds this list

    def _marks(self) -> list[tuple[int, int, str]]:
        offsets = list(accumulate(map(len, self.pieces), initial=0))
        marks = []
        for index, kind in self.kinds.items():
            marks.append((offsets[index], offsets[index + 1], kind))
        for first, after in self.link_marks:
            marks.append((offsets[first], offsets[after], LINK))
        if self.link_marks and self.kinds:
            marks.sort()
        return marks


#: Anchors of a block that has none (never added to).
_NO_ANCHORS: dict[int, tuple[int, int]] = {}

#: Markup whose content is never shown, and how it ends.
_HIDDEN_MARKUP = (("<!--", "-->"), ("<script", "</script"), ("<style", "</style"))


def _without_hidden_markup(fragment: str) -> str:
    """An HTML fragment less its comments, scripts and styles (what an unclosed one opens
    stays: this only tells whether the HTML reader is needed)."""
    lowered = fragment.lower()
    for opening, closing in _HIDDEN_MARKUP:
        if opening not in lowered:
            continue
        kept, position = [], 0
        start = lowered.find(opening)
        while start != -1:
            end = lowered.find(closing, start + len(opening))
            if end == -1:
                break
            kept.append(fragment[position:start])
            position = end + len(closing)
            start = lowered.find(opening, position)
        kept.append(fragment[position:])
        fragment = "".join(kept)
        lowered = fragment.lower()
    return fragment


def _link_text(found: re.Match) -> str:
    """A Markdown link as its text alone, the rest blanked in place."""
    text = found.group(1)
    return " " + text + as_blanks(found.group()[len(text) + 1 :])
