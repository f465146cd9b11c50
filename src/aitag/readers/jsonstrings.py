"""JSON string literals decoded with the raw offset of every character, so text pulled out
of JSON (WordPress posts, JSON-LD) still points at its place in the file."""

from __future__ import annotations

import re
from collections.abc import Iterator

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


def string_literals(raw: str, base: int) -> Iterator[tuple[str, list[int]]]:
    for match in _JSON_STRING.finditer(raw):
        value, offsets = decode_json_string(raw, match.start())
        yield value, [base + offset for offset in offsets]


def walk_json(value: object) -> Iterator[object]:
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
