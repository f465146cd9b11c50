"""Bytes to text: UTF-8, UTF-16, legacy 8-bit code pages; binary files refused."""

from __future__ import annotations

import re

from ..errors import InputError

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
