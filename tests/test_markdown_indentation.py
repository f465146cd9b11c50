"""Markdown: indented lines are prose when CommonMark says so; only code blocks are dropped."""

from __future__ import annotations

from aitag.readers import parse_bytes

POST = """# Title

Intro paragraph about models.
   An indented continuation line of the same paragraph.

 Paragraph indented by one space discusses language models.

- A list item that says something about prompts and tokens
  and continues on an indented line about context windows.

1. First step explains training data.
   Its indented second line explains features.

Text before a code block.

    def code():
        return "dropped"
"""


def passages(text: str) -> list[tuple[str, int, int]]:
    (document,) = parse_bytes(text.encode(), "post.md")
    return [(p.text, p.line, p.column) for p in document.passages]


def test_indented_prose_lines_are_kept_and_located():
    assert passages(POST) == [
        (
            "Intro paragraph about models.\nAn indented continuation line of the same paragraph.",
            3,
            1,
        ),
        ("Paragraph indented by one space discusses language models.", 6, 2),
        (
            "A list item that says something about prompts and tokens\n"
            "and continues on an indented line about context windows.",
            8,
            3,
        ),
        ("First step explains training data.\nIts indented second line explains features.", 11, 4),
        ("Text before a code block.", 14, 1),
    ]


def test_an_indented_code_block_is_not_prose():
    found = " ".join(text for text, _, _ in passages(POST))
    assert "dropped" not in found and "def code" not in found
