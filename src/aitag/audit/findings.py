"""Findings assembled: what a rule found, worded, and then placed in its document.

A rule's finding starts as a dict of ``rule, start, end, mention, concept, score,
suggestion, message, sentence`` (offsets into the passage): :func:`claim_finding` for a
claim about the nesting, :func:`term_finding` for one term. :func:`located` turns it into
the record's finding and :func:`place` adds where it stands in the source.
"""

from __future__ import annotations

from ..labels import LABELS, PARENT, is_ancestor
from ..readers import Passage
from .entities import find_entities
from .mention_features import Candidate
from .mentions import Mention
from .rules import INVERTED_HIERARCHY, SEVERITY, WRONG_TERM

#: The plain name to suggest for each concept.
SUGGESTED = {"AI": "AI", "ML": "machine learning", "LLM": "LLM", "GenAI": "generative AI"}
#: How a finding's message names each concept.
CONCEPT_NAMES = {
    "AI": "AI as a whole",
    "ML": "machine learning",
    "LLM": "a large language model",
    "GenAI": "generative AI",
}
#: The nesting in words, for a sentence that denies or flattens it.
_NESTING = "LLMs are part of generative AI, which is part of machine learning, which is part of AI"


def suggest(concept: str, term: str) -> str:
    """The name to suggest for ``concept`` in place of ``term`` (plural when it is)."""
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


def nesting(inner: str, outer: str) -> str:
    """How ``inner`` sits in ``outer``, with the whole chain."""
    chain: list[str] = []
    label: str | None = "LLM"
    while label is not None:
        chain.append(label)
        label = PARENT[label]
    return f"{inner} is part of {outer} ({' ⊂ '.join(chain)})"


def claim_finding(sentence, lo, left, right, inner, outer, suggestion, what) -> dict:
    """A claim about the nesting, from ``left`` to ``right`` (offsets into ``sentence``,
    which starts at ``lo`` in the passage); ``what`` says what the claim does wrong."""
    claim = sentence[left.start : right.end]
    return dict(
        rule=INVERTED_HIERARCHY,
        start=left.start + lo,
        end=right.end + lo,
        mention=left,
        concept=inner.concept,
        score=1.0,
        suggestion=suggestion,
        message=f"'{' '.join(claim.split())}' {what}.",
        sentence=sentence,
    )


def term_finding(
    rule, text, sentence, candidate: Candidate, score: float, concept: str | None = None
) -> dict:
    """A finding on one term: a sentence that denies or flattens the nesting around it, or
    a term that misnames ``concept`` (when not given, what the term refers to here)."""
    mention = candidate.mention
    if rule == INVERTED_HIERARCHY:
        concept, suggestion = mention.concept, _NESTING
        message = (
            f"The sentence denies or flattens the nesting around '{mention.text}': {_NESTING}."
        )
    else:
        concept = concept or _referent(rule, text, candidate)
        suggestion = suggest(concept, mention.text)
        message = _term_message(rule, mention, concept, suggestion)
    return dict(
        rule=rule,
        start=mention.start,
        end=mention.end,
        mention=mention,
        concept=concept,
        score=score,
        suggestion=suggestion,
        message=message,
        sentence=sentence,
    )


def _term_message(rule: str, mention: Mention, concept: str, suggestion: str) -> str:
    if rule == WRONG_TERM:
        return (
            f"'{mention.text}' names {CONCEPT_NAMES[mention.concept]}, but what it refers to "
            f"here is {CONCEPT_NAMES[concept]}; use '{suggestion}'."
        )
    return (
        f"'{mention.text}' is an umbrella term for what is {CONCEPT_NAMES[concept]} "
        f"here: consider '{suggestion}'."
    )


def _referent(rule: str, text: str, candidate: Candidate) -> str:
    """The concept a misused term refers to: a known product next to it, else the concept
    (broader for WrongTerm, narrower for VagueTerm) that the sentence and passage discuss most.
    """
    mention = candidate.mention
    wanted = (
        (lambda c: is_ancestor(c, mention.concept))
        if rule == WRONG_TERM
        else (lambda c: is_ancestor(mention.concept, c))
    )
    near = text[max(0, mention.start - 120) : mention.end + 120]
    for entity in find_entities(near):
        if entity.concept and wanted(entity.concept):
            return entity.concept
    options = [c for c in LABELS if wanted(c)]
    if not options:
        return mention.concept
    f = candidate.features
    return max(
        options,
        key=lambda c: (
            f.get(f"{mention.concept}|sent:{c}", 0) + f.get(f"{mention.concept}|pass:{c}", 0)
        ),
    )


def located(
    passage: Passage, rule, start, end, mention, concept, score, suggestion, message, sentence
) -> dict:
    """The record's finding of a rule's finding in ``passage``."""
    return {
        "rule": rule,
        "severity": SEVERITY[rule],
        "passage": passage.index,
        "passage_start": start,
        "passage_end": end,
        "term": mention.text,
        "match": " ".join(passage.text[start:end].split()),
        "term_concept": mention.concept,
        "concept": concept,
        "score": round(score, 4),
        "suggestion": suggestion,
        "message": message,
        "sentence": " ".join(sentence.split()),
    }


def place(finding: dict, passage: Passage, lines) -> None:
    """Add source offsets, lines and columns (1-based, end inclusive) to a finding."""
    offset, line, column = passage.locate(finding["passage_start"], lines)
    end_offset, end_line, end_column = passage.locate(finding["passage_end"] - 1, lines)
    finding.update(
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        offset=offset,
        end_offset=end_offset + 1,
    )
