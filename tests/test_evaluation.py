"""Evaluation: every figure aitag reports equals scikit-learn's on the same predictions."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CORPUS
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from aitag.corpus import load_records
from aitag.evaluation import (
    evaluate,
    evaluate_documents,
    intervals,
    label_matrix,
    metrics,
    predict_labelled_documents,
    predict_records,
    resample_indices,
    threshold_tradeoffs,
    untagged_tagged,
)
from aitag.labels import LABELS

#: Labelled passages and documents the session's model never saw (see conftest.py).
UNSEEN_PASSAGES = ("written/w5-comparisons-misuse.jsonl", "written/w7-industry-messy.jsonl")
UNSEEN_DOCUMENTS = "documents/d10-mixed"

#: Figures are rounded to 4 places.
CLOSE = {"abs": 5e-5}


def sklearn_figures(gold, guessed, gold_primary=None, guessed_primary=None) -> dict:
    """The figures of :func:`aitag.evaluation.metrics`, computed by scikit-learn."""
    truth, guess = label_matrix(gold), label_matrix(guessed)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guess, average=None, labels=range(len(LABELS)), zero_division=0
    )
    result = {
        "n": len(gold),
        "macro_f1": f1_score(truth, guess, average="macro", zero_division=0),
        "micro_f1": f1_score(truth, guess, average="micro", zero_division=0),
        # On indicator matrices accuracy_score is subset accuracy: every tag right.
        "exact_match": accuracy_score(truth, guess),
        "per_label": {
            label: {
                "precision": precision[j],
                "recall": recall[j],
                "f1": f1[j],
                "support": int(support[j]),
            }
            for j, label in enumerate(LABELS)
        },
    }
    if gold_primary is not None:
        result["primary_accuracy"] = accuracy_score(gold_primary, guessed_primary)
    return result


def assert_same_figures(found: dict, expected: dict) -> None:
    assert found["n"] == expected["n"]
    for key in ("macro_f1", "micro_f1", "exact_match", "primary_accuracy"):
        if key in expected:
            assert found[key] == pytest.approx(expected[key], **CLOSE), key
    for label in LABELS:
        for key in ("precision", "recall", "f1"):
            assert found["per_label"][label][key] == pytest.approx(
                expected["per_label"][label][key], **CLOSE
            ), (label, key)
        assert found["per_label"][label]["support"] == expected["per_label"][label]["support"]


def assert_discriminating(gold, guessed) -> None:
    """The predictions are wrong in the ways that tell the formulas apart (else the
    comparison above would pass for a wrong formula too)."""
    truth, guess = label_matrix(gold), label_matrix(guessed)
    tp = (truth & guess).sum(axis=0)
    assert (tp > 0).all()
    assert ((truth == 1) & (guess == 0)).sum(axis=0).tolist() != ((truth == 0) & (guess == 1)).sum(
        axis=0
    ).tolist()  # precision differs from recall somewhere
    partly = (truth == guess).any(axis=1) & ~(truth == guess).all(axis=1)
    assert partly.any()  # some rows are right on some tags only
    assert not (truth == guess).all(axis=1).all()


@pytest.fixture(scope="module")
def unseen_records():
    return [r for name in UNSEEN_PASSAGES for r in load_records(CORPUS / name)]


def test_passage_figures_equal_scikit_learn_on_real_predictions(tagger, unseen_records):
    predictions = predict_records(tagger, unseen_records)
    gold = [r.labels for r in unseen_records]
    guessed = [p["labels"] for p in predictions]
    assert_discriminating(gold, guessed)
    expected = sklearn_figures(
        gold, guessed, [r.primary for r in unseen_records], [p["primary"] for p in predictions]
    )
    found = evaluate(tagger, unseen_records)
    assert_same_figures(found, expected)
    # Passages are decided by the passage thresholds: those are the ones reported.
    assert tagger.passage_thresholds != tagger.thresholds
    assert found["model"] == tagger.name and found["thresholds"] == tagger.passage_thresholds


def test_evaluate_reads_a_jsonl_file_as_its_records(tagger):
    path = CORPUS / UNSEEN_PASSAGES[0]
    assert evaluate(tagger, path) == evaluate(tagger, load_records(path))


def test_passages_are_decided_by_passage_thresholds(tagger, unseen_records):
    records = unseen_records[:50]
    probabilities = tagger.model.passages.predict_proba([r.text for r in records])
    for record, prediction, row in zip(records, predict_records(tagger, records), probabilities):
        assert prediction["id"] == record.id
        assert prediction["labels"] == [
            label for j, label in enumerate(LABELS) if row[j] >= tagger.passage_thresholds[label]
        ]


def test_document_figures_equal_scikit_learn_on_real_predictions(tagger):
    from aitag.corpus import load_labelled_documents

    documents = load_labelled_documents(CORPUS / UNSEEN_DOCUMENTS)
    predictions = predict_labelled_documents(tagger, documents)
    assert [p["id"] for p in predictions] == [d.id for d in documents]
    gold = [d.labels for d in documents]
    guessed = [p["labels"] for p in predictions]
    expected = sklearn_figures(
        gold, guessed, [d.primary for d in documents], [p["primary"] for p in predictions]
    )
    found = evaluate_documents(tagger, CORPUS / UNSEEN_DOCUMENTS)
    assert_same_figures(found, expected)
    untagged = [bool(g) for labels, g in zip(gold, guessed) if not labels]
    assert untagged and found["untagged_tagged"] == pytest.approx(
        sum(untagged) / len(untagged), **CLOSE
    )


# ------------------------------------------------------------ metrics on chosen cases

#: Cases that tell each formula from its usual mistakes: micro F1 pooled over tags (not
#: the mean of F1s), exact match over all tags (not any), recall over gold positives.
CASES = [
    # gold, predicted
    (["AI", "ML"], ["AI"]),
    (["LLM"], ["LLM", "GenAI"]),
    ([], []),
    (["GenAI"], ["ML"]),
    (["ML"], ["ML"]),
    (["AI", "LLM", "GenAI"], ["AI", "LLM", "GenAI"]),
    ([], ["AI"]),
    (["ML", "LLM"], ["LLM"]),
]


def test_metrics_equal_scikit_learn_on_chosen_cases():
    gold, guessed = [g for g, _ in CASES], [p for _, p in CASES]
    assert_discriminating(gold, guessed)
    gold_primary = [g[0] if g else "none" for g in gold]
    guessed_primary = [p[-1] if p else "none" for p in guessed]
    found = metrics(gold, guessed, gold_primary, guessed_primary)
    assert_same_figures(found, sklearn_figures(gold, guessed, gold_primary, guessed_primary))


def test_metrics_by_hand():
    found = metrics([["AI", "ML"], ["LLM"], []], [["AI"], ["LLM", "GenAI"], ["ML"]])
    # tp 2 (AI, LLM), fp 2 (GenAI, ML), fn 1 (ML): micro F1 = 4 / (4 + 3)
    assert found["micro_f1"] == round(4 / 7, 4)
    assert found["exact_match"] == 0.0
    assert found["per_label"]["ML"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert found["per_label"]["AI"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert found["per_label"]["GenAI"]["support"] == 0
    assert found["macro_f1"] == round((1.0 + 0.0 + 1.0 + 0.0) / 4, 4)
    assert found["primary_accuracy"] is None
    assert found["n"] == 3


def test_metrics_of_nothing_are_zero_not_an_error():
    found = metrics([], [], [], [])
    assert found["n"] == 0 and found["exact_match"] == 0.0 and found["micro_f1"] == 0.0
    assert found["primary_accuracy"] == 0.0


def test_label_order_in_a_list_does_not_matter():
    assert metrics([["ML", "AI"]], [["AI", "ML"]])["exact_match"] == 1.0


def test_untagged_tagged_counts_items_without_gold_tags():
    assert untagged_tagged([[], [], ["AI"]], [["ML"], [], []]) == 0.5
    assert untagged_tagged([["AI"]], [[]]) is None


def test_threshold_tradeoffs_equal_scikit_learn(tagger, unseen_records):
    records = unseen_records[:200]
    predictions = predict_records(tagger, records)
    truth = label_matrix([r.labels for r in records])
    scores = np.array([[p["scores"][label] for label in LABELS] for p in predictions])
    rows = threshold_tradeoffs(records, predictions, thresholds=(0.3, 0.5))
    assert [(r["tag"], r["threshold"]) for r in rows] == [
        (label, t) for label in LABELS for t in (0.3, 0.5)
    ]
    for row in rows:
        j = LABELS.index(row["tag"])
        guess = scores[:, j] >= row["threshold"]
        precision, recall, f1, _ = precision_recall_fscore_support(
            truth[:, j], guess, average="binary", zero_division=0
        )
        assert (row["precision"], row["recall"], row["f1"]) == pytest.approx(
            (precision, recall, f1), **CLOSE
        )


def test_document_figures_name_the_model_and_take_documents_as_a_list(tagger):
    from aitag.corpus import load_labelled_documents

    documents = load_labelled_documents(CORPUS / UNSEEN_DOCUMENTS)[:6]
    found = evaluate_documents(tagger, documents)
    assert found["n"] == 6
    assert found["model"] == tagger.name and found["thresholds"] == tagger.thresholds


def test_a_labelled_document_that_cannot_be_read_is_a_corpus_error(tagger, tmp_path):
    from aitag.corpus import load_labelled_documents
    from aitag.errors import CorpusError

    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "labels.jsonl").write_text(
        '{"path": "blob.txt", "labels": [], "primary": "none"}\n'
    )
    with pytest.raises(CorpusError, match=r"blob\.txt: a labelled document cannot be read"):
        predict_labelled_documents(tagger, load_labelled_documents(tmp_path))


def test_untagged_tagged_is_rounded_to_four_places():
    assert untagged_tagged([[], [], []], [["AI"], [], []]) == 0.3333


def test_threshold_tradeoffs_count_a_score_at_the_threshold_as_passing():
    from aitag.corpus import Record

    records = [Record(str(i), "t", labels, "none", "s") for i, labels in enumerate([("AI",), ()])]
    predictions = [
        {"scores": {"AI": 0.5, "ML": 0.0, "LLM": 0.0, "GenAI": 0.0}},
        {"scores": {"AI": 0.125, "ML": 0.0, "LLM": 0.0, "GenAI": 0.0}},
    ]
    rows = threshold_tradeoffs(records, predictions, thresholds=(0.125, 0.5))
    ai = [row for row in rows if row["tag"] == "AI"]
    assert [row["threshold"] for row in ai] == [0.12, 0.5]
    assert ai[0]["precision"] == 0.5 and ai[0]["recall"] == 1.0
    assert ai[1]["precision"] == 1.0 and ai[1]["recall"] == 1.0


def test_tag_matrix_counts_gold_against_predicted_tags():
    from aitag.evaluation import tag_matrix

    counts = tag_matrix([["AI", "ML"], [], ["LLM"]], [["AI"], ["GenAI"], []])
    assert counts.dtype.kind == "i"
    expected = np.zeros((5, 5), dtype=int)
    expected[0, 0] = 1  # AI -> AI
    expected[1, 0] = 1  # ML (same document) -> AI
    expected[4, 3] = 1  # none -> GenAI
    expected[2, 4] = 1  # LLM -> none
    assert counts.tolist() == expected.tolist()


def log_odds(probability: float) -> float:
    """Log-odds as the product clips them: probabilities to 1e-6 of 0 and 1, then +-9."""
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return min(max(np.log(p / (1 - p)), -9.0), 9.0)


def test_surest_errors_by_hand():
    from aitag.evaluation import surest_errors

    thresholds = {"AI": 0.5, "ML": 0.4, "LLM": 0.5, "GenAI": 0.6}

    def passage(line, **scores):
        return {"line": line, "column": 2, "scores": {**dict.fromkeys(LABELS, 0.0), **scores},
                "text": f"passage {line}"}  # fmt: skip

    predictions = [
        # right, whatever the order of its tags
        {"id": "a", "labels": ["ML", "AI"], "primary": "AI",
         "scores": {"AI": 0.9, "ML": 0.8, "LLM": 0.1, "GenAI": 0.0}, "passages": []},
        # GenAI wrong, 1.79 past its threshold in log-odds; LLM missed, 2.20 past (its
        # best passage is line 7)
        {"id": "b", "path": "b.md", "labels": ["GenAI"], "primary": "GenAI",
         "scores": {"AI": 0.0, "ML": 0.0, "LLM": 0.1, "GenAI": 0.9},
         "passages": [passage(3, GenAI=0.95, LLM=0.2), passage(7, LLM=0.45, GenAI=0.5)]},
        # GenAI wrong as surely as b's (a tie: b comes first); no prose to point at
        {"id": "c", "labels": ["GenAI"], "primary": "GenAI",
         "scores": {"AI": 0.0, "ML": 0.0, "LLM": 0.0, "GenAI": 0.9}, "passages": []},
    ]  # fmt: skip
    gold = [["AI", "ML"], ["LLM"], []]
    found = surest_errors(gold, predictions, thresholds)
    assert [(e["id"], e["tag"], e["error"]) for e in found] == [
        ("b", "LLM", "missed"), ("b", "GenAI", "wrong"), ("c", "GenAI", "wrong"),
    ]  # fmt: skip
    assert found[0] == {
        "id": "b", "path": "b.md", "tag": "LLM", "error": "missed", "score": 0.1,
        "threshold": 0.5, "gold": ["LLM"], "predicted": ["GenAI"],
        "passage": {"line": 7, "column": 2, "score": 0.45, "text": "passage 7"},
    }  # fmt: skip
    assert found[1]["passage"]["line"] == 3
    assert found[2]["path"] == "c" and found[2]["passage"] is None
    # In log-odds, not in probability: a wrong 0.999 against 0.5 is surer than a missed
    # 0.3 against 0.9, though 0.499 < 0.6.
    sure = [{"id": "d", "labels": ["AI"], "primary": "AI", "passages": [],
             "scores": {"AI": 0.999, "ML": 0.0, "LLM": 0.0, "GenAI": 0.3}}]  # fmt: skip
    thresholds = {"AI": 0.5, "ML": 0.5, "LLM": 0.5, "GenAI": 0.9}
    assert [e["tag"] for e in surest_errors([["GenAI"]], sure, thresholds)] == ["AI", "GenAI"]


def test_errors_on_real_documents_are_every_wrong_tag_with_its_best_passage(tagger):
    from aitag.corpus import load_labelled_documents

    documents = load_labelled_documents(CORPUS / UNSEEN_DOCUMENTS)
    found = evaluate_documents(tagger, documents, errors=3)
    every = evaluate_documents(tagger, documents, errors=10_000)
    predictions = predict_labelled_documents(tagger, documents, passages=True)
    truth = label_matrix([d.labels for d in documents])
    guess = label_matrix([p["labels"] for p in predictions])
    assert found["tag_errors"] == every["tag_errors"] == int((truth != guess).sum()) > 3
    assert found["errors"] == every["errors"][:3]
    assert len(every["errors"]) == every["tag_errors"]
    by_id = {p["id"]: p for p in predictions}
    margins = []
    for error in every["errors"]:
        prediction, tag = by_id[error["id"]], error["tag"]
        assert error["score"] == prediction["scores"][tag]
        assert error["threshold"] == tagger.thresholds[tag]
        wrong = tag in prediction["labels"]
        assert error["error"] == ("wrong" if wrong else "missed")
        past = log_odds(error["score"]) - log_odds(error["threshold"])
        margins.append(past if wrong else -past)
        best = max(prediction["passages"], key=lambda p: p["scores"][tag])
        assert (error["passage"]["line"], error["passage"]["column"]) == (
            best["line"],
            best["column"],
        )
        assert error["passage"]["score"] == best["scores"][tag]
    assert margins == sorted(margins, reverse=True)
    # The figures do not change for asking.
    assert {k: v for k, v in every.items() if k not in ("errors", "tag_errors")} == (
        evaluate_documents(tagger, documents)
    )


def test_errors_on_passages_point_at_the_record(tagger, unseen_records):
    records = unseen_records[:300]
    found = evaluate(tagger, records, errors=10_000)
    predictions = predict_records(tagger, records)
    truth = label_matrix([r.labels for r in records])
    guess = label_matrix([p["labels"] for p in predictions])
    assert found["tag_errors"] == len(found["errors"]) == int((truth != guess).sum()) > 0
    texts = {r.id: r.text for r in records}
    for error in found["errors"]:
        assert error["threshold"] == tagger.passage_thresholds[error["tag"]]
        assert error["passage"] == {
            "line": 1, "column": 1, "score": error["score"], "text": texts[error["id"]],
        }  # fmt: skip
    assert "errors" not in evaluate(tagger, records)


def test_figures_are_rounded_to_four_places():
    gold = [["AI"], ["AI"], ["AI", "ML"]]
    guessed = [["AI"], [], ["AI", "ML", "LLM"]]
    found = metrics(gold, guessed, ["AI", "AI", "ML"], ["AI", "none", "AI"])
    assert found["exact_match"] == 0.3333 and found["primary_accuracy"] == 0.3333
    # AI f1 = 2*2/(2*2+0+1) = 0.8, ML 1.0, LLM 0.0, GenAI 0.0: macro 0.45
    assert found["macro_f1"] == 0.45
    assert metrics([["AI"], ["AI"]], [["AI"], []])["macro_f1"] == 0.1667  # (2/3) / 4
    assert label_matrix([["AI"], []]).dtype == np.int8


def test_primary_accuracy_needs_both_primaries():
    assert metrics([["AI"]], [["AI"]], gold_primary=["AI"])["primary_accuracy"] is None
    assert metrics([["AI"]], [["AI"]], predicted_primary=["AI"])["primary_accuracy"] is None


def test_precision_recall_curve_by_hand():
    from aitag.evaluation import precision_recall_curve

    thresholds, precision, recall = precision_recall_curve(
        np.array([0, 1, 0, 0]), np.array([0.9, 0.8, 0.8, 0.1])
    )
    assert thresholds.tolist() == [0.9, 0.8, 0.1]
    assert precision.tolist() == pytest.approx([0.0, 1 / 3, 0.25])  # ties pass together
    assert recall.tolist() == [0.0, 1.0, 1.0]


# ------------------------------------------------------------ bootstrap intervals


def sklearn_intervals(gold, guessed, gold_primary, guessed_primary, drawn, level=0.95) -> dict:
    """Each figure of every resample by scikit-learn, then the central ``level`` of them:
    what :func:`aitag.evaluation.intervals` must give for the same resamples."""
    truth, guess = label_matrix(gold), label_matrix(guessed)
    gold_primary, guessed_primary = np.array(gold_primary), np.array(guessed_primary)
    rows: dict = {"precision": [], "recall": [], "f1": []}
    macro, micro, exact, primary, untagged = [], [], [], [], []
    for rows_of in drawn:
        t, g = truth[rows_of], guess[rows_of]
        # NaN where a tag has nothing to divide by: those resamples leave that interval.
        p, r, _, _ = precision_recall_fscore_support(
            t, g, average=None, labels=range(len(LABELS)), zero_division=np.nan
        )
        f = f1_score(t, g, average=None, labels=range(len(LABELS)), zero_division=np.nan)
        rows["precision"].append(p)
        rows["recall"].append(r)
        rows["f1"].append(f)
        macro.append(f1_score(t, g, average="macro", zero_division=0))
        micro.append(f1_score(t, g, average="micro", zero_division=0))
        exact.append(accuracy_score(t, g))
        primary.append(accuracy_score(gold_primary[rows_of], guessed_primary[rows_of]))
        none = t.sum(axis=1) == 0
        untagged.append(g[none].any(axis=1).mean() if none.any() else np.nan)
    q = [50 * (1 - level), 50 * (1 + level)]

    def bounds(values):
        values = np.asarray(values, dtype=float)
        values = values[~np.isnan(values)]
        return list(np.percentile(values, q)) if len(values) else None

    return {
        "per_label": {
            label: {key: bounds(np.array(rows[key])[:, j]) for key in rows}
            for j, label in enumerate(LABELS)
        },
        "macro_f1": bounds(macro),
        "micro_f1": bounds(micro),
        "exact_match": bounds(exact),
        "primary_accuracy": bounds(primary),
        "untagged_tagged": bounds(untagged),
    }


def assert_same_bounds(found, expected, where=""):
    if expected is None:
        assert found is None, where
    else:
        assert found == pytest.approx(expected, **CLOSE), where


def test_intervals_equal_scikit_learn_percentiles_on_real_predictions(tagger):
    from aitag.corpus import load_labelled_documents

    documents = load_labelled_documents(CORPUS / UNSEEN_DOCUMENTS)
    predictions = predict_labelled_documents(tagger, documents)
    gold, guessed = [d.labels for d in documents], [p["labels"] for p in predictions]
    gold_primary = [d.primary for d in documents]
    guessed_primary = [p["primary"] for p in predictions]
    assert_discriminating(gold, guessed)
    found = intervals(gold, guessed, gold_primary, guessed_primary, resamples=300, seed=7)
    drawn = resample_indices(len(gold), 300, seed=7)
    expected = sklearn_intervals(gold, guessed, gold_primary, guessed_primary, drawn)
    assert (found["level"], found["resamples"], found["seed"]) == (0.95, 300, 7)
    for label in LABELS:
        for key in ("precision", "recall", "f1"):
            assert_same_bounds(
                found["per_label"][label][key], expected["per_label"][label][key], (label, key)
            )
    for key in ("macro_f1", "micro_f1", "exact_match", "primary_accuracy", "untagged_tagged"):
        assert_same_bounds(found[key], expected[key], key)
    # Each interval holds the figure itself, and is narrower than everything.
    figures = metrics(gold, guessed, gold_primary, guessed_primary)
    low, high = found["macro_f1"]
    assert low <= figures["macro_f1"] <= high and (low, high) != (0.0, 1.0)


def test_intervals_leave_out_resamples_where_a_figure_is_undefined():
    # GenAI is never gold and never predicted: no resample has a value for it. AI has
    # one gold item: resamples that miss it have no recall and are left out (were they
    # counted as 0, the interval would reach 0).
    gold = [["AI"], ["ML"], ["ML"], [], [], ["LLM"]]
    guessed = [["AI"], ["ML"], [], [], ["ML"], ["LLM"]]
    found = intervals(gold, guessed, resamples=500)
    assert found["per_label"]["GenAI"] == {"precision": None, "recall": None, "f1": None}
    assert found["per_label"]["AI"]["recall"] == [1.0, 1.0]
    assert found["primary_accuracy"] is None  # no primaries given
    drawn = resample_indices(len(gold), 500, seed=0)
    expected = sklearn_intervals(gold, guessed, ["x"] * 6, ["x"] * 6, drawn)
    assert_same_bounds(found["untagged_tagged"], expected["untagged_tagged"])
    # Macro F1 is the mean over all four tags, an undefined F1 counting 0, as reported.
    assert_same_bounds(found["macro_f1"], expected["macro_f1"])
    assert found["macro_f1"][1] <= 0.75
    assert_same_bounds(
        found["per_label"]["ML"]["precision"], expected["per_label"]["ML"]["precision"]
    )


def test_intervals_follow_the_seed_and_the_level():
    gold, guessed = [g for g, _ in CASES] * 3, [p for _, p in CASES] * 3
    first = intervals(gold, guessed, resamples=400, seed=1)
    assert intervals(gold, guessed, resamples=400, seed=1) == first
    other = intervals(gold, guessed, resamples=400, seed=2)
    assert other["seed"] == 2 and other["per_label"] != first["per_label"]
    narrow = intervals(gold, guessed, resamples=400, seed=1, level=0.5)
    assert (
        first["macro_f1"][0] < narrow["macro_f1"][0] <= narrow["macro_f1"][1] < first["macro_f1"][1]
    )


def test_evaluate_adds_intervals_only_when_asked(tagger, unseen_records):
    records = unseen_records[:80]
    plain = evaluate(tagger, records)
    assert "intervals" not in plain
    with_intervals = evaluate(tagger, records, resamples=200)
    assert {k: v for k, v in with_intervals.items() if k != "intervals"} == plain
    predictions = predict_records(tagger, records)
    assert with_intervals["intervals"] == intervals(
        [r.labels for r in records],
        [p["labels"] for p in predictions],
        [r.primary for r in records],
        [p["primary"] for p in predictions],
        resamples=200,
    )
    documents = evaluate_documents(tagger, CORPUS / UNSEEN_DOCUMENTS, resamples=200)
    low, high = documents["intervals"]["untagged_tagged"]
    assert low <= documents["untagged_tagged"] <= high


def test_cli_threshold_overrides_what_decides_the_data(
    model_path, tagger, unseen_records, tmp_path
):
    """``--threshold`` moves the passage threshold for labelled passages and the document
    threshold for a folder of documents, and the figures follow it."""
    import json

    from click.testing import CliRunner

    from aitag import Tagger
    from aitag.cli import main

    data = tmp_path / "passages.jsonl"
    data.write_text("".join(json.dumps(r.to_json()) + "\n" for r in unseen_records))
    env = {"AITAG_MODEL": str(model_path)}
    runs = {}
    for where in (str(data), str(CORPUS / UNSEEN_DOCUMENTS)):
        for override in ([], ["--threshold", "LLM=0.97"]):
            result = CliRunner().invoke(
                main, ["evaluate", where, "--format", "json", *override], env=env
            )
            assert result.exit_code == 0, result.output
            runs[where, bool(override)] = json.loads(result.stdout)
    moved = Tagger.load(model_path)
    moved.set_passage_threshold("LLM", 0.97)
    passages = runs[str(data), True]
    assert passages["thresholds"] == {**tagger.passage_thresholds, "LLM": 0.97}
    assert passages["per_label"] == evaluate(moved, unseen_records)["per_label"]
    assert passages["per_label"]["LLM"] != runs[str(data), False]["per_label"]["LLM"]
    documents = runs[str(CORPUS / UNSEEN_DOCUMENTS), True]
    assert documents["thresholds"] == {**tagger.thresholds, "LLM": 0.97}
    moved = Tagger.load(model_path, {"LLM": 0.97})
    assert (
        documents["per_label"] == evaluate_documents(moved, CORPUS / UNSEEN_DOCUMENTS)["per_label"]
    )
    unmoved = runs[str(CORPUS / UNSEEN_DOCUMENTS), False]["per_label"]["LLM"]
    assert documents["per_label"]["LLM"] != unmoved


def test_cli_lists_the_surest_errors(model_path):
    import json

    from click.testing import CliRunner

    from aitag.cli import main

    where, env = str(CORPUS / UNSEEN_DOCUMENTS), {"AITAG_MODEL": str(model_path)}
    table = CliRunner().invoke(main, ["evaluate", where, "--errors", "2"], env=env)
    data = CliRunner().invoke(
        main, ["evaluate", where, "--errors", "2", "--format", "json"], env=env
    )
    assert table.exit_code == data.exit_code == 0, table.output + data.output
    found = json.loads(data.stdout)
    lines = table.stdout.splitlines()
    at = lines.index(f"the 2 surest of {found['tag_errors']} tag errors:")
    for k, error in enumerate(found["errors"]):
        head, passage = lines[at + 1 + 2 * k], lines[at + 2 + 2 * k]
        assert head.split()[:3] == [error["error"], error["tag"], f"{error['score']:.2f}"]
        assert head.endswith(error["path"])
        assert passage.split()[0] == f"{error['passage']['line']}:{error['passage']['column']}"
    assert len(lines) == at + 5
    plain = CliRunner().invoke(main, ["evaluate", where, "--format", "json"], env=env)
    assert "errors" not in json.loads(plain.stdout)
    refused = CliRunner().invoke(main, ["evaluate", where, "--errors", "0"], env=env)
    assert refused.exit_code == 2


def test_error_table_lines_by_hand():
    from aitag.formats.metrics import format_metrics

    figures = metrics([["AI"], []], [["AI"], ["ML"]], ["AI", "none"], ["AI", "ML"])
    long_text = "\x1b[31m" + "word " * 40  # a terminal escape in a user's file is shown, not run
    errors = [
        {"id": "x", "path": "posts/x.md", "tag": "ML", "error": "wrong", "score": 0.876,
         "threshold": 0.5, "gold": [], "predicted": ["ML"],
         "passage": {"line": 12, "column": 3, "score": 0.912, "text": long_text}},
        {"id": "y", "path": "posts/y.md", "tag": "LLM", "error": "missed", "score": 0.0,
         "threshold": 0.5, "gold": ["LLM"], "predicted": [], "passage": None},
    ]  # fmt: skip
    lines = format_metrics({**figures, "tag_errors": 7, "errors": errors}).splitlines()
    at = lines.index("the 2 surest of 7 tag errors:")
    assert lines[at + 1 :] == [
        "wrong  ML     0.88 (threshold 0.50)  posts/x.md",
        "       12:3 (0.91) " + "\\x1b[31m" + ("word " * 20)[:94] + "…",
        "missed LLM    0.00 (threshold 0.50)  posts/y.md",
        "       no prose",
    ]
    none = format_metrics({**figures, "tag_errors": 0, "errors": []}).splitlines()
    assert none[-1] == "no tag errors"
    assert "surest" not in format_metrics(figures)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        # A file of rows is many documents: each label after it went to the wrong one.
        (['{"path": "rows.jsonl", "labels": [], "primary": "none"}'], "is a file of rows"),
        (['{"path": "../outside.md", "labels": [], "primary": "none"}'], "is not a file in"),
        (['{"path": "sub/a.md", "labels": ["AI"], "primary": "AI", "id": "x"}',
          '{"path": "sub/../sub/a.md", "labels": [], "primary": "none", "id": "y"}'],
         "labelled twice"),
        ([], "holds no labelled documents"),
    ],
)  # fmt: skip
def test_labelled_document_sets_that_would_give_wrong_figures_are_refused(tmp_path, rows, message):
    from aitag.corpus import load_labelled_documents
    from aitag.errors import CorpusError

    folder = tmp_path / "set"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.md").write_text("A post about a language model and its prompts.\n")
    (folder / "rows.jsonl").write_text('{"id": "1", "text": "one"}\n{"id": "2", "text": "two"}\n')
    (tmp_path / "outside.md").write_text("Outside the set.\n")
    (folder / "labels.jsonl").write_text("".join(row + "\n" for row in rows))
    with pytest.raises(CorpusError, match=message):
        load_labelled_documents(folder)


def test_documents_built_by_hand_that_hold_rows_are_refused_not_misaligned(tagger, tmp_path):
    # load_labelled_documents refuses a file of rows; a list made in code is checked too.
    from aitag.corpus import LabelledDocument
    from aitag.errors import CorpusError

    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "1", "text": "one row"}\n{"id": "2", "text": "another row"}\n')
    post = tmp_path / "post.md"
    post.write_text("A language model answers prompts, one token after another, all day.\n")
    documents = [
        LabelledDocument("r", rows, (), "none", "t", None),
        LabelledDocument("p", post, ("LLM",), "LLM", "t", None),
    ]
    with pytest.raises(CorpusError, match=r"rows\.jsonl: is read as several documents"):
        predict_labelled_documents(tagger, documents)


def test_intervals_keep_resamples_with_a_single_item_to_divide_by():
    # AI is gold twice and guessed twice in eight: most resamples hold one gold or one
    # guessed AI item, and a precision or recall of 0 or 1 there is a figure like any other.
    gold = [["AI"], ["AI"], [], [], [], [], [], ["ML"]]
    guessed = [["AI"], [], ["AI"], [], [], [], [], ["ML"]]
    found = intervals(gold, guessed, resamples=400, seed=3, level=0.5)
    drawn = resample_indices(len(gold), 400, seed=3)
    expected = sklearn_intervals(gold, guessed, ["x"] * 8, ["x"] * 8, drawn, level=0.5)
    for key in ("precision", "recall", "f1"):
        assert_same_bounds(found["per_label"]["AI"][key], expected["per_label"]["AI"][key], key)
    assert found["per_label"]["AI"]["recall"] != [1.0, 1.0]
    assert_same_bounds(found["untagged_tagged"], expected["untagged_tagged"])


def test_figures_add_intervals_and_errors_only_when_asked(tagger, unseen_records):
    from aitag.corpus import load_labelled_documents
    from aitag.evaluation import document_figures, figures

    records = unseen_records[:40]
    plain = figures(tagger, records, predict_records(tagger, records))
    assert "intervals" not in plain and "errors" not in plain
    documents = load_labelled_documents(CORPUS / UNSEEN_DOCUMENTS)[:10]
    predictions = predict_labelled_documents(tagger, documents)
    plain = document_figures(tagger, documents, predictions)
    assert "intervals" not in plain and "errors" not in plain
    assert "errors" not in evaluate_documents(tagger, CORPUS / UNSEEN_DOCUMENTS)
