"""The scoring engine: TF-IDF n-gram features and per-tag linear scores, in numpy alone.

A fitted model is a few arrays (vocabulary, idf, coefficients, intercepts); scoring is a
few numpy operations over them, so loading a model and tagging one file never imports
scikit-learn. :mod:`aitag.model` fits these arrays; the tests hold the two to the same
numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .decision import FEATURE_NAMES, DocumentDecision
from .features import ENTITY_MARK
from .labels import LABELS
from .ngrams import NgramIndex

#: Characters of text scored in one pass. The working arrays take about twenty bytes per
#: character, so a pass costs about 20 MB however long a document is; a chunk of ordinary
#: posts is one or two passes.
SLICE_CHARACTERS = 1_000_000


def text_slices(texts: list[str], limit: int = SLICE_CHARACTERS) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive slices of ``texts`` of at most ``limit`` characters
    each (a longer text is a slice of its own)."""
    start = 0
    while start < len(texts):
        end, size = start, 0
        while end < len(texts) and (end == start or size + len(texts[end]) <= limit):
            size += len(texts[end])
            end += 1
        yield start, end
        start = end


class NgramScorer:
    """Per-tag linear scores of texts over their TF-IDF word n-grams (l2, sublinear tf).

    Parameters
    ----------
    terms : array of str
        The vocabulary; ``terms[k]`` names feature column ``k``.
    idf : array of float, shape (n_terms,)
    coef : array of float, shape (n_labels, n_terms)
    intercept : array of float, shape (n_labels,)
    ngram_max : int
        Longest word n-gram in the vocabulary.
    """

    def __init__(self, terms, idf, coef, intercept, ngram_max: int):
        self.terms = np.asarray(terms).astype(str)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.ngram_max = ngram_max
        #: Whether the vocabulary has entity class terms (names of known products).
        self.entities = any(term.startswith(ENTITY_MARK) for term in self.terms.tolist())
        self._vocabulary: dict[str, int] | None = None
        self._index: NgramIndex | None = None
        self._weighted: tuple[np.ndarray, np.ndarray] | None = None

    def prepare(self) -> None:
        """Build the lookup tables scoring uses now rather than on first use.

        Worker processes forked afterwards start with them built (and share their pages).
        """
        self._ngram_index()
        self._weighted_terms()

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term -> column, built on first use from the stored terms."""
        if self._vocabulary is None:
            self._vocabulary = dict(zip(self.terms.tolist(), range(len(self.terms))))
        return self._vocabulary

    def _ngram_index(self) -> NgramIndex:
        if self._index is None:
            self._index = NgramIndex(self.terms.tolist(), self.ngram_max)
        return self._index

    def term_counts(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """How often each vocabulary term occurs in each text: (rows, term ids, counts).

        Sorted by row, then term id; a (row, term) pair appears once.
        """
        # Counting (row, term) pairs by sorting their numbers is much faster than a Counter;
        # the row sits in the high bits, so sorting orders by row, then term.
        bits = len(self.terms).bit_length()
        keys = self._ngram_index().lookup(texts, bits)
        keys.sort()
        if not len(keys):
            return keys, keys, keys
        distinct = np.empty(len(keys), dtype=bool)
        distinct[0] = True
        np.not_equal(keys[1:], keys[:-1], out=distinct[1:])
        firsts = np.flatnonzero(distinct)
        counts = np.diff(firsts, append=len(keys))
        keys = keys[firsts]
        return keys >> bits, keys & ((1 << bits) - 1), counts

    def features(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The TF-IDF matrix of texts in coordinate form: (rows, term ids, weights).

        Only terms in the vocabulary appear; ``self.terms[term_ids]`` names them. Rows are
        sorted, and each row's weights have unit length (l2), as in training.
        """
        rows, term_ids, counts = self.term_counts(texts)
        weights = (1.0 + np.log(counts)) * self.idf[term_ids]
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(texts)))
        return rows, term_ids, weights / np.where(norms > 0, norms, 1.0)[rows]

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """Linear scores, shape (len(texts), n_labels): TF-IDF (l2) times coefficients,
        worked out a slice of texts at a time (:func:`text_slices`), so memory stays
        bounded however long one document is."""
        if len(texts) <= 1 or sum(map(len, texts)) <= SLICE_CHARACTERS:
            return self._decision_function(texts)
        return np.vstack([self._decision_function(texts[a:b]) for a, b in text_slices(texts)])

    def _decision_function(self, texts: list[str]) -> np.ndarray:
        """The same arithmetic as :meth:`features` followed by a product with the
        coefficients, rearranged for speed: with ``tf = 1 + log(count)``, a text's score is
        ``sum(tf * idf * coef) / sqrt(sum(tf**2 * idf**2))``. One gather of every term's
        ``idf * coef`` and one sum per run of a text's terms give every numerator.
        """
        n = len(texts)
        rows, term_ids, counts = self.term_counts(texts)
        if not len(rows):
            return np.zeros((n, len(LABELS))) + self.intercept
        weighted_coef, idf_squared = self._weighted_terms()
        tf = 1.0 + np.log(counts)
        # Tags along the first axis: the gather and the sums run over contiguous rows.
        terms = np.take(weighted_coef, term_ids, axis=1)
        terms *= tf
        # Rows are sorted: each text's terms are one run, summed by reduceat.
        firsts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        sums = np.zeros((len(LABELS), n))
        sums[:, rows[firsts]] = np.add.reduceat(terms, firsts, axis=1)
        norms = np.sqrt(np.bincount(rows, weights=tf * tf * idf_squared[term_ids], minlength=n))
        return (sums / np.where(norms > 0, norms, 1.0)).T + self.intercept

    def _weighted_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """``idf * coef``, shape (n_labels, n_terms), and ``idf**2`` per term."""
        if self._weighted is None:
            idf = self.idf.astype(np.float64)
            self._weighted = (self.coef.astype(np.float64) * idf, idf * idf)
        return self._weighted

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Per-tag probabilities, shape (len(texts), n_labels)."""
        if not texts:
            return np.zeros((0, len(LABELS)))
        return 1.0 / (1.0 + np.exp(-self.decision_function(texts)))


@dataclass
class ScoringModel:
    """What prediction needs from a trained model, as numpy arrays.

    ``passages`` scores passages and ``thresholds`` decides a passage's tags (the unit
    the guide labels). ``documents`` decides a document's tags from its passages'
    scores (:mod:`aitag.decision`) against ``document_thresholds``; a model trained
    without labelled documents has none, and a document's score for a tag is then its
    best passage's. ``params`` records how the arrays were fitted.
    """

    passages: NgramScorer
    thresholds: np.ndarray
    params: dict = field(default_factory=dict)
    documents: DocumentDecision | None = None
    document_thresholds: np.ndarray | None = None
    #: The audit's mention model as plain arrays (:mod:`aitag.audit.mention_model`), or None.
    audit: dict | None = None

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return self.passages.predict_proba(texts)

    def to_arrays(self) -> dict:
        """Everything prediction needs, as plain arrays and numbers (nothing executable)."""
        arrays = {
            "labels": list(LABELS),
            "params": {**self.params, "ngram_max": int(self.passages.ngram_max)},
            "terms": self.passages.terms,
            "idf": self.passages.idf,
            "coef": self.passages.coef,
            "intercept": self.passages.intercept,
            "thresholds": np.asarray(self.thresholds, dtype=np.float64),
        }
        if self.documents is not None and self.document_thresholds is not None:
            arrays["document"] = {
                "features": list(FEATURE_NAMES),
                "coef": self.documents.coef,
                "intercept": self.documents.intercept,
                "mean": self.documents.mean,
                "scale": self.documents.scale,
                "thresholds": np.asarray(self.document_thresholds, dtype=np.float64),
            }
        if self.audit is not None:
            arrays["audit"] = self.audit
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict) -> ScoringModel:
        params = dict(arrays["params"])
        scorer = NgramScorer(
            arrays["terms"], arrays["idf"], arrays["coef"], arrays["intercept"],
            params["ngram_max"],
        )  # fmt: skip
        model = cls(scorer, np.asarray(arrays["thresholds"], dtype=np.float64), params)
        document = arrays.get("document")
        if document is not None:
            if list(document["features"]) != list(FEATURE_NAMES):
                raise ValueError("document features differ from this version's")
            model.documents = DocumentDecision(
                document["coef"], document["intercept"], document["mean"], document["scale"]
            )
            model.document_thresholds = np.asarray(document["thresholds"], dtype=np.float64)
        model.audit = arrays.get("audit")
        return model
