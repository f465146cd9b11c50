"""The auditor: finds misused concept names in documents, mention by mention.

Each mention the author uses (not a name, job title, compound, link, code or quotation:
:mod:`.mentions`) is read in its sentence by the mention model (:mod:`.mention_model`),
which says whether the term fits what it names there. Precise patterns (:mod:`.rules`)
decide on their own where they are sure: an inverted "X is a subset of Y", "not all X is
Y"; and they veto where a finding would misread the text: questions, reported claims,
quiz options, "not the same as", a category named in passing, an umbrella term in a
passage that also names the specific concept.

Every finding is a dict of one shape (see :meth:`Auditor.audit_documents`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..errors import InputError
from ..labels import LABELS, is_ancestor
from ..readers import Document, Passage, text_document
from ..streams import in_chunks
from .claim_patterns import claim_findings
from .claims import claims_allowed, inverted_claims, not_all_claim, not_all_correct
from .findings import nesting, suggest, swap
from .mention_features import Candidate, passage_candidates, sentence_units
from .mention_model import CLASSES, MentionModel, misuse_scores
from .mentions import Mention, mechanism_shown, names_field
from .products import misnamed_products
from .rules import INVERTED_HIERARCHY, LEVELS, SEVERITY, VAGUE_TERM, WRONG_TERM
from .vetoes import _FIELD_AFTER, _FIELD_BEFORE, parent_named

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
    ) -> Iterator[dict | InputError]:
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
        for p, found in self._findings(texts):
            d, passage = owners[p]
            findings[d].extend(_finding(passage, **f) for f in found)
        records = []
        for document, found in zip(documents, findings):
            if found:
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

    def _findings(self, texts: list[tuple[str, tuple]]) -> Iterator[tuple[int, list[dict]]]:
        """(passage index, findings) for each passage with findings."""
        model = self._model()
        by_passage: dict[int, list[dict]] = {}
        claimed: set[tuple[int, int]] = set()  # sentences with a pattern finding
        correct: set[tuple[int, int]] = set()  # sentences that state the nesting rightly
        used: dict[int, set[str]] = {}  # concepts each passage names, in any form
        units = []
        for p, (text, marks) in enumerate(texts):
            for lo, hi, mentions, entities in sentence_units(text, marks):
                units.append((p, lo, hi, mentions, entities))
                uses = [m for m in mentions if m.scope is None]
                used.setdefault(p, set()).update(m.concept for m in mentions)
                if not_all_correct(text[lo:hi], [_local(m, lo) for m in uses]):
                    correct.add((p, lo))
                    continue
                found = _pattern_findings(text, lo, hi, uses, entities)
                if found:
                    claimed.add((p, lo))
                    by_passage.setdefault(p, []).extend(found)
        scorer = getattr(self.tagger.model, "passages", self.tagger.model)
        candidates = passage_candidates(texts, scorer, units)
        proba = model.predict_proba([c.features for c in candidates]) if model else None
        for k, candidate in enumerate(candidates):
            where = (candidate.passage, candidate.lo)
            if where in claimed:
                continue
            finding = None
            if proba is not None:
                finding = self._model_finding(texts, candidate, proba[k], model, used)
                if finding and finding["rule"] == INVERTED_HIERARCHY and where in correct:
                    finding = None
            finding = finding or _mechanism_finding(texts, candidate, used)
            if finding:
                claimed.add(where)
                by_passage.setdefault(candidate.passage, []).append(finding)
        yield from sorted(by_passage.items())

    def _model_finding(self, texts, candidate: Candidate, row, model, used) -> dict | None:
        text = texts[candidate.passage][0]
        sentence = text[candidate.lo : candidate.hi]
        rules, scores = misuse_scores(row[None, :])
        rule, score = CLASSES[int(rules[0])], float(scores[0])
        if score < self._threshold(model, rule) or not _allowed(
            rule, text, sentence, candidate, used
        ):
            return None
        return _term_finding(rule, text, sentence, candidate, score)


def _mechanism_finding(texts, candidate: Candidate, used) -> dict | None:
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
    if not _allowed(rule, text, sentence, candidate, used, evidence=False):
        return None
    return _term_finding(rule, text, sentence, candidate, 1.0, concept)


def _allowed(
    rule: str, text: str, sentence: str, candidate: Candidate, used, evidence: bool = True
) -> bool:
    """The vetoes: readings of a sentence under which a model finding would be wrong."""
    mention = candidate.mention
    if sentence.rstrip().endswith("?"):
        return False
    before, after = text[max(0, mention.start - 60) : mention.start], text[mention.end :]
    if rule == INVERTED_HIERARCHY:
        # A claim about the nesting names two concepts ("Kaggle isn't machine learning" is not one).
        return candidate.features.get("concepts", 0) >= 2 and claims_allowed(
            sentence, text, candidate.hi
        )
    if evidence and not _evidence(rule, candidate):
        return False
    if parent_named(before):
        return False  # "a field of AI": the category named in passing
    if rule == VAGUE_TERM:
        if (
            _FIELD_BEFORE.search(before)
            or _FIELD_AFTER.match(after[:40])
            or names_field(text, mention)
        ):
            return False  # "AI tools", "adopt AI": the umbrella naming the field
        narrower = {c for c in used.get(candidate.passage, ()) if is_ancestor(mention.concept, c)}
        if narrower:
            return False  # the passage names the specific concept too: the umbrella is chosen
    return True


#: How a finding's message names each concept.
CONCEPT_NAMES = {
    "AI": "AI as a whole",
    "ML": "machine learning",
    "LLM": "a large language model",
    "GenAI": "generative AI",
}

#: What the tagger must see, in the sentence or its passage, of the concept a misused term
#: refers to: a term-level finding needs positive evidence of the other concept.
EVIDENCE = 0.3


def _evidence(rule: str, candidate: Candidate) -> bool:
    f = candidate.features
    side = "broader" if rule == WRONG_TERM else "narrower"
    seen = max(f.get(f"sent:{side}", 0.0), f.get(f"pass:{side}", 0.0))
    return seen >= EVIDENCE or f.get(f"s:<product:{side}>", 0.0) > 0


def _pattern_findings(
    text: str, lo: int, hi: int, mentions: list[Mention], entities: list
) -> list[dict]:
    """Findings of the precise patterns in one sentence (offsets into the passage).

    ``entities`` with a concept stand in claims as names do ("GPT-4 is not machine learning").
    """
    sentence = text[lo:hi]
    if not mentions or not claims_allowed(sentence, text, hi):
        return []
    local = [_local(m, lo) for m in mentions]
    found = []
    for left, right, _ in inverted_claims(sentence, local):
        inner, outer = (left, right) if is_ancestor(right.concept, left.concept) else (right, left)
        found.append(
            _claim(
                sentence, lo, left, right, inner, outer, swap(sentence, left, right),
                f"inverts the nesting: {nesting(inner.concept, outer.concept)}",
            )
        )  # fmt: skip
    if found:
        return found
    pair = not_all_claim(sentence, local)
    if pair:
        inner, outer = pair
        return [
            _claim(
                sentence, lo, inner, outer, inner, outer, f"all {inner.text} is {outer.text}",
                f"denies the nesting: {nesting(inner.concept, outer.concept)}",
            )
        ]  # fmt: skip
    products = [
        Mention(e.concept, e.start - lo, e.end - lo, text[e.start : e.end])
        for e in entities
        if e.concept
    ]
    for term, concept in misnamed_products(sentence, local, products):
        candidate = Candidate(
            -1, lo, hi, Mention(term.concept, term.start + lo, term.end + lo, term.text), {}
        )
        found.append(_term_finding(WRONG_TERM, text, sentence, candidate, 1.0, concept))
    if found:
        return found
    names = local + [
        p for p in products if not any(m.start < p.end and p.start < m.end for m in local)
    ]
    names.sort(key=lambda m: m.start)
    for kind, inner, outer in claim_findings(sentence, names):
        left, right = sorted((inner, outer), key=lambda m: m.start)
        if kind == "siblings":
            what = f"puts {inner.concept} beside {outer.concept}, but {nesting(inner.concept, outer.concept)}"
        elif kind == "inverts":
            what = f"inverts the nesting: {nesting(inner.concept, outer.concept)}"
        else:
            what = f"denies the nesting: {nesting(inner.concept, outer.concept)}"
        found.append(
            _claim(
                sentence, lo, left, right, inner, outer, nesting(inner.concept, outer.concept), what
            )
        )
    return found


def _claim(sentence, lo, left, right, inner, outer, suggestion, what) -> dict:
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


def _local(mention: Mention, lo: int) -> Mention:
    return Mention(mention.concept, mention.start - lo, mention.end - lo, mention.text)


_NESTING = "LLMs are part of generative AI, which is part of machine learning, which is part of AI"


def _term_finding(
    rule, text, sentence, candidate: Candidate, score: float, concept: str | None = None
) -> dict:
    mention = candidate.mention
    if rule == INVERTED_HIERARCHY:
        return dict(
            rule=rule,
            start=mention.start,
            end=mention.end,
            mention=mention,
            concept=mention.concept,
            score=score,
            suggestion=_NESTING,
            message=(
                f"The sentence denies or flattens the nesting around '{mention.text}': {_NESTING}."
            ),
            sentence=sentence,
        )
    concept = concept or _referent(rule, text, candidate)
    suggestion = suggest(concept, mention.text)
    if rule == WRONG_TERM:
        message = (
            f"'{mention.text}' names {CONCEPT_NAMES[mention.concept]}, but what it refers to "
            f"here is {CONCEPT_NAMES[concept]}; use '{suggestion}'."
        )
    else:
        message = (
            f"'{mention.text}' is an umbrella term for what is {CONCEPT_NAMES[concept]} "
            f"here: consider '{suggestion}'."
        )
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


def _referent(rule: str, text: str, candidate: Candidate) -> str:
    """The concept a misused term refers to: a known product next to it, else the concept
    (broader for WrongTerm, narrower for VagueTerm) that the sentence and passage discuss most.
    """
    from .entities import find_entities

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


def _finding(
    passage: Passage, rule, start, end, mention, concept, score, suggestion, message, sentence
) -> dict:
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
