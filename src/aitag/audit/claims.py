"""Hierarchy claims read from the words between two names, and when a claim is the author's.

"A is a subset of B", "A includes B" and "not all A is B" are read here from the text
between two neighbouring mentions; :func:`claims_allowed` says when a sentence's claim is
not the author's own (asked, reported, rejected, a quiz option). The token patterns of
other claims are :mod:`.claim_patterns`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..labels import is_ancestor
from .mentions import Mention

_INNER_OF = (
    r"(?:subset|subfield|sub-field|subcategory|sub-category|subdomain|subtype|type|kind|form"
    r"|branch|part|category|class|sort|variety|field|application|specialization|application)s?"
)
# "A is a subset of B", "A is one type of B", "A falls under B": A inside B.
_INSIDE = re.compile(
    r"^[\s,()]*(?:[^,;:.]{0,30},\s*)?(?:is|are|was|were|remains?|being)\s+(?:just\s+|simply\s+|only\s+|actually\s+"
    r"|really\s+|essentially\s+|itself\s+)?(?:a|an|one|the|another)?\s*(?:\w+\s+){0,2}?"
    + _INNER_OF
    + r"\s+(?:of|within|in|under)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:(?:field|area|umbrella|domain)"
    r"\s+of\s+)?$"
    r"|^[\s,()]*(?:falls?|sits?|lives?|belongs?|fits?|is\s+nested|are\s+nested|is\s+contained"
    r"|are\s+contained)\s+(?:under|within|inside|in|to)\s+(?:the\s+)?(?:\w+\s+)?(?:of\s+)?$",
    re.IGNORECASE,
)
# "A includes B", "A is a superset of B", "A is broader than B": B inside A.
_CONTAINS = re.compile(
    r"^[\s,()]*(?:(?:includes?|encompass(?:es)?|contains?|covers?|spans?|subsumes?)\s+"
    r"|(?:is|are)\s+(?:a|an|the)?\s*(?:superset|umbrella|parent)\s+(?:term\s+|field\s+)?"
    r"(?:of|for|over)\s+|(?:is|are)\s+(?:much\s+)?(?:broader|wider|bigger)\s+than\s+)$",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|neither|nor|cannot|isn't|aren't|wasn't|weren't|doesn't|don't)\b"
    r"|n't\b",
    re.IGNORECASE,
)
# "Machine learning (ML) is ...": an acronym in brackets restates the name before it.
_BRACKETED = re.compile(r"\s*\(\s*[A-Za-z.]{2,6}\s*\)")
_APPOSITION = re.compile(r"\s*\(\s*|\s*,\s*")
# "not all X ..." / "not every X ...": right when X is the broader of the two names.
_NOT_ALL = re.compile(r"\bnot\s+(?:all|every)\s+$", re.I)
# Claims reported rather than made: "a common myth is that AI is a subset of ML".
_REPORTED = re.compile(
    r"\b(?:myth|misconception|mistake|wrong(?:ly)?|incorrect(?:ly)?|false|falsely|mistaken(?:ly)?"
    r"|confuse|confusion|misunderstand|claims?\s+that|thinks?\s+that|believes?\s+that|if|whether"
    r"|assume|assuming)\b",
    re.IGNORECASE,
)


def inverted_claims(sentence: str, mentions: list[Mention]) -> list[tuple[Mention, Mention, str]]:
    """(inner, outer, relation) of each claim in ``sentence`` that inverts the nesting.

    ``mentions`` are the sentence's mentions, with offsets into ``sentence``. A claim is
    "X <relation> Y" between two neighbouring mentions; negated, questioned and reported
    claims are never returned.
    """
    return [
        (left, right, between)
        for left, right, between, inner, outer in _nesting_claims(sentence, mentions)
        if is_ancestor(inner.concept, outer.concept)
    ]


def stated_nestings(sentence: str, mentions: list[Mention]) -> set[str]:
    """The concepts of each nesting ``sentence`` states rightly ("ML is a subfield of AI"
    gives ML and AI)."""
    return {
        concept
        for _, _, _, inner, outer in _nesting_claims(sentence, mentions)
        if is_ancestor(outer.concept, inner.concept)
        for concept in (inner.concept, outer.concept)
    }


def _nesting_claims(
    sentence: str, mentions: list[Mention]
) -> list[tuple[Mention, Mention, str, Mention, Mention]]:
    """(left, right, words between, inner, outer) of each "X <relation> Y" the author makes
    between neighbouring mentions of two concepts, right or wrong."""
    if sentence.rstrip().endswith("?") or _REPORTED.search(sentence):
        return []
    mentions = _merge_appositions(sentence, mentions)
    found = []
    for left, right in zip(mentions, mentions[1:]):
        between = _BRACKETED.sub(" ", sentence[left.end : right.start])
        if (
            len(between) > 80
            or _NEGATION.search(between)
            or _NOT_ALL.search(sentence[max(0, left.start - 20) : left.start])
            or left.concept == right.concept
        ):
            continue
        if _INSIDE.search(between):
            found.append((left, right, between, left, right))
        elif _CONTAINS.search(between):
            found.append((left, right, between, right, left))
    return found


def _merge_appositions(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions with "Machine learning (ML)" or "machine learning, ML" as one: an
    acronym in brackets or after a comma is the same mention."""
    merged: list[Mention] = []
    for mention in mentions:
        last = merged[-1] if merged else None
        if (
            last
            and last.concept == mention.concept
            and _APPOSITION.fullmatch(sentence[last.end : mention.start])
        ):
            close = re.match(r"\s*\)", sentence[mention.end :])
            end = mention.end + (close.end() if close else 0)
            mention = Mention(last.concept, last.start, end, last.text)
            merged[-1] = mention
        else:
            merged.append(mention)
    return merged


# Options of a quiz or a poll ("1) ... 2) ...", "(a) ... (b) ..."): listed, not claimed.
_OPTIONS = re.compile(r"(?:^|\s)(?:\(?[1-9a-dA-D]\)|[1-9a-dA-D][.:])\s")
# Denying equality is right whatever the nesting: "ML is not the same thing as AI".
_NOT_SAME = re.compile(
    r"\b(?:not|n't)\s+(?:\w+\s+){0,2}?(?:the\s+same|synonym|interchangeable)", re.I
)


# A claim rejected right after it is made: "... It's exactly backwards."
_REJECTED = re.compile(
    r"\b(?:backwards?|(?:the\s+)?other\s+way\s+(?:round|around)|not\s+true|isn't\s+true"
    r"|untrue|nonsense|myth|wrong|incorrect|false|mistaken|misleading)\b",
    re.IGNORECASE,
)


def claims_allowed(sentence: str, passage: str = "", end: int | None = None) -> bool:
    """Whether a hierarchy claim in ``sentence`` is the author's own: not asked, reported,
    rejected in the words after it (``passage[end:]``), or one of a quiz's options."""
    after = passage[end : end + 120] if end is not None else ""
    return not (
        sentence.rstrip().endswith("?")
        or _REPORTED.search(sentence)
        or _REJECTED.search(after)
        or _quiz(passage or sentence)
        or _NOT_SAME.search(sentence)
    )


@lru_cache(maxsize=64)
def _quiz(passage: str) -> bool:
    """Whether a passage lists options ("1) ... 2) ..."): read once per passage."""
    return len(_OPTIONS.findall(passage)) >= 2


def not_all_claim(sentence: str, mentions: list[Mention]) -> tuple[Mention, Mention] | None:
    """The (inner, outer) names of "not all <inner> is <outer>", which denies the nesting."""
    for left, right in zip(mentions, mentions[1:]):
        if (
            _NOT_ALL.search(sentence[max(0, left.start - 20) : left.start])
            and right.start - left.end <= 60
            and is_ancestor(right.concept, left.concept)
        ):
            return left, right
    return None


def not_all_correct(sentence: str, mentions: list[Mention]) -> bool:
    """Whether the sentence says "not all <outer> is <inner>", which is right."""
    for left, right in zip(mentions, mentions[1:]):
        if _NOT_ALL.search(sentence[max(0, left.start - 20) : left.start]) and is_ancestor(
            left.concept, right.concept
        ):
            return True
    return False
