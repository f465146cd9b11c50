"""The small print of HTML markup: character references, attribute values, line starts.

html.parser leaves these to its caller (``convert_charrefs=False`` keeps references
apart, so each is located where it is written), and it rescans unterminated tags once
per ``<``, which :func:`defuse_unterminated` prevents.
"""

from __future__ import annotations

from html.entities import html5

#: A numeric character reference longer than this is no character (HTML5 reads it as
#: U+FFFD); it must not reach int(), which refuses numbers of thousands of digits.
_LONGEST_CHARREF = 8


def is_json_ld(attrs: list[tuple[str, str | None]]) -> bool:
    return any(k == "type" and (v or "").lower() == "application/ld+json" for k, v in attrs)


def attribute_value(tag_text: str, name: str) -> tuple[int, str] | None:
    """(offset in the tag, raw value) of attribute ``name`` in a start tag's text."""
    lower = tag_text.lower()
    at = 0
    while True:
        at = lower.find(name, at)
        if at < 0:
            return None
        before = lower[at - 1] if at else " "
        rest = at + len(name)
        while rest < len(lower) and lower[rest].isspace():
            rest += 1
        if before.isspace() and rest < len(lower) and lower[rest] == "=":
            rest += 1
            while rest < len(lower) and lower[rest].isspace():
                rest += 1
            quote = tag_text[rest : rest + 1]
            if quote in ("'", '"'):
                end = tag_text.find(quote, rest + 1)
                if end < 0:
                    return None
                return rest + 1, tag_text[rest + 1 : end]
            end = rest
            while end < len(tag_text) and not tag_text[end].isspace() and tag_text[end] != ">":
                end += 1
            return rest, tag_text[rest:end]
        at = rest


def entity_text(name: str) -> str:
    value = html5.get(name + ";") or html5.get(name)
    return value if value is not None else f"&{name}"


def charref_text(name: str) -> str:
    digits = name[1:] if name[:1] in "xX" else name
    if not digits or len(digits.lstrip("0")) > _LONGEST_CHARREF:
        return "\ufffd"
    try:
        code = int(digits, 16) if name[:1] in "xX" else int(digits)
    except ValueError:
        return f"&#{name}"
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    # Windows-1252 for the C1 range, as browsers read it.
    if 0x80 <= code <= 0x9F:
        return bytes([code]).decode("cp1252", "replace")
    return chr(code)


def line_starts(text: str) -> list[int]:
    starts, at = [0], text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


#: Stands for the ``<`` of an unterminated construct until the page reader reads it back.
DEFUSED = "\x00"


def defuse_unterminated(html: str) -> str:
    """Turn the ``<`` of tags and comments that never end into a placeholder.

    html.parser rescans from such a ``<`` to the end of the text, once per ``<``: a
    megabyte of ``<a<a<a`` takes hours. It reads an unterminated construct as text, and
    so does the placeholder, which ``handle_data`` turns back into ``<``.
    """
    last = {end: html.rfind(end) for end in ("-->", "]]>", ">")}
    cut = []
    at = html.find("<")
    while at >= 0:
        following = html[at + 1 : at + 2]
        if following.isascii() and (following.isalpha() or following in "/!?"):
            end = "-->" if html.startswith("<!--", at) else ">"
            end = "]]>" if html.startswith("<![CDATA[", at) else end
            if last[end] < at:
                cut.append(at)
        at = html.find("<", at + 1)
    if not cut:
        return html
    pieces, start = [], 0
    for at in cut:
        pieces += [html[start:at], DEFUSED]
        start = at + 1
    pieces.append(html[start:])
    return "".join(pieces)
