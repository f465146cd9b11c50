"""benchmarks/public_docs.py: how public posts with borderline and second labels are judged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GivenTags, load_benchmark, write_labelled_set

from aitag.labels import LABELS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def public_docs():
    return load_benchmark("public_docs")


def test_borderline_tags_are_right_either_way_and_misses_need_every_reader(tmp_path, public_docs):
    rows = [
        # sure ML, borderline AI: AI missing is no miss
        {"path": "a.md", "labels": ["ML"], "borderline": ["AI"]},
        # readers differ on LLM: LLM missing is no miss
        {"path": "e.md", "labels": ["LLM"], "labels2": []},
        # readers differ on LLM: given or not, no error; GenAI both sure and missed
        {"path": "b.md", "labels": ["LLM", "GenAI"], "labels2": ["GenAI"], "borderline2": []},
        # untagged by both: a tag is an untagged post tagged
        {"path": "c.md", "labels": [], "labels2": []},
        # untagged, a tag one reader hesitated on: given, not counted as tagged
        {"path": "d.md", "labels": [], "borderline": ["AI"]},
        # a tag its reader hesitated on: not an untagged post
        {"path": "f.md", "labels": ["AI"], "borderline": ["AI"]},
        # a file that was not fetched
        {"path": "gone.md", "labels": ["ML"]},
    ]
    write_labelled_set(tmp_path, rows)
    (tmp_path / "files" / "gone.md").unlink()
    present, missing = public_docs.load_set(tmp_path)
    assert [row["path"] for row in present] == ["a.md", "e.md", "b.md", "c.md", "d.md", "f.md"]
    assert missing == 1
    tagger = GivenTags(
        {
            "a.md": ["ML"],
            "e.md": [],
            "b.md": ["LLM"],
            "c.md": ["ML"],
            "d.md": ["AI"],
            "f.md": ["AI"],
        }
    )
    result = public_docs.judge(tagger, tmp_path, present)
    assert result["posts"] == 6
    assert result["AI"] == [2, 0, 0]
    assert result["ML"] == [1, 1, 0]
    assert result["LLM"] == [1, 0, 0]
    assert result["GenAI"] == [0, 0, 1]
    assert result["exact"] == 4  # a.md, e.md, d.md and f.md
    assert (result["untagged"], result["untagged_tagged"]) == (2, 1)
    assert sorted((kind, label, path) for kind, label, _, path in result["errors"]) == [
        ("missed", "GenAI", "b.md"),
        ("wrong", "ML", "c.md"),
    ]


def test_one_reader_sure_and_the_other_unsure_is_no_miss(public_docs):
    row = {"labels": ["AI"], "borderline": [], "labels2": ["AI"], "borderline2": ["AI"]}
    sure, allowed = public_docs._readings(row)
    assert sure == set() and allowed == {"AI"}
    assert public_docs._readings({"labels": ["ML", "AI"], "borderline": ["AI"]}) == (
        {"ML"},
        {"ML", "AI"},
    )


MANIFEST_FIELDS = [
    "source", "path", "labels", "primary", "borderline", "labels2", "primary2", "borderline2",
    "kind",
]  # fmt: skip


@pytest.mark.parametrize(
    "manifest", sorted((ROOT / "benchmarks" / "public_sets").glob("*.jsonl")), ids=lambda p: p.stem
)
def test_each_public_set_can_be_fetched_again_and_judged(manifest):
    # A set is kept as addresses and labels only (the readers' notes quote the posts); a
    # line that names no commit, or labels the guide does not have, could not be
    # refetched or judged by a later session.
    rows = [json.loads(line) for line in manifest.read_text().splitlines()]
    assert rows
    paths = [row["path"] for row in rows]
    assert len(set(paths)) == len(paths)
    for row in rows:
        assert list(row) == MANIFEST_FIELDS
        repo, _, rest = row["source"].partition("@")
        commit, _, path = rest.partition(":")
        assert repo.count("/") == 1 and path, row["source"]
        assert len(commit) == 40 and int(commit, 16) >= 0, row["source"]
        for labels, primary in (("labels", "primary"), ("labels2", "primary2")):
            assert set(row[labels]) <= set(LABELS), row["path"]
            assert row[primary] in (row[labels] or ["none"]), row["path"]
        assert set(row["borderline"]) | set(row["borderline2"]) <= set(LABELS)
