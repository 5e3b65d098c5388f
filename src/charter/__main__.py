"""`python -m charter` runs the command-line interface."""

from charter.cli.app import run

run()
