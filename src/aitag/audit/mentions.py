"""Mentions: where a text names one of the four concepts, and what counts as a name of one."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest names first, so "generative AI" is one GenAI mention and not an AI one.
_TERM_PATTERNS = [
    (
        "GenAI",
        r"(?i:generative)[\s-]+(?:AIs?\b|A\.I\.|(?i:artificial[\s-]+intelligence)\b)"
        r"|\b[Gg]en[\s-]?AI\b",
    ),
    ("LLM", r"\bLLMs?\b|(?i:\b(?:large[\s-]+)?language[\s-]+models?\b)"),
    ("ML", r"(?i:\bmachine[\s-]+learning\b)|\bML\b"),
    ("AI", r"(?i:\bartificial[\s-]+intelligence\b)|\bA\.I\.|\bAIs?\b"),
]
_TERMS = re.compile("|".join(f"(?P<{label}>{pattern})" for label, pattern in _TERM_PATTERNS))

# Names of products and companies that contain a concept's acronym without using it.
_NAMES_BEFORE = re.compile(
    r"(?:\b(?:Open|Stability|Mistral|Meta|Jasper|Scale|Inflection|Core|Create|Azure)\s?"
    r"|\bCharacter\.|\d\s?)$"
)
_NAMES_AFTER = re.compile(r"^\s?Kit\b")

# Quoted text is a title or a word discussed as a word, not the author's own use.
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”|‘[^’\n]*’|«[^»\n]*»')


@dataclass(frozen=True)
class Mention:
    """A concept's name in a passage's text: ``text[start:end]`` names ``concept``."""

    concept: str
    start: int
    end: int
    text: str


def find_mentions(text: str) -> list[Mention]:
    """Every use of a concept's name in ``text``, outside quotes and product names.

    Acronyms are matched in capitals only ("ML", not the "ml" of millilitres), and not
    after a number ("5 ML") or as part of a name ("OpenAI", "Open AI", "Core ML").
    """
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    mentions = []
    for match in _TERMS.finditer(text):
        start, end = match.span()
        if any(lo <= start < hi for lo, hi in quoted):
            continue
        if _NAMES_BEFORE.search(text[max(0, start - 12) : start]) or _NAMES_AFTER.match(
            text[end : end + 5]
        ):
            continue
        mentions.append(Mention(match.lastgroup, start, end, match.group()))
    return mentions


def mask_terms(text: str) -> str:
    """``text`` with every concept name replaced by a neutral word, for scoring content."""
    return _TERMS.sub("it", text)
