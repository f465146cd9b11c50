"""Hostile corpora and evaluation files: every command says what is wrong in one line naming
the file and line, exits 2, and never reads more than a record's worth at a time."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from aitag.cli import main
from aitag.corpus import load_records, parse_record
from aitag.corpus_checks import near_duplicates, validate_corpus
from aitag.errors import CorpusError

GOOD = {"id": "1", "text": "GPT writes code.", "labels": ["LLM"], "primary": "LLM", "source": "w"}


def line(**fields) -> bytes:
    return (json.dumps({**GOOD, **fields}) + "\n").encode()


HOSTILE = {
    "invalid-utf8": line() + b'{"id": "2", "text": "caf\xe9"}\n',
    "genre-list": line() + line(id="2", genre=["a", "b"]),
    "source-dict": line(source={"a": 1}),
    "deep-json": line() + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "not-an-object": line() + b"[1, 2]\n",
    "broken-json": line() + b'{"id": \n',
    "empty": b"",
}
WHERE = {"invalid-utf8": ":2", "genre-list": ":2", "deep-json": ":2", "not-an-object": ":2"}


def one_line_error(result, path, where: str = "") -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    # `corpus validate` lists problems, then counts them on stderr.
    lines = [x for x in result.output.strip().splitlines() if not x.endswith("problem(s)")]
    assert len(lines) == 1 and f"{path}{where}" in lines[0], result.output


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_every_corpus_command_refuses_a_hostile_corpus_in_one_line(model_path, tmp_path, key):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(HOSTILE[key])
    env = {"AITAG_MODEL": str(model_path)}
    for args in (
        ["corpus", "validate", corpus],
        ["corpus", "stats", corpus],
        ["train", "--corpus", corpus, "--out", tmp_path / "m.skops"],
        ["evaluate", corpus],
    ):
        result = CliRunner().invoke(main, [str(a) for a in args], env=env)
        one_line_error(result, corpus, WHERE.get(key, ""))
    assert not (tmp_path / "m.skops").exists()


@pytest.mark.parametrize("kind", ["fifo", "directory", "broken-link"])
def test_a_corpus_file_that_is_not_a_file_is_refused(tmp_path, kind):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(line())
    odd = folder / "b.jsonl"
    if kind == "fifo":
        os.mkfifo(odd)
    elif kind == "directory":
        odd.mkdir()
    else:
        odd.symlink_to(folder / "nowhere.jsonl")
    if kind == "directory":  # a folder named like a file is looked into, not read
        assert len(load_records(folder)) == 1
        return
    for args in (["corpus", "validate", folder], ["corpus", "stats", folder]):
        result = CliRunner().invoke(main, [str(a) for a in args])
        one_line_error(result, odd)


def test_against_a_file_of_a_json_list_is_refused(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(line())
    against = tmp_path / "dev.jsonl"
    for content in (b"[1, 2, 3]\n", b"\xff\xfe\n", b"[" * 50_000 + b"\n"):
        against.write_bytes(content)
        result = CliRunner().invoke(
            main, ["corpus", "validate", str(corpus), "--against", str(against)]
        )
        one_line_error(result, against, ":1")


def test_a_record_longer_than_a_passage_can_be_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from aitag import corpus as corpus_module

    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(line() + line(id="2", text="word " * 300_000))
    with pytest.raises(CorpusError, match=r"c.jsonl:2: longer than 1,000,000 bytes"):
        load_records(corpus)
    monkeypatch.setattr(corpus_module, "MAX_RECORD_BYTES", 10)
    with pytest.raises(CorpusError, match=":1: longer than"):
        list(corpus_module.json_lines(corpus, corpus_module.MAX_RECORD_BYTES))


def test_train_on_texts_without_words_is_one_line(tmp_path):
    corpus = tmp_path / "c.jsonl"
    rows = [
        {**GOOD, "id": str(i), "text": "!!! ... ???", "labels": [], "primary": "none"}
        for i in range(30)
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = CliRunner().invoke(
        main, ["train", "--corpus", str(corpus), "--out", str(tmp_path / "m.skops")]
    )
    one_line_error(result, corpus)


def test_many_copies_of_one_record_are_reported_once_each(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({**GOOD, "id": str(i)}) + "\n" for i in range(4000)))
    problems = validate_corpus(corpus)
    assert len(problems) == 3999 and problems[0] == "1: same text as 0"


def test_near_copies_are_reported_once_each_with_an_earlier_one():
    text = "Large language models predict the next token from the prompt so far"
    rows = [
        parse_record({**GOOD, "id": str(i), "text": f"{text} and then {i}."}, "")
        for i in range(300)
    ]
    pairs = near_duplicates(rows)
    assert [b for _, b, _ in pairs] == [str(i) for i in range(1, 300)]
    assert all(int(a) < int(b) for a, b, _ in pairs)


def test_labelled_documents_with_bad_fields_are_one_line(tmp_path, model_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("GPT writes code.")
    labels = folder / "labels.jsonl"
    for row in (
        {"path": "a.txt", "labels": ["LLM"], "primary": "LLM", "genre": ["x"]},
        {"path": "a\x00.txt", "labels": ["LLM"], "primary": "LLM"},
        {"path": "a.txt", "labels": ["LLM"], "primary": "LLM", "id": {"x": 1}},
    ):
        labels.write_text(json.dumps(row) + "\n")
        result = CliRunner().invoke(
            main, ["evaluate", str(folder)], env={"AITAG_MODEL": str(model_path)}
        )
        one_line_error(result, labels, ":1")
