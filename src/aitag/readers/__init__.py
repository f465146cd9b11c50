"""Reading documents: paths, globs and stdin in; Documents made of located passages out.

Every command that reads documents goes through :func:`read_documents`, so inputs,
formats, encodings and errors behave the same everywhere. One module per format turns
text into located blocks; :mod:`.passages` turns blocks into passages.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from ..defaults import DEFAULT_ID_FIELD, DEFAULT_MAX_BYTES, DEFAULT_TEXT_FIELD
from ..errors import InputError
from .asciidoc import read_asciidoc_blocks
from .decoding import decode_bytes
from .feeds import FEED_ROOTS, read_feed
from .formats import FORMATS, extension_format
from .html import read_html_blocks
from .inputs import STDIN, archive_format, expand_inputs, open_regular, read_bytes
from .located import PROSE, Block, Document, MappedText, Passage
from .markdown import read_markdown_blocks
from .notebook import notebook_cells, read_notebook_blocks
from .org import read_org_blocks
from .passages import document_of
from .plain import passage_document, plain_document, text_document
from .rows import binary_lines, read_csv, read_jsonl, text_lines, utf8_prefix
from .rst import read_rst_blocks
from .wordpress import read_wordpress_blocks

__all__ = [
    "DEFAULT_MAX_BYTES", "FORMATS", "STDIN", "Document", "MappedText", "Passage",
    "expand_inputs", "parse_bytes", "passage_document", "read_documents", "read_files",
    "text_document",
]  # fmt: skip


def read_documents(
    specs: Iterable[str],
    input_format: str = "auto",
    text_field: str = DEFAULT_TEXT_FIELD,
    id_field: str = DEFAULT_ID_FIELD,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: io.BufferedIOBase | None = None,
    whole_page: bool = False,
) -> Iterator[Document | InputError]:
    """Yield a Document for each readable document and an InputError for each bad one.

    HTML pages are cut down to their main content unless ``whole_page``.
    """
    return read_files(
        expand_inputs(specs), input_format, text_field, id_field, max_bytes, stdin, whole_page
    )


def read_files(
    items: Iterable[str | InputError],
    input_format: str = "auto",
    text_field: str = DEFAULT_TEXT_FIELD,
    id_field: str = DEFAULT_ID_FIELD,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: io.BufferedIOBase | None = None,
    whole_page: bool = False,
) -> Iterator[Document | InputError]:
    """:func:`read_documents` for inputs already expanded by :func:`expand_inputs`."""
    for item in items:
        if isinstance(item, InputError):
            yield item
            continue
        name = "<stdin>" if item == STDIN else item
        try:
            # stdin is read whole and parsed by content, never streamed as rows.
            row_format = None if item == STDIN else archive_format(item, input_format)
            if row_format == "feed":
                yield from stream_feed(item, max_bytes)
                continue
            if row_format:
                yield from stream_rows(item, row_format, text_field, id_field, max_bytes)
                continue
            data = read_bytes(item, max_bytes, stdin)
            yield from parse_bytes(data, item, input_format, text_field, id_field, whole_page)
        except InputError as error:
            yield error
        except Exception as error:  # noqa: BLE001 - one odd file must not end a batch
            yield InputError(
                name, f"cannot be read ({type(error).__name__}: {error}); please report this"
            )


def stream_feed(path: str, max_bytes: int) -> Iterator[Document | InputError]:
    """The posts of a feed or WordPress export, read as a stream: the size limit applies
    to each post, however large the file."""
    try:
        with open_regular(path) as handle:
            yield from read_feed(handle, path, max_bytes)
    except OSError as error:
        yield InputError(
            path, f"cannot read ({error.strerror or error}); check the path and its permissions"
        )


def stream_rows(
    path: str, fmt: str, text_field: str, id_field: str, max_bytes: int
) -> Iterator[Document | InputError]:
    """Rows of a JSONL or CSV file, read as a stream: the size limit applies to each row.

    An archive of a million rows is no larger in memory than its longest row. UTF-16
    files (with a BOM) are the exception: they are read whole, within the file limit.
    """
    try:
        with open_regular(path) as handle:
            head = handle.read(65536)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or not utf8_prefix(head):
                handle.seek(0)
                data = handle.read(max_bytes + 1)
                if len(data) > max_bytes:
                    raise InputError(
                        path,
                        f"is not UTF-8 and larger than the {max_bytes:,}-byte limit; "
                        "convert it to UTF-8",
                    )
                yield from parse_bytes(data, path, fmt, text_field, id_field)
                return
            handle.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
            if fmt == "jsonl":
                lines = binary_lines(handle, path, max_bytes)
                rows = read_jsonl(lines, path, text_field, id_field)
            else:
                stream = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                rows = read_csv(stream, path, text_field, id_field, max_bytes)
            empty = True
            for row in rows:
                empty = False
                yield row
            if empty:
                yield InputError(path, "is empty; nothing to tag")
    except OSError as error:
        yield InputError(
            path, f"cannot read ({error.strerror or error}); check the path and its permissions"
        )


# ---------------------------------------------------------------- formats


def detect_format(path: str, text: str, text_field: str = DEFAULT_TEXT_FIELD) -> str:
    """Choose a format by extension, then by content (a WordPress post hides in any file).

    ``text_field`` is the text column that rows of CSV on stdin are known by.
    """
    by_extension = extension_format(path) or ""
    if by_extension in ("jsonl", "csv", "feed", "wordpress", "notebook"):
        # A .json that is no WordPress post, or an .ipynb no notebook, is an error naming
        # it, not plain text.
        return by_extension
    if _is_wordpress(text):
        return "wordpress"
    if by_extension:
        return by_extension
    return _format_by_content(path, text, text_field)


def _format_by_content(path: str, text: str, text_field: str) -> str:
    """The format of a text without an extension (stdin, a file named "post"): a page, a
    notebook, rows of JSON, Markdown by its marks (read as plain text, a post's headings
    and code were prose; and a post often opens with some HTML, which the Markdown reader
    reads too), an HTML fragment, else plain text."""
    if _is_notebook(text):
        return "notebook"
    head = text.lstrip()[:2000].lower()
    if head.startswith("<?xml"):  # an XHTML page opens with its XML declaration
        head = head[head.find("?>") + 2 :].lstrip()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    if _xml_root(text) in FEED_ROOTS:
        return "feed"
    if _is_json_lines(text):
        return "jsonl"
    # CSV only on stdin: a file without an extension that holds commas and a header-like
    # first line is far more often a note than a table.
    if path == STDIN and _is_csv_with_header(text, text_field):
        return "csv"
    if _ORG_OPENING.match(text[:5000]):
        return "org"
    if _MARKDOWN_MARKS.search(text[:20_000]):
        return "markdown"
    if re.search(r"<(p|div|h[1-6]|body)[ >]", head):
        return "html"
    return "text"


def _xml_root(text: str) -> str:
    """The local name of the root element of an XML text ("rss" of "<rdf:RDF>" is "RDF"),
    found in its first 64 KB past the declaration, comments and a DOCTYPE; "" if none."""
    head, at = text[:65536], 0
    while True:
        at = head.find("<", at)
        if at < 0:
            return ""
        if head.startswith("<?", at):
            at = head.find("?>", at)
        elif head.startswith("<!--", at):
            at = head.find("-->", at)
        elif head.startswith("<!", at):  # a DOCTYPE, maybe with [declarations]
            close, bracket = head.find(">", at), head.find("[", at)
            if 0 <= bracket < close:
                close = head.find("]", bracket)
            at = close
        else:
            end = at + 1
            while end < len(head) and (head[end].isalnum() or head[end] in ":_-."):
                end += 1
            return head[at + 1 : end].rsplit(":", 1)[-1]
        if at < 0:
            return ""


#: How Org files open: an in-buffer keyword (``#+title:``, ``#+STARTUP:``...) or a block,
#: after an org-roam property drawer if there is one. Read as text, an Org post's
#: keywords, drawers and source blocks were prose.
_ORG_OPENING = re.compile(
    r"\A\s*(?::PROPERTIES:[ \t]*\n(?:[ \t]*:[^\n]*\n){0,50}?[ \t]*:END:[ \t]*\n\s*)?"
    r"#\+(?:[A-Za-z_]+:|BEGIN_)",
    re.IGNORECASE,
)

#: Marks only Markdown makes at the start of a line: front matter opening the text, an
#: ATX heading, a fenced code block.
_MARKDOWN_MARKS = re.compile(r"\A---[ \t]*\r?\n|^#{1,6}[ \t]+\S|^(?:```|~~~)", re.MULTILINE)


def _is_json_lines(text: str, lines: int = 5) -> bool:
    """Whether the first non-blank lines (up to ``lines``) are each a JSON object."""
    seen = 0
    for line in text.lstrip()[:200_000].splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            return False
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            return False
        if not isinstance(value, dict):
            return False
        seen += 1
        if seen == lines:
            break
    return seen > 0


#: A column name in a header taken for CSV by its content: a word, no spaces.
_COLUMN_NAME = re.compile(r"[^\W\d][\w.-]*")


def _is_csv_with_header(text: str, text_field: str) -> bool:
    """Whether the text opens with a CSV header that names the text column, then a row
    of as many cells.

    Every cell of the header must be a column name (the text column may be named
    anything): a line of prose has spaces beside its commas, so "text, in short, is
    data" is no header, and stays plain text; nor is a line of words and commas
    followed by a line of prose, which is one cell.
    """
    sample = text[:_CSV_SAMPLE]
    # A cell may be an article: longer than csv's default limit (128 KB), or than the
    # sample, where the first row is cut short and has its first cells only.
    csv.field_size_limit(max(csv.field_size_limit(), len(sample) + 1))
    records = csv.reader(io.StringIO(sample, newline=""))
    try:
        header = next(records, [])
        row = next((cells for cells in records if cells), [])
    except csv.Error:
        return False
    names = all(cell == text_field or _COLUMN_NAME.fullmatch(cell) for cell in header)
    cut = len(text) > len(sample) and 0 < len(row) <= len(header)
    return len(header) >= 2 and text_field in header and names and (len(row) == len(header) or cut)


#: How much of stdin tells whether it is CSV.
_CSV_SAMPLE = 1_000_000


def _is_wordpress(text: str) -> bool:
    head = text.lstrip()[:1]
    if head != "{" or '"rendered"' not in text:
        return False
    try:
        post = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(post, dict) and isinstance(post.get("content"), dict)


def _is_notebook(text: str) -> bool:
    if text.lstrip()[:1] != "{" or '"nbformat"' not in text:
        return False
    try:
        return notebook_cells(json.loads(text)) is not None
    except (ValueError, RecursionError):
        return False


def parse_bytes(
    data: bytes,
    path: str,
    input_format: str = "auto",
    text_field: str = DEFAULT_TEXT_FIELD,
    id_field: str = DEFAULT_ID_FIELD,
    whole_page: bool = False,
) -> Iterator[Document | InputError]:
    """Parse one file's bytes into documents (several for JSONL and CSV)."""
    name = "<stdin>" if path == STDIN else path
    text = decode_bytes(data, name)
    fmt = detect_format(path, text, text_field) if input_format == "auto" else input_format
    if fmt in ("jsonl", "csv"):
        rows = (
            read_jsonl(text_lines(text), name, text_field, id_field)
            if fmt == "jsonl"
            else read_csv(io.StringIO(text, newline=""), name, text_field, id_field, len(data))
        )
        empty = True
        for row in rows:
            empty = False
            yield row
        if empty:  # as stream_rows says of a file: rows on stdin, a header alone
            yield InputError(name, "is empty; nothing to tag")
    elif fmt == "feed":
        # expat decodes by the XML declaration: the bytes, not the text decoded here.
        yield from read_feed(io.BytesIO(data), name, len(data))
    elif fmt == "text":
        yield plain_document(name, name, text)
    else:
        reader: Callable[..., list] = _BLOCK_READERS[fmt]
        if fmt in ("html", "wordpress"):
            reader = partial(reader, whole_page=whole_page)
        blocks = [
            block if isinstance(block, Block) else Block(PROSE, block)
            for block in reader(text, name)
        ]
        yield document_of(name, name, text, blocks, fmt)


# Plain text does not come here: parse_bytes reads it with plain_document.
_BLOCK_READERS = {
    "markdown": read_markdown_blocks,
    "html": read_html_blocks,
    "wordpress": read_wordpress_blocks,
    "notebook": read_notebook_blocks,
    "rst": read_rst_blocks,
    "asciidoc": read_asciidoc_blocks,
    "org": read_org_blocks,
}
