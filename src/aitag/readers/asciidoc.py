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

import re

from .lineblocks import InlinePieces, LineReader, skip_to_blank, text_ranges
from .located import HEADING, LINK, LIST_ITEM, PROSE, TITLE, Block

#: Delimiters of blocks whose content is not prose.
_DROPPED = ("----", "....", "++++", "////", "|===", ",===", ":===", "!===", "```")
_ADMONITIONS = ("NOTE: ", "TIP: ", "IMPORTANT: ", "WARNING: ", "CAUTION: ")
#: ``{name}``: a reference to a document attribute.
_ATTRIBUTE_REFERENCE = re.compile(r"\{[A-Za-z0-9_][A-Za-z0-9_-]*\}")
#: Characters of an address an attribute starts (``{docs-url}/a/b.html``) looked through.
_LONGEST_ADDRESS = 500
#: ``name:target`` before ``[]``: an inline macro (``kbd:``, ``javadoc:``, ``footnote:``).
_INLINE_MACRO = re.compile(r"[a-z][a-z0-9_-]*:\S+")
#: FreeMarker directives and macro calls (``<#import ...>``, ``<@tmpl.guide ...>``): guides
#: that a template engine renders before AsciiDoc does are written with them.
_TEMPLATE_TAGS = ("<#", "</#", "<@", "</@")
_LONGEST_TEMPLATE_TAG = 20


def read_asciidoc_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of an AsciiDoc file: title, headings, prose and list items, located."""
    return _AsciidocReader(text).read()


class _AsciidocReader(LineReader):
    def __init__(self, text: str):
        super().__init__(text, _inline)

    def _first_line(self) -> int:
        return _after_front_matter(self.lines)

    def _next(self, i: int) -> int:
        line = self.lines[i][1]
        stripped = line.strip()
        if (
            not stripped
            or _is_read_delimiter(stripped)
            or stripped == "+"
            or _is_attribute(stripped)
        ):
            return i + 1
        delimiter = _delimiter(stripped)
        if delimiter is not None:
            return self._past_delimited(i + 1, delimiter)
        if _is_markup_line(stripped):
            return i + 1
        if stripped.startswith(_TEMPLATE_TAGS):
            return self._past_template_tag(i)
        if _is_block_macro(stripped) or line[:1] in (" ", "\t"):
            return skip_to_blank(self.lines, i) if line[:1] in (" ", "\t") else i + 1
        level = len(stripped) - len(stripped.lstrip("="))
        if level and stripped[level : level + 1] == " ":
            return self._heading(i, level)
        return self._paragraph(i, stripped)

    def _past_delimited(self, i: int, delimiter: str) -> int:
        """Past the line that closes a dropped block (its content not read)."""
        while i < len(self.lines) and self.lines[i][1].strip() != delimiter:
            i += 1
        return i + 1

    def _past_template_tag(self, i: int) -> int:
        """Past the line that closes a template tag opening line ``i`` (its attributes,
        such as a guide's title and summary, may run over several lines). A tag left
        open for more than :data:`_LONGEST_TEMPLATE_TAG` lines is one line of markup."""
        last = min(len(self.lines), i + _LONGEST_TEMPLATE_TAG)
        closing = next((k for k in range(i, last) if ">" in self.lines[k][1]), i)
        return closing + 1

    def _heading(self, i: int, level: int) -> int:
        start, line = self.lines[i]
        kind = TITLE if level == 1 and not self.found.blocks else HEADING
        lead = len(line) - len(line.lstrip()) + level + 1
        if self.found.add(kind, [(start + lead, start + len(line.rstrip()))]):
            self.found.previous_kind = kind
        if kind == TITLE:  # author and revision lines follow the title
            return skip_to_blank(self.lines, i + 1)
        return i + 1

    def _paragraph(self, i: int, stripped: str) -> int:
        """A paragraph or a list item: lines up to a blank line or a line that breaks it."""
        lines, n = self.lines, len(self.lines)
        marker = _item_marker(stripped)
        j = i + 1
        while j < n and lines[j][1].strip() and not _breaks(lines[j][1].strip()):
            j += 1
        ranges = text_ranges(lines, i, j, marker or _admonition(stripped), hard_breaks=True)
        self.found.add_paragraph(LIST_ITEM if marker else PROSE, ranges)
        return j


def _after_front_matter(lines: list[tuple[int, str]]) -> int:
    """The first line after front matter (Jekyll, Antora), or 0 when there is none."""
    if not lines or lines[0][1].strip() != "---":
        return 0
    end = next((k for k in range(1, len(lines)) if lines[k][1].strip() == "---"), None)
    return end + 1 if end is not None else 0


def _is_markup_line(stripped: str) -> bool:
    """A comment, a block attribute line (``[source,go]``) or a block title (``.Title``)."""
    if stripped.startswith("//") or stripped.startswith("[") and stripped.endswith("]"):
        return True
    return stripped.startswith(".") and not stripped.startswith((". ", ".."))


def _delimiter(stripped: str) -> str | None:
    for delimiter in _DROPPED:
        if stripped.startswith(delimiter) and set(stripped[1:]) <= set(delimiter[1:] + "="):
            if delimiter == "```" or stripped == stripped[0] * len(stripped) or "===" in delimiter:
                return stripped if delimiter != "```" else "```"
    return None


def _is_read_delimiter(stripped: str) -> bool:
    """A line that opens or closes a quote, example, sidebar or open block: four or more
    of ``_``, ``=`` or ``*`` (a longer run nests one block in another), or ``--``."""
    return stripped == "--" or (
        len(stripped) >= 4 and stripped[0] in "_=*" and stripped == stripped[0] * len(stripped)
    )


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
        or _is_read_delimiter(stripped)
        or stripped.startswith(("//", "==") + _TEMPLATE_TAGS)
        or (stripped.startswith("[") and stripped.endswith("]"))
    )


def _inline(line: InlinePieces, start: int, end: int) -> None:
    """`code` becomes a placeholder; ``url[text]``, ``xref:x[text]`` and ``<<id,text>>``
    keep their text, marked as a link. Searches only go forward (linear)."""
    position = start
    # The next of each token, searched again only once passed: a line of a million
    # "[" is read in one pass, not rescanned for "`" once per bracket.
    following = {"`": -2, "[": -2, "<<": -2, "{": -2, "<@": -2}
    while position < end:
        for token, at in following.items():
            if at != -1 and at < position:
                following[token] = line.source.find(token, position, end)
        candidates = [at for at in following.values() if at >= 0]
        if not candidates:
            break
        at = min(candidates)
        if at == following["`"]:
            after = _code(line, position, at, end)
        elif at == following["{"]:
            after = _attribute(line, position, at, end)
        elif at == following["<<"]:
            after = _cross_reference(line, position, at, end)
        elif at == following["<@"]:
            after = _template_call(line, position, at, end)
        else:
            after = _bracket(line, position, at, end)
        if after < 0:  # not closed on this line: the rest is text
            break
        position = after
    line.copy(position, end)


def _code(line: InlinePieces, position: int, tick: int, end: int) -> int:
    """Inline code, between backquotes: a placeholder."""
    return _placeholder_through(line, position, tick, "`", tick + 1, end)


def _placeholder_through(
    line: InlinePieces, position: int, start: int, closer: str, search: int, end: int
) -> int:
    """From ``start`` through the next ``closer`` (looked for from ``search``, on this
    line) as a placeholder; -1 when the line does not close it."""
    close = line.source.find(closer, search, end)
    if close < 0:
        return -1
    line.copy(position, start)
    line.placeholder(start)
    return close + len(closer)


def _attribute(line: InlinePieces, position: int, brace: int, end: int) -> int:
    """``{name}``, an attribute reference: its value is set elsewhere (often in another
    file), so it stands as a placeholder; ``{name}/path[text]`` is a link and keeps its
    text. Any other ``{`` is text."""
    source = line.source
    match = _ATTRIBUTE_REFERENCE.match(source, brace, end)
    if match is None:
        line.copy(position, brace + 1)
        return brace + 1
    # The link's address runs to the next white space; looked for within a bound, so a
    # line of a million references is read in linear time.
    run_end, limit = brace, min(end, brace + _LONGEST_ADDRESS)
    while run_end < limit and not source[run_end].isspace():
        run_end += 1
    bracket = source.find("[", match.end(), run_end)
    if bracket >= 0:  # a URL that an attribute holds, with its link text
        return _bracket(line, position, bracket, end)
    line.copy(position, brace)
    line.placeholder(brace)
    return match.end()


def _template_call(line: InlinePieces, position: int, angle: int, end: int) -> int:
    """``<@links.server id="x"/>``, a template macro call in a sentence: what it renders
    (often a link to another guide) stands as a placeholder."""
    return _placeholder_through(line, position, angle, ">", angle + 2, end)


def _cross_reference(line: InlinePieces, position: int, angle: int, end: int) -> int:
    """``<<id>>`` or ``<<id,text>>``: the text (or the id) marked as a link."""
    source = line.source
    close = source.find(">>", angle + 2, end)
    if close < 0:
        return -1
    comma = source.find(",", angle + 2, close)
    text_start = comma + 1 if comma >= 0 else angle + 2
    line.copy(position, angle)
    line.piece(text_start, close, LINK)
    return close + 2


def _bracket(line: InlinePieces, position: int, bracket: int, end: int) -> int:
    """``url[text]``, ``link:x[text]``, ``xref:x[text]``: the text marked as a link;
    any other ``[...]`` is text."""
    source = line.source
    close = source.find("]", bracket + 1, end)
    word = source.rfind(" ", position, bracket) + 1
    head = max(word, position)
    target = source[head:bracket]
    if close < 0:
        return -1
    if (
        "://" in target
        or target.startswith(("link:", "xref:", "mailto:"))
        or _ATTRIBUTE_REFERENCE.match(target)
    ):
        line.copy(position, head)
        text_end = source.find(",", bracket + 1, close)
        text_end = close if text_end < 0 else text_end
        line.piece(bracket + 1, text_end, LINK)
    elif close == bracket + 1 and _INLINE_MACRO.fullmatch(target):
        # ``javadoc:org.example.Type[]``: a name the macro renders, like inline code.
        line.copy(position, head)
        line.placeholder(head)
    else:
        line.piece(position, close + 1)
    return close + 1
