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

import re

from .lineblocks import InlinePieces, LineReader, skip_to_blank, text_ranges
from .located import HEADING, LINK, LIST_ITEM, PROSE, Block

_ADORNMENT = set("=-`:'\"~^_*+#<>.")
_BULLETS = ("* ", "- ", "+ ", "• ")
#: Directives whose indented body is prose (the directive line itself is markup).
_PROSE_DIRECTIVES = {
    "note", "warning", "tip", "important", "caution", "danger", "attention", "hint",
    "error", "admonition", "seealso", "versionadded", "versionchanged", "deprecated",
    "topic", "sidebar", "rubric", "epigraph", "highlights", "pull-quote", "container",
}  # fmt: skip

#: Roles whose text is code: a placeholder, as for ``literal``.
_CODE_ROLES = {
    "code", "class", "func", "meth", "attr", "mod", "obj", "data", "exc", "command",
    "file", "samp", "kbd", "envvar", "option", "program",
}  # fmt: skip
#: Roles whose text is a link even without a trailing ``_``.
_LINK_ROLES = ("ref", "doc", "term", "download")
#: A line of nothing but substitution references (``|logo| |badge|_``).
_SUBSTITUTIONS_ONLY = re.compile(r"(?:\|[^|\s](?:[^|]*[^|\s])?\|_{0,2}\s*)+")


def read_rst_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of a reStructuredText file: headings, prose and list items, located."""
    return _RstReader(text).read()


class _RstReader(LineReader):
    def __init__(self, text: str):
        super().__init__(text, inline_pieces, across_lines=True)

    def _next(self, i: int) -> int:
        line = self.lines[i][1]
        stripped = line.strip()
        if not stripped:
            return i + 1
        indent = len(line) - len(line.lstrip())
        for step in (self._title, self._directive, self._markup, self._term):
            after = step(i, stripped, indent)
            if after is not None:
                return after
        return self._paragraph(i, stripped, indent)

    def _heading(self, start: int, end: int) -> None:
        self.found.add(HEADING, [(start, end)])
        self.found.previous_kind = HEADING  # even when empty

    def _title(self, i: int, stripped: str, indent: int) -> int | None:
        """A title with an overline, or a line with an underline of the same character."""
        lines, n = self.lines, len(self.lines)
        if _is_adornment(stripped) and i + 2 < n and _is_adornment(lines[i + 2][1].strip()):
            title_start, title = lines[i + 1]
            self._heading(title_start, title_start + len(title))
            return i + 3
        if i + 1 < n and _is_adornment(lines[i + 1][1].strip()) and indent == 0:
            if len(lines[i + 1][1].strip()) >= min(len(stripped), 3):
                start, line = lines[i]
                self._heading(start, start + len(line.rstrip()))
                return i + 2
        return None

    def _directive(self, i: int, stripped: str, indent: int) -> int | None:
        """A directive, a comment or a target: dropped, unless its body is prose."""
        if not stripped.startswith(".. "):
            return None
        directive = stripped[3:].split("::", 1)[0].strip().lower()
        if "::" in stripped and directive in _PROSE_DIRECTIVES:
            return i + 1  # the body, indented, is read as prose below
        return _skip_indented(self.lines, i + 1, indent)

    def _markup(self, i: int, stripped: str, indent: int) -> int | None:
        """A literal block's ``::``, a table, a field list, a transition (``----`` alone)
        or a paragraph of substitution references (``|logo|``, mostly images): dropped."""
        if _is_adornment(stripped) and len(stripped) >= 4:
            return i + 1  # not a title's underline or overline: _title looked first
        if _SUBSTITUTIONS_ONLY.fullmatch(stripped) and self._alone(i):
            return i + 1
        if not (stripped == "::" or _is_table_line(stripped) or _is_field(stripped)):
            return None
        i = skip_to_blank(self.lines, i) if not _is_field(stripped) else i + 1
        if stripped == "::":
            i = _skip_indented(self.lines, i, indent)
        return i

    def _alone(self, i: int) -> bool:
        """Whether line ``i`` is a paragraph of its own (blank or no line after it)."""
        return i + 1 >= len(self.lines) or not self.lines[i + 1][1].strip()

    def _term(self, i: int, stripped: str, indent: int) -> int | None:
        """A definition list's term: the context of the definition indented below it."""
        following = self.lines[i + 1][1] if i + 1 < len(self.lines) else ""
        if _bullet_width(stripped) or not following.strip():
            return None
        if len(following) - len(following.lstrip()) <= indent:
            return None
        start, line = self.lines[i]
        self._heading(start + indent, start + len(line.rstrip()))
        return i + 1

    def _paragraph(self, i: int, stripped: str, indent: int) -> int:
        """A paragraph or an item: lines up to a blank line or a less indented line."""
        lines, n = self.lines, len(self.lines)
        bullet = _bullet_width(stripped)
        j = i + 1
        while j < n and lines[j][1].strip() and not _starts_item(lines[j][1], indent):
            if i + 1 < n and j == i + 1 and _is_adornment(lines[j][1].strip()):
                break
            j += 1
        ranges = text_ranges(lines, i, j, bullet)
        if _is_line_block(stripped):
            ranges = _without_line_bars(lines, i, ranges)
        literal_next = lines[j - 1][1].rstrip().endswith("::")
        if literal_next:  # "text::" shows as "text:"; the indented block after is code
            last = ranges[-1]
            cut = 2 if lines[j - 1][1].rstrip().endswith(" ::") else 1
            ranges[-1] = (last[0], max(last[0], last[1] - cut))
        self.found.add_paragraph(LIST_ITEM if bullet else PROSE, ranges)
        return _skip_indented(lines, j, indent) if literal_next else j


def _is_adornment(stripped: str) -> bool:
    return (
        len(stripped) >= 2 and stripped[0] in _ADORNMENT and stripped == stripped[0] * len(stripped)
    )


def _is_line_block(stripped: str) -> bool:
    """Whether a paragraph opening with ``stripped`` is a line block (``| a verse line``)."""
    return stripped == "|" or stripped.startswith("| ")


def _without_line_bars(
    lines: list[tuple[int, str]], first: int, ranges: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """A line block's ranges without the ``|`` that opens each of its lines: markup, not
    text (a line without one continues the line above)."""
    kept = []
    for k, (start, end) in enumerate(ranges):
        line_start, content = lines[first + k]
        if content[start - line_start : start - line_start + 1] == "|":
            start += 1
            while start < end and content[start - line_start] == " ":
                start += 1
        kept.append((start, end))
    return kept


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


class _ForwardSearch:
    """``str.find`` within a line that remembers where a token is known to be absent."""

    __slots__ = ("source", "end", "failed")

    def __init__(self, source: str, end: int):
        self.source, self.end = source, end
        self.failed: dict[str, int] = {}  # token -> position from which it is absent

    def find(self, token: str, at: int) -> int:
        if self.failed.get(token, self.end + 1) <= at:
            return -1
        found = self.source.find(token, at, self.end)
        if found < 0:
            self.failed[token] = at
        return found


def inline_pieces(line: InlinePieces, start: int, end: int) -> None:
    """Pieces of one line of reST: ``code`` and code roles become a placeholder, link
    text is kept and marked (its target left out).

    Every search goes forward from where the last one stopped, so a line of a million
    unmatched backquotes is read in linear time.
    """
    search = _ForwardSearch(line.source, end)
    position = start
    while position < end:
        tick = search.find("`", position)
        if tick < 0:
            break
        if line.source.startswith("``", tick):
            close = search.find("``", tick + 2)
            if close < 0:
                break
            line.copy(position, tick)
            line.placeholder(tick)
            position = close + 2
            continue
        close = search.find("`", tick + 1)
        if close < 0:
            break
        position = _interpreted(line, start, position, tick, close, end)
    line.copy(position, end)


def _interpreted(
    line: InlinePieces, line_start: int, position: int, tick: int, close: int, end: int
) -> int:
    """Interpreted text from ``tick`` to ``close``, with its role; where reading goes on."""
    source = line.source
    role_start = tick
    if tick > line_start and source[tick - 1] == ":":
        colon = source.rfind(":", max(line_start, tick - 40), tick - 1)
        if colon >= 0 and " " not in source[colon:tick]:
            role_start = colon
    role = source[role_start + 1 : tick - 1] if role_start < tick else ""
    line.copy(position, role_start)
    inner_end = close
    target = source.rfind("<", tick + 1, close)
    if target > tick + 1 and source[close - 1] == ">":  # `text <target>`_
        inner_end = target
        while inner_end > tick + 1 and source[inner_end - 1] in " \n":
            inner_end -= 1
    after = close + 1
    while after < end and after < close + 3 and source[after] == "_":
        after += 1
    if role in _CODE_ROLES:
        line.placeholder(tick)
    else:
        is_link = after > close + 1 or role in _LINK_ROLES
        line.piece(tick + 1, inner_end, LINK if is_link else None)
    return after
