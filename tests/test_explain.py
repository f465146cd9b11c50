"""Explanations: exact per-term contributions, their records, and the explain command."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from aitag.explain import Explainer, contributions, term_spans
from aitag.features import analyze
from aitag.formats.explanations import render_html
from aitag.labels import LABELS

PROMPTS = (
    "Write a clear prompt: the language model predicts the next token, and a longer "
    "context window lets it read more tokens of the prompt before it answers."
)
TWO_PARAGRAPHS = (
    "We trained a gradient boosting classifier on labelled churn data.\n\n"
    "Separately, a chatbot answers questions with a large language model and a prompt."
)


@pytest.fixture()
def explainer(tagger):
    return Explainer(tagger)


def test_llm_top_positive_features_come_from_the_text(explainer):
    record = explainer.explain_text(PROMPTS)
    assert "LLM" in record["labels"]
    up = [f for f in record["explanations"]["LLM"] if f["weight"] > 0]
    assert len(up) == 5
    assert up == sorted(up, key=lambda f: -f["weight"])
    own_ngrams = set(analyze(PROMPTS))
    assert all(f["feature"] in own_ngrams for f in up)
    assert {"prompt", "language model", "token", "tokens", "model"} & {f["feature"] for f in up}


def test_contributions_sum_to_the_linear_score(tagger):
    texts = [PROMPTS, "Roast the carrots with thyme.", "Midjourney draws a cat from a prompt."]
    linear = tagger.model.passages.decision_function(texts)
    for found, expected in zip(contributions(tagger.model.passages, texts), linear):
        assert found.values.shape == (len(LABELS), len(found.terms))
        np.testing.assert_allclose(
            found.values.sum(axis=1), expected - tagger.model.passages.intercept, atol=1e-5
        )
        np.testing.assert_allclose(found.linear_scores(), expected, atol=1e-5)


def test_document_explanation_comes_from_the_passage_that_scores_it(explainer):
    record = explainer.explain_text(TWO_PARAGRAPHS, passages=True)
    by = record["explained_by"]
    assert by["ML"]["index"] == 0 and by["LLM"]["index"] == 1
    assert "classifier" in by["ML"]["text"]
    for label in LABELS:
        passage = record["passages"][by[label]["index"]]
        assert passage["scores"][label] == max(p["scores"][label] for p in record["passages"])
        assert passage["explanations"][label] == record["explanations"][label]


def test_text_without_known_terms_has_empty_explanations(explainer):
    record = explainer.explain_text("Zxqv wrrbl.")
    assert record["labels"] == []
    assert record["explanations"] == dict.fromkeys(LABELS, [])


def test_term_spans_find_ngrams_across_case_and_punctuation():
    text = "A Language-Model? No: a language, model and languages."
    spans = term_spans(text, [{"feature": "language model", "weight": 1.0}])
    assert [text[s:e] for s, e, _ in spans] == ["language, model"]
    spans = term_spans(
        "Prompt the model.",
        [{"feature": "model", "weight": 0.2}, {"feature": "the model", "weight": 0.5}],
    )
    assert [(s, e, f["feature"]) for s, e, f in spans] == [(7, 16, "the model")]


def test_html_is_self_contained_and_escaped(explainer):
    record = explainer.explain_text(
        "<script>alert(1)</script> The prompt steers the language model."
    )
    page = render_html([record])
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"(src|href)=", page)
    assert '<mark class="up"' in page


def test_cli_json_shape_from_stdin(run):
    result = run("explain", "-", "--format", "jsonl", "--top", "3", input=PROMPTS)
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    record = json.loads(line)
    as_json = run("explain", "-", "--format", "json", "--top", "3", input=PROMPTS)
    assert json.loads(as_json.stdout) == [record]  # json: one document, a list of records
    assert {"path", "labels", "scores", "explanations", "explained_by"} <= set(record)
    assert record["path"] == "<stdin>" and "passages" not in record
    assert set(record["explanations"]) == set(LABELS)
    for features in record["explanations"].values():
        assert len(features) <= 6
        assert all(set(f) == {"feature", "weight"} for f in features)


def test_cli_table_shows_tags_features_and_text(run, tmp_path):
    post = tmp_path / "post.md"
    post.write_text("# Chat\n\n" + TWO_PARAGRAPHS)
    result = run("explain", post, "--passages")
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.stdout  # no colour off a terminal
    assert "LLM" in result.stdout and "from the passage at 5:1" in result.stdout
    assert "> Separately, a chatbot" in result.stdout
    assert "passage 3:1" in result.stdout


def test_cli_html_and_bad_input(run, tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(PROMPTS)
    result = run("explain", good, tmp_path / "missing.txt", "--format", "html")
    assert result.exit_code == 2
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "missing.txt: no such file" in result.stderr


def test_explain_as_a_real_process(model_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aitag",
            "explain",
            "-",
            "--model",
            str(model_path),
            "--format",
            "jsonl",
        ],
        input=PROMPTS,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "LLM" in json.loads(result.stdout)["labels"]


@pytest.mark.parametrize("fmt", ["table", "html", "jsonl"])
def test_a_document_without_prose_is_explained_as_such_and_the_rest_go_on(run, tmp_path, fmt):
    # Front matter, a heading and code: a record with no tags and a warning, not a
    # traceback that loses the other documents (it was one in table and html).
    (tmp_path / "a-stub.md").write_text("---\ntitle: Stub\n---\n# Heading\n\n```\ncode\n```\n")
    (tmp_path / "b-post.txt").write_text(PROMPTS)
    result = run("explain", tmp_path, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "a-stub.md: has no prose to tag" in result.stderr
    assert "Traceback" not in result.output
    assert "b-post.txt" in result.stdout
    if fmt == "table":
        assert "  GenAI  0.00   no prose" in result.stdout.split("b-post.txt")[0]
    elif fmt == "html":
        assert result.stdout.count("no prose to explain") == len(LABELS)
    else:
        stub = json.loads(result.stdout.splitlines()[0])
        assert stub["labels"] == [] and stub["explained_by"] == dict.fromkeys(LABELS)


@pytest.mark.parametrize("fmt", ["table", "html"])
def test_rows_of_a_file_are_named_by_path_and_id(run, tmp_path, fmt):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": "first", "text": PROMPTS}) + "\n"
        + json.dumps({"id": "second", "text": TWO_PARAGRAPHS}) + "\n"
    )  # fmt: skip
    result = run("explain", rows, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert f"{rows}#first" in result.stdout and f"{rows}#second" in result.stdout


def test_decision_features_read_back_by_hand():
    import math

    from aitag.formats.explanations import _decision_feature

    assert _decision_feature({"feature": "support_ML", "value": math.log1p(2)}, "ML") == "support 2"
    assert _decision_feature({"feature": "best_ML", "value": 0.0}, "ML") == "best 0.50"
    shown = _decision_feature({"feature": "best_short_GenAI", "value": math.log(3)}, "ML")
    assert shown == "GenAI's best short 0.75"


def test_what_decided_each_score_is_shown_with_its_passage(run, explainer, tmp_path):
    # A passage may score 0.99 while the document scores 0.00 (a short line never votes
    # alone): the document features that decided it are shown beside the passage.
    post = tmp_path / "post.txt"
    post.write_text(TWO_PARAGRAPHS)
    record = explainer.explain_text(TWO_PARAGRAPHS)
    as_json = json.loads(run("explain", post, "--format", "jsonl").stdout)
    assert as_json["decision"] == record["decision"]
    table = run("explain", post).stdout.splitlines()
    decided = [line.strip() for line in table if line.strip().startswith("decided by")]
    assert len(decided) == len(LABELS)
    for label, line in zip(LABELS, decided):
        first = record["decision"][label][0]
        assert line.startswith("decided by  ")
        assert f"({first['weight']:+.2f})" in line.split(", ")[0]
    html = run("explain", post, "--format", "html").stdout
    assert html.count('<p class="where">decided by') == len(LABELS)
