"""Corpus variants against a base, over fold seeds: the figures an adoption rule reads.

A corpus change is judged by a rule written before it is measured (docs/quality.md,
"Changes judged in stop 26" and "... stop 27"). This trains each variant's corpus with
every seed (kept in ``--models``; a model already there is reused), then judges each model
on public posts (``benchmarks/public_docs.py``'s sets, pooled), on the dev documents and
on the dev passages, and prints per variant the means over the seeds and, per tag, the
change in true and false tags against the first variant (the base):

    python benchmarks/judge_variants.py --public DIR [--seeds 0 1 2] --models DIR \\
        base=corpus A=/tmp/corpus_with_slice

Every variant is judged on the same posts with the same seeds; the rule, not this
script, says what passes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from public_docs import judge, load_set  # noqa: E402

from aitag.corpus import load_labelled_documents  # noqa: E402
from aitag.evaluation import evaluate, predict_labelled_documents  # noqa: E402
from aitag.labels import LABELS  # noqa: E402
from aitag.predict import Tagger  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def dev_documents(tagger: Tagger, folder: Path) -> dict:
    """Exact label sets, untagged documents tagged, and per tag [right, wrong, missed]."""
    documents = load_labelled_documents(folder)
    result: dict = {"exact": 0, "untagged_tagged": 0, **{label: [0, 0, 0] for label in LABELS}}
    for document, record in zip(documents, predict_labelled_documents(tagger, documents)):
        gold, given = set(document.labels), set(record["labels"])
        result["exact"] += gold == given
        result["untagged_tagged"] += not gold and bool(given)
        for label in LABELS:
            result[label][0] += label in gold and label in given
            result[label][1] += label in given and label not in gold
            result[label][2] += label in gold and label not in given
    return result


def public_posts(tagger: Tagger, folder: Path) -> dict:
    """The sets under ``folder`` (each with files/ and labels.jsonl), judged and pooled."""
    pooled: dict = {"exact": 0, "untagged_tagged": 0, **{label: [0, 0, 0] for label in LABELS}}
    for labels in sorted(folder.glob("*/labels.jsonl")):
        rows, _missing = load_set(labels.parent)
        result = judge(tagger, labels.parent, rows)
        pooled["exact"] += result["exact"]
        pooled["untagged_tagged"] += result["untagged_tagged"]
        for label in LABELS:
            pooled[label] = [a + b for a, b in zip(pooled[label], result[label])]
    return pooled


def figures(tagger: Tagger, public: Path | None, dev: Path) -> dict:
    """One model's figures on every judge that is there."""
    result: dict = {}
    if public is not None:
        result["public"] = public_posts(tagger, public)
    if (dev / "docs" / "labels.jsonl").is_file():
        result["dev documents"] = dev_documents(tagger, dev / "docs")
    if (dev / "dev.jsonl").is_file():
        result["dev passages"] = evaluate(tagger, str(dev / "dev.jsonl"))["macro_f1"]
    return result


def summary(runs: dict[str, list[dict]]) -> list[str]:
    """Lines of means over seeds per variant, and per-tag changes against the first.

    ``runs`` maps each variant to its seeds' :func:`figures`, seeds in the same order.
    """
    base_name = next(iter(runs))
    lines = []
    for name, seeds in runs.items():
        parts = [f"{name}:"]
        for judge_name in ("public", "dev documents"):
            if judge_name not in seeds[0]:
                continue
            exact = statistics.mean(run[judge_name]["exact"] for run in seeds)
            untagged = statistics.mean(run[judge_name]["untagged_tagged"] for run in seeds)
            parts.append(f"{judge_name} exact {exact:.2f}, untagged tagged {untagged:.2f};")
        if "dev passages" in seeds[0]:
            passages = [run["dev passages"] for run in seeds]
            parts.append(
                f"dev passages {statistics.mean(passages):.4f} (first seed {passages[0]:.4f})"
            )
        lines.append(" ".join(parts))
        if name != base_name:
            lines.append("    " + tag_changes(runs[base_name], seeds))
    return lines


def tag_changes(base: list[dict], variant: list[dict]) -> str:
    """Per tag, the change in the mean number of true and false tags, over every judge of
    documents pooled (public posts and dev documents)."""

    def mean_counts(seeds: list[dict], label: str, which: int) -> float:
        return statistics.mean(
            sum(run[judge][label][which] for judge in ("public", "dev documents") if judge in run)
            for run in seeds
        )

    changes = []
    for label in LABELS:
        right = mean_counts(variant, label, 0) - mean_counts(base, label, 0)
        wrong = mean_counts(variant, label, 1) - mean_counts(base, label, 1)
        changes.append(f"{label} true {right:+.2f} false {wrong:+.2f}")
    return ", ".join(changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", help="NAME=CORPUS_DIR; the first is the base")
    parser.add_argument("--public", type=Path, default=None, help="a folder of public sets")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--models", type=Path, required=True, help="where models are kept")
    parser.add_argument("--dev", type=Path, default=EVAL)
    args = parser.parse_args()
    from aitag.training import train

    args.models.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[dict]] = {}
    for variant in args.variants:
        name, _, corpus = variant.partition("=")
        if not corpus:
            raise SystemExit(f"{variant}: give NAME=CORPUS_DIR")
        runs[name] = []
        for seed in args.seeds:
            path = args.models / f"{name}-seed{seed}.skops"
            if not path.is_file():
                train(corpus, out=path, seed=seed)
            runs[name].append(figures(Tagger.load(str(path)), args.public, args.dev))
    print("\n".join(summary(runs)))


if __name__ == "__main__":
    main()
