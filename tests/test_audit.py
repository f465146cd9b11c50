"""Audit: term mentions, the three rules, exact positions, output formats and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from aitag.audit import Auditor, level_at_least
from aitag.audit.claims import inverted_claims
from aitag.audit.mentions import find_mentions
from aitag.audit.rules import INVERTED_HIERARCHY, VAGUE_TERM, WRONG_TERM
from aitag.cli import main
from aitag.formats.findings import render
from aitag.labels import LABELS
from aitag.readers import read_documents


class _FlatModel:
    """Scores every text 0.5 on every tag: the model rules never fire, the patterns do."""

    def predict_proba(self, texts):
        return np.full((len(texts), len(LABELS)), 0.5)


class _FlatTagger:
    model = _FlatModel()


@pytest.fixture(scope="module")
def flat():
    return Auditor(_FlatTagger())


@pytest.fixture(scope="module")
def auditor(tagger):
    return Auditor(tagger)


def rules(findings):
    return [(f["rule"], f["term"]) for f in findings]


# ---------------------------------------------------------------- mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AI and A.I. and artificial intelligence", [("AI", "AI"), ("AI", "A.I."), ("AI", "artificial intelligence")]),
        ("ML, machine learning and machine-learning", [("ML", "ML"), ("ML", "machine learning"), ("ML", "machine-learning")]),
        ("LLM, LLMs, large language models, a language model", [("LLM", "LLM"), ("LLM", "LLMs"), ("LLM", "large language models"), ("LLM", "language model")]),
        ("generative AI, GenAI, gen AI, Generative artificial intelligence", [("GenAI", "generative AI"), ("GenAI", "GenAI"), ("GenAI", "gen AI"), ("GenAI", "Generative artificial intelligence")]),
    ],
)  # fmt: skip
def test_every_name_of_every_concept_is_found(text, expected):
    assert [(m.concept, m.text) for m in find_mentions(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Add 5 ml of milk and 250 ML of water.",  # millilitres, any case
        "The recipe needs 2 Ml of lemon juice.",
        "Al Gore met Al Pacino.",  # a name with a lower-case L is not AI
        "OpenAI, Open AI, Stability AI and Mistral AI are companies.",
        "Core ML and ML Kit run on phones.",
        'She read "Artificial Intelligence: A Modern Approach" twice.',  # a quoted title
        "The headline “LLMs will draw all our pictures” was clickbait.",
        "Words like maintain, email or html hold no acronym.",
    ],
)
def test_collisions_names_and_quotes_are_not_mentions(text):
    assert find_mentions(text) == []


def test_generative_ai_is_one_mention_not_two():
    (mention,) = find_mentions("Generative AI creates images.")
    assert (mention.concept, mention.text) == ("GenAI", "Generative AI")


# ---------------------------------------------------------------- InvertedHierarchy (no model)


def claims(sentence):
    return [
        (inner.text, outer.text)
        for inner, outer, _ in inverted_claims(sentence, find_mentions(sentence))
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "AI is a subset of machine learning.",
        "Machine learning is a type of generative AI.",
        "Artificial intelligence is a branch of machine learning.",
        "LLMs include generative AI.",
        "Machine learning (ML) is a subset of generative AI.",
        "Machine learning, in this view, is just a type of LLM.",
        "Generative AI is broader than machine learning.",
    ],
)
def test_inverted_claims_are_errors(flat, sentence):
    (finding,) = flat.audit_text(sentence)
    assert finding["rule"] == INVERTED_HIERARCHY
    assert finding["severity"] == "error"
    assert finding["line"] == 1 and finding["column"] == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "Machine learning is a subset of AI.",  # the right direction
        "Generative AI is a type of machine learning.",
        "LLMs are a subset of generative AI.",
        "Artificial intelligence includes machine learning.",
        "AI is broader than machine learning.",
        "AI is not a subset of machine learning.",  # negated
        "Machine learning isn't a type of generative AI.",
        "Machine learning is neither a kind of generative AI nor a kind of LLM.",
        "Is AI a subset of machine learning?",  # questioned
        "A common misconception is that AI is a subset of machine learning.",  # reported
        'The talk "Why AI is a subset of machine learning" was poor.',  # quoted title
        "The ML team and the AI team share a floor.",  # no claim at all
    ],
)
def test_correct_negated_questioned_and_quoted_claims_are_not_flagged(flat, sentence):
    assert flat.audit_text(sentence) == []


def test_inverted_claim_suggests_the_right_direction(flat):
    (finding,) = flat.audit_text("Machine learning is a type of generative AI.")
    assert finding["suggestion"] == "Generative AI is a type of machine learning"
    assert finding["match"] == "Machine learning is a type of generative AI"
    assert claims("AI is a subset of ML.") == [("AI", "ML")]


# ---------------------------------------------------------------- WrongTerm and VagueTerm (model)


@pytest.mark.parametrize(
    ("text", "term", "concept"),
    [
        ("LLMs like Midjourney draw pictures from a short description.", "LLMs", "GenAI"),
        (
            "Our LLM predicts customer churn from purchase history, tenure and account features.",
            "LLM",
            "ML",
        ),
    ],
)
def test_wrong_term_names_a_concept_the_text_does_not_discuss(auditor, text, term, concept):
    (finding,) = auditor.audit_text(text)
    assert (finding["rule"], finding["term"], finding["concept"]) == (WRONG_TERM, term, concept)
    assert finding["severity"] == "warning"
    assert 0.5 <= finding["score"] <= 1


def test_vague_term_suggests_the_specific_concept(auditor):
    text = (
        "Our AI is trained on past transactions to flag fraud and predict which payments are risky."
    )
    (finding,) = auditor.audit_text(text)
    assert (finding["rule"], finding["term"], finding["concept"]) == (VAGUE_TERM, "AI", "ML")
    assert finding["suggestion"] == "machine learning"
    assert finding["severity"] == "suggestion"
    assert finding["sentence"] == text


@pytest.mark.parametrize(
    "text",
    [
        "LLMs like GPT-4 answer questions, summarise reports and draft emails from a prompt.",
        "Midjourney and Stable Diffusion are generative AI tools that turn a prompt into an image.",
        "Machine learning models learn patterns from labelled data to classify new examples.",
        "AI is the broad field of building machines that reason, plan and solve problems like humans.",
        "Expert systems, search and planning are classic approaches of artificial intelligence.",
        "An LLM is not an image generator; it works with text.",  # negated
        "Could an LLM draw pictures?",  # questioned
        "Our AI uses machine learning to flag fraud in payment data.",  # names both on purpose
        # the umbrella naming the field, and a parent named in passing
        "Chatbots built on GPT answer questions from a prompt. Pick the right AI tools for each job.",
        "Image generators turn a prompt into a picture. This widens the range of AI applications.",
        "LLM: a specialized ML model for language tasks such as summarising and translating text.",
    ],
)
def test_terms_used_correctly_are_not_flagged(auditor, text):
    assert auditor.audit_text(text) == []


# ---------------------------------------------------------------- positions in the source

MARKDOWN = """---
title: "AI is a subset of machine learning"
---
# Notes

See [the docs](https://example.com/AI) and `ML is a type of AI` first.
Honestly, AI is a subset of machine learning ([notes](https://ml.example)).

```
AI is a subset of machine learning
```
"""


def test_markdown_positions_point_into_the_file(tmp_path, flat):
    path = tmp_path / "post.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    (document,) = read_documents([str(path)])
    (finding,) = flat.audit(document)["findings"]
    assert (finding["line"], finding["column"]) == (7, 11)
    assert MARKDOWN[finding["offset"] : finding["offset"] + 2] == "AI"
    assert MARKDOWN[finding["end_offset"] - 1] == "g"  # last letter of "machine learning"


HTML = (
    "<html><head><title>AI is a subset of ML</title></head><body>\n"
    "<p>Caf&eacute; &amp; co.</p>\n"
    "<p>Caf&eacute; &amp; <em>artificial intelligence</em> is a branch of\n"
    "machine learning.</p><script>var s = 'AI is a subset of ML';</script></body></html>\n"
)


def test_html_positions_survive_entities_and_tags(tmp_path, flat):
    path = tmp_path / "post.html"
    path.write_text(HTML, encoding="utf-8")
    (document,) = read_documents([str(path)])
    (finding,) = flat.audit(document)["findings"]
    assert (finding["line"], finding["column"]) == (3, 26)
    assert HTML[finding["offset"] : finding["offset"] + 23] == "artificial intelligence"
    assert (finding["end_line"], finding["end_column"]) == (4, 16)


# ---------------------------------------------------------------- formats


def test_json_has_vales_shape_and_html_escapes(flat):
    (document,) = read_documents(
        ["-"], stdin=_bytes("<b>x</b> AI is a subset of machine learning.")
    )
    records = [flat.audit(document, passages=True)]
    (alert,) = json.loads(render(records, "json"))["<stdin>"]
    assert set(alert) >= {"Line", "Span", "Check", "Severity", "Message", "Match"}
    assert alert["Span"] == [10, 43] and alert["Check"] == INVERTED_HIERARCHY
    page = render(records, "html")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<mark" in page and "http" not in page  # self-contained: no external assets


def test_levels_rank_suggestion_warning_error():
    assert level_at_least("error", "warning") and not level_at_least("suggestion", "warning")


def _bytes(text):
    import io

    return io.BytesIO(text.encode("utf-8"))


# ---------------------------------------------------------------- CLI

BAD = "Our team says AI is a subset of machine learning.\n"
CLEAN = "Machine learning is a subset of AI.\n"


def test_cli_exit_codes_and_levels(model_path, tmp_path):
    runner = CliRunner()
    model = ["--model", str(model_path)]
    bad = runner.invoke(main, ["audit", "-", "--format", "line", *model], input=BAD)
    assert bad.exit_code == 1
    assert bad.output.startswith("<stdin>:1:15:aitag.InvertedHierarchy:")
    clean = runner.invoke(main, ["audit", "-", *model], input=CLEAN)
    assert clean.exit_code == 0
    vague = "Our AI is trained on past transactions to flag fraud and predict which payments are risky.\n"
    shown = runner.invoke(main, ["audit", "-", "--format", "line", *model], input=vague)
    assert shown.exit_code == 0 and "aitag.VagueTerm" in shown.output
    hidden = runner.invoke(
        main, ["audit", "-", "--format", "line", "--min-level", "warning", *model], input=vague
    )
    assert hidden.exit_code == 0 and hidden.output == ""
    failing = runner.invoke(main, ["audit", "-", "--fail-level", "suggestion", *model], input=vague)
    assert failing.exit_code == 1


def test_cli_reports_bad_files_and_goes_on(model_path, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(tmp_path / "missing.txt"),
            str(good),
            "--format",
            "json",
            "--model",
            str(model_path),
        ],
    )
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr
    assert list(json.loads(result.stdout)) == [str(good)]


def test_cli_keys_jsonl_rows_by_file_and_id(model_path, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": "post-7", "text": CLEAN})
        + "\n"
        + json.dumps({"id": "post-8", "text": BAD})
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["audit", str(rows), "--format", "json", "--model", str(model_path)]
    )
    assert result.exit_code == 1
    alerts = json.loads(result.stdout)
    key = f"{rows}#post-8"
    assert list(alerts) == [key] and alerts[key][0]["Line"] == 1
    # Rows of two files that share an id are two documents, not one key holding both.
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "post-8", "text": BAD}) + "\n", encoding="utf-8")
    args = ["audit", str(rows), str(other), "--model", str(model_path), "--format"]
    both = json.loads(CliRunner().invoke(main, [*args, "json"]).stdout)
    assert list(both) == [key, f"{other}#post-8"]
    lines = CliRunner().invoke(main, [*args, "line"]).stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [key, f"{other}#post-8"]
    html = CliRunner().invoke(main, [*args, "html"]).stdout
    assert len(set(re.findall(r'<li id="([^"]+)"', html))) == 2


def test_cli_html_page(model_path):
    result = CliRunner().invoke(
        main, ["audit", "-", "--format", "html", "--model", str(model_path)], input=BAD
    )
    assert result.exit_code == 1
    assert result.output.startswith("<!DOCTYPE html>") and 'class="error"' in result.output


def test_cli_runs_as_a_real_process(model_path, tmp_path):
    post = tmp_path / "post.md"
    post.write_text("# Notes\n\n" + BAD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "aitag", "audit", str(post), "--model", str(model_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert (
        "3:15" in done.stdout
        and "error" in done.stdout
        and "aitag.InvertedHierarchy" in done.stdout
    )


# ---------------------------------------------------------------- the mention model in the model file


def test_model_file_carries_the_mention_model(tagger):
    from aitag.audit.auditor import mention_model_of
    from aitag.audit.mention_model import CLASSES

    model = mention_model_of(tagger)
    assert model is not None and model.coef.shape == (len(CLASSES), len(model.features))
    assert all(0.5 <= value <= 1.0 for value in model.thresholds.values())


def test_inconsistent_audit_arrays_are_refused(tagger, tmp_path):
    import dataclasses

    from aitag.errors import ModelError
    from aitag.persist import load_model, save_model

    broken = dict(tagger.model.audit)
    broken["coef"] = broken["coef"][:, :-1]  # one weight short
    path = tmp_path / "broken.skops"
    save_model(dataclasses.replace(tagger.model, audit=broken), path, {})
    with pytest.raises(ModelError, match="inconsistent"):
        load_model(path)
    save_model(dataclasses.replace(tagger.model, audit=None), path, {})
    model, _ = load_model(path)  # a model without one audits by patterns alone
    assert model.audit is None
