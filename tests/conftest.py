"""Fixtures shared by the command-line tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).resolve().parents[1] / "fixtures" / "rust-community-calendar.ics"


@pytest.fixture(scope="session")
def plain() -> str:
    """The block of the bundled snapshot for 2025-11-19 + 4 weeks with the shipped registry:
    what the plain command prints (test_draft checks that it is)."""
    import events

    return events.to_markdown(events.upcoming(date(2025, 11, 19), calendars=[str(SNAPSHOT)]))


class Ran:
    """What one in-process run of the command gave, shaped like subprocess.CompletedProcess."""

    def __init__(self, returncode: int, out: bytes, err: bytes) -> None:
        self.returncode = returncode
        self.stdout_bytes = out
        self.stdout = out.decode("utf-8", "replace")
        self.stderr = err.decode("utf-8", "replace")


@pytest.fixture
def cli(monkeypatch):
    """Run `twir-events ARGS…` in this process (a fresh interpreter costs a second each time):
    standard output and error captured as bytes, neither a terminal; `cwd` changed for the run."""
    import gc
    import io
    import sys

    from events.cli import main

    def run(*args: str, cwd: Path | None = None) -> Ran:
        out, err = io.BytesIO(), io.BytesIO()
        stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdout", stdout)
            patch.setattr(sys, "stderr", stderr)
            if cwd is not None:
                patch.chdir(cwd)
            try:
                status = main(list(args))
            except SystemExit as stop:
                status = stop.code if isinstance(stop.code, int) else 1
            finally:
                gc.enable()  # the command turns the collector off for its one short run
                stdout.flush()
                stderr.flush()
        return Ran(status, out.getvalue(), err.getvalue())

    return run
