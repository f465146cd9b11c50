"""The rules: their names and severities, hierarchy claims, and the wording of findings.

``aitag.InvertedHierarchy`` (error)
    A claim that puts an outer concept inside an inner one ("AI is a subset of machine
    learning"). Decided by patterns alone, never by the model.
``aitag.WrongTerm`` (warning)
    The name of a narrower concept for text about a broader or other one ("LLMs like
    Midjourney draw pictures": the text is about generative AI, not language models).
``aitag.VagueTerm`` (suggestion)
    An umbrella name for text that clearly discusses something narrower ("our AI" for a
    model trained on transactions to flag fraud: machine learning).
"""

from __future__ import annotations

import re

from ..labels import PARENT, is_ancestor
from .mentions import Mention

#: Severity of each rule, and the order of severities (index = rank).
LEVELS: tuple[str, ...] = ("suggestion", "warning", "error")
INVERTED_HIERARCHY = "aitag.InvertedHierarchy"
WRONG_TERM = "aitag.WrongTerm"
VAGUE_TERM = "aitag.VagueTerm"
SEVERITY = {INVERTED_HIERARCHY: "error", WRONG_TERM: "warning", VAGUE_TERM: "suggestion"}

#: The plain name to suggest for each concept.
SUGGESTED = {"AI": "AI", "ML": "machine learning", "LLM": "LLM", "GenAI": "generative AI"}


def level_at_least(severity: str, level: str) -> bool:
    """True when ``severity`` ranks at or above ``level`` (suggestion < warning < error)."""
    return LEVELS.index(severity) >= LEVELS.index(level)


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
# An umbrella term that names the field as such ("AI tools", "adopt AI", "areas of AI")
# is not vague, whatever the passage is about.
_FIELD_AFTER = re.compile(
    r"^(?:[\s-]+(?:tools?|applications?|technolog(?:y|ies)|solutions?|industry|adoption|strategy"
    r"|strategies|landscape|space|field|market|era|revolution|polic(?:y|ies)|ethics|regulation"
    r"|research|journey|evolution|trends?|capabilities|initiatives?|projects?|skills?"
    r"|literacy|governance|safety|world|age|boom|hype|ecosystem|adopters?)\b)",
    re.IGNORECASE,
)
_FIELD_BEFORE = re.compile(
    r"\b(?:adopt(?:s|ed|ing)?|embrac(?:e|es|ed|ing)|(?:areas?|range|world|field|era|age|use"
    r"|future|power|rise|promise|potential|impact|risks?|benefits?|adoption|state)\s+of"
    r"(?:\s+the)?)\s+$",
    re.IGNORECASE,
)
# A name that follows a hierarchy word names the category in passing (LABELS.md rule 7).
_PARENT_NAMED = re.compile(
    r"\b(?:speciali[sz]ed|specific|particular|(?:a\s+)?(?:kind|type|form|subset|branch|part"
    r"|class|family|category|field|area|domain|subfield|discipline)s?\s+of(?:\s+the)?)\s+$",
    re.IGNORECASE,
)
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
    if sentence.rstrip().endswith("?") or _REPORTED.search(sentence):
        return []
    # "Machine learning (ML) is ...": an acronym in brackets is the same mention.
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
    mentions = merged
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
            inner, outer = left, right
        elif _CONTAINS.search(between):
            inner, outer = right, left
        else:
            continue
        if is_ancestor(inner.concept, outer.concept):
            found.append((left, right, between))
    return found


# Options of a quiz or a poll ("1) ... 2) ...", "(a) ... (b) ..."): listed, not claimed.
_OPTIONS = re.compile(r"(?:^|\s)(?:\(?[1-9a-dA-D]\)|[1-9a-dA-D][.:])\s")
# Denying equality is right whatever the nesting: "ML is not the same thing as AI".
_NOT_SAME = re.compile(
    r"\b(?:not|n't)\s+(?:\w+\s+){0,2}?(?:the\s+same|synonym|interchangeable)", re.I
)


def claims_allowed(sentence: str, passage: str = "") -> bool:
    """Whether a hierarchy claim in ``sentence`` is the author's own: not asked, reported or
    listed among a quiz's options (looked for in the whole ``passage``)."""
    return not (
        sentence.rstrip().endswith("?")
        or _REPORTED.search(sentence)
        or len(_OPTIONS.findall(passage or sentence)) >= 2
        or _NOT_SAME.search(sentence)
    )


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


def parent_named(before: str) -> bool:
    """Whether the words before a name make it the category named in passing ("a field of AI")."""
    return bool(_PARENT_NAMED.search(before[-40:]))


def suggest(concept: str, term: str) -> str:
    plural = term.endswith("s") and not term.endswith("ics")
    if concept == "LLM":
        return "LLMs" if plural else "LLM"
    if concept == "ML" and plural:
        return "machine learning models"
    return SUGGESTED[concept]


def swap(sentence: str, left: Mention, right: Mention) -> str:
    """The claim with its two names swapped: the direction LABELS.md gives."""

    def keep_case(text: str) -> str:
        return text if text[:2].isupper() else text[0].lower() + text[1:]

    middle = sentence[left.end : right.start]
    fixed = keep_case(right.text) + middle + keep_case(left.text)
    return fixed[0].upper() + fixed[1:] if left.start == 0 else fixed


def nesting(outer: str, inner: str) -> str:
    chain, label = [], "LLM"
    while label is not None:
        chain.append(label)
        label = PARENT[label]
    return f"{outer} is part of {inner}, not the reverse ({' ⊂ '.join(chain)})"
