"""CALENDAR.md §2 "Time": the published date is the local date where the event happens."""

from __future__ import annotations

from datetime import UTC, date, datetime

from events.model import Place
from events.rules.dates import local_days, next_issue_date

SEATTLE = Place("Seattle", "US", "WA", "America/Los_Angeles")
BERLIN = Place("Berlin", "DE", None, "Europe/Berlin")


def _days(start, end=None, **kw):
    base = dict(mode="in-person", place=None, home=None, tzid=None, calendar_tz=None)
    return local_days(start, end, **{**base, **kw})


def test_a_utc_one_off_is_dated_at_the_venue() -> None:
    when = _days(datetime(2025, 11, 19, 2, 30, tzinfo=UTC), place=SEATTLE)
    assert (when.first, when.last) == (date(2025, 11, 18), date(2025, 11, 18))


def test_an_online_event_is_dated_at_the_groups_home() -> None:
    when = _days(
        datetime(2025, 11, 19, 23, 30, tzinfo=UTC), mode="online", place=SEATTLE, home=BERLIN
    )
    assert when.first == date(2025, 11, 20)


def test_the_calendars_zone_is_a_guess_said_when_it_decides_the_day() -> None:
    when = _days(datetime(2025, 11, 19, 2, 30, tzinfo=UTC), calendar_tz="America/New_York")
    assert (when.first, when.zone_guessed) == (date(2025, 11, 18), "America/New_York")
    noon = _days(datetime(2025, 11, 19, 12, 0, tzinfo=UTC), calendar_tz="America/New_York")
    assert noon.zone_guessed is None


def test_all_day_events_end_the_day_before_their_exclusive_end() -> None:
    when = _days(date(2026, 5, 18), date(2026, 5, 21))
    assert (when.first, when.last) == (date(2026, 5, 18), date(2026, 5, 20))


def test_issues_come_out_on_wednesdays() -> None:
    assert next_issue_date(date(2025, 11, 19)) == date(2025, 11, 19)
    assert next_issue_date(date(2025, 11, 20)) == date(2025, 11, 26)
