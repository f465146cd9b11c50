"""The Markdown reader: what is prose and what is context, exact positions, linear time."""

from __future__ import annotations

import time

import pytest

from aitag.readers import parse_bytes
from aitag.readers.located import LIST, PROSE
from aitag.readers.markdown import PLACEHOLDER, read_markdown_blocks


def _letters(number: int) -> str:
    """A name of letters only for ``number`` (LaTeX environment names have no digits)."""
    return "".join(chr(ord("a") + int(digit)) for digit in str(number))


def read(text: str, name: str = "post.md"):
    (document,) = parse_bytes(text.encode("utf-8"), name)
    return document


def texts(text: str, name: str = "post.md") -> list[str]:
    return [passage.text for passage in read(text, name).passages]


def assert_located(document) -> None:
    """Every passage starts and ends where its text does in the source, exactly."""
    for passage in document.passages:
        first = passage.text[0]
        if first != PLACEHOLDER[0]:
            assert document.source[passage.start] == first, passage
        assert passage.mapped.source_offset(0) == passage.start
        offset = passage.mapped.source_offset(len(passage.text) - 1)
        assert passage.end == offset + 1, passage
        line, column = document.line_index().locate(passage.start)
        assert (passage.line, passage.column) == (line, column)


@pytest.mark.parametrize(
    "front",
    [
        "---\ntitle: 'Diffusion notes'\ntags: [ai]\n---\n",
        '\n\n+++\ntitle = "Diffusion notes"\ndraft = false\n+++\n',
    ],
)
def test_front_matter_gives_the_title_and_no_prose(front):
    document = read(front + "\nDiffusion models remove noise step by step.\n")
    assert document.title == "Diffusion notes"
    assert [p.text for p in document.passages] == ["Diffusion models remove noise step by step."]
    assert_located(document)


def test_template_tags_are_blanked_and_code_like_pairs_dropped_whole():
    text = (
        "Intro about models.\n\n"
        '{{< figure src="a.png" caption="A chart" >}}\n\n'
        "We talk about {{% mark %}}attention{{% /mark %}} layers and {{ page.title }} here.\n\n"
        "{{< highlight go >}}\nfunc main() {}\n{{< /highlight >}}\n\n"
        "{% raw %}\n{{ not shown }}\n{% endraw %}\n\n"
        "{% include note.html %}\n\nThe end about transformers.\n"
    )
    found = texts(text)
    assert found[0] == "Intro about models."
    assert found[1].split() == "We talk about attention layers and here.".split()
    assert found[2:] == ["The end about transformers."]
    assert_located(read(text))


def test_mdx_imports_exports_and_comments_are_not_prose():
    text = (
        "import Tabs from '@theme/Tabs'\nimport TabItem from '@theme/TabItem'\n\n"
        "export const meta = {\n  title: 'x',\n}\n\n"
        "# Serving LLMs\n\n{/* a hidden\ncomment */}\n\n"
        'Some prose about LLMs.\n\n<Tabs>\n<TabItem value="a">\n\nInside a tab.\n\n</TabItem>\n</Tabs>\n'
    )
    document = read(text, "post.mdx")
    assert [p.text for p in document.passages] == ["Some prose about LLMs.", "Inside a tab."]
    assert document.title == "Serving LLMs"
    assert_located(document)


@pytest.mark.parametrize("name", ["post.md", "post.mdx"])
def test_jsx_attribute_expressions_are_markup(name):
    # Docusaurus reads .md as MDX too. A component whose attributes are expressions
    # ("src={require(...)}") is no HTML to CommonMark, and it was read as prose.
    text = (
        "<img src={require('@site/static/img/logo.png').default} />\n\n"
        "The flag service ships a new provider.\n\n"
        "<Tabs groupId=\"sdk\" values={[{label: 'Go', value: 'go'}, {label: '}', value: 'x'}]}>\n\n"
        "Inside the tab.\n\n</Tabs>\n\n"
        '<Card {...props} title="Card">\n\nCard prose.\n\n</Card>\n\n'
        "<img\n  src={useBaseUrl('/img/a.png')}\n  alt=\"a\"\n/>\n\n"
        'Before <Badge color={"green"} /> after the badge.\n'
    )
    document = read(text, name)
    assert [p.text for p in document.passages] == [
        "The flag service ships a new provider.",
        "Inside the tab.",
        "Card prose.",
        "Before \n after the badge.",
    ]
    assert_located(document)


def test_a_spread_alone_makes_a_jsx_tag():
    text = "<Card {...props}>\n\nCard prose.\n\n</Card>\n"
    assert texts(text, "post.mdx") == ["Card prose."]


def test_markdown_images_and_links_inside_html_blocks():
    # CommonMark leaves Markdown inside an HTML block unparsed; an engineering blog's
    # <figure> and an MDX <Frame> held images whose syntax was read as prose.
    text = (
        "Intro prose here.\n\n<figure>\n![Data flow](/images/a.png)\n</figure>\n\n"
        '<Frame className="x">\n  ![Platform\n  Overview](/images/b.png "A title")\n</Frame>\n\n'
        "<div>\nSee ![x](y) and the words stay.\n</div>\n\n"
        '<Callout>\nCheck this [Resource](https://example.org/css "CSS") for more.\n</Callout>\n'
    )
    document = read(text, "post.mdx")
    assert [" ".join(p.text.split()) for p in document.passages] == [
        "Intro prose here.",
        "See and the words stay.",
        "Check this Resource for more.",
    ]
    assert_located(document)
    link = document.passages[2]
    offset = link.mapped.source_offset(link.text.index("Resource"))
    assert document.source[offset : offset + 8] == "Resource"


def test_braces_in_prose_and_unclosed_tags_stay_text():
    # Only a brace after "=" or a spread opens an expression, and only in a tag that
    # closes: comparisons and a tag cut off keep every word.
    text = (
        "If a<b and {x} > c then y={z} holds.\n\n"
        "If a<b x={y} holds, see <em>this</em> note.\n\n"
        "A cut tag <Foo bar={open and more words here.\n\nThe last paragraph.\n"
    )
    assert texts(text, "post.mdx") == [
        "If a<b and {x} > c then y={z} holds.",
        "If a<b x={y} holds, see \nthis\n note.",
        "A cut tag <Foo bar={open and more words here.",
        "The last paragraph.",
    ]


def test_import_lines_in_code_do_not_hide_the_prose_after_them():
    # An import in a code block is code, not an MDX statement: blanking it once hid the
    # code block's closing fence, and with it every paragraph after.
    text = (
        "Intro prose.\n\n```python\nimport torch\nexport = 1\n```\nAfter the code.\n\n"
        "More prose.\n\nSome prose\nimport this line stays.\n"
    )
    for name in ("post.md", "post.mdx"):
        assert texts(text, name) == [
            "Intro prose.",
            "After the code.",
            "More prose.",
            "Some prose\nimport this line stays.",
        ]


def test_admonition_fences_are_markup_and_their_prose_is_read():
    # Docusaurus, Starlight and MyST admonitions and GitHub alerts: ":::note" and
    # "[!TIP]" stayed as a passage of their own or opened the note's first paragraph.
    text = (
        "Set the base path first.\n\n"
        ":::note\n  Leave the base empty when the site sits at the root.\n:::\n\n"
        ":::tip[Use your own domain]\nPut a CNAME file in the public folder.\n:::\n\n"
        "- Step one\n\n  ::::caution\n  Every internal link needs the prefix.\n  ::::\n\n"
        "A sentence that says a::: stays whole.\n\n```md\n:::note\nshown as code\n:::\n```\n"
        "\n> [!TIP]\n> Run the checker before you push.\n\n> A quote that says [!TIP] stays.\n"
    )
    document = read(text, "deploy.mdx")
    assert [p.text for p in document.passages] == [
        "Set the base path first.",
        "Leave the base empty when the site sits at the root.",
        "Put a CNAME file in the public folder.",
        "Step one\nEvery internal link needs the prefix.",
        "A sentence that says a::: stays whole.",
        "Run the checker before you push.",
        "A quote that says [!TIP] stays.",
    ]
    assert_located(document)


def test_docfx_block_extensions_are_markup():
    # Microsoft Learn pages end sections with '> [!div class="nextstepaction"]' and embed
    # includes and videos on lines of their own; they were read as prose ("[!div
    # class=...] Agent Skills" scored 0.68 for AI).
    text = (
        "The judge model scores each answer.\n\n"
        "[!INCLUDE [preview](../includes/preview.md)]\n\n"
        "> [!include [limits](../includes/limits.md)]\n\n"
        '> [!div class="nextstepaction"]\n> [Agent Skills](skills.md)\n\n'
        "> [!VIDEO https://example.com/embed/123]\n\n"
        "> [!note]\n> Scores are kept with the run.\n\n"
        "A paragraph with [!not a label] in it stays.\n"
    )
    document = read(text, "evaluation.md")
    assert [p.text for p in document.passages] == [
        "The judge model scores each answer.",
        "Scores are kept with the run.",
        "A paragraph with [!not a label] in it stays.",
    ]
    assert_located(document)


def test_headings_are_context_and_list_items_read_together():
    text = (
        "# Title\n\nIntro paragraph.\n\n## Serving\n\n"
        "- first item about GPT\n- second item\n  - nested item\n\n"
        "1. other list\n2. its second\n\nAfter the lists.\n"
    )
    document = read(text)
    assert document.title == "Title"
    assert [(p.kind, p.heading, p.text) for p in document.passages] == [
        (PROSE, "Title", "Intro paragraph."),
        (LIST, "Serving", "first item about GPT\nsecond item\nnested item"),
        (LIST, "Serving", "other list\nits second"),
        (PROSE, "Serving", "After the lists."),
    ]
    assert_located(document)


def test_mkdocs_admonitions_and_tabs_keep_their_indented_bodies_as_prose():
    # MkDocs writes a note's body indented four spaces, often after a blank line, which
    # CommonMark reads as code: the note's prose was lost and '!!! tip' read alone.
    text = (
        "Export the lockfile first.\n\n"
        '!!! note "Before you start"\n\n    The command prints to standard output.\n\n'
        "    ```console\n    $ tool export\n    ```\n\n"
        "??? tip\n    Collapsed until the reader opens it.\n\n"
        'After the notes.\n\n=== "Linux"\n\n    Install it with the package manager.\n\n'
        "Closing words.\n\n    indented code stays code\n\n"
        "???+ warning\n\n    Open until the reader closes it.\n"
    )
    document = read(text)
    assert [p.text for p in document.passages] == [
        "Export the lockfile first.",
        "note  Before you start\nThe command prints to standard output.\n"
        "tip\nCollapsed until the reader opens it.",
        "After the notes.",
        '"Linux\nInstall it with the package manager.',
        "Closing words.",
        "?  warning\nOpen until the reader closes it.",
    ]
    assert_located(document)


def test_myst_prose_directives_are_read_and_code_directives_are_not():
    # MyST fences a note like code ("```{note}"): CommonMark read its prose as code.
    text = (
        "Intro paragraph, see {ref}`setup`.\n\n```{note}\n:class: dropdown\nThe model loads once per process.\n"
        "\n```python\nx = 1\n```\n\nIt stays loaded.\n```\n\n"
        "````{margin}\nA side remark about caching.\n````\n\n"
        "```{code-cell} python\nprint('code')\n```\n\n"
        "````md\n```{tip}\nshown as code\n```\n````\n\nEnd.\n"
    )
    document = read(text)
    assert [" ".join(p.text.split()) for p in document.passages] == [
        "Intro paragraph, see ‹…›.",
        "The model loads once per process.",
        "It stays loaded.",
        "A side remark about caching.",
        "End.",
    ]
    assert_located(document)


def test_myst_cell_breaks_directive_options_and_math_environments_are_not_prose():
    # A MyST notebook's "+++" cell breaks, a colon-fenced tip's options and an amsmath
    # environment outside "$$" were all read as prose.
    text = (
        '+++ {"cell": 1}\n\nWe solve the filtering problem.\n\n'
        "\\begin{align*}\nA^* & = A - BF \\\\\nB^* & = B\n\\end{align*}\n\nThe gain follows.\n\n"
        ":::{tip}\n:class: dropdown\n:name: a-tip\nA hint for readers.\n:::\n\n+++\n\n"
        "A sentence that writes \\begin{x} inline stays.\n\n\\begin{never-closed}\n\nStill read.\n\n"
        "Display math keeps its own:\n\n$$\nf(s) =\n\\begin{cases}\n1 & x\n\\end{cases}\n$$\n\nLast words.\n"
    )
    document = read(text)
    assert [p.text for p in document.passages] == [
        "We solve the filtering problem.",
        "The gain follows.",
        "A hint for readers.",
        "A sentence that writes \\begin{x} inline stays.",
        "\\begin{never-closed}",
        "Still read.",
        "Display math keeps its own:",
        "Last words.",
    ]
    assert_located(document)


def test_abbreviation_definitions_are_not_prose():
    # MkDocs pages end with "*[HTML]: Hyper Text Markup Language" lines; read as prose,
    # "language" and "text" tagged a page about tables as discussing language models.
    text = (
        "Tables render as HTML by default.\n\n"
        "*[HTML]: Hyper Text Markup Language\n*[W3C]: World Wide Web Consortium\n\n"
        "A list item may say *[emphasis]* and stays.\n"
    )
    document = read(text)
    assert [p.text for p in document.passages] == [
        "Tables render as HTML by default.",
        "A list item may say [emphasis] and stays.",
    ]
    assert_located(document)


def test_a_heading_of_a_paragraphs_length_is_prose():
    # An about page set its whole text in one <h4>; as a heading it was context only,
    # and the page had no prose at all.
    about = " ".join(["I write about compilers and the tools around them."] * 4)
    text = f"# About\n\n#### {about}\n\n## Contact\n\nWrite to me by email.\n"
    document = read(text)
    assert [(p.kind, p.heading, p.text) for p in document.passages] == [
        (PROSE, "About", about),
        (PROSE, "Contact", "Write to me by email."),
    ]
    assert_located(document)


def test_doxygen_math_and_inline_math_on_lines_of_its_own():
    # C++ projects write their Markdown pages for Doxygen: "\f$q\f$" inline, "\f[ \f]"
    # displayed; both were prose ("\f$\dot{q} = f(q,u)\f$"). Inline math alone on its
    # lines is displayed: made a code span across lines, it left backquotes as passages.
    text = (
        "Solve \\f$\\dot{q} = f(q,u)\\f$ where \\f$q\\f$ is the state.\n"
        "Then \\f[ x = \\frac{a}{b} \\f] holds.\n\n"
        "The dynamics are:\n\n\\f$\n\\left(\n\\dot{x}\n\\right)\n\\f$\n\n"
        "And also\n\\(\na + b\n\\)\nhere.\n\n"
        "\\(a +\nb\\) opens this sentence.\n\n"
        "A form feed is written \\f in C.\n"
    )
    document = read(text)
    assert [" ".join(p.text.split()) for p in document.passages] == [
        f"Solve {PLACEHOLDER} where {PLACEHOLDER} is the state. Then holds.",
        "The dynamics are:",
        "And also",
        "here.",
        f"{PLACEHOLDER} opens this sentence.",
        "A form feed is written \\f in C.",
    ]
    assert_located(document)


def test_link_only_lines_code_tables_images_and_math_are_dropped():
    text = (
        "Read more: [the guide](https://a.b/c)\n\n- [One](https://x)\n- [Two](https://y)\n\n"
        "    indented code\n\n| a | b |\n|---|---|\n| cell | cell |\n\n"
        "![a chart](chart.png)\n\n$$\ny = mx + b\n$$\n\n"
        "Math $x^2$ and `code` and https://bare.url/path in a sentence with [a link](https://f).\n"
    )
    document = read(text)
    (passage,) = document.passages
    assert passage.text == (
        f"Math {PLACEHOLDER} and {PLACEHOLDER} and {PLACEHOLDER} in a sentence with a link."
    )
    assert [kind for _, _, kind in passage.marks] == ["code", "code", "link", "link"]
    assert_located(document)


def test_latex_math_the_parser_does_not_know_is_not_prose():
    # MathJax and KaTeX render "\(x\)", "\[x\]" and "$ x_1 $"; CommonMark reads them as
    # text, so a research blog's equations ("\mathbb{E}[...]", "17_{b}=1\cdot b") were
    # prose. Inline math leaves a placeholder, as "$x$" does; displayed math goes, as it
    # goes from the rendered text's flow.
    # Escaped brackets and prices that do not read as math stay, and so does what
    # inline code, front matter or an unclosed opening holds.
    long_words = "and more words " * 30
    text = (
        "---\ntitle: Let \\(x\\) be\n---\n\n"
        "The base must satisfy \\(b>9\\), written \\\\(b>9\\\\) for another renderer.\n\n"
        "So\n\\[\n17_{b}=1\\cdot b+7\n\\]\nand \\[\n1,\\;2\n\\] hence.\n\n"
        "See \\[1\\] and \\[Edit: fixed\\]. If $ \\mathbb{E}[x]=0 $ then, for $ 5 and $ 10.\n\n"
        "With $a$ or y_1 $, and $ b_1 $, and `code \\(z\\)` and \\(never closed.\n\n"
        "Tickets cost $ 5, and $x_1$ counts them, $ 10 at the door.\n\n"
        "```python\nx = 1\n```\n\nA lone backquote (`) opens no code.\n\n"
        "Then `a \\(z\\) b` is code, and \\(w\\) is math; `f`\\(v\\) is not.\n\n"
        "Wrapped \\(a +\nb\\) and nested \\(c \\(d\\) math.\n\n"
        f"An opening \\( too far {long_words} from its \\) close is text.\n"
    )
    document = read(text)
    assert document.title == "Let \\(x\\) be"
    assert [p.text for p in document.passages] == [
        f"The base must satisfy {PLACEHOLDER}, written {PLACEHOLDER} for another renderer.",
        "So",  # displayed math, blanked, leaves blank lines: the paragraph breaks there
        "and",
        "hence.",
        f"See [1] and [Edit: fixed]. If {PLACEHOLDER} then, for $ 5 and $ 10.",
        # The "$ " that closes "$a$" opens nothing; nor does math run across another "$".
        f"With {PLACEHOLDER} or y_1 $, and {PLACEHOLDER}, and {PLACEHOLDER} and (never closed.",
        f"Tickets cost $ 5, and {PLACEHOLDER} counts them, $ 10 at the door.",
        "A lone backquote (`) opens no code.",  # nor does it make the next line's math code
        f"Then {PLACEHOLDER} is code, and {PLACEHOLDER} is math; {PLACEHOLDER}(v) is not.",
        f"Wrapped {PLACEHOLDER} and nested {PLACEHOLDER} math.",
        f"An opening ( too far {long_words} from its ) close is text.",
    ]
    assert [kind for _, _, kind in document.passages[0].marks] == ["code", "code"]
    assert_located(document)
    # Each placeholder stands for the math it replaced.
    first = document.passages[0]
    start, end, _ = first.marks[1]
    assert document.source[first.mapped.source_offset(start) :].startswith("\\\\(b>9\\\\)")
    # An opening inside front matter is the front matter's: the prose after it stays.
    spilled = read("---\ntitle: T\nsummary: a \\(x\n---\nProse with y\\) here.\n")
    assert [p.text for p in spilled.passages] == ["Prose with y) here."]


def test_display_math_across_a_blank_line_is_not_prose():
    # A research blog's "$$ \\begin{aligned} ... $$" with a blank line between its rows:
    # the parser's paragraph ends at the blank line, so the equations were passages.
    # "$$" lines pair up in turn; a pair the parser reads itself (no blank line), or one
    # that holds code, is left to it.
    text = (
        "Intro.\n\n$$\n\\begin{aligned}\na_1 &= b \\\\\n\nd_2 &= \\frac{e}{f}\n"
        "\\end{aligned}\n$$\n\nProse where x_1 = 2.\n\n$$x = 1$$\n\n"
        "Prose with y = 3.\n\n$$\n`code` here\n\nz = 2\n$$\n\nCosts $$ 5 and more.\n\n"
        "Last = 4.\n"
    )
    document = read(text)
    assert [p.text for p in document.passages] == [
        "Intro.",
        "Prose where x_1 = 2.",
        "Prose with y = 3.",
        f"$$\n{PLACEHOLDER} here",
        "z = 2\n$$",
        "Costs $$ 5 and more.",
        "Last = 4.",
    ]
    assert_located(document)


def test_html_blocks_are_read_for_their_visible_text():
    text = (
        "Para one.\n\n<details>\n<summary>Click to see</summary>\n\n"
        "Hidden markdown text about AI.\n\n</details>\n\n"
        '<div class="note">Visible note text in a div.</div>\n\n<!-- a comment -->\n'
    )
    document = read(text)
    # A <summary> is a heading: context for what it opens, not a passage.
    assert [p.text for p in document.passages] == [
        "Para one.",
        "Hidden markdown text about AI.",
        "Visible note text in a div.",
    ]
    note = document.passages[-1]
    assert document.source[note.start : note.end] == note.text


def test_every_character_that_appears_in_the_source_maps_to_it():
    text = (
        "# Café ☕\n\nLes modèles 🚀 *génèrent* du **texte**, AT&amp;T \\*not\\* [a link](x)\n"
        "second line `code` end.\n\n- élément un\n- 🚀 fusée\n\n> A quote\n> on two lines.\n"
    )
    document = read(text)
    assert_located(document)
    for passage in document.passages:
        for index, char in enumerate(passage.text):
            if char not in PLACEHOLDER and char != "\n":
                offset = passage.mapped.source_offset(index)
                assert document.source[offset] == char, (passage.text, index)


def test_a_list_item_after_a_code_block_keeps_its_positions():
    text = "1. Install it:\n\n   ```sh\n   pip install x\n   ```\n\n   Then you are ready.\n"
    document = read(text)
    (passage,) = document.passages
    assert passage.text == "Install it:\nThen you are ready."
    offset = passage.mapped.source_offset(passage.text.index("Then"))
    assert document.source[offset : offset + 4] == "Then"
    assert_located(document)


def test_blocks_are_located_without_computing_every_character():
    blocks = read_markdown_blocks("Some *text* here.\n\nMore text.\n")
    assert [b.text.bounds() for b in blocks] == [(0, 17), (19, 29)]
    assert all(b.text._spans is None for b in blocks)  # computed only when asked for


@pytest.mark.parametrize(
    "text",
    [
        "[" * 200_000,
        "![" * 100_000,
        "{/*" * 100_000,
        "{{" * 100_000 + "%}" * 100_000,
        "a\n" * 300_000,
        "`a` " * 100_000,
        "| a | b |\n|---|---|\n" + "| x | y |\n" * 200_000,
        "import x\n" * 200_000,
        ":::note\n" * 200_000,
        "!!! note\n" * 200_000,
        "```{note}\n" * 100_000 + "````\n" * 100_000,
        "```{note}\n" + ":a: b\n" * 200_000,
        # many environments, each closed only at the very end: a lookup, not a search each
        "".join(f"\n\n\\begin{{{_letters(i)}}}" for i in range(30_000))
        + "".join(f"\\end{{{_letters(i)}}}" for i in range(30_000)),
        "+++\n" * 200_000,
        "> [!div " + "a " * 200_000,
        "[!INCLUDE [" * 100_000,
        "[!x]\n" * 200_000,
        "=== " * 200_000,
        ":" * 300_000,
        "# h\n\np\n\n" * 50_000,
        "\\(" * 100_000,
        "\\[" * 100_000,
        "$ a " * 100_000,
        "\\(x\\)`" * 100_000,
        "\\f$" * 100_000,
        "\\f[\n" * 100_000,
        "\\(\n\\)" * 100_000,
        "\n$$" * 100_000,
        "\n$$\nx_1\n\n" * 100_000,
        "x" * 300_000 + "\\(\n\\)" * 1_000,
        # JSX tags that never close, braces never closed, strings never closed
        "<a b={x} " * 100_000,
        "<a b={" * 100_000,
        "x={ " + '<a b="' * 100_000,
        "<a {...p} c='" * 100_000,
        "={" + "<a " * 100_000,
        "<div>\n" + "![" * 100_000,
        "<div>\n" + "![a](" * 100_000,
        "<div>\n" + "[a](" * 100_000,
        "<div>\n" + "[" * 100_000 + "](",
    ],
    ids=lambda text: repr(text[:12]),
)
def test_pathological_markdown_reads_in_linear_time(text):
    started = time.monotonic()
    document = read(text)
    assert time.monotonic() - started < 20, len(document.passages)


def test_html_blocks_without_visible_text_need_no_html_reader(monkeypatch):
    from aitag.readers import markdown

    calls = []
    monkeypatch.setattr(markdown, "read_html_blocks", lambda text: calls.append(text) or [])
    text = (
        "Intro.\n\n<!-- more -->\n\n<style>\n.note { color: red }\n</style>\n\n"
        "<script>\nconsole.log('hi there')\n</script>\n\n<div align=\"center\">\n<img src=x>\n</div>\n\n"
        "<p>Shown words</p>\n"
    )
    assert texts(text) == ["Intro."]
    assert calls == ["<p>Shown words</p>\n"]


def test_attribute_lists_of_kramdown_pandoc_and_headings_are_markup_not_prose():
    text = (
        "## Setting up {#setup}\n\n"
        "Install the gauge logger first.\n{: .note}\n\n"
        'Read [the guide](https://example.com){:target="_blank"} and the [notes]{.smallcaps} '
        "before the first reading.\n\n"
        "![Levels](levels.png){#fig-levels width=80%}\n\n"
        "The logger keeps a week of readings. {: .callout}\n\n"
        "> A quote about water levels.\n{: .pull-quote}\n"
    )
    document = read(text)
    assert [p.text for p in document.passages] == [
        "Install the gauge logger first.",
        "Read the guide‹…› and the [notes]‹…› before the first reading.",
        "The logger keeps a week of readings.",
        "A quote about water levels.",
    ]
    assert document.passages[0].heading == "Setting up"
    assert_located(document)


def test_an_attribute_list_leaves_one_word_not_a_run_of_spaces():
    # Blanked to spaces, '{:target="_blank"}' would count as 18 words and let a short
    # line vote alone (decision.MIN_PROSE_WORDS).
    from aitag.decision import MIN_PROSE_WORDS, word_counts

    (passage,) = read('See [the notes](n.md){:target="_blank"} for the steps.\n').passages
    assert passage.text == "See the notes‹…› for the steps."
    assert word_counts([passage.text])[0] < MIN_PROSE_WORDS


@pytest.mark.parametrize(
    "text",
    [
        "The set {a, b} has two members, and {x} is a variable here.\n",
        "Elixir returns `{:ok, value}` or `{:error, reason}` from the call.\n",
        "A map f(x){y} is written like that in this old paper.\n",
        "Python formats `f'{x:.2}'` with two digits.\n",
    ],
)
def test_braces_that_are_not_attribute_lists_stay(text):
    (passage,) = read(text).passages
    plain = text.strip().replace("`{:ok, value}`", "‹…›").replace("`{:error, reason}`", "‹…›")
    plain = plain.replace("`f'{x:.2}'`", "‹…›")
    assert passage.text == plain


QUARTO_POST = """---
title: "Cleaning river gauge data"
format:
  html:
    code-fold: true
---

```{r}
#| label: setup
library(tidyverse)
```

## Background

About `r nrow(gaps)` readings a year go missing when the radio link drops.

::: {.callout-note}
The gaps are filled from the downstream gauge, shifted by the travel time.
:::

```{python}
print("model fitted")
```

![Levels over a year](levels.png){#fig-levels width=80%}

See @fig-levels for the seasonal pattern.

{{< video https://example.com/clip.mp4 >}}
"""


@pytest.mark.parametrize(
    "name", ["post.mkd", "post.mdown", "post.MKDN", "post.mdwn", "post.mkdown"]
)
def test_markdown_by_its_other_extensions_is_read_as_markdown(name):
    # Jekyll and GitHub know these too. Without a heading, fence or front matter the
    # content does not say Markdown: read as text, the code span would stay in the prose.
    text = "The parser now keeps `line` numbers for every block it reads.\n"
    document = read(text, name)
    assert document.format == "markdown"
    assert [p.text for p in document.passages] == [
        "The parser now keeps ‹…› numbers for every block it reads."
    ]


@pytest.mark.parametrize("name", ["post.qmd", "post.Rmd", "post.rmd"])
def test_quarto_and_r_markdown_are_read_as_markdown(name):
    document = read(QUARTO_POST, name)
    assert document.format == "markdown" and document.title == "Cleaning river gauge data"
    assert [p.text for p in document.passages] == [
        "About ‹…› readings a year go missing when the radio link drops.",
        "The gaps are filled from the downstream gauge, shifted by the travel time.",
        "See @fig-levels for the seasonal pattern.",
    ]
    assert_located(document)
