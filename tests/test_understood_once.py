"""An entry is understood once and its other occurrences re-dated (pipeline `_redating`): the
agenda must be the one given by understanding every occurrence on its own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import events
from events import pipeline
from events.model import FeedData, FeedSpec, Window
from events.stages.render import to_json

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
#: Series whose occurrences are dated apart: a weekend hackathon (two days each time), and a
#: UTC series dated only by the calendar's zone, 01:30 there: the day before in UTC in summer
#: time (which is said), the same day in winter time, across 26 October 2025.
SERIES = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
X-WR-CALNAME:Rust Community
X-WR-TIMEZONE:Europe/Berlin
BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20250906T100000
DTEND;TZID=Europe/Berlin:20250907T180000
RRULE:FREQ=WEEKLY;BYDAY=SA
UID:weekend@google.com
URL:https://www.meetup.com/rust-berlin/events/306046642/
LOCATION:c-base\\, Rungestra\xc3\x9fe 20\\, 10179 Berlin\\, Germany
SUMMARY:Rust Berlin: Weekend Hackathon
END:VEVENT
BEGIN:VEVENT
DTSTART:20250901T233000Z
DTEND:20250902T003000Z
RRULE:FREQ=WEEKLY;BYDAY=MO
UID:late@google.com
SUMMARY:Late Night Rust
END:VEVENT
END:VCALENDAR
"""


def _feeds() -> list[Path | bytes]:
    found: list[Path | bytes] = [SERIES, REPO / "fixtures" / "rust-community-calendar.ics"]
    found += sorted(CORPUS.glob("*.ics"))[:3] if CORPUS.is_dir() else []
    return found


@pytest.mark.parametrize("path", _feeds(), ids=lambda p: getattr(p, "name", "series"))
@pytest.mark.parametrize(
    "first", [date(2025, 10, 15), date(2025, 11, 19), date(2025, 3, 26), date(2024, 10, 23)]
)
def test_re_dating_gives_what_understanding_each_occurrence_gives(path, first, monkeypatch):
    body = path if isinstance(path, bytes) else path.read_bytes()
    feed = FeedData(FeedSpec(name="feed", source="feed.ics"), body, "file")
    window = Window.of_weeks(first, 4)
    once = events.build_agenda([feed], window)
    monkeypatch.setattr(pipeline, "_redating", lambda first, event: None)
    each = events.build_agenda([feed], window)
    assert once.events == each.events and once.problems == each.problems
    # re-dated events share their entry's objects, and their JSON is written once for all
    assert to_json(once) == to_json(each)


def test_a_series_says_each_of_its_warnings_once_while_each_event_carries_them():
    feed = FeedData(FeedSpec(name="feed", source="feed.ics"), SERIES, "file")
    agenda = events.build_agenda([feed], Window.of_weeks(date(2025, 11, 19), 4))
    late = [e for e in agenda.events if e.uid == "late@google.com"]
    said = [p for p in agenda.problems if p.uid == "late@google.com"]
    assert len(late) == 4 and all(e.problems for e in late)
    assert said and len(said) == len(set(said)) == len(late[0].problems)
