"""Org objects in a paragraph, an item or a headline, read into located pieces.

What Org renders as text stays text; the rest is left out or stands as a placeholder.
``~code~``, ``=verbatim=``, inline source (``src_python{...}``), macros and inline
math (``$x$``, ``\\(x\\)``) become the placeholder; ``*bold*``, ``/italic/``,
``_underline_`` and ``+strike+`` keep their text without the markers; a link keeps its
description (or, without one, its target), marked as a link, and so do angle and plain
links; an image link, a footnote reference, a target (``<<id>>``), an export snippet
(``@@hugo:...@@``), a statistics cookie (``[2/3]``) and displayed math (``\\[x\\]``,
``$$x$$``) are left out. The text of an inline footnote (``[fn::text]``) is read where it
stands.

The rules for where markup opens and closes are Org's (the syntax document on Worg and
``org-emphasis-regexp-components``): a marker opens after white space or one of
``-('"{``, before a character that is not white space, and closes after one that is not
white space, before white space, punctuation or the end.

One pass, forward only: each closing mark is searched for from where the object that
needs it begins, and the answer is kept for the objects after it, so a paragraph of a
million ``~`` or ``[[`` that never close is read in linear time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from heapq import heappop, heappush

from .lineblocks import InlinePieces
from .located import LINK

#: org-ref's plain links: citations and references (read as a placeholder), and the
#: bibliography and labels (not shown where they stand).
_CITATION_LINK = r"(?:[cC]ite[a-z]*|(?:eq|auto|page|name|c|C)?ref)"
_UNSHOWN_LINK = r"(?:bibliography(?:style)?|nocite|label)"
_UNSHOWN_LINK_TYPE = re.compile(_UNSHOWN_LINK)
#: Where an object may begin.
_OPENING = re.compile(
    rf"[*/_+=~\[\]<$\\@{{]|src_|https?://|(?<![\w-])(?:{_CITATION_LINK}|{_UNSHOWN_LINK}):"
)
#: Markup whose text is kept, without its markers.
_MARKUP = "*/_+"
#: Verbatim and code: a placeholder.
_VERBATIM = "=~"
#: What may stand before an opening marker and after a closing one. The markers
#: themselves are added: nested markup (``*see =x=*``) closes where Org, which reads the
#: inner markup apart, closes it.
_BEFORE = frozenset("-('\"{" + _MARKUP + _VERBATIM)
_AFTER = frozenset("-.,;:!?')}[\"\\" + _MARKUP + _VERBATIM)
#: Markup spans at most two lines (one line break), as Org reads it by default.
_MARKUP_LINE_BREAKS = 1
#: ``$...$`` spans at most three lines.
_MATH_LINE_BREAKS = 2
#: A target (``<<id>>``) or radio target is a short name; a link in angles, an address.
_LONGEST_TARGET = 200
_LONGEST_ANGLE_LINK = 2000
#: A statistics cookie: ``[2/3]``, ``[66%]``, ``[/]``, ``[%]``.
_COOKIE = re.compile(r"\[(?:\d*/\d*|\d*%)\]")
_FOOTNOTE_LABEL = re.compile(r"[\w-]*")
_ANGLE_LINK = re.compile(r"<(?:https?|ftp|mailto|file|doi):")
_EXPORT_SNIPPET = re.compile(r"@@[A-Za-z0-9-]+:")
_SOURCE_LANGUAGE = re.compile(r"[^\s\[\]{}]+")
#: A plain link runs to white space or a bracket; its last punctuation is the sentence's.
_PLAIN_LINK = re.compile(r"[^\s<>\[\]()\"']+")
_LINK_END_PUNCTUATION = ".,;:!?*_+=~"
_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp", ".tif")


def read_org_objects(line: InlinePieces, start: int, end: int) -> None:
    """The pieces of the source ``start:end`` (a headline, or a paragraph's lines)."""
    _Objects(line, start, end).read()


class _Ahead:
    """``str.find`` in ``source[:end]`` that remembers its last answer for each mark.

    Searches for one mark start further on each time (objects are read front to back):
    while the last place found lies ahead, it is the answer, and once a mark is known to
    be absent it stays absent, so the source is searched once for each mark.
    """

    __slots__ = ("source", "end", "_known")

    def __init__(self, source: str, end: int):
        self.source, self.end = source, end
        self._known: dict[str, tuple[int, int]] = {}  # mark -> (searched from, found at)

    def find(self, mark: str, at: int, closes: Callable[[int], bool] | None = None) -> int:
        """Where ``mark`` is next from ``at`` on (one where ``closes`` holds), or -1."""
        known = self._known.get(mark)
        if known is not None and known[0] <= at and (known[1] < 0 or known[1] >= at):
            return known[1]
        found = self.source.find(mark, at, self.end)
        while found >= 0 and closes is not None and not closes(found):
            found = self.source.find(mark, found + 1, self.end)
        self._known[mark] = (at, found)
        return found


class _Objects:
    """One reading of a paragraph's (or a headline's) objects into ``line``."""

    def __init__(self, line: InlinePieces, start: int, end: int):
        self.line, self.source, self.start, self.end = line, line.source, start, end
        self.ahead = _Ahead(self.source, end)
        self.position = start  # the source before this is read
        self.closers: list[int] = []  # markers that close open markup: left out
        self.closing: set[int] = set()
        self.footnotes: list[int] = []  # open inline footnotes: brackets open in each
        self._line_breaks: list[int] | None = None

    def read(self) -> None:
        source, end, scan = self.source, self.end, self.start
        while True:
            match = _OPENING.search(source, scan, end)
            at = match.start() if match else end
            if self.closers and self.closers[0] <= at:
                close = heappop(self.closers)
                if close >= self.position:  # else inside an object read since
                    self.line.copy(self.position, close)
                    self.position = scan = close + 1
                continue
            if match is None:
                break
            after = self._object(at, match.group())
            scan = at + 1 if after < 0 else after
        self.line.copy(self.position, end)

    def _object(self, at: int, token: str) -> int:
        """Read the object at ``at``; where reading goes on, or -1 if it is text."""
        first = token[0]
        if first in _MARKUP:
            return self._markup(at, first)
        if first in _VERBATIM:
            return self._verbatim(at, first)
        if token == "src_":
            return self._inline_source(at)
        if token.startswith("http"):
            return self._plain_link(at)
        if token.endswith(":"):
            return self._typed_link(at, token)
        return _READERS[first](self, at)

    # -- what an object becomes

    def _left_out(self, at: int, after: int) -> int:
        self.line.copy(self.position, at)
        self.position = after
        return after

    def _code(self, at: int, after: int) -> int:
        self.line.copy(self.position, at)
        self.line.placeholder(at)
        self.position = after
        return after

    def _link(self, at: int, text_start: int, text_end: int, after: int) -> int:
        self.line.copy(self.position, at)
        self.line.piece(text_start, text_end, LINK)
        self.position = after
        return after

    # -- markup

    def _opens(self, at: int) -> bool:
        source = self.source
        if at + 1 >= self.end or source[at + 1].isspace():
            return False
        return at == self.start or source[at - 1].isspace() or source[at - 1] in _BEFORE

    def _closes(self, at: int) -> bool:
        source, after = self.source, at + 1
        if source[at - 1].isspace():
            return False
        return after >= self.end or source[after].isspace() or source[after] in _AFTER

    def _closer(self, at: int, marker: str) -> int:
        """The marker that closes markup opening at ``at``, or -1."""
        if not self._opens(at):
            return -1
        close = self.ahead.find(marker, at + 2, self._closes)
        if close < 0 or close in self.closing:
            return -1
        return close if self._line_breaks_in(at, close) <= _MARKUP_LINE_BREAKS else -1

    def _markup(self, at: int, marker: str) -> int:
        close = self._closer(at, marker)
        if close < 0:
            return -1
        self._left_out(at, at + 1)
        heappush(self.closers, close)
        self.closing.add(close)
        return at + 1

    def _verbatim(self, at: int, marker: str) -> int:
        close = self._closer(at, marker)
        return -1 if close < 0 else self._code(at, close + 1)

    def _line_breaks_in(self, start: int, end: int) -> int:
        if self._line_breaks is None:  # read only when markup opens
            breaks, at = [], self.source.find("\n", self.start, self.end)
            while at >= 0:
                breaks.append(at)
                at = self.source.find("\n", at + 1, self.end)
            self._line_breaks = breaks
        return bisect_left(self._line_breaks, end) - bisect_left(self._line_breaks, start)

    # -- brackets: links, footnotes, citations, cookies

    def _bracket(self, at: int) -> int:
        source = self.source
        after = -1
        if source.startswith("[[", at):
            after = self._regular_link(at)
        elif source.startswith("[fn:", at):
            after = self._footnote(at)
        elif source.startswith(("[cite:", "[cite/"), at):
            close = self.ahead.find("]", at + 5)
            after = -1 if close < 0 else self._code(at, close + 1)
        else:
            cookie = _COOKIE.match(source, at, self.end)
            after = -1 if cookie is None else self._left_out(at, cookie.end())
        if after < 0 and self.footnotes:  # a bracket in a footnote's text
            self.footnotes[-1] += 1
        return after

    def _regular_link(self, at: int) -> int:
        """``[[target][description]]`` keeps its description, ``[[target]]`` its target
        (a heading's ``*`` or an id's ``#`` left out); an image is left out."""
        source = self.source
        close = self.ahead.find("]]", at + 2)
        if close < 0:
            return -1
        # A "[" before the close is the description's, after "][", or no link at all:
        # found within the link, so a failed "[[" costs only the way to the next "[".
        inner = source.find("[", at + 2, close)
        if inner < 0:
            target = source[at + 2 : close]
            if _is_image(target):
                return self._left_out(at, close + 2)
            lead = 1 if target[:1] in ("*", "#") else 0
            return self._link(at, at + 2 + lead, close, close + 2)
        if source[inner - 1] != "]" or inner - 1 == at + 2:
            return -1
        if _is_image(source[inner + 1 : close]):  # a thumbnail that links to a page
            return self._left_out(at, close + 2)
        return self._link(at, inner + 1, close, close + 2)

    def _footnote(self, at: int) -> int:
        """``[fn:label]`` is left out; ``[fn:label:text]`` and ``[fn::text]`` keep their
        text, read where it stands, up to the bracket that closes them."""
        label = _FOOTNOTE_LABEL.match(self.source, at + 4, self.end)
        if label is None or label.end() >= self.end:
            return -1
        label_end = label.end()
        mark = self.source[label_end]
        if mark == "]" and label_end > at + 4:
            return self._left_out(at, label_end + 1)
        if mark != ":":
            return -1
        self.footnotes.append(0)
        return self._left_out(at, label_end + 1)

    def _footnote_end(self, at: int) -> int:
        if not self.footnotes:
            return -1
        if self.footnotes[-1]:  # closes a bracket opened in the footnote's text
            self.footnotes[-1] -= 1
            return -1
        self.footnotes.pop()
        return self._left_out(at, at + 1)

    # -- angles: targets, radio targets, links

    def _angle(self, at: int) -> int:
        source = self.source
        if source.startswith("<<", at):
            radio = source.startswith("<<<", at)
            mark = ">>>" if radio else ">>"
            inner = at + len(mark)
            close = self.ahead.find(mark, inner)
            if close <= inner or close - inner > _LONGEST_TARGET:
                return -1
            name = source[inner:close]
            if "<" in name or ">" in name or "\n" in name:
                return -1
            if not radio:  # an anchor: not shown
                return self._left_out(at, close + 2)
            self._left_out(at, inner)  # a radio target's text is shown
            self.line.copy(inner, close)
            self.position = close + 3
            return close + 3
        if _ANGLE_LINK.match(source, at, self.end):
            close = self.ahead.find(">", at + 1)
            if close < 0 or close - at > _LONGEST_ANGLE_LINK or "\n" in source[at:close]:
                return -1
            return self._link(at, at + 1, close, close + 1)
        return -1

    def _plain_link(self, at: int) -> int:
        source = self.source
        if at > self.start and (source[at - 1].isalnum() or source[at - 1] == "_"):
            return -1
        stop = self._address_end(at)
        if source.find("//", at, stop) + 2 >= stop:  # a scheme and no address
            return -1
        return self._link(at, at, stop, stop)

    def _typed_link(self, at: int, token: str) -> int:
        """org-ref's ``cite:key`` is a placeholder; ``bibliography:refs.bib`` is left out."""
        path = at + len(token)
        end = self._address_end(path)
        if end == path:
            return -1
        if _UNSHOWN_LINK_TYPE.fullmatch(token[:-1]):
            return self._left_out(at, end)
        return self._code(at, end)

    def _address_end(self, start: int) -> int:
        """Where the address of a plain link ends: at white space or a bracket, its last
        punctuation left to the sentence."""
        address = _PLAIN_LINK.match(self.source, start, self.end)
        end = address.end() if address else start
        while end > start and self.source[end - 1] in _LINK_END_PUNCTUATION:
            end -= 1
        return end

    # -- math, snippets, macros, inline source

    def _dollar_math(self, at: int) -> int:
        """``$x$`` and ``$a + b$`` are a placeholder, ``$$x$$`` is left out; by Org's
        rules, so that "$5 and $10" stays text."""
        source = self.source
        if at > self.start and source[at - 1] == "$":
            return -1
        if source.startswith("$$", at):
            close = self.ahead.find("$$", at + 2)
            return -1 if close < 0 else self._left_out(at, close + 2)
        close = self.ahead.find("$", at + 1)
        if close < at + 2:
            return -1
        first, last = source[at + 1], source[close - 1]
        if close == at + 2:
            opens = not first.isspace() and first not in ".,?;'\""
        else:
            opens = not first.isspace() and first not in ".,;$"
            opens = opens and not last.isspace() and last not in ".,$"
        after = close + 1
        if not opens or (after < self.end and source[after].isalnum()):
            return -1
        if self._line_breaks_in(at, close) > _MATH_LINE_BREAKS:
            return -1
        return self._code(at, after)

    def _backslash_math(self, at: int) -> int:
        """``\\(x\\)`` is a placeholder, ``\\[x\\]`` (displayed) is left out."""
        following = self.source[at + 1 : at + 2]
        if following == "(":
            close = self.ahead.find("\\)", at + 2)
            return -1 if close < 0 else self._code(at, close + 2)
        if following == "[":
            close = self.ahead.find("\\]", at + 2)
            return -1 if close < 0 else self._left_out(at, close + 2)
        return -1

    def _export_snippet(self, at: int) -> int:
        """``@@html:<br>@@``, ``@@hugo:{{< tweet >}}@@``: for one exporter, not prose."""
        opening = _EXPORT_SNIPPET.match(self.source, at, self.end)
        if opening is None:
            return -1
        close = self.ahead.find("@@", opening.end())
        return -1 if close < 0 else self._left_out(at, close + 2)

    def _macro(self, at: int) -> int:
        """``{{{name(arguments)}}}``: what it expands to is set elsewhere, a placeholder.
        A Hugo shortcode (``{{< figure ... >}}``, ``{{% note %}}``), which ox-hugo passes
        on to Hugo, is left out, as the Markdown reader leaves it out."""
        source = self.source
        if source.startswith(("{{<", "{{%"), at):
            closing = ">}}" if source[at + 2] == "<" else "%}}"
            close = self.ahead.find(closing, at + 3)
            return -1 if close < 0 else self._left_out(at, close + 3)
        if not source.startswith("{{{", at) or not source[at + 3 : at + 4].isalpha():
            return -1
        close = self.ahead.find("}}}", at + 3)
        return -1 if close < 0 else self._code(at, close + 3)

    def _inline_source(self, at: int) -> int:
        """``src_python{x = 1}`` or ``src_sh[:results none]{ls}``: a placeholder."""
        source = self.source
        if at > self.start and (source[at - 1].isalnum() or source[at - 1] == "_"):
            return -1
        language = _SOURCE_LANGUAGE.match(source, at + 4, self.end)
        if language is None:
            return -1
        brace = language.end()
        if source[brace : brace + 1] == "[":
            options_end = self.ahead.find("]", brace + 1)
            if options_end < 0:
                return -1
            brace = options_end + 1
        if source[brace : brace + 1] != "{":
            return -1
        close = self.ahead.find("}", brace + 1)
        if close < 0 or self._line_breaks_in(at, close):
            return -1
        return self._code(at, close + 1)


#: The reader of each object by its first character (markup, ``src_`` and plain links
#: aside).
_READERS: dict[str, Callable[[_Objects, int], int]] = {
    "[": _Objects._bracket,
    "]": _Objects._footnote_end,
    "<": _Objects._angle,
    "$": _Objects._dollar_math,
    "\\": _Objects._backslash_math,
    "@": _Objects._export_snippet,
    "{": _Objects._macro,
}


def _is_image(target: str) -> bool:
    """Whether a link's target (or description) is an image file: shown, not read."""
    target = target.strip().lower()
    return " " not in target and target.endswith(_IMAGE_EXTENSIONS)
