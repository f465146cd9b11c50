"""Evaluation figures as a small terminal table."""

from __future__ import annotations

from .safe import one_line


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
    if result.get("intervals"):
        lines.extend(["", *_interval_lines(result)])
    if "errors" in result:
        lines.extend(["", *_error_lines(result)])
    return "\n".join(lines)


#: Characters of a passage shown under its error.
_PASSAGE_CHARACTERS = 100


def _error_lines(result: dict) -> list[str]:
    """The surest errors: what went wrong where, and the passage behind it."""
    shown, total = len(result["errors"]), result["tag_errors"]
    if not total:
        return ["no tag errors"]
    lines = [f"the {shown} surest of {total} tag error{'' if total == 1 else 's'}:"]
    for error in result["errors"]:
        lines.append(
            f"{error['error']:<7}{error['tag']:<6} {error['score']:.2f} (threshold "
            f"{error['threshold']:.2f})  {one_line(error['path'])}"
        )
        passage = error["passage"]
        if passage is None:
            lines.append("       no prose")
            continue
        text = " ".join(passage["text"].split())
        if len(text) > _PASSAGE_CHARACTERS:
            text = text[: _PASSAGE_CHARACTERS - 1] + "…"
        lines.append(
            f"       {passage['line']}:{passage['column']} ({passage['score']:.2f}) {one_line(text)}"
        )
    return lines


def _interval_lines(result: dict) -> list[str]:
    bounds = result["intervals"]
    lines = [
        f"{bounds['level']:.0%} intervals, {bounds['resamples']:,} bootstrap resamples of the "
        f"{result['n']:,} item{'' if result['n'] == 1 else 's'} (seed {bounds['seed']}):",
        f"{'tag':<8} {'precision':>13} {'recall':>13} {'f1':>13}",
    ]
    for label, row in bounds["per_label"].items():
        lines.append(
            f"{label:<8} {_span(row['precision']):>13} {_span(row['recall']):>13} "
            f"{_span(row['f1']):>13}"
        )
    lines.append("")
    lines.append(
        f"macro F1 {_span(bounds['macro_f1'])}   micro F1 {_span(bounds['micro_f1'])}   "
        f"exact match {_span(bounds['exact_match'])}"
    )
    if result.get("primary_accuracy") is not None:
        lines[-1] += f"   primary accuracy {_span(bounds['primary_accuracy'])}"
    if result.get("untagged_tagged") is not None:
        lines.append(f"untagged documents given a tag: {_span(bounds['untagged_tagged'], '.1%')}")
    return lines


def _span(bounds: list[float] | None, form: str = ".3f") -> str:
    """``low-high``, or ``-`` for a figure no resample could compute."""
    return "-" if bounds is None else f"{bounds[0]:{form}}-{bounds[1]:{form}}"
