"""Quality figures: per-tag precision, recall, F1; micro and macro F1; exact match;
primary accuracy. ``evaluate`` returns a dict that the CLI prints and notebooks use."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .corpus import Record, load_records
from .documents import text_document
from .labels import LABELS


def label_matrix(label_lists: list[list[str]] | list[tuple[str, ...]]) -> np.ndarray:
    """0/1 matrix of shape (n, len(LABELS))."""
    return np.array(
        [[label in labels for label in LABELS] for labels in label_lists], dtype=np.int8
    ).reshape(-1, len(LABELS))


def metrics(
    gold: list,
    predicted: list,
    gold_primary: list[str] | None = None,
    predicted_primary: list[str] | None = None,
) -> dict:
    """Figures comparing gold and predicted tag lists (and primaries, when given)."""
    truth, guess = label_matrix(gold), label_matrix(predicted)
    per_label = {}
    for j, label in enumerate(LABELS):
        tp = int(np.sum((truth[:, j] == 1) & (guess[:, j] == 1)))
        fp = int(np.sum((truth[:, j] == 0) & (guess[:, j] == 1)))
        fn = int(np.sum((truth[:, j] == 1) & (guess[:, j] == 0)))
        per_label[label] = {
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
            "f1": _ratio(2 * tp, 2 * tp + fp + fn),
            "support": int(truth[:, j].sum()),
        }
    tp = int(np.sum((truth == 1) & (guess == 1)))
    wrong = int(np.sum(truth != guess))
    result = {
        "n": int(len(truth)),
        "macro_f1": round(float(np.mean([v["f1"] for v in per_label.values()])), 4),
        "micro_f1": _ratio(2 * tp, 2 * tp + wrong),
        "exact_match": round(float(np.mean(np.all(truth == guess, axis=1))), 4)
        if len(truth)
        else 0.0,
        "primary_accuracy": None,
        "per_label": per_label,
    }
    if gold_primary is not None and predicted_primary is not None:
        hits = [g == p for g, p in zip(gold_primary, predicted_primary)]
        result["primary_accuracy"] = round(float(np.mean(hits)), 4) if hits else 0.0
    return result


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def predict_records(tagger, records: list[Record]) -> list[dict]:
    """Predictions for labelled records, each text scored as one document."""
    documents = [text_document(record.text, doc_id=record.id) for record in records]
    return list(tagger.predict_documents(documents))


def evaluate(tagger, data: str | Path | list[Record]) -> dict:
    """Score a labelled JSON Lines file (or records) with a tagger and return the figures."""
    records = load_records(data) if isinstance(data, (str, Path)) else data
    predictions = predict_records(tagger, records)
    result = metrics(
        [r.labels for r in records],
        [p["labels"] for p in predictions],
        [r.primary for r in records],
        [p["primary"] for p in predictions],
    )
    result["model"] = tagger.name
    result["thresholds"] = dict(tagger.thresholds)
    return result


def errors_of(records: list[Record], predictions: list[dict]) -> list[dict]:
    """The records a tagger got wrong (tags or primary), with what it said."""
    wrong = []
    for record, prediction in zip(records, predictions):
        if (
            set(record.labels) != set(prediction["labels"])
            or record.primary != prediction["primary"]
        ):
            wrong.append(
                {
                    "id": record.id,
                    "gold": list(record.labels),
                    "predicted": prediction["labels"],
                    "gold_primary": record.primary,
                    "predicted_primary": prediction["primary"],
                    "scores": prediction["scores"],
                    "text": record.text,
                }
            )
    return wrong
