"""A batch survives its worst file and leaves nothing behind: a document over its time
budget is named and skipped, in one process and in workers; archives are written as
they are read; workers die with their parent, however it dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from aitag import streams
from aitag.batch import Batch, ReadOptions, run_batch
from aitag.errors import InputError

SLOW = "slow.txt"


def stalls_on_slow_files(real):
    """A reader that never ends on files named slow.txt, as a pathological file would."""

    def read_files(items, *args, **kwargs):
        for item in items:
            if str(item).endswith(SLOW):
                while True:
                    time.sleep(0.01)
        yield from real(items, *args, **kwargs)

    return read_files


def posts(folder, n: int = 6):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"post-{i}.txt").write_text(f"Post {i}: a language model writes text.")
    (folder / SLOW).write_text("whatever")
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_over_its_time_budget_is_named_and_the_batch_goes_on(
    model_path, tmp_path, monkeypatch, jobs
):
    import multiprocessing

    monkeypatch.setattr(streams, "read_files", stalls_on_slow_files(streams.read_files))
    # Forked even beside the test session's threads, so the workers have the patch.
    monkeypatch.setattr("aitag.batch._worker_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr("aitag.batch.CHUNK_FILES", 2)
    monkeypatch.setattr("aitag.batch.default_jobs", lambda: 2)
    folder = posts(tmp_path / "posts")
    batch = Batch([str(folder)], str(model_path), options=ReadOptions(timeout=1.0))
    started = time.monotonic()
    results = list(run_batch(batch, jobs))
    assert time.monotonic() - started < 30
    errors = [item for item in results if isinstance(item, InputError)]
    assert len(errors) == 1 and errors[0].path.endswith(SLOW)
    assert "took longer than 1 s" in str(errors[0])
    assert sum(isinstance(item, dict) for item in results) == 6


def test_a_document_over_its_budget_while_tagged_is_named(tagger, monkeypatch):
    from aitag.limits import time_limits
    from aitag.readers import text_document

    real = tagger.score_documents

    def score(documents, passages=False):
        if any("STALL" in d.source for d in documents):
            while True:
                time.sleep(0.01)
        return real(documents, passages)

    monkeypatch.setattr(tagger, "score_documents", score)
    sentence = "A large language model writes code from a prompt, {}."
    texts = [sentence.format("GPT"), "STALL", sentence.format("ML")]  # long enough: no warning
    documents = [text_document(t, doc_id=str(i)) for i, t in enumerate(texts)]
    with time_limits(0.5):
        results = list(tagger.predict_documents(documents))
    assert [type(item).__name__ for item in results] == ["dict", "InputError", "dict"]
    assert str(results[1]).startswith("1: took longer than 0.5 s")


def test_records_of_an_archive_are_written_as_they_are_read(model_path, tmp_path, monkeypatch):
    from aitag import batch as batch_module

    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(f'{{"id": "{i}", "text": "GPT {i}"}}\n' for i in range(3000)))
    batch = Batch([str(rows)], str(model_path))
    monkeypatch.setattr(batch_module, "CHUNK_ROW_BYTES", 1000)  # large: tagged as a stream
    for jobs in (1, 2):
        # Records only: the rows are short, and the first comes with a warning saying so.
        results = (item for item in run_batch(batch, jobs, [str(rows), str(rows)]))
        records = (item for item in results if isinstance(item, dict))
        first = next(records)  # the first records come before the archive is read through
        assert first["id"] == "0"
        assert sum(1 for _ in records) == 5999


def archive_of_every_kind_of_row(path) -> dict[int, str]:
    """A JSON Lines archive with a BOM, CRLF and LF line ends, blank lines, bad rows and a
    last line without its line end; what the reader says of each bad line, by number."""
    # A head of good rows: a file that is not UTF-8 in its first 64 KB is read whole.
    lines = [b"\xef\xbb\xbf" + b'{"id": "first", "text": "GPT writes."}']
    lines += [b'{"id": "h%d", "text": "%s"}' % (i, b"x" * 60) for i in range(1000)]
    bad = {
        1: b"[1, 2]",
        2: b'{"id": "broken", "text": ',
        3: b'{"id": "no-text", "body": "Diffusion models."}',
        4: b'{"id": "latin", "text": "caf\xe9"}',
        5: b'{"id": "long", "text": "' + b"word " * 60 + b'"}',
    }
    reasons = {
        1: "is not a JSON object",
        2: "is not valid JSON",
        3: "has no text in field 'text'",
        4: "is not valid UTF-8",
        5: "is longer than the 200-byte limit",
    }
    expected = {}
    for i in range(400):
        kind = i % 9
        if kind in bad:
            expected[len(lines) + 1] = reasons[kind]
            lines.append(bad[kind])
        elif kind == 6:
            lines += [b"", b"  \t"]  # blank lines are passed over, and still counted
        elif kind == 7:
            lines.append(b'{"text": "a row without an id: its line number is its id"}')
        else:
            lines.append(b'{"id": "%d", "text": "Diffusion models paint %d."}' % (i, i))
    lines.append(b'{"id": "last", "text": "The last row has no line end."}')
    ends = [b"\r\n" if number % 3 == 0 else b"\n" for number in range(len(lines))]
    path.write_bytes(b"".join(line + end for line, end in zip(lines, ends))[: -len(ends[-1])])
    return expected


@pytest.fixture
def small_ranges(monkeypatch):
    """Row ranges of about 2 KB, any archive over 100 bytes cut, forked workers."""
    import multiprocessing

    from aitag import batch as batch_module
    from aitag import rowranges

    monkeypatch.setattr(batch_module, "CHUNK_ROW_BYTES", 400)
    monkeypatch.setattr(rowranges, "RANGE_BYTES", 2000)
    monkeypatch.setattr(batch_module, "default_jobs", lambda: 2)
    # Forked even beside the test session's threads, so the workers have the patches.
    monkeypatch.setattr(
        batch_module, "_worker_context", lambda: multiprocessing.get_context("fork")
    )


def shown(results) -> list:
    return [item if isinstance(item, dict) else str(item) for item in results]


def test_ranges_of_an_archive_in_workers_give_what_one_process_gives(
    model_path, tmp_path, small_ranges
):
    from aitag.rowranges import row_ranges

    rows = tmp_path / "rows.jsonl"
    expected = archive_of_every_kind_of_row(rows)
    ranges = row_ranges(str(rows), "auto")
    assert ranges is not None and len(ranges) > 20
    batch = Batch([str(rows), str(rows)], str(model_path), options=ReadOptions(max_bytes=200))
    raw = list(run_batch(batch, 1))
    one, two = shown(raw), shown(run_batch(batch, 2))
    assert two == one
    errors = {}
    every_error = [str(item) for item in raw if isinstance(item, InputError)]
    for item in every_error[: len(every_error) // 2]:  # the first file's
        where, reason = item.split(": ", 1)
        errors[int(where.rsplit(":", 1)[1])] = reason
    assert errors.keys() == expected.keys()
    assert all(reason.startswith(expected[number]) for number, reason in errors.items())
    ids = [item["id"] for item in one if isinstance(item, dict)]
    last = len(rows.read_bytes().split(b"\n"))
    assert ids[0] == "first" and ids[-1] == "last" and last == ranges[-1].last_line
    assert str(1 + 1000 + 1 + 7 + 1) in ids  # a row without an id is named by its line


def test_rows_without_the_id_field_are_said_once_however_the_file_is_cut(
    model_path, tmp_path, small_ranges
):
    from aitag.errors import FileWarning
    from aitag.rowranges import row_ranges

    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(f'{{"text": "GPT writes line {i}."}}\n' for i in range(400)))
    assert len(row_ranges(str(rows), "auto")) > 5
    batch = Batch([str(rows)], str(model_path), options=ReadOptions(id_field="uid"))
    one, two = shown(run_batch(batch, 1)), shown(run_batch(batch, 2))
    assert two == one
    warnings = [item for item in run_batch(batch, 2) if isinstance(item, FileWarning)]
    # Each kind of warning of the file once: its rows lack the id and are too short.
    assert [str(warning) for warning in warnings] == [
        f"{rows}: line 1 has no 'uid' (--id-field): it and every other row of the file "
        "without one are named by their row number",
        f"{rows}: row '1' has only 4 word(s) of prose: it and every other row of the file "
        "that short get no tags (try --passages)",
    ]


def test_ranges_cover_the_file_in_whole_lines_numbered_as_in_it(tmp_path, small_ranges):
    from aitag.rowranges import row_ranges

    rows = tmp_path / "rows.jsonl"
    archive_of_every_kind_of_row(rows)
    data = rows.read_bytes()
    ranges = row_ranges(str(rows), "jsonl")
    assert ranges[0].start == 3 and ranges[-1].end == len(data)  # after the BOM, to the end
    for before, after in zip(ranges, ranges[1:]):
        assert before.end == after.start and data[before.end - 1 : before.end] == b"\n"
        assert after.first_line == before.last_line + 1
    for part in ranges:
        assert part.first_line == data.count(b"\n", 0, part.start) + 1


@pytest.mark.parametrize(
    "name, data",
    [
        ("rows.csv", b"id,text\n" + b"1,GPT writes\n" * 100),  # a quoted cell may span lines
        ("rows.jsonl", b'{"text": "caf\xe9"}\n' * 100),  # not UTF-8: read whole
        ("rows.jsonl", b"\xff\xfe" + '{"text": "GPT"}\n'.encode("utf-16-le") * 100),
        ("rows.jsonl", b"\n \xc2\xa0\n" * 100),  # only blank lines: the reader says empty
    ],
    ids=["csv", "latin-1", "utf-16", "blank"],
)
def test_archives_that_cannot_be_cut_are_streamed_as_before(
    model_path, tmp_path, small_ranges, name, data
):
    from aitag.rowranges import row_ranges

    path = tmp_path / name
    path.write_bytes(data)
    assert row_ranges(str(path), "auto") is None
    batch = Batch([str(path)], str(model_path))
    assert shown(run_batch(batch, 2)) == shown(run_batch(batch, 1))


def test_an_archive_on_stdin_is_read_by_this_process(run, tmp_path, small_ranges, monkeypatch):
    from aitag import batch as batch_module

    def never(*args):
        raise AssertionError("stdin was cut into ranges")

    monkeypatch.setattr(batch_module, "row_ranges", never)
    rows = "".join(f'{{"id": "{i}", "text": "GPT {i}"}}\n' for i in range(300))
    one = run("predict", "-", "--format", "jsonl", "--input-format", "jsonl", "-j", "1", input=rows)
    two = run("predict", "-", "--format", "jsonl", "--input-format", "jsonl", "-j", "2", input=rows)
    assert one.exit_code == two.exit_code == 0 and one.stdout == two.stdout
    assert len(two.stdout.splitlines()) == 300


def test_resume_continues_an_archive_tagged_in_ranges(run, tmp_path, small_ranges):
    rows = tmp_path / "rows.jsonl"
    archive_of_every_kind_of_row(rows)
    full, out = tmp_path / "full.jsonl", tmp_path / "out.jsonl"
    assert run("predict", rows, "-o", full, "-j", "1", "-q", "--max-bytes", 200).exit_code == 2
    records = full.read_bytes().split(b"\n")
    # Killed half way, in the middle of a record.
    out.write_bytes(b"\n".join(records[:700]) + b"\n" + records[700][:30])
    result = run("predict", rows, "-o", out, "-j", "2", "--resume", "--max-bytes", 200)
    assert result.exit_code == 2 and "700 already done" in result.output  # bad rows: exit 2
    assert out.read_bytes() == full.read_bytes()


@pytest.fixture
def rows_that_stall(monkeypatch):
    """Rows whose text is "STALL" take forever to read."""
    from aitag.readers import rows

    real = rows.plain_document

    def stalls(doc_id, path, text):
        while "STALL" in text:
            time.sleep(0.01)
        return real(doc_id, path, text)

    monkeypatch.setattr(rows, "plain_document", stalls)


def test_a_range_over_its_time_budget_loses_only_its_own_rest(
    model_path, tmp_path, small_ranges, rows_that_stall
):
    rows = tmp_path / "rows.jsonl"
    lines = [f'{{"id": "{i}", "text": "GPT writes {i}. {"x" * 40}"}}' for i in range(500)]
    lines[250] = '{"id": "250", "text": "STALL"}'
    rows.write_text("\n".join(lines) + "\n")
    batch = Batch([str(rows)], str(model_path), options=ReadOptions(timeout=1.0))
    results = list(run_batch(batch, 2))
    errors = [str(item) for item in results if isinstance(item, InputError)]
    assert len(errors) == 1 and "took longer than 1 s" in errors[0]
    where = errors[0].split(" (after")[0].rsplit(":", 1)[1]
    first, last = map(int, where.split("-"))
    assert first <= 251 <= last
    ids = {int(item["id"]) for item in results if isinstance(item, dict)}
    assert ids == set(range(250)) | set(range(last, 500))  # rows before the stall are kept


PEAK = (
    "import re, sys\n"
    "from aitag.cli import main\n"
    "try:\n    main(sys.argv[1:])\n"
    "except SystemExit:\n    pass\n"
    "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1),"
    " file=sys.stderr)"
)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads VmHWM")
def test_memory_is_flat_in_the_rows_of_one_archive(model_path, tmp_path):
    peaks = []
    for n in (30_000, 120_000):
        rows = tmp_path / f"rows-{n}.jsonl"
        rows.write_text("".join(f'{{"id": "{i}", "text": "GPT {i}"}}\n' for i in range(n)))
        out = tmp_path / f"out-{n}.jsonl"
        result = subprocess.run(
            [sys.executable, "-c", PEAK, "predict", str(rows), "-o", str(out), "-q", "-j", "1"],
            env={**os.environ, "AITAG_MODEL": str(model_path)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert len(out.read_text().splitlines()) == n, result.stderr
        peaks.append(int(result.stderr.split()[-1]) / 1024)
    assert peaks[1] < peaks[0] * 1.3, peaks  # four times the rows, about the same memory


def live(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for a parent to reap it does not)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\nState:\tZ" not in status.read()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "term"])
def test_workers_die_with_their_parent_and_release_its_pipes(model_path, tmp_path, stop):
    folder = tmp_path / "posts"
    folder.mkdir()
    text = "A language model writes text from a prompt. " * 200
    for i in range(6000):
        (folder / f"p{i:05d}.txt").write_text(f"Post {i}. {text}")
    out = tmp_path / "out.jsonl"
    parent = subprocess.Popen(
        [sys.executable, "-m", "aitag", "predict", str(folder), "-o", str(out), "-j", "2", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "AITAG_MODEL": str(model_path)},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 5000):
        time.sleep(0.05)
    children = [
        int(pid)
        for pid in subprocess.run(
            ["pgrep", "-P", str(parent.pid)], capture_output=True, text=True
        ).stdout.split()
    ]
    assert children, "no workers started"
    parent.send_signal(stop)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(live(pid) for pid in children):
        time.sleep(0.05)
    assert not any(live(pid) for pid in children)
    parent.communicate(timeout=10)  # nothing holds the caller's pipes open: reading them ends
    lines = out.read_bytes().split(b"\n")
    assert all(json.loads(line) for line in lines[:-1])  # whole records, in order


def test_a_row_over_its_time_budget_ends_its_file_and_says_how_many_rows_were_read(
    model_path, tmp_path, rows_that_stall
):
    archive = tmp_path / "rows.jsonl"
    texts = ["Gradient descent trains the model.", "A second row.", "STALL", "Never read."]
    archive.write_text(
        "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts))
    )
    batch = Batch([str(archive)], str(model_path), options=ReadOptions(timeout=1.0))
    results = list(run_batch(batch, 1))
    assert [item["id"] for item in results if isinstance(item, dict)] == ["0", "1"]
    (error,) = [str(item) for item in results if isinstance(item, InputError)]
    assert error.startswith(f"{archive} (after 2 row(s); the rest was not read): took longer")
