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
from collections.abc import Iterator

import pyromark

from .html import read_html_blocks
from .located import CODE, HEADING, LINK, LIST_ITEM, PROSE, TITLE, Block, MappedText

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

_URL = re.compile(r"https?://[^\s<>()\[\]]+")

# Inside these, text is not prose.
_HIDDEN = {"CodeBlock", "Table", "Image", "MetadataBlock"}


def read_markdown_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of a Markdown or MDX file: title, headings, prose and list items."""
    masked, title = _masked(text)
    reader = _Reader(masked, text)
    for event, span in pyromark.events_with_range(masked, options=_OPTIONS):
        reader.handle(event, span["start"], span["end"])
    blocks = reader.blocks
    if title:
        blocks.insert(0, Block(TITLE, title))
    return blocks


class _Reader:
    """Turns pyromark's events into blocks, text mapped to character offsets."""

    def __init__(self, masked: str, source: str):
        self.masked = masked
        self.source = source
        self.chars = _char_offsets(masked)
        self.blocks: list[Block] = []
        self.current = MappedText()
        self.marks: list[tuple[int, int, str]] = []
        self.kind = PROSE
        self.hidden = 0  # depth inside code blocks, tables, images
        self.items = 0  # depth inside list items
        self.lists = 0  # depth inside lists
        self.group = 0  # list number: items of one top-level list read together
        self.links: list[int] = []  # where each open link's text began

    def handle(self, event: object, start: int, end: int) -> None:
        if isinstance(event, dict):
            ((kind, value),) = event.items()
            if kind == "Start":
                self._start(_name(value), start, end)
            elif kind == "End":
                self._end(_name(value), start, end)
            elif kind == "Text":
                self._text(value, start, end)
            elif kind in ("Code", "InlineMath"):
                self._placeholder(start)
            elif kind == "InlineHtml":
                self._break(start)
        elif event in ("SoftBreak", "HardBreak"):
            self._break(start)

    def _start(self, name: str, start: int, end: int) -> None:
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
            self.links.append(len(self.current.text))
        elif name == "HtmlBlock":
            self._flush()
            self._html(start, end)
            self.hidden += 1  # its raw Html events are read already
        elif name == "Paragraph" and self.items and self.current.text:
            self._break(start)

    def _end(self, name: str, start: int, end: int) -> None:
        if name in _HIDDEN or name == "HtmlBlock":
            self.hidden -= 1
        elif name in ("Heading", "Paragraph", "BlockQuote", "FootnoteDefinition"):
            if not self.items or name == "Heading":
                self._flush()
                self.kind = LIST_ITEM if self.items else PROSE
        elif name == "Item":
            self._flush()
            self.items -= 1
            self.kind = LIST_ITEM if self.items else PROSE
        elif name == "List":
            self.lists -= 1
        elif name == "Link" and self.links:
            begun = self.links.pop()
            if len(self.current.text) > begun:
                self.marks.append((begun, len(self.current.text), LINK))

    def _text(self, value: str, start: int, end: int) -> None:
        if self.hidden:
            return
        lo, hi = self.chars(start), self.chars(end)
        verbatim = self.masked[lo:hi] == value
        if "://" in value and verbatim:  # bare URLs are addresses, not prose
            position = 0
            for url in _URL.finditer(value):
                self.current.append(value[position : url.start()], lo + position)
                self._placeholder_at(lo + url.start(), LINK)
                position = url.end()
            value, lo = value[position:], lo + position
        if verbatim:
            self.current.append(value, lo)
        else:  # an entity or an escape: the text stands for source of another length
            self.current.append_replacement(value, lo)

    def _placeholder(self, start: int) -> None:
        if not self.hidden:
            self._placeholder_at(self.chars(start), CODE)

    def _placeholder_at(self, offset: int, kind: str) -> None:
        at = len(self.current.text)
        self.current.append_replacement(PLACEHOLDER, offset)
        self.marks.append((at, at + len(PLACEHOLDER), kind))

    def _break(self, start: int) -> None:
        if not self.hidden and self.current.text:
            self.current.append_replacement("\n", self.chars(start))

    def _html(self, start: int, end: int) -> None:
        # An HTML block (a <details>, a JSX component) may hold prose: its visible text,
        # read by the HTML reader and shifted to where the block sits.
        lo, hi = self.chars(start), self.chars(end)
        for block in read_html_blocks(self.masked[lo:hi]):
            if isinstance(block, MappedText):
                block = Block(PROSE, block)
            self.blocks.append(Block(block.kind, block.text.shifted(lo), block.marks))

    def _flush(self) -> None:
        if self.current.text.strip():
            group = self.group if self.kind == LIST_ITEM else 0
            self.blocks.append(Block(self.kind, self.current, self.marks, group))
        self.current, self.marks = MappedText(), []


def _name(value: object) -> str:
    """The tag of a Start or End event: 'Paragraph', or the key of {'Heading': {...}}."""
    if isinstance(value, dict):
        return next(iter(value))
    return str(value)


def _char_offsets(text: str):
    """A function from UTF-8 byte offsets of ``text`` to character offsets."""
    if text.isascii():
        return lambda offset: offset
    # Character i starts at byte starts[i]; a byte offset maps to the character it
    # begins (ranges always begin and end on character boundaries).
    import numpy as np

    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    starts = np.flatnonzero((data & 0xC0) != 0x80)
    size = len(data)

    def offset_of(byte: int) -> int:
        return len(starts) if byte >= size else int(np.searchsorted(starts, byte))

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
    return "".join("\n" if char == "\n" else " " for char in text)


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
