"""How well the audit does: the written audit set (cross-validated), audit_dev and real posts.

Usage::

    python benchmarks/audit_quality.py --model m.skops                # all three
    python benchmarks/audit_quality.py --model m.skops --errors       # list misses and false alarms
    python benchmarks/audit_quality.py --model m.skops --json out.json

1. ``corpus/audit`` (written cases): 5-fold cross-validation by case. In each fold the
   mention model and its thresholds are fitted on the other folds only, and the held-out
   cases are audited as passages.
2. ``audit_dev.jsonl`` (real passages, never tuned on): the mention model fitted on the
   whole written set.
3. ``docs/files`` (real posts): findings per 100 documents, every finding listed so a
   reader can judge each one.

Passage-level figures: a passage counts as flagged when the audit reports anything in it;
precision is the share of flagged passages that misuse a term, recall the share of
misusing passages flagged; "rule right" counts flagged misuses reported under their rule.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from aitag.audit import Auditor
from aitag.audit.mention_model import EXPECT, background_records, fit_mention_model, read_cases
from aitag.predict import Tagger
from aitag.readers import read_documents, text_document

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "eval"


def passage_figures(cases: list[dict], records: list[dict]) -> dict:
    """Passage-level precision, recall, correct uses flagged; and the wrong ones."""
    tp = fp = fn = rule_right = 0
    wrong = []
    for case, record in zip(cases, records):
        bad = case["expect"] != "ok"
        rules = {f["rule"] for f in record["findings"]}
        if rules and bad:
            tp += 1
            rule_right += EXPECT[case["expect"]] in rules
        elif rules:
            fp += 1
        elif bad:
            fn += 1
        if bool(rules) != bad:
            wrong.append(
                {
                    "id": case["id"],
                    "outcome": "false alarm" if rules else "miss",
                    "expect": case["expect"],
                    "term": case.get("term"),
                    "findings": [(f["rule"], f["term"], f["score"]) for f in record["findings"]],
                    "text": case["text"],
                }
            )
    correct = sum(1 for case in cases if case["expect"] == "ok")
    return {
        "passages": len(cases),
        "misuses": len(cases) - correct,
        "flagged": tp + fp,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "rule_right": rule_right,
        "correct_flagged": fp,
        "correct_flagged_share": round(fp / correct, 3) if correct else 0.0,
        "wrong": wrong,
    }


def audit_cases(auditor: Auditor, cases: list[dict]) -> list[dict]:
    documents = [text_document(case["text"], doc_id=case["id"]) for case in cases]
    return list(auditor.audit_documents(documents))


def cross_validate(
    tagger: Tagger, cases: list[dict], background: list[dict], folds: int = 5, seed: int = 0
) -> dict:
    """Figures on the written cases, each fold audited by a model fitted without it."""
    fold_of = np.random.default_rng(seed).permutation(len(cases)) % folds
    records: list[dict | None] = [None] * len(cases)
    for k in range(folds):
        train = [c for c, f in zip(cases, fold_of) if f != k]
        held = [i for i, f in enumerate(fold_of) if f == k]
        model = fit_mention_model(train, tagger.model.passages, background, seed=seed)
        auditor = Auditor(tagger, mention_model=model)
        for i, record in zip(held, audit_cases(auditor, [cases[i] for i in held])):
            records[i] = record
    result = passage_figures(cases, records)
    result["by_rule"] = {
        rule: passage_figures(
            [c for c in cases if c["expect"] in ("ok", rule)],
            [r for c, r in zip(cases, records) if c["expect"] in ("ok", rule)],
        )["recall"]
        for rule in ("InvertedHierarchy", "WrongTerm", "VagueTerm")
    }
    return result


def audit_docs(auditor: Auditor, folder: Path) -> dict:
    start = time.perf_counter()
    records = [
        r for r in auditor.audit_documents(read_documents([str(folder)])) if isinstance(r, dict)
    ]
    seconds = time.perf_counter() - start
    findings = [
        {
            "path": str(Path(r["path"]).relative_to(folder)),
            "line": f["line"],
            "rule": f["rule"],
            "term": f["term"],
            "concept": f["concept"],
            "score": f["score"],
            "sentence": f["sentence"],
        }
        for r in records
        for f in r["findings"]
    ]
    return {
        "documents": len(records),
        "findings": len(findings),
        "per_100_documents": round(100 * len(findings) / max(len(records), 1), 1),
        "seconds": round(seconds, 2),
        "all": findings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="tagger model file (.skops)")
    parser.add_argument("--cases", default=str(ROOT / "corpus" / "audit"))
    parser.add_argument("--dev", default=str(SHARED / "audit_dev.jsonl"))
    parser.add_argument("--docs", default=str(SHARED / "docs" / "files"))
    parser.add_argument(
        "--no-background",
        action="store_true",
        help="fit on the written cases alone, without the tagger corpus's correct uses",
    )
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    parser.add_argument("--json", help="write every figure and finding to this file")
    args = parser.parse_args()
    tagger = Tagger.load(args.model)
    cases = read_cases(args.cases)
    background = [] if args.no_background else background_records(ROOT / "corpus")
    result: dict = {"model": args.model}
    if not args.no_cv:
        result["written_cv"] = cross_validate(tagger, cases, background)
    model = fit_mention_model(cases, tagger.model.passages, background)
    auditor = Auditor(tagger, mention_model=model)
    result["thresholds"] = model.thresholds
    if Path(args.dev).exists():
        dev = [json.loads(line) for line in open(args.dev, encoding="utf-8") if line.strip()]
        result["audit_dev"] = passage_figures(dev, audit_cases(auditor, dev))
    if Path(args.docs).exists():
        result["docs"] = audit_docs(auditor, Path(args.docs))
    for name in ("written_cv", "audit_dev"):
        if name in result:
            r = result[name]
            print(
                f"{name:<11} passages {r['passages']:>5}  misuses {r['misuses']:>4}  flagged {r['flagged']:>4}"
                f"  precision {r['precision']:.3f}  recall {r['recall']:.3f}  rule right {r['rule_right']}"
                f"  correct flagged {r['correct_flagged']} ({r['correct_flagged_share']:.1%})"
            )
            if args.errors:
                for w in r["wrong"]:
                    print(
                        f"  {w['outcome']:<11} {w['id']} {w['expect']} {w['term']!r} {w['findings']}"
                    )
                    print(f"      {w['text'][:300]!r}")
    if "written_cv" in result:
        print(f"written_cv recall by rule: {result['written_cv']['by_rule']}")
    if "docs" in result:
        d = result["docs"]
        print(
            f"docs        {d['documents']} documents, {d['findings']} findings ({d['per_100_documents']} per 100), {d['seconds']} s"
        )
        for f in d["all"]:
            print(
                f"  {f['path']}:{f['line']} {f['rule']} {f['term']!r} -> {f['concept']} ({f['score']:.2f}): {f['sentence'][:200]}"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
