"""The numpy scorer gives scikit-learn's probabilities, on text it was not fitted on."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from conftest import CORPUS

from aitag.corpus import load_records
from aitag.evaluation import label_matrix
from aitag.features import analyze
from aitag.labels import LABELS
from aitag.model import PassageModel

PARAMS = {"ngram_max": 2, "min_df": 2, "C": 4.0, "class_weight": "balanced", "seed": 0}


@pytest.fixture(scope="module")
def fitted():
    """A passage model and, fitted independently on the same texts, scikit-learn's own
    pipeline: TfidfVectorizer and one LogisticRegression per tag."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    records = load_records(CORPUS / "written" / "w5-comparisons-misuse.jsonl")[:300]
    texts, targets = [r.text for r in records], label_matrix([r.labels for r in records])
    model = PassageModel(folds=1, **PARAMS).fit(texts, targets)
    vectorizer = TfidfVectorizer(
        analyzer=partial(analyze, ngram_max=2, entities=True), min_df=2, sublinear_tf=True
    )
    matrix = vectorizer.fit_transform(texts)
    regressions = [
        LogisticRegression(
            C=PARAMS["C"],
            class_weight="balanced",
            solver="liblinear",
            random_state=0,
            max_iter=2000,
        ).fit(matrix, targets[:, j])
        for j in range(len(LABELS))
    ]

    def sklearn_proba(new_texts: list[str]) -> np.ndarray:
        features = vectorizer.transform(new_texts)
        return np.column_stack([r.predict_proba(features)[:, 1] for r in regressions])

    return model, sklearn_proba


#: Passages the models never saw, some with words outside their vocabulary, one empty.
UNSEEN = [r.text for r in load_records(CORPUS / "written" / "w7-industry-messy.jsonl")[:200]] + [
    "GPT-4 answers questions from a long prompt; the context window holds 128k tokens.",
    "Zyxwv qwerty plugh xyzzy.",
    "",
    "AI AI AI AI AI machine learning machine learning",
]


def test_numpy_probabilities_equal_scikit_learn_predict_proba_on_unseen_text(fitted):
    model, sklearn_proba = fitted
    expected = sklearn_proba(UNSEEN)
    found = model.predict_proba(UNSEEN)
    assert found.shape == (len(UNSEEN), len(LABELS))
    np.testing.assert_allclose(found, expected, atol=2e-5)
    # The comparison means something: the probabilities spread over the range.
    assert expected.min() < 0.15 and expected.max() > 0.85


def test_vocabulary_and_idf_are_scikit_learn_s(fitted):
    from sklearn.feature_extraction.text import TfidfVectorizer

    model, _ = fitted
    records = load_records(CORPUS / "written" / "w5-comparisons-misuse.jsonl")[:300]
    vectorizer = TfidfVectorizer(
        analyzer=partial(analyze, ngram_max=2, entities=True), min_df=2, sublinear_tf=True
    ).fit([r.text for r in records])
    assert model.scorer_.terms.tolist() == vectorizer.get_feature_names_out().tolist()
    np.testing.assert_allclose(model.scorer_.idf, vectorizer.idf_, rtol=1e-6)


def test_tfidf_features_equal_scikit_learn_s(fitted):
    from sklearn.feature_extraction.text import TfidfVectorizer

    model, _ = fitted
    records = load_records(CORPUS / "written" / "w5-comparisons-misuse.jsonl")[:300]
    vectorizer = TfidfVectorizer(
        analyzer=partial(analyze, ngram_max=2, entities=True), min_df=2, sublinear_tf=True
    ).fit([r.text for r in records])
    expected = vectorizer.transform(UNSEEN).toarray()
    rows, term_ids, weights = model.scorer_.features(UNSEEN)
    found = np.zeros_like(expected)
    found[rows, term_ids] = weights
    np.testing.assert_allclose(found, expected, atol=1e-6)
