"""The formats aitag reads, and which file extensions name them."""

from __future__ import annotations

FORMATS = (
    "auto", "text", "markdown", "html", "wordpress", "notebook", "rst", "asciidoc", "org",
    "jsonl", "csv",
)  # fmt: skip

EXTENSION_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".qmd": "markdown",  # Quarto
    ".rmd": "markdown",  # R Markdown
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "wordpress",
    ".ipynb": "notebook",
    ".rst": "rst",
    ".rest": "rst",
    ".adoc": "asciidoc",
    ".asciidoc": "asciidoc",
    ".asc": "asciidoc",
    ".org": "org",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
