"""The auditor: finds misused concept names in documents, mention by mention.

Each mention the author uses (not a name, job title, compound, link, code or quotation:
:mod:`.mentions`) is read in its sentence by the mention model (:mod:`.mention_model`),
which says whether the term fits what it names there. Precise patterns
(:mod:`.pattern_findings`) decide on their own where they are sure: an inverted "X is a
subset of Y", "not all X is Y"; and they veto where a finding would misread the text
(:mod:`.vetoes`): questions, reported claims, quiz options, "not the same as", a category
named in passing, an umbrella term in a passage that also names the specific concept.

This module batches documents and runs those steps in order; :mod:`.findings` assembles
and places each finding. Every finding is a dict of one shape (see
:meth:`Auditor.audit_documents`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..errors import InputError, InputWarning
from ..readers import Document, text_document
from ..streams import in_chunks
from .claims import not_all_correct, stated_nestings
from .findings import located, place, term_finding
from .mention_features import Candidate, passage_candidates, sentence_units
from .mention_model import CLASSES, MentionModel, misuse_scores
from .pattern_findings import mechanism_finding, pattern_findings, shifted
from .rules import INVERTED_HIERARCHY, LEVELS, VAGUE_TERM
from .vetoes import allowed, names_agent_driver

#: Documents audited together (one model call for all their passages and sentences).
CHUNK_DOCUMENTS = 64


def mention_model_of(tagger) -> MentionModel | None:
    """The mention model stored with a tagger's model, or None (then patterns alone run)."""
    arrays = getattr(tagger.model, "audit", None)
    return MentionModel.from_arrays(arrays) if arrays else None


class Auditor:
    """Finds misused concept names in documents.

    Parameters
    ----------
    tagger : Tagger
        The loaded model: its passage scorer reads what sentences discuss, and its
        ``audit`` arrays (when present) are the mention model.
    thresholds : dict, optional
        Probability a rule needs, by rule name, overriding the model's own.
    mention_model : MentionModel, optional
        Use this mention model instead of the tagger's (cross-validation does).

    Examples
    --------
    >>> auditor = Auditor(Tagger.load())  # doctest: +SKIP
    >>> findings = auditor.audit_text("Machine learning is a type of generative AI.")  # doctest: +SKIP
    >>> [f["rule"] for f in findings]  # doctest: +SKIP
    ['aitag.InvertedHierarchy']
    """

    def __init__(self, tagger, thresholds: dict[str, float] | None = None, mention_model=None):
        self.tagger = tagger
        self.thresholds = thresholds
        self.mention_model = mention_model

    def audit_text(self, text: str) -> list[dict]:
        """Findings of one plain text."""
        return self.audit(text_document(text))["findings"]

    def audit(self, document: Document, passages: bool = False) -> dict:
        """The audit record of one document."""
        return self._audit_chunk([document], passages)[0]

    def audit_documents(
        self, items: Iterable[Document | InputError], passages: bool = False
    ) -> Iterator[dict | InputError | InputWarning]:
        """Stream one audit record per document, passing InputErrors through in their place.

        A record is ``{"id", "path", "findings": [finding, ...]}`` (plus ``"passages"``, the
        passage texts with their lines, when asked). A finding is ``{"rule", "severity",
        "line", "column", "end_line", "end_column", "offset", "end_offset", "passage",
        "passage_start", "passage_end", "term", "match", "term_concept", "concept", "score",
        "suggestion", "message", "sentence"}``; ``concept`` is what the term refers to (for
        InvertedHierarchy, the concept the claim gets wrong) and ``score`` the evidence.
        """
        return in_chunks(
            items, lambda documents: self._audit_chunk(documents, passages), CHUNK_DOCUMENTS
        )

    # ------------------------------------------------------------ internals

    def _model(self) -> MentionModel | None:
        if self.mention_model is None:
            self.mention_model = mention_model_of(self.tagger) or False
        return self.mention_model or None

    def _threshold(self, model: MentionModel, rule: str) -> float:
        if self.thresholds and rule in self.thresholds:
            return self.thresholds[rule]
        return model.thresholds.get(rule, 1.0)

    def _audit_chunk(self, documents: list[Document], passages: bool) -> list[dict]:
        owners, texts = [], []
        for d, document in enumerate(documents):
            for passage in document.passages:
                owners.append((d, passage))
                texts.append((passage.text, passage.marks))
        findings: list[list[dict]] = [[] for _ in documents]
        for p, found in self._findings(texts, [d for d, _ in owners]):
            d, passage = owners[p]
            findings[d].extend(located(passage, **f) for f in found)
        return [_record(document, found, passages) for document, found in zip(documents, findings)]

    def _findings(
        self, texts: list[tuple[str, tuple]], document_of: list[int]
    ) -> Iterator[tuple[int, list[dict]]]:
        """(passage index, findings) for each passage with findings; ``document_of`` gives
        each passage's document."""
        model = self._model()
        reading = _read_patterns(texts)
        # What the author says anywhere in a document bears on each of its passages.
        reading.named = _by_document(reading.named, document_of)
        reading.nested = _by_document(reading.nested, document_of)
        scorer = getattr(self.tagger.model, "passages", self.tagger.model)
        candidates = passage_candidates(texts, scorer, reading.units)
        proba = model.predict_proba([c.features for c in candidates]) if model else None
        for k, candidate in enumerate(candidates):
            where = (candidate.passage, candidate.lo)
            if where in reading.claimed:
                continue
            row = proba[k] if proba is not None else None
            finding = self._candidate_finding(texts, candidate, row, model, reading)
            if finding:
                reading.claimed.add(where)
                reading.by_passage.setdefault(candidate.passage, []).append(finding)
        yield from sorted(reading.by_passage.items())

    def _candidate_finding(
        self, texts, candidate: Candidate, row, model, reading: _Reading
    ) -> dict | None:
        """The mention model's finding on a candidate, else what the words after it show."""
        finding = None
        if row is not None:
            finding = self._model_finding(texts, candidate, row, model, reading.used)
            where = (candidate.passage, candidate.lo)
            if (
                finding
                and finding["rule"] == INVERTED_HIERARCHY
                and (
                    where in reading.correct
                    or candidate.mention.concept in reading.nested.get(candidate.passage, ())
                )
            ):
                # The document states this concept's place rightly elsewhere ("ML is a
                # subfield of AI"): "related but distinct" beside it is loose, not wrong.
                finding = None
        finding = finding or mechanism_finding(texts, candidate, reading.used)
        if (
            finding
            and finding["rule"] == VAGUE_TERM
            and finding["concept"] in reading.named.get(candidate.passage, ())
        ):
            # An umbrella term in a document that names, elsewhere, the very concept it is
            # said to stand for is the author's choice of word, not a confusion of concepts.
            # Vetoed here, before the sentence is claimed, so its other mentions are read.
            return None
        return finding

    def _model_finding(self, texts, candidate: Candidate, row, model, used) -> dict | None:
        text = texts[candidate.passage][0]
        sentence = text[candidate.lo : candidate.hi]
        rules, scores = misuse_scores(row[None, :])
        rule, score = CLASSES[int(rules[0])], float(scores[0])
        if score < self._threshold(model, rule) or not allowed(
            rule, text, sentence, candidate, used
        ):
            return None
        finding = term_finding(rule, text, sentence, candidate, score)
        # Vetoed after the finding is made: it needs the concept the term is read as.
        return None if names_agent_driver(finding, sentence) else finding


@dataclass
class _Reading:
    """What the patterns read in a chunk's sentences, for the mention model's step."""

    units: list = field(default_factory=list)  # (passage, lo, hi, mentions, entities)
    by_passage: dict[int, list[dict]] = field(default_factory=dict)  # findings so far
    claimed: set[tuple[int, int]] = field(default_factory=set)  # sentences with a finding
    correct: set[tuple[int, int]] = field(default_factory=set)  # nesting stated rightly
    used: dict[int, set[str]] = field(default_factory=dict)  # concepts each passage names
    named: dict[int, set[str]] = field(default_factory=dict)  # ... as the author's own word
    nested: dict[int, set[str]] = field(default_factory=dict)  # concepts placed rightly


def _read_patterns(texts: list[tuple[str, tuple]]) -> _Reading:
    """The sentences of the passages, and what the precise patterns find in each."""
    reading = _Reading()
    for p, (text, marks) in enumerate(texts):
        for lo, hi, mentions, entities in sentence_units(text, marks):
            reading.units.append((p, lo, hi, mentions, entities))
            uses = [m for m in mentions if m.scope is None]
            reading.used.setdefault(p, set()).update(m.concept for m in mentions)
            reading.named.setdefault(p, set()).update(m.concept for m in uses)
            local = [shifted(m, -lo) for m in uses]
            reading.nested.setdefault(p, set()).update(stated_nestings(text[lo:hi], local))
            if not_all_correct(text[lo:hi], local):
                reading.correct.add((p, lo))
                continue
            found = pattern_findings(text, lo, hi, uses, entities)
            if found:
                reading.claimed.add((p, lo))
                reading.by_passage.setdefault(p, []).extend(found)
    return reading


def _by_document(per_passage: dict[int, set[str]], document_of: list[int]) -> dict[int, set[str]]:
    """Each passage's set widened to the union over the passages of its document."""
    union: dict[int, set[str]] = {d: set() for d in document_of}
    for p, concepts in per_passage.items():
        union[document_of[p]] |= concepts
    return {p: union[d] for p, d in enumerate(document_of)}


def _record(document: Document, found: list[dict], passages: bool) -> dict:
    """The audit record of a document: its findings placed in the source and in order."""
    if found:
        lines = document.line_index()
        for finding in found:
            place(finding, document.passages[finding["passage"]], lines)
    found.sort(key=lambda f: (f["offset"], -LEVELS.index(f["severity"])))
    record = {"id": document.id, "path": document.path, "findings": found}
    if passages:
        record["passages"] = [
            {"index": p.index, "line": p.line, "column": p.column, "text": p.text}
            for p in document.passages
        ]
    return record
