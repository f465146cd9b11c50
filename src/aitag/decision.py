"""The document decision: from passage scores to a document's tags, in numpy alone.

A document discusses a concept when some passage of its prose does (LABELS.md rule 9),
but one passage's score is a poor judge of that: a short line puts all of its TF-IDF
weight on a word or two ("The images it creates look like this:"), and a word in another
sense can carry one passage. So no single passage decides. Each document is described by
four figures per tag: its best passage of at least :data:`MIN_PROSE_WORDS` words, its
second best, its best shorter one, and how many passages support the tag. A logistic
regression per tag, fitted on labelled whole documents (:class:`aitag.model.DocumentModel`)
and seeing every tag's figures, turns them into the document's score: a short line alone
earns little, a second supporting passage earns more, and a passage that scores for a
neighbouring tag can be read for what it is.

What a document is mostly about (its length, the share of its prose on a concept, its
title) is left out on purpose: the guide tags a post for one passage that discusses a
concept, and a written corpus is more single-minded than real posts, so such figures
would teach the decision the corpus's habits. ``primary`` uses the share of the prose.
"""

from __future__ import annotations

import numpy as np

from .labels import LABELS

#: A passage with fewer words than this (a caption-like line, a fragment) never votes
#: alone: its score is a separate, weaker feature of the document.
MIN_PROSE_WORDS = 10

#: Logits are clipped to this, so a flat 0 or 1 from a one-word passage is not infinite.
_LOGIT_LIMIT = 9.0

_PER_TAG = ("best", "second", "best_short", "support")
#: The names of the document features, in the order of the feature matrix's columns.
FEATURE_NAMES: tuple[str, ...] = tuple(f"{name}_{label}" for name in _PER_TAG for label in LABELS)


def word_counts(texts: list[str]) -> np.ndarray:
    """About how many words each text has: its spaces and line breaks, plus one.

    Counted without splitting (no string per word); runs of spaces overcount a little,
    the same in training as in prediction.
    """
    return np.fromiter(
        (text.count(" ") + text.count("\n") + 1 for text in texts), np.float64, len(texts)
    )


def temper(probabilities: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Passage scores with short texts pulled toward even odds.

    A text of a word or two puts all its TF-IDF weight on them, so its raw score is near
    certain either way ("Model": LLM 1.00). Under :data:`MIN_PROSE_WORDS` words, the log
    odds are scaled by ``words / MIN_PROSE_WORDS``: one word says a tenth of what a
    sentence says.
    """
    factor = np.asarray(words, dtype=np.float64) / MIN_PROSE_WORDS
    short = factor < 1.0
    if not short.any():
        return probabilities
    # Only short rows change: a long passage keeps its score exactly, whatever its batch.
    tempered = np.array(probabilities, dtype=np.float64)
    tempered[short] = 1.0 / (1.0 + np.exp(-logit(tempered[short]) * factor[short, None]))
    return tempered


def logit(probabilities: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities, clipped to ±9."""
    clipped = np.clip(probabilities, 1e-6, 1 - 1e-6)
    return np.clip(np.log(clipped) - np.log1p(-clipped), -_LOGIT_LIMIT, _LOGIT_LIMIT)


def document_features(
    probabilities: np.ndarray, words: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """The feature matrix of documents, shape (n_documents, len(FEATURE_NAMES)).

    ``probabilities`` (n_passages, n_labels) and ``words`` (n_passages,) are the
    passages of all documents, one document's passages after another; ``counts`` says
    how many passages each document has (0 for a document without prose).
    """
    n_docs, n_tags = len(counts), len(LABELS)
    floor = -_LOGIT_LIMIT
    has = counts > 0
    firsts = (np.cumsum(counts) - counts)[has]
    scores = logit(np.asarray(probabilities, dtype=np.float64).reshape(-1, n_tags))
    long = (np.asarray(words) >= MIN_PROSE_WORDS)[:, None]
    long_scores = np.where(long, scores, floor)

    def per_doc(values: np.ndarray, reduce: np.ufunc, empty: float) -> np.ndarray:
        out = np.full((n_docs, n_tags), empty)
        if len(values):
            out[has] = reduce.reduceat(values, firsts, axis=0)
        return out

    best = per_doc(long_scores, np.maximum, floor)
    # The second best: the best once every passage at the document's best is set aside.
    # A document with one passage of prose has no second to corroborate or contradict
    # its best, so there the second is the best (a short note is judged by its passage).
    at_best = long_scores >= np.repeat(best[has], counts[has], axis=0)
    second = per_doc(np.where(at_best, floor, long_scores), np.maximum, floor)
    single = per_doc(np.repeat(long.astype(np.float64), n_tags, axis=1), np.add, 0.0) <= 1
    second = np.where(single, best, second)
    columns = {
        "best": best,
        "second": second,
        "best_short": per_doc(np.where(long, floor, scores), np.maximum, floor),
        "support": np.log1p(per_doc(((scores > 0) & long).astype(np.float64), np.add, 0.0)),
    }
    return np.hstack([columns[name] for name in _PER_TAG])


class DocumentDecision:
    """Per-tag logistic regressions over standardised document features.

    Parameters
    ----------
    coef : array of shape (n_labels, n_features)
    intercept : array of shape (n_labels,)
    mean, scale : arrays of shape (n_features,)
        The standardisation the coefficients were fitted with.
    """

    def __init__(self, coef, intercept, mean, scale):
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Each document's probability of each tag, shape (n_documents, n_labels)."""
        linear = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-linear))
