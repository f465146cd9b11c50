"""Outputs never destroy or double data: an input is never overwritten, a device never
replaced, a file aitag did not write never continued, two writers never mixed, and
--resume completes exactly what is missing."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading

import pytest

from aitag.atomic import atomic_file, open_output
from aitag.errors import AitagError, InputError
from aitag.resume import read_resume_state

ROWS = (
    '{"id": "ID", "text": "GPT writes code from a prompt."}\n'
    '{"id": "b", "text": "Diffusion models paint pictures."}\n'
    '{"id": "c", "text": "Fill in the tax forms."}\n'
    '{"id": "d", "text": "We trained a classifier on transactions."}\n'
)


@pytest.fixture()
def rows(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(ROWS)
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_an_output_that_is_an_input_is_refused_and_left_whole(run, rows, fmt):
    before = rows.read_bytes()
    link = rows.with_name("link.jsonl")
    link.symlink_to(rows.name)
    for inputs in ([rows], [link], [rows.parent]):
        result = run("predict", *inputs, "-o", rows, "--format", fmt)
        assert result.exit_code == 2 and "is also an input" in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
        assert rows.read_bytes() == before


def test_stdin_redirected_from_the_output_is_refused(model_path, rows):
    before = rows.read_bytes()
    with open(rows, "rb") as stdin:
        result = subprocess.run(
            [sys.executable, "-m", "aitag", "predict", "-", "-o", str(rows)],
            stdin=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, "AITAG_MODEL": str(model_path)},
            timeout=60,
        )
    assert result.returncode == 2 and "is also an input (standard input)" in result.stderr
    assert rows.read_bytes() == before


def test_stdout_appended_to_an_input_is_refused(model_path, rows):
    before = rows.read_bytes()
    with open(rows, "ab") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "aitag", "predict", str(rows)],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "AITAG_MODEL": str(model_path)},
            timeout=60,
        )
    assert result.returncode == 2 and "standard output: is also an input" in result.stderr
    assert rows.read_bytes() == before


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_named_pipe_is_written_into_not_replaced(run, rows, tmp_path, fmt):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("predict", rows, "-o", fifo, "--format", fmt)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a pipe, not a regular file
    assert received and received[0].count(b"\n") == 4 + (fmt == "csv")


def test_a_full_device_gives_one_line_and_stays_a_device(run, rows, tmp_path):
    # As root, a private node of /dev/full: a regression then replaces only that.
    device = tmp_path / "full"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except (OSError, AttributeError):
        device = "/dev/full"
    if not os.path.exists(device):
        pytest.skip("no /dev/full here")
    for fmt in ("jsonl", "csv"):
        result = run("predict", rows, "-o", device, "--format", fmt)
        assert result.exit_code == 2 and f"{device}: No space left" in result.output
        assert stat.S_ISCHR(os.stat(device).st_mode)


def test_atomic_writes_keep_a_link_and_refuse_a_folder(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target.name)
    with atomic_file(link) as stream:
        stream.write("new")
    assert link.is_symlink() and target.read_text() == "new"
    with pytest.raises(AitagError, match="is a directory"), atomic_file(tmp_path):
        pass


def test_resume_refuses_a_file_aitag_did_not_write_and_changes_nothing(run, rows, tmp_path):
    for content in (b"my notes\nno newline at the end", b"{", b'{"id": 1}\n', b"\xff\xfe\x00"):
        notes = tmp_path / "notes.txt"
        notes.write_bytes(content)
        result = run("predict", rows, "-o", notes, "--resume")
        assert result.exit_code == 2 and "not a record of aitag" in result.output, content
        assert notes.read_bytes() == content


def test_resume_refuses_a_device(run, rows):
    result = run("predict", rows, "-o", "/dev/zero", "--resume")
    assert result.exit_code == 2 and "is not a regular file" in result.output


def test_a_second_writer_fails_at_once_and_the_first_output_is_whole(run, rows, tmp_path):
    out = tmp_path / "out.jsonl"
    holder = open_output(out)  # a first aitag writing this file
    try:
        for args in ([], ["--resume"]):
            result = run("predict", rows, "-o", out, *args)
            assert result.exit_code == 2 and "another aitag is writing" in result.output
        csv = run("predict", rows, "-o", out, "--format", "csv")
        assert csv.exit_code == 2 and "another aitag is writing" in csv.output
    finally:
        holder.close()
    assert run("predict", rows, "-o", out).exit_code == 0
    assert len(out.read_text().splitlines()) == 4


def test_two_runs_at_once_on_one_output_neither_mix_nor_double(model_path, tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    for i in range(400):
        # Long enough to vote: 400 warnings of short texts would fill the stderr pipe.
        (folder / f"p{i:04d}.txt").write_text(
            f"Post {i}. A language model writes text from a prompt, token by token."
        )
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "AITAG_MODEL": str(model_path)}
    command = [sys.executable, "-m", "aitag", "predict", str(folder), "-o", str(out), "-q"]
    processes = [
        subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2]), results  # the second failed at once, or came after
    lines = out.read_text().splitlines()
    paths = [json.loads(line)["path"] for line in lines]
    assert len(paths) == 400 and len(set(paths)) == 400


def test_resume_after_a_row_whose_id_is_its_own_path(run, rows, tmp_path):
    rows.write_text(ROWS.replace('"ID"', json.dumps(str(rows))))
    full = run("predict", rows, "--format", "jsonl").stdout.splitlines()
    out = tmp_path / "out.jsonl"
    for written in range(4):
        out.write_text("".join(line + "\n" for line in full[:written]))
        result = run("predict", rows, "-o", out, "--resume")
        assert result.exit_code == 0, result.output
        assert out.read_text().splitlines() == full, written
        assert f"{written} already done" in result.stderr


def test_resume_refuses_an_output_of_another_version_of_its_input(run, rows, tmp_path):
    full = run("predict", rows, "--format", "jsonl").stdout.splitlines()
    out = tmp_path / "out.jsonl"
    out.write_text(full[0] + "\n" + full[1] + "\n")
    rows.write_text(ROWS.replace('"b"', '"other"'))
    result = run("predict", rows, "-o", out, "--resume")
    assert result.exit_code == 2 and "changed since" in result.output
    assert out.read_text().splitlines() == full[:2]


def test_resume_state_is_counted_per_input_and_mends_a_torn_line(tmp_path):
    out = tmp_path / "out.jsonl"
    record = {"labels": [], "scores": {}, "primary": "none", "model": "m"}
    lines = [
        json.dumps({"id": i, "path": p, **record}) for i, p in [("a", "x"), ("b", "x"), ("y", "y")]
    ]
    out.write_text("\n".join(lines) + '\n{"id": "c", "pa')
    with open(out, "rb") as stream:
        state = read_resume_state(stream, str(out))
    assert state.counts == {"x": 2, "y": 1} and state.total == 3
    assert state.size == len("\n".join(lines)) + 1


def test_resume_state_refuses_a_line_longer_than_any_record(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"id": "' + b"x" * 5000 + b'"}\n')
    with open(out, "rb") as stream, pytest.raises(InputError, match="not a record of aitag"):
        read_resume_state(stream, str(out), max_bytes=100)


def test_csv_cells_that_spreadsheets_would_run_are_neutralised(run, tmp_path):
    rows = tmp_path / "rows.jsonl"
    ids = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "plain"]
    rows.write_text("".join(json.dumps({"id": i, "text": "GPT writes."}) + "\n" for i in ids))
    import csv
    import io

    result = run("predict", rows, "--format", "csv")
    cells = [row[0] for row in csv.reader(io.StringIO(result.stdout))][1:]
    assert cells == ["'" + i for i in ids[:-1]] + ["plain"]


def test_jobs_are_capped_at_the_cores(model_path, tmp_path, monkeypatch):
    from aitag import batch as batch_module

    started = []
    real = batch_module._tag_in_workers
    monkeypatch.setattr(batch_module, "CHUNK_FILES", 1)
    monkeypatch.setattr(
        batch_module,
        "_tag_in_workers",
        lambda batch, units, jobs: started.append(jobs) or real(batch, units, jobs),
    )
    for i in range(4):
        (tmp_path / f"{i}.txt").write_text("GPT writes code from a prompt, one line at a time.")
    records = list(
        batch_module.run_batch(batch_module.Batch([str(tmp_path)], str(model_path)), 1000)
    )
    assert len(records) == 4
    assert started == [] or started[0] <= batch_module.default_jobs()


def test_resume_writes_json_lines_whatever_the_output_is_called(run, rows, tmp_path):
    out = tmp_path / "tagged.txt"  # .txt alone would ask for a table
    first = run("predict", rows, "-o", out, "--resume")
    assert first.exit_code == 0, first.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.startswith("{") for line in lines)
    again = run("predict", rows, "-o", out, "--resume")
    assert again.exit_code == 0 and out.read_text(encoding="utf-8").splitlines() == lines


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_run_that_tags_nothing_leaves_the_output_as_it_was(run, rows, tmp_path, suffix):
    # Every input missing, or the cluster out of reach: the old results stay; a run that
    # tags something replaces them, the missing input reported.
    output = tmp_path / f"results{suffix}"
    output.write_text("the results of an earlier run\n")
    missing = tmp_path / "typo"
    for args in ([missing], ["--dask-scheduler", "nowhere", rows]):
        result = run("predict", *args, "-o", output)
        assert result.exit_code == 2, result.output
        assert output.read_text() == "the results of an earlier run\n"
    result = run("predict", rows, missing, "-o", output)
    assert result.exit_code == 2 and "typo: no such file" in result.stderr
    written = output.read_text()
    assert "earlier run" not in written and written.count("\n") == 4 + (suffix == ".csv")


@pytest.mark.parametrize("name", ["out.jsonl", "deeper/out.csv"])
def test_an_output_inside_a_file_names_the_file_in_the_way(run, rows, tmp_path, name):
    blocking = tmp_path / "notes.txt"
    blocking.write_text("mine\n")
    result = run("predict", rows, "-o", blocking / name)
    assert result.exit_code == 2
    assert f"{blocking}: is a file, not a folder" in result.output
    assert len(result.output.strip().splitlines()) == 1 and blocking.read_text() == "mine\n"


def test_resume_refuses_a_file_of_another_model_or_passages_setting(run, rows, tmp_path):
    # Continuing either would leave one file holding two kinds of records.
    output = tmp_path / "out.jsonl"
    first = rows.with_name("first.jsonl")
    first.write_text(ROWS.splitlines(keepends=True)[0])
    assert run("predict", first, "-o", output).exit_code == 0
    written = output.read_bytes()
    other = output.with_name("other.jsonl")
    other.write_bytes(written.replace(b'"model": "', b'"model": "another-'))
    result = run("predict", first, rows, "-o", other, "--resume")
    assert (
        result.exit_code == 2 and "other.jsonl:1: was written by model 'another-" in result.output
    )
    assert other.read_bytes() == written.replace(b'"model": "', b'"model": "another-')
    result = run("predict", first, rows, "-o", output, "--resume", "--passages")
    assert result.exit_code == 2 and "was written without --passages" in result.output
    assert output.read_bytes() == written
    result = run("predict", first, rows, "-o", output, "--resume")
    assert result.exit_code == 0, result.output
    assert len(output.read_text().splitlines()) == 5


def test_resume_refuses_a_file_written_with_other_thresholds_or_reading(run, rows, tmp_path):
    # Tags decided by two sets of thresholds, or pages read two ways, in one file: nothing
    # would tell which record was decided how.
    first = rows.with_name("first.jsonl")
    first.write_text(ROWS.splitlines(keepends=True)[0])
    output = tmp_path / "out.jsonl"
    options = ["--threshold", "LLM=0.4", "--whole-page"]
    assert run("predict", first, "-o", output, *options).exit_code == 0
    written = output.read_bytes()
    assert json.loads(written)["settings"] == {"thresholds": {"LLM": 0.4}, "whole_page": True}
    for others in ([], ["--threshold", "LLM=0.5", "--whole-page"], options[:2], options[2:]):
        result = run("predict", first, rows, "-o", output, "--resume", *others)
        assert result.exit_code == 2, others
        assert len(result.output.strip().splitlines()) == 1
        assert "out.jsonl:1: was written with --threshold LLM=0.4 --whole-page, but" in (
            result.output
        )
        assert output.read_bytes() == written
    result = run("predict", first, rows, "-o", output, "--resume", *options)
    assert result.exit_code == 0, result.output
    assert len(output.read_text().splitlines()) == 5
    # An output of the defaults is not continued with another threshold either.
    plain = tmp_path / "plain.jsonl"
    assert run("predict", first, "-o", plain).exit_code == 0
    before = plain.read_bytes()
    assert "settings" not in json.loads(before)  # the usual record shape
    result = run("predict", first, rows, "-o", plain, "--resume", "--threshold", "AI=0.9")
    assert result.exit_code == 2
    assert "was written without --threshold or --whole-page, but this run is with" in (
        result.output
    )
    assert plain.read_bytes() == before


def test_resume_continues_an_output_with_passages_and_settings_and_only_with_them(
    run, rows, tmp_path
):
    first = rows.with_name("first.jsonl")
    first.write_text(ROWS.splitlines(keepends=True)[0])
    options = ["--passages", "--threshold", "LLM=0.4"]
    full = run("predict", first, rows, "--format", "jsonl", *options).stdout
    output = tmp_path / "out.jsonl"
    assert run("predict", first, "-o", output, *options).exit_code == 0
    written = output.read_bytes()
    assert {"passages", "settings"} <= json.loads(written).keys()
    result = run("predict", first, rows, "-o", output, "--resume", *options[1:])
    assert result.exit_code == 2 and "out.jsonl:1: was written with --passages" in result.output
    assert output.read_bytes() == written
    result = run("predict", first, rows, "-o", output, "--resume", *options)
    assert result.exit_code == 0, result.output
    assert output.read_text() == full


def test_resume_names_the_line_that_is_not_a_record(run, rows, tmp_path):
    output = tmp_path / "out.jsonl"
    assert run("predict", rows, "-o", output).exit_code == 0
    lines = output.read_text().splitlines(keepends=True)
    output.write_text(lines[0] + lines[1] + "my own note\n")
    result = run("predict", rows, "-o", output, "--resume")
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: {output}:3: is not a record of aitag; --resume needs the file it wrote "
        "(nothing in this one was changed)"
    )


def test_resume_says_the_warnings_of_what_is_left_and_not_of_what_is_done(run, tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text("```\ncode only\n```\n")  # no prose: a warning
    (posts / "b.md").write_text("The tax forms are due in April, with every receipt attached.\n")
    (posts / "c.md").write_text("```\nmore code\n```\n")
    output = tmp_path / "out.jsonl"
    assert run("predict", posts, "-o", output).exit_code == 0
    lines = output.read_text().splitlines(keepends=True)
    output.write_text("".join(lines[:2]))  # a.md and b.md done
    result = run("predict", posts, "-o", output, "--resume")
    assert result.exit_code == 0, result.output
    assert "c.md: has no prose to tag" in result.stderr
    assert "a.md" not in result.stderr
    assert output.read_text().splitlines(keepends=True) == lines


def test_resume_of_rows_says_the_warnings_of_rows_left_only(run, tmp_path):
    # Rows are read again and their done records skipped: a done row's warning goes with
    # its record, a file's warning (said once a file) stays.
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"id": "r1", "text": "   "}\n'
        '{"id": "r2", "text": "The tax forms are due in April, with every receipt attached."}\n'
        '{"id": "r3", "text": "   "}\n'
    )
    output = tmp_path / "out.jsonl"
    assert run("predict", rows, "-o", output).exit_code == 0
    lines = output.read_text().splitlines(keepends=True)
    output.write_text("".join(lines[:2]))
    result = run("predict", rows, "-o", output, "--resume")
    assert result.exit_code == 0, result.output
    assert f"{rows}#r3: has no prose to tag" in result.stderr
    assert "#r1" not in result.stderr
    assert output.read_text().splitlines(keepends=True) == lines
