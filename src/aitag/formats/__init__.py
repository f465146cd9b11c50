"""Output formats: one vocabulary for every command, and the writers behind it.

A format name means the same thing wherever a command accepts it; each command offers
the names that fit what it prints.
"""

from __future__ import annotations

#: Every format name aitag knows, and what it means.
FORMATS: dict[str, str] = {
    "table": "aligned text for a terminal",
    "jsonl": "JSON Lines: one JSON object per document, a line each",
    "json": "one JSON document for the whole run",
    "csv": "comma-separated values with a header row",
    "line": "path:line:column:rule:message, one finding a line",
    "html": "one self-contained HTML page",
    "sarif": "SARIF 2.1.0, for code-scanning views",
    "rdjson": "reviewdog's rdjson",
}

#: The formats each command offers, its default first.
PREDICT_FORMATS = ("table", "jsonl", "csv")
EXPLAIN_FORMATS = ("table", "jsonl", "json", "html")
AUDIT_FORMATS = ("table", "json", "line", "html", "sarif", "rdjson")
REPORT_FORMATS = ("table", "json")


def format_help(names: tuple[str, ...]) -> str:
    """The --format help text for a command offering ``names``."""
    return "; ".join(f"{name}: {FORMATS[name]}" for name in names) + "."
