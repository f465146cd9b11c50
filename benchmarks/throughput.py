"""Throughput, memory and cold start: aitag against fastText's Python API, side by side.

Two archives, each timed in one run: N synthetic posts of about 800 words built from
corpus sentences, and a real archive, the dev documents (Markdown and MDX, read at run
time from ``--archive``, by default ``../shared/eval/docs/files``, never stored here)
copied over and over up to ``--archive-mb`` megabytes. On each: ``aitag predict DIR -o
out.jsonl`` (reading, scoring, writing JSON Lines), aitag's reading alone, and a fastText
script doing the same work with a model trained on the same corpus split (the same record
per document, flushed per record, with every tag's probability); peak RSS is the sum over
each process tree. Also the cold times of ``aitag --help`` and ``aitag predict one.txt``
(median of 5). Each system runs ``--repeat`` times, in rounds over all of them; the table
gives the median time.

    python benchmarks/throughput.py [--sizes 10000 50000] [--archive-mb 100] [--jobs 2] [--repeat 3]

``--jsonl-mb 80`` times one JSON Lines archive instead (the real documents, a row each,
repeated up to that size): ``aitag predict archive.jsonl`` with one process and with
``--jobs``; ``--before DIR`` times the aitag of another source tree (``DIR/src``, e.g. a
``git archive`` of an older commit) on the same file in the same rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]

FASTTEXT_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    import fasttext
    LABELS = ("AI", "ML", "LLM", "GenAI")
    model = fasttext.load_model(sys.argv[1])
    with open(sys.argv[3], "w") as out:
        for root, _, files in os.walk(sys.argv[2]):
            for name in sorted(files):
                path = os.path.join(root, name)
                text = open(path, encoding="utf-8").read()
                # fastText's usual input: lower-cased, one line (its own C++ splits words);
                # every tag's probability, for the same record aitag writes.
                pairs = model.f.predict(text.lower().replace("\\n", " ") + "\\n", -1, 0.0, "strict")
                found = {n.replace("__label__", ""): p for p, n in pairs}
                scores = {label: round(found.get(label, 0.0), 4) for label in LABELS}
                labels = [label for label in LABELS if scores[label] >= 0.5]
                record = {
                    "id": path, "path": path, "labels": labels, "scores": scores,
                    "primary": max(labels, key=scores.get) if labels else "none",
                    "model": "fasttext",
                }
                out.write(json.dumps(record) + "\\n")
                out.flush()
    """
)


def build_posts(folder: Path, count: int, seed: int = 0) -> int:
    from aitag.corpus import load_records

    sentences = [
        s for r in load_records(ROOT / "corpus") for s in r.text.split(". ") if len(s) > 20
    ]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for i in range(count):
        paragraphs, words = [], 0
        while words < 800:
            paragraph = ". ".join(rng.choice(sentences) for _ in range(rng.randint(3, 7))) + "."
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        text = "\n\n".join(paragraphs)
        (folder / f"post-{i:06d}.txt").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    return size


def measure(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, summed over the process tree) of a command."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{command[:3]} failed: {process.stderr.read().decode()[-500:]}")
    return elapsed, peak / 1e6


def train_fasttext(path: Path, word_ngrams: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from quality import fasttext_model

    from aitag.corpus import load_records, split_records

    train, _ = split_records(load_records(ROOT / "corpus"))
    fasttext_model(train, word_ngrams=word_ngrams).save_model(str(path))


def cold(command: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


READ_ONLY_SCRIPT = textwrap.dedent(
    """
    import sys
    from aitag.readers import read_documents
    for document in read_documents([sys.argv[1]]):
        pass
    """
)


def build_archive(folder: Path, source: Path, megabytes: float) -> tuple[int, float]:
    """Copies of the documents under ``source``, numbered, until they reach ``megabytes``."""
    files = sorted(path for path in source.rglob("*") if path.is_file())
    if not files:
        raise SystemExit(f"no documents under {source}")
    folder.mkdir(parents=True, exist_ok=True)
    count = size = 0
    while size < megabytes * 1e6:
        for path in files:
            shutil.copyfile(path, folder / f"{count:06d}-{path.name}")
            count += 1
            size += path.stat().st_size
    return count, size / 1e6


def time_systems(
    folder: Path, count: int, megabytes: float, aitag: str, fasttext_models: dict, args
) -> None:
    """Time every system on the documents in ``folder``, in rounds; print one row each."""
    work = folder.parent
    systems = {
        f"aitag predict -j{args.jobs}": [
            aitag, "predict", str(folder), "-o", str(work / "a.jsonl"), "-q", "-j", str(args.jobs)
        ],
        "aitag predict -j1": [
            aitag, "predict", str(folder), "-o", str(work / "b.jsonl"), "-q", "-j", "1"
        ],
        "aitag reading only": [sys.executable, "-c", READ_ONLY_SCRIPT, str(folder)],
    }  # fmt: skip
    fasttext_cli = shutil.which("fasttext")
    lines = work / "lines.txt"
    if fasttext_cli:
        # The CLI reads one document per line: give it that file ready-made (not timed).
        with open(lines, "w", encoding="utf-8") as out:
            for path in sorted(folder.iterdir()):
                text = path.read_text(encoding="utf-8")
                out.write(text.lower().replace("\n", " ") + "\n")
    for word_ngrams, model_bin in fasttext_models.items():
        systems[f"fastText API, wordNgrams={word_ngrams}"] = [
            sys.executable, "-c", FASTTEXT_SCRIPT, str(model_bin), str(folder), str(work / "f.jsonl"),
        ]  # fmt: skip
        if fasttext_cli:
            output = work / "c.txt"
            systems[f"fastText CLI, wordNgrams={word_ngrams}"] = [
                "sh", "-c", f"{fasttext_cli} predict-prob {model_bin} {lines} -1 0.5 > {output}"
            ]  # fmt: skip
    # Rounds over every system in turn, so a slow spell of a shared machine falls on all
    # of them alike; each row is the median of its runs (peak: the largest).
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in systems}
    for _ in range(args.repeat):
        for name, command in systems.items():
            runs[name].append(measure(command))
    for name, measured in runs.items():
        seconds = statistics.median(elapsed for elapsed, _ in measured)
        peak = max(peak for _, peak in measured)
        print(
            f"{name:<30}{count:>8}{megabytes:>8.0f}{seconds:>9.2f}{count / seconds:>9.0f}{megabytes / seconds:>7.1f}{peak:>9.0f}",
            flush=True,
        )


def build_jsonl(path: Path, source: Path, megabytes: float) -> tuple[int, float]:
    """The documents under ``source`` as rows of one JSON Lines file, repeated up to ``megabytes``."""
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(source.rglob("*"))
        if p.is_file()
    ]
    if not texts:
        raise SystemExit(f"no documents under {source}")
    count = size = 0
    with open(path, "w", encoding="utf-8") as out:
        while size < megabytes * 1e6:
            for text in texts:
                line = json.dumps({"id": str(count), "text": text}, ensure_ascii=False) + "\n"
                out.write(line)
                count += 1
                size += len(line.encode("utf-8"))
    return count, size / 1e6


def time_jsonl(args, work: Path) -> None:
    """``aitag predict`` on one JSON Lines archive, one process against ``--jobs``, this
    tree against ``--before``'s; the median of ``--repeat`` rounds."""
    archive = work / "archive.jsonl"
    count, megabytes = build_jsonl(archive, args.archive, args.jsonl_mb)
    model = os.environ.get("AITAG_MODEL") or str(ROOT / "models" / "aitag-default.skops")
    trees = {"after": ROOT / "src"}
    if args.before:
        trees = {"before": args.before / "src", **trees}
    systems = {}
    for tree, src in trees.items():
        env = {**os.environ, "AITAG_MODEL": model, "PYTHONPATH": str(src)}
        for jobs in sorted({1, args.jobs}):
            out = work / f"{tree}-{jobs}.jsonl"
            command = [sys.executable, "-m", "aitag", "predict", str(archive), "-o", str(out)]
            systems[f"{tree} -j{jobs}"] = (command + ["-q", "-j", str(jobs)], env)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in systems}
    for _ in range(args.repeat):
        for name, (command, env) in systems.items():
            runs[name].append(measure(command, env))
    print(f"\nJSON Lines archive: {count} rows, {megabytes:.0f} MB ({args.archive} repeated)")
    print(f"{'aitag predict':<16}{'seconds':>9}{'runs':>24}{'MB/s':>7}{'peak MB':>9}")
    for name, measured in runs.items():
        seconds = statistics.median(elapsed for elapsed, _ in measured)
        each = " ".join(f"{elapsed:.2f}" for elapsed, _ in measured)
        peak = max(peak for _, peak in measured)
        print(f"{name:<16}{seconds:>9.2f}{each:>24}{megabytes / seconds:>7.1f}{peak:>9.0f}")
    outputs = {(work / f"{name.replace(' -j', '-')}.jsonl").read_bytes() for name in systems}
    print("outputs identical:", len(outputs) == 1, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 50_000])
    parser.add_argument(
        "--archive",
        type=Path,
        default=ROOT.parent / "shared" / "eval" / "docs" / "files",
        help="real documents, copied over and over into the real archive",
    )
    parser.add_argument("--archive-mb", type=float, default=100, help="0: no real archive")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--repeat", type=int, default=3, help="runs per system (median)")
    parser.add_argument(
        "--jsonl-mb", type=float, default=0, help="time one JSON Lines archive this large, only"
    )
    parser.add_argument("--before", type=Path, help="with --jsonl-mb: another tree to time too")
    args = parser.parse_args()
    aitag = shutil.which("aitag") or str(Path(sys.executable).with_name("aitag"))
    work = Path(tempfile.mkdtemp(prefix="aitag-bench-"))
    try:
        if args.jsonl_mb > 0:
            time_jsonl(args, work)
            return
        # fastText's speed depends on its settings: word pairs (the setting that matches
        # its best quality here, in benchmarks/quality.py) hash into a 2M-row table and
        # run several times slower than its default of words alone. Both are timed.
        fasttext_models = {}
        for word_ngrams in (1, 2):
            fasttext_models[word_ngrams] = work / f"fasttext-{word_ngrams}.bin"
            train_fasttext(fasttext_models[word_ngrams], word_ngrams)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        header = f"{'system':<30}{'docs':>8}{'MB':>8}{'seconds':>9}{'docs/s':>9}{'MB/s':>7}{'peak MB':>9}"
        for size in args.sizes:
            posts = work / "posts" / "files"
            megabytes = build_posts(posts, size) / 1e6
            print(f"\nsynthetic posts of ~800 words\n{header}")
            time_systems(posts, size, megabytes, aitag, fasttext_models, args)
            shutil.rmtree(posts.parent)
        if args.archive_mb > 0:
            if args.archive.is_dir():
                archive = work / "archive" / "files"
                count, megabytes = build_archive(archive, args.archive, args.archive_mb)
                print(f"\nreal archive: {args.archive} repeated\n{header}")
                time_systems(archive, count, megabytes, aitag, fasttext_models, args)
                shutil.rmtree(archive.parent)
            else:
                print(f"\nno real archive: {args.archive} is not a directory (--archive)")
        sample = work / "one.txt"
        sample.write_text(
            json.loads((ROOT / "corpus" / "seeds.jsonl").read_text().splitlines()[5])["text"]
        )
        print(f"\ncold `aitag --help`: {cold([aitag, '--help']):.2f} s (median of 5)")
        print(
            f"cold `aitag predict one.txt`: {cold([aitag, 'predict', str(sample)]):.2f} s (median of 5)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
