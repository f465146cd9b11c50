"""Evaluation figures as a small terminal table."""

from __future__ import annotations


def format_metrics(result: dict) -> str:
    """Evaluation figures as a small table."""
    lines = [f"{'tag':<8} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label, row in result["per_label"].items():
        lines.append(
            f"{label:<8} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>8}"
        )
    lines.append("")
    lines.append(
        f"macro F1 {result['macro_f1']:.3f}   micro F1 {result['micro_f1']:.3f}   "
        f"exact match {result['exact_match']:.3f}"
    )
    if result.get("primary_accuracy") is not None:
        lines[-1] += f"   primary accuracy {result['primary_accuracy']:.3f}"
    lines[-1] += f"   (n={result['n']})"
    if result.get("untagged_tagged") is not None:
        lines.append(f"untagged documents given a tag: {result['untagged_tagged']:.1%}")
    return "\n".join(lines)
