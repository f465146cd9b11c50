"""The ``aitag`` command: parses arguments, calls the library, prints.

Exit codes: 0 success; 1 ``audit`` found something at or above ``--fail-level``;
2 usage errors, unreadable inputs (after the rest of the batch was done) and bad model
files. Heavy modules are imported inside commands, so ``aitag --help`` starts at once.
"""

from __future__ import annotations

import click

from ..defaults import DISTRIBUTION
from .corpus import corpus
from .models import evaluate, train
from .tagging import audit, explain, predict


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION)
def main() -> None:
    """Tag articles with the AI concepts they discuss: AI, ML, LLM, GenAI."""


for _command in (predict, audit, explain, train, evaluate, corpus):
    main.add_command(_command)
