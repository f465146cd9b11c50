"""Main content of an HTML page: which of its blocks trafilatura counts as the article.

trafilatura gives the main content as text without positions; the page reader's blocks
keep their located text, and this only decides which of them to keep.
"""

from __future__ import annotations

import re

from .located import HEADING, Block

#: Markup the extractor reads at most (scripts, styles and SVG left out): beyond this a
#: page is read whole, as the extractor's time grows faster than its input on some
#: markup (a paragraph of a million inline elements).
MAX_EXTRACTOR_CHARS = 1_000_000
#: ... and so is a page with a paragraph of more inline pieces than this: the
#: extractor's time grows with their square (no article paragraph has so many).
MAX_EXTRACTOR_PIECES = 2_000
#: A block is main content when at least this share of its word triples is in the
#: extractor's text; a block of one or two words must be a line of that text.
_MATCH_SHARE = 0.5
#: Elements whose content the extractor does not need to see.
NOT_FOR_EXTRACTOR = {"script", "style", "svg", "template", "noscript", "math"}

_WORD = re.compile(r"\w+")


def main_blocks(markup: str, blocks: list[Block], plain: list[str], pieces: int = 0) -> list[Block]:
    """The blocks that are the page's main content, as trafilatura finds it.

    trafilatura gives the main content as text without positions, so the blocks keep
    their own located text and the extractor only decides which of them are main:
    a block is kept when its words (inline code included) are in the extracted text.
    A heading is kept when the section it opens (up to the next heading) has a block
    that is kept. When the extractor finds nothing (or the page is too large for it),
    the page is read whole.
    """
    if len(markup) > MAX_EXTRACTOR_CHARS or pieces > MAX_EXTRACTOR_PIECES:
        return blocks
    extracted = _extract(markup)
    if not extracted or not extracted.strip():
        return blocks
    keep = _matching(extracted, plain)
    section_kept = False  # whether the section a heading opens has main content
    for i in range(len(blocks) - 1, -1, -1):
        if blocks[i].kind == HEADING:
            keep[i], section_kept = section_kept, False
        else:
            section_kept = section_kept or keep[i]
    return [block for block, kept in zip(blocks, keep) if kept]


def _extract(markup: str) -> str | None:
    import logging

    import trafilatura

    # trafilatura logs what it discards; a tagger's output is its records.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        return trafilatura.extract(
            markup,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_recall=True,
            deduplicate=False,
            with_metadata=False,
        )
    except (ValueError, RecursionError, MemoryError):  # markup it cannot read
        return None


def _matching(extracted: str, plain: list[str]) -> list[bool]:
    """Whether each block's text (``plain``) is in the extracted text, by word triples."""
    words = _WORD.findall(extracted.lower())
    triples = set(zip(words, words[1:], words[2:]))
    lines = {" ".join(_WORD.findall(line.lower())) for line in extracted.split("\n")}
    keep: list[bool] = []
    for text in plain:
        block_words = _WORD.findall(text.lower())
        if len(block_words) >= 3:
            found = sum(t in triples for t in zip(block_words, block_words[1:], block_words[2:]))
            keep.append(found >= _MATCH_SHARE * (len(block_words) - 2))
        elif block_words:
            keep.append(" ".join(block_words) in lines)
        else:  # only punctuation or a placeholder: goes with what comes before
            keep.append(bool(keep) and keep[-1])
    return keep
