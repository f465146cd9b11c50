"""Markdown: paragraphs and headings; front matter, code, URLs and images dropped."""

from __future__ import annotations

import re

from .located import MappedText

# ---------------------------------------------------------------- markdown

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+")
_DROP_INLINE = re.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"  # images
    r"|!\[[^\]\n]*\]\[[^\]\n]*\]"  # reference images
    r"|`[^`\n]+`"  # inline code
    r"|<https?://[^>\s]+>"  # autolinks
    r"|https?://[^\s)>\]]+"  # bare URLs
    r"|</?[A-Za-z][^>\n]*>"  # inline HTML tags
)
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)|\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")


def read_markdown_blocks(text: str, name: str = "") -> list[MappedText]:
    """Paragraphs and headings of Markdown; front matter, code, URLs and images dropped."""
    lines = text.splitlines(keepends=True)
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line)
    index = _skip_front_matter(lines)
    blocks: list[MappedText] = []
    current = MappedText()
    fence: str | None = None

    def close() -> None:
        nonlocal current
        if current.text.strip():
            blocks.append(current)
        current = MappedText()

    while index < len(lines):
        line, offset = lines[index], offsets[index]
        index += 1
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1) == fence:
                fence = None
            continue
        if marker:
            close()
            fence = marker.group(1)
            continue
        if not line.strip():
            close()
            continue
        if _LINK_DEFINITION.match(line) or (line.startswith(("    ", "\t")) and not current.text):
            continue  # link definitions and indented code blocks
        heading = _HEADING.match(line)
        if heading:
            close()
            current.append_mapped(_markdown_inline(line, offset, heading.end()))
            close()
            continue
        current.append_mapped(_markdown_inline(line, offset, 0))
    close()
    return blocks


def _skip_front_matter(lines: list[str]) -> int:
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        for index in range(1, len(lines)):
            if lines[index].strip() in (fence, "..."):
                return index + 1
    return 0


def _markdown_inline(line: str, offset: int, start: int) -> MappedText:
    """Keep a line's prose: link texts stay, their URLs, images and code go."""
    kept = MappedText()
    keep_from = start
    for match in _inline_matches(line, start):
        kept.append(line[keep_from : match[0]], offset + keep_from)
        if match[2] is not None:
            kept.append(line[match[2] : match[3]], offset + match[2])
        keep_from = match[1]
    kept.append(line[keep_from:], offset + keep_from)
    return kept


def _inline_matches(line: str, start: int) -> list[tuple[int, int, int | None, int | None]]:
    """(start, end, kept start, kept end) of each inline construct, without overlaps."""
    found = [(m.start(), m.end(), None, None) for m in _DROP_INLINE.finditer(line, start)]
    for m in _LINK.finditer(line, start):
        group = 1 if m.group(1) is not None else 2
        found.append((m.start(), m.end(), m.start(group), m.end(group)))
    found.sort()
    result, end = [], start
    for item in found:
        if item[0] >= end:
            result.append(item)
            end = item[1]
    return result
