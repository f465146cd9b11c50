"""aitag on public posts read and labelled for this project, borderline labels allowed.

The posts themselves are never stored here (LABELS.md: no text from the web enters the
project). ``benchmarks/public_sets/SET.jsonl`` keeps, for each post, where it is
(``source``: owner/repo@commit:path), our labels, the tags its reader hesitated on
(``borderline``) and why (``note``). A session fetches each file with the search tool's
``read_file`` into ``DIR/SET/files/<path>``, writes the set's lines to
``DIR/SET/labels.jsonl``, and runs:

    python benchmarks/public_docs.py DIR [--model models/aitag-default.skops] [--errors]

A tag counts as right when a reader gave it or marked it borderline; a missed tag counts
only when every reader gave it without doubt; a post no reader gave a tag counts as
"untagged", and as tagged only for a tag nobody marked borderline. Files that were not fetched are left out and counted.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from aitag.errors import InputError, InputWarning
from aitag.labels import LABELS
from aitag.predict import Tagger
from aitag.readers import read_documents


def load_set(folder: Path) -> tuple[list[dict], int]:
    """The set's labelled posts whose files are there, and how many are missing."""
    rows = [json.loads(line) for line in (folder / "labels.jsonl").read_text().splitlines() if line]
    present = [row for row in rows if (folder / "files" / row["path"]).is_file()]
    return present, len(rows) - len(present)


def _readings(row: dict) -> tuple[set[str], set[str]]:
    """The tags the readers were sure of (both, where there are two), and the tags that
    count as right whether given or not (given by either, or marked borderline)."""
    first, unsure = set(row["labels"]), set(row.get("borderline", []))
    if "labels2" in row:
        second, unsure2 = set(row["labels2"]), set(row.get("borderline2", []))
        return (first - unsure) & (second - unsure2), first | second | unsure | unsure2
    return first - unsure, first | unsure


def judge(tagger: Tagger, folder: Path, rows: list[dict]) -> dict:
    """Counts per tag (right, wrong, missed), exact label sets, untagged posts tagged."""
    paths = [str(folder / "files" / row["path"]) for row in rows]
    read = [item for item in read_documents(paths) if not isinstance(item, InputWarning)]
    records = [r for r in tagger.predict_documents(read) if not isinstance(r, InputWarning)]
    result: dict = {"posts": len(rows), "exact": 0, "untagged": 0, "untagged_tagged": 0}
    result.update({label: [0, 0, 0] for label in LABELS})
    errors = []
    for row, record in zip(rows, records):
        if isinstance(record, InputError):
            raise SystemExit(f"{row['path']}: cannot be read ({record})")
        sure, allowed = _readings(row)
        given = record["labels"]
        right = True
        for label in LABELS:
            if label in given and label not in allowed:
                result[label][1] += 1
                errors.append(("wrong", label, record["scores"][label], row["path"]))
                right = False
            elif label in given:
                result[label][0] += 1
            elif label in sure:
                result[label][2] += 1
                errors.append(("missed", label, record["scores"][label], row["path"]))
                right = False
        result["exact"] += right
        if not row["labels"] and not row.get("labels2"):  # no reader gave it a tag
            result["untagged"] += 1
            result["untagged_tagged"] += bool(set(given) - allowed)
    result["errors"] = errors
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folder", type=Path, help="a folder of sets, each with files/ and labels.jsonl"
    )
    parser.add_argument("--model", default=None)
    parser.add_argument("--errors", action="store_true", help="list every wrong and missed tag")
    args = parser.parse_args()
    tagger = Tagger.load(args.model)
    sets = sorted(p.parent for p in args.folder.glob("*/labels.jsonl"))
    print(
        "set    posts  missing  exact  untagged tagged  "
        + "  ".join(f"{t} ok/wrong/missed" for t in LABELS)
    )
    for folder in sets:
        rows, missing = load_set(folder)
        result = judge(tagger, folder, rows)
        tags = "  ".join(f"{'/'.join(map(str, result[t])):>{len(t) + 16}}" for t in LABELS)
        untagged = f"{result['untagged_tagged']} of {result['untagged']}"
        print(
            f"{folder.name:6} {result['posts']:5}  {missing:7}  {result['exact']:5}  {untagged:>15}  {tags}"
        )
        if args.errors:
            for kind, label, score, path in sorted(
                result["errors"], key=lambda e: -abs(e[2] - 0.5)
            ):
                print(f"    {kind:6} {label:5} {score:.2f}  {path}")


if __name__ == "__main__":
    main()
