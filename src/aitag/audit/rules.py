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
from functools import lru_cache

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


def nesting(inner: str, outer: str) -> str:
    """How ``inner`` sits in ``outer``, with the whole chain."""
    chain, label = [], "LLM"
    while label is not None:
        chain.append(label)
        label = PARENT[label]
    return f"{inner} is part of {outer} ({' ⊂ '.join(chain)})"


# ---------------------------------------------------------------- claims as token patterns
#
# A sentence is read as its words, lower-cased and spaced, with each used concept name
# replaced by a slot ``<ML#3>`` (concept and mention index). A pattern is a sequence of
# word classes and two slots, A and B; gaps are bounded, so matching stays linear in
# the sentence. Each pattern says which way round the two names must nest for the claim
# to be wrong: ``denies`` (B contains A, and the claim says A is not B), ``siblings``
# (one contains the other, and the claim puts them side by side).

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
    questions, reported claims and quiz options (:func:`claims_allowed`).
    """
    if len(mentions) < 2 or len({m.concept for m in mentions}) < 2:
        return []
    pieces, at = [], 0
    for i, m in enumerate(mentions):
        pieces.append(_spaced(sentence[at : m.start]))
        pieces.append(f" <{m.concept}#{i}> ")
        at = m.end
    pieces.append(_spaced(sentence[at:]))
    words = " ".join("".join(pieces).split())
    found: dict[tuple[int, int], tuple[str, Mention, Mention]] = {}
    for kind, pattern in CLAIM_PATTERNS:
        for match in pattern.finditer(words):
            a = mentions[int(match.group("ai"))]
            b = mentions[int(match.group("bi"))]
            if a.concept == b.concept:
                continue
            if not kind.startswith("denies") and _NEGATED.search(match.group()):
                continue  # "AI is not a subset of ML" is right
            if kind == "siblings" and (
                is_ancestor(a.concept, b.concept) or is_ancestor(b.concept, a.concept)
            ):
                inner, outer = (b, a) if is_ancestor(a.concept, b.concept) else (a, b)
                found.setdefault((inner.start, outer.start), (kind, inner, outer))
            elif kind.startswith("denies") and is_ancestor(b.concept, a.concept):
                found.setdefault((a.start, b.start), ("denies", a, b))
            elif kind.startswith("inverts") and is_ancestor(a.concept, b.concept):
                found.setdefault((b.start, a.start), ("inverts", b, a))
    return list(found.values())


_NEGATED = re.compile(r"(?:^|\s)(?:not|n't|never|no|neither|nor|hardly)\s")
_SPACED = re.compile(r"(n't|'s|'re|[,;:()\.\-–—&])")


def _spaced(text: str) -> str:
    """Lower-cased words with punctuation and clitics as words of their own."""
    text = text.replace("’", "'").lower()
    return " " + _SPACED.sub(r" \1 ", text) + " "


# ---------------------------------------------------------------- products called by a term

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
    slots.sort()
    pieces, at = [], 0
    for start, end, slot in slots:
        if start < at:
            continue
        pieces.append(_spaced(sentence[at:start]))
        pieces.append(slot)
        at = end
    pieces.append(_spaced(sentence[at:]))
    words = " ".join("".join(pieces).split())
    found = {}
    for pattern in PRODUCT_PATTERNS:
        for match in pattern.finditer(words):
            if _NEGATED.search(match.group()):
                continue
            term = mentions[int(match.group("ti"))]
            concept = match.group("p")
            if is_ancestor(concept, term.concept):
                found.setdefault(term.start, (term, concept))
    return list(found.values())
