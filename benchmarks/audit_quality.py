"""Precision and recall of each audit rule on the written audit cases.

Usage::

    python benchmarks/audit_quality.py                     # shipped model, default thresholds
    python benchmarks/audit_quality.py --model m.skops --set vague_concept=0.8 --errors

A case is ``{"id", "text", "findings": [{"rule", "term"}, ...]}``; a finding counts as
right when the audit reports the same rule on the same term in that case.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from aitag.audit import DEFAULT_THRESHOLDS, SEVERITY, Auditor
from aitag.predict import Tagger
from aitag.readers import text_document

HERE = Path(__file__).resolve().parent
CASES = HERE / "audit_cases.jsonl"
MODEL = HERE.parent / "models" / "aitag-default.skops"


def load_cases(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def quality(auditor: Auditor, cases: list[dict]) -> tuple[dict, list[str]]:
    """Per-rule counts, precision and recall, and a line for each wrong or missed finding."""
    counts = {rule: Counter() for rule in SEVERITY}
    errors = []
    documents = [text_document(case["text"], doc_id=case["id"]) for case in cases]
    for case, record in zip(cases, auditor.audit_documents(documents)):
        expected = {(f["rule"], f["term"]) for f in case["findings"]}
        found = {(f["rule"], f["term"]): f for f in record["findings"]}
        for key in expected | set(found):
            outcome = "tp" if key in expected and key in found else "fp" if key in found else "fn"
            counts[key[0]][outcome] += 1
            if outcome != "tp":
                score = (
                    f" ({found[key]['concept']} {found[key]['score']:.2f})" if key in found else ""
                )
                errors.append(f"{outcome} {case['id']} {key[0]} {key[1]!r}{score}: {case['text']}")
    result = {}
    for rule, c in counts.items():
        result[rule] = {
            "precision": c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0,
            "recall": c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0,
            **{k: c[k] for k in ("tp", "fp", "fn")},
        }
    return result, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(MODEL), help="model file (.skops)")
    parser.add_argument("--cases", default=str(CASES), help="audit cases (JSON Lines)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help=f"override a threshold ({', '.join(DEFAULT_THRESHOLDS)})")  # fmt: skip
    parser.add_argument("--errors", action="store_true", help="list wrong and missed findings")
    args = parser.parse_args()
    thresholds = {k: float(v) for k, v in (item.split("=", 1) for item in args.set)}
    auditor = Auditor(Tagger.load(args.model), thresholds)
    cases = load_cases(Path(args.cases))
    result, errors = quality(auditor, cases)
    print(f"{len(cases)} cases, model {args.model}")
    print(f"thresholds {auditor.thresholds}")
    print(f"{'rule':<26}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for rule, r in result.items():
        print(
            f"{rule:<26}{r['precision']:>10.2f}{r['recall']:>8.2f}{r['tp']:>5}{r['fp']:>5}{r['fn']:>5}"
        )
    if args.errors:
        print()
        print("\n".join(errors))


if __name__ == "__main__":
    main()
