"""The estimator: TF-IDF word n-grams, one logistic regression per tag, tuned thresholds.

:class:`PassageModel` follows scikit-learn's conventions (``__init__`` stores parameters,
``fit`` returns ``self``, learned state ends in ``_``), so ``clone``, ``GridSearchCV`` and
``Pipeline`` take it. What it learns is handed to :class:`aitag.scoring.NgramScorer`,
which scores with numpy alone; prediction never imports this module.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .decision import DocumentDecision
from .features import analyze
from .labels import LABELS
from .scoring import NgramScorer, ScoringModel


class PassageModel(ClassifierMixin, BaseEstimator):
    """Multi-label linear tagger over word n-grams.

    Parameters
    ----------
    ngram_max : int
        Longest word n-gram counted (1 = words only, 2 = words and pairs).
    min_df : int
        A term must occur in at least this many training passages.
    C : float
        Inverse regularisation strength of each per-tag logistic regression.
    class_weight : str or None
        ``"balanced"`` weighs the rarer side of each tag up.
    folds : int
        Cross-validation folds whose out-of-fold scores set the thresholds (1: no
        cross-validation, thresholds stay at 0.5).
    seed : int
        Seed of the fold split and the solver; the same seed gives the same model.
    entities : bool
        Count a class term for each name of a known product or model
        (:func:`aitag.features.entity_terms`).

    Attributes
    ----------
    scorer_ : NgramScorer
        The fitted arrays, ready to score with numpy.
    thresholds_ : ndarray of shape (n_labels,)
        Per-tag decision thresholds, the best F1 on the out-of-fold scores.
    oof_scores_ : ndarray of shape (n_samples, n_labels)
        Out-of-fold probabilities of the training texts.

    Examples
    --------
    >>> model = PassageModel(folds=3).fit(texts, label_matrix)  # doctest: +SKIP
    >>> model.predict_proba(["GPT answers questions from a prompt."]).shape  # doctest: +SKIP
    (1, 4)
    """

    def __init__(
        self,
        ngram_max: int = 2,
        min_df: int = 2,
        C: float = 4.0,
        class_weight: str | None = "balanced",
        folds: int = 5,
        seed: int = 0,
        entities: bool = True,
    ):
        self.ngram_max = ngram_max
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.folds = folds
        self.seed = seed
        self.entities = entities

    def fit(self, X, y, known=None, groups=None, sample_weight=None) -> PassageModel:
        """Fit on texts ``X`` and a (n_texts, n_labels) 0/1 matrix ``y``.

        ``known`` (same shape, boolean) marks which cells of ``y`` are labelled: a passage
        of a document tagged only LLM is known not to discuss AI, ML or GenAI, but not
        known to discuss LLM. Each tag is fitted and tuned on its known cells. ``groups``
        keeps texts of one group (a document's passages) in one fold; ``sample_weight``
        weighs texts in the regressions.
        """
        texts = list(X)
        targets = np.asarray(y, dtype=np.int8).reshape(len(texts), len(LABELS))
        known = np.ones(targets.shape, dtype=bool) if known is None else np.asarray(known, bool)
        weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, float)
        self.classes_ = np.arange(len(LABELS))
        if self.folds > 1:
            self.oof_scores_ = self._out_of_fold_scores(texts, targets, known, groups, weights)
            self.thresholds_ = np.array(
                [
                    plateau_threshold(targets[known[:, j], j], self.oof_scores_[known[:, j], j])
                    for j in range(len(LABELS))
                ]
            )
        else:
            self.oof_scores_ = np.full(targets.shape, np.nan)
            self.thresholds_ = np.full(len(LABELS), 0.5)
        self.scorer_ = _fit_scorer(texts, targets, known, weights, self.get_params())
        return self

    def _out_of_fold_scores(self, texts, targets, known, groups, weights) -> np.ndarray:
        scores = np.zeros(targets.shape, dtype=np.float64)
        #: (held-out indices, the scorer fitted without them) per fold, for a second
        #: stage that needs out-of-fold scores of more than these texts.
        self.fold_scorers_ = self.fold_scorers(texts, targets, known, groups, weights, self.seed)
        for held, scorer in self.fold_scorers_:
            scores[held] = scorer.predict_proba([texts[i] for i in held])
        return scores

    def fold_scorers(
        self, texts, targets, known, groups, weights, seed: int
    ) -> list[tuple[np.ndarray, NgramScorer]]:
        """(held-out indices, the scorer fitted without them) for each fold of the split
        that ``seed`` draws, with this model's parameters (its solver is deterministic, so
        the seed changes only the split)."""
        params = self.get_params()
        fitted = []
        for train, held in fold_indices(len(texts), self.folds, seed, groups):
            scorer = _fit_scorer(
                [texts[i] for i in train], targets[train], known[train], weights[train], params
            )
            fitted.append((held, scorer))
        return fitted

    def scoring_model(self) -> ScoringModel:
        """The fitted arrays and thresholds, as prediction and model files use them."""
        return ScoringModel(self.scorer_, self.thresholds_, self.get_params())

    def decision_function(self, X) -> np.ndarray:
        """Linear scores, shape (n_texts, n_labels)."""
        return self.scorer_.decision_function(list(X))

    def predict_proba(self, X) -> np.ndarray:
        """Per-tag probabilities, shape (n_texts, n_labels)."""
        return self.scorer_.predict_proba(list(X))

    def predict(self, X) -> np.ndarray:
        """0/1 tags, shape (n_texts, n_labels): each probability against its threshold."""
        return (self.predict_proba(X) >= self.thresholds_).astype(np.int8)


#: F1 a document threshold may give up to stay nearer 0.5, the balanced regression's own
#: cut: on a few hundred written documents a hundredth of F1 is a document or two, and the
#: best threshold on them moves by a tenth from one corpus slice to the next.
THRESHOLD_TOLERANCE = 0.01


class DocumentModel(ClassifierMixin, BaseEstimator):
    """The document decision: a logistic regression per tag over document features.

    ``X`` is the matrix of :func:`aitag.decision.document_features` (computed from
    out-of-fold passage scores, so the features look in training as they will on new
    documents); ``y`` the documents' 0/1 tags.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of each regression.
    class_weight : str or None
        ``"balanced"`` weighs the rarer side of each tag up.
    folds : int
        Cross-validation folds over documents whose out-of-fold scores set the thresholds.
    seed : int
        Seed of the fold split.

    Attributes
    ----------
    decision_ : DocumentDecision
        The fitted weights, ready to score with numpy.
    thresholds_ : ndarray of shape (n_labels,)
    oof_scores_ : ndarray of shape (n_documents, n_labels)
    """

    def __init__(
        self, C: float = 0.5, class_weight: str | None = "balanced", folds: int = 5, seed: int = 0
    ):
        self.C = C
        self.class_weight = class_weight
        self.folds = folds
        self.seed = seed

    def fit(self, X, y, groups=None) -> DocumentModel:
        """Fit on document features ``X`` and 0/1 tags ``y``; rows of one group (one
        document's features from several fold splits) share a cross-validation fold."""
        features = np.asarray(X, dtype=np.float64)
        targets = np.asarray(y, dtype=np.int8).reshape(len(features), len(LABELS))
        self.classes_ = np.arange(len(LABELS))
        self.oof_scores_ = np.zeros(targets.shape)
        if self.folds > 1:
            for train, held in fold_indices(len(features), self.folds, self.seed, groups):
                part = _fit_decision(features[train], targets[train], self.get_params())
                self.oof_scores_[held] = part.predict_proba(features[held])
            self.thresholds_ = np.array(
                [
                    best_threshold(targets[:, j], self.oof_scores_[:, j], THRESHOLD_TOLERANCE)
                    for j in range(len(LABELS))
                ]
            )
        else:
            self.thresholds_ = np.full(len(LABELS), 0.5)
        self.decision_ = _fit_decision(features, targets, self.get_params())
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.decision_.predict_proba(np.asarray(X, dtype=np.float64))

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= self.thresholds_).astype(np.int8)


def _fit_decision(features: np.ndarray, targets: np.ndarray, params: dict) -> DocumentDecision:
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0
    standard = (features - mean) / scale
    coefs, intercepts = [], []
    for j in range(len(LABELS)):
        column = targets[:, j]
        if column.min() == column.max():
            coefs.append(np.zeros(features.shape[1]))
            intercepts.append(10.0 if column[0] == 1 else -10.0)
            continue
        regression = LogisticRegression(
            C=params["C"], class_weight=params["class_weight"], max_iter=5000
        ).fit(standard, column)
        coefs.append(regression.coef_[0])
        intercepts.append(float(regression.intercept_[0]))
    return DocumentDecision(np.vstack(coefs), np.array(intercepts), mean, scale)


def fold_indices(n: int, folds: int, seed: int, groups=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, held-out) index arrays of each fold; members of a group share a fold."""
    rng = np.random.RandomState(seed)
    if groups is None:
        fold_of = rng.permutation(n) % folds
    else:
        names, group_of = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
        fold_of = (rng.permutation(len(names)) % folds)[group_of]
    return [
        (np.flatnonzero(fold_of != fold), np.flatnonzero(fold_of == fold)) for fold in range(folds)
    ]


def _fit_scorer(
    texts: list[str], targets: np.ndarray, known: np.ndarray, weights: np.ndarray, params: dict
) -> NgramScorer:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=partial(
            analyze, ngram_max=params["ngram_max"], entities=params.get("entities", False)
        ),
        min_df=params["min_df"],
        sublinear_tf=True,
        dtype=np.float64,
    )
    matrix = vectorizer.fit_transform(texts)
    coefs, intercepts = [], []
    for j in range(len(LABELS)):
        rows = np.flatnonzero(known[:, j])
        column = targets[rows, j]
        if not len(rows) or column.min() == column.max():
            # A tag with no positives (or no negatives) cannot be learned: score it flat.
            coefs.append(np.zeros(matrix.shape[1]))
            intercepts.append(10.0 if len(rows) and column[0] == 1 else -10.0)
            continue
        regression = LogisticRegression(
            C=params["C"],
            class_weight=params["class_weight"],
            solver="liblinear",
            random_state=params["seed"],
            max_iter=2000,
        ).fit(matrix[rows], column, sample_weight=weights[rows])
        coefs.append(regression.coef_[0])
        intercepts.append(float(regression.intercept_[0]))
    return NgramScorer(
        vectorizer.get_feature_names_out(),
        vectorizer.idf_,
        np.vstack(coefs),
        np.array(intercepts),
        params["ngram_max"],
    )


def best_threshold(truth: np.ndarray, scores: np.ndarray, tolerance: float = 0.0) -> float:
    """The threshold with the best F1 on these scores; among those within ``tolerance`` of
    the best F1 (and on a tie), the one nearest 0.5."""
    near_best = _near_best(truth, scores, tolerance)
    return float(near_best[np.argmin(np.abs(near_best - 0.5))])


def _near_best(truth: np.ndarray, scores: np.ndarray, tolerance: float) -> np.ndarray:
    """The thresholds of a 0.01 grid from 0.05 to 0.95 whose F1 is within ``tolerance``
    of the best."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1s = np.array([_f1(truth, scores >= threshold) for threshold in grid])
    return grid[f1s >= f1s.max() - tolerance - 1e-12]


#: How far below the best F1 a passage threshold still counts as on the plateau.
PLATEAU_TOLERANCE = 0.005


def plateau_threshold(
    truth: np.ndarray, scores: np.ndarray, tolerance: float = PLATEAU_TOLERANCE
) -> float:
    """The middle of the plateau: halfway between the lowest and the highest threshold
    whose F1 on these scores is within ``tolerance`` of the best.

    Out-of-fold F1 over thresholds is flat near its top (a tag's F1 within 0.003 from 0.31
    to 0.49), so its argmax wanders: adding 300 passages on another subject moved a tag's
    best threshold from 0.35 to 0.47, and held-out macro F1 on public passages fell by
    0.06 with it. Over two such slices the middle of the plateau moved 0.115 where the
    argmax moved 0.19 (the largest change of a tag's threshold, summed).
    """
    plateau = _near_best(truth, scores, tolerance)
    return round(float(plateau.min() + plateau.max()) / 2, 3)


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = int(np.sum(predicted & (truth == 1)))
    fp = int(np.sum(predicted & (truth == 0)))
    fn = int(np.sum(~predicted & (truth == 1)))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
