"""Choose the feature set and regularisation by cross-validation on the corpus train split.

Never looks at evaluation files: the figures are out-of-fold on the corpus's own train
split, with each configuration's thresholds tuned on those same out-of-fold scores.

    python benchmarks/select_features.py [--corpus corpus] [--folds 5]
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from aitag.corpus import load_records, split_records
from aitag.evaluation import label_matrix, metrics
from aitag.labels import LABELS
from aitag.model import PassageModel

GRID = {
    "ngram_max": [1, 2, 3],
    "min_df": [1, 2],
    "C": [2.0, 4.0, 8.0, 16.0, 32.0, 64.0],
    "class_weight": ["balanced", None],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    train, _ = split_records(load_records(args.corpus))
    texts = [r.text for r in train]
    targets = label_matrix([r.labels for r in train])
    rows = []
    for values in itertools.product(*GRID.values()):
        params = dict(zip(GRID, values))
        started = time.perf_counter()
        model = PassageModel(folds=args.folds, seed=0, **params).fit(texts, targets)
        predicted = [
            [label for j, label in enumerate(LABELS) if row[j] >= model.thresholds_[j]]
            for row in model.oof_scores_
        ]
        result = metrics([r.labels for r in train], predicted)
        rows.append((result["macro_f1"], params, result, time.perf_counter() - started))
        f1s = " ".join(f"{result['per_label'][label]['f1']:.3f}" for label in LABELS)
        print(
            f"{result['macro_f1']:.4f}  {f1s}  {len(model.terms_):>7} terms  {params}", flush=True
        )
    best = max(rows, key=lambda row: row[0])
    print(f"\nbest by cross-validated macro F1 (n={len(train)}): {best[0]:.4f} {best[1]}")


if __name__ == "__main__":
    main()
