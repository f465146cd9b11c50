"""Text that is safe to show: what a document or a file name holds never acts on a terminal,
a spreadsheet or a JSON parser.

Human formats (tables, lines, highlighted text, HTML) show control characters as escapes
(``\\x1b``), so an escape sequence in a file name, an id or a text cannot move the cursor,
retitle the window or forge a line. JSON keeps every string exactly (escaped characters
read back the same), is always strict JSON (no NaN), and escapes the characters that
terminals or line splitters act on. CSV, printed to terminals and opened in spreadsheets,
shows control characters as the human formats do (line breaks and tabs kept, inside
quotes), and its cells that a spreadsheet would run as a formula are neutralised as the
OWASP guidance says.
"""

from __future__ import annotations

import json
import math
import re

from ..errors import printable

__all__ = ["csv_text", "one_line", "safe_json", "shown"]

#: Names, ids and messages: one line, every non-printable character escaped.
one_line = printable

# C0 controls but tab and line feed, DEL, C1 controls (CSI and OSC among them), and the
# bidirectional controls that reorder what a terminal shows.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text of a document as a human format shows it: line breaks and tabs kept, every
    other control character escaped."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda match: repr(match.group())[1:-1], text)


# What json.dumps(ensure_ascii=False) leaves raw that a terminal or a line splitter acts
# on (DEL, C1 controls, bidirectional controls, line and paragraph separators), and lone
# surrogates, which cannot be written as UTF-8. Escaped, they read back the same.
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


def safe_json(value: object, indent: int | None = None) -> str:
    """``value`` as strict JSON text: NaN and infinities become null, and characters that
    act on terminals are escaped (strings keep their exact value)."""
    try:
        text = json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(value), ensure_ascii=False, indent=indent, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _finite(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


#: What a spreadsheet reads as the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE = re.compile("[\ud800-\udfff]")


def csv_text(text: str) -> str:
    """A text cell of CSV output: control characters shown as escapes, as :func:`shown`
    shows them (CSV is printed to terminals too: an escape sequence in a file name or an
    id must not act on one), a leading ``'`` when a spreadsheet would run it as a formula
    (``=HYPERLINK(...)``), and lone surrogates escaped so it can be written."""
    text = shown(_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text))
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
