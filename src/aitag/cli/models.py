"""``train`` and ``evaluate``: the commands that make and measure model files."""

from __future__ import annotations

import os

import click

from ..defaults import DISTRIBUTION
from ..formats import (
    REPORT_FORMATS,
)
from ..formats.safe import one_line, safe_json
from .options import (
    format_option,
    library_errors,
    model_option,
    parse_thresholds,
)


@click.command()
@click.option(
    "--corpus",
    default="corpus",
    show_default=True,
    type=click.Path(exists=True),
    help="Corpus folder or file.",
)
@click.option(
    "--out",
    default=None,
    type=click.Path(dir_okay=False),
    help="Model file to write, NAME.skops (its card goes beside it, NAME.card.json); "
    "without it no model is written, only the figures printed.",
)
@click.option("--seed", default=0, show_default=True, help="Seed of folds and solver.")
@click.option(
    "--folds",
    default=5,
    show_default=True,
    type=click.IntRange(min=2),
    help="Cross-validation folds.",
)
@format_option(REPORT_FORMATS)
@library_errors
def train(corpus, out, seed, folds, fmt):
    """Train a model on the corpus's train split; print cross-validated and test figures."""
    from ..formats.metrics import format_metrics
    from ..training import train as train_model

    # Checked before minutes of training: a file there that is not a model file may be
    # the user's (the corpus itself, a post), and the model would replace it.
    if out is not None and os.path.lexists(out) and not out.endswith(".skops"):
        raise click.BadParameter(
            f"{out!r} exists and is not a model file (NAME.skops); choose another name",
            param_hint="'--out'",
        )
    card = train_model(corpus, out, seed=seed, folds=folds)
    if fmt == "json":
        click.echo(safe_json(card, indent=2))
        return
    counts = card["corpus"]
    click.echo(
        f"corpus: {counts['train']} train / {counts['test']} test passages, "
        f"{counts['documents_train']} train / {counts['documents_test']} test documents"
    )
    for key, title in (("thresholds", "passage"), ("document_thresholds", "document")):
        if card.get(key):
            values = ", ".join(f"{k}={v:.2f}" for k, v in card[key].items())
            click.echo(f"{title} thresholds: {values}")
    sections = (
        ("cross_validation", "passages, cross-validated on the train split"),
        ("test_split", "passages, held-out test split"),
        ("document_cross_validation", "documents, cross-validated on the train split"),
        ("document_test_split", "documents, held-out test split"),
    )
    for key, title in sections:
        if card.get(key):
            click.echo(f"\n{title}:")
            click.echo(format_metrics(card[key]))
    if out:
        from ..persist import card_path

        click.echo(f"\nwrote {one_line(str(out))} and {one_line(str(card_path(out)))}")
    else:
        click.echo("\nno model written: give --out NAME.skops to keep it", err=True)


@click.command()
@click.argument("data", type=click.Path(exists=True))
@model_option
@format_option(REPORT_FORMATS)
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    metavar="LABEL=VALUE",
    help="Override a threshold: a document threshold for a folder of documents, a passage "
    "threshold for labelled passages.",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help=f"Also write metrics.json and PNG plots here (pip install '{DISTRIBUTION}[plots]').",
)
@click.option(
    "--intervals",
    is_flag=True,
    help="Add 95% bootstrap intervals of every figure (resampled items, seed 0).",
)
@click.option(
    "--resamples",
    # At most 10,000: a resample holds an index per item, and a hundred million of them
    # asked for 66 GiB.
    type=click.IntRange(min=100, max=10_000),
    default=None,
    help="Bootstrap resamples for the intervals (1000 unless given; implies --intervals).",
)
@click.option(
    "--errors",
    type=click.IntRange(min=1),
    default=None,
    help="Also list the N surest tag errors, each with the passage behind it.",
)
@library_errors
def evaluate(data, model_path, fmt, thresholds, report_dir, intervals, resamples, errors):
    """Measure a model on labelled data: passages (JSON Lines in the format of LABELS.md)
    or whole documents (a folder with labels.jsonl giving each file's path and labels)."""
    from pathlib import Path

    from ..evaluation import INTERVAL_RESAMPLES, evaluate_documents
    from ..evaluation import evaluate as evaluate_model
    from ..formats.metrics import format_metrics
    from ..predict import Tagger

    tagger = Tagger.load(model_path)
    documents = Path(data).is_dir()
    # A threshold given overrides the one that decides this data: documents are decided
    # by the document thresholds, labelled passages by the passage thresholds.
    tagger.override_thresholds(
        parse_thresholds(thresholds), documents=documents, passages=not documents
    )
    # Asking for a number of resamples is asking for the intervals they make.
    resamples = resamples or (INTERVAL_RESAMPLES if intervals else 0)
    errors = errors or 0
    if report_dir:
        from ..report import write_report

        result = write_report(tagger, data, report_dir, resamples, errors)
    elif documents:
        result = evaluate_documents(tagger, data, resamples, errors)
    else:
        result = evaluate_model(tagger, data, resamples, errors)
    if fmt == "json":
        click.echo(safe_json(result, indent=2))
    else:
        click.echo(f"{one_line(data)} with model {one_line(result['model'])}")
        click.echo(format_metrics(result))
        if report_dir:
            click.echo(f"\nwrote {one_line(', '.join(result['files'].values()))}")
