"""``primary``: LABELS.md rules 6 and 9, as the Tagger applies them.

A document's primary is the applied tag it says most about: the highest mean passage
score weighted by passage length (not the highest document score); a passage's is its
applied tag with the highest score; ``none`` when nothing applies.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import CORPUS, RAW, ROOT

from aitag.decision import word_counts
from aitag.labels import LABELS, NO_LABEL
from aitag.predict import Tagger
from aitag.readers import read_documents, text_document
from aitag.scoring import ScoringModel

LONG = " ".join(["long"] * 39 + ["one"])  # 40 words
SHORT = "short one of five words"


class FixedScores:
    """A passage scorer that gives each text the scores it is told to."""

    def __init__(self, scores: dict[str, list[float]]):
        self.scores = scores

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([self.scores[text] for text in texts], dtype=np.float64).reshape(-1, 4)


class FixedDecision:
    """A document stage that gives every document the same scores."""

    def __init__(self, scores: list[float]):
        self.scores = np.array(scores)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return np.tile(self.scores, (len(features), 1))


def tagger_of(passages: dict[str, list[float]], documents: list[float] | None = None) -> Tagger:
    model = ScoringModel(FixedScores(passages), np.full(4, 0.5))  # type: ignore[arg-type]
    if documents is not None:
        model.documents = FixedDecision(documents)  # type: ignore[assignment]
        model.document_thresholds = np.full(4, 0.5)
    return Tagger(model, name="fixed")


#: ML fills the long passage; LLM scores highest, in the short one.
SCORES = {LONG: [0.1, 0.9, 0.6, 0.1], SHORT: [0.1, 0.1, 0.99, 0.1]}


def test_document_primary_is_the_largest_share_of_the_text_not_the_top_score():
    assert word_counts([LONG, SHORT]).tolist() == [40, 5]
    (record,) = tagger_of(SCORES).predict(f"{LONG}\n\n{SHORT}")
    assert record["labels"] == ["ML", "LLM"]
    assert max(record["scores"], key=record["scores"].get) == "LLM"
    # ML: (0.9 * 40 + 0.1 * 5) / 45 = 0.81; LLM: (0.6 * 40 + 0.99 * 5) / 45 = 0.64
    assert record["primary"] == "ML"


def test_document_primary_with_a_document_stage():
    # The document stage decides the tags (AI and LLM here); the passages decide which.
    (record,) = tagger_of(SCORES, documents=[0.97, 0.2, 0.8, 0.1]).predict(f"{LONG}\n\n{SHORT}")
    assert record["labels"] == ["AI", "LLM"]
    assert record["scores"] == {"AI": 0.97, "ML": 0.2, "LLM": 0.8, "GenAI": 0.1}
    assert record["primary"] == "LLM"


def test_primary_is_an_applied_tag():
    # GenAI fills the text but its threshold is out of reach: primary is ML, applied.
    scores = {LONG: [0.1, 0.6, 0.1, 0.95], SHORT: [0.1, 0.7, 0.1, 0.95]}
    tagger = tagger_of(scores)
    tagger.set_threshold("GenAI", 1.0)
    (record,) = tagger.predict(f"{LONG}\n\n{SHORT}")
    assert record["labels"] == ["ML"] and record["primary"] == "ML"


def test_no_tag_means_primary_none():
    (record,) = tagger_of({LONG: [0.1, 0.2, 0.3, 0.4]}).predict(LONG)
    assert record["labels"] == [] and record["primary"] == NO_LABEL


def test_passage_primary_is_its_top_applied_tag():
    (record,) = tagger_of(SCORES).predict(f"{LONG}\n\n{SHORT}", passages=True)
    assert [(p["labels"], p["primary"]) for p in record["passages"]] == [
        (["ML", "LLM"], "ML"),
        (["LLM"], "LLM"),
    ]


def test_labelled_records_primary_is_their_top_applied_tag():
    tagger = tagger_of({LONG: [0.7, 0.2, 0.95, 0.8], SHORT: [0.1, 0.1, 0.2, 0.3]})
    first, second = tagger.score_passages([LONG, SHORT], ["a", "b"])
    assert first["labels"] == ["AI", "LLM", "GenAI"] and first["primary"] == "LLM"
    assert second["labels"] == [] and second["primary"] == NO_LABEL


@pytest.fixture(scope="module")
def real_documents():
    specs = [str(RAW), str(ROOT / "examples"), str(CORPUS / "documents" / "d10-mixed")]
    return list(read_documents(specs))


def test_real_documents_primary_follows_the_rule(tagger, real_documents):
    """On real documents and the trained model, primary is recomputed from the passages."""
    documents = [d for d in real_documents if not isinstance(d, Exception) and d.passages]
    records = tagger.score_documents(documents)
    tagged = differ = 0
    for document, record in zip(documents, records):
        texts = [p.text for p in document.passages]
        words = word_counts(texts)
        share = (tagger.model.passages.predict_proba(texts) * words[:, None]).sum(0) / words.sum()
        applied = [LABELS.index(label) for label in record["labels"]]
        if not applied:
            assert record["primary"] == NO_LABEL
            continue
        rule = LABELS[max(applied, key=lambda j: share[j])]
        assert record["primary"] == rule, document.path
        tagged += 1
        differ += rule != max(record["labels"], key=lambda label: record["scores"][label])
    assert tagged >= 10 and differ >= 1


def test_an_empty_text_is_a_document_without_passages(tagger):
    gpt = "GPT writes text from a prompt, one token at a time, within its context window."
    records = tagger.predict([gpt, "", "   \n\n  "])
    assert [r["id"] for r in records] == ["0", "1", "2"]
    assert records[0]["labels"]
    for record in records[1:]:
        assert record["labels"] == [] and record["primary"] == NO_LABEL
        assert record["scores"] == dict.fromkeys(LABELS, 0.0)
    assert text_document("").passages == []


# ------------------------------------------------------------ the decision rule around it


def test_a_passage_primary_is_its_top_tag_not_the_last_name():
    # Applied AI, LLM, GenAI: GenAI scores highest; "LLM" would be the largest name.
    tagger = tagger_of({LONG: [0.7, 0.2, 0.8, 0.95], SHORT: [0.9, 0.6, 0.1, 0.1]})
    first, second = tagger.score_passages([LONG, SHORT], ["a", "b"])
    assert first["primary"] == "GenAI" and second["primary"] == "AI"
    (record,) = tagger.predict(f"{LONG}\n\n{SHORT}", passages=True)
    assert [p["primary"] for p in record["passages"]] == ["GenAI", "AI"]


def test_passages_are_decided_by_passage_thresholds_documents_by_document_ones():
    tagger = tagger_of(SCORES)
    tagger.set_threshold("ML", 0.95)  # a document threshold (--threshold)
    (record,) = tagger.predict(f"{LONG}\n\n{SHORT}", passages=True)
    assert record["labels"] == ["LLM"] and record["primary"] == "LLM"
    assert record["passages"][0]["labels"] == ["ML", "LLM"]
    (passage, _) = tagger.score_passages([LONG, SHORT], ["a", "b"])
    assert passage["labels"] == ["ML", "LLM"]


def test_a_score_at_the_threshold_applies_the_tag():
    (record,) = tagger_of({LONG: [0.5, 0.49, 0.0, 0.0]}).predict(LONG)
    assert record["labels"] == ["AI"]


def test_record_fields():
    tagger = tagger_of(SCORES)
    (passage, _) = tagger.score_passages([LONG, SHORT], ["a", "b"])
    assert passage == {
        "id": "a", "path": "a", "labels": ["ML", "LLM"],
        "scores": {"AI": 0.1, "ML": 0.9, "LLM": 0.6, "GenAI": 0.1},
        "primary": "ML", "model": "fixed",
    }  # fmt: skip
    (record,) = tagger.predict(f"{LONG}\n\n{SHORT}", passages=True)
    first = record["passages"][0]
    assert first == {
        "index": 0, "line": 1, "column": 1, "start": 0, "end": len(LONG),
        "labels": ["ML", "LLM"], "scores": {"AI": 0.1, "ML": 0.9, "LLM": 0.6, "GenAI": 0.1},
        "primary": "ML", "text": LONG,
    }  # fmt: skip
    assert "passages" not in tagger.score_documents([text_document(LONG)])[0]


def test_each_passage_record_has_its_own_scores_across_documents():
    third = "third passage of the first document here"
    scores = {**SCORES, third: [0.2, 0.3, 0.4, 0.5]}
    records = tagger_of(scores).predict(
        [f"{LONG}\n\n{SHORT}\n\n{third}", f"{third}\n\n{LONG}"], passages=True
    )
    found = [[list(p["scores"].values()) for p in r["passages"]] for r in records]
    # Passages under ten words are tempered (five words: half the log odds; seven: 0.7).
    short, third_tempered = tempered(scores[SHORT], 5), tempered(scores[third], 7)
    assert found == [[scores[LONG], short, third_tempered], [third_tempered, scores[LONG]]]


def test_without_a_document_stage_a_document_scores_as_its_best_passage():
    (one,) = tagger_of(SCORES).predict(LONG)
    assert list(one["scores"].values()) == SCORES[LONG]
    (two,) = tagger_of(SCORES).predict(f"{LONG}\n\n{SHORT}")
    # SHORT's 0.99 for LLM, tempered (five words), is 0.9087: still the best passage's.
    assert list(two["scores"].values()) == [0.25, 0.9, 0.9087, 0.25]


def tempered(scores: list[float], words: int) -> list[float]:
    """The rule by hand: log odds times words / 10, rounded as records are."""
    return [round(1 / (1 + math.exp(-math.log(p / (1 - p)) * words / 10)), 4) for p in scores]


def test_short_passages_cannot_score_near_certain():
    one_word = {"Model": [0.0, 1.0, 1.0, 0.5], LONG: [0.0, 1.0, 1.0, 0.5]}
    tagger = tagger_of(one_word)
    heading, sentence = tagger.score_passages(["Model", LONG], ["a", "b"])
    # Clipped to log odds of 9, then a tenth of that: 0.711; 0.5 stays 0.5.
    assert list(heading["scores"].values()) == [0.2891, 0.7109, 0.7109, 0.5]
    assert list(sentence["scores"].values()) == [0.0, 1.0, 1.0, 0.5]


def test_the_document_stage_sees_the_title(tagger):
    from aitag.predict import document_inputs

    documents = [
        d
        for d in read_documents([str(CORPUS / "documents" / "d10-mixed")])
        if not isinstance(d, Exception) and d.title and d.passages
    ][:5]
    assert documents
    expected = tagger.model.documents.predict_proba(
        document_inputs(tagger.model.passages, documents)
    )
    for record, row in zip(tagger.score_documents(documents), expected):
        assert list(record["scores"].values()) == [round(float(v), 4) for v in row]


def test_word_counts_logit_and_the_document_decision_by_hand():
    from aitag.decision import DocumentDecision, logit

    counts = word_counts(["one two\nthree", "x", "a  b"])
    assert counts.dtype == np.float64 and counts.tolist() == [3.0, 1.0, 3.0]
    assert logit(np.array([0.0, 0.5, 1.0])).tolist() == [-9.0, 0.0, 9.0]
    assert logit(np.array([0.9]))[0] == pytest.approx(np.log(9))
    decision = DocumentDecision(np.ones((4, 2)), [1.0, 0.0, -1.0, 2.0], [0.0, 1.0], [1.0, 2.0])
    # (x - mean) / scale = [2, 1]; linear = 3 + intercept
    found = decision.predict_proba(np.array([[2.0, 3.0]]))
    assert found[0].tolist() == pytest.approx([1 / (1 + np.exp(-v)) for v in (4, 3, 2, 5)])


# ------------------------------------------------------------ document features by hand


def _lg(p: float) -> float:
    return math.log(p / (1 - p))


def test_document_features_by_hand():
    """Every feature of documents built to tell each rule apart: a tie at the best, a
    passage of exactly ten words (long), short passages that score highest, a document
    without prose, one with a single long passage, one with exactly two."""
    from aitag.decision import FEATURE_NAMES, document_features

    passages = [
        # document 0: four passages
        (12, [0.8, 0.3, 0.5, 0.1]),
        (10, [0.6, 0.7, 0.5, 0.2]),  # exactly MIN_PROSE_WORDS: long
        (5, [0.95, 0.9, 0.2, 0.99]),  # short, highest on three tags
        (20, [0.8, 0.1, 0.4, 0.3]),  # ties the best on AI
        # document 1 has no passages
        # document 2: one long passage and a short one
        (15, [0.7, 0.2, 0.9, 0.4]),
        (3, [0.1, 0.99, 0.1, 0.1]),
        # document 3: exactly two long passages
        (30, [0.9, 0.9, 0.9, 0.9]),
        (30, [0.7, 0.6, 0.2, 0.3]),
    ]
    words = np.array([w for w, _ in passages], dtype=np.float64)
    probabilities = np.array([p for _, p in passages])
    features = document_features(probabilities, words, np.array([4, 0, 2, 2]))
    assert features.shape == (4, len(FEATURE_NAMES))
    found = {name: features[:, k] for k, name in enumerate(FEATURE_NAMES)}
    lg = np.vectorize(_lg)
    expected = {
        "best": [lg([0.8, 0.7, 0.5, 0.3]), [-9.0] * 4, lg([0.7, 0.2, 0.9, 0.4]), lg([0.9] * 4)],
        # AI: both passages at 0.8 are set aside, so the second is 0.6; a document with
        # one long passage has its best as its second; with two, the other one.
        "second": [
            lg([0.6, 0.3, 0.4, 0.2]),
            [-9.0] * 4,
            lg([0.7, 0.2, 0.9, 0.4]),
            lg([0.7, 0.6, 0.2, 0.3]),
        ],
        "best_short": [lg([0.95, 0.9, 0.2, 0.99]), [-9.0] * 4, lg([0.1, 0.99, 0.1, 0.1]), [-9.0] * 4],
        # Long passages above even odds: a score of exactly 0.5 does not support a tag.
        "support": [
            np.log1p([3, 1, 0, 0]),
            [0.0] * 4,
            np.log1p([1, 0, 1, 0]),
            np.log1p([2, 2, 1, 1]),
        ],
    }  # fmt: skip
    for name in ("best", "second", "best_short", "support"):
        for j, label in enumerate(LABELS):
            column = found[f"{name}_{label}"]
            want = [expected[name][doc][j] for doc in range(4)]
            assert column.tolist() == pytest.approx(want, abs=1e-9), (name, label)


def test_temper_leaves_passages_of_ten_words_or_more_exactly_as_scored():
    from aitag.decision import temper

    scores = np.array([[1.0, 0.0, 0.9, 0.5], [0.9, 0.1, 0.99, 0.3], [0.9, 0.1, 0.99, 0.3]])
    tempered = temper(scores, np.array([10.0, 15.0, 5.0]))
    assert tempered[:2].tolist() == scores[:2].tolist()
    assert tempered[2].tolist() == pytest.approx(tempered_row([0.9, 0.1, 0.99, 0.3], 5))


def tempered_row(scores: list[float], words: int) -> list[float]:
    return [1 / (1 + math.exp(-math.log(p / (1 - p)) * words / 10)) for p in scores]


def test_document_thresholds_decide_documents_when_the_model_has_a_document_stage():
    tagger = tagger_of(SCORES, documents=[0.6, 0.6, 0.6, 0.6])
    tagger.model.document_thresholds = np.array([0.7, 0.5, 0.7, 0.5])
    tagger = Tagger(tagger.model, name="fixed")
    assert tagger.thresholds == {"AI": 0.7, "ML": 0.5, "LLM": 0.7, "GenAI": 0.5}
    assert tagger.passage_thresholds == dict.fromkeys(LABELS, 0.5)
    (record,) = tagger.predict(LONG)
    assert record["labels"] == ["ML", "GenAI"]
    # Without a document stage, a document is decided against the passage thresholds.
    plain = tagger_of(SCORES)
    assert plain.thresholds == plain.passage_thresholds
