"""reStructuredText and AsciiDoc: read by extension into located blocks."""

from __future__ import annotations

from aitag.readers import FORMATS, parse_bytes
from aitag.readers.formats import EXTENSION_FORMATS

RST = """\
=========================
Prompting language models
=========================

:Author: Docs team
:Status: draft

.. contents:: On this page

Why prompts matter
==================

A large language model continues the ``prompt`` it is given; see
`the guide <https://example.com/guide>`_ for more.

* Few-shot examples steer the output.
* A system prompt sets the tone.

Run it like this::

    model.generate("Hello")

.. code-block:: python

   print("not prose")

.. note::

   Long prompts cost tokens.

.. This is a comment about GANs.

+-------+-------+
| table | cells |
+-------+-------+
"""

ADOC = """\
= Prompting language models
Docs Team <docs@example.com>
:toc: left

== Why prompts matter

A large language model continues the `prompt` it is given; see
https://example.com/guide[the guide] for more.

* Few-shot examples steer the output.
* A system prompt sets the tone.

[source,python]
----
model.generate("Hello")
----

NOTE: Long prompts cost tokens.

// a comment about GANs

|===
| table | cells
|===
"""


def read(text: str, name: str):
    (document,) = parse_bytes(text.encode(), name)
    return document


def test_rst_and_adoc_are_formats_by_extension():
    for extension, fmt in ((".rst", "rst"), (".adoc", "asciidoc"), (".asciidoc", "asciidoc")):
        assert EXTENSION_FORMATS[extension] == fmt and fmt in FORMATS


def test_rst_headings_prose_and_items_are_located_and_markup_dropped():
    document = read(RST, "guide.rst")
    assert document.format == "rst" and document.title == "Prompting language models"
    texts = [p.text for p in document.passages]
    assert texts == [
        "A large language model continues the ‹…› it is given; see\nthe guide for more.",
        "Few-shot examples steer the output.\nA system prompt sets the tone.",
        "Run it like this:",
        "Long prompts cost tokens.",
    ]
    assert all(p.heading == "Why prompts matter" for p in document.passages)
    first = document.passages[0]
    at = first.text.index("the guide")
    assert first.marks == ((37, 40, "code"), (at, at + 9, "link"))
    offset, line, column = first.locate(first.text.index("the guide"), document.line_index())
    assert (line, column) == (14, 2) and RST[offset : offset + 9] == "the guide"
    assert document.passages[1].kind == "list"


def test_asciidoc_title_headings_prose_and_items_are_located_and_markup_dropped():
    document = read(ADOC, "guide.adoc")
    assert document.format == "asciidoc" and document.title == "Prompting language models"
    texts = [p.text for p in document.passages]
    assert texts == [
        "A large language model continues the ‹…› it is given; see\nthe guide for more.",
        "Few-shot examples steer the output.\nA system prompt sets the tone.",
        "Long prompts cost tokens.",
    ]
    first = document.passages[0]
    offset, line, column = first.locate(first.text.index("the guide"), document.line_index())
    assert (line, column) == (8, 27) and ADOC[offset : offset + 9] == "the guide"
    assert ("link" in {k for _, _, k in first.marks}) and document.passages[1].kind == "list"


def test_docutils_is_not_imported_to_read_rst():
    import sys

    read(RST, "guide.rst")
    assert "docutils" not in sys.modules


RST_WRAPPED = """\
Tuning guide
============

Before tuning, read the :ref:`section on warm
starts <warm-starts>` and the `release
notes`_; older builds ran on `Python 3.8
and later <https://example.com/py>`_ and used ``a literal that
wraps``.

.. _notes: https://example.com/notes
"""


def test_rst_inline_markup_that_wraps_to_the_next_line_is_read_as_one():
    # reST lets a role, a link or a literal run across a paragraph's lines; read line by
    # line, the targets ("<warm-starts>`") and backquotes stayed in the text.
    (passage,) = read(RST_WRAPPED, "tuning.rst").passages
    assert passage.text == (
        "Before tuning, read the section on warm\nstarts and the release\nnotes;"
        " older builds ran on Python 3.8\nand later and used ‹…›."
    )
    links = [passage.text[a:b] for a, b, kind in passage.marks if kind == "link"]
    assert links == ["section on warm\nstarts", "release\nnotes", "Python 3.8\nand later"]
    lines = read(RST_WRAPPED, "tuning.rst").line_index()
    for word, expected in (("starts", (5, 1)), ("notes;", (6, 1)), ("later", (7, 5))):
        offset, line, column = passage.locate(passage.text.index(word), lines)
        assert (line, column) == expected and RST_WRAPPED[offset:].startswith(word.rstrip(";"))


ADOC_ATTRIBUTES = """\
= Health checks
:product: Example Server

== Overview

{product} has built-in health checks, which this {doc-kind} explains.
Read {docs-url}/health/probes.html[the probe guide] and the {ops-url}[operations notes];
the setting javadoc:org.example.HealthConfig[] is read at start, and {not an attribute}.

=====
A forwarding setup may list both kinds of server.
=====

______
Checks run every {interval} seconds.
______
"""


def test_asciidoc_attribute_references_links_from_attributes_and_long_delimiters():
    # Real guides write the product name as {product}, links as {url-attribute}[text],
    # macros as name:target[] and example blocks with five "="; all stayed in the text.
    document = read(ADOC_ATTRIBUTES, "health.adoc")
    assert [p.text for p in document.passages] == [
        "‹…› has built-in health checks, which this ‹…› explains.\n"
        "Read the probe guide and the operations notes;\n"
        "the setting ‹…› is read at start, and {not an attribute}.",
        "A forwarding setup may list both kinds of server.",
        "Checks run every ‹…› seconds.",
    ]
    first = document.passages[0]
    links = [first.text[a:b] for a, b, kind in first.marks if kind == "link"]
    assert links == ["the probe guide", "operations notes"]
    lines = document.line_index()
    for word, expected in (("the probe", (7, 36)), ("operations", (7, 71)), ("is read", (8, 48))):
        offset, line, column = first.locate(first.text.index(word), lines)
        assert (line, column) == expected and ADOC_ATTRIBUTES[offset:].startswith(word)
    offset, line, column = first.locate(0, lines)  # the placeholder sits on its reference
    assert (line, column) == (6, 1) and ADOC_ATTRIBUTES[offset:].startswith("{product}")


def test_rst_transitions_and_paragraphs_of_substitutions_are_not_prose():
    # Real posts end with a "----" transition before their footnotes, and set images as
    # paragraphs of substitution references; both were read as passages.
    text = (
        "Notes\n=====\n\nFirst paragraph of prose.\n\n----\n\n|team-photo| |badge|_\n\n"
        "A sentence that names |project| stays.\n\n.. |team-photo| image:: team.png\n"
    )
    document = read(text, "notes.rst")
    assert [p.text for p in document.passages] == [
        "First paragraph of prose.",
        "A sentence that names |project| stays.",
    ]
    assert document.title == "Notes"


RST_LINE_BLOCK = (
    "Release\n=======\n\n| Shipped on a Monday,\n|    fixed by Friday\n| with no regrets.\n\n"
    "|\n| Alone, after an empty line.\n"
)


def test_rst_line_blocks_lose_the_bar_that_opens_each_line():
    # Addresses and verses are written as line blocks; the "|" of each line stayed in the
    # prose, a token of its own in every line.
    document = read(RST_LINE_BLOCK, "release.rst")
    assert [p.text for p in document.passages] == [
        "Shipped on a Monday,\nfixed by Friday\nwith no regrets.",
        "Alone, after an empty line.",
    ]
    passage, lines = document.passages[0], document.line_index()
    for word, expected in (("Shipped", (4, 3)), ("fixed", (5, 6)), ("with", (6, 3))):
        offset, line, column = passage.locate(passage.text.index(word), lines)
        assert (line, column) == expected and RST_LINE_BLOCK[offset:].startswith(word)


ADOC_TEMPLATED = """\
<#import "/templates/guide.adoc" as tmpl>

<@tmpl.guide
title="Vault"
summary="Secrets kept outside the configuration.">

The server reads secrets from a vault, as the <@links.server id="all-config"/> guide says.
<#if product == "community">
Community builds ship a file vault.
</#if>

</@tmpl.guide>
"""


def test_asciidoc_template_directives_and_macro_calls_are_not_prose():
    # Real server guides are FreeMarker templates around AsciiDoc: the directives, the
    # guide macro with its title and summary, and inline macro calls were read as prose.
    document = read(ADOC_TEMPLATED, "vault.adoc")
    assert [p.text for p in document.passages] == [
        "The server reads secrets from a vault, as the ‹…› guide says.",
        "Community builds ship a file vault.",
    ]
    passage, lines = document.passages[0], document.line_index()
    offset, line, column = passage.locate(passage.text.index("‹…›"), lines)
    assert (line, column) == (7, 47) and ADOC_TEMPLATED[offset:].startswith("<@links")
    offset, line, column = passage.locate(passage.text.index("guide says"), lines)
    assert (line, column) == (7, 80)


def test_asciidoc_template_tag_left_open_does_not_swallow_the_guide():
    # ... even when a ">" comes much later (a comparison in a sentence).
    text = "<#if ready\n\n" + "A paragraph of the guide that must be kept.\n\n" * 30
    document = read(text + "Latency > throughput here.\n", "open.adoc")
    assert len(document.passages) == 31
