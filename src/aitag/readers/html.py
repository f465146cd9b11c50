"""HTML: a page's title, headings, prose and list items as blocks located in the source.

html.parser (standard library) reads the markup and says where each piece of text sits
(:mod:`.html_page`). By default a full page is cut down to its main content
(:mod:`.maincontent`); ``whole_page=True`` keeps all the visible text, as does any
fragment without ``<html>`` or ``<body>``. Questions and answers of a schema.org FAQPage
in JSON-LD are read too.

Every step is linear in the page: blocks are built from lists of pieces joined once,
and their character maps are made only when something asks for them.
"""

from __future__ import annotations

import json

from .html_page import parse_page
from .jsonstrings import string_literals, walk_json
from .located import HEADING, PROSE, Block, MappedText, blocks_through
from .maincontent import main_blocks


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
    page = parse_page(text, name)
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
    wanted = _faq_texts(graph)
    blocks: list[Block] = []
    if not wanted:
        return blocks
    # The decoded values say what to read; the string literals say where each one is.
    for value, mapped in string_literals(data, offset):
        kinds = wanted.get(value)
        if kinds:
            kind = kinds.pop(0)
            for block in read_html_blocks_mapped(mapped, whole_page=True):
                if kind == HEADING:
                    block.kind, block.marks, block.group = HEADING, [], 0
                blocks.append(block)
    return blocks


def _faq_texts(graph: object) -> dict[str, list[str]]:
    """Text of each question and answer -> the kinds it is wanted as, in order."""
    wanted: dict[str, list[str]] = {}
    for item in walk_json(graph):
        if isinstance(item, dict) and item.get("@type") == "Question":
            answer = item.get("acceptedAnswer")
            pairs = [(item.get("name"), HEADING), (answer, PROSE)]
            if isinstance(answer, dict):
                pairs[1] = (answer.get("text"), PROSE)
            for value, kind in pairs:
                if isinstance(value, str) and value.strip():
                    wanted.setdefault(value, []).append(kind)
    return wanted


def read_html_blocks_mapped(fragment: MappedText, whole_page: bool = True) -> list[Block]:
    """HTML held in a decoded string (a JSON string), its blocks mapped to the raw file.

    ``fragment``'s spans map the string's characters to the file.
    """
    return blocks_through(read_html_blocks(fragment.text, whole_page=whole_page), fragment.spans)
