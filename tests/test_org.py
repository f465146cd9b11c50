"""Org: read by extension into located blocks, as Org exports a post."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aitag.readers import FORMATS, parse_bytes
from aitag.readers.formats import EXTENSION_FORMATS
from aitag.readers.located import PLACEHOLDER
from aitag.readers.org import read_org_blocks

POST = """\
#+TITLE: Distilling a language model for the edge
#+AUTHOR: Sam Example
#+DATE: <2025-02-14 Fri>
#+HUGO_BASE_DIR: ../
#+HUGO_TAGS: llm distillation
#+OPTIONS: toc:nil ^:{}

* DONE [#A] Why distil a model at all [2/3]                      :llm:edge:
CLOSED: [2025-02-10 Mon 18:02]
:PROPERTIES:
:EXPORT_FILE_NAME: distilling-for-the-edge
:END:

A large teacher model answers well but needs a data centre; a student trained
to imitate it with ~KLDivLoss~ fits on a phone. The [[https://example.com/kd][original
distillation paper]] frames it as matching /soft/ targets.

- Collect prompts from *real* traffic.
- Score them with the teacher, keeping =logits= as well as labels.
  Store both in one file.
- [X] Train the student on the mixture.
- temperature :: a softer distribution, usually between 2 and 5.

#+CAPTION: Student size against accuracy
| parameters | accuracy |
|------------+----------|
| 1B         |     71.2 |

#+begin_src python :results output
student.fit(teacher_logits)
print("a generator of images")
#+end_src

: fixed-width output that mentions diffusion models

# a comment about chatbots

-----

** TODO Benchmarks                                               :noexport:
Numbers not ready for readers yet.

** COMMENT Notes to self
Remember to mention the reinforcement learning baseline.

** Deployment
:LOGBOOK:
CLOCK: [2025-02-11 Tue 09:00]--[2025-02-11 Tue 10:30] =>  1:30
:END:
The quantized student runs at 40 tokens per second[fn:1] on the device.

#+begin_quote
Smaller models make their mistakes faster.
#+end_quote

* Footnotes
[fn:1] Measured with a batch of one.
"""


def read(text: str, name: str = "post.org"):
    (document,) = parse_bytes(text.encode(), name)
    return document


def blocks(text: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text.text) for block in read_org_blocks(text)]


def located(document, passage, word: str) -> tuple[int, int]:
    """(line, column) of ``word`` in ``passage``, checked to be where the source has its
    first word (markup may stand between the words)."""
    offset, line, column = passage.locate(passage.text.index(word), document.line_index())
    assert document.source[offset:].startswith(word.split()[0])
    return line, column


def test_org_is_a_format_by_its_extension():
    assert EXTENSION_FORMATS[".org"] == "org" and "org" in FORMATS
    assert read("Text about a model.\n", "notes.org").format == "org"


def test_a_post_becomes_title_headings_prose_and_items_with_markup_dropped():
    assert blocks(POST) == [
        ("title", "Distilling a language model for the edge"),
        ("heading", "Why distil a model at all"),
        (
            "prose",
            "A large teacher model answers well but needs a data centre; a student trained\n"
            "to imitate it with ‹…› fits on a phone. The original\n"
            "distillation paper frames it as matching soft targets.",
        ),
        ("list-item", "Collect prompts from real traffic."),
        ("list-item", "Score them with the teacher, keeping ‹…› as well as labels.\nStore both in one file."),
        ("list-item", "Train the student on the mixture."),
        ("list-item", "temperature :: a softer distribution, usually between 2 and 5."),
        ("heading", "Deployment"),
        ("prose", "The quantized student runs at 40 tokens per second on the device."),
        ("prose", "Smaller models make their mistakes faster."),
        ("heading", "Footnotes"),
        ("prose", "Measured with a batch of one."),
    ]  # fmt: skip


def test_a_post_is_located_to_the_line_and_column():
    document = read(POST)
    assert document.title == "Distilling a language model for the edge"
    first, items = document.passages[0], document.passages[1]
    assert first.heading == "Why distil a model at all" and items.kind == "list"
    assert [first.text[a:b] for a, b, kind in first.marks] == [
        "‹…›",
        "original\ndistillation paper",
    ]
    assert [kind for _, _, kind in first.marks] == ["code", "link"]
    assert located(document, first, "A large") == (14, 1)
    assert located(document, first, "original\ndistillation") == (15, 79)
    assert located(document, first, "distillation paper") == (16, 1)
    assert located(document, first, "soft targets") == (16, 45)  # "/soft/": the marker left out
    code = first.locate(first.text.index(PLACEHOLDER), document.line_index())
    assert code[1:] == (15, 20) and document.source[code[0] :].startswith("~KLDivLoss~")
    assert located(document, items, "Store both") == (20, 3)
    assert located(document, items, "Train the") == (21, 7)  # after the checkbox
    last = document.passages[-1]
    assert last.heading == "Footnotes" and located(document, last, "Measured") == (57, 8)


@pytest.mark.parametrize(
    "construct",
    [
        "#+BEGIN_SRC python\nprint('a model writes')\n#+END_SRC",
        '#+begin_src emacs-lisp :tangle yes\n(message "a model writes")\n  #+end_src  ',
        "#+BEGIN_EXAMPLE\nA model writes.\n#+END_EXAMPLE",
        "#+begin_export html\n<p>A model writes.</p>\n#+end_export",
        "#+BEGIN_HTML\n<p>A model writes.</p>\n#+END_HTML",  # Org 8's export blocks
        "#+BEGIN_COMMENT\nA model writes.\n#+END_COMMENT",
        "#+BEGIN: clocktable :scope file\nA model writes.\n#+END:",
        ":PROPERTIES:\n:SUMMARY: A model writes.\n:END:",
        ":LOGBOOK:\n- Note taken on [2025-01-02 Thu]: a model writes.\n:END:",
        "DEADLINE: <2025-03-01 Sat> SCHEDULED: <2025-02-01 Sat>",
        "CLOCK: [2025-02-11 Tue 09:00]--[2025-02-11 Tue 10:30] =>  1:30",
        "| model | writes |\n|-------+--------|\n| a     | b      |\n#+TBLFM: $2=$1",
        "+--------+\n| model  |\n+--------+",
        ": A model writes.\n:\n  : indented too",
        "# A model writes.\n#\n  # indented too",
        "#+AUTHOR: A model\n#+DATE: 2025-01-01\n#+OPTIONS: toc:nil\n#+HUGO_TAGS: ai\n"
        "#+STARTUP: showall\n#+CAPTION: A model writes.\n#+NAME: fig:model\n"
        '#+ATTR_HTML: :width 300\n#+INCLUDE: "other.org"\n#+SETUPFILE: setup.org\n#+hugo: more',
        "-----",
        "\\begin{equation}\nmodel = writes\n\\end{equation}",
        "#+RESULTS:\n- a model writes\n- output of the code",
        "[[file:images/model.png]]",
        "[[https://example.com/models][file:thumbnail.jpg]]",
        '{{< figure src="model.png" caption="A model" >}}',
        "@@hugo:{{< tweet 1234 >}}@@",
        "\\[ p(w) = \\prod_i p(w_i) \\]",
        "$$ p(w) = \\prod_i p(w_i) $$",
        "bibliography:references.bib",
        "%%(diary-anniversary 1 1 2020) A model writes.",
    ],
)
def test_what_is_not_prose_is_dropped_and_the_next_paragraph_read(construct):
    text = f"Before it.\n\n{construct}\n\nKept after it.\n"
    assert blocks(text) == [("prose", "Before it."), ("prose", "Kept after it.")]


def test_blocks_read_as_prose_lose_their_delimiters():
    text = (
        "#+begin_quote\nA quoted model.\n#+end_quote\n\n#+BEGIN_VERSE\nRoses are red,\n"
        "  models are large.\n#+END_VERSE\n\n#+begin_center\nCentred.\n#+end_center\n\n"
        "#+begin_note\nA special block.\n#+end_note\n"
    )
    assert blocks(text) == [
        ("prose", "A quoted model."),
        ("prose", "Roses are red,\nmodels are large."),
        ("prose", "Centred."),
        ("prose", "A special block."),
    ]


def test_what_org_does_not_export_is_not_read():
    text = (
        "#+EXCLUDE_TAGS: private noexport\n"
        "* Public\nShown.\n"
        "* COMMENT Drafts\nNot shown.\n** Under a comment\nNot shown either.\n"
        "* TODO [#B] COMMENT With a keyword first\nNot shown.\n"
        "* Private notes :private:\nNot shown.\n"
        "* Archived :old:ARCHIVE:\nOnly its headline is exported.\n** Deeper\nNor this.\n"
        "* After\nShown again.\n"
    )
    assert blocks(text) == [
        ("heading", "Public"),
        ("prose", "Shown."),
        ("heading", "Archived"),
        ("heading", "After"),
        ("prose", "Shown again."),
    ]


def test_headlines_lose_keywords_priority_cookies_and_tags_in_place():
    text = (
        "#+TODO: DRAFT REVIEW(r) | PUBLISHED(p!)\n"
        "* DRAFT [#B] Evaluating retrieval [1/4] [25%]   :rag:llm:\n"
        "* TODO stays, as the file's keywords replace the default ones\n"
        "* PUBLISHED COMMENTARY is not a COMMENT\n"
        "*bold* at the start of a line is no headline.\n"
        "** Tags with signs :@work:#topic:%x:\n"
        "** A colon at the end is no tag:\n"
    )
    assert blocks(text) == [
        ("heading", "Evaluating retrieval"),
        ("heading", "TODO stays, as the file's keywords replace the default ones"),
        ("heading", "COMMENTARY is not a COMMENT"),
        ("prose", "bold at the start of a line is no headline."),
        ("heading", "Tags with signs"),
        ("heading", "A colon at the end is no tag:"),
    ]
    (heading, *_) = read_org_blocks(text)
    assert heading.text.bounds()[0] == text.index("Evaluating")


def test_a_title_set_below_the_first_headline_is_still_the_title():
    document = read("* Introduction\nA model writes.\n\n#+title: The real title\n")
    assert document.title == "The real title"
    assert document.passages[0].heading == "Introduction"


def test_list_items_by_bullet_indentation_and_what_ends_them():
    text = (
        "- dash\n+ plus\n  * indented star\n1. one\n2) two\n   continued under two\n"
        "3. [@7] counter set\n- [-] half done\n- term :: its definition\n"
        "Not indented: the list ended.\n*\nA star alone at column 0 is text.\n\n"
        "* A star at column 0 is a headline\n"
        "2024. A year opens a numbered item, as in Org.\n"
    )
    assert blocks(text) == [
        ("list-item", "dash"),
        ("list-item", "plus"),
        ("list-item", "indented star"),
        ("list-item", "one"),
        ("list-item", "two\ncontinued under two"),
        ("list-item", "counter set"),
        ("list-item", "half done"),
        ("list-item", "term :: its definition"),
        ("prose", "Not indented: the list ended.\n*\nA star alone at column 0 is text."),
        ("heading", "A star at column 0 is a headline"),
        ("list-item", "A year opens a numbered item, as in Org."),
    ]


def test_a_block_not_closed_in_its_section_is_no_block():
    # As Org's parser reads it: the closing line is looked for up to the next headline;
    # without one, the opening line is no block (dropped here) and what follows is read.
    text = (
        "* Setup\n#+BEGIN_SRC python\nThe block never closes, so Org reads this.\n"
        "* Next\n#+begin_example\nClosed only below the next headline.\n"
        "* Later\n#+end_example\n:PROPERTIES:\nAn unclosed drawer is text too.\n"
        "\\begin{align}\nAn unclosed environment as well.\n"
    )
    assert blocks(text) == [
        ("heading", "Setup"),
        ("prose", "The block never closes, so Org reads this."),
        ("heading", "Next"),
        ("prose", "Closed only below the next headline."),
        ("heading", "Later"),
        ("prose", "An unclosed drawer is text too."),
        ("prose", "An unclosed environment as well."),
    ]


OBJECTS = (
    "Call ~fit()~ or =predict= with src_python{model(x)} and {{{version}}}; the loss "
    "$L_2$ and \\(x^2\\) fall, but $5 and $10 stay text, as do snake_case and and/or. "
    "*Bold*, /italic/, _underline_ and +strike+ lose their markers. See "
    "[[https://example.com/guide][the guide]], [[https://example.com/raw]], "
    "<https://example.com/angle> and https://example.com/plain, [[*Results][our results]] "
    "and [[*Evaluation]]. A note[fn:2] and an inline "
    "one[fn:: said [in] passing] and cite:vaswani2017 and [cite:@smith2020]. Cookie [1/2] "
    "gone, <<anchor>> gone, <<<radio word>>> kept, @@html:<br>@@ gone.\n"
)


def test_objects_become_text_placeholders_or_nothing():
    (block,) = read_org_blocks(OBJECTS)
    assert block.text.text == (
        "Call ‹…› or ‹…› with ‹…› and ‹…›; the loss ‹…› and ‹…› fall, but $5 and $10 stay "
        "text, as do snake_case and and/or. Bold, italic, underline and strike lose their "
        "markers. See the guide, https://example.com/raw, https://example.com/angle and "
        "https://example.com/plain, our results and Evaluation. A note and an inline one "
        "said [in] passing and ‹…› and "
        "‹…›. Cookie  gone,  gone, radio word kept,  gone."
    )
    marked = [(block.text.text[a:b], kind) for a, b, kind in block.marks]
    assert [text for text, kind in marked if kind == "link"] == [
        "the guide", "https://example.com/raw", "https://example.com/angle",
        "https://example.com/plain", "our results", "Evaluation",
    ]  # fmt: skip
    assert [kind for text, kind in marked if kind == "code"] == ["code"] * 8
    # Each placeholder sits where its object opens.
    openings = [block.text.source_offset(a) for a, b, kind in block.marks if kind == "code"]
    assert [OBJECTS[at : at + 4] for at in openings] == [
        "~fit", "=pre", "src_", "{{{v", "$L_2", "\\(x^", "cite", "[cit",
    ]  # fmt: skip


def test_markup_and_links_run_over_the_lines_of_a_paragraph():
    text = "We read *bold\nacross lines* and [[https://example.com][a link that\nwraps]] here.\n"
    document = read(text)
    (passage,) = document.passages
    assert passage.text == "We read bold\nacross lines and a link that\nwraps here."
    assert [passage.text[a:b] for a, b, _ in passage.marks] == ["a link that\nwraps"]
    assert located(document, passage, "across") == (2, 1)
    assert located(document, passage, "wraps here") == (3, 1)
    assert located(document, passage, "a link") == (2, 42)


def test_markup_that_does_not_close_by_org_rules_is_text():
    text = (
        "Paths like /usr/bin and a*b*c, a = b = c, ~ alone, *not closed, 5 * 3 * 2; prices "
        "of $5, or $ 6 with a space, and $7.\n"
    )
    assert blocks(text) == [("prose", text.strip())]
    # A marker closes one markup only: the inner "*" of "*a *b* c*" stays, as in Org.
    assert blocks("*a *b* c* end\n") == [("prose", "a *b c* end")]
    # Markup spans at most two lines, as Org's default allows.
    text = "An *opening\nthat never\ncloses* here.\n"
    assert blocks(text) == [("prose", "An *opening\nthat never\ncloses* here.")]


def test_a_line_break_mark_is_not_text():
    assert blocks("First line\\\\\nsecond line.\n") == [("prose", "First line\nsecond line.")]


#: Pieces of Org that open and close objects and elements, for the property below.
TOKENS = st.lists(
    st.sampled_from(
        ["a", "model", " ", "\n", "\n\n", "~", "=", "*", "/", "_", "+", "[[", "][", "]]", "[",
         "]", "[fn:", "[fn::", "<<", ">>", "<", ">", "$", "$$", "\\(", "\\)", "\\[", "\\]",
         "@@html:", "@@", "{{{", "}}}", "{{<", ">}}", "src_py{", "}", "https://x.org/a",
         "cite:", "#+BEGIN_SRC", "#+END_SRC", ":END:", ":LOG:", "* ", "** ", "- ", "1. ",
         "| ", "# ", ": ", ":: ", "[#A] ", "TODO ", ":tag:", "[1/2]", "\\\\", "\t", "é"]
    ),
    max_size=80,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=TOKENS)
def test_every_character_read_is_the_source_character_at_its_offset(text):
    # Text is sliced from the source: every character but a placeholder and a line break
    # maps to the same character in the file, and a placeholder to an object's opening.
    for block in read_org_blocks(text):
        codes = [(a, b) for a, b, kind in block.marks if kind == "code"]
        for index, char in enumerate(block.text.text):
            offset = block.text.source_offset(index)
            if any(a <= index < b for a, b in codes):
                assert text[offset] in "~=s{$\\c[", (text, index)
            elif char != "\n":
                assert text[offset] == char, (text, index)


def test_an_org_file_is_tagged_and_explained_through_the_cli(run, tmp_path):
    post = tmp_path / "post.org"
    post.write_text(POST)
    (by_extension,) = map(json.loads, run("predict", post, "--format", "jsonl").stdout.splitlines())
    piped = run(
        "predict", "-", "--input-format", "org", "--passages", "--format", "jsonl", input=POST
    )
    (record,) = map(json.loads, piped.stdout.splitlines())
    assert by_extension["scores"] == record["scores"]  # the same reading either way
    first = record["passages"][0]
    assert (first["line"], first["column"]) == (14, 1)
    assert first["text"].endswith(
        "The original\ndistillation paper frames it as matching soft targets."
    )
    starts = {(p["line"], p["column"]) for p in record["passages"]}
    assert starts == {(14, 1), (18, 3), (50, 1), (53, 1), (57, 8)}
    explained = run("explain", post)
    assert explained.exit_code == 0, explained.output
    cited = re.findall(r"from the passage at (\d+):(\d+)", explained.stdout)
    assert cited and {(int(line), int(column)) for line, column in cited} <= starts
