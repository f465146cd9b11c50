"""Every reader is linear in its input: time on 4n against time on n, in one run.

Each shape is one an attack found slow (or one like it). The ratio of two timings taken
side by side is compared, never a timing alone: linear work takes about 4x, quadratic
work 16x; anything above 6x (about 5x, with slack for a busy machine) fails.
"""

from __future__ import annotations

import gc
import io
import json
import time

import pytest

from aitag.errors import InputError
from aitag.readers import parse_bytes
from aitag.readers.feeds import read_feed
from aitag.readers.rows import read_csv

#: Largest allowed ratio of the time on 4n to the time on n.
MAX_RATIO = 6.0


def _seconds(run, data) -> float:
    """Best CPU time of three runs of this process, the cyclic garbage collector off.

    CPU time, so other processes on a busy machine do not count; no collector, whose
    full collections cost with everything else the test session holds in memory and
    come in steps (none on n, one on 4n), which is not the reader's time.
    """
    best = float("inf")
    for _ in range(3):
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            run(data)
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best


def _parse(name):
    def run(data: bytes) -> list:
        try:
            return list(parse_bytes(data, name))
        except InputError as error:  # a refused file is a result too
            return [error]

    return run


def _csv(data: bytes) -> list:
    stream = io.StringIO(data.decode(), newline="")
    return list(read_csv(stream, "r.csv", "text", "id", 1_000_000))


def _notebook(cells: list[tuple[str, list[str]]]) -> bytes:
    return json.dumps(
        {"cells": [{"cell_type": kind, "metadata": {}, "source": source} for kind, source in cells]}
    ).encode()


def _wordpress(body: str) -> bytes:
    return json.dumps({"title": {"rendered": "Post"}, "content": {"rendered": body}}).encode()


SHAPES = {
    # HTML fragments (read whole) ...
    "html nested svg, stray </p>": ("a.html", lambda n: b"<svg>" * n + b"</p>" * n, 10_000),
    "html bold in one paragraph": ("a.html", lambda n: b"<p>" + b"<b>xy</b> " * n + b"</p>", 8_000),
    "html &amp; in one paragraph": ("a.html", lambda n: b"<p>" + b"&amp; " * n + b"</p>", 10_000),
    "html numeric reference digits": ("a.html", lambda n: b"<p>GPT &#" + b"9" * n + b"; x</p>", 200_000),
    "html unclosed tags": ("a.html", lambda n: b"<p>GPT</p>" + b"<a" * n, 50_000),
    "html stray end tags": ("a.html", lambda n: b"<p>GPT</p>" + b"</" * n, 50_000),
    "html nested divs": ("a.html", lambda n: b"<div>" * n + b"<p>GPT</p>" + b"</div>" * n, 10_000),
    "html list items": ("a.html", lambda n: b"<ul>" + b"<li>a model item</li>" * n + b"</ul>", 4_000),
    # ... and pages, cut to their main content.
    "html page of paragraphs": (
        "a.html",
        lambda n: b"<html><body><nav>Home</nav><article>"
        + b"".join(b"<p>Paragraph %d: a language model writes text.</p>" % i for i in range(n))
        + b"</article><footer>x</footer></body></html>",
        1_000,
    ),
    "html page, bold in one paragraph": (
        "a.html",
        lambda n: b"<html><body><p>" + b"<b>xy</b> " * n + b"</p></body></html>",
        5_000,
    ),
    "wordpress post of paragraphs": (
        "p.json",
        lambda n: _wordpress("".join(f"<p>Paragraph {i} &amp; a model.</p>\n" for i in range(n))),
        1_000,
    ),
    "wordpress escapes": ("p.json", lambda n: _wordpress("<p>" + "a\n" * n + "</p>"), 50_000),
    "json nested": ("d.json", lambda n: b'{"content": {"rendered": ' + b"[" * n + b"]" * n + b"}}", 20_000),
    "notebook of cells": (
        "n.ipynb",
        lambda n: _notebook([("markdown", ["A model writes.\n", "x"]), ("code", ["x = 1"])] * n),
        1_000,
    ),
    "notebook, code cells like the Markdown cell after them": (
        "n.ipynb",
        lambda n: _notebook([("code", ["x\n"] * n)] * 20 + [("markdown", ["x\n"] * n + ["y"])]),
        2_000,
    ),
    "notebook, many code cells before a long Markdown cell": (
        "n.ipynb",
        lambda n: _notebook([("code", ["x\n"])] * n + [("markdown", ["x\n"] * n + ["y"])]),
        2_000,
    ),
    "markdown attribute-like braces": (
        "a.md",
        lambda n: b"Text (x){" + b"a " * 90 + b"b=\\" + b"}\n" + b"[a]{.b} `x` " * n + b"\n",
        5_000,
    ),
    "markdown display math across blank lines": (
        "a.md",
        lambda n: b"$$\nx_1 = 2\n\n$$ and\n" * n + b"$$ never closed\n\n" * n,
        5_000,
    ),
    "markdown unclosed braces after links": ("a.md", lambda n: b"[a](b){" * n + b"\n", 20_000),
    "markdown attribute lists on one long line": (
        "a.md",
        lambda n: b"    " * n + b"x [a]{.b} [c]{: #d}" * n + b" {x}" * n + b"\n",
        20_000,
    ),
    "rst paragraphs": ("a.rst", lambda n: b"Title\n=====\n\n" + b"A model ``x`` writes.\n\n" * n, 5_000),
    "rst unmatched backquotes": ("a.rst", lambda n: b"Text " + b"`` ` " * n + b"\n", 20_000),
    "rst list items": ("a.rst", lambda n: b"* item about models\n" * n, 5_000),
    "rst substitution references": ("a.rst", lambda n: b"|a| " * n + b"x\n\n" + b"|" * n + b"\n", 20_000),
    "rst markup across lines": ("a.rst", lambda n: b"A `link\n" + b"word ``x\n" * n + b"`\n", 20_000),
    "adoc paragraphs": ("a.adoc", lambda n: b"= T\n\n" + b"A model `x` writes [text].\n\n" * n, 5_000),
    "adoc unmatched brackets": ("a.adoc", lambda n: b"Text " + b"[ ` << " * n + b"\n", 20_000),
    "adoc unclosed listing": ("a.adoc", lambda n: b"----\n" + b"code\n" * n, 20_000),
    "adoc attribute references": ("a.adoc", lambda n: b"Text " + b"{a}{b" * n + b"\n", 20_000),
    "adoc template tags": ("a.adoc", lambda n: b"Text <@a/> <@b " * n + b"\n" + b"<#x\n" * n, 20_000),
    "org headlines": ("a.org", lambda n: b"#+TITLE: T\n" + b"* TODO [#A] A heading on models [1/2] :ml:\nA model writes.\n" * n, 2_000),
    "org unclosed source blocks": ("a.org", lambda n: b"* H\n" + b"#+BEGIN_SRC python\nx = 1\n" * n, 5_000),
    "org blocks closed past the next headline": ("a.org", lambda n: b"#+begin_src\n:LOG:\n\\begin{x}\n* H\n#+end_src\n:END:\n" * n, 5_000),
    "org unmatched links and markers": ("a.org", lambda n: b"Text " + b"[[a ][ ~b =c *d /e _f +g $h <<i " * n + b"\n", 5_000),
    "org unmatched objects over lines": ("a.org", lambda n: b"Text\n" + b"~a =b *c [[d \\(e @@f: {{{g src_h{ [fn::\n" * n, 5_000),
    "org markup opened on every line, closed at the end": ("a.org", lambda n: b"Text\n" + b"*a /b =c\n" * n + b"d* e/ f=\n", 5_000),
    "org long drawers": ("a.org", lambda n: b"* H\n:LOGBOOK:\n" + b"CLOCK: [2025-01-01 Wed]\n" * n + b":END:\n" + b":PROPERTIES:\n:ID: x\n" * n, 5_000),
    "org nested markup and footnotes": ("a.org", lambda n: b"*a " * n + b"b*" * n + b" [fn::" * n + b"c" + b"]" * n + b"\n", 10_000),
    "org commented subtrees": ("a.org", lambda n: b"* COMMENT a\n** b\nText.\n" * n + b"* c\nText.\n", 10_000),
}  # fmt: skip


def _feed_items(n: int) -> bytes:
    item = (
        b"<item><title><![CDATA[Post]]></title><guid>g</guid><content:encoded><![CDATA[<h2>H</h2>"
        b"<p>A model writes &amp; reads.</p><pre>x</pre>]]></content:encoded><wp:post_id>1"
        b"</wp:post_id><wp:post_type>post</wp:post_type><wp:comment><wp:comment_content>c"
        b"</wp:comment_content></wp:comment></item>\n"
    )
    head = (
        b'<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        b'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
    )
    return head + item * n + b"</channel></rss>"


def _feed_post(body: bytes) -> bytes:
    return b"<rss><channel><item><description>" + body + b"</description></item></channel></rss>"


#: Feeds are read as streams: their time includes feeding the parser chunk by chunk,
#: where a token longer than a chunk was parsed again with each chunk (expat < 2.6). No
#: long comment: expat 2.5 itself takes superlinear time on one (docs/guarantees.md).
FEED_SHAPES = {
    "feed of many items": (_feed_items, 500),
    "feed, elements nested deep in a post": (lambda n: _feed_post(b"<b>" * n + b"x" + b"</b>" * n), 10_000),
    "feed, elements nested deep outside posts": (lambda n: b"<rss>" + b"<x>" * n + b"</x>" * n + b"</rss>", 20_000),
    "feed, one huge CDATA post": (lambda n: _feed_post(b"<![CDATA[" + b"<p>a model</p>" * n + b"]]>"), 20_000),
    "feed, entities in a post": (lambda n: _feed_post(b"&lt;p&gt;" + b"&amp; " * n), 50_000),
    "feed, one long attribute": (lambda n: b'<rss a="' + b"x" * n + b'"></rss>', 1_000_000),
}  # fmt: skip

CSV_SHAPES = {
    "csv rows": (lambda n: b"id,text\n" + b'1,"A model, quoted"\n' * n, 10_000),
    "csv quote never closed": (lambda n: b'id,text\n1,"open\n' + b"2,row\n" * n, 10_000),
    "csv many quotes in a field": (lambda n: b'id,text\n1,"' + b'""' * n + b'"\n', 100_000),
    "csv broken quoting on every row": (lambda n: b"id,text\n" + b'1,"a"b\n' * n, 10_000),
}


def _check(run, make, n):
    small, large = make(n), make(4 * n)
    run(small)  # warm: imports, caches
    for _attempt in range(2):  # a second look, in case another process took the CPU
        seconds_n, seconds_4n = _seconds(run, small), _seconds(run, large)
        # Below a few milliseconds the ratio is noise: allow a floor.
        ratio = seconds_4n / max(seconds_n, 0.005)
        if ratio < MAX_RATIO:
            return
    raise AssertionError(f"{seconds_n:.3f}s for n, {seconds_4n:.3f}s for 4n ({ratio:.1f}x)")


@pytest.mark.parametrize("shape", list(SHAPES))
def test_reader_time_grows_linearly(shape):
    name, make, n = SHAPES[shape]
    _check(_parse(name), make, n)


def _feed(data: bytes) -> list:
    return list(read_feed(io.BytesIO(data), "f.rss", 1 << 30))


@pytest.mark.parametrize("shape", list(FEED_SHAPES))
def test_feed_time_grows_linearly(shape):
    make, n = FEED_SHAPES[shape]
    _check(_feed, make, n)


@pytest.mark.parametrize("shape", list(CSV_SHAPES))
def test_csv_time_grows_linearly(shape):
    make, n = CSV_SHAPES[shape]
    _check(_csv, make, n)
