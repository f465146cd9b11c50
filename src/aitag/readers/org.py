"""Org (Emacs Org mode, as ox-hugo and org-publish blogs keep their posts), read line by
line into located blocks.

``#+TITLE:`` is the title; headlines are headings, without their TODO keyword, priority
and tags; paragraphs, footnote definitions and the content of quote, verse, center and
special blocks are prose; plain list items (``-``, ``+``, an indented ``*``, ``1.``,
``1)``, description items ``- term :: text``) are list items. Dropped: source, example,
export and comment blocks, dynamic blocks, drawers (``:PROPERTIES:``, ``:LOGBOOK:``),
planning and clock lines, tables, fixed-width lines (``: text``), comments, keywords
(``#+AUTHOR:``, ``#+HUGO_TAGS:``...), the output of code after ``#+RESULTS:``,
horizontal rules, LaTeX environments, and what Org does not export: a ``COMMENT``
headline's subtree, a subtree tagged ``:noexport:`` (or another of
``#+EXCLUDE_TAGS:``), the content of an ``:ARCHIVE:`` subtree. Text is sliced
from the source, so every character keeps its offset; objects (markup, links, code,
math) are read by :mod:`.org_inline`, across the lines of a paragraph, as Org reads them.

A block, drawer or environment that is not closed before the next headline is no block
in Org: its opening line is dropped and what follows is read as Org reads it. Each
closing line is found by bisecting a list of them made in one pass, so a file of a
million unclosed ``#+BEGIN_SRC`` is read in linear time.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .lineblocks import LineReader, skip_to_blank
from .located import HEADING, LIST_ITEM, PROSE, TITLE, Block
from .org_inline import read_org_objects

#: Blocks whose content is not prose: Org's source, example, export and comment blocks,
#: and the export blocks of Org 8 (``#+BEGIN_HTML``), still in older posts.
_DROPPED_BLOCKS = frozenset(
    {"src", "example", "export", "comment", "html", "latex", "ascii", "beamer", "odt", "texinfo"}
)
#: TODO keywords when a file sets none (``#+TODO:`` replaces them).
_DEFAULT_TODO = frozenset({"TODO", "DONE"})
_DEFAULT_EXCLUDED_TAGS = frozenset({"noexport"})
#: Lines about a headline's task, not prose: planning and clocks.
_TASK_LINES = ("SCHEDULED:", "DEADLINE:", "CLOSED:", "CLOCK:")
_CHECKBOXES = ("[ ]", "[X]", "[x]", "[-]")
_DRAWER = re.compile(r":[\w-]+:")
_TAG = re.compile(r"[\w@#%]+")
_FOOTNOTE_DEFINITION = re.compile(r"\[fn:[\w-]+\]")
_BLANKS = re.compile(r"[ \t]*")
_WORD = re.compile(r"[^ \t]*")
_BLANK_OR_END = ("", " ", "\t")


def read_org_blocks(text: str, name: str = "") -> list[Block]:
    """Blocks of an Org file: title, headings, prose and list items, located."""
    return _OrgReader(text).read()


class _OrgReader(LineReader):
    def __init__(self, text: str):
        super().__init__(text, read_org_objects, across_lines=True)
        self.todo = _DEFAULT_TODO
        self.todo_set_here = False  # by a #+TODO: line, which replaces the default
        self.excluded_tags = _DEFAULT_EXCLUDED_TAGS
        self.title_at: int | None = None  # index of the title block
        self.headlines: list[int] = []  # line numbers
        self.closings: dict[str, list[int]] = {}  # closing line -> its line numbers
        for number, (_, line) in enumerate(self.lines):
            if _headline_level(line):
                self.headlines.append(number)
            else:
                closing = _closing_key(line)
                if closing:
                    self.closings.setdefault(closing, []).append(number)

    def read(self) -> list[Block]:
        blocks = super().read()
        if self.title_at:  # set below headings that came first: still the title
            blocks.insert(0, blocks.pop(self.title_at))
        return blocks

    def _next(self, i: int) -> int:
        line = self.lines[i][1]
        stripped = line.strip()
        if not stripped:
            return i + 1
        level = _headline_level(line)
        if level:
            return self._headline(i, level)
        first = stripped[0]
        if first == "#" and (stripped[1:2] in ("", " ", "\t", "+")):
            return self._hash_line(i, stripped)
        if first == ":" and (_is_fixed_width(stripped) or _DRAWER.fullmatch(stripped)):
            return i + 1 if _is_fixed_width(stripped) else self._past_drawer(i, stripped)
        if _is_markup_line(line, stripped):
            return i + 1
        if stripped.startswith("\\begin{") and "}" in stripped:
            name = stripped[7 : stripped.index("}")]
            return self._past_closing(i, "\\end{" + name + "}")
        return self._paragraph(i, line, stripped)

    # -- what is dropped

    def _past_closing(self, i: int, closing: str) -> int:
        """Past the line ``closing`` that ends the construct opening at line ``i``, if it
        comes before the next headline; else only past line ``i``, as Org reads it."""
        found = self.closings.get(closing, [])
        k = bisect_right(found, i)
        if k < len(found) and found[k] < self._next_headline(i):
            return found[k] + 1
        return i + 1

    def _next_headline(self, i: int) -> int:
        k = bisect_right(self.headlines, i)
        return self.headlines[k] if k < len(self.headlines) else len(self.lines)

    def _past_drawer(self, i: int, stripped: str) -> int:
        if stripped.lower() == ":end:":
            return i + 1
        return self._past_closing(i, ":end:")

    def _past_subtree(self, i: int, level: int) -> int:
        """The first line after headline ``i``'s subtree."""
        k = bisect_right(self.headlines, i)
        while k < len(self.headlines) and _headline_level(self.lines[self.headlines[k]][1]) > level:
            k += 1
        return self.headlines[k] if k < len(self.headlines) else len(self.lines)

    def _hash_line(self, i: int, stripped: str) -> int:
        """A comment, a block's opening or closing line, or a keyword."""
        if not stripped.startswith("#+"):
            return i + 1
        lowered = stripped.lower()
        if lowered.startswith("#+begin_"):
            name = lowered[8:].split(maxsplit=1)[0] if len(lowered) > 8 else ""
            if name in _DROPPED_BLOCKS:
                return self._past_closing(i, "#+end_" + name)
            return i + 1  # quote, verse, center, special blocks: their content is read
        if lowered.startswith("#+begin:"):  # a dynamic block: a generated table, a list
            return self._past_closing(i, "#+end:")
        colon = stripped.find(":")
        if colon > 2:
            if lowered[2:colon] == "results":
                return self._past_results(i + 1)
            self._keyword(i, lowered[2:colon], colon + 1)
        return i + 1

    def _past_results(self, i: int) -> int:
        """Past the output of a code block that ``#+RESULTS:`` names: a list or lines of
        text (``:results list``, ``raw``) up to a blank line. A table, fixed-width lines,
        a block or a drawer, the other shapes of output, are dropped as they are."""
        if i >= len(self.lines):
            return i
        line = self.lines[i][1]
        content = line.lstrip()
        if not content:
            return i
        if _starts_element(line, content) and not _item_marker(content, len(line) - len(content)):
            return i
        return skip_to_blank(self.lines, i)

    def _keyword(self, i: int, key: str, value_at: int) -> None:
        """The keywords that change how the file is read; the others are dropped."""
        start, line = self.lines[i]
        lead = len(line) - len(line.lstrip())
        value = line[lead + value_at :]
        if key == "title" and self.title_at is None:
            value_start = start + len(line) - len(value.lstrip())
            if self.found.add(TITLE, [(value_start, start + len(line.rstrip()))]):
                self.title_at = len(self.found.blocks) - 1
        elif key in ("todo", "seq_todo", "typ_todo"):
            # "TODO(t)": a key to set it with; "|" parts open states from done ones.
            words = {word.split("(", 1)[0] for word in value.split() if word != "|"}
            self.todo = frozenset(words) | (self.todo if self.todo_set_here else frozenset())
            self.todo_set_here = True
        elif key == "exclude_tags":
            self.excluded_tags = frozenset(value.split())

    # -- headlines and paragraphs

    def _headline(self, i: int, level: int) -> int:
        start, line = self.lines[i]
        title_start, title_end, commented, tags = _headline_parts(line, level, self.todo)
        if commented or tags & self.excluded_tags:  # Org exports nothing of the subtree
            return self._past_subtree(i, level)
        self.found.add(HEADING, [(start + title_start, start + title_end)])
        self.found.previous_kind = HEADING  # even when empty
        if "ARCHIVE" in tags:  # exported as its headline alone
            return self._past_subtree(i, level)
        return i + 1

    def _paragraph(self, i: int, line: str, stripped: str) -> int:
        """A paragraph, a list item or a footnote definition: lines up to a blank line or
        a line that starts another element (an item: one no more indented than it)."""
        lines, n = self.lines, len(self.lines)
        indent = len(line) - len(line.lstrip())
        marker = _item_marker(stripped, indent)
        j = i + 1
        while j < n:
            following = lines[j][1]
            content = following.lstrip()
            if not content or _starts_element(following, content):
                break
            if marker and len(following) - len(content) <= indent:
                break
            j += 1
        # A footnote definition's label ("[fn:1] ...") is left out as its references are.
        self.found.add_paragraph(LIST_ITEM if marker else PROSE, self._ranges(i, j, marker))
        return j

    def _ranges(self, first: int, after: int, skip: int) -> list[tuple[int, int]]:
        """Source ranges of the text of lines ``first:after``: white space around each
        line, the first line's ``skip`` (a bullet) and a line break's ``\\\\`` left out."""
        ranges = []
        for k in range(first, after):
            line_start, content = self.lines[k]
            lead = len(content) - len(content.lstrip()) + (skip if k == first else 0)
            body = content.rstrip()
            if body.endswith("\\\\"):
                body = body[:-2].rstrip()
            ranges.append((line_start + min(lead, len(body)), line_start + len(body)))
        return ranges


def _headline_level(line: str) -> int:
    """The number of stars of a headline (stars at column 0, then a space), else 0."""
    if not line.startswith("*"):
        return 0
    stars = len(line) - len(line.lstrip("*"))
    return stars if line[stars : stars + 1] in (" ", "\t") else 0


def _headline_parts(line: str, level: int, todo: frozenset[str]) -> tuple[int, int, bool, set[str]]:
    """(title start, title end, commented, tags) of a headline: the title without the
    TODO keyword, the priority cookie (``[#A]``), ``COMMENT`` and the tags."""
    end = len(line.rstrip())
    tags: set[str] = set()
    if line[end - 1 : end] == ":":
        space = max(line.rfind(" ", level, end), line.rfind("\t", level, end))
        names = line[space + 1 : end - 1]
        if names.startswith(":") and all(_TAG.fullmatch(name) for name in names[1:].split(":")):
            tags = set(names[1:].split(":"))
            end = len(line[:space].rstrip())
    position = _skip_blanks(line, level + 1, end)
    word = _WORD.match(line, position, end)
    word_end = word.end() if word else position
    if line[position:word_end] in todo:
        position = _skip_blanks(line, word_end, end)
    cookie = line[position : position + 4]  # a priority: [#A]
    if len(cookie) == 4 and cookie.startswith("[#") and cookie[3] == "]":
        if line[position + 4 : position + 5] in _BLANK_OR_END:
            position = _skip_blanks(line, position + 4, end)
    commented = line.startswith("COMMENT", position)
    commented = commented and line[position + 7 : position + 8] in _BLANK_OR_END
    return min(position, end), end, commented, tags


def _skip_blanks(line: str, position: int, end: int) -> int:
    blanks = _BLANKS.match(line, position, end)  # none when position is past the end
    return blanks.end() if blanks else position


def _closing_key(line: str) -> str | None:
    """The key of a line that may close a block (``#+end_src``), a dynamic block
    (``#+end:``), a drawer (``:end:``) or a LaTeX environment (``\\end{align}``)."""
    stripped = line.strip()
    if stripped[:1] in ("#", ":"):
        lowered = stripped.lower()
        if lowered.startswith("#+end") or lowered == ":end:":
            return lowered
    elif stripped.startswith("\\end{"):
        return stripped
    return None


def _is_fixed_width(stripped: str) -> bool:
    return stripped == ":" or stripped[1:2] in (" ", "\t")


def _is_markup_line(line: str, stripped: str) -> bool:
    """A table row (org or table.el), a horizontal rule, a planning or clock line, a
    diary expression: dropped, line by line."""
    return (
        stripped[0] == "|"
        or (stripped.startswith("+-") and not stripped.strip("+-"))
        or (len(stripped) >= 5 and not stripped.strip("-"))
        or stripped.startswith(_TASK_LINES)
        or line.startswith("%%(")
    )


def _item_marker(stripped: str, indent: int) -> int:
    """Width of the bullet (``- ``, ``+ ``, an indented ``* ``, ``1. ``, ``1) ``), with a
    counter (``[@3]``) and a checkbox (``[X]``) after it, or 0."""
    first = stripped[0]
    if first in "-+*":
        if first == "*" and indent == 0:
            return 0
        width = 1
    else:
        width = len(stripped) - len(stripped.lstrip("0123456789"))
        if not width or stripped[width : width + 1] not in (".", ")"):
            return 0
        width += 1
    if stripped[width : width + 1] not in _BLANK_OR_END:
        return 0
    width = _skip_blanks(stripped, width, len(stripped))
    if stripped.startswith("[@", width):
        close = stripped.find("]", width, width + 12)
        if close > 0:
            width = _skip_blanks(stripped, close + 1, len(stripped))
    if stripped[width : width + 3] in _CHECKBOXES:
        width = _skip_blanks(stripped, width + 3, len(stripped))
    return width


def _starts_element(line: str, content: str) -> bool:
    """Whether a line ends the paragraph above it: a headline, an item, a block, a
    keyword, a comment, a drawer, a table, a rule, an environment, a footnote."""
    first = content[0]
    if first == "#":
        return content[1:2] in ("", " ", "\t", "+")
    if first == ":":
        return _is_fixed_width(content) or _DRAWER.fullmatch(content.rstrip()) is not None
    return (
        _headline_level(line) > 0
        or _item_marker(content, len(line) - len(content)) > 0
        or _is_markup_line(line, content.rstrip())
        or content.startswith("\\begin{")
        or _FOOTNOTE_DEFINITION.match(line) is not None
    )
