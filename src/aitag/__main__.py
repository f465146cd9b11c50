"""``python -m aitag`` runs the command line."""

from aitag.cli import main

main()
