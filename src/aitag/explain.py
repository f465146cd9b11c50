"""Why the model tagged a text: each n-gram's contribution to each tag's score.

A tag's linear score for a passage is ``intercept + sum(coef[tag, term] * weight[term])``
over the passage's terms, where the weights are the passage's TF-IDF features
(:meth:`aitag.scoring.NgramScorer.features`) and the probability is the logistic of that score. The
contribution of a term is its product ``coef * weight``: the contributions of all the
passage's terms plus the intercept give the linear score exactly, so an explanation is
not an approximation of the model, it is the model's own arithmetic.

A document's score for a tag is its best passage's (see :mod:`aitag.predict`), so the
document's explanation for a tag is that passage's, again exact; each record says which
passage explains which tag (``explained_by``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .errors import InputError, InputWarning
from .features import ENTITY_MARK
from .labels import LABELS
from .predict import Tagger
from .readers import Document
from .scoring import text_slices
from .streams import in_chunks

#: N-grams shown per tag and direction (pushing the score up, pushing it down).
TOP_FEATURES = 5


@dataclass
class Contributions:
    """Every term's contribution to each tag's linear score, for one text.

    ``values[j, k]`` is what term ``terms[k]`` adds to the linear score of ``LABELS[j]``;
    ``values.sum(axis=1) + intercept`` is the model's linear score, exactly.
    """

    terms: list[str]
    values: np.ndarray
    intercept: np.ndarray

    def linear_scores(self) -> np.ndarray:
        return self.values.sum(axis=1) + self.intercept

    def top(self, label: str, n: int = TOP_FEATURES) -> list[dict]:
        """The ``n`` terms that raise the tag's score most, then the ``n`` that lower it most."""
        row = self.values[LABELS.index(label)]
        order = np.argsort(-row, kind="stable")
        up = [k for k in order[:n] if row[k] > 0]
        down = [k for k in order[::-1][:n] if row[k] < 0]
        return [{"feature": self.terms[k], "weight": round(float(row[k]), 4)} for k in up + down]


def contributions(model, texts: list[str]) -> list[Contributions]:
    """Per-term contributions for each text, from the model's own features.

    A term is named by the vocabulary entry of its column: the n-gram itself (or the
    class term of a known entity), found without listing the text's n-grams.
    """
    rows, term_ids, weights = model.features(texts)
    values = model.coef[:, term_ids].astype(np.float64) * weights
    bounds = np.searchsorted(rows, np.arange(len(texts) + 1))
    intercept = np.asarray(model.intercept, dtype=np.float64)
    terms = model.terms
    result = []
    for i in range(len(texts)):
        start, end = bounds[i], bounds[i + 1]
        columns = term_ids[start:end]
        # A copy: a view would keep the whole slice's array alive with it.
        result.append(
            Contributions(terms[columns].tolist(), values[:, start:end].copy(), intercept)
        )
    return result


#: Characters of passages whose contributions are worked out at a time: a document of
#: the largest size has millions of (term, tag) contributions.
SLICE_CHARACTERS = 1_000_000


def passage_contributions(model, texts: list[str]) -> Iterator[tuple[int, Contributions]]:
    """(index, contributions) of each text, worked out a slice of texts at a time."""
    for start, end in text_slices(texts, SLICE_CHARACTERS):
        for offset, found in enumerate(contributions(model, texts[start:end])):
            yield start + offset, found


class Explainer:
    """Prediction records with, per tag, the n-grams that moved the score most.

    Examples
    --------
    >>> explainer = Explainer(Tagger.load())  # doctest: +SKIP
    >>> record = explainer.explain_text("A prompt steers the language model.")  # doctest: +SKIP
    >>> record["explanations"]["LLM"][0]  # doctest: +SKIP
    {'feature': 'language model', 'weight': 1.23}
    """

    def __init__(self, tagger: Tagger, top: int = TOP_FEATURES):
        self.tagger = tagger
        self.top = top

    def explain_text(self, text: str, passages: bool = False) -> dict:
        """Explain one plain text (its passages are cut as for any document)."""
        from .readers import text_document

        return self.explain_document(text_document(text), passages)

    def explain_documents(
        self, items: Iterable[Document | InputError], passages: bool = False
    ) -> Iterator[dict | InputError | InputWarning]:
        """Stream explained records, passing InputErrors (and warnings) through in place."""
        return in_chunks(items, lambda docs: [self.explain_document(d, passages) for d in docs])

    def explain_document(self, document: Document, passages: bool = False) -> dict:
        """The prediction record plus ``explanations`` and ``explained_by`` per tag.

        With ``passages``, each passage record gets its own ``explanations`` too.
        """
        record = self.tagger.score_documents([document], passages=True)[0]
        record["decision"] = self.decision(document)
        if not document.passages:
            record["explanations"] = {label: [] for label in LABELS}
            record["explained_by"] = dict.fromkeys(LABELS)
            if not passages:
                del record["passages"]
            return record
        # Per tag, the passage with the highest linear score (the first of equals) and
        # its contributions; the others' are dropped as soon as they are looked at.
        best_score = np.full(len(LABELS), -np.inf)
        best: list[tuple[int, Contributions] | None] = [None] * len(LABELS)
        texts = [p.text for p in document.passages]
        for index, found in passage_contributions(self.tagger.model.passages, texts):
            for j, score in enumerate(found.linear_scores()):
                if score > best_score[j] or best[j] is None:
                    best_score[j], best[j] = score, (index, found)
            if passages:
                record["passages"][index]["explanations"] = {
                    label: found.top(label, self.top) for label in LABELS
                }
        record["explanations"], record["explained_by"] = {}, {}
        for label, entry in zip(LABELS, best):
            assert entry is not None  # the document has passages: each tag has a best one
            index, found = entry
            record["explanations"][label] = found.top(label, self.top)
            record["explained_by"][label] = _where(record["passages"][index])
        if not passages:
            del record["passages"]
        return record

    def decision(self, document: Document) -> dict[str, list[dict]]:
        """Per tag, the document features that moved the document's score most.

        A weight is the feature's coefficient times its standardised value: the weights
        of all features plus the intercept are the decision's linear score, exactly.
        """
        model = self.tagger.model
        if model.documents is None:
            return {label: [] for label in LABELS}
        from .decision import FEATURE_NAMES
        from .predict import document_inputs

        features = document_inputs(model.passages, [document])[0]
        standard = (features - model.documents.mean) / model.documents.scale
        result = {}
        for j, label in enumerate(LABELS):
            weights = model.documents.coef[j] * standard
            order = np.argsort(-np.abs(weights), kind="stable")[: self.top]
            result[label] = [
                {
                    "feature": FEATURE_NAMES[k],
                    "value": round(float(features[k]), 4),
                    "weight": round(float(weights[k]), 4),
                }
                for k in order
            ]
        return result


def _where(passage: dict) -> dict:
    keys = ("index", "line", "column", "text")
    return {key: passage[key] for key in keys}


def term_spans(text: str, features: list[dict]) -> list[tuple[int, int, dict]]:
    """Where the explaining n-grams occur in ``text``: sorted (start, end, feature) spans.

    An n-gram matches its words in order, whatever the case and whatever punctuation or
    space separates them. Where two matches overlap, the stronger feature keeps the span.
    Linear in the text: each match is checked against a map of the characters already
    taken, not against every span kept so far.
    """
    matches: list[tuple[int, int, dict]] = []
    for feature in features:
        if feature["feature"].startswith(ENTITY_MARK):
            continue  # a class term has no words of its own in the text
        for name in feature["feature"].split(" | "):
            matches.extend((m.start(), m.end(), feature) for m in _pattern(name).finditer(text))
    matches.sort(key=lambda match: (-abs(match[2]["weight"]), match[0]))
    taken = bytearray(len(text))
    kept: list[tuple[int, int, dict]] = []
    for start, end, feature in matches:
        if taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            kept.append((start, end, feature))
    return sorted(kept, key=lambda span: span[0])


def _pattern(ngram: str) -> re.Pattern:
    # Token edges as features.tokenize draws them: letters and digits, joined inside a
    # word by a hyphen or an apostrophe ("language-model" is one token, not a bigram).
    words = r"(?![-'][a-z0-9])[^a-z0-9]+".join(re.escape(word) for word in ngram.split())
    return re.compile(
        rf"(?<![a-z0-9])(?<![a-z0-9][-']){words}(?![a-z0-9])(?![-'][a-z0-9])", re.IGNORECASE
    )
