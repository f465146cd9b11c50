"""No file name, id or text reaches a terminal raw: escape sequences and line breaks are shown
escaped in every human format, JSON stays exact and strict, CSV cannot run a formula."""

from __future__ import annotations

import json
import re

import pytest

from aitag.formats.safe import csv_text, safe_json, shown

#: What must never reach a terminal raw: C0 controls (but line feed and tab), DEL, C1.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
OSC = "\x1b]0;pwned\x07"
CSI = "\x1b[31m"
CLAIM = "Machine learning is a type of generative AI, as everyone knows here."


@pytest.fixture()
def hostile(tmp_path):
    """A file whose name, id and text hold escape sequences and line breaks."""
    name = tmp_path / f"post{OSC}\nforged:1:1:aitag.Fake:owned{CSI}.txt"
    name.write_text(f"{CSI}{CLAIM}\x9b2J A large language model writes text.{OSC}")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": f"row{OSC}\nforged:9:9:aitag.Fake:owned", "text": CLAIM}) + "\n"
    )
    return name, rows


@pytest.mark.parametrize("fmt", ["table", "line", "html", "json"])
def test_audit_shows_no_control_character_and_forges_no_line(run, hostile, fmt):
    result = run("audit", *hostile, "--format", fmt)
    assert result.exit_code in (0, 1), result.output
    assert not RAW_CONTROL.search(result.stdout), repr(result.stdout)
    if fmt == "line":
        lines = result.stdout.splitlines()
        assert lines and not any(line.startswith("forged") for line in lines)
        assert all(line.count(":aitag.") >= 1 for line in lines)
    if fmt == "json":
        alerts = json.loads(result.stdout)
        assert any(OSC in key for key in alerts)  # exact in JSON


@pytest.mark.parametrize("fmt", ["table", "html", "json", "jsonl"])
def test_explain_shows_no_control_character(run, hostile, fmt):
    result = run("explain", hostile[0], "--format", fmt)
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout), repr(result.stdout)


@pytest.mark.parametrize("fmt", ["table", "jsonl"])
def test_predict_shows_no_control_character(run, hostile, fmt):
    result = run("predict", *hostile, "--format", fmt, "--passages")
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout), repr(result.stdout)


def test_evaluate_and_errors_show_no_control_character(run, tmp_path):
    data = tmp_path / f"gold{OSC}.jsonl"
    data.write_text(
        json.dumps(
            {"id": "1", "text": "GPT writes.", "labels": ["LLM"], "primary": "LLM", "source": "w"}
        )
        + "\n"
    )
    result = run("evaluate", data)
    assert result.exit_code == 0 and not RAW_CONTROL.search(result.output), repr(result.output)
    missing = run("predict", tmp_path / f"missing{CSI}.txt")
    assert missing.exit_code == 2 and not RAW_CONTROL.search(missing.output)
    bad = tmp_path / f"bad{OSC}.jsonl"
    bad.write_text("{")
    for args in (["evaluate", bad], ["corpus", "stats", bad], ["corpus", "validate", bad]):
        result = run(*args)
        assert result.exit_code == 2 and not RAW_CONTROL.search(result.output), args


def test_shown_keeps_line_breaks_and_escapes_the_rest():
    assert shown("a\tb\nc") == "a\tb\nc"
    assert shown(f"{CSI}x\r\x9b\u202e") == "\\x1b[31mx\\r\\x9b\\u202e"


def test_safe_json_is_strict_and_exact():
    value = {"score": float("nan"), "big": float("inf"), "text": f"{OSC}\x85\u2028\ud800é"}
    text = safe_json(value)
    assert not RAW_CONTROL.search(text) and "\u2028" not in text
    text.encode("utf-8")  # lone surrogates escaped: writable
    back = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    assert back == {"score": None, "big": None, "text": value["text"]}


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_csv_cells_that_start_a_formula_get_a_quote(cell):
    assert csv_text(cell) == "'" + cell
    assert csv_text("plain -1") == "plain -1"


def test_csv_cells_show_control_characters_as_escapes():
    assert csv_text(f"a,b\n{CSI}\x9b\u202e") == "a,b\n\\x1b[31m\\x9b\\u202e"
    assert csv_text("\r=1") == "\\r=1"  # escaped, so no longer a formula's start


def test_predict_csv_shows_no_control_character_and_keeps_its_quoting(run, hostile, tmp_path):
    # CSV wrote names and ids raw: printed to a terminal, their escape sequences acted on it.
    import csv
    import io

    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "\r=1,2", "text": CLAIM}) + "\n")
    result = run("predict", *hostile, more, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout), repr(result.stdout)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["path"] for row in rows] == [shown(str(path)) for path in (*hostile, more)]
    assert "\n" in rows[0]["path"]  # a line break stays, quoted
    assert [row["id"] for row in rows[1:]] == [
        shown(f"row{OSC}\nforged:9:9:aitag.Fake:owned"),
        "\\r=1,2",
    ]
