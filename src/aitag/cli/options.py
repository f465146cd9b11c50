"""What the commands share: typed errors to one line, input and format options, threshold
overrides, and how reported items (errors, warnings) are counted and shown."""

from __future__ import annotations

import functools
import sys

import click

from ..defaults import MODEL_ENV
from ..formats import (
    format_help,
)

EXIT_FINDINGS = 1
EXIT_ERROR = 2


class CliError(click.ClickException):
    """A one-line error from the library, shown without a traceback."""

    exit_code = EXIT_ERROR


def library_errors(command):
    """Turn aitag's typed errors into one-line messages and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from ..errors import AitagError, printable

        try:
            return command(*args, **kwargs)
        except AitagError as error:
            # One line, and nothing a file name or a model card holds reaches the terminal raw.
            raise CliError(printable(str(error))) from None
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): stop quietly
            sys.exit(0)
        except OSError as error:
            # The system refused a file the command writes or reads outside the batch's
            # inputs (--output in a missing directory, a full disk): one line naming it.
            where = f"{printable(str(error.filename))}: " if error.filename else ""
            raise CliError(f"{where}{error.strerror or error}") from None

    return wrapper


def input_options(command):
    """Options shared by every command that reads documents."""
    from ..defaults import DEFAULT_ID_FIELD, DEFAULT_MAX_BYTES, DEFAULT_TEXT_FIELD, DEFAULT_TIMEOUT
    from ..readers import FORMATS

    options = [
        click.option(
            "--input-format",
            type=click.Choice(FORMATS),
            default="auto",
            show_default=True,
            help="How to read inputs; auto goes by extension, then by content.",
        ),
        click.option(
            "--text-field",
            default=DEFAULT_TEXT_FIELD,
            show_default=True,
            help="Text column of JSONL/CSV rows.",
        ),
        click.option(
            "--id-field",
            default=DEFAULT_ID_FIELD,
            show_default=True,
            help="Id column of JSONL/CSV rows; a row without one is named by its row number "
            "(said once a file for a column you name).",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=DEFAULT_MAX_BYTES,
            show_default=True,
            help="Refuse documents larger than this.",
        ),
        click.option(
            "--whole-page",
            is_flag=True,
            help="Read the whole of HTML pages (sidebars, comments, related posts, "
            "banners), not just their main content; navigation, footers, forms and "
            "scripts stay out either way.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            help="Seconds a document may take to read and tag; one that takes longer is "
            "reported and skipped (0: no limit; checked every quarter of a second).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def document_inputs(command):
    """PATHS, the reading options and --model: what every document command takes."""
    return click.argument("paths", nargs=-1, required=True)(input_options(model_option(command)))


def format_option(names: tuple[str, ...]):
    """--format, from the one vocabulary of :mod:`aitag.formats`; the first name is the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(names),
        default=names[0],
        show_default=True,
        help=format_help(names),
    )


model_option = click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False),
    envvar=MODEL_ENV,
    default=None,
    help=f"Model file (.skops with its .card.json); default: ${MODEL_ENV}, else the shipped model.",
)


def parse_thresholds(values: tuple[str, ...]) -> dict[str, float]:
    """``LABEL=VALUE`` options as a dict; a bad one is a usage error naming it."""
    from ..defaults import check_threshold
    from ..labels import check_label

    thresholds = {}
    for value in values:
        label, _, number = value.partition("=")
        try:
            tag = check_label(label)
            thresholds[tag] = check_threshold(tag, float(number))
        except ValueError as error:
            raise click.BadParameter(
                f"{value!r}: expected LABEL=VALUE with VALUE between 0 and 1, e.g. LLM=0.4 "
                f"({error})",
                param_hint="'--threshold'",
            ) from None
    return thresholds


def reported(item) -> str | None:
    """Report an input error or warning on stderr; say which it was (None for a record)."""
    if isinstance(item, dict):
        return None
    from ..errors import InputError, InputWarning

    if isinstance(item, InputError):
        if item.shown:
            click.echo(f"aitag: skipped {item}", err=True)
        return "error"
    if isinstance(item, InputWarning):
        click.echo(f"aitag: warning: {item}", err=True)
        return "warning"
    return None


def gather(results) -> tuple[list[dict], int]:
    """The records of a stream, each input error reported on stderr: (records, failed)."""
    records, failed = [], 0
    for item in results:
        kind = reported(item)
        if kind is None:
            records.append(item)
        failed += kind == "error"
    return records, failed


def read_inputs(paths, input_format, text_field, id_field, max_bytes, whole_page):
    """The documents of the command line's inputs, each read within the time budget
    (call inside :func:`aitag.limits.time_limits`); unreadable inputs stay in place as
    InputErrors."""
    from ..readers import expand_inputs
    from ..streams import read_within_budget

    unread: list = []
    yield from read_within_budget(
        expand_inputs(paths, unread), input_format, text_field, id_field, max_bytes,
        whole_page=whole_page,
    )  # fmt: skip
    yield from unread  # filled as the walks end
