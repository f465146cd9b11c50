"""The one sentence splitter: passages, seed snippets and the audit all cut text here.

Linear in the text: candidates come from one regex scan that cannot backtrack, each run
of white space is read once, and an abbreviation is looked for in the few characters
before a dot, never in the whole prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A sentence ends after ., ! or ? and any closing quotes or brackets, before white space;
# with ``lines``, a line break is a candidate too.
_CANDIDATE = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
_CANDIDATE_OR_LINE = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")
_SPACE = re.compile(r"\s+")
# What may open the next sentence after an end: an opening quote or bracket, then a
# capital or a digit.
_OPENS = re.compile(r"[\"“'‘(\[]?[A-Z0-9]")
# Abbreviations whose final dot is not an end: "e.g. The", "U.S. Army", "vs. Python".
_NOT_AN_END = re.compile(r"(?:\b[A-Z]\.[A-Z]\.|\be\.g\.|\bi\.e\.|\bvs\.|\betc\.)[\"'”’)\]]*$")
_LOOK_BACK = 12


def sentence_ends(text: str, lines: bool = True) -> Iterator[tuple[int, int]]:
    """(end of a sentence, start of the next) for each boundary in ``text``, in order.

    After ., ! or ? (and closing quotes), white space and then a capital, a digit or an
    opening quote make a boundary. With ``lines``, so does a line break that the text
    does not run on from in lower case (headings and list items end there; wrapped lines
    of HTML and Markdown do not).
    """
    pattern = _CANDIDATE_OR_LINE if lines else _CANDIDATE
    read_to = 0  # white space up to here is already read
    for match in pattern.finditer(text):
        end = match.end() if match.group() != "\n" else match.start()
        if end < read_to:
            continue
        gap = _SPACE.match(text, end)
        following = gap.end() if gap else end
        read_to = following
        if following >= len(text):
            return
        if match.group() == "\n" or (lines and text.find("\n", end, following) >= 0):
            if not text[following].islower():
                yield end, following
            continue
        if _OPENS.match(text, following) and not _NOT_AN_END.search(
            text, max(0, end - _LOOK_BACK), end
        ):
            yield end, following


def sentence_spans(text: str, lines: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` that is not blank."""
    spans, start = [], 0
    for end, following in sentence_ends(text, lines):
        spans.append((start, end))
        start = following
    spans.append((start, len(text)))
    return [(lo, hi) for lo, hi in spans if not text[lo:hi].isspace() and hi > lo]
