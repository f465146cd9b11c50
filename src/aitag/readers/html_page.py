"""The page walker: html.parser events turned into blocks located in the source.

What is context, not prose, is dropped: scripts, styles, navigation, footers, forms,
buttons, tables, figure captions, ``<pre>`` code. Inline ``<code>`` becomes a placeholder
so the sentence stays a sentence; link text and ``<q>`` quotes are marked. Text in
``<title>`` and ``og:title`` is the title; JSON-LD scripts are kept for their FAQs, and
where scripts and styles sit is kept so the main-content extractor need not read them.
"""

from __future__ import annotations

from html.parser import HTMLParser

from ..errors import InputError
from .html_markup import (
    DEFUSED,
    attribute_value,
    charref_text,
    defuse_unterminated,
    entity_text,
    is_json_ld,
    line_starts,
)
from .located import (
    CODE,
    HEADING,
    LINK,
    LIST_ITEM,
    MAX_GROUP_ITEMS,
    PLACEHOLDER,
    PROSE,
    QUOTE,
    TITLE,
    Block,
)
from .maincontent import NOT_FOR_EXTRACTOR
from .pieces import Pieces, block_of_pieces

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


class HtmlPage(HTMLParser):
    """Reads a page into blocks, with each block's plain text for matching, the title,
    JSON-LD scripts and where the extractor's skipped markup sits."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.block_number = 0
        self.most_pieces = 0  # inline pieces of the block that has most
        self.source = html
        self.line_starts = line_starts(html)
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
        self.pieces = Pieces()
        self.length = 0  # characters of text so far in this block
        self.plain_pieces: list[str] = []
        self.marks: list[tuple[int, int, str]] = []
        self.kind: str | None = None
        self.after_break = False
        self.block_number += 1

    def close_block(self) -> None:
        self.most_pieces = max(self.most_pieces, len(self.pieces.texts))
        if self.kind is not None:
            block = block_of_pieces(self.pieces, self.kind, self.marks, self.group)
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
            self.in_json_ld = tag == "script" and is_json_ld(attrs)
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
            self._end_hidden(tag)
        elif tag in _BLOCK_TAGS:
            self.close_block()
            self._end_context(tag)
        elif tag in _CODE_TAGS and self.code:
            self._end_code()
        elif tag == "a" and self.links:
            self._mark(self.links.pop(), LINK)
        elif tag == "q" and self.quotes:
            self._mark(self.quotes.pop(), QUOTE)
        elif tag == "head":
            self.in_head = False

    def _end_hidden(self, tag: str) -> None:
        """An end tag inside hidden content: it may close the hidden subtree."""
        if not self.hidden_count.get(tag):
            return
        while self._unhide() != tag:
            pass
        if not self.hidden:
            self.in_json_ld = False
            if tag in NOT_FOR_EXTRACTOR:
                end = self.source.find(">", self.here())
                self.skipped.append((self.skip_start, end + 1 if end >= 0 else len(self.source)))

    def _end_code(self) -> None:
        """The end of inline code: the outermost leaves one placeholder for all of it."""
        start = self.code.pop()
        if not self.code:
            self._add(PLACEHOLDER, start, False)
            if self.kind is not None:
                self.marks.append((self.length - len(PLACEHOLDER), self.length, CODE))

    def _mark(self, opened: tuple[int, int], kind: str) -> None:
        number, start = opened
        if number == self.block_number and self.length > start and self.kind is not None:
            self.marks.append((start, self.length, kind))

    def handle_data(self, data: str) -> None:
        if self.hidden:
            if self.in_json_ld:
                self.json_ld.append((data.replace(DEFUSED, "<"), self.here()))
            return
        data = data.replace(DEFUSED, "<")
        if self.code:
            self.plain_pieces.append(data)
        else:
            self._add(data, self.here(), True)
            if self.kind is not None:
                self.plain_pieces.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self.hidden:
            self._reference(entity_text(name), f"&{name}")

    def handle_charref(self, name: str) -> None:
        if not self.hidden:
            self._reference(charref_text(name), f"&#{name}")

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
            self._line_break()
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
        else:
            self._open_context(tag)

    def _line_break(self) -> None:
        # A line break inside a paragraph; two in a row separate paragraphs.
        if self.after_break or self.kind is None:
            self.close_block()
        else:
            self._add("\n", self.here(), False)
            self.after_break = True

    def _open_context(self, tag: str) -> None:
        """A list, a list item, a heading or a container opens: its role is pushed."""
        if tag in _LISTS:
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
        found = attribute_value(raw, "content")
        if found is None:
            return
        start, value = found
        base = self.here() + start
        pieces = Pieces()
        pieces.texts.append(value)
        pieces.offsets.append(base)
        pieces.verbatim.append(True)
        block = block_of_pieces(pieces, TITLE, [], 0)
        if block is not None:
            self.titles.setdefault("og", block)


def parse_page(text: str, name: str) -> HtmlPage:
    page = HtmlPage(text)
    try:
        page.feed(defuse_unterminated(text))
        page.close()
    except (AssertionError, ValueError, RecursionError) as error:
        raise InputError(name, f"cannot parse HTML ({error}); check the file") from None
    page.close_block()
    return page
