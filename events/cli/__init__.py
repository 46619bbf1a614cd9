"""The `twir-events` command, a thin layer over the library (`events.pipeline`)."""

from events.cli.main import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
