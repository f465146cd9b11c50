"""Odd files, hostile input, kills and huge documents: aitag gives a result or one line.

Every input gives a record or a one-line error naming it; nothing ends in a traceback, nothing
hangs, the rest of the batch goes on, and an interrupted run loses nothing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aitag.cli import main
from aitag.errors import InputError
from aitag.persist import card_path, load_model
from aitag.readers import FORMATS, Document, read_documents
from aitag.readers.html import read_html_blocks

EXTENSIONS = [".txt", ".md", ".html", ".json", ".jsonl", ".csv", ".xhtml"]
BOUNDED = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: Every kind of character: controls, NUL, right-to-left marks, emoji, lone surrogates.
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=400)
ODD_TEXT = st.lists(
    st.sampled_from(
        ["\x00", "\u202e", "\u200f", "\u2028", "\x85", "\x0c", "\ud800", "\udfff", "🤖", "עברית",
         "LLM", "GPT-4 writes", " ", "\n", "\r\n", "<p>", "</div>", "{", '"', ",", "&amp;", "é"]
    ),
    max_size=60,
).map("".join)  # fmt: skip


def check_items(items: list, name: str) -> None:
    """Each item is a document or a one-line error that names the file."""
    for item in items:
        if isinstance(item, InputError):
            assert "\n" not in str(item) and str(item).startswith(name), str(item)
        else:
            assert isinstance(item, Document)  # with no passages when it has no prose


def check_output(result) -> None:
    """A CLI run ended in 0/1/2 with one-line errors and no traceback."""
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    for line in result.stderr.splitlines():
        assert line.startswith("aitag: "), line


# ---------------------------------------------------------------- readers, by property


@BOUNDED
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTENSIONS), fmt=st.sampled_from(FORMATS))
def test_any_bytes_give_documents_or_one_line_errors(tmp_path, data, ext, fmt):
    path = tmp_path / f"any{ext}"
    path.write_bytes(data)
    check_items(list(read_documents([str(path)], input_format=fmt)), str(path))


@BOUNDED
@given(
    text=st.one_of(ANY_TEXT, ODD_TEXT),
    ext=st.sampled_from(EXTENSIONS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1"]),
)
def test_any_text_in_any_encoding(tmp_path, text, ext, encoding):
    path = tmp_path / f"text{ext}"
    path.write_bytes(text.encode(encoding, "surrogatepass" if "8" in encoding else "replace"))
    check_items(list(read_documents([str(path)])), str(path))


@BOUNDED
@given(rows=st.lists(st.one_of(ANY_TEXT, ODD_TEXT), max_size=5), ascii=st.booleans())
def test_jsonl_and_csv_rows_of_any_text(tmp_path, rows, ascii):
    import csv

    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"id": i, "text": t}, ensure_ascii=ascii) + "\n" for i, t in enumerate(rows)
        )
        + "{broken\n[1, 2]\n",
        encoding="utf-8",
        errors="surrogatepass",
    )
    with open(tmp_path / "rows.csv", "w", newline="", encoding="utf-8", errors="replace") as f:
        # Python 3.10's csv writer cannot write NUL without an escape character.
        writer = csv.writer(f, escapechar="\\" if sys.version_info < (3, 11) else None)
        writer.writerow(["id", "text"])
        writer.writerows(enumerate(rows))
        f.write('3,"unterminated\n')
    for path in (jsonl, tmp_path / "rows.csv"):
        items = list(read_documents([str(path)]))
        check_items(items, str(path))
        for item in items:
            if isinstance(item, Document):
                item.text.encode("utf-8")  # no lone surrogates reach the model or output


# ---------------------------------------------------------------- predict and audit, by property


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.one_of(ANY_TEXT, ODD_TEXT), min_size=1, max_size=4),
    names=st.lists(
        st.text(st.characters(exclude_characters="/\x00", codec="utf-8"), min_size=1, max_size=12),
        min_size=4,
        max_size=4,
        unique=True,
    ),
    ext=st.sampled_from(EXTENSIONS),
)
def test_predict_and_audit_any_files(run, tmp_path_factory, texts, names, ext):
    folder = tmp_path_factory.mktemp("batch")
    paths = []
    for text, name in zip(texts, names):
        path = folder / (name.replace(".", "_") + ext)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        paths.append(path)
    good = folder / "zz-good.txt"
    good.write_text("A large language model writes text from a prompt.")
    for args in (
        ["predict", *paths, good, "--format", "jsonl", "--passages", "-j", "1"],
        ["predict", folder, "--format", "csv"],
        ["predict", folder, "--format", "table"],
        ["audit", *paths, good, "--format", "json"],
        ["audit", folder, "--format", "line"],
    ):
        result = run(*args)
        check_output(result)
        if "jsonl" in args:
            records = [json.loads(line) for line in result.stdout.splitlines()]
            assert records[-1]["path"] == str(good)  # the batch went on to the end


# ---------------------------------------------------------------- odd files, one by one


def odd_files(folder: Path) -> dict[str, Path]:
    """Named odd inputs; each must give a record or one line naming it."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": ("empty.txt", b""),
        "whitespace": ("blank.md", b"  \n\t\n\r\n   "),
        "nul": ("nul.txt", b"GPT\x00writes\x00" * 50),
        "controls": ("controls.txt", b"LLM \x01\x02\x1b[31m red \x7f text"),
        "rtl-emoji": ("rtl.txt", "\u202eGPT\u202c 🤖 مدل زبانی بزرگ 🧠".encode()),
        "utf16-le": ("utf16le.txt", "A language model writes text.".encode("utf-16-le")),
        "utf16-be": ("utf16be.md", "# Prompts\n\nGPT writes code.".encode("utf-16-be")),
        "latin1": ("latin1.txt", "Le modèle génère des images à partir de texte. Café.".encode("latin-1")),
        "bad-json": ("post.json", b'{"title": {"rendered": "x"}, "content": '),
        "wp-not-dict": ("list.json", b'[{"rendered": 1}]'),
        "deep-json": ("deep.json", b'{"content": {"rendered": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"),
        "bad-jsonl": ("rows.jsonl", b'{"text": "GPT writes."}\n{"text": \n[1]\n"str"\n{"id": 3}\n' + b"[" * 100_000 + b"\n"),
        "line-separator-jsonl": ("ls.jsonl", '{"text": "GPT\u2028writes\x85code"}\n'.encode()),
        "surrogate-jsonl": ("sur.jsonl", b'{"id": "\\udc80", "text": "GPT \\ud800 writes"}\n'),
        "bad-csv": ("rows.csv", b'id,text\n1,"GPT writes\n2,"unterminated'),
        "csv-no-text": ("notext.csv", b"id,body\n1,GPT\n"),
        "csv-huge-cell": ("huge.csv", b'id,text\n1,"' + b"GPT writes code. " * 20_000 + b'"\n'),
        "csv-nul": ("nul.csv", b"id,text\n1,GPT\x00 writes\n"),
        "html-deep": ("deep.html", b"<div>" * 10_000 + b"<p>GPT writes</p>" + b"</div>" * 10_000),
        "html-deep-skipped": ("svg.html", b"<p>x</p>" + b"<svg>" * 10_000 + b"</svg>" * 10_000),
        "html-unclosed": ("unclosed.html", b"<p>GPT</p>" + b"<a" * 200_000),
        "html-comments": ("comments.html", b"<p>GPT</p>" + b"<!--x>" * 100_000),
        "html-endtags": ("ends.html", b"<p>GPT</p>" + b"</" * 200_000),
        "html-bogus": ("bogus.html", b"<p>GPT</p>" + b"<?x" * 100_000 + b"<![CDATA[" * 20_000),
        "html-ld-json": ("ld.html", b'<script type="application/ld+json">' + b"[" * 50_000 + b"</script><p>GPT</p>"),
        "space name": ("a name with spaces.txt", b"GPT writes."),
        "newline name": ("new\nline.txt", b""),
        "undecodable name": (os.fsdecode(b"caf\xe9.txt"), b"GPT writes."),
    }  # fmt: skip
    paths = {}
    for key, (name, data) in files.items():
        paths[key] = folder / name
        paths[key].write_bytes(data)
    os.mkfifo(folder / "fifo.txt")
    paths["fifo"] = folder / "fifo.txt"
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    paths["symlink-loop"] = folder / "loop.txt"
    (folder / "broken.md").symlink_to(folder / "nowhere.md")
    paths["broken-link"] = folder / "broken.md"
    (folder / "dir.txt").mkdir()
    paths["directory"] = folder / "dir.txt"
    paths["device"] = Path("/dev/null")
    paths["zero-device"] = Path("/dev/zero")
    return paths


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    return odd_files(tmp_path_factory.mktemp("odd") / "files")


@pytest.mark.parametrize(
    "key",
    [
        "empty", "whitespace", "nul", "controls", "rtl-emoji", "utf16-le", "utf16-be", "latin1",
        "bad-json", "wp-not-dict", "deep-json", "bad-jsonl", "line-separator-jsonl",
        "surrogate-jsonl", "bad-csv", "csv-no-text", "csv-huge-cell", "csv-nul", "html-deep",
        "html-deep-skipped", "html-unclosed", "html-comments", "html-endtags", "html-bogus",
        "html-ld-json", "space name", "newline name", "undecodable name", "fifo", "symlink-loop",
        "broken-link", "directory", "device", "zero-device",
    ],
)  # fmt: skip
def test_each_odd_file_gives_a_result_or_one_line_and_the_batch_goes_on(run, odd, key, tmp_path):
    before, after = tmp_path / "a-before.txt", tmp_path / "z-after.txt"
    before.write_text("Diffusion models generate images from text prompts.")
    after.write_text("A large language model writes text from a prompt.")
    started = time.monotonic()
    for command in ("predict", "audit"):
        fmt = "jsonl" if command == "predict" else "json"
        result = run(command, before, odd[key], after, "--format", fmt)
        check_output(result)
        if command == "predict":
            paths = [json.loads(line)["path"] for line in result.stdout.splitlines()]
            assert paths[0] == str(before) and paths[-1] == str(after)
        else:
            json.loads(result.stdout)  # Vale's shape: only files with findings appear
        if result.exit_code == 2:
            errors = [line for line in result.stderr.splitlines() if "skipped" in line]
            assert errors and all(repr(str(odd[key]))[1:-1] in line for line in errors)
    assert time.monotonic() - started < 20


def test_expected_messages_for_odd_files(odd):
    def message(key):
        items = list(read_documents([str(odd[key])]))
        return " | ".join(str(item) for item in items if isinstance(item, InputError))

    assert message("empty") == "" and message("whitespace") == ""  # no prose: a warning later
    assert "binary" in message("nul")
    assert "named pipe" in message("fifo")
    assert "symbolic link loop" in message("symlink-loop")
    assert "broken symbolic link" in message("broken-link")
    assert "device file" in message("device") and "device file" in message("zero-device")
    assert "nested too deeply" in message("bad-jsonl")
    # A .json that is no WordPress post is an error naming it, never tagged as plain text.
    assert "nested too deeply" in message("deep-json")
    assert "is not valid JSON" in message("bad-json")
    assert "is not a WordPress post" in message("wp-not-dict")
    assert message("newline name") == ""
    assert "no 'text' column" in message("csv-no-text")
    for key in ("utf16-le", "utf16-be", "latin1", "line-separator-jsonl", "surrogate-jsonl"):
        assert message(key) == "", key
    (latin,) = read_documents([str(odd["latin1"])])
    assert "modèle génère" in latin.text
    (row,) = read_documents([str(odd["line-separator-jsonl"])])
    assert row.text == "GPT\u2028writes\x85code"
    (huge,) = read_documents([str(odd["csv-huge-cell"])])
    assert len(huge.text) > 300_000


def test_pathological_html_is_read_fast_and_as_text():
    started = time.monotonic()
    blocks = read_html_blocks("<p>GPT writes</p>" + "<a" * 200_000, "x.html")
    assert time.monotonic() - started < 5
    assert blocks[0].text.text == "GPT writes" and blocks[-1].text.text.startswith("<a<a")
    deep = "<div>" * 10_000 + "<p>LLM</p>" + "</div>" * 10_000
    started = time.monotonic()
    assert [b.text.text for b in read_html_blocks(deep)] == ["LLM"]
    assert time.monotonic() - started < 5
    # Ordinary markup is read as before: a '<' inside a script or a closed tag stays put.
    page = '<p>a &lt; b</p><script>if (a < b) {}</script><p title="x">LLM <b>text</b></p>'
    assert [b.text.text for b in read_html_blocks(page)] == ["a < b", "LLM text"]


def test_unreadable_file_and_directory_are_reported_and_the_batch_goes_on(
    run, tmp_path, monkeypatch
):
    good = tmp_path / "good.txt"
    good.write_text("GPT writes code.")
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    folder = tmp_path / "folder"
    (folder / "closed").mkdir(parents=True)
    (folder / "closed" / "a.txt").write_text("GPT")
    real_open, real_scandir = os.open, os.scandir

    def refusing_open(path, *args, **kwargs):
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def refusing_scandir(path="."):
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    # Root reads every file, so permissions are refused the way the system would.
    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.setattr(os, "scandir", refusing_scandir)
    items = list(read_documents([str(locked), str(folder), str(good)]))
    errors = [str(item) for item in items if isinstance(item, InputError)]
    assert any("locked.txt: cannot read (Permission denied)" in e for e in errors)
    assert any("closed: cannot list this directory (Permission denied)" in e for e in errors)
    assert isinstance(items[-1], Document) and items[-1].path == str(good)


# ---------------------------------------------------------------- output that cannot be written


def test_output_errors_are_one_line(run, tmp_path):
    post = tmp_path / "post.txt"
    post.write_text("GPT writes code.")
    blocker = tmp_path / "file"
    blocker.write_text("")
    for target in (blocker / "out.jsonl", blocker / "out.csv"):
        result = run("predict", post, "-o", target, "--format", target.suffix[1:])
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert result.output.strip().count("\n") == 0 and str(blocker) in result.output
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage\n")
    result = run("predict", post, "-o", binary, "--resume")
    assert result.exit_code == 2 and "--resume needs the file it wrote" in result.output
    assert result.output.strip().count("\n") == 0


def test_undecodable_file_name_round_trips_through_output_and_resume(run, tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    name = folder / os.fsdecode(b"caf\xe9.txt")
    name.write_text("GPT writes code.")
    (folder / "plain.txt").write_text("Roast carrots.")
    out = tmp_path / "out.jsonl"
    result = run("predict", folder, "-o", out)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records[0]["path"] == str(name)
    for fmt in ("csv", "table"):
        assert run("predict", folder, "--format", fmt).exit_code == 0
    again = run("predict", folder, "-o", out, "--resume")
    assert again.exit_code == 0 and "2 already done" in again.stderr
    assert len(out.read_text().splitlines()) == 2


# ---------------------------------------------------------------- size limits and memory


def word_dump(path: Path, size: int) -> None:
    """One line of words and no sentence end: the worst case for the passage splitter."""
    chunk = ("model prompt data image learning the language of a cat " * 20).encode()
    with open(path, "wb") as handle:
        for _ in range(size // len(chunk)):
            handle.write(chunk)


def test_default_size_limit_refuses_with_a_clear_message(run, tmp_path):
    big = tmp_path / "big.txt"
    word_dump(big, 21_000_000)
    result = run("predict", big, "--format", "jsonl")
    assert result.exit_code == 2
    assert f"{big}: larger than the 20,000,000-byte limit" in result.stderr
    assert "--max-bytes" in result.stderr
    small = run("predict", "-", "--max-bytes", "10", input="GPT writes code and more.")
    assert small.exit_code == 2 and "<stdin>: larger than the 10-byte limit" in small.stderr
    assert run("audit", big).exit_code == 2


# The process's own peak (kB): VmHWM where there is /proc, since ru_maxrss also counts the
# memory of the (large) test process that started it.
PEAK = (
    "import os, re, resource, sys\n"
    "status = '/proc/self/status'\n"
    "own = os.path.exists(status) and re.search(r'VmHWM:\\s+(\\d+)', open(status).read())\n"
    "print(own.group(1) if own else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " file=sys.stderr)"
)


def peak_run(code: str, *args, model_path=None, timeout=120):
    """Run Python code in a fresh process; return (result, seconds, peak RSS in MB)."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code + "\n" + PEAK, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "AITAG_MODEL": str(model_path or "")},
    )
    peak_mb = int(result.stderr.split()[-1]) / 1024 if result.stderr.split() else 0.0
    return result, time.monotonic() - started, peak_mb


def test_a_50_mb_single_line_document_in_bounded_time_and_memory(tmp_path, model_path):
    big = tmp_path / "big.txt"
    word_dump(big, 50_000_000)
    read, seconds, peak_mb = peak_run(
        "import sys\nfrom aitag.readers import read_documents\n"
        "(doc,) = read_documents([sys.argv[1]], max_bytes=60_000_000)\n"
        "print(len(doc.passages))",
        big,
    )
    assert read.returncode == 0, read.stderr
    # Reading and cutting into passages: a few copies of the text, no list of words (a
    # list of its 9 million words alone took 600 MB).
    assert int(read.stdout) > 30_000 and peak_mb < 600 and seconds < 30, (peak_mb, seconds)
    code = (
        "import sys\nfrom aitag.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    assert not exit.code"
    )
    tagged, seconds, peak_mb = peak_run(
        code, "predict", big, "--max-bytes", "60000000", "-q", model_path=model_path
    )
    assert tagged.returncode == 0, tagged.stderr
    assert json.loads(tagged.stdout)["path"] == str(big)
    # Passages are scored 4,096 at a time, so scoring adds little to reading.
    assert peak_mb < 700 and seconds < 60, (peak_mb, seconds)


# ---------------------------------------------------------------- interrupted work


def aitag_process(*args, model_path=None):
    env = {**os.environ, **({"AITAG_MODEL": str(model_path)} if model_path else {})}
    return subprocess.Popen(
        [sys.executable, "-m", "aitag", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
    )


def small_corpus(path: Path, n: int = 400) -> Path:
    from aitag.corpus import load_records

    records = load_records(CORPUS)[:n]
    path.write_text("".join(json.dumps(r.to_json()) + "\n" for r in records))
    return path


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_sigkill_during_train_leaves_the_previous_model_intact(model_path, tmp_path, delay):
    out = tmp_path / "m.skops"
    shutil.copy(model_path, out)
    shutil.copy(card_path(model_path), card_path(out))
    before = out.read_bytes()
    process = aitag_process(
        "train", "--corpus", small_corpus(tmp_path / "c.jsonl"), "--out", out, "--folds", "2"
    )
    time.sleep(delay)
    process.kill()
    process.wait(timeout=30)
    model, card = load_model(out)  # whichever model is there, it is whole and matches
    assert out.read_bytes() == before or card["corpus"]["records"] == 400
    assert model.passages.coef.shape[0] == 4


def test_a_save_killed_between_its_two_renames_leaves_a_loadable_model(
    model_path, tmp_path, monkeypatch
):
    from aitag import persist

    model, _ = load_model(model_path)
    out = tmp_path / "m.skops"
    persist.save_model(model, out, {"round": 1})
    real_replace, calls = os.replace, []

    def dies_after(n):
        def replace(source, target):
            calls.append(target)
            if len(calls) > n:
                raise KeyboardInterrupt  # the process dies here
            real_replace(source, target)

        return replace

    for renames_done in range(3):
        calls.clear()
        monkeypatch.setattr(os, "replace", dies_after(renames_done))
        with pytest.raises(KeyboardInterrupt):
            persist.save_model(model, out, {"round": 2 + renames_done, "pad": "x" * renames_done})
        monkeypatch.setattr(os, "replace", real_replace)
        _, card = load_model(out)
        assert card["round"] in (1, 2 + renames_done)


@pytest.mark.parametrize(
    ("stop", "jobs"),
    [(signal.SIGKILL, "1"), (signal.SIGINT, "2")],
    ids=["killed, one process", "ctrl-c, two workers"],
)
def test_a_stopped_predict_output_then_resume_loses_and_repeats_nothing(
    model_path, tmp_path, stop, jobs
):
    folder = tmp_path / "posts"
    folder.mkdir()
    topics = [
        "Diffusion models generate images from text prompts.",
        "A language model answers questions from a prompt.",
        "We trained a classifier on labelled transactions to flag fraud.",
        "Roast the carrots with thyme and honey.",
    ]
    for i in range(3000):
        (folder / f"post-{i:05d}.txt").write_text(f"Post {i} héllo.\n\n{topics[i % 4]} 🤖")
    full = tmp_path / "full.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "aitag", "predict", folder, "-o", full, "-j", "1", "-q"],
        env={**os.environ, "AITAG_MODEL": str(model_path)},
        timeout=120,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    expected = full.read_text(encoding="utf-8").splitlines()
    out = tmp_path / "out.jsonl"
    process = aitag_process("predict", folder, "-o", out, "-j", jobs, "-q", model_path=model_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 20_000):
        time.sleep(0.01)
    os.killpg(process.pid, stop)  # the whole group, workers too, as Ctrl-C in a terminal
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0
    if stop == signal.SIGINT:
        # A short message, not a traceback per worker, and no worker left running.
        assert b"Traceback" not in stderr, stderr.decode()
        with pytest.raises(ProcessLookupError):
            os.killpg(process.pid, 0)
    written = out.read_bytes()
    assert 0 < written.count(b"\n") < len(expected), "the run was not interrupted mid-way"
    whole = written[: written.rfind(b"\n") + 1].decode("utf-8").splitlines()
    assert whole == expected[: len(whole)]  # whole lines are valid records, in order
    result = subprocess.run(
        [sys.executable, "-m", "aitag", "predict", folder, "-o", out, "--resume", "-j", "1"],
        env={**os.environ, "AITAG_MODEL": str(model_path)},
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines() == expected
    assert f"{len(whole)} already done" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        '{"id": "1", "text": "x", "labels": ["Robots"], "primary": "none", "source": "w"}\n',
        "not json\n",
        "",
    ],
)
def test_train_and_corpus_commands_refuse_a_bad_corpus_in_one_line(tmp_path, content):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text(content)
    for args in (
        ["train", "--corpus", str(corpus), "--out", str(tmp_path / "m.skops")],
        ["corpus", "stats", str(corpus)],
        ["evaluate", str(corpus)],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "m.skops").exists()


# ---------------------------------------------------------------- CSV read strictly


def csv_items(data: str, max_bytes: int = 10**9) -> list:
    from aitag.readers.rows import read_csv

    stream = io.StringIO(data, newline="")
    return [
        str(item) if isinstance(item, InputError) else (item.id, item.text)
        for item in read_csv(stream, "r.csv", "text", "id", max_bytes)
    ]


def test_csv_quote_never_closed_is_an_error_and_the_rows_after_it_are_read():
    items = csv_items('id,text\n1,"GPT writes\n2,LLM text\n3,more text\n')
    assert "r.csv:row 1: opens a quote at line 2 that is never closed" in items[0]
    assert items[1:] == [("2", "LLM text"), ("3", "more text")]
    # Text after a closing quote is an error too; the next row is read.
    items = csv_items('id,text\n1,ok\n2,"bad"x\n3,fine\n')
    assert items[0] == ("1", "ok") and "r.csv:row 2: breaks CSV quoting" in items[1]
    assert items[2] == ("3", "fine")


def test_csv_row_over_the_limit_is_an_error_and_the_next_row_is_read(tmp_path):
    assert csv_items('id,text\n1,"multi\nline"\n2,two\n') == [("1", "multi\nline"), ("2", "two")]
    for big in ("x" * 500, '"' + "x\n" * 200 + '"'):  # one long line, or many lines in quotes
        items = csv_items(f"id,text\n1,{big}\n2,next row\n", max_bytes=100)
        assert items == [
            "r.csv:row 1: is longer than the 100-byte limit; raise --max-bytes",
            ("2", "next row"),
        ]
    # Read from a file as a stream, the same.
    path = tmp_path / "rows.csv"
    path.write_text('id,text\n1,"' + "GPT writes code. " * 1000 + '"\n2,LLM text\n')
    items = list(read_documents([str(path)], max_bytes=5000))
    assert "rows.csv:row 1: is longer than the 5,000-byte limit" in str(items[0])
    assert items[1].text == "LLM text"
