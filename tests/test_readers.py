"""Readers: every format, offsets back into the original file, encodings, input expansion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS, RAW, SEED_WORDPRESS
from hypothesis import given, settings
from hypothesis import strategies as st

from aitag.errors import InputError
from aitag.readers import expand_inputs, parse_bytes, read_documents
from aitag.readers.located import LineIndex
from aitag.readers.passages import document_of
from aitag.readers.plain import plain_document, read_text_blocks


def one(data: bytes | str, name: str, **kwargs):
    if isinstance(data, str):
        data = data.encode("utf-8")
    documents = list(parse_bytes(data, name, **kwargs))
    assert len(documents) == 1
    return documents[0]


def test_plain_text_paragraphs_keep_line_and_column():
    text = "First paragraph about robots.\n\n  Second one,\nstill second.\n\n\nThird."
    document = one(text, "post.txt")
    assert [p.text for p in document.passages] == [
        "First paragraph about robots.",
        "Second one,\nstill second.",
        "Third.",
    ]
    assert [(p.line, p.column) for p in document.passages] == [(1, 1), (3, 3), (7, 1)]
    for passage in document.passages:
        assert document.source[passage.start : passage.end] == passage.text


def test_markdown_drops_front_matter_code_urls_and_images():
    text = (
        "---\ntitle: GPT notes\ntags: [ai]\n---\n"
        "# Prompting\n\n"
        "Read [the guide](https://example.com/guide) and ![a chart](chart.png) see https://x.y/z now.\n\n"
        "```python\nmodel = train()\n```\n\n"
        "Use `pip install` then relax.\n"
    )
    document = one(text, "notes.md")
    texts = [p.text for p in document.passages]
    assert document.title == "GPT notes"
    assert all(p.heading == "Prompting" for p in document.passages)  # context, not a passage
    assert "the guide" in texts[0] and "https" not in texts[0] and "chart" not in texts[0]
    assert all("model = train" not in t and "title:" not in t for t in texts)
    assert texts[-1] == "Use ‹…› then relax."  # inline code leaves a placeholder
    # "guide" sits on line 7; the link text starts after "Read [".
    passage = document.passages[0]
    offset, line, column = passage.locate(passage.text.index("the guide"), document.line_index())
    assert (line, column) == (7, 7)
    assert document.source[offset : offset + 9] == "the guide"


def test_html_visible_text_only_and_entities_mapped():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>\n"
        "<nav>Home | Blog</nav>\n"
        "<h2>Large language models</h2>\n"
        "<p>GPT &amp; friends <b>predict</b> tokens.</p>\n"
        "<script>var x = 'AI';</script>\n"
        "<footer>© 2025</footer></body></html>"
    )
    document = one(html, "page.html")
    # A heading is the context of the passages after it, not a passage (LABELS.md rule 10).
    assert [p.text for p in document.passages] == ["GPT & friends predict tokens."]
    assert document.title == "T" and document.passages[0].heading == "Large language models"
    passage = document.passages[0]
    offset, line, column = passage.locate(passage.text.index("friends"), document.line_index())
    assert html[offset : offset + 7] == "friends"
    assert (line, column) == (4, 14)


def test_wordpress_post_detected_by_content_with_title_content_and_faq():
    document = one(SEED_WORDPRESS.read_bytes(), str(SEED_WORDPRESS))
    assert document.format == "wordpress"
    texts = [p.text for p in document.passages]
    # The title and headings are context (LABELS.md rule 10), not passages.
    assert document.title == "The Technical Difference Between AI, ML, LLMs, and Generative AI"
    assert document.passages[0].heading == "Introduction"
    assert any(t.startswith("AI stands for the domain of computer science") for t in texts)
    # FAQ answers from the JSON-LD, each under its question as heading.
    (answer,) = [p for p in document.passages if p.text.startswith("No, Generative AI includes")]
    assert answer.heading == "3. Is Generative AI limited only to text generation?"
    assert not any("srcset" in t or "<span" in t for t in texts)
    # Offsets point into the raw JSON file, escapes and all.
    raw = SEED_WORDPRESS.read_text(encoding="utf-8")
    for passage in document.passages:
        prefix = passage.text[:8]
        assert raw[passage.start : passage.start + len(prefix)] == prefix


def test_jsonl_rows_are_documents_with_their_ids_and_bad_rows_reported():
    data = '{"id": "a", "text": "Diffusion models draw."}\nnot json\n{"id": 7, "body": "x"}\n{"text": "No id here."}\n'
    items = list(parse_bytes(data.encode(), "rows.jsonl"))
    assert [getattr(i, "id", None) for i in items] == ["a", None, None, "4"]
    assert isinstance(items[1], InputError) and "rows.jsonl:2" in str(items[1])
    assert isinstance(items[2], InputError) and "text" in str(items[2])


def test_jsonl_custom_fields_and_csv_rows():
    data = '{"key": "k1", "body": "Prompt the model."}\n'
    (item,) = parse_bytes(data.encode(), "rows.jsonl", text_field="body", id_field="key")
    assert (item.id, item.text) == ("k1", "Prompt the model.")
    csv_data = 'id,text\n1,"Clustering groups customers, no labels."\n2,"GANs, again"\n'
    items = list(parse_bytes(csv_data.encode(), "rows.csv"))
    assert [(i.id, i.text) for i in items] == [
        ("1", "Clustering groups customers, no labels."),
        ("2", "GANs, again"),
    ]


def test_csv_without_text_column_is_an_input_error():
    with pytest.raises(InputError, match="--text-field"):
        list(parse_bytes(b"id,body\n1,x\n", "rows.csv"))


@pytest.mark.parametrize(
    "data",
    [
        "Caf\u00e9 GPT note.".encode("utf-8-sig"),
        "Caf\u00e9 GPT note.".encode("utf-16"),
        "Caf\u00e9 GPT note.".encode("utf-16-le"),
        "Caf\u00e9 GPT note, d\u00e9j\u00e0 vu, na\u00efve r\u00e9sum\u00e9 \u00e9l\u00e8ve.".encode(
            "latin-1"
        ),
    ],
)
def test_encodings(data):
    document = one(data, "note.txt")
    assert document.text.startswith("Caf\u00e9 GPT note")


def test_binary_files_are_refused():
    with pytest.raises(InputError, match="binary"):
        one(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "bad.txt")


def test_a_file_without_prose_is_a_document_without_passages():
    assert one(b"  \n\n ", "blank.txt").passages == []
    stub = one(b"---\ntitle: Draft\ndate: 2024-01-01\n---\n\n## Notes\n\n```\ncode\n```\n", "s.md")
    assert stub.passages == [] and stub.title == "Draft"


def test_long_paragraph_is_cut_at_sentence_ends():
    sentence = "Transformers read tokens in context and predict the next one. "
    text = sentence * 80  # 800 words, one paragraph
    document = one(text, "long.txt")
    assert len(document.passages) >= 3
    assert all(p.text.endswith("one.") for p in document.passages)
    assert sum(len(p.text.split()) for p in document.passages) == 800


def test_expand_inputs_directories_globs_and_missing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text("x")
    (tmp_path / "a" / "y.png").write_bytes(b"\x89PNG")
    (tmp_path / "b.txt").write_text("b")
    found = list(
        expand_inputs([str(tmp_path), str(tmp_path / "*.txt"), str(tmp_path / "nope.txt")])
    )
    # A folder's own files come before its subfolders'; unknown types (.png) are skipped.
    assert found[:3] == [
        str(tmp_path / "b.txt"),
        str(tmp_path / "a" / "x.md"),
        str(tmp_path / "b.txt"),
    ]
    assert isinstance(found[3], InputError) and "nope.txt" in str(found[3])


def test_a_walk_counts_documents_in_formats_it_does_not_read_and_says_so_once(tmp_path):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "posts" / "b.DOCX").write_bytes(b"PK\x03\x04")
    (tmp_path / "posts" / "c.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "posts" / "d.png").write_bytes(b"\x89PNG")  # an asset: passed over in silence
    (tmp_path / "posts" / "e.mkd").write_text("Markdown by another extension.")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "f.md").write_text("nothing unread here")
    unread: list = []
    found = list(expand_inputs([str(tmp_path / "posts"), str(tmp_path / "other")], unread))
    assert found == [str(tmp_path / "posts" / "e.mkd"), str(tmp_path / "other" / "f.md")]
    (warning,) = unread
    assert warning.path == str(tmp_path / "posts")
    assert warning.reason == (
        "skipped 3 file(s) in formats aitag does not read (.docx 2, .pdf 1); convert them "
        "to Markdown, HTML or plain text to tag them"
    )
    # A folder a glob matches is walked the same way; without a list nothing is kept.
    unread.clear()
    list(expand_inputs([str(tmp_path / "pos*")], unread))
    assert [w.path for w in unread] == [str(tmp_path / "posts")]
    assert list(expand_inputs([str(tmp_path / "posts")])) == found[:1]


def test_read_documents_goes_on_past_a_bad_file(tmp_path):
    (tmp_path / "1.txt").write_text("Good text about GPT.")
    (tmp_path / "2.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "3.txt").write_text("Another good one.")
    items = list(read_documents([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Document", "InputError", "Document"]


def test_read_documents_from_stdin():
    import io

    (document,) = read_documents(["-"], stdin=io.BytesIO(b"Piped text about RAG."))
    assert document.path == "<stdin>" and document.text == "Piped text about RAG."


def test_all_raw_seed_posts_read():
    for path in sorted(RAW.glob("*.txt")):
        document = one(path.read_bytes(), str(path))
        assert len(document.passages) > 10
        json.dumps([p.text for p in document.passages])


def test_row_files_stream_with_the_limit_per_row(tmp_path):
    rows = tmp_path / "archive.jsonl"
    line = json.dumps({"id": "x", "text": "Prompting a language model. " * 20}) + "\n"
    rows.write_text(line * 200 + json.dumps({"id": "big", "text": "word " * 400}) + "\n")
    limit = len(line) + 10  # the file is 200 times larger than this
    items = list(read_documents([str(rows)], max_bytes=limit))
    assert sum(not isinstance(i, InputError) for i in items) == 200
    assert isinstance(items[-1], InputError) and "archive.jsonl:201" in str(items[-1])


def test_latin1_csv_is_still_detected(tmp_path):
    table = tmp_path / "rows.csv"
    table.write_bytes(
        "id,text\n1,Le modèle génère des réponses à partir du prompt.\n".encode("latin-1")
    )
    (item,) = read_documents([str(table)])
    assert item.text.startswith("Le modèle génère")


def test_empty_jsonl_is_reported(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    (item,) = read_documents([str(empty)])
    assert isinstance(item, InputError) and "empty" in str(item)


PLAIN_PIECES = st.sampled_from(
    [
        "word",
        "Model",
        "trains.",
        "Done!",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\n \t\n",
        "\r\n",
        "\t",
        "é",
        "\u2028",
        "\x1f",
    ]
)


def _slow_plain_passages(text):
    """Plain-text passages the general way: blocks as MappedTexts, cut by split_passages."""
    return document_of("d", "d", text, read_text_blocks(text), "text").passages


def _same_passages(text):
    fast = plain_document("d", "d", text).passages
    slow = _slow_plain_passages(text)
    fields = ("index", "text", "start", "end", "line", "column")
    assert [[getattr(p, f) for f in fields] for p in fast] == [
        [getattr(p, f) for f in fields] for p in slow
    ]
    lines = LineIndex(text)
    for quick, general in zip(fast, slow):
        for index in (0, len(quick.text) // 2, len(quick.text) - 1, len(quick.text) + 3):
            assert quick.locate(index, lines) == general.locate(index, LineIndex(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(PLAIN_PIECES, min_size=1, max_size=60).map("".join))
def test_plain_text_passages_equal_the_general_readers(text):
    if not text.strip():
        return
    _same_passages(text)


def test_plain_text_passages_equal_the_general_readers_on_long_paragraphs():
    sentence = "The model learns from labelled data and improves its predictions. "
    long_paragraph = sentence * 120  # about 1,200 words: cut at sentence ends
    word_dump = "token " * 1900  # no sentence ends at all: cut by words
    text = f"Title\n\n{long_paragraph}\n\n  {word_dump}\n\nEnd."
    _same_passages(text)
    assert len(plain_document("d", "d", text).passages) > 10  # both long ones were cut
    seed_posts = sorted(RAW.glob("*.txt"))
    assert seed_posts
    for path in seed_posts:
        _same_passages(path.read_text(encoding="utf-8"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_files_whose_size_the_system_does_not_know_are_read_whole():
    # /proc files report a size of 0; reading must go on to the end (and stop at the limit).
    (document,) = read_documents(["/proc/self/status"], input_format="text")
    assert "Name:" in document.text and "Pid:" in document.text
    (error,) = read_documents(["/proc/self/status"], input_format="text", max_bytes=10)
    assert isinstance(error, InputError) and "limit" in error.reason
    # So does reading a file of the project's own (a model, a corpus file).
    from aitag.readers.inputs import read_regular

    data = read_regular("/proc/self/status", 1_000_000)
    assert data.startswith(b"Name:") and len(data) > 200 and data.endswith(b"\n")
    with pytest.raises(InputError, match="is larger than the 100 bytes a file may have"):
        read_regular("/proc/self/status", 100)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: A post\n---\nSome prose.\n", "markdown"),
        ('<p align="center"><img src="logo.png"></p>\n\n## Why\n\nProse.\n', "markdown"),
        ("Intro line.\n\n```python\nprint(1)\n```\n", "markdown"),
        ('<?xml version="1.0"?>\n<!DOCTYPE html>\n<html><body><p>x</p></body></html>', "html"),
        ("<div class='post'><p>Prose.</p></div>", "html"),
        ('{"id": "a", "text": "one"}\n\n{"id": "b", "text": "two"}\n', "jsonl"),
        ('{"id": "a", "text": "one"}\nnot a row\n', "text"),
        ("Plain words. #hashtag and a price of #1.\n", "text"),
        ('id,text\n1,"GPT writes, and writes."\n2,Diffusion paints.\n', "csv"),
        ("Text, images and video, all made by a model.\nA second line.\n", "text"),
        ("text,images,video\nare all media a model makes now.\n", "text"),
        ("id,body\n1,GPT writes.\n", "text"),  # no text column: not rows to read
        ("id,text\n", "text"),  # a header without a row
        ("#+TITLE: Notes\n#+author: me\n\n* Setup\nProse.\n", "org"),
        (":PROPERTIES:\n:ID: 4f2a\n:END:\n#+title: A note\n\nProse.\n", "org"),
        ("#+begin_src python\nprint(1)\n#+end_src\n", "org"),
        ("* a line that opens with a star\n* and another\n", "text"),
        ("Prose first.\n#+TITLE: late\n", "text"),
        (":PROPERTIES:\n:ID: 4f2a\n\nNo end.\n#+title: x\n", "text"),
    ],
)
def test_stdin_is_read_by_its_content(text, expected):
    # No extension to go by: piped in, a post read as plain text had its headings and
    # code read as prose, and rows of JSON became one document.
    from aitag.readers import STDIN, detect_format

    assert detect_format(STDIN, text) == expected


def test_csv_piped_in_is_read_as_rows_and_prose_with_commas_is_not(run, tmp_path):
    # CSV piped in was one document of plain text, its header and cells read as prose.
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "id,body\n"
        'q1,"A large language model, such as GPT-4, writes code from a prompt."\n'
        "q2,Diffusion models paint brand new pictures from a short text prompt.\n"
    )
    piped = run("predict", "-", "--format", "jsonl", "--text-field", "body", input=rows.read_text())
    from_file = run("predict", rows, "--format", "jsonl", "--text-field", "body")
    assert piped.exit_code == 0, piped.output
    records = [json.loads(line) for line in piped.stdout.splitlines()]
    assert [r["id"] for r in records] == ["q1", "q2"]
    file_records = [json.loads(line) for line in from_file.stdout.splitlines()]
    assert [r["labels"] for r in records] == [r["labels"] for r in file_records]
    prose = "Text, images and video: a generative model, given a prompt, makes them all.\n"
    piped = run("predict", "-", "--format", "jsonl", input=prose * 2)
    (record,) = [json.loads(line) for line in piped.stdout.splitlines()]
    assert record["id"] == "<stdin>" and "GenAI" in record["labels"]


@pytest.mark.parametrize("sentences", [30_000, 300_000])
def test_csv_piped_in_with_an_article_in_its_first_cell_is_read_as_rows(run, sentences):
    # The first row's cell is past csv's default cell limit (128 KB), then past the part
    # of stdin that decides the format (1 MB): both were read as one text.
    article = "The gauges on the river report a level every hour. " * (sentences // 10)
    text = f'id,text,date\nr1,"{article}",2024-03-01\nr2,Tax forms are due in April.,2024-04-01\n'
    result = run("predict", "-", "--format", "jsonl", "--max-bytes", "20000000", input=text)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["r1", "r2"]


def test_a_post_piped_in_is_tagged_as_the_file_is(run):
    post = next(p for p in sorted((CORPUS / "documents").rglob("*.md")) if "```" in p.read_text())
    from_file = json.loads(run("predict", post, "--format", "jsonl").stdout)
    piped = json.loads(run("predict", "-", "--format", "jsonl", input=post.read_text()).stdout)
    assert (piped["labels"], piped["scores"]) == (from_file["labels"], from_file["scores"])


def test_a_walk_passes_over_hidden_files_and_folders_and_reads_every_file_after_them(tmp_path):
    # Hidden names sort first: a walk that stopped at the first would find nothing.
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.md").write_text("x")
    (tmp_path / ".draft.md").write_text("x")
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / ".swap.txt").write_text("x")
    (tmp_path / "b" / "c.txt").write_text("x")
    assert list(expand_inputs([str(tmp_path)])) == [
        str(tmp_path / "a.md"),
        str(tmp_path / "b" / "c.txt"),
    ]


def test_a_folder_that_cannot_be_listed_is_said_and_the_walk_goes_on(tmp_path, monkeypatch):
    from aitag.readers import inputs

    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "post.md").write_text("x")
    real = inputs.os.scandir

    def scandir(path):
        if str(path).endswith("b"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(inputs.os, "scandir", scandir)
    found = list(expand_inputs([str(tmp_path)]))
    assert [str(item) for item in found] == [
        str(tmp_path / "a" / "post.md"),
        f"{tmp_path / 'b'}: cannot list this directory (Permission denied)",
        str(tmp_path / "c" / "post.md"),
    ]


def test_stdin_given_twice_is_read_once_and_the_second_is_an_error():
    found = list(expand_inputs(["-", "-"]))
    assert found[0] == "-"
    assert str(found[1]) == "<stdin>: is given twice; standard input can be read once"


@pytest.mark.parametrize(
    ("path", "input_format", "one_document", "archive"),
    [
        ("post.md", "auto", True, False),
        ("post.HTML", "auto", True, False),
        ("rows.jsonl", "auto", False, True),
        ("rows.CSV", "auto", False, True),
        ("feed.rss", "auto", False, True),
        ("export.xml", "auto", False, True),
        ("notes", "auto", False, False),  # by content: it may turn out to hold rows
        ("post.md", "jsonl", False, True),
        ("post.md", "csv", False, True),
        ("rows.jsonl", "markdown", True, False),
        ("-", "auto", False, False),
        ("-", "csv", False, True),
        ("-", "markdown", False, False),
    ],
)
def test_which_files_are_one_document_and_which_are_archives(
    path, input_format, one_document, archive
):
    from aitag.readers.inputs import is_one_document, is_row_archive

    assert is_one_document(path, input_format) is one_document
    assert is_row_archive(path, input_format) is archive
    if input_format == "auto":  # the default
        assert (is_one_document(path), is_row_archive(path)) == (one_document, archive)


def test_a_file_of_exactly_the_size_limit_is_read_and_one_byte_more_is_refused(tmp_path):
    import io

    from aitag.readers.inputs import read_bytes, read_regular

    exact, over = tmp_path / "exact.txt", tmp_path / "over.txt"
    exact.write_bytes(b"x" * 64)
    over.write_bytes(b"x" * 65)
    assert read_bytes(str(exact), 64, None) == b"x" * 64
    assert read_regular(exact, 64) == b"x" * 64
    with pytest.raises(InputError, match=r"over\.txt: larger than the 64-byte limit"):
        read_bytes(str(over), 64, None)
    with pytest.raises(InputError, match=r"over\.txt: is larger than the 64 bytes a model"):
        read_regular(over, 64, "model")
    assert read_bytes("-", 64, io.BytesIO(b"y" * 64)) == b"y" * 64
    with pytest.raises(InputError, match="<stdin>: larger than the 64-byte limit"):
        read_bytes("-", 64, io.BytesIO(b"y" * 65))


def test_stdin_is_read_no_further_than_one_byte_past_the_limit():
    from aitag.readers.inputs import read_bytes

    class Endless:
        asked: list = []

        def read(self, size=-1):
            if size is None or size < 0:
                raise AssertionError("an endless stream read to its end never returns")
            self.asked.append(size)
            return b"z" * size

    stream = Endless()
    with pytest.raises(InputError, match="larger than the 1,000-byte limit"):
        read_bytes("-", 1000, stream)  # type: ignore[arg-type]
    assert stream.asked == [1001]


def test_globs_relative_and_absolute_with_hidden_names_and_any_depth(tmp_path, monkeypatch):
    for name in ("posts/a.md", "posts/.hidden.md", "posts/sub/b.md", "posts/.git/c.md",
                 "notes/x.txt"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    monkeypatch.chdir(tmp_path)

    def files(pattern):
        return [str(item) for item in expand_inputs([pattern])]

    assert files("posts/*.md") == ["posts/a.md"]  # a hidden name matches "*" only as ".*"
    assert files("posts/.*.md") == ["posts/.hidden.md"]
    assert files("posts/**/*.md") == ["posts/a.md", "posts/sub/b.md"]  # not into .git
    assert files("**/b.md") == ["posts/sub/b.md"]
    assert files("*/sub") == ["posts/sub/b.md"]  # a folder matched is walked
    assert files("pos?s/sub/b.md") == ["posts/sub/b.md"]  # literal parts after a magic one
    assert files("pos?s/sub/none.md") == ["pos?s/sub/none.md: no file matches this pattern"]
    assert files("*/x.txt") == ["notes/x.txt"]
    assert files("posts/*/nothing/*.md") == ["posts/*/nothing/*.md: no file matches this pattern"]
    assert files(str(tmp_path / "posts" / "*.md")) == [str(tmp_path / "posts" / "a.md")]
    assert files(str(tmp_path / "p*" / "sub")) == [str(tmp_path / "posts" / "sub" / "b.md")]
