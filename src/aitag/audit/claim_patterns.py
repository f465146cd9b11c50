"""Claims about the nesting as token patterns: "LLMs aren't real AI", "ML and GenAI are
two separate fields", "GenAI ⊃ ML".

A sentence is read as its words, lower-cased and spaced, with each used concept name
replaced by a slot ``<ML#3>`` (concept and mention index). A pattern is a sequence of
word classes and two slots, A and B; gaps are bounded, so matching stays linear in
the sentence. Each pattern says which way round the two names must nest for the claim
to be wrong: ``denies`` (B contains A, and the claim says A is not B), ``siblings``
(one contains the other, and the claim puts them side by side).
"""

from __future__ import annotations

import re

from ..labels import is_ancestor
from .mentions import Mention
from .slots import NEGATED, slotted_words

_WORDS = {
    "BE": r"(?:is|are|was|were|'s|'re)",
    "NOT": r"(?:not|n't|never|no\s+longer)",
    "BE_NOT": r"(?:(?:is|are|was|were|'s|'re|ai)\s+(?:not|never|n't))",
    # Words that may stand between "is not" and the other name without changing the claim;
    # "only", "just", "all" or "the same" would ("ML is not the only kind of AI").
    "FILL": r"(?:(?:really|truly|actually|real|true|genuine|proper|considered|counted|"
    r"technically|strictly|even|any|a|an|some|kind|form|type|part|branch|subset|subfield|"
    r"field|category|member|of|the|at|all\s+(?=of)|as|in|any\s+sense|sense|way)\s+){0,5}",
    "APART": r"(?:separate|distinct|independent|unrelated|parallel|sibling|disjoint|"
    r"complementary\s+but\s+independent|mutually\s+exclusive)",
    "KINDS": r"(?:fields|branches|disciplines|technologies|areas|categories|families|things|"
    r"types|kinds|forms|subfields|sub-fields|halves|pillars|approaches)",
    "AMOUNT": r"(?:two|three|four|the\s+two|both|completely|entirely|totally|very|fully|"
    r"quite|separate|different|distinct|independent|parallel)",
    "CALL": r"(?:call|calls|calling|called|count|counts|counting|label|labels|labelling|"
    r"labeling|treat|treats|treating|lump|lumping|classify|classifying|refer\s+to)",
    "AGAINST": r"(?:stop|quit|don't|do\s+not|never|shouldn't|should\s+not|hate\s+it\s+when\s+"
    r"(?:people|they|you|vendors|marketers)|wrong\s+to|mistake\s+to|can't\s+stand\s+(?:people)?)",
}
_SLOT = r"<(?P<{0}>[A-Za-z]+)#(?P<{0}i>\d+)>"


def _pattern(text: str) -> re.Pattern:
    text = text.replace("{A}", _SLOT.format("a")).replace("{B}", _SLOT.format("b"))
    for name, value in _WORDS.items():
        text = text.replace("{" + name + "}", value)
    return re.compile(text.replace(" ", r"\s+"))


_INNER_WORDS = (
    r"(?:subset|subfield|sub-field|subcategory|sub-category|subdomain|subtype|type|kind|form|"
    r"branch|part|category|class|slice|piece|corner|fraction|flavou?r|variety|application|"
    r"speciali[sz]ation|offshoot|subdiscipline|sub-discipline|member|family\s+member)s?"
)

#: (what the claim does, pattern): the claims that deny, flatten or invert the nesting.
#: ``denies``: B contains A and the claim says A is not B. ``siblings``: one contains the
#: other and the claim puts them side by side. ``inverts``: the claim puts A inside B,
#: and A contains B.
CLAIM_PATTERNS: list[tuple[str, re.Pattern]] = [
    # "LLMs aren't real AI", "ML is not a form of AI", "GPT-4 is not machine learning"
    ("denies", _pattern(r"{A} (?:\S+ ){0,2}?{BE_NOT} {FILL}{B}")),
    # "ML doesn't count as AI", "LLMs don't qualify as AI"
    (
        "denies",
        _pattern(
            r"{A} (?:\S+ ){0,2}?(?:does|do|did) {NOT} (?:count|qualify|belong) (?:as|to|in|among|with) (?:a |an |the )?{B}"
        ),
    ),
    # "there is ML that is not AI", "machine learning on farms that isn't AI at all"
    ("denies", _pattern(r"{A} (?:\S+ ){0,5}?(?:that|which|who) {BE_NOT} {FILL}{B}")),
    # "built on machine learning, not AI", "a machine learning role, not an AI role"
    (
        "denies",
        _pattern(
            r"{A} (?:\S+ ){0,1}?(?:, |- |– |— |; |\( )?(?:not|rather than|instead of|as opposed to|but not|but never) (?:a |an |the )?(?:real |true |actual |proper |genuine |really |truly )?{B}"
        ),
    ),
    # "That's not AI, that's a language model", "it's not AI; it's just ML"
    (
        "denies_reversed",
        _pattern(
            r"{NOT} (?:real |true |actual |really |even |proper )?(?:a |an )?{B} (?:, |; |- |– |— |\. )?(?:it|that|this|they)(?: 's| is| are| 're|'s|'re) (?:just |simply |only |really |actually |merely )?(?:a |an )?{A}"
        ),
    ),
    # "I hate it when people call LLMs AI", "stop treating LLMs as AI"
    (
        "denies",
        _pattern(
            r"{AGAINST} (?:\S+ ){0,3}?{CALL} (?:\S+ ){0,2}?{A} (?:as )?(?:a |an )?(?:(?:subset|part|form|kind|type) of )?{B}"
        ),
    ),
    # "machine learning sits outside AI"
    (
        "denies",
        _pattern(
            r"{A} (?:\S+ ){0,2}?(?:sits?|lives?|falls?|lies|lie|is|are|belongs?) (?:entirely |completely |firmly )?outside (?:of )?(?:the )?(?:\S+ )?{B}"
        ),
    ),
    # "ML and GenAI are two branches of AI": two parts of a third, side by side
    (
        "siblings",
        _pattern(
            r"{A} (?:and|&) (?:\S+ ){0,1}?{B} (?:\S+ ){0,2}?{BE} (?:two|the two|three|separate|different|distinct) (?:\S+ ){0,2}?(?:branches|fields|types|kinds|forms|subfields|halves|pillars|areas|categories|families) (?:of|within|in|under)"
        ),
    ),
    # "ML and GenAI are two separate branches of AI", "AI and ML are parallel fields"
    (
        "siblings",
        _pattern(
            r"{A} (?:and|&|,) (?:\S+ ){0,1}?{B} (?:\S+ ){0,2}?{BE} (?:(?:now |still |really |actually )?){AMOUNT}? ?(?:{AMOUNT} )?(?:{APART}|different {KINDS}|(?:distinct|separate) {KINDS})"
        ),
    ),
    # "generative AI and large language models, two distinct technologies"
    (
        "siblings",
        _pattern(
            r"{A} (?:and|&|,) (?:\S+ ){0,1}?{B} (?:, |- |– |— |: )(?:\S+ ){0,2}?(?:two|three|four) (?:\S+ )?{APART}"
        ),
    ),
    # "GenAI is a separate discipline from ML", "LLMs are independent of AI"
    (
        "siblings",
        _pattern(
            r"{A} (?:\S+ ){0,2}?{BE} (?:a |an |the )?(?:completely |entirely |totally )?{APART} (?:\S+ ){0,2}?(?:from|of|to) {B}"
        ),
    ),
    # "AI comes in two flavours: machine learning and generative AI"
    (
        "siblings",
        _pattern(
            r"(?:two|three|four) (?:\S+ )?(?:flavou?rs|types|kinds|forms|camps|branches|categories|varieties|families) (?::|,|-|–|—) (?:\S+ ){0,2}?{A} (?:and|or|,|&) (?:\S+ ){0,1}?{B}"
        ),
    ),
    # "none of these is a subset of the others", "no overlap", "rarely overlap"
    (
        "siblings",
        _pattern(
            r"{A} (?:\S+ ){0,6}?{B} (?:\S+ ){0,8}?(?:none of (?:them|these|those|the \S+) (?:is|are) (?:a )?(?:subset|part)|(?:have |has |with |there's |there is )?no overlap|(?:rarely|never|barely|hardly|don't|do not|seldom) overlap|overlapping only|nothing in common)"
        ),
    ),
    # "GenAI ⊃ ML", "AI ⊂ ML": nesting written in symbols
    ("inverts_symbol", _pattern(r"{B} (?:⊃|⊇|>) {A}")),
    ("inverts", _pattern(r"{A} (?:⊂|⊆|<) {B}")),
    # "generative AI is only one narrow slice of what LLM tooling can do"
    (
        "inverts",
        _pattern(
            r"{A} (?:\S+ ){0,2}?{BE} (?:just |only |merely |simply |really |actually |essentially |basically )?(?:one |a |an |the )?(?:\S+ ){0,2}?"
            + _INNER_WORDS
            + r" (?:of|within|under|in|inside) (?:what |the )?(?:\S+ ){0,2}?{B}"
        ),
    ),
    # "Generative AI includes all of machine learning", "LLMs are the big umbrella, and GenAI ..."
    (
        "inverts_symbol",
        _pattern(
            r"{B} (?:\S+ ){0,1}?(?:includes?|encompass(?:es)?|contains?|covers?|subsumes?) (?:all of |the whole of |everything in |all )?(?:the )?{A}"
        ),
    ),
    (
        "inverts_symbol",
        _pattern(
            r"{B} {BE} (?:the )?(?:\S+ )?(?:umbrella|superset|parent|bigger category|broader category) (?:\S+ ){0,4}?{A}"
        ),
    ),
]


def claim_findings(sentence: str, mentions: list[Mention]) -> list[tuple[str, Mention, Mention]]:
    """(what the claim does, inner, outer) of each wrong claim about the nesting in ``sentence``.

    ``mentions`` are the used names, offsets into ``sentence``. The caller leaves out
    questions, reported claims and quiz options (:func:`.claims.claims_allowed`).
    """
    if len(mentions) < 2 or len({m.concept for m in mentions}) < 2:
        return []
    words = slotted_words(
        sentence, ((m.start, m.end, f" <{m.concept}#{i}> ") for i, m in enumerate(mentions))
    )
    found: dict[tuple[int, int], tuple[str, Mention, Mention]] = {}
    for kind, pattern in CLAIM_PATTERNS:
        for match in pattern.finditer(words):
            a = mentions[int(match.group("ai"))]
            b = mentions[int(match.group("bi"))]
            if a.concept == b.concept:
                continue
            if not kind.startswith("denies") and NEGATED.search(match.group()):
                continue  # "AI is not a subset of ML" is right
            claim = _wrong_claim(kind, a, b)
            if claim:
                found.setdefault((claim[1].start, claim[2].start), claim)
    return list(found.values())


def _wrong_claim(kind: str, a: Mention, b: Mention) -> tuple[str, Mention, Mention] | None:
    """(what the claim does, inner, outer) when a claim of ``kind`` about A and B is wrong."""
    if kind == "siblings" and (
        is_ancestor(a.concept, b.concept) or is_ancestor(b.concept, a.concept)
    ):
        inner, outer = (b, a) if is_ancestor(a.concept, b.concept) else (a, b)
        return kind, inner, outer
    if kind.startswith("denies") and is_ancestor(b.concept, a.concept):
        return "denies", a, b
    if kind.startswith("inverts") and is_ancestor(a.concept, b.concept):
        return "inverts", b, a
    return None
