"""Replay the attack of issue #15: hostile files, made here, run through aitag as a process.

Each case builds its inputs in a work folder (nothing large is committed), runs
``python -m aitag ...`` under a time and a memory limit, and reports its exit code,
seconds and peak RSS (summed over the process tree, workers included), then what, if
anything, missed the target: a record or a one-line error for every input, no
traceback, no hang, no data destroyed or doubled, nothing written where it was not
asked, no control character on a human format's output, no process left behind.

    python benchmarks/attack.py [--model PATH] [--scale 1.0] [--limit 300] [--memory-mb 4096]
                                [--only NAME ...] [--work DIR] [--json]

``--src`` attacks another checkout's sources (to compare before and after a change).
``--scale`` shrinks the large inputs (1.0 gives the sizes of the issue: a 19 MB
paragraph, 10 million rows, 1 GB sparse files, a 1.1 GB output). The exit code is the
number of cases that missed the target.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
LINE_STARTS = ("aitag: ", "Error: ", "Usage: ", "Try ", "  ")
PROBLEM_COUNT = re.compile(r"\d+ problem\(s\)$")  # what `corpus validate` ends with
POST = "A large language model writes text from a prompt, and a diffusion model paints.\n"


@dataclass
class Outcome:
    """How one run of aitag ended."""

    code: int | None
    seconds: float
    peak_mb: float
    stdout: bytes
    stderr: bytes
    stopped: str = ""  # "time" or "memory" when the harness ended it
    ended: float = 0.0  # when its output pipes closed (time.monotonic)

    def problems(self, human: bool = False) -> list[str]:
        found = []
        if self.stopped:
            found.append(f"stopped: over the {self.stopped} limit")
        elif self.code not in (0, 1, 2):
            found.append(f"exit code {self.code}")
        if b"Traceback" in self.stderr:
            found.append("traceback")
        for line in self.stderr.decode("utf-8", "replace").splitlines():
            if line and not line.startswith(LINE_STARTS) and not PROBLEM_COUNT.match(line):
                found.append(f"stray stderr line {line[:60]!r}")
                break
        if human and RAW_CONTROL.search(self.stdout):
            found.append("control character on stdout")
        return found


@dataclass
class Context:
    model: Path
    work: Path
    scale: float
    limit: float
    memory_mb: float
    src: Path = ROOT / "src"
    env: dict = field(default_factory=dict)

    def n(self, full: int, least: int = 1) -> int:
        return max(int(full * self.scale), least)

    def run(self, *args, stdin: bytes | None = None, model: Path | None = None, **kw) -> Outcome:
        env = {**os.environ, "AITAG_MODEL": str(model or self.model), **self.env}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.src), env.get("PYTHONPATH")]))
        return run_process(
            [sys.executable, "-m", "aitag", *map(str, args)], env, self.limit, self.memory_mb,
            stdin, **kw,
        )  # fmt: skip

    def folder(self, name: str) -> Path:
        path = self.work / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path


def run_process(
    command, env, limit, memory_mb, stdin=None, on_start: Callable | None = None
) -> Outcome:
    """Run a command in its own process group, watching its tree's time and memory."""
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    captured: dict[str, bytes] = {}

    def drain(name, stream):
        kept = bytearray()
        for block in iter(lambda: stream.read(1 << 16), b""):
            if len(kept) < 1 << 20:
                kept += block
        captured[name] = bytes(kept)

    readers = [
        threading.Thread(target=drain, args=("stdout", process.stdout), daemon=True),
        threading.Thread(target=drain, args=("stderr", process.stderr), daemon=True),
    ]
    for reader in readers:
        reader.start()
    if stdin is not None:
        threading.Thread(target=_feed, args=(process.stdin, stdin), daemon=True).start()
    if on_start is not None:
        threading.Thread(target=on_start, args=(process,), daemon=True).start()
    peak, stopped = 0.0, ""
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        elapsed = time.monotonic() - started
        if elapsed > limit or peak > memory_mb:
            stopped = "time" if elapsed > limit else "memory"
            _kill_group(process.pid)
            process.wait()
            break
        time.sleep(0.05)
    seconds = time.monotonic() - started
    for reader in readers:
        reader.join(timeout=10)
    return Outcome(
        process.returncode, seconds, peak, captured.get("stdout", b""),
        captured.get("stderr", b""), stopped, time.monotonic(),
    )  # fmt: skip


def _feed(stream, data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except OSError:
        pass


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def tree_rss_mb(pid: int) -> float:
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def running(pid: int) -> bool:
    """Whether a process runs (a zombie no one reaped does not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


# ---------------------------------------------------------------- hostile files


def long_paragraph(path: Path, sentences: int) -> Path:
    """One paragraph of long sentences of long words, each naming a concept (19 MB at 1,900)."""
    with open(path, "w") as out:
        for i in range(sentences):
            out.write(f"The {'x' * 9_980} AI number {i}. ")
    return path


def posts(folder: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        path = folder / f"post-{i:05d}.txt"
        path.write_text(f"Post {i}. {POST}")
        paths.append(path)
    return paths


def tiny_rows(path: Path, n: int, first_id: str | None = None) -> Path:
    with open(path, "w") as out:
        block = []
        for i in range(n):
            row_id = first_id if (i == 0 and first_id) else str(i)
            block.append(f'{{"id": {json.dumps(row_id)}, "text": "GPT {i}"}}\n')
            if len(block) == 100_000:
                out.write("".join(block))
                block = []
        out.write("".join(block))
    return path


def corpus_line(**fields) -> bytes:
    row = {
        "id": "1",
        "text": "GPT writes code.",
        "labels": ["LLM"],
        "primary": "LLM",
        "source": "w",
    }
    return (json.dumps({**row, **fields}) + "\n").encode()


def model_variant(ctx: Context, name: str, change: Callable[[dict], None]) -> Path:
    """A copy of the model whose arrays went through ``change``, with a card that matches."""
    import skops.io

    sys.path.insert(0, str(ROOT / "src"))
    from aitag.persist import card_path, load_model

    model, card = load_model(ctx.model)
    arrays = model.to_arrays()
    change(arrays)
    target = ctx.folder(f"model-{name}") / "m.skops"
    payload = skops.io.dumps(arrays)
    target.write_bytes(payload)
    card = {**card, "sha256": hashlib.sha256(payload).hexdigest(), "size_bytes": len(payload)}
    card_path(target).write_text(json.dumps(card))
    return target


def model_copy(ctx: Context, name: str) -> Path:
    folder = ctx.folder(f"model-{name}")
    target = folder / "m.skops"
    shutil.copy(ctx.model, target)
    shutil.copy(ctx.model.with_name(ctx.model.stem + ".card.json"), folder / "m.card.json")
    return target


# ---------------------------------------------------------------- cases

CASES: dict[str, Callable[[Context], tuple[Outcome, list[str]]]] = {}


def case(function):
    CASES[function.__name__.replace("_", "-")] = function
    return function


def expect_error(outcome: Outcome, text: str, human: bool = False) -> list[str]:
    found = outcome.problems(human)
    if outcome.code != 2 or text.encode() not in outcome.stdout + outcome.stderr:
        found.append(f"expected exit 2 and {text!r}")
    return found


# Hangs


@case
def audit_long_paragraph(ctx):
    path = long_paragraph(ctx.folder("paragraph") / "paragraph.txt", ctx.n(1900, 10))
    outcome = ctx.run("audit", path, "--format", "line")
    found = outcome.problems(human=True)
    if outcome.code == 2 and b"took longer than" not in outcome.stderr:
        found.append("exit 2 without the time budget's message")
    return outcome, found


@case
def explain_ai_commas(ctx):
    path = ctx.folder("commas") / "commas.txt"
    path.write_text("AI," * ctx.n(100_000, 1000))
    outcome = ctx.run("explain", path, "--format", "html")
    found = outcome.problems(human=True)
    table = ctx.run("explain", path)
    return outcome, found + table.problems(human=True) + ([] if table.code == 0 else ["table"])


@case
def notebook_of_many_cells_and_a_large_output(ctx):
    # Stop 24's notebook reader: 100,000 Markdown cells, each after a code cell whose source
    # reads the same (the matcher must go on where it stopped, not search from the top),
    # and a 50 MB base64 image output, which is not prose and must cost only its parse.
    cells = []
    for i in range(ctx.n(100_000, 100)):
        line = [f"Reading {i} of the gauge is kept when its value changes.\n"]
        cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "source": line})
        cells.append({"cell_type": "markdown", "metadata": {}, "source": line})
    image = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": "A" * ctx.n(50_000_000, 1000)},
    }
    cells.append({"cell_type": "code", "metadata": {}, "outputs": [image], "source": ["plot()"]})
    path = ctx.folder("notebook") / "big.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}, indent=1))
    outcome = ctx.run(
        "predict", path, "--max-bytes", str(path.stat().st_size + 1), "--format", "jsonl"
    )
    found = outcome.problems()
    if outcome.code != 0 or outcome.stdout.count(b"\n") != 1:
        found.append("expected one record and exit 0")
    return outcome, found


@case
def glob_three_self_links(ctx):
    folder = ctx.folder("links")
    (folder / "d").mkdir()
    posts(folder / "d", 3)
    for name in ("l1", "l2", "l3"):
        (folder / "d" / name).symlink_to(".")
    outcome = ctx.run("predict", f"{folder}/**/*.txt", "--format", "jsonl")
    found = outcome.problems()
    records = outcome.stdout.count(b"\n")
    if records != 3:
        found.append(f"{records} records, not 3")
    return outcome, found


@case
def model_is_a_fifo(ctx):
    target = model_copy(ctx, "fifo")
    target.unlink()
    os.mkfifo(target)
    post = posts(ctx.folder("fifo-post"), 1)[0]
    return (outcome := ctx.run("predict", post, model=target)), expect_error(outcome, "named pipe")


@case
def one_slow_file_in_an_archive_run(ctx):
    folder = ctx.folder("stall")
    posts(folder, 20)
    # 1.9 MB whatever the scale: before the time budget, auditing it took minutes.
    long_paragraph(folder / "post-00010-slow.txt", 190)
    outcome = ctx.run("audit", folder, "--format", "json", "--timeout", "5")
    found = outcome.problems()
    named = b"post-00010-slow.txt: took longer than 5 s" in outcome.stderr
    if outcome.code == 2 and not named:
        found.append("exit 2, but the slow file was not named as over its time budget")
    if outcome.seconds > 60:
        found.append("the budget did not stop it in time")
    return outcome, found


# Data destroyed or doubled


def _input_is_output(ctx, fmt):
    rows = tiny_rows(ctx.folder(f"same-{fmt}") / "in.jsonl", 5)
    before = rows.read_bytes()
    outcome = ctx.run("predict", rows, "--output", rows, "--format", fmt)
    found = expect_error(outcome, "is also an input")
    return outcome, found + ([] if rows.read_bytes() == before else ["the input was changed"])


@case
def output_is_the_input_jsonl(ctx):
    return _input_is_output(ctx, "jsonl")


@case
def output_is_the_input_csv(ctx):
    return _input_is_output(ctx, "csv")


def full_device(folder: Path) -> Path | None:
    """A device like /dev/full: a private node of it when root may make one (an aitag that
    replaces the device then replaces only that), else /dev/full, which only root could
    replace."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and hasattr(os, "mknod"):
        node = folder / "full"
        try:
            os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
            return node
        except OSError:
            pass
    return Path("/dev/full") if os.path.exists("/dev/full") else None


@case
def csv_to_dev_full(ctx):
    folder = ctx.folder("full")
    device = full_device(folder)
    if device is None:
        return Outcome(0, 0, 0, b"", b""), []
    rows = tiny_rows(folder / "in.jsonl", 5)
    outcome = ctx.run("predict", rows, "--format", "csv", "-o", device)
    found = expect_error(outcome, "No space left")
    if not stat.S_ISCHR(os.stat(device).st_mode):
        found.append(f"{device} is no longer a device")
    return outcome, found


@case
def resume_onto_a_users_file(ctx):
    folder = ctx.folder("notes")
    notes = folder / "notes.txt"
    notes.write_text("my notes\nthe last line has no newline")
    before = notes.read_bytes()
    rows = tiny_rows(folder / "in.jsonl", 5)
    outcome = ctx.run("predict", rows, "--output", notes, "--resume")
    found = expect_error(outcome, "not a record of aitag")
    return outcome, found + ([] if notes.read_bytes() == before else ["notes.txt was changed"])


def _two_at_once(ctx, resume: bool):
    folder = ctx.folder("twice-resume" if resume else "twice")
    n = ctx.n(39_000, 200)
    rows = tiny_rows(folder / "rows.jsonl", n)
    out = folder / "out.jsonl"
    if resume:
        first = ctx.run("predict", rows, "-o", out, "-q", "--format", "jsonl")
        lines = out.read_bytes().split(b"\n")
        out.write_bytes(b"\n".join(lines[: len(lines) // 2]) + b"\n")
    args = ["predict", rows, "-o", out, "-q", *(["--resume"] if resume else [])]
    other: dict = {}
    runner = threading.Thread(target=lambda: other.setdefault("outcome", ctx.run(*args)))
    runner.start()
    outcome = ctx.run(*args)
    runner.join()
    found = outcome.problems() + other["outcome"].problems()
    ids = [json.loads(line)["id"] for line in out.read_bytes().splitlines()]
    if len(ids) != n or len(set(ids)) != n:
        found.append(f"{len(ids)} records, {len(set(ids))} distinct, of {n}")
    if resume:
        del first
    return outcome, found


@case
def two_writers_at_once(ctx):
    return _two_at_once(ctx, resume=False)


@case
def two_resumes_at_once(ctx):
    return _two_at_once(ctx, resume=True)


@case
def row_id_equal_to_its_path_then_kill_and_resume(ctx):
    folder = ctx.folder("id-path")
    rows = folder / "rows.jsonl"
    tiny_rows(rows, 4, first_id=str(rows))
    full = ctx.run("predict", rows, "--format", "jsonl").stdout.splitlines()
    out = folder / "out.jsonl"
    out.write_bytes(full[0] + b"\n" + full[1][:20])  # killed while writing the second
    outcome = ctx.run("predict", rows, "-o", out, "--resume")
    found = outcome.problems()
    if out.read_bytes().splitlines() != full:
        found.append(f"{len(out.read_bytes().splitlines())} of {len(full)} rows after resume")
    return outcome, found


# Processes left behind


def _stop_parent(ctx, stop):
    folder = ctx.folder(f"stop-{stop}")
    text = "A language model writes text from a prompt. " * 200
    for i in range(ctx.n(20_000, 3000)):
        (folder / f"p{i:05d}.txt").write_text(f"Post {i}. {text}")
    out = ctx.work / f"stop-{stop}.jsonl"
    out.unlink(missing_ok=True)
    seen: dict = {}

    def stop_it(process):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 5000):
            time.sleep(0.05)
        seen["workers"] = [child.pid for child in psutil.Process(process.pid).children()]
        process.send_signal(stop)
        seen["at"] = time.monotonic()

    outcome = ctx.run("predict", folder, "-o", out, "-j", "2", "-q", on_start=stop_it)
    found = [p for p in outcome.problems() if not p.startswith("exit code")]
    workers = seen.get("workers", [])
    if not workers:
        found.append("no workers seen")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(running(pid) for pid in workers):
        time.sleep(0.05)
    alive = [pid for pid in workers if running(pid)]
    if alive:
        found.append(f"workers alive 5 s later: {alive}")
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
    if "at" in seen and outcome.ended - seen["at"] > 5:
        found.append("the caller's pipes stayed open after the parent ended")
    return outcome, found


@case
def kill_9_parent_with_two_workers(ctx):
    return _stop_parent(ctx, signal.SIGKILL)


@case
def sigterm_parent_with_two_workers(ctx):
    return _stop_parent(ctx, signal.SIGTERM)


# Tracebacks


CORPORA = {
    "invalid-utf8": corpus_line() + b'{"id": "2", "text": "caf\xe9"}\n',
    "genre-list": corpus_line() + corpus_line(id="2", genre=["a"]),
    "deep-json": corpus_line() + b"[" * 100_000 + b"]" * 100_000 + b"\n",
}


def _corpus_commands(ctx, name, content):
    corpus = ctx.folder(f"corpus-{name}") / "c.jsonl"
    corpus.write_bytes(content)
    found, last = [], None
    for args in (
        ["corpus", "validate", corpus],
        ["corpus", "stats", corpus],
        ["train", "--corpus", corpus, "--out", corpus.with_name("m.skops")],
        ["evaluate", corpus],
    ):
        last = ctx.run(*args)
        found += [f"{args[0]} {args[1]}: {p}" for p in expect_error(last, str(corpus))]
    return last, found


@case
def corpus_invalid_utf8(ctx):
    return _corpus_commands(ctx, "invalid-utf8", CORPORA["invalid-utf8"])


@case
def corpus_genre_is_a_list(ctx):
    return _corpus_commands(ctx, "genre-list", CORPORA["genre-list"])


@case
def corpus_deep_json_line(ctx):
    return _corpus_commands(ctx, "deep-json", CORPORA["deep-json"])


@case
def corpus_unreadable_file(ctx):
    folder = ctx.folder("corpus-fifo")
    (folder / "a.jsonl").write_bytes(corpus_line())
    os.mkfifo(folder / "b.jsonl")
    outcome = ctx.run("corpus", "stats", folder)
    return outcome, expect_error(outcome, "b.jsonl: is a named pipe")


@case
def against_a_json_list(ctx):
    folder = ctx.folder("against")
    (folder / "c.jsonl").write_bytes(corpus_line())
    (folder / "dev.jsonl").write_text("[1, 2, 3]\n")
    outcome = ctx.run("corpus", "validate", folder / "c.jsonl", "--against", folder / "dev.jsonl")
    return outcome, expect_error(outcome, "dev.jsonl:1")


@case
def dask_scheduler_not_a_url(ctx):
    post = posts(ctx.folder("dask"), 1)[0]
    outcome = ctx.run("predict", post, "--dask-scheduler", "not a url")
    if b"Dask is not installed" in outcome.stderr:
        return outcome, outcome.problems()
    return outcome, expect_error(outcome, "--dask-scheduler")


@case
def resume_onto_dev_zero(ctx):
    post = posts(ctx.folder("zero"), 1)[0]
    outcome = ctx.run("predict", post, "-o", "/dev/zero", "--resume")
    return outcome, expect_error(outcome, "not a regular file")


def _linked_to_dev_zero(ctx, which):
    target = model_copy(ctx, f"zero-{which}")
    victim = target if which == "model" else target.with_name("m.card.json")
    victim.unlink()
    victim.symlink_to("/dev/zero")
    post = posts(ctx.folder(f"zero-{which}-post"), 1)[0]
    outcome = ctx.run("predict", post, model=target)
    return outcome, expect_error(outcome, "device file")


@case
def model_card_linked_to_dev_zero(ctx):
    return _linked_to_dev_zero(ctx, "card")


@case
def model_file_linked_to_dev_zero(ctx):
    return _linked_to_dev_zero(ctx, "model")


def _bad_model(ctx, name, change, message):
    target = model_variant(ctx, name, change)
    post = posts(ctx.folder(f"{name}-post"), 1)[0]
    outcome = ctx.run("predict", post, model=target)
    return outcome, expect_error(outcome, message)


@case
def model_ngram_max_1000(ctx):
    return _bad_model(ctx, "ngram-1000", lambda a: a["params"].update(ngram_max=1000), "ngram_max")


@case
def model_ngram_max_a_string(ctx):
    return _bad_model(ctx, "ngram-str", lambda a: a["params"].update(ngram_max="2"), "ngram_max")


@case
def model_terms_2d(ctx):
    import numpy as np

    change = lambda a: a.update(terms=np.stack([a["terms"], a["terms"]]))  # noqa: E731
    return _bad_model(ctx, "terms-2d", change, "terms")


@case
def train_on_punctuation(ctx):
    corpus = ctx.folder("punct") / "c.jsonl"
    corpus.write_bytes(
        b"".join(
            corpus_line(id=str(i), text="!!! ... ???", labels=[], primary="none") for i in range(40)
        )
    )
    outcome = ctx.run("train", "--corpus", corpus, "--out", corpus.with_name("m.skops"))
    return outcome, expect_error(outcome, str(corpus))


@case
def ten_million_tiny_rows(ctx):
    folder = ctx.folder("rows")
    rows = tiny_rows(folder / "rows.jsonl", ctx.n(10_000_000, 10_000))
    out = folder / "out.jsonl"
    outcome = ctx.run("predict", rows, "-o", out, "-q")
    found = outcome.problems()
    written = sum(1 for _ in open(out, "rb")) if out.exists() else 0
    if outcome.stopped and written == 0:
        found.append("nothing was written before it was stopped")
    elif not outcome.stopped and written != ctx.n(10_000_000, 10_000):
        found.append(f"{written} records written")
    return outcome, found


# Memory far beyond the input


def _sparse(ctx, extension, head=b""):
    path = ctx.folder(f"sparse-{extension}") / f"sparse.{extension}"
    with open(path, "wb") as out:
        out.write(head)
        out.truncate(ctx.n(1 << 30, 1 << 20))
    outcome = ctx.run("predict", path, "--max-bytes", ctx.n(20_000_000, 100_000))
    return outcome, expect_error(outcome, str(path))


@case
def sparse_jsonl_1gb(ctx):
    return _sparse(ctx, "jsonl")


@case
def sparse_csv_1gb(ctx):
    return _sparse(ctx, "csv", b'id,text\n1,"')


@case
def sparse_md_1gb(ctx):
    return _sparse(ctx, "md")


@case
def schema_json_of_900_mb(ctx):
    target = model_copy(ctx, "schema")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("schema.json", "w", force_zip64=True) as member:
            for _ in range(ctx.n(900, 2)):
                member.write(b" " * (1 << 20))
    card_file = target.with_name("m.card.json")
    card = json.loads(card_file.read_text())
    card["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    card_file.write_text(json.dumps(card))
    post = posts(ctx.folder("schema-post"), 1)[0]
    outcome = ctx.run("predict", post, model=target)
    return outcome, expect_error(outcome, "m.skops")


@case
def resume_on_a_1_gb_output(ctx):
    folder = ctx.folder("big-output")
    rows = tiny_rows(folder / "rows.jsonl", 10)
    out = folder / "out.jsonl"
    record = {"labels": [], "scores": {"AI": 0.0}, "primary": "none", "model": "m"}
    line = json.dumps({"id": "0", "path": "elsewhere.txt", **record}) + "\n"
    with open(out, "w") as handle:
        block = line * 10_000
        for _ in range(ctx.n(1_100_000_000, 1_000_000) // len(block) + 1):
            handle.write(block)
    size = out.stat().st_size
    outcome = ctx.run("predict", rows, "-o", out, "--resume", "-q")
    found = outcome.problems()
    if outcome.code != 0 or out.stat().st_size <= size:
        found.append("the output was not continued")
    if outcome.peak_mb > 400:
        found.append(f"peak {outcome.peak_mb:.0f} MB: the state was not read as a stream")
    return outcome, found


@case
def validate_4000_copies_of_one_record(ctx):
    corpus = ctx.folder("copies") / "c.jsonl"
    text = "A large language model writes text. " * 30
    corpus.write_bytes(b"".join(corpus_line(id=str(i), text=text) for i in range(ctx.n(4000, 100))))
    outcome = ctx.run("corpus", "validate", corpus)
    found = outcome.problems()
    if outcome.code != 2 or b"same text as 0" not in outcome.stdout:
        found.append("the copies were not reported")
    return outcome, found


@case
def train_with_one_100_mb_record(ctx):
    corpus = ctx.folder("huge-record") / "c.jsonl"
    with open(corpus, "wb") as out:
        out.write(corpus_line(id="a"))
        out.write(b'{"id": "b", "labels": [], "primary": "none", "source": "w", "text": "')
        block = b"word " * 200_000
        for _ in range(ctx.n(100, 2)):
            out.write(block)
        out.write(b'"}\n')
    outcome = ctx.run("train", "--corpus", corpus, "--out", corpus.with_name("m.skops"))
    found = expect_error(outcome, f"{corpus}:2")
    if outcome.peak_mb > 400:
        found.append(f"peak {outcome.peak_mb:.0f} MB before refusing")
    return outcome, found


# Terminal and output injection

ESCAPES = "\x1b]0;pwned\x07\x1b[31m\x9b2J"
CLAIM = "Machine learning is a type of generative AI, as the post says. "


@case
def newline_in_a_name_forges_no_finding(ctx):
    folder = ctx.folder("forge")
    (folder / "a\nforged.txt:1:1:aitag.Fake:owned.txt").write_text(CLAIM)
    (folder / "rows.jsonl").write_text(
        json.dumps({"id": "r\nforged:9:9:aitag.Fake:owned", "text": CLAIM}) + "\n"
    )
    outcome = ctx.run("audit", folder, "--format", "line")
    found = outcome.problems(human=True)
    if any(line.startswith(b"forged") for line in outcome.stdout.splitlines()):
        found.append("a forged finding line")
    return outcome, found


@case
def escape_sequences_reach_no_terminal(ctx):
    folder = ctx.folder("escapes")
    path = folder / f"post{ESCAPES}.txt"
    path.write_text(f"{ESCAPES}{CLAIM}{POST}{ESCAPES}")
    (folder / "rows.jsonl").write_text(json.dumps({"id": ESCAPES, "text": CLAIM + ESCAPES}) + "\n")
    gold = folder / f"gold{ESCAPES}.jsonl"
    gold.write_bytes(corpus_line(text=f"GPT writes {ESCAPES}"))
    found, outcome = [], None
    for args in (
        ["audit", folder, "--format", "table"],
        ["audit", folder, "--format", "line"],
        ["audit", folder, "--format", "html"],
        ["explain", path],
        ["explain", path, "--format", "html"],
        ["evaluate", gold],
        ["predict", folder, "--format", "table"],
    ):
        outcome = ctx.run(*args)
        found += [f"{' '.join(map(str, args[:1] + args[2:]))}: {p}" for p in outcome.problems(True)]
    return outcome, found


# Output others cannot read


@case
def nan_weights_give_strict_json(ctx):
    target = model_variant(ctx, "nan", lambda a: a["coef"].__setitem__((0, 0), float("nan")))
    post = posts(ctx.folder("nan-post"), 1)[0]
    outcome = ctx.run("predict", post, "--format", "jsonl", model=target)
    found = outcome.problems()
    if outcome.code == 0:
        try:
            json.loads(
                outcome.stdout, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c))
            )
        except ValueError:
            found.append("output is not strict JSON")
    return outcome, found


@case
def csv_formula_cells(ctx):
    rows = ctx.folder("formula") / "rows.jsonl"
    rows.write_text(json.dumps({"id": '=HYPERLINK("http://evil","x")', "text": "GPT"}) + "\n")
    outcome = ctx.run("predict", rows, "--format", "csv")
    found = outcome.problems()
    if b"\n=HYPERLINK" in outcome.stdout or b'\n"=HYPERLINK' in outcome.stdout:
        found.append("a formula cell left as it was")
    return outcome, found


@case
def jobs_1000(ctx):
    folder = ctx.folder("jobs")
    posts(folder, 2000)
    seen: dict = {"most": 0}

    def count(process):
        while process.poll() is None:
            try:
                seen["most"] = max(seen["most"], len(psutil.Process(process.pid).children()))
            except psutil.Error:
                pass
            time.sleep(0.02)

    outcome = ctx.run("predict", folder, "--jobs", "1000", "-q", on_start=count)
    found = outcome.problems()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if seen["most"] > cores:
        found.append(f"{seen['most']} workers on {cores} cores")
    return outcome, found


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=os.environ.get("AITAG_MODEL"))
    parser.add_argument("--scale", type=float, default=1.0, help="size of the large inputs")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds a case may take")
    parser.add_argument("--memory-mb", type=float, default=4096.0, help="RSS a case may use")
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="cases to run")
    parser.add_argument("--work", type=Path, help="folder for the hostile files (kept)")
    parser.add_argument("--json", action="store_true", help="one JSON line per case")
    parser.add_argument(
        "--src", type=Path, default=ROOT / "src", help="the aitag sources to attack (before/after)"
    )
    args = parser.parse_args()
    model = args.model or _default_model()
    work = args.work or Path(tempfile.mkdtemp(prefix="aitag-attack-"))
    ctx = Context(
        Path(model).resolve(), work, args.scale, args.limit, args.memory_mb, args.src.resolve()
    )
    missed = 0
    if not args.json:
        print(f"{'case':<46} {'exit':>4} {'seconds':>8} {'peak MB':>8}  result")
    for name in args.only or CASES:
        try:
            outcome, found = CASES[name](ctx)
        except Exception as error:  # noqa: BLE001 - the harness itself failed on this case
            outcome, found = Outcome(None, 0, 0, b"", b""), [f"harness: {error!r}"]
        missed += bool(found)
        result = "; ".join(found) or "ok"
        if args.json:
            row = {"case": name, "exit": outcome.code, "seconds": round(outcome.seconds, 2)}
            print(json.dumps({**row, "peak_mb": round(outcome.peak_mb), "result": result}))
        else:
            print(
                f"{name:<46} {outcome.code!s:>4} {outcome.seconds:>8.1f} "
                f"{outcome.peak_mb:>8.0f}  {result}",
                flush=True,
            )
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return missed


def _default_model() -> Path:
    sys.path.insert(0, str(ROOT / "src"))
    from aitag.persist import default_model_path

    return default_model_path()


if __name__ == "__main__":
    sys.exit(main())
