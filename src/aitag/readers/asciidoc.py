"""AsciiDoc, read line by line into located blocks.

The document title (``= Title``) is the title, section titles (``== ...``) are
headings, paragraphs, quotes, examples, sidebars and admonition paragraphs (without
their ``NOTE:`` label) are prose, list items (``*``, ``-``, ``.``, ``1.``) are list
items. Listing, literal, passthrough and comment blocks, tables, block titles and
attributes, attribute entries, block macros (``image::``, ``include::``), comments and
front matter are dropped. Text is sliced from the source, so every character keeps its
offset; inline code is a placeholder and link text is marked, as in reStructuredText.
"""

from __future__ import annotations

from .located import (
    CODE,
    HEADING,
    LINK,
    LIST_ITEM,
    MAX_GROUP_ITEMS,
    PLACEHOLDER,
    PROSE,
    TITLE,
    Block,
)
from .pieces import build_block
from .rst import _lines

#: Delimiters of blocks whose content is not prose.
_DROPPED = ("----", "....", "++++", "////", "|===", ",===", ":===", "!===", "```")
#: Delimiters of blocks whose content is read (quote, example, sidebar, open block).
_READ = ("____", "====", "****", "--")
_ADMONITIONS = ("NOTE: ", "TIP: ", "IMPORTANT: ", "WARNING: ", "CAUTION: ")


def read_asciidoc_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of an AsciiDoc file: title, headings, prose and list items, located."""
    lines = _lines(text)
    blocks: list[Block] = []
    n, i, group, items, previous_kind = len(lines), 0, 0, 0, None
    if lines and lines[0][1].strip() == "---":  # front matter (Jekyll, Antora)
        end = next((k for k in range(1, n) if lines[k][1].strip() == "---"), None)
        i = end + 1 if end is not None else 0
    while i < n:
        start, line = lines[i]
        stripped = line.strip()
        if not stripped or stripped in _READ or stripped == "+" or _is_attribute(stripped):
            i += 1
            continue
        delimiter = _delimiter(stripped)
        if delimiter is not None:
            i += 1
            while i < n and lines[i][1].strip() != delimiter:
                i += 1
            i += 1
            continue
        if stripped.startswith("//") or stripped.startswith("[") and stripped.endswith("]"):
            i += 1
            continue
        if stripped.startswith(".") and not stripped.startswith((". ", "..")):
            i += 1  # a block title
            continue
        if _is_block_macro(stripped) or line[:1] in (" ", "\t"):
            i = _paragraph_end(lines, i) if line[:1] in (" ", "\t") else i + 1
            continue
        level = len(stripped) - len(stripped.lstrip("="))
        if level and stripped[level : level + 1] == " ":
            kind = TITLE if level == 1 and not blocks else HEADING
            lead = len(line) - len(line.lstrip()) + level + 1
            block = _block(kind, text, [(start + lead, start + len(line.rstrip()))])
            if block is not None:
                blocks.append(block)
                previous_kind = kind
            i += 1
            if kind == TITLE:  # author and revision lines follow the title
                while i < n and lines[i][1].strip():
                    i += 1
            continue
        marker = _item_marker(stripped)
        j = i + 1
        while j < n and lines[j][1].strip() and not _breaks(lines[j][1].strip()):
            j += 1
        ranges = []
        for k in range(i, j):
            line_start, content = lines[k]
            lead = len(content) - len(content.lstrip())
            if k == i:
                lead += marker or _admonition(stripped)
            body = content.rstrip()
            if body.endswith(" +"):
                body = body[:-2]
            ranges.append((line_start + lead, line_start + len(body)))
        kind = LIST_ITEM if marker else PROSE
        items = items + 1 if kind == LIST_ITEM else 0
        if kind == LIST_ITEM and (previous_kind != LIST_ITEM or items % MAX_GROUP_ITEMS == 0):
            group += 1
        block = _block(kind, text, ranges, group)
        if block is not None:
            blocks.append(block)
            previous_kind = kind
        i = j
    return blocks


def _delimiter(stripped: str) -> str | None:
    for delimiter in _DROPPED:
        if stripped.startswith(delimiter) and set(stripped[1:]) <= set(delimiter[1:] + "="):
            if delimiter == "```" or stripped == stripped[0] * len(stripped) or "===" in delimiter:
                return stripped if delimiter != "```" else "```"
    return None


def _is_attribute(stripped: str) -> bool:
    """An attribute entry (``:toc: left``), never prose."""
    if not stripped.startswith(":"):
        return False
    end = stripped.find(":", 1)
    return (
        end > 1
        and " " not in stripped[1:end]
        and (end + 1 == len(stripped) or stripped[end + 1] == " ")
    )


def _is_block_macro(stripped: str) -> bool:
    head = stripped.split("::", 1)[0]
    return "::" in stripped and head.isidentifier() and stripped.endswith("]")


def _item_marker(stripped: str) -> int:
    """Width of a list marker opening the line (``* ``, ``** ``, ``- ``, ``. ``, ``1. ``)."""
    head = stripped.split(" ", 1)[0]
    if len(head) == len(stripped):
        return 0
    if set(head) <= {"*"} or set(head) <= {"."} or head == "-":
        return len(head) + 1
    if head[-1] == "." and head[:-1].isdigit():
        return len(head) + 1
    return 0


def _admonition(stripped: str) -> int:
    for label in _ADMONITIONS:
        if stripped.startswith(label):
            return len(label)
    return 0


def _breaks(stripped: str) -> bool:
    """Whether a line ends the paragraph above it (a new item, block or title)."""
    return (
        _item_marker(stripped) > 0
        or stripped == "+"
        or _delimiter(stripped) is not None
        or stripped in _READ
        or stripped.startswith(("//", "=="))
        or (stripped.startswith("[") and stripped.endswith("]"))
    )


def _paragraph_end(lines: list[tuple[int, str]], i: int) -> int:
    while i < len(lines) and lines[i][1].strip():
        i += 1
    return i


def _block(kind: str, source: str, ranges: list[tuple[int, int]], group: int = 0) -> Block | None:
    pieces: list[tuple[str, int, bool]] = []
    marks: list[tuple[int, int, str]] = []
    for number, (start, end) in enumerate(ranges):
        if number:
            pieces.append(("\n", start - 1, False))
        _inline(source, start, end, pieces, marks)
    return build_block(kind, pieces, marks, group)


def _inline(source: str, start: int, end: int, pieces: list, marks: list) -> None:
    """`code` becomes a placeholder; ``url[text]``, ``xref:x[text]`` and ``<<id,text>>``
    keep their text, marked as a link. Searches only go forward (linear)."""
    length = sum(len(p[0]) for p in pieces)
    position = start
    # The next of each token, searched again only once passed: a line of a million
    # "[" is read in one pass, not rescanned for "`" once per bracket.
    following = {"`": -2, "[": -2, "<<": -2}
    while position < end:
        for token, at in following.items():
            if at != -1 and at < position:
                following[token] = source.find(token, position, end)
        tick, bracket, angle = following["`"], following["["], following["<<"]
        candidates = [c for c in (tick, bracket, angle) if c >= 0]
        if not candidates:
            break
        at = min(candidates)
        if at == tick:
            close = source.find("`", tick + 1, end)
            if close < 0:
                break
            if tick > position:
                pieces.append((source[position:tick], position, True))
                length += tick - position
            pieces.append((PLACEHOLDER, tick, False))
            marks.append((length, length + len(PLACEHOLDER), CODE))
            length += len(PLACEHOLDER)
            position = close + 1
        elif at == angle:
            close = source.find(">>", angle + 2, end)
            if close < 0:
                break
            comma = source.find(",", angle + 2, close)
            text_start = comma + 1 if comma >= 0 else angle + 2
            if angle > position:
                pieces.append((source[position:angle], position, True))
                length += angle - position
            pieces.append((source[text_start:close], text_start, True))
            marks.append((length, length + close - text_start, LINK))
            length += close - text_start
            position = close + 2
        else:
            close = source.find("]", bracket + 1, end)
            word = source.rfind(" ", position, bracket) + 1
            target = source[max(word, position) : bracket]
            if close < 0:
                break
            if "://" in target or target.startswith(("link:", "xref:", "mailto:")):
                head = max(word, position)
                if head > position:
                    pieces.append((source[position:head], position, True))
                    length += head - position
                text_end = source.find(",", bracket + 1, close)
                text_end = close if text_end < 0 else text_end
                pieces.append((source[bracket + 1 : text_end], bracket + 1, True))
                marks.append((length, length + text_end - bracket - 1, LINK))
                length += text_end - bracket - 1
            else:
                pieces.append((source[position : close + 1], position, True))
                length += close + 1 - position
            position = close + 1
    if end > position:
        pieces.append((source[position:end], position, True))
