"""benchmarks/judge_variants.py: the counts and means an adoption rule is read from."""

from __future__ import annotations

import pytest
from conftest import GivenTags, load_benchmark, write_labelled_set

from aitag.labels import LABELS


@pytest.fixture(scope="module")
def judge_variants():
    return load_benchmark("judge_variants")


def test_dev_documents_counts_each_tag_and_untagged_documents(tmp_path, judge_variants):
    write_labelled_set(
        tmp_path,
        [
            {"path": "a.md", "labels": ["LLM"], "primary": "LLM"},
            {"path": "b.md", "labels": [], "primary": "none"},
            {"path": "c.md", "labels": [], "primary": "none"},
            {"path": "d.md", "labels": ["ML", "GenAI"], "primary": "ML"},
        ],
    )
    tagger = GivenTags({"a.md": ["LLM"], "b.md": ["GenAI"], "c.md": [], "d.md": ["ML", "AI"]})
    result = judge_variants.dev_documents(tagger, tmp_path)
    assert result["exact"] == 2  # a and c
    assert result["untagged_tagged"] == 1  # b
    assert result["AI"] == [0, 1, 0]
    assert result["ML"] == [1, 0, 0]
    assert result["LLM"] == [1, 0, 0]
    assert result["GenAI"] == [0, 1, 1]


def test_public_sets_are_pooled(tmp_path, judge_variants):
    for name, tag in (("X", "LLM"), ("Y", "GenAI")):
        write_labelled_set(
            tmp_path / name,
            [
                {"path": f"{name}1.md", "labels": [tag], "primary": tag},
                {"path": f"{name}2.md", "labels": [], "primary": "none"},
            ],
        )
    tagger = GivenTags({"X1.md": ["LLM"], "X2.md": ["ML"], "Y1.md": [], "Y2.md": []})
    pooled = judge_variants.public_posts(tagger, tmp_path)
    assert pooled["exact"] == 2  # X1 and Y2
    assert pooled["untagged_tagged"] == 1  # X2
    assert pooled["LLM"] == [1, 0, 0]
    assert pooled["ML"] == [0, 1, 0]
    assert pooled["GenAI"] == [0, 0, 1]


def _figures(exact, untagged, genai_right, genai_wrong, passages):
    counts = {label: [0, 0, 0] for label in LABELS}
    counts["GenAI"] = [genai_right, genai_wrong, 0]
    return {
        "public": {"exact": exact, "untagged_tagged": untagged, **counts},
        "dev documents": {"exact": 70, "untagged_tagged": 5, **counts},
        "dev passages": passages,
    }


def test_summary_gives_means_over_seeds_and_pooled_changes_against_the_base(judge_variants):
    runs = {
        "base": [_figures(10, 4, 5, 3, 0.88), _figures(12, 2, 5, 3, 0.86)],
        "X": [_figures(13, 1, 4, 1, 0.87), _figures(14, 2, 5, 0, 0.89)],
    }
    lines = judge_variants.summary(runs)
    assert lines[0] == (
        "base: public exact 11.00, untagged tagged 3.00; dev documents exact 70.00, "
        "untagged tagged 5.00; dev passages 0.8700 (first seed 0.8800)"
    )
    assert lines[1].startswith("X: public exact 13.50, untagged tagged 1.50;")
    assert lines[1].endswith("dev passages 0.8800 (first seed 0.8700)")
    # GenAI true tags: public and dev pooled, 10 a seed for base, 8 and 10 for X: -1.
    # False: 6 a seed for base, 2 and 0 for X: -5.
    assert lines[2] == (
        "    AI true +0.00 false +0.00, ML true +0.00 false +0.00, "
        "LLM true +0.00 false +0.00, GenAI true -1.00 false -5.00"
    )
    assert len(lines) == 3
