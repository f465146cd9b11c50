"""Quality figures: per-tag precision, recall, F1; micro and macro F1; exact match;
primary accuracy. ``evaluate`` returns a dict that the CLI prints and notebooks use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .corpus import LabelledDocument, Record, load_labelled_documents, load_records
from .decision import logit
from .errors import CorpusError, InputError, InputWarning
from .labels import LABELS
from .readers import read_documents

if TYPE_CHECKING:
    from .predict import Tagger

#: A prediction record (see :mod:`aitag.predict`) and a dict of figures.
Prediction = dict[str, Any]
Figures = dict[str, Any]
#: Tag lists, one per item.
TagLists = Sequence[Sequence[str]]


def label_matrix(label_lists: TagLists) -> np.ndarray:
    """0/1 matrix of shape (n, len(LABELS))."""
    return np.array(
        [[label in labels for label in LABELS] for labels in label_lists], dtype=np.int8
    ).reshape(-1, len(LABELS))


def metrics(
    gold: TagLists,
    predicted: TagLists,
    gold_primary: Sequence[str] | None = None,
    predicted_primary: Sequence[str] | None = None,
) -> Figures:
    """Figures comparing gold and predicted tag lists (and primaries, when given).

    Per tag precision, recall, F1 and support; macro F1 (the mean of the tags' F1), micro
    F1 (pooled over every tag of every item), exact match (items with every tag right)
    and, with primaries, primary accuracy. Each is rounded to 4 places; a ratio with
    nothing to divide by is 0.

    Examples
    --------
    >>> result = metrics([["AI", "ML"], ["LLM"]], [["AI"], ["LLM", "GenAI"]])
    >>> result["per_label"]["AI"]
    {'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'support': 1}
    >>> result["micro_f1"], result["exact_match"]
    (0.6667, 0.0)
    """
    truth, guess = label_matrix(gold), label_matrix(predicted)
    per_label: dict[str, dict[str, float | int]] = {}
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
    result: Figures = {
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


#: Defaults of :func:`intervals`: percentile bootstrap, 95%, 1,000 resamples drawn with
#: seed 0.
INTERVAL_RESAMPLES = 1000
INTERVAL_LEVEL = 0.95
INTERVAL_SEED = 0


def resample_indices(n: int, resamples: int, seed: int = INTERVAL_SEED) -> np.ndarray:
    """Bootstrap resamples of ``n`` items: shape (resamples, n), drawn with replacement."""
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def intervals(
    gold: TagLists,
    predicted: TagLists,
    gold_primary: Sequence[str] | None = None,
    predicted_primary: Sequence[str] | None = None,
    resamples: int = INTERVAL_RESAMPLES,
    level: float = INTERVAL_LEVEL,
    seed: int = INTERVAL_SEED,
) -> Figures:
    """Bootstrap intervals of the figures of :func:`metrics` (and of ``untagged_tagged``).

    The items are resampled with replacement ``resamples`` times; each figure is computed
    on every resample as :func:`metrics` computes it, and its interval is the central
    ``level`` of those values (percentiles). A tag's precision, recall or F1 has no value
    on a resample where it has nothing to divide by (no gold or no predicted positives),
    so such resamples are left out of that interval; an interval with no value at all is
    None. With a few dozen items an interval is wide: that is what it is for, as a tag
    with two positives is judged by two items.
    """
    truth, guess = label_matrix(gold), label_matrix(predicted)
    n = len(truth)
    if n == 0:
        raise ValueError("intervals need at least one item")
    drawn = resample_indices(n, resamples, seed)
    truths, guesses = truth[drawn].astype(bool), guess[drawn].astype(bool)  # (R, n, tags)
    tp = np.sum(truths & guesses, axis=1)
    fp = np.sum(~truths & guesses, axis=1)
    fn = np.sum(truths & ~guesses, axis=1)
    precision, recall = _rates(tp, tp + fp), _rates(tp, tp + fn)
    f1 = _rates(2 * tp, 2 * tp + fp + fn)
    low, high = 50 * (1 - level), 50 * (1 + level)

    def bounds(values: np.ndarray) -> list[float] | None:
        kept = values[~np.isnan(values)]
        if not len(kept):
            return None
        return [round(float(v), 4) for v in np.percentile(kept, [low, high])]

    wrong = np.sum(truths != guesses, axis=(1, 2))
    pooled_tp = tp.sum(axis=1)
    result: Figures = {
        "level": level,
        "resamples": resamples,
        "seed": seed,
        "per_label": {
            label: {
                "precision": bounds(precision[:, j]),
                "recall": bounds(recall[:, j]),
                "f1": bounds(f1[:, j]),
            }
            for j, label in enumerate(LABELS)
        },
        "macro_f1": bounds(np.nan_to_num(f1, nan=0.0).mean(axis=1)),
        "micro_f1": bounds(np.nan_to_num(_rates(2 * pooled_tp, 2 * pooled_tp + wrong))),
        "exact_match": bounds(np.all(truths == guesses, axis=2).mean(axis=1)),
        "primary_accuracy": None,
        "untagged_tagged": None,
    }
    if gold_primary is not None and predicted_primary is not None:
        hits = np.array([g == p for g, p in zip(gold_primary, predicted_primary)])
        result["primary_accuracy"] = bounds(hits[drawn].mean(axis=1))
    untagged = ~truths.any(axis=2)
    given = untagged & guesses.any(axis=2)
    result["untagged_tagged"] = bounds(_rates(given.sum(axis=1), untagged.sum(axis=1)))
    return result


def _rates(numerators: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """Ratios, NaN where there is nothing to divide by."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominators > 0, numerators / np.maximum(denominators, 1), np.nan)


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def predict_records(tagger: Tagger, records: list[Record]) -> list[Prediction]:
    """Predictions for labelled records, each record's text scored as one passage.

    LABELS.md labels a record's text as a whole ("one passage a line") and the passage
    model learns from whole records, so a record is neither cut nor read as a document.
    """
    return tagger.score_passages([r.text for r in records], [r.id for r in records])


def evaluate(
    tagger: Tagger, data: str | Path | list[Record], resamples: int = 0, errors: int = 0
) -> Figures:
    """Score a labelled JSON Lines file (or records) with a tagger and return the figures;
    with ``resamples``, their bootstrap :func:`intervals` too (under ``"intervals"``); with
    ``errors``, that many of the :func:`surest_errors` (under ``"errors"``)."""
    records = load_records(data) if isinstance(data, (str, Path)) else data
    return figures(tagger, records, predict_records(tagger, records), resamples, errors)


def predict_labelled_documents(
    tagger: Tagger, documents: list[LabelledDocument], passages: bool = False
) -> list[Prediction]:
    """Predictions for labelled documents, each read and tagged as ``aitag predict`` does
    (with ``passages``, each with its passages' records, as ``--passages`` gives)."""
    results = tagger.predict_documents(
        read_documents([str(d.path) for d in documents]), passages=passages
    )
    predictions = []
    for labelled, item in zip(documents, (r for r in results if not isinstance(r, InputWarning))):
        if isinstance(item, InputError):
            raise CorpusError(f"{labelled.path}: a labelled document cannot be read ({item})")
        # One record per file, in order; a file read as several documents (rows) would
        # shift every label after it onto the wrong record. Loading a set refuses such a
        # file; documents built by hand are checked here.
        if item["path"] != str(labelled.path):
            raise CorpusError(  # the record's file is the one that held more than one
                f"{item['path']}: is read as several documents (rows); a labelled document "
                "is one file"
            )
        predictions.append({**item, "id": labelled.id})
    return predictions


def evaluate_documents(
    tagger: Tagger,
    data: str | Path | list[LabelledDocument],
    resamples: int = 0,
    errors: int = 0,
) -> Figures:
    """Figures of a tagger on labelled whole documents (a folder with ``labels.jsonl``).

    Besides the figures of :func:`evaluate`: ``untagged_tagged``, the share of documents
    labelled with no tag that get one.
    """
    documents = load_labelled_documents(data) if isinstance(data, (str, Path)) else data
    predictions = predict_labelled_documents(tagger, documents, passages=errors > 0)
    return document_figures(tagger, documents, predictions, resamples, errors)


def document_figures(
    tagger: Tagger,
    documents: list[LabelledDocument],
    predictions: list[Prediction],
    resamples: int = 0,
    errors: int = 0,
) -> Figures:
    """The dict ``evaluate_documents`` returns, for predictions already made (with their
    passages, for ``errors``)."""
    gold = [d.labels for d in documents]
    result = _figures_of(
        gold, [d.primary for d in documents], predictions, resamples, tagger.name, tagger.thresholds
    )
    result["untagged_tagged"] = untagged_tagged(gold, [p["labels"] for p in predictions])
    if errors:
        result.update(_errors_figures(gold, predictions, tagger.thresholds, errors))
    return result


def untagged_tagged(gold: TagLists, guessed: TagLists) -> float | None:
    """The share of items with no gold tag that get at least one; None if there are none."""
    untagged = [bool(g) for labels, g in zip(gold, guessed) if not labels]
    return round(sum(untagged) / len(untagged), 4) if untagged else None


def figures(
    tagger: Tagger,
    records: list[Record],
    predictions: list[Prediction],
    resamples: int = 0,
    errors: int = 0,
) -> Figures:
    """The dict ``evaluate`` returns, for predictions already made (plots reuse them).

    Labelled records are passages, decided by the passage thresholds: those are the
    ``thresholds`` reported.
    """
    gold = [r.labels for r in records]
    result = _figures_of(
        gold,
        [r.primary for r in records],
        predictions,
        resamples,
        tagger.name,
        tagger.passage_thresholds,
    )
    if errors:
        # A record is one passage: the passage behind each error is the record itself.
        with_passages = [
            {**p, "passages": [{"line": 1, "column": 1, "scores": p["scores"], "text": r.text}]}
            for r, p in zip(records, predictions)
        ]
        result.update(_errors_figures(gold, with_passages, tagger.passage_thresholds, errors))
    return result


def surest_errors(
    gold: TagLists, predictions: list[Prediction], thresholds: dict[str, float]
) -> list[dict[str, Any]]:
    """Every tag the tagger got wrong, the surest first.

    An error is a tag predicted and not in the gold (``"wrong"``) or in the gold and not
    predicted (``"missed"``). The surer the tagger was, the farther its score lies past
    the threshold in log-odds (a wrong 0.99 against 0.5 is surer than a wrong 0.9, though
    both are near 1): ``logit(score) - logit(threshold)`` for a wrong tag, the opposite
    for a missed one; ties keep the items' order. Each error names the passage that scores
    highest for its tag, from the prediction's ``passages``: the one that put a wrong
    tag on the document, or the one that came closest to a missed tag (None when the
    document has no prose).
    """
    found = []
    for gold_labels, prediction in zip(gold, predictions):
        for label in LABELS:
            said, truth = label in prediction["labels"], label in gold_labels
            if said == truth:
                continue
            score, threshold = prediction["scores"][label], thresholds[label]
            past = float(logit(np.array([score, threshold])) @ [1.0, -1.0])
            found.append(
                (
                    past if said else -past,
                    {
                        "id": prediction["id"],
                        "path": prediction.get("path", prediction["id"]),
                        "tag": label,
                        "error": "wrong" if said else "missed",
                        "score": score,
                        "threshold": threshold,
                        "gold": list(gold_labels),
                        "predicted": list(prediction["labels"]),
                        "passage": _passage_for(prediction.get("passages") or [], label),
                    },
                )
            )
    found.sort(key=lambda pair: -pair[0])  # stable: ties keep the items' order
    return [error for _, error in found]


def _passage_for(passages: list[dict[str, Any]], label: str) -> dict[str, Any] | None:
    if not passages:
        return None
    best = max(passages, key=lambda passage: passage["scores"][label])
    return {
        "line": best["line"],
        "column": best["column"],
        "score": best["scores"][label],
        "text": best["text"],
    }


def _errors_figures(
    gold: TagLists, predictions: list[Prediction], thresholds: dict[str, float], limit: int
) -> Figures:
    errors = surest_errors(gold, predictions, thresholds)
    return {"tag_errors": len(errors), "errors": errors[:limit]}


def _figures_of(
    gold: TagLists,
    gold_primary: Sequence[str],
    predictions: list[Prediction],
    resamples: int,
    model: str,
    thresholds: dict[str, float],
) -> Figures:
    guessed = [p["labels"] for p in predictions]
    guessed_primary = [p["primary"] for p in predictions]
    result = metrics(gold, guessed, gold_primary, guessed_primary)
    result["model"] = model
    result["thresholds"] = dict(thresholds)
    if resamples and len(gold):
        result["intervals"] = intervals(gold, guessed, gold_primary, guessed_primary, resamples)
    return result


def score_matrix(predictions: list[Prediction]) -> np.ndarray:
    """Document scores as a (n, len(LABELS)) array, in LABELS order."""
    return np.array(
        [[p["scores"][label] for label in LABELS] for p in predictions], dtype=float
    ).reshape(-1, len(LABELS))


def precision_recall_curve(
    truth: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall of ``scores >= t`` for each distinct score t, highest first.

    Returns (thresholds, precision, recall); with no positives, recall is 0 throughout.
    """
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], truth[order] == 1
    # Only the last of tied scores is a threshold: all ties pass it together.
    last = np.r_[ranked[1:] != ranked[:-1], True]
    tp = np.cumsum(hits)[last]
    passed = np.flatnonzero(last) + 1
    positives = max(int(hits.sum()), 1)
    return ranked[last], tp / passed, tp / positives


def threshold_tradeoffs(
    records: list[Record],
    predictions: list[Prediction],
    thresholds: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
) -> list[dict[str, Any]]:
    """Precision, recall and F1 per tag at each threshold: what moving a threshold costs."""
    truth, scores = label_matrix([r.labels for r in records]), score_matrix(predictions)
    rows = []
    for j, label in enumerate(LABELS):
        for threshold in thresholds:
            guess = scores[:, j] >= threshold
            tp = int(np.sum(guess & (truth[:, j] == 1)))
            fp, fn = int(np.sum(guess)) - tp, int(truth[:, j].sum()) - tp
            rows.append(
                {
                    "tag": label,
                    "threshold": round(float(threshold), 2),
                    "precision": _ratio(tp, tp + fp),
                    "recall": _ratio(tp, tp + fn),
                    "f1": _ratio(2 * tp, 2 * tp + fp + fn),
                }
            )
    return rows


def tag_matrix(gold: TagLists, predicted: TagLists) -> np.ndarray:
    """Counts of documents with gold tag i (row) and predicted tag j (column).

    Rows and columns are LABELS then ``none`` (no tag at all); a document with several
    tags counts in several cells, so the diagonal holds each tag's true positives.
    """
    truth = _with_none(label_matrix(gold))
    guess = _with_none(label_matrix(predicted))
    counts: np.ndarray = truth.T.astype(int) @ guess.astype(int)
    return counts


def _with_none(matrix: np.ndarray) -> np.ndarray:
    return np.hstack([matrix, (matrix.sum(axis=1) == 0)[:, None].astype(matrix.dtype)])
