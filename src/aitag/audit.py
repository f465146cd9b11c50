"""Audit: find mentions of the four concepts' names and report the ones that misuse them.

Three rules, from the most to the least certain:

``aitag.InvertedHierarchy`` (error)
    A claim that puts an outer concept inside an inner one ("AI is a subset of machine
    learning"). Decided by patterns alone, never by the model.
``aitag.WrongTerm`` (warning)
    The name of a narrower concept for text about a broader or other one ("LLMs like
    Midjourney draw pictures": the text is about generative AI, not language models).
``aitag.VagueTerm`` (suggestion)
    An umbrella name for text that clearly discusses something narrower ("our AI" for a
    model trained on transactions to flag fraud: machine learning).

The two model rules compare what the text discusses with what the term names. The model
scores the sentence and the passage with every concept name masked (LABELS.md: content,
not vocabulary), and a finding needs the discussed concept's score to clear a high bar and
the named concept's to stay under a low one. Sentences that name two concepts (comparisons,
definitions), negations, questions and quoted text are left alone: precision first.

Every finding is a dict of one shape (see :func:`Auditor.audit_documents`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .documents import Document, Passage, text_document
from .errors import InputError
from .labels import LABELS, PARENT, is_ancestor
from .predict import in_chunks

#: Severity of each rule, and the order of severities (index = rank).
LEVELS: tuple[str, ...] = ("suggestion", "warning", "error")
INVERTED_HIERARCHY = "aitag.InvertedHierarchy"
WRONG_TERM = "aitag.WrongTerm"
VAGUE_TERM = "aitag.VagueTerm"
SEVERITY = {INVERTED_HIERARCHY: "error", WRONG_TERM: "warning", VAGUE_TERM: "suggestion"}

#: Default bars of the model rules, tuned on benchmarks/audit_cases.jsonl: a finding needs
#: the discussed concept's score at or above ``*_concept`` and the named one's below
#: ``*_term``.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "wrong_concept": 0.5,
    "wrong_term": 0.35,
    "vague_concept": 0.55,
    "vague_term": 0.35,
}


#: The plain name to suggest for each concept.
SUGGESTED = {"AI": "AI", "ML": "machine learning", "LLM": "LLM", "GenAI": "generative AI"}

#: Sentences shorter than this say too little for the model rules.
MIN_SENTENCE_WORDS = 4

#: Documents audited together (one model call for all their passages and sentences).
CHUNK_DOCUMENTS = 64

# ---------------------------------------------------------------- term mentions

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

# A line break ends a sentence too (headings, list items), unless the text runs on in
# lower case, as wrapped lines of HTML and Markdown do.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“'‘(\[]?[A-Z0-9])|\s*\n\s*(?![a-z])")
_NOT_AN_END = re.compile(r"(?:\b[A-Z]\.[A-Z]\.|\be\.g\.|\bi\.e\.|\bvs\.|\betc\.)$")


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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if _NOT_AN_END.search(text[: match.start()]) and "\n" not in match.group():
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(lo, hi) for lo, hi in spans if text[lo:hi].strip()]


def mask_terms(text: str) -> str:
    """``text`` with every concept name replaced by a neutral word, for scoring content."""
    return _TERMS.sub("it", text)


# ---------------------------------------------------------------- hierarchy claims

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
    r"|class|family|category)\s+of)\s+$",
    re.IGNORECASE,
)
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
        between = sentence[left.end : right.start]
        if _NEGATION.search(between) or left.concept == right.concept:
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


# ---------------------------------------------------------------- the auditor


class Auditor:
    """Finds misused concept names in documents, with a Tagger's scores as evidence.

    Parameters
    ----------
    tagger : Tagger
        The loaded model that scores sentences and passages.
    thresholds : dict, optional
        Overrides of :data:`DEFAULT_THRESHOLDS`.

    Examples
    --------
    >>> auditor = Auditor(Tagger.load())  # doctest: +SKIP
    >>> [f["rule"] for f in auditor.audit_text("Machine learning is a type of generative AI.")]
    ['aitag.InvertedHierarchy']  # doctest: +SKIP
    """

    def __init__(self, tagger, thresholds: dict[str, float] | None = None):
        self.tagger = tagger
        self.thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
        unknown = set(self.thresholds) - set(DEFAULT_THRESHOLDS)
        if unknown:
            raise ValueError(f"unknown audit thresholds {sorted(unknown)}")

    def audit_text(self, text: str) -> list[dict]:
        """Findings of one plain text."""
        return self.audit(text_document(text))["findings"]

    def audit(self, document: Document, passages: bool = False) -> dict:
        """The audit record of one document."""
        return self._audit_chunk([document], passages)[0]

    def audit_documents(
        self, items: Iterable[Document | InputError], passages: bool = False
    ) -> Iterator[dict | InputError]:
        """Stream one audit record per document, passing InputErrors through in their place.

        A record is ``{"id", "path", "findings": [finding, ...]}`` (plus ``"passages"``, the
        passage texts with their lines, when asked). A finding is ``{"rule", "severity",
        "line", "column", "end_line", "end_column", "offset", "end_offset", "passage",
        "passage_start", "passage_end", "term", "match", "term_concept", "concept", "score",
        "suggestion", "message", "sentence"}``; ``concept`` and ``score`` say what the text
        discusses (for InvertedHierarchy, the concept the claim puts inside the other).
        """
        return in_chunks(
            items, lambda documents: self._audit_chunk(documents, passages), CHUNK_DOCUMENTS
        )

    # ------------------------------------------------------------ internals

    def _audit_chunk(self, documents: list[Document], passages: bool) -> list[dict]:
        # Gather every sentence with a mention, then score them and their passages at once.
        units = []  # (document index, passage, sentence start, sentence end, mentions)
        for d, document in enumerate(documents):
            for passage in document.passages:
                mentions = find_mentions(passage.text)
                for lo, hi in sentence_spans(passage.text):
                    inside = [m for m in mentions if lo <= m.start < hi]
                    if inside:
                        units.append((d, passage, lo, hi, inside))
        texts = [mask_terms(u[1].text[u[2] : u[3]]) for u in units]
        texts += [mask_terms(u[1].text) for u in units]
        scores = self.tagger.model.predict_proba(texts) if texts else np.zeros((0, len(LABELS)))
        findings: list[list[dict]] = [[] for _ in documents]
        for k, (d, passage, lo, hi, mentions) in enumerate(units):
            evidence = np.vstack([scores[k], scores[len(units) + k]])
            findings[d].extend(self._sentence_findings(passage, lo, hi, mentions, evidence))
        records = []
        for document, found in zip(documents, findings):
            lines = document.line_index()
            for finding in found:
                _place(finding, document.passages[finding["passage"]], lines)
            found.sort(key=lambda f: (f["offset"], -LEVELS.index(f["severity"])))
            record = {"id": document.id, "path": document.path, "findings": found}
            if passages:
                record["passages"] = [
                    {"index": p.index, "line": p.line, "column": p.column, "text": p.text}
                    for p in document.passages
                ]
            records.append(record)
        return records

    def _sentence_findings(
        self, passage: Passage, lo: int, hi: int, mentions: list[Mention], evidence: np.ndarray
    ) -> list[dict]:
        sentence = passage.text[lo:hi]
        local = [Mention(m.concept, m.start - lo, m.end - lo, m.text) for m in mentions]
        found = []
        discussed = evidence.min(axis=0)
        top = LABELS[int(discussed.argmax())]
        for left, right, between in inverted_claims(sentence, local):
            inner, outer = (left, right) if _INSIDE.search(between) else (right, left)
            claim = sentence[left.start : right.end]
            fixed = _swap(sentence, left, right)
            found.append(
                _finding(
                    INVERTED_HIERARCHY, passage, left, lo, sentence, top,
                    float(discussed.max()), fixed,
                    f"'{claim}' inverts the nesting: {_nesting(outer.concept, inner.concept)}.",
                    span_end=right.end + lo,
                )
            )  # fmt: skip
        if found or len({m.concept for m in mentions}) > 1:
            return found  # a claim or a comparison names concepts on purpose
        if (
            len(sentence.split()) < MIN_SENTENCE_WORDS
            or sentence.rstrip().endswith("?")
            or _NEGATION.search(sentence)
        ):
            return found
        for mention in local:
            if _PARENT_NAMED.search(sentence[: mention.start]):
                continue  # "a specialized ML model": naming the parent is not misusing it
            generic = _FIELD_BEFORE.search(sentence[: mention.start]) or _FIELD_AFTER.match(
                sentence[mention.end :]
            )
            found.extend(self._term_findings(passage, lo, sentence, mention, evidence, generic))
        return found

    def _term_findings(self, passage, lo, sentence, mention, evidence, generic) -> list[dict]:
        # A concept counts as discussed when both the sentence and its passage discuss it,
        # and as absent when neither does.
        discussed = evidence.min(axis=0)
        named = evidence.max(axis=0)[LABELS.index(mention.concept)]
        for rule, broader in ((WRONG_TERM, False), (VAGUE_TERM, True)):
            prefix = "wrong" if rule == WRONG_TERM else "vague"
            if broader and generic:
                continue
            if named >= self.thresholds[f"{prefix}_term"]:
                continue
            candidates = [
                label
                for label in LABELS
                if (
                    is_ancestor(mention.concept, label)
                    if broader
                    else is_ancestor(label, mention.concept)
                )
                and discussed[LABELS.index(label)] >= self.thresholds[f"{prefix}_concept"]
            ]
            if not candidates:
                continue
            concept = max(candidates, key=lambda label: discussed[LABELS.index(label)])
            score = float(discussed[LABELS.index(concept)])
            suggestion = _suggest(concept, mention.text)
            if rule == WRONG_TERM:
                message = (
                    f"'{mention.text}' names {mention.concept}, but the text discusses "
                    f"{concept} ({score:.2f}); use '{suggestion}'."
                )
            else:
                message = (
                    f"'{mention.text}' is an umbrella term; the text discusses {concept} "
                    f"({score:.2f}): consider '{suggestion}'."
                )
            return [
                _finding(rule, passage, mention, lo, sentence, concept, score, suggestion, message)
            ]
        return []


def _finding(
    rule, passage, mention, lo, sentence, concept, score, suggestion, message, span_end=None
) -> dict:
    end = span_end if span_end is not None else mention.end + lo
    return {
        "rule": rule,
        "severity": SEVERITY[rule],
        "passage": passage.index,
        "passage_start": mention.start + lo,
        "passage_end": end,
        "term": mention.text,
        "match": " ".join(sentence[mention.start : end - lo].split()),
        "term_concept": mention.concept,
        "concept": concept,
        "score": round(score, 4),
        "suggestion": suggestion,
        "message": message,
        "sentence": " ".join(sentence.split()),
    }


def _place(finding: dict, passage: Passage, lines) -> None:
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


def _suggest(concept: str, term: str) -> str:
    plural = term.endswith("s") and not term.endswith("ics")
    if concept == "LLM":
        return "LLMs" if plural else "LLM"
    if concept == "ML" and plural:
        return "machine learning models"
    return SUGGESTED[concept]


def _swap(sentence: str, left: Mention, right: Mention) -> str:
    """The claim with its two names swapped: the direction LABELS.md gives."""

    def keep_case(text: str) -> str:
        return text if text[:2].isupper() else text[0].lower() + text[1:]

    middle = sentence[left.end : right.start]
    fixed = keep_case(right.text) + middle + keep_case(left.text)
    return fixed[0].upper() + fixed[1:] if left.start == 0 else fixed


def _nesting(outer: str, inner: str) -> str:
    chain, label = [], "LLM"
    while label is not None:
        chain.append(label)
        label = PARENT[label]
    return f"{outer} is part of {inner}, not the reverse ({' ⊂ '.join(chain)})"


def level_at_least(severity: str, level: str) -> bool:
    """True when ``severity`` ranks at or above ``level`` (suggestion < warning < error)."""
    return LEVELS.index(severity) >= LEVELS.index(level)
