"""Prediction records in every format: the same fields, each column under its own name."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import stat

import pytest

from aitag.formats.records import CSV_COLUMNS, RecordWriter, output_format, table_header
from aitag.labels import LABELS

#: A record whose scores all differ, so a column out of place shows.
RECORD = {
    "id": "post-1",
    "path": "posts/post-1.md",
    "labels": ["ML", "LLM"],
    "scores": {"AI": 0.11, "ML": 0.72, "LLM": 0.93, "GenAI": 0.04},
    "primary": "LLM",
    "model": "aitag-test",
}


def written(fmt: str, records=(RECORD,)) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), RecordWriter(fmt) as writer:
        for record in records:
            writer.write(record)
    return out.getvalue()


def test_labels_are_in_their_fixed_order():
    assert LABELS == ("AI", "ML", "LLM", "GenAI")


def test_csv_columns_and_values_under_them():
    assert CSV_COLUMNS == [
        "id", "path", "labels", "primary", "score_AI", "score_ML", "score_LLM", "score_GenAI",
        "model",
    ]  # fmt: skip
    header, *rows = list(csv.reader(io.StringIO(written("csv"))))
    assert header == CSV_COLUMNS
    (row,) = [dict(zip(header, values)) for values in rows]
    assert row == {
        "id": "post-1",
        "path": "posts/post-1.md",
        "labels": "ML;LLM",
        "primary": "LLM",
        "score_AI": "0.11",
        "score_ML": "0.72",
        "score_LLM": "0.93",
        "score_GenAI": "0.04",
        "model": "aitag-test",
    }


def test_table_columns_and_values_under_them():
    header, rule, line = written("table").splitlines()
    assert header.split() == ["document", "labels", "primary", *LABELS]
    assert set(rule) == {"-"} and len(rule) == len(header)
    assert line.split() == [
        "posts/post-1.md#post-1",
        "ML,LLM",
        "LLM",
        "0.11",
        "0.72",
        "0.93",
        "0.04",
    ]
    # Each score sits right-aligned under its tag's name.
    for label in LABELS:
        end = header.index(label) + len(label)
        assert line[:end].split()[-1] == f"{RECORD['scores'][label]:.2f}"
    assert table_header() == header + "\n" + rule + "\n"


def test_table_passages_under_the_same_columns():
    record = {
        **RECORD,
        "passages": [
            {"line": 3, "column": 1, "labels": [], "primary": "none",
             "scores": {"AI": 0.01, "ML": 0.02, "LLM": 0.03, "GenAI": 0.05}},
        ],
    }  # fmt: skip
    *_, passage = written("table", [record]).splitlines()
    assert passage.split() == ["3:1", "-", "none", "0.01", "0.02", "0.03", "0.05"]


def test_jsonl_is_the_record_itself():
    (line,) = written("jsonl").splitlines()
    assert json.loads(line) == RECORD
    assert list(json.loads(line)) == ["id", "path", "labels", "scores", "primary", "model"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("out.csv", "csv"),
        ("OUT.CSV", "csv"),
        ("out.jsonl", "jsonl"),
        ("out.ndjson", "jsonl"),
        ("out.txt", "table"),
        ("out", "jsonl"),
        ("-", None),
    ],
)
def test_output_format_follows_the_file_extension(name, fmt):
    assert output_format(name) == fmt


@pytest.mark.parametrize("fmt", ["csv", "table", "jsonl"])
def test_files_get_the_mode_a_plain_open_gives(tmp_path, fmt):
    """Not 0600: a CSV or table file is written through a temporary file and renamed."""
    umask = os.umask(0o022)
    try:
        path = tmp_path / f"out.{fmt}"
        with RecordWriter(fmt, str(path)) as writer:
            writer.write(RECORD)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert "posts/post-1.md" in path.read_text(encoding="utf-8")


def test_predict_output_without_format_writes_what_the_extension_names(run, tmp_path):
    (tmp_path / "a.txt").write_text("Diffusion models generate pictures from text prompts.")
    for name in ("out.csv", "out.jsonl", "out.txt"):
        result = run("predict", tmp_path / "a.txt", "-o", tmp_path / name, "-q")
        assert result.exit_code == 0, result.output
    header, row = (tmp_path / "out.csv").read_text().splitlines()
    assert header.split(",") == CSV_COLUMNS and row.split(",")[0].endswith("a.txt")
    assert json.loads((tmp_path / "out.jsonl").read_text())["path"].endswith("a.txt")
    assert (tmp_path / "out.txt").read_text().splitlines()[0].split()[0] == "document"


@pytest.mark.parametrize(
    ("record_id", "path", "name"),
    [
        ("posts/a.md", "posts/a.md", "posts/a.md"),  # a file: its path
        ("row-7", "rows.jsonl", "rows.jsonl#row-7"),  # a row of a file: path#id
        ("0", "", "0"),  # a text given to the library: its id
        ("x", "a" * 34, "a" * 34 + "#x"),  # 36 characters fit
        ("x", "b" * 35, "…" + ("b" * 35 + "#x")[-35:]),  # 37 do not: the end is kept
    ],
)
def test_table_names_each_document(record_id, path, name):
    record = {**RECORD, "id": record_id, "path": path, "labels": []}
    (line,) = written("table", [record]).splitlines()[2:]
    assert line[:36].rstrip() == name
    assert line.split()[1:3] == ["-", "LLM"]  # no labels: a dash


def test_writer_files_counts_and_line_ends(tmp_path, capsys):
    record = {**RECORD, "id": "café", "path": "posts/café.md"}
    for fmt in ("jsonl", "csv", "table"):
        path = tmp_path / "new" / "deeper" / f"out.{fmt}"
        for _ in range(2):  # a second writer replaces the file: no append unless asked
            with RecordWriter(fmt, str(path)) as writer:
                writer.write(record)
                writer.write(RECORD)
            assert writer.count == 2
        data = path.read_bytes()
        assert "café".encode() in data and b"\r" not in data
        assert data.count(b"posts/post-1.md") == 1
    assert (
        json.loads((tmp_path / "new" / "deeper" / "out.jsonl").read_text().splitlines()[0])["id"]
        == "café"
    )
    with RecordWriter("jsonl", "-") as writer:
        writer.write(RECORD)
    assert json.loads(capsys.readouterr().out) == RECORD


def test_table_passage_labels_are_joined_by_commas():
    record = {
        **RECORD,
        "passages": [
            {"line": 1, "column": 1, "labels": ["ML", "LLM"], "primary": "LLM",
             "scores": RECORD["scores"]},
        ],
    }  # fmt: skip
    *_, passage = written("table", [record]).splitlines()
    assert passage.split()[1] == "ML,LLM"
