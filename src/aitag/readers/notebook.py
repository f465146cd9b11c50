"""Jupyter notebooks (``.ipynb``): the prose of their Markdown cells, located in the file.

A notebook is JSON: Markdown cells, code cells with their outputs, raw cells. The
Markdown cells are the author's prose; code, outputs (printed tables, tracebacks, images
as base64) and raw cells are not, and are dropped as the Markdown reader drops a code
block. Each Markdown cell's source (a JSON string, or a list of them, one a line) is
decoded with a map back to the file, read by the Markdown reader, and its blocks mapped
through that map, so a passage keeps its line and column in the ``.ipynb`` file.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left

from ..errors import TOO_DEEP, InputError
from .jsonstrings import decode_json_string
from .located import Block, MappedText, blocks_through
from .markdown import read_markdown_blocks

_SURROGATE = re.compile("[\ud800-\udfff]")

_NOT_A_NOTEBOOK = "is not a Jupyter notebook (no list of cells); check the file"


def read_notebook_blocks(text: str, name: str = "") -> list[Block]:
    """The blocks of a notebook's Markdown cells, in order.

    Raises InputError when ``text`` is not valid JSON or not a notebook.
    """
    try:
        notebook = json.loads(text)
    except ValueError as error:
        raise InputError(name, f"is not valid JSON ({error}); check the file") from None
    except RecursionError:
        raise InputError(name, TOO_DEEP) from None
    cells = notebook_cells(notebook)
    if cells is None:
        raise InputError(name, _NOT_A_NOTEBOOK)
    literals, sources = _literals(text)
    blocks: list[Block] = []
    groups = 0  # each cell's lists are numbered after the cells before it
    searched = 0  # literals before this one belong to cells already read
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        lines = _source_lines(cell.get("source"))
        if not "".join(lines).strip():
            continue
        found = _find_run(literals, sources, lines, searched)
        if found is None:
            # Not seen in a notebook: the located decoder reads literals as json.loads
            # does (lone surrogate escapes as U+FFFD, as _source_lines makes them).
            raise InputError(
                name, f"cell {number} could not be located in the file; please report this"
            )
        searched = found + len(lines)
        cell_blocks = _cell_blocks(literals[found:searched], name)
        for block in cell_blocks:
            if block.group:
                block.group += groups
        groups = max([groups] + [block.group for block in cell_blocks])
        blocks.extend(cell_blocks)
    return blocks


def _cell_blocks(lines: list[MappedText], name: str) -> list[Block]:
    """A Markdown cell's blocks, from its source lines decoded and located in the file."""
    source = MappedText()
    for line in lines:
        source.append_mapped(line)
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
        if found and len(found) == len(sheets):
            return [cell for sheet in found for cell in sheet]
    return None


def _source_lines(source: object) -> list[str]:
    """A cell's source as the strings it is stored as (a list of lines, or one string)."""
    if isinstance(source, str):
        source = [source]
    if not isinstance(source, list) or not all(isinstance(line, str) for line in source):
        return []
    # json.loads keeps a lone surrogate escape (\ud800); the located decoder gives U+FFFD.
    return [_SURROGATE.sub("\ufffd", line) for line in source]


def _literals(raw: str) -> tuple[list[MappedText], list[int]]:
    """Every string literal of the notebook, located, in file order; and where the value
    of each ``"source":`` key begins among them (a cell's source is one of those)."""
    literals: list[MappedText] = []
    sources: list[int] = []
    index = raw.find('"')
    while index >= 0:
        try:
            mapped, end = decode_json_string(raw, index)
        except ValueError:
            break
        literals.append(mapped)
        if mapped.text == "source":
            after = end
            while raw[after : after + 1] in (" ", "\t", "\r", "\n"):
                after += 1
            if raw.startswith(":", after):
                sources.append(len(literals))
        index = raw.find('"', end)
    return literals, sources


def _find_run(
    literals: list[MappedText], sources: list[int], lines: list[str], searched: int
) -> int | None:
    """The first source value at or after literal ``searched`` that is ``lines``.

    Only values of ``"source"`` keys are tried, each once for the cell after it, so a
    notebook is matched in time linear in its size whatever its cells repeat.
    """
    count = len(lines)
    for start in sources[bisect_left(sources, searched) :]:
        if start + count > len(literals):
            break
        # Compared line by line, stopping at the first that differs: a code cell's source
        # costs what it shares with the cell sought, not that cell's length.
        if all(literals[start + k].text == line for k, line in enumerate(lines)):
            return start
    return None
