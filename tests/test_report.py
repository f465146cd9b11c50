"""Evaluation reports: metrics.json and plots on disk, and the message without matplotlib."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import CORPUS

from aitag.cli import main
from aitag.corpus import load_records, split_records
from aitag.errors import AitagError
from aitag.evaluation import evaluate, precision_recall_curve, tag_matrix
from aitag.report import REPORT_FILES, write_report

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def test_split():
    return split_records(load_records(CORPUS))[1]


def test_report_writes_metrics_and_pngs(tagger, test_split, tmp_path):
    result = write_report(tagger, test_split, tmp_path / "report")
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == sorted(REPORT_FILES.values())
    saved = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert {"macro_f1", "micro_f1", "exact_match", "primary_accuracy", "per_label"} <= set(saved)
    assert {"model", "thresholds", "tag_matrix", "files"} <= set(saved)
    assert saved["macro_f1"] == evaluate(tagger, test_split)["macro_f1"] == result["macro_f1"]
    for name in REPORT_FILES.values():
        if name.endswith(".png"):
            assert (tmp_path / "report" / name).read_bytes().startswith(PNG)


def test_cli_evaluate_report(model_path, tmp_path):
    data = tmp_path / "data.jsonl"
    rows = [
        {"id": "a", "text": "The language model answers a prompt.", "labels": ["LLM", "GenAI"], "primary": "LLM", "source": "t"},
        {"id": "b", "text": "Roast the carrots with thyme.", "labels": [], "primary": "none", "source": "t"},
    ]  # fmt: skip
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = CliRunner().invoke(
        main, ["evaluate", str(data), "--report", str(tmp_path / "out")],
        env={"AITAG_MODEL": str(model_path)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "metrics.json" in result.stdout
    assert (tmp_path / "out" / "tag_matrix.png").read_bytes().startswith(PNG)


def test_missing_matplotlib_is_one_clear_line(tagger, test_split, tmp_path, monkeypatch):
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(AitagError, match=r"pip install 'aitag-concepts\[plots\]'"):
        write_report(tagger, test_split, tmp_path / "report")
    assert not (tmp_path / "report").exists()


def test_tag_matrix_counts_gold_against_predicted():
    matrix = tag_matrix([["AI", "ML"], [], ["LLM"]], [["AI"], [], ["LLM", "GenAI"]])
    assert matrix.shape == (5, 5)
    assert matrix[0, 0] == 1 and matrix[1, 0] == 1 and matrix[4, 4] == 1
    assert matrix[2, 2] == 1 and matrix[2, 3] == 1 and matrix.sum() == 5


def test_precision_recall_curve_on_ties():
    cuts, precision, recall = precision_recall_curve(
        np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.8, 0.1])
    )
    assert cuts.tolist() == [0.9, 0.8, 0.1]
    assert precision.tolist() == [1.0, 2 / 3, 0.5]
    assert recall.tolist() == [0.5, 1.0, 1.0]


def test_report_on_labelled_documents(tagger, tmp_path):
    """A folder of labelled documents gets the document figures, with the document
    thresholds that decided them and the share of untagged documents tagged."""
    from aitag.evaluation import evaluate_documents

    documents = CORPUS / "documents" / "d10-mixed"
    result = write_report(tagger, documents, tmp_path / "report")
    saved = json.loads((tmp_path / "report" / "metrics.json").read_text())
    expected = evaluate_documents(tagger, documents)
    for key in ("macro_f1", "per_label", "untagged_tagged", "n", "thresholds"):
        assert saved[key] == result[key] == expected[key], key
    assert saved["thresholds"] == tagger.thresholds != tagger.passage_thresholds
    assert np.array(saved["tag_matrix"]).shape == (5, 5)
    assert np.array(saved["tag_matrix"])[:4, :4].trace() == sum(
        round(row["recall"] * row["support"]) for row in expected["per_label"].values()
    )


def test_cli_evaluate_report_on_a_folder_of_documents(model_path, tmp_path):
    documents = CORPUS / "documents" / "d10-mixed"
    result = CliRunner().invoke(
        main, ["evaluate", str(documents), "--report", str(tmp_path / "out")],
        env={"AITAG_MODEL": str(model_path)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "untagged documents given a tag" in result.stdout
    assert "metrics.json" in result.stdout
    assert (tmp_path / "out" / "precision_recall.png").read_bytes().startswith(PNG)


def test_histograms_name_what_was_scored(tagger, test_split, tmp_path, monkeypatch):
    import aitag.report as report

    titles = []
    drawn = report.score_histogram_figure

    def spy(*args):
        figure = drawn(*args)
        titles.append(figure.get_suptitle())
        return figure

    monkeypatch.setattr(report, "score_histogram_figure", spy)
    write_report(tagger, test_split[:40], tmp_path / "passages")
    write_report(tagger, CORPUS / "documents" / "d10-mixed", tmp_path / "documents")
    assert titles == ["Passage scores per tag", "Document scores per tag"]
