"""Findings the patterns decide on their own, before the mention model reads a sentence.

An inverted "X is a subset of Y", "not all X is Y", a known product called by a narrower
term and the token patterns' claims (:func:`pattern_findings`); and the words right after
a term that show what it refers to (:func:`mechanism_finding`).
"""

from __future__ import annotations

from ..labels import is_ancestor
from .claim_patterns import claim_findings
from .claims import claims_allowed, inverted_claims, not_all_claim
from .findings import claim_finding, nesting, swap, term_finding
from .mention_features import Candidate
from .mentions import Mention, mechanism_shown
from .products import misnamed_products
from .rules import VAGUE_TERM, WRONG_TERM
from .vetoes import allowed


def pattern_findings(
    text: str, lo: int, hi: int, mentions: list[Mention], entities: list
) -> list[dict]:
    """Findings of the precise patterns in one sentence (offsets into the passage).

    ``entities`` with a concept stand in claims as names do ("GPT-4 is not machine learning").
    The first pattern that finds something decides.
    """
    sentence = text[lo:hi]
    if not mentions or not claims_allowed(sentence, text, hi):
        return []
    local = [shifted(m, -lo) for m in mentions]
    found = _inverted(sentence, lo, local) or _not_all(sentence, lo, local)
    if found:
        return found
    products = [
        Mention(e.concept, e.start - lo, e.end - lo, text[e.start : e.end])
        for e in entities
        if e.concept
    ]
    return _misnamed(text, lo, hi, local, products) or _token_claims(sentence, lo, local, products)


def shifted(mention: Mention, by: int) -> Mention:
    """The mention (as a use) with its offsets moved by ``by``."""
    return Mention(mention.concept, mention.start + by, mention.end + by, mention.text)


def _inverted(sentence: str, lo: int, local: list[Mention]) -> list[dict]:
    """ "AI is a subset of machine learning": suggests the claim turned round."""
    found = []
    for left, right, _ in inverted_claims(sentence, local):
        inner, outer = (left, right) if is_ancestor(right.concept, left.concept) else (right, left)
        found.append(
            claim_finding(
                sentence, lo, left, right, inner, outer, swap(sentence, left, right),
                f"inverts the nesting: {nesting(inner.concept, outer.concept)}",
            )
        )  # fmt: skip
    return found


def _not_all(sentence: str, lo: int, local: list[Mention]) -> list[dict]:
    """ "Not all LLMs are AI": denies the nesting."""
    pair = not_all_claim(sentence, local)
    if not pair:
        return []
    inner, outer = pair
    return [
        claim_finding(
            sentence, lo, inner, outer, inner, outer, f"all {inner.text} is {outer.text}",
            f"denies the nesting: {nesting(inner.concept, outer.concept)}",
        )
    ]  # fmt: skip


def _misnamed(
    text: str, lo: int, hi: int, local: list[Mention], products: list[Mention]
) -> list[dict]:
    """ "DALL-E, the best LLM around": a known product called by a narrower term."""
    sentence = text[lo:hi]
    found = []
    for term, concept in misnamed_products(sentence, local, products):
        candidate = Candidate(-1, lo, hi, shifted(term, lo), {})
        found.append(term_finding(WRONG_TERM, text, sentence, candidate, 1.0, concept))
    return found


#: What each kind of token-pattern claim does wrong, before the nesting spelt out.
_CLAIM_WORDING = {
    "siblings": "puts {inner} beside {outer}, but {nesting}",
    "inverts": "inverts the nesting: {nesting}",
    "denies": "denies the nesting: {nesting}",
}


def _token_claims(
    sentence: str, lo: int, local: list[Mention], products: list[Mention]
) -> list[dict]:
    """The token patterns' claims (:mod:`.claim_patterns`), products standing as names."""
    names = local + [
        p for p in products if not any(m.start < p.end and p.start < m.end for m in local)
    ]
    names.sort(key=lambda m: m.start)
    found = []
    for kind, inner, outer in claim_findings(sentence, names):
        left, right = sorted((inner, outer), key=lambda m: m.start)
        spelt = nesting(inner.concept, outer.concept)
        what = _CLAIM_WORDING[kind].format(inner=inner.concept, outer=outer.concept, nesting=spelt)
        found.append(claim_finding(sentence, lo, left, right, inner, outer, spelt, what))
    return found


def mechanism_finding(texts, candidate: Candidate, used) -> dict | None:
    """A finding from the words right after a term: "AI systems are trained to ..." (an
    umbrella term for machine learning: VagueTerm), "generative AI helps with anomaly
    detection" (a narrower term for machine learning: WrongTerm)."""
    mention = candidate.mention
    text = texts[candidate.passage][0]
    sentence = text[candidate.lo : candidate.hi]
    concept = mechanism_shown(text, mention, sentence)
    if concept is None or concept == mention.concept:
        return None
    rule = VAGUE_TERM if is_ancestor(mention.concept, concept) else WRONG_TERM
    if not allowed(rule, text, sentence, candidate, used, evidence=False):
        return None
    return term_finding(rule, text, sentence, candidate, 1.0, concept)
