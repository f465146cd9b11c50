"""``corpus``: validate, describe and extract the training corpus."""

from __future__ import annotations

import sys

import click

from ..formats import (
    REPORT_FORMATS,
)
from ..formats.safe import one_line, safe_json
from .options import (
    EXIT_ERROR,
    format_option,
    library_errors,
)


@click.group()
def corpus():
    """Check, count and extract the labelled corpus."""


@corpus.command("validate")
@click.argument("path", default="corpus", type=click.Path(exists=True))
@click.option(
    "--against",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="JSONL whose passages the corpus must not copy.",
)
@library_errors
def corpus_validate(path, against):
    """Schema, tags, primary rule, duplicates and near duplicates (also --against FILE)."""
    from ..corpus_checks import validate_corpus

    problems = validate_corpus(path, against)
    for problem in problems:
        click.echo(one_line(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"{one_line(path)}: valid")


@corpus.command("stats")
@click.argument("path", default="corpus", type=click.Path(exists=True))
@format_option(REPORT_FORMATS)
@library_errors
def corpus_stats(path, fmt):
    """Counts per tag, tag combination, source, genre and length."""
    from ..corpus import corpus_stats as stats
    from ..corpus import load_records

    result = stats(load_records(path))
    if fmt == "json":
        click.echo(safe_json(result, indent=2))
        return
    click.echo(
        f"records {result['records']} (train {result['train']}, test {result['test']}), "
        f"untagged {result['untagged']}"
    )
    for section in ("per_tag", "combinations", "primary", "source", "genre", "length"):
        click.echo(f"\n{section.replace('_', ' ')}:")
        for key, count in result[section].items():
            click.echo(f"  {one_line(str(key)):<24} {count:>6}")


@corpus.command("extract-seeds")
@click.option(
    "--raw", default="corpus/raw", show_default=True, type=click.Path(exists=True, file_okay=False)
)
@click.option(
    "--out", default="corpus/seeds.jsonl", show_default=True, type=click.Path(dir_okay=False)
)
@library_errors
def corpus_extract_seeds(raw, out):
    """(Re)extract snippets of the raw seed posts, keeping labels already given."""
    import json
    from pathlib import Path

    from ..atomic import write_atomic
    from ..corpus import load_records
    from ..seeds import check_nothing_labelled_is_lost, extract_seed_snippets

    labelled = {r.id: r for r in load_records(out)} if Path(out).exists() else {}
    records = extract_seed_snippets(raw, labelled)
    check_nothing_labelled_is_lost(labelled, records, out)
    write_atomic(out, "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in records))
    unlabelled = sum(1 for r in records if r.id not in labelled or labelled[r.id].text != r.text)
    click.echo(
        f"wrote {len(records)} snippets to {one_line(out)}; {unlabelled} new or changed (untagged)"
    )
