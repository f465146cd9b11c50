"""Typed errors: the library raises these, the CLI turns each into one line and an exit code."""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` on one line: newlines, control and format characters and undecodable
    bytes of a file name shown as escapes, so an error stays one line naming its file."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


class AitagError(Exception):
    """Base class of every error aitag raises on purpose."""


class InputError(AitagError):
    """A document cannot be read: missing, unreadable, binary, empty, badly encoded, malformed."""

    def __init__(self, path: str, message: str, about: str | None = None):
        super().__init__(f"{printable(path)}: {printable(message)}")
        self.path = path
        self.reason = message
        #: A kind of error of a file's rows that is shown once a file and counted for
        #: every row (a --text-field not given fails every row for one reason).
        self.about = about
        self.shown = True

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str | None]]:
        # Rebuilt from its arguments when it crosses a process boundary (parallel jobs).
        return (type(self), (self.path, self.reason, self.about))


class InputWarning:
    """A document that was read but says nothing to tag (no prose): reported, not failed.

    Streams yield it just before the document's record, which has no tags.
    """

    def __init__(self, path: str, message: str):
        self.path = path
        self.reason = message

    def __str__(self) -> str:
        return f"{printable(self.path)}: {printable(self.reason)}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InputWarning) and (self.path, self.reason) == (
            other.path,
            other.reason,
        )


class FileWarning(InputWarning):
    """A warning about the rows of a file, said once a file however many rows it concerns;
    ``about`` names what it is about, so that two kinds of warning of one file are each said.

    It comes before the record of the first row it concerns; unlike a document's
    warning, it stays when --resume leaves that record out, as the file is still read.
    """

    def __init__(self, path: str, message: str, about: str):
        super().__init__(path, message)
        self.about = about


#: The warning for a document without prose.
NO_PROSE = "has no prose to tag (only markup, code, headings or nothing); it gets no tags"


class ModelError(AitagError):
    """A model file is missing, tampered with, untrusted or incompatible."""


class CorpusError(AitagError):
    """Labelled records break the format of LABELS.md."""


#: The message for JSON nested deeper than the parser's stack allows.
TOO_DEEP = "is JSON nested too deeply to read; check the file"


def document_name(path: str, doc_id: str) -> str:
    """How a document is named to people: its file, ``path#id`` for a row of a file, its id
    for a text without a file."""
    if not path or doc_id == path:
        return path or doc_id
    return f"{path}#{doc_id}"
