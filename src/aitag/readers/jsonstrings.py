"""JSON string literals decoded with a map back to the raw file, so text pulled out of JSON
(WordPress posts, JSON-LD) still points at its place in the file.

The map is a list of spans (runs of characters copied verbatim, one span per escape), so
decoding is linear in the literal: runs are found with ``str.find``, never a regex.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..errors import TOO_DEEP, InputError
from .located import MappedText, Span

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


def parse_json(text: str, name: str) -> object:
    """``text`` parsed as JSON (a file that must be JSON: a post, a notebook); an
    InputError naming the file when it is not valid or nested too deeply to parse."""
    try:
        return json.loads(text)
    except ValueError as error:
        raise InputError(name, f"is not valid JSON ({error}); check the file") from None
    except RecursionError:
        raise InputError(name, TOO_DEEP) from None


def decode_json_string(raw: str, start: int, base: int = 0) -> tuple[MappedText, int]:
    """The JSON string literal whose opening quote is ``raw[start]``, and the index just
    past its closing quote. Each character maps to its offset in ``raw`` plus ``base``.

    Raises ValueError when the literal never ends.
    """
    pieces: list[str] = []
    spans: list[Span] = []
    length = 0
    index = start + 1
    quote = raw.find('"', index)
    while True:
        if quote < 0:
            raise ValueError("unterminated string")
        # Each search starts where the last one stopped: a literal of a million escapes
        # is read in one pass, not rescanned up to its closing quote once per escape.
        backslash = raw.find("\\", index, quote)
        stop = quote if backslash < 0 else backslash
        if stop > index:
            pieces.append(raw[index:stop])
            spans.append((length, base + index, stop - index))
            length += stop - index
        if backslash < 0:
            return MappedText("".join(pieces), spans), quote + 1
        char, width = _escape(raw, backslash)
        pieces.append(char)
        spans.append((length, base + backslash, 1))
        length += 1
        index = backslash + width
        if quote < index:  # that quote was escaped
            quote = raw.find('"', index)


def _escape(raw: str, at: int) -> tuple[str, int]:
    """The character an escape at ``raw[at]`` stands for, and the escape's length."""
    kind = raw[at + 1 : at + 2]
    if kind != "u":
        return _JSON_ESCAPES.get(kind, kind), 2
    try:
        code = int(raw[at + 2 : at + 6], 16)
    except ValueError:
        return "\ufffd", 2
    if 0xD800 <= code < 0xDC00 and raw[at + 6 : at + 8] == "\\u":
        try:
            low = int(raw[at + 8 : at + 12], 16)
        except ValueError:
            low = 0
        if 0xDC00 <= low < 0xE000:
            return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), 12
    return ("\ufffd" if 0xD800 <= code < 0xE000 else chr(code)), 6


def string_literals(raw: str, base: int) -> Iterator[tuple[str, MappedText]]:
    """Every string literal of valid JSON ``raw``, located at ``base`` + its offset."""
    index = raw.find('"')
    while index >= 0:
        try:
            mapped, end = decode_json_string(raw, index, base)
        except ValueError:
            return
        yield mapped.text, mapped
        index = raw.find('"', end)


def walk_json(value: object) -> Iterator[object]:
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
