"""Explained records as terminal text, JSON Lines or one self-contained HTML page."""

from __future__ import annotations

import math
from html import escape

import click

from ..explain import term_spans
from ..labels import LABELS
from .records import document_name
from .safe import one_line, safe_json, shown

# Keys of the library record that the JSON output leaves out: the passage text already
# sits in ``explained_by``.
_JSON_KEYS = (
    "id", "path", "labels", "scores", "primary", "model", "explanations", "explained_by",
    "decision",
)  # fmt: skip


def render(records: list[dict], fmt: str) -> str:
    """The records in one of :data:`aitag.formats.EXPLAIN_FORMATS`."""
    if fmt == "jsonl":
        return "".join(render_json(record) for record in records).rstrip("\n")
    if fmt == "json":
        return safe_json([json_record(record) for record in records], indent=2)
    if fmt == "html":
        return render_html(records)
    return "\n\n".join(render_table(record) for record in records)


def json_record(record: dict) -> dict:
    """``{"path", "labels", "scores", "explanations": {tag: [...]}, ...}``."""
    row = {key: record[key] for key in _JSON_KEYS if key in record}
    if "passages" in record:
        row["passages"] = record["passages"]
    return row


def render_json(record: dict) -> str:
    """One JSON line of :func:`json_record`."""
    return safe_json(json_record(record)) + "\n"


# ---------------------------------------------------------------- terminal


def render_table(record: dict) -> str:
    """Per tag: the n-grams pushing its score up and down, highlighted in the passage
    they come from (for applied tags). ANSI styles; ``click.echo`` drops them off a tty."""
    labels = ",".join(record["labels"]) or "-"
    lines = [click.style(one_line(document_name(record)), bold=True) + f"  tags {labels}"]
    for label in LABELS:
        where = record["explained_by"][label]
        if where is None:  # a document without prose: nothing to explain
            lines.append(f"  {label:<6} {record['scores'][label]:.2f}   no prose")
            continue
        applied = label in record["labels"]
        lines.append(
            f"  {click.style(f'{label:<6}', bold=applied or None)} {record['scores'][label]:.2f}"
            f"{'  applied' if applied else ''}   from the passage at {where['line']}:{where['column']}"
        )
        lines.extend(_decision_lines(record, label, "    "))
        features = record["explanations"][label]
        lines.extend(_feature_lines(features, "    "))
        if applied:
            lines.append(_quoted(where["text"], features, "    > "))
    for passage in record.get("passages", []):
        scores = "  ".join(f"{label} {passage['scores'][label]:.2f}" for label in LABELS)
        tags = ",".join(passage["labels"]) or "-"
        lines.append(f"  passage {passage['line']}:{passage['column']}  tags {tags}  {scores}")
        for label in passage["labels"]:
            lines.extend(_feature_lines(passage["explanations"][label], f"    {label:<6} "))
        if passage["labels"]:
            features = passage["explanations"][passage["primary"]]
            lines.append(_quoted(passage["text"], features, "    > "))
    return "\n".join(lines)


def _decision_lines(record: dict, label: str, indent: str) -> list[str]:
    """What decided the document's score from its passages' (best, second best, best
    short passage, support): without it a passage scoring 0.99 beside a document at 0.00
    reads as a contradiction."""
    figures = record.get("decision", {}).get(label)
    if not figures:
        return []
    shown = ", ".join(f"{_decision_feature(f, label)} ({f['weight']:+.2f})" for f in figures)
    return [f"{indent}decided by  {shown}"]


def _decision_feature(feature: dict, label: str) -> str:
    """``best 0.97``, ``support 2``, ``GenAI's second 0.10``: a document feature read back
    from its value (a passage score's log-odds, or the log of 1 + the supporting passages)."""
    kind, _, tag = feature["feature"].rpartition("_")
    value = feature["value"]
    if kind == "support":
        shown = f"{kind} {round(math.expm1(value))}"
    else:
        shown = f"{kind.replace('_', ' ')} {1 / (1 + math.exp(-value)):.2f}"
    return shown if tag == label else f"{tag}'s {shown}"


def _feature_lines(features: list[dict], indent: str) -> list[str]:
    up = [f for f in features if f["weight"] > 0]
    down = [f for f in features if f["weight"] < 0]
    lines = []
    for name, group, colour in (("up", up, "green"), ("down", down, "red")):
        if group:
            shown = ", ".join(
                f"{click.style(one_line(f['feature']), fg=colour)} {f['weight']:+.2f}"
                for f in group
            )
            lines.append(f"{indent}{name:<5} {shown}")
    return lines


def _quoted(text: str, features: list[dict], prefix: str) -> str:
    pieces, position = [], 0
    for start, end, feature in term_spans(text, features):
        colour = "green" if feature["weight"] > 0 else "red"
        pieces.append(shown(text[position:start]))
        pieces.append(click.style(shown(text[start:end]), fg=colour, bold=True, underline=True))
        position = end
    pieces.append(shown(text[position:]))
    return prefix + "".join(pieces).replace("\n", "\n" + prefix)


# ---------------------------------------------------------------- html

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
h2 { border-bottom: 1px solid #ccc; }
.tag { margin: 1rem 0 1.5rem; }
.passage { background: #f7f7f7; padding: .5rem .8rem; white-space: pre-wrap; }
mark.up { background: #c8f0c8; } mark.down { background: #f6c6c6; }
.weight { font: 12px monospace; color: #555; }
.applied { font-weight: bold; } .where { color: #666; font-size: 13px; }
"""


def render_html(records: list[dict]) -> str:
    """One page, no external assets; everything taken from the documents is escaped."""
    body = []
    for record in records:
        labels = ", ".join(record["labels"]) or "none"
        body.append(
            f"<section><h2>{escape(one_line(document_name(record)))}</h2>"
            f"<p>tags: <b>{escape(labels)}</b>; primary: {escape(record['primary'])}</p>"
        )
        for label in LABELS:
            where = record["explained_by"][label]
            if where is None:  # a document without prose: nothing to explain
                body.append(
                    f'<div class="tag"><h3>{label} {record["scores"][label]:.2f}</h3>'
                    '<p class="where">no prose to explain</p></div>'
                )
                continue
            features = record["explanations"][label]
            applied = ' class="applied"' if label in record["labels"] else ""
            decided = "".join(
                f'<p class="where">{escape(line.strip())}</p>'
                for line in _decision_lines(record, label, "")
            )
            body.append(
                f'<div class="tag"><h3{applied}>{label} {record["scores"][label]:.2f}</h3>'
                f'<p class="where">explained by the passage at line {where["line"]}, '
                f"column {where['column']} (the passage that gives the document this score)</p>"
                f"{decided}{_html_features(features)}"
                f'<p class="passage">{_html_marked(where["text"], features)}</p></div>'
            )
        for passage in record.get("passages", []):
            tags = ", ".join(passage["labels"]) or "none"
            primary = passage["explanations"].get(passage["primary"], [])
            body.append(
                f'<div class="tag"><h3>passage at {passage["line"]}:{passage["column"]}: '
                f"{escape(tags)}</h3>"
                + "".join(
                    f"<p>{label} {passage['scores'][label]:.2f}</p>"
                    + _html_features(passage["explanations"][label])
                    for label in passage["labels"]
                )
                + f'<p class="passage">{_html_marked(passage["text"], primary)}</p></div>'
            )
        body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>aitag explain: {len(records)} document(s)</title><style>{_STYLE}</style>"
        "</head>\n<body><h1>Why aitag tagged these texts</h1>\n"
        "<p>Each n-gram's weight is its coefficient times its TF-IDF value in the passage; "
        "a tag's weights plus the model's intercept add up to its linear score.</p>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _html_features(features: list[dict]) -> str:
    items = "".join(
        f'<li><mark class="{"up" if f["weight"] > 0 else "down"}">{escape(one_line(f["feature"]))}</mark> '
        f'<span class="weight">{f["weight"]:+.3f}</span></li>'
        for f in features
    )
    return f"<ul>{items}</ul>" if items else "<p>no n-gram of this passage moves this tag</p>"


def _html_marked(text: str, features: list[dict]) -> str:
    pieces, position = [], 0
    for start, end, feature in term_spans(text, features):
        kind = "up" if feature["weight"] > 0 else "down"
        pieces.append(escape(shown(text[position:start])))
        pieces.append(
            f'<mark class="{kind}" title="{feature["weight"]:+.3f}">{escape(shown(text[start:end]))}</mark>'
        )
        position = end
    pieces.append(escape(shown(text[position:])))
    return "".join(pieces)
