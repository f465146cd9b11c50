"""The formats aitag reads, and which file extensions name them."""

from __future__ import annotations

import os

FORMATS = (
    "auto", "text", "markdown", "html", "wordpress", "notebook", "rst", "asciidoc", "org",
    "jsonl", "csv", "feed",
)  # fmt: skip

#: Formats whose files are archives, a document each row or post, read as streams.
ARCHIVE_FORMATS = ("jsonl", "csv", "feed")

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
    ".org": "org",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".rss": "feed",
    ".atom": "feed",
}

#: Extensions read only in a file named on the command line (or matched by a glob), never
#: found by a folder walk: a folder's .xml files are configs, sitemaps and build files far
#: more often than WordPress exports. Such a file is read as a feed, which refuses, in one
#: line, XML that is not one.
NAMED_EXTENSION_FORMATS = {".xml": "feed"}


def extension_format(path: str) -> str | None:
    """The format a file named on the command line is read in, by its extension alone."""
    extension = os.path.splitext(path)[1].lower()
    return EXTENSION_FORMATS.get(extension) or NAMED_EXTENSION_FORMATS.get(extension)


#: Documents in formats aitag does not read. A directory walk passes over files of other
#: types (images, styles, editor backups) in silence, but counts these and says so: a
#: folder of posts written in one of them would otherwise be skipped without a word.
UNREAD_DOCUMENT_EXTENSIONS = frozenset({
    ".doc", ".docx", ".odt", ".rtf", ".pages", ".pdf", ".epub", ".tex",
    ".textile", ".wiki", ".mediawiki", ".creole", ".pod", ".rdoc", ".typ",
})  # fmt: skip
