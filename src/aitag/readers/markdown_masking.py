"""What CommonMark does not know, blanked out of Markdown in place before parsing.

Front matter, Hugo shortcodes, Jekyll/Liquid tags, MDX ``{/* comments */}``, ``:::``
admonition fences, GitHub alert labels (``> [!NOTE]``), abbreviation definitions
(``*[HTML]: ...``) and MyST's markup around prose
(directive fences and options, cell breaks, role names, LaTeX environments) become
spaces of the same length (line breaks kept), so the parser's offsets are the source's;
MkDocs admonition markers become list items in place, so their indented bodies are prose.
The front matter's title is kept, located. MDX ``import``/``export`` statements are only
found here; the reader drops those that open a paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate, chain
from typing import NamedTuple

from .located import MappedText

_NOT_NEWLINE = re.compile(r"[^\n]")
_FRONT_FENCES = {"---": ("---", "..."), "+++": ("+++",)}
_TITLE = re.compile(r"^\s*title\s*[:=]\s*(.*?)\s*$", re.IGNORECASE)
# Openings and closings of Hugo shortcodes ({{< >}}, {{% %}}), Liquid tags ({% %}) and
# output ({{ }}); paired in one pass, so unclosed ones cost nothing.
# Template tags whose whole range (up to the matching end tag) is code, not prose:
# {{< highlight go >}} ... {{< /highlight >}}, {% raw %} ... {% endraw %}.
_CODE_TAGS = re.compile(
    r"(?:\{%|\{\{[<%])\s*(?P<close>/|end)?\s*(?P<name>highlight|code|raw|comment|katex|math|mermaid)\b",
    re.IGNORECASE,
)
# What opens a template tag or an MDX comment: one regex scan tells whether a file has
# any (faster than a substring test for each).
_BRACE_MARK = re.compile(r"\{[{%/]")
#: A template tag longer than this is taken for a stray brace, not a tag.
_LONGEST_TAG = 2000
# A JSX tag whose attributes are written as expressions, not strings, as MDX (and
# Docusaurus's Markdown) writes them: <img src={require('./a.png').default} />,
# <Tabs values={[{label: 'A', value: 'a'}]}>, <Card {...props} />. CommonMark's HTML knows
# only quoted and bare values, so such a tag was read as prose. Each expression is
# blanked and written over as an empty quoted value (a spread, as an attribute name), so
# the parser sees HTML it knows. A tag (with its expressions) longer than this is taken
# for a stray "<", not a tag.
_JSX_TAG = re.compile(r"<[A-Za-z][\w.:-]*(?=[\s/>{])")
_JSX_TAG_STOP = re.compile(r"[>\"'{<]")
_JSX_EXPRESSION_STOP = re.compile(r"[{}\"'`]")
_LONGEST_JSX_TAG = 4000
# An MDX import/export: a line that opens with the word, up to the next blank line. Lines
# are found after their line break (a literal the regex engine scans for fast).
_ESM_LINE = re.compile(r"\n(?=(?:import|export)\s)")
_ESM = re.compile(r"(?:import|export)\s[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*")
# A directive fence of three colons or more on a line of its own, as Docusaurus,
# Starlight, VitePress and MyST write admonitions (":::note", ":::tip[Title]", ":::"):
# markup around prose, not prose (the prose between the fences is read).
_COLON_FENCE = re.compile(r"^[ \t]*:{3,}(?:[ \t]*[{\w][^\n]*)?[ \t]*$", re.MULTILINE)
# Python-Markdown (MkDocs) admonitions, collapsible blocks and content tabs: the marker
# line ('!!! note "Title"', '??? tip', '=== "Python"') opens a body indented four spaces,
# which CommonMark would read as code once a blank line comes between. The marker is
# rewritten in place as a list item whose text starts no further right than the body's
# indent ("+   note Title"), so the body is read as the item's paragraphs, as MkDocs
# renders it. A four-character marker ('???+ tip', '===! "Tab"') keeps its second
# character as the item's text ("+ ? tip"), for its word starts a column too far right.
# A marker not followed by one space and a word or a quote stays text.
_MKDOCS_BLOCK = re.compile(r"^( *)(?:!!!|\?\?\?\+?|===!?) (?=[A-Za-z\"])([^\n]*)$", re.MULTILINE)
# A MyST directive whose body is prose, fenced like code ("```{note}" ... "```"): its
# fences and options (":class: tip") are blanked, so the body is read.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^\n]*)$", re.MULTILINE)
_MYST_PROSE = re.compile(
    r"\{(?:admonition|attention|caution|danger|dropdown|epigraph|error|hint|important"
    r"|margin|note|seealso|sidebar|tip|topic|warning)\}",
    re.IGNORECASE,
)
_MYST_OPTION = re.compile(r"[ \t]*:[\w-]+:[^\n]*\n")
_CELL_BREAK = re.compile(r"^\+\+\+(?:[ \t]*\{[^\n]*)?[ \t]*$", re.MULTILINE)
# A LaTeX environment on lines of its own (MyST's amsmath: "\begin{align*}"): math.
# Only one that opens a block (after a blank line): inside "$$" it is the math's own.
_BEGIN = re.compile(r"(?:\A|\n[ \t]*\n)[ \t]*(\\begin\{([A-Za-z]+\*?)\})")
_END = re.compile(r"\\end\{([A-Za-z]+\*?)\}")
# A MyST role's name before its backquoted content ("{ref}`intro`"): markup.
_MYST_ROLE = re.compile(r"\{[A-Za-z][\w:.-]*\}(?=`)")
# Attribute lists, which kramdown (Jekyll's and GitHub Pages' Markdown), Pandoc and
# Quarto, Python-Markdown's attr_list and Docusaurus heading ids add to CommonMark:
# "{:target="_blank"}" after a link, "{: .note}" after a paragraph, "[text]{.smallcaps}",
# "![chart](a.png){#fig-a width=80%}", "## Setup {#setup}". Markup, never shown as text.
# Candidates are short and on one line (a bounded class, no backtracking); what they
# hold is checked word by word (_ATTRIBUTE) in Python.
_ATTRIBUTE_LIST = re.compile(r"\{(:?)([^{}\n]{1,200})\}")
_NEWLINE = re.compile("\n")
_LINE_LEAD = re.compile(r"[ \t>]*")
_LINE_END = re.compile(r"[ \t\r]*(?:\n|\Z)")
_ATTRIBUTE = re.compile(
    r"""[ \t]*(?:[#.][\w-]+|[\w-]+=(?:"[^"\n]*"|'[^'\n]*'|[^\s"'}]+)|(?P<word>[\w-]+))"""
)
# An abbreviation's definition (Python-Markdown, PHP Markdown Extra):
# "*[HTML]: Hyper Text Markup Language", a glossary line the page never shows as text.
_ABBREVIATION = re.compile(r"^ {0,3}\*\[[^\]\n]+\]:[^\n]*$", re.MULTILINE)
# The type of a GitHub alert, "> [!NOTE]" on a quote's first line: a label, not prose
# (the quote's text is read). DocFX (Microsoft Learn) writes more on such lines: a
# styled block ("> [!div class="nextstepaction"]"), a video ("> [!VIDEO url]") and an
# include ("> [!INCLUDE [title](path)]"): markup, never shown as text. (An include on
# a line of its own outside a quote is a line of a link alone, context already.)
_ALERT = re.compile(
    r"^[ \t]*>[ \t]*"
    r"(\[!INCLUDE[ \t]*\[[^\]\n]*\]\([^)\n]*\)\]|\[![A-Za-z]+(?:[ \t]+[^\]\n]*)?\])[ \t]*$",
    re.MULTILINE,
)
# What opens a line of any of the marks above (after spaces or a quote's ">"): found in
# one scan from each line break, which the regex engine looks for fast.
_MARKS = r"[ \t>]*(:::|\+\+\+|!!!|\?\?\?|===|\*\[|\\begin\{|\[!|```[ \t]*\{|~~~[ \t]*\{)"
_LINE_MARK = re.compile(r"\n" + _MARKS)
_LINE_MARK_AT_START = re.compile(_MARKS)
# LaTeX math as MathJax and KaTeX find it in a rendered page, which CommonMark does not
# know: inline "\(x\)" and displayed "\[x\]" (written "\\(" where the Markdown
# renderer eats a backslash), and "$ x_1 $" with a space after the opening, which the
# parser's "$" math refuses. Each stays within a paragraph (no blank line) and a bounded
# length.
# "\[" alone is also an escaped bracket ("\[1\]", "\[Edit: ...\]"), and "$ ... $" may
# be two prices, so those two count as math only when their content reads as math.
# What math never spans: a backquote (code's), a blank line; "$ ... $", a line break or
# another "$" (the "$ " that closes "$x$" in "$x$ and $y$" is no opening).
_PARAGRAPH_BREAK = re.compile(r"`|\n[ \t]*\n")
_DOLLAR_BREAK = re.compile(r"[`\n$]")
_BACKQUOTE = re.compile(r"`")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class _MathKind(NamedTuple):
    """One way of writing math: an ``opening`` closed by the first ``closing`` after it."""

    sign: str  # a text without this character has none (a fast test, done first)
    marks: tuple[str, ...]  # nor, without one of these, any of this kind
    opening: re.Pattern
    closing: re.Pattern
    longest: int  # characters of content at most
    never_spanned: re.Pattern  # what the content never holds
    inline: bool  # inline math leaves a placeholder; displayed math goes
    must_read_as_math: bool
    # Only math whose content holds a blank line: the parser reads the rest itself.
    only_across_paragraphs: bool = False

    def accepts(self, content: str) -> bool:
        """Whether content found between an opening and its closing is math to mask."""
        if self.only_across_paragraphs and not _BLANK_LINE.search(content):
            return False
        return not self.must_read_as_math or _MATHY.search(content) is not None


_MATH_KINDS = (
    _MathKind(
        "\\",
        ("\\(",),
        re.compile(r"(?<!\\)\\{1,2}\("),
        re.compile(r"\\{1,2}\)"),
        400,
        _PARAGRAPH_BREAK,
        True,
        False,
    ),
    _MathKind(
        "\\",
        ("\\[",),
        re.compile(r"(?<!\\)\\{1,2}\["),
        re.compile(r"\\{1,2}\]"),
        2000,
        _PARAGRAPH_BREAK,
        False,
        True,
    ),
    # Doxygen's math in Markdown pages (C++ projects' docs): inline "\f$x\f$", displayed
    # "\f[ ... \f]"; nothing else is written so.
    _MathKind(
        "\\",
        ("\\f$",),
        re.compile(r"\\f\$"),
        re.compile(r"\\f\$"),
        2000,
        _PARAGRAPH_BREAK,
        True,
        False,
    ),
    _MathKind(
        "\\",
        ("\\f[",),
        re.compile(r"\\f\["),
        re.compile(r"\\f\]"),
        2000,
        _PARAGRAPH_BREAK,
        False,
        False,
    ),
    # The literal "$" first in each pattern: a regex opening with a lookbehind or a class
    # tries every position, and is many times slower.
    _MathKind(
        "$",
        ("$ ", "$\t"),
        re.compile(r"\$(?<![^\s(\[]\$)[ \t]+"),
        re.compile(r"\$(?![\w$])"),
        400,
        _DOLLAR_BREAK,
        True,
        True,
    ),
    # "$$" display math is the parser's own, but a blank line inside it (between the
    # lines of an "aligned" environment, as research blogs write) ends the paragraph the
    # parser reads it in, and the equations became prose. It opens a line and its close
    # ends one.
    _MathKind(
        "$",
        ("$$",),
        re.compile(r"\$\$(?<![^\n]\$\$)"),
        re.compile(r"\$\$(?=[ \t]*(?:\n|\Z))"),
        5000,
        _BACKQUOTE,
        False,
        True,
        only_across_paragraphs=True,
    ),
)
# Backquotes and line breaks: a line's backquotes tell whether inline code is open.
_LINE_BREAK = re.compile(r"[`\n]")
# Content that reads as math: a command ("\frac", or spacing: "\,", "\;"), a sub- or
# superscript, braces, an equation.
_MATHY = re.compile(r"\\[A-Za-z,;:!]|[\^_{}=]")


def masked_markdown(text: str) -> tuple[str, MappedText | None]:
    """``text`` with front matter, template tags and MDX comments blanked, and the title.

    Blanking keeps every character's offset: each masked character becomes a space, and
    line breaks stay, so the parser's offsets are the source's. MDX imports and exports
    are not blanked here but dropped by the reader, which knows where paragraphs begin.
    """
    spans: list[tuple[int, int]] = []
    title = None
    front = _front_matter(text)
    if front:
        spans.append(front)
        title = _front_title(text, *front)
    written: list[tuple[int, str]] = []
    spans.extend(_markup_spans(text, written))
    _add_latex_math(text, spans, written)
    if not spans:
        return text, title
    return _blanked(text, spans, written), title


def _markup_spans(text: str, written: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """Spans of the markup CommonMark does not know, and (into ``written``) the
    characters written over some of them: the bullet of a MkDocs marker's list item, the
    backquotes that make inline LaTeX math a code span.

    Most files have none of it: one scan finds the lines that open with any of the marks
    (faster than a substring test for each), and each kind is then matched only at its
    own lines.
    """
    spans: list[tuple[int, int]] = []
    if _BRACE_MARK.search(text):
        spans.extend(_template_spans(text))
        spans.extend(_jsx_comments(text))
    lines = _marked_lines(text)
    for kind, starts in lines.items():
        if kind in ("!!!", "???", "==="):
            written.extend((at, "+") for at in _mkdocs_blocks(text, starts, spans))
        elif kind in _AT_LINE:
            collect = _AT_LINE[kind]
            for start in starts:
                spans.extend(collect(text, start))
    if "\\be" in lines:
        spans.extend(_math_environments(text))
    if "```" in lines or "~~~" in lines:
        spans.extend(_myst_prose_fences(text))
    if "}`" in text:
        spans.extend(match.span() for match in _MYST_ROLE.finditer(text))
    if "{" in text:
        spans.extend(_brace_spans(text, written))
    return spans


def _brace_spans(text: str, written: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """Spans of attribute lists and of JSX attributes' expressions."""
    spans = _attribute_list_spans(text, written)
    if "={" in text or "{..." in text:
        spans.extend(_jsx_expression_spans(text, written))
    return spans


def _jsx_expression_spans(text: str, written: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """Spans of the expressions in JSX tags' attributes; over each, into ``written``, the
    quotes of an empty value (``src={x}`` reads ``src="  "``) or, for a spread
    (``{...props}``), an attribute's name.

    Each character is scanned once: a tag that does not close within its bound is left
    as it is, and the search for the next tag goes on after what was scanned.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    while (tag := _JSX_TAG.search(text, position)) is not None:
        limit = min(len(text), tag.start() + _LONGEST_JSX_TAG)
        found, at = _jsx_tag_expressions(text, tag.end(), limit)
        for start, end, spread in found or ():
            spans.append((start, end))
            written.extend([(start, "_")] if spread else [(start, '"'), (end - 1, '"')])
        position = max(at, tag.end())
    return spans


def _jsx_tag_expressions(
    text: str, at: int, limit: int
) -> tuple[list[tuple[int, int, bool]] | None, int]:
    """The expressions (start, end, whether a spread) of the tag whose attributes begin
    at ``at``, and where the scan stopped; None when it is no JSX tag: it does not close
    before ``limit``, or a brace stands where neither a value nor a spread can ("a<b and
    {x} > c" in prose)."""
    found: list[tuple[int, int, bool]] = []
    while (stop := _JSX_TAG_STOP.search(text, at, limit)) is not None:
        mark, at = stop.group(), stop.end()
        if mark == ">":
            return found, at
        if mark == "<":  # another tag opens: this one was no tag
            return None, stop.start()
        if mark == "{":
            spread = text.startswith("{...", stop.start())
            if not spread and not text[max(0, at - 80) : stop.start()].rstrip().endswith("="):
                return None, at
            end = _expression_end(text, stop.start(), limit)
        else:  # a quoted value
            end = text.find(mark, at, limit) + 1
        if end <= 0:
            return None, limit
        if mark == "{":
            found.append((stop.start(), end, spread))
        at = end
    return None, limit


def _expression_end(text: str, start: int, limit: int) -> int:
    """Where the braces opened at ``start`` close (strings inside skipped), or -1."""
    depth, at = 0, start
    while (stop := _JSX_EXPRESSION_STOP.search(text, at, limit)) is not None:
        mark, at = stop.group(), stop.end()
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth -= 1
            if depth == 0:
                return at
        else:
            close = text.find(mark, at, limit)
            if close == -1:
                return -1
            at = close + 1
    return -1


def _attribute_list_spans(text: str, written: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """Spans of attribute lists; one inside a sentence is made an empty code span of its
    length (backquotes into ``written``), so the reader leaves a placeholder."""
    spans = []
    for start, end, inline in _attribute_lists(text):
        spans.append((start, end))
        if inline:
            written.extend([(start, "`"), (end - 1, "`")])
    return spans


def _attribute_lists(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, inline) of attribute lists where the dialects that have them put them.

    Attached to what they qualify (after a link's ")", a span's "]", emphasis), or ending
    a line: kramdown's "{: ...}" after a block or on a line of its own, any kind after a
    heading. Braces in prose ("a set {a, b}") and in code ("{:ok, value}") hold other
    words and stay. One inside a sentence becomes an empty code span (``inline``), so it
    leaves one placeholder word, not a run of spaces that counts as many words; at the
    end of a line it is blanked, as the parser drops the spaces that end a line.
    """
    in_code = None
    lines = None  # where lines start, found once there is a candidate
    leads: dict[int, int] = {}  # line start -> where its text begins (after blanks, ">")
    for found in _ATTRIBUTE_LIST.finditer(text):
        start, end = found.span()
        kramdown = bool(found.group(1))
        if not _are_attributes(found.group(2), words=kramdown):
            continue
        # Each test reads a bounded stretch: a line's start is bisected, its lead found
        # once, the rest of the line read only as far as its blanks go.
        if lines is None:
            lines = [0] + [hit.end() for hit in _NEWLINE.finditer(text)]
        line_start = lines[bisect_right(lines, start) - 1]
        if line_start not in leads:
            leads[line_start] = _LINE_LEAD.match(text, line_start).end()  # type: ignore[union-attr]
        lead = leads[line_start]
        ends_line = _LINE_END.match(text, end) is not None
        if lead >= start and ends_line:
            if kramdown:  # a block's attributes on a line of their own
                yield start, end, False
        elif ends_line and (kramdown or text.startswith("#", lead) or text[start - 1] in ")]*_"):
            yield start, end, False
        elif text[start - 1] in ")]*_":
            in_code = in_code or _code_span_test(text)
            if not in_code(start):
                yield start, end, True


def _are_attributes(content: str, words: bool) -> bool:
    """Whether ``content`` is attributes only: "#id", ".class", "key=value" (and, after
    kramdown's colon, a bare name: "{:toc}", a reference to attributes defined elsewhere)."""
    position, count = 0, 0
    stripped = content.rstrip()
    while position < len(stripped):
        match = _ATTRIBUTE.match(stripped, position)
        if not match or (match.group("word") and not words):
            return False
        position, count = match.end(), count + 1
    return count > 0


def _add_latex_math(
    text: str, spans: list[tuple[int, int]], written: list[tuple[int, str]]
) -> None:
    """Add the spans of LaTeX math that CommonMark does not know to ``spans``.

    Displayed math is blanked. Inline math becomes an empty code span of its own length
    (backquotes at its two ends, in ``written``), so the parser leaves a placeholder
    where it was, as for ``$x$``. Math that overlaps other markup (front matter, a
    template tag) is left to that markup; math inside inline code, or touching a
    backquote, is code's.
    """
    found = []
    for kind in _MATH_KINDS:
        if kind.sign not in text or not any(mark in text for mark in kind.marks):
            continue
        for start, end, content in _paired(text, kind):
            if kind.accepts(content):
                # Inline math on lines of its own is displayed: blanked, not a placeholder
                # (an empty code span across lines broke the paragraph into backquotes).
                alone = "\n" in content and _on_own_lines(text, start, end)
                found.append((start, end, kind.inline and not alone))
    if not found:
        return
    taken = sorted(spans)
    starts = [start for start, _ in taken]
    reach = list(accumulate((end for _, end in taken), max))  # furthest end so far
    in_code = _code_span_test(text)
    for start, end, inline in found:
        before = bisect_left(starts, end) - 1  # the last span opening before ``end``
        if before >= 0 and reach[before] > start:
            continue
        if in_code(start) or "`" in text[start - 1 : start] + text[end : end + 1]:
            continue
        spans.append((start, end))
        if inline:
            written.extend([(start, "`"), (end - 1, "`")])


def _on_own_lines(text: str, start: int, end: int) -> bool:
    """Whether only blanks stand between the line's start and ``start``, and between
    ``end`` and the line's end (looked for within a bounded stretch: linear time)."""
    line_start = text.rfind("\n", max(0, start - 200), start) + 1
    line_end = text.find("\n", end, end + 200)
    if (line_start == 0 and start > 200) or (line_end == -1 and len(text) > end + 200):
        return False
    after = text[end : len(text) if line_end == -1 else line_end]
    return not text[line_start:start].strip() and not after.strip()


def _paired(text: str, kind: _MathKind) -> Iterator[tuple[int, int, str]]:
    """(start, end, content) of each math of this kind: an opening closed by the first
    closing after it, within the longest content and with nothing it never spans between.

    The first closing is searched for again only once an opening lies past it, so the
    text is read once however many openings are never closed.
    """
    breaks: list[int] | None = None  # where ``never_spanned`` matches, once there is a pair
    closer: re.Match | None = None
    position = 0  # where the last math ended: an opening inside it is its content
    for found in kind.opening.finditer(text):
        start, inner = found.span()
        if start < position:
            continue
        if closer is None or closer.start() < inner:
            closer = kind.closing.search(text, inner)
            if closer is None:  # nor can any later opening close
                return
        if kind.only_across_paragraphs:
            # "$$" lines pair up in turn: a close refused here opens nothing either.
            position = closer.end()
        if not 0 < closer.start() - inner <= kind.longest:
            continue
        if breaks is None:
            breaks = [hit.start() for hit in kind.never_spanned.finditer(text)]
        if bisect_left(breaks, closer.start()) > bisect_left(breaks, inner):
            continue
        position = closer.end()
        yield start, position, text[inner : closer.start()]


def _code_span_test(text: str) -> Callable[[int], bool]:
    """A test of whether an offset follows an odd number of backquotes on its line, that
    is, lies inside inline code: counted once for the whole text, then each test is a
    lookup."""
    line_breaks = [found.start() for found in _LINE_BREAK.finditer(text)]  # and backquotes
    ticks, at_line_start, count, line_count = [0], [0], 0, 0
    for offset in line_breaks:
        if text[offset] == "`":
            count += 1
        else:
            line_count = count
        ticks.append(count)
        at_line_start.append(line_count)

    def inside(at: int) -> bool:
        index = bisect_left(line_breaks, at)
        return (ticks[index] - at_line_start[index]) % 2 == 1

    return inside


def _marked_lines(text: str) -> dict[str, list[int]]:
    """Where each line opening with a mark starts, by the mark's first three characters."""
    lines: dict[str, list[int]] = {}
    first = _LINE_MARK_AT_START.match(text)
    if first:
        lines.setdefault(first.group(1)[:3], []).append(0)
    for mark in _LINE_MARK.finditer(text):
        lines.setdefault(mark.group(1)[:3], []).append(mark.start() + 1)
    return lines


def _matched(pattern: re.Pattern, group: int = 0):
    """A collector of the span (or a group's span) of ``pattern`` matched at a line."""

    def collect(text: str, start: int) -> list[tuple[int, int]]:
        match = pattern.match(text, start)
        return [match.span(group)] if match else []

    return collect


def _blanked(text: str, spans: list[tuple[int, int]], written: list[tuple[int, str]]) -> str:
    """``text`` with the spans blanked, then each of ``written``'s characters at its offset."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        start = max(start, position)
        if start >= end:
            continue
        pieces.append(text[position:start])
        pieces.append(as_blanks(text[start:end]))
        position = end
    pieces.append(text[position:])
    masked = "".join(pieces)
    if written:
        chars = list(masked)
        for at, character in written:
            chars[at] = character
        masked = "".join(chars)
    return masked


def _colon_fence(text: str, start: int) -> list[tuple[int, int]]:
    """The span of a ``:::`` fence at a line, and of the options (``:class: tip``) after
    an opening."""
    fence = _COLON_FENCE.match(text, start)
    if fence is None:
        return []
    spans = [fence.span()]
    if fence.group().strip(" \t:"):  # an opening names its directive
        options = body = fence.end() + 1
        while (option := _MYST_OPTION.match(text, options)) is not None:
            options = option.end()
        if options > body:
            spans.append((body, options))
    return spans


def _math_environments(text: str) -> Iterator[tuple[int, int]]:
    """Spans of LaTeX environments from ``\\begin{name}`` opening a block to the line of
    its ``\\end{name}``; an environment never closed is left as it is.

    Every ``\\end{...}`` is found once, in one scan; each opening looks up the first end
    of its name after it, so the reading stays linear however the names mix.
    """
    ends: dict[str, list[int]] = {}
    for end in _END.finditer(text):
        ends.setdefault(end.group(1), []).append(end.start())
    position = 0
    for begin in _BEGIN.finditer(text):
        found = ends.get(begin.group(2), [])
        after = bisect_left(found, begin.end())
        if begin.start(1) < position or after == len(found):
            continue
        line_end = text.find("\n", found[after])
        position = len(text) if line_end == -1 else line_end
        yield begin.start(1), position


def _myst_prose_fences(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the fences and options of MyST directives whose body is prose.

    One pass over the fence lines, with a stack of the open fences: a prose directive's
    body is Markdown (a fence in it opens), a code block's is not (only its closing
    fence counts), as CommonMark reads them.
    """
    open_fences: list[tuple[str, int, bool, int, int]] = []  # char, length, prose, span
    for line in _FENCE.finditer(text):
        fence, info = line.group(1), line.group(2).strip()
        top = open_fences[-1] if open_fences else None
        if top and not info and fence[0] == top[0] and len(fence) >= top[1]:
            open_fences.pop()
            if top[2]:
                yield top[3], top[4]
                yield line.start(), line.end()
        elif top is None or top[2]:
            prose = _MYST_PROSE.match(info) is not None
            open_fences.append((fence[0], len(fence), prose, line.start(), line.end()))
            if prose:
                options = body = line.end() + 1
                while (option := _MYST_OPTION.match(text, options)) is not None:
                    options = option.end()
                if options > body:
                    yield body, options


def _mkdocs_blocks(text: str, starts: list[int], spans: list[tuple[int, int]]) -> list[int]:
    """Blank each MkDocs marker at these lines and the quotes of its title (added to
    ``spans``); the offsets where a list bullet takes the marker's place."""
    bullets = []
    for line in starts:
        match = _MKDOCS_BLOCK.match(text, line)
        if match is None:
            continue
        marker = match.start() + len(match.group(1))
        width = match.start(2) - 1 - marker
        if width == 4:  # "???+": keep "?" at the item's text column, blank the rest
            spans.extend([(marker, marker + 2), (marker + 3, marker + 4)])
        else:
            spans.append((marker, marker + 3))
        bullets.append(marker)
        rest, rest_start = match.group(2), match.start(2)
        if rest.startswith('"'):  # a tab's label: its opening quote is the item's text
            rest, rest_start = rest[1:], rest_start + 1
        for quote in (rest.find('"'), rest.rfind('"')):
            if quote >= 0:
                spans.append((rest_start + quote, rest_start + quote + 1))
    return bullets


def _jsx_comments(text: str) -> Iterator[tuple[int, int]]:
    """Spans of MDX comments, ``{/* ... */}``: each opening closes at the next ``*/}``."""
    position = text.find("{/*")
    while position != -1:
        end = text.find("*/}", position + 3)
        if end == -1:  # no later opening can close either
            return
        yield position, end + 3
        position = text.find("{/*", end + 3)


def esm_statements(text: str) -> dict[int, int]:
    """Start -> end of each line that opens with ``import``/``export``, to a blank line."""
    found: dict[int, int] = {}
    end = -1
    starts = (line.end() for line in _ESM_LINE.finditer(text))
    for start in chain([0], starts) if text.startswith(("import", "export")) else starts:
        if start >= end:  # a statement's own later lines open none
            statement = _ESM.match(text, start)
            if statement:
                end = statement.end()
                found[start] = end
    return found


def as_blanks(text: str) -> str:
    """``text`` as spaces, its line breaks kept: the same length, so offsets hold."""
    return _NOT_NEWLINE.sub(" ", text)


def _front_matter(text: str) -> tuple[int, int] | None:
    """(start, end) of YAML (---) or TOML (+++) front matter opening the file, if any.

    Blank lines before it are allowed: some generators write them.
    """
    start = len(text) - len(text.lstrip())
    line_end = text.find("\n", start)
    first_line = text[start : line_end if line_end != -1 else len(text)].strip()
    if first_line not in _FRONT_FENCES:
        return None
    position = text.find("\n", start)
    closers = _FRONT_FENCES[first_line]
    while position != -1:
        line_end = text.find("\n", position + 1)
        line = text[position + 1 : line_end if line_end != -1 else len(text)]
        if line.strip() in closers:
            return start, (line_end if line_end != -1 else len(text))
        position = line_end
    return None


def _front_title(text: str, start: int, end: int) -> MappedText | None:
    offset = start
    for line in text[start:end].split("\n"):
        match = _TITLE.match(line)
        if match and match.group(1):
            value_start = offset + match.start(1)
            value = match.group(1)
            quote = value[:1]
            if quote in "\"'" and value.endswith(quote) and len(value) > 1:
                return MappedText.identity(value[1:-1], value_start + 1)
            return MappedText.identity(value, value_start)
        offset += len(line) + 1
    return None


def _template_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of template tags, and of code-like tag pairs with all they enclose."""
    if "{{" not in text and "{%" not in text:
        return
    code: tuple[int, int] | None = None  # the open code tag waiting for its end tag
    for opened, closing, end in _tags(text):
        if closing - opened > _LONGEST_TAG:  # a stray "{{" far before: not a tag
            continue
        tag = _CODE_TAGS.match(text, opened)
        if tag is None:
            if code is None:
                yield opened, end
        elif tag.group("close") is None:
            if code is None:
                code = (opened, end)
        elif code is not None:
            yield code[0], end
            code = None
        else:
            yield opened, end
    if code is not None:  # never closed: only the tag itself is template
        yield code


def _tags(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, start of the closing, end) of each opening paired with the next closing.

    Openings are ``{{<``, ``{{%``, ``{{`` and ``{%``; closings ``>}}``, ``%}}``, ``}}``
    and ``%}``, found left to right without overlap. Each mark's next place is
    remembered, and searched for again only once the scan has passed it: the scan is
    linear however the marks mix.
    """
    nearest: dict[str, int] = {}
    missing = len(text) + 1

    def next_of(mark: str, position: int) -> int:
        found = nearest.get(mark, -1)
        if found < position:
            found = text.find(mark, position)
            nearest[mark] = found = missing if found == -1 else found
        return found

    position = 0
    while True:
        opened = min(next_of("{{", position), next_of("{%", position))
        if opened == missing:
            return
        search = opened + (3 if text.startswith(("{{<", "{{%"), opened) else 2)
        while True:
            braces, percent = next_of("}}", search), next_of("%}", search)
            if percent < braces and text[percent - 1] == "{":  # "{%}": an opening's "%"
                search = percent + 1
                continue
            break
        if percent < braces:
            closing, end = percent, percent + (3 if text.startswith("%}}", percent) else 2)
        elif braces != missing:
            closing = braces - 1 if braces > search and text[braces - 1] == ">" else braces
            end = braces + 2
        else:
            return
        yield opened, closing, end
        position = end


#: The collectors of the marks matched at their own lines (by the mark's first three
#: characters); MkDocs markers, math and MyST fences are handled apart.
_AT_LINE = {
    ":::": _colon_fence,
    "+++": _matched(_CELL_BREAK),
    "*[": _matched(_ABBREVIATION),
    "[!": _matched(_ALERT, 1),
}
