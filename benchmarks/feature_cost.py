"""What each feature set costs and buys: macro F1 and scoring speed.

Trains one model per word n-gram range on the corpus train split (the shipped model's
other settings), reports its cross-validated macro F1 and its macro F1 on the held-out
test split, and times scoring the same texts with each, side by side in one run
(medians of 3).

    python benchmarks/feature_cost.py [--posts DIR]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from aitag.corpus import load_records, split_records
from aitag.evaluation import evaluate, label_matrix, metrics
from aitag.labels import LABELS
from aitag.model import PassageModel
from aitag.predict import Tagger
from aitag.training import DEFAULT_PARAMS

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--posts", help="folder of .txt posts to score (default: the corpus texts x20)"
    )
    args = parser.parse_args()
    train, test = split_records(load_records(ROOT / "corpus"))
    texts = [r.text for r in train]
    targets = label_matrix([r.labels for r in train])
    if args.posts:
        sample = [p.read_text(encoding="utf-8") for p in sorted(Path(args.posts).glob("*.txt"))]
    else:
        sample = texts * 20
    megabytes = sum(len(t.encode("utf-8")) for t in sample) / 1e6
    print(f"{'word n-grams':<14}{'terms':>8}{'CV macro F1':>13}{'test macro F1':>15}{'MB/s':>8}")
    for ngram_max in (1, 2, 3):
        params = {**DEFAULT_PARAMS, "ngram_max": ngram_max}
        model = PassageModel(folds=5, seed=0, **params).fit(texts, targets)
        predicted = [
            [label for j, label in enumerate(LABELS) if row[j] >= model.thresholds_[j]]
            for row in model.oof_scores_
        ]
        f1 = metrics([r.labels for r in train], predicted)["macro_f1"]
        held_out = evaluate(Tagger(model), test)["macro_f1"]
        times = []
        for _ in range(3):
            started = time.perf_counter()
            for start in range(0, len(sample), 2048):
                model.predict_proba(sample[start : start + 2048])
            times.append(time.perf_counter() - started)
        speed = megabytes / statistics.median(times)
        print(
            f"1-{ngram_max:<12}{len(model.terms_):>8}{f1:>13.4f}{held_out:>15.4f}{speed:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
