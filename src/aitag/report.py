"""An evaluation report on disk: ``metrics.json`` and PNG plots of where the model errs.

matplotlib is an optional extra (``pip install 'aitag-concepts[plots]'``), imported only when a
plot is drawn. Figures are drawn on the Agg canvas without pyplot, so drawing changes no
global backend (a notebook keeps its own) and works on machines with no display.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import cast

import numpy as np

from .atomic import write_atomic
from .corpus import LabelledDocument, Record, load_labelled_documents, load_records
from .defaults import DISTRIBUTION
from .errors import AitagError
from .evaluation import (
    document_figures,
    figures,
    label_matrix,
    precision_recall_curve,
    predict_labelled_documents,
    predict_records,
    score_matrix,
    tag_matrix,
)
from .labels import LABELS, NO_LABEL

#: The files a report holds, by what they show.
REPORT_FILES = {
    "metrics": "metrics.json",
    "precision_recall": "precision_recall.png",
    "tag_matrix": "tag_matrix.png",
    "score_histograms": "score_histograms.png",
}


def write_report(
    tagger,
    data: str | Path | list[Record] | list[LabelledDocument],
    directory: str | Path,
    resamples: int = 0,
    errors: int = 0,
) -> dict:
    """Evaluate ``tagger`` on labelled data and write metrics and plots to ``directory``.

    ``data`` is labelled passages (a JSON Lines file or records) or labelled documents (a
    folder with ``labels.jsonl``, or LabelledDocuments), measured as ``aitag evaluate``
    measures them (with ``errors``, the surest errors too). Returns the figures ``evaluate`` (or ``evaluate_documents``) returns,
    plus ``tag_matrix`` (gold rows, predicted columns, LABELS then ``none``) and ``files``
    (the paths written). Raises AitagError before writing anything when matplotlib is
    missing.
    """
    _figure_class()  # fail early, before any work, when the extra is missing
    unit = "Document" if _are_documents(data) else "Passage"
    if unit == "Document":
        documents = (
            load_labelled_documents(data)
            if isinstance(data, (str, Path))
            else cast(list[LabelledDocument], data)
        )
        predictions = predict_labelled_documents(tagger, documents, passages=errors > 0)
        result = document_figures(tagger, documents, predictions, resamples, errors)
        gold = [d.labels for d in documents]
    else:
        records = load_records(data) if isinstance(data, (str, Path)) else cast(list[Record], data)
        predictions = predict_records(tagger, records)
        result = figures(tagger, records, predictions, resamples, errors)
        gold = [r.labels for r in records]
    result["tag_matrix"] = tag_matrix(gold, [p["labels"] for p in predictions]).tolist()
    truth, scores = label_matrix(gold), score_matrix(predictions)
    # The thresholds that decided these tags: the passages' or the documents'.
    thresholds = result["thresholds"]
    directory = Path(directory)
    plots = {
        "precision_recall": precision_recall_figure(truth, scores, thresholds),
        "tag_matrix": tag_matrix_figure(np.array(result["tag_matrix"])),
        "score_histograms": score_histogram_figure(truth, scores, thresholds, unit),
    }
    result["files"] = {key: str(directory / name) for key, name in REPORT_FILES.items()}
    for key, figure in plots.items():
        write_atomic(directory / REPORT_FILES[key], png_bytes(figure))
    write_atomic(directory / REPORT_FILES["metrics"], json.dumps(result, indent=2) + "\n")
    return result


def _are_documents(data) -> bool:
    """Whether ``data`` is labelled documents: a folder, or a list of LabelledDocuments."""
    if isinstance(data, (str, Path)):
        return Path(data).is_dir()
    return bool(data) and isinstance(data[0], LabelledDocument)


def png_bytes(figure) -> bytes:
    """The figure rendered as PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def precision_recall_figure(truth: np.ndarray, scores: np.ndarray, thresholds: dict):
    """Per tag, precision against recall over all thresholds; the tag's threshold marked."""
    figure, axes = _grid()
    for j, (label, ax) in enumerate(zip(LABELS, axes)):
        cuts, precision, recall = precision_recall_curve(truth[:, j], scores[:, j])
        ax.plot(recall, precision, drawstyle="steps-post", color="#3465a4")
        chosen = scores[:, j] >= thresholds[label]
        tp = int(np.sum(chosen & (truth[:, j] == 1)))
        if chosen.any():
            ax.plot(
                tp / max(int(truth[:, j].sum()), 1),
                tp / int(chosen.sum()),
                "o",
                color="#cc0000",
                label=f"threshold {thresholds[label]:.2f}",
            )
            ax.legend(loc="lower left")
        ax.set(title=label, xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.02))
    figure.suptitle("Precision and recall as the threshold moves")
    return figure


def tag_matrix_figure(matrix: np.ndarray):
    """Counts of gold tag (rows) against predicted tag (columns), ``none`` last."""
    names = [*LABELS, NO_LABEL]
    figure = _figure_class()(figsize=(5.5, 4.8), layout="constrained")
    _canvas(figure)
    ax = figure.add_subplot()
    image = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set(xlabel="predicted tag", ylabel="true tag", title="True against predicted tags")
    for (i, j), count in np.ndenumerate(matrix):
        dark = count > matrix.max() / 2
        ax.text(j, i, str(count), ha="center", va="center", color="white" if dark else "black")
    figure.colorbar(image, ax=ax, shrink=0.8)
    return figure


def score_histogram_figure(
    truth: np.ndarray, scores: np.ndarray, thresholds: dict, unit: str = "Document"
):
    """Per tag, how scores spread for texts that have the tag and texts that do not;
    ``unit`` names what was scored ("Passage" or "Document")."""
    figure, axes = _grid()
    bins = np.linspace(0, 1, 21)
    for j, (label, ax) in enumerate(zip(LABELS, axes)):
        has = truth[:, j] == 1
        ax.hist(scores[~has, j], bins=bins, alpha=0.6, color="#888a85", label="tag absent")
        ax.hist(scores[has, j], bins=bins, alpha=0.6, color="#3465a4", label="tag present")
        ax.axvline(thresholds[label], color="#cc0000", linestyle="--", label="threshold")
        ax.set(title=label, xlabel="score", ylabel="texts")
        ax.legend(loc="upper center", fontsize="small")
    figure.suptitle(f"{unit} scores per tag")
    return figure


def _grid():
    figure = _figure_class()(figsize=(9, 7.5), layout="constrained")
    _canvas(figure)
    return figure, figure.subplots(2, 2).ravel()


def _canvas(figure) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)


def _figure_class():
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise AitagError(
            "plots need matplotlib, which is not installed; install it with: "
            f"pip install '{DISTRIBUTION}[plots]'"
        ) from None
    return Figure
