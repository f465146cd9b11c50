"""Jupyter notebooks (``.ipynb``): the prose of their Markdown cells, located in the file.

A notebook is JSON: Markdown cells, code cells with their outputs, raw cells. The
Markdown cells are the author's prose; code, outputs (printed tables, tracebacks, images
as base64) and raw cells are not, and are dropped as the Markdown reader drops a code
block. Each Markdown cell's source (a JSON string, or a list of them, one a line) is
decoded with a map back to the file, read by the Markdown reader, and its blocks mapped
through that map, so a passage keeps its line and column in the ``.ipynb`` file. The
heading cells of nbformat 3 (before headings were Markdown) are headings.
"""

from __future__ import annotations

import re
from typing import TypeGuard

from ..errors import InputError
from .jsonstrings import decode_json_string, parse_json
from .located import HEADING, Block, MappedText, blocks_through
from .markdown import read_markdown_blocks

_SURROGATE = re.compile("[\ud800-\udfff]")

_NOT_A_NOTEBOOK = "is not a Jupyter notebook (no list of cells); check the file"


def read_notebook_blocks(text: str, name: str = "") -> list[Block]:
    """The blocks of a notebook's Markdown cells (and nbformat 3's heading cells), in order.

    Raises InputError when ``text`` is not valid JSON or not a notebook.
    """
    notebook = parse_json(text, name)
    cells = notebook_cells(notebook)
    if cells is None:
        raise InputError(name, _NOT_A_NOTEBOOK)
    sources = _source_values(text)
    blocks: list[Block] = []
    groups = 0  # each cell's lists are numbered after the cells before it
    searched = 0  # source values before this one belong to cells already matched
    for number, cell in enumerate(cells, 1):
        source = cell.get("source") if isinstance(cell, dict) else None
        if not isinstance(cell, dict) or not _is_source(source):
            continue
        lines = _source_lines(source)
        # Every cell's source is matched, code cells' too, so that a Markdown cell is
        # located at its own source, not at an earlier cell that holds the same text.
        found = _find_source(sources, lines, searched)
        if found is None:
            if cell.get("cell_type") in _READ and "".join(lines).strip():
                # Not seen in a notebook: the located decoder reads literals as
                # json.loads does (lone surrogates as U+FFFD, as _source_lines makes them).
                raise InputError(
                    name, f"cell {number} could not be located in the file; please report this"
                )
            continue
        searched = found + 1
        cell_blocks = _cell_blocks(cell, sources[found], name)
        for block in cell_blocks:
            if block.group:
                block.group += groups
        groups = max([groups] + [block.group for block in cell_blocks])
        blocks.extend(cell_blocks)
    return blocks


#: Cells whose source is prose: Markdown, and the heading cells of nbformat 3.
_READ = ("markdown", "heading")


def _cell_blocks(cell: dict, lines: list[MappedText], name: str) -> list[Block]:
    """A cell's blocks, from its source lines decoded and located in the file."""
    kind = cell.get("cell_type")
    if kind not in _READ:
        return []
    source = MappedText()
    for line in lines:
        source.append_mapped(line)
    if kind == "heading":
        heading = source.strip()
        return [Block(HEADING, heading)] if heading.text else []
    return blocks_through(read_markdown_blocks(source.text, name), source.spans)


def notebook_cells(notebook: object) -> list | None:
    """A notebook's cells (nbformat 4, or the worksheets of nbformat 3), else None."""
    if not isinstance(notebook, dict):
        return None
    cells = notebook.get("cells")
    if isinstance(cells, list):
        return cells
    worksheets = notebook.get("worksheets")
    if isinstance(worksheets, list):
        sheets = [w.get("cells") for w in worksheets if isinstance(w, dict)]
        found = [sheet for sheet in sheets if isinstance(sheet, list)]
        if len(found) == len(sheets) == len(worksheets):
            return [cell for sheet in found for cell in sheet]
    return None


def _is_source(source: object) -> TypeGuard[str | list[str]]:
    """Whether a cell's source is as nbformat stores it: a string or a list of them."""
    return isinstance(source, str) or (
        isinstance(source, list) and all(isinstance(line, str) for line in source)
    )


def _source_lines(source: str | list[str]) -> list[str]:
    """A cell's source as the strings it is stored as (a list of lines, or one string)."""
    if isinstance(source, str):
        source = [source]
    # json.loads keeps a lone surrogate escape (\ud800); the located decoder gives U+FFFD.
    return [_SURROGATE.sub("\ufffd", line) for line in source]


def _source_values(raw: str) -> list[list[MappedText]]:
    """Each value of a ``"source":`` key, in file order, as its strings decoded and
    located (one string, or the strings of an array).

    Only those literals are decoded: the rest of a notebook (outputs, base64 images,
    metadata) is passed over by ``str.find``. In JSON, a quote before ``source"`` always
    opens a literal (a string closes before a blank or ``,:]}``), and a key is the one
    followed by a colon.
    """
    values = []
    key = raw.find('"source"')
    while key >= 0:
        at = _after_blanks(raw, key + len('"source"'))
        key = raw.find('"source"', at)
        if not raw.startswith(":", at):
            continue
        at = _after_blanks(raw, at + 1)
        lines: list[MappedText] = []
        try:
            if raw.startswith('"', at):
                lines.append(decode_json_string(raw, at)[0])
            elif raw.startswith("[", at):
                at = _after_blanks(raw, at + 1)
                while raw.startswith('"', at):
                    mapped, at = decode_json_string(raw, at)
                    lines.append(mapped)
                    at = _after_blanks(raw, at)
                    if raw.startswith(",", at):
                        at = _after_blanks(raw, at + 1)
            else:
                continue
        except ValueError:  # a string that never ends: not valid JSON, refused before
            break
        values.append(lines)
        key = raw.find('"source"', at)
    return values


def _after_blanks(raw: str, at: int) -> int:
    while raw[at : at + 1] in (" ", "\t", "\r", "\n"):
        at += 1
    return at


def _find_source(sources: list[list[MappedText]], lines: list[str], searched: int) -> int | None:
    """The first source value from ``searched`` on that is exactly ``lines``.

    Cells come in file order, each with one source, so the search goes on where the last
    one stopped and each value is compared once: linear in the notebook's size.
    """
    count = len(lines)
    for position in range(searched, len(sources)):
        value = sources[position]
        # Compared line by line, stopping at the first that differs: a value costs what
        # it shares with the cell sought, not the cell's length.
        if len(value) == count and all(mapped.text == line for mapped, line in zip(value, lines)):
            return position
    return None
