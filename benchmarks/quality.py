"""Side by side on labelled data: aitag, the keyword rule, and fastText (loss=ova).

Passages (labelled JSON Lines, or the corpus's test split) or whole documents (a folder
with labels.jsonl, as ../shared/eval/docs/). fastText is trained on what aitag is
trained on: the corpus train split's passages and whole documents. On documents, the
keyword rule and fastText read the file's raw text, as a user of either would; aitag
reads it with its readers. A benchmark-only dependency: pip install '.[bench]'.

    python benchmarks/quality.py ../shared/eval/dev.jsonl [--model models/aitag-default.skops]
    python benchmarks/quality.py ../shared/eval/docs
    python benchmarks/quality.py test-split
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from aitag.corpus import (
    load_labelled_documents,
    load_records,
    split_documents,
    split_records,
)
from aitag.evaluation import evaluate, evaluate_documents, metrics, untagged_tagged
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


def fasttext_model(train_records, seed: int = 0, word_ngrams: int = 2, documents=()):
    import fasttext

    examples = [(r.labels, r.text) for r in train_records]
    examples += [(d.labels, raw_text(d.path)) for d in documents]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        for labels, text in examples:
            tokens = tokenize(text)
            if not tokens:
                continue
            tags = " ".join(f"__label__{label}" for label in labels) or "__label__none"
            # fastText reads at most 1,024 words of a line; the rest would come back as
            # lines without labels.
            handle.write(f"{tags} {' '.join(tokens[:1000])}\n")
    # fastText's default learning rate for ova diverges (NaN) on some corpora; it is
    # halved until training converges, so the comparison never fails on it.
    lr = 0.25
    while True:
        try:
            return fasttext.train_supervised(
                handle.name,
                loss="ova",
                epoch=50,
                lr=lr,
                wordNgrams=word_ngrams,
                dim=50,
                minCount=1,
                seed=seed,
                thread=1,
                verbose=0,
            )
        except RuntimeError as error:
            if "NaN" not in str(error) or lr < 0.01:
                raise
            lr /= 2


def fasttext_predict(model, text: str, threshold: float = 0.5) -> tuple[list[str], str]:
    # The low-level call: fastText's own wrapper breaks under numpy 2 (np.array(copy=False)).
    pairs = model.f.predict(" ".join(tokenize(text)) + "\n", -1, threshold, "strict")
    scores = {name.replace("__label__", ""): p for p, name in pairs}
    labels = [label for label in LABELS if label in scores]
    primary = max(labels, key=scores.get) if labels else NO_LABEL
    return labels, primary


def raw_text(path) -> str:
    return Path(path).read_text(encoding="utf-8", errors="replace")


def score(records, predictions) -> dict:
    result = metrics(
        [r.labels for r in records],
        [p[0] for p in predictions],
        [r.primary for r in records],
        [p[1] for p in predictions],
    )
    result["untagged_tagged"] = untagged_tagged(
        [r.labels for r in records], [p[0] for p in predictions]
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data", help="labelled JSON Lines (LABELS.md format), or 'test-split' for the corpus's"
    )
    parser.add_argument("--model", default=None)
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    args = parser.parse_args()

    train_records, test_records = split_records(load_records(args.corpus))
    train_documents, _ = split_documents(load_labelled_documents(args.corpus))
    documents = Path(args.data).is_dir()
    if documents:
        records = load_labelled_documents(args.data)
        text_of = {r.id: raw_text(r.path) for r in records}
        systems = {"aitag": evaluate_documents(Tagger.load(args.model), records)}
    else:
        records = test_records if args.data == "test-split" else load_records(args.data)
        text_of = {r.id: r.text for r in records}
        systems = {"aitag": evaluate(Tagger.load(args.model), records)}
    systems["keyword rule"] = score(records, [keyword_rule(text_of[r.id]) for r in records])
    try:
        for word_ngrams in (2, 1):
            model = fasttext_model(
                train_records, word_ngrams=word_ngrams, documents=train_documents
            )
            predictions = [fasttext_predict(model, text_of[r.id]) for r in records]
            systems[f"fastText ova, {word_ngrams}-gr"] = score(records, predictions)
    except ImportError:
        print("fastText is not installed (pip install '.[bench]'); skipping it")
    print(f"{args.data} (n={len(records)})")
    print_table(systems, documents)


def print_table(systems: dict, documents: bool) -> None:
    """F1 per tag (and precision/recall on documents), macro F1, primary accuracy."""
    if documents:
        header = "".join(f"{'P/R ' + label:>12}" for label in LABELS)
        print(f"{'system':<20}{header}{'macro F1':>10}{'untagged tagged':>17}{'primary':>9}")
        for name, result in systems.items():
            per = result["per_label"]
            row = "".join(
                f"{per[label]['precision']:>6.2f}/{per[label]['recall']:<5.2f}" for label in LABELS
            )
            print(
                f"{name:<20}{row}{result['macro_f1']:>10.3f}"
                f"{result['untagged_tagged']:>17.1%}{result['primary_accuracy']:>9.3f}"
            )
        return
    header = f"{'system':<20}" + "".join(f"{'F1 ' + label:>10}" for label in LABELS)
    print(header + f"{'macro F1':>10}{'micro F1':>10}{'primary':>10}")
    for name, result in systems.items():
        row = "".join(f"{result['per_label'][label]['f1']:>10.3f}" for label in LABELS)
        print(
            f"{name:<20}{row}{result['macro_f1']:>10.3f}{result['micro_f1']:>10.3f}"
            f"{result['primary_accuracy']:>10.3f}"
        )


if __name__ == "__main__":
    main()
