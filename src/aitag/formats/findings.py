"""Rendering audit records: table, json (Vale's shape), line and a self-contained HTML page.

Every renderer takes the records of :meth:`aitag.audit.Auditor.audit_documents` (already
filtered by level) and returns a string; printing is the CLI's job.
"""

from __future__ import annotations

from html import escape

from . import AUDIT_FORMATS
from .safe import one_line, safe_json, shown


def render(records: list[dict], fmt: str) -> str:
    """The records in one of :data:`AUDIT_FORMATS`."""
    if fmt not in AUDIT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats are {', '.join(AUDIT_FORMATS)}")
    return {"table": render_table, "json": render_json, "line": render_line, "html": render_html}[
        fmt
    ](records)


def vale_alert(finding: dict) -> dict:
    """A finding as one alert of Vale's JSON output."""
    end = finding["end_column"] if finding["end_line"] == finding["line"] else finding["column"]
    return {
        "Action": {"Name": "replace", "Params": [finding["suggestion"]]},
        "Check": finding["rule"],
        "Description": "",
        "Line": finding["line"],
        "Link": "",
        "Message": finding["message"],
        "Severity": finding["severity"],
        "Span": [finding["column"], max(end, finding["column"])],
        "Match": finding["match"],
    }


def render_json(records: list[dict]) -> str:
    """``{path-or-row-id: [alert, ...]}``; documents without findings are left out, as Vale does."""
    result: dict[str, list[dict]] = {}
    for record in records:
        if record["findings"]:
            result.setdefault(record["id"], []).extend(map(vale_alert, record["findings"]))
    return safe_json(result, indent=2)


def render_line(records: list[dict]) -> str:
    """``path:line:col:rule:message``, one finding a line."""
    return "\n".join(
        f"{one_line(record['id'])}:{f['line']}:{f['column']}:{f['rule']}:{one_line(f['message'])}"
        for record in records
        for f in record["findings"]
    )


def render_table(records: list[dict]) -> str:
    """Findings grouped by file: ``line:col severity message rule``, then a total."""
    blocks, counts = [], {"error": 0, "warning": 0, "suggestion": 0}
    for record in records:
        if not record["findings"]:
            continue
        rows = [
            (f"{f['line']}:{f['column']}", f["severity"], one_line(f["message"]), f["rule"])
            for f in record["findings"]
        ]
        for f in record["findings"]:
            counts[f["severity"]] += 1
        width = max(len(row[0]) for row in rows)
        lines = [f"\n {one_line(record['id'])}"]
        lines += [
            f" {at:<{width}}  {severity:<10}  {message}  {rule}"
            for at, severity, message, rule in rows
        ]
        blocks.append("\n".join(lines))
    files = sum(1 for record in records if record["findings"])
    summary = (
        f"\n{counts['error']} error(s), {counts['warning']} warning(s) and "
        f"{counts['suggestion']} suggestion(s) in {len(records)} document(s)"
        f" ({files} with findings)."
    )
    return "\n".join(blocks) + "\n" + summary if blocks else summary.lstrip("\n")


_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h2 { font-size: 1.1rem; border-bottom: 1px solid #ccc; }
p.passage { white-space: pre-wrap; }
mark { border-radius: 3px; padding: 0 2px; }
mark.error { background: #f8c4c4; } mark.warning { background: #fbe3a4; }
mark.suggestion { background: #cde3fb; }
.line { color: #777; font-size: .8rem; margin-right: .5rem; }
ol.findings li { margin-bottom: .4rem; } .rule { color: #555; font-family: monospace; }
"""


def render_html(records: list[dict]) -> str:
    """One page, no external assets: each document's passages with findings marked, then a list.

    Records must carry their ``passages`` (``audit_documents(..., passages=True)``);
    everything taken from the documents is escaped.
    """
    body = []
    total = 0
    for record in records:
        findings = record["findings"]
        total += len(findings)
        body.append(f"<section><h2>{_h(record['id'])} ({len(findings)} finding(s))</h2>")
        by_passage: dict[int, list[tuple[int, dict]]] = {}
        for number, finding in enumerate(findings, start=1):
            by_passage.setdefault(finding["passage"], []).append((number, finding))
        for passage in record.get("passages", []):
            marked = by_passage.get(passage["index"])
            if marked:
                body.append(
                    f'<p class="passage"><span class="line">{passage["line"]}</span>'
                    f"{_mark(passage['text'], marked)}</p>"
                )
        if findings:
            body.append('<ol class="findings">')
            for number, f in enumerate(findings, start=1):
                body.append(
                    f'<li id="f{_h(record["id"])}-{number}"><b>{f["line"]}:{f["column"]}</b> '
                    f"{escape(f['severity'])}: {_h(f['message'])} "
                    f'<span class="rule">{escape(f["rule"])}</span><br>'
                    f"suggestion: <i>{_h(f['suggestion'])}</i>; the text discusses "
                    f"{escape(f['concept'])} ({f['score']:.2f})</li>"
                )
            body.append("</ol>")
        body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>aitag audit: {total} finding(s)</title><style>{_STYLE}</style></head>\n<body>"
        f"<h1>aitag audit: {total} finding(s) in {len(records)} document(s)</h1>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _mark(text: str, marked: list[tuple[int, dict]]) -> str:
    """``text`` escaped, with each finding's span wrapped in a titled <mark>."""
    pieces, position = [], 0
    for number, f in sorted(marked, key=lambda item: item[1]["passage_start"]):
        start, end = f["passage_start"], f["passage_end"]
        if start < position:  # overlapping findings: the first one keeps the span
            continue
        pieces.append(_text(text[position:start]))
        pieces.append(
            f'<mark class="{escape(f["severity"])}" title="{_h(f["message"])}">'
            f"{_text(text[start:end])}<sup>{number}</sup></mark>"
        )
        position = end
    pieces.append(_text(text[position:]))
    return "".join(pieces)


def _h(value: str) -> str:
    """A name or a message in HTML: one line, controls escaped, markup escaped."""
    return escape(one_line(value))


def _text(value: str) -> str:
    """Passage text in HTML: line breaks kept, controls escaped, markup escaped."""
    return escape(shown(value))
