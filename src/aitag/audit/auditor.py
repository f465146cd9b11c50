"""The auditor: finds misused concept names in documents, with a Tagger's scores as evidence.

The two model rules compare what the text discusses with what the term names. The model
scores the sentence and the passage with every concept name masked (LABELS.md: content,
not vocabulary), and a finding needs the discussed concept's score to clear a high bar and
the named concept's to stay under a low one. Sentences that name two concepts (comparisons,
definitions), negations, questions and quoted text are left alone: precision first.

Every finding is a dict of one shape (see :meth:`Auditor.audit_documents`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from ..errors import InputError
from ..labels import LABELS, is_ancestor
from ..readers import Document, Passage, text_document
from ..sentences import sentence_spans
from ..streams import in_chunks
from .mentions import Mention, find_mentions, mask_terms
from .rules import (
    _FIELD_AFTER,
    _FIELD_BEFORE,
    _INSIDE,
    _NEGATION,
    _PARENT_NAMED,
    INVERTED_HIERARCHY,
    LEVELS,
    SEVERITY,
    VAGUE_TERM,
    WRONG_TERM,
    inverted_claims,
    nesting,
    suggest,
    swap,
)

#: Default bars of the model rules: a finding needs the discussed concept's score at or
#: above ``*_concept`` and the named one's below ``*_term``.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "wrong_concept": 0.5,
    "wrong_term": 0.35,
    "vague_concept": 0.55,
    "vague_term": 0.35,
}

#: Sentences shorter than this say too little for the model rules.
MIN_SENTENCE_WORDS = 4

#: Documents audited together (one model call for all their passages and sentences).
CHUNK_DOCUMENTS = 64


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
    >>> findings = auditor.audit_text("Machine learning is a type of generative AI.")  # doctest: +SKIP
    >>> [f["rule"] for f in findings]  # doctest: +SKIP
    ['aitag.InvertedHierarchy']
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
            fixed = swap(sentence, left, right)
            found.append(
                _finding(
                    INVERTED_HIERARCHY, passage, left, lo, sentence, top,
                    float(discussed.max()), fixed,
                    f"'{claim}' inverts the nesting: {nesting(outer.concept, inner.concept)}.",
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
            suggestion = suggest(concept, mention.text)
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
