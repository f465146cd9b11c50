"""reStructuredText, read line by line into located blocks (no docutils).

docutils would need seconds to import per process and its inline regexes are not made
for untrusted text; the structure aitag needs (section titles, paragraphs, list items,
and what to drop) is visible in the lines. Section titles are headings; paragraphs,
block quotes and admonition bodies are prose; bullet and enumerated items are list
items. Directives (code, images, tables, includes, ``contents``), comments, literal
blocks after ``::``, tables, field lists and substitution definitions are dropped.
Every character keeps its offset: text is a slice of the source, inline code is a
placeholder anchored at its start, link targets are left out (emphasis marks stay).
"""

from __future__ import annotations

from .located import CODE, HEADING, LINK, LIST_ITEM, MAX_GROUP_ITEMS, PLACEHOLDER, PROSE, Block
from .pieces import build_block

_ADORNMENT = set("=-`:'\"~^_*+#<>.")
_BULLETS = ("* ", "- ", "+ ", "• ")
#: Directives whose indented body is prose (the directive line itself is markup).
_PROSE_DIRECTIVES = {
    "note", "warning", "tip", "important", "caution", "danger", "attention", "hint",
    "error", "admonition", "seealso", "versionadded", "versionchanged", "deprecated",
    "topic", "sidebar", "rubric", "epigraph", "highlights", "pull-quote", "container",
}  # fmt: skip


def read_rst_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of a reStructuredText file: headings, prose and list items, located."""
    lines = _lines(text)
    blocks: list[Block] = []
    group = items = 0
    previous_kind = None
    i, n = 0, len(lines)
    while i < n:
        start, line = lines[i]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            i += 1
            continue
        # A title with an overline, or a line with an underline of the same character.
        if _is_adornment(stripped) and i + 2 < n and _is_adornment(lines[i + 2][1].strip()):
            title_start, title = lines[i + 1]
            blocks.append(_block(HEADING, text, [(title_start, title_start + len(title))]))
            i += 3
            previous_kind = HEADING
            continue
        if i + 1 < n and _is_adornment(lines[i + 1][1].strip()) and indent == 0:
            if len(lines[i + 1][1].strip()) >= min(len(stripped), 3):
                blocks.append(_block(HEADING, text, [(start, start + len(line.rstrip()))]))
                i += 2
                previous_kind = HEADING
                continue
        if stripped.startswith(".. "):
            directive = stripped[3:].split("::", 1)[0].strip().lower()
            if "::" in stripped and directive in _PROSE_DIRECTIVES:
                i += 1  # the body, indented, is read as prose below
                continue
            i = _skip_indented(lines, i + 1, indent)  # comment, directive, target
            continue
        if stripped == "::" or _is_table_line(stripped) or _is_field(stripped):
            i = _skip_to_blank(lines, i) if not _is_field(stripped) else i + 1
            if stripped == "::":
                i = _skip_indented(lines, i, indent)
            continue
        bullet = _bullet_width(stripped)
        following = lines[i + 1][1] if i + 1 < n else ""
        if not bullet and following.strip() and len(following) - len(following.lstrip()) > indent:
            # A definition list's term: the context of the definition indented below it.
            blocks.append(_block(HEADING, text, [(start + indent, start + len(line.rstrip()))]))
            previous_kind = HEADING
            i += 1
            continue
        # A paragraph or an item: lines up to a blank line or a less indented line.
        j = i + 1
        while j < n and lines[j][1].strip() and not _starts_item(lines[j][1], indent):
            if i + 1 < n and j == i + 1 and _is_adornment(lines[j][1].strip()):
                break
            j += 1
        ranges = []
        for k in range(i, j):
            line_start, content = lines[k]
            lead = len(content) - len(content.lstrip())
            if k == i:
                lead += bullet
            ranges.append((line_start + lead, line_start + len(content.rstrip())))
        literal_next = lines[j - 1][1].rstrip().endswith("::")
        if literal_next:  # "text::" shows as "text:"; the indented block after is code
            last = ranges[-1]
            cut = 2 if lines[j - 1][1].rstrip().endswith(" ::") else 1
            ranges[-1] = (last[0], max(last[0], last[1] - cut))
        kind = LIST_ITEM if bullet else PROSE
        items = items + 1 if kind == LIST_ITEM else 0
        if kind == LIST_ITEM and (previous_kind != LIST_ITEM or items % MAX_GROUP_ITEMS == 0):
            group += 1
        block = _block(kind, text, ranges, group if kind == LIST_ITEM else 0)
        if block is not None:
            blocks.append(block)
            previous_kind = kind
        i = _skip_indented(lines, j, indent) if literal_next else j
    return [b for b in blocks if b is not None]


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its line break) of every line."""
    result, start = [], 0
    for line in text.split("\n"):
        result.append((start, line.rstrip("\r")))
        start += len(line) + 1
    return result


def _is_adornment(stripped: str) -> bool:
    return (
        len(stripped) >= 2 and stripped[0] in _ADORNMENT and stripped == stripped[0] * len(stripped)
    )


def _is_table_line(stripped: str) -> bool:
    if stripped.startswith(("+-", "+=")) and stripped.endswith("+"):
        return True
    return stripped.startswith("==") and set(stripped) <= {"=", " "} and " " in stripped


def _is_field(stripped: str) -> bool:
    """A field list line (``:Author: ...``): document attributes, not prose."""
    if not stripped.startswith(":") or stripped.startswith("::"):
        return False
    end = stripped.find(":", 1)
    return end > 1 and (end + 1 == len(stripped) or stripped[end + 1] == " ")


def _bullet_width(stripped: str) -> int:
    """Width of a bullet or enumerator opening ``stripped`` ("* ", "1. ", "#. "), or 0."""
    if stripped.startswith(_BULLETS):
        return 2
    head = stripped.split(" ", 1)[0]
    if len(head) < 2 or len(head) == len(stripped):
        return 0
    body = head.strip("()").rstrip(".)")
    if head[-1] in ".)" and (body.isdigit() or body == "#" or (len(body) == 1 and body.isalpha())):
        return len(head) + 1
    return 0


def _starts_item(line: str, indent: int) -> bool:
    stripped = line.strip()
    lead = len(line) - len(line.lstrip())
    return lead <= indent and (_bullet_width(stripped) > 0 or stripped.startswith(".. "))


def _skip_indented(lines: list[tuple[int, str]], i: int, indent: int) -> int:
    """Past the block indented more than ``indent`` that starts at ``i`` (blank lines in it)."""
    n = len(lines)
    while i < n:
        content = lines[i][1]
        if content.strip() and len(content) - len(content.lstrip()) <= indent:
            break
        i += 1
    return i


def _skip_to_blank(lines: list[tuple[int, str]], i: int) -> int:
    while i < len(lines) and lines[i][1].strip():
        i += 1
    return i


def _block(kind: str, source: str, ranges: list[tuple[int, int]], group: int = 0) -> Block | None:
    """A block of the source ranges (lines joined by their line breaks), inline markup read."""
    pieces: list[tuple[str, int, bool]] = []
    marks: list[tuple[int, int, str]] = []
    for number, (start, end) in enumerate(ranges):
        if number:
            pieces.append(("\n", start - 1, False))
        inline_pieces(source, start, end, pieces, marks)
    return build_block(kind, pieces, marks, group)


def inline_pieces(source: str, start: int, end: int, pieces: list, marks: list) -> None:
    """Pieces of one line of reST: ``code`` and code roles become a placeholder, link
    text is kept and marked (its target left out).

    Every search goes forward from where the last one stopped, so a line of a million
    unmatched backquotes is read in linear time.
    """
    position = start
    length = sum(len(p[0]) for p in pieces)
    failed: dict[str, int] = {}  # closer -> position from which it is known to be absent

    def find(token: str, at: int) -> int:
        if failed.get(token, end + 1) <= at:
            return -1
        found = source.find(token, at, end)
        if found < 0:
            failed[token] = at
        return found

    def add(text_end: int) -> None:
        nonlocal length
        if text_end > position:
            pieces.append((source[position:text_end], position, True))
            length += text_end - position

    while position < end:
        tick = find("`", position)
        if tick < 0:
            break
        if source.startswith("``", tick):
            close = find("``", tick + 2)
            if close < 0:
                break
            add(tick)
            pieces.append((PLACEHOLDER, tick, False))
            marks.append((length, length + len(PLACEHOLDER), CODE))
            length += len(PLACEHOLDER)
            position = close + 2
            continue
        close = find("`", tick + 1)
        if close < 0:
            break
        role_start = tick
        if tick > start and source[tick - 1] == ":":
            colon = source.rfind(":", max(start, tick - 40), tick - 1)
            if colon >= 0 and " " not in source[colon:tick]:
                role_start = colon
        role = source[role_start + 1 : tick - 1] if role_start < tick else ""
        add(role_start)
        inner_end = close
        target = source.rfind("<", tick + 1, close)
        if target > tick + 1 and source[close - 1] == ">":
            inner_end = target
            while inner_end > tick + 1 and source[inner_end - 1] == " ":
                inner_end -= 1
        after = close + 1
        while after < end and after < close + 3 and source[after] == "_":
            after += 1
        if role in (
            "code",
            "class",
            "func",
            "meth",
            "attr",
            "mod",
            "obj",
            "data",
            "exc",
            "command",
            "file",
            "samp",
            "kbd",
            "envvar",
            "option",
            "program",
        ):
            pieces.append((PLACEHOLDER, tick, False))
            marks.append((length, length + len(PLACEHOLDER), CODE))
            length += len(PLACEHOLDER)
        else:
            pieces.append((source[tick + 1 : inner_end], tick + 1, True))
            if after > close + 1 or role in ("ref", "doc", "term", "download"):
                marks.append((length, length + inner_end - tick - 1, LINK))
            length += inner_end - tick - 1
        position = after
    add(end)
