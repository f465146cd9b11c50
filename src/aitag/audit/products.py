"""Known products called by a term that is narrower than what they are ("DALL-E, the best LLM")."""

from __future__ import annotations

import re

from ..labels import is_ancestor
from .mentions import Mention
from .slots import NEGATED, slotted_words

_PRODUCT = r"<P:(?P<p>[A-Za-z]+)#(?P<pi>\d+)>"
_TERM = r"<T:(?P<t>[A-Za-z]+)#(?P<ti>\d+)>"
_DET = r"(?:(?:a|an|the|my|our|your|their|its|this|that|one|another)\s+)?"
_ADJ = r"(?:(?!(?:not|n't|never|no|like|and|or|but|than)\s)[a-z0-9'-]+\s+){0,3}?"
#: "<product> is the best <term>", "<product>, a <term>", "<term>s like <product>",
#: "a <term> called <product>": the term names what the product is.
PRODUCT_PATTERNS = [
    re.compile(
        rf"{_PRODUCT}\s+(?:,\s+)?(?:is|was|'s|are|were|remains|becomes)\s+{_DET}{_ADJ}{_TERM}"
    ),
    re.compile(rf"{_PRODUCT}\s+(?:,|\(|-|–|—)\s+{_DET}{_ADJ}{_TERM}"),
    re.compile(
        rf"{_TERM}\s+(?:,\s+)?(?:like|such\s+as|including|e\.g\.|called|named|:)\s+{_PRODUCT}"
    ),
    re.compile(rf"{_TERM}\s+{_PRODUCT}"),
    re.compile(
        rf"{_TERM}\s+{_ADJ}(?:is|was|'s|remains)\s+(?:still\s+|probably\s+|easily\s+)?{_PRODUCT}"
    ),
]


def misnamed_products(sentence: str, mentions: list[Mention], products: list) -> list:
    """(term mention, product concept) where a known product is called by a narrower term.

    ``mentions`` are the used names and ``products`` the entities with a concept, both
    with offsets into ``sentence``. "DALL-E, the best LLM around" calls an image generator
    a language model; "generative AI tools like ChatGPT" names a broader class, which is
    right. Negated, asked and reported sentences are the caller's to leave out.
    """
    if not mentions or not products:
        return []
    slots = [(m.start, m.end, f" <T:{m.concept}#{i}> ") for i, m in enumerate(mentions)]
    slots += [
        (p.start, p.end, f" <P:{p.concept}#{i}> ")
        for i, p in enumerate(products)
        if not any(m.start < p.end and p.start < m.end for m in mentions)
    ]
    words = slotted_words(sentence, _apart(sorted(slots)))
    found: dict = {}
    for pattern in PRODUCT_PATTERNS:
        for match in pattern.finditer(words):
            if NEGATED.search(match.group()):
                continue
            term = mentions[int(match.group("ti"))]
            concept = match.group("p")
            if is_ancestor(concept, term.concept):
                found.setdefault(term.start, (term, concept))
    return list(found.values())


def _apart(slots: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The sorted slots without those that start inside the one kept before them."""
    kept, at = [], 0
    for start, end, slot in slots:
        if start >= at:
            kept.append((start, end, slot))
            at = end
    return kept
