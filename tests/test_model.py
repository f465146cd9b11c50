"""The estimator: numpy scoring equals scikit-learn's, thresholds, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CORPUS
from sklearn.metrics import f1_score

from aitag.corpus import load_records
from aitag.evaluation import label_matrix
from aitag.labels import LABELS
from aitag.model import PassageModel, best_threshold, plateau_threshold
from aitag.persist import model_bytes


def small_set():
    records = load_records(CORPUS)[:400]
    return [r.text for r in records], label_matrix([r.labels for r in records])


def test_numpy_scores_equal_scikit_learn_pipeline():
    from functools import partial

    from sklearn.feature_extraction.text import TfidfVectorizer

    from aitag.features import analyze

    texts, targets = small_set()
    model = PassageModel(folds=2).fit(texts, targets)
    vectorizer = TfidfVectorizer(
        analyzer=partial(analyze, ngram_max=2, entities=True), min_df=2, sublinear_tf=True
    )
    matrix = vectorizer.fit_transform(texts)
    expected = matrix @ model.scorer_.coef.T.astype(np.float64) + model.scorer_.intercept
    new = ["GPT-4 answers questions from a long prompt.", "Nothing here at all", "zzz"]
    assert np.allclose(model.decision_function(texts[:50]), expected[:50], atol=1e-4)
    assert model.decision_function(new).shape == (3, 4)


def test_thresholds_come_from_cross_validation_not_a_blanket_half():
    texts, targets = small_set()
    model = PassageModel(folds=3).fit(texts, targets)
    assert model.oof_scores_.shape == targets.shape
    assert all(0.05 <= t <= 0.95 for t in model.thresholds_)
    for j in range(4):
        assert model.thresholds_[j] == plateau_threshold(targets[:, j], model.oof_scores_[:, j])


def test_plateau_threshold_is_the_middle_of_the_near_best_thresholds_of_sklearn():
    rng = np.random.RandomState(0)
    truth = rng.randint(0, 2, 400)
    scores = np.clip(truth * 0.35 + rng.rand(400) * 0.65, 0, 1)
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1s = np.array([f1_score(truth, scores >= t, zero_division=0) for t in grid])
    for tolerance in (0.0, 0.005, 0.03):
        near = grid[f1s >= f1s.max() - tolerance - 1e-12]
        assert plateau_threshold(truth, scores, tolerance) == round((near[0] + near[-1]) / 2, 3)
    assert len(grid[f1s >= f1s.max() - 0.03]) > 3  # the tolerances above did differ


def test_passage_thresholds_allow_half_a_hundredth_of_f1():
    # The documented plateau: within 0.005 of the best F1 (wider and the middle drifts
    # to thresholds a hundredth of F1 worse; narrower and it wanders as the argmax does).
    rng = np.random.RandomState(0)
    truth = rng.randint(0, 2, 400)
    scores = np.clip(truth * 0.35 + rng.rand(400) * 0.65, 0, 1)
    assert plateau_threshold(truth, scores) == plateau_threshold(truth, scores, 0.005)
    assert plateau_threshold(truth, scores) != plateau_threshold(truth, scores, 0.01)


def test_plateau_threshold_of_separated_scores_is_halfway_between_them():
    # Every threshold from 0.21 to 0.80 separates the two sides perfectly.
    truth = np.array([0] * 30 + [1] * 20)
    scores = np.array([0.2] * 30 + [0.8] * 20)
    assert plateau_threshold(truth, scores) == 0.505
    assert best_threshold(truth, scores) == 0.5


def test_best_threshold_finds_the_separating_value():
    truth = np.array([0, 0, 0, 1, 1, 1])
    scores = np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
    threshold = best_threshold(truth, scores)
    assert 0.3 < threshold <= 0.7


def test_best_threshold_is_the_f1_maximum_of_sklearn():
    rng = np.random.RandomState(0)
    truth = rng.randint(0, 2, 300)
    scores = np.clip(truth * 0.3 + rng.rand(300) * 0.7, 0, 1)
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1s = [f1_score(truth, scores >= t, zero_division=0) for t in grid]
    threshold = best_threshold(truth, scores)
    assert f1_score(truth, scores >= threshold) == pytest.approx(max(f1s))


def test_a_tolerance_trades_a_little_f1_for_a_threshold_nearer_one_half():
    # One negative at 0.7: above it F1 is 1.0 (strict best 0.71, the nearest to one half
    # of 0.71-0.90); at or below it F1 is 80/81, within two hundredths, so 0.50 is chosen.
    truth = np.array([1] * 40 + [0] * 60)
    scores = np.array([0.9] * 40 + [0.7] + [0.1] * 59)
    assert best_threshold(truth, scores) == 0.71
    assert best_threshold(truth, scores, tolerance=0.02) == 0.5
    assert best_threshold(truth, scores, tolerance=0.01) == 0.71


def test_document_thresholds_allow_the_documented_tolerance():
    from aitag.model import THRESHOLD_TOLERANCE, DocumentModel

    rng = np.random.RandomState(1)
    labels = rng.randint(0, 2, (120, 4))
    features = labels * 1.5 + rng.randn(120, 4)
    features = np.hstack([features] * 4)
    decision = DocumentModel(folds=3).fit(features, labels)
    for j in range(4):
        expected = best_threshold(labels[:, j], decision.oof_scores_[:, j], THRESHOLD_TOLERANCE)
        assert decision.thresholds_[j] == expected


def test_training_is_deterministic_byte_for_byte():
    texts, targets = small_set()
    first = model_bytes(PassageModel(folds=2, seed=3).fit(texts, targets).scoring_model())
    second = model_bytes(PassageModel(folds=2, seed=3).fit(texts, targets).scoring_model())
    assert first == second


def test_a_tag_without_positives_is_scored_flat():
    texts, targets = small_set()
    targets = targets.copy()
    targets[:, 0] = 0
    model = PassageModel(folds=2).fit(texts, targets)
    assert np.all(model.predict_proba(texts[:5])[:, 0] < 0.01)


def test_the_estimators_are_scikit_learn_estimators():
    """clone, Pipeline and GridSearchCV take PassageModel and DocumentModel as they are."""
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    from aitag.model import DocumentModel

    texts, targets = small_set()
    model = PassageModel(C=2.0, folds=2)
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params()
    assert not hasattr(copy, "scorer_")

    pipeline = Pipeline([("tag", PassageModel(folds=2))]).fit(texts, targets)
    fitted = pipeline.named_steps["tag"]
    assert pipeline.predict(texts[:5]).tolist() == fitted.predict(texts[:5]).tolist()

    search = GridSearchCV(PassageModel(folds=2), {"C": [1.0, 4.0]}, cv=2).fit(texts, targets)
    assert search.best_params_["C"] in (1.0, 4.0)
    assert search.best_estimator_.predict(texts[:3]).shape == (3, targets.shape[1])

    rng = np.random.default_rng(0)
    features, labels = rng.normal(size=(60, 16)), rng.integers(0, 2, size=(60, 4))
    decision = clone(DocumentModel(folds=2)).fit(features, labels)
    assert decision.predict(features).shape == (60, 4)


def test_training_sets_each_passage_threshold_at_the_middle_of_its_plateau():
    from aitag.corpus import Record
    from aitag.training import _record_thresholds

    rng = np.random.RandomState(2)
    targets = rng.randint(0, 2, (300, 4))
    scores = np.clip(targets * 0.3 + rng.rand(300, 4) * 0.7, 0, 1)
    records = [
        Record(
            str(i), "text", tuple(tag for j, tag in enumerate(LABELS) if row[j]), "none", "written"
        )
        for i, row in enumerate(targets)
    ]
    expected = [plateau_threshold(targets[:, j], scores[:, j]) for j in range(4)]
    assert _record_thresholds(scores, records).tolist() == expected
    assert expected != [best_threshold(targets[:, j], scores[:, j]) for j in range(4)]


def test_document_folds_keep_the_rows_of_one_document_together():
    # The document decision learns from each document's features under several fold
    # splits: its rows must share a fold, or a document is judged by a model that saw it.
    from aitag.model import DocumentModel, _fit_decision, fold_indices

    rng = np.random.RandomState(4)
    labels = rng.randint(0, 2, (60, 4))
    features = np.hstack([labels] * 4) + rng.randn(60, 16)
    stacked = np.vstack([features, features + 0.01 * rng.randn(60, 16)])
    targets, groups = np.vstack([labels, labels]), np.tile(np.arange(60), 2)
    decision = DocumentModel(folds=3, seed=5).fit(stacked, targets, groups)
    expected = np.zeros(targets.shape)
    for train, held in fold_indices(120, 3, 5, groups):
        assert not set(groups[train]) & set(groups[held])
        part = _fit_decision(stacked[train], targets[train], decision.get_params())
        expected[held] = part.predict_proba(stacked[held])
    assert np.allclose(decision.oof_scores_, expected)
    ungrouped = DocumentModel(folds=3, seed=5).fit(stacked, targets)
    assert not np.allclose(ungrouped.oof_scores_, expected)


def test_fold_scorers_of_another_seed_are_that_seeds_split():
    texts, targets = small_set()
    model = PassageModel(folds=2, seed=3).fit(texts, targets)
    known, weights = np.ones(targets.shape, dtype=bool), np.ones(len(texts))
    again = PassageModel(folds=2, seed=0).fold_scorers(texts, targets, known, None, weights, 3)
    for (held, scorer), (held_again, scorer_again) in zip(model.fold_scorers_, again):
        assert held.tolist() == held_again.tolist()
        assert np.array_equal(
            scorer.predict_proba(texts[:20]), scorer_again.predict_proba(texts[:20])
        )
    other = PassageModel(folds=2, seed=0).fold_scorers(texts, targets, known, None, weights, 4)
    assert other[0][0].tolist() != model.fold_scorers_[0][0].tolist()


def test_the_document_decision_learns_from_several_fold_splits(sub_corpus, monkeypatch):
    from aitag import training

    seen: dict = {}
    fit = training.DocumentModel.fit

    def spy(self, X, y, groups=None):
        seen.update(features=np.asarray(X), targets=np.asarray(y), groups=np.asarray(groups))
        return fit(self, X, y, groups)

    monkeypatch.setattr(training.DocumentModel, "fit", spy)
    card = training.train(sub_corpus, folds=2)
    n, splits = card["corpus"]["documents_train"], training.DOCUMENT_SPLITS
    assert splits >= 2 and seen["features"].shape[0] == splits * n
    assert seen["groups"].tolist() == list(range(n)) * splits
    blocks = seen["features"].reshape(splits, n, -1)
    assert not np.allclose(blocks[0], blocks[1])  # each split its own fold draw
    assert (seen["targets"].reshape(splits, n, -1) == seen["targets"][:n]).all()
    assert card["document_cross_validation"]["n"] == n
