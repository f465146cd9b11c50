"""The command line, through click's CliRunner and as a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, RAW, ROOT

from aitag.batch import tag_chunk
from aitag.cli import main
from aitag.labels import LABELS


def test_predict_jsonl_one_record_per_document(run, tmp_path):
    (tmp_path / "a.md").write_text(
        "# Prompts\n\nA good prompt tells the language model what to write.\n"
    )
    (tmp_path / "b.txt").write_text("Roast the carrots with thyme.")
    result = run("predict", tmp_path, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["path"]).name for r in records] == ["a.md", "b.txt"]
    assert "LLM" in records[0]["labels"] and records[1]["labels"] == []


def test_predict_csv_and_table(run, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Diffusion models generate brand new pictures from short text prompts, denoising step by step."
    )
    result = run("predict", tmp_path / "a.txt", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["primary"] == "GenAI" and "score_GenAI" in rows[0]
    table = run("predict", tmp_path / "a.txt", "--format", "table")
    assert "GenAI" in table.stdout and "document" in table.stdout


def test_predict_rows_of_jsonl_carry_their_ids(run, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"id": "p1", "text": "GPT writes code."}\n{"id": "p2", "text": "Tax forms are due."}\n'
    )
    result = run("predict", rows, "--format", "jsonl")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["p1", "p2"]


def test_rows_without_the_id_field_named_are_said_once_a_file(run, tmp_path):
    # Named by their row number instead, in silence, they looked like the ids asked for.
    rows = tmp_path / "rows.jsonl"
    text = "A large language model writes code from a prompt one line at a time."
    rows.write_text(
        f'{{"uid": "p1", "text": "{text}"}}\n{{"id": "p2", "text": "{text}"}}\n'
        f'{{"text": "{text}"}}\n'
    )
    table = tmp_path / "rows.csv"
    table.write_text(f"id,text\nq1,{text}\nq2,{text}\n")
    result = run("predict", rows, table, "--id-field", "uid", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["p1", "2", "3", "1", "2"]
    assert result.stderr.splitlines() == [
        f"aitag: warning: {rows}: line 2 has no 'uid' (--id-field): it and every other row "
        "of the file without one are named by their row number",
        f"aitag: warning: {table}: row 1 has no 'uid' (--id-field): it and every other row "
        "of the file without one are named by their row number",
    ]
    # Rows without an id of the default field are expected: nothing to say.
    result = run("predict", rows, table, "--format", "jsonl")
    assert result.exit_code == 0 and result.stderr == ""


def test_predict_reads_stdin(run):
    result = run(
        "predict",
        "-",
        "--format",
        "jsonl",
        input="Stable Diffusion paints brand new images from short text prompts in a few seconds.",
    )
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["path"] == "<stdin>" and "GenAI" in record["labels"]


def test_a_row_without_prose_is_named_by_its_file_and_id(run, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"id": "r1", "text": "The tax forms are due in April, with the receipts attached."}\n'
        '{"id": "r2", "text": "   "}\n'
    )
    result = run("predict", rows, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert f"{rows}#r2: has no prose to tag" in result.stderr


def test_rows_without_the_text_field_are_said_once_and_all_counted(run, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "".join(f'{{"id": "{i}", "body": "Text {i}."}}\n' for i in range(5))
        + '{"id": "t", "text": "The tax forms are due in April, with the receipts attached."}\n'
    )
    for jobs in ("1", "2"):
        result = run("predict", rows, "-o", tmp_path / f"out{jobs}.jsonl", "-j", jobs)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"aitag: skipped {rows}:1: has no text in field 'text'; name it with "
            "--text-field (other rows of the file without it are counted, not listed)",
            "aitag: tagged 1 document(s), 5 failed",
        ]


@pytest.mark.parametrize("fmt, text", [("csv", "id,text\n"), ("jsonl", "\n\n")])
def test_rows_on_stdin_without_a_row_are_said_to_be_empty(run, fmt, text):
    result = run("predict", "-", "--input-format", fmt, "--format", "jsonl", input=text)
    assert result.exit_code == 2
    assert "<stdin>: is empty; nothing to tag" in result.stderr and not result.stdout


def test_batch_goes_on_past_a_bad_file_and_exits_2(run, tmp_path):
    (tmp_path / "1.txt").write_text("Transformers predict tokens.")
    (tmp_path / "2.txt").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "3.txt").write_text("")
    (tmp_path / "4.txt").write_text("Clustering groups customers.")
    result = run("predict", tmp_path, "--format", "jsonl")
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["path"]).name for r in records] == ["1.txt", "3.txt", "4.txt"]
    assert records[1]["labels"] == [] and records[1]["primary"] == "none"
    assert "2.txt: is a binary file" in result.stderr
    assert "warning: " in result.stderr and "3.txt: has no prose to tag" in result.stderr
    assert "Traceback" not in result.output


def test_documents_a_folder_holds_in_unread_formats_are_said_not_failed(run, tmp_path):
    (tmp_path / "post.md").write_text("Transformers predict the next token of a prompt.")
    (tmp_path / "draft.docx").write_bytes(b"PK\x03\x04")
    warning = (
        f"aitag: warning: {tmp_path}: skipped 1 file(s) in formats aitag does not read "
        "(.docx 1); convert them to Markdown, HTML or plain text to tag them"
    )
    result = run("predict", tmp_path, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert [Path(json.loads(line)["path"]).name for line in result.stdout.splitlines()] == [
        "post.md"
    ]
    assert warning in result.stderr.splitlines()
    for command in ("explain", "audit"):
        result = run(command, tmp_path, "--format", "json")
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines().count(warning) == 1


def test_a_text_too_short_to_get_tags_is_said_once_per_file(run, tmp_path):
    # No tags for a short text is no verdict (a short line never votes alone), and
    # nothing said so: it read as "none of the four concepts".
    tweet = tmp_path / "tweet.txt"
    tweet.write_text("GPT-4 is a large language model.\n")
    lines = tmp_path / "lines.txt"
    lines.write_text("ChatGPT and Claude are large language models.\n\nMidjourney makes images.\n")
    long = tmp_path / "long.txt"
    long.write_text("A large language model like GPT-4 writes code from a prompt for a developer.")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"id": "t1", "text": "GPT-4 is a large language model."}\n'
        '{"id": "t2", "text": "Claude is one too."}\n'
    )
    result = run("predict", tweet, lines, long, rows, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [bool(r["labels"]) for r in records] == [False, False, True, False, False]
    assert {tuple(r) for r in records} == {("id", "path", "labels", "scores", "primary", "model")}
    assert result.stderr.splitlines() == [
        f"aitag: warning: {tweet}: has only 6 word(s) of prose; a text under 10 words gets "
        "no tags (try --passages)",
        f"aitag: warning: {lines}: has no passage of 10 words or more, 10 words in short "
        "ones; such a text gets no tags (try --passages)",
        f"aitag: warning: {rows}: row 't1' has only 6 word(s) of prose: it and every other "
        "row of the file that short get no tags (try --passages)",
    ]
    # --passages shows the short texts' own tags: nothing to warn of.
    result = run("predict", tweet, lines, rows, "--format", "jsonl", "--passages")
    assert result.exit_code == 0 and result.stderr == ""


def test_predict_output_file_and_threshold_option(run, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Diffusion models generate brand new pictures from short text prompts, denoising step by step."
    )
    out = tmp_path / "out" / "tags.jsonl"
    result = run("predict", tmp_path / "a.txt", "-o", out, "--threshold", "GenAI=1.0")
    assert result.exit_code == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert "GenAI" not in record["labels"]
    bad = run("predict", tmp_path / "a.txt", "--threshold", "Robots=0.3")
    assert bad.exit_code == 2 and "unknown tag" in bad.output


def test_threshold_decides_the_passage_tags_shown_with_passages(run):
    # --threshold moved document tags only: the passage rows shown beside them were
    # decided by the model's own thresholds whatever was asked.
    post = ROOT / "examples" / "post.md"
    before = json.loads(run("predict", post, "--passages", "--format", "jsonl").stdout)
    assert not all("LLM" in p["labels"] for p in before["passages"])
    result = run("predict", post, "--passages", "--format", "jsonl", "--threshold", "LLM=0")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert "LLM" in record["labels"]  # the document's tag, as before
    assert all("LLM" in p["labels"] for p in record["passages"])
    # Only LLM moves: the passages' scores and other tags are as they were.
    for passage, was in zip(record["passages"], before["passages"]):
        assert passage["scores"] == was["scores"]
        assert [t for t in passage["labels"] if t != "LLM"] == [
            t for t in was["labels"] if t != "LLM"
        ]


def test_missing_and_tampered_model_give_one_line_errors(run, tmp_path, model_path):
    (tmp_path / "a.txt").write_text("text")
    result = run("predict", tmp_path / "a.txt", "--model", tmp_path / "none.skops")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "not found" in result.output


def test_evaluate_json_keys(run, tmp_path):
    data = tmp_path / "gold.jsonl"
    data.write_text(
        json.dumps(
            {
                "id": "1",
                "text": "Midjourney creates images from prompts.",
                "labels": ["GenAI"],
                "primary": "GenAI",
                "source": "written",
            }
        )
        + "\n"
        + json.dumps(
            {
                "id": "2",
                "text": "Roast carrots.",
                "labels": [],
                "primary": "none",
                "source": "written",
            }
        )
        + "\n"
    )
    result = run("evaluate", data, "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert {"macro_f1", "micro_f1", "exact_match", "primary_accuracy", "per_label"} <= set(figures)
    assert figures["per_label"]["GenAI"]["support"] == 1


def test_evaluate_prints_intervals_when_asked(run):
    data = Path(__file__).resolve().parents[1] / "corpus" / "documents" / "d10-mixed"
    text = run("evaluate", data, "--intervals", "--resamples", "200")
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    heading = lines.index("95% intervals, 200 bootstrap resamples of the 50 items (seed 0):")
    assert lines[heading + 1].split() == ["tag", "precision", "recall", "f1"]
    assert [line.split()[0] for line in lines[heading + 2 : heading + 6]] == list(LABELS)
    assert lines[-1].startswith("untagged documents given a tag: ")
    figures = json.loads(
        run("evaluate", data, "--intervals", "--resamples", "200", "--format", "json").stdout
    )
    bounds = figures["intervals"]
    assert (bounds["level"], bounds["resamples"], bounds["seed"]) == (0.95, 200, 0)
    for label, line in zip(LABELS, lines[heading + 2 : heading + 6]):
        row = bounds["per_label"][label]
        assert line.split()[1:] == [
            "-" if row[key] is None else f"{row[key][0]:.3f}-{row[key][1]:.3f}"
            for key in ("precision", "recall", "f1")
        ]
    default = json.loads(run("evaluate", data, "--intervals", "--format", "json").stdout)
    assert default["intervals"]["resamples"] == 1000
    plain = json.loads(run("evaluate", data, "--format", "json").stdout)
    assert "intervals" not in plain and "intervals" not in run("evaluate", data).stdout
    few = run("evaluate", data, "--intervals", "--resamples", "10")
    assert few.exit_code == 2 and "--resamples" in few.output


def test_intervals_of_a_single_item_say_so(run, tmp_path):
    data = tmp_path / "one.jsonl"
    record = {"id": "1", "text": "Midjourney creates images from prompts.", "labels": ["GenAI"]}
    data.write_text(json.dumps({**record, "primary": "GenAI", "source": "written"}) + "\n")
    result = run("evaluate", data, "--intervals", "--resamples", "100")
    assert result.exit_code == 0, result.output
    assert "95% intervals, 100 bootstrap resamples of the 1 item (seed 0):" in result.stdout
    # Tags never gold and never guessed have no interval at all.
    assert any(line.split() == ["AI", "-", "-", "-"] for line in result.stdout.splitlines())


def test_resamples_alone_asks_for_the_intervals(run, tmp_path):
    data = tmp_path / "one.jsonl"
    record = {"id": "1", "text": "Midjourney creates images from prompts.", "labels": ["GenAI"]}
    data.write_text(json.dumps({**record, "primary": "GenAI", "source": "written"}) + "\n")
    figures = json.loads(run("evaluate", data, "--resamples", "300", "--format", "json").stdout)
    assert figures["intervals"]["resamples"] == 300


def test_train_writes_model_and_card(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    from aitag.corpus import load_records

    records = load_records(Path(__file__).resolve().parents[1] / "corpus")[:300]
    corpus.write_text("".join(json.dumps(r.to_json()) + "\n" for r in records))
    out = tmp_path / "m.skops"
    result = CliRunner().invoke(
        main, ["train", "--corpus", str(corpus), "--out", str(out), "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "cross-validated" in result.output and "held-out test split" in result.output
    assert out.exists() and (tmp_path / "m.card.json").exists()


def test_train_names_the_card_it_wrote_beside_a_model_in_a_dotted_folder(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    from aitag.corpus import load_records

    records = load_records(Path(__file__).resolve().parents[1] / "corpus")[:120]
    corpus.write_text("".join(json.dumps(r.to_json()) + "\n" for r in records))
    out = tmp_path / "models" / "v1.2" / "model"
    result = CliRunner().invoke(
        main, ["train", "--corpus", str(corpus), "--out", str(out), "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    card = tmp_path / "models" / "v1.2" / "model.card.json"
    assert result.stdout.rstrip().endswith(f"wrote {out} and {card}")
    assert out.is_file() and card.is_file()


def test_help_lists_every_command_with_help_text():
    result = CliRunner().invoke(main, ["--help"])
    for command in ("predict", "train", "evaluate", "corpus"):
        assert command in result.output
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help text"


def test_real_process_predicts_seed_post_and_imports_nothing_heavy(model_path):
    env = {**os.environ, "AITAG_MODEL": str(model_path)}
    seed = RAW / "001_855d7c58b46bae6d.txt"
    result = subprocess.run(
        [sys.executable, "-m", "aitag", "predict", str(seed), "--format", "jsonl"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert {"LLM", "GenAI"} <= set(record["labels"])
    probe = "import sys, aitag.cli; print(sorted(m for m in ('numpy','sklearn','skops','pandas') if m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip()
        == "[]"
    )
    prediction_probe = (
        "import sys; from aitag.cli import main\n"
        "try: main(['predict', sys.argv[1], '--format', 'jsonl'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('sklearn', 'skops', 'scipy') if m in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", prediction_probe, str(seed)], capture_output=True, text=True, env=env
    )
    assert result.stderr.strip().endswith("[]")


def write_posts(folder, n):
    folder.mkdir(parents=True, exist_ok=True)
    # Sentences of 10 words or more: a shorter text gets no tags, and a warning.
    topics = [
        "Diffusion models generate brand new images from short text prompts.",
        "A large language model answers questions from a prompt, token by token.",
        "We trained a classifier on labelled transactions to flag fraud early.",
        "Roast the carrots with thyme and honey until they are golden.",
    ]
    for i in range(n):
        (folder / f"post-{i:04d}.txt").write_text(f"Post {i}.\n\n{topics[i % 4]}")


def test_parallel_jobs_give_the_same_records_in_order(run, tmp_path):
    write_posts(tmp_path / "posts", 150)
    one = run("predict", tmp_path / "posts", "--format", "jsonl", "--jobs", "1")
    two = run("predict", tmp_path / "posts", "--format", "jsonl", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert len(one.stdout.splitlines()) == 150


def test_spawned_workers_give_the_same_records_as_one_process(model_path, tmp_path, monkeypatch):
    import multiprocessing

    from aitag.batch import Batch, run_batch

    # The start method of macOS and Windows: workers load the model themselves.
    monkeypatch.setattr("aitag.batch._worker_context", lambda: multiprocessing.get_context("spawn"))
    monkeypatch.setattr("aitag.batch.CHUNK_FILES", 4)
    write_posts(tmp_path / "posts", 12)
    batch = Batch([str(tmp_path / "posts")], str(model_path))
    one, two = list(run_batch(batch, 1)), list(run_batch(batch, 2))
    assert len(one) == 12 and two == one


def _dies_in_the_second_chunk(batch, chunk):
    if any(str(item).endswith("post-0003.txt") for item in chunk):
        os._exit(1)  # as the system's out-of-memory killer would end a worker
    return tag_chunk(batch, chunk)


@pytest.mark.skipif(sys.platform != "linux", reason="forked workers inherit the patch")
def test_a_worker_that_dies_ends_the_run_in_one_line_and_resume_completes_it(
    run, tmp_path, monkeypatch
):
    import multiprocessing

    write_posts(tmp_path / "posts", 8)
    full = run("predict", tmp_path / "posts", "--format", "jsonl", "-j", "1").stdout
    out = tmp_path / "tags.jsonl"
    with monkeypatch.context() as patch:
        # Forked even beside the test session's threads, so the workers have the patch.
        patch.setattr("aitag.batch._worker_context", lambda: multiprocessing.get_context("fork"))
        patch.setattr("aitag.batch.CHUNK_FILES", 2)
        patch.setattr("aitag.batch.tag_chunk", _dies_in_the_second_chunk)
        result = run("predict", tmp_path / "posts", "-o", out, "-j", "2")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "a worker process died" in result.output
    result = run("predict", tmp_path / "posts", "-o", out, "--resume", "-j", "2")
    assert result.exit_code == 0, result.output
    assert out.read_text() == full


def test_resume_completes_an_interrupted_output_without_repeats(run, tmp_path):
    write_posts(tmp_path / "posts", 20)
    full = run(
        "predict", tmp_path / "posts", "--format", "jsonl", "--jobs", "1"
    ).stdout.splitlines()
    out = tmp_path / "tags.jsonl"
    # An interrupted run: 7 whole records and half of the 8th.
    out.write_text("\n".join(full[:7]) + "\n" + full[7][:30])
    result = run("predict", tmp_path / "posts", "-o", out, "--resume")
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines() == full
    assert "7 already done" in result.stderr


def test_resume_reads_again_a_file_without_extension_that_holds_rows(run, tmp_path):
    # Read by content, such a file is JSON Lines: resuming after its first row must tag
    # the other two, not take the whole file for one document already done.
    rows = tmp_path / "rows"
    rows.write_text(
        '{"id": "a", "text": "GPT writes code from a prompt and the model predicts tokens."}\n'
        '{"id": "b", "text": "Diffusion models paint images from noise, step by step, here."}\n'
        '{"id": "c", "text": "The tax forms are due in April, with the receipts attached."}\n'
    )
    full, resumed = _resumed_after_first_row(run, rows, tmp_path)
    assert len(full) == 3
    assert resumed == full


def test_resume_needs_an_output_file(run, tmp_path):
    write_posts(tmp_path / "posts", 2)
    result = run("predict", tmp_path / "posts", "--resume")
    assert result.exit_code == 2 and "--resume needs --output" in result.output


def test_resume_keeps_rows_that_share_an_id(run, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"id": "a", "text": "GPT writes code."}\n'
        '{"id": "a", "text": "Diffusion paints."}\n'
        '{"id": "b", "text": "Tax forms."}\n'
    )
    # Killed after the first of the two rows with id "a".
    full, resumed = _resumed_after_first_row(run, rows, tmp_path)
    assert resumed == full


def _resumed_after_first_row(run, rows, tmp_path) -> tuple[list[str], list[str]]:
    """The records of a whole run over ``rows``, and those of an output killed after the
    first record, then resumed."""
    full = run("predict", rows, "--format", "jsonl", "--jobs", "1").stdout.splitlines()
    out = tmp_path / "tags.jsonl"
    out.write_text(full[0] + "\n")
    result = run("predict", rows, "-o", out, "--resume")
    assert result.exit_code == 0, result.output
    return full, out.read_text().splitlines()


def test_unmatched_paths_keep_their_place_among_records(model_path, tmp_path, monkeypatch):
    from aitag.batch import Batch, run_batch
    from aitag.errors import InputError

    write_posts(tmp_path / "posts", 3)
    files = sorted(str(p) for p in (tmp_path / "posts").iterdir())
    specs = [files[0], str(tmp_path / "missing.txt"), files[1], files[2]]
    batch = Batch(specs, str(model_path))
    items = batch.files()
    # Two chunks of two, so with two jobs the error travels with the first chunk to a worker.
    monkeypatch.setattr("aitag.batch.CHUNK_FILES", 2)
    for jobs in (1, 2):
        results = list(run_batch(batch, jobs, items))
        assert [type(item) for item in results] == [dict, InputError, dict, dict]
        assert [r["path"] for r in results if isinstance(r, dict)] == files


def test_whole_page_reads_what_main_content_leaves_out(run, tmp_path):
    sidebar = (
        "Popular this week: our machine learning course teaches you to train a "
        "classifier on labelled data, tune its features and measure its accuracy."
    )
    article = " ".join(
        f"Step {n}: brown the onions slowly in butter, then add the stock and simmer."
        for n in range(1, 13)
    )
    page = tmp_path / "soup.html"
    page.write_text(
        "<html><head><title>Onion soup</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><aside class='sidebar'><p>{sidebar}</p></aside>"
        f"<article><h1>Onion soup</h1><p>{article}</p><p>{article}</p></article>"
        "<footer><p>Copyright 2026</p></footer></body></html>"
    )
    main = run("predict", page, "--format", "jsonl", "--passages")
    whole = run("predict", page, "--format", "jsonl", "--passages", "--whole-page")
    main_texts = [p["text"] for p in json.loads(main.stdout)["passages"]]
    whole_texts = [p["text"] for p in json.loads(whole.stdout)["passages"]]
    assert not any("machine learning" in text for text in main_texts)
    assert any("machine learning" in text for text in whole_texts)


def test_passages_in_csv_are_refused_not_silently_dropped(run, tmp_path):
    post = tmp_path / "post.txt"
    post.write_text("A language model answers a prompt, token by token.")
    for args in (["--format", "csv"], ["-o", tmp_path / "out.csv"]):
        result = run("predict", post, "--passages", *args)
        assert result.exit_code == 2 and "--passages needs jsonl or table" in result.output
    assert not (tmp_path / "out.csv").exists()
    table = run("predict", post, "--passages", "--format", "table")
    assert table.exit_code == 0 and "\n  1:1 " in table.stdout  # the passage row


@pytest.mark.parametrize(
    ("stdout_tty", "output", "shown"),
    [(False, None, True), (True, None, False), (True, "-", False), (True, "out.jsonl", True)],
)
def test_progress_bar_only_where_records_do_not_share_its_terminal(
    monkeypatch, stdout_tty, output, shown
):
    # Rows printed to the terminal the bar redraws on came out glued to the bar.
    from aitag.cli.tagging import _shows_progress

    monkeypatch.setattr(sys.stdout, "isatty", lambda: stdout_tty)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert _shows_progress(False, 5, output) is shown
    assert not _shows_progress(True, 5, output)  # --quiet
    assert not _shows_progress(False, 1, output)  # one input: nothing to show
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert not _shows_progress(False, 5, output)


def test_a_bad_threshold_names_the_option(run, tmp_path):
    post = tmp_path / "post.txt"
    post.write_text("A language model answers a prompt.")
    result = run("predict", post, "--threshold", "LLM=2")
    assert result.exit_code == 2 and "Invalid value for '--threshold': 'LLM=2'" in result.output


def test_train_refuses_to_write_its_model_over_a_file_that_is_not_one(tmp_path):
    # Found before any training: "--out corpus.jsonl" replaced the corpus with a model.
    corpus = tmp_path / "corpus.jsonl"
    from aitag.corpus import load_records

    records = load_records(Path(__file__).resolve().parents[1] / "corpus")[:50]
    corpus.write_text("".join(json.dumps(r.to_json()) + "\n" for r in records))
    before = corpus.read_bytes()
    for out in (corpus, tmp_path / "notes.md"):
        out.write_bytes(before if out == corpus else b"mine\n")
        result = CliRunner().invoke(main, ["train", "--corpus", str(corpus), "--out", str(out)])
        assert result.exit_code == 2 and "is not a model file" in result.output
        assert "cross-validated" not in result.output
    assert corpus.read_bytes() == before and (tmp_path / "notes.md").read_bytes() == b"mine\n"


@pytest.mark.parametrize("resamples", ["99", "10001", "100000000"])
def test_resamples_out_of_range_are_a_usage_error_not_a_memory_error(run, resamples):
    data = CORPUS / "written" / "w5-comparisons-misuse.jsonl"
    result = run("evaluate", data, "--resamples", resamples)
    assert result.exit_code == 2 and "Invalid value for '--resamples'" in result.output


def test_stdin_given_twice_is_read_once_and_the_second_reported(run):
    text = "A large language model answers prompts from users, token by token, every day."
    result = run("predict", "-", "-", "--format", "jsonl", input=text)
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 1
    assert json.loads(result.stdout)["labels"] != []
    assert "<stdin>: is given twice; standard input can be read once" in result.stderr
