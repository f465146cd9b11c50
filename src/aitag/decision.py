"""The document decision: from passage scores to a document's tags, in numpy alone.

A document discusses a concept when some passage of its prose does (LABELS.md rule 9),
but one passage's score is a poor judge of that: a heading or a four-word line puts all
of its TF-IDF weight on one word ("Model", "Create a space"), and a word in another sense
can carry one passage. So no single passage decides. Each document is described by a
few figures per tag, computed from all of its passages (the best and second-best
passage of at least :data:`MIN_PROSE_WORDS` words, the best shorter one, the share of
the prose that supports the tag, how many passages do, the length-weighted mean score,
the title's score) and by its length, and a logistic regression per tag, fitted on
labelled whole documents (:class:`aitag.model.DocumentModel`), turns them into the
document's score. Its weights are what the corpus taught it: a short passage alone
earns little, several supporting passages earn more than one.
"""

from __future__ import annotations

import numpy as np

from .labels import LABELS

#: A passage with fewer words than this never votes alone: its score is a separate,
#: weaker feature of the document.
MIN_PROSE_WORDS = 5

#: Logits are clipped to this, so a flat 0 or 1 from a one-word passage is not infinite.
_LOGIT_LIMIT = 9.0

_PER_TAG = ("best", "second", "best_short", "share", "support", "mean", "title")
#: The names of the document features, in the order of the feature matrix's columns.
FEATURE_NAMES: tuple[str, ...] = (
    *(f"{name}_{label}" for name in _PER_TAG for label in LABELS),
    "log_words",
    "log_passages",
    "has_title",
)


def word_counts(texts: list[str]) -> np.ndarray:
    """About how many words each text has: its spaces and line breaks, plus one.

    Counted without splitting (no string per word); runs of spaces overcount a little,
    the same in training as in prediction.
    """
    return np.fromiter(
        (text.count(" ") + text.count("\n") + 1 for text in texts), np.float64, len(texts)
    )


def logit(probabilities: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities, clipped to ±9."""
    clipped = np.clip(probabilities, 1e-6, 1 - 1e-6)
    return np.clip(np.log(clipped) - np.log1p(-clipped), -_LOGIT_LIMIT, _LOGIT_LIMIT)


def document_features(
    probabilities: np.ndarray,
    words: np.ndarray,
    counts: np.ndarray,
    titles: np.ndarray | None = None,
) -> np.ndarray:
    """The feature matrix of documents, shape (n_documents, len(FEATURE_NAMES)).

    ``probabilities`` (n_passages, n_labels) and ``words`` (n_passages,) are the
    passages of all documents, one document's passages after another; ``counts`` says
    how many passages each document has (0 for a document without prose). ``titles``
    (n_documents, n_labels) are the passage model's scores of each title, NaN for none.
    """
    n_docs, n_tags = len(counts), len(LABELS)
    floor = -_LOGIT_LIMIT
    features = np.zeros((n_docs, len(FEATURE_NAMES)))
    has = counts > 0
    firsts = (np.cumsum(counts) - counts)[has]
    words = np.asarray(words, dtype=np.float64)
    scores = logit(np.asarray(probabilities, dtype=np.float64).reshape(-1, n_tags))
    long = words >= MIN_PROSE_WORDS
    long_scores = np.where(long[:, None], scores, floor)
    short_scores = np.where(long[:, None], floor, scores)
    supports = (scores > 0) & long[:, None]
    long_words = words * long

    def per_doc(values: np.ndarray, reduce: np.ufunc) -> np.ndarray:
        out = np.full((n_docs,) + values.shape[1:], floor if reduce is np.maximum else 0.0)
        if len(values):
            out[has] = reduce.reduceat(values, firsts, axis=0)
        return out

    best = per_doc(long_scores, np.maximum)
    # The second best: the best once every passage at the document's best is set aside.
    at_best = long_scores >= np.repeat(best[has], counts[has], axis=0)
    second = per_doc(np.where(at_best, floor, long_scores), np.maximum)
    second = np.where(at_best.any(axis=0, keepdims=True) & (second > floor), second, floor)
    total_words = per_doc(words, np.add)
    prose_words = per_doc(long_words, np.add)
    columns = {
        "best": best,
        "second": second,
        "best_short": per_doc(short_scores, np.maximum),
        "share": per_doc(supports * long_words[:, None], np.add)
        / np.maximum(prose_words, 1.0)[:, None],
        "support": np.log1p(per_doc(supports.astype(np.float64), np.add)),
        "mean": per_doc(np.asarray(probabilities, np.float64) * words[:, None], np.add)
        / np.maximum(total_words, 1.0)[:, None],
        "title": np.zeros((n_docs, n_tags)),
    }
    if titles is not None:
        titles = np.asarray(titles, dtype=np.float64)
        known = ~np.isnan(titles).any(axis=1)
        columns["title"][known] = logit(titles[known])
        features[:, -1] = known
    for k, name in enumerate(_PER_TAG):
        features[:, k * n_tags : (k + 1) * n_tags] = columns[name]
    features[:, -3] = np.log1p(total_words)
    features[:, -2] = np.log1p(counts)
    return features


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
