"""Side by side on a labelled file: aitag, the keyword rule, and fastText (loss=ova).

fastText is trained on the same corpus train split aitag is trained on. It is a
benchmark-only dependency: pip install fasttext-wheel.

    python benchmarks/quality.py ../shared/eval/dev.jsonl [--model models/aitag-default.skops]
    python benchmarks/quality.py test-split
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from aitag.corpus import load_records, split_records
from aitag.evaluation import evaluate, metrics
from aitag.features import tokenize
from aitag.labels import LABELS, NO_LABEL
from aitag.predict import Tagger

KEYWORDS = {
    "AI": r"\b(?:ai|a\.i\.|artificial intelligence)\b",
    "ML": r"\b(?:ml|machine learning)\b",
    "LLM": r"\b(?:llms?|large language models?|language models?)\b",
    "GenAI": r"\b(?:generative ai|genai|gen ai)\b",
}


def keyword_rule(text: str) -> tuple[list[str], str]:
    """Tag a concept when its name appears; primary = the first one named."""
    found = {}
    for label, pattern in KEYWORDS.items():
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            found[label] = match.start()
    labels = [label for label in LABELS if label in found]
    primary = min(found, key=found.get) if found else NO_LABEL
    return labels, primary


def fasttext_model(train_records, seed: int = 0, word_ngrams: int = 2):
    import fasttext

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        for record in train_records:
            tags = " ".join(f"__label__{label}" for label in record.labels) or "__label__none"
            handle.write(f"{tags} {' '.join(tokenize(record.text))}\n")
    return fasttext.train_supervised(
        handle.name,
        loss="ova",
        epoch=50,
        lr=0.5,
        wordNgrams=word_ngrams,
        dim=50,
        minCount=1,
        seed=seed,
        thread=1,
        verbose=0,
    )


def fasttext_predict(model, text: str, threshold: float = 0.5) -> tuple[list[str], str]:
    # The low-level call: fastText's own wrapper breaks under numpy 2 (np.array(copy=False)).
    pairs = model.f.predict(" ".join(tokenize(text)) + "\n", -1, threshold, "strict")
    scores = {name.replace("__label__", ""): p for p, name in pairs}
    labels = [label for label in LABELS if label in scores]
    primary = max(labels, key=scores.get) if labels else NO_LABEL
    return labels, primary


def score(records, predictions) -> dict:
    return metrics(
        [r.labels for r in records],
        [p[0] for p in predictions],
        [r.primary for r in records],
        [p[1] for p in predictions],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data", help="labelled JSON Lines (LABELS.md format), or 'test-split' for the corpus's"
    )
    parser.add_argument("--model", default=None)
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    args = parser.parse_args()

    train_records, test_records = split_records(load_records(args.corpus))
    records = test_records if args.data == "test-split" else load_records(args.data)
    systems = {"aitag": evaluate(Tagger.load(args.model), records)}
    systems["keyword rule"] = score(records, [keyword_rule(r.text) for r in records])
    try:
        for word_ngrams in (2, 1):
            model = fasttext_model(train_records, word_ngrams=word_ngrams)
            predictions = [fasttext_predict(model, r.text) for r in records]
            systems[f"fastText ova, {word_ngrams}-gr"] = score(records, predictions)
    except ImportError:
        print("fastText is not installed (pip install fasttext-wheel); skipping it")

    header = f"{'system':<16}" + "".join(f"{'F1 ' + label:>10}" for label in LABELS)
    print(f"{args.data} (n={len(records)})")
    print(header + f"{'macro F1':>10}{'micro F1':>10}{'primary':>10}")
    for name, result in systems.items():
        row = "".join(f"{result['per_label'][label]['f1']:>10.3f}" for label in LABELS)
        print(
            f"{name:<16}{row}{result['macro_f1']:>10.3f}{result['micro_f1']:>10.3f}{result['primary_accuracy']:>10.3f}"
        )


if __name__ == "__main__":
    main()
