"""`python -m events` is the command line."""

from events.cli import run

run()
