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
    documents = [text_document(t, doc_id=str(i)) for i, t in enumerate(["GPT", "STALL", "ML"])]
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
        results = run_batch(batch, jobs, [str(rows), str(rows)])
        first = next(results)  # the first records come before the archive is read through
        assert first["id"] == "0"
        assert sum(1 for _ in results) == 5999


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
