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
