"""Audit where editors run linters: SARIF and rdjson output, the pre-commit hook, the CI step.

SARIF is validated against ``tests/schemas/sarif-2.1.0-subset.schema.json`` and rdjson
against ``tests/schemas/rdjson.schema.json``: schemas written from the SARIF 2.1.0
specification and reviewdog's ``rdf`` proto for the structure those tools require (the
official SARIF schema file is not vendored).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, SRC

from aitag.formats import AUDIT_FORMATS

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SAMPLE = (
    "# Notes on our stack\n\n"
    "Our team says AI is a subset of machine learning.\n\n"
    "Café owners love it: Midjourney is the best LLM I have tried for painterly styles.\n\n"
    "We moved our batch scoring to Vertex AI last quarter.\n"
)


def schema(name):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def validate(document, name):
    jsonschema.Draft7Validator(
        schema(name), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    ).validate(document)


@pytest.fixture()
def sample(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "post.md").write_text(SAMPLE, encoding="utf-8")
    return folder


def installed_version() -> str:
    """The version of the distribution as installed (a source tree run has none)."""
    from importlib import metadata

    from aitag.defaults import DISTRIBUTION

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def test_schemas_are_valid_draft_7():
    for name in ("sarif-2.1.0-subset.schema.json", "rdjson.schema.json"):
        jsonschema.Draft7Validator.check_schema(schema(name))


def test_sarif_validates_and_points_at_the_source(run, sample, monkeypatch):
    monkeypatch.chdir(sample.parent)
    result = run("audit", "docs", "--format", "sarif")
    assert result.exit_code == 1, result.output  # an error-level finding
    log = json.loads(result.stdout)
    validate(log, "sarif-2.1.0-subset.schema.json")
    (run_,) = log["runs"]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert rules == ["aitag.InvertedHierarchy", "aitag.WrongTerm", "aitag.VagueTerm"]
    assert run_["tool"]["driver"]["version"] == installed_version()
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    error = by_rule["aitag.InvertedHierarchy"]
    assert error["level"] == "error" and rules[error["ruleIndex"]] == error["ruleId"]
    location = error["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "docs/post.md"
    region = location["region"]
    lines = SAMPLE.splitlines()
    line = lines[region["startLine"] - 1]
    # endColumn is the column after the match (exclusive), in code points
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == region["snippet"]["text"]
    assert (
        SAMPLE[region["charOffset"] : region["charOffset"] + region["charLength"]]
        == (region["snippet"]["text"])
    )
    wrong = by_rule["aitag.WrongTerm"]
    assert wrong["level"] == "warning"
    region = wrong["locations"][0]["physicalLocation"]["region"]
    line = lines[region["startLine"] - 1]  # "Café" before it: code points, not bytes
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == "LLM"
    assert not any("Vertex" in r["message"]["text"] for r in run_["results"])


def test_sarif_of_a_clean_run_has_no_results(run):
    result = run("audit", "-", "--format", "sarif", input="Machine learning is a subset of AI.\n")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    validate(log, "sarif-2.1.0-subset.schema.json")
    assert log["runs"][0]["results"] == []


def test_rdjson_validates_with_suggestions(run, sample, monkeypatch):
    monkeypatch.chdir(sample.parent)
    result = run("audit", "docs", "--format", "rdjson")
    report = json.loads(result.stdout)
    validate(report, "rdjson.schema.json")
    by_code = {d["code"]["value"]: d for d in report["diagnostics"]}
    assert by_code["aitag.InvertedHierarchy"]["severity"] == "ERROR"
    wrong = by_code["aitag.WrongTerm"]
    assert wrong["severity"] == "WARNING" and wrong["location"]["path"] == "docs/post.md"
    (suggestion,) = wrong["suggestions"]
    assert suggestion["text"] == "generative AI"
    start, end = suggestion["range"]["start"], suggestion["range"]["end"]
    line = SAMPLE.splitlines()[start["line"] - 1]
    assert line[start["column"] - 1 : end["column"] - 1] == "LLM"


def test_every_audit_format_is_offered_by_the_cli(run):
    result = run("audit", "--help")
    for name in AUDIT_FORMATS:
        assert name in result.output


# ---------------------------------------------------------------- pre-commit


def test_pre_commit_hook_manifest_runs_the_audit_on_staged_files(model_path, sample):
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    # pre-commit's manifest: id, name, entry and language are required
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["language"] == "python" and hook["id"] == "aitag-audit"
    files = re.compile(hook["files"])
    assert files.search("docs/post.md") and files.search("page.html")
    assert not files.search("setup.py")
    # pre-commit runs the entry with the matching files appended
    command = shlex.split(hook["entry"])
    assert command[0] == "aitag"
    post = sample / "post.md"
    done = subprocess.run(
        [sys.executable, "-m", "aitag", *command[1:], str(post)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "AITAG_MODEL": str(model_path)},
    )
    assert done.returncode == 1, done.stderr  # fails the commit on an error
    assert f"{post}:3:15:aitag.InvertedHierarchy:" in done.stdout


# ---------------------------------------------------------------- the documented CI step


def _workflow_steps():
    text = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    workflows = [yaml.safe_load(b) for b in blocks if "jobs:" in b]
    (workflow,) = workflows
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_documented_ci_steps_run_and_write_valid_output(model_path, sample):
    steps = [s for s in _workflow_steps() if "aitag audit" in s.get("run", "")]
    assert len(steps) == 2
    env = {
        **os.environ,
        "AITAG_MODEL": str(model_path),
        "PYTHONPATH": str(SRC),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    sarif_step, rdjson_step = steps
    # the SARIF step, as written: its exit code is 0 although the audit found an error
    done = subprocess.run(
        ["bash", "-c", sarif_step["run"]],
        cwd=sample.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    log = json.loads((sample.parent / "aitag.sarif").read_text(encoding="utf-8"))
    validate(log, "sarif-2.1.0-subset.schema.json")
    assert log["runs"][0]["results"]
    # the review-comment step up to the pipe into reviewdog (not installed here)
    audit_part = rdjson_step["run"].split("|")[0]
    done = subprocess.run(
        ["bash", "-c", audit_part],
        cwd=sample.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    validate(json.loads(done.stdout), "rdjson.schema.json")


def test_rows_of_a_file_are_located_by_id_not_by_positions_inside_their_text(
    run, tmp_path, monkeypatch
):
    # A row's lines and columns count within its text: pointed at the file they named the
    # wrong place (and rdjson's suggestions would have replaced the file's text there).
    rows = tmp_path / "rows.jsonl"
    texts = SAMPLE.split("\n\n")[1:]
    rows.write_text(
        "".join(json.dumps({"id": f"r{k}", "text": t}) + "\n" for k, t in enumerate(texts))
    )
    post = tmp_path / "post.md"
    post.write_text(SAMPLE, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the files lie outside the working directory
    sarif = json.loads(run("audit", rows, post, "--format", "sarif").stdout)
    rdjson = json.loads(run("audit", rows, post, "--format", "rdjson").stdout)
    validate(sarif, "sarif-2.1.0-subset.schema.json")
    validate(rdjson, "rdjson.schema.json")
    results = sarif["runs"][0]["results"]
    from_rows = [
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("rows.jsonl")
    ]
    from_post = [r for r in results if r not in from_rows]
    assert len(from_rows) == len(from_post) >= 2
    for result in from_rows:
        location = result["locations"][0]
        assert "region" not in location["physicalLocation"]
        (logical,) = location["logicalLocations"]
        assert result["message"]["text"].startswith(f"row {logical['name']}: ")
    assert all("region" in r["locations"][0]["physicalLocation"] for r in from_post)
    paths = {d["location"]["path"] for d in rdjson["diagnostics"]}
    assert paths == {str(rows), str(post)}  # paths, not file:// URIs
    for diagnostic in rdjson["diagnostics"]:
        row = diagnostic["location"]["path"] == str(rows)
        assert ("range" in diagnostic["location"]) is not row
        assert diagnostic["message"].startswith("row r") is row
        if row:
            assert "suggestions" not in diagnostic
    assert any("suggestions" in d for d in rdjson["diagnostics"])
