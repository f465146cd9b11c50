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
from collections.abc import Callable, Iterator
from functools import partial
from itertools import accumulate, chain

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
    Span,
)

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
# Their starts and ends change nothing for the reader.
_PASSED_OVER = {
    "Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript", "TableHead",
    "TableRow", "TableCell",
}  # fmt: skip


def read_markdown_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of a Markdown or MDX file: title, headings, prose and list items."""
    masked, title = _masked(text)
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
        self.chars = _char_offsets(masked)
        #: Start -> end of each line that may open an MDX import/export statement.
        self.esm = _esm_statements(masked)
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
                if not hidden:
                    if not pieces:
                        self.block_start = span["start"]
                    self.last_span = span
                    text = event["Text"]
                    if "://" in text:
                        self._text_with_urls(text, span)
                    else:
                        append(text)
            elif key == "End" or key == "Start":
                name = event[key]
                if name == "Paragraph":  # the commonest: a paragraph outside lists ends a block
                    if key == "Start":
                        if self.items or self.esm:
                            self._paragraph(span)
                    elif not self.items:
                        self._flush()
                    continue
                if name.__class__ is not str:  # {"Heading": ...}, {"Link": ...}
                    name = next(iter(name))
                if name in _PASSED_OVER:
                    continue
                hidden += self._start(name, span) if key == "Start" else self._end(name, span)
            elif not hidden:
                if key == "Code" or key == "InlineMath":
                    self._anchored(PLACEHOLDER, span, CODE)
                elif key == "InlineHtml" and pieces:
                    self._anchored("\n", span)
        self._flush()
        return self._without_esm() if self.esm_spans else self.blocks

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
            if self.links:
                first = self.links.pop()
                if len(self.pieces) > first:
                    self.link_marks.append((first, len(self.pieces)))
                # The search goes on after the link's destination, not inside it.
                self.anchors.setdefault(len(self.pieces), (-1, span["end"]))
        elif name in ("Heading", "BlockQuote", "FootnoteDefinition"):
            if not self.items or name == "Heading":
                self._flush()
                self.kind = LIST_ITEM if self.items else PROSE
        elif name == "List":
            self.lists -= 1
        elif name == "HtmlBlock":
            return -1
        return 0

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
            locate = partial(_located, pieces.copy(), anchors, self.masked, self.chars, start, end)
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


#: How far past the last piece the next one is looked for: markup between two pieces
#: of text ("**", "](", a footnote mark) is short; link destinations are skipped by anchor.
_SEARCH_WINDOW = 256


def _located(
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
# Template tags whose whole range (up to the matching end tag) is code, not prose:
# {{< highlight go >}} ... {{< /highlight >}}, {% raw %} ... {% endraw %}.
_CODE_TAGS = re.compile(
    r"(?:\{%|\{\{[<%])\s*(?P<close>/|end)?\s*(?P<name>highlight|code|raw|comment|katex|math|mermaid)\b",
    re.IGNORECASE,
)
# What opens a template tag or an MDX comment: one regex scan tells whether a file has
# any (faster than a substring test for each).
_BRACE_MARK = re.compile(r"\{[{%/]")
#: A template tag longer than this is taken for a stray brace, not a tag.
_LONGEST_TAG = 2000
# An MDX import/export: a line that opens with the word, up to the next blank line. Lines
# are found after their line break (a literal the regex engine scans for fast).
_ESM_LINE = re.compile(r"\n(?=(?:import|export)\s)")
_ESM = re.compile(r"(?:import|export)\s[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*")


def _masked(text: str) -> tuple[str, MappedText | None]:
    """``text`` with front matter, template tags and MDX comments blanked, and the title.

    Blanking keeps every character's offset: each masked character becomes a space, and
    line breaks stay, so the parser's offsets are the source's. MDX imports and exports
    are not blanked here but dropped by the reader, which knows where paragraphs begin.
    """
    spans: list[tuple[int, int]] = []
    title = None
    front = _front_matter(text)
    if front:
        spans.append(front)
        title = _front_title(text, *front)
    if _BRACE_MARK.search(text):
        spans.extend(_template_spans(text))
        spans.extend(_jsx_comments(text))
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


def _jsx_comments(text: str) -> Iterator[tuple[int, int]]:
    """Spans of MDX comments, ``{/* ... */}``: each opening closes at the next ``*/}``."""
    position = text.find("{/*")
    while position != -1:
        end = text.find("*/}", position + 3)
        if end == -1:  # no later opening can close either
            return
        yield position, end + 3
        position = text.find("{/*", end + 3)


def _esm_statements(text: str) -> dict[int, int]:
    """Start -> end of each line that opens with ``import``/``export``, to a blank line."""
    found: dict[int, int] = {}
    end = -1
    starts = (line.end() for line in _ESM_LINE.finditer(text))
    for start in chain([0], starts) if text.startswith(("import", "export")) else starts:
        if start >= end:  # a statement's own later lines open none
            statement = _ESM.match(text, start)
            if statement:
                end = statement.end()
                found[start] = end
    return found


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text)


def _front_matter(text: str) -> tuple[int, int] | None:
    """(start, end) of YAML (---) or TOML (+++) front matter opening the file, if any.

    Blank lines before it are allowed: some generators write them.
    """
    start = len(text) - len(text.lstrip())
    line_end = text.find("\n", start)
    first_line = text[start : line_end if line_end != -1 else len(text)].strip()
    if first_line not in _FRONT_FENCES:
        return None
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
    code: tuple[int, int] | None = None  # the open code tag waiting for its end tag
    for opened, closing, end in _tags(text):
        if closing - opened > _LONGEST_TAG:  # a stray "{{" far before: not a tag
            continue
        tag = _CODE_TAGS.match(text, opened)
        if tag is None:
            if code is None:
                yield opened, end
        elif tag.group("close") is None:
            if code is None:
                code = (opened, end)
        elif code is not None:
            yield code[0], end
            code = None
        else:
            yield opened, end
    if code is not None:  # never closed: only the tag itself is template
        yield code


def _tags(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, start of the closing, end) of each opening paired with the next closing.

    Openings are ``{{<``, ``{{%``, ``{{`` and ``{%``; closings ``>}}``, ``%}}``, ``}}``
    and ``%}``, found left to right without overlap. Each mark's next place is
    remembered, and searched for again only once the scan has passed it: the scan is
    linear however the marks mix.
    """
    nearest: dict[str, int] = {}
    missing = len(text) + 1

    def next_of(mark: str, position: int) -> int:
        found = nearest.get(mark, -1)
        if found < position:
            found = text.find(mark, position)
            nearest[mark] = found = missing if found == -1 else found
        return found

    position = 0
    while True:
        opened = min(next_of("{{", position), next_of("{%", position))
        if opened == missing:
            return
        search = opened + (3 if text.startswith(("{{<", "{{%"), opened) else 2)
        while True:
            braces, percent = next_of("}}", search), next_of("%}", search)
            if percent < braces and text[percent - 1] == "{":  # "{%}": an opening's "%"
                search = percent + 1
                continue
            break
        if percent < braces:
            closing, end = percent, percent + (3 if text.startswith("%}}", percent) else 2)
        elif braces != missing:
            closing = braces - 1 if braces > search and text[braces - 1] == ">" else braces
            end = braces + 2
        else:
            return
        yield opened, closing, end
        position = end
