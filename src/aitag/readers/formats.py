"""The formats aitag reads, and which file extensions name them."""

from __future__ import annotations

FORMATS = (
    "auto", "text", "markdown", "html", "wordpress", "notebook", "rst", "asciidoc", "jsonl", "csv",
)  # fmt: skip

EXTENSION_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    # Markdown's other extensions, as Jekyll and GitHub know them.
    ".mdown": "markdown",
    ".mdwn": "markdown",
    ".mkd": "markdown",
    ".mkdn": "markdown",
    ".mkdown": "markdown",
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
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}

#: Documents in formats aitag does not read. A directory walk passes over files of other
#: types (images, styles, editor backups) in silence, but counts these and says so: a
#: folder of posts written in one of them would otherwise be skipped without a word.
UNREAD_DOCUMENT_EXTENSIONS = frozenset({
    ".doc", ".docx", ".odt", ".rtf", ".pages", ".pdf", ".epub", ".tex", ".org",
    ".textile", ".wiki", ".mediawiki", ".creole", ".pod", ".rdoc", ".typ",
})  # fmt: skip
