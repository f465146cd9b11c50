"""Training: corpus in, model file and card out, with cross-validated and test figures."""

from __future__ import annotations

import datetime as _dt
import platform
from importlib import metadata
from pathlib import Path

from .corpus import corpus_sha256, load_records, split_records
from .errors import CorpusError
from .evaluation import evaluate, label_matrix, metrics
from .labels import LABELS
from .model import PassageModel
from .persist import save_model
from .predict import Tagger

#: Feature and model parameters of the shipped model, chosen by cross-validation on the
#: corpus train split (benchmarks/select_features.py): word 1-2-grams beat words alone and
#: 1-3-grams; C is the smallest within 0.002 macro F1 of the best, since a weaker penalty
#: gains little in cross-validation and real web text is further from the corpus.
DEFAULT_PARAMS = {"ngram_max": 2, "min_df": 2, "C": 32.0, "class_weight": "balanced"}


def train(
    corpus: str | Path = "corpus",
    out: str | Path | None = None,
    seed: int = 0,
    folds: int = 5,
    **params,
) -> dict:
    """Fit a model on the corpus's train split, measure it, and save it when ``out`` is given.

    Returns the model card: cross-validated per-tag figures on the train split (the
    out-of-fold scores that set the thresholds) and figures on the held-out test split.
    """
    records = load_records(corpus)
    train_set, test_set = split_records(records)
    if len(train_set) < folds * 2:
        raise CorpusError(
            f"{corpus}: {len(train_set)} training records are too few for {folds} folds"
        )
    model = PassageModel(folds=folds, seed=seed, **{**DEFAULT_PARAMS, **params})
    targets = label_matrix([r.labels for r in train_set])
    model.fit([r.text for r in train_set], targets)
    out_of_fold = [
        [label for j, label in enumerate(LABELS) if row[j] >= model.thresholds_[j]]
        for row in model.oof_scores_
    ]
    name = Path(out).stem if out else "unsaved"
    card = {
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "corpus": {
            "path": str(corpus),
            "sha256": corpus_sha256(corpus),
            "records": len(records),
            "train": len(train_set),
            "test": len(test_set),
        },
        "libraries": _versions(),
        "cross_validation": metrics([r.labels for r in train_set], out_of_fold),
        "test_split": evaluate(Tagger(model.scoring_model(), name=name), test_set)
        if test_set
        else None,
    }
    if out:
        card = save_model(model.scoring_model(), out, card)
    return card


def _versions() -> dict:
    versions = {"python": platform.python_version()}
    for package in ("aitag", "numpy", "scikit-learn", "skops"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions
