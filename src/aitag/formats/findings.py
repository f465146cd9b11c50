"""Rendering audit records: table, json (Vale's shape), line, a self-contained HTML page,
SARIF 2.1.0 (code-scanning views) and rdjson (reviewdog).

Every renderer takes the records of :meth:`aitag.audit.Auditor.audit_documents` (already
filtered by level) and returns a string; printing is the CLI's job.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from . import AUDIT_FORMATS
from .records import document_name
from .safe import one_line, safe_json, shown

#: What each rule checks, for the rule lists of SARIF and the help of code-scanning views.
RULE_HELP = {
    "aitag.InvertedHierarchy": (
        "InvertedHierarchy",
        "A claim that denies, flattens or inverts the nesting LLM ⊂ generative AI ⊂ "
        "machine learning ⊂ AI.",
    ),
    "aitag.WrongTerm": (
        "WrongTerm",
        "A narrower term for something broader or other: an LLM that draws pictures, "
        "generative AI that scores fraud.",
    ),
    "aitag.VagueTerm": (
        "VagueTerm",
        "An umbrella term where the text shows something specific: 'AI' for a model "
        "trained on transactions to flag fraud.",
    ),
}
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "suggestion": "note"}
_RDJSON_SEVERITY = {"error": "ERROR", "warning": "WARNING", "suggestion": "INFO"}


def render(records: list[dict], fmt: str) -> str:
    """The records in one of :data:`AUDIT_FORMATS`."""
    if fmt not in AUDIT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats are {', '.join(AUDIT_FORMATS)}")
    renderers = {
        "table": render_table,
        "json": render_json,
        "line": render_line,
        "html": render_html,
        "sarif": render_sarif,
        "rdjson": render_rdjson,
    }
    return renderers[fmt](records)


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
    """``{path: [alert, ...]}`` (``path#id`` for a row of a file); documents without findings
    are left out, as Vale does."""
    result: dict[str, list[dict]] = {}
    for record in records:
        if record["findings"]:
            result.setdefault(document_name(record), []).extend(map(vale_alert, record["findings"]))
    return safe_json(result, indent=2)


def render_line(records: list[dict]) -> str:
    """``path:line:col:rule:message``, one finding a line."""
    return "\n".join(
        f"{one_line(document_name(record))}:{f['line']}:{f['column']}:{f['rule']}:{one_line(f['message'])}"
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
        lines = [f"\n {one_line(document_name(record))}"]
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
    for position, record in enumerate(records):
        findings = record["findings"]
        total += len(findings)
        body.append(f"<section><h2>{_h(document_name(record))} ({len(findings)} finding(s))</h2>")
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
                    f'<li id="f{position}-{number}"><b>{f["line"]}:{f["column"]}</b> '
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


def _artifact(record: dict) -> str:
    """Where a record's findings are: its file as a relative URI, or its row id."""
    path = record.get("path") or record["id"]
    if path.startswith("<"):  # <stdin>, <text>
        return path
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return candidate.as_uri()
    return candidate.as_posix()


def _row_id(record: dict) -> str | None:
    """The id of a record that is a row of a JSONL or CSV file, else None.

    A row's lines and columns count within its text, not within the file, so they name
    no place in the file: a row is located by its file and its id instead.
    """
    path = record.get("path") or ""
    return record["id"] if path not in ("", record["id"]) else None


def _sarif_location(record: dict, f: dict) -> dict:
    row = _row_id(record)
    physical: dict = {"artifactLocation": {"uri": _artifact(record)}}
    if row is None:
        physical["region"] = {
            "startLine": f["line"],
            "startColumn": f["column"],
            "endLine": f["end_line"],
            "endColumn": f["end_column"] + 1,
            "charOffset": f["offset"],
            "charLength": f["end_offset"] - f["offset"],
            "snippet": {"text": f["match"]},
        }
        return {"physicalLocation": physical}
    return {"physicalLocation": physical, "logicalLocations": [{"name": row, "kind": "object"}]}


def _path(record: dict) -> str:
    """Where a record's findings are, as reviewdog reads it: a path (relative to the
    working directory where it can be), not a URI."""
    path = record.get("path") or record["id"]
    if path.startswith("<"):
        return path
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return candidate.as_posix()
    return candidate.as_posix()


def render_sarif(records: list[dict]) -> str:
    """One SARIF 2.1.0 log with one run: rules, and a result per finding.

    Regions are 1-based, columns count Unicode code points (``columnKind``), and
    ``endColumn`` is the column after the last character, as the specification says. A
    row of a JSONL or CSV file has no region (its positions are within its text): its
    file, its id as a logical location and in the message.
    """
    rules = list(RULE_HELP)
    results = []
    for record in records:
        row = _row_id(record)
        for f in record["findings"]:
            message = f["message"] if row is None else f"row {row}: {f['message']}"
            results.append(
                {
                    "ruleId": f["rule"],
                    "ruleIndex": rules.index(f["rule"]),
                    "level": _SARIF_LEVEL[f["severity"]],
                    "message": {"text": message},
                    "locations": [_sarif_location(record, f)],
                    "partialFingerprints": {
                        "aitagFinding/v1": f"{f['rule']}:{f['term'].lower()}:{f['sentence'][:80]}"
                    },
                    "properties": {
                        "term": f["term"],
                        "termConcept": f["term_concept"],
                        "concept": f["concept"],
                        "score": f["score"],
                        "suggestion": f["suggestion"],
                    },
                }
            )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aitag",
                        "version": _version(),
                        "rules": [
                            {
                                "id": rule,
                                "name": name,
                                "shortDescription": {"text": text},
                                "defaultConfiguration": {
                                    "level": _SARIF_LEVEL[_severity(rule)],
                                },
                            }
                            for rule, (name, text) in RULE_HELP.items()
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return safe_json(log, indent=2)


def _version() -> str:
    from importlib import metadata

    from ..defaults import DISTRIBUTION

    try:
        return metadata.version(DISTRIBUTION)  # "aitag" is the module, not the distribution
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _severity(rule: str) -> str:
    from ..audit.rules import SEVERITY

    return SEVERITY[rule]


def render_rdjson(records: list[dict]) -> str:
    """reviewdog's Diagnostic Format (``reviewdog -f=rdjson``): one diagnostic per finding.

    Lines and columns are 1-based; columns count characters (reviewdog reads UTF-8 bytes,
    which differ only on lines with non-ASCII text before the finding); ``end`` is the
    position after the last character.
    """
    diagnostics = []
    for record in records:
        row = _row_id(record)
        for f in record["findings"]:
            where = {
                "start": {"line": f["line"], "column": f["column"]},
                "end": {"line": f["end_line"], "column": f["end_column"] + 1},
            }
            location: dict[str, object] = {"path": _path(record)}
            diagnostic: dict[str, object] = {
                "message": f["message"] if row is None else f"row {row}: {f['message']}",
                "location": location,
                "severity": _RDJSON_SEVERITY[f["severity"]],
                "code": {"value": f["rule"]},
            }
            # A row's positions are within its text, not the file: no range, and no
            # suggestion that would replace the file's text there.
            if row is None:
                location["range"] = where
                if f["rule"] != "aitag.InvertedHierarchy" and f["suggestion"] != f["term"]:
                    diagnostic["suggestions"] = [{"range": where, "text": f["suggestion"]}]
            diagnostics.append(diagnostic)
    return safe_json({"source": {"name": "aitag"}, "diagnostics": diagnostics}, indent=2)


def _h(value: str) -> str:
    """A name or a message in HTML: one line, controls escaped, markup escaped."""
    return escape(one_line(value))


def _text(value: str) -> str:
    """Passage text in HTML: line breaks kept, controls escaped, markup escaped."""
    return escape(shown(value))
