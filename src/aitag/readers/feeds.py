"""Feeds and WordPress exports: RSS, Atom and WXR files read as archives of posts.

Each post (an RSS ``<item>``, an Atom ``<entry>``) is a document, as each row of a JSON
Lines file is: its HTML is read whole by the HTML reader, as a WordPress REST post's is,
and its passages are located in that HTML (line 1 is the post's first line, not the
file's). The file is parsed as a stream: only the fields of the post being read are
kept, so a 200 MB export takes no more memory than its largest post.

XML from the web is untrusted. defusedxml's parser refuses entity declarations (the
"billion laughs" and the entities that read local files or URLs) and external
references; DTDs are never fetched (expat's default). A malformed file keeps the posts
read before the error, which names the line where the file broke.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..errors import InputError
from .html import read_html_blocks
from .located import Document
from .passages import document_of
from .plain import plain_document

#: Local names of the root elements of the files this reader reads: RSS 2.0 (and
#: WordPress exports, which are RSS 2.0), Atom, and RSS 1.0 (RDF).
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_RSS1 = "{http://purl.org/rss/1.0/}"
#: WXR 1.0, 1.1 and 1.2 differ in this namespace's last part only.
_WXR_NAMESPACE = "{http://wordpress.org/export/"

#: WordPress post types that are an article; attachments, menu items, revisions,
#: reusable blocks, custom CSS and the rest are not.
WXR_POST_TYPES = frozenset({"post", "page"})
#: WordPress statuses of posts nobody means to publish: thrown away, or saved by the
#: editor on its own. Drafts and private posts are kept: an editor may want them tagged.
WXR_SKIPPED_STATUSES = frozenset({"trash", "auto-draft"})

#: Bytes fed to the parser at a time.
_CHUNK = 1 << 20
#: HTML elements without an end tag, for XHTML content written back as HTML.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})  # fmt: skip


@dataclass
class _Item:
    """The fields of one post, as the parser finds them."""

    number: int  # 1 for the file's first item or entry
    line: int  # where it starts in the file
    fields: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # Atom type of content, summary, title
    atom_link: str = ""
    too_long: bool = False


def read_feed(handle: BinaryIO, name: str, max_bytes: int) -> Iterator[Document | InputError]:
    """The posts of an RSS or Atom feed or a WordPress export (WXR), a document each.

    A post larger than ``max_bytes`` is an error naming its line, and the next is read.
    Raises nothing for a bad file: an InputError in the stream says what was wrong (not
    a feed, malformed from a line on, refused XML, no post at all) after the posts read
    before it.
    """
    target = _FeedTarget(max_bytes)
    ended: InputError | None = None
    try:
        for items in _parsed(handle, target, max_bytes):
            for item in items:
                yield _document(item, name, max_bytes)
    except _NotAFeed as error:
        ended = InputError(
            name,
            f"is XML but not a feed: its root element is <{error.root}>; aitag reads RSS, "
            "Atom and WordPress exports (WXR) among XML files",
        )
    except _Stalled as error:
        ended = InputError(
            f"{name}:{error.line}",
            f"holds one XML token (a tag, comment or declaration) longer than the "
            f"{max_bytes:,}-byte limit; the rest of the file was not read",
        )
    except _Malformed as error:
        if not target.items and error.blank:
            ended = InputError(name, "is empty; nothing to tag")
        else:
            read = f"the {target.posts} post(s) before it were read, " if target.posts else ""
            ended = InputError(
                f"{name}:{error.line}",
                f"is not well-formed XML ({error.reason}); {read}the rest was not",
            )
    except _Refused as error:
        ended = InputError(f"{name}:{error.line}", error.reason)
    if ended is not None:
        yield ended
    elif not target.posts:
        yield InputError(name, _no_posts(target))


def _no_posts(target: _FeedTarget) -> str:
    if not target.items:
        return "is a feed without posts; nothing to tag"
    skipped = ", ".join(f"{kind} {count}" for kind, count in sorted(target.skipped.items()))
    return f"holds no post or page to tag (it has {skipped}); nothing to tag"


def _document(item: _Item, name: str, max_bytes: int) -> Document | InputError:
    where = f"{name}:{item.line}"
    if item.too_long:
        return InputError(
            where, f"is a post longer than the {max_bytes:,}-byte limit; raise --max-bytes"
        )
    fields = item.fields
    doc_id = _first(fields, "post_id", "guid", "link", "id") or item.atom_link or str(item.number)
    text, kind = "", "html"
    for key in ("encoded", "description", "content", "summary"):
        if fields.get(key, "").strip():
            text, kind = fields[key], item.kinds.get(key, "html")
            break
    if len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        return InputError(
            where, f"is a post longer than the {max_bytes:,}-byte limit; raise --max-bytes"
        )
    if kind == "text":
        document = plain_document(doc_id, name, text)
        document.format = "feed"
    else:
        # A post's HTML is an article body already: read whole, like a WordPress REST post.
        document = document_of(
            doc_id, name, text, read_html_blocks(text, name, whole_page=True), "feed"
        )
    document.title = _title(fields.get("title", ""), item.kinds.get("title", "rss"))
    return document


def _first(fields: dict[str, str], *keys: str) -> str:
    for key in keys:
        value = fields.get(key, "").strip()
        if value:
            return value
    return ""


def _title(title: str, kind: str) -> str:
    if kind == "rss":
        # RSS says its titles are plain text, but WordPress and many others escape them as
        # HTML ("Q&amp;A", "&#8217;"), in CDATA or not: their characters are the title.
        title = html.unescape(title)
    elif kind != "text":
        # Atom lets a title be HTML ("<em>GPT</em>, again"); its words are the title.
        title = " ".join(block.text.text for block in read_html_blocks(title, whole_page=True))
    return " ".join(title.split())


# ---------------------------------------------------------------- parsing


class _Malformed(Exception):
    def __init__(self, line: int, reason: str, blank: bool):
        super().__init__(reason)
        self.line, self.reason, self.blank = line, reason, blank


class _NotAFeed(Exception):
    def __init__(self, root: str):
        super().__init__(root)
        self.root = root


class _Stalled(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _Refused(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def _parsed(handle: BinaryIO, target: _FeedTarget, max_bytes: int) -> Iterator[list[_Item]]:
    """The items the parser completes as the file is fed to it, a batch per chunk.

    A single token (a tag, a comment, a declaration) longer than ``max_bytes`` is
    refused: expat holds a token whole, and before 2.6 takes time that grows faster than
    its length to parse one (a 16 MB comment 0.2 s, a 64 MB one 2.3 s).
    """
    # Imported here: a batch without a feed need not pay for it (about 20 ms).
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    parser = DefusedXMLParser(target=target)
    target.expat = parser.parser
    stalled, seen, blank = 0, 0, True
    try:
        while True:
            chunk = handle.read(_CHUNK)
            blank = blank and not chunk.strip()
            if not chunk:
                parser.close()
                yield target.take()
                return
            parser.feed(chunk)
            yield target.take()
            if target.events == seen:  # inside one token all along this chunk
                stalled += len(chunk)
                if stalled > max_bytes:
                    raise _Stalled(parser.parser.CurrentLineNumber)
            else:
                seen, stalled = target.events, 0
    except ParseError as error:
        yield target.take()
        line = error.position[0] if error.position else 0
        raise _Malformed(line, _expat_reason(error), blank) from None
    except DefusedXmlException as error:
        yield target.take()
        raise _Refused(parser.parser.CurrentLineNumber, _refusal(error)) from None


def _expat_reason(error: Exception) -> str:
    """ "mismatched tag" of "mismatched tag: line 12, column 4"."""
    return str(error).split(":", 1)[0]


def _refusal(error: Exception) -> str:
    from defusedxml import EntitiesForbidden

    if isinstance(error, EntitiesForbidden):
        return (
            f"declares an XML entity ({error.name}); aitag refuses entity declarations, which "
            "can expand a small file into gigabytes or read other files"
        )
    return "refers to an external entity; aitag refuses them, as they can read other files or URLs"


class _FeedTarget:
    """Receives the parser's events; keeps the fields of the item being read, nothing else.

    Tags arrive as ``{namespace}local``. Markup inside a kept field (Atom's XHTML
    content, or HTML a feed left unescaped in a description) is written back as HTML, so
    the post's HTML reader sees it.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.expat: Any = None  # the parser's expat object, for line numbers
        self.events = 0  # every event counts: it shows the parser is moving
        self.depth = 0
        self.root_checked = False
        self.items = 0
        self.posts = 0
        self.skipped: Counter[str] = Counter()
        self.done: list[_Item] = []
        self.item: _Item | None = None
        self.item_depth = 0
        self.key: str | None = None  # the field being read, at item_depth + 1
        self.pieces: list[str] = []
        self.size = 0

    def take(self) -> list[_Item]:
        done, self.done = self.done, []
        return done

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.events += 1
        self.depth += 1
        if not self.root_checked:
            self.root_checked = True
            local = tag.rsplit("}", 1)[-1]
            if local not in FEED_ROOTS:
                raise _NotAFeed(local)
        if self.item is None:
            if tag in ("item", _RSS1 + "item", _ATOM + "entry"):
                self.items += 1
                line = self.expat.CurrentLineNumber if self.expat is not None else 0
                self.item = _Item(self.items, line)
                self.item_depth = self.depth
            return
        if self.key is not None:
            self._markup_start(tag, attrib)
        elif self.depth == self.item_depth + 1:
            self.key = _field_name(tag)
            if self.key is not None:
                self.pieces, self.size = [], 0
                if tag.startswith(_ATOM):  # Atom's text constructs are plain text by default
                    self.item.kinds[self.key] = _atom_kind(attrib.get("type", "text"))
            if tag == _ATOM + "link" and attrib.get("rel", "alternate") == "alternate":
                self.item.atom_link = self.item.atom_link or attrib.get("href", "")

    def end(self, tag: str) -> None:
        self.events += 1
        self.depth -= 1
        item = self.item
        if item is None:
            return
        if self.depth < self.item_depth:
            self._item_done(item)
        elif self.key is not None:
            if self.depth == self.item_depth:
                item.fields[self.key] = "".join(self.pieces)
                self.key, self.pieces = None, []
            else:
                self._markup_end(tag)

    def data(self, text: str) -> None:
        self.events += 1
        if self.key is None or self.item is None:
            return
        markup = self.depth > self.item_depth + 1 or self.item.kinds.get(self.key) == "xhtml"
        self._add(html.escape(text, quote=False) if markup else text)

    def comment(self, text: str) -> None:
        self.events += 1

    def pi(self, target: str, text: str) -> None:
        self.events += 1

    def close(self) -> None:
        return None

    def _add(self, piece: str) -> None:
        if self.item is None or self.item.too_long:
            return
        self.size += len(piece)
        if self.size > self.max_bytes:  # characters: at least as many bytes
            self.item.too_long = True
            self.pieces = []
            return
        self.pieces.append(piece)

    def _markup_start(self, tag: str, attrib: dict[str, str]) -> None:
        name = tag.rsplit("}", 1)[-1]
        attributes = "".join(
            f' {key.rsplit("}", 1)[-1]}="{html.escape(value)}"' for key, value in attrib.items()
        )
        self._add(f"<{name}{attributes}>")

    def _markup_end(self, tag: str) -> None:
        name = tag.rsplit("}", 1)[-1]
        if name not in _VOID:
            self._add(f"</{name}>")

    def _item_done(self, item: _Item) -> None:
        self.item, self.key, self.pieces = None, None, []
        fields = item.fields
        post_type = fields.get("post_type", "").strip()
        status = fields.get("status", "").strip()
        if post_type and post_type not in WXR_POST_TYPES:
            self.skipped[post_type] += 1
        elif status in WXR_SKIPPED_STATUSES:
            self.skipped[status] += 1
        else:
            self.posts += 1
            self.done.append(item)


def _field_name(tag: str) -> str | None:
    """The name a post's field is kept under, or None for a field not read."""
    if tag.startswith(_WXR_NAMESPACE):
        local = tag.rsplit("}", 1)[-1]
        return local if local in ("post_id", "post_type", "status") else None
    return _FIELDS.get(tag)


_FIELDS = {
    "title": "title",
    "description": "description",
    "guid": "guid",
    "link": "link",
    _CONTENT + "encoded": "encoded",
    _RSS1 + "title": "title",
    _RSS1 + "description": "description",
    _RSS1 + "link": "link",
    _ATOM + "title": "title",
    _ATOM + "content": "content",
    _ATOM + "summary": "summary",
    _ATOM + "id": "id",
}


def _atom_kind(kind: str) -> str:
    """ "html", "xhtml" or "text" for Atom's type attribute ("text/html" is HTML too)."""
    kind = kind.strip().lower()
    if kind in ("html", "xhtml", "text"):
        return kind
    return "html" if kind.endswith(("html", "xml")) else "text"
