"""HTML: visible text as blocks, each piece mapped to its offset in the page."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

from ..errors import InputError
from .jsonstrings import string_literals, walk_json
from .located import MappedText

# ---------------------------------------------------------------- HTML

_SKIPPED_TAGS = {
    "script", "style", "nav", "footer", "noscript", "template", "svg", "head",
    "form", "button", "select", "iframe", "canvas", "object", "math",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section",
    "article", "br", "tr", "td", "th", "blockquote", "pre", "figure", "figcaption",
    "header", "main", "table", "dd", "dt", "dl", "aside", "hr", "address", "details",
    "summary", "caption", "body", "html",
}  # fmt: skip
_VOID_TAGS = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
}


class _VisibleText(HTMLParser):
    """Collects visible text as blocks, each piece mapped to its offset in the HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.lines = [0] + [m.end() for m in re.finditer("\n", html)]
        self.blocks: list[MappedText] = []
        self.current = MappedText()
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.json_ld: list[tuple[str, int]] = []
        self._in_json_ld = False

    def source_offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def close_block(self) -> None:
        if self.current.text.strip():
            self.blocks.append(self.current)
        self.current = MappedText()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            if tag in _BLOCK_TAGS and not self.skip_stack:
                self.close_block()
            return
        if self.skip_stack or tag in _SKIPPED_TAGS:
            self.skip_stack.append(tag)
            self._in_json_ld = (
                tag == "script" and (dict(attrs).get("type") or "").lower() == "application/ld+json"
            )
            return
        if tag in _BLOCK_TAGS:
            self.close_block()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS and not self.skip_stack:
            self.close_block()

    def handle_endtag(self, tag: str) -> None:
        if self.skip_stack:
            if tag in self.skip_stack:
                while self.skip_stack and self.skip_stack.pop() != tag:
                    pass
                self._in_json_ld = False
            return
        if tag in _BLOCK_TAGS:
            self.close_block()

    def handle_data(self, data: str) -> None:
        data = data.replace(_DEFUSED, "<")
        if self._in_json_ld:
            self.json_ld.append((data, self.source_offset()))
        elif not self.skip_stack:
            self.current.append(data, self.source_offset())

    def handle_entityref(self, name: str) -> None:
        if not self.skip_stack:
            self.current.append_replacement(unescape(f"&{name};"), self.source_offset())

    def handle_charref(self, name: str) -> None:
        if not self.skip_stack:
            self.current.append_replacement(unescape(f"&#{name};"), self.source_offset())


_MARKUP_START = re.compile(r"<(?=[A-Za-z/!?])")
_DEFUSED = "\x00"


def _defuse_unterminated(html: str) -> str:
    """Turn the ``<`` of tags and comments that never end into a placeholder.

    html.parser rescans from such a ``<`` to the end of the text, once per ``<``: a
    megabyte of ``<a<a<a`` takes hours. It reads an unterminated construct as text, and
    so does the placeholder, which ``handle_data`` turns back into ``<``.
    """
    last = {end: html.rfind(end) for end in ("-->", "]]>", ">")}
    cut = []
    for match in _MARKUP_START.finditer(html):
        at = match.start()
        end = "-->" if html.startswith("<!--", at) else ">"
        end = "]]>" if html.startswith("<![CDATA[", at) else end
        if last[end] < at:
            cut.append(at)
    if not cut:
        return html
    pieces, start = [], 0
    for at in cut:
        pieces += [html[start:at], _DEFUSED]
        start = at + 1
    pieces.append(html[start:])
    return "".join(pieces)


def read_html_blocks(text: str, name: str = "") -> list[MappedText]:
    """Visible text of HTML: no script, style, nav or footer; blocks become passages."""
    parser = _VisibleText(text)
    try:
        parser.feed(_defuse_unterminated(text))
        parser.close()
    except (AssertionError, ValueError, RecursionError) as error:
        raise InputError(name, f"cannot parse HTML ({error}); check the file") from None
    parser.close_block()
    blocks = parser.blocks
    for data, offset in parser.json_ld:
        blocks.extend(_faq_blocks(data, offset))
    return blocks


def _faq_blocks(data: str, offset: int) -> list[MappedText]:
    """Questions and answers of a schema.org FAQPage in JSON-LD, located in the file."""
    try:
        graph = json.loads(data)
    except (ValueError, RecursionError):
        return []
    wanted: list[str] = []
    for item in walk_json(graph):
        if isinstance(item, dict) and item.get("@type") == "Question":
            wanted.append(str(item.get("name", "")))
            answer = item.get("acceptedAnswer")
            if isinstance(answer, dict):
                wanted.append(str(answer.get("text", "")))
    blocks = []
    for value, offsets in string_literals(data, offset):
        if value in wanted and value.strip():
            wanted.remove(value)
            blocks.extend(read_html_blocks_mapped(MappedText.from_offsets(value, offsets)))
    return blocks


def read_html_blocks_mapped(fragment: MappedText) -> list[MappedText]:
    """HTML held in a decoded string, its blocks mapped back through the string's offsets."""
    outer = [fragment.source_offset(i) for i in range(len(fragment.text))]
    outer.append(outer[-1] + 1 if outer else 0)
    return [block.through(outer) for block in read_html_blocks(fragment.text)]
