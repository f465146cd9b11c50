"""WordPress REST API posts: title and content, read as HTML blocks located in the file."""

from __future__ import annotations

import json
import re

from ..errors import TOO_DEEP, InputError
from .html import read_html_blocks_mapped
from .jsonstrings import decode_json_string
from .located import MappedText


def read_wordpress_blocks(text: str, name: str = "") -> list[MappedText]:
    """A WordPress REST API post: title, content (HTML) and FAQ answers in its JSON-LD."""
    try:
        post = json.loads(text)
    except ValueError as error:
        raise InputError(name, f"is not valid JSON ({error}); check the file") from None
    except RecursionError:
        raise InputError(name, TOO_DEEP) from None
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
