"""Where reading Markdown goes: each stage of ``parse_bytes`` timed alone, side by side.

Reading, not scoring, is what keeps aitag behind fastText on real posts (docs/speed.md).
This times, on the same files and in the same rounds, each stage of reading a Markdown
file, so that a change to one stage is measured against the others:

- decoding the bytes;
- masking what CommonMark does not know (front matter, shortcodes, math...);
- pyromark's events alone, with and without their byte ranges (the reader needs the
  ranges today; the difference is what a reader that found its positions otherwise
  would save);
- the reader: the events with ranges and the Python loop that turns them into blocks;
- cutting the blocks into located passages (``document_of``);
- the whole of ``parse_bytes``.

    python benchmarks/reading_stages.py [DIR] [--rounds 15]

DIR defaults to the dev documents, ``../shared/eval/docs/files`` (Markdown and MDX only
are timed). Each row is the median over the rounds, in milliseconds per megabyte.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from aitag.readers import decode_bytes, parse_bytes  # noqa: E402
from aitag.readers.markdown import _PARSER, _Reader, read_markdown_blocks  # noqa: E402
from aitag.readers.markdown_masking import masked_markdown  # noqa: E402
from aitag.readers.passages import document_of  # noqa: E402

MARKDOWN = {".md", ".mdx", ".markdown"}


def stages(files: list[Path]) -> dict[str, Callable[[], object]]:
    """Each stage as a call over every file, its input prepared beforehand."""
    raw = [(path.read_bytes(), str(path)) for path in files]
    texts = [decode_bytes(data, name) for data, name in raw]
    masked = [masked_markdown(text)[0] for text in texts]
    blocks = [read_markdown_blocks(text) for text in texts]
    return {
        "decode": lambda: [decode_bytes(data, name) for data, name in raw],
        "mask": lambda: [masked_markdown(text) for text in texts],
        "parser events, no ranges": lambda: [
            list(_PARSER.events(text, merge_text=False)) for text in masked
        ],
        "parser events with ranges": lambda: [
            list(_PARSER.events_with_range(text)) for text in masked
        ],
        "reader (events with ranges + loop)": lambda: [_Reader(text).read() for text in masked],
        "passages (document_of)": lambda: [
            document_of(name, name, text, found, "markdown")
            for (_, name), text, found in zip(raw, texts, blocks)
        ],
        "parse_bytes, all of it": lambda: [list(parse_bytes(data, name)) for data, name in raw],
    }


def measure(calls: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each call, taken in rounds over all of them (one warm-up)."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()
    for _ in range(rounds):
        for name, call in calls.items():
            gc.collect()
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared/eval/docs/files"))
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    files = sorted(p for p in Path(args.folder).rglob("*") if p.suffix.lower() in MARKDOWN)
    if not files:
        raise SystemExit(f"{args.folder}: no Markdown files")
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    medians = measure(stages(files), args.rounds)
    total = medians["parse_bytes, all of it"]
    print(f"{len(files)} files, {megabytes:.2f} MB, median of {args.rounds} rounds\n")
    print("| stage | ms per MB | share of parse_bytes |")
    print("|---|---|---|")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds / megabytes * 1000:.1f} | {seconds / total:.0%} |")


if __name__ == "__main__":
    main()
