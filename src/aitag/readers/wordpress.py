"""WordPress REST API posts: title and content, read as HTML blocks located in the file."""

from __future__ import annotations

from ..errors import InputError
from .html import read_html_blocks_mapped
from .jsonstrings import decode_json_string, parse_json
from .located import TITLE, Block

_NOT_A_POST = (
    "is not a WordPress post (no title.rendered or content.rendered); "
    "use --input-format jsonl for rows, or another extension"
)


def read_wordpress_blocks(text: str, name: str = "", whole_page: bool = False) -> list[Block]:
    """A WordPress REST API post: its title, and the blocks of its content (HTML).

    The content is an article body already, so it is read whole (``whole_page`` is
    accepted for a uniform signature). Raises InputError when ``text`` is not valid JSON
    or not a post.
    """
    post = parse_json(text, name)
    if not isinstance(post, dict):
        raise InputError(name, _NOT_A_POST)
    wanted = {key: _rendered(post, key) for key in ("title", "content")}
    if wanted["title"] is None and wanted["content"] is None:
        raise InputError(name, _NOT_A_POST)
    found: dict[str, list[Block]] = {}
    for start in _rendered_literals(text):
        try:
            mapped, _ = decode_json_string(text, start)
        except ValueError:
            break
        for key, expected in wanted.items():
            if key not in found and mapped.text == expected:
                found[key] = read_html_blocks_mapped(mapped, whole_page=True)
    blocks = found.get("content", [])
    title = found.get("title")
    if title:
        # The title is one line of HTML (entities, maybe <em>): one TITLE block.
        first = title[0]
        blocks.insert(0, Block(TITLE, first.text))
    return blocks


def _rendered_literals(text: str):
    """Offsets of the opening quote of each ``"rendered": "..."`` value, in order."""
    key = '"rendered"'
    at = text.find(key)
    while at >= 0:
        index = at + len(key)
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        if text.startswith(":", index):
            index += 1
            while index < len(text) and text[index] in " \t\r\n":
                index += 1
            if text.startswith('"', index):
                yield index
        at = text.find(key, index)


def _rendered(post: dict, key: str) -> str | None:
    value = post.get(key)
    if isinstance(value, dict) and isinstance(value.get("rendered"), str):
        return value["rendered"]
    return None
