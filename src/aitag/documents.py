"""Reading documents: paths, globs and stdin in; Documents made of located passages out.

Every command that reads documents goes through :func:`read_documents`, so inputs,
formats, encodings and errors behave the same everywhere.
"""

from __future__ import annotations

import codecs
import csv
import errno
import glob
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError
from .textmap import LineIndex, MappedText

FORMATS = ("auto", "text", "markdown", "html", "wordpress", "jsonl", "csv")

_EXTENSION_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "wordpress",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}

#: A paragraph longer than this many words is cut at sentence boundaries ...
MAX_PASSAGE_WORDS = 400
#: ... into passages of about this many words.
TARGET_PASSAGE_WORDS = 250
#: Documents larger than this are refused unless the caller raises the limit.
DEFAULT_MAX_BYTES = 20_000_000

STDIN = "-"


@dataclass(slots=True)
class Passage:
    """A paragraph-sized piece of a document, located in the original file."""

    index: int
    text: str
    start: int  # character offset in the decoded source
    end: int
    line: int  # 1-based, in the source
    column: int
    #: Where each character came from; None when the passage is a verbatim slice of the
    #: source (plain text), which needs no map.
    mapped: MappedText | None = None

    def locate(self, index: int, lines: LineIndex) -> tuple[int, int, int]:
        """Source offset, line and column of character ``index`` of this passage."""
        if self.mapped is None:
            offset = self.start + min(max(index, 0), max(len(self.text) - 1, 0))
        else:
            offset = self.mapped.source_offset(index)
        return (offset, *lines.locate(offset))


@dataclass(slots=True)
class Document:
    """One document: a file, or one row of a JSONL/CSV file."""

    id: str
    path: str
    source: str  # the decoded text that offsets, lines and columns refer to
    passages: list[Passage]
    format: str

    @property
    def text(self) -> str:
        return "\n\n".join(passage.text for passage in self.passages)

    def line_index(self) -> LineIndex:
        return LineIndex(self.source)


# ---------------------------------------------------------------- inputs


def expand_inputs(specs: Iterable[str]) -> Iterator[str | InputError]:
    """Expand paths, directories (recursively), globs and ``-`` into file paths, in order.

    A spec that matches nothing yields an :class:`InputError` in its place, so a batch can
    report it and go on.
    """
    for spec in specs:
        if spec == STDIN:
            yield STDIN
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists() or path.is_symlink():
            yield spec
        elif glob.has_magic(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                yield InputError(spec, "no file matches this pattern")
            for match in matches:
                if Path(match).is_dir():
                    yield from _walk(Path(match))
                else:
                    yield match
        else:
            yield InputError(spec, "no such file or directory")


def _walk(directory: Path) -> Iterator[str | InputError]:
    # Hidden files and files of unknown type are skipped: a directory of posts also
    # holds images and editor backups, and nobody wants them reported one by one. A
    # directory that cannot be listed is reported: its files would silently be missing.
    errors: list[OSError] = []
    for root, dirs, files in os.walk(directory, onerror=errors.append):
        yield from _unlistable(errors)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in _EXTENSION_FORMATS:
                yield os.path.join(root, name)
    yield from _unlistable(errors)


def _unlistable(errors: list[OSError]) -> Iterator[InputError]:
    while errors:
        error = errors.pop(0)
        yield InputError(
            str(error.filename), f"cannot list this directory ({error.strerror or error})"
        )


def read_documents(
    specs: Iterable[str],
    input_format: str = "auto",
    text_field: str = "text",
    id_field: str = "id",
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: io.BufferedIOBase | None = None,
) -> Iterator[Document | InputError]:
    """Yield a Document for each readable document and an InputError for each bad one."""
    return read_files(expand_inputs(specs), input_format, text_field, id_field, max_bytes, stdin)


def read_files(
    items: Iterable[str | InputError],
    input_format: str = "auto",
    text_field: str = "text",
    id_field: str = "id",
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: io.BufferedIOBase | None = None,
) -> Iterator[Document | InputError]:
    """:func:`read_documents` for inputs already expanded by :func:`expand_inputs`."""
    for item in items:
        if isinstance(item, InputError):
            yield item
            continue
        name = "<stdin>" if item == STDIN else item
        try:
            row_format = _row_format(item, input_format)
            if row_format:
                yield from _stream_rows(item, row_format, text_field, id_field, max_bytes)
                continue
            data = _read_bytes(item, max_bytes, stdin)
            yield from parse_bytes(data, item, input_format, text_field, id_field)
        except InputError as error:
            yield error
        except Exception as error:  # noqa: BLE001 - one odd file must not end a batch
            yield InputError(
                name, f"cannot be read ({type(error).__name__}: {error}); please report this"
            )


def _row_format(path: str, input_format: str) -> str | None:
    """'jsonl' or 'csv' when a file holds rows that can be read as a stream, else None."""
    if path == STDIN:
        return None
    fmt = (
        _EXTENSION_FORMATS.get(os.path.splitext(path)[1].lower())
        if input_format == "auto"
        else input_format
    )
    return fmt if fmt in ("jsonl", "csv") else None


def _stream_rows(
    path: str, fmt: str, text_field: str, id_field: str, max_bytes: int
) -> Iterator[Document | InputError]:
    """Rows of a JSONL or CSV file, read as a stream: the size limit applies to each row.

    An archive of a million rows is no larger in memory than its longest row. UTF-16
    files (with a BOM) are the exception: they are read whole, within the file limit.
    """
    try:
        with _open_regular(path) as handle:
            head = handle.read(65536)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or not _utf8_prefix(head):
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
                lines = _binary_lines(handle, path, max_bytes)
                rows = _read_jsonl(lines, path, text_field, id_field)
            else:
                stream = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                rows = _read_csv(stream, path, text_field, id_field, max_bytes)
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


def _utf8_prefix(head: bytes) -> bool:
    """Whether bytes are UTF-8, allowing a character cut at the end."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _binary_lines(
    handle: io.BufferedReader, name: str, max_bytes: int
) -> Iterator[tuple[int, str | InputError]]:
    """(line number, text or error) for each line; lines end at "\\n" only."""
    number = 0
    while True:
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of an oversized row
                raw = handle.readline(1 << 20)
            yield (
                number,
                InputError(
                    f"{name}:{number}",
                    f"is longer than the {max_bytes:,}-byte limit; raise --max-bytes",
                ),
            )
            continue
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, InputError(f"{name}:{number}", "is not valid UTF-8; convert the file")


def _read_bytes(path: str, max_bytes: int, stdin: io.BufferedIOBase | None) -> bytes:
    name = "<stdin>" if path == STDIN else path
    try:
        if path == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(max_bytes + 1)
        else:
            with _open_regular(path) as handle:
                data = _read_limited(handle.raw, max_bytes + 1)
    except OSError as error:
        raise InputError(
            name, f"cannot read ({error.strerror or error}); check the path and its permissions"
        ) from None
    if len(data) > max_bytes:
        raise InputError(
            name, f"larger than the {max_bytes:,}-byte limit; split it or raise --max-bytes"
        )
    return data


def _read_limited(raw: io.RawIOBase, limit: int) -> bytes:
    """Up to ``limit`` bytes, read straight from the file (no buffer to copy through).

    It asks for the file's size plus one (to see the end): asking for the limit would
    allocate that much for every small file. A file that turns out longer (it grew, or
    the system does not know its size, as in /proc) is read on up to the limit.
    """
    size = os.fstat(raw.fileno()).st_size
    wanted = min(size + 1, limit)
    chunks, total = [], 0
    while total < wanted:
        chunk = raw.read(wanted - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > size:
            wanted = limit
    return b"".join(chunks)


def _open_regular(path: str) -> io.BufferedReader:
    """Open a regular file for reading; refuse FIFOs, devices, sockets and link loops."""
    _check_regular_file(path)
    # O_NONBLOCK: should the file turn into a FIFO after the check, opening it still
    # returns at once instead of waiting for a writer.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    handle = open(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise InputError(path, "is not a regular file" + _GIVE)
    return handle


_GIVE = "; give a text, Markdown, HTML, JSON or CSV file"
_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), which could block forever"),
    (stat.S_ISCHR, "is a device file"),
    (stat.S_ISBLK, "is a device file"),
    (stat.S_ISSOCK, "is a socket"),
)


def _check_regular_file(path: str) -> None:
    """Refuse, before opening, what is not a regular file: opening a FIFO blocks."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if os.path.islink(path):
            kind = (
                "a symbolic link loop" if error.errno == errno.ELOOP else "a broken symbolic link"
            )
            raise InputError(path, f"is {kind}; fix or remove the link") from None
        raise
    for test, kind in _KINDS:
        if test(mode):
            raise InputError(path, kind + _GIVE)
    if not stat.S_ISREG(mode):
        raise InputError(path, "is not a regular file" + _GIVE)


# ---------------------------------------------------------------- decoding


def decode_bytes(data: bytes, name: str) -> str:
    """Decode text: UTF-8 (BOM or not), UTF-16 (BOM, or plainly UTF-16), legacy 8-bit."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        text = _decode(data, utf16, name)
        if _looks_binary(text[:32768].encode("utf-8", "surrogatepass")):
            raise InputError(name, _BINARY)
        return text
    if b"\x00" in data[:65536] or _looks_binary(data[:65536]):
        raise InputError(name, _BINARY)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    western = _western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise InputError(name, "unknown text encoding; convert it to UTF-8")
    return _decode(data, best.encoding, name)


_WESTERN = re.compile("[^\x00-\x7fÀ-ÿ‘’“”–—…€£©®°·«»]")


def _western(data: bytes) -> str | None:
    # Short Latin-1/Windows-1252 posts are often guessed as another 8-bit code page
    # ("modèle" read as "modčle"); text whose every non-ASCII character is a Western
    # letter or common punctuation in cp1252 is taken as such.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if _WESTERN.search(text) else text


_BINARY = "is a binary file, not text; give a text, Markdown, HTML, JSON or CSV file"


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(name, f"is not valid {encoding} text; convert it to UTF-8") from None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    # Without a NUL byte both shares below are 0: skip counting (most files are UTF-8).
    if len(sample) < 4 or len(sample) % 2 or b"\x00" not in sample:
        return None
    even_zeros = sample[0::2].count(0) / (len(sample) // 2)
    odd_zeros = sample[1::2].count(0) / (len(sample) // 2)
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32)) + b"\x7f"
_NOT_CONTROL = bytes(sorted(set(range(256)) - set(_CONTROL_BYTES)))


def _looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    controls = len(sample.translate(None, _NOT_CONTROL))  # one pass: drop all but controls
    return controls / len(sample) > 0.1


# ---------------------------------------------------------------- formats


def detect_format(path: str, text: str) -> str:
    """Choose a format by extension, then by content (a WordPress post hides in any file)."""
    by_extension = _EXTENSION_FORMATS.get(os.path.splitext(path)[1].lower(), "")
    if by_extension in ("jsonl", "csv"):
        return by_extension
    if _is_wordpress(text):
        return "wordpress"
    if by_extension and by_extension != "wordpress":
        return by_extension
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(p|div|h[1-6]|body)[ >]", head):
        return "html"
    return "text"


def _is_wordpress(text: str) -> bool:
    head = text.lstrip()[:1]
    if head != "{" or '"rendered"' not in text:
        return False
    try:
        post = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(post, dict) and isinstance(post.get("content"), dict)


def parse_bytes(
    data: bytes,
    path: str,
    input_format: str = "auto",
    text_field: str = "text",
    id_field: str = "id",
) -> Iterator[Document | InputError]:
    """Parse one file's bytes into documents (several for JSONL and CSV)."""
    name = "<stdin>" if path == STDIN else path
    text = decode_bytes(data, name)
    if not text.strip():
        raise InputError(name, "is empty; nothing to tag")
    fmt = detect_format(path, text) if input_format == "auto" else input_format
    if fmt == "jsonl":
        yield from _read_jsonl(_text_lines(text), name, text_field, id_field)
    elif fmt == "csv":
        yield from _read_csv(io.StringIO(text, newline=""), name, text_field, id_field, len(data))
    elif fmt == "text":
        yield _plain_document(name, name, text)
    else:
        blocks = _BLOCK_READERS[fmt](text, name)
        yield _document(name, name, text, blocks, fmt)


def _document(
    doc_id: str, name: str, source: str, blocks: list[MappedText], fmt: str, cut: bool = True
) -> Document:
    lines = LineIndex(source)
    passages: list[Passage] = []
    for block in blocks:
        for piece in split_passages(block) if cut else [block.strip()]:
            start = piece.spans[0][1]
            end = piece.spans[-1][1] + piece.spans[-1][2]
            line, column = lines.locate(start)
            passages.append(Passage(len(passages), piece.text, start, end, line, column, piece))
    if not passages:
        raise InputError(name, "has no readable text; nothing to tag")
    return Document(doc_id, name, source, passages, fmt)


def _plain_document(doc_id: str, name: str, text: str) -> Document:
    """The document :func:`_document` makes of :func:`read_text_blocks`, made faster.

    A plain text's passages are verbatim slices of it, so they need no MappedText: most
    paragraphs become a passage with a strip and a slice, and lines are counted as the
    loop goes. Only very long paragraphs go through :func:`split_passages`. A test checks
    both ways give the same passages.
    """
    # Paragraphs and the blank lines between them, in turn: offsets are running sums.
    pieces = _BLANK_LINES_SPLIT.split(text)
    passages: list[Passage] = []
    add = passages.append
    offset = line = line_start = counted = 0
    for i in range(0, len(pieces), 2):
        block = pieces[i]
        stripped = block.strip()
        if stripped:
            start = offset + len(block) - len(block.lstrip())
            if len(stripped) < 2 * MAX_PASSAGE_WORDS or not _more_words(
                stripped, MAX_PASSAGE_WORDS
            ):
                cut = [(stripped, start)]
            else:
                cut = [
                    (piece.text, piece.spans[0][1])
                    for piece in split_passages(MappedText.identity(block, offset))
                ]
            for piece, piece_start in cut:
                newlines = text.count("\n", counted, piece_start)
                if newlines:
                    line += newlines
                    line_start = text.rfind("\n", counted, piece_start) + 1
                counted = piece_start
                add(
                    Passage(
                        len(passages),
                        piece,
                        piece_start,
                        piece_start + len(piece),
                        line + 1,
                        piece_start - line_start + 1,
                    )
                )
        offset += len(block) + (len(pieces[i + 1]) if i + 1 < len(pieces) else 0)
    if not passages:
        raise InputError(name, "has no readable text; nothing to tag")
    return Document(doc_id, name, text, passages, "text")


def text_document(text: str, doc_id: str = "<text>", path: str = "") -> Document:
    """A Document from a string of plain text (what ``Tagger.predict(texts)`` uses)."""
    if not text.strip():
        raise InputError(doc_id, "is empty; nothing to tag")
    return _plain_document(doc_id, path or doc_id, text)


def passage_document(text: str, doc_id: str) -> Document:
    """A Document that is one passage: a labelled record, scored as the unit it was labelled.

    LABELS.md labels a record's text as a whole ("one passage a line"), and the model is
    trained on whole records, so evaluation does not cut them into paragraphs.
    """
    if not text.strip():
        raise InputError(doc_id, "is empty; nothing to tag")
    return _document(doc_id, doc_id, text, [MappedText.identity(text)], "text", cut=False)


# ---------------------------------------------------------------- passages

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


def split_passages(block: MappedText) -> list[MappedText]:
    """A paragraph is a passage; a very long one is cut at sentence ends."""
    block = block.strip()
    if not block.text:
        return []
    # Every word takes at least two characters with its space: short text needs no count.
    if len(block.text) < 2 * MAX_PASSAGE_WORDS or not _more_words(block.text, MAX_PASSAGE_WORDS):
        return [block]
    # Words are counted, never listed: a 50 MB paragraph must not become a list of
    # millions of strings.
    pieces, start, words, previous = [], 0, 0, 0
    ends = (m.end() for m in _SENTENCE_END.finditer(block.text))
    for boundary in _chain(ends, len(block.text)):
        words += _count_words(block.text, previous, boundary)
        previous = boundary
        if words >= TARGET_PASSAGE_WORDS or boundary == len(block.text):
            pieces.append(block.slice(start, boundary).strip())
            start, words = boundary, 0
    # A text with no sentence ends at all (a dump of words) is cut by words instead.
    result = []
    for piece in pieces:
        too_long = _more_words(piece.text, 2 * MAX_PASSAGE_WORDS)
        result.extend(_cut_by_words(piece) if too_long else [piece])
    return [piece for piece in result if piece.text]


_WORD = re.compile(r"\S+")


def _chain(ends: Iterator[int], last: int) -> Iterator[int]:
    yield from ends
    yield last


def _count_words(text: str, start: int, end: int) -> int:
    return sum(1 for _ in _WORD.finditer(text, start, end))


def _more_words(text: str, limit: int) -> bool:
    # Words are at most the whitespace characters plus one: counting ASCII whitespace (C
    # speed, no strings made) settles most paragraphs; split() with maxsplit, which stops
    # after ``limit`` words, settles the rest.
    if text.isascii():
        encoded = text.encode("ascii")
        if len(encoded) - len(encoded.translate(None, _ASCII_SPACES)) < limit:
            return False
    return len(text.split(maxsplit=limit)) > limit


#: What str.split() splits ASCII text at.
_ASCII_SPACES = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _cut_by_words(block: MappedText) -> list[MappedText]:
    pieces, start = [], 0
    for number, match in enumerate(_WORD.finditer(block.text), start=1):
        if number % TARGET_PASSAGE_WORDS == 0:
            pieces.append(block.slice(start, match.end()).strip())
            start = match.end()
    if start < len(block.text):
        pieces.append(block.slice(start, len(block.text)).strip())
    return pieces


# ---------------------------------------------------------------- plain text

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_BLANK_LINES_SPLIT = re.compile(f"({_BLANK_LINES.pattern})")


def read_text_blocks(text: str, name: str = "") -> list[MappedText]:
    """Paragraphs are separated by blank lines.

    The general form of plain-text reading, as the other formats' readers give blocks;
    reading itself uses :func:`_plain_document`, which a test holds to this.
    """
    blocks, start = [], 0
    for match in _BLANK_LINES.finditer(text):
        blocks.append(MappedText.identity(text[start : match.start()], start))
        start = match.end()
    blocks.append(MappedText.identity(text[start:], start))
    return blocks


# ---------------------------------------------------------------- markdown

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+")
_DROP_INLINE = re.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"  # images
    r"|!\[[^\]\n]*\]\[[^\]\n]*\]"  # reference images
    r"|`[^`\n]+`"  # inline code
    r"|<https?://[^>\s]+>"  # autolinks
    r"|https?://[^\s)>\]]+"  # bare URLs
    r"|</?[A-Za-z][^>\n]*>"  # inline HTML tags
)
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)|\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")


def read_markdown_blocks(text: str, name: str = "") -> list[MappedText]:
    """Paragraphs and headings of Markdown; front matter, code, URLs and images dropped."""
    lines = text.splitlines(keepends=True)
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line)
    index = _skip_front_matter(lines)
    blocks: list[MappedText] = []
    current = MappedText()
    fence: str | None = None

    def close() -> None:
        nonlocal current
        if current.text.strip():
            blocks.append(current)
        current = MappedText()

    while index < len(lines):
        line, offset = lines[index], offsets[index]
        index += 1
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1) == fence:
                fence = None
            continue
        if marker:
            close()
            fence = marker.group(1)
            continue
        if not line.strip():
            close()
            continue
        if _LINK_DEFINITION.match(line) or (line.startswith(("    ", "\t")) and not current.text):
            continue  # link definitions and indented code blocks
        heading = _HEADING.match(line)
        if heading:
            close()
            current.append_mapped(_markdown_inline(line, offset, heading.end()))
            close()
            continue
        current.append_mapped(_markdown_inline(line, offset, 0))
    close()
    return blocks


def _skip_front_matter(lines: list[str]) -> int:
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        for index in range(1, len(lines)):
            if lines[index].strip() in (fence, "..."):
                return index + 1
    return 0


def _markdown_inline(line: str, offset: int, start: int) -> MappedText:
    """Keep a line's prose: link texts stay, their URLs, images and code go."""
    kept = MappedText()
    keep_from = start
    for match in _inline_matches(line, start):
        kept.append(line[keep_from : match[0]], offset + keep_from)
        if match[2] is not None:
            kept.append(line[match[2] : match[3]], offset + match[2])
        keep_from = match[1]
    kept.append(line[keep_from:], offset + keep_from)
    return kept


def _inline_matches(line: str, start: int) -> list[tuple[int, int, int | None, int | None]]:
    """(start, end, kept start, kept end) of each inline construct, without overlaps."""
    found = [(m.start(), m.end(), None, None) for m in _DROP_INLINE.finditer(line, start)]
    for m in _LINK.finditer(line, start):
        group = 1 if m.group(1) is not None else 2
        found.append((m.start(), m.end(), m.start(group), m.end(group)))
    found.sort()
    result, end = [], start
    for item in found:
        if item[0] >= end:
            result.append(item)
            end = item[1]
    return result


# ---------------------------------------------------------------- HTML

_SKIPPED_TAGS = {
    "script", "style", "nav", "footer", "noscript", "template", "svg", "head",
    "form", "button", "select", "iframe", "canvas", "object", "math",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section",
    "article", "br", "tr", "td", "th", "blockquote", "pre", "figure", "figcaption",
    "header", "main", "table", "dd", "dt", "dl", "aside", "hr", "address", "details",
    "summary", "caption", "body", "html",
}  # fmt: skip
_VOID_TAGS = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
}


class _VisibleText(HTMLParser):
    """Collects visible text as blocks, each piece mapped to its offset in the HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.lines = [0] + [m.end() for m in re.finditer("\n", html)]
        self.blocks: list[MappedText] = []
        self.current = MappedText()
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.json_ld: list[tuple[str, int]] = []
        self._in_json_ld = False

    def source_offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def close_block(self) -> None:
        if self.current.text.strip():
            self.blocks.append(self.current)
        self.current = MappedText()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            if tag in _BLOCK_TAGS and not self.skip_stack:
                self.close_block()
            return
        if self.skip_stack or tag in _SKIPPED_TAGS:
            self.skip_stack.append(tag)
            self._in_json_ld = (
                tag == "script" and (dict(attrs).get("type") or "").lower() == "application/ld+json"
            )
            return
        if tag in _BLOCK_TAGS:
            self.close_block()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS and not self.skip_stack:
            self.close_block()

    def handle_endtag(self, tag: str) -> None:
        if self.skip_stack:
            if tag in self.skip_stack:
                while self.skip_stack and self.skip_stack.pop() != tag:
                    pass
                self._in_json_ld = False
            return
        if tag in _BLOCK_TAGS:
            self.close_block()

    def handle_data(self, data: str) -> None:
        data = data.replace(_DEFUSED, "<")
        if self._in_json_ld:
            self.json_ld.append((data, self.source_offset()))
        elif not self.skip_stack:
            self.current.append(data, self.source_offset())

    def handle_entityref(self, name: str) -> None:
        if not self.skip_stack:
            self.current.append_replacement(unescape(f"&{name};"), self.source_offset())

    def handle_charref(self, name: str) -> None:
        if not self.skip_stack:
            self.current.append_replacement(unescape(f"&#{name};"), self.source_offset())


_MARKUP_START = re.compile(r"<(?=[A-Za-z/!?])")
_DEFUSED = "\x00"


def _defuse_unterminated(html: str) -> str:
    """Turn the ``<`` of tags and comments that never end into a placeholder.

    html.parser rescans from such a ``<`` to the end of the text, once per ``<``: a
    megabyte of ``<a<a<a`` takes hours. It reads an unterminated construct as text, and
    so does the placeholder, which ``handle_data`` turns back into ``<``.
    """
    last = {end: html.rfind(end) for end in ("-->", "]]>", ">")}
    cut = []
    for match in _MARKUP_START.finditer(html):
        at = match.start()
        end = "-->" if html.startswith("<!--", at) else ">"
        end = "]]>" if html.startswith("<![CDATA[", at) else end
        if last[end] < at:
            cut.append(at)
    if not cut:
        return html
    pieces, start = [], 0
    for at in cut:
        pieces += [html[start:at], _DEFUSED]
        start = at + 1
    pieces.append(html[start:])
    return "".join(pieces)


def read_html_blocks(text: str, name: str = "") -> list[MappedText]:
    """Visible text of HTML: no script, style, nav or footer; blocks become passages."""
    parser = _VisibleText(text)
    try:
        parser.feed(_defuse_unterminated(text))
        parser.close()
    except (AssertionError, ValueError, RecursionError) as error:
        raise InputError(name, f"cannot parse HTML ({error}); check the file") from None
    parser.close_block()
    blocks = parser.blocks
    for data, offset in parser.json_ld:
        blocks.extend(_faq_blocks(data, offset))
    return blocks


# ---------------------------------------------------------------- WordPress JSON and JSON-LD

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}


def decode_json_string(raw: str, start: int) -> tuple[str, list[int]]:
    """Decode the JSON string literal at ``raw[start]`` with each character's raw offset."""
    chars: list[str] = []
    offsets: list[int] = []
    index = start + 1
    while raw[index] != '"':
        if raw[index] == "\\":
            kind = raw[index + 1]
            if kind == "u":
                code = int(raw[index + 2 : index + 6], 16)
                width = 6
                if 0xD800 <= code < 0xDC00 and raw[index + 6 : index + 8] == "\\u":
                    low = int(raw[index + 8 : index + 12], 16)
                    if 0xDC00 <= low < 0xE000:
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        width = 12
                chars.append("\ufffd" if 0xD800 <= code < 0xE000 else chr(code))
                offsets.append(index)
                index += width
            else:
                chars.append(_JSON_ESCAPES.get(kind, kind))
                offsets.append(index)
                index += 2
        else:
            chars.append(raw[index])
            offsets.append(index)
            index += 1
    offsets.append(index)  # one past the last character, for spans that end there
    return "".join(chars), offsets


def _string_literals(raw: str, base: int) -> Iterator[tuple[str, list[int]]]:
    for match in _JSON_STRING.finditer(raw):
        value, offsets = decode_json_string(raw, match.start())
        yield value, [base + offset for offset in offsets]


def _faq_blocks(data: str, offset: int) -> list[MappedText]:
    """Questions and answers of a schema.org FAQPage in JSON-LD, located in the file."""
    try:
        graph = json.loads(data)
    except (ValueError, RecursionError):
        return []
    wanted: list[str] = []
    for item in _walk_json(graph):
        if isinstance(item, dict) and item.get("@type") == "Question":
            wanted.append(str(item.get("name", "")))
            answer = item.get("acceptedAnswer")
            if isinstance(answer, dict):
                wanted.append(str(answer.get("text", "")))
    blocks = []
    for value, offsets in _string_literals(data, offset):
        if value in wanted and value.strip():
            wanted.remove(value)
            blocks.extend(read_html_blocks_mapped(MappedText.from_offsets(value, offsets)))
    return blocks


def read_html_blocks_mapped(fragment: MappedText) -> list[MappedText]:
    """HTML held in a decoded string, its blocks mapped back through the string's offsets."""
    outer = [fragment.source_offset(i) for i in range(len(fragment.text))]
    outer.append(outer[-1] + 1 if outer else 0)
    return [block.through(outer) for block in read_html_blocks(fragment.text)]


def _walk_json(value: object) -> Iterator[object]:
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def read_wordpress_blocks(text: str, name: str = "") -> list[MappedText]:
    """A WordPress REST API post: title, content (HTML) and FAQ answers in its JSON-LD."""
    try:
        post = json.loads(text)
    except ValueError as error:
        raise InputError(name, f"is not valid JSON ({error}); check the file") from None
    except RecursionError:
        raise InputError(name, _TOO_DEEP) from None
    if not isinstance(post, dict):
        raise InputError(name, "is JSON but not a WordPress post; use --input-format")
    title = _rendered(post, "title")
    content = _rendered(post, "content")
    if content is None and title is None:
        raise InputError(
            name,
            "is JSON without title.rendered or content.rendered; use --input-format jsonl for rows",
        )
    blocks: list[MappedText] = []
    found = {"title": False, "content": False}
    for match in re.finditer(r'"rendered"\s*:\s*"', text):
        value, offsets = decode_json_string(text, match.end() - 1)
        for key, expected in (("title", title), ("content", content)):
            if not found[key] and expected is not None and value == expected:
                found[key] = True
                blocks.extend(read_html_blocks_mapped(MappedText.from_offsets(value, offsets)))
    return blocks


def _rendered(post: dict, key: str) -> str | None:
    value = post.get(key)
    if isinstance(value, dict) and isinstance(value.get("rendered"), str):
        return value["rendered"]
    return None


# ---------------------------------------------------------------- rows: JSONL and CSV


def _read_jsonl(
    lines: Iterable[tuple[int, str | InputError]], name: str, text_field: str, id_field: str
) -> Iterator[Document | InputError]:
    for number, line in lines:
        if isinstance(line, InputError):
            yield line
            continue
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            row = json.loads(line)
        except ValueError as error:
            yield InputError(
                where, f"is not valid JSON ({error.args[0].split(':')[0]}); fix or remove the line"
            )
            continue
        except RecursionError:
            yield InputError(where, _TOO_DEEP)
            continue
        if not isinstance(row, dict):
            yield InputError(where, "is not a JSON object; each line must be an object")
            continue
        yield from _row_document(row, where, number, text_field, id_field)


def _text_lines(text: str) -> Iterator[tuple[int, str]]:
    # Lines end at "\n" only: str.splitlines would also cut at U+2028, NEL and other
    # characters that JSON strings may hold unescaped.
    return enumerate(text.split("\n"), start=1)


_TOO_DEEP = "is JSON nested too deeply to read; check the file"


def _read_csv(
    stream: io.TextIOBase, name: str, text_field: str, id_field: str, max_bytes: int
) -> Iterator[Document | InputError]:
    # csv's own field limit (128 KB) would refuse a long article in one cell; the size
    # limit of aitag applies instead.
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))
    reader = csv.DictReader(stream)
    try:
        fields = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as error:
        raise InputError(name, f"is not valid UTF-8 CSV ({error}); check the file") from None
    if not fields or text_field not in fields:
        raise InputError(
            name, f"has no {text_field!r} column; name the text column with --text-field"
        )
    try:
        for number, row in enumerate(reader, start=1):
            yield from _row_document(row, f"{name}:row {number}", number, text_field, id_field)
    except (csv.Error, UnicodeDecodeError) as error:
        yield InputError(
            name, f"is not valid UTF-8 CSV ({error}); rows after this one were not read"
        )


def _row_document(
    row: dict, where: str, number: int, text_field: str, id_field: str
) -> Iterator[Document | InputError]:
    text = row.get(text_field)
    if not isinstance(text, str):
        yield InputError(where, f"has no text in field {text_field!r}; name it with --text-field")
        return
    text = _without_surrogates(text)
    row_id = row.get(id_field)
    doc_id = _without_surrogates(str(row_id)) if row_id not in (None, "") else str(number)
    if not text.strip():
        yield InputError(where, "has an empty text; nothing to tag")
        return
    path = where.rsplit(":", 1)[0]
    # Offsets, lines and columns of a row point into the row's own text.
    yield _plain_document(doc_id, path, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    # JSON may escape half a UTF-16 pair ("\\ud800"); such a string cannot be written as
    # UTF-8, so it is read as U+FFFD, as a decoder reads any invalid sequence.
    return _SURROGATE.sub("\ufffd", text)


# Plain text does not come here: parse_bytes reads it with _plain_document.
_BLOCK_READERS = {
    "markdown": read_markdown_blocks,
    "html": read_html_blocks,
    "wordpress": read_wordpress_blocks,
}
