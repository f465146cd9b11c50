"""The corpus: format, fixed split, seed extraction from the raw posts, duplicates."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from conftest import CORPUS, RAW

from aitag.corpus import (
    SEED_RECORDS,
    corpus_sha256,
    in_test_split,
    load_labelled_documents,
    load_records,
    parse_record,
    record_files,
    split_records,
)
from aitag.corpus_checks import near_duplicates
from aitag.defaults import TEST_SPLIT_PERCENT
from aitag.errors import CorpusError
from aitag.seeds import body_paragraphs, extract_seed_snippets


def test_corpus_loads_and_follows_the_guide():
    records = load_records(CORPUS)
    assert len(records) > 80
    assert all(r.primary in r.labels or (not r.labels and r.primary == "none") for r in records)


def test_seed_records_are_exactly_the_extraction_of_the_raw_posts():
    labelled = {r.id: r for r in load_records(CORPUS / SEED_RECORDS)}
    extracted = extract_seed_snippets(RAW, labelled)
    assert [(r.id, r.text, r.source) for r in extracted] == [
        (r.id, r.text, r.source) for r in labelled.values()
    ]


def test_extraction_loses_no_body_text_and_keeps_no_boilerplate():
    snippets = " ".join(r.text for r in extract_seed_snippets(RAW))
    for path in sorted(RAW.glob("*.txt")):
        for paragraph in body_paragraphs(path):
            for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
                assert sentence in snippets
    for boilerplate in ("Breadcrumb Abstract Shape", "min read", "srcset", "font-weight"):
        assert boilerplate not in snippets


def test_test_split_is_fixed_by_id_and_about_fifteen_percent():
    records = load_records(CORPUS)
    train, test = split_records(records)
    assert not {r.id for r in train} & {r.id for r in test}
    assert 0.08 < len(test) / len(records) < 0.25
    assert in_test_split("w1-0001") == in_test_split("w1-0001")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"id": "x", "text": "t", "labels": ["Robots"], "primary": "none", "source": "s"},
            "labels",
        ),
        ({"id": "x", "text": "t", "labels": ["AI"], "primary": "ML", "source": "s"}, "primary"),
        ({"id": "x", "text": "t", "labels": [], "primary": "AI", "source": "s"}, "primary"),
        ({"id": "x", "text": "", "labels": [], "primary": "none", "source": "s"}, "text"),
        ({"id": "x", "labels": [], "primary": "none", "source": "s"}, "missing"),
    ],
)
def test_bad_records_are_refused(row, message):
    with pytest.raises(CorpusError, match=message):
        parse_record(row, "here")


def test_near_duplicates_found_by_shingles():
    base = "Large language models predict the next token from everything in the prompt so far and more."
    rows = [
        parse_record({"id": "a", "text": base, "labels": [], "primary": "none", "source": "w"}, ""),
        parse_record(
            {
                "id": "b",
                "text": base.replace("more", "less"),
                "labels": [],
                "primary": "none",
                "source": "w",
            },
            "",
        ),
        parse_record(
            {
                "id": "c",
                "text": "Roast carrots with honey.",
                "labels": [],
                "primary": "none",
                "source": "w",
            },
            "",
        ),
    ]
    assert [(a, b) for a, b, _ in near_duplicates(rows)] == [("a", "b")]


def test_corpus_validate_and_stats_commands(tmp_path):
    from click.testing import CliRunner

    from aitag.cli import main

    good = tmp_path / "c.jsonl"
    good.write_text(
        json.dumps(
            {
                "id": "1",
                "text": "GPT writes.",
                "labels": ["LLM"],
                "primary": "LLM",
                "source": "written",
            }
        )
        + "\n"
    )
    assert CliRunner().invoke(main, ["corpus", "validate", str(good)]).exit_code == 0
    bad = tmp_path / "d.jsonl"
    bad.write_text(good.read_text() + good.read_text())
    result = CliRunner().invoke(main, ["corpus", "validate", str(bad)])
    assert result.exit_code == 2 and "already used" in result.output
    stats = CliRunner().invoke(main, ["corpus", "stats", str(good), "--format", "json"])
    assert json.loads(stats.output)["per_tag"]["LLM"] == 1


def _bucket(record_id: str) -> int:
    return int(hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:8], 16) % 100


def test_test_split_is_16_of_100_hash_buckets_of_the_id():
    assert TEST_SPLIT_PERCENT == 16
    records = load_records(CORPUS)
    assert all(in_test_split(r.id) == (_bucket(r.id) < 16) for r in records)
    train, test = split_records(records)
    # Both keep the corpus's order, and every record is in exactly one.
    assert [r.id for r in test] == [r.id for r in records if _bucket(r.id) < 16]
    assert [r.id for r in train] == [r.id for r in records if _bucket(r.id) >= 16]
    assert 0.15 < len(test) / len(records) < 0.17


@pytest.mark.parametrize(
    ("record_id", "bucket"),
    [("s001-0023", 0), ("s001-0040", 15), ("w1-0045", 16), ("w1-0029", 17), ("s000-0024", 99)],
)
def test_split_membership_at_the_edges(record_id, bucket):
    assert _bucket(record_id) == bucket
    assert in_test_split(record_id) == (bucket < 16)


def test_documents_split_by_the_same_rule():
    from aitag.corpus import load_labelled_documents, split_documents

    documents = load_labelled_documents(CORPUS)
    train, test = split_documents(documents)
    assert [d.id for d in test] == [d.id for d in documents if _bucket(d.id) < 16]
    assert [d.id for d in train] == [d.id for d in documents if _bucket(d.id) >= 16]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "x", "text": "hi"}\nnot json\n', "bad.jsonl:2: not valid JSON"),
        ("[1, 2]\n", "bad.jsonl:1: not a JSON object"),
        (b"\xff\xfe\x00bad", "bad.jsonl:1: not valid UTF-8"),
    ],
)
def test_validate_against_a_bad_file_is_one_line_not_a_traceback(tmp_path, content, message):
    from click.testing import CliRunner

    from aitag.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(
        main, ["corpus", "validate", str(CORPUS / SEED_RECORDS), "--against", str(bad)]
    )
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert message in result.stdout and "Traceback" not in result.output


def test_extract_seeds_over_the_shipped_corpus_changes_no_byte(tmp_path):
    from click.testing import CliRunner

    from aitag.cli import main

    out = tmp_path / SEED_RECORDS
    out.write_bytes((CORPUS / SEED_RECORDS).read_bytes())
    result = CliRunner().invoke(
        main, ["corpus", "extract-seeds", "--raw", str(RAW), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "0 new or changed" in result.stdout
    assert out.read_bytes() == (CORPUS / SEED_RECORDS).read_bytes()


def test_extract_seeds_refuses_to_drop_labelled_snippets(tmp_path):
    # An empty or partial --raw folder (a wrong path) would rewrite the seeds without the
    # snippets labelled by hand; it is refused and the file is left whole.
    from click.testing import CliRunner

    from aitag.cli import main

    out = tmp_path / SEED_RECORDS
    out.write_bytes((CORPUS / SEED_RECORDS).read_bytes())
    labelled = [r for r in load_records(out) if r.labels]
    partial = tmp_path / "raw"
    partial.mkdir()
    first = sorted(RAW.glob("*.txt"))[0]
    (partial / first.name).write_bytes(first.read_bytes())
    for raw in (tmp_path / "nothing", partial):
        raw.mkdir(exist_ok=True)
        result = CliRunner().invoke(
            main, ["corpus", "extract-seeds", "--raw", str(raw), "--out", str(out)]
        )
        assert result.exit_code == 2, result.output
        kept = {r.id for r in extract_seed_snippets(raw, {r.id: r for r in load_records(out)})}
        lost = sum(r.id not in kept for r in labelled)
        assert f"{lost} labelled snippet(s)" in result.output and lost > 0
        assert "Traceback" not in result.output
        assert out.read_bytes() == (CORPUS / SEED_RECORDS).read_bytes()


def test_validate_reports_every_bad_record_not_only_the_first(tmp_path):
    from click.testing import CliRunner

    from aitag.cli import main

    good = {"id": "g", "text": "A passage.", "labels": ["AI"], "primary": "AI", "source": "t"}
    lines = [
        json.dumps(good),
        json.dumps({**good, "id": "p", "primary": "GenAI"}),  # primary not a label
        "{not json",
        json.dumps({**good, "id": "l", "labels": ["FOO"]}),  # an unknown tag
        json.dumps(good),  # its id again
        json.dumps({**good, "id": "ok", "text": "Another passage, about something else."}),
    ]
    data = tmp_path / "c.jsonl"
    data.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["corpus", "validate", str(data)])
    assert result.exit_code == 2
    reported = result.stdout.splitlines()
    assert [line.split(":")[1] for line in reported] == ["2", "3", "4", "5"]
    assert "already used" in reported[3]
    assert "4 problem(s)" in result.stderr
    with pytest.raises(CorpusError, match=r"c.jsonl:2: "):
        load_records(data)  # loading for training still stops at the first


def test_stats_lengths_come_shortest_first():
    from aitag.corpus import LENGTH_BUCKETS, Record, corpus_stats

    texts = ["word " * n for n in (3, 300, 60, 20, 140)]
    records = [Record(f"r{k}", t, (), "none", "s") for k, t in enumerate(texts)]
    assert list(corpus_stats(records)["length"]) == list(LENGTH_BUCKETS)
    assert list(corpus_stats(records[:2])["length"]) == ["<15 words", ">=250 words"]


def test_candidate_slices_are_neither_passages_nor_documents(tmp_path):
    # Written slices a judgement did not adopt stay in corpus/candidates/ for a later
    # one: their labels.jsonl is no passage file, and their documents are not trained on.
    corpus = tmp_path / "corpus"
    (corpus / "written").mkdir(parents=True)
    record = {"id": "w-1", "text": "GPT writes text.", "labels": ["LLM"], "source": "written"}
    (corpus / "written" / "w.jsonl").write_text(json.dumps({**record, "primary": "LLM"}) + "\n")
    slice_folder = corpus / "candidates" / "d99-slice"
    slice_folder.mkdir(parents=True)
    (slice_folder / "001-post.md").write_text("A post about container images.\n")
    line = {"id": "d99-001", "path": "001-post.md", "labels": [], "primary": "none"}
    (slice_folder / "labels.jsonl").write_text(json.dumps(line) + "\n")
    kept = corpus / "documents" / "d01-kept"
    kept.mkdir(parents=True)
    (kept / "001-post.md").write_text("A post about language models and their prompts.\n")
    line = {"id": "d01-001", "path": "001-post.md", "labels": ["LLM"], "primary": "LLM"}
    (kept / "labels.jsonl").write_text(json.dumps(line) + "\n")
    before = corpus_sha256(corpus)
    assert record_files(corpus) == [corpus / "written" / "w.jsonl"]
    assert [r.id for r in load_records(corpus)] == ["w-1"]
    assert [d.id for d in load_labelled_documents(corpus)] == ["d01-001"]
    (slice_folder / "002-post.md").write_text("Another.\n")
    assert corpus_sha256(corpus) == before
    # The shipped corpus's candidates are kept out the same way.
    assert not any("candidates" in str(path) for path in record_files(CORPUS))
