"""HTML: a page's title, headings, prose and list items as blocks located in the source.

html.parser (standard library) reads the markup and says where each piece of text sits.
What is context, not prose, is dropped: scripts, styles, navigation, footers, forms,
buttons, tables, figure captions, ``<pre>`` code. Inline ``<code>`` becomes a placeholder
so the sentence stays a sentence; link text and ``<q>`` quotes are marked. By default a
full page is cut down to its main content (:mod:`.maincontent`); ``whole_page=True``
keeps all the visible text, as does any fragment without ``<html>`` or ``<body>``.

Every step is linear in the page: blocks are built from lists of pieces joined once,
and their character maps are made only when something asks for them.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import partial
from html.entities import html5
from html.parser import HTMLParser

from ..errors import InputError
from .jsonstrings import string_literals, walk_json
from .located import CODE, HEADING, LINK, LIST_ITEM, PROSE, QUOTE, TITLE, Block, MappedText, Span

#: Stands for inline code, as in Markdown: no letter or digit, so features never see it.
PLACEHOLDER = "‹…›"

#: Elements whose whole content is not prose (or not visible).
_HIDDEN = {
    "script", "style", "noscript", "template", "svg", "math", "iframe", "canvas", "object",
    "nav", "footer", "form", "button", "select", "textarea", "pre", "figcaption", "caption",
    "audio", "video", "dialog", "datalist",
}  # fmt: skip
#: Elements that start and end a block of text.
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "br", "tr", "td", "th", "blockquote", "figure", "header", "main", "table", "dd", "dt",
    "dl", "aside", "hr", "address", "details", "summary", "body", "html", "title", "menu",
    "center", "fieldset", "legend", "hgroup", "search",
}  # fmt: skip
_VOID_TAGS = {
    "br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source",
    "track", "wbr", "param", "keygen",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "summary"}
#: Elements inside a table cell whose text is prose; text right in a cell is not.
_CONTAINERS = {"p", "li", "blockquote", "dd", "address", *_HEADINGS}
_CODE_TAGS = {"code", "kbd", "samp", "tt", "var"}
_LISTS = {"ul", "ol", "menu"}
_PAGE_TAGS = {"html", "body"}

#: Items of one list are read together, at most this many at a time: a list of a
#: hundred thousand items is not one passage (and joining it would take quadratic time).
MAX_GROUP_ITEMS = 256

#: A numeric character reference longer than this is no character (HTML5 reads it as
#: U+FFFD); it must not reach int(), which refuses numbers of thousands of digits.
_LONGEST_CHARREF = 8


class _Piece:
    """Where a block's pieces of text come from: (text, source offset, verbatim)."""

    __slots__ = ("texts", "offsets", "verbatim")

    def __init__(self):
        self.texts: list[str] = []
        self.offsets: list[int] = []
        self.verbatim: list[bool] = []


class _Page(HTMLParser):
    """Reads a page into raw blocks: (kind, pieces, marks, group, plain text for matching)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.block_number = 0
        self.most_pieces = 0  # inline pieces of the block that has most
        self.source = html
        self.line_starts = _line_starts(html)
        self.blocks: list[Block] = []
        #: Text of each block with inline code kept, for matching against an extractor.
        self.plain: list[str] = []
        self.titles: dict[str, Block] = {}
        self.json_ld: list[tuple[str, int]] = []
        self.is_page = False
        # Hidden subtrees: the stack of their open elements and a count per tag, so a
        # stray end tag is settled in constant time (100,000 of them after 100,000
        # nested <svg> took hours when the stack was searched).
        self.hidden: list[str] = []
        self.hidden_count: dict[str, int] = {}
        self.in_json_ld = False
        #: (start, end) of scripts, styles and SVG: left out of what the extractor reads.
        self.skipped: list[tuple[int, int]] = []
        self.skip_start = 0
        # Context of the text: open headings, list items, lists and containers, each
        # (role, tag, table depth when opened), with a count per role.
        self.open: list[tuple[str, str, int]] = []
        self.open_count: dict[str, int] = {}
        self.tables = 0
        self.items = 0  # list items read so far
        self.in_head = False
        self.block_number = 0
        self.group = 0
        self.title_depth = 0
        self.code: list[int] = []  # source offsets of open inline code elements
        # (block number, text length) where open links and quotes began.
        self.links: list[tuple[int, int]] = []
        self.quotes: list[tuple[int, int]] = []
        self._new_block()

    # ------------------------------------------------------------ blocks

    def _new_block(self) -> None:
        self.pieces = _Piece()
        self.length = 0  # characters of text so far in this block
        self.plain_pieces: list[str] = []
        self.marks: list[tuple[int, int, str]] = []
        self.kind: str | None = None
        self.after_break = False
        self.block_number += 1

    def close_block(self) -> None:
        self.most_pieces = max(self.most_pieces, len(self.pieces.texts))
        if self.kind is not None:
            block = _block(self.pieces, self.kind, self.marks, self.group)
            if block is not None:
                if self.kind == TITLE:
                    self.titles.setdefault("title", block)
                else:
                    self.blocks.append(block)
                    self.plain.append("".join(self.plain_pieces))
        self._new_block()

    def _add(self, text: str, offset: int, verbatim: bool) -> None:
        if self.kind is None:
            if text.isspace():
                return
            self.kind = self._kind()
            if self.kind is None:
                return
        self.pieces.texts.append(text)
        self.pieces.offsets.append(offset)
        self.pieces.verbatim.append(verbatim)
        self.length += len(text)
        if not text.isspace():
            self.after_break = False

    def _kind(self) -> str | None:
        """The kind of a block starting here, or None where text is not read."""
        if self.title_depth:
            return TITLE
        if self.in_head:
            return None
        if self.open:
            if self.open[-1][2] < self.tables:
                return None  # right in a table cell
            if self.open_count.get("h"):
                return HEADING
            if self.open_count.get("li"):
                return LIST_ITEM
            return PROSE
        return None if self.tables else PROSE

    def here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    # ------------------------------------------------------------ parser events

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden:
            if tag not in _VOID_TAGS:
                self._hide(tag)
            return
        if tag == "meta":
            self._meta(attrs)
            return
        if tag in _HIDDEN:
            self.close_block()
            self._hide(tag)
            self.in_json_ld = tag == "script" and _is_json_ld(attrs)
            self.skip_start = self.here()
        elif tag in _BLOCK_TAGS:
            self._start_block(tag)
        elif tag in _CODE_TAGS:
            self.code.append(self.here())
        elif tag == "a":
            self.links.append((self.block_number, self.length))
        elif tag == "q":
            self.quotes.append((self.block_number, self.length))
        elif tag == "head":
            self.is_page = self.in_head = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta" and not self.hidden:
            self._meta(attrs)
        elif tag in ("br", "hr") and not self.hidden:
            self._start_block(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            if self.hidden_count.get(tag):
                while self._unhide() != tag:
                    pass
                if not self.hidden:
                    self.in_json_ld = False
                    if tag in _NOT_FOR_EXTRACTOR:
                        end = self.source.find(">", self.here())
                        self.skipped.append(
                            (self.skip_start, end + 1 if end >= 0 else len(self.source))
                        )
            return
        if tag in _BLOCK_TAGS:
            self.close_block()
            self._end_context(tag)
        elif tag in _CODE_TAGS and self.code:
            start = self.code.pop()
            if not self.code:
                self._add(PLACEHOLDER, start, False)
                if self.kind is not None:
                    self.marks.append((self.length - len(PLACEHOLDER), self.length, CODE))
        elif tag == "a" and self.links:
            self._mark(self.links.pop(), LINK)
        elif tag == "q" and self.quotes:
            self._mark(self.quotes.pop(), QUOTE)
        elif tag == "head":
            self.in_head = False

    def _mark(self, opened: tuple[int, int], kind: str) -> None:
        number, start = opened
        if number == self.block_number and self.length > start and self.kind is not None:
            self.marks.append((start, self.length, kind))

    def handle_data(self, data: str) -> None:
        if self.hidden:
            if self.in_json_ld:
                self.json_ld.append((data.replace(_DEFUSED, "<"), self.here()))
            return
        data = data.replace(_DEFUSED, "<")
        if self.code:
            self.plain_pieces.append(data)
        else:
            self._add(data, self.here(), True)
            if self.kind is not None:
                self.plain_pieces.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self.hidden:
            self._reference(_entity(name), f"&{name}")

    def handle_charref(self, name: str) -> None:
        if not self.hidden:
            self._reference(_charref(name), f"&#{name}")

    def _reference(self, value: str, raw: str) -> None:
        offset = self.here()
        if self.code:
            self.plain_pieces.append(value)
            return
        if value == raw:  # not a known reference: the text as written
            if self.source.startswith(";", offset + len(raw)):
                raw += ";"
            self._add(raw, offset, True)
        else:
            self._add(value, offset, False)
        if self.kind is not None:
            self.plain_pieces.append(value)

    # ------------------------------------------------------------ context

    def _hide(self, tag: str) -> None:
        self.hidden.append(tag)
        self.hidden_count[tag] = self.hidden_count.get(tag, 0) + 1

    def _unhide(self) -> str:
        tag = self.hidden.pop()
        self.hidden_count[tag] -= 1
        return tag

    def _start_block(self, tag: str) -> None:
        if tag == "br":
            # A line break inside a paragraph; two in a row separate paragraphs.
            if self.after_break or self.kind is None:
                self.close_block()
            else:
                self._add("\n", self.here(), False)
                self.after_break = True
            return
        self.close_block()
        if tag != "title" and tag != "html":
            self.in_head = False  # what follows a head left open is the body
        if tag in _PAGE_TAGS:
            self.is_page = True
        elif tag == "title":
            self.title_depth += 1
        elif tag == "table":
            self.tables += 1
        elif tag in _LISTS:
            if not self.open_count.get("list"):
                self.group += 1
            self._push("list", tag)
        elif tag == "li":
            # An open item of the same list ends where the next one starts.
            self._pop_to("li", stop="list")
            self._push("li", tag)
            self.items += 1
            if self.items % MAX_GROUP_ITEMS == 0:
                self.group += 1
        elif tag in _HEADINGS or tag in _CONTAINERS:
            # A paragraph, a term or a definition ends where the next one starts.
            if self.open and self.open[-1][1] in ("p", "dt", "dd"):
                self._pop()
            self._push("h" if tag in _HEADINGS else tag, tag)

    def _end_context(self, tag: str) -> None:
        if tag == "title":
            self.title_depth = max(self.title_depth - 1, 0)
        elif tag == "table":
            self.tables = max(self.tables - 1, 0)
        elif tag in _LISTS:
            self._pop_to("list")
        elif tag == "li":
            self._pop_to("li", stop="list")
        elif tag in _HEADINGS:
            self._pop_to("h")
        elif tag in _CONTAINERS:
            self._pop_to(tag, stop="li")

    def _push(self, role: str, tag: str) -> None:
        self.open.append((role, tag, self.tables))
        self.open_count[role] = self.open_count.get(role, 0) + 1

    def _pop(self) -> str:
        role = self.open.pop()[0]
        self.open_count[role] -= 1
        return role

    def _pop_to(self, role: str, stop: str | None = None) -> None:
        """Close the innermost open element of ``role`` and all opened after it.

        Nothing is closed when none is open, or when a ``stop`` element (an inner list)
        was opened after it: each element is pushed and popped once, so this is linear.
        """
        if not self.open_count.get(role):
            return
        while self.open:
            if stop is not None and self.open[-1][0] == stop:
                return
            if self._pop() == role:
                return

    def _meta(self, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if (values.get("property") or values.get("name") or "").lower() != "og:title":
            return
        content = values.get("content")
        raw = self.get_starttag_text() or ""
        if not content or not content.strip():
            return
        found = _attribute_value(raw, "content")
        if found is None:
            return
        start, value = found
        base = self.here() + start
        pieces = _Piece()
        pieces.texts.append(value)
        pieces.offsets.append(base)
        pieces.verbatim.append(True)
        block = _block(pieces, TITLE, [], 0)
        if block is not None:
            self.titles.setdefault("og", block)


def _is_json_ld(attrs: list[tuple[str, str | None]]) -> bool:
    return any(k == "type" and (v or "").lower() == "application/ld+json" for k, v in attrs)


class LongText(MappedText):
    """Located text whose slices cost the logarithm of its spans, not all of them.

    The passage step cuts a long paragraph into passages with one slice each; a
    paragraph of a million inline pieces has a million spans, and scanning them all for
    every slice was quadratic. Readers build their blocks' text with this class.
    """

    __slots__ = ("_starts",)

    def slice(self, start: int, end: int) -> MappedText:
        spans = self.spans
        try:
            starts = self._starts
        except AttributeError:
            starts = self._starts = [span[0] for span in spans]
        index = max(bisect_right(starts, start) - 1, 0)
        result: list[Span] = []
        while index < len(spans):
            text_start, source_start, length = spans[index]
            if text_start >= end:
                break
            lo, hi = max(start, text_start), min(end, text_start + length)
            if lo < hi:
                result.append((lo - start, source_start + lo - text_start, hi - lo))
            index += 1
        return MappedText(self.text[start:end], result)


def _attribute_value(tag_text: str, name: str) -> tuple[int, str] | None:
    """(offset in the tag, raw value) of attribute ``name`` in a start tag's text."""
    lower = tag_text.lower()
    at = 0
    while True:
        at = lower.find(name, at)
        if at < 0:
            return None
        before = lower[at - 1] if at else " "
        rest = at + len(name)
        while rest < len(lower) and lower[rest].isspace():
            rest += 1
        if before.isspace() and rest < len(lower) and lower[rest] == "=":
            rest += 1
            while rest < len(lower) and lower[rest].isspace():
                rest += 1
            quote = tag_text[rest : rest + 1]
            if quote in ("'", '"'):
                end = tag_text.find(quote, rest + 1)
                if end < 0:
                    return None
                return rest + 1, tag_text[rest + 1 : end]
            end = rest
            while end < len(tag_text) and not tag_text[end].isspace() and tag_text[end] != ">":
                end += 1
            return rest, tag_text[rest:end]
        at = rest


def _entity(name: str) -> str:
    value = html5.get(name + ";") or html5.get(name)
    return value if value is not None else f"&{name}"


def _charref(name: str) -> str:
    digits = name[1:] if name[:1] in "xX" else name
    if not digits or len(digits.lstrip("0")) > _LONGEST_CHARREF:
        return "\ufffd"
    try:
        code = int(digits, 16) if name[:1] in "xX" else int(digits)
    except ValueError:
        return f"&#{name}"
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    # Windows-1252 for the C1 range, as browsers read it.
    if 0x80 <= code <= 0x9F:
        return bytes([code]).decode("cp1252", "replace")
    return chr(code)


def _line_starts(text: str) -> list[int]:
    starts, at = [0], text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _block(pieces: _Piece, kind: str, marks: list, group: int) -> Block | None:
    """A block of the pieces, white space around it left out; its map made on demand."""
    joined = "".join(pieces.texts)
    stripped = joined.strip()
    if not stripped:
        return None
    lead = len(joined) - len(joined.lstrip())
    end = lead + len(stripped)
    start_offset = _source_at(pieces, lead, forward=True)
    end_offset = _source_at(pieces, end, forward=False)
    locate = partial(_spans, pieces, lead, end)
    text = LongText(stripped, locate=locate, bounds=(start_offset, end_offset))
    if marks:
        marks = sorted(
            (max(a - lead, 0), min(b - lead, len(stripped)), k)
            for a, b, k in marks
            if b > lead and a < end
        )
    return Block(kind, text, marks, group if kind == LIST_ITEM else 0)


def _source_at(pieces: _Piece, index: int, forward: bool) -> int:
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


def _spans(pieces: _Piece, lo: int, hi: int) -> list[Span]:
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


# ---------------------------------------------------------------- reading

_DEFUSED = "\x00"


def _defuse_unterminated(html: str) -> str:
    """Turn the ``<`` of tags and comments that never end into a placeholder.

    html.parser rescans from such a ``<`` to the end of the text, once per ``<``: a
    megabyte of ``<a<a<a`` takes hours. It reads an unterminated construct as text, and
    so does the placeholder, which ``handle_data`` turns back into ``<``.
    """
    last = {end: html.rfind(end) for end in ("-->", "]]>", ">")}
    cut = []
    at = html.find("<")
    while at >= 0:
        following = html[at + 1 : at + 2]
        if following.isascii() and (following.isalpha() or following in "/!?"):
            end = "-->" if html.startswith("<!--", at) else ">"
            end = "]]>" if html.startswith("<![CDATA[", at) else end
            if last[end] < at:
                cut.append(at)
        at = html.find("<", at + 1)
    if not cut:
        return html
    pieces, start = [], 0
    for at in cut:
        pieces += [html[start:at], _DEFUSED]
        start = at + 1
    pieces.append(html[start:])
    return "".join(pieces)


def _parse(text: str, name: str) -> _Page:
    page = _Page(text)
    try:
        page.feed(_defuse_unterminated(text))
        page.close()
    except (AssertionError, ValueError, RecursionError) as error:
        raise InputError(name, f"cannot parse HTML ({error}); check the file") from None
    page.close_block()
    return page


def _without(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` without the given sorted, disjoint ranges."""
    if not ranges:
        return text
    pieces, position = [], 0
    for start, end in ranges:
        pieces.append(text[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)


def read_html_blocks(text: str, name: str = "", whole_page: bool = False) -> list[Block]:
    """Blocks of an HTML page or fragment: title, headings, prose and list items.

    A page (with ``<html>``, ``<head>`` or ``<body>``) is cut down to its main content
    unless ``whole_page``; a fragment is read whole. Questions and answers of a
    schema.org FAQPage in JSON-LD are read too.
    """
    page = _parse(text, name)
    blocks = page.blocks
    if page.is_page and not whole_page and blocks:
        markup = _without(text, page.skipped)
        blocks = main_blocks(markup, blocks, page.plain, page.most_pieces)
    title = page.titles.get("og") or page.titles.get("title")
    if title is not None:
        blocks.insert(0, title)
    for data, offset in page.json_ld:
        blocks.extend(_faq_blocks(data, offset))
    return blocks


def _faq_blocks(data: str, offset: int) -> list[Block]:
    """Questions (as headings) and answers of a schema.org FAQPage in JSON-LD, located."""
    try:
        graph = json.loads(data)
    except (ValueError, RecursionError):
        return []
    wanted: dict[str, list[str]] = {}  # text -> the kinds it is wanted as, in order
    for item in walk_json(graph):
        if isinstance(item, dict) and item.get("@type") == "Question":
            answer = item.get("acceptedAnswer")
            pairs = [(item.get("name"), HEADING), (answer, PROSE)]
            if isinstance(answer, dict):
                pairs[1] = (answer.get("text"), PROSE)
            for value, kind in pairs:
                if isinstance(value, str) and value.strip():
                    wanted.setdefault(value, []).append(kind)
    blocks: list[Block] = []
    if not wanted:
        return blocks
    for value, mapped in string_literals(data, offset):
        kinds = wanted.get(value)
        if kinds:
            kind = kinds.pop(0)
            for block in read_html_blocks_mapped(mapped, whole_page=True):
                if kind == HEADING:
                    block.kind, block.marks, block.group = HEADING, [], 0
                blocks.append(block)
    return blocks


def read_html_blocks_mapped(fragment: MappedText, whole_page: bool = True) -> list[Block]:
    """HTML held in a decoded string (a JSON string), its blocks mapped to the raw file.

    ``fragment``'s spans map the string's characters to the file; each block's spans,
    which point into the string, are composed with them, in linear time.
    """
    outer = fragment.spans
    blocks = read_html_blocks(fragment.text, whole_page=whole_page)
    for block in blocks:
        inner = block.text
        start, end = inner.bounds()
        bounds = (_through_offset(outer, start), _through_offset(outer, max(end - 1, start)) + 1)
        block.text = LongText(inner.text, locate=partial(_composed, inner, outer), bounds=bounds)
    return blocks


def _through_offset(outer: list[Span], offset: int) -> int:
    """The raw offset of character ``offset`` of the decoded string."""
    from bisect import bisect_right

    i = max(bisect_right(outer, (offset, float("inf"), 0)) - 1, 0)
    if not outer:
        return offset
    text_start, source_start, length = outer[i]
    return source_start + min(max(offset - text_start, 0), max(length - 1, 0))


def _composed(inner: MappedText, outer: list[Span]) -> list[Span]:
    """``inner``'s spans (into a decoded string) mapped through ``outer`` (string to file)."""
    from bisect import bisect_right

    spans: list[Span] = []
    for text_start, source_start, length in inner.spans:
        i = max(bisect_right(outer, (source_start, float("inf"), 0)) - 1, 0)
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


# ---------------------------------------------------------------- main content

#: Markup the extractor reads at most (scripts, styles and SVG left out): beyond this a
#: page is read whole, as the extractor's time grows faster than its input on some
#: markup (a paragraph of a million inline elements).
MAX_EXTRACTOR_CHARS = 1_000_000
#: ... and so is a page with a paragraph of more inline pieces than this: the
#: extractor's time grows with their square (no article paragraph has so many).
MAX_EXTRACTOR_PIECES = 2_000
#: A block is main content when at least this share of its word triples is in the
#: extractor's text; a block of one or two words must be a line of that text.
_MATCH_SHARE = 0.5
#: Elements whose content the extractor does not need to see.
_NOT_FOR_EXTRACTOR = {"script", "style", "svg", "template", "noscript", "math"}

_WORD = re.compile(r"\w+")


def main_blocks(markup: str, blocks: list[Block], plain: list[str], pieces: int = 0) -> list[Block]:
    """The blocks that are the page's main content, as trafilatura finds it.

    trafilatura gives the main content as text without positions, so the blocks keep
    their own located text and the extractor only decides which of them are main:
    a block is kept when its words (inline code included) are in the extracted text.
    A heading is kept when the section it opens (up to the next heading) has a block
    that is kept. When the extractor finds nothing (or the page is too large for it),
    the page is read whole.
    """
    if len(markup) > MAX_EXTRACTOR_CHARS or pieces > MAX_EXTRACTOR_PIECES:
        return blocks
    extracted = _extract(markup)
    if not extracted or not extracted.strip():
        return blocks
    keep = _matching(extracted, plain)
    section_kept = False  # whether the section a heading opens has main content
    for i in range(len(blocks) - 1, -1, -1):
        if blocks[i].kind == HEADING:
            keep[i], section_kept = section_kept, False
        else:
            section_kept = section_kept or keep[i]
    return [block for block, kept in zip(blocks, keep) if kept]


def _extract(markup: str) -> str | None:
    import logging

    import trafilatura

    # trafilatura logs what it discards; a tagger's output is its records.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        return trafilatura.extract(
            markup,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_recall=True,
            deduplicate=False,
            with_metadata=False,
        )
    except (ValueError, RecursionError, MemoryError):  # markup it cannot read
        return None


def _matching(extracted: str, plain: list[str]) -> list[bool]:
    """Whether each block's text (``plain``) is in the extracted text, by word triples."""
    words = _WORD.findall(extracted.lower())
    triples = set(zip(words, words[1:], words[2:]))
    lines = {" ".join(_WORD.findall(line.lower())) for line in extracted.split("\n")}
    keep: list[bool] = []
    for text in plain:
        block_words = _WORD.findall(text.lower())
        if len(block_words) >= 3:
            found = sum(t in triples for t in zip(block_words, block_words[1:], block_words[2:]))
            keep.append(found >= _MATCH_SHARE * (len(block_words) - 2))
        elif block_words:
            keep.append(" ".join(block_words) in lines)
        else:  # only punctuation or a placeholder: goes with what comes before
            keep.append(bool(keep) and keep[-1])
    return keep
